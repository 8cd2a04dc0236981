//! The daily digest of low ratings: the addresses each unit's leader set, and the days each
//! unit's digest went out, so that it goes out once a day.

use std::collections::BTreeMap;

use rusqlite::params;

use super::audit::{Actor, Event};
use super::{Store, StoreError};

impl Store {
    /// Every unit's digest addresses.
    pub fn digest_addresses(&self) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare("SELECT unit, addresses FROM digest_addresses")?;
        let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
        let mut all = BTreeMap::new();
        for row in rows {
            let (unit, json) = row?;
            let addresses = serde_json::from_str(&json).map_err(|err| {
                StoreError::Refused(format!("the stored digest addresses of {unit} cannot be read: {err}"))
            })?;
            all.insert(unit, addresses);
        }
        Ok(all)
    }

    /// Sets where `unit`'s digest goes (checked by the caller); none stops it. The audit entry
    /// says how many, not who.
    pub fn put_digest_addresses(&self, unit: &str, addresses: &[String], actor: &Actor) -> Result<(), StoreError> {
        let event = Event::new("digest.set", Some(unit), format!("{} addresses", addresses.len()));
        let json = serde_json::to_string(addresses).map_err(|err| StoreError::Refused(err.to_string()))?;
        self.change(actor, &event, |transaction| {
            if addresses.is_empty() {
                transaction.execute("DELETE FROM digest_addresses WHERE unit = ?1", [unit])?;
            } else {
                transaction.execute(
                    "INSERT INTO digest_addresses (unit, addresses) VALUES (?1, ?2)
                     ON CONFLICT (unit) DO UPDATE SET addresses = ?2",
                    params![unit, json],
                )?;
            }
            Ok(())
        })
    }

    /// Whether `unit`'s digest of `day` (YYYY-MM-DD) has gone out.
    pub fn digest_sent(&self, unit: &str, day: &str) -> Result<bool, StoreError> {
        let connection = self.reader()?;
        let count: i64 = connection.query_row(
            "SELECT COUNT(*) FROM digests_sent WHERE unit = ?1 AND day = ?2",
            params![unit, day],
            |row| row.get(0),
        )?;
        Ok(count > 0)
    }

    /// Notes that `unit`'s digest of `day` went out, with its audit entry.
    pub fn mark_digest_sent(&self, unit: &str, day: &str, actor: &Actor) -> Result<(), StoreError> {
        self.change(actor, &Event::new("digest.sent", Some(unit), day), |transaction| {
            transaction.execute(
                "INSERT INTO digests_sent (unit, day, sent_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                params![unit, day, actor.at],
            )?;
            Ok(())
        })
    }
}
