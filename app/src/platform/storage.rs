//! The app's only door to IndexedDB, where every response and setting is kept.
//!
//! IndexedDB, not localStorage: a committed IndexedDB transaction survived killing the browser
//! in every trial, localStorage written just before did not. A response counts as stored only
//! when its transaction has *completed*, and that transaction asks for `durability: "strict"`
//! so the browser flushes it to disk before saying so. The thank-you screen waits for that.
//!
//! The `idb` crate has no way to ask for strict durability and web-sys offers it only as an
//! unstable API, so this module binds the few calls it needs itself, turning each request's
//! success and error events into a promise without any Rust closure to leak.

use std::fmt;
use std::rc::Rc;

use js_sys::{Array, Object, Promise, Reflect};
use survey::{records::gate::CheckedRecord, records::record::RecordError, records::record::ResponseRecord};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStoreParameters, IdbOpenDbRequest, IdbRequest, IdbTransaction};

use crate::platform::banner;

/// The database name; one per origin.
pub const DB_NAME: &str = "hailong";
/// Bumped with a new step in [`upgrade`] whenever the stores change.
const DB_VERSION: u32 = 2;
/// Response records, keyed by their `response_id`.
const RESPONSES: &str = "responses";
/// Responses waiting to be sent to the server (`{response_id, record, token?, refused?}`),
/// written in the same transaction as the response itself, so none is stored unsent-and-
/// forgotten; a record leaves it only when the server confirms it holds it.
const OUTBOX: &str = "outbox";
/// What the server confirmed: `{response_id, content_sha256, status, confirmed_at}`.
const SENT: &str = "sent";
/// Settings of this device, keyed by name.
const SETTINGS: &str = "settings";

// Every key of the settings store, in one place: a key is a stored format, and a backup, a
// restore and every reader must agree on it.
/// This device's id, made once.
pub const DEVICE_ID: &str = "device_id";
/// The kiosk's settings (`crate::settings::KioskSettings` as JSON).
pub const SETTINGS_KEY: &str = "kiosk_settings";
/// What the outbox sender's last round met (`crate::platform::sync::LastRound`), for the staff area.
pub const LAST_ROUND_KEY: &str = "sync_last_round";
/// What the staff member last looked at (`crate::staff::prefs::StaffPrefs`).
pub const PREFS_KEY: &str = "staff_view";
/// The staff PIN's salted hash, and its lock after wrong tries.
pub const PIN_KEY: &str = "staff_pin";
pub const LOCK_KEY: &str = "staff_pin_lock";
/// Prefixes of what the staff area keeps: certificates (`certificate:<survey>:<version>:<period>`),
/// dossiers received (`dossiers:<period>`), indicators entered from the agency's systems
/// (`indicators:<period>`) and imported tallies (`tally:<sha256 of the CSV>`).
pub const CERTIFICATE_PREFIX: &str = "certificate:";
pub const DOSSIERS_PREFIX: &str = "dossiers:";
pub const INDICATORS_PREFIX: &str = "indicators:";
pub const TALLY_PREFIX: &str = "tally:";
/// Keys a backup never carries: the PIN (a short PIN's hash is easy to break offline), its lock
/// and the device's own id.
pub const NOT_BACKED_UP: [&str; 3] = [PIN_KEY, LOCK_KEY, DEVICE_ID];

#[wasm_bindgen]
extern "C" {
    /// An `IDBDatabase`, seen through the one call web-sys does not offer.
    #[wasm_bindgen(js_name = IDBDatabase)]
    type DatabaseWithOptions;

    /// `IDBDatabase.transaction(names, mode, options)`: web-sys lacks the options argument.
    #[wasm_bindgen(method, catch, js_name = transaction)]
    fn transaction_with_options(
        this: &DatabaseWithOptions,
        store_names: &JsValue,
        mode: &str,
        options: &JsValue,
    ) -> Result<IdbTransaction, JsValue>;
}

