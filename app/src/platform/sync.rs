//! Sends the outbox to the server the app came from: the only module that calls `fetch`.
//!
//! One sender per device across every open tab: each round takes the Web Lock
//! `hailong-outbox`, reads the outbox afresh, and sends it in batches of
//! [`wire::sync::BATCH_SIZE`]. A record leaves the outbox only in the transaction that writes
//! the server's confirmation into the sent-ledger; until then a lost answer, a cut connection
//! or a closed tab just means it is sent again, and the server answers a replay with 200.
//! Failures wait with exponential backoff and jitter (1 s doubling to 5 min, each wait a random
//! half to whole of that), so a hundred phones coming back online do not all knock at once; the
//! browser's `online` event, and every newly stored response, cut a wait short.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wire::sync::{self, Settlement, TokenStatus};
use yew::Callback;

use crate::platform::clock;
use crate::platform::storage::{Outgoing, SentEntry, Store};

/// The Web Lock that makes one tab the sender.
pub const LOCK_NAME: &str = "hailong-outbox";
const FIRST_WAIT_MS: f64 = 1_000.0;
const LONGEST_WAIT_MS: f64 = 300_000.0;
/// How often an idle sender looks again without being woken, in case another tab stored
/// something.
const IDLE_WAIT_MS: f64 = 30_000.0;

/// Where the device stands, for the screens that say so.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncStatus {
    /// Responses waiting to be sent.
    pub waiting: usize,
    /// Responses the server refused for good, kept on the device.
    pub refused: usize,
    /// Confirmed by the server, all time.
    pub sent: usize,
    /// The last round failed (no connection, or the server did not take the batch); the
    /// outbox is sent again after a wait.
    pub failed: bool,
}

/// How to reach the server: the device token of a kiosk (none for a phone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncConfig {
    pub device_token: Option<String>,
}

/// This tab's outbox sender, owned by the component that shows its status: made by
/// [`Sender::start`], told of new responses by [`Sender::wake`], and stopped (its `online`
/// listener removed, its loop ended after the round in progress) by [`Sender::stop`].
#[derive(Clone)]
pub struct Sender(Rc<SenderInner>);

struct SenderInner {
    woken: Cell<bool>,
    stopped: Cell<bool>,
    on_status: Callback<SyncStatus>,
    online: RefCell<Option<Closure<dyn Fn()>>>,
}

impl Sender {
    /// Starts sending the outbox; `on_status` hears the status after every round.
    pub fn start(store: Rc<Store>, config: SyncConfig, on_status: Callback<SyncStatus>) -> Sender {
        let sender = Sender(Rc::new(SenderInner {
            woken: Cell::new(false),
            stopped: Cell::new(false),
            on_status,
            online: RefCell::new(None),
        }));
        if let Some(window) = web_sys::window() {
            let woken = sender.clone();
            let online = Closure::<dyn Fn()>::new(move || woken.wake());
            let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
            *sender.0.online.borrow_mut() = Some(online);
        }
        wasm_bindgen_futures::spawn_local(run(store, config, sender.clone()));
        sender
    }

    /// Cuts the sender's wait short: a response was just stored, or the network came back.
    pub fn wake(&self) {
        self.0.woken.set(true);
    }

    pub fn stop(&self) {
        self.0.stopped.set(true);
        self.wake();
        if let (Some(window), Some(online)) = (web_sys::window(), self.0.online.borrow_mut().take()) {
            let _ = window.remove_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        }
    }
}

/// How long to wait after `failures` failed rounds in a row: doubling from 1 s to 5 min,
/// then a random part of that between half and all (`random` in 0..1).
pub fn backoff_ms(failures: u32, random: f64) -> f64 {
    let full = (FIRST_WAIT_MS * 2f64.powi(failures.saturating_sub(1).min(20) as i32)).min(LONGEST_WAIT_MS);
    full * (0.5 + random.clamp(0.0, 1.0) / 2.0)
}

