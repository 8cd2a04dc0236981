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
