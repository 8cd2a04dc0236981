//! The one gate every response record passes before anything stores, counts, certifies,
//! exports or sends it.
//!
//! Records come from kiosks, phones, raw CSV files, backups and databases written by older
//! versions, and any of them may be wrong or forged. [`Gate::check`] is the only check, and
//! [`CheckedRecord`], which only it makes, is what the storing, counting and exporting code
//! takes: a record that reached a tally was checked, and checked once.
//!
//! The rule, in the order it is applied (docs/formats.md repeats it for people):
//! - free text is cleaned as the kiosk cleans it: trimmed, NFC, identifiers masked;
//! - `response_id` is a UUID v4;
//! - `submitted_at` is an RFC 3339 time with an offset, in the years [`YEARS`], and, for a
//!   receiver that knows its clock, at most [`MAX_AHEAD_SECONDS`] after it;
//! - unit, counter, staff, field and device are codes ([`is_code`]); the misuse reason has at
//!   most [`MISUSE_MAX_CHARS`] characters;
//! - the survey version is known, every answer answers one of its questions as that question
//!   allows (options, distinct choices, lengths, ranges, "Khác" text), no answer answers a
//!   question the record's own answers hide, and a complete response answers every visible
//!   required question.

use std::ops::{Deref, RangeInclusive};

use crate::definition::answer::Answer;
use crate::definition::catalog::Catalog;
use crate::definition::model::{Question, Survey};
use crate::records::privacy::clean_answer;
use crate::records::record::{RecordError, ResponseRecord, is_code, not_a_code};
use crate::text::Normalizer;
use crate::text::short;
use crate::vn_time;

/// The years a `submitted_at` may fall in. A time outside them is a device's wrong clock or a
/// forged record, and converting it to Vietnam days would overflow.
pub const YEARS: RangeInclusive<i32> = 2000..=2199;

/// How far a response's time may be ahead of the clock of whoever receives it: a day, for
/// clocks a few hours off and time zones set wrong, not for a time that is simply wrong.
pub const MAX_AHEAD_SECONDS: i64 = 86_400;

/// The longest misuse reason, in characters.
pub const MISUSE_MAX_CHARS: usize = 200;

/// A record that passed [`Gate::check`], with its free text cleaned. Only the gate makes one;
/// it reads as the record it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRecord {
    record: ResponseRecord,
    /// When it was submitted, read once by the gate.
    submitted: time::OffsetDateTime,
}

impl CheckedRecord {
    /// When the response was given.
    pub fn submitted(&self) -> time::OffsetDateTime {
        self.submitted
    }

    /// The Vietnam day on which the response was given.
    pub fn vietnam_day(&self) -> time::Date {
        vn_time::vietnam_date(self.submitted)
    }

    /// The record, to change or to keep unchecked: a changed record is checked again.
    pub fn into_record(self) -> ResponseRecord {
        self.record
    }

    /// The same response without the officer it names, for a reader who may not see
    /// per-officer figures. The officer is optional in every record, so it stays checked.
    pub fn without_staff(mut self) -> CheckedRecord {
        self.record.staff = None;
        self
    }
}

impl AsRef<ResponseRecord> for CheckedRecord {
    fn as_ref(&self) -> &ResponseRecord {
        &self.record
    }
}

impl Deref for CheckedRecord {
    type Target = ResponseRecord;

    fn deref(&self) -> &ResponseRecord {
        &self.record
    }
}

/// What a receiver knows when it checks a record: how it normalises text and, if it is
/// receiving records as they are made, its clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct Gate {
    normalizer: Normalizer,
    now: Option<i64>,
}

impl Gate {
    /// A gate for records counted or kept after the fact (a file given to `hailong tally`,
    /// records already stored): their time is not compared with a clock.
    pub fn new(normalizer: Normalizer) -> Gate {
        Gate { normalizer, now: None }
    }

    /// The same gate at a receiver whose clock reads `now` (Unix seconds): the API, a staff
    /// area importing a kiosk's file, a restore.
    pub fn received_at(self, now: i64) -> Gate {
        Gate { now: Some(now), ..self }
    }

    /// Checks a record of any survey version in `catalog`.
    pub fn check(&self, catalog: &Catalog, record: ResponseRecord) -> Result<CheckedRecord, RecordError> {
        let Some(survey) = catalog.get(&record.survey_id, &record.survey_version) else {
            // The shape comes first, so a record that is no response at all says so.
            check_shape(&record)?;
            let known_id = catalog.surveys().iter().any(|survey| survey.id() == record.survey_id);
            let (id, version) = (short(&record.survey_id), short(&record.survey_version));
            return Err(if known_id {
                RecordError::Invalid {
                    field: "survey_version".into(),
                    message: format!("survey {id} has no version {version} here"),
                }
            } else {
                RecordError::Invalid { field: "survey_id".into(), message: format!("no survey {id} is known here") }
            });
        };
        self.check_for(survey, record)
    }

