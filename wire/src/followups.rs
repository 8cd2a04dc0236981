//! Following up low ratings, and a unit's reply for a period ("what we did").

use serde::{Deserialize, Serialize};

/// `GET` a period's low ratings in reach ([`FollowUpQuery`]).
pub const FOLLOWUPS: &str = "/api/v1/followups";
/// `POST` a low rating followed up ([`FollowUpBody`]).
pub const FOLLOWUP: &str = "/api/v1/followups/{response_id}";
/// `GET` and `PUT` ([`ReplyBody`]) what a unit did in a period.
pub const REPLIES: &str = "/api/v1/replies/{unit}/{period}";
/// The format of the answer of `GET` [`FOLLOWUPS`].
pub const FOLLOWUPS_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpQuery {
    pub period: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpBody {
    /// What was done about it.
    pub note: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    pub text: String,
}
