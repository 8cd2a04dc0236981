//! The tallies kept per day and month (`survey::results::kept`): added to in the transaction
//! that stores a response, read by the rows a figure needs, rebuilt from the stored responses
//! (the source of truth) and compared with them.
//!
//! A database made before they were kept is marked to build; `hailong serve` builds it at
//! start, filling in each response's Vietnam day and whether it is a low rating as it counts.
//! Until then, figures are counted from the responses themselves.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Transaction, params};
use survey::definition::catalog::Catalog;
use survey::records::gate::{CheckedRecord, Gate};
use survey::records::record::ResponseRecord;
use survey::results::followup::is_low;
use survey::results::kept::{CellLayout, Kept, KeptKey, KeptSum, Read, Span, add_encoded, encode};
use survey::results::tally::GroupCounts;

use super::{Store, StoreError};

/// The `meta` key whose presence says the kept tallies must be built from the responses.
const TO_BUILD: &str = "kept: to build";

/// Responses counted at a time when building: bounds the memory a build takes.
const CHUNK: i64 = 20_000;

/// The numbers of kept layouts committed, by survey version, with the layout each names.
pub(crate) type LayoutIds = BTreeMap<(String, String), (CellLayout, i64)>;

/// What a build counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Built {
    pub responses: u64,
    /// Stored responses that fail today's check, by id: left out, as every figure leaves them.
    pub left_out: Vec<String>,
}

/// A stored response as the kept tallies see it: whether the server flagged it, and whether
/// it is a low rating to follow up.
pub(crate) fn is_low_rating(catalog: &Catalog, record: &ResponseRecord, server_flag: bool) -> bool {
    record.misuse.is_none()
        && !server_flag
        && catalog.get(&record.survey_id, &record.survey_version).is_some_and(|survey| is_low(survey, &record.answers))
}

impl Store {
    /// Adds what a batch counts to the kept rows, in the batch's transaction; the layouts it
    /// used are returned, to remember once the transaction is committed.
    pub(crate) fn add_kept(&self, transaction: &Transaction<'_>, kept: &Kept) -> Result<LayoutIds, StoreError> {
        let known = self.kept_layouts.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        let mut used = LayoutIds::new();
        let mut layout_ids = BTreeMap::new();
        for ((survey_id, version), layout) in &kept.layouts {
            let id = match known.get(&(survey_id.clone(), version.clone())) {
                Some((committed, id)) if committed == layout => *id,
                _ => layout_id(transaction, survey_id, version, layout)?,
            };
            used.insert((survey_id.clone(), version.clone()), (layout.clone(), id));
            layout_ids.insert((survey_id.as_str(), version.as_str()), (id, layout));
        }
        let mut read = transaction.prepare_cached(
            "SELECT cells FROM kept_counts WHERE span = ?1 AND start = ?2 AND unit = ?3 AND counter = ?4 AND staff = ?5
                 AND field = ?6 AND channel = ?7 AND misuse = ?8 AND survey_id = ?9 AND survey_version = ?10 AND layout = ?11",
        )?;
        let mut write = transaction.prepare_cached(
            "INSERT OR REPLACE INTO kept_counts
                 (span, start, unit, counter, staff, field, channel, misuse, survey_id, survey_version, layout, cells)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        for (key, cells) in &kept.rows {
            let Some((id, layout)) = layout_ids.get(&(key.survey_id.as_str(), key.survey_version.as_str())) else {
                continue;
            };
            let start = key.start.to_string();
            let values: [&dyn rusqlite::ToSql; 11] = [
                &key.span.name(),
                &start,
                &key.unit,
                &key.counter,
                &key.staff,
                &key.field,
                &key.channel,
                &key.misuse,
                &key.survey_id,
                &key.survey_version,
                id,
            ];
            let stored: Option<Vec<u8>> = read.query_row(&values[..], |row| row.get(0)).optional()?;
            let mut sums = cells.clone();
            if let Some(stored) = stored {
                let mut held = vec![0; layout.len()];
                add_encoded(&mut held, &stored).map_err(|err| StoreError::Refused(err.to_string()))?;
                for (sum, held) in sums.iter_mut().zip(held) {
                    *sum = sum.saturating_add(held);
                }
            }
            let cells = encode(&sums);
            write
                .execute(rusqlite::params_from_iter(values.iter().copied().chain([&cells as &dyn rusqlite::ToSql])))?;
        }
        Ok(used)
    }

    /// Remembers the layouts a committed batch used.
    pub(crate) fn remember_layouts(&self, used: LayoutIds) {
        self.kept_layouts.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).extend(used);
    }

