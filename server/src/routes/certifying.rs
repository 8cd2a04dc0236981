//! Certifying a unit's period on the server, and publishing it.
//!
//! On a server for a city each unit certifies its own periods: a certificate locks the responses
//! of its unit and of every unit below it (the whole server's, for one made without a unit, as
//! every certificate before units was). The published page of a unit is made from the most
//! specific certificate that covers it, its own before its parent's, and shows only the groups
//! of that unit and those below it, named as the server names them.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use survey::definition::catalog::Catalog;
use survey::records::record::RecordError;
use survey::results::certify::{self, Certificate, CertifyError};
use survey::results::period::Period;
use wire::certificates::{CertificateQuery, CertifyRequest, DossiersBody, WithdrawRequest};
use wire::session::Permission;

use crate::http::error::AppError;
use crate::http::extract::{JsonBody, blocking};
use crate::http::reading::{covered, dossiers_by_unit, period_of};
use crate::http::session::Staff;
use crate::http::state::Collector;
use crate::storage::audit::Actor;
use crate::storage::units::UnitRow;
use crate::storage::{Store, StoreError};

// What each request body of this file is, for its refusal.
named! {
    CertifyRequest => "a certifying request",
    DossiersBody => "the dossiers received",
    WithdrawRequest => "a withdrawal",
}

pub fn read_certificate(json: &str) -> Result<Certificate, AppError> {
    Certificate::from_json(json).map_err(|err| {
        AppError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("a stored certificate cannot be read: {err}"))
    })
}

/// The survey version and period a request names, checked.
fn survey_and_period(collector: &Collector, survey: &str, period: &str) -> Result<(String, String, Period), AppError> {
    let refused =
        |field: &str, reason: String| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("{field}: {reason}"));
    let Some((id, version)) = survey.split_once('@') else {
        return Err(refused("survey", format!("`{survey}`: write it as id@version")));
    };
    if collector.catalog.get(id, version).is_none() {
        return Err(refused("survey", format!("no survey {id} version {version} is known here")));
    }
    Ok((id.to_owned(), version.to_owned(), period_of(period)?))
}

/// `GET /api/v1/certificates?survey=ID@VERSION&period=P[&unit=CODE]`: whether the unit's period
/// is certified, the certificate checked against the responses stored now, and what certifying
/// it now would lock. Any role may read it for a unit in reach.
pub async fn state(
    Staff(collector, signed): Staff,
    Query(query): Query<CertificateQuery>,
) -> Result<Response, AppError> {
    signed.access.may_on(Permission::ReadFigures, query.unit.as_deref())?;
    let (id, version, period) = survey_and_period(&collector, &query.survey, &query.period)?;
    let store = collector.store.clone();
    let code = period.code();
    let scope = covered(query.unit.as_deref(), &signed.units);
    let (stored, (records, _), tags) = blocking({
        let (store, catalog) = (store.clone(), collector.catalog.clone());
        let (id, version, unit) = (id.clone(), version.clone(), query.unit.clone());
        move || {
            let between = crate::storage::responses::Between {
                units: scope.as_ref(),
                ..crate::storage::responses::Between::period(period)
            };
            Ok((
                store.certificate(&id, &version, &code, unit.as_deref())?,
                store.checked_records_between(&catalog, &between)?,
                store.comment_tags()?,
            ))
        }
    })
    .await?;
    let unit = query.unit.clone();
    let certificate = stored.as_deref().map(read_certificate).transpose()?;
    let catalog = &collector.catalog;
    let verification = certificate.as_ref().map(|certificate| certificate.check(catalog, records.iter()));
    let to_lock = certify::period_tally(catalog, &id, &version, period, records.iter())
        .map(|tally| tally.totals(&id, &version))
        .unwrap_or_default();
    // Comments of the responses certifying would lock that nobody has sorted yet: their tags
    // are kept with the certificate, so they are worth sorting first.
    let unsorted = records
        .iter()
        .filter(|record| {
            record.misuse.is_none()
                && record.survey_id == id
                && record.survey_version == version
                && period.contains(record.vietnam_day())
        })
        .flat_map(|record| {
            survey::definition::answer::comments(&record.answers)
                .map(move |(question, _)| (record.response_id.clone(), question.clone()))
        })
        .filter(|key| tags.get(key).is_none_or(|tag| tag.topics.is_empty()))
        .count();
    let today = survey::vn_time::vietnam_date(time::OffsetDateTime::now_utc());
    let published = match (&certificate, &unit) {
        (Some(_), Some(unit)) => Some(format!("/results/{unit}/{}", period.code())),
        _ => None,
    };
    let mut response = Json(wire::certificates::CertificateState {
        format: wire::certificates::CERTIFICATES_FORMAT,
        survey: query.survey,
        period: period.code(),
        unit,
        ended: period.end < today,
        certificate,
        verification,
        to_lock: wire::certificates::ToLock {
            responses: to_lock.responses,
            partial: to_lock.partial,
            misuse: to_lock.misuse,
            unsorted_comments: unsorted as u64,
        },
        published,
    })
    .into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `POST /api/v1/certificates`: certifies a unit's period (office staff, leaders and
/// administrators of the unit). A period is certified once per unit; a period not ended is
/// refused unless `early` is asked for.
pub async fn certify(
    Staff(collector, signed): Staff,
    JsonBody(request): JsonBody<CertifyRequest>,
) -> Result<Response, AppError> {
    signed.access.may_on(Permission::Certify, request.unit.as_deref())?;
    let (id, version, period) = survey_and_period(&collector, &request.survey, &request.period)?;
    let (store, catalog) = (collector.store.clone(), collector.catalog.clone());
    let certificate = blocking(move || {
        let units = signed.units;
        let asked =
            Asked { survey_id: &id, survey_version: &version, period, unit: request.unit, early: request.early };
        certify_stored(&store, &catalog, &units, asked, &signed.actor).map(|(certificate, _)| certificate).map_err(
            |err| match err {
                Failed::Store(err) => AppError::from(err),
                Failed::Certify(err @ CertifyError::NotEnded { .. }) => {
                    AppError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("early: {err}"))
                }
                Failed::Certify(err) => AppError::new(StatusCode::UNPROCESSABLE_ENTITY, err.to_string()),
            },
        )
    })
    .await?;
    Ok((StatusCode::CREATED, Json(certificate)).into_response())
}

