//! Signing in, over HTTP: who a request is from, and the session endpoints.
//!
//! A browser signs in at `POST /api/v1/session` and gets a session cookie (`HttpOnly`,
//! `SameSite=Strict`, `Secure` over https) and a CSRF token; every change it asks for then
//! carries the token in `X-CSRF-Token`, and a request whose `Origin` is another site is refused.
//! Scripts sign each request in with HTTP Basic instead, under the same roles. Both ways go
//! through the same lockouts ([`crate::auth::SignInGuard`]) and end as an
//! [`crate::http::access::Access`], which every handler asks before it reads or changes anything.

use std::net::IpAddr;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;

use wire::session::{PasswordChange, Permission, SESSION_FORMAT, Session, SignIn};

use crate::http::access::Access;
use crate::http::error::{AppError, too_many};
use crate::http::extract::{ClientAddress, blocking, require_json};
use crate::http::state::{Collector, now_millis, now_vietnam};
use crate::storage::audit::{Actor, Event};
use crate::storage::sessions::{AccountRow, IDLE_SECONDS};

/// The session cookie's name.
pub const COOKIE: &str = "hailong_session";
/// The header a browser's change carries its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A request's account, how it signed in, and where from.
pub struct Signed {
    pub access: Access,
    pub actor: Actor,
    /// The session's cookie token and its CSRF token, for a browser.
    pub session: Option<(String, String)>,
    /// The units as they stood when the request's access was worked out (every unit, not only
    /// those in reach).
    pub units: Vec<crate::storage::units::UnitRow>,
}

impl Signed {
    /// May this account change what `unit` (a code in the path) holds under `permission`: in
    /// reach (refused alike whether it exists or not), and a unit's code as codes are written.
    pub fn may_change(&self, permission: wire::session::Permission, unit: &str) -> Result<(), AppError> {
        self.access.may_on(permission, Some(unit))?;
        Ok(crate::storage::units::check_code("unit", unit)?)
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Signed
where
    Arc<Collector>: axum::extract::FromRef<S>,
{
    type Rejection = AppError;

    /// A staff handler's first argument after the state: the request signed in, or 401/403/429.
    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Signed, AppError> {
        let collector: Arc<Collector> = axum::extract::FromRef::from_ref(state);
        let Ok(ClientAddress(address)) = ClientAddress::from_request_parts(parts, state).await;
        signed_in(&collector, &parts.method, &parts.headers, address).await
    }
}

/// A staff handler's first argument: the server's state and the request signed in, so a
/// handler opens with one line whatever it does.
pub struct Staff(pub Arc<Collector>, pub Signed);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Staff
where
    Arc<Collector>: axum::extract::FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Staff, AppError> {
        let signed = Signed::from_request_parts(parts, state).await?;
        Ok(Staff(axum::extract::FromRef::from_ref(state), signed))
    }
}

/// Who acts, from `address`, now.
pub fn actor(name: &str, address: Option<IpAddr>) -> Actor {
    Actor {
        name: name.to_owned(),
        address: address.map(|address| address.to_string()).unwrap_or_else(|| "-".into()),
        at: now_vietnam(),
    }
}

fn seconds_now() -> i64 {
    now_millis() / 1000
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD)
}

/// Constant-time comparison, so the CSRF token cannot be guessed a byte at a time.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A browser's change from another site is refused whatever it carries: its `Origin` must be
/// this server (the `Host` it was sent to).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|value| value.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

/// An unsigned request, answered 401 without the Basic challenge (which would make a browser
/// open its own password box over the app's sign-in page).
fn sign_in_again(message: &str) -> AppError {
    let mut error = AppError::new(StatusCode::UNAUTHORIZED, message);
    error.challenge = false;
    error
}

