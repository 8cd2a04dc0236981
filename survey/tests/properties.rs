//! Properties of tallies and CSV that must hold for any responses: merging is addition
//! (associative, commutative, with the empty tally as identity); tallying a union equals
//! merging the tallies; raw and tally CSV read back exactly in every profile.

mod common;

use common::{catalog, checked};

use std::io::Cursor;

use proptest::prelude::*;
use survey::csv::write::CsvProfile;
use survey::records::gate::Gate;
use survey::records::raw::{read_all_raw, write_raw};
use survey::results::kept::{CellLayout, Kept, KeptKey, KeptSum, Span, SumError, encode, plan};
use survey::results::period::PeriodKind;
use survey::results::tally::{GroupBy, Tally, TallyOptions};
use survey::{
    definition::answer::Answer, definition::answer::Choices, records::record::Channel, records::record::ResponseRecord,
};

const LEVELS: [&str; 3] = ["rat-hai-long", "hai-long", "khong-hai-long"];
const REASONS: [&str; 6] = ["cho-lau", "huong-dan-khong-ro", "phai-bo-sung", "thai-do", "tra-ket-qua-tre", "khac"];

/// Text a citizen might type, and text meant to break CSV and spreadsheets.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-ZàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđĐ ,;.!?]{1,40}",
        Just("=HYPERLINK(\"http://x\",\"y\")".to_string()),
        Just("+84 912 345 678".to_string()),
        Just("-1".to_string()),
        Just("@SUM(A1)".to_string()),
        Just("'đã trích dẫn".to_string()),
        Just("''hai dấu".to_string()),
        Just("dòng một\r\ndòng hai".to_string()),
        Just("\"ngoặc kép\"; và, dấu phẩy".to_string()),
        Just("\tthụt đầu dòng".to_string()),
    ]
}

prop_compose! {
    fn record(n: u32)(
        level in 0..3usize,
        reasons in proptest::sample::subsequence(REASONS.to_vec(), 0..=3),
        other in text().prop_filter("\"Khác\" needs words", |text| !text.trim().is_empty()),
        comment in proptest::option::of(text()),
        unit in proptest::option::of(prop_oneof![Just("phuong-a"), Just("phuong-b"), Just("xa-c")]),
        staff in proptest::option::of(prop_oneof![Just("can-bo-1"), Just("can-bo-2")]),
        counter in proptest::option::of(prop_oneof![Just("quay-1"), Just("quay-2")]),
        field in proptest::option::of(prop_oneof![Just("ho-tich"), Just("dat-dai")]),
        day in 1..=365u32,
        misuse in proptest::option::of(Just("burst: 5 taps in 4 s")),
        partial in any::<bool>(),
        phone in any::<bool>(),
    ) -> ResponseRecord {
        let survey = survey_defs::by_id("danh-gia-tai-quay").unwrap();
        let date = time::Date::from_ordinal_date(2026, day as u16).unwrap();
        let mut record = ResponseRecord::new(
            &survey,
            format!("00000000-0000-4000-8000-{n:012}"),
            format!("{date}T{:02}:15:00+07:00", day % 24),
            if phone { Channel::Phone } else { Channel::Kiosk },
        );
        record.unit = unit.map(str::to_owned);
        record.staff = staff.map(str::to_owned);
        record.counter = counter.map(str::to_owned);
        record.field = field.map(str::to_owned);
        record.misuse = misuse.map(str::to_owned);
        record.partial = partial;
        record.answers.insert("muc-do-hai-long".into(), Answer::Choice(LEVELS[level].into()));
        if LEVELS[level] == "khong-hai-long" {
            if !reasons.is_empty() {
                let other = reasons.contains(&"khac").then_some(other);
                let codes = reasons.iter().map(|code| code.to_string()).collect();
                record.answers.insert("ly-do".into(), Answer::Choices(Choices { codes, other }));
            }
            if let Some(comment) = comment {
                record.answers.insert("y-kien".into(), Answer::Text(comment));
            }
        }
        record
    }
}

