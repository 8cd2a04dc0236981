//! The collector's HTTP API: devices send responses, phones ask after their token, staff take
//! tallies and issue tokens, and anyone reads the published page of a certified period.
//!
//! Every handler answers with one [`AppError`] on failure, which names what was wrong and never
//! echoes a citizen's words back. Logs carry counts, codes and statuses, never an address, a
//! token or an answer.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use survey::csv::write::CsvProfile;
use survey::definition::catalog::Catalog;
use survey::records::gate::{CheckedRecord, Gate};
use survey::records::record::{Channel, RecordError, ResponseRecord};
use survey::records::sync::{self, Batch, BatchResult, RecordResult, TokenStatus};
use survey::results::index::{DEFAULT_MIN_N, INDEX_COLUMNS, index_cells, indices};
use survey::results::period::{PeriodKind, parse_day};
use survey::results::tally::{GroupBy, Tally, TallyOptions};

use crate::access::{Access, Permission};
use crate::limits::Limiter;
use crate::storage::audit::Event;
use crate::storage::{Admission, Incoming, NewToken, Received, Store, StoreError};

/// What the API needs: the store, the survey definitions records are checked against, and
/// the rules for phones.
pub struct Collector {
    pub store: Arc<Store>,
    pub catalog: Arc<Catalog>,
    pub limiter: Limiter,
    /// Refuse phone responses that came without a single-use token.
    pub require_phone_token: bool,
    /// Lockouts after wrong passwords, and the permits for hashing.
    pub sign_in: crate::auth::SignInGuard,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<IpAddr>,
    /// Mark the session cookie `Secure`: the server is reached over https (its own TLS, or a
    /// proxy's).
    pub secure_cookies: bool,
    /// Days within which a low rating counts as followed up in time (`--follow-up-days`).
    pub follow_up_days: u32,
    /// The shape of the report for the level above (`--report-template`).
    pub report_template: Arc<survey::reports::report::ReportTemplate>,
}

impl Collector {
    /// A collector over `store` that takes responses to the shipped definitions.
    pub fn with_shipped_surveys(store: Store, limits: crate::limits::Limits, require_phone_token: bool) -> Collector {
        let catalog = Catalog::new(survey_defs::all());
        Collector {
            store: Arc::new(store),
            catalog: Arc::new(catalog),
            limiter: Limiter::new(limits),
            require_phone_token,
            sign_in: crate::auth::SignInGuard::default(),
            trusted_proxies: Vec::new(),
            secure_cookies: false,
            follow_up_days: crate::followup::DEFAULT_DAYS,
            report_template: Arc::new(
                crate::report::template(None).expect("the shipped report template is checked by its test"),
            ),
        }
    }
}

/// The client's address, as [`crate::limits::client_address`] finds it: the peer, or behind a
/// trusted reverse proxy the address it forwarded. None where there is no connection (tests
/// that call the router directly).
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddress
where
    Arc<Collector>: axum::extract::FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<ClientAddress, Self::Rejection> {
        let collector: Arc<Collector> = axum::extract::FromRef::from_ref(state);
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(address)| address.ip());
        Ok(ClientAddress(crate::limits::client_address(peer, &parts.headers, &collector.trusted_proxies)))
    }
}

/// A failed request: its status and a message for the person or program that sent it.
#[derive(Debug)]
pub struct AppError {
    /// For a 429: when to try again, in seconds.
    pub retry_after: Option<u64>,
    pub status: StatusCode,
    pub message: String,
    /// For a 401: ask for HTTP Basic (scripts), or not (the app's own sign-in page).
    pub challenge: bool,
}

impl AppError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> AppError {
        AppError { status, message: message.into(), retry_after: None, challenge: true }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = with_retry_after(
            (self.status, Json(serde_json::json!({ "error": self.message }))).into_response(),
            self.retry_after,
        );
        if self.status == StatusCode::UNAUTHORIZED && self.challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"hailong\", charset=\"UTF-8\""),
            );
        }
        response
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> AppError {
        let status = match &err {
            StoreError::Exists(_) | StoreError::Conflict(_) => StatusCode::CONFLICT,
            StoreError::NotFound(_) => StatusCode::NOT_FOUND,
            StoreError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            StoreError::NewerSchema { .. } | StoreError::Sqlite(_) => {
                tracing::error!(error = %err, "storage failed");
                return AppError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the server could not reach its database; nothing was changed",
                );
            }
        };
        AppError::new(status, err.to_string())
    }
}

