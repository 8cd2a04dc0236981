//! Tallies kept as responses arrive, so that a figure costs what it shows, not what is stored.
//!
//! Each response is added once, when it is stored, to the counts of its day and of its month,
//! in groups fine enough for every figure: survey version, unit, counter, officer, field,
//! channel, and whether it is flagged as misuse. A tally asked for is then a sum of kept rows
//! ([`plan`]: months for the whole months of the range, days at its edges) made into a
//! [`Tally`] by [`KeptSum`], equal to [`Tally::count`] of the same responses: a property test
//! holds it, and `hailong tallies check` compares the two on a real database.
//!
//! A kept row holds its counts as cells, a flat list of numbers in the order of its survey
//! version's [`CellLayout`], so that summing thousands of rows is adding numbers. The layout is
//! kept beside the rows: a row is read back with the layout it was written with.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::definition::catalog::Catalog;
use crate::definition::model::Survey;
use crate::records::gate::CheckedRecord;
use crate::results::period::PeriodKind;
use crate::results::tally::{
    GroupCounts, GroupKey, POINTS, Points, QD766, QuestionCounts, Tally, TallyError, TallyOptions, count_into,
};

/// How long a kept row's counts run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Span {
    Day,
    Month,
}

impl Span {
    pub const ALL: [Span; 2] = [Span::Day, Span::Month];

    /// The name the store keeps.
    pub fn name(self) -> &'static str {
        match self {
            Span::Day => "day",
            Span::Month => "month",
        }
    }

    pub fn parse(text: &str) -> Option<Span> {
        Span::ALL.into_iter().find(|span| span.name() == text)
    }

    /// The first day of the span that holds `day`.
    pub fn start_of(self, day: Date) -> Date {
        match self {
            Span::Day => day,
            Span::Month => day.replace_day(1).unwrap_or(day),
        }
    }
}

/// What a kept row counts. Empty strings mean the response did not say (no unit, no officer).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeptKey {
    pub span: Span,
    /// The span's first day, in Vietnam time.
    pub start: Date,
    pub survey_id: String,
    pub survey_version: String,
    pub unit: String,
    pub counter: String,
    pub staff: String,
    pub field: String,
    pub channel: String,
    /// Flagged as misuse (by the device or by the server): counted apart.
    pub misuse: bool,
}

/// The cells of the counts of one survey version, in order: responses, misuse, partial, the
/// QĐ 766 count, then each question's `answered`, each option's count, and each indicator's
/// dossiers and total.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellLayout {
    /// Question ids (`question.item` for a matrix item), each once.
    pub questions: Vec<String>,
    /// Each option's question (an index into `questions`) and code.
    pub options: Vec<(usize, String)>,
    pub indicators: Vec<String>,
}

/// The cells before the questions': responses, misuse, partial, QĐ 766.
const HEAD: usize = 4;

impl CellLayout {
    /// The layout of a survey version's counts, from the rows of its tally.
    pub fn of(survey: &Survey) -> CellLayout {
        let mut layout = CellLayout::default();
        for slot in Tally::layout_of(survey) {
            if slot.question_id == POINTS {
                layout.indicators.push(slot.code);
            } else if slot.question_id != QD766 {
                let question = match layout.questions.iter().position(|id| *id == slot.question_id) {
                    Some(index) => index,
                    None => {
                        layout.questions.push(slot.question_id);
                        layout.questions.len() - 1
                    }
                };
                layout.options.push((question, slot.code));
            }
        }
        layout
    }

