//! Raw response CSV: one row per response, one column per question (per item of a matrix).
//!
//! It carries everything a record holds, so that kiosks' exports can be merged elsewhere and
//! re-imported without loss; `raw export → import` returns the same records in every profile.
//! A file holds one survey version: its header is exactly that version's columns, so a file of
//! another survey, or of an unknown version, is refused at its first line.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::io::{BufRead, Read};
use std::sync::Arc;

use crate::csv::read::{self, CsvError, CsvFile, Row};
use crate::csv::write::{Cell, CsvProfile};
use crate::definition::answer::{Answer, Choices};
use crate::definition::catalog::Catalog;
use crate::definition::model::{QuestionKind, Survey};
use crate::records::gate::{CheckedRecord, Gate};
use crate::records::record::{Channel, RECORD_FORMAT, RecordError, ResponseRecord};

/// The columns every raw file starts with.
pub const RAW_FIXED: [&str; 12] = [
    "response_id",
    "survey_id",
    "survey_version",
    "submitted_at",
    "channel",
    "unit",
    "counter",
    "staff",
    "field",
    "device_id",
    "misuse",
    "partial",
];

/// What one answer column holds.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Column {
    /// The whole answer of a question: a code, codes joined by `|`, a number or text.
    Answer { question: String },
    /// The text of "Khác" of a multiple-choice question.
    Other { question: String },
    /// One matrix item's level.
    Item { question: String, item: String },
}

fn columns_of(survey: &Survey) -> Vec<(String, Column)> {
    let mut columns = Vec::new();
    for question in survey.questions() {
        let id = question.id.clone();
        match &question.kind {
            QuestionKind::Matrix { items, .. } => {
                for item in items {
                    columns.push((
                        format!("{id}.{}", item.id),
                        Column::Item { question: id.clone(), item: item.id.clone() },
                    ));
                }
            }
            QuestionKind::MultipleChoice { other, .. } => {
                columns.push((id.clone(), Column::Answer { question: id.clone() }));
                if other.is_some() {
                    columns.push((format!("{id}.other"), Column::Other { question: id.clone() }));
                }
            }
            _ => columns.push((id.clone(), Column::Answer { question: id })),
        }
    }
    columns
}

/// The header of a raw file of this survey version.
pub fn raw_header(survey: &Survey) -> Vec<String> {
    RAW_FIXED.iter().map(|name| name.to_string()).chain(columns_of(survey).into_iter().map(|(name, _)| name)).collect()
}

/// Writes the records of one survey version as raw CSV; records of other surveys are left out.
pub fn write_raw<'a>(
    survey: &Survey,
    records: impl IntoIterator<Item = &'a CheckedRecord>,
    profile: CsvProfile,
) -> Vec<u8> {
    let header = raw_header(survey);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut out = profile.start(&header);
    out.extend(profile.write_rows(&raw_rows(survey, records)));
    out
}

/// The raw file's rows of the records of one survey version (records of other surveys are
/// left out), for a file written in parts after its header ([`CsvProfile::start`]).
pub fn raw_rows<'a>(survey: &Survey, records: impl IntoIterator<Item = &'a CheckedRecord>) -> Vec<Vec<Cell>> {
    let columns = columns_of(survey);
    let text = |value: &Option<String>| value.as_ref().map_or(Cell::Empty, |value| Cell::Text(value.clone()));
    records
        .into_iter()
        .filter(|record| record.survey_id == survey.id() && record.survey_version == survey.version())
        .map(|record| {
            let mut cells = vec![
                Cell::Text(record.response_id.clone()),
                Cell::Text(record.survey_id.clone()),
                Cell::Text(record.survey_version.clone()),
                Cell::Text(record.submitted_at.clone()),
                Cell::Text(record.channel.name().into()),
                text(&record.unit),
                text(&record.counter),
                text(&record.staff),
                text(&record.field),
                text(&record.device_id),
                text(&record.misuse),
                Cell::Integer(u64::from(record.partial)),
            ];
            for (_, column) in &columns {
                cells.push(match column {
                    Column::Answer { question } => match record.answers.get(question) {
                        Some(Answer::Choice(code)) => Cell::Text(code.clone()),
                        Some(Answer::Choices(choices)) => Cell::Text(choices.codes.join("|")),
                        Some(Answer::Number(number)) => Cell::Signed(*number),
                        Some(Answer::Text(text)) => Cell::Text(text.clone()),
                        Some(Answer::Matrix(_)) | None => Cell::Empty,
                    },
                    Column::Other { question } => match record.answers.get(question) {
                        Some(Answer::Choices(choices)) => text(&choices.other),
                        _ => Cell::Empty,
                    },
                    Column::Item { question, item } => match record.answers.get(question) {
                        Some(Answer::Matrix(levels)) => {
                            levels.get(item).map_or(Cell::Empty, |code| Cell::Text(code.clone()))
                        }
                        _ => Cell::Empty,
                    },
                });
            }
            cells
        })
        .collect()
}

