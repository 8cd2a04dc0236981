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

/// `hailong serve` cuts off clients that are too slow: one that never finishes its headers,
/// one that trickles its body, and one that connects and says nothing are each closed once
/// their deadline (here 1 s) has passed, while a normal request is answered.
#[test]
fn slow_and_idle_clients_are_cut_off_at_their_deadlines() {
    use std::io::{BufRead, Read, Write};
    let dist = dist();
    let db = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hailong"))
        .args(["serve", "--addr", "127.0.0.1:0", "--header-seconds", "1", "--body-seconds", "1", "--dist"])
        .arg(dist.path())
        .arg("--db")
        .arg(db.path().join("hailong.db"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    // Kept open: the server prints more lines, and a closed pipe would stop it.
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    let address = first.split("http://").nth(1).unwrap().split('/').next().unwrap().to_owned();
    let exchange = |sent: &[u8]| -> Result<String, String> {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        // Far longer than the deadline, so that a connection left open fails the test.
        stream.set_read_timeout(Some(std::time::Duration::from_secs(8))).unwrap();
        stream.write_all(sent).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).map_err(|err| format!("still open: {err}"))?;
        Ok(String::from_utf8_lossy(&answer).into_owned())
    };
    let outcome = (|| -> Result<(), String> {
        assert_eq!(exchange(b"GET / HTTP/1.1\r\nHost: x\r\n")?, "", "unfinished headers: closed, nothing said");
        assert_eq!(exchange(b"")?, "", "a silent connection: closed");
        let trickled = exchange(
            b"POST /api/v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
        )?;
        assert!(trickled.starts_with("HTTP/1.1 400"), "a body that never ends is refused: {trickled}");
        let normal = exchange(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
        assert!(normal.starts_with("HTTP/1.1 200"), "{normal}");
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    outcome.unwrap();
}
