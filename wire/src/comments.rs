//! What citizens wrote: the comments of a period, their tags, a unit's topics, the CSV.

use serde::{Deserialize, Serialize};

/// `GET` a period's comments in reach ([`CommentsQuery`]).
pub const COMMENTS: &str = "/api/v1/comments";
/// The comments of a period as CSV ([`CommentsQuery`]).
pub const COMMENTS_CSV: &str = "/api/v1/comments.csv";
/// `PUT` a comment's tags ([`TagBody`]).
pub const TAGS: &str = "/api/v1/comments/{response_id}/{question_id}";
/// `GET` and `PUT` ([`TopicsBody`]) a unit's topics.
pub const TOPICS: &str = "/api/v1/topics/{unit}";
/// The format of the answer of `GET` [`COMMENTS`].
pub const COMMENTS_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentsQuery {
    pub period: String,
    #[serde(default)]
    pub profile: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagBody {
    pub topics: Vec<String>,
    #[serde(default)]
    pub quotable: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicsBody {
    pub topics: Vec<String>,
}

/// The answer of `GET` [`COMMENTS`]: every comment of the period's responses in reach, masked,
/// those not yet tagged first, then the newest, with each unit's topics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comments {
    pub format: u32,
    pub period: String,
    /// Each unit's topics, for the units of the comments listed.
    pub topics: std::collections::BTreeMap<String, Vec<String>>,
    pub items: Vec<Comment>,
}

/// A comment: never the officer, the counter or the time, only the day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub response_id: String,
    pub question_id: String,
    pub question: Option<String>,
    pub day: String,
    pub unit: String,
    pub unit_name: Option<String>,
    pub text: String,
    pub topics: Vec<String>,
    pub quotable: bool,
    pub tagged: bool,
    /// Its response is certified: its tags are kept with the certificate.
    pub locked: bool,
}

/// The answer of `GET` [`TOPICS`]: the unit's topics, and whether the list is its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Topics {
    pub format: u32,
    pub unit: String,
    pub topics: Vec<String>,
    pub own: bool,
}