/// An open connection to this device's store.
pub struct Store {
    db: IdbDatabase,
}

/// Why the store could not do what was asked. The message names the browser's own error
/// (`QuotaExceededError`, `ConstraintError` …) so staff can tell a full disk from a bug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageError {
    pub kind: StorageErrorKind,
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageErrorKind {
    /// This browser offers no IndexedDB (private mode in some browsers, or disabled by policy).
    Unavailable,
    /// The device is out of the space the browser allows this site.
    Full,
    /// A response with the same id is already stored; the stored one is kept.
    Duplicate,
    /// Any other failure reported by the browser.
    Failed,
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            StorageErrorKind::Unavailable => "this browser offers no storage for the app",
            StorageErrorKind::Full => "the device's storage for this app is full",
            StorageErrorKind::Duplicate => "a response with this id is already stored",
            StorageErrorKind::Failed => "storing failed",
        };
        write!(f, "{what} ({})", self.detail)
    }
}

impl std::error::Error for StorageError {}

impl StorageError {
    fn from_js(value: JsValue) -> StorageError {
        let name = Reflect::get(&value, &"name".into()).ok().and_then(|name| name.as_string());
        let message = Reflect::get(&value, &"message".into()).ok().and_then(|message| message.as_string());
        let kind = match name.as_deref() {
            Some("QuotaExceededError") => StorageErrorKind::Full,
            Some("ConstraintError") => StorageErrorKind::Duplicate,
            _ => StorageErrorKind::Failed,
        };
        let detail = match (name, message) {
            (Some(name), Some(message)) => format!("{name}: {message}"),
            (Some(name), None) => name,
            _ => value.as_string().unwrap_or_else(|| "unknown error".into()),
        };
        StorageError { kind, detail }
    }
}

/// Waits for one of the callbacks that `register` hands to the browser: the first resolves,
/// the second rejects. Both are the promise's own functions, so nothing is left to free.
async fn settle(register: impl FnOnce(&js_sys::Function, &js_sys::Function)) -> Result<JsValue, JsValue> {
    let mut callbacks = None;
    let promise = Promise::new(&mut |resolve, reject| callbacks = Some((resolve, reject)));
    let (resolve, reject) = callbacks.expect("the Promise executor runs synchronously");
    register(&resolve, &reject);
    JsFuture::from(promise).await
}

async fn request_result(request: &IdbRequest) -> Result<JsValue, StorageError> {
    let outcome = settle(|ok, err| {
        request.set_onsuccess(Some(ok));
        request.set_onerror(Some(err));
    })
    .await;
    match outcome {
        Ok(_) => request.result().map_err(StorageError::from_js),
        Err(_) => {
            Err(StorageError::from_js(request.error().ok().flatten().map(JsValue::from).unwrap_or(JsValue::NULL)))
        }
    }
}

async fn transaction_done(transaction: &IdbTransaction) -> Result<(), StorageError> {
    let outcome = settle(|ok, err| {
        transaction.set_oncomplete(Some(ok));
        transaction.set_onerror(Some(err));
        transaction.set_onabort(Some(err));
    })
    .await;
    outcome.map(|_| ()).map_err(|event| {
        // A failed request's error event bubbles here before the transaction records the
        // error, so the failing request (the event's target) is asked first.
        let from_request = event
            .dyn_into::<web_sys::Event>()
            .ok()
            .and_then(|event| event.target())
            .and_then(|target| target.dyn_into::<IdbRequest>().ok())
            .and_then(|request| request.error().ok().flatten());
        let error = from_request.or_else(|| transaction.error());
        StorageError::from_js(error.map(JsValue::from).unwrap_or_else(|| "the transaction was aborted".into()))
    })
}

