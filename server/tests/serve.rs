//! Tests of the app server through `server::app()`, with no socket: each request is sent to the
//! router with `oneshot` and the response checked.

use std::fs;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

const HASH: &str = "0123456789abcdef";

struct Served {
    status: StatusCode,
    content_type: String,
    cache_control: String,
    content_encoding: String,
    body: Vec<u8>,
    csp: String,
}

fn dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files: [(&str, &[u8]); 5] = [
        ("index.html", b"<!doctype html><title>Hai Long</title>"),
        ("sw.js", b"// worker"),
        ("manifest.webmanifest", b"{}"),
        (&format!("app.{HASH}.js"), b"export default 1;"),
        (&format!("app_bg.{HASH}.wasm"), b"\0asm\x01\0\0\0"),
    ];
    for (name, bytes) in files {
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    fs::write(dir.path().join(format!("app.{HASH}.js.gz")), gzip(b"export default 1;")).unwrap();
    dir
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    // A stored (uncompressed) gzip member is enough to check the server picks the .gz file.
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1];
    let len = bytes.len() as u16;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(bytes);
    out.extend_from_slice(&[0; 8]);
    out
}

async fn get(dist: &tempfile::TempDir, path: &str, accept_gzip: bool) -> Served {
    let store = server::storage::Store::open(&dist.path().join("hailong.db")).unwrap();
    let collector = server::api::Collector::with_shipped_surveys(store, Default::default(), false);
    let app = server::app(&server::ServeConfig {
        dist: dist.path().to_owned(),
        collector: std::sync::Arc::new(collector),
        max_body_bytes: server::DEFAULT_MAX_BODY_BYTES,
    });
    let mut request = Request::get(path);
    if accept_gzip {
        request = request.header(header::ACCEPT_ENCODING, "gzip");
    }
    let response = app.oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|value: &header::HeaderValue| value.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    Served {
        status: response.status(),
        content_type: header(header::CONTENT_TYPE),
        cache_control: header(header::CACHE_CONTROL),
        content_encoding: header(header::CONTENT_ENCODING),
        csp: header(header::CONTENT_SECURITY_POLICY),
        body: response.into_body().collect().await.unwrap().to_bytes().to_vec(),
    }
}

#[tokio::test]
async fn the_shell_is_served_and_always_revalidated() {
    let dist = dist();
    for path in ["/", "/index.html"] {
        let served = get(&dist, path, false).await;
        assert_eq!(served.status, StatusCode::OK, "{path}");
        assert!(served.content_type.starts_with("text/html"), "{path}: {}", served.content_type);
        assert_eq!(served.cache_control, "no-cache", "{path}");
        assert!(served.csp.contains("frame-ancestors 'none'"), "{path}");
    }
}

#[tokio::test]
async fn app_screens_fall_back_to_the_shell() {
    let dist = dist();
    for path in ["/staff", "/staff/", "/p/ubnd-phuong/quay-1"] {
        let served = get(&dist, path, false).await;
        assert_eq!(served.status, StatusCode::OK, "{path}");
        assert!(served.body.starts_with(b"<!doctype html>"), "{path}");
        assert_eq!(served.cache_control, "no-cache", "{path}");
    }
}

#[tokio::test]
async fn a_missing_file_is_a_404_not_the_shell() {
    let served = get(&dist(), "/app.fedcba9876543210.js", false).await;
    assert_eq!(served.status, StatusCode::NOT_FOUND);
    assert_eq!(served.cache_control, "no-store");
}

#[tokio::test]
async fn hashed_files_are_immutable_with_the_right_types() {
    let dist = dist();
    let wasm = get(&dist, &format!("/app_bg.{HASH}.wasm"), false).await;
    assert_eq!(wasm.status, StatusCode::OK);
    assert_eq!(wasm.content_type, "application/wasm");
    assert_eq!(wasm.cache_control, "public, max-age=31536000, immutable");

    let js = get(&dist, &format!("/app.{HASH}.js"), false).await;
    assert_eq!(js.content_type, "text/javascript");
    assert_eq!(js.body, b"export default 1;");
}

#[tokio::test]
async fn the_worker_and_manifest_are_revalidated() {
    let dist = dist();
    let worker = get(&dist, "/sw.js", false).await;
    assert_eq!(worker.content_type, "text/javascript");
    assert_eq!(worker.cache_control, "no-cache");
    let manifest = get(&dist, "/manifest.webmanifest", false).await;
    assert_eq!(manifest.content_type, "application/manifest+json");
    assert_eq!(manifest.cache_control, "no-cache");
}

#[tokio::test]
async fn precompressed_files_are_sent_to_browsers_that_accept_gzip() {
    let dist = dist();
    let served = get(&dist, &format!("/app.{HASH}.js"), true).await;
    assert_eq!(served.content_encoding, "gzip");
    assert_eq!(served.content_type, "text/javascript");
    assert_eq!(served.body, gzip(b"export default 1;"));
}
