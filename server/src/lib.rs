//! The `hailong` server as a library: the router that serves the app and collects responses.
//!
//! [`app`] builds the whole HTTP surface as a `Router`, so tests call it without a socket.
//! This is the only crate that knows HTTP and SQL (`storage` alone holds the SQL).
//!
//! Caching is the part that matters most for an offline-first app: files whose names carry a
//! content hash never change and may be cached for a year; everything else (the shell
//! `index.html`, `sw.js`, the manifest) must be revalidated on every load, or a kiosk could
//! keep an old app forever.

pub mod access;
pub mod api;
pub mod auth;
pub mod certifying;
pub mod digest;
pub mod followup;
pub mod limits;
pub mod listen;
pub mod manage;
pub mod phone;
pub mod report;
pub mod said;
pub mod session;
pub mod storage;
pub mod tls;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use tower_http::services::ServeDir;

use api::Collector;

/// What the server serves.
#[derive(Clone)]
pub struct ServeConfig {
    /// The built app: `index.html`, the content-hashed glue and wasm, `sw.js` … as made by
    /// `cargo xtask dist`.
    pub dist: PathBuf,
    pub collector: Arc<Collector>,
    /// The largest request body taken, in bytes: a full batch of long SIPAS responses fits
    /// in well under this.
    pub max_body_bytes: usize,
}

/// The default [`ServeConfig::max_body_bytes`]: 500 records of 4 KB each.
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The content security policy: scripts only from this origin (WebAssembly needs
/// `wasm-unsafe-eval`), no inline script or style, and no framing by other sites.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The whole HTTP surface of `hailong serve`.
pub fn app(config: &ServeConfig) -> Router {
    let dist = Arc::new(config.dist.clone());
    let shell = {
        let dist = dist.clone();
        tower::service_fn(move |request: Request| {
            let dist = dist.clone();
            async move { Ok::<_, std::convert::Infallible>(app_shell(&dist, request.uri().path()).await) }
        })
    };
    let files = ServeDir::new(config.dist.as_path())
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        .fallback(shell);
    let api = Router::new()
        .route(survey::records::sync::RESPONSES_PATH, post(api::post_responses))
        .route(survey::records::sync::TOKEN_STATUS_PATH, post(api::token_status))
        .route("/api/v1/tokens", post(api::issue_tokens))
        .route("/api/v1/tally.csv", get(api::tally_csv))
        .route("/api/v1/index.csv", get(api::index_csv_handler))
        .route("/api/v1/responses.csv", get(api::raw_csv))
        .route("/api/v1/session", get(session::current).post(session::sign_in).delete(session::sign_out))
        .route("/api/v1/session/password", post(session::change_password))
        .route("/api/v1/units", get(manage::units).post(manage::add_unit))
        .route("/api/v1/units/{code}", axum::routing::patch(manage::change_unit).delete(manage::remove_unit))
        .route(
            "/api/v1/units/{unit}/counters/{code}",
            axum::routing::put(manage::name_counter).delete(manage::remove_counter),
        )
        .route("/api/v1/accounts", get(manage::accounts).post(manage::add_account))
        .route("/api/v1/accounts/{name}", axum::routing::delete(manage::remove_account))
        .route("/api/v1/audit.csv", get(manage::audit_csv))
        .route("/api/v1/figures", get(manage::figures))
        .route(survey::records::sync::PAIR_PATH, post(manage::pair))
        .route(survey::records::sync::DEVICE_CONFIG_PATH, get(manage::device_config))
        .route("/api/v1/devices", get(manage::devices).post(manage::add_device))
        .route("/api/v1/devices/{name}", axum::routing::patch(manage::change_device).delete(manage::revoke_device))
        .route("/api/v1/devices/{name}/pairing", post(manage::new_pairing))
        .route("/api/v1/certificates", get(certifying::state).post(certifying::certify))
        .route("/api/v1/certificates/withdraw", post(certifying::withdraw))
        .route("/api/v1/dossiers/{unit}/{period}", get(certifying::dossiers).put(certifying::put_dossiers))
        .route("/api/v1/followups", get(followup::list))
        .route("/api/v1/followups/{response_id}", post(followup::mark))
        .route("/api/v1/replies/{unit}/{period}", get(followup::reply).put(followup::put_reply))
        .route("/api/v1/comments", get(said::list))
        .route("/api/v1/comments.csv", get(said::export))
        .route("/api/v1/comments/{response_id}/{question_id}", axum::routing::put(said::tag))
        .route("/api/v1/topics/{unit}", get(said::topics).put(said::put_topics))
        .route("/api/v1/report", get(report::report))
        .route("/api/v1/digest/{unit}", get(digest::addresses).put(digest::put_addresses))
        .route("/results/{unit}/{period}", get(certifying::results_page))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .with_state(config.collector.clone());
    let phone = Router::new()
        .route("/p/{unit}/{counter}", get(phone::phone_page).post(phone::phone_tap))
        .layer(DefaultBodyLimit::max(PHONE_FORM_BYTES))
        // The page is made per visit (its own response id), so it is compressed as it is sent, at
        // the default level: brotli at its best costs a slow phone more waiting than it saves.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .br(true)
                .gzip(true)
                .quality(tower_http::CompressionLevel::Best),
        )
        .with_state(phone::Phone { collector: config.collector.clone(), dist: dist.clone() });
    api.merge(phone).fallback_service(files).layer(middleware::from_fn(headers))
}