async fn run(store: Rc<Store>, config: SyncConfig, sender: Sender) {
    let mut failures = 0u32;
    let mut last_kept = None::<(Option<u16>, String, Option<i64>)>;
    let clock_off = Cell::new(None);
    while !sender.0.stopped.get() {
        let round = with_lock(|| send_all(&store, &config, &clock_off)).await;
        let status = status_of(&store, round.is_err()).await;
        sender.0.on_status.emit(status);
        // The staff area is another page: what the server last said is kept in the store for
        // it, written only when it changes, not every round.
        let said = match &round {
            Ok(()) => (None, String::new(), clock_off.get()),
            Err(failure) => (failure.status, failure.message.clone(), clock_off.get()),
        };
        if last_kept.as_ref() != Some(&said) {
            let at = survey::vn_time::format_vietnam(clock::now_millis()).unwrap_or_default();
            if store.put_setting(crate::platform::storage::LAST_ROUND_KEY, &last_round_json(&at, &said)).await.is_ok() {
                last_kept = Some(said);
            }
        }
        let wait = match round {
            Ok(()) => {
                failures = 0;
                IDLE_WAIT_MS
            }
            Err(failure) => {
                failures += 1;
                backoff_ms(failures, js_sys::Math::random()).max(failure.retry_after_ms.unwrap_or(0.0))
            }
        };
        sleep_unless_woken(&sender, wait).await;
    }
}

async fn status_of(store: &Store, failed: bool) -> SyncStatus {
    let outbox = store.outbox().await.unwrap_or_default();
    let refused = outbox.iter().filter(|entry| entry.refused.is_some()).count();
    SyncStatus { waiting: outbox.len() - refused, refused, sent: store.sent_count().await.unwrap_or(0), failed }
}

/// Waits `ms`, or less if the sender is woken meanwhile.
async fn sleep_unless_woken(sender: &Sender, ms: f64) {
    let started = clock::now_millis() as f64;
    while (clock::now_millis() as f64) - started < ms {
        if sender.0.woken.replace(false) {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(250).await;
    }
}

struct Failure {
    /// The HTTP status of an answer that refused the batch as a whole; `None` when no answer
    /// came (no connection) or the device itself failed.
    status: Option<u16>,
    message: String,
    retry_after_ms: Option<f64>,
}

impl Failure {
    fn new(message: impl Into<String>) -> Failure {
        Failure { status: None, message: message.into(), retry_after_ms: None }
    }
}

/// The last round as the JSON of [`LastRound`], written with the browser's `JSON` (serde's
/// derives would cost the citizen's download; the staff area reads it with serde).
fn last_round_json(at: &str, (status, message, clock_off): &(Option<u16>, String, Option<i64>)) -> String {
    let round = js_sys::Object::new();
    let _ = Reflect::set(&round, &"at".into(), &at.into());
    let _ = Reflect::set(&round, &"ok".into(), &JsValue::from(status.is_none() && message.is_empty()));
    if let Some(status) = status {
        let _ = Reflect::set(&round, &"status".into(), &JsValue::from(*status));
    }
    let _ = Reflect::set(&round, &"message".into(), &message.as_str().into());
    if let Some(minutes) = clock_off {
        let _ = Reflect::set(&round, &"clock_off_minutes".into(), &JsValue::from(*minutes as f64));
    }
    js_sys::JSON::stringify(&round).map(String::from).unwrap_or_default()
}

/// What the device's last round of sending met, as the staff area reads it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct LastRound {
    /// When, in Vietnam time.
    pub at: String,
    /// The server took every batch it was sent.
    pub ok: bool,
    pub status: Option<u16>,
    #[serde(default)]
    pub message: String,
    /// How many whole minutes this device's clock was ahead of the server's (behind when
    /// negative) at the last answer; absent before any answer.
    #[serde(default)]
    pub clock_off_minutes: Option<i64>,
}

/// A device clock more than this many minutes from the server's is said to staff: its
/// responses carry wrong times, and from a day ahead the server refuses them.
pub const CLOCK_WARNING_MINUTES: i64 = 3;

