//! The stored and exchanged response record.
//!
//! Records live for months on offline tablets before anyone exports them, so their format is
//! explicit and versioned apart from every internal type: a record names its `format`, and a
//! record written by a newer app is refused by name instead of being misread.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::definition::answer::Answer;
use crate::definition::model::Survey;
use crate::text::{short, short_message};
use crate::vn_time;

/// The record format this version writes and reads.
pub const RECORD_FORMAT: u32 = 1;

/// One citizen's response to one survey.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseRecord {
    /// See [`RECORD_FORMAT`].
    pub format: u32,
    /// A random UUID v4, made on the device when the response is submitted. It makes every
    /// later step (export, import, sync) idempotent: the same id is the same response.
    pub response_id: String,
    pub survey_id: String,
    pub survey_version: String,
    /// RFC 3339 with the device's offset; Vietnam is `+07:00`.
    pub submitted_at: String,
    pub channel: Channel,
    /// Codes of the administrative unit, counter, officer and field (lĩnh vực), where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// A random id of the device that took the response, so merges can tell kiosks apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Why this response is suspected to be misuse (a burst of taps, say). Flagged responses
    /// are kept and left out of results by default, never deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub misuse: Option<String>,
    /// The citizen left before the end.
    #[serde(default)]
    pub partial: bool,
    /// Answers by question id; unanswered questions are absent, never filled in.
    pub answers: BTreeMap<String, Answer>,
}

impl AsRef<ResponseRecord> for ResponseRecord {
    fn as_ref(&self) -> &ResponseRecord {
        self
    }
}

/// Whether `text` can be a unit, counter, officer or field code: 1 to 64 ASCII letters,
/// digits, `-`, `_` or `.`. Codes go into records, tallies, file names and the phone page's
/// address, so they need no escaping anywhere.
pub fn is_code(text: &str) -> bool {
    (1..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// How the response reached us.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Kiosk,
    Phone,
    Web,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Kiosk, Channel::Phone, Channel::Web];

    /// The channel's name in records, CSV files, the database and the API (`kiosk`, `phone`,
    /// `web`): the one spelling, the same as serde's.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Kiosk => "kiosk",
            Channel::Phone => "phone",
            Channel::Web => "web",
        }
    }

    /// The channel of a name written by [`Channel::name`].
    pub fn parse(name: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|channel| channel.name() == name)
    }
}

impl ResponseRecord {
    /// A new, complete response to `survey` with no answers yet.
    /// The id and time come from the caller: the core has no clock and no randomness.
    pub fn new(survey: &Survey, response_id: String, submitted_at: String, channel: Channel) -> ResponseRecord {
        ResponseRecord {
            format: RECORD_FORMAT,
            response_id,
            survey_id: survey.id().to_owned(),
            survey_version: survey.version().to_owned(),
            submitted_at,
            channel,
            unit: None,
            counter: None,
            staff: None,
            field: None,
            device_id: None,
            misuse: None,
            partial: false,
            answers: BTreeMap::new(),
        }
    }

    /// Reads a stored record, refusing one written in a format this version cannot read.
    pub fn from_json(json: &str) -> Result<ResponseRecord, RecordError> {
        #[derive(Deserialize)]
        struct FormatOnly {
            format: u32,
        }
        let format = serde_json::from_str::<FormatOnly>(json)
            .map_err(|err| RecordError::Malformed(short_message(&err.to_string())))?
            .format;
        if format != RECORD_FORMAT {
            return Err(RecordError::UnsupportedFormat(format));
        }
        let record: ResponseRecord =
            serde_json::from_str(json).map_err(|err| RecordError::Malformed(short_message(&err.to_string())))?;
        Ok(record)
    }

    pub fn to_json(&self) -> String {
        // Serialising plain strings, maps and enums cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The record in the form in which two copies of one response are compared: its time as the
    /// instant it names, written in Vietnam time, so that the same response sent with another
    /// offset (`…T02:00:00Z` for `…T09:00:00+07:00`) is the same. A time that names no instant
    /// is left as written. A record already in canonical form, as every one the app writes is,
    /// is borrowed rather than copied: `hailong tally` asks for the form of every row it reads.
    pub fn canonical(&self) -> Cow<'_, ResponseRecord> {
        match vn_time::canonical_stamp(&self.submitted_at) {
            Some(stamp) if stamp != self.submitted_at => {
                Cow::Owned(ResponseRecord { submitted_at: stamp, ..self.clone() })
            }
            _ => Cow::Borrowed(self),
        }
    }

    /// Whether `other` is this same response: the one meaning of "the same response", for
    /// replays to the server, imports, restores and `hailong tally` alike. Same id and other
    /// content is a conflict, which each of them refuses.
    pub fn same_response(&self, other: &ResponseRecord) -> bool {
        self.response_id == other.response_id && self.canonical() == other.canonical()
    }

    /// The SHA-256 of the canonical form's JSON: what the server stores and confirms.
    pub fn content_sha256(&self) -> String {
        crate::digest::sha256_hex(self.canonical().to_json().as_bytes())
    }
}

/// Why `text` is not a code ([`is_code`]), in one wording for every reader.
pub fn not_a_code(text: &str) -> String {
    format!("`{}` is not a code: 1 to 64 letters without accents, digits, `-`, `_`, `.`", short(text))
}

