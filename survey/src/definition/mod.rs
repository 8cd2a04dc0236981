//! What a survey is: the definition file as written (`def`), the validated model a program may
//! rely on (`model`, made only by `validate`), conditions and scoring rules, the model written as Rust for embedding (`embed`), what an answer is
//! (`answer`), and the catalog of surveys a tally or a file is read against.

pub mod answer;
pub mod catalog;
pub mod condition;
pub mod def;
pub mod embed;
pub mod model;
pub mod scoring;
pub mod validate;
