//! Low ratings followed up, and a unit's reply for a period ("what we did"), each with its
//! audit entry.

use rusqlite::{OptionalExtension, params};

use super::audit::{Actor, Event};
use super::{Store, StoreError};

/// A low rating followed up: when, by whom, and what was done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpRow {
    pub at: String,
    pub by: String,
    pub note: String,
}

impl Store {
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

    /// Every follow-up, by response id.
    pub fn followups(&self) -> Result<std::collections::BTreeMap<String, FollowUpRow>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare("SELECT response_id, followed_at, followed_by, note FROM followups")?;
        let rows = statement.query_map([], |row| {
            Ok((row.get(0)?, FollowUpRow { at: row.get(1)?, by: row.get(2)?, note: row.get(3)? }))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
