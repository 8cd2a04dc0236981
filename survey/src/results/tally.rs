//! Tallies: how many responses chose each option, per group.
//!
//! A group is one survey version in one period, optionally split by unit, counter, staff and
//! field. A tally holds counts only; percentages and indices are derived from counts when a
//! tally is written out, and rounded once there. So tallies from many kiosks, wards and cities
//! merge by adding counts (`Tally::merge`), whatever order they arrive in.
//! Misuse-flagged responses are counted apart and left out of the results unless asked for.
//! An unfinished (partial) response counts for every question it answered, like any other: a
//! citizen who tapped "Không hài lòng" and walked away said so. Each question's `answered`
//! says how many answered it, and `_partial` how many responses stopped before the end.
//! Free text never enters a tally.

use std::collections::BTreeMap;

use time::Date;

use crate::definition::answer::Answer;
use crate::definition::catalog::Catalog;
use crate::definition::model::{QuestionKind, Survey};
use crate::records::gate::CheckedRecord;
use crate::results::period::PeriodKind;
use crate::text::Lang;

/// Which record fields split groups.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupBy {
    pub unit: bool,
    /// By counter, each with its unit: a counter is its unit's, so grouping by counter keeps
    /// the unit too.
    pub counter: bool,
    pub staff: bool,
    pub field: bool,
}

impl GroupBy {
    /// The names of the fields grouped by, in the order [`GroupBy::parse`] reads them back.
    pub fn names(self) -> Vec<&'static str> {
        [("unit", self.unit), ("counter", self.counter), ("staff", self.staff), ("field", self.field)]
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(name, _)| name)
            .collect()
    }

    /// Parses `unit,counter,staff,field` (any of them, in any order); the empty string is none.
    pub fn parse(text: &str) -> Result<GroupBy, String> {
        let mut by = GroupBy::default();
        for name in text.split(',').map(str::trim).filter(|name| !name.is_empty()) {
            match name {
                "unit" => by.unit = true,
                "counter" => by.counter = true,
                "staff" => by.staff = true,
                "field" => by.field = true,
                other => return Err(format!("cannot group by `{other}`: use unit, counter, staff or field")),
            }
        }
        Ok(by)
    }
}

/// What to count, and how to group it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TallyOptions {
    pub by: GroupBy,
    pub period: PeriodKind,
    /// Only responses on or after this Vietnam day.
    pub from: Option<Date>,
    /// Only responses on or before this Vietnam day.
    pub to: Option<Date>,
    /// Count misuse-flagged responses in the results (they are always counted apart).
    pub include_misuse: bool,
}

/// What identifies a group. Empty strings mean "all": the field was not grouped by (or, for a
/// record, was not set), or the period is unbounded.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    pub survey_id: String,
    pub survey_version: String,
    pub period_start: String,
    pub period_end: String,
    pub unit: String,
    pub counter: String,
    pub staff: String,
    pub field: String,
}

impl GroupKey {
    /// The key of the group of `by` that a response (or a finer group) of this survey version,
    /// unit, counter, officer and field (empty: not said) falls in, in `period` (first and last
    /// day): the fields not grouped by are "all".
    pub fn grouped(
        by: GroupBy,
        (survey_id, survey_version): (&str, &str),
        (period_start, period_end): (String, String),
        [unit, counter, staff, field]: [&str; 4],
    ) -> GroupKey {
        let keep = |grouped: bool, value: &str| if grouped { value.to_owned() } else { String::new() };
        GroupKey {
            survey_id: survey_id.to_owned(),
            survey_version: survey_version.to_owned(),
            period_start,
            period_end,
            // A counter is its unit's: two wards' `quay-1` are two counters.
            unit: keep(by.unit || by.counter, unit),
            counter: keep(by.counter, counter),
            staff: keep(by.staff, staff),
            field: keep(by.field, field),
        }
    }
}

impl TallyOptions {
    /// The first and last day of the group's period that holds `day`: its month, quarter, half
    /// or year, or for the whole range the days asked for (empty where unbounded).
    pub fn period_of(&self, day: Date) -> (String, String) {
        match self.period.bounds(day) {
            Some((start, end)) => (start.to_string(), end.to_string()),
            None => (
                self.from.map(|day| day.to_string()).unwrap_or_default(),
                self.to.map(|day| day.to_string()).unwrap_or_default(),
            ),
        }
    }
}

