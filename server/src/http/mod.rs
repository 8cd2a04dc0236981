//! The HTTP kit under every route: the one error, the server's state and clock, the extractors
//! (the client's address, a signed-in staff member with their reach, a JSON body), access and
//! the session, the records a staff member may read, and the pages' headers.
//!
//! A route (`crate::routes`) takes what it needs from here and holds only what is its own.

pub mod access;
pub mod error;
#[macro_use]
pub mod extract;
pub mod pages;
pub mod reading;
pub mod session;
pub mod state;
