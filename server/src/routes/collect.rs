//! The collector's HTTP API: devices send responses, phones ask after their token, staff take
//! tallies and issue tokens, and anyone reads the published page of a certified period.
//!
//! Every handler answers with one [`AppError`] on failure, which names what was wrong and never
//! echoes a citizen's words back. Logs carry counts, codes and statuses, never an address, a
//! token or an answer.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use survey::records::gate::{CheckedRecord, Gate};
use survey::records::record::{Channel, RecordError, ResponseRecord};
use wire::exports::TokenRequest;
use wire::session::Permission;
use wire::sync::{self, Batch, BatchResult, RecordResult, TokenQuery, TokenStatus};

use crate::http::error::{AppError, with_retry_after};
use crate::http::extract::{ClientAddress, JsonBody, bearer, blocking, is_json};
use crate::http::session::Staff;
use crate::http::state::{Collector, now_vietnam};
use crate::storage::responses::{Admission, Incoming, Received};
use crate::storage::tokens::NewToken;

// What each request body of this file is, for its refusal.
named! {
    TokenRequest => "a token request",
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

    let records = batch.records.iter().map(|raw| read_record(raw.get())).collect();
    let (results, retry_after) = receive_records(&collector, &sender, address, records, &batch.tokens).await?;
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

/// Checks and stores records as one batch: each gets its own answer, in the batch's order,
/// and a bad one never costs the others. Also the time to wait, where any was refused for now.
/// The one way responses are taken, from the sync API (records read from its JSON) and from
/// the phone page's form (a record made from the tap).
pub(crate) async fn receive_records(
    collector: &Arc<Collector>,
    sender: &Sender,
    address: Option<IpAddr>,
    records: Vec<Result<ResponseRecord, Refusal>>,
    tokens: &BTreeMap<String, String>,
) -> Result<(Vec<RecordResult>, Option<u64>), AppError> {
    // Check every record; a bad one gets its own answer and the rest go on.
    let mut results: Vec<Option<RecordResult>> = vec![None; records.len()];
    let mut incoming = Vec::new();
    let mut places = Vec::new();
    for (index, read) in records.into_iter().enumerate() {
        match read.and_then(|record| check_record(collector, sender, record)) {
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
            Ok(collector.store.receive(incoming, &source, &now_vietnam(), &collector.catalog, admit)?)
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

/// Why one record was refused: its id where it could be read, the status, the field, the reason.
pub(crate) type Refusal = (Option<String>, u16, Option<&'static str>, String);

/// Reads one record of a batch as its device sent it.
fn read_record(json: &str) -> Result<ResponseRecord, Refusal> {
    ResponseRecord::from_json(json).map_err(|err| {
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
    })
}

/// Checks one record against its survey definition and version, and against its sender.
fn check_record(collector: &Collector, sender: &Sender, record: ResponseRecord) -> Result<CheckedRecord, Refusal> {
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
) -> Result<Json<wire::sync::TokenStatusAnswer>, AppError> {
    let store = collector.store.clone();
    let status: TokenStatus = blocking(move || Ok(store.token_status(&request.token)?)).await?;
    Ok(Json(wire::sync::TokenStatusAnswer { status }))
}

/// The most tokens one request issues: a few printed pages.
pub const MAX_TOKENS: usize = 240;

/// `POST /api/v1/tokens`: single-use codes for a counter's sheet, or one for a dossier. Who
/// asks comes first (the extractors run in order): nobody learns what a request should look
/// like before signing in.
pub async fn issue_tokens(
    Staff(collector, signed): Staff,
    JsonBody(request): JsonBody<TokenRequest>,
) -> Result<Response, AppError> {
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
    Ok((StatusCode::CREATED, Json(wire::exports::Tokens { tokens })).into_response())
}
