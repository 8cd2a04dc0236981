//! The day and month tallies kept as responses arrive, through `server::app()` with no socket:
//! for any sequence of batches (new responses, replays, conflicts, refusals, bursts, several
//! devices and surveys), the kept rows equal a recount of what is stored, and every figure the
//! server reads from them equals the figure counted from the stored responses. A database from
//! before kept tallies is counted from its responses until it is built, then from its days.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use proptest::prelude::*;
use serde_json::{Value, json};
use server::net::limits::Limits;
use server::storage::Store;
use survey::definition::catalog::Catalog;
use survey::results::tally::{GroupBy, Tally, TallyOptions};
use tower::ServiceExt;

const STAFF: (&str, &str) = ("can-bo", "mật khẩu của cán bộ");

struct Server {
    _dir: tempfile::TempDir,
    app: Router,
    store: Arc<Store>,
    /// The staff account's session cookie: signing in once spares an argon2 check a request.
    cookie: String,
}

/// The staff password's hash, made once for every case.
fn staff_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| server::auth::hash_password(STAFF.1).unwrap())
}

async fn server_at(dir: tempfile::TempDir, limits: Limits) -> Server {
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>Hài Lòng</title>").unwrap();
    let store = Store::open(&dir.path().join("hailong.db")).unwrap();
    if store.users().unwrap().is_empty() {
        let me = server::storage::audit::Actor::command_line("2026-11-23T08:00:00+07:00".into());
        store.add_user(STAFF.0, staff_hash(), wire::session::Role::Admin, None, &me).unwrap();
    }
    let collector = Arc::new(server::http::state::Collector::with_shipped_surveys(store, limits, false));
    let store = collector.store.clone();
    let app = server::app(&server::ServeConfig { dist: dir.path().to_owned(), collector, max_body_bytes: 256 * 1024 });
    let mut server = Server { _dir: dir, app, store, cookie: String::new() };
    let request = Request::post(wire::session::SESSION)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "name": STAFF.0, "password": STAFF.1 }).to_string()))
        .unwrap();
    let response = server.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let set_cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    server.cookie = set_cookie.split(';').next().unwrap().to_owned();
    server
}

impl Server {
    async fn send(&self, request: Request<Body>) -> (StatusCode, String) {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        (status, body)
    }

    async fn post(&self, records: &[Value]) -> (StatusCode, String) {
        let body = json!({ "format": 1, "records": records });
        let request = Request::post("/api/v1/responses")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(request).await
    }

    async fn tally_csv(&self, query: &str) -> Tally {
        let request = Request::get(format!("{}?profile=rfc4180&{query}", wire::exports::TALLY_CSV))
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())
            .unwrap();
        let (status, body) = self.send(request).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        Tally::read_csv(body.as_bytes()).unwrap()
    }
}

fn catalog() -> Catalog {
    Catalog::new(survey_defs::all())
}

const LEVELS: [&str; 3] = ["rat-hai-long", "hai-long", "khong-hai-long"];
const RETURNED: [&str; 3] = ["som-hon-hen", "dung-hen", "tre-hen"];

prop_compose! {
    /// A response as a phone or the web page sends it, of one of two surveys; some are refused.
    fn sent(n: u32)(
        level in 0..3usize,
        returned in 0..3usize,
        harassed in any::<bool>(),
        dossier_survey in any::<bool>(),
        unit in prop_oneof![Just(Some("phuong-a")), Just(Some("phuong-b")), Just(None)],
        counter in prop_oneof![Just(Some("quay-1")), Just(Some("quay-2")), Just(None)],
        field in prop_oneof![Just(Some("ho-tich")), Just(None)],
        staff in prop_oneof![Just(Some("can-bo-1")), Just(None)],
        day in 0..170i64,
        hour in 0..24u32,
        device in 0..3u32,
        web in any::<bool>(),
        misuse in proptest::bool::weighted(0.15),
        partial in any::<bool>(),
        broken in proptest::bool::weighted(0.1),
    ) -> Value {
        // June to November 2026, across month, quarter and half-year ends (and never ahead of
        // the receiver's clock).
        let date = time::Date::from_calendar_date(2026, time::Month::June, 10).unwrap() + time::Duration::days(day);
        let mut answers = serde_json::Map::new();
        answers.insert("muc-do-hai-long".into(), json!({ "kind": "choice", "value": LEVELS[level] }));
        let survey = if dossier_survey {
            answers.insert("thoi-gian-tra-ket-qua".into(), json!({ "kind": "choice", "value": RETURNED[returned] }));
            answers.insert(
                "phien-ha-sach-nhieu".into(),
                json!({ "kind": "choice", "value": if harassed { "co" } else { "khong" } }),
            );
            "danh-gia-ho-so"
        } else {
            "danh-gia-tai-quay"
        };
        let mut record = json!({
            "format": 1,
            "response_id": format!("00000000-0000-4000-8000-{n:012}"),
            "survey_id": survey,
            "survey_version": if broken { "1999.9" } else { "2026.1" },
            "submitted_at": format!("{date}T{hour:02}:15:00+07:00"),
            "channel": if web { "web" } else { "phone" },
            "device_id": format!("thiet-bi-{device}"),
            "partial": partial,
            "answers": answers,
        });
        for (name, value) in [("unit", unit), ("counter", counter), ("field", field), ("staff", staff)] {
            if let Some(value) = value {
                record[name] = json!(value);
            }
        }
        if misuse {
            record["misuse"] = json!("burst: 5 taps in 4 s");
        }
        record
    }
}

