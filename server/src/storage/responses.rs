//! The stored responses: a batch received in one transaction (a response id stored once, a
//! token used once, the caller's admission rule for responses without one), and read back
//! through today's gate.

use survey::definition::catalog::Catalog;
use survey::records::gate::{CheckedRecord, Gate};
use survey::records::record::ResponseRecord;

use rusqlite::{OptionalExtension, Transaction, params};
use survey::results::kept::Kept;
use time::Date;

use super::Gated;
use super::kept::{count_received, is_commented, is_low_rating};
use super::{Store, StoreError};

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

/// Which stored responses a page reads: those given on the Vietnam days `from` to `to`, of
/// the units named (None: every unit, and responses naming none), and only low ratings or only
/// those with words, if asked.
#[derive(Clone, Copy, Debug)]
pub struct Between<'a> {
    pub from: Date,
    pub to: Date,
    pub units: Option<&'a std::collections::BTreeSet<String>>,
    pub only: Only,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Only {
    All,
    /// Low ratings to follow up (not flagged as misuse).
    Low,
    /// Responses holding a comment or the text of "Khác".
    Commented,
}

impl Between<'_> {
    /// Every response of a period.
    pub fn period(period: survey::results::period::Period) -> Between<'static> {
        Between { from: period.start, to: period.end, units: None, only: Only::All }
    }
}

/// Where a batch is being received, for each of its responses.
struct Receiving<'a> {
    source: &'a str,
    received_at: &'a str,
    catalog: &'a Catalog,
    kept: &'a mut Kept,
}

impl Store {
    /// Stores a batch in one transaction. `admit` is asked only about responses that are new
    /// and came without a token; the answers come back in the batch's order.
    pub fn receive(
        &self,
        batch: Vec<Incoming>,
        source: &str,
        received_at: &str,
        catalog: &Catalog,
        mut admit: impl FnMut(&ResponseRecord) -> Admission,
    ) -> Result<Vec<Received>, StoreError> {
        let mut connection = self.writer();
        // IMMEDIATE takes the write lock at the start, waiting (the busy timeout) while another
        // process (`hailong certify`, a backup) holds it; a deferred transaction that reads
        // first and writes later cannot wait, and fails at once with "database is locked".
        let transaction = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut outcomes = Vec::with_capacity(batch.len());
        // What the batch adds to the kept tallies, added with it: both, or neither.
        let mut kept = Kept::default();
        for incoming in batch {
            let receiving = Receiving { source, received_at, catalog, kept: &mut kept };
            outcomes.push(self.receive_one(&transaction, incoming, receiving, &mut admit)?);
        }
        let created = outcomes.iter().filter(|outcome| matches!(outcome, Received::Created { .. })).count();
        if created > 0 {
            transaction
                .prepare_cached(
                    "INSERT INTO received_by_source (source, responses, last_received_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (source) DO UPDATE SET responses = responses + excluded.responses,
                         last_received_at = max(last_received_at, excluded.last_received_at)",
                )?
                .execute(params![source, created as i64, received_at])?;
        }
        let layouts = self.add_kept(&transaction, &kept)?;
        transaction.commit()?;
        self.remember_layouts(layouts);
        Ok(outcomes)
    }

    fn receive_one(
        &self,
        transaction: &Transaction<'_>,
        incoming: Incoming,
        receiving: Receiving<'_>,
        admit: &mut impl FnMut(&ResponseRecord) -> Admission,
    ) -> Result<Received, StoreError> {
        let Receiving { source, received_at, catalog, kept } = receiving;
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
        let (day, low, commented) = count_received(kept, catalog, &incoming.record, flag.is_some())?;
        transaction.execute(
            "INSERT INTO responses (response_id, survey_id, survey_version, submitted_at, unit, counter, channel,
                 record_json, content_sha256, server_flag, source, received_at, day, low, commented)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
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
                day,
                low,
                commented,
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
        self.records_where("1 = 1", [])
    }

    /// The stored responses of the query's condition, read as [`Store::records`] reads them.
    fn records_where(&self, condition: &str, values: impl rusqlite::Params) -> Result<Vec<ResponseRecord>, StoreError> {
        let connection = self.reader()?;
        // A condition may give its own order and limit; otherwise, by time and id.
        let order = if condition.contains("ORDER BY") { "" } else { " ORDER BY submitted_at, response_id" };
        let mut statement =
            connection.prepare(&format!("SELECT record_json, server_flag FROM responses WHERE {condition}{order}"))?;
        let rows =
            statement.query_map(values, |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)))?;
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

    /// Up to `limit` stored responses of one survey version, in the order of their time and
    /// id, after the one `after` names (time, id): an export read in parts, in bounded memory.
    pub fn records_of_survey(
        &self,
        survey_id: &str,
        survey_version: &str,
        after: Option<&(String, String)>,
        limit: usize,
    ) -> Result<Vec<ResponseRecord>, StoreError> {
        let (at, id) = after.cloned().unwrap_or_default();
        self.records_where(
            &format!(
                "survey_id = ?1 AND survey_version = ?2 AND (submitted_at, response_id) > (?3, ?4) \
                 ORDER BY submitted_at, response_id LIMIT {limit}"
            ),
            params![survey_id, survey_version, at, id],
        )
    }

    /// The stored response `response_id` that passes today's gate, if there is one.
    pub fn checked_record(&self, catalog: &Catalog, response_id: &str) -> Result<Option<CheckedRecord>, StoreError> {
        let (mut checked, _) =
            Gate::default().check_stored(catalog, self.records_where("response_id = ?1", [response_id])?);
        Ok(checked.pop())
    }

    /// The stored responses `between` names that pass today's gate, read by the day each was
    /// given (and the unit it names): what a period's page shows, not every response stored.
    /// On a database whose days are not filled in yet, every response is read and those named
    /// kept.
    pub fn checked_records_between(&self, catalog: &Catalog, between: &Between<'_>) -> Result<Gated, StoreError> {
        let (from, to) = (between.from.to_string(), between.to.to_string());
        let units = between.units.map(|units| serde_json::to_string(units).unwrap_or_default());
        let records = if self.kept_ready()? {
            let mut condition =
                String::from("day >= ?1 AND day <= ?2 AND (?3 IS NULL OR unit IN (SELECT value FROM json_each(?3)))");
            condition.push_str(match between.only {
                Only::All => "",
                Only::Low => " AND low = 1",
                Only::Commented => " AND commented = 1",
            });
            self.records_where(&condition, params![from, to, units])?
        } else {
            self.records()?
        };
        let (mut checked, left_out) = Gate::default().check_stored(catalog, records);
        checked.retain(|record| {
            let day = record.vietnam_day();
            between.from <= day
                && day <= between.to
                && between.units.is_none_or(|units| record.unit.as_ref().is_some_and(|unit| units.contains(unit)))
                && match between.only {
                    Only::All => true,
                    Only::Low => is_low_rating(catalog, record, false),
                    Only::Commented => is_commented(record),
                }
        });
        Ok((checked, left_out))
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
}