/// The counts of one group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupCounts {
    /// Responses counted in the results, unfinished ones included.
    pub responses: u64,
    /// Responses flagged as misuse, whether or not they were included.
    pub misuse: u64,
    /// Unfinished responses, flagged or not: whatever the options, the same number.
    pub partial: u64,
    /// Counted responses that Quyết định 766/QĐ-TTg counts as not satisfied (the survey's
    /// `scoring.qd766_not_satisfied`: for the per-dossier evaluation, a dossier rated not
    /// satisfied, or harassed, or returned late), each once.
    pub qd766_not_satisfied: u64,
    /// By question id (`question.item` for a matrix item).
    pub questions: BTreeMap<String, QuestionCounts>,
    /// By indicator id.
    pub points: BTreeMap<String, Points>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuestionCounts {
    /// Counted responses that answered the question.
    pub answered: u64,
    /// By option code, zero counts included.
    pub options: BTreeMap<String, u64>,
}

/// A per-dossier indicator's points: score = total ÷ dossiers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Points {
    pub dossiers: u64,
    pub total: u64,
}

/// One row of a survey version's tally, in the order rows are written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// A question id, `question.item`, or [`POINTS`] for an indicator.
    pub question_id: String,
    /// An option code, or the indicator id.
    pub code: String,
    pub label: String,
}

impl Slot {
    /// Whether the row is an option of a question, not an indicator's points or a count of the
    /// whole response such as [`QD766`].
    pub fn is_option(&self) -> bool {
        !self.question_id.starts_with('_')
    }
}

/// The `question_id` of indicator rows.
pub const POINTS: &str = "_points";

/// What the [`QD766`] row counts, in its `option_label`.
pub const QD766_LABEL: &str =
    "Hồ sơ không hài lòng, bị phiền hà sách nhiễu hoặc trễ hẹn, mỗi hồ sơ một lần (QĐ 766/QĐ-TTg)";

/// The `question_id` of the row of responses that Quyết định 766/QĐ-TTg counts as not
/// satisfied, in the tally of a survey that defines them.
pub const QD766: &str = "_qd766_not_satisfied";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub groups: BTreeMap<GroupKey, GroupCounts>,
    /// The rows of each survey version (id, version), with their labels.
    pub layouts: BTreeMap<(String, String), Vec<Slot>>,
}

/// Why a record could not be counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TallyError {
    /// No definition of this survey version is known.
    UnknownSurvey { survey_id: String, survey_version: String },
}

impl std::fmt::Display for TallyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TallyError::UnknownSurvey { survey_id, survey_version } => {
                write!(f, "no definition of survey `{survey_id}` version `{survey_version}` is known")
            }
        }
    }
}

impl std::error::Error for TallyError {}

/// What happened to one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    Counted,
    /// Counted apart as misuse, left out of the results.
    Misuse,
    /// Outside `from`..`to`: not counted at all.
    OutOfRange,
}

impl Tally {
    /// The rows of a survey version's tally: every option of every choice-like question and
    /// matrix item, in the order shown, then every indicator. Numbers and text have no rows.
    pub fn layout_of(survey: &Survey) -> Vec<Slot> {
        let mut slots = Vec::new();
        for question in survey.questions() {
            let choices = question.kind.choices();
            let ids: Vec<String> = match &question.kind {
                QuestionKind::Matrix { items, .. } => {
                    items.iter().map(|item| format!("{}.{}", question.id, item.id)).collect()
                }
                _ if choices.is_empty() => Vec::new(),
                _ => vec![question.id.clone()],
            };
            for id in ids {
                slots.extend(choices.iter().map(|choice| Slot {
                    question_id: id.clone(),
                    code: choice.code.clone(),
                    label: choice.label.get(Lang::Vi).to_owned(),
                }));
            }
        }
        for indicator in &survey.scoring().indicators {
            slots.push(Slot {
                question_id: POINTS.into(),
                code: indicator.id.clone(),
                label: indicator.label.get(Lang::Vi).to_owned(),
            });
        }
        if survey.scoring().qd766_not_satisfied.is_some() {
            slots.push(Slot { question_id: QD766.into(), code: String::new(), label: QD766_LABEL.into() });
        }
        slots
    }