    pub fn len(&self) -> usize {
        HEAD + self.questions.len() + self.options.len() + 2 * self.indicators.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text the store keeps to read cells back with.
    pub fn to_text(&self) -> String {
        // Serialising plain strings and numbers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_text(text: &str) -> Result<CellLayout, String> {
        let layout: CellLayout = serde_json::from_str(text).map_err(|err| format!("a kept layout: {err}"))?;
        if layout.options.iter().any(|(question, _)| *question >= layout.questions.len()) {
            return Err("a kept layout names a question it does not list".into());
        }
        Ok(layout)
    }

    /// The cells of `counts`; a count of a row this layout does not have is not kept (a group
    /// made with this layout has none).
    pub fn cells(&self, counts: &GroupCounts) -> Vec<u64> {
        let mut cells = Vec::with_capacity(self.len());
        cells.extend([counts.responses, counts.misuse, counts.partial, counts.qd766_not_satisfied]);
        cells.extend(self.questions.iter().map(|id| counts.questions.get(id).map_or(0, |question| question.answered)));
        cells.extend(self.options.iter().map(|(question, code)| {
            counts.questions.get(&self.questions[*question]).and_then(|q| q.options.get(code)).copied().unwrap_or(0)
        }));
        for id in &self.indicators {
            let points = counts.points.get(id).copied().unwrap_or_default();
            cells.extend([points.dossiers, points.total]);
        }
        cells
    }

    /// The counts that `cells` hold, every row of the layout present (at zero where it is).
    pub fn counts(&self, cells: &[u64]) -> GroupCounts {
        let cell = |index: usize| cells.get(index).copied().unwrap_or(0);
        let mut counts = GroupCounts {
            responses: cell(0),
            misuse: cell(1),
            partial: cell(2),
            qd766_not_satisfied: cell(3),
            ..GroupCounts::default()
        };
        for (index, id) in self.questions.iter().enumerate() {
            counts
                .questions
                .insert(id.clone(), QuestionCounts { answered: cell(HEAD + index), options: BTreeMap::new() });
        }
        let first_option = HEAD + self.questions.len();
        for (index, (question, code)) in self.options.iter().enumerate() {
            if let Some(counts) = counts.questions.get_mut(&self.questions[*question]) {
                counts.options.insert(code.clone(), cell(first_option + index));
            }
        }
        let first_indicator = first_option + self.options.len();
        for (index, id) in self.indicators.iter().enumerate() {
            let at = first_indicator + 2 * index;
            counts.points.insert(id.clone(), Points { dossiers: cell(at), total: cell(at + 1) });
        }
        counts
    }
}

/// Cells as the store keeps them: each number as an unsigned LEB128 varint.
pub fn encode(cells: &[u64]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(cells.len() + 8);
    for &cell in cells {
        let mut value = cell;
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                bytes.push(byte);
                break;
            }
            bytes.push(byte | 0x80);
        }
    }
    bytes
}

/// Why kept rows could not be summed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SumError {
    /// A row does not read back: the database was damaged or edited.
    Corrupt(Corrupt),
    /// The tally would have more groups than [`KeptSum::most_groups`].
    TooMany { most: usize },
}

impl std::fmt::Display for SumError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SumError::Corrupt(corrupt) => corrupt.fmt(f),
            SumError::TooMany { most } => write!(
                f,
                "the tally asked for has more than {most} groups: ask for a shorter time, a longer period or fewer groupings"
            ),
        }
    }
}

impl std::error::Error for SumError {}

impl From<Corrupt> for SumError {
    fn from(corrupt: Corrupt) -> SumError {
        SumError::Corrupt(corrupt)
    }
}

/// Kept cells that do not read back: a corrupt row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Corrupt(pub String);

impl std::fmt::Display for Corrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "kept counts do not read back: {}", self.0)
    }
}

impl std::error::Error for Corrupt {}

