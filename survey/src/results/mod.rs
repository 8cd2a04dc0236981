//! What the responses add up to: reporting periods, tallies (additive counts), the official
//! indices derived from them, dossier denominators, and certified (locked) periods.

pub mod certify;
pub mod denominator;
pub mod index;
pub mod period;
pub mod tally;
pub mod tally_csv;