    /// Counts records, each against its own survey version in `catalog`.
    pub fn count<'a>(
        catalog: &Catalog,
        records: impl IntoIterator<Item = &'a CheckedRecord>,
        options: &TallyOptions,
    ) -> Result<Tally, TallyError> {
        let mut tally = Tally::default();
        for record in records {
            tally.add(catalog, record, options)?;
        }
        Ok(tally)
    }

    /// Counts one record, checked by the one gate ([`Gate`](crate::records::gate::Gate)) and
    /// not checked again here.
    pub fn add(
        &mut self,
        catalog: &Catalog,
        record: &CheckedRecord,
        options: &TallyOptions,
    ) -> Result<Added, TallyError> {
        let survey =
            catalog.get(&record.survey_id, &record.survey_version).ok_or_else(|| TallyError::UnknownSurvey {
                survey_id: record.survey_id.clone(),
                survey_version: record.survey_version.clone(),
            })?;
        let day = record.vietnam_day();
        if options.from.is_some_and(|from| day < from) || options.to.is_some_and(|to| day > to) {
            return Ok(Added::OutOfRange);
        }
        fn text(value: &Option<String>) -> &str {
            value.as_deref().unwrap_or_default()
        }
        let key = GroupKey::grouped(
            options.by,
            (&record.survey_id, &record.survey_version),
            options.period_of(day),
            [text(&record.unit), text(&record.counter), text(&record.staff), text(&record.field)],
        );
        let group = self.group(key, survey);
        Ok(count_into(group, survey, record, record.misuse.is_some(), options.include_misuse))
    }

    /// The group with this key, made with every row at zero if it is new.
    pub(crate) fn group(&mut self, key: GroupKey, survey: &Survey) -> &mut GroupCounts {
        let layout = self
            .layouts
            .entry((survey.id().to_owned(), survey.version().to_owned()))
            .or_insert_with(|| Tally::layout_of(survey));
        self.groups.entry(key).or_insert_with(|| {
            let mut group = GroupCounts::default();
            for slot in layout.iter() {
                if slot.question_id == POINTS {
                    group.points.insert(slot.code.clone(), Points::default());
                } else if slot.question_id != QD766 {
                    group.questions.entry(slot.question_id.clone()).or_default().options.insert(slot.code.clone(), 0);
                }
            }
            group
        })
    }

    /// Adds another tally's counts to this one. Counts are checked: a sum past what a count can
    /// hold is an error, and then nothing of `other` is added; never a panic or a silent wrap.
    pub fn merge(&mut self, other: &Tally) -> Result<(), Overflow> {
        let mut merged = self.clone();
        merged.merge_into(other)?;
        *self = merged;
        Ok(())
    }

    fn merge_into(&mut self, other: &Tally) -> Result<(), Overflow> {
        for (version, slots) in &other.layouts {
            let layout = self.layouts.entry(version.clone()).or_default();
            for slot in slots {
                if !layout.iter().any(|known| known.question_id == slot.question_id && known.code == slot.code) {
                    layout.push(slot.clone());
                }
            }
        }
        for (key, counts) in &other.groups {
            self.groups.entry(key.clone()).or_default().checked_add(counts)?;
        }
        Ok(())
    }

    /// The sum of every group of one survey version, for a screen that shows one number each.
    pub fn totals(&self, survey_id: &str, survey_version: &str) -> GroupCounts {
        let mut total = GroupCounts::default();
        for (key, counts) in &self.groups {
            if key.survey_id == survey_id && key.survey_version == survey_version {
                total.add(counts);
            }
        }
        total
    }

    /// The same counts grouped by `by` alone, keeping only groups whose period lies within
    /// `period` (all of them for `None`), each re-dated to that period. Counts of groups that
    /// were apart are added: a merged view of tallies from many kiosks, or a unit's total.
    pub fn regroup(&self, by: GroupBy, period: Option<crate::results::period::Period>) -> Tally {
        let mut regrouped = Tally { groups: BTreeMap::new(), layouts: self.layouts.clone() };
        for (key, counts) in &self.groups {
            let (period_start, period_end) = match period {
                None => (key.period_start.clone(), key.period_end.clone()),
                Some(period) => {
                    let day = |text: &str| crate::results::period::parse_day(text);
                    match (day(&key.period_start), day(&key.period_end)) {
                        (Some(start), Some(end)) if period.contains(start) && period.contains(end) => {}
                        _ => continue,
                    }
                    (period.start.to_string(), period.end.to_string())
                }
            };
            let key = GroupKey::grouped(
                by,
                (&key.survey_id, &key.survey_version),
                (period_start, period_end),
                [&key.unit, &key.counter, &key.staff, &key.field],
            );
            regrouped.groups.entry(key).or_default().add(counts);
        }
        regrouped
    }
}

