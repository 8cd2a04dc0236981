//! The collector through `server::app()` with no socket: every status of `POST
//! /api/v1/responses`, single-use tokens, rate limits, staff exports, the published page, and
//! hostile requests, each of which must get its 4xx and leave stored data as it was.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::net::limits::{Limits, Line};
use server::storage::Store;
use tower::ServiceExt;

struct Server {
    dir: tempfile::TempDir,
    app: Router,
    store: Arc<Store>,
}

struct Answer {
    status: StatusCode,
    headers: header::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|err| panic!("{err}: {}", self.body))
    }

    /// The status of each record, in the batch's order.
    fn statuses(&self) -> Vec<u64> {
        self.json()["results"].as_array().unwrap().iter().map(|result| result["status"].as_u64().unwrap()).collect()
    }

    fn header(&self, name: header::HeaderName) -> String {
        self.headers.get(name).map(|value| value.to_str().unwrap().to_owned()).unwrap_or_default()
    }
}

const STAFF: (&str, &str) = ("can-bo", "mật khẩu của cán bộ");

fn me() -> server::storage::audit::Actor {
    server::storage::audit::Actor::command_line("2026-11-23T08:00:00+07:00".into())
}

fn server_with(limits: Limits, require_phone_token: bool) -> Server {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>Hài Lòng</title><div id=\"app\"></div>")
        .unwrap();
    let store = Store::open(&dir.path().join("hailong.db")).unwrap();
    let hash = server::auth::hash_password(STAFF.1).unwrap();
    store.add_user(STAFF.0, &hash, wire::session::Role::Admin, None, &me()).unwrap();
    let collector = Arc::new(server::http::state::Collector::with_shipped_surveys(store, limits, require_phone_token));
    let store = collector.store.clone();
    let app = server::app(&server::ServeConfig { dist: dir.path().to_owned(), collector, max_body_bytes: 64 * 1024 });
    Server { dir, app, store }
}

fn server() -> Server {
    server_with(Limits::default(), false)
}

fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A complete counter rating from a phone.
fn rating(response_id: &str, level: &str) -> Value {
    json!({
        "format": 1,
        "response_id": response_id,
        "survey_id": "danh-gia-tai-quay",
        "survey_version": "2026.1",
        "submitted_at": "2026-11-23T09:15:00+07:00",
        "channel": "phone",
        "unit": "phuong-1",
        "counter": "quay-2",
        "device_id": "dien-thoai-1",
        "answers": { "muc-do-hai-long": { "kind": "choice", "value": level } }
    })
}

fn batch(records: &[Value]) -> Value {
    json!({ "format": 1, "records": records })
}

