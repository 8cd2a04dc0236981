//! What the responses add up to: reporting periods, tallies (additive counts), the official
//! indices derived from them, tallies kept per day and month as responses arrive (`kept`), dossier denominators, the Thông tư 01 indicators staff enter from
//! the agency's systems (`entered`), and certified (locked) periods.

pub mod certify;
pub mod denominator;
pub mod entered;
pub mod followup;
pub mod index;
pub mod kept;
pub mod names;
pub mod period;
pub mod suppress;
pub mod tally;
pub mod tally_csv;
pub mod topics;
