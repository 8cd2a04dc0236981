//! What citizens wrote, sorted by staff: each unit's list of topics, and each comment's topics
//! and whether it may be quoted. A comment of a certified response keeps the tags its
//! certificate holds: changing them is refused in the same transaction that would write them.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, params};
use survey::results::certify::Certificate;
use survey::results::topics::{CommentKey, Tag};

use super::audit::{Actor, Event};
use super::{Store, StoreError};

/// The ids of every response some stored certificate locks.
fn locked_in(connection: &Connection) -> Result<BTreeSet<String>, StoreError> {
    let mut statement = connection.prepare("SELECT certificate_json FROM certificates")?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    let mut locked = BTreeSet::new();
    for json in rows {
        let json = json?;
        let certificate = Certificate::from_json(&json)
            .map_err(|err| StoreError::Refused(format!("a stored certificate cannot be read: {err}")))?;
        locked.extend(certificate.responses.into_keys());
    }
    Ok(locked)
}

impl Store {
    /// Every unit's own list of topics (units without one use their parent's, or the default).
    pub fn topics(&self) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare("SELECT unit, topics FROM topics")?;
        let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
        let mut all = BTreeMap::new();
        for row in rows {
            let (unit, json) = row?;
            let topics = serde_json::from_str(&json)
                .map_err(|err| StoreError::Refused(format!("the stored topics of {unit} cannot be read: {err}")))?;
            all.insert(unit, topics);
        }
        Ok(all)
    }

    /// Sets `unit`'s own list of topics (checked by the caller); an empty list goes back to its
    /// parent's. Comments already tagged keep their topics.
    pub fn put_topics(&self, unit: &str, topics: &[String], actor: &Actor) -> Result<(), StoreError> {
        let event = Event::new("topics.set", Some(unit), topics.join("; "));
        let json = serde_json::to_string(topics).map_err(|err| StoreError::Refused(err.to_string()))?;
        self.change(actor, &event, |transaction| {
            if topics.is_empty() {
                transaction.execute("DELETE FROM topics WHERE unit = ?1", [unit])?;
            } else {
                transaction.execute(
                    "INSERT INTO topics (unit, topics) VALUES (?1, ?2) ON CONFLICT (unit) DO UPDATE SET topics = ?2",
                    params![unit, json],
                )?;
            }
            Ok(())
        })
    }

    /// Every comment's tags, by (response id, question id).
    pub fn comment_tags(&self) -> Result<BTreeMap<CommentKey, Tag>, StoreError> {
        let connection = self.reader()?;
        let mut statement =
            connection.prepare("SELECT response_id, question_id, topics, quotable FROM comment_tags")?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, i64>(3)?))
        })?;
        let mut all = BTreeMap::new();
        for row in rows {
            let (response_id, question_id, json, quotable) = row?;
            let topics = serde_json::from_str(&json).map_err(|err| {
                StoreError::Refused(format!("the stored tags of response {response_id} cannot be read: {err}"))
            })?;
            all.insert((response_id, question_id), Tag { topics, quotable: quotable != 0 });
        }
        Ok(all)
    }

    /// The ids of every response some certificate locks.
    pub fn locked_responses(&self) -> Result<BTreeSet<String>, StoreError> {
        locked_in(&self.reader()?)
    }

    /// Tags one comment (of a response of `unit`): its topics, checked by the caller against the
    /// unit's list, and whether it may be quoted; no topic and not quotable removes the tag. A
    /// response a certificate locks keeps its tags: refused, nothing changed.
    pub fn put_tag(&self, key: &CommentKey, unit: Option<&str>, tag: &Tag, actor: &Actor) -> Result<(), StoreError> {
        let (response_id, question_id) = key;
        let target = format!(
            "{response_id} {question_id}: {}{}",
            tag.topics.join("; "),
            if tag.quotable { " (quotable)" } else { "" }
        );
        let json = serde_json::to_string(&tag.topics).map_err(|err| StoreError::Refused(err.to_string()))?;
        self.change(actor, &Event::new("comment.tag", unit, target), |transaction| {
            if locked_in(transaction)?.contains(response_id) {
                return Err(StoreError::Exists(format!(
                    "response {response_id} is certified: its comments keep the tags its certificate holds"
                )));
            }
            if tag.topics.is_empty() && !tag.quotable {
                transaction.execute(
                    "DELETE FROM comment_tags WHERE response_id = ?1 AND question_id = ?2",
                    params![response_id, question_id],
                )?;
            } else {
                transaction.execute(
                    "INSERT INTO comment_tags (response_id, question_id, unit, topics, quotable, tagged_by, tagged_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (response_id, question_id) DO UPDATE SET topics = ?4, quotable = ?5, tagged_by = ?6, tagged_at = ?7",
                    params![response_id, question_id, unit, json, tag.quotable as i64, actor.name, actor.at],
                )?;
            }
            Ok(())
        })
    }
}