    /// Whether the kept tallies hold every stored response (false for a database from before
    /// they were kept, until it is built).
    pub fn kept_ready(&self) -> Result<bool, StoreError> {
        use std::sync::atomic::Ordering;
        // Only opening a database from before marks it to build: once seen built, it stays so.
        if self.kept_built.load(Ordering::Relaxed) {
            return Ok(true);
        }
        let connection = self.reader()?;
        let mark: Option<String> =
            connection.query_row("SELECT value FROM meta WHERE key = ?1", [TO_BUILD], |row| row.get(0)).optional()?;
        self.kept_built.store(mark.is_none(), Ordering::Relaxed);
        Ok(mark.is_none())
    }

    /// Builds the kept tallies afresh from every stored response, in one transaction (a
    /// sender waits), filling in each response's day and low mark on the way.
    pub fn rebuild_kept(&self, catalog: &Catalog) -> Result<Built, StoreError> {
        let mut connection = self.writer();
        let transaction = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Layouts are kept, never changed: a number another process remembers stays right.
        transaction.execute_batch(
            "DELETE FROM kept_counts; DELETE FROM received_by_source;
             INSERT INTO received_by_source
                 SELECT source, count(*), max(received_at) FROM responses GROUP BY source;",
        )?;
        let mut built = Built::default();
        let mut after = 0i64;
        loop {
            let rows: Vec<(i64, String, Option<String>)> = {
                let mut statement = transaction.prepare_cached(
                    "SELECT rowid, record_json, server_flag FROM responses WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
                )?;
                statement
                    .query_map(params![after, CHUNK], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                    .collect::<Result<_, _>>()?
            };
            let Some(last) = rows.last() else { break };
            after = last.0;
            let mut kept = Kept::default();
            for (rowid, json, server_flag) in rows {
                let checked = ResponseRecord::from_json(&json)
                    .map_err(|err| err.to_string())
                    .and_then(|record| Gate::default().check(catalog, record).map_err(|err| err.to_string()));
                let record = match checked {
                    Ok(record) => record,
                    Err(_) => {
                        built.left_out.push(short_id(&json));
                        continue;
                    }
                };
                let flagged = server_flag.is_some();
                // The gate found its survey in this catalog, so the count does too.
                kept.add(catalog, &record, flagged).map_err(|err| StoreError::Refused(err.to_string()))?;
                transaction
                    .prepare_cached("UPDATE responses SET day = ?1, low = ?2, commented = ?3 WHERE rowid = ?4")?
                    .execute(params![
                        record.vietnam_day().to_string(),
                        is_low_rating(catalog, &record, flagged),
                        is_commented(&record),
                        rowid
                    ])?;
                built.responses += 1;
            }
            self.add_kept(&transaction, &kept)?;
        }
        transaction.execute("DELETE FROM meta WHERE key = ?1", [TO_BUILD])?;
        transaction.commit()?;
        Ok(built)
    }

    /// Adds the kept rows `reads` name to `sum`, those that `admit` keeps (and changes: an
    /// officer a reader may not see), all from one snapshot.
    pub fn read_kept(
        &self,
        reads: &[Read],
        sum: &mut KeptSum<'_>,
        mut admit: impl FnMut(&mut KeptKey) -> bool,
    ) -> Result<(), StoreError> {
        let connection = self.reader()?;
        // One snapshot for the layouts and every read.
        let transaction = connection.unchecked_transaction()?;
        {
            let mut statement =
                transaction.prepare("SELECT id, survey_id, survey_version, layout FROM kept_layouts")?;
            let mut rows = statement.query([])?;
            while let Some(found) = rows.next()? {
                let text: String = found.get(3)?;
                let layout = CellLayout::from_text(&text).map_err(StoreError::Refused)?;
                sum.layout(
                    found.get::<_, i64>(0)? as u64,
                    &found.get::<_, String>(1)?,
                    &found.get::<_, String>(2)?,
                    layout,
                );
            }
        }
        let mut statement = transaction.prepare(&format!(
            "SELECT {KEPT_COLUMNS} FROM kept_counts WHERE span = ?1 AND start >= ?2 AND start <= ?3"
        ))?;
        for read in reads {
            let from = read.from.map(|day| day.to_string()).unwrap_or_default();
            // Every day written YYYY-MM-DD sorts before this.
            let to = read.to.map(|day| day.to_string()).unwrap_or_else(|| "~".into());
            let mut rows = statement.query(params![read.span.name(), from, to])?;
            while let Some(found) = rows.next()? {
                let (mut key, layout) = kept_row(found)?.map_err(StoreError::Refused)?;
                if !admit(&mut key) {
                    continue;
                }
                let cells = found.get_ref(11)?.as_blob().map_err(rusqlite::Error::from)?;
                sum.add(&key, layout, cells).map_err(StoreError::Kept)?;
            }
        }
        Ok(())
    }

    /// Compares the kept tallies with a recount of the stored responses, a month at a time:
    /// each difference in words (none when they agree).
    pub fn check_kept(&self, catalog: &Catalog) -> Result<Vec<String>, StoreError> {
        if !self.kept_ready()? {
            return Ok(vec![
                "the kept tallies are not built yet: `hailong serve` or `hailong tallies rebuild` builds them".into(),
            ]);
        }
        let connection = self.reader()?;
        let transaction = connection.unchecked_transaction()?;
        let mut months: Vec<String> = transaction
            .prepare("SELECT DISTINCT substr(day, 1, 7) FROM responses WHERE day IS NOT NULL")?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        let kept_months: Vec<String> = transaction
            .prepare("SELECT DISTINCT substr(start, 1, 7) FROM kept_counts")?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        months.extend(kept_months);
        months.sort();
        months.dedup();
        let mut layouts: BTreeMap<u64, CellLayout> = BTreeMap::new();
        {
            let mut statement = transaction.prepare("SELECT id, layout FROM kept_layouts")?;
            let mut rows = statement.query([])?;
            while let Some(found) = rows.next()? {
                let text: String = found.get(1)?;
                layouts
                    .insert(found.get::<_, i64>(0)? as u64, CellLayout::from_text(&text).map_err(StoreError::Refused)?);
            }
        }
        let unbuilt: i64 =
            transaction.query_row("SELECT count(*) FROM responses WHERE day IS NULL", [], |row| row.get(0))?;
        let mut differences = Vec::new();
        let senders: i64 = transaction.query_row(
            "SELECT count(*) FROM (SELECT source, count(*) AS n, max(received_at) AS at FROM responses GROUP BY source) AS a
             FULL OUTER JOIN received_by_source AS b USING (source)
             WHERE a.n IS NOT b.responses OR a.at IS NOT b.last_received_at",
            [],
            |row| row.get(0),
        )?;
        if senders > 0 {
            differences.push(format!("{senders} senders' counts of responses differ from the responses stored"));
        }
        if unbuilt > 0 {
            differences.push(format!("{unbuilt} stored responses have no day: rebuild the kept tallies"));
        }
        for month in months {
            let (from, to) = (format!("{month}-01"), format!("{month}-31"));
            // The recount of the month's responses, as receiving them counts them.
            let mut recount = Kept::default();
            let mut statement = transaction
                .prepare_cached("SELECT record_json, server_flag FROM responses WHERE day >= ?1 AND day <= ?2")?;
            let mut rows = statement.query(params![from, to])?;
            while let Some(found) = rows.next()? {
                let json: String = found.get(0)?;
                let server_flag: Option<String> = found.get(1)?;
                let Ok(record) = ResponseRecord::from_json(&json) else { continue };
                let Ok(record) = Gate::default().check(catalog, record) else { continue };
                let _ = recount.add(catalog, &record, server_flag.is_some());
            }
            let mut fresh: BTreeMap<KeptKey, GroupCounts> = BTreeMap::new();
            for (key, cells) in &recount.rows {
                let layout = &recount.layouts[&(key.survey_id.clone(), key.survey_version.clone())];
                fresh.entry(key.clone()).or_default().add(&layout.counts(cells));
            }
            let mut held: BTreeMap<KeptKey, GroupCounts> = BTreeMap::new();
            let mut statement = transaction
                .prepare_cached(&format!("SELECT {KEPT_COLUMNS} FROM kept_counts WHERE start >= ?1 AND start <= ?2"))?;
            let mut rows = statement.query(params![from, to])?;
            while let Some(found) = rows.next()? {
                let (key, layout) = match kept_row(found)? {
                    Ok(row) => row,
                    Err(problem) => {
                        differences.push(problem);
                        continue;
                    }
                };
                let (span, start) = (key.span, key.start);
                let Some(layout) = layouts.get(&layout) else {
                    differences.push(format!("a kept row of {} {} names no kept layout", span.name(), start));
                    continue;
                };
                let mut cells = vec![0; layout.len()];
                if let Err(err) = add_encoded(&mut cells, found.get_ref(11)?.as_blob().map_err(rusqlite::Error::from)?)
                {
                    differences.push(format!("a kept row of {} {}: {err}", span.name(), start));
                    continue;
                }
                held.entry(key).or_default().add(&layout.counts(&cells));
            }
            // Rows of a survey the catalog no longer knows are left out of figures either way.
            held.retain(|key, _| catalog.get(&key.survey_id, &key.survey_version).is_some());
            for key in fresh.keys().chain(held.keys()).collect::<std::collections::BTreeSet<_>>() {
                let (kept, counted) = (held.get(key), fresh.get(key));
                if kept != counted {
                    differences.push(format!(
                        "{} {} of {}@{} (unit `{}`, counter `{}`, field `{}`, channel {}{}): kept {} responses, counted {}",
                        key.span.name(),
                        key.start,
                        key.survey_id,
                        key.survey_version,
                        key.unit,
                        key.counter,
                        key.field,
                        key.channel,
                        if key.misuse { ", misuse" } else { "" },
                        kept.map_or(0, |counts| counts.responses),
                        counted.map_or(0, |counts| counts.responses),
                    ));
                }
            }
        }
        Ok(differences)
    }
}

/// The columns of a kept row, in the order [`kept_row`] reads them (then its cells).
const KEPT_COLUMNS: &str =
    "span, start, unit, counter, staff, field, channel, misuse, survey_id, survey_version, layout, cells";

/// A kept row's key and layout number, or what is wrong with it.
fn kept_row(found: &rusqlite::Row<'_>) -> Result<Result<(KeptKey, u64), String>, rusqlite::Error> {
    let (span, start): (String, String) = (found.get(0)?, found.get(1)?);
    let (Some(span), Some(start)) = (Span::parse(&span), survey::results::period::parse_day(&start)) else {
        return Ok(Err(format!("a kept row of `{span}` from `{start}` is not a span and a day")));
    };
    let key = KeptKey {
        span,
        start,
        unit: found.get(2)?,
        counter: found.get(3)?,
        staff: found.get(4)?,
        field: found.get(5)?,
        channel: found.get(6)?,
        misuse: found.get(7)?,
        survey_id: found.get(8)?,
        survey_version: found.get(9)?,
    };
    Ok(Ok((key, found.get::<_, i64>(10)? as u64)))
}

/// The number of the kept layout of a survey version, kept now if it is new.
fn layout_id(
    transaction: &Transaction<'_>,
    survey_id: &str,
    version: &str,
    layout: &CellLayout,
) -> Result<i64, StoreError> {
    let text = layout.to_text();
    let found: Option<i64> = transaction
        .prepare_cached("SELECT id FROM kept_layouts WHERE survey_id = ?1 AND survey_version = ?2 AND layout = ?3")?
        .query_row(params![survey_id, version, text], |row| row.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    transaction.execute(
        "INSERT INTO kept_layouts (survey_id, survey_version, layout) VALUES (?1, ?2, ?3)",
        params![survey_id, version, text],
    )?;
    Ok(transaction.last_insert_rowid())
}

/// The response id of a stored record that does not read, for the log.
fn short_id(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|value| value.get("response_id").and_then(|id| id.as_str()).map(|id| id.chars().take(40).collect()))
        .unwrap_or_else(|| "(unreadable)".into())
}

/// Whether a response holds words staff read and sort: a comment, or the text of "Khác".
pub(crate) fn is_commented(record: &ResponseRecord) -> bool {
    survey::definition::answer::comments(&record.answers).next().is_some()
}

/// What a stored response adds to the kept tallies, and the marks of its own row (its day,
/// whether it is a low rating, whether it holds words): used by receiving.
pub(crate) fn count_received(
    kept: &mut Kept,
    catalog: &Catalog,
    record: &CheckedRecord,
    server_flag: bool,
) -> Result<(String, bool, bool), StoreError> {
    kept.add(catalog, record, server_flag).map_err(|err| StoreError::Refused(err.to_string()))?;
    Ok((record.vietnam_day().to_string(), is_low_rating(catalog, record, server_flag), is_commented(record)))
}
