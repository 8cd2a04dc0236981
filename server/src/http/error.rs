//! The one error every handler answers with: its status and a message for the person or program
//! that sent the request, which names what was wrong and never echoes a citizen's words back.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use survey::results::kept::SumError;

use crate::http::access::Forbidden;
use crate::storage::StoreError;

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
            StoreError::Refused(_) | StoreError::Kept(SumError::TooMany { .. }) => StatusCode::UNPROCESSABLE_ENTITY,
            StoreError::NewerSchema { .. } | StoreError::Kept(SumError::Corrupt(_)) | StoreError::Sqlite(_) => {
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

impl From<Forbidden> for AppError {
    fn from(Forbidden(message): Forbidden) -> AppError {
        AppError::new(StatusCode::FORBIDDEN, message)
    }
}

/// A 429 for a lockout with `left` to wait: the words and `Retry-After` agree.
pub fn too_many(what: &str, left: std::time::Duration) -> AppError {
    let seconds = left.as_secs().max(1);
    let mut error = AppError::new(StatusCode::TOO_MANY_REQUESTS, format!("too many {what}: try again in {seconds} s"));
    error.retry_after = Some(seconds);
    error
}

/// A 400 naming the query parameter `name`.
pub fn bad_parameter(name: &str, message: String) -> AppError {
    AppError::new(StatusCode::BAD_REQUEST, format!("{name}: {message}"))
}

/// `response` with `Retry-After: seconds`, where a record or a request was refused for now.
pub fn with_retry_after(mut response: Response, seconds: Option<u64>) -> Response {
    if let Some(seconds) = seconds {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// A staff member's text of several lines as kept: trimmed and NFC, at most `max` characters,
/// with no control or format character but the line break; otherwise 422 naming `field`.
pub fn staff_text(field: &str, typed: &str, max: usize) -> Result<String, AppError> {
    let text = survey::text::nfc(typed.trim());
    if text.chars().count() > max || text.chars().any(|c| survey::text::is_refused_in_names(c) && c != '\n') {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{field}: at most {max} characters, without control or direction characters"),
        ));
    }
    Ok(text)
}
