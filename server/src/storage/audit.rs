//! The audit log: every staff action, appended with who, when, from where, what and on which
//! unit. Each entry carries the SHA-256 of the entry before it, and the log's head (the last
//! entry's number and hash) is kept beside it, so an entry edited, deleted or cut from the end
//! is reported by [`Store::check_audit`].
//!
//! An action that changes the store writes its entry in the same transaction, so the log never
//! tells of a change that did not happen, nor misses one that did. What the chain cannot show
//! is a whole log rewritten by someone who can write the database file; `hailong audit check`
//! prints the head so that it can be noted down elsewhere (a report, a signed letter) and
//! compared later.

use rusqlite::{Connection, OptionalExtension, params};
use survey::digest::sha256_hex;

use super::{Store, StoreError};

/// Who does something, from where, and when (RFC 3339, Vietnam time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// An account's name, or `cli:<system user>` for the command line.
    pub name: String,
    /// The client's address, or `local` for the command line.
    pub address: String,
    pub at: String,
}

impl Actor {
    /// The person at this machine's command line.
    pub fn command_line(at: String) -> Actor {
        let user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "?".into());
        Actor { name: format!("cli:{user}"), address: "local".into(), at }
    }
}

/// What was done: an action's name (`unit.add`, `sign-in.failed` …), the unit it concerns (for
/// leaders reading their subtree's log) and its object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub action: &'static str,
    pub unit: Option<String>,
    pub target: String,
}

impl Event {
    pub fn new(action: &'static str, unit: Option<&str>, target: impl Into<String>) -> Event {
        Event { action, unit: unit.map(str::to_owned), target: target.into() }
    }
}

/// One entry as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub address: String,
    pub action: String,
    pub unit: Option<String>,
    pub target: String,
    pub prev_sha256: String,
    pub sha256: String,
}

/// The `prev_sha256` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

impl AuditRow {
    /// The entry's SHA-256: of a JSON array of its fields and the previous entry's hash, so no
    /// two different entries share an encoding.
    pub fn digest(&self) -> String {
        let fields = serde_json::json!([
            self.seq,
            self.at,
            self.actor,
            self.address,
            self.action,
            self.unit,
            self.target,
            self.prev_sha256
        ]);
        sha256_hex(fields.to_string().as_bytes())
    }
}

/// Appends one entry inside the caller's transaction.
pub(crate) fn append(connection: &Connection, actor: &Actor, event: &Event) -> Result<(), StoreError> {
    let last: Option<(i64, String)> = connection
        .query_row("SELECT seq, sha256 FROM audit ORDER BY seq DESC LIMIT 1", [], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let (seq, prev_sha256) = match last {
        Some((seq, sha256)) => (seq + 1, sha256),
        None => (1, GENESIS.to_owned()),
    };
    let mut row = AuditRow {
        seq,
        at: actor.at.clone(),
        actor: actor.name.clone(),
        address: actor.address.clone(),
        action: event.action.to_owned(),
        unit: event.unit.clone(),
        target: event.target.clone(),
        prev_sha256,
        sha256: String::new(),
    };
    row.sha256 = row.digest();
    connection.execute(
        "INSERT INTO audit (seq, at, actor, address, action, unit, target, prev_sha256, sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![row.seq, row.at, row.actor, row.address, row.action, row.unit, row.target, row.prev_sha256, row.sha256],
    )?;
    connection.execute(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [format!("{}:{}", row.seq, row.sha256)],
    )?;
    Ok(())
}

/// The object of a `certify` entry: what was certified, and the SHA-256 of the certificate's
/// JSON as stored, which [`Store::check_audit`] compares with the stored certificate.
pub fn certify_target(survey_id: &str, survey_version: &str, period: &str, certificate_json: &str) -> String {
    format!("{survey_id} {survey_version} for {period}; sha256 {}", sha256_hex(certificate_json.as_bytes()))
}

/// What a `certify` entry's object names: (survey, version, period) and the digest, for an
/// entry written since certificates' digests are logged.
fn certified_in(target: &str) -> Option<((String, String, String), String)> {
    let (what, digest) = target.split_once("; sha256 ")?;
    let (survey_version, period) = what.split_once(" for ")?;
    let (survey, version) = survey_version.split_once(' ')?;
    Some(((survey.to_owned(), version.to_owned(), period.to_owned()), digest.to_owned()))
}

/// What [`Store::check_audit`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditCheck {
    pub entries: u64,
    /// The last entry's number and hash, to note down elsewhere.
    pub head: Option<(i64, String)>,
    /// Each break of the chain, in order; empty when the log is whole.
    pub problems: Vec<String>,
}

impl Store {
    /// Appends one entry for an action that changes nothing stored (a sign-in, an export).
    pub fn record(&self, actor: &Actor, event: &Event) -> Result<(), StoreError> {
        self.change(actor, event, |_| Ok(()))
    }

