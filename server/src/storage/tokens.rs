//! Single-use tokens for phones: issued hashed, one per dossier, and their state.

use wire::sync::TokenStatus;

use rusqlite::{OptionalExtension, Transaction, params};

use super::audit::{Actor, Event};
use super::{Store, StoreError, random_hex};

/// A single-use token to issue.
pub struct NewToken<'a> {
    pub unit: Option<&'a str>,
    pub counter: Option<&'a str>,
    /// The dossier the token is for: one dossier, one token.
    pub dossier: Option<&'a str>,
}

impl Store {
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
}