/// Creates or migrates the stores. Each step runs once, in order, on every device, so a device
/// that skipped app versions still arrives at the current layout with its data intact.
fn upgrade(db: &IdbDatabase, old_version: u32) -> Result<(), JsValue> {
    if old_version < 1 {
        let by_response_id = IdbObjectStoreParameters::new();
        by_response_id.set_key_path(&"response_id".into());
        db.create_object_store_with_optional_parameters(RESPONSES, &by_response_id)?;
        db.create_object_store(SETTINGS)?;
    }
    if old_version < 2 {
        for name in [OUTBOX, SENT] {
            let by_response_id = IdbObjectStoreParameters::new();
            by_response_id.set_key_path(&"response_id".into());
            db.create_object_store_with_optional_parameters(name, &by_response_id)?;
        }
    }
    Ok(())
}

/// A response in the outbox: its stored JSON as it will be sent, and the single-use token of
/// the QR code it came through, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outgoing {
    pub response_id: String,
    pub record: String,
    pub token: Option<String>,
    /// Why the server refused it for good (a conflict, an invalid record, a used token).
    pub refused: Option<String>,
}

impl Outgoing {
    /// What `add_response` is told to queue: the token, the rest comes from the record.
    pub fn with_token(token: Option<String>) -> Outgoing {
        Outgoing { token, ..Outgoing::default() }
    }
}

/// One line of the sent-ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentEntry {
    pub response_id: String,
    /// SHA-256 of the record as the server holds it.
    pub content_sha256: String,
    /// 201 (first receipt) or 200 (the server held it already).
    pub status: u16,
    pub confirmed_at: String,
}

/// A text property of a stored object, if it has one.
fn text_field(value: &JsValue, key: &str) -> Option<String> {
    Reflect::get(value, &key.into()).ok().and_then(|field| field.as_string())
}

fn outbox_entry(response_id: &str, record: &str, token: Option<&str>) -> Object {
    let entry = Object::new();
    let _ = Reflect::set(&entry, &"response_id".into(), &response_id.into());
    let _ = Reflect::set(&entry, &"record".into(), &record.into());
    if let Some(token) = token {
        let _ = Reflect::set(&entry, &"token".into(), &token.into());
    }
    entry
}

/// How much this site stores, and whether the browser promised to keep it.
#[derive(Clone, Debug, PartialEq)]
pub struct StorageReport {
    pub persisted: bool,
    pub usage_bytes: Option<f64>,
    pub quota_bytes: Option<f64>,
}

/// Asks the browser to keep this site's data even when the device runs short of space (it may
/// say no, as Chrome does for sites that are not installed or bookmarked), and reports the
/// answer with the space used. Staff see it, so a kiosk at risk is noticed before data is.
pub async fn persist_and_report() -> Result<StorageReport, String> {
    let describe = |err: JsValue| format!("{err:?}");
    let navigator = web_sys::window().ok_or("no window")?.navigator();
    let storage = Reflect::get(&navigator, &"storage".into()).map_err(describe)?;
    if storage.is_undefined() {
        return Err("this browser reports no storage information".into());
    }
    let call = |name: &str| -> Result<JsFuture, String> {
        let function: js_sys::Function =
            Reflect::get(&storage, &name.into()).map_err(describe)?.dyn_into().map_err(describe)?;
        let promise: Promise = function.call0(&storage).map_err(describe)?.dyn_into().map_err(describe)?;
        Ok(JsFuture::from(promise))
    };
    let persisted = call("persist")?.await.map_err(describe)?.as_bool().unwrap_or(false);
    let estimate = call("estimate")?.await.map_err(describe)?;
    let number = |key: &str| Reflect::get(&estimate, &key.into()).ok().and_then(|value| value.as_f64());
    Ok(StorageReport { persisted, usage_bytes: number("usage"), quota_bytes: number("quota") })
}

impl Store {
    /// Opens this device's store, creating or migrating it as needed.
    pub async fn open() -> Result<Store, StorageError> {
        Store::open_named(DB_NAME).await
    }

