//! The phone page (`/p/<unit>/<counter>`), sent with its first screen already in the HTML so
//! that a citizen on a slow line can answer before the app's WebAssembly has arrived, and with
//! JavaScript off. The first screen is drawn by `survey::reports::first_screen` from the same
//! definition the app shows; its form posts back here, and the tap goes through the very path
//! the sync API takes (`api::receive_records`: the one gate, exactly once by the response id the
//! page carried, the rate limits and single-use tokens). With JavaScript on, `boot.js` sends the
//! form itself and keeps trying while the line is down; once the app has loaded it takes over.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{FromRef, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use survey::definition::answer::Answer;
use survey::records::record::{Channel, ResponseRecord, is_code};
use survey::reports::first_screen::{
    self, FIELD_ANSWER, FIELD_AT, FIELD_RESPONSE_ID, FIELD_SURVEY, FIELD_TOKEN, Outcome,
};
use wire::sync;

use crate::http::error::with_retry_after;
use crate::http::extract::ClientAddress;
use crate::http::pages::read_shell;
use crate::http::state::{Collector, now_vietnam};
use crate::routes::collect::{Sender, receive_records};

/// What the phone page needs: the collector, and the built app whose shell it fills in.
#[derive(Clone)]
pub struct Phone {
    pub collector: Arc<Collector>,
    pub dist: Arc<PathBuf>,
}

impl FromRef<Phone> for Arc<Collector> {
    fn from_ref(phone: &Phone) -> Arc<Collector> {
        phone.collector.clone()
    }
}

/// The survey a phone page shows: `?survey=<id>` among the shipped ones, else the counter rating
/// (as the app decides).
fn survey_of(query: &HashMap<String, String>) -> Option<survey::definition::model::Survey> {
    let id = query.get("survey").filter(|id| !id.is_empty()).map_or(survey_defs::COUNTER_RATING_ID, String::as_str);
    survey_defs::by_id(id)
}

