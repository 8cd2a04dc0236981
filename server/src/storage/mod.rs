//! The collector's storage: the only module that knows SQL.
//!
//! One SQLite file in WAL mode, so staff can export while devices send. Every write goes
//! through one connection behind a mutex, in one transaction per batch: the check that a
//! response id is new and its insert cannot be split by a second sender, which is what keeps
//! two tabs, a retried batch and a racing kiosk from storing a response twice.
//!
//! Nothing stored is ever overwritten: a response id is inserted once, and a later record with
//! that id is compared by the SHA-256 of its canonical JSON (a replay, or a conflict that leaves
//! the stored one as it was). Single-use tokens, dossier codes and device tokens are kept only
//! as salted SHA-256 hashes; staff passwords as argon2 hashes made by the caller.
//!
//! The rest of the server sees plain Rust types; a PostgreSQL backend would be another module
//! with these same methods (see ARCHITECTURE.md).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use survey::definition::catalog::Catalog;
use survey::digest::sha256_hex;
use survey::records::gate::{CheckedRecord, Gate};
use survey::records::record::{RecordError, ResponseRecord};
use survey::results::certify::Certificate;

pub mod audit;
pub mod devices;
pub mod digests;
pub mod said;
pub mod sessions;
pub mod units;

use audit::{Actor, Event, append};