    /// Opens a store under another name; tests use this to start from nothing.
    pub async fn open_named(name: &str) -> Result<Store, StorageError> {
        let unavailable = |detail: &str| StorageError { kind: StorageErrorKind::Unavailable, detail: detail.into() };
        let window = web_sys::window().ok_or_else(|| unavailable("no window"))?;
        let factory = window
            .indexed_db()
            .map_err(StorageError::from_js)?
            .ok_or_else(|| unavailable("indexedDB is not offered"))?;
        let request: IdbOpenDbRequest = factory.open_with_u32(name, DB_VERSION).map_err(StorageError::from_js)?;
        let upgrade_request = request.clone();
        let on_upgrade =
            Closure::<dyn FnMut(web_sys::IdbVersionChangeEvent)>::new(move |event: web_sys::IdbVersionChangeEvent| {
                let old_version = event.old_version() as u32;
                if let Ok(db) = upgrade_request.result().and_then(|db| db.dyn_into::<IdbDatabase>())
                    && let Err(err) = upgrade(&db, old_version)
                {
                    // Aborting the upgrade fails the open request, which reports the error.
                    if let Some(transaction) = upgrade_request.transaction() {
                        let _ = transaction.abort();
                    }
                    web_sys::console::error_1(&err);
                }
            });
        request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
        // Another tab holds the store open at an older version: staff are told to close it.
        let on_blocked = Closure::<dyn FnMut()>::new(|| banner::show(banner::Banner::Blocked));
        request.set_onblocked(Some(on_blocked.as_ref().unchecked_ref()));
        let db = request_result(&request).await;
        request.set_onupgradeneeded(None);
        request.set_onblocked(None);
        drop((on_upgrade, on_blocked));
        banner::remove(banner::Banner::Blocked);
        let db: IdbDatabase = db?.dyn_into().map_err(StorageError::from_js)?;
        // A newer version in another tab waits for this one, which stays open (a response is
        // still stored here): staff are asked to reload when they can.
        let on_version_change = Closure::<dyn FnMut()>::new(|| banner::show(banner::Banner::Newer));
        db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        on_version_change.forget();
        Ok(Store { db })
    }

    fn transaction(&self, store: &str, mode: &str) -> Result<IdbTransaction, StorageError> {
        self.transaction_over(&[store], mode)
    }

    fn transaction_over(&self, stores: &[&str], mode: &str) -> Result<IdbTransaction, StorageError> {
        let options = Object::new();
        let _ = Reflect::set(&options, &"durability".into(), &"strict".into());
        let names: Array = stores.iter().map(|name| JsValue::from_str(name)).collect();
        self.db
            .unchecked_ref::<DatabaseWithOptions>()
            .transaction_with_options(&names, mode, &options)
            .map_err(StorageError::from_js)
    }

    /// Stores a new response and returns only once the browser has committed it to disk.
    /// A response whose id is already stored is refused; the stored one is never overwritten.
    /// With `outbox`, the response also waits in the outbox to be sent, committed in the same
    /// transaction: both or neither.
    pub async fn add_response(&self, record: &CheckedRecord, outbox: Option<Outgoing>) -> Result<(), StorageError> {
        let json = record.to_json();
        let value = js_sys::JSON::parse(&json).map_err(StorageError::from_js)?;
        let stores: &[&str] = if outbox.is_some() { &[RESPONSES, OUTBOX] } else { &[RESPONSES] };
        let transaction = self.transaction_over(stores, "readwrite")?;
        let store = transaction.object_store(RESPONSES).map_err(StorageError::from_js)?;
        store.add(&value).map_err(StorageError::from_js)?;
        if let Some(outgoing) = outbox {
            let entry = outbox_entry(&record.response_id, &json, outgoing.token.as_deref());
            let outbox = transaction.object_store(OUTBOX).map_err(StorageError::from_js)?;
            if let Err(err) = outbox.add(&entry) {
                let _ = transaction.abort();
                return Err(StorageError::from_js(err));
            }
        }
        transaction_done(&transaction).await
    }