impl LastRound {
    /// A warning for staff when the device's clock is off the server's by more than
    /// [`CLOCK_WARNING_MINUTES`]: (Vietnamese, English).
    pub fn clock_warning(&self) -> Option<(String, String)> {
        let minutes = self.clock_off_minutes.filter(|minutes| minutes.abs() > CLOCK_WARNING_MINUTES)?;
        let (vi_way, en_way) = if minutes > 0 { ("nhanh", "ahead of") } else { ("chậm", "behind") };
        let n = minutes.abs();
        Some((
            format!(
                "Đồng hồ của thiết bị này {vi_way} {n} phút so với máy chủ: hãy chỉnh ngày giờ của thiết bị (tự động theo mạng), vì giờ ghi trên phiếu sẽ sai."
            ),
            format!(
                "This device's clock is {n} minutes {en_way} the server's: set its date and time (automatic, from the network), or its responses carry wrong times."
            ),
        ))
    }

    /// What it means, in words staff understand: (Vietnamese, English).
    pub fn words(&self) -> (String, String) {
        if self.ok {
            return ("máy chủ đã nhận".into(), "the server took everything".into());
        }
        match self.status {
            Some(401) => (
                "máy chủ trả lời 401: mã thiết bị không đúng hoặc đã bị thu hồi. Nhập lại mã thiết bị trong phần Cài đặt.".into(),
                "the server answered 401: the device token is wrong or revoked. Enter it again in the settings.".into(),
            ),
            Some(413) => ("máy chủ trả lời 413: gói gửi quá lớn".into(), "the server answered 413: the batch is too large".into()),
            Some(429) => (
                "máy chủ đang bận (429): thiết bị sẽ tự gửi lại sau".into(),
                "the server is busy (429): the device sends again later by itself".into(),
            ),
            Some(status) if status >= 500 => (
                format!("máy chủ gặp lỗi ({status}): thiết bị sẽ tự gửi lại sau"),
                format!("the server failed ({status}): the device sends again later by itself"),
            ),
            Some(status) => (format!("máy chủ trả lời {status}: {}", self.message), format!("the server answered {status}: {}", self.message)),
            None => (
                format!("chưa kết nối được máy chủ ({}): thiết bị sẽ tự gửi lại khi có mạng", self.message),
                format!("could not reach the server ({}): the device sends again when there is a connection", self.message),
            ),
        }
    }
}

/// Why the server refused one record for good, in words staff understand: (Vietnamese,
/// English). `reason` is the server's own.
pub fn refusal_words(status: u16, reason: &str) -> (String, String) {
    let (vi, en) = match status {
        403 => ("thiếu mã thiết bị hoặc mã không đúng", "no device token, or a wrong one"),
        409 => (
            "máy chủ đã có phiếu cùng mã với nội dung khác; bản trên máy chủ được giữ",
            "the server holds another response with this id; it keeps its own",
        ),
        410 => ("mã QR dùng một lần này đã được dùng", "this single-use QR code was used already"),
        422 => ("phiếu không hợp lệ", "the response is not valid"),
        _ => ("máy chủ từ chối", "refused by the server"),
    };
    (format!("{vi} ({status}: {reason})"), format!("{en} ({status}: {reason})"))
}

/// Sends every waiting response, batch after batch, until none is left or a batch fails; says
/// how far this device's clock was from the server's at the last answer, if one came.
async fn send_all(store: &Store, config: &SyncConfig, clock_off: &Cell<Option<i64>>) -> Result<(), Failure> {
    loop {
        let pending = store.outbox_pending(sync::BATCH_SIZE).await.map_err(|err| Failure::new(err.to_string()))?;
        if pending.is_empty() {
            return Ok(());
        }
        let BatchAnswer { answers, retry_after_ms, clock_off_minutes } = post_batch(&pending, config).await?;
        if clock_off_minutes.is_some() {
            clock_off.set(clock_off_minutes);
        }
        let confirmed_at = survey::vn_time::format_vietnam(clock::now_millis()).unwrap_or_default();
        let mut confirmed = Vec::new();
        let mut refused = Vec::new();
        let mut later = false;
        for answer in &answers {
            let Some(outgoing) = pending.get(answer.index) else { continue };
            match Settlement::of(answer.status) {
                Settlement::Confirmed => confirmed.push(SentEntry {
                    response_id: outgoing.response_id.clone(),
                    content_sha256: answer.content_sha256.clone().unwrap_or_default(),
                    status: answer.status,
                    confirmed_at: confirmed_at.clone(),
                }),
                Settlement::Refused => {
                    let reason = format!("{} {}", answer.status, answer.reason.clone().unwrap_or_default());
                    refused.push((outgoing.clone(), reason));
                }
                Settlement::Retry => later = true,
            }
        }
        store.settle(&confirmed, &refused).await.map_err(|err| Failure::new(err.to_string()))?;
        if later {
            return Err(Failure {
                status: Some(429),
                message: "the server asked to send some responses later".into(),
                retry_after_ms,
            });
        }
    }
}