impl Server {
    async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        Answer { status, headers, body }
    }

    async fn post(&self, body: &Value) -> Answer {
        self.post_as(body, None, None).await
    }

    async fn post_as(&self, body: &Value, device_token: Option<&str>, address: Option<&str>) -> Answer {
        let mut request = Request::post("/api/v1/responses").header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = device_token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let mut request = request.body(Body::from(body.to_string())).unwrap();
        if let Some(address) = address {
            let address: SocketAddr = format!("{address}:50000").parse().unwrap();
            request.extensions_mut().insert(ConnectInfo(address));
        }
        self.send(request).await
    }

    async fn staff_get(&self, path: &str, credentials: Option<(&str, &str)>) -> Answer {
        let mut request = Request::get(path);
        if let Some((name, password)) = credentials {
            let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{name}:{password}"));
            request = request.header(header::AUTHORIZATION, format!("Basic {encoded}"));
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    async fn issue(&self, body: Value) -> Answer {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", STAFF.0, STAFF.1));
        let request = Request::post("/api/v1/tokens")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Basic {encoded}"))
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(request).await
    }

    /// What is stored: every id with its content digest.
    fn stored(&self) -> Vec<(String, String)> {
        self.store.digests().unwrap()
    }
}

#[tokio::test]
async fn first_receipt_is_201_an_identical_replay_200_and_other_content_409_keeping_the_first() {
    let server = server();
    let response_id = id();
    let first = server.post(&batch(&[rating(&response_id, "hai-long")])).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let digest = first.json()["results"][0]["content_sha256"].as_str().unwrap().to_owned();
    assert_eq!(server.stored(), vec![(response_id.clone(), digest.clone())]);

    let replay = server.post(&batch(&[rating(&response_id, "hai-long")])).await;
    assert_eq!(replay.status, StatusCode::OK, "{}", replay.body);
    assert_eq!(replay.json()["results"][0]["content_sha256"], digest.as_str());

    let changed = server.post(&batch(&[rating(&response_id, "khong-hai-long")])).await;
    assert_eq!(changed.status, StatusCode::CONFLICT, "{}", changed.body);
    assert!(changed.json()["results"][0]["reason"].as_str().unwrap().contains("stored one is kept"));
    assert_eq!(server.stored(), vec![(response_id.clone(), digest)]);
    let records = server.store.records().unwrap();
    assert_eq!(records[0].answers["muc-do-hai-long"], survey::definition::answer::Answer::Choice("hai-long".into()));
}

/// The same response is the same instant, whatever offset its time is written with: a device
/// that sends `…T02:15:00Z` for a response stored as `…T09:15:00+07:00` gets 200, not 409.
#[tokio::test]
async fn a_replay_with_its_time_in_another_offset_is_the_same_response() {
    let server = server();
    let response_id = id();
    let first = server.post(&batch(&[rating(&response_id, "hai-long")])).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let mut in_utc = rating(&response_id, "hai-long");
    in_utc["submitted_at"] = json!("2026-11-23T02:15:00Z");
    let replay = server.post(&batch(&[in_utc.clone()])).await;
    assert_eq!(replay.status, StatusCode::OK, "{}", replay.body);
    assert_eq!(replay.json()["results"][0]["content_sha256"], first.json()["results"][0]["content_sha256"]);
    in_utc["submitted_at"] = json!("2026-11-23T02:15:01Z");
    let later = server.post(&batch(&[in_utc])).await;
    assert_eq!(later.status, StatusCode::CONFLICT, "another instant is other content: {}", later.body);
    assert_eq!(server.store.records().unwrap()[0].submitted_at, "2026-11-23T09:15:00+07:00", "the stored one is kept");
}

#[tokio::test]
async fn a_batch_keeps_its_valid_records_and_explains_each_invalid_one() {
    let server = server();
    let good = [id(), id()];
    let mut unknown_survey = rating(&id(), "hai-long");
    unknown_survey["survey_id"] = json!("khong-co");
    let mut unknown_version = rating(&id(), "hai-long");
    unknown_version["survey_version"] = json!("1999.1");
    let mut unanswered = rating(&id(), "hai-long");
    unanswered["answers"] = json!({});
    let mut newer = rating(&id(), "hai-long");
    newer["format"] = json!(2);
    let mut not_a_level = rating(&id(), "tuyet-voi");
    not_a_level["channel"] = json!("phone");
    let records = [
        rating(&good[0], "hai-long"),
        unknown_survey,
        unknown_version,
        unanswered,
        json!({ "format": 1, "response_id": "x" }),
        newer,
        not_a_level,
        json!("not even an object"),
        rating(&good[1], "rat-hai-long"),
    ];
    let answer = server.post(&batch(&records)).await;
    assert_eq!(answer.status, StatusCode::MULTI_STATUS, "{}", answer.body);
    assert_eq!(answer.statuses(), vec![201, 422, 422, 422, 422, 422, 422, 422, 201]);
    let results = answer.json()["results"].clone();
    let reason = |index: usize| results[index]["reason"].as_str().unwrap().to_owned();
    assert_eq!(results[1]["field"], "survey_id");
    assert_eq!(results[2]["field"], "survey_version");
    assert!(reason(2).contains("no version 1999.1"), "{}", reason(2));
    assert!(reason(3).contains("answers.muc-do-hai-long"), "{}", reason(3));
    assert_eq!(results[4]["response_id"], "x");
    assert_eq!(results[5]["field"], "format");
    assert!(reason(5).contains("newer version"), "{}", reason(5));
    assert!(reason(6).contains("answers.muc-do-hai-long"), "{}", reason(6));
    let mut stored: Vec<String> = server.stored().into_iter().map(|(id, _)| id).collect();
    stored.sort();
    let mut expected = good.to_vec();
    expected.sort();
    assert_eq!(stored, expected);
}

#[tokio::test]
async fn hostile_requests_get_their_4xx_and_change_nothing() {
    let server = server();
    let kept = id();
    assert_eq!(server.post(&batch(&[rating(&kept, "hai-long")])).await.status, StatusCode::CREATED);
    let before = server.stored();

    let post_raw = |content_type: &'static str, body: Vec<u8>| {
        Request::post("/api/v1/responses").header(header::CONTENT_TYPE, content_type).body(Body::from(body)).unwrap()
    };
    // Larger than the body limit (64 KB in these tests).
    let mut long = rating(&id(), "khong-hai-long");
    long["answers"]["y-kien"] = json!({ "kind": "text", "value": "a".repeat(100_000) });
    let cases: Vec<(&str, Request<Body>, StatusCode)> = vec![
        (
            "oversized body",
            post_raw("application/json", batch(&[long]).to_string().into_bytes()),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "malformed JSON",
            post_raw("application/json", b"{\"format\":1,\"records\":[{".to_vec()),
            StatusCode::BAD_REQUEST,
        ),
        ("not JSON at all", post_raw("application/json", vec![0xff, 0xfe, 0x00]), StatusCode::BAD_REQUEST),
        (
            "a form, not JSON",
            post_raw("application/x-www-form-urlencoded", b"a=1".to_vec()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "an unknown batch format",
            post_raw(
                "application/json",
                json!({"format": 9, "records": [rating(&id(), "hai-long")]}).to_string().into_bytes(),
            ),
            StatusCode::BAD_REQUEST,
        ),
        (
            "an unknown batch field",
            post_raw(
                "application/json",
                json!({"format": 1, "records": [rating(&id(), "hai-long")], "admin": true}).to_string().into_bytes(),
            ),
            StatusCode::BAD_REQUEST,
        ),
        ("an empty batch", post_raw("application/json", batch(&[]).to_string().into_bytes()), StatusCode::BAD_REQUEST),
        (
            "too many records",
            post_raw("application/json", batch(&vec![json!(0); 501]).to_string().into_bytes()),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        ("a GET", Request::get("/api/v1/responses").body(Body::empty()).unwrap(), StatusCode::METHOD_NOT_ALLOWED),
    ];
    for (what, request, status) in cases {
        let answer = server.send(request).await;
        assert_eq!(answer.status, status, "{what}: {}", answer.body);
        assert_eq!(answer.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{what}");
        assert_eq!(answer.header(header::CACHE_CONTROL), "no-store", "{what}");
        assert_eq!(server.stored(), before, "{what} changed what is stored");
    }
    // The same record with other content, in a batch beside a new one: the new one is taken,
    // the conflicting one refused, the stored one kept.
    let fresh = id();
    let answer = server.post(&batch(&[rating(&kept, "rat-hai-long"), rating(&fresh, "hai-long")])).await;
    assert_eq!(answer.statuses(), vec![409, 201]);
    assert_eq!(server.stored().iter().find(|(id, _)| id == &kept), before.first());
}

#[tokio::test]
async fn markup_and_sql_in_a_comment_are_stored_as_the_citizens_words_and_harm_nothing() {
    let server = server();
    let hostile = "<script>alert('x')</script>\"; DROP TABLE responses; -- ' OR 1=1 <img src=x onerror=alert(1)>";
    let response_id = id();
    let mut record = rating(&response_id, "khong-hai-long");
    record["answers"]["y-kien"] = json!({ "kind": "text", "value": hostile });
    let answer = server.post(&batch(&[record])).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let records = server.store.records().unwrap();
    assert_eq!(records.len(), 1, "the table is still there, with the one response");
    assert_eq!(records[0].answers["y-kien"], survey::definition::answer::Answer::Text(hostile.into()));
    // The answer never echoes the comment back.
    assert!(!answer.body.contains("script"), "{}", answer.body);
    // A response whose id is itself an injection is refused and nothing is stored.
    let mut sneaky = rating("1' OR '1'='1", "hai-long");
    sneaky["unit"] = json!("'; DELETE FROM responses; --");
    let answer = server.post(&batch(&[sneaky])).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.body);
    assert_eq!(server.store.records().unwrap().len(), 1);
}

#[tokio::test]
async fn a_kiosk_needs_its_device_token_and_a_bad_token_stores_nothing() {
    let server = server();
    let token = server.store.add_device("phuong-1-quay-2", None, &me()).unwrap();
    let mut record = rating(&id(), "hai-long");
    record["channel"] = json!("kiosk");

    let without = server.post(&batch(&[record.clone()])).await;
    assert_eq!(without.status, StatusCode::FORBIDDEN, "{}", without.body);
    assert_eq!(without.json()["results"][0]["field"], "channel");

    let wrong = server.post_as(&batch(&[record.clone()]), Some("0000"), None).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.body);
    let request = Request::post("/api/v1/responses")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, "Basic Zm9vOmJhcg==")
        .body(Body::from(batch(&[record.clone()]).to_string()))
        .unwrap();
    assert_eq!(server.send(request).await.status, StatusCode::UNAUTHORIZED);
    assert!(server.stored().is_empty());

    let with = server.post_as(&batch(&[record]), Some(&token), None).await;
    assert_eq!(with.status, StatusCode::CREATED, "{}", with.body);
    assert_eq!(server.stored().len(), 1);
}