    /// Puts every stored response that was never confirmed by the server, is not waiting
    /// already, and `passes` the one gate (given its stored JSON), into the outbox (a kiosk just
    /// given a device token). Returns how many.
    pub async fn enqueue_unsent(&self, passes: impl Fn(&str) -> bool) -> Result<usize, StorageError> {
        let transaction = self.transaction_over(&[RESPONSES, OUTBOX, SENT], "readwrite")?;
        let store = |name: &str| transaction.object_store(name).map_err(StorageError::from_js);
        let keys = |name: &str| -> Result<IdbRequest, StorageError> {
            store(name)?.get_all_keys().map_err(StorageError::from_js)
        };
        let (waiting, sent) = (keys(OUTBOX)?, keys(SENT)?);
        let responses = store(RESPONSES)?.get_all().map_err(StorageError::from_js)?;
        let as_strings = |value: JsValue| -> std::collections::HashSet<String> {
            value
                .dyn_into::<Array>()
                .map(|array| array.iter().filter_map(|key| key.as_string()).collect())
                .unwrap_or_default()
        };
        let waiting = as_strings(request_result(&waiting).await?);
        let sent = as_strings(request_result(&sent).await?);
        let responses: Array = request_result(&responses).await?.dyn_into().map_err(StorageError::from_js)?;
        let outbox = store(OUTBOX)?;
        let mut added = 0;
        for value in responses.iter() {
            let Some(id) = text_field(&value, "response_id") else {
                continue;
            };
            if waiting.contains(&id) || sent.contains(&id) {
                continue;
            }
            let json: String = js_sys::JSON::stringify(&value).map(String::from).unwrap_or_default();
            if !passes(&json) {
                continue;
            }
            outbox.add(&outbox_entry(&id, &json, None)).map_err(StorageError::from_js)?;
            added += 1;
        }
        transaction_done(&transaction).await?;
        Ok(added)
    }

    /// Up to `limit` responses waiting to be sent, oldest first by id order; refused ones stay
    /// in the outbox for staff to see but are not sent again.
    pub async fn outbox_pending(&self, limit: usize) -> Result<Vec<Outgoing>, StorageError> {
        Ok(self.outbox().await?.into_iter().filter(|entry| entry.refused.is_none()).take(limit).collect())
    }

    /// Everything in the outbox, waiting or refused.
    pub async fn outbox(&self) -> Result<Vec<Outgoing>, StorageError> {
        Ok(self
            .all_values(OUTBOX)
            .await?
            .iter()
            .filter_map(|value| {
                Some(Outgoing {
                    response_id: text_field(&value, "response_id")?,
                    record: text_field(&value, "record")?,
                    token: text_field(&value, "token"),
                    refused: text_field(&value, "refused"),
                })
            })
            .collect())
    }

    /// Records the server's answers in one transaction: a confirmed response leaves the outbox
    /// and enters the sent-ledger; a refused one stays in the outbox, marked with the reason.
    pub async fn settle(&self, confirmed: &[SentEntry], refused: &[(Outgoing, String)]) -> Result<(), StorageError> {
        if confirmed.is_empty() && refused.is_empty() {
            return Ok(());
        }
        let transaction = self.transaction_over(&[OUTBOX, SENT], "readwrite")?;
        let outbox = transaction.object_store(OUTBOX).map_err(StorageError::from_js)?;
        let sent = transaction.object_store(SENT).map_err(StorageError::from_js)?;
        for entry in confirmed {
            let value = Object::new();
            for (key, text) in [
                ("response_id", entry.response_id.as_str()),
                ("content_sha256", entry.content_sha256.as_str()),
                ("confirmed_at", entry.confirmed_at.as_str()),
            ] {
                let _ = Reflect::set(&value, &key.into(), &text.into());
            }
            let _ = Reflect::set(&value, &"status".into(), &JsValue::from(entry.status));
            sent.put(&value).map_err(StorageError::from_js)?;
            outbox.delete(&entry.response_id.as_str().into()).map_err(StorageError::from_js)?;
        }
        for (outgoing, reason) in refused {
            let entry = outbox_entry(&outgoing.response_id, &outgoing.record, outgoing.token.as_deref());
            let _ = Reflect::set(&entry, &"refused".into(), &reason.as_str().into());
            outbox.put(&entry).map_err(StorageError::from_js)?;
        }
        transaction_done(&transaction).await
    }