/// The server's answer to one batch.
struct BatchAnswer {
    answers: Vec<RecordAnswer>,
    retry_after_ms: Option<f64>,
    clock_off_minutes: Option<i64>,
}

/// One record's answer, read from [`wire::sync::RecordResult`]'s JSON.
struct RecordAnswer {
    index: usize,
    status: u16,
    reason: Option<String>,
    content_sha256: Option<String>,
}

/// POSTs one batch and reads the server's answer to each record.
///
/// The body and the answer are made and read with the browser's own `JSON` rather than serde:
/// serde's derived code for [`wire::sync::Batch`] and [`wire::sync::BatchResult`] cost the
/// citizen's download 14 KB gzip. The field names are those types'; the end-to-end tests
/// drive this code against the real server, which uses the types themselves.
async fn post_batch(pending: &[Outgoing], config: &SyncConfig) -> Result<BatchAnswer, Failure> {
    let records = js_sys::Array::new();
    let tokens = js_sys::Object::new();
    for outgoing in pending {
        // A stored text that is not JSON goes as a string, for the server to refuse by itself.
        records.push(&js_sys::JSON::parse(&outgoing.record).unwrap_or_else(|_| outgoing.record.as_str().into()));
        if let Some(token) = &outgoing.token {
            let _ = Reflect::set(&tokens, &outgoing.response_id.as_str().into(), &token.as_str().into());
        }
    }
    let batch = js_sys::Object::new();
    let _ = Reflect::set(&batch, &"format".into(), &JsValue::from(sync::SYNC_FORMAT));
    let _ = Reflect::set(&batch, &"records".into(), &records);
    let _ = Reflect::set(&batch, &"tokens".into(), &tokens);
    let body: String =
        js_sys::JSON::stringify(&batch).map(String::from).map_err(|_| Failure::new("the batch cannot be written"))?;
    let response = fetch_json(sync::RESPONSES_PATH, &body, config.device_token.as_deref()).await?;
    let status = response.status();
    // How far this device's clock is from the server's, by the answer's `Date` (to the second,
    // with the answer's time on the way): whole minutes, device minus server.
    let clock_off_minutes = response
        .headers()
        .get("date")
        .ok()
        .flatten()
        .and_then(|date| clock::parse_http_date(&date))
        .map(|server| (clock::now_millis() - server) / 60_000);
    let retry_after_ms = response
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|seconds| seconds.trim().parse::<u32>().ok())
        .map(|seconds| f64::from(seconds) * 1000.0);
    let text = text_of(&response).await?;
    let answer = js_sys::JSON::parse(&text).ok();
    let field = |value: &JsValue, key: &str| {
        Reflect::get(value, &key.into()).ok().filter(|v| !v.is_undefined() && !v.is_null())
    };
    // Only these statuses carry an answer per record; any other (401, 413, 5xx …) says the
    // batch as a whole was not taken, and it is sent again later.
    if matches!(status, 200 | 201 | 207 | 403 | 409 | 410 | 422 | 429)
        && let Some(results) =
            answer.as_ref().and_then(|answer| field(answer, "results")).and_then(|r| r.dyn_into::<js_sys::Array>().ok())
    {
        let answers = results
            .iter()
            .filter_map(|result| {
                Some(RecordAnswer {
                    index: field(&result, "index")?.as_f64()? as usize,
                    status: field(&result, "status")?.as_f64()? as u16,
                    reason: field(&result, "reason").and_then(|reason| reason.as_string()),
                    content_sha256: field(&result, "content_sha256").and_then(|digest| digest.as_string()),
                })
            })
            .collect();
        return Ok(BatchAnswer { answers, retry_after_ms, clock_off_minutes });
    }
    let message =
        answer.as_ref().and_then(|answer| field(answer, "error")).and_then(|error| error.as_string()).unwrap_or(text);
    Err(Failure { status: Some(status), message, retry_after_ms })
}

