//! The sync API's exchanged format: what a device sends to `POST /api/v1/responses` and what
//! `hailong` answers, one type for both sides.
//!
//! A batch carries response records exactly as the device stored them, and, for a phone that
//! came through a single-use QR code, the token of each response. The answer gives every record
//! its own status, so one bad record never costs the others: a device removes a record from its
//! outbox only when its status says the server holds it ([`Settlement::Confirmed`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// Where devices send responses.
pub const RESPONSES_PATH: &str = "/api/v1/responses";
/// Where a phone asks whether its single-use token is still good.
pub const TOKEN_STATUS_PATH: &str = "/api/v1/tokens/status";
/// The format of [`Batch`] and [`BatchResult`].
pub const SYNC_FORMAT: u32 = 1;
/// The most records one batch may hold; devices send at most [`BATCH_SIZE`].
pub const MAX_BATCH: usize = 500;
pub const BATCH_SIZE: usize = 50;

/// A first receipt: stored now.
pub const CREATED: u16 = 201;
/// The same record again, with the same content: already held, nothing changed.
pub const REPLAYED: u16 = 200;
/// A record that does not fit its survey, or cannot be read.
pub const INVALID: u16 = 422;
/// The same response id with other content: the stored record is kept.
pub const CONFLICT: u16 = 409;
/// The single-use token was used by another response: "already rated".
pub const TOKEN_USED: u16 = 410;
/// The token is not one the server issued, or a kiosk record came without a device token.
pub const FORBIDDEN: u16 = 403;
/// Too many responses from this phone or address for now: send again later.
pub const RATE_LIMITED: u16 = 429;

/// What a device sends.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    pub format: u32,
    /// Each record's JSON as stored on the device, read by the server one at a time so that
    /// an unreadable record is refused alone (a device sends a text that is not JSON as a
    /// JSON string).
    pub records: Vec<Box<RawValue>>,
    /// Single-use tokens by response id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tokens: BTreeMap<String, String>,
}

/// The server's answer to one record of a batch, in the batch's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordResult {
    /// The record's place in the batch, from 0.
    pub index: usize,
    /// The record's id, where it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_id: Option<String>,
    pub status: u16,
    /// The record's field at fault, for a 422.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// SHA-256 of the record as the server holds it (its canonical JSON), for 200 and 201.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_sha256: Option<String>,
}

/// The server's answer to a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResult {
    pub format: u32,
    pub results: Vec<RecordResult>,
}

/// What a device does with a record after the server answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settlement {
    /// The server holds it: move it from the outbox to the sent-ledger.
    Confirmed,
    /// The server will never take it as it is (invalid, a conflict, a used token): keep it on
    /// the device, marked, for staff to see; do not send it again.
    Refused,
    /// Not now (rate limited, or the server failed): keep it and send it again later.
    Retry,
}

impl Settlement {
    pub fn of(status: u16) -> Settlement {
        match status {
            CREATED | REPLAYED => Settlement::Confirmed,
            RATE_LIMITED => Settlement::Retry,
            400..=499 => Settlement::Refused,
            _ => Settlement::Retry,
        }
    }
}

/// Whether a single-use token is still good, as `TOKEN_STATUS_PATH` answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenStatus {
    Unused,
    Used,
    Unknown,
}

/// Where a kiosk redeems its one-time pairing code: `{"code": "…"}` → [`Paired`].
pub const PAIR_PATH: &str = "/api/v1/pair";
/// Where a paired kiosk asks for its configuration, with its device token.
pub const DEVICE_CONFIG_PATH: &str = "/api/v1/device/config";

/// What the server sets for a kiosk: its unit, counter and survey, with their names. `version`
/// grows with every change, so a kiosk applies a configuration once, between two citizens.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceConfig {
    pub format: u32,
    pub version: u64,
    pub device: String,
    pub unit: Option<String>,
    pub unit_name: Option<String>,
    pub counter: Option<String>,
    pub counter_name: Option<String>,
    pub survey_id: Option<String>,
    /// Opening hours for each weekday, Monday first (`07:30-11:30, 13:30-17:00`; empty: closed
    /// that day). Absent: the kiosk keeps the hours its own staff set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week_hours: Option<Vec<String>>,
    /// The counter's officers. Absent: the kiosk keeps its own list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officers: Option<Vec<DutyOfficer>>,
    /// The officer on duty now, a code of `officers` ("" for nobody named). Absent: kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_duty: Option<String>,
}

/// An officer of a counter: the code responses carry, and the name staff know them by.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DutyOfficer {
    pub code: String,
    pub name: String,
}

impl DutyOfficer {
    /// Officers from text, one a line, as staff type them: `code; name` (the name may be left
    /// out); blank lines are skipped.
    pub fn parse_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<DutyOfficer> {
        lines
            .into_iter()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(|line| match line.split_once(';') {
                Some((code, name)) => DutyOfficer { code: code.trim().to_owned(), name: name.trim().to_owned() },
                None => DutyOfficer { code: line.to_owned(), name: String::new() },
            })
            .collect()
    }
}

/// The answer to a pairing code: the kiosk's device token (shown this once) and its
/// configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paired {
    pub device_token: String,
    pub config: DeviceConfig,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenQuery {
    pub token: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairRequest {
    pub code: String,
}

/// The answer of `TOKEN_STATUS_PATH`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenStatusAnswer {
    pub status: TokenStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_keeps_each_record_as_sent_so_a_broken_one_is_refused_alone() {
        let json = r#"{"format":1,"records":[{"a": 1},"{broken"]}"#;
        let batch: Batch = serde_json::from_str(json).unwrap();
        assert_eq!(batch.records[0].get(), r#"{"a": 1}"#);
        assert_eq!(batch.records[1].get(), r#""{broken""#);
        assert!(batch.tokens.is_empty());
    }

    #[test]
    fn only_a_held_record_leaves_the_outbox() {
        assert_eq!(Settlement::of(CREATED), Settlement::Confirmed);
        assert_eq!(Settlement::of(REPLAYED), Settlement::Confirmed);
        for refused in [CONFLICT, INVALID, TOKEN_USED, FORBIDDEN] {
            assert_eq!(Settlement::of(refused), Settlement::Refused);
        }
        for later in [RATE_LIMITED, 500, 502, 503] {
            assert_eq!(Settlement::of(later), Settlement::Retry);
        }
    }
}