    /// How many responses the server has confirmed.
    pub async fn sent_count(&self) -> Result<usize, StorageError> {
        let transaction = self.transaction(SENT, "readonly")?;
        let store = transaction.object_store(SENT).map_err(StorageError::from_js)?;
        let count = request_result(&store.count().map_err(StorageError::from_js)?).await?;
        Ok(count.as_f64().unwrap_or(0.0) as usize)
    }

    /// The sent-ledger: every response the server confirmed, with the digest it confirmed.
    pub async fn sent_ledger(&self) -> Result<Vec<SentEntry>, StorageError> {
        Ok(self
            .all_values(SENT)
            .await?
            .iter()
            .filter_map(|value| {
                Some(SentEntry {
                    response_id: text_field(&value, "response_id")?,
                    content_sha256: text_field(&value, "content_sha256").unwrap_or_default(),
                    status: Reflect::get(&value, &"status".into()).ok()?.as_f64()? as u16,
                    confirmed_at: text_field(&value, "confirmed_at").unwrap_or_default(),
                })
            })
            .collect())
    }

    /// Stores many responses in one transaction: all of them, or none if any fails (a response
    /// whose id is already stored fails it). Returns once the browser has committed them.
    pub async fn add_responses(&self, records: &[CheckedRecord]) -> Result<(), StorageError> {
        if records.is_empty() {
            return Ok(());
        }
        let transaction = self.transaction(RESPONSES, "readwrite")?;
        let store = transaction.object_store(RESPONSES).map_err(StorageError::from_js)?;
        for record in records {
            let value = js_sys::JSON::parse(&record.to_json()).map_err(StorageError::from_js)?;
            if let Err(err) = store.add(&value) {
                let _ = transaction.abort();
                return Err(StorageError::from_js(err));
            }
        }
        transaction_done(&transaction).await
    }

    /// Every stored response as the JSON text it is stored as, readable or not: what a backup
    /// keeps, so that nothing is lost even where this version cannot read it.
    pub async fn response_texts(&self) -> Result<Vec<String>, StorageError> {
        let all = self.all_values(RESPONSES).await?;
        Ok(all.iter().filter_map(|value| js_sys::JSON::stringify(&value).ok().map(String::from)).collect())
    }

    /// Every value of one object store, in key order.
    async fn all_values(&self, name: &str) -> Result<Array, StorageError> {
        let transaction = self.transaction(name, "readonly")?;
        let store = transaction.object_store(name).map_err(StorageError::from_js)?;
        let all = request_result(&store.get_all().map_err(StorageError::from_js)?).await?;
        all.dyn_into().map_err(StorageError::from_js)
    }

    /// Deletes exactly the responses with these ids, in one transaction, and says how many were
    /// stored: one stored since (by the kiosk tab, an import) is never among them.
    pub async fn delete_responses(&self, ids: &[String]) -> Result<usize, StorageError> {
        let transaction = self.transaction(RESPONSES, "readwrite")?;
        let store = transaction.object_store(RESPONSES).map_err(StorageError::from_js)?;
        let keys: Array = request_result(&store.get_all_keys().map_err(StorageError::from_js)?).await?.unchecked_into();
        let stored: std::collections::BTreeSet<String> = keys.iter().filter_map(|key| key.as_string()).collect();
        let mut deleted = 0;
        for id in ids.iter().filter(|id| stored.contains(*id)) {
            if let Err(err) = store.delete(&JsValue::from_str(id)) {
                let _ = transaction.abort();
                return Err(StorageError::from_js(err));
            }
            deleted += 1;
        }
        transaction_done(&transaction).await?;
        Ok(deleted)
    }

