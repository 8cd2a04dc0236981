//! Certificates of periods (stored once, withdrawn with a reason and kept apart) and the
//! dossiers a unit received in a period, which certifying locks.

use survey::results::certify::Certificate;

use rusqlite::{OptionalExtension, Transaction, params};

use super::audit::{Actor, Event};
use super::{Store, StoreError, audit, units};

/// The dossiers a unit received in a period, for one field ('' for dossiers not split by field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DossierRow {
    pub unit: String,
    /// The period's code (`2026-Q4`).
    pub period: String,
    pub field: String,
    pub dossiers: u64,
}

impl Store {
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

    /// Every unit's dossiers received, by unit, period and field.
    pub fn dossiers(&self) -> Result<Vec<DossierRow>, StoreError> {
        let connection = self.reader()?;
        let mut statement =
            connection.prepare("SELECT unit, period, field, dossiers FROM dossiers ORDER BY unit, period, field")?;
        let rows = statement.query_map([], |row| {
            Ok(DossierRow {
                unit: row.get(0)?,
                period: row.get(1)?,
                field: row.get(2)?,
                dossiers: row.get::<_, i64>(3)?.max(0) as u64,
            })
        })?;
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
    /// The stored certificate of one survey version's period for one unit (None: the whole
    /// server), as JSON: read alone, not among every certificate of the period (a province's
    /// holds a digest for each of its responses).
    pub fn certificate(
        &self,
        survey_id: &str,
        survey_version: &str,
        period: &str,
        unit: Option<&str>,
    ) -> Result<Option<String>, StoreError> {
        let connection = self.reader()?;
        Ok(connection
            .query_row(
                "SELECT certificate_json FROM certificates
                 WHERE survey_id = ?1 AND survey_version = ?2 AND period = ?3 AND unit = ?4",
                params![survey_id, survey_version, period, unit.unwrap_or_default()],
                |row| row.get(0),
            )
            .optional()?)
    }

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
