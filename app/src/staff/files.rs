//! What the staff area reads from and writes to files: exports, imports from other kiosks and
//! wards, backups and their restoring. Everything here runs only in the staff wasm.
//!
//! One rule for every file that brings responses in (a raw CSV, a backup): responses already
//! stored with the same content are skipped and counted; a response stored with other content
//! is a conflict, and then nothing from that file is stored and both versions are listed; all
//! the new ones are stored in one transaction, or none.

use std::collections::BTreeMap;
use std::io::Cursor;

use survey::definition::catalog::Catalog;
use survey::records::backup::{Backup, plan_join};
use survey::records::gate::{CheckedRecord, Gate};
use survey::records::raw::read_raw;
use survey::results::tally::Tally;
use survey::{digest::sha256_hex, records::record::ResponseRecord};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::platform::nfc::gate;
use crate::platform::storage::{NOT_BACKED_UP, SharedStore, TALLY_PREFIX};

/// What became of one file.
#[derive(Clone, Debug, PartialEq)]
pub enum FileReport {
    Responses {
        file: String,
        added: usize,
        duplicates: u64,
        settings_added: usize,
    },
    /// A backup with records that do not pass the gate: nothing of it was stored.
    Unreadable {
        file: String,
        unreadable: Vec<String>,
    },
    Tally {
        file: String,
        groups: usize,
    },
    TallyAgain {
        file: String,
    },
    Conflicts {
        file: String,
        conflicts: Vec<(ResponseRecord, CheckedRecord)>,
    },
    Failed {
        file: String,
        reason: String,
    },
}

/// A tally imported from another ward, kept as its CSV.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredTally {
    pub file: String,
    pub csv: String,
}

/// Reads a file the staff member picked or dropped, byte for byte. `Blob.text()` would drop a
/// byte-order mark, and the mark is what says a CSV was written for Excel, with a guarding
/// apostrophe before formula-like cells to remove again; without it every round trip through
/// the app would add one more apostrophe.
pub async fn file_text(file: &web_sys::File) -> Result<String, String> {
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|err| format!("{err:?}"))?;
    String::from_utf8(js_sys::Uint8Array::new(&buffer).to_vec()).map_err(|_| {
        "not UTF-8 text: save the file as \"CSV UTF-8\" (an old Vietnamese encoding such as Windows-1258 or TCVN3 is not read)"
            .into()
    })
}

/// Lets the page draw (a progress bar) before going on.
async fn breathe() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// Imports one file: a raw CSV, a tally CSV or a backup, told apart by their first line.
pub async fn import_file(store: &SharedStore, name: &str, text: &str, progress: &dyn Fn(f64)) -> FileReport {
    let failed = |reason: String| FileReport::Failed { file: name.to_owned(), reason };
    let first_line = text.trim_start_matches('\u{feff}').lines().next().unwrap_or_default();
    if text.trim_start_matches('\u{feff}').trim_start().starts_with('{') {
        return match Backup::from_json(text.trim_start_matches('\u{feff}')) {
            Ok(backup) => restore(store, name, backup).await,
            Err(reason) => failed(reason),
        };
    }
    if first_line.contains("response_id") {
        return match read_records(text, progress).await {
            Ok(records) => join(store, name, records, BTreeMap::new()).await,
            Err(reason) => failed(reason),
        };
    }
    if first_line.contains("question_id") {
        let tally = match Tally::read_csv(text.as_bytes()) {
            Ok(tally) => tally,
            Err(err) => return failed(err.to_string()),
        };
        // Keyed on the text without its byte-order mark, as earlier versions read it, so that a
        // tally imported before is still known.
        let key = format!("{TALLY_PREFIX}{}", sha256_hex(text.trim_start_matches('\u{feff}').as_bytes()));
        return match store.0.setting(&key).await {
            Ok(Some(_)) => FileReport::TallyAgain { file: name.to_owned() },
            Ok(None) => {
                let stored = StoredTally { file: name.to_owned(), csv: text.to_owned() };
                match store.0.put_setting(&key, &serde_json::to_string(&stored).unwrap_or_default()).await {
                    Ok(()) => FileReport::Tally { file: name.to_owned(), groups: tally.groups.len() },
                    Err(err) => failed(err.to_string()),
                }
            }
            Err(err) => failed(err.to_string()),
        };
    }
    failed(
        "không nhận ra loại tệp: cần tệp phiếu (raw), bảng tổng hợp (tally) hoặc tệp sao lưu / \
         not a raw, tally or backup file of Hài Lòng"
            .into(),
    )
}

/// A gate at this receiver, now: for records that come from outside (a kiosk's file, a backup).
fn receiving() -> Gate {
    gate().received_at(crate::platform::clock::now_millis() / 1000)
}