/// Runs blocking storage work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "the server failed while storing; try again"))?
}

/// The time now, RFC 3339 in Vietnam time.
pub fn now_vietnam() -> String {
    survey::vn_time::format_vietnam(now_millis()).unwrap_or_default()
}

/// This server's clock, in milliseconds since 1970.
pub fn now_millis() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Who sent a batch: a registered kiosk (with the unit it is bound to, if any), or a phone
/// (anyone).
pub(crate) enum Sender {
    Device(String, Option<String>),
    Phone,
}

impl Sender {
    /// How the store and the log name the sender: `device:<name>`, or `phone`.
    fn source(&self) -> String {
        match self {
            Sender::Device(name, _) => format!("device:{name}"),
            Sender::Phone => "phone".to_owned(),
        }
    }
}

/// `response` with `Retry-After: seconds`, where a record or a request was refused for now.
pub(crate) fn with_retry_after(mut response: Response, seconds: Option<u64>) -> Response {
    if let Some(seconds) = seconds {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

pub(crate) fn bearer(headers: &HeaderMap) -> Result<Option<&str>, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let value =
        value.to_str().map_err(|_| AppError::new(StatusCode::UNAUTHORIZED, "the Authorization header is not text"))?;
    match value.strip_prefix("Bearer ") {
        Some(token) if !token.trim().is_empty() => Ok(Some(token.trim())),
        _ => Err(AppError::new(StatusCode::UNAUTHORIZED, "a device sends `Authorization: Bearer <device token>`")),
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("application/json"))
}

/// A change's body must be JSON: a form another site posts (which needs no preflight) is not.
pub(crate) fn require_json(headers: &HeaderMap) -> Result<(), AppError> {
    if is_json(headers) {
        Ok(())
    } else {
        Err(AppError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "send the request as application/json"))
    }
}

/// `POST /api/v1/responses`.
pub async fn post_responses(
    State(collector): State<Arc<Collector>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    if !is_json(&headers) {
        return Err(AppError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "send the batch as application/json"));
    }
    let sender = match bearer(&headers)? {
        Some(token) => {
            let store = collector.store.clone();
            let token = token.to_owned();
            match blocking(move || Ok(store.device_of(&token)?)).await? {
                Some((name, unit)) => Sender::Device(name, unit),
                None => {
                    tracing::warn!("a batch came with an unknown device token; nothing was stored");
                    return Err(AppError::new(
                        StatusCode::UNAUTHORIZED,
                        "unknown or revoked device token; nothing was stored",
                    ));
                }
            }
        }
        None => Sender::Phone,
    };
    let batch: Batch = serde_json::from_slice(&body).map_err(|err| {
        AppError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "the batch is not valid JSON of the sync format: {}",
                survey::text::short_message(&err.to_string())
            ),
        )
    })?;
    if batch.format != sync::SYNC_FORMAT {
        return Err(AppError::new(
            StatusCode::BAD_REQUEST,
            format!("batch format {} is not known here (this server reads {})", batch.format, sync::SYNC_FORMAT),
        ));
    }
    if batch.records.is_empty() {
        return Err(AppError::new(StatusCode::BAD_REQUEST, "the batch holds no records"));
    }
    if batch.records.len() > sync::MAX_BATCH {
        return Err(AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("{} records in one batch; send at most {}", batch.records.len(), sync::MAX_BATCH),
        ));
    }

    let records: Vec<&str> = batch.records.iter().map(|raw| raw.get()).collect();
    let (results, retry_after) = receive_records(&collector, &sender, address, &records, &batch.tokens).await?;
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    for result in &results {
        *counts.entry(result.status).or_default() += 1;
    }
    // One status for the batch when every record has the same; 207 (multi-status) otherwise,
    // and the body says each record's.
    let status = match counts.keys().collect::<Vec<_>>().as_slice() {
        [only] => StatusCode::from_u16(**only).unwrap_or(StatusCode::MULTI_STATUS),
        _ => StatusCode::MULTI_STATUS,
    };
    let count = |status: u16| counts.get(&status).copied().unwrap_or(0);
    tracing::info!(
        source = %sender.source(),
        records = results.len(),
        created = count(sync::CREATED),
        replayed = count(sync::REPLAYED),
        conflicts = count(sync::CONFLICT),
        invalid = count(sync::INVALID),
        token_refused = count(sync::TOKEN_USED) + count(sync::FORBIDDEN),
        rate_limited = count(sync::RATE_LIMITED),
        "batch received"
    );
    Ok(with_retry_after(
        (status, Json(BatchResult { format: sync::SYNC_FORMAT, results })).into_response(),
        retry_after,
    ))
}

