//! One citizen filling one survey: the session state machine (`session`) and the masking of
//! identifiers in what they type (`privacy`).

pub mod privacy;
pub mod session;