    /// Checks stored records, keeping apart those that fail, each with its id (shortened) and
    /// why: a record an older version stored past a weaker check stays stored and listed, and is
    /// left out of every figure.
    pub fn check_stored(
        &self,
        catalog: &Catalog,
        records: impl IntoIterator<Item = ResponseRecord>,
    ) -> (Vec<CheckedRecord>, Vec<(String, RecordError)>) {
        let (mut checked, mut left_out) = (Vec::new(), Vec::new());
        for record in records {
            let response_id = short(&record.response_id);
            match self.check(catalog, record) {
                Ok(record) => checked.push(record),
                Err(err) => left_out.push((response_id, err)),
            }
        }
        (checked, left_out)
    }

    /// Checks a record that claims to answer `survey`.
    pub fn check_for(&self, survey: &Survey, mut record: ResponseRecord) -> Result<CheckedRecord, RecordError> {
        for answer in record.answers.values_mut() {
            clean_answer(answer, self.normalizer);
        }
        record.answers.retain(|_, answer| !matches!(answer, Answer::Text(text) if text.is_empty()));
        let instant = check_shape(&record)?;
        if !YEARS.contains(&instant.year()) {
            return Err(RecordError::Invalid {
                field: "submitted_at".into(),
                message: format!(
                    "`{}` is outside the years {} to {}",
                    short(&record.submitted_at),
                    YEARS.start(),
                    YEARS.end()
                ),
            });
        }
        if let Some(now) = self.now
            && instant.unix_timestamp() - now > MAX_AHEAD_SECONDS
        {
            return Err(RecordError::Invalid {
                field: "submitted_at".into(),
                message: format!(
                    "`{}` is more than a day ahead of the receiver's clock: the clock of the device that made it is wrong",
                    short(&record.submitted_at)
                ),
            });
        }
        // Codes go into tallies, file names and addresses: one rule for all of them.
        for (field, code) in [
            ("unit", &record.unit),
            ("counter", &record.counter),
            ("staff", &record.staff),
            ("field", &record.field),
            ("device_id", &record.device_id),
        ] {
            if let Some(code) = code
                && !is_code(code)
            {
                return Err(RecordError::Invalid { field: field.into(), message: not_a_code(code) });
            }
        }
        if record.misuse.as_deref().is_some_and(|reason| reason.chars().count() > MISUSE_MAX_CHARS) {
            return Err(RecordError::Invalid {
                field: "misuse".into(),
                message: format!("the reason is longer than {MISUSE_MAX_CHARS} characters"),
            });
        }
        if record.survey_id != survey.id() || record.survey_version != survey.version() {
            return Err(RecordError::Invalid {
                field: "survey_version".into(),
                message: format!(
                    "the record answers {} {}, not {} {}",
                    short(&record.survey_id),
                    short(&record.survey_version),
                    survey.id(),
                    survey.version()
                ),
            });
        }
        check_answers(&record, survey)?;
        Ok(CheckedRecord { record, submitted: instant })
    }
}

/// What every record must be, whatever it answers; the instant it was submitted.
fn check_shape(record: &ResponseRecord) -> Result<time::OffsetDateTime, RecordError> {
    let is_uuid_v4 = uuid::Uuid::try_parse(&record.response_id).is_ok_and(|id| id.get_version_num() == 4);
    if !is_uuid_v4 {
        return Err(RecordError::Invalid {
            field: "response_id".into(),
            message: format!("`{}` is not a UUID v4", short(&record.response_id)),
        });
    }
    vn_time::parse_rfc3339(&record.submitted_at).map_err(|err| RecordError::Invalid {
        field: "submitted_at".into(),
        message: format!("`{}` is {err}", short(&record.submitted_at)),
    })
}