/// Reads, checks and stores records as one batch: each gets its own answer, in the batch's
/// order, and a bad one never costs the others. Also the time to wait, where any was refused
/// for now. The one way responses are taken, from the sync API and from the phone page's form.
pub(crate) async fn receive_records(
    collector: &Arc<Collector>,
    sender: &Sender,
    address: Option<IpAddr>,
    records: &[&str],
    tokens: &BTreeMap<String, String>,
) -> Result<(Vec<RecordResult>, Option<u64>), AppError> {
    // Read and check every record; a bad one gets its own answer and the rest go on.
    let mut results: Vec<Option<RecordResult>> = vec![None; records.len()];
    let mut incoming = Vec::new();
    let mut places = Vec::new();
    for (index, json) in records.iter().enumerate() {
        match check_record(collector, sender, json) {
            Ok(record) => {
                let token = tokens.get(&record.response_id).cloned();
                if token.is_none() && matches!(sender, Sender::Phone) && collector.require_phone_token {
                    results[index] = Some(refused(
                        index,
                        Some(record.response_id.clone()),
                        sync::FORBIDDEN,
                        None,
                        "this server takes responses from phones only through a QR code with a token",
                    ));
                    continue;
                }
                places.push(index);
                incoming.push(Incoming { record, token });
            }
            Err((response_id, status, field, reason)) => {
                results[index] = Some(refused(index, response_id, status, field, &reason));
            }
        }
    }

    let source = sender.source();
    let is_device = matches!(sender, Sender::Device(..));
    let ids: Vec<String> = incoming.iter().map(|incoming| incoming.record.response_id.clone()).collect();
    let received = if incoming.is_empty() {
        Vec::new()
    } else {
        let collector = collector.clone();
        let source = source.clone();
        blocking(move || {
            let now = Instant::now();
            let admit = |record: &ResponseRecord| {
                if is_device {
                    // A kiosk applies its own misuse rules at the counter.
                    return Admission::Accept { flag: None };
                }
                collector.limiter.admit(record.device_id.as_deref(), address, now)
            };
            Ok(collector.store.receive(incoming, &source, &now_vietnam(), admit)?)
        })
        .await?
    };

    let mut retry_after = None;
    for ((index, response_id), outcome) in places.into_iter().zip(ids).zip(received) {
        let response_id = Some(response_id);
        results[index] = Some(match outcome {
            Received::Created { content_sha256 } => RecordResult {
                index,
                response_id,
                status: sync::CREATED,
                field: None,
                reason: None,
                content_sha256: Some(content_sha256),
            },
            Received::Replayed { content_sha256 } => RecordResult {
                index,
                response_id,
                status: sync::REPLAYED,
                field: None,
                reason: None,
                content_sha256: Some(content_sha256),
            },
            Received::Conflict => refused(
                index,
                response_id,
                sync::CONFLICT,
                None,
                "a response with this id is already held with other content; the stored one is kept",
            ),
            Received::TokenUsed => refused(
                index,
                response_id,
                sync::TOKEN_USED,
                Some("token"),
                "this QR code was already used to rate; each code rates once",
            ),
            Received::TokenUnknown => refused(
                index,
                response_id,
                sync::FORBIDDEN,
                Some("token"),
                "this QR code's token was not issued by this server",
            ),
            Received::TokenElsewhere { unit, counter } => refused(
                index,
                response_id,
                sync::FORBIDDEN,
                Some("token"),
                &format!(
                    "this QR code was printed for {}, not for the unit and counter this response names",
                    [unit, counter].into_iter().flatten().collect::<Vec<_>>().join("/")
                ),
            ),
            Received::Refused(Admission::Later { retry_after_seconds, reason }) => {
                retry_after = Some(retry_after.unwrap_or(0).max(retry_after_seconds));
                refused(index, response_id, sync::RATE_LIMITED, None, &reason)
            }
            Received::Refused(Admission::Accept { .. }) => unreachable!("an accepted response is stored"),
        });
    }
    Ok((results.into_iter().flatten().collect(), retry_after))
}

fn refused(index: usize, response_id: Option<String>, status: u16, field: Option<&str>, reason: &str) -> RecordResult {
    RecordResult {
        index,
        response_id,
        status,
        field: field.map(str::to_owned),
        reason: Some(reason.to_owned()),
        content_sha256: None,
    }
}