/// Who sent this request: a session cookie (with its CSRF token for a change), or HTTP Basic.
pub async fn signed_in(
    collector: &Arc<Collector>,
    method: &Method,
    headers: &HeaderMap,
    address: Option<IpAddr>,
) -> Result<Signed, AppError> {
    if let Some(token) = cookie_token(headers)
        && !headers.contains_key(header::AUTHORIZATION)
    {
        let store = collector.store.clone();
        let looked_up = token.clone();
        let session = blocking(move || Ok(store.session(&looked_up, seconds_now())?)).await?;
        let Some(session) = session else {
            return Err(sign_in_again("your session has ended: sign in again"));
        };
        if !is_safe(method) {
            let given = headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default();
            if !same_secret(given, &session.csrf) || !same_origin(headers) {
                tracing::warn!("a change was refused: its CSRF token or origin is wrong");
                return Err(AppError::new(
                    StatusCode::FORBIDDEN,
                    "this change did not come from the signed-in page (CSRF token or origin); nothing was changed",
                ));
            }
        }
        let actor = actor(&session.account.name, address);
        let (access, units) = access_of(collector, session.account).await?;
        return Ok(Signed { access, actor, session: Some((token, session.csrf)), units });
    }
    let account = basic(collector, headers, address).await?;
    let actor = actor(&account.name, address);
    let (access, units) = access_of(collector, account).await?;
    Ok(Signed { access, actor, session: None, units })
}

async fn access_of(
    collector: &Arc<Collector>,
    account: AccountRow,
) -> Result<(Access, Vec<crate::storage::units::UnitRow>), AppError> {
    let store = collector.store.clone();
    let units = blocking(move || Ok(store.units()?)).await?;
    Ok((Access::new(account, &units), units))
}

fn unauthorized() -> AppError {
    AppError::new(StatusCode::UNAUTHORIZED, "staff sign in with a hailong user name and password")
}

/// HTTP Basic credentials, checked as a sign-in.
async fn basic(
    collector: &Arc<Collector>,
    headers: &HeaderMap,
    address: Option<IpAddr>,
) -> Result<AccountRow, AppError> {
    let value = headers.get(header::AUTHORIZATION).and_then(|value| value.to_str().ok()).ok_or_else(unauthorized)?;
    let encoded = value.strip_prefix("Basic ").ok_or_else(unauthorized)?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| unauthorized())?;
    let decoded = String::from_utf8(decoded).map_err(|_| unauthorized())?;
    let (name, password) = decoded.split_once(':').ok_or_else(unauthorized)?;
    check_password(collector, name, password, address, false).await
}

/// Checks a name and password behind the lockouts, and logs a failure in the audit log. A
/// browser's sign-in (`audited`) logs its success too; a script's Basic request does not, or
/// every export would add a line.
async fn check_password(
    collector: &Arc<Collector>,
    name: &str,
    password: &str,
    address: Option<IpAddr>,
    audited: bool,
) -> Result<AccountRow, AppError> {
    let failed = if audited { sign_in_again("wrong name or password") } else { unauthorized() };
    if let Some((left, on)) = collector.sign_in.locked_for(name, address) {
        let what = match on {
            crate::auth::Locked::Name => "this name",
            crate::auth::Locked::Address => "this address",
        };
        tracing::warn!("a staff sign-in was refused: too many wrong passwords for {what}");
        return Err(too_many(&format!("wrong passwords for {what}"), left));
    }
    // A few hashes at a time: each costs about 19 MB, and a burst of sign-ins waits its turn.
    let _permit = collector.sign_in.hashing.acquire().await.map_err(|_| unauthorized())?;
    let store = collector.store.clone();
    let (checked_name, password) = (name.to_owned(), password.to_owned());
    let account = blocking(move || {
        let found = store.account(&checked_name)?;
        let verified = crate::auth::verify_or_waste(&password, found.as_ref().map(|(_, hash)| hash.as_str()));
        Ok(found.filter(|_| verified).map(|(account, _)| account))
    })
    .await?;
    collector.sign_in.record(name, address, account.is_some());
    let actor = actor(&crate::auth::shown_name(name), address);
    match account {
        Some(account) => {
            if audited {
                audit(collector, actor, Event::new("sign-in", account.unit.as_deref(), &account.name)).await?;
            }
            Ok(account)
        }
        None => {
            tracing::warn!("a staff sign-in failed");
            audit(collector, actor, Event::new("sign-in.failed", None, "wrong name or password")).await?;
            Err(failed)
        }
    }
}

/// Appends an audit entry for an action that changed nothing stored.
pub async fn audit(collector: &Arc<Collector>, actor: Actor, event: Event) -> Result<(), AppError> {
    let store = collector.store.clone();
    blocking(move || Ok(store.record(&actor, &event)?)).await
}