    /// The log, oldest first; with `units`, only the entries about those units.
    pub fn audit_rows(&self, units: Option<&std::collections::BTreeSet<String>>) -> Result<Vec<AuditRow>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare(
            "SELECT seq, at, actor, address, action, unit, target, prev_sha256, sha256 FROM audit ORDER BY seq",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(AuditRow {
                seq: row.get(0)?,
                at: row.get(1)?,
                actor: row.get(2)?,
                address: row.get(3)?,
                action: row.get(4)?,
                unit: row.get(5)?,
                target: row.get(6)?,
                prev_sha256: row.get(7)?,
                sha256: row.get(8)?,
            })
        })?;
        let mut out = Vec::new();
        for row in rows {
            let row = row?;
            let shown = match units {
                None => true,
                Some(units) => row.unit.as_ref().is_some_and(|unit| units.contains(unit)),
            };
            if shown {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// Walks the whole chain: each entry's hash against its content, each link against the
    /// entry before, the numbers without a gap, and the last entry against the stored head.
    pub fn check_audit(&self) -> Result<AuditCheck, StoreError> {
        let rows = self.audit_rows(None)?;
        let mut problems = Vec::new();
        let mut prev = GENESIS.to_owned();
        let mut expected_seq = 1;
        for row in &rows {
            if row.seq != expected_seq {
                problems.push(format!(
                    "entries {expected_seq} to {} are missing (deleted)",
                    row.seq.saturating_sub(1).max(expected_seq)
                ));
            }
            if row.prev_sha256 != prev {
                problems.push(format!("entry {}: it does not follow the entry before it (its link differs)", row.seq));
            }
            if row.digest() != row.sha256 {
                problems.push(format!("entry {}: its content does not match its SHA-256 (edited)", row.seq));
            }
            prev = row.sha256.clone();
            expected_seq = row.seq + 1;
        }
        let connection = self.reader()?;
        problems.extend(certificates_against_log(&connection, &rows)?);
        let stored_head: Option<String> =
            connection.query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |row| row.get(0)).optional()?;
        let head = rows.last().map(|row| (row.seq, row.sha256.clone()));
        let head_text = head.as_ref().map(|(seq, sha256)| format!("{seq}:{sha256}"));
        if stored_head != head_text {
            problems.push(format!(
                "the log ends at {} but its head says {} (entries cut from the end, or the head edited)",
                head_text.as_deref().unwrap_or("nothing"),
                stored_head.as_deref().unwrap_or("nothing")
            ));
        }
        Ok(AuditCheck { entries: rows.len() as u64, head, problems })
    }
}

/// Each stored certificate against the last `certify` entry of the log for it: a certificate
/// edited (its digest differs), deleted (the log certified it, nothing is stored) or put in
/// (stored, never certified in the log) is named. Certificates made before their digests were
/// logged are left to the certificate check against the responses.
fn certificates_against_log(connection: &Connection, rows: &[AuditRow]) -> Result<Vec<String>, StoreError> {
    type Key = (String, String, String, String);
    let mut logged: std::collections::BTreeMap<Key, (i64, String)> = Default::default();
    let mut unlogged: std::collections::BTreeSet<Key> = Default::default();
    for row in rows.iter().filter(|row| row.action == "certify" || row.action == "certify.withdraw") {
        let unit = row.unit.clone().unwrap_or_default();
        match certified_in(&row.target) {
            // Withdrawn: the log no longer expects it among the certificates in force.
            Some(((survey, version, period), _)) if row.action == "certify.withdraw" => {
                logged.remove(&(survey, version, period, unit));
            }
            Some(((survey, version, period), digest)) => {
                logged.insert((survey, version, period, unit), (row.seq, digest));
            }
            None => {
                if let Some((survey_version, period)) = row.target.split_once(" for ")
                    && let Some((survey, version)) = survey_version.split_once(' ')
                {
                    unlogged.insert((survey.to_owned(), version.to_owned(), period.to_owned(), unit));
                }
            }
        }
    }
    let mut statement =
        connection.prepare("SELECT survey_id, survey_version, period, unit, certificate_json FROM certificates")?;
    let stored = statement
        .query_map([], |row| Ok(((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?), row.get::<_, String>(4)?)))?
        .collect::<Result<Vec<(Key, String)>, _>>()?;
    let name = |(survey, version, period, unit): &Key| {
        let of = if unit.is_empty() { "the whole server".to_owned() } else { unit.clone() };
        format!("the certificate of {survey} {version} for {period} ({of})")
    };
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (key, json) in &stored {
        seen.insert(key.clone());
        match logged.get(key) {
            Some((seq, digest)) if *digest != sha256_hex(json.as_bytes()) => {
                problems.push(format!("{}: it differs from what entry {seq} certified (edited)", name(key)))
            }
            Some(_) => {}
            None if unlogged.contains(key) => {}
            None => problems.push(format!("{}: the log never certified it (put in by hand)", name(key))),
        }
    }
    for (key, (seq, _)) in &logged {
        if !seen.contains(key) {
            problems.push(format!("{}: entry {seq} certified it, and it is gone (deleted)", name(key)));
        }
    }
    Ok(problems)
}

/// The log as CSV, for administrators and leaders.
pub fn audit_csv(rows: &[AuditRow], profile: survey::csv::write::CsvProfile) -> Vec<u8> {
    use survey::csv::write::Cell;
    let text = |value: &str| Cell::Text(value.to_owned());
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|row| {
            vec![
                Cell::Integer(row.seq.max(0) as u64),
                text(&row.at),
                text(&row.actor),
                text(&row.address),
                text(&row.action),
                text(row.unit.as_deref().unwrap_or("")),
                text(&row.target),
                text(&row.prev_sha256),
                text(&row.sha256),
            ]
        })
        .collect();
    profile.write(&["seq", "at", "actor", "address", "action", "unit", "target", "prev_sha256", "sha256"], &cells)
}