type Refusal = (Option<String>, u16, Option<&'static str>, String);

/// Reads one record of a batch and checks it against its survey definition and version.
fn check_record(collector: &Collector, sender: &Sender, json: &str) -> Result<CheckedRecord, Refusal> {
    let record = ResponseRecord::from_json(json).map_err(|err| {
        // The id is still worth naming where the rest cannot be read, so the device can
        // match the answer to its record.
        let response_id = serde_json::from_str::<serde_json::Value>(json)
            .ok()
            .and_then(|value| value.get("response_id").and_then(|id| id.as_str()).map(str::to_owned));
        let field = match &err {
            RecordError::UnsupportedFormat(_) => Some("format"),
            _ => None,
        };
        (response_id, sync::INVALID, field, err.to_string())
    })?;
    let id = Some(record.response_id.clone());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let record = Gate::default().received_at(now).check(&collector.catalog, record).map_err(|err| {
        let id = id.clone();
        match err {
            // A survey this server does not know is named by its field; any other problem is
            // said with its field in the reason.
            RecordError::Invalid { field, message } if field == "survey_id" || field == "survey_version" => {
                (id, sync::INVALID, Some(if field == "survey_id" { "survey_id" } else { "survey_version" }), message)
            }
            RecordError::Invalid { field, message } => (id, sync::INVALID, None, format!("{field}: {message}")),
            other => (id, sync::INVALID, None, other.to_string()),
        }
    })?;
    if let Sender::Device(_, Some(unit)) = sender
        && record.unit.as_ref() != Some(unit)
    {
        return Err((
            Some(record.response_id.clone()),
            sync::FORBIDDEN,
            Some("unit"),
            format!("this kiosk is paired with unit {unit} and sends that unit's responses only"),
        ));
    }
    if record.channel == Channel::Kiosk && !matches!(sender, Sender::Device(..)) {
        return Err((
            Some(record.response_id.clone()),
            sync::FORBIDDEN,
            Some("channel"),
            "a kiosk's response needs the kiosk's device token".into(),
        ));
    }
    Ok(record)
}

/// `POST /api/v1/tokens/status`: whether a phone's single-use token is still good, so the
/// phone can say "already rated" before the citizen answers anything.
pub async fn token_status(
    State(collector): State<Arc<Collector>>,
    Json(request): Json<TokenQuery>,
) -> Result<Json<serde_json::Value>, AppError> {
    let store = collector.store.clone();
    let status: TokenStatus = blocking(move || Ok(store.token_status(&request.token)?)).await?;
    Ok(Json(serde_json::json!({ "status": status })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenQuery {
    token: String,
}

/// What `POST /api/v1/tokens` asks for: a sheet of tokens for a counter, or one for a dossier.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[serde(default)]
    count: Option<usize>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    counter: Option<String>,
    #[serde(default)]
    dossier: Option<String>,
}

/// The most tokens one request issues: a few printed pages.
pub const MAX_TOKENS: usize = 240;

pub async fn issue_tokens(
    State(collector): State<Arc<Collector>>,
    ClientAddress(address): ClientAddress,
    method: axum::http::Method,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    // Who asks comes first: nobody learns what a request should look like before signing in.
    let signed = crate::session::signed_in(&collector, &method, &headers, address).await?;
    require_json(&headers)?;
    let request: TokenRequest = serde_json::from_slice(&body).map_err(|err| {
        AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the request is not a token request: {}", survey::text::short_message(&err.to_string())),
        )
    })?;
    let count = match (&request.dossier, request.count) {
        (Some(_), None | Some(1)) => 1,
        (Some(_), Some(_)) => {
            return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "a dossier gets one token: leave out count"));
        }
        (None, Some(count)) if (1..=MAX_TOKENS).contains(&count) => count,
        (None, _) => {
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("count: ask for 1 to {MAX_TOKENS} tokens, or give a dossier"),
            ));
        }
    };
    if request.dossier.as_deref().is_some_and(|dossier| dossier.trim().is_empty()) {
        return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "dossier: the dossier's code is empty"));
    }
    signed.access.may_on(Permission::IssueTokens, request.unit.as_deref())?;
    let store = collector.store.clone();
    let actor = signed.actor.clone();
    let tokens = blocking(move || {
        let new = NewToken {
            unit: request.unit.as_deref(),
            counter: request.counter.as_deref(),
            dossier: request.dossier.as_deref().map(str::trim),
        };
        Ok(store.issue_tokens(count, &new, &actor)?)
    })
    .await?;
    tracing::info!(user = %signed.actor.name, count = tokens.len(), "tokens issued");
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "tokens": tokens }))).into_response())
}

