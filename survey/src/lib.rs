//! The pure core of Hài Lòng: what a survey is, what a stored response looks like, and how
//! responses become the tallies that wards publish.
//!
//! This crate does no I/O and knows nothing of Yew, the DOM, HTTP or SQL, so that the kiosk in
//! the browser, the `hailong` server and the command-line tools all share one tested
//! implementation. Time and randomness come in from the caller: nothing here reads a clock.
//!
//! The folders follow a response's life, and each imports only from those listed before it
//! (a repository test holds it): the leaf files (`text`, `vn_time`, `digest`), then `csv`, then
//! `definition`, `records`, then `filling` and `results` (neither sees the other), then
//! `reports`, the only folder that writes HTML or SVG. Every item has one path: nothing is
//! re-exported.

pub mod digest;
pub mod text;
pub mod vn_time;

pub mod csv;
pub mod definition;
pub mod records;

pub mod filling;
pub mod results;

pub mod reports;