async fn fetch_json(path: &str, body: &str, bearer: Option<&str>) -> Result<web_sys::Response, Failure> {
    fetch_with(path, body, bearer.map(|token| format!("Bearer {token}"))).await
}

async fn fetch_with(path: &str, body: &str, authorization: Option<String>) -> Result<web_sys::Response, Failure> {
    let window = web_sys::window().ok_or_else(|| Failure::new("no window"))?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    // Never a cached answer, and never the citizen's cookies: the API needs neither.
    init.set_cache(web_sys::RequestCache::NoStore);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    let headers = web_sys::Headers::new().map_err(|_| Failure::new("no Headers"))?;
    let _ = headers.set("content-type", "application/json");
    if let Some(authorization) = authorization {
        let _ = headers.set("authorization", &authorization);
    }
    init.set_headers(&headers);
    let response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| Failure::new("no connection to the server"))?;
    response.dyn_into().map_err(|_| Failure::new("fetch gave no response"))
}

/// How a request to this app's own server is signed: a staff member's session (its cookie goes
/// with it, same origin only, and a change carries its CSRF token), or a kiosk's device token.
pub enum Signed<'a> {
    Session { csrf: Option<&'a str> },
    Device(&'a str),
    Nobody,
}

/// A JSON request to this app's own server. The status and body come back; only a broken
/// connection is an error.
pub async fn api_request(
    method: &str,
    path: &str,
    body: Option<&str>,
    signed: Signed<'_>,
) -> Result<(u16, String), String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    init.set_cache(web_sys::RequestCache::NoStore);
    let headers = web_sys::Headers::new().map_err(|_| "no Headers")?;
    let _ = headers.set("content-type", "application/json");
    match signed {
        Signed::Session { csrf } => {
            init.set_credentials(web_sys::RequestCredentials::SameOrigin);
            if let Some(csrf) = csrf {
                let _ = headers.set("x-csrf-token", csrf);
            }
        }
        Signed::Device(token) => {
            init.set_credentials(web_sys::RequestCredentials::Omit);
            let _ = headers.set("authorization", &format!("Bearer {token}"));
        }
        Signed::Nobody => init.set_credentials(web_sys::RequestCredentials::Omit),
    }
    init.set_headers(&headers);
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| "Không kết nối được máy chủ / Cannot reach the server".to_owned())?
        .dyn_into()
        .map_err(|_| "fetch gave no response".to_owned())?;
    let text = text_of(&response).await.map_err(|failure| failure.message)?;
    Ok((response.status(), text))
}

async fn text_of(response: &web_sys::Response) -> Result<String, Failure> {
    let promise = response.text().map_err(|_| Failure::new("the answer cannot be read"))?;
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| Failure::new("the connection broke while reading the answer"))
}

/// Asks the server whether a single-use token is still good; `None` when it cannot be asked
/// (offline): the citizen answers anyway and the server decides when the response arrives.
pub async fn token_status(token: &str) -> Option<TokenStatus> {
    let question = js_sys::Object::new();
    Reflect::set(&question, &"token".into(), &token.into()).ok()?;
    let body: String = js_sys::JSON::stringify(&question).ok()?.into();
    let response = fetch_json(sync::TOKEN_STATUS_PATH, &body, None).await.ok()?;
    if response.status() != 200 {
        return None;
    }
    let text = text_of(&response).await.ok()?;
    let answer = js_sys::JSON::parse(&text).ok()?;
    match Reflect::get(&answer, &"status".into()).ok()?.as_string()?.as_str() {
        "unused" => Some(TokenStatus::Unused),
        "used" => Some(TokenStatus::Used),
        _ => Some(TokenStatus::Unknown),
    }
}