/// Counts one record of `survey` into `group`, flagged as misuse or not (a record's own flag,
/// or the server's), in the results or apart as `include_misuse` says.
pub(crate) fn count_into(
    group: &mut GroupCounts,
    survey: &Survey,
    record: &CheckedRecord,
    misuse: bool,
    include_misuse: bool,
) -> Added {
    // Both counts come first, so neither depends on the other or on the options: a response
    // both flagged and unfinished is in `_misuse` and in `_partial`, and in `_responses`
    // only when misuse is included.
    group.partial += u64::from(record.partial);
    if misuse {
        group.misuse += 1;
        if !include_misuse {
            return Added::Misuse;
        }
    }
    group.responses += 1;
    for (question_id, answer) in &record.answers {
        match answer {
            Answer::Choice(code) => count_options(group, question_id, [code.as_str()]),
            Answer::Choices(choices) => count_options(group, question_id, choices.codes.iter().map(String::as_str)),
            // Only NPS answers have rows (0 to 10); other numbers are not tallied.
            Answer::Number(number) => count_options(group, question_id, [number.to_string().as_str()]),
            Answer::Matrix(levels) => {
                // One buffer for the rows `question.item`, not a new string for each item.
                let mut row = String::with_capacity(question_id.len() + 32);
                for (item, code) in levels {
                    row.clear();
                    row.push_str(question_id);
                    row.push('.');
                    row.push_str(item);
                    count_options(group, &row, [code.as_str()]);
                }
            }
            Answer::Text(_) => {}
        }
    }
    if survey.scoring().qd766_not_satisfied.as_ref().is_some_and(|rule| rule.holds(survey, &record.answers)) {
        group.qd766_not_satisfied += 1;
    }
    for indicator in &survey.scoring().indicators {
        if let Some(rule) = indicator.rules.iter().find(|rule| rule.when.holds(survey, &record.answers)) {
            let points = group.points.entry(indicator.id.clone()).or_default();
            points.dossiers += 1;
            points.total += u64::from(rule.points);
        }
    }
    Added::Counted
}

fn count_options<'a>(group: &mut GroupCounts, question_id: &str, codes: impl IntoIterator<Item = &'a str>) {
    let Some(question) = group.questions.get_mut(question_id) else { return };
    let mut counted = false;
    for code in codes {
        if let Some(count) = question.options.get_mut(code) {
            *count += 1;
            counted = true;
        }
    }
    question.answered += u64::from(counted);
}

/// A sum of counts too large for a count (only a forged or corrupt tally gets there: a count
/// read from a file is at most [`MAX_COUNT`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow;

impl std::fmt::Display for Overflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the counts add up to more than a count can hold: is a file forged or corrupt?")
    }
}

impl std::error::Error for Overflow {}

/// The largest count a tally file may hold: a million million, far beyond every response of
/// a country, and small enough that sums of millions of files still fit.
pub const MAX_COUNT: u64 = 1_000_000_000_000;

impl GroupCounts {
    /// Every count back to zero, every row kept.
    pub fn clear(&mut self) {
        (self.responses, self.misuse, self.partial, self.qd766_not_satisfied) = (0, 0, 0, 0);
        for question in self.questions.values_mut() {
            question.answered = 0;
            question.options.values_mut().for_each(|count| *count = 0);
        }
        for points in self.points.values_mut() {
            *points = Points::default();
        }
    }

    /// Adds another group's counts to these, checked.
    pub fn checked_add(&mut self, other: &GroupCounts) -> Result<(), Overflow> {
        self.combine(other, u64::checked_add)
    }

    /// Adds another group's counts to these, within one tally: its counts are bounded (by the
    /// records counted, or by [`MAX_COUNT`] per cell of a file), so the sum saturates rather
    /// than wraps in the impossible case.
    pub fn add(&mut self, other: &GroupCounts) {
        // Saturating never fails.
        let _ = self.combine(other, |mine, theirs| Some(mine.saturating_add(theirs)));
    }

    /// Every count of `other` put into these with `sum`, which says `None` for too much.
    fn combine(&mut self, other: &GroupCounts, sum: impl Fn(u64, u64) -> Option<u64>) -> Result<(), Overflow> {
        let put = |mine: &mut u64, theirs: u64| -> Result<(), Overflow> {
            *mine = sum(*mine, theirs).ok_or(Overflow)?;
            Ok(())
        };
        put(&mut self.responses, other.responses)?;
        put(&mut self.misuse, other.misuse)?;
        put(&mut self.partial, other.partial)?;
        put(&mut self.qd766_not_satisfied, other.qd766_not_satisfied)?;
        for (id, counts) in &other.questions {
            let mine = self.questions.entry(id.clone()).or_default();
            put(&mut mine.answered, counts.answered)?;
            for (code, count) in &counts.options {
                put(mine.options.entry(code.clone()).or_default(), *count)?;
            }
        }
        for (id, points) in &other.points {
            let mine = self.points.entry(id.clone()).or_default();
            put(&mut mine.dossiers, points.dossiers)?;
            put(&mut mine.total, points.total)?;
        }
        Ok(())
    }
}