/// Every record of a raw CSV, through the one gate; the first bad line fails the file.
async fn read_records(text: &str, progress: &dyn Fn(f64)) -> Result<Vec<CheckedRecord>, String> {
    let catalog = Catalog::new(survey_defs::all());
    let lines = text.bytes().filter(|&byte| byte == b'\n').count().max(1) as f64;
    let mut reader = read_raw(Cursor::new(text.as_bytes()), &catalog, receiving()).map_err(|err| err.to_string())?;
    let mut records = Vec::new();
    while let Some(next) = reader.next_record() {
        let (_, record) = next.map_err(|err| err.to_string())?;
        records.push(record);
        if records.len() % 2_000 == 0 {
            progress(records.len() as f64 / lines);
            breathe().await;
        }
    }
    progress(1.0);
    Ok(records)
}

/// Joins records (and settings) to the store under the one rule above.
async fn join(
    store: &SharedStore,
    name: &str,
    records: Vec<CheckedRecord>,
    settings: BTreeMap<String, String>,
) -> FileReport {
    let failed = |reason: String| FileReport::Failed { file: name.to_owned(), reason };
    let stored: BTreeMap<String, ResponseRecord> = match store.0.responses().await {
        Ok(all) => all.into_iter().flatten().map(|record| (record.response_id.clone(), record)).collect(),
        Err(err) => return failed(err.to_string()),
    };
    let plan = plan_join(&stored, records);
    if !plan.conflicts.is_empty() {
        return FileReport::Conflicts { file: name.to_owned(), conflicts: plan.conflicts };
    }
    if let Err(err) = store.0.add_responses(&plan.new).await {
        return failed(err.to_string());
    }
    let mut settings_added = 0;
    for (key, value) in settings {
        if NOT_BACKED_UP.contains(&key.as_str()) {
            continue;
        }
        match store.0.setting(&key).await {
            Ok(None) => {
                if let Err(err) = store.0.put_setting(&key, &value).await {
                    return failed(err.to_string());
                }
                settings_added += 1;
            }
            // A setting already here is kept as it is.
            Ok(Some(_)) => {}
            Err(err) => return failed(err.to_string()),
        }
    }
    FileReport::Responses { file: name.to_owned(), added: plan.new.len(), duplicates: plan.duplicates, settings_added }
}

async fn restore(store: &SharedStore, name: &str, backup: Backup) -> FileReport {
    // A backup is checked as any record from outside: nothing unchecked is stored, and a file
    // with a record that does not pass is refused whole, every such record named.
    match backup.checked_responses(&Catalog::new(survey_defs::all()), &receiving()) {
        Ok(records) => join(store, name, records, backup.settings).await,
        Err(unreadable) => FileReport::Unreadable { file: name.to_owned(), unreadable },
    }
}

/// The whole store as one backup file.
pub async fn backup(store: &SharedStore, made_at: String) -> Result<(Backup, Vec<String>), String> {
    let texts = store.0.response_texts().await.map_err(|err| err.to_string())?;
    let mut responses = Vec::with_capacity(texts.len());
    let mut ids = Vec::with_capacity(texts.len());
    for text in &texts {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|err| err.to_string())?;
        if let Some(id) = value.get("response_id").and_then(|id| id.as_str()) {
            ids.push(id.to_owned());
        }
        responses.push(value);
    }
    let mut settings = store.0.settings_with_prefix("").await.map_err(|err| err.to_string())?;
    // The kiosk's device token is its identity at the server: a backup that leaks must not
    // become a kiosk. A restored tablet is given its token again in the settings.
    for (key, json) in &mut settings {
        if key == crate::platform::storage::SETTINGS_KEY
            && let Ok(mut kiosk) = crate::settings::KioskSettings::from_json(json)
        {
            kiosk.device_token.clear();
            *json = kiosk.to_json();
        }
    }
    let device_id = store.0.device_id().await.map_err(|err| err.to_string())?;
    let backup = Backup {
        format: survey::records::backup::BACKUP_FORMAT,
        kind: survey::records::backup::BACKUP_KIND.into(),
        made_at,
        device_id,
        responses,
        settings: settings.into_iter().filter(|(key, _)| !NOT_BACKED_UP.contains(&key.as_str())).collect(),
    };
    Ok((backup, ids))
}

/// The files of a drop or a file picker.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|index| list.get(index)).collect()
}

/// The files picked in an `<input type=file>`.
pub fn picked_files(event: &web_sys::Event) -> Vec<web_sys::File> {
    event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|input| {
            let files = files_of(input.files());
            // Picking the same file again must fire `change` again.
            input.set_value("");
            files
        })
        .unwrap_or_default()
}
