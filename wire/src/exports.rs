//! The staff's files: the tally, index and raw CSVs, the report for the level above, and
//! single-use codes.

use serde::{Deserialize, Serialize};

/// The tally CSV ([`TallyQuery`]).
pub const TALLY_CSV: &str = "/api/v1/tally.csv";
/// The index CSV ([`TallyQuery`]).
pub const INDEX_CSV: &str = "/api/v1/index.csv";
/// The raw responses of one survey version as CSV ([`RawQuery`]).
pub const RESPONSES_CSV: &str = "/api/v1/responses.csv";
/// The report for the level above, HTML or XLSX ([`ReportQuery`]).
pub const REPORT: &str = "/api/v1/report";
/// `POST` single-use codes ([`TokenRequest`]).
pub const TOKENS: &str = "/api/v1/tokens";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuery {
    /// `id@version`: a raw file holds one survey version.
    pub survey: String,
    #[serde(default)]
    pub profile: Option<String>,
}

/// The filters of `GET /api/v1/tally.csv` and `index.csv`, named as `hailong tally`'s flags.
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TallyQuery {
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(default)]
    pub include_misuse: Option<bool>,
    #[serde(default)]
    pub min_n: Option<u64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// `id@version`.
    pub survey: String,
    pub period: String,
    /// The unit; absent for the whole server.
    #[serde(default)]
    pub unit: Option<String>,
    /// `html` (the default) or `xlsx`.
    #[serde(default)]
    pub format: Option<String>,
    /// The internal report, with figures per officer (for those who may read them).
    #[serde(default)]
    pub internal: bool,
}

/// What `POST /api/v1/tokens` asks for: a sheet of tokens for a counter, or one for a dossier.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[serde(default)]
    pub count: Option<usize>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub counter: Option<String>,
    #[serde(default)]
    pub dossier: Option<String>,
}

/// The answer of `POST` [`TOKENS`]: the codes, shown this once (the server keeps their hashes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    pub tokens: Vec<String>,
}
