//! What citizens wrote, sorted: staff tag each comment (masked, as stored) with topics from their
//! unit's list and mark the ones that may be quoted once they have read them; a certificate
//! keeps the period's tags summed per unit ([`CommentsSummary`]), which the published page
//! shows (`reports::said`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::records::gate::CheckedRecord;
use crate::records::privacy::mask_identifiers;

/// The topics a unit starts with, until it sets its own.
pub const DEFAULT_TOPICS: [&str; 6] = [
    "Thái độ phục vụ",
    "Thời gian chờ và giải quyết",
    "Thủ tục và giấy tờ",
    "Hướng dẫn và thông tin",
    "Cơ sở vật chất",
    "Khác",
];

/// The most topics a unit's list may hold.
pub const MOST_TOPICS: usize = 30;

/// The longest topic, in characters.
pub const MAX_TOPIC_CHARS: usize = 80;

/// A unit's list of topics as typed, checked: each trimmed and NFC, not empty, at most
/// [`MAX_TOPIC_CHARS`] characters without control or format characters, none twice (whatever the case),
/// one to [`MOST_TOPICS`] of them. The error names the entry (`topics[2]`).
pub fn check_topics(typed: &[String]) -> Result<Vec<String>, String> {
    if typed.is_empty() || typed.len() > MOST_TOPICS {
        return Err(format!("topics: give 1 to {MOST_TOPICS} topics, not {}", typed.len()));
    }
    let mut kept: Vec<String> = Vec::with_capacity(typed.len());
    for (at, topic) in typed.iter().enumerate() {
        let topic = crate::text::nfc(topic.trim());
        if topic.is_empty() {
            return Err(format!("topics[{at}]: empty"));
        }
        if topic.chars().count() > MAX_TOPIC_CHARS || topic.chars().any(crate::text::is_refused_in_names) {
            return Err(format!("topics[{at}]: at most {MAX_TOPIC_CHARS} characters on one line"));
        }
        if kept.iter().any(|known| known.to_lowercase() == topic.to_lowercase()) {
            return Err(format!("topics[{at}]: `{topic}` is listed twice"));
        }
        kept.push(topic);
    }
    Ok(kept)
}

/// What staff said of one comment: its topics (of its unit's list) and whether it may be quoted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    pub topics: Vec<String>,
    #[serde(default)]
    pub quotable: bool,
}

/// The comments of one unit's responses in a certified period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitComments {
    /// Comments written (each free-text answer, and each text of "Khác").
    pub comments: u64,
    /// Of them, those tagged with at least one topic.
    pub tagged: u64,
    /// Comments tagged with each topic; one comment may have several.
    pub topics: BTreeMap<String, u64>,
    /// The comments staff marked quotable, masked, oldest first.
    pub quotable: Vec<String>,
}

impl UnitComments {
    fn add(&mut self, other: &UnitComments) {
        self.comments += other.comments;
        self.tagged += other.tagged;
        for (topic, count) in &other.topics {
            *self.topics.entry(topic.clone()).or_default() += count;
        }
        self.quotable.extend(other.quotable.iter().cloned());
    }
}

/// A certified period's comments by unit code ("" for responses without a unit).
pub type CommentsSummary = BTreeMap<String, UnitComments>;

/// The key of one comment: its response's id and its question's id.
pub type CommentKey = (String, String);

/// Summarises the comments of these records with the tags given, by unit; responses flagged as
/// misuse are left out, as they are of the figures.
pub fn summarise<'a>(
    records: impl IntoIterator<Item = &'a CheckedRecord>,
    tags: &BTreeMap<CommentKey, Tag>,
) -> CommentsSummary {
    let mut summary = CommentsSummary::new();
    let mut records: Vec<&CheckedRecord> = records.into_iter().filter(|record| record.misuse.is_none()).collect();
    records.sort_by(|a, b| a.submitted_at.cmp(&b.submitted_at));
    for record in records {
        for (question_id, text) in crate::definition::answer::comments(&record.answers) {
            let unit = summary.entry(record.unit.clone().unwrap_or_default()).or_default();
            unit.comments += 1;
            let Some(tag) = tags.get(&(record.response_id.clone(), question_id.clone())) else { continue };
            if !tag.topics.is_empty() {
                unit.tagged += 1;
            }
            for topic in &tag.topics {
                *unit.topics.entry(topic.clone()).or_default() += 1;
            }
            if tag.quotable {
                unit.quotable.push(mask_identifiers(text));
            }
        }
    }
    summary
}

