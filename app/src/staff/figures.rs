//! The figures of the staff workspace, as pure functions of what the store holds and what the
//! staff member asked to see: tested natively, without a browser. Every figure comes from the
//! `survey` core's tally and indices, the same code the CLI and server use, so the numbers on
//! screen, in every file and on the published page agree.

use std::collections::BTreeMap;
use std::rc::Rc;

use survey::definition::catalog::Catalog;
use survey::definition::model::{QuestionKind, Survey};
use survey::records::gate::CheckedRecord;
use survey::records::record::{RecordError, ResponseRecord};
use survey::results::certify::Certificate;
use survey::results::denominator::{Dossiers, Received};
use survey::results::entered::Entered;
use survey::results::index::{DEFAULT_MIN_N, IndexRow, indices_with};
use survey::results::period::{Period, parse_day};
use survey::results::tally::{Added, GroupBy, GroupCounts, Slot, Tally, TallyOptions};
use survey::results::tally_csv::share_hundredths;
use survey::text::Lang;

use crate::platform::storage::CERTIFICATE_PREFIX;
use crate::staff::files::StoredTally;

/// Everything the workspace reads from the store, read again after each change.
#[derive(Clone, Default)]
pub struct Data {
    /// Stored responses that passed the one gate.
    pub records: Rc<Vec<CheckedRecord>>,
    /// Stored responses left out of every figure, each with why: unreadable, or stored by an
    /// older version past a weaker check. They stay stored and in backups.
    pub left_out: Rc<Vec<String>>,
    pub device_id: String,
    pub tallies: Rc<Vec<(StoredTally, Tally)>>,
    pub certificates: Rc<BTreeMap<String, Certificate>>,
    pub dossiers: Rc<BTreeMap<String, Dossiers>>,
    /// Thông tư 01 indicators entered from the agency's systems, by period code.
    pub indicators: Rc<BTreeMap<String, Entered>>,
    /// Stored values under the staff area's keys that could not be read.
    pub damaged: Rc<Vec<String>>,
    /// The server's figures of the signed-in account's units, in the server's workspace.
    pub server: Option<Rc<crate::platform::account::ServerFigures>>,
}

/// The data by handle, for a memo: compared by identity, not by content.
#[derive(Clone)]
pub struct DataHandle(pub Data);

impl PartialEq for DataHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0.records, &other.0.records)
            && Rc::ptr_eq(&self.0.certificates, &other.0.certificates)
            && Rc::ptr_eq(&self.0.tallies, &other.0.tallies)
            && Rc::ptr_eq(&self.0.dossiers, &other.0.dossiers)
            && Rc::ptr_eq(&self.0.indicators, &other.0.indicators)
            && match (&self.0.server, &other.0.server) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

/// The view's response rate: the responses it counts and the dossiers it divides them by. On
/// the server, only the responses of the units that entered their dossiers for the period count
/// (the others are named, and left out); on a device, which is one unit, all of them.
pub fn response_rate(survey: &Survey, data: &Data, view: &View, totals: &GroupCounts) -> Option<(u64, Received)> {
    let period = view.period.code();
    let Some(server) = &data.server else {
        return Some((totals.responses, Received::all(data.dossiers.get(&period)?.values().sum())));
    };
    let entered = server.dossiers_by_unit.get(&period)?;
    let counted = if view.include_misuse { &server.with_misuse } else { &server.without_misuse };
    let mut by_unit = counted.regroup(GroupBy { unit: true, ..GroupBy::default() }, Some(view.period));
    by_unit.groups.retain(|key, _| key.survey_id == survey.id() && key.survey_version == survey.version());
    let received = Received::by_unit(entered, &by_unit)?;
    let responses = received.counted(&by_unit).groups.values().map(|group| group.responses).sum();
    Some((responses, received))
}

pub fn certificate_key(survey: &Survey, period: Period) -> String {
    format!("{CERTIFICATE_PREFIX}{}:{}:{}", survey.id(), survey.version(), period.code())
}