/// Batches that send new responses, send some again (replays), and send some again changed
/// (conflicts, which keep the first).
fn batches() -> impl Strategy<Value = Vec<Vec<Value>>> {
    (1..5usize)
        .prop_flat_map(|count| {
            (0..count)
                .map(|batch| {
                    let first = batch as u32 * 20;
                    (1..12u32).prop_flat_map(move |size| (first..first + size).map(sent).collect::<Vec<_>>())
                })
                .collect::<Vec<_>>()
        })
        .prop_flat_map(|batches| {
            let again = proptest::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 0..6);
            (Just(batches), again)
        })
        .prop_map(|(mut batches, again)| {
            let all: Vec<Value> = batches.iter().flatten().cloned().collect();
            let mut extra = Vec::new();
            for (index, change) in again {
                let mut record = all[index.index(all.len())].clone();
                if change {
                    record["answers"]["muc-do-hai-long"]["value"] = json!("khong-hai-long");
                    record["partial"] = json!(!record["partial"].as_bool().unwrap_or(false));
                }
                extra.push(record);
            }
            batches.push(extra);
            batches
        })
}

/// The queries a workspace, an export and a report ask, in every grouping and period.
const QUERIES: &[&str] = &[
    "",
    "by=unit",
    "by=unit,counter,field&period=month",
    "by=staff&period=quarter&include_misuse=true",
    "by=counter&period=day&from=2026-07-03&to=2026-08-02",
    "by=unit,field&period=year",
    "period=half&from=2026-06-25&to=2026-09-30",
    "by=unit,counter,staff,field&period=day",
    "period=all&from=2026-08-01&to=2026-08-31&include_misuse=true",
];

fn options_of(query: &str) -> TallyOptions {
    let query: wire::exports::TallyQuery = serde_urlencoded_like(query);
    server::http::reading::options(&query).map_err(|err| err.message).unwrap().0
}

/// A query string read as the server reads it.
fn serde_urlencoded_like(query: &str) -> wire::exports::TallyQuery {
    let mut object = serde_json::Map::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap();
        let value = if value == "true" { json!(true) } else { json!(value) };
        object.insert(name.into(), value);
    }
    serde_json::from_value(Value::Object(object)).unwrap()
}

async fn every_figure_equals_a_recount(server: &Server) -> Result<(), TestCaseError> {
    let catalog = catalog();
    prop_assert_eq!(server.store.check_kept(&catalog).unwrap(), Vec::<String>::new());
    let (stored, _) = server.store.checked_records(&catalog).unwrap();
    for query in QUERIES {
        let expected = Tally::count(&catalog, &stored, &options_of(query)).unwrap();
        let served = server.tally_csv(query).await;
        prop_assert_eq!(&served.groups, &expected.groups, "{}", query);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn kept_tallies_equal_a_recount_of_what_is_stored_whatever_arrives(batches in batches()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            // The default limits: a phone's burst is flagged by the server, then refused.
            let server = server_at(tempfile::tempdir().unwrap(), Limits::default()).await;
            for batch in batches.iter().filter(|batch| !batch.is_empty()) {
                let (status, body) = server.post(batch).await;
                // A batch's status sums up its records': stored, held, refused, told to wait.
                prop_assert!(!status.is_server_error() && status != StatusCode::BAD_REQUEST, "{}: {}", status, body);
            }
            every_figure_equals_a_recount(&server).await
        })?;
    }
}