/// What the app is told of the signed-in account: who, over which unit, and what it may do
/// there, as `Access` decides it, so the app shows by permission and never by a role's name.
fn session_answer(access: &Access, csrf: &str, names: &[crate::storage::units::UnitRow]) -> Session {
    let account = &access.account;
    let unit_name = account
        .unit
        .as_ref()
        .and_then(|code| names.iter().find(|unit| &unit.code == code))
        .map(|unit| unit.name_vi.clone());
    Session {
        format: SESSION_FORMAT,
        account: wire::session::Account {
            name: account.name.clone(),
            role: account.role,
            role_label: account.role.label(),
            unit: account.unit.clone(),
            unit_name,
            permissions: Permission::ALL.into_iter().filter(|permission| access.may(*permission).is_ok()).collect(),
        },
        csrf: csrf.to_owned(),
        idle_seconds: IDLE_SECONDS,
    }
}

fn cookie(collector: &Collector, token: &str, max_age: i64) -> HeaderValue {
    let secure = if collector.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"))
        .unwrap_or(HeaderValue::from_static("hailong_session=; Path=/; Max-Age=0"))
}

/// `POST /api/v1/session`: signs a browser in.
pub async fn sign_in(
    State(collector): State<Arc<Collector>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    require_json(&headers)?;
    let request: SignIn = serde_json::from_slice(&body).map_err(|_| {
        AppError::new(StatusCode::BAD_REQUEST, "send {\"name\": …, \"password\": …} as application/json")
    })?;
    let account = check_password(&collector, request.name.trim(), &request.password, address, true).await?;
    let store = collector.store.clone();
    let name = account.name.clone();
    let (token, csrf, units) = blocking(move || {
        let (token, csrf) = store.start_session(&name, seconds_now())?;
        Ok((token, csrf, store.units()?))
    })
    .await?;
    let access = Access::new(account, &units);
    let mut response = Json(session_answer(&access, &csrf, &units)).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie(&collector, &token, crate::storage::sessions::LONGEST_SECONDS));
    Ok(response)
}

/// `GET /api/v1/session`: who is signed in here, with the CSRF token, or 401.
pub async fn current(
    State(collector): State<Arc<Collector>>,
    ClientAddress(address): ClientAddress,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if cookie_token(&headers).is_none() {
        return Err(sign_in_again("not signed in"));
    }
    let signed = signed_in(&collector, &method, &headers, address).await?;
    let csrf = signed.session.as_ref().map(|(_, csrf)| csrf.as_str()).unwrap_or_default();
    Ok(Json(session_answer(&signed.access, csrf, &signed.units)).into_response())
}

/// `DELETE /api/v1/session`: signs out; the cookie is cleared.
pub async fn sign_out(Staff(collector, signed): Staff) -> Result<Response, AppError> {
    if let Some((token, _)) = signed.session {
        let store = collector.store.clone();
        let actor = signed.actor.clone();
        let event = Event::new("sign-out", signed.access.account.unit.as_deref(), &signed.access.account.name);
        blocking(move || {
            store.end_session(&token)?;
            Ok(store.record(&actor, &event)?)
        })
        .await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie(&collector, "", 0));
    Ok(response)
}

/// `POST /api/v1/session/password`: the signed-in account's new password. The current one is
/// asked again; every other session of the account ends.
pub async fn change_password(
    Staff(collector, signed): Staff,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    require_json(&headers)?;
    let request: PasswordChange = serde_json::from_slice(&body)
        .map_err(|_| AppError::new(StatusCode::BAD_REQUEST, "send {\"current\": …, \"new\": …} as application/json"))?;
    let name = signed.access.account.name.clone();
    check_password(&collector, &name, &request.current, address, false).await.map_err(|error| {
        if error.status == StatusCode::UNAUTHORIZED {
            AppError::new(StatusCode::FORBIDDEN, "current: the current password is wrong; nothing was changed")
        } else {
            error
        }
    })?;
    let hash = crate::auth::hash_password(&request.new)
        .map_err(|err| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("new: {err}")))?;
    let store = collector.store.clone();
    let keep = signed.session.map(|(token, _)| token);
    blocking(move || Ok(store.set_password(&name, &hash, keep.as_deref(), &signed.actor)?)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