/// The answers against their questions, their visibility and the required ones, in one pass
/// over the survey's questions.
fn check_answers(record: &ResponseRecord, survey: &Survey) -> Result<(), RecordError> {
    // Visibility is decided as the filling session decides it, from the answers of earlier
    // visible questions: a condition may look only at earlier questions (the definition's
    // check), and every earlier answered question was found visible before this one is looked
    // at, so the record's own answers decide it. An answer to a question they hide (the reasons
    // of a very satisfied citizen) is never counted.
    let visible = |q: &Question| q.show_if.as_ref().is_none_or(|c| c.holds(survey, &record.answers));
    let invalid = |id: &str, message: String| RecordError::Invalid { field: format!("answers.{}", short(id)), message };
    let mut answered = 0;
    let mut missing = None;
    for question in survey.questions() {
        match record.answers.get(&question.id) {
            Some(answer) => {
                answered += 1;
                question.check_answer(answer).map_err(|violation| invalid(&question.id, violation.to_string()))?;
                if !visible(question) {
                    return Err(invalid(
                        &question.id,
                        "answers a question that the record's other answers hide".into(),
                    ));
                }
            }
            None if missing.is_none() && !record.partial && question.required && visible(question) => {
                missing = Some(question);
            }
            None => {}
        }
    }
    if answered < record.answers.len()
        && let Some(unknown) = record.answers.keys().find(|id| survey.question(id).is_none())
    {
        return Err(invalid(unknown, "no such question in this survey".into()));
    }
    match missing {
        Some(question) => Err(invalid(&question.id, "a required question is unanswered in a complete response".into())),
        None => Ok(()),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::records::record::tests::record;

    /// A gate for checks in tests, without the survey: only what fails before the survey is read.
    fn shape(record: &ResponseRecord) -> Result<(), RecordError> {
        check_shape(record).map(|_| ())
    }

    #[test]
    fn ids_and_times_are_checked() {
        let bad_id = record("not-a-uuid", "rat");
        assert!(matches!(shape(&bad_id), Err(RecordError::Invalid { field, .. }) if field == "response_id"));
        let mut bad_time = record("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90", "rat");
        bad_time.submitted_at = "2026-11-23 19:08".into();
        assert!(matches!(shape(&bad_time), Err(RecordError::Invalid { field, .. }) if field == "submitted_at"));
        let long_id = record(&"x".repeat(1 << 20), "rat");
        assert!(shape(&long_id).unwrap_err().to_string().len() < 200, "a megabyte id is not quoted back");
    }

    /// The counter-rating survey the record helper answers.
    fn quay() -> Survey {
        Survey::from_json(
            r#"{"format": 1, "id": "quay", "version": "2026.1", "legal_basis": "TT 32/2017",
                "title": {"vi": "Quầy"}, "thank_you": {"vi": "Cảm ơn"},
                "questions": [
                  {"id": "hai-long", "kind": "single-choice", "text": {"vi": "Hài lòng?"}, "options": [
                    {"code": "co", "label": {"vi": "Có"}}, {"code": "khong", "label": {"vi": "Không"}},
                    {"code": "rat", "label": {"vi": "Rất"}}]},
                  {"id": "y-kien", "kind": "long-text", "text": {"vi": "Ý kiến"}, "required": false}
                ]}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_response_from_more_than_a_day_ahead_of_the_receiver_is_refused() {
        let survey = quay();
        let mut record = record("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90", "co");
        record.submitted_at = "2026-11-24T09:00:00+07:00".into();
        // 2026-11-23T09:00:00+07:00, a day before the record.
        let now = 1_795_399_200;
        let gate = Gate::default();
        assert!(gate.received_at(now).check_for(&survey, record.clone()).is_ok(), "exactly a day ahead is allowed");
        assert_eq!(
            gate.received_at(now - 1).check_for(&survey, record.clone()).unwrap_err().to_string(),
            "submitted_at: `2026-11-24T09:00:00+07:00` is more than a day ahead of the receiver's clock: the clock of the device that made it is wrong"
        );
        assert!(gate.check_for(&survey, record.clone()).is_ok(), "a gate without a clock compares with none");
        record.submitted_at = "2020-01-01T00:00:00+07:00".into();
        assert!(gate.received_at(now).check_for(&survey, record).is_ok(), "an old response is not refused for its age");
    }

    #[test]
    fn free_text_is_cleaned_by_the_gate_as_the_kiosk_cleans_it() {
        let survey = quay();
        let mut sent = record("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90", "khong");
        sent.answers.insert("y-kien".into(), Answer::Text("  Gọi 0912 345 678, Nghe\u{0302}\u{0323} An  ".into()));
        let checked = Gate::default().check_for(&survey, sent).unwrap();
        let expected = if cfg!(feature = "nfc") {
            "Gọi **** *** ***, Nghệ An"
        } else {
            "Gọi **** *** ***, Nghe\u{0302}\u{0323} An"
        };
        assert_eq!(checked.answers["y-kien"], Answer::Text(expected.into()));
        let again = Gate::default().check_for(&survey, checked.clone().into_record()).unwrap();
        assert_eq!(again, checked, "cleaning twice changes nothing");
    }
}
