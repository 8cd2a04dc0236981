//! One function per reader that takes bytes from outside, as a fuzzer feeds them: each reads
//! the bytes the way its entry point does and checks what must hold of whatever it read. A
//! panic (including a broken property) is a finding.
//!
//! The cargo-fuzz targets in `fuzz/fuzz_targets/` call these, and `tests/corpus.rs` replays
//! every input kept in `fuzz/corpus/` and `regressions/` through them on stable Rust, so that
//! `cargo xtask test` keeps every finding fixed.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::OnceLock;

use survey::csv::write::CsvProfile;
use survey::definition::catalog::Catalog;
use survey::records::backup::{Backup, plan_join};
use survey::records::gate::{CheckedRecord, Gate};
use survey::records::raw::{read_raw, write_raw};
use survey::records::record::ResponseRecord;
use survey::results::tally::Tally;
use survey::text::short_message;
use survey_defs::check::{Syntax, check};
use wire::sync::{Batch, MAX_BATCH};

/// The receiver's clock the targets that check records against a clock use: a fixed instant
/// (2026-12-01T00:00:00Z), so that an input finds the same path on every run.
pub const NOW: i64 = 1_796_083_200;

/// A target: the bytes a fuzzer made, read as its entry point reads them.
pub type Target = fn(&[u8]);

/// Every target by its name, as cargo-fuzz and the corpus folders name them.
pub const TARGETS: &[(&str, Target)] = &[
    ("definition", definition),
    ("raw_csv", raw_csv),
    ("tally_csv", tally_csv),
    ("backup", backup),
    ("sync_batch", sync_batch),
];

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::new(survey_defs::all()))
}

/// `hailong check`: a definition file in TOML and in JSON. A definition that passes is one the
/// app can carry: it is written as the Rust that `survey-defs` compiles in (no shape the writer
/// does not know), with its texts as escaped Rust literals.
pub fn definition(data: &[u8]) {
    for syntax in [Syntax::Toml, Syntax::Json] {
        if let Ok(survey) = check(data, syntax) {
            let embedded = survey::definition::embed::rust_expression(&survey).expect("a survey is written as Rust");
            assert!(embedded.starts_with("Survey::prevalidated(") && embedded.ends_with(')'));
            assert!(embedded.contains(&format!("String::from({:?})", survey.title().vi)), "the title is a literal");
        } else if let Err(err) = check(data, syntax) {
            assert!(
                err.problems.iter().all(|problem| problem.message.len() < 2_000),
                "a problem quotes a short prefix only"
            );
        }
    }
}

/// The raw CSV reader (`hailong tally`, the staff area's import). Every record it gives passed
/// the gate, so it passes again unchanged, and written out and read back it is the same.
pub fn raw_csv(data: &[u8]) {
    let gate = Gate::default().received_at(NOW);
    let Ok(mut reader) = read_raw(Cursor::new(data), catalog(), gate) else { return };
    let mut records: Vec<CheckedRecord> = Vec::new();
    while let Some(next) = reader.next_record() {
        match next {
            Ok((_, record)) => records.push(record),
            Err(_) => return,
        }
    }
    let Some(survey) = reader.survey().cloned() else { return };
    for record in &records {
        let again = gate.check(catalog(), record.as_ref().clone()).expect("a checked record passes the gate again");
        assert_eq!(again.as_ref(), record.as_ref(), "the gate changes a record it has cleaned already");
    }
    for profile in [CsvProfile::Rfc4180, CsvProfile::Excel, CsvProfile::ExcelVi] {
        let written = write_raw(&survey, &records, profile);
        let back = survey::records::raw::read_all_raw(Cursor::new(&written), catalog(), gate)
            .unwrap_or_else(|err| panic!("the raw CSV written in {profile:?} reads back: {err}"));
        let ids = |list: &[CheckedRecord]| list.iter().map(|record| record.as_ref().clone()).collect::<Vec<_>>();
        assert_eq!(ids(&back), ids(&records), "the raw CSV written in {profile:?} reads back the same");
    }
}

/// The tally CSV reader (an imported tally from another ward, `hailong tally --merge`). A tally
/// it reads is written out in every profile and read back to the same figures (an option row
/// left out reads as a zero, which writing makes explicit), and merged with itself it doubles.
pub fn tally_csv(data: &[u8]) {
    let Ok(tally) = Tally::read_csv(data) else { return };
    let written = tally.to_csv(CsvProfile::Rfc4180);
    let back = Tally::read_csv(written.as_slice()).expect("a tally written out reads back");
    for profile in [CsvProfile::Rfc4180, CsvProfile::Excel, CsvProfile::ExcelVi] {
        let again = Tally::read_csv(back.to_csv(profile).as_slice()).expect("a tally written out reads back");
        assert_eq!(again, back, "a tally written in {profile:?} reads back the same");
    }
    for (key, group) in &tally.groups {
        let read = &back.groups[key];
        assert_eq!((read.responses, read.misuse, read.partial), (group.responses, group.misuse, group.partial));
        for (question, counts) in &group.questions {
            for (code, count) in &counts.options {
                assert_eq!(read.questions[question].options.get(code), Some(count), "{question} {code}");
            }
        }
    }
    let mut twice = tally.clone();
    if twice.merge(&tally).is_ok() {
        for (key, group) in &twice.groups {
            assert_eq!(group.responses, tally.groups[key].responses * 2);
        }
    }
}

/// The staff area's restore: a backup file, every response through the gate, joined to an empty
/// store. A backup the gate refuses names every record it refuses.
pub fn backup(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(backup) = Backup::from_json(text) else { return };
    match backup.checked_responses(catalog(), &Gate::default().received_at(NOW)) {
        Ok(records) => {
            let count = records.len();
            let plan = plan_join(&BTreeMap::new(), records);
            assert_eq!(plan.new.len() as u64 + plan.duplicates + plan.conflicts.len() as u64, count as u64);
        }
        Err(unreadable) => {
            assert!(!unreadable.is_empty() && unreadable.len() <= backup.responses.len());
            for line in &unreadable {
                assert!(line.len() < 2_000, "a refusal quotes a short prefix only: {}", short_message(line));
            }
        }
    }
}

/// `POST /api/v1/responses`: a batch, each record read alone and checked at the receiver's
/// clock, as the server does before it stores anything.
pub fn sync_batch(data: &[u8]) {
    let Ok(batch) = serde_json::from_slice::<Batch>(data) else { return };
    if batch.records.len() > MAX_BATCH {
        return;
    }
    let gate = Gate::default().received_at(NOW);
    for raw in &batch.records {
        match ResponseRecord::from_json(raw.get()).and_then(|record| gate.check(catalog(), record)) {
            Ok(record) => {
                // What the server stores reads back as the same response.
                let stored = ResponseRecord::from_json(&record.to_json()).expect("a stored record reads back");
                assert!(stored.same_response(&record));
            }
            Err(err) => {
                let message = err.to_string();
                assert!(message.len() < 2_000, "a refusal quotes a short prefix only: {}", short_message(&message));
            }
        }
    }
}