/// What is to be certified.
pub struct Asked<'a> {
    pub survey_id: &'a str,
    pub survey_version: &'a str,
    pub period: Period,
    /// None for the whole server.
    pub unit: Option<String>,
    pub early: bool,
}

/// Why certifying failed.
#[derive(Debug)]
pub enum Failed {
    Store(StoreError),
    Certify(CertifyError),
}

/// Certifies a unit's period from the responses stored now that pass today's gate, and stores
/// the certificate with its audit entry: for the API and `hailong certify` alike. The stored
/// responses that fail today's gate are returned, to be said; they stay stored.
pub fn certify_stored(
    store: &Store,
    catalog: &Catalog,
    units: &[UnitRow],
    asked: Asked<'_>,
    actor: &Actor,
) -> Result<(Certificate, Vec<(String, RecordError)>), Failed> {
    let scope = covered(asked.unit.as_deref(), units);
    let between = crate::storage::responses::Between {
        units: scope.as_ref(),
        ..crate::storage::responses::Between::period(asked.period)
    };
    // Read of the units the certificate covers alone (`between`).
    let (records, left_out) = store.checked_records_between(catalog, &between).map_err(Failed::Store)?;
    let mut certificate = certify::certify(
        catalog,
        asked.survey_id,
        asked.survey_version,
        asked.period,
        &records,
        crate::http::state::now_vietnam(),
        asked.early,
    )
    .map_err(Failed::Certify)?;
    certificate.unit = asked.unit;
    // The tags of the period's comments are kept with its certificate.
    let tags = store.comment_tags().map_err(Failed::Store)?;
    let certified = records.iter().filter(|record| certificate.responses.contains_key(&record.response_id));
    certificate.comments = Some(survey::results::topics::summarise(certified, &tags));
    // The dossiers the locked units entered for the period, which its page's rate divides by.
    let scope = covered(certificate.unit.as_deref(), units);
    let entered = store.dossiers().map_err(Failed::Store)?;
    certificate.dossiers = Some(dossiers_by_unit(&entered, &certificate.period, scope.as_ref()));
    store.put_certificate(&certificate, actor).map_err(Failed::Store)?;
    Ok((certificate, left_out))
}