/// The survey of a raw file, and which of its answer columns sits at which index.
type Layout = (Arc<Survey>, Vec<(usize, Column)>);

/// Reads a raw file one record at a time.
pub struct RawReader<R: Read> {
    file: CsvFile<R>,
    survey: Option<Layout>,
    pending: Option<Row>,
    /// Ids seen in this file (as numbers, to keep a million of them small), with their line:
    /// a file never holds one response twice.
    lines_by_id: HashMap<u128, u64>,
    gate: Gate,
}

/// Opens a raw file, finding its survey version in `catalog` from the first row; every record
/// read passes `gate`.
pub fn read_raw<R: BufRead>(input: R, catalog: &Catalog, gate: Gate) -> Result<RawReader<R>, CsvError> {
    let mut file = read::open(input)?;
    for (index, expected) in RAW_FIXED.iter().enumerate() {
        let found = file.header.get(index).map(String::as_str).unwrap_or("");
        if found != *expected {
            return Err(CsvError::at(
                1,
                None,
                format!("not a raw response export: column {} is `{found}` where `{expected}` was expected", index + 1),
            ));
        }
    }
    let pending = file.next_row().transpose()?;
    let survey = match &pending {
        None => None,
        Some(row) => {
            let (id, version) = (&row.cells[1], &row.cells[2]);
            let survey = catalog.get(id, version).ok_or_else(|| {
                CsvError::at(
                    row.line,
                    Some("survey_version"),
                    format!("no definition of survey `{id}` version `{version}` is known; add it with --defs"),
                )
            })?;
            let expected = raw_header(survey);
            if file.header != expected {
                let at = expected
                    .iter()
                    .zip(&file.header)
                    .position(|(a, b)| a != b)
                    .unwrap_or(expected.len().min(file.header.len()));
                let found = file.header.get(at).map_or("(nothing)".to_string(), |name| format!("`{name}`"));
                let wanted = expected.get(at).map_or("(nothing)".to_string(), |name| format!("`{name}`"));
                return Err(CsvError::at(
                    1,
                    None,
                    format!(
                        "the header is not that of survey `{id}` version `{version}`: column {} is {found} where {wanted} was expected",
                        at + 1
                    ),
                ));
            }
            let columns = columns_of(survey)
                .into_iter()
                .enumerate()
                .map(|(index, (_, column))| (RAW_FIXED.len() + index, column))
                .collect();
            Some((survey.clone(), columns))
        }
    };
    Ok(RawReader { file, survey, pending, lines_by_id: HashMap::new(), gate })
}

impl<R: Read> RawReader<R> {
    /// The survey version this file holds, once known.
    pub fn survey(&self) -> Option<&Arc<Survey>> {
        self.survey.as_ref().map(|(survey, _)| survey)
    }

    /// The next record with its line.
    pub fn next_record(&mut self) -> Option<Result<(u64, CheckedRecord), CsvError>> {
        let row = match self.pending.take() {
            Some(row) => row,
            None => match self.file.next_row()? {
                Ok(row) => row,
                Err(err) => return Some(Err(err)),
            },
        };
        Some(self.parse(&row).map(|record| (row.line, record)))
    }

