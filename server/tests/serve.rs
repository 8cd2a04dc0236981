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
        ("index.html", b"<!doctype html><title>Hai Long</title><div id=\"app\"><p class=\"loading\">Loading</p></div>"),
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
    let collector = server::http::state::Collector::with_shipped_surveys(store, Default::default(), false);
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
    for path in ["/staff", "/staff/"] {
        let served = get(&dist, path, false).await;
        assert_eq!(served.status, StatusCode::OK, "{path}");
        assert!(served.body.starts_with(b"<!doctype html>"), "{path}");
        assert_eq!(served.cache_control, "no-cache", "{path}");
    }
    // A phone page is the shell with its first screen in it, and a response id of its own:
    // never kept in a cache, where the next citizen would get the same id.
    let phone = get(&dist, "/p/ubnd-phuong/quay-1", false).await;
    assert_eq!(phone.status, StatusCode::OK);
    assert_eq!(phone.cache_control, "no-store");
    let html = String::from_utf8(phone.body).unwrap();
    assert!(html.contains(r#"<form class="first-screen" method="post" action="/p/ubnd-phuong/quay-1">"#), "{html}");
    let again = String::from_utf8(get(&dist, "/p/ubnd-phuong/quay-1", false).await.body).unwrap();
    let id = |html: &str| html.split("name=\"response_id\" value=\"").nth(1).map(|rest| rest[..36].to_owned());
    assert_ne!(id(&html), id(&again), "each visit is a new response");
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
/// A real `hailong serve` on 127.0.0.1 with `args`; its address, and the child (killed on drop).
struct Running {
    child: std::process::Child,
    address: String,
    db: std::path::PathBuf,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_server(args: &[&str]) -> Running {
    use std::io::BufRead;
    let dist = dist();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hailong.db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hailong"))
        .args(["serve", "--addr", "127.0.0.1:0", "--dist"])
        .arg(dist.path())
        .arg("--db")
        .arg(&db)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    // Kept open: the server prints more lines, and a closed pipe would stop it.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let address = first.split("://").nth(1).unwrap().split('/').next().unwrap().to_owned();
    Running { child, address, db, _dirs: (dist, dir) }
}

impl Running {
    /// Sends `sent` on a new connection and reads until the server closes it (at most 8 s).
    fn exchange(&self, sent: &[u8]) -> Result<String, String> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&self.address).unwrap();
        // Far longer than any deadline under test, so that a connection left open fails.
        stream.set_read_timeout(Some(std::time::Duration::from_secs(8))).unwrap();
        stream.write_all(sent).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).map_err(|err| format!("still open: {err}"))?;
        Ok(String::from_utf8_lossy(&answer).into_owned())
    }
}

