//! Browser tests of the app's storage against real IndexedDB in headless Chromium.
//! Each test opens a database of its own name, so tests never see each other's data.
#![cfg(target_arch = "wasm32")]

use app::platform::storage::{StorageErrorKind, Store};
use survey::definition::answer::Answer;
use survey::records::gate::CheckedRecord;
use survey::{records::record::Channel, records::record::ResponseRecord};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A counter rating through the one gate, as the kiosk stores it.
fn record(response_id: &str, code: &str) -> CheckedRecord {
    let survey = survey_defs::by_id(survey_defs::COUNTER_RATING_ID).unwrap();
    let mut record =
        ResponseRecord::new(&survey, response_id.into(), "2026-11-23T19:08:15+07:00".into(), Channel::Kiosk);
    record.answers.insert("muc-do-hai-long".into(), Answer::Choice(code.into()));
    app::platform::nfc::gate().check_for(&survey, record).unwrap()
}

async fn fresh_store() -> Store {
    let name = format!("test-{}", uuid::Uuid::new_v4());
    Store::open_named(&name).await.expect("IndexedDB opens in Chromium")
}

#[wasm_bindgen_test]
async fn a_stored_response_reads_back_unchanged() {
    let store = fresh_store().await;
    let first = record("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90", "rat-hai-long");
    store.add_response(&first, None).await.unwrap();
    let stored: Vec<_> = store.responses().await.unwrap().into_iter().map(Result::unwrap).collect();
    assert_eq!(stored, vec![first.into_record()]);
}

#[wasm_bindgen_test]
async fn the_same_id_twice_is_refused_and_the_first_is_kept() {
    let store = fresh_store().await;
    let first = record("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90", "rat-hai-long");
    store.add_response(&first, None).await.unwrap();
    let impostor = record("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90", "khong-hai-long");
    let err = store.add_response(&impostor, None).await.unwrap_err();
    assert_eq!(err.kind, StorageErrorKind::Duplicate, "{err}");
    let stored: Vec<_> = store.responses().await.unwrap().into_iter().map(Result::unwrap).collect();
    assert_eq!(stored, vec![first.into_record()]);
}

#[wasm_bindgen_test]
async fn an_unreadable_record_is_reported_and_kept() {
    let store = fresh_store().await;
    let good = record("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90", "hai-long");
    store.add_response(&good, None).await.unwrap();
    let from_the_future =
        js_sys::JSON::parse(r#"{"response_id": "1b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90", "format": 9}"#).unwrap();
    store.put_raw_response(&from_the_future).await.unwrap();

    let results = store.responses().await.unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0], Ok(good.into_record()));
    let err = results[1].as_ref().unwrap_err().to_string();
    assert!(err.contains("format 9"), "{err}");
    // Reading again still finds it: nothing was dropped.
    assert_eq!(store.responses().await.unwrap().len(), 2);
}

#[wasm_bindgen_test]
async fn the_device_id_is_made_once_and_kept() {
    let store = fresh_store().await;
    let first = store.device_id().await.unwrap();
    assert_eq!(store.device_id().await.unwrap(), first);
    assert!(uuid::Uuid::parse_str(&first).is_ok(), "{first}");
}

/// A response exactly as this version stores it (format 1), kept here as written: whatever the
/// app becomes, a kiosk's old data must keep loading.
const STORED_BY_FORMAT_1: &str = r#"{"format":1,"response_id":"6f1c2a4e-3b5d-4c8e-9a57-2f1c3b5e7a91","survey_id":"danh-gia-tai-quay","survey_version":"2026.1","submitted_at":"2026-11-23T08:15:00+07:00","channel":"kiosk","unit":"phuong-hong-bang","counter":"quay-2","device_id":"5d0c9e2a-1b3c-4d5e-8f70-0a1b2c3d4e5f","partial":false,"answers":{"muc-do-hai-long":{"kind":"choice","value":"khong-hai-long"},"ly-do":{"kind":"choices","value":{"codes":["cho-lau","khac"],"other":"Không có ghế"}}}}"#;

#[wasm_bindgen_test]
async fn data_stored_in_format_1_keeps_loading() {
    let store = fresh_store().await;
    store.put_raw_response(&js_sys::JSON::parse(STORED_BY_FORMAT_1).unwrap()).await.unwrap();
    let loaded = store.responses().await.unwrap().remove(0).expect("a format 1 record loads");
    assert_eq!(loaded.counter.as_deref(), Some("quay-2"));
    let survey = survey_defs::by_id("danh-gia-tai-quay").unwrap();
    app::platform::nfc::gate().check_for(&survey, loaded).unwrap();
}

#[wasm_bindgen_test]
async fn deleting_saved_responses_removes_exactly_those_ids() {
    let store = fresh_store().await;
    let (a, b, c) = (
        "0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a91",
        "0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a92",
        "0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a93",
    );
    for id in [a, b, c] {
        store.add_response(&record(id, "hai-long"), None).await.unwrap();
    }
    let saved = vec![a.to_string(), b.to_string(), "0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a99".to_string()];
    assert_eq!(store.delete_responses(&saved).await.unwrap(), 2, "an id no longer stored is not counted");
    let left: Vec<String> =
        store.responses().await.unwrap().into_iter().map(|record| record.unwrap().response_id).collect();
    assert_eq!(left, [c], "the one stored since is kept");
}

/// Another tab holds the store open at an older version: the upgrade waits, staff see why, and
/// once that tab lets go the store opens and the banner goes.
#[wasm_bindgen_test]
async fn a_blocked_upgrade_tells_staff_to_close_the_other_tabs() {
    use wasm_bindgen::JsCast;
    let name = format!("test-{}", uuid::Uuid::new_v4());
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let old = factory.open_with_u32(&name, 1).unwrap();
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::new(&mut |resolve, _| old.set_onsuccess(Some(&resolve))))
        .await
        .unwrap();
    let held: web_sys::IdbDatabase = old.result().unwrap().dyn_into().unwrap();

    let opening = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::new(&mut |resolve, _| {
        let name = name.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let store = Store::open_named(&name).await;
            let _ = resolve.call1(&wasm_bindgen::JsValue::NULL, &wasm_bindgen::JsValue::from_bool(store.is_ok()));
        });
    }));
    let document = web_sys::window().unwrap().document().unwrap();
    let selector = format!(".{}", app::platform::banner::Banner::Blocked.class());
    for _ in 0..100 {
        if document.query_selector(&selector).unwrap().is_some() {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    let shown = document.query_selector(&selector).unwrap().expect("the blocked banner is shown");
    assert!(shown.text_content().unwrap().contains("Hãy đóng các thẻ đó"), "{:?}", shown.text_content());
    assert_eq!(shown.get_attribute("role").as_deref(), Some("alert"));
    held.close();
    assert_eq!(opening.await.unwrap().as_bool(), Some(true), "the store opens once the other tab lets go");
    assert!(document.query_selector(&selector).unwrap().is_none(), "and the banner goes");
}