/// Adds the cells `bytes` hold to `sums` (as long as the layout), each sum checked.
pub fn add_encoded(sums: &mut [u64], bytes: &[u8]) -> Result<(), Corrupt> {
    let mut index = 0;
    let mut value: u64 = 0;
    let mut shift = 0u32;
    for &byte in bytes {
        if shift >= 64 {
            return Err(Corrupt("a count is longer than 64 bits".into()));
        }
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            let sum = sums.get_mut(index).ok_or_else(|| Corrupt("more cells than the layout has".into()))?;
            *sum = sum.checked_add(value).ok_or_else(|| Corrupt("the counts overflow".into()))?;
            index += 1;
            value = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
    if shift != 0 {
        return Err(Corrupt("the last count is cut off".into()));
    }
    if index != sums.len() {
        return Err(Corrupt(format!("{index} cells where the layout has {}", sums.len())));
    }
    Ok(())
}

/// What a batch of responses adds to the kept rows, before the store adds it to what it holds.
#[derive(Clone, Debug, Default)]
pub struct Kept {
    pub rows: BTreeMap<KeptKey, Vec<u64>>,
    /// The layout of each survey version (id, version) the rows count.
    pub layouts: BTreeMap<(String, String), CellLayout>,
    /// A group of each survey version with every row, counted into afresh for each response:
    /// made once, not once a response.
    scratch: BTreeMap<(String, String), GroupCounts>,
}

impl Kept {
    /// Adds one stored response, flagged by the server (`server_flag`) or not, to its day and
    /// its month.
    pub fn add(&mut self, catalog: &Catalog, record: &CheckedRecord, server_flag: bool) -> Result<(), TallyError> {
        let survey =
            catalog.get(&record.survey_id, &record.survey_version).ok_or_else(|| TallyError::UnknownSurvey {
                survey_id: record.survey_id.clone(),
                survey_version: record.survey_version.clone(),
            })?;
        let misuse = record.misuse.is_some() || server_flag;
        let version = (survey.id().to_owned(), survey.version().to_owned());
        let group = self.scratch.entry(version.clone()).or_insert_with(|| {
            let mut one = Tally::default();
            one.group(GroupKey::default(), survey).clone()
        });
        group.clear();
        count_into(group, survey, record, misuse, true);
        let layout = self.layouts.entry(version).or_insert_with(|| CellLayout::of(survey));
        let cells = layout.cells(group);
        let day = record.vietnam_day();
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        for span in Span::ALL {
            let key = KeptKey {
                span,
                start: span.start_of(day),
                survey_id: record.survey_id.clone(),
                survey_version: record.survey_version.clone(),
                unit: text(&record.unit),
                counter: text(&record.counter),
                staff: text(&record.staff),
                field: text(&record.field),
                channel: record.channel.name().to_owned(),
                misuse,
            };
            let sums = self.rows.entry(key).or_insert_with(|| vec![0; cells.len()]);
            for (sum, cell) in sums.iter_mut().zip(&cells) {
                *sum = sum.saturating_add(*cell);
            }
        }
        Ok(())
    }
}

/// Which kept rows a tally needs: rows of a span whose start lies between two days (inclusive;
/// `None` is unbounded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Read {
    pub span: Span,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// The kept rows that add up to the responses `options` count, each once: by day when the
/// tally is by day, otherwise months for the range's whole months and days at its edges.
pub fn plan(options: &TallyOptions) -> Vec<Read> {
    let (from, to) = (options.from, options.to);
    if from.zip(to).is_some_and(|(from, to)| from > to) {
        return Vec::new();
    }
    if options.period == PeriodKind::Day {
        return vec![Read { span: Span::Day, from, to }];
    }
    // The first day of the first whole month, and of the last whole month.
    let first_month = from.map(|from| if from.day() == 1 { Some(from) } else { next_month(from) });
    let last_month = to.map(|to| {
        let start = Span::Month.start_of(to);
        if to == last_day(start) { Some(start) } else { previous_month(start) }
    });
    let (first_month, last_month) = match (first_month, last_month) {
        // The range reaches past the calendar: count it by days.
        (Some(None), _) | (_, Some(None)) => return vec![Read { span: Span::Day, from, to }],
        (first, last) => (first.flatten(), last.flatten()),
    };
    if first_month.zip(last_month).is_some_and(|(first, last)| first > last) {
        return vec![Read { span: Span::Day, from, to }];
    }
    let mut reads = vec![Read { span: Span::Month, from: first_month, to: last_month }];
    if let (Some(from), Some(first)) = (from, first_month)
        && from < first
    {
        reads.push(Read { span: Span::Day, from: Some(from), to: first.previous_day() });
    }
    if let (Some(to), Some(last)) = (to, last_month)
        && last_day(last) < to
    {
        reads.push(Read { span: Span::Day, from: last_day(last).next_day(), to: Some(to) });
    }
    reads
}

fn next_month(day: Date) -> Option<Date> {
    last_day(Span::Month.start_of(day)).next_day()
}

fn previous_month(start: Date) -> Option<Date> {
    start.previous_day().map(|day| Span::Month.start_of(day))
}

fn last_day(start: Date) -> Date {
    let month: Month = start.month();
    start.replace_day(month.length(start.year())).unwrap_or(start)
}

/// Kept rows summed into the groups of a tally, as they are read.
pub struct KeptSum<'a> {
    catalog: &'a Catalog,
    options: TallyOptions,
    /// The layouts rows were written with, by the store's number for them.
    layouts: HashMap<u64, ((String, String), CellLayout)>,
    sums: HashMap<(GroupKey, u64), Vec<u64>>,
    /// The most groups the tally may have: past it, [`KeptSum::add`] refuses
    /// ([`SumError::TooMany`]) instead of growing: a tally of every day of years by every
    /// grouping is gigabytes, and nobody reads it.
    pub most_groups: usize,
    /// Rows of a survey version not in the catalog: left out, as the gate leaves out stored
    /// responses of a definition since removed.
    pub left_out: BTreeMap<(String, String), u64>,
}

