//! Certified periods: once staff lock a period, its published figures cannot change silently.
//!
//! A [`Certificate`] keeps the period's tally as canonical CSV (RFC 4180, grouped by unit,
//! counter and field; misuse apart, unfinished responses counted for what they answered) with
//! the SHA-256 digest of that CSV,
//! and the id and SHA-256 of every response it counted. [`verify`] recounts from the responses
//! stored now and says what differs: a response changed or gone, a digest that no longer
//! matches, and responses that arrived for the period after it was locked (*late*), which are
//! shown apart and never folded into the certified figures.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::csv::write::CsvProfile;
use crate::definition::catalog::Catalog;
use crate::digest::sha256_hex;
use crate::records::gate::CheckedRecord;
use crate::results::period::Period;
use crate::results::tally::{GroupBy, Tally, TallyError, TallyOptions};

/// The format of stored certificates; a later version must read this one.
pub const CERTIFICATE_FORMAT: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    pub format: u32,
    pub survey_id: String,
    pub survey_version: String,
    /// The period's code (`2026-Q4`).
    pub period: String,
    /// When it was locked, RFC 3339 in Vietnam time.
    pub certified_at: String,
    /// The tally as canonical CSV.
    pub tally_csv: String,
    /// SHA-256 of `tally_csv`'s bytes, lower-case hex.
    pub tally_sha256: String,
    /// Each response of the period's id and the SHA-256 of its stored JSON: those counted and
    /// those flagged as misuse (kept apart in the tally, but locked too).
    pub responses: BTreeMap<String, String>,
    /// Certified before the period had ended, as staff chose to; the published page says so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub early: bool,
    /// On a server for several units: the unit whose responses (and those of every unit below
    /// it) it locks. Absent for a device's certificate, and for one of a whole server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// On a server: what its responses' comments were tagged with when it was made, by unit,
    /// with the quotable ones masked. Tags are kept with the certificate, so that the published
    /// summary of what citizens said cannot change after the figures are locked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<crate::results::topics::CommentsSummary>,
    /// On a server: the dossiers each unit it locks had entered for the period when it was
    /// made (unit → field → dossiers), which the published response rate divides by. Kept with
    /// the certificate, and locked from then on, so that the rate cannot move after the
    /// figures are certified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossiers: Option<BTreeMap<String, crate::results::denominator::Dossiers>>,
}

/// Why a period cannot be certified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertifyError {
    /// The period's last day is today or later, and certifying early was not asked for.
    NotEnded {
        last_day: time::Date,
    },
    /// The time of certifying is not an RFC 3339 time.
    BadTime(String),
    Tally(TallyError),
}

impl std::fmt::Display for CertifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CertifyError::NotEnded { last_day } => write!(
                f,
                "the period runs until {last_day}: certify it after it has ended, or say that it is certified early"
            ),
            CertifyError::BadTime(time) => write!(f, "`{time}` is not a time written in RFC 3339"),
            CertifyError::Tally(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for CertifyError {}

impl From<TallyError> for CertifyError {
    fn from(err: TallyError) -> CertifyError {
        CertifyError::Tally(err)
    }
}

/// How the certified tally is grouped: what the public page may show (never per officer).
pub fn certified_grouping() -> GroupBy {
    GroupBy { unit: true, counter: true, staff: false, field: true }
}

fn record_digest(record: &CheckedRecord) -> String {
    sha256_hex(record.to_json().as_bytes())
}

/// The records of one survey version whose Vietnam day falls in the period.
fn in_period<'a>(
    records: impl IntoIterator<Item = &'a CheckedRecord>,
    survey_id: &str,
    survey_version: &str,
    period: Period,
) -> impl Iterator<Item = &'a CheckedRecord> {
    let (survey_id, survey_version) = (survey_id.to_owned(), survey_version.to_owned());
    records.into_iter().filter(move |record| {
        record.survey_id == survey_id
            && record.survey_version == survey_version
            && period.contains(record.vietnam_day())
    })
}

/// The tally a certificate locks: the period's records of one survey version, grouped as the
/// public page may show them. A draft page of a period not yet certified is made from it too.
pub fn period_tally<'a>(
    catalog: &Catalog,
    survey_id: &str,
    survey_version: &str,
    period: Period,
    records: impl IntoIterator<Item = &'a CheckedRecord>,
) -> Result<Tally, TallyError> {
    let options = TallyOptions {
        by: certified_grouping(),
        from: Some(period.start),
        to: Some(period.end),
        ..TallyOptions::default()
    };
    let mut tally = Tally::count(catalog, in_period(records, survey_id, survey_version, period), &options)?;
    tally.layouts.retain(|(id, version), _| id == survey_id && version == survey_version);
    Ok(tally)
}