/// The filters of `GET /api/v1/tally.csv` and `index.csv`, named as `hailong tally`'s flags.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TallyQuery {
    #[serde(default)]
    by: Option<String>,
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    include_misuse: Option<bool>,
    #[serde(default)]
    min_n: Option<u64>,
}

pub fn parse_profile(text: &str) -> Result<CsvProfile, String> {
    CsvProfile::from_name(text).ok_or_else(|| format!("`{text}` is not a profile: use excel, excel-vi or rfc4180"))
}

fn bad_parameter(name: &str, message: String) -> AppError {
    AppError::new(StatusCode::BAD_REQUEST, format!("{name}: {message}"))
}

impl TallyQuery {
    fn options(&self) -> Result<(TallyOptions, CsvProfile), AppError> {
        let day = |name: &str, value: &Option<String>| {
            value
                .as_deref()
                .map(|text| {
                    parse_day(text)
                        .ok_or_else(|| bad_parameter(name, format!("`{text}` is not a day written YYYY-MM-DD")))
                })
                .transpose()
        };
        let options = TallyOptions {
            by: GroupBy::parse(self.by.as_deref().unwrap_or("")).map_err(|err| bad_parameter("by", err))?,
            period: match self.period.as_deref() {
                None => PeriodKind::default(),
                Some(text) => PeriodKind::parse(text).ok_or_else(|| {
                    bad_parameter(
                        "period",
                        format!("`{text}` is not a period: use all, day, month, quarter, half or year"),
                    )
                })?,
            },
            from: day("from", &self.from)?,
            to: day("to", &self.to)?,
            include_misuse: self.include_misuse.unwrap_or(false),
        };
        let profile =
            parse_profile(self.profile.as_deref().unwrap_or("excel")).map_err(|err| bad_parameter("profile", err))?;
        Ok((options, profile))
    }
}

pub(crate) async fn tally_of(
    collector: &Arc<Collector>,
    access: &Access,
    query: &TallyQuery,
) -> Result<(Tally, CsvProfile), AppError> {
    let (options, profile) = query.options()?;
    if options.by.staff {
        access.may(Permission::ReadOfficers)?;
    }
    let records = readable_records(collector, access).await?;
    let catalog = collector.catalog.clone();
    let tally = blocking(move || {
        let mut tally = Tally::default();
        for record in &records {
            // The gate found the survey in this catalog, so the tally does too.
            tally
                .add(&catalog, record, &options)
                .map_err(|err| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))?;
        }
        Ok::<_, AppError>(tally)
    })
    .await?;
    Ok((tally, profile))
}

/// The stored responses that pass today's gate, as `access` may read them: of its subtree, and
/// without the officer where it may not see officers.
pub(crate) async fn readable_records(
    collector: &Arc<Collector>,
    access: &Access,
) -> Result<Vec<CheckedRecord>, AppError> {
    let collector = collector.clone();
    let (records, left_out) = blocking(move || Ok(collector.store.checked_records(&collector.catalog)?)).await?;
    log_left_out(&left_out);
    Ok(access.records(records))
}

/// The stored response `response_id` that passes today's gate, if `access` reaches its unit; a
/// response out of reach and one that does not exist are refused alike.
pub(crate) async fn record_in_reach(
    collector: &Arc<Collector>,
    access: &Access,
    response_id: &str,
) -> Result<CheckedRecord, AppError> {
    let (store, catalog) = (collector.store.clone(), collector.catalog.clone());
    let (records, _) = blocking(move || Ok(store.checked_records(&catalog)?)).await?;
    records
        .into_iter()
        .find(|record| record.response_id == response_id && access.reaches(record.unit.as_deref()))
        .ok_or_else(|| crate::access::Forbidden::outside().into())
}

/// Logs the stored responses that an export left out because they fail today's check.
fn log_left_out(left_out: &[(String, RecordError)]) {
    for (response_id, err) in left_out {
        tracing::warn!(response_id = %response_id, error = %err, "a stored response is not counted");
    }
    if !left_out.is_empty() {
        tracing::warn!(uncounted = left_out.len(), "stored responses left out of an export: they fail today's check");
    }
}

