//! What every answer carries and the pages the server makes itself: the headers (caching, the
//! content security policy, what a page may use of the device), the app's shell for a path with
//! no file behind it, and a self-contained page with its own policy.
//!
//! Caching is the part that matters most for an offline-first app: files whose names carry a
//! content hash never change and may be cached for a year; everything else (the shell
//! `index.html`, `sw.js`, the manifest) must be revalidated on every load, or a kiosk could
//! keep an old app forever.

use std::path::Path;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;

use crate::http::error::AppError;

/// The content security policy: scripts only from this origin (WebAssembly needs
/// `wasm-unsafe-eval`), no inline script or style, and no framing by other sites.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

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
pub async fn app_shell(dist: &Path, path: &str) -> Response {
    // An API path the server does not have is an API error, not a screen of the app.
    if path.starts_with("/api/") {
        return AppError::new(StatusCode::NOT_FOUND, "no such API path here").into_response();
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
pub async fn read_shell(dist: &Path) -> Result<String, Response> {
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
pub async fn headers(request: Request, next: Next) -> Response {
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

/// A page the server made whole (the published results, the report): nothing of other sites,
/// its own `<style>` elements allowed by their hashes, images only from `img_src`.
pub fn own_page(html: String, img_src: &str) -> Response {
    let policy = format!(
        "default-src 'none'; style-src {}; img-src {img_src}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        style_hashes(&html)
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