/// Records with distinct ids, `first` onwards.
fn records(first: u32) -> impl Strategy<Value = Vec<ResponseRecord>> {
    (0..12u32).prop_flat_map(move |count| (0..count).map(|i| record(first + i)).collect::<Vec<_>>())
}

fn options() -> impl Strategy<Value = TallyOptions> {
    (
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(PeriodKind::All), Just(PeriodKind::Month), Just(PeriodKind::Quarter)],
        any::<bool>(),
    )
        .prop_map(|(by_unit, by_staff, period, include_misuse)| TallyOptions {
            by: GroupBy { unit: by_unit, staff: by_staff, ..GroupBy::default() },
            period,
            include_misuse,
            ..TallyOptions::default()
        })
}

/// Any options a staff request may give: every grouping, every period, any range of days.
fn any_options() -> impl Strategy<Value = TallyOptions> {
    let day = proptest::option::of((0..420i64).prop_map(|offset| {
        time::Date::from_calendar_date(2025, time::Month::December, 1).unwrap() + time::Duration::days(offset)
    }));
    (
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        prop_oneof![
            Just(PeriodKind::All),
            Just(PeriodKind::Day),
            Just(PeriodKind::Month),
            Just(PeriodKind::Quarter),
            Just(PeriodKind::Half),
            Just(PeriodKind::Year)
        ],
        day.clone(),
        day,
        any::<bool>(),
    )
        .prop_map(|((unit, counter, staff, field), period, from, to, include_misuse)| TallyOptions {
            by: GroupBy { unit, counter, staff, field },
            period,
            from,
            to,
            include_misuse,
        })
}

/// The tally of `records` as the server reads it: from the rows kept per day and month, only
/// those the plan names.
fn from_kept(records: &[ResponseRecord], options: &TallyOptions) -> Tally {
    let catalog = catalog();
    let mut kept = Kept::default();
    for record in checked(records) {
        kept.add(&catalog, &record, false).unwrap();
    }
    let ids: Vec<(String, String)> = kept.layouts.keys().cloned().collect();
    let mut sum = KeptSum::new(&catalog, options.clone());
    for (id, (survey_id, version)) in ids.iter().enumerate() {
        sum.layout(id as u64, survey_id, version, kept.layouts[&(survey_id.clone(), version.clone())].clone());
    }
    for read in plan(options) {
        for (key, cells) in &kept.rows {
            let within = key.span == read.span
                && read.from.is_none_or(|from| key.start >= from)
                && read.to.is_none_or(|to| key.start <= to);
            if within {
                let id = ids.iter().position(|id| *id == (key.survey_id.clone(), key.survey_version.clone())).unwrap();
                sum.add(key, id as u64, &encode(cells)).unwrap();
            }
        }
    }
    sum.finish()
}

fn tally(records: &[ResponseRecord], options: &TallyOptions) -> Tally {
    Tally::count(&catalog(), &checked(records), options).unwrap()
}