pub(crate) fn csv_response(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /api/v1/tally.csv`: the tally of every stored response, for staff.
pub async fn tally_csv(
    State(collector): State<Arc<Collector>>,
    ClientAddress(address): ClientAddress,
    method: axum::http::Method,
    headers: HeaderMap,
    Query(query): Query<TallyQuery>,
) -> Result<Response, AppError> {
    let signed = crate::session::signed_in(&collector, &method, &headers, address).await?;
    signed.access.may(Permission::ReadFigures)?;
    if query.min_n.is_some() {
        return Err(bad_parameter("min_n", "only index.csv suppresses small groups".into()));
    }
    let (tally, profile) = tally_of(&collector, &signed.access, &query).await?;
    tracing::info!(user = %signed.actor.name, groups = tally.groups.len(), "tally exported");
    Ok(csv_response("tally.csv", tally.to_csv(profile)))
}

/// `GET /api/v1/index.csv`: the indices of every stored response, for staff.
pub async fn index_csv_handler(
    State(collector): State<Arc<Collector>>,
    ClientAddress(address): ClientAddress,
    method: axum::http::Method,
    headers: HeaderMap,
    Query(query): Query<TallyQuery>,
) -> Result<Response, AppError> {
    let signed = crate::session::signed_in(&collector, &method, &headers, address).await?;
    signed.access.may(Permission::ReadFigures)?;
    let (tally, profile) = tally_of(&collector, &signed.access, &query).await?;
    let rows = indices(&tally, &collector.catalog, query.min_n.unwrap_or(DEFAULT_MIN_N))
        .map_err(|err| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))?;
    tracing::info!(user = %signed.actor.name, rows = rows.len(), "indices exported");
    // The server names its units, counters and fields beside their codes.
    let store = collector.store.clone();
    let named = blocking(move || Ok(store.named_codes()?)).await?;
    let names = crate::certifying::names(&signed.units, &named);
    let (header, cells) = names.add_to(&INDEX_COLUMNS, &index_cells(&rows));
    Ok(csv_response("index.csv", profile.write(&header, &cells)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuery {
    /// `id@version`: a raw file holds one survey version.
    survey: String,
    #[serde(default)]
    profile: Option<String>,
}

/// `GET /api/v1/responses.csv?survey=id@version`: every stored response of one survey version
/// as raw CSV, for staff to import into the workspace or count with `hailong tally`. It holds
/// citizens' comments (masked), so it needs a staff account like the tallies.
pub async fn raw_csv(
    State(collector): State<Arc<Collector>>,
    ClientAddress(address): ClientAddress,
    method: axum::http::Method,
    headers: HeaderMap,
    Query(query): Query<RawQuery>,
) -> Result<Response, AppError> {
    let signed = crate::session::signed_in(&collector, &method, &headers, address).await?;
    signed.access.may(Permission::ReadResponses)?;
    let profile =
        parse_profile(query.profile.as_deref().unwrap_or("excel")).map_err(|err| bad_parameter("profile", err))?;
    let Some((survey_id, survey_version)) = query.survey.split_once('@') else {
        return Err(bad_parameter("survey", format!("`{}`: write it as id@version", query.survey)));
    };
    let Some(survey) = collector.catalog.get(survey_id, survey_version).cloned() else {
        return Err(bad_parameter("survey", format!("no survey {survey_id} version {survey_version} is known here")));
    };
    let records = readable_records(&collector, &signed.access).await?;
    let bytes = survey::records::raw::write_raw(&survey, &records, profile);
    let event =
        Event::new("export.responses", signed.access.account.unit.as_deref(), format!("{survey_id}@{survey_version}"));
    crate::session::audit(&collector, signed.actor.clone(), event).await?;
    tracing::info!(user = %signed.actor.name, "raw responses exported");
    Ok(csv_response(&format!("{survey_id}-{survey_version}.csv"), bytes))
}

/// A staff member's text of several lines as kept: trimmed and NFC, at most `max` characters,
/// with no control or format character but the line break; otherwise 422 naming `field`.
pub(crate) fn staff_text(field: &str, typed: &str, max: usize) -> Result<String, AppError> {
    let text = survey::text::nfc(typed.trim());
    if text.chars().count() > max || text.chars().any(|c| survey::text::is_refused_in_names(c) && c != '\n') {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{field}: at most {max} characters, without control or direction characters"),
        ));
    }
    Ok(text)
}
