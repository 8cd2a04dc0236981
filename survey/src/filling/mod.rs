//! One citizen filling one survey: the session state machine (`session`).

pub mod session;
pub mod wording;