/// Why a record could not be read or does not fit its survey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// Not a record at all: broken JSON, a missing or mistyped field.
    Malformed(String),
    /// Written by a newer version of Hài Lòng, in a format this one cannot read.
    UnsupportedFormat(u32),
    /// Well-formed, but a field breaks a rule.
    Invalid { field: String, message: String },
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::Malformed(message) => write!(f, "not a response record: {message}"),
            RecordError::UnsupportedFormat(format) => write!(
                f,
                "record format {format} was written by a newer version of Hài Lòng (this one reads {RECORD_FORMAT})"
            ),
            RecordError::Invalid { field, message } => write!(f, "{field}: {message}"),
        }
    }
}

impl std::error::Error for RecordError {}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::definition::answer::Choices;

    #[test]
    fn the_same_response_written_with_another_offset_is_the_same() {
        let record = |at: &str, code: &str| ResponseRecord { submitted_at: at.into(), ..record("a", code) };
        let vn = record("2026-11-23T09:00:00+07:00", "a");
        assert!(vn.same_response(&record("2026-11-23T02:00:00Z", "a")));
        assert_eq!(vn.content_sha256(), record("2026-11-23T02:00:00Z", "a").content_sha256());
        assert!(!vn.same_response(&record("2026-11-23T09:00:01+07:00", "a")), "another instant");
        assert!(!vn.same_response(&record("2026-11-23T09:00:00+07:00", "b")), "another answer");
        let mut other_id = record("2026-11-23T09:00:00+07:00", "a");
        other_id.response_id = "b".into();
        assert!(!vn.same_response(&other_id));
        assert!(record("soon", "a").same_response(&record("soon", "a")), "an unreadable time compares as written");
    }

    #[test]
    fn codes_are_plain_ascii_of_1_to_64() {
        for good in ["phuong-1", "quay_2", "ho.tich", "Q1", &"a".repeat(64)] {
            assert!(is_code(good), "{good}");
        }
        for bad in ["", "phường-1", "quay 2", "a/b", "<b>", &"a".repeat(65)] {
            assert!(!is_code(bad), "{bad}");
        }
    }

    pub(crate) fn record(id: &str, choice: &str) -> ResponseRecord {
        ResponseRecord {
            format: RECORD_FORMAT,
            response_id: id.into(),
            survey_id: "quay".into(),
            survey_version: "2026.1".into(),
            submitted_at: "2026-11-23T19:08:15+07:00".into(),
            channel: Channel::Kiosk,
            unit: None,
            counter: None,
            staff: None,
            field: None,
            device_id: None,
            misuse: None,
            partial: false,
            answers: [("hai-long".to_string(), Answer::Choice(choice.into()))].into(),
        }
    }

    #[test]
    fn the_stored_form_is_stable() {
        let json = record("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90", "rat").to_json();
        expect_test::expect![[r#"{"format":1,"response_id":"0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90","survey_id":"quay","survey_version":"2026.1","submitted_at":"2026-11-23T19:08:15+07:00","channel":"kiosk","partial":false,"answers":{"hai-long":{"kind":"choice","value":"rat"}}}"#]]
            .assert_eq(&json);
        assert_eq!(ResponseRecord::from_json(&json).unwrap(), record("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90", "rat"));
    }

    #[test]
    fn every_answer_kind_has_a_stable_stored_form() {
        let mut full = record("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90", "rat");
        full.unit = Some("phuong-hong-bang".into());
        full.misuse = Some("burst: 5 taps in 4 s".into());
        full.answers.insert(
            "ly-do".into(),
            Answer::Choices(Choices {
                codes: vec!["cho-lau".into(), "khac".into()],
                other: Some("Không có ghế".into()),
            }),
        );
        full.answers.insert("so-lan".into(), Answer::Number(2));
        full.answers.insert("y-kien".into(), Answer::Text("Cán bộ nhiệt tình".into()));
        full.answers
            .insert("tiep-can".into(), Answer::Matrix([("sach-se".to_string(), "hai-long".to_string())].into()));
        let json = full.to_json();
        expect_test::expect![[r#"{"format":1,"response_id":"0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90","survey_id":"quay","survey_version":"2026.1","submitted_at":"2026-11-23T19:08:15+07:00","channel":"kiosk","unit":"phuong-hong-bang","misuse":"burst: 5 taps in 4 s","partial":false,"answers":{"hai-long":{"kind":"choice","value":"rat"},"ly-do":{"kind":"choices","value":{"codes":["cho-lau","khac"],"other":"Không có ghế"}},"so-lan":{"kind":"number","value":2},"tiep-can":{"kind":"matrix","value":{"sach-se":"hai-long"}},"y-kien":{"kind":"text","value":"Cán bộ nhiệt tình"}}}"#]]
            .assert_eq(&json);
        assert_eq!(ResponseRecord::from_json(&json).unwrap(), full);
    }

    #[test]
    fn a_newer_format_is_refused_by_name() {
        let json = r#"{"format":2,"anything":"new"}"#;
        assert_eq!(ResponseRecord::from_json(json), Err(RecordError::UnsupportedFormat(2)));
    }
}
