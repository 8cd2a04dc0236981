//! What a handler takes from a request before it runs: the client's address, a JSON body of a
//! named kind, a device's bearer token; and `blocking`, which runs storage work off the async
//! threads. A signed-in staff member is `crate::http::session::Signed`, an extractor too.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRef, FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::http::error::AppError;
use crate::http::state::Collector;

/// The client's address, as [`crate::net::limits::client_address`] finds it: the peer, or behind a
/// trusted reverse proxy the address it forwarded. None where there is no connection (tests
/// that call the router directly).
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddress
where
    Arc<Collector>: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<ClientAddress, Self::Rejection> {
        let collector: Arc<Collector> = FromRef::from_ref(state);
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(address)| address.ip());
        Ok(ClientAddress(crate::net::limits::client_address(peer, &parts.headers, &collector.trusted_proxies)))
    }
}

/// Runs blocking storage work off the async threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "the server failed while storing; try again"))?
}

pub fn bearer(headers: &HeaderMap) -> Result<Option<&str>, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let value =
        value.to_str().map_err(|_| AppError::new(StatusCode::UNAUTHORIZED, "the Authorization header is not text"))?;
    match value.strip_prefix("Bearer ") {
        Some(token) if !token.trim().is_empty() => Ok(Some(token.trim())),
        _ => Err(AppError::new(StatusCode::UNAUTHORIZED, "a device sends `Authorization: Bearer <device token>`")),
    }
}

pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("application/json"))
}

/// A change's body must be JSON: a form another site posts (which needs no preflight) is not.
pub fn require_json(headers: &HeaderMap) -> Result<(), AppError> {
    if is_json(headers) {
        Ok(())
    } else {
        Err(AppError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "send the request as application/json"))
    }
}

/// A request body of a kind with a name, for the refusal of one that is not it.
pub trait Named {
    /// What the body is, after "the request is not": "a unit", "a follow-up" …
    const WHAT: &'static str;
}

/// Names request bodies for their refusals: `named! { NewUnit => "a unit", … }`.
macro_rules! named {
    ($($body:ty => $what:literal),+ $(,)?) => {
        $(impl crate::http::extract::Named for $body {
            const WHAT: &'static str = $what;
        })+
    };
}

/// A change's JSON body, read after the request is signed in (extractors run in the order of
/// the handler's arguments, and a body comes last): a body that is not JSON is 415, one that
/// is not a `T` is 422 naming what was expected.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + Named, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = axum::response::Response;

    async fn from_request(request: Request, state: &S) -> Result<JsonBody<T>, Self::Rejection> {
        use axum::response::IntoResponse;
        require_json(request.headers()).map_err(IntoResponse::into_response)?;
        let bytes = Bytes::from_request(request, state).await.map_err(IntoResponse::into_response)?;
        json_of(&bytes, T::WHAT).map(JsonBody).map_err(IntoResponse::into_response)
    }
}

/// `bytes` read as a `T`, or 422 saying it is not `what`.
pub fn json_of<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, AppError> {
    serde_json::from_slice(bytes).map_err(|err| {
        AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the request is not {what}: {}", survey::text::short_message(&err.to_string())),
        )
    })
}
