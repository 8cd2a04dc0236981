//! The tally CSV: the format tallies are exchanged in between kiosks, wards and the city, and
//! the one certificates keep. Rows carry counts, so a file read back adds exactly; percentages
//! are written beside them for people and ignored on the way in. `docs/formats.md` describes
//! each column.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

use crate::csv::read::{self, CsvError};
use crate::csv::write::{Cell, CsvProfile};
use crate::records::record::{is_code, not_a_code};
use crate::results::period::parse_day;
use crate::results::tally::{GroupKey, MAX_COUNT, POINTS, Points, QD766, Slot, Tally};

/// The columns that name a group, first in every tally and index CSV.
pub const GROUP_COLUMNS: [&str; 8] =
    ["survey_id", "survey_version", "period_start", "period_end", "unit", "counter", "staff", "field"];

impl GroupKey {
    /// The cells of [`GROUP_COLUMNS`] for this group.
    pub fn cells(&self) -> Vec<Cell> {
        let text = |value: &str| if value.is_empty() { Cell::Empty } else { Cell::Text(value.to_owned()) };
        vec![
            Cell::Text(self.survey_id.clone()),
            Cell::Text(self.survey_version.clone()),
            text(&self.period_start),
            text(&self.period_end),
            text(&self.unit),
            text(&self.counter),
            text(&self.staff),
            text(&self.field),
        ]
    }
}