/// The largest first-screen form: four short fields.
pub const PHONE_FORM_BYTES: usize = 4 * 1024;

/// What the pages may use of the device.
pub const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), fullscreen=(self), screen-wake-lock=(self)";

/// The CSP source list that allows exactly the `<style>` elements of a page (by their SHA-256),
/// for the self-contained pages the server makes (the published results).
pub fn style_hashes(html: &str) -> String {
    let mut sources = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<style>") {
        let after = &rest[start + "<style>".len()..];
        let Some(end) = after.find("</style>") else { break };
        let digest = survey::digest::sha256_bytes(&after.as_bytes()[..end]);
        sources.push(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
        rest = &after[end..];
    }
    if sources.is_empty() { "'none'".to_owned() } else { sources.join(" ") }
}

/// Answers a path with no file behind it. A path that names a file (it has an extension) is a
/// real 404, so a missing script fails loudly instead of receiving HTML; any other path is a
/// screen of the single-page app, which reads the path itself.
async fn app_shell(dist: &Path, path: &str) -> Response {
    // An API path the server does not have is an API error, not a screen of the app.
    if path.starts_with("/api/") {
        return api::AppError::new(StatusCode::NOT_FOUND, "no such API path here").into_response();
    }
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    if last_segment.contains('.') {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    match read_shell(dist).await {
        Ok(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(response) => response,
    }
}

/// The app's shell, `index.html` of the built app, read for each answer (a new build swapped in
/// while serving is served at once), or why it cannot be.
pub(crate) async fn read_shell(dist: &Path) -> Result<String, Response> {
    tokio::fs::read_to_string(dist.join("index.html")).await.map_err(|_| {
        (StatusCode::SERVICE_UNAVAILABLE, "the app is not built: run `cargo xtask dist`\n").into_response()
    })
}

/// `app.0123456789abcdef.js`: a name whose next-to-last part is a 16-digit hex content hash.
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3 && {
        let hash = parts[parts.len() - 2];
        hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }
}

/// Sets the headers every answer carries, and logs the request: its method, path (never the
/// query, which may hold filters, nor the address) status and time.
async fn headers(request: Request, next: Next) -> Response {
    let hashed = is_content_hashed(request.uri().path());
    let is_api = request.uri().path().starts_with("/api/");
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = std::time::Instant::now();
    let mut response: Response<Body> = next.run(request).await;
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    let cache = if !response.status().is_success() || is_api {
        "no-store"
    } else if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let headers = response.headers_mut();
    // A page that says `no-store` itself (the phone page, with a response id of its own) keeps it.
    if headers.get(header::CACHE_CONTROL).is_none_or(|value| value != "no-store") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    // Over HTTPS (behind the proxy the README sets up) browsers keep to HTTPS for a year; over
    // plain HTTP they ignore it.
    headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    // The app asks for no camera, microphone, place or payment; it keeps the screen awake and
    // may go full screen on a kiosk.
    headers.insert(header::HeaderName::from_static("permissions-policy"), HeaderValue::from_static(PERMISSIONS_POLICY));
    // A page the server made itself (the published results) brings its own, stricter policy.
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hashed_names_are_recognised() {
        assert!(is_content_hashed("/app.0123456789abcdef.js"));
        assert!(is_content_hashed("/app_bg.0123456789abcdef.wasm"));
        assert!(!is_content_hashed("/sw.js"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/app.0123456789ABCDEF.js"));
        assert!(!is_content_hashed("/app.0123.js"));
    }
}