/// The schema, one step per version. A step is never edited once released: a database made by
/// an older `hailong` is brought forward by running the steps it lacks, in one transaction each.
const MIGRATIONS: &[&str] = &[
    // 1: responses, devices, staff, single-use tokens and certificates.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
     CREATE TABLE responses (
         response_id TEXT PRIMARY KEY,
         survey_id TEXT NOT NULL,
         survey_version TEXT NOT NULL,
         submitted_at TEXT NOT NULL,
         unit TEXT,
         counter TEXT,
         channel TEXT NOT NULL,
         record_json TEXT NOT NULL,
         content_sha256 TEXT NOT NULL,
         server_flag TEXT,
         source TEXT NOT NULL,
         received_at TEXT NOT NULL
     ) STRICT;
     CREATE INDEX responses_by_survey ON responses (survey_id, survey_version, submitted_at);
     CREATE TABLE devices (
         name TEXT PRIMARY KEY,
         token_sha256 TEXT NOT NULL UNIQUE,
         added_at TEXT NOT NULL
     ) STRICT;
     CREATE TABLE users (
         name TEXT PRIMARY KEY,
         password_hash TEXT NOT NULL,
         added_at TEXT NOT NULL
     ) STRICT;
     CREATE TABLE tokens (
         token_sha256 TEXT PRIMARY KEY,
         dossier_sha256 TEXT UNIQUE,
         unit TEXT,
         counter TEXT,
         issued_at TEXT NOT NULL,
         used_by TEXT REFERENCES responses (response_id),
         used_at TEXT
     ) STRICT;
     CREATE TABLE certificates (
         survey_id TEXT NOT NULL,
         survey_version TEXT NOT NULL,
         period TEXT NOT NULL,
         certificate_json TEXT NOT NULL,
         PRIMARY KEY (survey_id, survey_version, period)
     ) STRICT;",
    // 2: a device's token can be revoked; its row stays, so that the responses it sent still
    // name it and its name is never given to another kiosk.
    "ALTER TABLE devices ADD COLUMN revoked_at TEXT;",
    // 3: one server for a city. Units form a tree with names; counters have names within their
    // unit, fields (lĩnh vực) across the server. An account has a role over a unit and all below
    // it; accounts made before this step had the whole server, so they stay administrators of
    // it (unit NULL). A kiosk may be bound to its unit and counter. Browser sessions are kept
    // hashed; the audit log is a chain of entries, each carrying the SHA-256 of the one before.
    "CREATE TABLE units (
         code TEXT PRIMARY KEY,
         parent TEXT REFERENCES units (code),
         name_vi TEXT NOT NULL,
         name_en TEXT,
         added_at TEXT NOT NULL
     ) STRICT;
     CREATE TABLE counters (
         unit TEXT NOT NULL REFERENCES units (code),
         code TEXT NOT NULL,
         name_vi TEXT NOT NULL,
         name_en TEXT,
         PRIMARY KEY (unit, code)
     ) STRICT;
     CREATE TABLE fields (
         code TEXT PRIMARY KEY,
         name_vi TEXT NOT NULL,
         name_en TEXT
     ) STRICT;
     ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'admin';
     ALTER TABLE users ADD COLUMN unit TEXT REFERENCES units (code);
     ALTER TABLE devices ADD COLUMN unit TEXT;
     ALTER TABLE devices ADD COLUMN counter TEXT;
     ALTER TABLE devices ADD COLUMN survey_id TEXT;
     ALTER TABLE devices ADD COLUMN config_version INTEGER NOT NULL DEFAULT 1;
     CREATE TABLE pairings (
         code_sha256 TEXT PRIMARY KEY,
         device TEXT NOT NULL REFERENCES devices (name),
         expires_at INTEGER NOT NULL,
         used_at TEXT
     ) STRICT;
     CREATE TABLE sessions (
         token_sha256 TEXT PRIMARY KEY,
         user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
         csrf TEXT NOT NULL,
         created_at INTEGER NOT NULL,
         last_seen INTEGER NOT NULL
     ) STRICT;
     CREATE TABLE audit (
         seq INTEGER PRIMARY KEY,
         at TEXT NOT NULL,
         actor TEXT NOT NULL,
         address TEXT NOT NULL,
         action TEXT NOT NULL,
         unit TEXT,
         target TEXT NOT NULL,
         prev_sha256 TEXT NOT NULL,
         sha256 TEXT NOT NULL
     ) STRICT;",
    // 4: each unit certifies its own periods (its responses and those of every unit below it);
    // '' stands for the whole server, which is what every certificate before this step locked.
    // The dossiers a unit received in a period, per field ('' for no field), are kept with it.
    "CREATE TABLE unit_certificates (
         survey_id TEXT NOT NULL,
         survey_version TEXT NOT NULL,
         period TEXT NOT NULL,
         unit TEXT NOT NULL,
         certificate_json TEXT NOT NULL,
         PRIMARY KEY (survey_id, survey_version, period, unit)
     ) STRICT;
     INSERT INTO unit_certificates SELECT survey_id, survey_version, period, '', certificate_json FROM certificates;
     DROP TABLE certificates;
     ALTER TABLE unit_certificates RENAME TO certificates;
     CREATE TABLE dossiers (
         unit TEXT NOT NULL,
         period TEXT NOT NULL,
         field TEXT NOT NULL,
         dossiers INTEGER NOT NULL CHECK (dossiers >= 0),
         PRIMARY KEY (unit, period, field)
     ) STRICT;",
    // 5: the server sets a kiosk's opening hours (seven days, JSON) and its counter's officers
    // (JSON) with the one on duty; NULL leaves them to the kiosk's own staff.
    "ALTER TABLE devices ADD COLUMN week_hours TEXT;
     ALTER TABLE devices ADD COLUMN officers TEXT;
     ALTER TABLE devices ADD COLUMN on_duty TEXT;",
    // 6: a low rating followed up by a unit's leader: when, by whom, and what was done.
    "CREATE TABLE followups (
         response_id TEXT PRIMARY KEY REFERENCES responses (response_id),
         unit TEXT,
         followed_at TEXT NOT NULL,
         followed_by TEXT NOT NULL,
         note TEXT NOT NULL
     ) STRICT;",
    // 7: a unit's own account of what it did about what citizens said in a period ("Kết quả
    // tiếp thu, giải quyết"), which its published page shows.
    "CREATE TABLE replies (
         unit TEXT NOT NULL,
         period TEXT NOT NULL,
         text TEXT NOT NULL,
         written_by TEXT NOT NULL,
         written_at TEXT NOT NULL,
         PRIMARY KEY (unit, period)
     ) STRICT;",
    // 8: what citizens wrote, sorted by staff: a unit's own list of topics (JSON), and each
    // comment's topics (JSON) and whether it may be quoted.
    "CREATE TABLE topics (
         unit TEXT PRIMARY KEY,
         topics TEXT NOT NULL
     ) STRICT;
     CREATE TABLE comment_tags (
         response_id TEXT NOT NULL REFERENCES responses (response_id),
         question_id TEXT NOT NULL,
         unit TEXT,
         topics TEXT NOT NULL,
         quotable INTEGER NOT NULL,
         tagged_by TEXT NOT NULL,
         tagged_at TEXT NOT NULL,
         PRIMARY KEY (response_id, question_id)
     ) STRICT;",
    // 9: the daily digest of low ratings: the addresses a unit's leader set, and the days a
    // unit's digest was sent (so that it is sent once a day).
    "CREATE TABLE digest_addresses (
         unit TEXT PRIMARY KEY,
         addresses TEXT NOT NULL
     ) STRICT;
     CREATE TABLE digests_sent (
         unit TEXT NOT NULL,
         day TEXT NOT NULL,
         sent_at TEXT NOT NULL,
         PRIMARY KEY (unit, day)
     ) STRICT;",
    // 10: a certificate withdrawn is kept, with when, by whom and why, and its page says so;
    // the period can then be certified again.
    "CREATE TABLE withdrawn_certificates (
         survey_id TEXT NOT NULL,
         survey_version TEXT NOT NULL,
         period TEXT NOT NULL,
         unit TEXT NOT NULL,
         certificate_json TEXT NOT NULL,
         withdrawn_at TEXT NOT NULL,
         withdrawn_by TEXT NOT NULL,
         reason TEXT NOT NULL
     ) STRICT;",
];

/// A registered kiosk, as `hailong device list` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceRow {
    pub name: String,
    pub added_at: String,
    pub revoked_at: Option<String>,
    /// Responses stored from it.
    pub responses: u64,
    /// When the last of them was received.
    pub last_received_at: Option<String>,
    /// The unit it is bound to: it sends responses of that unit only.
    pub unit: Option<String>,
    /// What the server sets it to (`storage::devices`): its counter, survey, and the version
    /// of that configuration.
    pub counter: Option<String>,
    pub survey_id: Option<String>,
    pub config_version: u64,
}