fn merged(a: &Tally, b: &Tally) -> Tally {
    let mut sum = a.clone();
    sum.merge(b).unwrap();
    sum
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn merge_is_commutative(a in records(0), b in records(100), options in options()) {
        let (a, b) = (tally(&a, &options), tally(&b, &options));
        prop_assert_eq!(merged(&a, &b), merged(&b, &a));
    }

    #[test]
    fn merge_is_associative(a in records(0), b in records(100), c in records(200), options in options()) {
        let (a, b, c) = (tally(&a, &options), tally(&b, &options), tally(&c, &options));
        prop_assert_eq!(merged(&merged(&a, &b), &c), merged(&a, &merged(&b, &c)));
    }

    #[test]
    fn the_empty_tally_is_the_identity(a in records(0), options in options()) {
        let a = tally(&a, &options);
        prop_assert_eq!(merged(&a, &Tally::default()), a.clone());
        prop_assert_eq!(merged(&Tally::default(), &a), a);
    }

    #[test]
    fn tallying_a_union_is_merging_the_tallies(a in records(0), b in records(100), options in options()) {
        let union: Vec<ResponseRecord> = a.iter().chain(&b).cloned().collect();
        prop_assert_eq!(tally(&union, &options), merged(&tally(&a, &options), &tally(&b, &options)));
    }

    /// Whatever is asked, the rows kept per day and month add up to the tally of the responses.
    #[test]
    fn kept_rows_add_up_to_the_tally_of_the_responses(records in records(0), options in any_options()) {
        prop_assert_eq!(from_kept(&records, &options), tally(&records, &options));
    }

    #[test]
    fn raw_csv_reads_back_the_same_records(records in records(0)) {
        let survey = survey_defs::by_id("danh-gia-tai-quay").unwrap();
        let records = checked(&records);
        for profile in [CsvProfile::Excel, CsvProfile::ExcelVi, CsvProfile::Rfc4180] {
            let bytes = write_raw(&survey, &records, profile);
            let back = read_all_raw(Cursor::new(bytes), &catalog(), Gate::default()).unwrap();
            prop_assert_eq!(&back, &records, "profile {}", profile.name());
        }
    }

    #[test]
    fn tally_csv_reads_back_the_same_tally(records in records(0), options in options()) {
        let tally = tally(&records, &options);
        for profile in [CsvProfile::Excel, CsvProfile::ExcelVi, CsvProfile::Rfc4180] {
            let back = Tally::read_csv(Cursor::new(tally.to_csv(profile)));
            prop_assert_eq!(back.as_ref(), Ok(&tally), "profile {}", profile.name());
        }
    }

    /// `_misuse` and `_partial` count every such response whatever is included; including
    /// misuse adds exactly the flagged responses to `_responses`, and takes nothing away.
    #[test]
    fn misuse_and_partial_counts_never_depend_on_the_include_flag(records in records(0), options in options()) {
        let without = tally(&records, &TallyOptions { include_misuse: false, ..options });
        let with = tally(&records, &TallyOptions { include_misuse: true, ..options });
        let keys: std::collections::BTreeSet<_> = without.groups.keys().chain(with.groups.keys()).collect();
        for key in keys {
            let (a, b) = (without.groups.get(key).cloned().unwrap_or_default(), with.groups.get(key).cloned().unwrap_or_default());
            prop_assert_eq!((a.misuse, a.partial), (b.misuse, b.partial), "{:?}", key);
            prop_assert_eq!(b.responses, a.responses + a.misuse, "{:?}", key);
        }
    }

    /// The same response written with its time in another offset is the same response, for
    /// every reader that joins responses (`plan_join`, and `hailong tally`'s fingerprint).
    #[test]
    fn a_response_written_in_another_offset_is_the_same_response(records in records(0)) {
        let stored: std::collections::BTreeMap<String, ResponseRecord> =
            records.iter().map(|record| (record.response_id.clone(), record.clone())).collect();
        let in_utc: Vec<ResponseRecord> = records
            .iter()
            .map(|record| {
                let instant = survey::vn_time::parse_rfc3339(&record.submitted_at).unwrap();
                let utc = instant.to_offset(time::UtcOffset::UTC);
                let mut copy = record.clone();
                copy.submitted_at = utc.format(&time::format_description::well_known::Rfc3339).unwrap();
                copy
            })
            .collect();
        for (record, copy) in records.iter().zip(&in_utc) {
            prop_assert!(record.same_response(copy));
            prop_assert_eq!(survey::records::raw::content_hash(record), survey::records::raw::content_hash(copy));
            prop_assert_eq!(record.content_sha256(), copy.content_sha256());
        }
        let plan = survey::records::backup::plan_join(&stored, in_utc);
        prop_assert_eq!((plan.new.len(), plan.duplicates as usize, plan.conflicts.len()), (0, records.len(), 0));
    }
}