/// What staff ask the server for: a sheet of single-use codes for a counter, or one for a
/// dossier (the body of `POST /api/v1/tokens`).
#[derive(serde::Serialize)]
pub struct TokenRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
    pub unit: String,
    pub counter: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dossier: Option<String>,
}

/// Asks the server (the one this app came from) to issue single-use codes, signed in with a
/// staff account; the codes come back once and are stored there only hashed.
pub async fn issue_tokens(user: &str, password: &str, request: &TokenRequest) -> Result<Vec<String>, String> {
    #[derive(serde::Deserialize)]
    struct Issued {
        tokens: Vec<String>,
    }
    #[derive(serde::Deserialize)]
    struct Refusal {
        error: String,
    }
    let window = web_sys::window().ok_or("no window")?;
    // HTTP Basic carries UTF-8 bytes; `btoa` takes a string of bytes, one per character.
    let bytes: String = format!("{user}:{password}").bytes().map(char::from).collect();
    let basic = window.btoa(&bytes).map_err(|_| "the user name cannot be sent".to_owned())?;
    let body = serde_json::to_string(request).map_err(|err| err.to_string())?;
    let response = fetch_with(wire::exports::TOKENS, &body, Some(format!("Basic {basic}")))
        .await
        .map_err(|failure| format!("Không kết nối được máy chủ / Cannot reach the server: {}", failure.message))?;
    let status = response.status();
    let text = text_of(&response).await.map_err(|failure| failure.message)?;
    match status {
        201 => serde_json::from_str::<Issued>(&text).map(|issued| issued.tokens).map_err(|err| err.to_string()),
        401 => Err("Sai tài khoản hoặc mật khẩu / Wrong user name or password".into()),
        _ => Err(format!(
            "Máy chủ từ chối ({status}) / The server refused ({status}): {}",
            serde_json::from_str::<Refusal>(&text).map(|refusal| refusal.error).unwrap_or(text)
        )),
    }
}

/// Runs `work` holding the Web Lock [`LOCK_NAME`], so that of many tabs one sends at a time.
/// Where the browser has no Web Locks (an insecure address, an old browser), `work` runs
/// unguarded: the server's idempotency still stores each response once.
async fn with_lock<T, F: std::future::Future<Output = T>>(work: impl FnOnce() -> F) -> T {
    let locks = web_sys::window()
        .map(|window| window.navigator())
        .and_then(|navigator| Reflect::get(&navigator, &"locks".into()).ok())
        .filter(|locks| !locks.is_undefined() && !locks.is_null());
    let Some(locks) = locks else { return work().await };
    let request: Option<js_sys::Function> =
        Reflect::get(&locks, &"request".into()).ok().and_then(|request| request.dyn_into().ok());
    let Some(request) = request else { return work().await };

    // The lock is held while the promise the callback returns is pending: `held` is resolved
    // by us after the work, `acquired` by the browser's callback.
    let mut release = None;
    let held = Promise::new(&mut |resolve, _| release = Some(resolve));
    let mut on_acquired = None;
    let acquired = Promise::new(&mut |resolve, _| on_acquired = Some(resolve));
    let (Some(release), Some(on_acquired)) = (release, on_acquired) else { return work().await };
    let callback = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
        let _ = on_acquired.call0(&JsValue::NULL);
        held.into()
    });
    if request.call2(&locks, &LOCK_NAME.into(), &callback).is_err() {
        return work().await;
    }
    let _ = JsFuture::from(acquired).await;
    let outcome = work().await;
    let _ = release.call0(&JsValue::NULL);
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_from_a_second_to_five_minutes_with_jitter() {
        assert_eq!(backoff_ms(1, 1.0), 1_000.0);
        assert_eq!(backoff_ms(1, 0.0), 500.0);
        assert_eq!(backoff_ms(2, 1.0), 2_000.0);
        assert_eq!(backoff_ms(5, 1.0), 16_000.0);
        assert_eq!(backoff_ms(9, 1.0), 256_000.0);
        assert_eq!(backoff_ms(10, 1.0), 300_000.0);
        assert_eq!(backoff_ms(1_000, 0.0), 150_000.0);
    }
}
