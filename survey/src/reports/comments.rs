//! The comments export: every free-text answer, masked again on the way out, without the
//! response id, so that staff can summarise what citizens said apart from the counts.

use std::collections::BTreeMap;

use crate::csv::write::Cell;
use crate::definition::answer::{Answer, comments};
use crate::definition::model::{Question, Survey};
use crate::records::gate::CheckedRecord;
use crate::records::privacy::mask_identifiers;
use crate::records::record::ResponseRecord;
use crate::results::topics::{CommentKey, Tag};

/// The columns of the comments export.
pub const COMMENT_COLUMNS: [&str; 6] = ["day", "unit", "counter", "field", "question_id", "comment"];

/// The columns the server's comments export adds: what staff tagged each comment with.
pub const TAG_COLUMNS: [&str; 2] = ["topics", "quotable"];

/// Every free-text answer of these records (comments and the text of "Khác"), masked again on
/// the way out, one row each, without the response id: the comments export, which staff choose
/// explicitly and apart from the tallies. With `tags`, each row ends with the comment's topics
/// (joined by "; ") and whether it may be quoted ([`TAG_COLUMNS`]).
pub fn comment_rows<'a>(
    records: impl IntoIterator<Item = &'a CheckedRecord>,
    tags: Option<&BTreeMap<CommentKey, Tag>>,
) -> Vec<Vec<Cell>> {
    let text = |value: &Option<String>| value.as_ref().map_or(Cell::Empty, |value| Cell::Text(value.clone()));
    let mut rows = Vec::new();
    for record in records {
        let day = Cell::Text(record.vietnam_day().to_string());
        for (question_id, comment) in comments(&record.answers) {
            let mut row = vec![
                day.clone(),
                text(&record.unit),
                text(&record.counter),
                text(&record.field),
                Cell::Text(question_id.clone()),
                Cell::Text(mask_identifiers(comment)),
            ];
            if let Some(tags) = tags {
                let tag = tags.get(&(record.response_id.clone(), question_id.clone())).cloned().unwrap_or_default();
                row.push(Cell::Text(tag.topics.join("; ")));
                row.push(Cell::Integer(u64::from(tag.quotable)));
            }
            rows.push(row);
        }
    }
    rows
}

/// What a response answered, in the survey's words: "question: answer" for each choice-like
/// question answered, so staff see what a flagged or unfinished response said.
pub fn answers_in_words(survey: &Survey, record: &ResponseRecord) -> String {
    let label = |question: &Question, code: &str| {
        question
            .kind
            .choices()
            .into_iter()
            .find(|choice| choice.code == code)
            .map_or(code.to_owned(), |choice| choice.label.vi)
    };
    let said: Vec<String> = survey
        .questions()
        .iter()
        .filter_map(|question| {
            let answer = match record.answers.get(&question.id)? {
                Answer::Choice(code) => label(question, code),
                Answer::Choices(choices) => {
                    choices.codes.iter().map(|code| label(question, code)).collect::<Vec<_>>().join(", ")
                }
                Answer::Number(number) => number.to_string(),
                Answer::Matrix(levels) => format!("{} mục / items", levels.len()),
                Answer::Text(_) => "(ý kiến / a comment)".into(),
            };
            Some(format!("{}: {answer}", question.text.vi))
        })
        .collect();
    if said.is_empty() { "không trả lời câu nào / nothing answered".into() } else { said.join("; ") }
}
