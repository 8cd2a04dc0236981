//! The server's side of the staff area: signing in with an account, and the figures of the
//! account's units, read from `hailong` (`wire::session::SESSION`, `wire::city::FIGURES`); and a
//! kiosk's pairing and configuration (`wire::sync`).
//!
//! The figures arrive as the core's tally CSV, made on the server by the same `survey` code a
//! device uses; the workspace regroups and indexes it exactly as it does a tally file imported
//! from another kiosk, so nothing is computed a second way.

use serde::Deserialize;
use survey::results::names::Names;
use survey::results::tally::Tally;

use survey::results::period::Period;
use wire::city::{ADMIN_FORMAT, DossiersByUnit, FIGURES, Figures, UnitName};
use wire::session::{Permission, SESSION, Session};
use wire::sync::{DEVICE_CONFIG_PATH, DeviceConfig, PAIR_PATH, Paired};

use crate::platform::sync::{Signed, api_request};

#[derive(Deserialize)]
struct Refusal {
    error: String,
}

fn refusal(status: u16, text: &str) -> String {
    let reason = serde_json::from_str::<Refusal>(text).map(|refusal| refusal.error).unwrap_or_else(|_| text.to_owned());
    format!("Máy chủ từ chối ({status}) / The server refused ({status}): {reason}")
}

/// Who is signed in here: `Ok(None)` when nobody is (or the session ended).
pub async fn current() -> Result<Option<Session>, String> {
    let (status, text) = api_request("GET", SESSION, None, Signed::Session { csrf: None }).await?;
    match status {
        200 => serde_json::from_str(&text).map(Some).map_err(|err| err.to_string()),
        401 => Ok(None),
        _ => Err(refusal(status, &text)),
    }
}

pub async fn sign_in(name: &str, password: &str) -> Result<Session, String> {
    let body = serde_json::json!({ "name": name, "password": password }).to_string();
    let (status, text) = api_request("POST", SESSION, Some(&body), Signed::Session { csrf: None }).await?;
    match status {
        200 => serde_json::from_str(&text).map_err(|err| err.to_string()),
        401 => Err("Sai tên đăng nhập hoặc mật khẩu. / Wrong name or password.".into()),
        _ => Err(refusal(status, &text)),
    }
}

pub async fn sign_out(session: &Session) -> Result<(), String> {
    let (status, text) = api_request("DELETE", SESSION, None, Signed::Session { csrf: Some(&session.csrf) }).await?;
    match status {
        204 | 401 => Ok(()),
        _ => Err(refusal(status, &text)),
    }
}

/// The figures of the account's units in one period: a tally of the period by unit, counter
/// and field (and officer, where the account may see them), with misuse left out and with it
/// counted, and the names of the units. The server sums them from its day tallies, so asking
/// for the period shown costs what it shows.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerFigures {
    pub without_misuse: Tally,
    pub with_misuse: Tally,
    pub units: Vec<UnitName>,
    /// The server's names of the units, counters and fields in reach, for files.
    pub names: Names,
    /// The dossiers the units in reach received, by period code and field.
    pub dossiers: std::collections::BTreeMap<String, survey::results::denominator::Dossiers>,
    /// The same by period code and unit: a rate counts only the units that entered theirs.
    pub dossiers_by_unit: DossiersByUnit,
}

async fn tally(by: &str, period: Period, include_misuse: bool) -> Result<(Tally, Figures), Option<String>> {
    let path =
        format!("{FIGURES}?period=all&from={}&to={}&by={by}&include_misuse={include_misuse}", period.start, period.end);
    let (status, text) = api_request("GET", &path, None, Signed::Session { csrf: None }).await.map_err(Some)?;
    match status {
        200 => {
            let answer: Figures = serde_json::from_str(&text).map_err(|err| Some(err.to_string()))?;
            if answer.format != ADMIN_FORMAT {
                return Err(Some(format!(
                    "the server sends figures in format {}, this app reads {ADMIN_FORMAT}: reload the page",
                    answer.format
                )));
            }
            let tally = Tally::read_csv(answer.tally_csv.as_bytes()).map_err(|err| Some(err.to_string()))?;
            Ok((tally, answer))
        }
        // The session ended: the caller asks to sign in again.
        401 => Err(None),
        _ => Err(Some(refusal(status, &text))),
    }
}

/// Reads the figures of `period`; `Err(None)` when the session has ended.
pub async fn figures(session: &Session, period: Period) -> Result<ServerFigures, Option<String>> {
    let by =
        if session.account.may(Permission::ReadOfficers) { "unit,counter,field,staff" } else { "unit,counter,field" };
    let (without_misuse, answer) = tally(by, period, false).await?;
    let (with_misuse, _) = tally(by, period, true).await?;
    let names = Names::new(
        answer.units.iter().map(|unit| (unit.code.as_str(), unit.name_vi.as_str())),
        answer
            .counters
            .iter()
            .filter_map(|named| Some((named.unit.as_deref()?, named.code.as_str(), named.name_vi.as_str()))),
        answer.fields.iter().map(|named| (named.code.as_str(), named.name_vi.as_str())),
    );
    Ok(ServerFigures {
        without_misuse,
        with_misuse,
        units: answer.units,
        names,
        dossiers: answer.dossiers,
        dossiers_by_unit: answer.dossiers_by_unit,
    })
}