/// The shell with `screen` in its `#app`. With `app` false the scripts are left out: a page that
/// thanks a citizen must not start a new rating under the thanks.
pub fn shell_with(shell: &str, screen: &str, app: bool) -> String {
    // The shell's "turn on JavaScript" note would only mislead under a screen that works without
    // it; a screen that needs the app (a welcome screen) brings its own.
    let mut shell = shell.to_owned();
    if let (Some(start), Some(end)) = (shell.find("<noscript>"), shell.find("</noscript>")) {
        shell.replace_range(start..end + "</noscript>".len(), "");
    }
    let mut html = match (shell.find("<div id=\"app\">"), shell.find("</div>")) {
        (Some(start), Some(end)) if end > start => {
            format!("{}<div id=\"app\">{screen}{}", &shell[..start], &shell[end..])
        }
        _ => shell,
    };
    if !app {
        html = html
            .lines()
            .filter(|line| {
                !(line.contains("<script")
                    || line.contains("rel=\"modulepreload\"")
                    || line.contains("rel=\"preload\""))
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    html
}

/// The page as sent: its stylesheet written into it (one round trip less before the first
/// screen shows, on a line where each costs 400 ms), allowed by its hash, and never cached: a
/// page with a response id of its own is a new response on every visit.
async fn html_page(dist: &std::path::Path, status: StatusCode, html: String) -> Response {
    let mut html = html;
    let linked = html.find("<link rel=\"stylesheet\" href=\"/").and_then(|start| {
        let end = start + html[start..].find('>')? + 1;
        let href = html[start..end].split("href=\"/").nth(1)?.split('"').next()?.to_owned();
        Some((start, end, href))
    });
    if let Some((start, end, href)) = linked
        && !href.contains('/')
        && let Ok(css) = tokio::fs::read_to_string(dist.join(&href)).await
        && !css.contains("</")
    {
        html.replace_range(start..end, &format!("<style>{css}</style>"));
    }
    let policy = crate::http::pages::CONTENT_SECURITY_POLICY
        .replace("style-src 'self'", &format!("style-src 'self' {}", crate::http::pages::style_hashes(&html)));
    let mut response =
        (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], html)
            .into_response();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

/// `GET /p/{unit}/{counter}`: the app's shell with the survey's first screen in it.
pub async fn phone_page(
    State(phone): State<Phone>,
    Path((unit, counter)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let shell = match read_shell(&phone.dist).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let survey = survey_of(&query);
    match survey {
        // An address that is not the app's (the app says so itself) gets the plain shell.
        Some(survey) if is_code(&unit) && is_code(&counter) => {
            let action = format!("/p/{unit}/{counter}");
            let response_id = uuid::Uuid::new_v4().to_string();
            // The names the server gives this unit and counter, on the first screen and, for the
            // app that takes over, in the page's `hailong-place` meta.
            let store = phone.collector.store.clone();
            let place = tokio::task::spawn_blocking(move || store.place_name(&unit, &counter))
                .await
                .ok()
                .and_then(Result::ok)
                .flatten();
            let screen = first_screen::first_screen(&survey, &action, &response_id, place.as_deref());
            let mut page = shell_with(&shell, &screen, true);
            if let Some(place) = &place {
                let meta =
                    format!("<meta name=\"hailong-place\" content=\"{}\">", survey::reports::html::escape(place));
                page = page.replacen("</head>", &format!("{meta}\n</head>"), 1);
            }
            html_page(&phone.dist, StatusCode::OK, page).await
        }
        _ => html_page(&phone.dist, StatusCode::OK, shell).await,
    }
}

/// When the tap was made: the phone's own time of it (`boot.js` sends it, the same on every
/// try, so that a try after a lost answer is the same response), where it is within a day of
/// this server's clock; else now (a form sent with JavaScript off).
fn tapped_at(field: &str) -> String {
    let now = crate::http::state::now_millis();
    match field.parse::<i64>() {
        Ok(at) if (at - now).abs() < survey::records::gate::MAX_AHEAD_SECONDS * 1000 => {
            survey::vn_time::format_vietnam(at).unwrap_or_else(|_| now_vietnam())
        }
        _ => now_vietnam(),
    }
}

/// `POST /p/{unit}/{counter}`: a tap on the first screen, as a form. Answered with the
/// thank-you screen (HTML), or with the record's result as JSON when `boot.js` asks for it.
pub async fn phone_tap(
    State(phone): State<Phone>,
    ClientAddress(address): ClientAddress,
    Path((unit, counter)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"));
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let collector = &phone.collector;

    let checked = (|| {
        let (id, version) = field(FIELD_SURVEY)
            .split_once('@')
            .ok_or_else(|| (StatusCode::BAD_REQUEST, "the form names no survey".into()))?;
        let survey = collector
            .catalog
            .get(id, version)
            .ok_or_else(|| {
                (StatusCode::UNPROCESSABLE_ENTITY, "this server does not know the survey of this page".into())
            })?
            .clone();
        let question = survey
            .questions()
            .first()
            .filter(|question| question.kind.is_one_tap())
            .ok_or_else(|| (StatusCode::UNPROCESSABLE_ENTITY, "this survey is answered in the app".into()))?;
        let code = field(FIELD_ANSWER);
        let answer = Answer::tapped(&question.kind, code)
            .ok_or_else(|| (StatusCode::UNPROCESSABLE_ENTITY, "the answer is not a number".into()))?;
        let mut record = ResponseRecord::new(
            &survey,
            field(FIELD_RESPONSE_ID).to_owned(),
            tapped_at(field(FIELD_AT)),
            Channel::Phone,
        );
        record.unit = Some(unit.clone());
        record.counter = Some(counter.clone());
        record.answers.insert(question.id.clone(), answer);
        Ok((survey, record))
    })();
    let (survey, record) = match checked {
        Ok(checked) => checked,
        Err((status, reason)) => return answer(&phone, None, wants_json, status, Outcome::Refused(reason), None).await,
    };
    let token = field(FIELD_TOKEN);
    let tokens: BTreeMap<String, String> =
        if token.is_empty() { BTreeMap::new() } else { [(record.response_id.clone(), token.to_owned())].into() };
    let (results, retry_after) =
        match receive_records(collector, &Sender::Phone, address, vec![Ok(record)], &tokens).await {
            Ok(received) => received,
            Err(err) => {
                let status = err.status;
                return answer(&phone, Some(&survey), wants_json, status, Outcome::Refused(err.message), None).await;
            }
        };
    let Some(result) = results.into_iter().next() else {
        return answer(
            &phone,
            Some(&survey),
            wants_json,
            StatusCode::INTERNAL_SERVER_ERROR,
            Outcome::Refused("nothing was received".into()),
            None,
        )
        .await;
    };
    tracing::info!(status = result.status, "a first-screen tap was received");
    let status = StatusCode::from_u16(result.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let outcome = match result.status {
        // The id is this page's own: held already (a form sent again, with JavaScript off, at
        // another second, or after going back and tapping another option) is the citizen's
        // first answer, kept.
        sync::CREATED | sync::REPLAYED | sync::CONFLICT => Outcome::Thanked,
        sync::TOKEN_USED => Outcome::CodeUsed,
        _ => Outcome::Refused(result.reason.clone().unwrap_or_default()),
    };
    if wants_json {
        return with_retry_after((status, axum::Json(result)).into_response(), retry_after);
    }
    answer(&phone, Some(&survey), false, status, outcome, retry_after).await
}

/// The answer to a tap: the outcome's screen in the shell without the app, or a JSON refusal.
async fn answer(
    phone: &Phone,
    survey: Option<&survey::definition::model::Survey>,
    wants_json: bool,
    status: StatusCode,
    outcome: Outcome,
    retry_after: Option<u64>,
) -> Response {
    if wants_json {
        let reason = match &outcome {
            Outcome::Refused(reason) => reason.clone(),
            _ => String::new(),
        };
        return (status, axum::Json(serde_json::json!({ "status": status.as_u16(), "reason": reason })))
            .into_response();
    }
    let shell = match read_shell(&phone.dist).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let fallback;
    let survey = match survey {
        Some(survey) => survey,
        None => {
            fallback = survey_defs::by_id(survey_defs::COUNTER_RATING_ID).expect("the counter rating ships");
            &fallback
        }
    };
    let page = shell_with(&shell, &first_screen::outcome_screen(survey, &outcome), false);
    with_retry_after(html_page(&phone.dist, status, page).await, retry_after)
}