/// Stored responses as read from the store, through the one gate: those counted, and those left
/// out with why (first the unreadable, then those stored by an older version past a weaker
/// check), which stay stored and go into backups.
pub fn passed(stored: Vec<Result<ResponseRecord, RecordError>>) -> (Vec<CheckedRecord>, Vec<String>) {
    let mut left_out = Vec::new();
    let readable = stored.into_iter().filter_map(|read| read.map_err(|err| left_out.push(err.to_string())).ok());
    let (counted, refused) = crate::platform::nfc::gate().check_stored(&Catalog::new(survey_defs::all()), readable);
    left_out.extend(refused.into_iter().map(|(response_id, err)| format!("{response_id}: {err}")));
    (counted, left_out)
}

/// What the staff member asked to see.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub period: Period,
    pub by: GroupBy,
    pub include_misuse: bool,
    /// Only this device's own responses, or everything stored here (imports included).
    pub own_only: bool,
}

/// The figures of one view.
pub struct Figures {
    /// Entered indicator lines that apply to no group of the figures shown.
    pub unmatched: Vec<survey::results::entered::EntryKey>,
    pub tally: Tally,
    pub totals: GroupCounts,
    pub rows: Vec<IndexRow>,
    /// Records of the survey in the period, as selected (misuse and partial ones included).
    pub records: Vec<CheckedRecord>,
    /// Records of other surveys, or that do not fit their survey.
    pub skipped: u64,
}

pub fn figures(survey: &Survey, data: &Data, view: &View) -> Figures {
    let catalog = Catalog::new([survey.clone()]);
    let options = TallyOptions {
        by: view.by,
        from: Some(view.period.start),
        to: Some(view.period.end),
        include_misuse: view.include_misuse,
        ..TallyOptions::default()
    };
    let mut tally = Tally::default();
    tally.layouts.insert((survey.id().to_owned(), survey.version().to_owned()), Tally::layout_of(survey));
    let mut skipped = 0;
    let mut records = Vec::new();
    for record in data.records.iter() {
        if view.own_only && record.device_id.as_deref() != Some(data.device_id.as_str()) {
            continue;
        }
        match tally.add(&catalog, record, &options) {
            Ok(Added::OutOfRange) => {}
            Ok(_) => records.push(record.clone()),
            Err(_) => skipped += 1,
        }
    }
    // The server's tally, made by the same core from the responses it holds, counts as an
    // imported tally does: regrouped to the view, then merged.
    let server = data
        .server
        .as_ref()
        .map(|server| if view.include_misuse { &server.with_misuse } else { &server.without_misuse });
    if !view.own_only || server.is_some() {
        for imported in data.tallies.iter().map(|(_, tally)| tally).chain(server) {
            let mut part = imported.regroup(view.by, Some(view.period));
            part.groups.retain(|key, _| key.survey_id == survey.id() && key.survey_version == survey.version());
            // A forged tally that overflows the counts is left out rather than wrapped.
            if tally.merge(&part).is_err() {
                skipped += 1;
            }
        }
    }
    let totals = tally.totals(survey.id(), survey.version());
    let entered = data.indicators.get(&view.period.code()).cloned().unwrap_or_default();
    let whole = tally.regroup(GroupBy::default(), None);
    let rows = indices_with(&whole, &catalog, DEFAULT_MIN_N, &entered).unwrap_or_default();
    // An entered line that applies to nothing shown counts for nothing: said, not passed over.
    let unmatched = survey::results::entered::unmatched(&entered, &whole).into_iter().cloned().collect();
    Figures { tally, totals, rows, records, skipped, unmatched }
}

/// One change to the view's controls.
#[derive(Clone, Debug, PartialEq)]
pub enum ViewChange {
    /// A period's code, or `custom`.
    Period(String),
    From(String),
    To(String),
    ByUnit(bool),
    ByCounter(bool),
    ByStaff(bool),
    ByField(bool),
    IncludeMisuse(bool),
    OwnOnly(bool),
}