/// Why the store could not do what was asked.
#[derive(Debug)]
pub enum StoreError {
    /// The database was made by a newer `hailong`, whose schema this one does not know.
    NewerSchema {
        found: i64,
        known: i64,
    },
    /// A name (device, user) or dossier already present; nothing was changed.
    Exists(String),
    /// No such name (device, user); nothing was changed.
    NotFound(String),
    /// A change the data's rules refuse (a cycle in the tree, removing a unit that holds
    /// responses), with the reason; nothing was changed.
    Refused(String),
    /// A change that would move what is locked or owned already (a certified period's
    /// dossiers, a code that stored rows carry), with the reason; nothing was changed.
    Conflict(String),
    Sqlite(rusqlite::Error),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::NewerSchema { found, known } => write!(
                f,
                "the database has schema version {found}, made by a newer hailong (this one knows up to {known}); \
                 nothing was changed"
            ),
            StoreError::Exists(what) => write!(f, "{what} already exists; nothing was changed"),
            StoreError::NotFound(what) => write!(f, "there is no {what}; nothing was changed"),
            StoreError::Refused(why) | StoreError::Conflict(why) => write!(f, "{why}; nothing was changed"),
            StoreError::Sqlite(err) => write!(f, "database: {err}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> StoreError {
        StoreError::Sqlite(err)
    }
}

/// Stored responses through today's gate: those that pass, and the ids of those that do not with
/// why.
pub type Gated = (Vec<CheckedRecord>, Vec<(String, RecordError)>);

/// A response on its way in, through the one gate.
pub struct Incoming {
    pub record: CheckedRecord,
    /// The single-use token it came with, as the citizen's QR code carried it.
    pub token: Option<String>,
}

/// What the store did with one incoming response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Received {
    /// Stored now.
    Created { content_sha256: String },
    /// Held already, with the same content.
    Replayed { content_sha256: String },
    /// Held already with other content; the stored one is kept.
    Conflict,
    /// The token was used by another response.
    TokenUsed,
    /// The token was never issued here.
    TokenUnknown,
    /// The token was printed for another unit or counter than the response names: the unit
    /// and counter it was printed for.
    TokenElsewhere { unit: Option<String>, counter: Option<String> },
    /// The admission rule turned it away for now.
    Refused(Admission),
}

/// What the caller's rule says of a new response that came without a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Admission {
    Accept {
        flag: Option<String>,
    },
    /// Not now: too many, too fast; try again after this many seconds.
    Later {
        retry_after_seconds: u64,
        reason: String,
    },
}

/// Where a stored token stands.
use survey::records::sync::TokenStatus;

/// A single-use token to issue.
pub struct NewToken<'a> {
    pub unit: Option<&'a str>,
    pub counter: Option<&'a str>,
    /// The dossier the token is for: one dossier, one token.
    pub dossier: Option<&'a str>,
}

pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    salt: String,
}