    fn parse(&mut self, row: &Row) -> Result<CheckedRecord, CsvError> {
        let (survey, columns) = self.survey.as_ref().expect("a file with rows has a survey");
        let line = row.line;
        let header = &self.file.header;
        let cell = |index: usize| row.cells[index].as_str();
        // What a value may be (codes, lengths) is the gate's to say, below, once.
        let optional = |index: usize| (!cell(index).is_empty()).then(|| cell(index).to_owned());
        if cell(1) != survey.id() || cell(2) != survey.version() {
            return Err(CsvError::at(
                line,
                Some("survey_version"),
                format!(
                    "this file holds survey `{}` version `{}`; this row is of `{}` `{}`",
                    survey.id(),
                    survey.version(),
                    cell(1),
                    cell(2)
                ),
            ));
        }
        let channel = match Channel::parse(cell(4)) {
            Some(channel) => channel,
            None => {
                let other = cell(4);
                return Err(CsvError::at(
                    line,
                    Some("channel"),
                    format!("`{}` is not kiosk, phone or web", crate::text::short(other)),
                ));
            }
        };
        let partial = match cell(11) {
            "1" | "true" => true,
            "0" | "false" | "" => false,
            other => {
                return Err(CsvError::at(
                    line,
                    Some("partial"),
                    format!("`{}` is not 1 or 0", crate::text::short(other)),
                ));
            }
        };
        let mut answers = BTreeMap::new();
        let mut others: HashMap<&str, String> = HashMap::new();
        for (index, column) in columns {
            let value = cell(*index);
            if value.is_empty() {
                continue;
            }
            let column_name = Some(header[*index].as_str());
            match column {
                Column::Answer { question: id } => {
                    let question = survey.question(id).expect("columns come from the survey");
                    let answer = match &question.kind {
                        QuestionKind::MultipleChoice { .. } => Answer::Choices(Choices {
                            codes: value.split('|').map(str::to_owned).collect(),
                            other: None,
                        }),
                        QuestionKind::Number { .. } | QuestionKind::Nps { .. } => {
                            Answer::Number(value.trim().parse().map_err(|_| {
                                CsvError::at(
                                    line,
                                    column_name,
                                    format!("`{}` is not a whole number", crate::text::short(value)),
                                )
                            })?)
                        }
                        QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => {
                            Answer::Text(value.to_owned())
                        }
                        _ => Answer::Choice(value.to_owned()),
                    };
                    answers.insert(id.clone(), answer);
                }
                Column::Other { question } => {
                    others.insert(question.as_str(), value.to_owned());
                }
                Column::Item { question, item } => {
                    let entry = answers.entry(question.clone()).or_insert_with(|| Answer::Matrix(BTreeMap::new()));
                    if let Answer::Matrix(levels) = entry {
                        levels.insert(item.clone(), value.to_owned());
                    }
                }
            }
        }
        for (question, text) in others {
            match answers.get_mut(question) {
                Some(Answer::Choices(choices)) => choices.other = Some(text),
                _ => {
                    return Err(CsvError::at(
                        line,
                        Some(&format!("{question}.other")),
                        "text for \"Khác\" without `khac` among the chosen codes",
                    ));
                }
            }
        }
        let record = ResponseRecord {
            format: RECORD_FORMAT,
            response_id: cell(0).to_owned(),
            survey_id: cell(1).to_owned(),
            survey_version: cell(2).to_owned(),
            submitted_at: cell(3).to_owned(),
            channel,
            unit: optional(5),
            counter: optional(6),
            staff: optional(7),
            field: optional(8),
            device_id: optional(9),
            misuse: optional(10),
            partial,
            answers,
        };
        let record = self.gate.check_for(survey, record).map_err(|err| match err {
            RecordError::Invalid { field, message } => {
                let column = field.strip_prefix("answers.").unwrap_or(&field).to_owned();
                let column = if header.contains(&column) {
                    column
                } else {
                    header.iter().find(|name| name.starts_with(&format!("{column}."))).cloned().unwrap_or(column)
                };
                CsvError::at(line, Some(&column), message)
            }
            other => CsvError::at(line, None, other.to_string()),
        })?;
        let id = uuid::Uuid::try_parse(&record.response_id).map(|id| id.as_u128()).unwrap_or_default();
        if let Some(first) = self.lines_by_id.insert(id, line) {
            return Err(CsvError::at(
                line,
                Some("response_id"),
                format!("response `{}` appears twice in this file (also on line {first})", record.response_id),
            ));
        }
        Ok(record)
    }
}

/// Reads every record of a raw file (for files that fit in memory; large ones are better read
/// with [`read_raw`] one record at a time).
pub fn read_all_raw(input: impl BufRead, catalog: &Catalog, gate: Gate) -> Result<Vec<CheckedRecord>, CsvError> {
    let mut reader = read_raw(input, catalog, gate)?;
    let mut records = Vec::new();
    while let Some(next) = reader.next_record() {
        records.push(next?.1);
    }
    Ok(records)
}

/// A fingerprint of a record's canonical content ([`ResponseRecord::same_response`]), to tell a
/// replayed response from a conflicting one within one run (the hasher's keys are fixed, but not promised across Rust versions).
pub fn content_hash(record: &ResponseRecord) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    record.canonical().hash(&mut hasher);
    hasher.finish()
}
