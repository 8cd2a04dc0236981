//! The server's routes, one file per concern. Each handler takes its request through the kit of
//! `crate::http` (a signed-in staff member, a JSON body, the records in reach), asks the
//! account's access, and reads or writes through `crate::storage`; `crate::app` holds the table
//! of paths.

pub mod certifying;
pub mod city;
pub mod collect;
pub mod comments;
pub mod digest;
pub mod exports;
pub mod followups;
pub mod kiosks;
pub mod phone;
pub mod report;
pub mod results;