impl View {
    /// The view after one change, and whether custom days are being chosen.
    pub fn changed(&self, change: ViewChange, custom: bool) -> (View, bool) {
        let mut next = self.clone();
        let mut custom = custom;
        let day = |text: &str| parse_day(text);
        match change {
            ViewChange::Period(code) if code == "custom" => custom = true,
            ViewChange::Period(code) => {
                custom = false;
                next.period = Period::parse(&code).unwrap_or(self.period);
            }
            ViewChange::From(text) => {
                if let Some(span) = day(&text).and_then(|from| Period::span(from, self.period.end)) {
                    next.period = span;
                }
            }
            ViewChange::To(text) => {
                if let Some(span) = day(&text).and_then(|to| Period::span(self.period.start, to)) {
                    next.period = span;
                }
            }
            ViewChange::ByUnit(on) => next.by.unit = on,
            ViewChange::ByCounter(on) => next.by.counter = on,
            ViewChange::ByStaff(on) => next.by.staff = on,
            ViewChange::ByField(on) => next.by.field = on,
            ViewChange::IncludeMisuse(on) => next.include_misuse = on,
            ViewChange::OwnOnly(on) => next.own_only = on,
        }
        (next, custom)
    }
}

/// What certifying locks, in words: the responses the published page counts, with the
/// unfinished and misuse-flagged ones named apart, so that no number differs without a reason.
pub fn counted_in_words(counts: &GroupCounts) -> String {
    format!(
        "{} phiếu được tính (trong đó {} phiếu chưa hoàn thành, tính cho các câu đã trả lời); {} phiếu nghi lạm dụng để riêng, không tính. / \
         {} responses counted ({} of them unfinished, counted for the questions they answered); {} flagged as misuse kept apart, not counted.",
        counts.responses, counts.partial, counts.misuse, counts.responses, counts.partial, counts.misuse
    )
}

pub fn conflict_summary(record: &ResponseRecord) -> String {
    let answers: Vec<String> =
        record.answers.iter().map(|(question, answer)| format!("{question}={answer:?}")).collect();
    format!("{} · {} · {}", record.submitted_at, record.device_id.as_deref().unwrap_or("–"), answers.join("; "))
}

pub fn hundredths(value: Option<u64>) -> String {
    value.map_or("–".into(), survey::reports::publish::exact_percent_text)
}

/// The layout's option rows grouped by question, in order; indicator and whole-response rows
/// are left out.
pub fn questions(layout: &[Slot]) -> Vec<(String, Vec<Slot>)> {
    let mut grouped: Vec<(String, Vec<Slot>)> = Vec::new();
    for slot in layout.iter().filter(|slot| slot.is_option()) {
        match grouped.last_mut() {
            Some((id, slots)) if *id == slot.question_id => slots.push(slot.clone()),
            _ => grouped.push((slot.question_id.clone(), vec![slot.clone()])),
        }
    }
    grouped
}

/// The English label of an option, where the definition has one.
pub fn option_english(survey: &Survey, question_id: &str, code: &str) -> String {
    let question_id = question_id.split('.').next().unwrap_or(question_id);
    survey
        .question(question_id)
        .and_then(|question| question.kind.choices().into_iter().find(|choice| choice.code == code))
        .and_then(|choice| choice.label.en)
        .unwrap_or_default()
}

/// The question's text, and for a matrix item (`question.item`) the item's text after it.
pub fn caption(survey: &Survey, tally_id: &str) -> String {
    let (question_id, item_id) = match tally_id.split_once('.') {
        Some((question_id, item_id)) => (question_id, Some(item_id)),
        None => (tally_id, None),
    };
    let Some(question) = survey.question(question_id) else { return tally_id.to_owned() };
    let item = match (&question.kind, item_id) {
        (QuestionKind::Matrix { items, .. }, Some(item_id)) => {
            items.iter().find(|item| item.id == item_id).map(|item| item.text.get(Lang::Vi).to_owned())
        }
        _ => None,
    };
    match item {
        Some(item) => format!("{} — {item}", question.text.get(Lang::Vi)),
        None => question.text.get(Lang::Vi).to_owned(),
    }
}

