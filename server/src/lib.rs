//! The `hailong` server as a library: the router that serves the app.
//!
//! [`app`] builds the whole HTTP surface as a `Router`, so tests call it without a socket.
//! This is the only crate that knows HTTP (and, with the collector, SQL).
//!
//! Caching is the part that matters most for an offline-first app: files whose names carry a
//! content hash never change and may be cached for a year; everything else (the shell
//! `index.html`, `sw.js`, the manifest) must be revalidated on every load, or a kiosk could
//! keep an old app forever.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::services::ServeDir;

/// What the server serves.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// The built app: `index.html`, the content-hashed glue and wasm, `sw.js` … as made by
    /// `cargo xtask dist`.
    pub dist: PathBuf,
}

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
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        .fallback(shell);
    Router::new().fallback_service(files).layer(middleware::from_fn(headers))
}

/// Answers a path with no file behind it. A path that names a file (it has an extension) is a
/// real 404, so a missing script fails loudly instead of receiving HTML; any other path is a
/// screen of the single-page app, which reads the path itself.
async fn app_shell(dist: &Path, path: &str) -> Response {
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    if last_segment.contains('.') {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    match tokio::fs::read(dist.join("index.html")).await {
        Ok(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "the app is not built: run `cargo xtask dist`\n").into_response(),
    }
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

async fn headers(request: Request, next: Next) -> Response {
    let hashed = is_content_hashed(request.uri().path());
    let mut response: Response<Body> = next.run(request).await;
    let cache = if !response.status().is_success() {
        "no-store"
    } else if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
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
