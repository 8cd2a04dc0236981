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

/// The answer of `GET` [`FOLLOWUPS`]: the period's low ratings in reach, those not yet followed
/// up first, then the newest, with the period's figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUps {
    pub format: u32,
    pub period: String,
    pub figure: survey::results::followup::FollowUpFigure,
    pub items: Vec<LowRating>,
}

/// A low rating, with what the citizen said and whether it was followed up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LowRating {
    pub response_id: String,
    /// The survey's title.
    pub survey: String,
    pub submitted_at: String,
    pub unit: String,
    pub unit_name: Option<String>,
    pub counter: Option<String>,
    pub counter_name: Option<String>,
    /// The answers, in words.
    pub said: String,
    /// What the citizen wrote, masked.
    pub comments: Vec<String>,
    pub followed: Option<Followed>,
}

/// When a low rating was followed up, by whom, and what was done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Followed {
    pub at: String,
    pub by: String,
    pub note: String,
}

/// The answer of `GET` [`REPLIES`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub format: u32,
    pub unit: String,
    pub period: String,
    pub text: String,
}
