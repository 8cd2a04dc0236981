//! Certifying a unit's period on the server, and publishing it.
//!
//! On a server for a city each unit certifies its own periods: a certificate locks the responses
//! of its unit and of every unit below it (the whole server's, for one made without a unit, as
//! every certificate before units was). The published page of a unit is made from the most
//! specific certificate that covers it, its own before its parent's, and shows only the groups
//! of that unit and those below it, named as the server names them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use survey::definition::catalog::Catalog;
use survey::records::gate::CheckedRecord;
use survey::records::record::RecordError;
use survey::reports::publish::ResultsPage;
use survey::results::certify::{self, Certificate, CertifyError};
use survey::results::denominator::{Dossiers, Received};
use survey::results::index::DEFAULT_MIN_N;
use survey::results::names::Names;
use survey::results::period::Period;

use crate::access::{Permission, subtree};
use crate::api::{AppError, ClientAddress, Collector, blocking};
use crate::storage::audit::Actor;
use crate::storage::units::{NamedCode, UnitRow};
use crate::storage::{Store, StoreError};

/// The format of `GET /api/v1/certificates`.
pub const CERTIFICATES_FORMAT: u32 = 1;

/// The units a certificate of `unit` covers: None for the whole server.
fn covered(unit: Option<&str>, units: &[UnitRow]) -> Option<BTreeSet<String>> {
    unit.map(|unit| subtree(unit, units))
}

/// The records a certificate of `unit` locks: those of the unit and every unit below it, or
/// all of them for the whole server.
fn in_scope(records: Vec<CheckedRecord>, unit: Option<&str>, units: &[UnitRow]) -> Vec<CheckedRecord> {
    let scope = covered(unit, units);
    records.into_iter().filter(|record| locks(scope.as_ref(), record)).collect()
}

/// Whether a certificate over `scope` (None: the whole server) locks `record`.
fn locks(scope: Option<&BTreeSet<String>>, record: &CheckedRecord) -> bool {
    scope.is_none_or(|scope| record.unit.as_ref().is_some_and(|code| scope.contains(code)))
}

/// Of a period's certificates of one survey version, the one the page of `unit` is made from:
/// the unit's own, else its nearest certified parent's, else the whole server's.
fn covering<'a>(certificates: &'a [Certificate], unit: &str, units: &[UnitRow]) -> Option<&'a Certificate> {
    certificates
        .iter()
        .filter_map(|certificate| match covered(certificate.unit.as_deref(), units) {
            None => Some((usize::MAX, certificate)),
            Some(scope) if scope.contains(unit) => Some((scope.len(), certificate)),
            // A unit the tree no longer knows still reads its own certificate.
            Some(_) if certificate.unit.as_deref() == Some(unit) => Some((0, certificate)),
            Some(_) => None,
        })
        .min_by_key(|(size, _)| *size)
        .map(|(_, certificate)| certificate)
}

/// The names of the server's units, fields and counters, for pages and files. A counter code
/// that units name differently is left as its code.
pub fn names(units: &[UnitRow], named: &[NamedCode]) -> Names {
    Names::new(
        units.iter().map(|unit| (unit.code.as_str(), unit.name_vi.as_str())),
        named.iter().filter_map(|code| Some((code.unit.as_deref()?, code.code.as_str(), code.name_vi.as_str()))),
        named.iter().filter(|code| code.unit.is_none()).map(|code| (code.code.as_str(), code.name_vi.as_str())),
    )
}