impl Store {
    /// Opens (or creates) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let mut connection = Connection::open(path)?;
        configure(&connection)?;
        migrate(&mut connection)?;
        let salt = match connection
            .query_row("SELECT value FROM meta WHERE key = 'salt'", [], |row| row.get::<_, String>(0))
            .optional()?
        {
            Some(salt) => salt,
            None => {
                let salt = random_hex(16);
                connection.execute("INSERT INTO meta (key, value) VALUES ('salt', ?1)", [&salt])?;
                salt
            }
        };
        Ok(Store { path: path.to_owned(), writer: Mutex::new(connection), salt })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn writer(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction half done (it rolls back
        // on drop), so the connection is still sound.
        self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A connection for reading while writes go on (WAL lets readers see the last commit).
    pub(crate) fn reader(&self) -> Result<Connection, StoreError> {
        let connection = Connection::open_with_flags(&self.path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(connection)
    }

    pub(crate) fn hash(&self, secret: &str) -> String {
        sha256_hex(format!("{}:{secret}", self.salt).as_bytes())
    }

    /// Runs a change and its audit entry in one transaction: both, or neither.
    pub(crate) fn change<T>(
        &self,
        actor: &Actor,
        event: &Event,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.change_with(actor, |transaction| Ok((work(transaction)?, event.clone())))
    }

    /// Like [`Store::change`], for a change whose audit entry says what the work found (what a
    /// unit took over, a certificate's digest): the work returns its entry with its result.
    pub(crate) fn change_with<T>(
        &self,
        actor: &Actor,
        work: impl FnOnce(&Transaction<'_>) -> Result<(T, Event), StoreError>,
    ) -> Result<T, StoreError> {
        let mut connection = self.writer();
        let transaction = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (out, event) = work(&transaction)?;
        append(&transaction, actor, &event)?;
        transaction.commit()?;
        Ok(out)
    }

    /// Stores a batch in one transaction. `admit` is asked only about responses that are new
    /// and came without a token; the answers come back in the batch's order.
    pub fn receive(
        &self,
        batch: Vec<Incoming>,
        source: &str,
        received_at: &str,
        mut admit: impl FnMut(&ResponseRecord) -> Admission,
    ) -> Result<Vec<Received>, StoreError> {
        let mut connection = self.writer();
        // IMMEDIATE takes the write lock at the start, waiting (the busy timeout) while another
        // process (`hailong certify`, a backup) holds it; a deferred transaction that reads
        // first and writes later cannot wait, and fails at once with "database is locked".
        let transaction = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut outcomes = Vec::with_capacity(batch.len());
        for incoming in batch {
            outcomes.push(self.receive_one(&transaction, incoming, source, received_at, &mut admit)?);
        }
        transaction.commit()?;
        Ok(outcomes)
    }

    fn receive_one(
        &self,
        transaction: &Transaction<'_>,
        incoming: Incoming,
        source: &str,
        received_at: &str,
        admit: &mut impl FnMut(&ResponseRecord) -> Admission,
    ) -> Result<Received, StoreError> {
        let record = &*incoming.record;
        let json = record.to_json();
        let content_sha256 = record.content_sha256();
        let stored: Option<(String, String)> = transaction
            .query_row(
                "SELECT content_sha256, record_json FROM responses WHERE response_id = ?1",
                [&record.response_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        if let Some((stored_sha256, stored_json)) = stored {
            // The one meaning of "the same response" (the core's), compared on the stored record:
            // its digest was made by whichever version stored it.
            let same = ResponseRecord::from_json(&stored_json).is_ok_and(|stored| stored.same_response(record));
            return Ok(if same { Received::Replayed { content_sha256: stored_sha256 } } else { Received::Conflict });
        }
        let mut flag = None;
        let token_hash = incoming.token.as_deref().map(|token| self.hash(token));
        match &token_hash {
            Some(token_hash) => {
                type Issued = (Option<String>, Option<String>, Option<String>);
                let issued: Option<Issued> = transaction
                    .query_row(
                        "SELECT used_by, unit, counter FROM tokens WHERE token_sha256 = ?1",
                        [token_hash],
                        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                    )
                    .optional()?;
                match issued {
                    None => return Ok(Received::TokenUnknown),
                    Some((Some(_), _, _)) => return Ok(Received::TokenUsed),
                    // A code printed for a counter rates that counter only: the one it names.
                    Some((None, unit, counter))
                        if unit.as_ref().is_some_and(|unit| record.unit.as_ref() != Some(unit))
                            || counter.as_ref().is_some_and(|counter| record.counter.as_ref() != Some(counter)) =>
                    {
                        return Ok(Received::TokenElsewhere { unit, counter });
                    }
                    Some((None, _, _)) => {}
                }
            }
            None => match admit(record) {
                Admission::Accept { flag: given } => flag = given,
                later @ Admission::Later { .. } => return Ok(Received::Refused(later)),
            },
        }
        transaction.execute(
            "INSERT INTO responses (response_id, survey_id, survey_version, submitted_at, unit, counter, channel,
                 record_json, content_sha256, server_flag, source, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                record.response_id,
                record.survey_id,
                record.survey_version,
                record.submitted_at,
                record.unit,
                record.counter,
                record.channel.name(),
                json,
                content_sha256,
                flag,
                source,
                received_at,
            ],
        )?;
        if let Some(token_hash) = token_hash {
            transaction.execute(
                "UPDATE tokens SET used_by = ?1, used_at = ?2 WHERE token_sha256 = ?3 AND used_by IS NULL",
                params![record.response_id, received_at, token_hash],
            )?;
        }
        Ok(Received::Created { content_sha256 })
    }

    /// Every stored response, each as a record with the server's misuse flag (a burst from one
    /// phone, say) carried into `misuse` where the device set none.
    pub fn records(&self) -> Result<Vec<ResponseRecord>, StoreError> {
        let connection = self.reader()?;
        let mut statement =
            connection.prepare("SELECT record_json, server_flag FROM responses ORDER BY submitted_at, response_id")?;
        let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)))?;
        let mut records = Vec::new();
        for row in rows {
            let (json, flag) = row?;
            // Every stored record was read before it was stored, by this version or an older
            // one; a record this version cannot read is a fault to report, not to skip.
            let mut record = ResponseRecord::from_json(&json).map_err(|err| {
                StoreError::Sqlite(rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    Box::new(err),
                ))
            })?;
            if record.misuse.is_none() {
                record.misuse = flag;
            }
            records.push(record);
        }
        Ok(records)
    }

    /// Every stored response that passes today's gate, for counting and exporting, and those
    /// that do not with why. Each was checked on the way in, but one stored by an older hailong
    /// (whose check was weaker), or of a definition since removed, may fail today's check: it
    /// stays stored and is left out, and every export still answers.
    pub fn checked_records(&self, catalog: &Catalog) -> Result<Gated, StoreError> {
        // Stored responses were received already: their time is not compared with today's clock.
        Ok(Gate::default().check_stored(catalog, self.records()?))
    }

    /// The number of stored responses, and their ids with content digests, for checks.
    pub fn digests(&self) -> Result<Vec<(String, String)>, StoreError> {
        let connection = self.reader()?;
        let mut statement =
            connection.prepare("SELECT response_id, content_sha256 FROM responses ORDER BY response_id")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The server's own flag on a response, if any.
    pub fn server_flag(&self, response_id: &str) -> Result<Option<String>, StoreError> {
        let connection = self.reader()?;
        Ok(connection
            .query_row("SELECT server_flag FROM responses WHERE response_id = ?1", [response_id], |row| row.get(0))
            .optional()?
            .flatten())
    }

    /// Registers a kiosk and returns its device token, which is shown once and stored hashed.
    /// A kiosk bound to a unit sends responses of that unit only.
    pub fn add_device(&self, name: &str, unit: Option<&str>, actor: &Actor) -> Result<String, StoreError> {
        units::check_code("device name", name)?;
        let token = random_hex(24);
        self.change(actor, &Event::new("device.add", unit, name), |transaction| {
            if let Some(unit) = unit
                && !units::unit_exists(transaction, unit)?
            {
                return Err(StoreError::NotFound(format!("unit `{unit}`")));
            }
            let inserted = transaction.execute(
                "INSERT INTO devices (name, token_sha256, added_at, unit) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                params![name, self.hash(&token), actor.at, unit],
            )?;
            if inserted == 0 {
                return Err(StoreError::Exists(format!("device `{name}`")));
            }
            Ok(())
        })?;
        Ok(token)
    }

    /// The device a token belongs to, with the unit it is bound to; a revoked token belongs to
    /// none.
    pub fn device_of(&self, token: &str) -> Result<Option<(String, Option<String>)>, StoreError> {
        let connection = self.writer();
        Ok(connection
            .query_row(
                "SELECT name, unit FROM devices WHERE token_sha256 = ?1 AND revoked_at IS NULL",
                [self.hash(token)],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?)
    }

    /// Every registered kiosk, by name, with what it sent.
    pub fn devices(&self) -> Result<Vec<DeviceRow>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare(
            "SELECT d.name, d.added_at, d.revoked_at, COUNT(r.response_id), MAX(r.received_at), d.unit,
                 d.counter, d.survey_id, d.config_version
             FROM devices d LEFT JOIN responses r ON r.source = 'device:' || d.name
             GROUP BY d.name ORDER BY d.name",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(DeviceRow {
                name: row.get(0)?,
                added_at: row.get(1)?,
                revoked_at: row.get(2)?,
                responses: row.get::<_, i64>(3)? as u64,
                last_received_at: row.get(4)?,
                unit: row.get(5)?,
                counter: row.get(6)?,
                survey_id: row.get(7)?,
                config_version: row.get::<_, i64>(8)?.max(0) as u64,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Revokes a kiosk's token at once: from the next request on, the server refuses it (401).
    /// What it sent stays stored. Revoking a revoked device changes nothing.
    pub fn revoke_device(&self, name: &str, actor: &Actor) -> Result<(), StoreError> {
        let unit = self.device_config(name)?.and_then(|config| config.unit);
        self.change(actor, &Event::new("device.revoke", unit.as_deref(), name), |transaction| {
            let changed = transaction.execute(
                "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE name = ?1",
                params![name, actor.at],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("device `{name}`")));
            }
            Ok(())
        })
    }

    /// Issues `count` single-use tokens in one transaction and returns them (they are stored
    /// only hashed, so this is the one time they can be read). A dossier gets one token ever.
    pub fn issue_tokens(&self, count: usize, new: &NewToken<'_>, actor: &Actor) -> Result<Vec<String>, StoreError> {
        let target = format!(
            "{count} for {}{}",
            [new.unit, new.counter].into_iter().flatten().collect::<Vec<_>>().join("/"),
            if new.dossier.is_some() { " (a dossier)" } else { "" }
        );
        let event = Event::new("tokens.issue", new.unit, target);
        self.change(actor, &event, |transaction| self.issue_tokens_in(transaction, count, new, &actor.at))
    }

    fn issue_tokens_in(
        &self,
        transaction: &Transaction<'_>,
        count: usize,
        new: &NewToken<'_>,
        issued_at: &str,
    ) -> Result<Vec<String>, StoreError> {
        // A dossier number is a unit's own: two wards both have a dossier 201, and one ward's
        // request must neither take nor reveal the other's. Tokens issued before dossiers were
        // keyed by unit hashed the number alone; they still count within their own unit.
        let unit = new.unit.unwrap_or_default();
        let dossier_hash = new.dossier.map(|dossier| self.hash(&format!("dossier:{unit}:{dossier}")));
        if let (Some(dossier_hash), Some(dossier)) = (&dossier_hash, new.dossier) {
            let before_units = self.hash(&format!("dossier:{dossier}"));
            let exists: Option<i64> = transaction
                .query_row(
                    "SELECT 1 FROM tokens WHERE dossier_sha256 = ?1 OR (dossier_sha256 = ?2 AND unit IS ?3)",
                    params![dossier_hash, before_units, new.unit],
                    |row| row.get(0),
                )
                .optional()?;
            if exists.is_some() {
                return Err(StoreError::Exists("a token for this dossier".into()));
            }
        }
        let mut tokens = Vec::with_capacity(count);
        for _ in 0..count {
            let token = random_hex(16);
            transaction.execute(
                "INSERT INTO tokens (token_sha256, dossier_sha256, unit, counter, issued_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![self.hash(&token), dossier_hash, new.unit, new.counter, issued_at],
            )?;
            tokens.push(token);
        }
        Ok(tokens)
    }

    pub fn token_status(&self, token: &str) -> Result<TokenStatus, StoreError> {
        let connection = self.reader()?;
        let used: Option<Option<String>> = connection
            .query_row("SELECT used_by FROM tokens WHERE token_sha256 = ?1", [self.hash(token)], |row| row.get(0))
            .optional()?;
        Ok(match used {
            None => TokenStatus::Unknown,
            Some(None) => TokenStatus::Unused,
            Some(Some(_)) => TokenStatus::Used,
        })
    }

    /// Stores a certificate. A period is certified once: certifying it again is refused.
    /// Stores a certificate with its audit entry, which carries the SHA-256 of the certificate
    /// as stored: the audit log's head, noted on paper, then pins every certificate before it
    /// (`Store::check_audit` compares them).
    pub fn put_certificate(&self, certificate: &Certificate, actor: &Actor) -> Result<(), StoreError> {
        let target = audit::certify_target(
            &certificate.survey_id,
            &certificate.survey_version,
            &certificate.period,
            &certificate.to_json(),
        );
        self.change(actor, &Event::new("certify", certificate.unit.as_deref(), target), |transaction| {
            put_certificate_in(transaction, certificate)
        })
    }

    /// Marks the low rating `response_id` of `unit` followed up, with what was done; once.
    pub fn put_followup(
        &self,
        response_id: &str,
        unit: Option<&str>,
        note: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        self.change(actor, &Event::new("followup", unit, response_id), |transaction| {
            let inserted = transaction.execute(
                "INSERT INTO followups (response_id, unit, followed_at, followed_by, note) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT DO NOTHING",
                params![response_id, unit, actor.at, actor.name, note],
            )?;
            if inserted == 0 {
                return Err(StoreError::Exists(format!("a follow-up of response {response_id}")));
            }
            Ok(())
        })
    }

    /// Sets what `unit` did about what citizens said in `period` (a period's code); an empty
    /// text removes it.
    pub fn put_reply(&self, unit: &str, period: &str, text: &str, actor: &Actor) -> Result<(), StoreError> {
        let event = Event::new("reply.set", Some(unit), period);
        self.change(actor, &event, |transaction| {
            if text.is_empty() {
                transaction.execute("DELETE FROM replies WHERE unit = ?1 AND period = ?2", params![unit, period])?;
            } else {
                transaction.execute(
                    "INSERT INTO replies (unit, period, text, written_by, written_at) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (unit, period) DO UPDATE SET text = ?3, written_by = ?4, written_at = ?5",
                    params![unit, period, text, actor.name, actor.at],
                )?;
            }
            Ok(())
        })
    }

    /// What `unit` said it did about what citizens said in `period`, if it said, and when it
    /// last wrote it.
    pub fn reply_written(&self, unit: &str, period: &str) -> Result<Option<(String, String)>, StoreError> {
        let connection = self.reader()?;
        Ok(connection
            .query_row(
                "SELECT text, written_at FROM replies WHERE unit = ?1 AND period = ?2",
                params![unit, period],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?)
    }

    /// What `unit` said it did about what citizens said in `period`, if it said.
    pub fn reply(&self, unit: &str, period: &str) -> Result<Option<String>, StoreError> {
        Ok(self.reply_written(unit, period)?.map(|(text, _)| text))
    }

    /// Every follow-up, by response id: (when, by whom, the note).
    pub fn followups(&self) -> Result<std::collections::BTreeMap<String, (String, String, String)>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare("SELECT response_id, followed_at, followed_by, note FROM followups")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, (row.get(1)?, row.get(2)?, row.get(3)?))))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces the dossiers `unit` received in `period` (a period's code), per field ('' for
    /// dossiers not split by field), with their audit entry. Once a certificate of the period
    /// covers the unit (its own, one of a unit above it, or the whole server's), its dossiers
    /// are locked with it: the published response rate divides by them.
    pub fn put_dossiers(
        &self,
        unit: &str,
        period: &str,
        dossiers: &survey::results::denominator::Dossiers,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let total: u64 = dossiers.values().sum();
        let event = Event::new("dossiers.set", Some(unit), format!("{period}: {total} dossiers"));
        self.change(actor, &event, |transaction| {
            for covering in units::lineage(transaction, unit)?.iter().map(String::as_str).chain([""]) {
                let certified: i64 = transaction.query_row(
                    "SELECT COUNT(*) FROM certificates WHERE period = ?1 AND unit = ?2",
                    params![period, covering],
                    |row| row.get(0),
                )?;
                if certified > 0 {
                    let by = if covering.is_empty() { "the whole server".to_owned() } else { format!("`{covering}`") };
                    return Err(StoreError::Conflict(format!(
                        "{period} is certified (by {by}): the dossiers of `{unit}` for it are locked with the certificate, which its published response rate divides by"
                    )));
                }
            }
            transaction.execute("DELETE FROM dossiers WHERE unit = ?1 AND period = ?2", params![unit, period])?;
            for (field, count) in dossiers {
                let count =
                    i64::try_from(*count).map_err(|_| StoreError::Refused(format!("{field}: too many dossiers")))?;
                transaction.execute(
                    "INSERT INTO dossiers (unit, period, field, dossiers) VALUES (?1, ?2, ?3, ?4)",
                    params![unit, period, field, count],
                )?;
            }
            Ok(())
        })
    }

    /// Every unit's dossiers received: (unit, period, field, dossiers).
    pub fn dossiers(&self) -> Result<Vec<(String, String, String, u64)>, StoreError> {
        let connection = self.reader()?;
        let mut statement =
            connection.prepare("SELECT unit, period, field, dossiers FROM dossiers ORDER BY unit, period, field")?;
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get::<_, i64>(3)?.max(0) as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Withdraws the certificate of a survey version's period of `unit` ('' for the whole
    /// server): it moves, whole, to the withdrawn ones with when, by whom and why, and the audit
    /// entry carries its digest, so the log still accounts for it. The period can then be
    /// certified again; its page says it was withdrawn until it is.
    pub fn withdraw_certificate(
        &self,
        survey_id: &str,
        survey_version: &str,
        period: &str,
        unit: &str,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        self.change_with(actor, |transaction| {
            let json: String = transaction
                .query_row(
                    "SELECT certificate_json FROM certificates
                     WHERE survey_id = ?1 AND survey_version = ?2 AND period = ?3 AND unit = ?4",
                    params![survey_id, survey_version, period, unit],
                    |row| row.get(0),
                )
                .optional()?
                .ok_or_else(|| {
                    StoreError::NotFound(format!("certificate of {survey_id} {survey_version} for {period}"))
                })?;
            transaction.execute(
                "INSERT INTO withdrawn_certificates
                 (survey_id, survey_version, period, unit, certificate_json, withdrawn_at, withdrawn_by, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![survey_id, survey_version, period, unit, json, actor.at, actor.name, reason],
            )?;
            transaction.execute(
                "DELETE FROM certificates WHERE survey_id = ?1 AND survey_version = ?2 AND period = ?3 AND unit = ?4",
                params![survey_id, survey_version, period, unit],
            )?;
            let target = audit::certify_target(survey_id, survey_version, period, &json);
            Ok(((), Event::new("certify.withdraw", (!unit.is_empty()).then_some(unit), target)))
        })
    }

    /// The last withdrawal of a unit's period, of any survey: when, and why.
    pub fn withdrawal(&self, unit: &str, period: &str) -> Result<Option<(String, String)>, StoreError> {
        let connection = self.reader()?;
        Ok(connection
            .query_row(
                "SELECT withdrawn_at, reason FROM withdrawn_certificates WHERE unit = ?1 AND period = ?2
                 ORDER BY withdrawn_at DESC LIMIT 1",
                params![unit, period],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?)
    }

    /// Every stored certificate, named ("danh-gia-tai-quay 2026.1 for 2026-Q4 (an-khanh)"), as
    /// stored JSON.
    pub fn all_certificates(&self) -> Result<Vec<(String, String)>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare(
            "SELECT survey_id, survey_version, period, unit, certificate_json FROM certificates
             ORDER BY period, survey_id, survey_version, unit",
        )?;
        let rows = statement.query_map([], |row| {
            let unit: String = row.get(3)?;
            let of = if unit.is_empty() { "the whole server".to_owned() } else { unit };
            Ok((
                format!(
                    "the certificate of {} {} for {} ({of})",
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?
                ),
                row.get(4)?,
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The certificates of a period (its code, such as `2026-Q4`) of every unit, as stored JSON:
    /// the whole server's first, then by unit.
    pub fn certificates(&self, period: &str) -> Result<Vec<String>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare(
            "SELECT certificate_json FROM certificates WHERE period = ?1 ORDER BY survey_id, survey_version, unit",
        )?;
        let rows = statement.query_map([period], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn put_certificate_in(connection: &Transaction<'_>, certificate: &Certificate) -> Result<(), StoreError> {
    let inserted = connection.execute(
        "INSERT INTO certificates (survey_id, survey_version, period, unit, certificate_json)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        params![
            certificate.survey_id,
            certificate.survey_version,
            certificate.period,
            certificate.unit.as_deref().unwrap_or_default(),
            certificate.to_json()
        ],
    )?;
    if inserted == 0 {
        return Err(StoreError::Exists(format!(
            "a certificate of {} {} for {}{}",
            certificate.survey_id,
            certificate.survey_version,
            certificate.period,
            certificate.unit.as_deref().map(|unit| format!(" of {unit}")).unwrap_or_default()
        )));
    }
    Ok(())
}

/// A consistent copy of the database at `source` in `target`, made while a server goes on
/// taking responses (SQLite's `VACUUM INTO` reads one snapshot, and the copy is a plain
/// database file with no WAL beside it). An existing file is never overwritten.
pub fn backup(source: &Path, target: &Path) -> Result<(), StoreError> {
    if target.exists() {
        return Err(StoreError::Exists(format!("the file {}", target.display())));
    }
    if !source.is_file() {
        return Err(StoreError::Sqlite(rusqlite::Error::InvalidPath(source.to_owned())));
    }
    let connection = Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    connection.busy_timeout(std::time::Duration::from_secs(10))?;
    connection.execute("VACUUM INTO ?1", [target.to_string_lossy()])?;
    Ok(())
}

fn configure(connection: &Connection) -> Result<(), StoreError> {
    // WAL: readers (exports) never wait for writers (devices); FULL sync: a response the
    // server confirmed survives a power cut, as the device then forgets it.
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(())
}

fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if found > known {
        return Err(StoreError::NewerSchema { found, known });
    }
    for (step, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "user_version", step as i64 + 1)?;
        transaction.commit()?;
    }
    Ok(())
}

/// `bytes` random bytes from the operating system, as lower-case hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    // Without the system's randomness no token or salt can be made safely; stop rather than
    // make a guessable one.
    getrandom::fill(&mut buffer).expect("the operating system's random number generator failed");
    buffer.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> Actor {
        Actor::command_line("2026-11-23T08:00:00+07:00".into())
    }

    #[test]
    fn a_database_from_a_newer_hailong_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hailong.db");
        drop(Store::open(&path).unwrap());
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
        let err = Store::open(&path).err().unwrap();
        assert!(err.to_string().contains("schema version 99"), "{err}");
        let version: i64 =
            Connection::open(&path).unwrap().pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
        assert_eq!(version, 99);
    }

    #[test]
    fn an_account_made_before_units_stays_an_administrator_of_the_whole_server() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hailong.db");
        {
            let mut connection = Connection::open(&path).unwrap();
            for (step, sql) in MIGRATIONS[..2].iter().enumerate() {
                let transaction = connection.transaction().unwrap();
                transaction.execute_batch(sql).unwrap();
                transaction.pragma_update(None, "user_version", step as i64 + 1).unwrap();
                transaction.commit().unwrap();
            }
            connection
                .execute("INSERT INTO users (name, password_hash, added_at) VALUES ('cu', 'hash', '2026-11-01')", [])
                .unwrap();
        }
        let users = Store::open(&path).unwrap().users().unwrap();
        assert_eq!(users.len(), 1);
        assert_eq!((users[0].role, users[0].unit.as_deref()), (crate::roles::Role::Admin, None));
    }

    #[test]
    fn a_certificate_made_before_units_stays_the_whole_servers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hailong.db");
        {
            let mut connection = Connection::open(&path).unwrap();
            for (step, sql) in MIGRATIONS[..3].iter().enumerate() {
                let transaction = connection.transaction().unwrap();
                transaction.execute_batch(sql).unwrap();
                transaction.pragma_update(None, "user_version", step as i64 + 1).unwrap();
                transaction.commit().unwrap();
            }
            connection
                .execute(
                    "INSERT INTO certificates VALUES ('s', '1', '2026-11', '{\"format\":1,\"survey_id\":\"s\"}')",
                    [],
                )
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.certificates("2026-11").unwrap(), ["{\"format\":1,\"survey_id\":\"s\"}"]);
        let unit: String =
            store.reader().unwrap().query_row("SELECT unit FROM certificates", [], |row| row.get(0)).unwrap();
        assert_eq!(unit, "");
    }

    #[test]
    fn reopening_keeps_the_salt_so_tokens_still_match() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hailong.db");
        let token = Store::open(&path).unwrap().add_device("quay-1", None, &me()).unwrap();
        let store = Store::open(&path).unwrap();
        assert_eq!(store.device_of(&token).unwrap(), Some(("quay-1".to_owned(), None)));
        assert_eq!(store.device_of("not-a-token").unwrap(), None);
        let raw: String =
            store.reader().unwrap().query_row("SELECT token_sha256 FROM devices", [], |r| r.get(0)).unwrap();
        assert_ne!(raw, token, "only the hash is stored");
    }

    #[test]
    fn one_dossier_gets_one_token() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hailong.db")).unwrap();
        let new = NewToken { unit: Some("p1"), counter: None, dossier: Some("H12.34-261123-0001") };
        let tokens = store.issue_tokens(1, &new, &me()).unwrap();
        assert_eq!(store.token_status(&tokens[0]).unwrap(), TokenStatus::Unused);
        assert!(matches!(store.issue_tokens(1, &new, &me()), Err(StoreError::Exists(_))));
        let stored: String = store
            .reader()
            .unwrap()
            .query_row("SELECT group_concat(coalesce(dossier_sha256, ''), ',') FROM tokens", [], |r| r.get(0))
            .unwrap();
        assert!(!stored.contains("H12.34"), "the dossier code is stored only hashed");
    }
}