    /// Every setting whose key starts with `prefix`, as (key, JSON text), in key order.
    pub async fn settings_with_prefix(&self, prefix: &str) -> Result<Vec<(String, String)>, StorageError> {
        let transaction = self.transaction(SETTINGS, "readonly")?;
        let store = transaction.object_store(SETTINGS).map_err(StorageError::from_js)?;
        let keys_request = store.get_all_keys().map_err(StorageError::from_js)?;
        let values_request = store.get_all().map_err(StorageError::from_js)?;
        let keys: Array = request_result(&keys_request).await?.dyn_into().map_err(StorageError::from_js)?;
        let values: Array = request_result(&values_request).await?.dyn_into().map_err(StorageError::from_js)?;
        Ok(keys
            .iter()
            .zip(values.iter())
            .filter_map(|(key, value)| Some((key.as_string()?, value.as_string()?)))
            .filter(|(key, _)| key.starts_with(prefix))
            .collect())
    }

    /// Every stored response. One that cannot be read (written by a newer app, or damaged) is
    /// returned as an error in its place, so staff see it instead of losing it.
    pub async fn responses(&self) -> Result<Vec<Result<ResponseRecord, RecordError>>, StorageError> {
        Ok(self.response_texts().await?.iter().map(|json| ResponseRecord::from_json(json)).collect())
    }

    /// Stores a raw value as if an older or newer app had written it. Tests use this to check
    /// that such data loads or is reported, never lost.
    pub async fn put_raw_response(&self, value: &JsValue) -> Result<(), StorageError> {
        let transaction = self.transaction(RESPONSES, "readwrite")?;
        let store = transaction.object_store(RESPONSES).map_err(StorageError::from_js)?;
        store.put(value).map_err(StorageError::from_js)?;
        transaction_done(&transaction).await
    }

    /// Stores a setting (a JSON text) and returns once it is committed to disk.
    pub async fn put_setting(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let transaction = self.transaction(SETTINGS, "readwrite")?;
        let store = transaction.object_store(SETTINGS).map_err(StorageError::from_js)?;
        store.put_with_key(&value.into(), &key.into()).map_err(StorageError::from_js)?;
        transaction_done(&transaction).await
    }

    /// This device's random id, made on first use and kept.
    pub async fn device_id(&self) -> Result<String, StorageError> {
        if let Some(id) = self.setting(DEVICE_ID).await? {
            return Ok(id);
        }
        let fresh = uuid::Uuid::new_v4().to_string();
        let transaction = self.transaction(SETTINGS, "readwrite")?;
        let store = transaction.object_store(SETTINGS).map_err(StorageError::from_js)?;
        store.add_with_key(&fresh.as_str().into(), &DEVICE_ID.into()).map_err(StorageError::from_js)?;
        match transaction_done(&transaction).await {
            Ok(()) => Ok(fresh),
            // Another tab made one first: use that one.
            Err(err) if err.kind == StorageErrorKind::Duplicate => self.setting(DEVICE_ID).await?.ok_or(err),
            Err(err) => Err(err),
        }
    }

    /// A stored setting (a JSON text), if there is one.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StorageError> {
        let transaction = self.transaction(SETTINGS, "readonly")?;
        let store = transaction.object_store(SETTINGS).map_err(StorageError::from_js)?;
        let value = request_result(&store.get(&key.into()).map_err(StorageError::from_js)?).await?;
        Ok(value.as_string())
    }
}

/// A handle to the open store that components can take as a prop.
#[derive(Clone)]
pub struct SharedStore(pub Rc<Store>);

impl PartialEq for SharedStore {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