/// A tally that would outgrow its most groups is refused, not grown.
#[test]
fn a_kept_sum_past_its_most_groups_is_refused_not_grown() {
    let catalog = catalog();
    let survey = catalog.get("danh-gia-tai-quay", "2026.1").unwrap();
    let layout = CellLayout::of(survey);
    let options = TallyOptions { by: GroupBy { unit: true, ..GroupBy::default() }, ..TallyOptions::default() };
    let mut sum = KeptSum::new(&catalog, options);
    sum.most_groups = 1;
    sum.layout(7, survey.id(), survey.version(), layout.clone());
    let cells = encode(&vec![1; layout.len()]);
    let key = |unit: &str| KeptKey {
        span: Span::Month,
        start: time::Date::from_calendar_date(2026, time::Month::October, 1).unwrap(),
        survey_id: survey.id().into(),
        survey_version: survey.version().into(),
        unit: unit.into(),
        counter: String::new(),
        staff: String::new(),
        field: String::new(),
        channel: "kiosk".into(),
        misuse: false,
    };
    sum.add(&key("a"), 7, &cells).unwrap();
    sum.add(&key("a"), 7, &cells).unwrap();
    assert_eq!(sum.add(&key("b"), 7, &cells), Err(SumError::TooMany { most: 1 }));
    assert_eq!(sum.finish().groups.values().map(|group| group.responses).sum::<u64>(), 2);
}

/// What is shown and withheld of a published page, as linear equations over the satisfied
/// counts of its groups: each table's groups sum to the page's total, and each unit's counters
/// to the unit. A withheld group is given away when its count follows from what is shown: when
/// its unit vector lies in the row space of the equations over the withheld groups alone.
mod withheld_stays_withheld {
    use std::collections::BTreeMap;

    use survey::results::suppress::{PageGroups, Withheld};

    /// A group of the page: its table and key.
    #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
    pub enum Cell {
        Unit(String),
        Counter(String, String),
        Field(String),
    }

    /// The page's equations, each a set of cells with coefficients (+1 or −1), over the cells
    /// withheld (the shown ones are known, and move to the other side).
    pub fn given_away(page: &PageGroups, withheld: &Withheld) -> Vec<Cell> {
        // A table of one group is not shown as a table, but that group is the page's total
        // (or its unit): known.
        let hidden = |cell: &Cell| match cell {
            Cell::Unit(code) => page.units.len() > 1 && withheld.units.contains(code),
            Cell::Counter(unit, code) => {
                page.counters.len() > 1 && withheld.counters.contains(&(unit.clone(), code.clone()))
            }
            Cell::Field(code) => page.fields.len() > 1 && withheld.fields.contains(code),
        };
        let mut equations: Vec<Vec<(Cell, i128)>> = Vec::new();
        equations.push(page.units.keys().map(|code| (Cell::Unit(code.clone()), 1)).collect());
        equations.push(page.fields.keys().map(|code| (Cell::Field(code.clone()), 1)).collect());
        for unit in page.units.keys() {
            let mut equation: Vec<(Cell, i128)> = page
                .counters
                .keys()
                .filter(|(of, _)| of == unit)
                .map(|(of, code)| (Cell::Counter(of.clone(), code.clone()), 1))
                .collect();
            equation.push((Cell::Unit(unit.clone()), -1));
            equations.push(equation);
        }
        let unknowns: Vec<Cell> = equations
            .iter()
            .flatten()
            .map(|(cell, _)| cell.clone())
            .filter(|cell| hidden(cell))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let column: BTreeMap<&Cell, usize> = unknowns.iter().enumerate().map(|(at, cell)| (cell, at)).collect();
        let rows: Vec<Vec<i128>> = equations
            .iter()
            .map(|equation| {
                let mut row = vec![0i128; unknowns.len()];
                for (cell, coefficient) in equation {
                    if let Some(at) = column.get(cell) {
                        row[*at] += coefficient;
                    }
                }
                row
            })
            .filter(|row| row.iter().any(|value| *value != 0))
            .collect();
        let base = rank(rows.clone());
        unknowns
            .iter()
            .enumerate()
            .filter(|(at, _)| {
                let mut with_unit = rows.clone();
                let mut unit = vec![0i128; unknowns.len()];
                unit[*at] = 1;
                with_unit.push(unit);
                rank(with_unit) == base
            })
            .map(|(_, cell)| cell.clone())
            .collect()
    }

