//! One `hailong` for a city, through its HTTP surface without a socket: an administrator makes
//! a city with two wards, their counters and accounts; kiosks bound to each ward send; every
//! role then reads exactly its subtree, never more, and per-officer figures only where allowed.
//! Sessions, CSRF and the audit chain are checked on the way.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::storage::Store;
use tower::ServiceExt;

struct City {
    _dir: tempfile::TempDir,
    app: Router,
    store: Arc<Store>,
    db: std::path::PathBuf,
}

#[derive(Debug)]
struct Answer {
    status: StatusCode,
    headers: header::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|err| panic!("{err}: {}", self.body))
    }
}

/// A browser signed in: its cookie and CSRF token.
#[derive(Clone)]
struct Browser {
    cookie: String,
    csrf: String,
}

const ADMIN: (&str, &str) = ("quan-tri", "mật khẩu quản trị viên");
const PASSWORD: &str = "mật khẩu đủ dài 123";

fn actor() -> server::storage::audit::Actor {
    server::storage::audit::Actor::command_line("2026-11-23T08:00:00+07:00".into())
}

fn city() -> City {
    let dir = tempfile::tempdir().unwrap();
    let shell = "<!doctype html><html><head><title>Hài Lòng</title></head><body><div id=\"app\"></div></body></html>";
    std::fs::write(dir.path().join("index.html"), shell).unwrap();
    let db = dir.path().join("hailong.db");
    let store = Store::open(&db).unwrap();
    let hash = server::auth::hash_password(ADMIN.1).unwrap();
    store.add_user(ADMIN.0, &hash, wire::session::Role::Admin, None, &actor()).unwrap();
    let collector = Arc::new(server::http::state::Collector::with_shipped_surveys(store, Default::default(), false));
    let store = collector.store.clone();
    let app = server::app(&server::ServeConfig { dist: dir.path().to_owned(), collector, max_body_bytes: 64 * 1024 });
    City { _dir: dir, app, store, db }
}

fn basic((name, password): (&str, &str)) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{name}:{password}")))
}

fn rating(unit: &str, counter: &str, staff: &str, level: &str) -> Value {
    json!({
        "format": 1,
        "response_id": uuid::Uuid::new_v4().to_string(),
        "survey_id": "danh-gia-tai-quay",
        "survey_version": "2026.1",
        "submitted_at": "2026-11-23T09:15:00+07:00",
        "channel": "kiosk",
        "unit": unit,
        "counter": counter,
        "staff": staff,
        "device_id": format!("kiosk-{unit}"),
        "answers": { "muc-do-hai-long": { "kind": "choice", "value": level } }
    })
}

impl City {
    async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        // A workbook is not text: read lossily, as only its first bytes are looked at.
        let body = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned();
        Answer { status, headers, body }
    }

    /// A request as an administrator's script (HTTP Basic).
    async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, basic(ADMIN))
            .header(header::CONTENT_TYPE, "application/json");
        self.send(request.body(body.map(|body| Body::from(body.to_string())).unwrap_or_default()).unwrap()).await
    }

    async fn sign_in(&self, name: &str, password: &str) -> Result<Browser, Answer> {
        let request = Request::post("/api/v1/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({ "name": name, "password": password }).to_string()))
            .unwrap();
        let answer = self.send(request).await;
        if answer.status != StatusCode::OK {
            return Err(answer);
        }
        let set_cookie = answer.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
        for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(set_cookie.contains(flag), "{set_cookie}");
        }
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        Ok(Browser { cookie, csrf: answer.json()["csrf"].as_str().unwrap().to_owned() })
    }

    /// A request from a signed-in browser; a change carries the CSRF token unless told not to.
    async fn browser(&self, who: &Browser, method: &str, path: &str, body: Option<Value>, csrf: bool) -> Answer {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, &who.cookie)
            .header(header::CONTENT_TYPE, "application/json");
        if csrf {
            request = request.header("x-csrf-token", &who.csrf);
        }
        self.send(request.body(body.map(|body| Body::from(body.to_string())).unwrap_or_default()).unwrap()).await
    }

    async fn get(&self, who: &Browser, path: &str) -> Answer {
        self.browser(who, "GET", path, None, false).await
    }

    async fn kiosk_sends(&self, token: &str, records: &[Value]) -> Answer {
        let request = Request::post("/api/v1/responses")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(json!({ "format": 1, "records": records }).to_string()))
            .unwrap();
        self.send(request).await
    }

    /// The units as the tree stands, to compare before and after a refusal.
    fn tree(&self) -> Vec<server::storage::units::UnitRow> {
        self.store.units().unwrap()
    }
}

/// Makes the city `tp` with wards `p1` and `p2`, a counter each, and accounts; kiosks of each
/// ward send 12 and 3 ratings.
async fn populated() -> City {
    let city = city();
    for (code, parent, name) in [
        ("tp", None, "Thành phố Thủ Đức"),
        ("p1", Some("tp"), "Phường An Khánh"),
        ("p2", Some("tp"), "Phường Bình Trưng"),
    ] {
        let answer =
            city.admin("POST", "/api/v1/units", Some(json!({ "code": code, "parent": parent, "name_vi": name }))).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    }
    for unit in ["p1", "p2"] {
        let path = format!("/api/v1/units/{unit}/counters/quay-1");
        let answer = city.admin("PUT", &path, Some(json!({ "name_vi": "Quầy số 1", "name_en": "Counter 1" }))).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }
    for (name, role, unit) in
        [("vp-p1", "office", "p1"), ("ld-p1", "leader", "p1"), ("so-noi-vu", "viewer", "tp"), ("vp-p2", "office", "p2")]
    {
        let body = json!({ "name": name, "password": PASSWORD, "role": role, "unit": unit });
        let answer = city.admin("POST", "/api/v1/accounts", Some(body)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    }
    let kiosk_1 = city.store.add_device("kiosk-p1", Some("p1"), &actor()).unwrap();
    let kiosk_2 = city.store.add_device("kiosk-p2", Some("p2"), &actor()).unwrap();
    let p1: Vec<Value> = (0..12)
        .map(|n| {
            rating(
                "p1",
                "quay-1",
                if n % 2 == 0 { "can-bo-a" } else { "can-bo-b" },
                if n < 9 { "hai-long" } else { "khong-hai-long" },
            )
        })
        .collect();
    assert_eq!(city.kiosk_sends(&kiosk_1, &p1).await.status, StatusCode::CREATED);
    let p2: Vec<Value> = (0..3).map(|_| rating("p2", "quay-1", "can-bo-c", "rat-hai-long")).collect();
    assert_eq!(city.kiosk_sends(&kiosk_2, &p2).await.status, StatusCode::CREATED);
    city
}

/// The tally CSV's data lines, without its header.
fn tally_lines(csv: &str) -> Vec<String> {
    csv.trim_start_matches('\u{feff}').lines().skip(1).map(str::to_owned).collect()
}

#[tokio::test]
async fn each_role_reads_its_subtree_only_and_officers_only_where_it_may() {
    let city = populated().await;

    // A kiosk paired with p1 cannot send a p2 response.
    let kiosk = city.store.add_device("kiosk-p1-b", Some("p1"), &actor()).unwrap();
    let stray = city.kiosk_sends(&kiosk, &[rating("p2", "quay-1", "x", "hai-long")]).await;
    assert_eq!(stray.json()["results"][0]["status"], 403, "{}", stray.body);
    assert_eq!(stray.json()["results"][0]["field"], "unit", "{}", stray.body);

    let office = city.sign_in("vp-p1", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let figures = city.get(&office, "/api/v1/figures?by=unit").await;
    assert_eq!(figures.status, StatusCode::OK, "{}", figures.body);
    let figures = figures.json();
    let lines = tally_lines(figures["tally_csv"].as_str().unwrap());
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|line| line.contains("p1") && !line.contains("p2")), "{lines:?}");
    assert!(!figures["tally_csv"].as_str().unwrap().contains("can-bo-"), "no officer reaches office staff");
    let units: Vec<&str> =
        figures["units"].as_array().unwrap().iter().map(|unit| unit["code"].as_str().unwrap()).collect();
    assert_eq!(units, ["p1"]);

    // Per officer: refused to office staff and the city's viewer; given to the ward's leader.
    let per_officer = city.get(&office, "/api/v1/tally.csv?by=unit,staff").await;
    assert_eq!(per_officer.status, StatusCode::FORBIDDEN, "{}", per_officer.body);
    let raw = city.get(&office, "/api/v1/responses.csv?survey=danh-gia-tai-quay@2026.1").await;
    assert_eq!(raw.status, StatusCode::OK, "{}", raw.body);
    assert!(!raw.body.contains("can-bo-") && !raw.body.contains("p2"), "{}", raw.body);
    assert_eq!(raw.body.matches("\"p1\"").count(), 12, "{}", raw.body);

    // The other ward: refused, and refused exactly as a unit that does not exist is.
    let other = city.browser(&office, "PATCH", "/api/v1/units/p2", Some(json!({ "name_vi": "X" })), true).await;
    let missing = city.browser(&office, "PATCH", "/api/v1/units/khong-co", Some(json!({ "name_vi": "X" })), true).await;
    assert_eq!((other.status, &other.body), (missing.status, &missing.body));
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let tokens = city
        .browser(
            &office,
            "POST",
            "/api/v1/tokens",
            Some(json!({ "count": 2, "unit": "p2", "counter": "quay-1" })),
            true,
        )
        .await;
    assert_eq!(tokens.status, StatusCode::FORBIDDEN, "{}", tokens.body);
    let own = city
        .browser(
            &office,
            "POST",
            "/api/v1/tokens",
            Some(json!({ "count": 2, "unit": "p1", "counter": "quay-1" })),
            true,
        )
        .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);
    assert_eq!(city.get(&office, "/api/v1/audit.csv").await.status, StatusCode::FORBIDDEN);
    assert_eq!(city.get(&office, "/api/v1/accounts").await.status, StatusCode::FORBIDDEN);

    let leader = city.sign_in("ld-p1", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let per_officer = city.get(&leader, "/api/v1/tally.csv?by=staff&profile=rfc4180").await;
    assert_eq!(per_officer.status, StatusCode::OK, "{}", per_officer.body);
    assert!(per_officer.body.contains("can-bo-a") && per_officer.body.contains("can-bo-b"), "{}", per_officer.body);
    assert!(!per_officer.body.contains("can-bo-c"), "another ward's officers never");
    let audit = city.get(&leader, "/api/v1/audit.csv").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("tokens.issue") && !audit.body.contains("\"p2\""), "{}", audit.body);

    let viewer = city.sign_in("so-noi-vu", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let figures = city.get(&viewer, "/api/v1/figures?by=unit").await.json();
    let csv = figures["tally_csv"].as_str().unwrap();
    assert!(csv.contains("p1") && csv.contains("p2") && !csv.contains("can-bo-"), "{csv}");
    let units: Vec<&str> =
        figures["units"].as_array().unwrap().iter().map(|unit| unit["code"].as_str().unwrap()).collect();
    assert_eq!(units, ["p1", "p2", "tp"]);
    assert_eq!(city.get(&viewer, "/api/v1/tally.csv?by=staff").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        city.get(&viewer, "/api/v1/responses.csv?survey=danh-gia-tai-quay@2026.1").await.status,
        StatusCode::FORBIDDEN
    );
    let add = city
        .browser(&viewer, "POST", "/api/v1/units", Some(json!({ "code": "p3", "parent": "tp", "name_vi": "P3" })), true)
        .await;
    assert_eq!(add.status, StatusCode::FORBIDDEN, "{}", add.body);

    // The ward's figures are what its kiosks sent: 12 ratings, 9 satisfied.
    let index = city.get(&office, "/api/v1/index.csv?by=unit&profile=rfc4180").await;
    assert_eq!(index.status, StatusCode::OK, "{}", index.body);
    let p1 = index.body.lines().find(|line| line.contains("p1") && line.contains("muc-do-hai-long")).unwrap();
    assert!(p1.contains(",12,"), "{p1}");
}