/// A database written before the kept tallies (schema 10) with responses in it: figures are
/// counted from the responses until the tallies are built, then summed from them, alike.
#[tokio::test]
async fn a_database_from_before_kept_tallies_is_counted_then_built() {
    let dir = tempfile::tempdir().unwrap();
    let first = server_at(tempfile::tempdir().unwrap(), Limits::default()).await;
    let records: Vec<Value> = (0..30)
        .map(|n| {
            let mut record = json!({
                "format": 1,
                "response_id": format!("00000000-0000-4000-8000-{n:012}"),
                "survey_id": "danh-gia-tai-quay",
                "survey_version": "2026.1",
                "submitted_at": format!("2026-{:02}-{:02}T09:00:00+07:00", 8 + n % 3, 1 + n % 28),
                "channel": "web",
                "unit": if n % 2 == 0 { "phuong-a" } else { "phuong-b" },
                "answers": { "muc-do-hai-long": { "kind": "choice", "value": LEVELS[n as usize % 3] } }
            });
            if n % 7 == 0 {
                record["misuse"] = json!("burst");
            }
            record
        })
        .collect();
    let (status, body) = first.post(&records).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The database as schema 10 left it: no kept rows, no days, no low marks.
    let path = dir.path().join("hailong.db");
    server::storage::backup(first.store.path(), &path).unwrap();
    {
        let connection = rusqlite::Connection::open(&path).unwrap();
        connection
            .execute_batch(
                "DROP TABLE kept_counts; DROP TABLE kept_layouts; DROP TABLE received_by_source; DROP INDEX responses_by_day; DROP INDEX responses_low; DROP INDEX responses_commented;
                 ALTER TABLE responses DROP COLUMN day; ALTER TABLE responses DROP COLUMN low; ALTER TABLE responses DROP COLUMN commented;
                 PRAGMA user_version = 10;",
            )
            .unwrap();
    }
    let old = server_at(dir, Limits::default()).await;
    assert!(!old.store.kept_ready().unwrap(), "a database with responses from before is marked to build");
    let catalog = catalog();
    let (stored, _) = old.store.checked_records(&catalog).unwrap();
    assert_eq!(stored.len(), 30);
    let options = TallyOptions { by: GroupBy { unit: true, ..GroupBy::default() }, ..TallyOptions::default() };
    let expected = Tally::count(&catalog, &stored, &options).unwrap();
    assert_eq!(old.tally_csv("by=unit").await.groups, expected.groups, "counted from the responses meanwhile");
    let built = old.store.rebuild_kept(&catalog).unwrap();
    assert_eq!((built.responses, built.left_out.len()), (30, 0));
    assert!(old.store.kept_ready().unwrap());
    assert_eq!(old.store.check_kept(&catalog).unwrap(), Vec::<String>::new());
    assert_eq!(old.tally_csv("by=unit").await.groups, expected.groups, "summed from the kept rows");
}

/// The raw export reads a survey's responses in parts, by time and id: every part follows the
/// last, none is read twice, and together they are every stored response in order.
#[tokio::test]
async fn a_survey_read_in_parts_is_every_response_once_in_order() {
    let server = server_at(tempfile::tempdir().unwrap(), Limits::default()).await;
    let records: Vec<Value> = (0..7)
        .map(|n| {
            json!({
                "format": 1,
                "response_id": format!("00000000-0000-4000-8000-{:012}", 7 - n),
                "survey_id": "danh-gia-tai-quay",
                "survey_version": "2026.1",
                // Two share a time: the id orders them.
                "submitted_at": format!("2026-11-0{}T09:00:00+07:00", 1 + n / 2),
                "channel": "web",
                "answers": { "muc-do-hai-long": { "kind": "choice", "value": "hai-long" } }
            })
        })
        .collect();
    let (status, body) = server.post(&records).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut read = Vec::new();
    let mut after = None;
    loop {
        let part = server.store.records_of_survey("danh-gia-tai-quay", "2026.1", after.as_ref(), 2).unwrap();
        let Some(last) = part.last() else { break };
        assert!(part.len() <= 2);
        after = Some((last.submitted_at.clone(), last.response_id.clone()));
        read.extend(part);
    }
    let all = server.store.records().unwrap();
    assert_eq!(read, all);
    assert_eq!(read.len(), 7);
}