#[test]
fn slow_and_idle_clients_are_cut_off_at_their_deadlines() {
    let server = spawn_server(&["--header-seconds", "1", "--body-seconds", "1"]);
    assert_eq!(
        server.exchange(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap(),
        "",
        "unfinished headers: closed, nothing said"
    );
    assert_eq!(server.exchange(b"").unwrap(), "", "a silent connection: closed");
    let trickled = server
        .exchange(
            b"POST /api/v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
        )
        .unwrap();
    assert!(trickled.starts_with("HTTP/1.1 400"), "a body that never ends is refused: {trickled}");
    let normal = server.exchange(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    assert!(normal.starts_with("HTTP/1.1 200"), "{normal}");

    // A body sent one byte every 300 ms: each byte comes well within the deadline, the whole
    // body does not. It is cut off at its 1 s deadline, not kept on by each byte.
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(&server.address).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(8))).unwrap();
    stream
        .write_all(b"POST /api/v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let started = std::time::Instant::now();
    let trickler = std::thread::spawn(move || {
        for _ in 0..25 {
            if writer.write_all(b" ").is_err() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
    });
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let waited = started.elapsed();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(answer.starts_with("HTTP/1.1 400"), "a trickled body is refused: {answer}");
    assert!(waited < std::time::Duration::from_secs(4), "cut off at its deadline, not after {waited:?}");
    drop(stream);
    let _ = trickler.join();
}

/// Far more idle connections than places (the attack left a normal request unanswered for the
/// whole idle deadline): the one idle longest is closed to make room, so a normal request is
/// answered at once; with a 30 s idle deadline, waiting for it would fail the 8 s read.
#[test]
fn a_flood_of_idle_connections_cannot_keep_a_normal_request_waiting() {
    let server = spawn_server(&["--max-connections", "20", "--header-seconds", "30"]);
    let idle: Vec<std::net::TcpStream> =
        (0..60).map(|_| std::net::TcpStream::connect(&server.address).unwrap()).collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let normal = server.exchange(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    assert!(normal.starts_with("HTTP/1.1 200"), "{normal}");
    drop(idle);
}

/// Phones behind the README's reverse proxy: with `--trusted-proxy`, each phone's own address
/// (from `X-Forwarded-For`) has its own budget; without it, the header is anyone's word and is
/// ignored, so all of them share the proxy's. The address budget flags the 31st response in ten
/// minutes (`Limits::default`).
#[test]
fn behind_a_trusted_proxy_each_phone_has_its_own_budget_and_a_forged_header_counts_for_nothing() {
    let send = |server: &Running, n: usize, forwarded: &str| -> String {
        let id = format!("{:08x}-0000-4000-8000-{:012x}", n, n);
        let body = serde_json::json!({ "format": 1, "records": [{
            "format": 1, "response_id": id, "survey_id": "danh-gia-tai-quay", "survey_version": "2026.1",
            "submitted_at": "2026-11-23T09:15:00+07:00", "channel": "phone", "unit": "phuong-1", "counter": "quay-2",
            "device_id": format!("dien-thoai-{n}"), "partial": false,
            "answers": { "muc-do-hai-long": { "kind": "choice", "value": "hai-long" } }
        }]})
        .to_string();
        let request = format!(
            "POST /api/v1/responses HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n\
             X-Forwarded-For: {forwarded}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let answer = server.exchange(request.as_bytes()).unwrap();
        assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
        id
    };
    let flags = |server: &Running, ids: &[String]| -> usize {
        let store = server::storage::Store::open(&server.db).unwrap();
        ids.iter().filter(|id| store.server_flag(id).unwrap().is_some()).count()
    };

    let proxied = spawn_server(&["--trusted-proxy", "127.0.0.1"]);
    let apart: Vec<String> = (0..31).map(|n| send(&proxied, n, &format!("203.0.113.{n}"))).collect();
    assert_eq!(flags(&proxied, &apart), 0, "31 phones, 31 addresses: none is a burst");
    let shared: Vec<String> = (100..131).map(|n| send(&proxied, n, "6.6.6.6, 198.51.100.7")).collect();
    assert_eq!(flags(&proxied, &shared), 1, "31 from one phone's address: the 31st is flagged");

    let direct = spawn_server(&[]);
    let forged: Vec<String> = (0..31).map(|n| send(&direct, n, &format!("203.0.113.{n}"))).collect();
    assert_eq!(flags(&direct, &forged), 1, "a header from a peer that is not a trusted proxy is ignored");
}

/// A self-signed certificate for `localhost`: its PEM, its key's PEM and its DER.
fn certificate() -> (String, String, Vec<u8>) {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    (cert.pem(), signing_key.serialize_pem(), cert.der().to_vec())
}

/// Fetches `/` over https, trusting `trusted` (DER) alone; the answer and the certificate the
/// server presented.
fn fetch_https(address: &str, trusted: &[u8]) -> Result<(String, Vec<u8>), String> {
    use std::io::{Read, Write};
    let mut roots = rustls::RootCertStore::empty();
    roots.add(rustls::pki_types::CertificateDer::from(trusted.to_vec())).unwrap();
    let config =
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut connection = rustls::ClientConnection::new(std::sync::Arc::new(config), name).unwrap();
    let mut socket = std::net::TcpStream::connect(address).unwrap();
    socket.set_read_timeout(Some(std::time::Duration::from_secs(8))).unwrap();
    let mut stream = rustls::Stream::new(&mut connection, &mut socket);
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .map_err(|err| err.to_string())?;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let presented = connection.peer_certificates().and_then(|chain| chain.first()).map(|cert| cert.to_vec());
    Ok((String::from_utf8_lossy(&answer).into_owned(), presented.ok_or("no certificate")?))
}

/// `--tls-cert/--tls-key`: https with the certificate given, HSTS on its answers, and a renewed
/// certificate (the files replaced) served from the next connection on, without a restart.
#[test]
fn https_is_served_with_the_given_certificate_and_a_renewed_one_is_taken_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let (first_pem, first_key, first_der) = certificate();
    fs::write(&cert_path, &first_pem).unwrap();
    fs::write(&key_path, &first_key).unwrap();
    let server = spawn_server(&["--tls-cert", cert_path.to_str().unwrap(), "--tls-key", key_path.to_str().unwrap()]);

    let (answer, presented) = fetch_https(&server.address, &first_der).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("strict-transport-security: max-age=31536000"), "{answer}");
    assert_eq!(presented, first_der);
    let plain = server.exchange(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap_or_default();
    assert!(!plain.contains("200 OK"), "plain http is not served on the https port: {plain}");

    // A half-written renewal (a key that does not match) keeps the old certificate in use.
    let (second_pem, second_key, second_der) = certificate();
    fs::write(&cert_path, &second_pem).unwrap();
    std::thread::sleep(server::net::tls::RECHECK + std::time::Duration::from_millis(500));
    assert_eq!(fetch_https(&server.address, &first_der).unwrap().1, first_der, "the old one is kept meanwhile");
    fs::write(&key_path, &second_key).unwrap();
    std::thread::sleep(server::net::tls::RECHECK + std::time::Duration::from_millis(500));
    let (answer, presented) = fetch_https(&server.address, &second_der).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(presented, second_der, "the renewed certificate is served");
}

#[test]
fn a_certificate_that_cannot_be_used_stops_the_server_from_starting_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (pem, _, _) = certificate();
    let (_, other_key, _) = certificate();
    fs::write(dir.path().join("cert.pem"), pem).unwrap();
    fs::write(dir.path().join("key.pem"), other_key).unwrap();
    fs::write(dir.path().join("empty.pem"), "").unwrap();
    for (cert, key, says) in [("cert.pem", "key.pem", "key"), ("empty.pem", "key.pem", "no certificate")] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_hailong"))
            .args(["serve", "--addr", "127.0.0.1:0", "--dist"])
            .arg(dist().path())
            .arg("--tls-cert")
            .arg(dir.path().join(cert))
            .arg("--tls-key")
            .arg(dir.path().join(key))
            .arg("--db")
            .arg(dir.path().join("hailong.db"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && stderr.contains("--tls-cert/--tls-key") && stderr.contains(says), "{stderr}");
    }
}