fn read_certificate(json: &str) -> Result<Certificate, AppError> {
    Certificate::from_json(json).map_err(|err| {
        AppError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("a stored certificate cannot be read: {err}"))
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateQuery {
    /// `id@version`.
    survey: String,
    period: String,
    /// The unit; absent for the whole server.
    #[serde(default)]
    unit: Option<String>,
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
    State(collector): State<Arc<Collector>>,
    address: ClientAddress,
    method: Method,
    headers: HeaderMap,
    Query(query): Query<CertificateQuery>,
) -> Result<Response, AppError> {
    let signed = crate::session::signed_in(&collector, &method, &headers, address.0).await?;
    signed.access.may_on(Permission::ReadFigures, query.unit.as_deref())?;
    let (id, version, period) = survey_and_period(&collector, &query.survey, &query.period)?;
    let store = collector.store.clone();
    let code = period.code();
    let (stored, (records, _), tags) = blocking({
        let (store, catalog) = (store.clone(), collector.catalog.clone());
        move || Ok((store.certificates(&code)?, store.checked_records(&catalog)?, store.comment_tags()?))
    })
    .await?;
    let unit = query.unit.clone();
    let records = in_scope(records, unit.as_deref(), &signed.units);
    let mut certificate = None;
    for json in &stored {
        let read = read_certificate(json)?;
        if read.survey_id == id && read.survey_version == version && read.unit == unit {
            certificate = Some(read);
        }
    }
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
    let mut response = Json(serde_json::json!({
        "format": CERTIFICATES_FORMAT,
        "survey": query.survey,
        "period": period.code(),
        "unit": unit,
        "ended": period.end < today,
        "certificate": certificate,
        "verification": verification,
        "to_lock": {
            "responses": to_lock.responses,
            "partial": to_lock.partial,
            "misuse": to_lock.misuse,
            "unsorted_comments": unsorted,
        },
        "published": published,
    }))
    .into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertifyRequest {
    survey: String,
    period: String,
    #[serde(default)]
    unit: Option<String>,
    /// Certify before the period has ended, as chosen.
    #[serde(default)]
    early: bool,
}

/// `POST /api/v1/certificates`: certifies a unit's period (office staff, leaders and
/// administrators of the unit). A period is certified once per unit; a period not ended is
/// refused unless `early` is asked for.
pub async fn certify(
    State(collector): State<Arc<Collector>>,
    address: ClientAddress,
    method: Method,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, AppError> {
    let signed = crate::session::signed_in(&collector, &method, &headers, address.0).await?;
    let request: CertifyRequest = crate::manage::body(&headers, &bytes, "a certifying request")?;
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
    let (records, left_out) = store.checked_records(catalog).map_err(Failed::Store)?;
    let records = in_scope(records, asked.unit.as_deref(), units);
    let mut certificate = certify::certify(
        catalog,
        asked.survey_id,
        asked.survey_version,
        asked.period,
        &records,
        crate::api::now_vietnam(),
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
    let (records, _) = store.checked_records(catalog)?;
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
        let scope = covered(certificate.unit.as_deref(), &units);
        let verification = certificate.check(catalog, records.iter().filter(|record| locks(scope.as_ref(), record)));
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossiersBody {
    /// By field code; "" for dossiers not split by field.
    dossiers: BTreeMap<String, u64>,
}

/// The period a request names, or 422 naming the field.
pub(crate) fn period_of(period: &str) -> Result<Period, AppError> {
    Period::parse(period).ok_or_else(|| {
        AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("period: `{period}` is not a period (2026-Q4, 2026-H2, 2026, 2026-11)"),
        )
    })
}

/// `GET /api/v1/dossiers/<unit>/<period>`: the dossiers the unit received in the period, as
/// entered, per field.
pub async fn dossiers(
    State(collector): State<Arc<Collector>>,
    address: ClientAddress,
    method: Method,
    headers: HeaderMap,
    Path((unit, period)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let signed = crate::session::signed_in(&collector, &method, &headers, address.0).await?;
    signed.access.may_on(Permission::ReadFigures, Some(&unit))?;
    let code = period_of(&period)?.code();
    let store = collector.store.clone();
    let all = blocking(move || Ok(store.dossiers()?)).await?;
    let entered: BTreeMap<String, u64> = all
        .into_iter()
        .filter(|(of, during, _, _)| *of == unit && *during == code)
        .map(|(_, _, field, count)| (field, count))
        .collect();
    Ok(Json(serde_json::json!({ "format": CERTIFICATES_FORMAT, "unit": unit, "period": code, "dossiers": entered }))
        .into_response())
}

/// `PUT /api/v1/dossiers/<unit>/<period>`: replaces what the unit received in the period
/// (office staff, leaders and administrators of the unit).
pub async fn put_dossiers(
    State(collector): State<Arc<Collector>>,
    address: ClientAddress,
    method: Method,
    headers: HeaderMap,
    Path((unit, period)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Response, AppError> {
    let signed = crate::session::signed_in(&collector, &method, &headers, address.0).await?;
    let body: DossiersBody = crate::manage::body(&headers, &bytes, "the dossiers received")?;
    signed.access.may_on(Permission::EnterDossiers, Some(&unit))?;
    crate::storage::units::check_code("unit", &unit)?;
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

/// The dossiers received in `period` by each unit in `scope` (None: every unit), per field.
pub fn dossiers_by_unit(
    entered: &[(String, String, String, u64)],
    period: &str,
    scope: Option<&BTreeSet<String>>,
) -> BTreeMap<String, Dossiers> {
    let mut by_unit: BTreeMap<String, Dossiers> = BTreeMap::new();
    for (unit, during, field, count) in entered {
        if during == period && scope.is_none_or(|scope| scope.contains(unit)) {
            by_unit.entry(unit.clone()).or_default().insert(field.clone(), *count);
        }
    }
    by_unit
}

/// The dossiers received in `period` by the units in `scope` (None: every unit), summed per
/// field; None when none were entered.
pub fn dossiers_in(
    entered: &[(String, String, String, u64)],
    period: &str,
    scope: Option<&BTreeSet<String>>,
) -> Option<BTreeMap<String, u64>> {
    let by_unit = dossiers_by_unit(entered, period, scope);
    let mut summed: BTreeMap<String, u64> = BTreeMap::new();
    for (field, count) in by_unit.values().flatten() {
        let sum = summed.entry(field.clone()).or_default();
        *sum = sum.saturating_add(*count);
    }
    (!by_unit.is_empty()).then_some(summed)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ResultsQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// `GET /results/<unit>/<period>`: the published page of a certified period, made from the
/// covering certificate's own tally, never from a recount. A period not certified is a 404.
pub async fn results_page(
    State(collector): State<Arc<Collector>>,
    Path((unit, period)): Path<(String, String)>,
    Query(query): Query<ResultsQuery>,
) -> Result<Response, AppError> {
    let lang = match query.lang.as_deref() {
        Some("en") => survey::text::Lang::En,
        _ => survey::text::Lang::Vi,
    };
    let not_certified = || AppError::new(StatusCode::NOT_FOUND, format!("no certified results of {unit} for {period}"));
    let Some(period_value) = Period::parse(&period) else { return Err(not_certified()) };
    let store = collector.store.clone();
    let code = period_value.code();
    let (stored, units, named, entered, reply, withdrawal) = {
        let unit = unit.clone();
        blocking(move || {
            let reply = store.reply_written(&unit, &code)?;
            let withdrawal = store.withdrawal(&unit, &code)?;
            Ok((store.certificates(&code)?, store.units()?, store.named_codes()?, store.dossiers()?, reply, withdrawal))
        })
        .await?
    };
    let names = names(&units, &named);
    let unit_name = Names::label(&names.units, &unit);
    let shown: BTreeSet<String> = if units.iter().any(|known| known.code == unit) {
        subtree(&unit, &units)
    } else {
        BTreeSet::from([unit.clone()])
    };
    let mut by_survey: BTreeMap<(String, String), Vec<Certificate>> = BTreeMap::new();
    for json in &stored {
        let certificate = read_certificate(json)?;
        by_survey
            .entry((certificate.survey_id.clone(), certificate.survey_version.clone()))
            .or_default()
            .push(certificate);
    }
    for certificates in by_survey.values() {
        let Some(certificate) = covering(certificates, &unit, &units) else { continue };
        let Ok(mut tally) = certificate.tally() else { continue };
        tally.groups.retain(|key, _| shown.contains(&key.unit));
        if tally.groups.is_empty() {
            continue;
        }
        let Some(survey) = collector.catalog.get(&certificate.survey_id, &certificate.survey_version) else { continue };
        return Ok(page(&ResultsPage {
            lang,
            unit_name: &unit_name,
            period: period_value,
            survey,
            tally: &tally,
            // The dossiers locked with the certificate; one made before certificates kept them
            // reads those entered, which are locked once a period is certified.
            received: {
                let mut by_unit = match &certificate.dossiers {
                    Some(kept) => kept.clone(),
                    None => dossiers_by_unit(&entered, &period_value.code(), None),
                };
                by_unit.retain(|code, _| shown.contains(code));
                Received::by_unit(&by_unit, &tally)
            },
            // The collector keeps no entered indicators (yet): the agency class says they are missing.
            indicators: &Default::default(),
            certificate: Some(certificate),
            min_n: DEFAULT_MIN_N,
            generated_at: &certificate.certified_at,
            names: &names,
            reply: reply.as_ref().map(|(text, _)| text.as_str()),
            reply_written_at: reply.as_ref().map(|(_, written)| written.as_str()),
        }));
    }
    // Withdrawn and not certified again: the page says so, when and why (410).
    if let Some((withdrawn_at, reason)) = withdrawal {
        let withdrawn = survey::reports::withdrawn::WithdrawnPage {
            lang,
            unit_name: &unit_name,
            period_label: &period_value.label(lang),
            withdrawn_at: &withdrawn_at,
            reason: &reason,
        };
        let mut response = with_policy(withdrawn.to_html());
        *response.status_mut() = StatusCode::GONE;
        return Ok(response);
    }
    Err(not_certified())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    survey: String,
    period: String,
    #[serde(default)]
    unit: Option<String>,
    reason: String,
}

/// The longest reason for withdrawing a certificate, in characters.
const MAX_REASON_CHARS: usize = 500;

/// `POST /api/v1/certificates/withdraw`: withdraws a unit's certified period, with a reason
/// (those who may certify it). The certificate is kept apart, the audit log carries its digest,
/// and the published page says it was withdrawn, when and why, until the period is certified
/// again.
pub async fn withdraw(
    State(collector): State<Arc<Collector>>,
    address: ClientAddress,
    method: Method,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, AppError> {
    let signed = crate::session::signed_in(&collector, &method, &headers, address.0).await?;
    let request: WithdrawRequest = crate::manage::body(&headers, &bytes, "a withdrawal")?;
    signed.access.may_on(Permission::Certify, request.unit.as_deref())?;
    let (id, version, period) = survey_and_period(&collector, &request.survey, &request.period)?;
    // The one rule for a staff member's text of several lines, and a reason must be given.
    let reason = crate::api::staff_text("reason", &request.reason, MAX_REASON_CHARS)?;
    if reason.is_empty() {
        return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "reason: say why the figures are withdrawn"));
    }
    let store = collector.store.clone();
    let unit = request.unit.unwrap_or_default();
    blocking(move || Ok(store.withdraw_certificate(&id, &version, &period.code(), &unit, &reason, &signed.actor)?))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn page(page: &ResultsPage<'_>) -> Response {
    with_policy(page.to_html())
}

/// A page of ours with the policy that allows exactly its own style and no script.
fn with_policy(html: String) -> Response {
    let policy = format!(
        "default-src 'none'; style-src {}; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        crate::style_hashes(&html)
    );
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, parent: Option<&str>) -> UnitRow {
        UnitRow { code: code.into(), parent: parent.map(Into::into), name_vi: code.to_uppercase(), name_en: None }
    }

    fn certificate(unit: Option<&str>) -> Certificate {
        Certificate {
            format: certify::CERTIFICATE_FORMAT,
            survey_id: "s".into(),
            survey_version: "1".into(),
            period: "2026-Q4".into(),
            certified_at: "2027-01-02T08:00:00+07:00".into(),
            tally_csv: String::new(),
            tally_sha256: String::new(),
            responses: BTreeMap::new(),
            early: false,
            unit: unit.map(Into::into),
            comments: None,
            dossiers: None,
        }
    }

    #[test]
    fn a_units_page_is_made_from_its_own_certificate_before_its_parents_and_the_whole_servers() {
        let units = [unit("city", None), unit("ward-a", Some("city")), unit("ward-b", Some("city"))];
        let all = [certificate(None), certificate(Some("city")), certificate(Some("ward-a"))];
        let chosen = |unit: &str, from: &[Certificate]| covering(from, unit, &units).map(|c| c.unit.clone());
        assert_eq!(chosen("ward-a", &all), Some(Some("ward-a".into())));
        assert_eq!(chosen("ward-b", &all), Some(Some("city".into())));
        assert_eq!(chosen("city", &all), Some(Some("city".into())));
        assert_eq!(chosen("ward-b", &all[..1]), Some(None));
        // A ward's certificate never stands for its parent or its sibling.
        assert_eq!(chosen("city", &all[2..]), None);
        assert_eq!(chosen("ward-b", &all[2..]), None);
    }

    #[test]
    fn a_counter_code_named_differently_by_two_units_keeps_its_code() {
        let named = [
            NamedCode { unit: Some("a".into()), code: "quay-1".into(), name_vi: "Quầy 1".into(), name_en: None },
            NamedCode {
                unit: Some("b".into()), code: "quay-1".into(), name_vi: "Quầy Hộ tịch".into(), name_en: None
            },
            NamedCode { unit: Some("b".into()), code: "quay-2".into(), name_vi: "Quầy 2".into(), name_en: None },
            NamedCode { unit: None, code: "ho-tich".into(), name_vi: "Hộ tịch".into(), name_en: None },
        ];
        let names = names(&[unit("a", None)], &named);
        assert_eq!(Names::label(&names.counters, "quay-1"), "quay-1");
        assert_eq!(names.counter("b", "quay-1").map(String::as_str), Some("Quầy Hộ tịch"));
        assert_eq!(Names::label(&names.counters, "quay-2"), "Quầy 2 (quay-2)");
        assert_eq!(Names::label(&names.fields, "ho-tich"), "Hộ tịch (ho-tich)");
        assert_eq!(Names::label(&names.units, "a"), "A (a)");
    }
}