pub fn percent_text(count: u64, answered: u64) -> String {
    hundredths(share_hundredths(count, answered))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use survey::definition::answer::Answer;
    use survey::reports::comments::answers_in_words;

    /// On the server, one ward of two entered its dossiers: the rate is that ward's responses
    /// over its dossiers, and the other ward is named (a province read 19 ratings of three
    /// wards over one ward's 120 dossiers).
    #[test]
    fn the_servers_rate_counts_only_the_units_that_entered_dossiers() {
        use survey::results::tally::GroupKey;
        let survey = survey_defs::by_id("danh-gia-tai-quay").unwrap();
        let mut tally = Tally::default();
        for (unit, responses) in [("p1", 12), ("p2", 7)] {
            let key = GroupKey {
                survey_id: survey.id().into(),
                survey_version: survey.version().into(),
                period_start: "2026-11-23".into(),
                period_end: "2026-11-23".into(),
                unit: unit.into(),
                ..GroupKey::default()
            };
            tally.groups.insert(key, GroupCounts { responses, ..GroupCounts::default() });
        }
        let period = Period::parse("2026-Q4").unwrap();
        let by_unit = BTreeMap::from([("p1".to_owned(), Dossiers::from([(String::new(), 20)]))]);
        let server = crate::platform::account::ServerFigures {
            without_misuse: tally.clone(),
            with_misuse: tally,
            units: Vec::new(),
            names: Default::default(),
            dossiers: BTreeMap::new(),
            dossiers_by_unit: BTreeMap::from([("2026-Q4".to_owned(), by_unit)]),
        };
        let data = Data { server: Some(Rc::new(server)), ..Data::default() };
        let view = View { period, by: GroupBy::default(), include_misuse: false, own_only: false };
        let totals = GroupCounts { responses: 19, ..GroupCounts::default() };
        let (responses, received) = response_rate(&survey, &data, &view, &totals).unwrap();
        assert_eq!((responses, received.dossiers, received.missing), (12, 20, vec!["p2".to_owned()]));
        // A device is one unit: all its responses over its dossiers.
        let device = Data {
            dossiers: Rc::new(BTreeMap::from([("2026-Q4".to_owned(), Dossiers::from([(String::new(), 40)]))])),
            ..Data::default()
        };
        let (responses, received) = response_rate(&survey, &device, &view, &totals).unwrap();
        assert_eq!((responses, received.dossiers), (19, 40));
    }

    #[test]
    fn percentages_show_a_decimal_comma() {
        assert_eq!(percent_text(2, 3), "66,67 %");
        assert_eq!(percent_text(0, 0), "–");
    }

    /// The view controls change one thing at a time, from the view shown.
    #[test]
    fn each_control_changes_its_own_part_of_the_view() {
        let q4 = Period::parse("2026-Q4").unwrap();
        let view = View { period: q4, by: GroupBy::default(), include_misuse: false, own_only: false };
        let (grouped, custom) = view.changed(ViewChange::ByCounter(true), false);
        assert!(grouped.by.counter && !grouped.by.unit && !custom);
        let (custom_view, custom) = grouped.changed(ViewChange::Period("custom".into()), false);
        assert!(custom, "custom days are being chosen");
        assert_eq!(custom_view, grouped, "nothing else changes yet");
        let (from, _) = custom_view.changed(ViewChange::From("2026-11-01".into()), true);
        assert_eq!(from.period, Period::span(parse_day("2026-11-01").unwrap(), q4.end).unwrap());
        let (bad, _) = from.changed(ViewChange::To("2026-10-01".into()), true);
        assert_eq!(bad.period, from.period, "an end before the start changes nothing");
        let (back, custom) = bad.changed(ViewChange::Period("2026-Q3".into()), true);
        assert_eq!((back.period.code().as_str(), custom), ("2026-Q3", false));
        assert!(back.by.counter, "the grouping stays");
        let (own, _) = back.changed(ViewChange::OwnOnly(true), false);
        assert!(own.own_only);
    }

    fn counter_rating() -> Survey {
        survey_defs::by_id("danh-gia-tai-quay").unwrap()
    }

    /// A counter rating given on `day` by `device`, with the level `code`.
    /// The records through the one gate, as the workspace loads them; each must pass.
    pub(crate) fn checked(records: Vec<ResponseRecord>) -> Vec<CheckedRecord> {
        let (checked, left_out) = passed(records.into_iter().map(Ok).collect());
        assert!(left_out.is_empty(), "{left_out:?}");
        checked
    }

    pub(crate) fn rating(
        id: u32,
        day: &str,
        device: &str,
        code: &str,
        partial: bool,
        misuse: Option<&str>,
    ) -> ResponseRecord {
        let mut record: ResponseRecord = serde_json::from_value(serde_json::json!({
            "format": 1, "response_id": format!("00000000-0000-4000-8000-{id:012}"),
            "survey_id": "danh-gia-tai-quay", "survey_version": "2026.1",
            "submitted_at": format!("{day}T09:00:00+07:00"), "channel": "kiosk", "partial": partial,
            "device_id": device, "unit": "phuong-1", "counter": "quay-1", "answers": {}
        }))
        .unwrap();
        record.answers.insert("muc-do-hai-long".into(), Answer::Choice(code.into()));
        record.misuse = misuse.map(str::to_owned);
        record
    }

    fn q4(own_only: bool, include_misuse: bool) -> View {
        View { period: Period::parse("2026-Q4").unwrap(), by: GroupBy::default(), include_misuse, own_only }
    }

    fn data(records: Vec<ResponseRecord>, tallies: Vec<(StoredTally, Tally)>) -> Data {
        Data {
            records: Rc::new(checked(records)),
            tallies: Rc::new(tallies),
            device_id: "may-1".into(),
            ..Data::default()
        }
    }

    /// An entered line for an officer or a unit the figures do not show counts for nothing,
    /// and the figures say which; the agency's line applies.
    #[test]
    fn entered_lines_that_match_nothing_shown_are_named() {
        use survey::results::entered::{EntryKey, read_entered};
        let survey = counter_rating();
        let mut data = data(vec![rating(1, "2026-11-23", "may-1", "hai-long", false, None)], Vec::new());
        let lines = "unit,staff,indicator,dossiers,points\n,,2,10,20\n,cb-01,2,4,8\nphuong-9,,5,3,6\n";
        let entered = read_entered(lines.as_bytes(), Period::parse("2026-Q4")).unwrap();
        data.indicators = Rc::new(BTreeMap::from([("2026-Q4".to_owned(), entered)]));
        let shown = figures(&survey, &data, &q4(false, false));
        let key = |unit: &str, staff: &str, indicator| EntryKey {
            period: "2026-Q4".into(),
            unit: unit.into(),
            staff: staff.into(),
            indicator,
        };
        assert_eq!(shown.unmatched, [key("", "cb-01", 2), key("phuong-9", "", 5)]);
    }

    #[test]
    fn the_figures_count_the_period_the_device_and_the_imports_as_asked() {
        let survey = counter_rating();
        let records = vec![
            rating(1, "2026-11-23", "may-1", "hai-long", false, None),
            rating(2, "2026-11-24", "may-1", "khong-hai-long", true, None),
            rating(3, "2026-11-24", "may-1", "hai-long", false, Some("burst")),
            rating(4, "2026-11-25", "may-2", "rat-hai-long", false, None),
            // Another quarter: not counted, not listed.
            rating(5, "2026-09-30", "may-1", "hai-long", false, None),
        ];
        // A tally imported from another ward: two more satisfied, in the quarter.
        let mut other = Tally::default();
        other.layouts.insert(("danh-gia-tai-quay".into(), "2026.1".into()), Tally::layout_of(&survey));
        let catalog = Catalog::new([survey.clone()]);
        let q4_days = Period::parse("2026-Q4").unwrap();
        let options = TallyOptions { from: Some(q4_days.start), to: Some(q4_days.end), ..TallyOptions::default() };
        for id in 10..12 {
            let record = &checked(vec![rating(id, "2026-10-02", "xa-khac", "hai-long", false, None)])[0];
            other.add(&catalog, record, &options).unwrap();
        }
        let stored = StoredTally {
            file: "xa-khac.csv".into(),
            csv: String::from_utf8(other.to_csv(survey::csv::write::CsvProfile::Rfc4180)).unwrap(),
        };
        let data = data(records, vec![(stored, other)]);

        let all = figures(&survey, &data, &q4(false, false));
        assert_eq!(
            (all.totals.responses, all.totals.partial, all.totals.misuse),
            (5, 1, 1),
            "3 here, 2 imported; the unfinished one counts"
        );
        let level = |figures: &Figures, code: &str| figures.totals.questions["muc-do-hai-long"].options[code];
        assert_eq!((level(&all, "hai-long"), level(&all, "khong-hai-long"), level(&all, "rat-hai-long")), (3, 1, 1));
        assert_eq!(all.records.len(), 4, "the quarter's records, the flagged one included, for the lists");
        assert_eq!(all.skipped, 0);

        let own = figures(&survey, &data, &q4(true, false));
        assert_eq!(own.totals.responses, 2, "this device's own, no imports: the flagged one apart");
        let with_misuse = figures(&survey, &data, &q4(true, true));
        assert_eq!(with_misuse.totals.responses, 3);
    }

    #[test]
    fn stored_records_that_do_not_pass_the_gate_are_left_out_and_said() {
        let mut wrong = rating(1, "2026-11-23", "may-1", "hai-long", false, None);
        wrong.answers.insert("muc-do-hai-long".into(), Answer::Choice("tuyet-voi".into()));
        let mut unknown = rating(2, "2026-11-23", "may-1", "hai-long", false, None);
        unknown.survey_id = "khao-sat-la".into();
        let good = rating(3, "2026-11-23", "may-1", "hai-long", false, None);
        let unreadable = Err(RecordError::UnsupportedFormat(9));
        let (counted, left_out) = passed(vec![Ok(wrong), Ok(unknown), Ok(good.clone()), unreadable]);
        assert_eq!(counted.iter().map(|record| record.response_id.clone()).collect::<Vec<_>>(), [good.response_id]);
        assert_eq!(
            left_out,
            [
                "record format 9 was written by a newer version of Hài Lòng (this one reads 1)",
                "00000000-0000-4000-8000-000000000001: answers.muc-do-hai-long: `tuyet-voi` is not an option of this question",
                "00000000-0000-4000-8000-000000000002: survey_id: no survey khao-sat-la is known here",
            ]
        );
    }

    #[test]
    fn records_of_another_survey_are_skipped() {
        let survey = counter_rating();
        let sipas = survey_defs::all().into_iter().find(|other| other.id() != survey.id()).unwrap();
        let mut other = rating(2, "2026-11-23", "may-1", "hai-long", false, None);
        other.survey_id = sipas.id().into();
        other.survey_version = sipas.version().into();
        other.answers.clear();
        other.partial = true;
        let figures = figures(&survey, &data(vec![other], Vec::new()), &q4(false, false));
        assert_eq!((figures.totals.responses, figures.skipped), (0, 1));
    }

    #[test]
    fn a_response_is_told_in_the_survey_s_words() {
        let survey = counter_rating();
        let mut record = rating(1, "2026-11-23", "may-1", "khong-hai-long", true, None);
        assert_eq!(answers_in_words(&survey, &record), format!("{}: Không hài lòng", survey.questions()[0].text.vi));
        record.answers.clear();
        assert_eq!(answers_in_words(&survey, &record), "không trả lời câu nào / nothing answered");
        let counts = GroupCounts { responses: 7, partial: 2, misuse: 1, ..GroupCounts::default() };
        assert!(counted_in_words(&counts).starts_with("7 phiếu được tính (trong đó 2 phiếu chưa hoàn thành"));
        assert_eq!(caption(&survey, "muc-do-hai-long"), survey.questions()[0].text.vi);
        assert_eq!(caption(&survey, "khong-co"), "khong-co", "an unknown id is shown as it is");
    }

    #[test]
    fn option_rows_are_grouped_by_question_without_the_indicators() {
        let survey = counter_rating();
        let grouped = questions(&Tally::layout_of(&survey));
        let ids: Vec<&str> = grouped.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["muc-do-hai-long", "ly-do"]);
        assert_eq!(grouped[0].1.len(), 3);
        assert_eq!(option_english(&survey, "muc-do-hai-long", "hai-long"), "Satisfied");
    }
}