/// `GET path` read as the wire's `T`, whose format (`format_of`) must be `format`; `Err(None)`
/// when the session has ended.
pub async fn read<T: serde::de::DeserializeOwned>(
    session: &Session,
    path: &str,
    format: u32,
    format_of: fn(&T) -> u32,
) -> Result<T, Option<String>> {
    let read: T =
        serde_json::from_value(call(session, "GET", path, None).await?).map_err(|err| Some(err.to_string()))?;
    match format_of(&read) {
        found if found == format => Ok(read),
        found => Err(Some(format!("the server answers in format {found}: reload the page"))),
    }
}

/// Redeems a one-time pairing code: this kiosk's device token and its configuration.
pub async fn pair(code: &str) -> Result<Paired, String> {
    let body = serde_json::json!({ "code": code }).to_string();
    let (status, text) = api_request("POST", PAIR_PATH, Some(&body), Signed::Nobody).await?;
    match status {
        200 => serde_json::from_str(&text).map_err(|err| err.to_string()),
        _ => Err(refusal(status, &text)),
    }
}

/// What the server sets for this kiosk now; `Ok(None)` when its token is no longer taken.
/// Read with the browser's JSON rather than serde: this runs in the citizen's download.
pub async fn device_config(device_token: &str) -> Result<Option<DeviceConfig>, String> {
    let (status, text) = api_request("GET", DEVICE_CONFIG_PATH, None, Signed::Device(device_token)).await?;
    match status {
        200 => {
            let value = js_sys::JSON::parse(&text).map_err(|_| "the configuration is not JSON".to_owned())?;
            let text_of = |object: &wasm_bindgen::JsValue, key: &str| {
                js_sys::Reflect::get(object, &key.into()).ok().and_then(|field| field.as_string())
            };
            let field = |key: &str| text_of(&value, key);
            // A list the server sent, each item read by `read`; absent or not a list: not set.
            let list = |key: &str| {
                js_sys::Reflect::get(&value, &key.into())
                    .ok()
                    .filter(js_sys::Array::is_array)
                    .map(|list| js_sys::Array::from(&list).iter().collect::<Vec<_>>())
            };
            let version = js_sys::Reflect::get(&value, &"version".into()).ok().and_then(|field| field.as_f64());
            let format = js_sys::Reflect::get(&value, &"format".into()).ok().and_then(|field| field.as_f64());
            match (format, version) {
                (Some(format), Some(version)) if format == 1.0 && version >= 0.0 => Ok(Some(DeviceConfig {
                    format: 1,
                    version: version as u64,
                    device: field("device").unwrap_or_default(),
                    unit: field("unit"),
                    unit_name: field("unit_name"),
                    counter: field("counter"),
                    counter_name: field("counter_name"),
                    survey_id: field("survey_id"),
                    week_hours: list("week_hours")
                        .map(|days| days.iter().map(|day| day.as_string().unwrap_or_default()).collect()),
                    officers: list("officers").map(|officers| {
                        officers
                            .iter()
                            .map(|officer| wire::sync::DutyOfficer {
                                code: text_of(officer, "code").unwrap_or_default(),
                                name: text_of(officer, "name").unwrap_or_default(),
                            })
                            .collect()
                    }),
                    on_duty: field("on_duty"),
                })),
                _ => Err("the configuration is not of format 1".into()),
            }
        }
        401 => Ok(None),
        // Said to nobody (the kiosk asks again later), so not worth reading the server's words.
        _ => Err(format!("the server answered {status}")),
    }
}

/// A request of the signed-in staff member to the server's API, with the session's CSRF token
/// on a change: the answer's JSON (`null` for none), `Err(None)` when the session has ended, or
/// the server's refusal in its words.
pub async fn call(
    session: &Session,
    method: &str,
    path: &str,
    body: Option<String>,
) -> Result<serde_json::Value, Option<String>> {
    let csrf = (method != "GET").then_some(session.csrf.as_str());
    let (status, text) = api_request(method, path, body.as_deref(), Signed::Session { csrf }).await.map_err(Some)?;
    match status {
        200..=299 if text.trim().is_empty() => Ok(serde_json::Value::Null),
        200..=299 => serde_json::from_str(&text).map_err(|err| Some(err.to_string())),
        401 => Err(None),
        _ => Err(Some(refusal(status, &text))),
    }
}