/// The comments of the units `shown` says, summed.
pub fn summed(summary: &CommentsSummary, shown: impl Fn(&str) -> bool) -> UnitComments {
    let mut sum = UnitComments::default();
    for (_, unit) in summary.iter().filter(|(code, _)| shown(code)) {
        sum.add(unit);
    }
    sum
}

/// The most quotable comments a published page or a report shows.
pub const QUOTES_SHOWN: usize = 5;

/// What may be published of a unit's sorted comments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedComments {
    /// Comments tagged with each topic, most first; None where fewer than the minimum were
    /// sorted (withheld, as small groups are).
    pub topics: Option<Vec<(String, u64)>>,
    /// Up to [`QUOTES_SHOWN`] quotable comments, the newest first, masked again.
    pub quotes: Vec<String>,
}

impl UnitComments {
    /// What the published page and the report show of these comments: one rule for both.
    pub fn published(&self, min_n: u64) -> PublishedComments {
        let topics = (self.tagged >= min_n).then(|| {
            let mut topics: Vec<(String, u64)> =
                self.topics.iter().map(|(topic, count)| (topic.clone(), *count)).collect();
            topics.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
            topics
        });
        let quotes =
            self.quotable.iter().rev().take(QUOTES_SHOWN).map(|quote| mask_identifiers(quote.trim())).collect();
        PublishedComments { topics, quotes }
    }
}

/// The reasons citizens chose for one multiple-choice question of a survey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReasonsChosen {
    pub question: crate::text::Text,
    pub answered: u64,
    /// Each option's label and how many chose it, most chosen first; None where fewer than the
    /// minimum answered (withheld, as small groups are).
    pub chosen: Option<Vec<(crate::text::Text, u64)>>,
}

/// The reasons chosen in `totals`, for every multiple-choice question of `survey` that has
/// counts: the published page's and the report's one rule.
pub fn reasons_chosen(
    survey: &crate::definition::model::Survey,
    totals: &crate::results::tally::GroupCounts,
    min_n: u64,
) -> Vec<ReasonsChosen> {
    survey
        .questions()
        .iter()
        .filter(|question| matches!(question.kind, crate::definition::model::QuestionKind::MultipleChoice { .. }))
        .filter_map(|question| {
            let counts = totals.questions.get(&question.id)?;
            let chosen = (counts.answered >= min_n).then(|| {
                let mut chosen: Vec<(crate::text::Text, u64)> = question
                    .kind
                    .choices()
                    .into_iter()
                    .map(|choice| {
                        let count = counts.options.get(&choice.code).copied().unwrap_or(0);
                        (choice.label, count)
                    })
                    .collect();
                chosen.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
                chosen
            });
            Some(ReasonsChosen { question: question.text.clone(), answered: counts.answered, chosen })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_topics_is_kept_trimmed_and_refused_by_entry() {
        let typed = |list: &[&str]| check_topics(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(typed(&[" Thái độ ", "Khác"]), Ok(vec!["Thái độ".to_owned(), "Khác".to_owned()]));
        assert_eq!(typed(&["Khác", "  "]), Err("topics[1]: empty".to_owned()));
        assert!(typed(&["Khác", "khác"]).unwrap_err().starts_with("topics[1]:"));
        assert!(typed(&["a\u{7}b"]).unwrap_err().starts_with("topics[0]:"));
        assert!(typed(&[]).is_err());
        assert!(check_topics(&["x".repeat(MAX_TOPIC_CHARS + 1)]).is_err());
        // Decomposed diacritics are kept composed (where the core normalises: the server).
        #[cfg(feature = "nfc")]
        assert_eq!(typed(&["Thu\u{309}  tục"]), Ok(vec!["Thủ  tục".to_owned()]));
    }
}