impl<'a> KeptSum<'a> {
    pub fn new(catalog: &'a Catalog, options: TallyOptions) -> KeptSum<'a> {
        KeptSum {
            catalog,
            options,
            layouts: HashMap::new(),
            sums: HashMap::new(),
            most_groups: usize::MAX,
            left_out: BTreeMap::new(),
        }
    }

    /// The layout the store numbers `id`, for the rows that name it.
    pub fn layout(&mut self, id: u64, survey_id: &str, survey_version: &str, layout: CellLayout) {
        self.layouts.insert(id, ((survey_id.to_owned(), survey_version.to_owned()), layout));
    }

    /// Adds one kept row, its cells as the store keeps them, written with layout `layout_id`.
    /// The caller reads only the rows of [`plan`].
    pub fn add(&mut self, key: &KeptKey, layout_id: u64, cells: &[u8]) -> Result<(), SumError> {
        let Some(((survey_id, survey_version), layout)) = self.layouts.get(&layout_id) else {
            return Err(Corrupt(format!("a row names layout {layout_id}, which is not kept")).into());
        };
        if self.catalog.get(survey_id, survey_version).is_none() {
            *self.left_out.entry((survey_id.clone(), survey_version.clone())).or_default() += 1;
            return Ok(());
        }
        let options = &self.options;
        let group = GroupKey::grouped(
            options.by,
            (&key.survey_id, &key.survey_version),
            options.period_of(key.start),
            [&key.unit, &key.counter, &key.staff, &key.field],
        );
        let length = layout.len();
        let full = self.sums.len() >= self.most_groups;
        let sums = match self.sums.entry((group, layout_id)) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(_) if full => {
                return Err(SumError::TooMany { most: self.most_groups });
            }
            std::collections::hash_map::Entry::Vacant(entry) => entry.insert(vec![0; length]),
        };
        if key.misuse && !options.include_misuse {
            // Counted apart: the misuse and partial counts alone, as `Tally::add` counts them.
            let mut row = vec![0; length];
            add_encoded(&mut row, cells)?;
            sums[1] = sums[1].saturating_add(row[1]);
            sums[2] = sums[2].saturating_add(row[2]);
            return Ok(());
        }
        Ok(add_encoded(sums, cells)?)
    }

    /// The tally the rows add up to.
    pub fn finish(self) -> Tally {
        let mut tally = Tally::default();
        let mut sums: Vec<_> = self.sums.into_iter().collect();
        sums.sort_by(|a, b| a.0.cmp(&b.0));
        for ((key, layout_id), cells) in sums {
            let Some(((survey_id, survey_version), layout)) = self.layouts.get(&layout_id) else { continue };
            let Some(survey) = self.catalog.get(survey_id, survey_version) else { continue };
            tally.group(key, survey).add(&layout.counts(&cells));
        }
        tally
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        crate::results::period::parse_day(text).unwrap()
    }

    fn check(from: Option<&str>, to: Option<&str>, period: PeriodKind, expect: &[(Span, Option<&str>, Option<&str>)]) {
        let options = TallyOptions { from: from.map(day), to: to.map(day), period, ..TallyOptions::default() };
        let expect: Vec<Read> =
            expect.iter().map(|(span, from, to)| Read { span: *span, from: from.map(day), to: to.map(day) }).collect();
        assert_eq!(plan(&options), expect, "{from:?}..{to:?} by {period:?}");
    }

    #[test]
    fn a_range_reads_its_whole_months_and_the_days_at_its_edges() {
        use PeriodKind::*;
        use Span::Day as D;
        use Span::Month as M;
        check(None, None, All, &[(M, None, None)]);
        check(None, None, Day, &[(D, None, None)]);
        check(Some("2026-10-01"), Some("2026-12-31"), Quarter, &[(M, Some("2026-10-01"), Some("2026-12-01"))]);
        check(
            Some("2026-10-15"),
            Some("2027-01-10"),
            All,
            &[
                (M, Some("2026-11-01"), Some("2026-12-01")),
                (D, Some("2026-10-15"), Some("2026-10-31")),
                (D, Some("2027-01-01"), Some("2027-01-10")),
            ],
        );
        check(Some("2026-10-15"), Some("2026-10-20"), Month, &[(D, Some("2026-10-15"), Some("2026-10-20"))]);
        check(Some("2026-10-15"), Some("2026-11-20"), Month, &[(D, Some("2026-10-15"), Some("2026-11-20"))]);
        check(Some("2024-02-01"), Some("2024-02-29"), All, &[(M, Some("2024-02-01"), Some("2024-02-01"))]);
        check(
            Some("2026-03-05"),
            None,
            All,
            &[(M, Some("2026-04-01"), None), (D, Some("2026-03-05"), Some("2026-03-31"))],
        );
        check(
            None,
            Some("2026-03-05"),
            All,
            &[(M, None, Some("2026-02-01")), (D, Some("2026-03-01"), Some("2026-03-05"))],
        );
        check(Some("2026-03-05"), Some("2026-03-01"), All, &[]);
    }

    #[test]
    fn cells_read_back_through_their_bytes() {
        let cells = [0, 1, 127, 128, 300, u64::MAX >> 1, 1 << 40];
        let mut sums = vec![5; cells.len()];
        add_encoded(&mut sums, &encode(&cells)).unwrap();
        let expect: Vec<u64> = cells.iter().map(|cell| cell + 5).collect();
        assert_eq!(sums, expect);
        let mut short = vec![0; cells.len() + 1];
        assert!(add_encoded(&mut short, &encode(&cells)).is_err());
        assert!(add_encoded(&mut [0], &[0x80]).is_err());
        assert!(add_encoded(&mut [u64::MAX], &encode(&[1])).is_err());
    }
}
