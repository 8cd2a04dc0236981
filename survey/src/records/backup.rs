//! A device's whole store as one file, and how a file's responses join those already stored.
//!
//! Restoring is idempotent: a response already stored with the same content is skipped, one
//! stored with other content is a conflict that is listed and never overwritten, and only new
//! responses are added. Importing a raw CSV from another kiosk follows the same rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::definition::catalog::Catalog;
use crate::records::gate::{CheckedRecord, Gate};
use crate::records::record::ResponseRecord;
use crate::text::{short, short_message};

pub const BACKUP_FORMAT: u32 = 1;
pub const BACKUP_KIND: &str = "hailong-backup";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    pub format: u32,
    pub kind: String,
    /// When it was made, RFC 3339 in Vietnam time.
    pub made_at: String,
    /// The device it was made on.
    pub device_id: String,
    /// Every stored response as stored, including any this version cannot read.
    pub responses: Vec<serde_json::Value>,
    /// Settings, certificates, denominators and imported tallies, by key (never the PIN, nor the
    /// kiosk's device token).
    pub settings: BTreeMap<String, String>,
}

impl Backup {
    pub fn from_json(text: &str) -> Result<Backup, String> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|err| format!("this is not a Hài Lòng backup (not JSON: {})", short_message(&err.to_string())))?;
        if value.get("kind").and_then(|kind| kind.as_str()) != Some(BACKUP_KIND) {
            return Err("this is not a Hài Lòng backup (no `\"kind\": \"hailong-backup\"`)".into());
        }
        match value.get("format").and_then(|format| format.as_u64()) {
            Some(format) if format == u64::from(BACKUP_FORMAT) => {}
            Some(format) => return Err(format!("backup format {format} is newer than this version reads")),
            None => return Err("the field `format` is missing".into()),
        }
        serde_json::from_value(value)
            .map_err(|err| format!("the backup cannot be read: {}", short_message(&err.to_string())))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Every response of the backup through the gate, as any record from outside; or, when
    /// any does not pass, every one that does not, named by its place and id with the reason.
    /// A restore takes the whole file or nothing: a record it cannot read is never dropped in
    /// silence.
    pub fn checked_responses(&self, catalog: &Catalog, gate: &Gate) -> Result<Vec<CheckedRecord>, Vec<String>> {
        let mut records = Vec::with_capacity(self.responses.len());
        let mut unreadable = Vec::new();
        for (index, value) in self.responses.iter().enumerate() {
            let id = value.get("response_id").and_then(|id| id.as_str()).map(|id| format!(" ({})", short(id)));
            let checked = ResponseRecord::from_json(&value.to_string()).and_then(|record| gate.check(catalog, record));
            match checked {
                Ok(record) => records.push(record),
                Err(err) => unreadable.push(format!("responses[{index}]{}: {err}", id.unwrap_or_default())),
            }
        }
        if unreadable.is_empty() { Ok(records) } else { Err(unreadable) }
    }
}

/// What joining some responses to those stored would do. The incoming records are
/// [`CheckedRecord`](crate::records::gate::CheckedRecord)s wherever they are stored from.
#[derive(Clone, Debug, PartialEq)]
pub struct JoinPlan<R> {
    /// Responses not stored yet: to add.
    pub new: Vec<R>,
    /// Responses already stored with the same content.
    pub duplicates: u64,
    /// Responses stored with other content: the stored one (first) stays.
    pub conflicts: Vec<(ResponseRecord, R)>,
}

/// Plans joining `incoming` to `stored` (by response id). A response given twice in `incoming`
/// itself counts the same way against its first copy.
pub fn plan_join<R: AsRef<ResponseRecord>>(stored: &BTreeMap<String, ResponseRecord>, incoming: Vec<R>) -> JoinPlan<R> {
    let mut plan: JoinPlan<R> = JoinPlan { new: Vec::new(), duplicates: 0, conflicts: Vec::new() };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for record in incoming {
        let id = &record.as_ref().response_id;
        let earlier = stored.get(id).or_else(|| seen.get(id).map(|&at| AsRef::<ResponseRecord>::as_ref(&plan.new[at])));
        match earlier {
            None => {
                seen.insert(id.clone(), plan.new.len());
                plan.new.push(record);
            }
            Some(earlier) if earlier.same_response(record.as_ref()) => plan.duplicates += 1,
            Some(earlier) => plan.conflicts.push((earlier.clone(), record)),
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::answer::Answer;

    fn record(id: &str, code: &str) -> ResponseRecord {
        let mut record: ResponseRecord = serde_json::from_value(serde_json::json!({
            "format": 1, "response_id": id, "survey_id": "s", "survey_version": "1",
            "submitted_at": "2026-11-23T09:00:00+07:00", "channel": "kiosk", "partial": false, "answers": {}
        }))
        .unwrap();
        record.answers.insert("q".into(), Answer::Choice(code.into()));
        record
    }

    #[test]
    fn a_copy_with_its_time_in_another_offset_is_skipped_as_the_same_response() {
        let stored: BTreeMap<String, ResponseRecord> = [("a".to_string(), record("a", "x"))].into();
        let mut in_utc = record("a", "x");
        in_utc.submitted_at = "2026-11-23T02:00:00Z".into();
        let plan = plan_join(&stored, vec![in_utc.clone()]);
        assert_eq!((plan.new.len(), plan.duplicates, plan.conflicts.len()), (0, 1, 0));
        assert_eq!(
            crate::records::raw::content_hash(&in_utc),
            crate::records::raw::content_hash(&record("a", "x")),
            "hailong tally's de-duplication agrees"
        );
    }

    #[test]
    fn joining_adds_new_skips_copies_and_keeps_the_stored_one_in_a_conflict() {
        let stored: BTreeMap<String, ResponseRecord> = [("a".to_string(), record("a", "x"))].into();
        let plan = plan_join(&stored, vec![record("a", "x"), record("b", "x"), record("b", "x"), record("a", "y")]);
        assert_eq!(plan.new, [record("b", "x")]);
        assert_eq!(plan.duplicates, 2);
        assert_eq!(plan.conflicts, [(record("a", "x"), record("a", "y"))]);
    }

    #[test]
    fn a_backup_says_what_is_wrong_with_it() {
        assert!(Backup::from_json("{").unwrap_err().contains("not JSON"));
        assert!(Backup::from_json("{\"kind\":\"x\"}").unwrap_err().contains("hailong-backup"));
        assert!(Backup::from_json("{\"kind\":\"hailong-backup\",\"format\":2}").unwrap_err().contains("format 2"));
        let backup = Backup {
            format: 1,
            kind: BACKUP_KIND.into(),
            made_at: "t".into(),
            device_id: "d".into(),
            responses: vec![serde_json::json!({"format": 9})],
            settings: [("kiosk_settings".to_string(), "{}".to_string())].into(),
        };
        assert_eq!(Backup::from_json(&backup.to_json()).unwrap(), backup);
    }
}