    /// The rank of an integer matrix, by fraction-free elimination (exact).
    fn rank(mut rows: Vec<Vec<i128>>) -> usize {
        let columns = rows.first().map_or(0, Vec::len);
        let mut rank = 0;
        for column in 0..columns {
            let Some(pivot) = (rank..rows.len()).find(|at| rows[*at][column] != 0) else { continue };
            rows.swap(rank, pivot);
            for at in 0..rows.len() {
                if at != rank && rows[at][column] != 0 {
                    let (a, b) = (rows[rank][column], rows[at][column]);
                    let pivot_row = rows[rank].clone();
                    for (value, pivot_value) in rows[at].iter_mut().zip(&pivot_row) {
                        *value = *value * a - pivot_value * b;
                    }
                    let divisor = rows[at].iter().fold(0i128, |g, v| gcd(g, v.abs()));
                    if divisor > 1 {
                        rows[at].iter_mut().for_each(|value| *value /= divisor);
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    fn gcd(a: i128, b: i128) -> i128 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
}

/// A page's groups: up to six units of up to four counters each, their responses split over
/// up to four fields.
fn page_groups() -> impl Strategy<Value = survey::results::suppress::PageGroups> {
    (proptest::collection::vec(proptest::collection::vec(0u64..25, 1..5), 1..7), 1usize..5).prop_map(
        |(units, fields)| {
            let mut page = survey::results::suppress::PageGroups::default();
            let mut total = 0;
            for (at, counters) in units.iter().enumerate() {
                let unit = format!("u{at}");
                for (code, n) in counters.iter().enumerate() {
                    page.counters.insert((unit.clone(), format!("q{code}")), *n);
                }
                let n: u64 = counters.iter().sum();
                page.units.insert(unit, n);
                total += n;
            }
            // The fields split the same responses another way: all but the last get a share.
            let mut left = total;
            for at in 0..fields {
                let n = if at + 1 == fields { left } else { (total * (at as u64 + 1) / 7).min(left) };
                left -= n;
                page.fields.insert(format!("f{at}"), n);
            }
            page.units.retain(|_, n| *n > 0);
            page.counters.retain(|_, n| *n > 0);
            page.fields.retain(|_, n| *n > 0);
            page
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// For any page, no withheld group follows from the groups shown and the totals.
    #[test]
    fn no_withheld_group_is_a_linear_combination_of_what_is_shown(page in page_groups()) {
        let given_away = withheld_stays_withheld::given_away(&page, &page.withheld(10));
        prop_assert!(given_away.is_empty(), "{given_away:?} follow from {page:?} withholding {:?}", page.withheld(10));
    }
}

/// The check itself finds what primary suppression alone gives away: a counter of 3 beside
/// one of 20 is its ward less the other.
#[test]
fn primary_suppression_alone_gives_a_group_away() {
    use withheld_stays_withheld::{Cell, given_away};
    let mut page = survey::results::suppress::PageGroups::default();
    page.units.insert("a".into(), 23);
    page.units.insert("b".into(), 40);
    page.counters.insert(("a".into(), "q1".into()), 20);
    page.counters.insert(("a".into(), "q2".into()), 3);
    page.counters.insert(("b".into(), "q1".into()), 40);
    page.fields.insert("f".into(), 63);
    let mut primary = survey::results::suppress::Withheld::default();
    primary.counters.insert(("a".into(), "q2".into()));
    assert_eq!(given_away(&page, &primary), [Cell::Counter("a".into(), "q2".into())]);
    assert!(given_away(&page, &page.withheld(10)).is_empty());
}
