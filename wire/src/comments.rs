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