/// Every stored certificate checked against the responses stored now, as `hailong audit check`
/// reports it: a certificate that cannot be read, a tally that no longer has its digest, a
/// certified response changed or gone. With the audit log's own check (which pins each
/// certificate's digest), an edit of the database that moves a published figure is named.
pub fn check_certificates(store: &Store, catalog: &Catalog) -> Result<Vec<String>, StoreError> {
    let units = store.units()?;
    let mut problems = Vec::new();
    for (key, json) in store.all_certificates()? {
        let certificate = match Certificate::from_json(&json) {
            Ok(certificate) => certificate,
            Err(err) => {
                problems.push(format!("{key}: {err}"));
                continue;
            }
        };
        let Some(period) = survey::results::period::Period::parse(&certificate.period) else {
            problems.push(format!("{key}: its period `{}` is not a period", certificate.period));
            continue;
        };
        // The responses of the certified period: a certified response moved out of it is missing.
        let scope = covered(certificate.unit.as_deref(), &units);
        let between = crate::storage::responses::Between {
            units: scope.as_ref(),
            ..crate::storage::responses::Between::period(period)
        };
        let (records, _) = store.checked_records_between(catalog, &between)?;
        let verification = certificate.check(catalog, records.iter());
        if verification.tally_tampered {
            problems.push(format!("{key}: its tally does not match its digest or its responses (edited)"));
        }
        for id in &verification.changed {
            problems.push(format!("{key}: certified response {id} has changed since"));
        }
        for id in &verification.missing {
            problems.push(format!("{key}: certified response {id} is no longer stored (or no longer passes the gate)"));
        }
    }
    Ok(problems)
}

/// The most dossiers one field of a unit can be said to have received in a period: more is a
/// typing slip or a forged request, refused rather than stored.
pub const MOST_DOSSIERS: u64 = 10_000_000;

/// The most fields one period's dossiers may name.
const MOST_FIELDS: usize = 1_000;

/// `GET /api/v1/dossiers/<unit>/<period>`: the dossiers the unit received in the period, as
/// entered, per field.
pub async fn dossiers(
    Staff(collector, signed): Staff,
    Path((unit, period)): Path<(String, String)>,
) -> Result<Response, AppError> {
    signed.access.may_on(Permission::ReadFigures, Some(&unit))?;
    let code = period_of(&period)?.code();
    let store = collector.store.clone();
    let all = blocking(move || Ok(store.dossiers()?)).await?;
    let entered: BTreeMap<String, u64> = all
        .into_iter()
        .filter(|row| row.unit == unit && row.period == code)
        .map(|row| (row.field, row.dossiers))
        .collect();
    Ok(Json(wire::certificates::Dossiers {
        format: wire::certificates::CERTIFICATES_FORMAT,
        unit,
        period: code,
        dossiers: entered,
    })
    .into_response())
}

/// `PUT /api/v1/dossiers/<unit>/<period>`: replaces what the unit received in the period
/// (office staff, leaders and administrators of the unit).
pub async fn put_dossiers(
    Staff(collector, signed): Staff,
    Path((unit, period)): Path<(String, String)>,
    JsonBody(body): JsonBody<DossiersBody>,
) -> Result<Response, AppError> {
    signed.may_change(Permission::EnterDossiers, &unit)?;
    let code = period_of(&period)?.code();
    let refused = |reason: String| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, reason);
    if body.dossiers.len() > MOST_FIELDS {
        return Err(refused(format!("dossiers: at most {MOST_FIELDS} fields")));
    }
    for (field, count) in &body.dossiers {
        if !field.is_empty() && !survey::records::record::is_code(field) {
            return Err(refused(format!("dossiers: `{}` is not a field code", survey::text::short_message(field))));
        }
        if *count > MOST_DOSSIERS {
            return Err(refused(format!("dossiers.{field}: {count} is more than {MOST_DOSSIERS}")));
        }
    }
    let store = collector.store.clone();
    blocking(move || Ok(store.put_dossiers(&unit, &code, &body.dossiers, &signed.actor)?)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The longest reason for withdrawing a certificate, in characters.
const MAX_REASON_CHARS: usize = 500;

/// `POST /api/v1/certificates/withdraw`: withdraws a unit's certified period, with a reason
/// (those who may certify it). The certificate is kept apart, the audit log carries its digest,
/// and the published page says it was withdrawn, when and why, until the period is certified
/// again.
pub async fn withdraw(
    Staff(collector, signed): Staff,
    JsonBody(request): JsonBody<WithdrawRequest>,
) -> Result<Response, AppError> {
    signed.access.may_on(Permission::Certify, request.unit.as_deref())?;
    let (id, version, period) = survey_and_period(&collector, &request.survey, &request.period)?;
    // The one rule for a staff member's text of several lines, and a reason must be given.
    let reason = crate::http::error::staff_text("reason", &request.reason, MAX_REASON_CHARS)?;
    if reason.is_empty() {
        return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "reason: say why the figures are withdrawn"));
    }
    let store = collector.store.clone();
    let unit = request.unit.unwrap_or_default();
    blocking(move || Ok(store.withdraw_certificate(&id, &version, &period.code(), &unit, &reason, &signed.actor)?))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