#[tokio::test]
async fn a_single_use_token_rates_once_and_then_says_already_rated() {
    let server = server();
    let issued = server.issue(json!({ "count": 2, "unit": "phuong-1", "counter": "quay-2" })).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    let tokens: Vec<String> =
        issued.json()["tokens"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned()).collect();
    assert_eq!(tokens.len(), 2);
    let status_of = |token: String| {
        let app = server.app.clone();
        async move {
            let request = Request::post("/api/v1/tokens/status")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json!({ "token": token }).to_string()))
                .unwrap();
            let response = app.oneshot(request).await.unwrap();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            serde_json::from_slice::<Value>(&body).unwrap()["status"].as_str().unwrap().to_owned()
        }
    };
    assert_eq!(status_of(tokens[0].clone()).await, "unused");

    let first = id();
    let with_token = |response_id: &str, token: &str| json!({ "format": 1, "records": [rating(response_id, "hai-long")], "tokens": { response_id: token } });
    let answer = server.post(&with_token(&first, &tokens[0])).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(status_of(tokens[0].clone()).await, "used");
    // The same response sent again (a retry) is a replay, not a second use.
    assert_eq!(server.post(&with_token(&first, &tokens[0])).await.status, StatusCode::OK);
    // Another response with the used token: already rated.
    let again = server.post(&with_token(&id(), &tokens[0])).await;
    assert_eq!(again.status, StatusCode::GONE, "{}", again.body);
    assert!(again.json()["results"][0]["reason"].as_str().unwrap().contains("already used"));
    // A token this server never issued.
    let made_up = server.post(&with_token(&id(), "00112233445566778899aabbccddeeff")).await;
    assert_eq!(made_up.status, StatusCode::FORBIDDEN, "{}", made_up.body);
    assert_eq!(status_of("00112233445566778899aabbccddeeff".into()).await, "unknown");
    assert_eq!(server.stored().len(), 1);
    // The other token is still good.
    assert_eq!(server.post(&with_token(&id(), &tokens[1])).await.status, StatusCode::CREATED);

    // One dossier, one token; its code is never stored.
    let dossier = json!({ "dossier": "H12.34-261123-0007", "unit": "phuong-1" });
    assert_eq!(server.issue(dossier.clone()).await.status, StatusCode::CREATED);
    assert_eq!(server.issue(dossier).await.status, StatusCode::CONFLICT);
    // Another ward's dossier of the same number is its own: neither taken nor told.
    let other_ward = json!({ "dossier": "H12.34-261123-0007", "unit": "phuong-2" });
    assert_eq!(server.issue(other_ward.clone()).await.status, StatusCode::CREATED);
    assert_eq!(server.issue(other_ward).await.status, StatusCode::CONFLICT);
    let database = std::fs::read(server.dir.path().join("hailong.db")).unwrap();
    let wal = std::fs::read(server.dir.path().join("hailong.db-wal")).unwrap_or_default();
    for bytes in [&database, &wal] {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("H12.34-261123-0007"), "the dossier code is stored only hashed");
        assert!(!text.contains(&tokens[0]), "tokens are stored only hashed");
    }
    // Without staff credentials, no tokens.
    let request = Request::post("/api/v1/tokens")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "count": 5 }).to_string()))
        .unwrap();
    assert_eq!(server.send(request).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(server.issue(json!({ "count": 100000 })).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_server_that_requires_tokens_refuses_a_phone_without_one() {
    let server = server_with(Limits::default(), true);
    let answer = server.post(&batch(&[rating(&id(), "hai-long")])).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    assert!(server.stored().is_empty());
}

fn tight_limits() -> Limits {
    let hour = Duration::from_secs(3600);
    Limits {
        device_flag: Line { count: 2, window: hour },
        device_refuse: Line { count: 4, window: hour },
        address_flag: Line { count: 6, window: hour },
        address_refuse: Line { count: 8, window: hour },
    }
}

#[tokio::test]
async fn a_bursting_phone_is_flagged_then_told_to_wait_and_nothing_is_dropped() {
    let server = server_with(tight_limits(), false);
    let ids: Vec<String> = (0..6).map(|_| id()).collect();
    let records: Vec<Value> = ids.iter().map(|id| rating(id, "hai-long")).collect();
    let answer = server.post_as(&batch(&records), None, Some("10.1.2.3")).await;
    assert_eq!(answer.status, StatusCode::MULTI_STATUS, "{}", answer.body);
    assert_eq!(answer.statuses(), vec![201, 201, 201, 201, 429, 429]);
    assert_eq!(answer.header(header::RETRY_AFTER), "3600");
    // Past the flag line: stored, flagged as misuse, so counted apart.
    assert_eq!(server.store.server_flag(&ids[1]).unwrap(), None);
    assert_eq!(server.store.server_flag(&ids[2]).unwrap().as_deref(), Some("burst-device"));
    let records = server.store.records().unwrap();
    assert_eq!(records.iter().filter(|record| record.misuse.is_some()).count(), 2);
    // The refused ones were not stored, and a retry of a stored one is still a replay.
    assert_eq!(server.stored().len(), 4);
    let replay = server.post_as(&batch(&[rating(&ids[0], "hai-long")]), None, Some("10.1.2.3")).await;
    assert_eq!(replay.status, StatusCode::OK);

    // Many phones behind one address: flagged past 6, refused past 8 (4 counted already).
    let others: Vec<Value> = (0..5)
        .map(|n| {
            let mut record = rating(&id(), "hai-long");
            record["device_id"] = json!(format!("phone-{n}"));
            record
        })
        .collect();
    let answer = server.post_as(&batch(&others), None, Some("10.1.2.3")).await;
    assert_eq!(answer.statuses(), vec![201, 201, 201, 201, 429]);
    // Another phone at another address is not held back.
    let mut other_phone = rating(&id(), "hai-long");
    other_phone["device_id"] = json!("dien-thoai-khac");
    let elsewhere = server.post_as(&batch(&[other_phone]), None, Some("10.9.9.9")).await;
    assert_eq!(elsewhere.status, StatusCode::CREATED, "{}", elsewhere.body);
    // A kiosk with its token is not rate limited.
    let token = server.store.add_device("quay-2", None, &me()).unwrap();
    let kiosk: Vec<Value> = (0..10)
        .map(|_| {
            let mut record = rating(&id(), "hai-long");
            record["channel"] = json!("kiosk");
            record
        })
        .collect();
    let answer = server.post_as(&batch(&kiosk), Some(&token), Some("10.1.2.3")).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
}

#[tokio::test]
async fn staff_exports_need_a_staff_account_and_take_the_clis_filters() {
    let server = server();
    let records: Vec<Value> =
        ["hai-long", "rat-hai-long", "khong-hai-long"].iter().map(|level| rating(&id(), level)).collect();
    server.post(&batch(&records)).await;

    let anonymous = server.staff_get("/api/v1/tally.csv", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(anonymous.header(header::WWW_AUTHENTICATE).starts_with("Basic"));
    let wrong = server.staff_get("/api/v1/tally.csv", Some((STAFF.0, "sai mật khẩu rồi"))).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let nobody = server.staff_get("/api/v1/tally.csv", Some(("khong-ai", STAFF.1))).await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);

    let tally = server.staff_get("/api/v1/tally.csv?by=unit,counter&period=quarter&profile=rfc4180", Some(STAFF)).await;
    assert_eq!(tally.status, StatusCode::OK, "{}", tally.body);
    assert!(tally.header(header::CONTENT_TYPE).starts_with("text/csv"));
    assert!(tally.body.starts_with("survey_id,"), "rfc4180 has no BOM: {}", tally.body);
    assert!(tally.body.contains("2026-10-01,2026-12-31,phuong-1,quay-2"), "{}", tally.body);
    let excel = server.staff_get("/api/v1/tally.csv", Some(STAFF)).await;
    assert!(excel.body.starts_with('\u{feff}'));
    let index = server.staff_get("/api/v1/index.csv?profile=excel-vi&min_n=1", Some(STAFF)).await;
    assert_eq!(index.status, StatusCode::OK, "{}", index.body);
    assert!(index.body.contains(';'));

    let raw =
        server.staff_get("/api/v1/responses.csv?survey=danh-gia-tai-quay@2026.1&profile=rfc4180", Some(STAFF)).await;
    assert_eq!(raw.status, StatusCode::OK, "{}", raw.body);
    assert_eq!(raw.body.lines().count(), 4, "a header and three responses: {}", raw.body);
    assert_eq!(
        server.staff_get("/api/v1/responses.csv?survey=danh-gia-tai-quay@2026.1", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        server.staff_get("/api/v1/responses.csv?survey=sipas", Some(STAFF)).await.status,
        StatusCode::BAD_REQUEST
    );

    for (query, named) in [
        ("by=ward", "by"),
        ("period=week", "period"),
        ("from=2026-13-01", "from"),
        ("profile=xls", "profile"),
        ("include_misuse=perhaps", "include_misuse"),
        ("drop=responses", "drop"),
    ] {
        let answer = server.staff_get(&format!("/api/v1/tally.csv?{query}"), Some(STAFF)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}: {}", answer.body);
        assert!(answer.body.contains(named), "{query}: {}", answer.body);
    }
}

#[tokio::test]
async fn the_results_page_is_served_for_certified_periods_only_with_a_strict_policy() {
    let server = server();
    let records: Vec<Value> =
        (0..12).map(|n| rating(&id(), if n % 4 == 0 { "khong-hai-long" } else { "hai-long" })).collect();
    server.post(&batch(&records)).await;
    let page = |path: &'static str| server.staff_get(path, None);

    let draft = page("/results/phuong-1/2026-Q4").await;
    assert_eq!(draft.status, StatusCode::NOT_FOUND, "not certified yet: {}", draft.body);

    let catalog = survey::definition::catalog::Catalog::new(survey_defs::all());
    let period = survey::results::period::Period::parse("2026-Q4").unwrap();
    let (stored, _) = server.store.checked_records(&catalog).unwrap();
    let certificate = survey::results::certify::certify(
        &catalog,
        "danh-gia-tai-quay",
        "2026.1",
        period,
        &stored,
        "2027-01-02T08:00:00+07:00".into(),
        false,
    )
    .unwrap();
    server.store.put_certificate(&certificate, &me()).unwrap();
    assert!(server.store.put_certificate(&certificate, &me()).is_err(), "a period is certified once");

    let published = page("/results/phuong-1/2026-Q4").await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    assert!(published.body.contains(&certificate.tally_sha256));
    assert!(published.body.contains("Quý IV năm 2026"), "Vietnamese first");
    assert!(!published.body.contains("<script"));
    let policy = published.header(header::CONTENT_SECURITY_POLICY);
    assert!(policy.starts_with("default-src 'none'; style-src 'sha256-"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let english = page("/results/phuong-1/2026-Q4?lang=en").await;
    assert!(english.body.contains("Quarter IV 2026") || english.body.contains("Q4 2026"), "{}", &english.body[..400]);

    assert_eq!(page("/results/phuong-9/2026-Q4").await.status, StatusCode::NOT_FOUND);
    assert_eq!(page("/results/phuong-1/2026-Q3").await.status, StatusCode::NOT_FOUND);
    assert_eq!(page("/results/phuong-1/quy-4").await.status, StatusCode::NOT_FOUND);
    assert_eq!(page("/results/%3Cscript%3E/2026-Q4").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_backup_made_while_serving_holds_every_response() {
    let server = server();
    let records: Vec<Value> = (0..3).map(|_| rating(&id(), "hai-long")).collect();
    server.post(&batch(&records)).await;
    let copy = server.dir.path().join("copy.db");
    server::storage::backup(&server.dir.path().join("hailong.db"), &copy).unwrap();
    let copied = Store::open(&copy).unwrap();
    assert_eq!(copied.digests().unwrap(), server.stored());
    // An existing file is never overwritten.
    let err = server::storage::backup(&server.dir.path().join("hailong.db"), &copy).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
}

/// Every hostile record of `tests/data/bad/records/` is refused by the API with a 422 that names
/// its field, the valid records beside it are stored, and afterwards nothing stored has
/// changed and every export still answers and reads back.
#[tokio::test]
async fn every_hostile_record_is_refused_by_name_and_every_export_still_works() {
    let server = server();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/bad/records");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    let mut report = String::new();
    for file in &files {
        let before = server.stored();
        let hostile: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let good = id();
        let answer = server.post(&batch(&[hostile, rating(&good, "hai-long")])).await;
        let name = file.file_name().unwrap().to_string_lossy();
        assert_eq!(answer.statuses(), vec![422, 201], "{name}: {}", answer.body);
        let result = &answer.json()["results"][0];
        let reason = result["reason"].as_str().unwrap_or_default();
        assert!(reason.len() < 400, "{name}: the reason quotes too much: {} bytes", reason.len());
        report.push_str(&format!("{name}: {}\n", reason));
        let mut after = server.stored();
        after.retain(|(id, _)| *id != good);
        assert_eq!(after, before, "{name}: nothing stored changed");
    }
    expect_test::expect_file!["../../tests/data/bad/records/expected.txt"].assert_eq(&report);
    for path in ["/api/v1/tally.csv", "/api/v1/index.csv", "/api/v1/responses.csv?survey=danh-gia-tai-quay@2026.1"] {
        let answer = server.staff_get(path, Some(STAFF)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    }
    let catalog = survey::definition::catalog::Catalog::new(survey_defs::all());
    // The published page of the quarter still answers once it is certified.
    let (stored, _) = server.store.checked_records(&catalog).unwrap();
    let q4 = survey::results::period::Period::parse("2026-Q4").unwrap();
    let certificate = survey::results::certify::certify(
        &catalog,
        "danh-gia-tai-quay",
        "2026.1",
        q4,
        &stored,
        "2027-01-02T08:00:00+07:00".into(),
        false,
    )
    .unwrap();
    server.store.put_certificate(&certificate, &me()).unwrap();
    let page = server.staff_get("/results/phuong-1/2026-Q4", None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let raw =
        server.staff_get("/api/v1/responses.csv?survey=danh-gia-tai-quay@2026.1&profile=rfc4180", Some(STAFF)).await;
    let mut reader = survey::records::raw::read_raw(
        std::io::Cursor::new(raw.body.into_bytes()),
        &catalog,
        survey::records::gate::Gate::default(),
    )
    .unwrap();
    let mut read_back = 0;
    while let Some(next) = reader.next_record() {
        next.unwrap();
        read_back += 1;
    }
    assert_eq!(read_back, files.len(), "the server's own raw export reads back, one good record per file");
}

/// Responses stored by an older hailong, whose check was weaker, that fail today's check (a
/// counter that is not a code; a time in the year 9999, which once made every export answer 500
/// and `hailong tally` panic): the exports leave them out and still answer, and they stay stored.
#[tokio::test]
async fn a_stored_response_that_fails_todays_check_is_left_out_and_kept() {
    let server = server();
    let mut old: survey::records::record::ResponseRecord = serde_json::from_value(rating(&id(), "hai-long")).unwrap();
    old.counter = Some("quay 2".into());
    let mut forged: survey::records::record::ResponseRecord =
        serde_json::from_value(rating(&id(), "khong-hai-long")).unwrap();
    forged.submitted_at = "9999-12-31T23:00:00+00:00".into();
    // Written as an older hailong wrote them: straight into its table, past today's gate.
    let connection = rusqlite::Connection::open(server.dir.path().join("hailong.db")).unwrap();
    for record in [old, forged] {
        connection
            .execute(
                "INSERT INTO responses (response_id, survey_id, survey_version, submitted_at, unit, counter, channel,
                     record_json, content_sha256, server_flag, source, received_at)
                 VALUES (?1, ?2, ?3, ?4, NULL, ?5, 'phone', ?6, ?7, NULL, 'test', '2026-11-23T09:16:00+07:00')",
                rusqlite::params![
                    record.response_id,
                    record.survey_id,
                    record.survey_version,
                    record.submitted_at,
                    record.counter,
                    record.to_json(),
                    record.content_sha256()
                ],
            )
            .unwrap();
    }
    drop(connection);
    server.post(&batch(&[rating(&id(), "rat-hai-long")])).await;
    let tally = server.staff_get("/api/v1/tally.csv?profile=rfc4180", Some(STAFF)).await;
    assert_eq!(tally.status, StatusCode::OK, "{}", tally.body);
    assert!(tally.body.contains(",_responses,,,1,,"), "only the valid one is counted: {}", tally.body);
    assert_eq!(server.staff_get("/api/v1/index.csv", Some(STAFF)).await.status, StatusCode::OK);
    assert_eq!(server.stored().len(), 3, "nothing is lost");
}

/// A client that skipped the kiosk's cleaning (an old app, a forged phone) sends a comment with
/// a phone number, an e-mail address, spaces around it and decomposed Vietnamese: the gate
/// stores it as the kiosk would have (masked, trimmed, NFC), and the same unclean record sent
/// again is the same response, not a conflict.
#[tokio::test]
async fn free_text_is_cleaned_by_the_receiver_and_its_replay_is_the_same_response() {
    let server = server();
    let response_id = id();
    let mut record = rating(&response_id, "khong-hai-long");
    record["answers"]["y-kien"] =
        json!({ "kind": "text", "value": "  Gọi 0912 345 678 hoặc a.b@example.vn, Nghe\u{0302}\u{0323} An " });
    record["answers"]["ly-do"] =
        json!({ "kind": "choices", "value": { "codes": ["khac"], "other": " CCCD 001234567890 " } });
    let first = server.post(&batch(std::slice::from_ref(&record))).await;
    assert_eq!(first.statuses(), vec![201], "{}", first.body);
    let stored = server.store.records().unwrap().remove(0);
    assert_eq!(
        stored.answers["y-kien"],
        survey::definition::answer::Answer::Text("Gọi **** *** *** hoặc **************, Nghệ An".into())
    );
    let survey::definition::answer::Answer::Choices(choices) = &stored.answers["ly-do"] else { panic!() };
    assert_eq!(choices.other.as_deref(), Some("CCCD ************"));
    let replay = server.post(&batch(&[record])).await;
    assert_eq!(replay.statuses(), vec![200], "{}", replay.body);
    assert_eq!(replay.json()["results"][0]["content_sha256"], first.json()["results"][0]["content_sha256"]);
}

mod roundtrip {
    //! Any record the API accepts comes back out of `responses.csv`, and through `hailong
    //! tally`, as it was stored; whatever it refuses leaves nothing behind.

    use proptest::prelude::*;
    use survey::records::gate::Gate;
    use survey::results::tally::{GroupBy, Tally, TallyOptions};

    use super::*;

    const REASONS: [&str; 6] = ["cho-lau", "huong-dan-khong-ro", "phai-bo-sung", "thai-do", "tra-ket-qua-tre", "khac"];
    const LEVELS: [&str; 3] = ["rat-hai-long", "hai-long", "khong-hai-long"];

    /// Text a device might send: what citizens type, unclean (spaces around it, decomposed
    /// marks, phone numbers), and text meant to break CSV and spreadsheets.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-ZàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữđĐ ,;.!?\n]{1,30}",
            Just("  Nghe\u{0302}\u{0323} An  ".to_string()),
            Just("gọi 0912 345 678 nhé".to_string()),
            Just("=HYPERLINK(\"http://x\")".to_string()),
            Just("x;=1+1".to_string()),
            Just("'trích dẫn".to_string()),
            Just("dòng một\r\ndòng hai".to_string()),
            Just("   ".to_string()),
        ]
    }

    prop_compose! {
        /// A record as a device might send it; some break a rule on purpose.
        fn sent(n: u32)(
            level in 0..3usize,
            reasons in proptest::sample::subsequence(REASONS.to_vec(), 0..=3),
            repeat_reason in proptest::bool::weighted(0.1),
            other in text(),
            comment in proptest::option::of(text()),
            unit in prop_oneof![Just(Some("phuong-a")), Just(Some("phuong-b")), Just(None), Just(Some("phường 1"))],
            day in 1..=300u32,
            offset in prop_oneof![Just("+07:00"), Just("Z"), Just("+09:00")],
            partial in any::<bool>(),
        ) -> Value {
            let date = time::Date::from_ordinal_date(2026, day as u16).unwrap();
            let mut answers = serde_json::Map::new();
            answers.insert("muc-do-hai-long".into(), json!({ "kind": "choice", "value": LEVELS[level] }));
            if LEVELS[level] == "khong-hai-long" && !reasons.is_empty() {
                let mut codes: Vec<&str> = reasons.clone();
                if repeat_reason {
                    codes.push(codes[0]);
                }
                let mut value = json!({ "codes": codes });
                if reasons.contains(&"khac") {
                    value["other"] = json!(other);
                }
                answers.insert("ly-do".into(), json!({ "kind": "choices", "value": value }));
            }
            if let Some(comment) = comment {
                answers.insert("y-kien".into(), json!({ "kind": "text", "value": comment }));
            }
            let mut record = json!({
                "format": 1,
                "response_id": format!("00000000-0000-4000-8000-{n:012}"),
                "survey_id": "danh-gia-tai-quay",
                "survey_version": "2026.1",
                "submitted_at": format!("{date}T{:02}:15:00{offset}", day % 24),
                "channel": "phone",
                "device_id": format!("dien-thoai-{n}"),
                "partial": partial,
                "answers": answers,
            });
            if let Some(unit) = unit {
                record["unit"] = json!(unit);
            }
            record
        }
    }

    fn batch_of_records() -> impl Strategy<Value = Vec<Value>> {
        (1..10u32).prop_flat_map(|count| (0..count).map(sent).collect::<Vec<_>>())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn what_the_api_accepts_comes_back_out_of_the_raw_export_and_hailong_tally(records in batch_of_records()) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let server = server();
                let answer = server.post(&batch(&records)).await;
                let accepted = answer.statuses().iter().filter(|&&status| status == 201).count();
                let catalog = survey::definition::catalog::Catalog::new(survey_defs::all());
                let (stored, left_out) = server.store.checked_records(&catalog).unwrap();
                prop_assert!(left_out.is_empty());
                prop_assert_eq!(stored.len(), accepted, "only what was accepted is stored: {}", answer.body);

                let raw = server
                    .staff_get("/api/v1/responses.csv?survey=danh-gia-tai-quay@2026.1&profile=excel-vi", Some(STAFF))
                    .await;
                prop_assert_eq!(raw.status, StatusCode::OK);
                let back = survey::records::raw::read_all_raw(raw.body.as_bytes(), &catalog, Gate::default()).unwrap();
                prop_assert_eq!(&back, &stored, "the raw export reads back as stored");

                // `hailong tally` on that file counts what the collector's own tally counts.
                let file = server.dir.path().join("responses.csv");
                std::fs::write(&file, raw.body.as_bytes()).unwrap();
                let output = std::process::Command::new(env!("CARGO_BIN_EXE_hailong"))
                    .args(["tally", "--by", "unit", "--profile", "rfc4180"])
                    .arg(&file)
                    .output()
                    .unwrap();
                prop_assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
                let counted = Tally::read_csv(output.stdout.as_slice()).unwrap();
                let options = TallyOptions { by: GroupBy { unit: true, ..GroupBy::default() }, ..TallyOptions::default() };
                let expected = Tally::count(&catalog, &stored, &options).unwrap();
                prop_assert_eq!(&counted.groups, &expected.groups);
                let served = server.staff_get("/api/v1/tally.csv?by=unit&profile=rfc4180", Some(STAFF)).await;
                prop_assert_eq!(&Tally::read_csv(served.body.as_bytes()).unwrap().groups, &expected.groups);
                Ok(())
            })?;
        }
    }
}

/// Without signing in, `/api/v1/tokens` says 401 whatever the body holds; an API path the
/// server does not have is a 404 in JSON, never the app's page; every answer says HTTPS only
/// (for browsers on HTTPS) and what the page may use of the device.
#[tokio::test]
async fn sign_in_comes_before_the_body_and_unknown_api_paths_are_404() {
    let server = server();
    for body in ["{", r#"{"count": 1}"#, r#"{"nonsense": true}"#] {
        let request = Request::post("/api/v1/tokens")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap();
        let answer = server.send(request).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{body}: {}", answer.body);
    }
    let bad = server.issue(json!({ "nonsense": true })).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    for path in ["/api/v2/responses", "/api/v1/nothing", "/api/"] {
        let answer = server.staff_get(path, None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(answer.json()["error"], "no such API path here", "{path}");
    }
    let page = server.staff_get("/staff", None).await;
    assert_eq!(page.status, StatusCode::OK, "app paths still get the app");
    assert_eq!(page.header(header::STRICT_TRANSPORT_SECURITY), "max-age=31536000");
    assert_eq!(
        page.header(header::HeaderName::from_static("permissions-policy")),
        server::http::pages::PERMISSIONS_POLICY
    );
}

/// A code printed for phuong-1/quay-2 rates that counter only: a response that names another
/// unit or counter is refused by name (403), the code stays unused, and nothing is stored.
#[tokio::test]
async fn a_token_rates_only_the_unit_and_counter_it_was_printed_for() {
    let server = server();
    let issued = server.issue(json!({ "count": 1, "unit": "phuong-1", "counter": "quay-2" })).await;
    let token = issued.json()["tokens"][0].as_str().unwrap().to_owned();
    let elsewhere = |unit: &str, counter: &str| {
        let response_id = id();
        let mut record = rating(&response_id, "hai-long");
        record["unit"] = json!(unit);
        record["counter"] = json!(counter);
        json!({ "format": 1, "records": [record], "tokens": { response_id: token } })
    };
    for (unit, counter) in [("phuong-9", "quay-7"), ("phuong-1", "quay-7"), ("phuong-9", "quay-2")] {
        let answer = server.post(&elsewhere(unit, counter)).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{unit}/{counter}: {}", answer.body);
        assert_eq!(
            answer.json()["results"][0]["reason"],
            "this QR code was printed for phuong-1/quay-2, not for the unit and counter this response names"
        );
    }
    assert!(server.stored().is_empty());
    assert_eq!(
        server.post(&elsewhere("phuong-1", "quay-2")).await.status,
        StatusCode::CREATED,
        "its own counter rates"
    );
}

/// Five wrong passwords in a row lock the name out: the sixth try, even with the right
/// password, is answered 429 with when to try again, before any password is checked; another
/// name is not locked.
#[tokio::test]
async fn wrong_passwords_lock_the_name_out_for_a_while() {
    let server = server();
    for attempt in 0..server::auth::FREE_TRIES {
        let wrong = server.staff_get("/api/v1/tally.csv", Some((STAFF.0, "sai mật khẩu rồi"))).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let right = server.staff_get("/api/v1/tally.csv", Some(STAFF)).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "{}", right.body);
    let seconds: u64 = right.header(header::RETRY_AFTER).parse().unwrap();
    assert!((1..=60).contains(&seconds), "{seconds}");
    assert!(right.json()["error"].as_str().unwrap().starts_with("too many wrong passwords for this name"));
    let other = server.staff_get("/api/v1/tally.csv", Some(("nguoi-khac", "sai mật khẩu rồi"))).await;
    assert_eq!(other.status, StatusCode::UNAUTHORIZED, "another name is not locked");
}

/// While another process holds SQLite's write lock for a moment (`hailong certify`, a backup,
/// an admin's `sqlite3`), a batch waits for it instead of failing with 500 at once.
#[tokio::test]
async fn a_batch_waits_for_another_writer_instead_of_failing() {
    let server = server();
    let path = server.dir.path().join("hailong.db");
    let (locked, unlock) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
    let holder = std::thread::spawn(move || {
        let connection = rusqlite::Connection::open(path).unwrap();
        connection.execute_batch("BEGIN IMMEDIATE").unwrap();
        locked.0.send(()).unwrap();
        let _ = unlock.1.recv_timeout(Duration::from_secs(1));
        connection.execute_batch("COMMIT").unwrap();
    });
    locked.1.recv().unwrap();
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        let _ = unlock.0.send(());
    });
    let answer = server.post(&batch(&[rating(&id(), "hai-long")])).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    holder.join().unwrap();
    releaser.join().unwrap();
    assert_eq!(server.stored().len(), 1);
}

#[tokio::test]
async fn a_revoked_device_token_and_a_removed_or_changed_password_stop_working_at_once() {
    let server = server();
    let token = server.store.add_device("quay-9", None, &me()).unwrap();
    let mut record = rating(&id(), "hai-long");
    record["channel"] = json!("kiosk");
    assert_eq!(server.post_as(&batch(&[record.clone()]), Some(&token), None).await.status, StatusCode::CREATED);
    let listed = server.store.devices().unwrap();
    assert_eq!((listed[0].name.as_str(), listed[0].responses, listed[0].revoked_at.as_deref()), ("quay-9", 1, None));

    let next_day = server::storage::audit::Actor::command_line("2026-11-24T08:00:00+07:00".into());
    server.store.revoke_device("quay-9", &next_day).unwrap();
    let mut next = rating(&id(), "hai-long");
    next["channel"] = json!("kiosk");
    let refused = server.post_as(&batch(&[next]), Some(&token), None).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    assert!(refused.body.contains("revoked"), "{}", refused.body);
    assert_eq!(server.stored().len(), 1, "what it sent before stays stored");
    let listed = server.store.devices().unwrap();
    assert_eq!(listed[0].revoked_at.as_deref(), Some("2026-11-24T08:00:00+07:00"));
    assert!(server.store.add_device("quay-9", None, &me()).is_err(), "a name is never reused");
    assert!(matches!(server.store.revoke_device("khong-co", &me()), Err(server::storage::StoreError::NotFound(_))));

    let new_password = "một mật khẩu mới dài";
    server.store.set_password(STAFF.0, &server::auth::hash_password(new_password).unwrap(), None, &me()).unwrap();
    assert_eq!(server.staff_get("/api/v1/tally.csv", Some(STAFF)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(server.staff_get("/api/v1/tally.csv", Some((STAFF.0, new_password))).await.status, StatusCode::OK);
    assert_eq!(server.store.users().unwrap().iter().map(|user| user.name.as_str()).collect::<Vec<_>>(), [STAFF.0]);
    server.store.remove_user(STAFF.0, &me()).unwrap();
    assert_eq!(
        server.staff_get("/api/v1/tally.csv", Some((STAFF.0, new_password))).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(server.store.users().unwrap().is_empty());
}

/// The phone page's first-screen form: a tap goes through the one gate, once, and a QR code's
/// single-use token (copied from the address's fragment by `boot.js`) rates once, only for the
/// counter it was printed for.
#[tokio::test]
async fn a_first_screen_tap_is_stored_once_and_its_token_rates_once_for_its_counter() {
    let server = server();
    let tap = |response_id: &str, answer: &str, token: &str, path: &str| {
        let body = format!("response_id={response_id}&survey=danh-gia-tai-quay%402026.1&answer={answer}&token={token}");
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let first = id();
    let thanked = server.send(tap(&first, "hai-long", "", "/p/phuong-1/quay-2")).await;
    assert_eq!(thanked.status, StatusCode::CREATED, "{}", thanked.body);
    assert!(
        thanked.body.contains("Cảm ơn Ông/Bà đã đánh giá!") && !thanked.body.contains("<script"),
        "{}",
        thanked.body
    );
    let again = server.send(tap(&first, "hai-long", "", "/p/phuong-1/quay-2")).await;
    assert!(again.status.is_success() || again.status == StatusCode::CONFLICT, "{}", again.status);
    assert!(again.body.contains("Cảm ơn"), "the same page's tap again is thanked, not stored again");
    assert_eq!(server.stored().len(), 1);

    let bad = server.send(tap(&id(), "tuyet-voi", "", "/p/phuong-1/quay-2")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("Không gửi được đánh giá") && bad.body.contains("not an option"), "{}", bad.body);
    let elsewhere = server.send(tap(&id(), "hai-long", "", "/p/phuong%201/quay-2")).await;
    assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY, "a unit that is not a code: {}", elsewhere.body);

    let issued = server.issue(json!({ "count": 1, "unit": "phuong-1", "counter": "quay-2" })).await;
    let token = issued.json()["tokens"][0].as_str().unwrap().to_owned();
    let other_counter = server.send(tap(&id(), "hai-long", &token, "/p/phuong-1/quay-9")).await;
    assert_eq!(other_counter.status, StatusCode::FORBIDDEN, "{}", other_counter.body);
    let rated = server.send(tap(&id(), "khong-hai-long", &token, "/p/phuong-1/quay-2")).await;
    assert_eq!(rated.status, StatusCode::CREATED, "{}", rated.body);
    let used = server.send(tap(&id(), "hai-long", &token, "/p/phuong-1/quay-2")).await;
    assert_eq!(used.status, StatusCode::GONE);
    assert!(used.body.contains("Mã này đã được dùng để đánh giá"), "{}", used.body);
    assert_eq!(server.stored().len(), 2);
}