/// Locks a period's figures from the records given (the device's own and those imported), at
/// `certified_at`. A period that has not ended (its last day is that day or later) is refused
/// unless `early` says staff certify it early, which the certificate then records.
pub fn certify<'a>(
    catalog: &Catalog,
    survey_id: &str,
    survey_version: &str,
    period: Period,
    records: impl IntoIterator<Item = &'a CheckedRecord>,
    certified_at: String,
    early: bool,
) -> Result<Certificate, CertifyError> {
    let instant =
        crate::vn_time::parse_rfc3339(&certified_at).map_err(|_| CertifyError::BadTime(certified_at.clone()))?;
    let ended = crate::vn_time::vietnam_date(instant) > period.end;
    if !ended && !early {
        return Err(CertifyError::NotEnded { last_day: period.end });
    }
    let records: Vec<&CheckedRecord> = in_period(records, survey_id, survey_version, period).collect();
    let tally = period_tally(catalog, survey_id, survey_version, period, records.iter().copied())?;
    let tally_csv = String::from_utf8_lossy(&tally.to_csv(CsvProfile::Rfc4180)).into_owned();
    Ok(Certificate {
        format: CERTIFICATE_FORMAT,
        survey_id: survey_id.to_owned(),
        survey_version: survey_version.to_owned(),
        period: period.code(),
        certified_at,
        tally_sha256: sha256_hex(tally_csv.as_bytes()),
        tally_csv,
        responses: records.iter().map(|record| (record.response_id.clone(), record_digest(record))).collect(),
        early: !ended,
        unit: None,
        comments: None,
        dossiers: None,
    })
}

/// What a certified period looks like against the records stored now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The digest of the tally recounted from the certified responses stored now.
    pub recounted_sha256: String,
    /// The stored CSV no longer has the digest stored with it.
    pub tally_tampered: bool,
    /// Certified responses whose stored content has changed.
    pub changed: Vec<String>,
    /// Certified responses no longer stored.
    pub missing: Vec<String>,
    /// Responses for the period that were not certified: arrived late, shown apart.
    pub late: Vec<String>,
}

impl Verification {
    /// The certified figures still match what is stored (late responses aside).
    pub fn holds(&self) -> bool {
        !self.tally_tampered && self.changed.is_empty() && self.missing.is_empty()
    }
}

impl Certificate {
    pub fn from_json(json: &str) -> Result<Certificate, String> {
        let certificate: Certificate =
            serde_json::from_str(json).map_err(|err| format!("the certificate cannot be read: {err}"))?;
        if certificate.format != CERTIFICATE_FORMAT {
            return Err(format!("certificate format {} is not known to this version", certificate.format));
        }
        Ok(certificate)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn period(&self) -> Option<Period> {
        Period::parse(&self.period)
    }

    /// The certified tally, as locked.
    pub fn tally(&self) -> Result<Tally, crate::csv::read::CsvError> {
        Tally::read_csv(self.tally_csv.as_bytes())
    }

    /// The certified counts of all groups together: the responses the published page counts,
    /// and the unfinished and misuse-flagged ones named apart.
    pub fn counts(&self) -> Result<crate::results::tally::GroupCounts, crate::csv::read::CsvError> {
        Ok(self.tally()?.totals(&self.survey_id, &self.survey_version))
    }

    /// [`Certificate::verify`], with a tally that cannot be recounted taken as tampered.
    pub fn check<'a>(&self, catalog: &Catalog, records: impl IntoIterator<Item = &'a CheckedRecord>) -> Verification {
        self.verify(catalog, records)
            .unwrap_or_else(|_| Verification { tally_tampered: true, ..Verification::default() })
    }

    /// Checks the certificate against the records stored now.
    pub fn verify<'a>(
        &self,
        catalog: &Catalog,
        records: impl IntoIterator<Item = &'a CheckedRecord>,
    ) -> Result<Verification, TallyError> {
        let Some(period) = self.period() else {
            return Ok(Verification { tally_tampered: true, ..Verification::default() });
        };
        let mut verification = Verification {
            tally_tampered: sha256_hex(self.tally_csv.as_bytes()) != self.tally_sha256,
            ..Verification::default()
        };
        let mut certified = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for record in in_period(records, &self.survey_id, &self.survey_version, period) {
            match self.responses.get(&record.response_id) {
                None => verification.late.push(record.response_id.clone()),
                Some(digest) => {
                    seen.insert(record.response_id.as_str());
                    if *digest != record_digest(record) {
                        verification.changed.push(record.response_id.clone());
                    }
                    certified.push(record);
                }
            }
        }
        verification.missing = self.responses.keys().filter(|id| !seen.contains(id.as_str())).cloned().collect();
        let tally = period_tally(catalog, &self.survey_id, &self.survey_version, period, certified)?;
        verification.recounted_sha256 = sha256_hex(&tally.to_csv(CsvProfile::Rfc4180));
        if verification.recounted_sha256 != self.tally_sha256
            && verification.changed.is_empty()
            && verification.missing.is_empty()
        {
            // Same responses, other figures: the certificate itself was edited.
            verification.tally_tampered = true;
        }
        Ok(verification)
    }
}