/// [`GROUP_COLUMNS`] followed by `rest`, joined at compile time (`M` must be 8 more than `N`).
pub const fn after_group_columns<const N: usize, const M: usize>(rest: [&'static str; N]) -> [&'static str; M] {
    assert!(M == GROUP_COLUMNS.len() + N, "the header's length is the group columns and the rest");
    let mut header = [""; M];
    let mut index = 0;
    while index < M {
        header[index] =
            if index < GROUP_COLUMNS.len() { GROUP_COLUMNS[index] } else { rest[index - GROUP_COLUMNS.len()] };
        index += 1;
    }
    header
}

/// The columns of the tally CSV; `docs/formats.md` describes each.
pub const TALLY_COLUMNS: [&str; 14] =
    after_group_columns(["question_id", "option_code", "option_label", "count", "answered", "percent"]);

impl Tally {
    /// The tally as CSV: for each group, one row per option (zero counts included) and per
    /// indicator, the row `_qd766_not_satisfied` for a survey that defines it, then the rows
    /// `_responses`, `_misuse` and `_partial`.
    pub fn to_csv(&self, profile: CsvProfile) -> Vec<u8> {
        profile.write(&TALLY_COLUMNS, &self.rows())
    }

    /// The rows of [`Tally::to_csv`] under [`TALLY_COLUMNS`], for other formats (XLSX).
    pub fn rows(&self) -> Vec<Vec<Cell>> {
        let mut rows = Vec::new();
        for (key, group) in &self.groups {
            let text = |value: &str| if value.is_empty() { Cell::Empty } else { Cell::Text(value.to_owned()) };
            let row = |question_id: &str, code: &str, label: &str, count: u64, answered: Option<u64>| {
                let mut cells = key.cells();
                cells.extend([
                    Cell::Text(question_id.into()),
                    text(code),
                    text(label),
                    Cell::Integer(count),
                    answered.map_or(Cell::Empty, Cell::Integer),
                    answered.and_then(|answered| percent(count, answered)).unwrap_or(Cell::Empty),
                ]);
                cells
            };
            let layout = self.layouts.get(&(key.survey_id.clone(), key.survey_version.clone()));
            for slot in layout.into_iter().flatten() {
                if slot.question_id == QD766 {
                    rows.push(row(QD766, "", &slot.label, group.qd766_not_satisfied, None));
                } else if slot.question_id == POINTS {
                    let points = group.points.get(&slot.code).copied().unwrap_or_default();
                    let mut cells = row(POINTS, &slot.code, &slot.label, points.total, None);
                    cells[12] = Cell::Integer(points.dossiers);
                    rows.push(cells);
                } else {
                    let question = group.questions.get(&slot.question_id);
                    let count = question.and_then(|q| q.options.get(&slot.code)).copied().unwrap_or(0);
                    let answered = question.map_or(0, |q| q.answered);
                    rows.push(row(&slot.question_id, &slot.code, &slot.label, count, Some(answered)));
                }
            }
            rows.push(row("_responses", "", "", group.responses, None));
            rows.push(row("_misuse", "", "", group.misuse, None));
            rows.push(row("_partial", "", "", group.partial, None));
        }
        rows
    }

    /// Reads a tally CSV in any profile.
    pub fn read_csv(input: impl BufRead) -> Result<Tally, CsvError> {
        let mut file = read::open(input)?;
        let columns: Vec<usize> = TALLY_COLUMNS[..13].iter().map(|name| file.column(name)).collect::<Result<_, _>>()?;
        let mut tally = Tally::default();
        let mut seen: BTreeMap<(GroupKey, String, String), u64> = BTreeMap::new();
        let mut answered_at: BTreeMap<(GroupKey, String), (u64, u64)> = BTreeMap::new();
        let mut first_line: BTreeMap<GroupKey, u64> = BTreeMap::new();
        let mut with_responses: BTreeSet<GroupKey> = BTreeSet::new();
        while let Some(row) = file.next_row() {
            let row = row?;
            let cell = |index: usize| row.cells[columns[index]].trim();
            let column = |index: usize| Some(TALLY_COLUMNS[index]);
            let number = |index: usize, required: bool| -> Result<Option<u64>, CsvError> {
                let text = cell(index);
                if text.is_empty() && !required {
                    return Ok(None);
                }
                let value: u64 = text
                    .parse()
                    .map_err(|_| CsvError::at(row.line, column(index), format!("`{text}` is not a whole number")))?;
                if value > MAX_COUNT {
                    return Err(CsvError::at(
                        row.line,
                        column(index),
                        format!("`{text}` is more than any tally holds (at most {MAX_COUNT})"),
                    ));
                }
                Ok(Some(value))
            };
            for (index, name) in [(2, "period_start"), (3, "period_end")] {
                if !cell(index).is_empty() && parse_day(cell(index)).is_none() {
                    return Err(CsvError::at(
                        row.line,
                        Some(name),
                        format!("`{}` is not a day written YYYY-MM-DD", cell(index)),
                    ));
                }
            }
            for index in [0, 1, 8] {
                if cell(index).is_empty() {
                    return Err(CsvError::at(row.line, column(index), "this cell must not be empty"));
                }
            }
            // Every name of a group, question and option is a code, as in the records counted.
            for index in [0, 1, 4, 5, 6, 7, 8, 9] {
                if !cell(index).is_empty() && !is_code(cell(index)) {
                    return Err(CsvError::at(row.line, column(index), not_a_code(cell(index))));
                }
            }

            let key = GroupKey {
                survey_id: cell(0).into(),
                survey_version: cell(1).into(),
                period_start: cell(2).into(),
                period_end: cell(3).into(),
                unit: cell(4).into(),
                counter: cell(5).into(),
                staff: cell(6).into(),
                field: cell(7).into(),
            };
            first_line.entry(key.clone()).or_insert(row.line);
            let (question_id, code, label) = (cell(8).to_owned(), cell(9).to_owned(), cell(10).to_owned());
            let count = number(11, true)?.unwrap_or(0);
            let answered = number(12, false)?;
            if let Some(line) = seen.insert((key.clone(), question_id.clone(), code.clone()), row.line) {
                return Err(CsvError::at(
                    row.line,
                    Some("option_code"),
                    format!("this row repeats line {line} ({question_id} {code})"),
                ));
            }
            let group = tally.groups.entry(key.clone()).or_default();
            match question_id.as_str() {
                "_responses" => {
                    group.responses = count;
                    with_responses.insert(key.clone());
                }
                "_misuse" => group.misuse = count,
                "_partial" => group.partial = count,
                QD766 => group.qd766_not_satisfied = count,
                POINTS => {
                    let dossiers = answered.ok_or_else(|| {
                        CsvError::at(
                            row.line,
                            Some("answered"),
                            "a `_points` row needs the number of dossiers in `answered`",
                        )
                    })?;
                    group.points.insert(code.clone(), Points { dossiers, total: count });
                }
                other if other.starts_with('_') => {
                    return Err(CsvError::at(
                        row.line,
                        Some("question_id"),
                        format!("`{other}` is not a row this version knows"),
                    ));
                }
                _ => {
                    let answered = answered
                        .ok_or_else(|| CsvError::at(row.line, Some("answered"), "an option row needs `answered`"))?;
                    if let Some(&(first_line, first)) = answered_at.get(&(key.clone(), question_id.clone())) {
                        if first != answered {
                            return Err(CsvError::at(
                                row.line,
                                Some("answered"),
                                format!("{answered} here but {first} on line {first_line} for the same question"),
                            ));
                        }
                    } else {
                        answered_at.insert((key.clone(), question_id.clone()), (row.line, answered));
                    }
                    let question = group.questions.entry(question_id.clone()).or_default();
                    question.answered = answered;
                    question.options.insert(code.clone(), count);
                }
            }
            if !question_id.starts_with('_') || question_id == POINTS || question_id == QD766 {
                let layout = tally.layouts.entry((key.survey_id.clone(), key.survey_version.clone())).or_default();
                if !layout.iter().any(|slot| slot.question_id == question_id && slot.code == code) {
                    layout.push(Slot { question_id, code, label });
                }
            }
        }
        // Every group ends with its `_responses` row: a group without one was cut short (a
        // file copied in part, a row deleted by hand), and its counts cannot be trusted.
        if let Some((_, line)) = first_line.iter().find(|(key, _)| !with_responses.contains(*key)) {
            return Err(CsvError::at(
                *line,
                Some("question_id"),
                "the group that starts here has no `_responses` row: the file is cut short or a row was removed",
            ));
        }
        Ok(tally)
    }
}

/// `count / answered` as a percentage with two decimals, rounded half up, from integers only.
pub fn percent(count: u64, answered: u64) -> Option<Cell> {
    share_hundredths(count, answered).map(|scaled| Cell::Fixed { scaled, decimals: 2 })
}

/// `count / of` in hundredths of a percent (`6667` for 2 of 3), rounded half up, from integers;
/// `None` of nothing. Every percentage written or shown is this one rounding.
pub fn share_hundredths(count: u64, of: u64) -> Option<u64> {
    (of > 0).then(|| round_ratio(count * 10_000, of))
}

/// `numerator / denominator` rounded half up, from integers; the denominator is not 0.
pub fn round_ratio(numerator: u64, denominator: u64) -> u64 {
    (numerator * 2 + denominator) / (denominator * 2)
}
