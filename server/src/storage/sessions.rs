//! Accounts and browser sessions. An account has a name, an argon2 hash, a role and the unit it
//! holds that role over (None: the whole server). A session is a random token kept only as its
//! salted SHA-256, with its own CSRF token; it ends when signed out, when idle too long, when
//! too old, when its password changes or when its account is removed.

use rusqlite::{OptionalExtension, params};

use super::audit::{Actor, Event};
use super::{Store, StoreError, random_hex};
use wire::session::Role;

/// An account as stored, without its password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRow {
    pub name: String,
    pub role: Role,
    /// The unit the role is over, with everything below it; None: the whole server.
    pub unit: Option<String>,
    pub added_at: String,
}

/// A session that is still good.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub account: AccountRow,
    pub csrf: String,
}

/// A session ends after this long without a request …
pub const IDLE_SECONDS: i64 = 2 * 60 * 60;
/// … and this long after sign-in, whatever happens.
pub const LONGEST_SECONDS: i64 = 12 * 60 * 60;

fn role_of(text: &str) -> rusqlite::Result<Role> {
    Role::parse(text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("role `{text}` is not known to this hailong (stored by a newer one?)").into(),
        )
    })
}

fn account_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<AccountRow> {
    Ok(AccountRow {
        name: row.get(0)?,
        role: role_of(&row.get::<_, String>(1)?)?,
        unit: row.get(2)?,
        added_at: row.get(3)?,
    })
}

impl Store {
    /// Adds an account. Its unit must exist.
    pub fn add_user(
        &self,
        name: &str,
        password_hash: &str,
        role: Role,
        unit: Option<&str>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        super::units::check_code("user name", name)?;
        let event = Event::new("account.add", unit, format!("{name} as {}", role.name()));
        self.change(actor, &event, |transaction| {
            if let Some(unit) = unit
                && transaction
                    .query_row("SELECT 1 FROM units WHERE code = ?1", [unit], |_| Ok(()))
                    .optional()?
                    .is_none()
            {
                return Err(StoreError::NotFound(format!("unit `{unit}`")));
            }
            let inserted = transaction.execute(
                "INSERT INTO users (name, password_hash, added_at, role, unit) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT DO NOTHING",
                params![name, password_hash, actor.at, role.name(), unit],
            )?;
            if inserted == 0 {
                return Err(StoreError::Exists(format!("user `{name}`")));
            }
            Ok(())
        })
    }

    /// Every account, by name.
    pub fn users(&self) -> Result<Vec<AccountRow>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare("SELECT name, role, unit, added_at FROM users ORDER BY name")?;
        let rows = statement.query_map([], account_of)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One account and its password hash.
    pub fn account(&self, name: &str) -> Result<Option<(AccountRow, String)>, StoreError> {
        let connection = self.reader()?;
        Ok(connection
            .query_row("SELECT name, role, unit, added_at, password_hash FROM users WHERE name = ?1", [name], |row| {
                Ok((account_of(row)?, row.get(4)?))
            })
            .optional()?)
    }

    pub fn password_hash(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self.account(name)?.map(|(_, hash)| hash))
    }

    /// Removes an account: its password and its sessions stop working with the next request.
    pub fn remove_user(&self, name: &str, actor: &Actor) -> Result<(), StoreError> {
        let unit = self.account(name)?.and_then(|(account, _)| account.unit);
        self.change(actor, &Event::new("account.remove", unit.as_deref(), name), |transaction| {
            if transaction.execute("DELETE FROM users WHERE name = ?1", [name])? == 0 {
                return Err(StoreError::NotFound(format!("user `{name}`")));
            }
            Ok(())
        })
    }

    /// Gives an account a new password (its hash) and ends its sessions, but for `keep` (the
    /// one that asked, in the browser).
    pub fn set_password(
        &self,
        name: &str,
        password_hash: &str,
        keep: Option<&str>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let unit = self.account(name)?.and_then(|(account, _)| account.unit);
        let kept = keep.map(|token| self.hash(token)).unwrap_or_default();
        self.change(actor, &Event::new("account.password", unit.as_deref(), name), |transaction| {
            let changed = transaction
                .execute("UPDATE users SET password_hash = ?2 WHERE name = ?1", params![name, password_hash])?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("user `{name}`")));
            }
            transaction.execute("DELETE FROM sessions WHERE user = ?1 AND token_sha256 != ?2", params![name, kept])?;
            Ok(())
        })
    }

    /// Starts a session for an account that has just signed in: its token (for the cookie) and
    /// its CSRF token (for the page), each shown only now.
    pub fn start_session(&self, name: &str, now_seconds: i64) -> Result<(String, String), StoreError> {
        let token = random_hex(32);
        let csrf = random_hex(32);
        let connection = self.writer();
        // Sessions long over are swept as new ones start, so the table stays small.
        connection.execute(
            "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2",
            params![now_seconds - IDLE_SECONDS, now_seconds - LONGEST_SECONDS],
        )?;
        connection.execute(
            "INSERT INTO sessions (token_sha256, user, csrf, created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![self.hash(&token), name, csrf, now_seconds],
        )?;
        Ok((token, csrf))
    }

    /// The session of a cookie's token, if it is still good; a request keeps it alive.
    pub fn session(&self, token: &str, now_seconds: i64) -> Result<Option<SessionRow>, StoreError> {
        let connection = self.writer();
        let hash = self.hash(token);
        let found = connection
            .query_row(
                "SELECT u.name, u.role, u.unit, u.added_at, s.csrf, s.created_at, s.last_seen
                 FROM sessions s JOIN users u ON u.name = s.user WHERE s.token_sha256 = ?1",
                [&hash],
                |row| {
                    Ok((
                        SessionRow { account: account_of(row)?, csrf: row.get(4)? },
                        row.get::<_, i64>(5)?,
                        row.get::<_, i64>(6)?,
                    ))
                },
            )
            .optional()?;
        let Some((session, created_at, last_seen)) = found else { return Ok(None) };
        if now_seconds - last_seen > IDLE_SECONDS || now_seconds - created_at > LONGEST_SECONDS {
            connection.execute("DELETE FROM sessions WHERE token_sha256 = ?1", [&hash])?;
            return Ok(None);
        }
        if now_seconds - last_seen >= 60 {
            connection
                .execute("UPDATE sessions SET last_seen = ?2 WHERE token_sha256 = ?1", params![hash, now_seconds])?;
        }
        Ok(Some(session))
    }

    /// Ends a session (sign-out); ending one already over changes nothing.
    pub fn end_session(&self, token: &str) -> Result<(), StoreError> {
        self.writer().execute("DELETE FROM sessions WHERE token_sha256 = ?1", [self.hash(token)])?;
        Ok(())
    }
}