#[tokio::test]
async fn a_session_needs_its_csrf_token_for_a_change_and_ends_at_sign_out() {
    let city = populated().await;
    assert!(city.sign_in("vp-p1", "sai mật khẩu rồi nhé").await.is_err());
    let admin = city.sign_in(ADMIN.0, ADMIN.1).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let me = city.get(&admin, "/api/v1/session").await;
    assert_eq!(me.json()["account"]["role"], "admin", "{}", me.body);

    let body = json!({ "code": "p3", "parent": "tp", "name_vi": "Phường 3" });
    let without = city.browser(&admin, "POST", "/api/v1/units", Some(body.clone()), false).await;
    assert_eq!(without.status, StatusCode::FORBIDDEN, "{}", without.body);
    let forged = Browser { csrf: "0".repeat(64), ..admin.clone() };
    assert_eq!(
        city.browser(&forged, "POST", "/api/v1/units", Some(body.clone()), true).await.status,
        StatusCode::FORBIDDEN
    );
    let request = Request::post("/api/v1/units")
        .header(header::COOKIE, &admin.cookie)
        .header("x-csrf-token", &admin.csrf)
        .header(header::ORIGIN, "https://evil.example")
        .header(header::HOST, "hailong.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    assert_eq!(city.send(request).await.status, StatusCode::FORBIDDEN, "another site's page is refused");
    let form = Request::post("/api/v1/units")
        .header(header::COOKIE, &admin.cookie)
        .header("x-csrf-token", &admin.csrf)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(body.to_string()))
        .unwrap();
    assert_eq!(city.send(form).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(city.tree().iter().all(|unit| unit.code != "p3"), "nothing was made by a refused change");
    assert_eq!(city.browser(&admin, "POST", "/api/v1/units", Some(body), true).await.status, StatusCode::CREATED);

    // A new password ends the account's other sessions, not this one.
    let other = city.sign_in(ADMIN.0, ADMIN.1).await.unwrap();
    let change = json!({ "current": ADMIN.1, "new": "một mật khẩu mới khá dài" });
    let changed = city.browser(&admin, "POST", "/api/v1/session/password", Some(change), true).await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.body);
    assert_eq!(city.get(&admin, "/api/v1/session").await.status, StatusCode::OK);
    let ended = city.get(&other, "/api/v1/session").await;
    assert_eq!(ended.status, StatusCode::UNAUTHORIZED);
    assert!(!ended.headers.contains_key(header::WWW_AUTHENTICATE), "the app's own sign-in page, not the browser's box");

    let out = city.browser(&admin, "DELETE", "/api/v1/session", None, true).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.headers[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(city.get(&admin, "/api/v1/figures").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_tree_refuses_a_duplicate_a_cycle_and_removing_what_holds_responses_and_changes_nothing() {
    let city = populated().await;
    let before = city.tree();
    let duplicate = city.admin("POST", "/api/v1/units", Some(json!({ "code": "p1", "name_vi": "Lần nữa" }))).await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT, "{}", duplicate.body);
    let cycle = city.admin("PATCH", "/api/v1/units/tp", Some(json!({ "parent": "p1" }))).await;
    assert_eq!(cycle.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", cycle.body);
    assert!(cycle.json()["error"].as_str().unwrap().contains("cycle"), "{}", cycle.body);
    let itself = city.admin("PATCH", "/api/v1/units/p1", Some(json!({ "parent": "p1" }))).await;
    assert_eq!(itself.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", itself.body);
    let holding = city.admin("DELETE", "/api/v1/units/p2", None).await;
    assert_eq!(holding.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", holding.body);
    assert!(holding.body.contains("responses"), "{}", holding.body);
    let parent = city.admin("DELETE", "/api/v1/units/tp", None).await;
    assert_eq!(parent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", parent.body);
    let counter = city.admin("DELETE", "/api/v1/units/p1/counters/quay-1", None).await;
    assert_eq!(counter.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", counter.body);
    let bad_name = city.admin("POST", "/api/v1/units", Some(json!({ "code": "p9", "name_vi": "  " }))).await;
    assert_eq!(bad_name.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad_name.body);
    let bad_code = city.admin("POST", "/api/v1/units", Some(json!({ "code": "p 9/..", "name_vi": "P9" }))).await;
    assert_eq!(bad_code.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad_code.body);
    assert_eq!(city.tree(), before, "nothing stored changed");

    // A move that makes no cycle, and a name decomposed on the way in, kept as NFC.
    let moved = city
        .admin("POST", "/api/v1/units", Some(json!({ "code": "p3", "name_vi": "Phu\u{31b}o\u{31b}\u{300}ng 3" })))
        .await;
    assert_eq!(moved.status, StatusCode::CREATED, "{}", moved.body);
    assert_eq!(moved.json()["name_vi"], "Phường 3");
    assert_eq!(
        city.admin("PATCH", "/api/v1/units/p3", Some(json!({ "parent": "tp" }))).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(city.admin("DELETE", "/api/v1/units/p3", None).await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn the_audit_log_records_each_action_and_an_edited_entry_is_reported() {
    let city = populated().await;
    assert!(city.sign_in("vp-p2", "sai mật khẩu rồi nhé").await.is_err());
    let office = city.sign_in("vp-p2", PASSWORD).await.unwrap();
    let raw = city.get(&office, "/api/v1/responses.csv?survey=danh-gia-tai-quay@2026.1").await;
    assert_eq!(raw.status, StatusCode::OK);
    let rows = city.store.audit_rows(None).unwrap();
    let actions: Vec<&str> = rows.iter().map(|row| row.action.as_str()).collect();
    for action in
        ["unit.add", "counter.name", "account.add", "device.add", "sign-in.failed", "sign-in", "export.responses"]
    {
        assert!(actions.contains(&action), "{action} is not in {actions:?}");
    }
    assert!(rows.iter().any(|row| row.action == "unit.add" && row.actor == ADMIN.0 && row.target == "p2"));
    let check = city.store.check_audit().unwrap();
    assert!(check.problems.is_empty(), "{:?}", check.problems);

    // Edit one entry behind the server's back: the check names it.
    let connection = rusqlite::Connection::open(&city.db).unwrap();
    connection.execute("UPDATE audit SET target = 'p9' WHERE seq = 3", []).unwrap();
    let problems = city.store.check_audit().unwrap().problems;
    assert_eq!(problems, ["entry 3: its content does not match its SHA-256 (edited)"]);
    connection.execute("DELETE FROM audit WHERE seq = 5", []).unwrap();
    let problems = city.store.check_audit().unwrap().problems;
    assert!(problems.iter().any(|problem| problem.contains("entries 5 to 5 are missing")), "{problems:?}");
    let last = rows.last().unwrap().seq;
    connection.execute("DELETE FROM audit WHERE seq = ?1", [last]).unwrap();
    let problems = city.store.check_audit().unwrap().problems;
    assert!(problems.iter().any(|problem| problem.contains("cut from the end")), "{problems:?}");
}

#[tokio::test]
async fn a_pairing_code_works_once_gives_the_kiosk_its_configuration_and_a_change_raises_its_version() {
    let city = populated().await;
    let made = city
        .admin(
            "POST",
            "/api/v1/devices",
            Some(json!({ "name": "kiosk-p1-quay-1", "unit": "p1", "counter": "quay-1", "survey_id": "danh-gia-tai-quay" })),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let code = made.json()["pairing_code"].as_str().unwrap().to_owned();
    let pair = |code: String| {
        Request::post("/api/v1/pair")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({ "code": code }).to_string()))
            .unwrap()
    };
    // Typed in lower case without its dash, as a person might.
    let paired = city.send(pair(code.to_lowercase().replace('-', ""))).await;
    assert_eq!(paired.status, StatusCode::OK, "{}", paired.body);
    let paired = paired.json();
    let config = &paired["config"];
    assert_eq!((config["unit"].as_str(), config["unit_name"].as_str()), (Some("p1"), Some("Phường An Khánh")));
    assert_eq!(
        (config["counter_name"].as_str(), config["survey_id"].as_str()),
        (Some("Quầy số 1"), Some("danh-gia-tai-quay"))
    );
    let token = paired["device_token"].as_str().unwrap().to_owned();
    assert_eq!(city.send(pair(code.clone())).await.status, StatusCode::FORBIDDEN, "a code works once");
    assert_eq!(city.kiosk_sends(&token, &[rating("p1", "quay-1", "x", "hai-long")]).await.status, StatusCode::CREATED);

    let ask_config = |token: &str| {
        Request::get("/api/v1/device/config")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    let before = city.send(ask_config(&token)).await.json()["version"].as_u64().unwrap();
    let office = city.sign_in("vp-p1", PASSWORD).await.unwrap();
    let change = city
        .browser(&office, "PATCH", "/api/v1/devices/kiosk-p1-quay-1", Some(json!({ "survey_id": "sipas" })), true)
        .await;
    assert_eq!(change.status, StatusCode::NO_CONTENT, "{}", change.body);
    let after = city.send(ask_config(&token)).await.json();
    assert_eq!((after["version"].as_u64().unwrap(), after["survey_id"].as_str()), (before + 1, Some("sipas")));
    // Another ward's office cannot touch it, and is told as for a kiosk that does not exist.
    let other = city.sign_in("vp-p2", PASSWORD).await.unwrap();
    let theirs =
        city.browser(&other, "PATCH", "/api/v1/devices/kiosk-p1-quay-1", Some(json!({ "counter": "x" })), true).await;
    let nobody = city.browser(&other, "PATCH", "/api/v1/devices/khong-co", Some(json!({ "counter": "x" })), true).await;
    assert_eq!((theirs.status, &theirs.body), (nobody.status, &nobody.body));
    assert_eq!(theirs.status, StatusCode::FORBIDDEN);
    let bad = city
        .browser(&office, "PATCH", "/api/v1/devices/kiosk-p1-quay-1", Some(json!({ "survey_id": "khong-co" })), true)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);

    // Opening hours, officers and the one on duty, set from the server; a bad one changes nothing.
    let week = json!([
        "07:30-11:30, 13:30-17:00",
        "07:30-11:30, 13:30-17:00",
        "07:30-11:30, 13:30-17:00",
        "07:30-11:30, 13:30-17:00",
        "07:30-11:30, 13:30-17:00",
        "07:30-11:30",
        ""
    ]);
    let officers = json!([{ "code": "cb-01", "name": "Nguyễn Văn An" }, { "code": "cb-02", "name": "Trần Thị Bình" }]);
    let duty = json!({ "week_hours": week, "officers": officers, "on_duty": "cb-02" });
    let set = city.browser(&office, "PATCH", "/api/v1/devices/kiosk-p1-quay-1", Some(duty), true).await;
    assert_eq!(set.status, StatusCode::NO_CONTENT, "{}", set.body);
    let config = city.send(ask_config(&token)).await.json();
    assert_eq!((config["week_hours"].clone(), config["officers"].clone()), (week.clone(), officers.clone()));
    assert_eq!(config["on_duty"], "cb-02");
    for (body, field) in [
        (json!({ "week_hours": ["07:30-11:30"] }), "week_hours"),
        (json!({ "week_hours": ["7h-11h", "", "", "", "", "", ""] }), "week_hours[0]"),
        (json!({ "week_hours": ["11:30-07:30", "", "", "", "", "", ""] }), "week_hours[0]"),
        (json!({ "on_duty": "cb-99" }), "on_duty"),
        (json!({ "officers": [{ "code": "Cán bộ 1", "name": "A" }] }), "officers[0].code"),
        (
            json!({ "officers": [{ "code": "cb-01", "name": "A" }, { "code": "cb-01", "name": "B" }] }),
            "officers[1].code",
        ),
        (json!({ "officers": [{ "code": "cb-01", "name": "A\u{0}" }] }), "officers[0].name"),
    ] {
        let refused = city.browser(&office, "PATCH", "/api/v1/devices/kiosk-p1-quay-1", Some(body), true).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", refused.body);
        assert!(refused.body.contains(field), "{field}: {}", refused.body);
    }
    let unchanged = city.send(ask_config(&token)).await.json();
    assert_eq!(unchanged, config, "refusals change nothing, not even the version");

    // An expired code, and a new code that ends the old token.
    let now = server::http::state::now_millis() / 1000;
    let late = city
        .store
        .pairing_code("kiosk-p1-quay-1", now - server::storage::devices::PAIRING_SECONDS - 1, &actor())
        .unwrap();
    assert_eq!(city.send(pair(late)).await.status, StatusCode::FORBIDDEN, "an expired code");
    let fresh = city.store.pairing_code("kiosk-p1-quay-1", now, &actor()).unwrap();
    let again = city.send(pair(fresh)).await.json();
    assert_ne!(again["device_token"].as_str().unwrap(), token);
    assert_eq!(city.send(ask_config(&token)).await.status, StatusCode::UNAUTHORIZED, "the old tablet's token stops");

    // Revoked from the web: not by another ward (told as for a kiosk that does not exist), then
    // by its own ward's office; its token stops at once.
    let theirs = city.browser(&other, "DELETE", "/api/v1/devices/kiosk-p1-quay-1", None, true).await;
    let nobody = city.browser(&other, "DELETE", "/api/v1/devices/khong-co", None, true).await;
    assert_eq!((theirs.status, &theirs.body), (nobody.status, &nobody.body));
    assert_eq!(theirs.status, StatusCode::FORBIDDEN);
    let new_token = again["device_token"].as_str().unwrap().to_owned();
    assert_eq!(city.send(ask_config(&new_token)).await.status, StatusCode::OK);
    let revoked = city.browser(&office, "DELETE", "/api/v1/devices/kiosk-p1-quay-1", None, true).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.body);
    assert_eq!(city.send(ask_config(&new_token)).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_phone_page_names_the_unit_and_counter_the_server_knows() {
    let city = populated().await;
    let page = city.send(Request::get("/p/p1/quay-1").body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<strong class=\"unit-name\">Phường An Khánh · Quầy số 1</strong>"), "{}", page.body);
    assert!(
        page.body.contains("<meta name=\"hailong-place\" content=\"Phường An Khánh · Quầy số 1\">"),
        "{}",
        page.body
    );
    let unknown = city.send(Request::get("/p/khong-co/quay-1").body(Body::empty()).unwrap()).await;
    assert!(!unknown.body.contains("unit-name") && !unknown.body.contains("hailong-place"), "{}", unknown.body);
}

#[tokio::test]
async fn each_ward_certifies_its_own_period_and_its_published_page_names_it() {
    let city = populated().await;
    let office = city.sign_in("vp-p1", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let viewer = city.sign_in("so-noi-vu", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let survey = "danh-gia-tai-quay@2026.1";
    let state = |unit: &str| format!("/api/v1/certificates?survey={survey}&period=2026-11&unit={unit}");
    let asked = |unit: &str, period: &str| json!({ "survey": survey, "period": period, "unit": unit });

    // Before: what certifying would lock is the ward's 12 responses, not the city's 15.
    let before = city.get(&office, &state("p1")).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    let before = before.json();
    assert_eq!((before["certificate"].clone(), before["to_lock"]["responses"].clone()), (Value::Null, json!(12)));
    assert_eq!(before["ended"], true);
    let draft = city.send(Request::get("/results/p1/2026-11").body(Body::empty()).unwrap()).await;
    assert_eq!(draft.status, StatusCode::NOT_FOUND);

    // The other ward, the whole server and a viewer are refused, and nothing is stored.
    for (who, body) in [
        (&office, asked("p2", "2026-11")),
        (&office, json!({ "survey": survey, "period": "2026-11" })),
        (&viewer, asked("p1", "2026-11")),
    ] {
        let refused = city.browser(who, "POST", "/api/v1/certificates", Some(body), true).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    }
    assert_eq!(city.get(&office, &state("p2")).await.status, StatusCode::FORBIDDEN);
    // A period not ended needs `early`; without the CSRF token nothing is certified.
    let open = city.browser(&office, "POST", "/api/v1/certificates", Some(asked("p1", "2099-Q4")), true).await;
    assert_eq!(open.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", open.body);
    assert!(open.body.contains("early"), "{}", open.body);
    let forged = city.browser(&office, "POST", "/api/v1/certificates", Some(asked("p1", "2026-11")), false).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    assert!(city.store.certificates("2026-11").unwrap().is_empty());
    assert!(city.store.certificates("2099-Q4").unwrap().is_empty());

    // The dossiers the ward received: entered by its office before certifying, within reach
    // only, and checked.
    let dossiers = |unit: &str| format!("/api/v1/dossiers/{unit}/2026-11");
    let entered = json!({ "dossiers": { "": 20 } });
    let put = city.browser(&office, "PUT", &dossiers("p1"), Some(entered.clone()), true).await;
    assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.body);
    assert_eq!(city.get(&office, &dossiers("p1")).await.json()["dossiers"], json!({ "": 20 }));
    for (who, unit, body, status) in [
        (&office, "p2", entered.clone(), StatusCode::FORBIDDEN),
        (&viewer, "p1", entered.clone(), StatusCode::FORBIDDEN),
        (&office, "p1", json!({ "dossiers": { "Hộ tịch": 5 } }), StatusCode::UNPROCESSABLE_ENTITY),
        (&office, "p1", json!({ "dossiers": { "": 50_000_000 } }), StatusCode::UNPROCESSABLE_ENTITY),
        (&office, "p1", json!({ "dossiers": { "": -1 } }), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let refused = city.browser(who, "PUT", &dossiers(unit), Some(body), true).await;
        assert_eq!(refused.status, status, "{unit}: {}", refused.body);
    }
    let odd = city.admin("PUT", "/api/v1/dossiers/Ph%C6%B0%E1%BB%9Dng%201/2026-11", Some(entered.clone())).await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY, "not a unit code: {}", odd.body);
    assert_eq!(
        city.get(&office, &dossiers("p1")).await.json()["dossiers"],
        json!({ "": 20 }),
        "refusals change nothing"
    );
    let figures = city.get(&viewer, "/api/v1/figures?by=unit").await.json();
    assert_eq!(figures["dossiers"], json!({ "2026-11": { "": 20 } }));

    let made = city.browser(&office, "POST", "/api/v1/certificates", Some(asked("p1", "2026-11")), true).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.json()["unit"], "p1");
    let again = city.browser(&office, "POST", "/api/v1/certificates", Some(asked("p1", "2026-11")), true).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

    // Checked against what is stored now: it holds, and a late response is named apart.
    let kiosk = city.store.add_device("kiosk-p1-late", Some("p1"), &actor()).unwrap();
    assert_eq!(
        city.kiosk_sends(&kiosk, &[rating("p1", "quay-1", "can-bo-a", "hai-long")]).await.status,
        StatusCode::CREATED
    );
    let after = city.get(&office, &state("p1")).await.json();
    assert_eq!(after["certificate"]["responses"].as_object().unwrap().len(), 12, "{after}");
    assert_eq!(after["verification"]["late"].as_array().unwrap().len(), 1, "{after}");
    assert!(after["verification"]["changed"].as_array().unwrap().is_empty());
    assert_eq!(after["published"], "/results/p1/2026-11");

    // Certified, the period's dossiers are locked with the certificate: the page's rate cannot
    // move (a ward entering dossiers after its province certified moved 36 % to 156 %).
    let locked = city.browser(&office, "PUT", &dossiers("p1"), Some(json!({ "dossiers": { "": 200 } })), true).await;
    assert_eq!(locked.status, StatusCode::CONFLICT, "{}", locked.body);
    assert!(locked.body.contains("locked with the certificate"), "{}", locked.body);
    assert_eq!(city.get(&office, &dossiers("p1")).await.json()["dossiers"], json!({ "": 20 }), "nothing changed");
    assert_eq!(
        made.json()["dossiers"],
        json!({ "p1": { "": 20 } }),
        "the certificate keeps the dossiers it divides by"
    );

    // The ward's page: its name, its 12 certified responses of 20 dossiers, no officer.
    let page = city.send(Request::get("/results/p1/2026-11").body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("60,0 %"), "12 of 20 dossiers: {}", page.body);
    assert!(page.body.contains("Phường An Khánh (p1)"), "{}", page.body);
    assert!(page.body.contains(made.json()["tally_sha256"].as_str().unwrap()));
    assert!(!page.body.contains("can-bo-"));
    // What the ward did about what citizens said: written by its leader, never by its office,
    // shown on its page as written (escaped).
    let leader = city.sign_in("ld-p1", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let reply = "Đã bố trí thêm ghế chờ.\nCán bộ <quầy 1> được nhắc nhở.";
    let refused =
        city.browser(&office, "PUT", "/api/v1/replies/p1/2026-11", Some(json!({ "text": reply })), true).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let bad =
        city.browser(&leader, "PUT", "/api/v1/replies/p1/2026-11", Some(json!({ "text": "a\u{1b}b" })), true).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let written =
        city.browser(&leader, "PUT", "/api/v1/replies/p1/2026-11", Some(json!({ "text": reply })), true).await;
    assert_eq!(written.status, StatusCode::NO_CONTENT, "{}", written.body);
    assert_eq!(city.get(&office, "/api/v1/replies/p1/2026-11").await.json()["text"], reply);
    let page = city.send(Request::get("/results/p1/2026-11").body(Body::empty()).unwrap()).await;
    assert!(page.body.contains("Kết quả tiếp thu, giải quyết"), "{}", page.body);
    assert!(page.body.contains("Cán bộ &lt;quầy 1&gt; được nhắc nhở."), "{}", page.body);

    // The other ward and the city have no certificate of theirs: no page.
    for path in ["/results/p2/2026-11", "/results/tp/2026-11"] {
        let none = city.send(Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(none.status, StatusCode::NOT_FOUND, "{path}: {}", none.body);
    }

    // The city certifies its whole subtree; its page counts both wards (12 + 3 + the late one)
    // by name, and the ward's page stays made from the ward's own certificate.
    let made = city.admin("POST", "/api/v1/certificates", Some(asked("tp", "2026-11"))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let page = city.send(Request::get("/results/tp/2026-11").body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for name in ["Thành phố Thủ Đức (tp)", "Phường An Khánh (p1)", "Phường Bình Trưng (p2)"] {
        assert!(page.body.contains(name), "{name}: {}", page.body);
    }
    assert!(page.body.contains(">16<"), "16 responses: {}", page.body);
    let ward = city.send(Request::get("/results/p2/2026-11").body(Body::empty()).unwrap()).await;
    assert_eq!(ward.status, StatusCode::OK, "from the city's certificate: {}", ward.body);
    let p1 = city.send(Request::get("/results/p1/2026-11").body(Body::empty()).unwrap()).await;
    assert!(p1.body.contains(">12<") && !p1.body.contains(">13<"), "{}", p1.body);

    let audit = city.store.audit_rows(None).unwrap();
    assert_eq!(audit.iter().filter(|entry| entry.action == "certify").count(), 2);
    assert_eq!(audit.iter().filter(|entry| entry.action == "dossiers.set").count(), 1);
    assert!(audit.iter().any(|entry| entry.action == "certify" && entry.unit.as_deref() == Some("p1")));
}

#[tokio::test]
async fn a_wards_leader_sees_its_low_ratings_and_marks_them_followed_up_once() {
    let city = populated().await;
    let leader = city.sign_in("ld-p1", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let office = city.sign_in("vp-p1", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let viewer = city.sign_in("so-noi-vu", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let path = "/api/v1/followups?period=2026-11";
    for who in [&office, &viewer] {
        assert_eq!(city.get(who, path).await.status, StatusCode::FORBIDDEN, "for a unit's leaders only");
    }
    let listed = city.get(&leader, path).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let listed = listed.json();
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "p1's three not satisfied, not p2's: {listed}");
    assert!(items.iter().all(|item| item["unit"] == "p1" && item["counter_name"] == "Quầy số 1"));
    assert!(!listed.to_string().contains("can-bo-"), "never the officer: {listed}");
    assert_eq!(listed["figure"], json!({ "days": 1, "low": 3, "followed": 0, "in_time": 0 }));

    let first = items[0]["response_id"].as_str().unwrap().to_owned();
    let mark = |id: &str| format!("/api/v1/followups/{id}");
    let note = json!({ "note": "Đã gọi lại cho công dân, xin lỗi vì chờ lâu." });
    for (who, id, body, status) in [
        (&office, first.as_str(), note.clone(), StatusCode::FORBIDDEN),
        (&leader, first.as_str(), json!({ "note": "  " }), StatusCode::UNPROCESSABLE_ENTITY),
        (&leader, first.as_str(), json!({ "note": "x\u{7}" }), StatusCode::UNPROCESSABLE_ENTITY),
        (&leader, "khong-co", note.clone(), StatusCode::FORBIDDEN),
    ] {
        let refused = city.browser(who, "POST", &mark(id), Some(body), true).await;
        assert_eq!(refused.status, status, "{id}: {}", refused.body);
    }
    // Another ward's low rating is refused as one that does not exist is; a satisfied one is
    // not a low rating.
    let p2 = city.store.checked_records(&survey::definition::catalog::Catalog::new(survey_defs::all())).unwrap().0;
    let theirs = p2.iter().find(|record| record.unit.as_deref() == Some("p2")).unwrap().response_id.clone();
    let satisfied = p2
        .iter()
        .find(|record| {
            record.unit.as_deref() == Some("p1")
                && record.answers.get("muc-do-hai-long")
                    == Some(&survey::definition::answer::Answer::Choice("hai-long".into()))
        })
        .unwrap()
        .response_id
        .clone();
    let other = city.browser(&leader, "POST", &mark(&theirs), Some(note.clone()), true).await;
    let nobody = city.browser(&leader, "POST", &mark("khong-co"), Some(note.clone()), true).await;
    assert_eq!((other.status, &other.body), (nobody.status, &nobody.body));
    let not_low = city.browser(&leader, "POST", &mark(&satisfied), Some(note.clone()), true).await;
    assert_eq!(not_low.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", not_low.body);
    assert_eq!(city.get(&leader, path).await.json()["figure"]["followed"], 0, "refusals change nothing");

    let done = city.browser(&leader, "POST", &mark(&first), Some(note.clone()), true).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.body);
    let again = city.browser(&leader, "POST", &mark(&first), Some(note.clone()), true).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let after = city.get(&leader, path).await.json();
    // Followed up ten days after the rating: followed, not in time.
    assert_eq!(after["figure"], json!({ "days": 1, "low": 3, "followed": 1, "in_time": 0 }));
    let items = after["items"].as_array().unwrap();
    assert_eq!(items.last().unwrap()["response_id"], first.as_str(), "the ones still to do come first");
    assert_eq!(items.last().unwrap()["followed"]["by"], "ld-p1");
    let audit = city.store.audit_rows(None).unwrap();
    assert!(audit.iter().any(|entry| entry.action == "followup" && entry.target == first));
    assert!(!audit.iter().any(|entry| entry.target.contains("gọi lại")), "the note stays out of the log");
}

#[tokio::test]
async fn comments_are_tagged_within_reach_and_the_certified_page_shows_topics_and_only_masked_quotes() {
    let city = populated().await;
    let office = city.sign_in("vp-p1", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let leader = city.sign_in("ld-p1", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let viewer = city.sign_in("so-noi-vu", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    // Eleven citizens of p1 write; one gives a phone number; one of p2 writes too.
    let kiosk = city.store.add_device("kiosk-p1-comments", Some("p1"), &actor()).unwrap();
    let written: Vec<Value> = (0..11)
        .map(|n| {
            let mut record = rating("p1", "quay-1", "can-bo-a", "khong-hai-long");
            let text = if n == 0 {
                "Chờ lâu quá, gọi tôi 0912 345 678".to_owned()
            } else {
                format!("Ý kiến số {n}")
            };
            record["answers"]["y-kien"] = json!({ "kind": "text", "value": text });
            record
        })
        .collect();
    assert_eq!(city.kiosk_sends(&kiosk, &written).await.status, StatusCode::CREATED);
    let mut theirs = rating("p2", "quay-1", "can-bo-c", "khong-hai-long");
    theirs["answers"]["y-kien"] = json!({ "kind": "text", "value": "Phường khác viết" });
    let kiosk_2 = city.store.add_device("kiosk-p2-comments", Some("p2"), &actor()).unwrap();
    let sent = city.kiosk_sends(&kiosk_2, &[theirs.clone()]).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);

    let path = "/api/v1/comments?period=2026-11";
    assert_eq!(city.get(&viewer, path).await.status, StatusCode::FORBIDDEN, "a viewer does not sort comments");
    let listed = city.get(&office, path).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let listed = listed.json();
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 11, "p1's own, not p2's: {listed}");
    assert!(!listed.to_string().contains("0912"), "masked as stored: {listed}");
    assert!(!listed.to_string().contains("can-bo-") && !listed.to_string().contains("quay-1"), "{listed}");
    assert_eq!(listed["topics"]["p1"].as_array().unwrap().len(), 6, "the default topics: {listed}");
    let state = "/api/v1/certificates?survey=danh-gia-tai-quay@2026.1&period=2026-11&unit=p1";
    assert_eq!(city.get(&office, state).await.json()["to_lock"]["unsorted_comments"], 11, "said before certifying");

    // The ward's leader sets its own list; office staff may not, nor for another ward.
    let topics = json!({ "topics": ["Thái độ phục vụ", "Thời gian chờ", "Khác"] });
    for (who, unit, body, status) in [
        (&office, "p1", topics.clone(), StatusCode::FORBIDDEN),
        (&leader, "p2", topics.clone(), StatusCode::FORBIDDEN),
        (&leader, "p1", json!({ "topics": ["Khác", "khác"] }), StatusCode::UNPROCESSABLE_ENTITY),
        (&leader, "p1", json!({ "topics": ["a\nb"] }), StatusCode::UNPROCESSABLE_ENTITY),
        (&leader, "p1", topics.clone(), StatusCode::NO_CONTENT),
    ] {
        let answer = city.browser(who, "PUT", &format!("/api/v1/topics/{unit}"), Some(body), true).await;
        assert_eq!(answer.status, status, "{unit}: {}", answer.body);
    }
    assert_eq!(city.get(&office, "/api/v1/topics/p1").await.json()["topics"], topics["topics"]);
    assert_eq!(city.get(&office, "/api/v1/topics/p1").await.json()["own"], true);

    let record_of = |text: &str| {
        items.iter().find(|item| item["text"].as_str().unwrap().contains(text)).unwrap()["response_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let phone = record_of("Chờ lâu");
    let tag = |id: &str| format!("/api/v1/comments/{id}/y-kien");
    let p2_id = theirs["response_id"].as_str().unwrap().to_owned();
    for (id, body, status) in [
        (phone.as_str(), json!({ "topics": ["Cơ sở vật chất"] }), StatusCode::UNPROCESSABLE_ENTITY),
        (phone.as_str(), json!({ "topics": [], "quotable": true, "extra": 1 }), StatusCode::UNPROCESSABLE_ENTITY),
        (p2_id.as_str(), json!({ "topics": ["Khác"] }), StatusCode::FORBIDDEN),
        ("khong-co", json!({ "topics": ["Khác"] }), StatusCode::FORBIDDEN),
    ] {
        let refused = city.browser(&office, "PUT", &tag(id), Some(body), true).await;
        assert_eq!(refused.status, status, "{id}: {}", refused.body);
    }
    let no_comment = city
        .browser(&office, "PUT", &format!("/api/v1/comments/{phone}/ly-do"), Some(json!({ "topics": ["Khác"] })), true)
        .await;
    assert_eq!(no_comment.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", no_comment.body);
    assert!(city.store.comment_tags().unwrap().is_empty(), "refusals change nothing");

    // Every comment tagged; the one with a phone number quotable, and one other.
    for item in items {
        let id = item["response_id"].as_str().unwrap();
        let quotable = id == phone || item["text"] == "Ý kiến số 3";
        let topics =
            if id == phone { json!(["Thời gian chờ", "Thái độ phục vụ"]) } else { json!(["Khác"]) };
        let answer =
            city.browser(&office, "PUT", &tag(id), Some(json!({ "topics": topics, "quotable": quotable })), true).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.body);
    }
    let listed = city.get(&office, path).await.json();
    assert!(listed["items"].as_array().unwrap().iter().all(|item| item["tagged"] == true));
    assert_eq!(city.get(&office, state).await.json()["to_lock"]["unsorted_comments"], 0);

    // The export carries the tags, masked.
    let csv = city.get(&office, "/api/v1/comments.csv?period=2026-11&profile=rfc4180").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.body.lines().next().unwrap().ends_with("comment,topics,quotable"), "{}", csv.body);
    assert!(csv.body.contains("Thời gian chờ; Thái độ phục vụ,1"), "{}", csv.body);
    assert!(!csv.body.contains("0912") && !csv.body.contains("Phường khác"), "{}", csv.body);

    // Certified: the page counts per topic and quotes only the quotable, masked.
    let asked = json!({ "survey": "danh-gia-tai-quay@2026.1", "period": "2026-11", "unit": "p1" });
    let made = city.browser(&office, "POST", "/api/v1/certificates", Some(asked), true).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let page = city.send(Request::get("/results/p1/2026-11").body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Ý kiến theo chủ đề"), "{}", page.body);
    assert!(page.body.contains("<th scope=\"row\">Khác</th><td class=\"num\">10</td>"), "{}", page.body);
    assert!(page.body.contains("Ý kiến số 3") && page.body.contains("Chờ lâu quá"), "{}", page.body);
    assert!(!page.body.contains("Ý kiến số 4"), "only the quotable: {}", page.body);
    assert!(!page.body.contains("0912") && !page.body.contains("345 678"), "{}", page.body);
    assert!(!page.body.contains("Phường khác viết"));

    // The city's page sums its wards' comments from its own certificate: p2's is counted, untagged.
    let asked = json!({ "survey": "danh-gia-tai-quay@2026.1", "period": "2026-11", "unit": "tp" });
    assert_eq!(city.admin("POST", "/api/v1/certificates", Some(asked)).await.status, StatusCode::CREATED);
    let page = city.send(Request::get("/results/tp/2026-11").body(Body::empty()).unwrap()).await;
    assert!(page.body.contains("<th scope=\"row\">Khác</th><td class=\"num\">10</td>"), "{}", page.body);
    assert!(page.body.contains("12 ý kiến, 11 đã phân loại"), "{}", page.body);
    assert!(!page.body.contains("Phường khác viết") && !page.body.contains("0912"), "{}", page.body);

    // Its tags are now kept with the certificate.
    let locked = city.browser(&office, "PUT", &tag(&phone), Some(json!({ "topics": ["Khác"] })), true).await;
    assert_eq!(locked.status, StatusCode::CONFLICT, "{}", locked.body);
    let listed = city.get(&office, path).await.json();
    assert!(listed["items"].as_array().unwrap().iter().all(|item| item["locked"] == true), "{listed}");
    let audit = city.store.audit_rows(None).unwrap();
    assert_eq!(audit.iter().filter(|entry| entry.action == "comment.tag").count(), 11);
    assert!(audit.iter().any(|entry| entry.action == "topics.set" && entry.unit.as_deref() == Some("p1")));
}

#[tokio::test]
async fn the_report_for_the_city_counts_as_the_workspace_does_ranks_the_wards_and_names_officers_only_inside() {
    let city = populated().await;
    let viewer = city.sign_in("so-noi-vu", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let office = city.sign_in("vp-p1", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let leader = city.sign_in("ld-p1", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let path = |unit: &str, rest: &str| {
        format!("/api/v1/report?survey=danh-gia-tai-quay@2026.1&period=2026-11&unit={unit}{rest}")
    };

    let page = city.get(&viewer, &path("tp", "")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for line in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "THÀNH PHỐ THỦ ĐỨC",
        "Tháng 11 năm 2026",
        "CHỦ TỊCH",
    ] {
        assert!(page.body.contains(line), "{line}: {}", page.body);
    }
    assert!(!page.body.contains("can-bo-"), "no officer outside the internal report");
    // The wards' figures are the indices file's: p1 with 9 of 12, ranked first; p2 under the minimum, unranked.
    let index = city.get(&viewer, "/api/v1/index.csv?by=unit&from=2026-11-01&to=2026-11-30&profile=rfc4180").await;
    assert_eq!(index.status, StatusCode::OK, "{}", index.body);
    let p1 = index
        .body
        .lines()
        .find(|line| line.contains(",p1,") && line.contains(",overall,"))
        .unwrap_or_else(|| panic!("{}", index.body));
    assert!(p1.contains(",12,9,3,75.00,37.50,46.77,91.11,"), "{p1}");
    let row = |name: &str| {
        let start = page.body.find(&format!("<td>{name}</td>")).unwrap_or_else(|| panic!("{name}: {}", page.body));
        let before = &page.body[..start];
        let open = before.rfind("<tr>").unwrap();
        let end = start + page.body[start..].find("</tr>").unwrap();
        page.body[open..end].to_owned()
    };
    assert_eq!(
        row("Phường An Khánh"),
        "<tr><td class=\"num\">1</td><td>Phường An Khánh</td><td class=\"num\">12</td><td class=\"num\">9</td><td class=\"num\">75,00 %</td><td class=\"num\">46,77 %</td><td class=\"num\">91,11 %</td>"
    );
    assert!(
        row("Phường Bình Trưng").starts_with(
            "<tr><td class=\"num\">—</td><td>Phường Bình Trưng</td><td class=\"num\">3</td><td class=\"num\">—</td>"
        ),
        "{}",
        row("Phường Bình Trưng")
    );

    // Within reach only; the internal report for those who may read officers.
    assert_eq!(city.get(&office, &path("tp", "")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(city.get(&viewer, &path("tp", "&internal=true")).await.status, StatusCode::FORBIDDEN);
    // Officers are named as the ward's kiosk names them.
    let officers = json!({ "officers": [{ "code": "can-bo-a", "name": "Nguyễn Văn An" }] });
    let set = city.admin("PATCH", "/api/v1/devices/kiosk-p1", Some(officers)).await;
    assert!(set.status.is_success(), "{}", set.body);
    let inside = city.get(&leader, &path("p1", "&internal=true")).await;
    assert_eq!(inside.status, StatusCode::OK, "{}", inside.body);
    assert!(inside.body.contains("BÁO CÁO NỘI BỘ"), "{}", inside.body);
    assert!(
        inside.body.contains("<td>Nguyễn Văn An (can-bo-a)</td>") && inside.body.contains("<td>can-bo-b</td>"),
        "{}",
        inside.body
    );
    assert_eq!(city.get(&leader, &path("p1", "&format=pdf")).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    let workbook = city.get(&viewer, &path("tp", "&format=xlsx")).await;
    assert_eq!(workbook.status, StatusCode::OK);
    assert!(workbook.body.starts_with("PK"), "a zip, as XLSX is");
    assert!(workbook.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("bao-cao-tp-2026-11.xlsx"));
    let audit = city.store.audit_rows(None).unwrap();
    assert_eq!(audit.iter().filter(|entry| entry.action == "export.report").count(), 3);
}

/// A mail relay on 127.0.0.1 that keeps what it is given: each message's recipients and text.
async fn smtp_sink() -> (u16, Arc<std::sync::Mutex<Vec<(Vec<String>, String)>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let kept = Arc::new(std::sync::Mutex::new(Vec::new()));
    let into = kept.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let into = into.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ready\r\n").await.unwrap();
                let (mut to, mut data, mut in_data) = (Vec::new(), String::new(), false);
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            into.lock().unwrap().push((std::mem::take(&mut to), std::mem::take(&mut data)));
                            write.write_all(b"250 kept\r\n").await.unwrap();
                        } else {
                            data.push_str(line.strip_prefix('.').unwrap_or(&line));
                            data.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_ascii_uppercase();
                    let answer: &[u8] = if upper.starts_with("EHLO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                        b"250 ok\r\n"
                    } else if upper.starts_with("DATA") {
                        in_data = true;
                        b"354 go on\r\n"
                    } else if upper.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(answer).await.unwrap();
                }
            });
        }
    });
    (port, kept)
}

/// A message's subject and body as a mail reader shows them (RFC 2047 words, base64 or
/// quoted-printable bodies decoded).
fn read_mail(message: &str) -> (String, String) {
    let (head, body) = message.split_once("\n\n").unwrap();
    let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
    let header = |name: &str| {
        unfolded.lines().find_map(|line| line.strip_prefix(&format!("{name}: "))).unwrap_or_default().to_owned()
    };
    let decode =
        |bytes: &str| base64::engine::general_purpose::STANDARD.decode(bytes.replace(['\n', '\r', ' '], "")).unwrap();
    // Spaces between two encoded words are not text; any other space is.
    let mut subject = String::new();
    let mut last_encoded = false;
    for (at, word) in header("Subject").split(' ').enumerate() {
        let encoded = word.strip_prefix("=?utf-8?b?").and_then(|word| word.strip_suffix("?="));
        if at > 0 && !(last_encoded && encoded.is_some()) {
            subject.push(' ');
        }
        match encoded {
            Some(encoded) => subject.push_str(&String::from_utf8(decode(encoded)).unwrap()),
            None => subject.push_str(word),
        }
        last_encoded = encoded.is_some();
    }
    let body = match header("Content-Transfer-Encoding").to_ascii_lowercase().as_str() {
        "base64" => String::from_utf8(decode(body)).unwrap(),
        "quoted-printable" => {
            let joined = body.replace("=\n", "");
            let mut bytes = Vec::new();
            let mut chars = joined.bytes().peekable();
            while let Some(byte) = chars.next() {
                if byte == b'=' {
                    let hex: String =
                        [chars.next().unwrap(), chars.next().unwrap()].iter().map(|b| *b as char).collect();
                    bytes.push(u8::from_str_radix(&hex, 16).unwrap());
                } else {
                    bytes.push(byte);
                }
            }
            String::from_utf8(bytes).unwrap()
        }
        _ => body.to_owned(),
    };
    (subject, body)
}

#[tokio::test]
async fn the_daily_digest_reaches_a_local_relay_once_with_counts_and_no_personal_data() {
    let city = populated().await;
    let leader = city.sign_in("ld-p1", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let office = city.sign_in("vp-p1", PASSWORD).await.unwrap_or_else(|answer| panic!("{}", answer.body));
    let path = "/api/v1/digest/p1";
    let addresses = json!({ "addresses": ["lanh-dao@an-khanh.gov.vn", "van-phong@an-khanh.gov.vn"] });
    for (who, body, status) in [
        (&office, addresses.clone(), StatusCode::FORBIDDEN),
        (&leader, json!({ "addresses": ["không phải địa chỉ"] }), StatusCode::UNPROCESSABLE_ENTITY),
        (&leader, addresses.clone(), StatusCode::NO_CONTENT),
    ] {
        let answer = city.browser(who, "PUT", path, Some(body), true).await;
        assert_eq!(answer.status, status, "{}", answer.body);
    }
    assert_eq!(
        city.browser(&leader, "PUT", "/api/v1/digest/p2", Some(addresses.clone()), true).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(city.get(&leader, path).await.json()["addresses"], addresses["addresses"]);

    // Today's ratings at p1: two not satisfied, one with a reason, a phone number and an officer.
    let kiosk = city.store.add_device("kiosk-p1-today", Some("p1"), &actor()).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let given = survey::vn_time::format_vietnam((now.unix_timestamp() - 600) * 1000).unwrap();
    let today: Vec<Value> = (0..5)
        .map(|n| {
            let mut record = rating("p1", "quay-1", "can-bo-a", if n < 2 { "khong-hai-long" } else { "hai-long" });
            record["submitted_at"] = json!(given);
            if n == 0 {
                record["answers"]["ly-do"] = json!({ "kind": "choices", "value": { "codes": ["cho-lau"] } });
                record["answers"]["y-kien"] = json!({ "kind": "text", "value": "Gọi tôi 0912 345 678, chờ lâu" });
            }
            record
        })
        .collect();
    assert_eq!(city.kiosk_sends(&kiosk, &today).await.status, StatusCode::CREATED);

    let (port, kept) = smtp_sink().await;
    let smtp = server::routes::digest::Smtp {
        host: "127.0.0.1".into(),
        port,
        security: server::routes::digest::Security::None,
        from: "Hài Lòng <hailong@an-khanh.gov.vn>".parse().unwrap(),
        credentials: None,
        at_minutes: 0,
        public_url: Some("https://hailong.an-khanh.gov.vn".into()),
    };
    let collector = Arc::new(server::http::state::Collector::with_shipped_surveys(
        Store::open(&city.db).unwrap(),
        Default::default(),
        false,
    ));
    // A relay that does not answer: said, not marked sent, so the next round tries again.
    let closed = server::routes::digest::Smtp { port: 1, ..smtp.clone() };
    let round = server::routes::digest::send_due(&collector, &closed, now).await.unwrap();
    assert!(round.sent.is_empty() && round.failed.len() == 1 && round.failed[0].0 == "p1", "{round:?}");
    let round = server::routes::digest::send_due(&collector, &smtp, now).await.unwrap();
    assert_eq!((round.sent, round.failed), (vec!["p1".to_owned()], vec![]));
    let messages = kept.lock().unwrap().clone();
    assert_eq!(messages.len(), 1);
    let (to, message) = &messages[0];
    assert_eq!(to, &["lanh-dao@an-khanh.gov.vn", "van-phong@an-khanh.gov.vn"]);
    let (subject, body) = read_mail(message);
    assert!(
        subject.starts_with("[Hài Lòng] Phường An Khánh (p1) — ") && subject.ends_with(": 2 không hài lòng"),
        "{subject}"
    );
    for line in [
        "Đánh giá: 5\n",
        "Không hài lòng: 2 (đã xử lý 0)\n",
        "- Quầy số 1 (quay-1): 2 không hài lòng trên 5 đánh giá\n",
        "- Phải chờ đợi lâu: 1\n",
        "https://hailong.an-khanh.gov.vn/staff/may-chu#ket-qua",
    ] {
        assert!(body.contains(line), "{line}: {body}");
    }
    for private in ["0912", "345 678", "chờ lâu\n", "can-bo", &given[11..16]] {
        assert!(!message.contains(private) && !body.contains(private), "{private} is not in the digest: {body}");
    }
    // Once a day.
    assert!(server::routes::digest::send_due(&collector, &smtp, now).await.unwrap().sent.is_empty());
    assert_eq!(kept.lock().unwrap().len(), 1);
    assert!(
        city.store
            .audit_rows(None)
            .unwrap()
            .iter()
            .any(|entry| entry.action == "digest.sent" && entry.unit.as_deref() == Some("p1"))
    );
}

/// Every row that names `unit`, counted, to show a refusal changed nothing.
fn rows_naming(city: &City, unit: &str) -> Vec<i64> {
    let connection = rusqlite::Connection::open(&city.db).unwrap();
    ["responses", "units", "digest_addresses", "replies", "dossiers", "topics", "tokens"]
        .iter()
        .map(|table| {
            let column = if *table == "units" { "code" } else { "unit" };
            connection
                .query_row(&format!("SELECT COUNT(*) FROM {table} WHERE {column} = ?1"), [unit], |row| row.get(0))
                .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn a_code_stored_rows_carry_goes_to_a_unit_only_by_the_whole_servers_administrator_who_sees_what_it_brings() {
    let city = populated().await;
    let made = city
        .admin(
            "POST",
            "/api/v1/accounts",
            Some(json!({ "name": "qt-p1", "password": PASSWORD, "role": "admin", "unit": "p1" })),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    // A kiosk made before units were data sends its ward's responses under a code no unit has.
    let old_kiosk = city.store.add_device("kiosk-cu", None, &actor()).unwrap();
    let mut early = rating("phuong-cu", "quay-1", "can-bo-d", "khong-hai-long");
    early["answers"]["y-kien"] = json!({ "kind": "text", "value": "Chờ lâu quá" });
    let earlier = [early, rating("phuong-cu", "quay-1", "can-bo-d", "hai-long")];
    assert_eq!(city.kiosk_sends(&old_kiosk, &earlier).await.status, StatusCode::CREATED);
    let before = rows_naming(&city, "phuong-cu");

    // Ward p1's administrator makes a unit with that code: refused in words that tell nothing
    // of what the code holds, and nothing is stored.
    let ward_admin = city.sign_in("qt-p1", PASSWORD).await.unwrap();
    let claim = json!({ "code": "phuong-cu", "parent": "p1", "name_vi": "Tổ dân phố 3" });
    for body in [claim.clone(), json!({ "code": "phuong-cu", "parent": "p1", "name_vi": "Tổ 3", "take_over": true })]
    {
        let refused = city.browser(&ward_admin, "POST", "/api/v1/units", Some(body), true).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
        assert!(refused.body.contains("cannot be used") && !refused.body.contains("responses"), "{}", refused.body);
    }
    assert_eq!(rows_naming(&city, "phuong-cu"), before, "nothing changed");
    let figures = city.get(&ward_admin, "/api/v1/figures?by=unit").await;
    assert!(!figures.body.contains("phuong-cu") && !figures.body.contains("Chờ lâu"), "{}", figures.body);
    let comments = city.get(&ward_admin, "/api/v1/comments?period=2026-Q4").await;
    assert!(!comments.body.contains("Chờ lâu"), "{}", comments.body);

    // The whole server's administrator is told what the code carries, and takes it over on
    // purpose; the audit log says what the unit took.
    let told = city.admin("POST", "/api/v1/units", Some(claim.clone())).await;
    assert_eq!(told.status, StatusCode::CONFLICT, "{}", told.body);
    assert!(told.body.contains("2 responses") && told.body.contains("take"), "{}", told.body);
    let mut taking = claim.clone();
    taking["take_over"] = json!(true);
    let took = city.admin("POST", "/api/v1/units", Some(taking)).await;
    assert_eq!(took.status, StatusCode::CREATED, "{}", took.body);
    assert_eq!(took.json()["took_over"]["responses"], 2, "{}", took.body);
    let entry = city.store.audit_rows(None).unwrap().into_iter().rev().find(|row| row.action == "unit.add").unwrap();
    assert!(entry.target.starts_with("phuong-cu, taking over 2 responses"), "{}", entry.target);
}

#[tokio::test]
async fn a_removed_units_code_passes_nothing_on_and_is_not_given_again_by_a_ward() {
    let city = populated().await;
    let made =
        city.admin("POST", "/api/v1/units", Some(json!({ "code": "p3", "parent": "tp", "name_vi": "Xã Mới" }))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let leader_of_tp = json!({ "name": "ld-tp", "password": PASSWORD, "role": "leader", "unit": "tp" });
    assert_eq!(city.admin("POST", "/api/v1/accounts", Some(leader_of_tp)).await.status, StatusCode::CREATED);
    let leader = city.sign_in("ld-tp", PASSWORD).await.unwrap();
    let addresses = json!({ "addresses": ["lanh-dao@xa-moi.gov.vn"] });
    assert_eq!(
        city.browser(&leader, "PUT", "/api/v1/digest/p3", Some(addresses), true).await.status,
        StatusCode::NO_CONTENT
    );
    let reply = json!({ "text": "Đã sửa ghế chờ." });
    let replied = city.browser(&leader, "PUT", "/api/v1/replies/p3/2026-11", Some(reply), true).await;
    assert_eq!(replied.status, StatusCode::NO_CONTENT, "{}", replied.body);
    let dossiers = json!({ "dossiers": { "": 40 } });
    assert_eq!(city.admin("PUT", "/api/v1/dossiers/p3/2026-11", Some(dossiers)).await.status, StatusCode::NO_CONTENT);
    let topics = json!({ "topics": ["Thái độ"] });
    assert_eq!(
        city.browser(&leader, "PUT", "/api/v1/topics/p3", Some(topics), true).await.status,
        StatusCode::NO_CONTENT
    );

    // Removed, everything kept for it goes with it.
    assert_eq!(city.admin("DELETE", "/api/v1/units/p3", None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(rows_naming(&city, "p3"), [0, 0, 0, 0, 0, 0, 0]);
    // A ward's administrator cannot give the code again; the whole server's can, and the new
    // unit starts empty: no addresses of the old one, no reply, no dossiers.
    let ward_admin = json!({ "name": "qt-p2", "password": PASSWORD, "role": "admin", "unit": "p2" });
    assert_eq!(city.admin("POST", "/api/v1/accounts", Some(ward_admin)).await.status, StatusCode::CREATED);
    let ward_admin = city.sign_in("qt-p2", PASSWORD).await.unwrap();
    let again = json!({ "code": "p3", "parent": "p2", "name_vi": "Tổ dân phố 1" });
    let refused = city.browser(&ward_admin, "POST", "/api/v1/units", Some(again.clone()), true).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    let mut taking = again;
    taking["parent"] = json!("tp");
    taking["take_over"] = json!(true);
    assert_eq!(city.admin("POST", "/api/v1/units", Some(taking)).await.status, StatusCode::CREATED);
    let new_leader = json!({ "name": "ld-p3", "password": PASSWORD, "role": "leader", "unit": "p3" });
    assert_eq!(city.admin("POST", "/api/v1/accounts", Some(new_leader)).await.status, StatusCode::CREATED);
    let new_leader = city.sign_in("ld-p3", PASSWORD).await.unwrap();
    assert_eq!(city.get(&new_leader, "/api/v1/digest/p3").await.json()["addresses"], json!([]));
    assert_eq!(city.get(&new_leader, "/api/v1/dossiers/p3/2026-11").await.json()["dossiers"], json!({}));
}

#[tokio::test]
async fn names_of_other_wards_are_not_told_and_a_refusal_quotes_no_long_name_back() {
    let city = populated().await;
    let ward_admin = json!({ "name": "qt-p1", "password": PASSWORD, "role": "admin", "unit": "p1" });
    assert_eq!(city.admin("POST", "/api/v1/accounts", Some(ward_admin)).await.status, StatusCode::CREATED);
    let ward_admin = city.sign_in("qt-p1", PASSWORD).await.unwrap();
    // Another ward's account, unit and kiosk names are refused in the same words as a name
    // never used: nothing says they exist.
    let taken = [
        ("/api/v1/accounts", json!({ "name": "vp-p2", "password": PASSWORD, "role": "office", "unit": "p1" })),
        ("/api/v1/units", json!({ "code": "p2", "parent": "p1", "name_vi": "Tổ 2" })),
        ("/api/v1/devices", json!({ "name": "kiosk-p2", "unit": "p1" })),
    ];
    for (path, body) in taken {
        let refused = city.browser(&ward_admin, "POST", path, Some(body), true).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{path}: {}", refused.body);
        assert!(
            refused.body.contains("cannot be used") && !refused.body.contains("already exists"),
            "{}",
            refused.body
        );
    }
    // A name as long as the request may be (64 KiB here, 2 MiB served) is refused, quoted cut.
    let huge = "a".repeat(60_000);
    for (path, body) in [
        ("/api/v1/accounts", json!({ "name": huge, "password": PASSWORD, "role": "office", "unit": "p1" })),
        ("/api/v1/devices", json!({ "name": huge, "unit": "p1" })),
    ] {
        let refused = city.admin("POST", path, Some(body)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(refused.body.len() < 1_000, "{path}: an answer of {} bytes", refused.body.len());
    }
    // A counter's name with a right-to-left override, a unit's with a zero-width space.
    let path = "/api/v1/units/p1/counters/quay-9";
    let bidi = city.admin("PUT", path, Some(json!({ "name_vi": "Quầy \u{202e}1 ốs" }))).await;
    assert_eq!(bidi.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bidi.body);
    let zero_width =
        city.admin("PATCH", "/api/v1/units/p2", Some(json!({ "name_vi": "Phường\u{200b} Bình Trưng" }))).await;
    assert_eq!(zero_width.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", zero_width.body);
    assert!(city.store.named_codes().unwrap().iter().all(|named| named.code != "quay-9"));
    // One stored by an older version is read without it, for every page, file and e-mail.
    let connection = rusqlite::Connection::open(&city.db).unwrap();
    connection
        .execute("INSERT INTO counters (unit, code, name_vi) VALUES ('p1', 'quay-8', 'Quầy \u{202e}8 ốs')", [])
        .unwrap();
    let named = city.store.named_codes().unwrap();
    assert_eq!(named.iter().find(|named| named.code == "quay-8").unwrap().name_vi, "Quầy 8 ốs");
    // `"parent": null` moves a unit to the top, as its answer says; `"name_en": null` removes
    // the English name.
    let moved = city.admin("PATCH", "/api/v1/units/p2", Some(json!({ "parent": null, "name_en": null }))).await;
    assert_eq!(moved.status, StatusCode::NO_CONTENT, "{}", moved.body);
    assert_eq!(city.tree().iter().find(|unit| unit.code == "p2").unwrap().parent, None);
    let entry = city.store.audit_rows(None).unwrap().into_iter().rev().find(|row| row.action == "unit.change").unwrap();
    assert_eq!(entry.target, "p2 moved to the top");
}

#[tokio::test]
async fn an_edited_or_deleted_certificate_or_certified_response_is_named_by_the_checks() {
    let city = populated().await;
    let certify = json!({ "survey": "danh-gia-tai-quay@2026.1", "period": "2026-11", "unit": "p1" });
    let made = city.admin("POST", "/api/v1/certificates", Some(certify)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let entry = city.store.audit_rows(None).unwrap().into_iter().rev().find(|row| row.action == "certify").unwrap();
    let stored = city.store.certificates("2026-11").unwrap();
    let digest = survey::digest::sha256_hex(stored[0].as_bytes());
    assert_eq!(entry.target, format!("danh-gia-tai-quay 2026.1 for 2026-11; sha256 {digest}"));
    let catalog = survey::definition::catalog::Catalog::new(survey_defs::all());
    let checks = |city: &City| {
        let mut problems = city.store.check_audit().unwrap().problems;
        problems.extend(server::routes::certifying::check_certificates(&city.store, &catalog).unwrap());
        problems
    };
    assert_eq!(checks(&city), Vec::<String>::new());
    let connection = rusqlite::Connection::open(&city.db).unwrap();

    // A consistent rewrite of one certified rating: its record, and the certificate's digest of
    // it recomputed. The certificate no longer matches what the log certified.
    let (id, json): (String, String) = connection
        .query_row("SELECT response_id, record_json FROM responses WHERE unit = 'p1' AND record_json LIKE '%\"hai-long\"%' LIMIT 1", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .unwrap();
    let rewritten = json.replace("\"hai-long\"", "\"rat-hai-long\"");
    let rewritten_digest = survey::digest::sha256_hex(rewritten.as_bytes());
    connection
        .execute(
            "UPDATE responses SET record_json = ?2, content_sha256 = ?3 WHERE response_id = ?1",
            rusqlite::params![id, rewritten, rewritten_digest],
        )
        .unwrap();
    let problems = checks(&city);
    assert!(
        problems.iter().any(|problem| problem.contains(&format!("certified response {id} has changed"))),
        "{problems:?}"
    );
    let mut certificate = survey::results::certify::Certificate::from_json(&stored[0]).unwrap();
    certificate.responses.insert(id.clone(), rewritten_digest);
    certificate.early = false;
    connection
        .execute("UPDATE certificates SET certificate_json = ?1 WHERE unit = 'p1'", [certificate.to_json()])
        .unwrap();
    let problems = checks(&city);
    assert!(
        problems.iter().any(|problem| problem.contains("differs from what entry") && problem.contains("(edited)")),
        "{problems:?}"
    );

    // Deleted: the log certified it, and it is gone.
    connection.execute("DELETE FROM certificates WHERE unit = 'p1'", []).unwrap();
    let problems = checks(&city);
    assert!(problems.iter().any(|problem| problem.contains("is gone (deleted)")), "{problems:?}");
    // Put in by hand, never certified in the log.
    connection
        .execute(
            "INSERT INTO certificates (survey_id, survey_version, period, unit, certificate_json) VALUES ('danh-gia-tai-quay', '2026.1', '2026-11', 'p2', ?1)",
            [certificate.to_json()],
        )
        .unwrap();
    let problems = checks(&city);
    assert!(problems.iter().any(|problem| problem.contains("never certified it")), "{problems:?}");
}

#[tokio::test]
async fn a_provinces_response_rate_divides_only_the_ratings_of_wards_that_entered_dossiers_and_names_the_others() {
    let city = populated().await;
    // p1 (12 ratings) entered 20 dossiers; p2 (3 ratings) entered none.
    let entered = json!({ "dossiers": { "": 20 } });
    assert_eq!(city.admin("PUT", "/api/v1/dossiers/p1/2026-11", Some(entered)).await.status, StatusCode::NO_CONTENT);
    let report = city.admin("GET", "/api/v1/report?survey=danh-gia-tai-quay@2026.1&period=2026-11&unit=tp", None).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert!(
        report.body.contains("Tỷ lệ phản hồi (%)</td><td class=\"num\">60,00 %"),
        "12 of 20, not 15 of 20: {}",
        report.body
    );
    // Two wards' `quay-1` are two counters, each with its ward.
    assert!(report.body.contains("Phường An Khánh · Quầy số 1</td><td class=\"num\">12"), "{}", report.body);
    assert!(report.body.contains("Phường Bình Trưng · Quầy số 1</td><td class=\"num\">3"), "{}", report.body);
    assert!(report.body.contains("Đơn vị chưa nhập số hồ sơ tiếp nhận"), "{}", report.body);
    assert!(report.body.contains("Phường Bình Trưng"), "{}", report.body);
    // The province's page, from its certificate: the same rate, the same ward named.
    let certify = json!({ "survey": "danh-gia-tai-quay@2026.1", "period": "2026-11", "unit": "tp" });
    assert_eq!(city.admin("POST", "/api/v1/certificates", Some(certify)).await.status, StatusCode::CREATED);
    let page = city.send(Request::get("/results/tp/2026-11").body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("12 trên 20 hồ sơ tiếp nhận"), "{}", page.body);
    assert!(page.body.contains("chưa nhập số hồ sơ tiếp nhận: Phường Bình Trưng"), "{}", page.body);
    // Certified, p2 can no longer change the province's rate.
    let late = city.admin("PUT", "/api/v1/dossiers/p2/2026-11", Some(json!({ "dossiers": { "": 1 } }))).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
}

#[tokio::test]
async fn a_counter_withheld_on_the_published_page_cannot_be_recovered_from_the_totals() {
    let city = populated().await;
    // Three ratings at a second counter of p1, one not satisfied: withheld, and so is quay-1,
    // or the page's total less quay-1 would give the three away.
    let kiosk = city.store.add_device("kiosk-p1-quay-2", Some("p1"), &actor()).unwrap();
    let three = [
        rating("p1", "quay-2", "can-bo-e", "khong-hai-long"),
        rating("p1", "quay-2", "can-bo-e", "hai-long"),
        rating("p1", "quay-2", "can-bo-e", "hai-long"),
    ];
    assert_eq!(city.kiosk_sends(&kiosk, &three).await.status, StatusCode::CREATED);
    let certify = json!({ "survey": "danh-gia-tai-quay@2026.1", "period": "2026-11", "unit": "p1" });
    assert_eq!(city.admin("POST", "/api/v1/certificates", Some(certify)).await.status, StatusCode::CREATED);
    let page = city.send(Request::get("/results/p1/2026-11").body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let counters = &page.body[page.body.find("Theo quầy").expect("a table by counter")..];
    let counters = &counters[..counters.find("</table>").unwrap()];
    assert!(
        counters.contains("Quầy số 1</th><td class=\"num\">12</td><td class=\"num\">— (không công bố)"),
        "{counters}"
    );
    assert!(counters.contains("quay-2</th><td class=\"num\">3</td><td class=\"num\">— (dưới 10)"), "{counters}");
    assert!(!counters.contains('%'), "no share of either counter: {counters}");
}

#[tokio::test]
async fn withdrawing_a_certificate_is_audited_the_page_says_so_and_the_checks_still_hold() {
    let city = populated().await;
    let certify = json!({ "survey": "danh-gia-tai-quay@2026.1", "period": "2026-11", "unit": "p1" });
    assert_eq!(city.admin("POST", "/api/v1/certificates", Some(certify.clone())).await.status, StatusCode::CREATED);
    let withdraw = |unit: &str, reason: &str| json!({ "survey": "danh-gia-tai-quay@2026.1", "period": "2026-11", "unit": unit, "reason": reason });
    // Another ward's office cannot; no reason, no withdrawal; nothing changed either way.
    let other = city.sign_in("vp-p2", PASSWORD).await.unwrap();
    let refused = city.browser(&other, "POST", "/api/v1/certificates/withdraw", Some(withdraw("p1", "x")), true).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let office = city.sign_in("vp-p1", PASSWORD).await.unwrap();
    let silent = city.browser(&office, "POST", "/api/v1/certificates/withdraw", Some(withdraw("p1", "  ")), true).await;
    assert_eq!(silent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", silent.body);
    assert_eq!(city.store.certificates("2026-11").unwrap().len(), 1);

    let reason = "Nhập nhầm số hồ sơ tiếp nhận";
    let done = city.browser(&office, "POST", "/api/v1/certificates/withdraw", Some(withdraw("p1", reason)), true).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.body);
    let page = city.send(Request::get("/results/p1/2026-11").body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::GONE, "{}", page.body);
    assert!(page.body.contains("đã được đơn vị rút lại") && page.body.contains(reason), "{}", page.body);
    let entry =
        city.store.audit_rows(None).unwrap().into_iter().rev().find(|row| row.action == "certify.withdraw").unwrap();
    assert!(entry.target.contains("; sha256 "), "{}", entry.target);
    // The log accounts for the withdrawn certificate: nothing is reported gone.
    let catalog = survey::definition::catalog::Catalog::new(survey_defs::all());
    let mut problems = city.store.check_audit().unwrap().problems;
    problems.extend(server::routes::certifying::check_certificates(&city.store, &catalog).unwrap());
    assert_eq!(problems, Vec::<String>::new());
    // Certified again, the page publishes again.
    assert_eq!(city.admin("POST", "/api/v1/certificates", Some(certify)).await.status, StatusCode::CREATED);
    let page = city.send(Request::get("/results/p1/2026-11").body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}
