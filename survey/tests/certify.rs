//! Certified periods against the shipped counter rating.

mod common;

use common::checked;

use survey::definition::catalog::Catalog;
use survey::digest::sha256_hex;
use survey::results::certify::{Certificate, certify};
use survey::results::period::Period;
use survey::{definition::answer::Answer, records::record::Channel, records::record::ResponseRecord};

/// A response whose id is a fixed UUID v4 ending in `letter`'s code.
fn rating(letter: &str, at: &str, code: &str) -> ResponseRecord {
    let survey = survey_defs::by_id(survey_defs::COUNTER_RATING_ID).unwrap();
    let mut record = ResponseRecord::new(&survey, uuid(letter), at.into(), Channel::Kiosk);
    record.unit = Some("phuong-1".into());
    record.answers.insert("muc-do-hai-long".into(), Answer::Choice(code.into()));
    record
}

fn uuid(letter: &str) -> String {
    format!("00000000-0000-4000-8000-0000000000{:02x}", letter.as_bytes()[0])
}

fn catalog() -> Catalog {
    Catalog::new([survey_defs::by_id(survey_defs::COUNTER_RATING_ID).unwrap()])
}

#[test]
fn a_certified_period_reports_changes_losses_and_late_arrivals() {
    let survey = survey_defs::by_id(survey_defs::COUNTER_RATING_ID).unwrap();
    let q4 = Period::parse("2026-Q4").unwrap();
    let mut records = vec![
        rating("a", "2026-10-02T09:00:00+07:00", "hai-long"),
        rating("b", "2026-11-23T09:00:00+07:00", "khong-hai-long"),
        rating("c", "2026-12-31T23:59:59+07:00", "rat-hai-long"),
        // Outside the quarter, in Vietnam time.
        rating("d", "2026-12-31T17:00:00Z", "hai-long"),
    ];
    let certificate = certify(
        &catalog(),
        survey.id(),
        survey.version(),
        q4,
        &checked(&records),
        "2027-01-05T08:00:00+07:00".into(),
        false,
    )
    .unwrap();
    assert_eq!(certificate.responses.len(), 3);
    assert_eq!(certificate.tally_sha256, sha256_hex(certificate.tally_csv.as_bytes()));
    let read_back = Certificate::from_json(&certificate.to_json()).unwrap();
    assert_eq!(read_back, certificate);
    assert_eq!(read_back.tally().unwrap().totals(survey.id(), survey.version()).responses, 3);

    let check = certificate.verify(&catalog(), &checked(&records)).unwrap();
    assert!(check.holds(), "{check:?}");
    assert_eq!(check.recounted_sha256, certificate.tally_sha256);

    records.push(rating("e", "2026-12-01T10:00:00+07:00", "hai-long"));
    let check = certificate.verify(&catalog(), &checked(&records)).unwrap();
    assert!(check.holds(), "a late response does not break the certificate");
    assert_eq!(check.late, [uuid("e")]);

    records[1].answers.insert("muc-do-hai-long".into(), Answer::Choice("hai-long".into()));
    let check = certificate.verify(&catalog(), &checked(&records)).unwrap();
    assert!(!check.holds());
    assert_eq!(check.changed, [uuid("b")]);
    assert_ne!(check.recounted_sha256, certificate.tally_sha256);

    records.remove(0);
    assert_eq!(certificate.verify(&catalog(), &checked(&records)).unwrap().missing, [uuid("a")]);

    // Cleared from the device after a backup: all gone, but the certificate itself is intact.
    let gone = certificate.verify(&catalog(), &[]).unwrap();
    assert_eq!(gone.missing.len(), 3);
    assert!(!gone.tally_tampered);

    let mut edited = certificate.clone();
    edited.tally_csv = edited.tally_csv.replace(",3,", ",4,");
    assert!(edited.verify(&catalog(), &checked(&records[..0])).unwrap().tally_tampered);
}

#[test]
fn an_unknown_format_is_refused() {
    let survey = survey_defs::by_id(survey_defs::COUNTER_RATING_ID).unwrap();
    let q4 = Period::parse("2026-Q4").unwrap();
    let certificate =
        certify(&catalog(), survey.id(), survey.version(), q4, &[], "2027-01-05T08:00:00+07:00".into(), false).unwrap();
    let json = certificate.to_json().replace("\"format\":1", "\"format\":9");
    assert!(Certificate::from_json(&json).unwrap_err().contains("format 9"));
}

/// A quarter still running is refused, unless staff say they certify it early, which the
/// certificate then records; from its first day after the period, it is certified as ended.
#[test]
fn a_period_is_certified_once_it_has_ended_or_early_by_choice() {
    let survey = survey_defs::by_id(survey_defs::COUNTER_RATING_ID).unwrap();
    let q4 = Period::parse("2026-Q4").unwrap();
    let at = |time: &str, early: bool| certify(&catalog(), survey.id(), survey.version(), q4, &[], time.into(), early);
    let last_day = at("2026-12-31T23:59:00+07:00", false).unwrap_err();
    assert_eq!(last_day, survey::results::certify::CertifyError::NotEnded { last_day: q4.end });
    assert!(last_day.to_string().contains("until 2026-12-31"), "{last_day}");
    // 2026-12-31T17:30Z is already 1 January in Vietnam.
    assert!(!at("2026-12-31T17:30:00+00:00", false).unwrap().early);
    let early = at("2026-11-20T09:00:00+07:00", true).unwrap();
    assert!(early.early);
    assert!(early.to_json().contains("\"early\":true"));
    assert!(!at("2027-01-02T08:00:00+07:00", true).unwrap().early, "asking early after the end is not early");
    assert!(matches!(at("x", true), Err(survey::results::certify::CertifyError::BadTime(_))));
}
