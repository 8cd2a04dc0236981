//! The pure core of Hài Lòng: what a survey is, what a stored response looks like, and how
//! responses become the tallies that wards publish.
//!
//! This crate does no I/O and knows nothing of Yew, the DOM, HTTP or SQL, so that the kiosk in
//! the browser, the `hailong` server and the command-line tools all share one tested
//! implementation. Time and randomness come in from the caller: nothing here reads a clock.

pub mod answer;
pub mod backup;
pub mod certify;
pub mod condition;
pub mod def;
pub mod denominator;
pub mod export;
pub mod import;
pub mod index;
pub mod model;
pub mod period;
pub mod privacy;
pub mod publish;
#[cfg(feature = "qr")]
pub mod qr;
pub mod raw;
pub mod record;
pub mod session;
pub mod sync;
pub mod tally;
pub mod text;
pub mod vn_time;
#[cfg(feature = "xlsx")]
pub mod xlsx;

pub use answer::{Answer, Choices, Violation};
pub use def::SurveyDef;
pub use model::{DefError, Problem, ProblemKind, Survey};
pub use record::{Channel, RecordError, ResponseRecord};
pub use session::{Event, Normalizer, Outcome, RecordContext, Session};
pub use text::{Lang, Text};
