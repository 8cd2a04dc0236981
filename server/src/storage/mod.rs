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

use rusqlite::{Connection, OptionalExtension, Transaction};
use survey::digest::sha256_hex;
use survey::records::gate::CheckedRecord;
use survey::records::record::RecordError;

pub mod audit;
pub mod certificates;
pub mod devices;
pub mod digests;
pub mod followups;
pub mod kept;
mod migrations;
pub mod responses;
pub mod said;
pub mod sessions;
pub mod tokens;
pub mod units;

use audit::{Actor, Event, append};

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
    /// The kept tallies could not be summed as asked: too many groups, or a damaged row.
    Kept(survey::results::kept::SumError),
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
            StoreError::Kept(err) => write!(f, "{err}"),
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

pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    salt: String,
    /// The number of each kept layout committed already, so that a batch does not look it up.
    kept_layouts: Mutex<kept::LayoutIds>,
    /// The kept tallies were seen built: once built they stay so, so a read need not ask again.
    kept_built: std::sync::atomic::AtomicBool,
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
        Ok(Store {
            path: path.to_owned(),
            writer: Mutex::new(connection),
            salt,
            kept_layouts: Mutex::default(),
            kept_built: std::sync::atomic::AtomicBool::new(false),
        })
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
    let known = migrations::MIGRATIONS.len() as i64;
    if found > known {
        return Err(StoreError::NewerSchema { found, known });
    }
    for (step, sql) in migrations::MIGRATIONS.iter().enumerate().skip(found as usize) {
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
    use super::migrations::MIGRATIONS;
    use super::tokens::NewToken;
    use super::*;
    use wire::sync::TokenStatus;

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
        assert_eq!((users[0].role, users[0].unit.as_deref()), (wire::session::Role::Admin, None));
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
