//! The comments export: every free-text answer, masked again on the way out, without the
//! response id, so that staff can summarise what citizens said apart from the counts.

use crate::csv::write::Cell;
use crate::definition::answer::Answer;
use crate::records::gate::CheckedRecord;
use crate::records::privacy::mask_identifiers;

/// The columns of the comments export.
pub const COMMENT_COLUMNS: [&str; 6] = ["day", "unit", "counter", "field", "question_id", "comment"];

/// Every free-text answer of these records (comments and the text of "Khác"), masked again on
/// the way out, one row each, without the response id: the comments export, which staff choose
/// explicitly and apart from the tallies.
pub fn comment_rows<'a>(records: impl IntoIterator<Item = &'a CheckedRecord>) -> Vec<Vec<Cell>> {
    let text = |value: &Option<String>| value.as_ref().map_or(Cell::Empty, |value| Cell::Text(value.clone()));
    let mut rows = Vec::new();
    for record in records {
        let day = Cell::Text(record.vietnam_day().to_string());
        for (question_id, answer) in &record.answers {
            let comment = match answer {
                Answer::Text(comment) => Some(comment),
                Answer::Choices(choices) => choices.other.as_ref(),
                _ => None,
            };
            if let Some(comment) = comment.filter(|comment| !comment.trim().is_empty()) {
                rows.push(vec![
                    day.clone(),
                    text(&record.unit),
                    text(&record.counter),
                    text(&record.field),
                    Cell::Text(question_id.clone()),
                    Cell::Text(mask_identifiers(comment)),
                ]);
            }
        }
    }
    rows
}
