//! The staff area at `/staff`: behind the PIN, the kiosk's settings and the counts.
//!
//! First run: staff choose a PIN (twice). Afterwards the PIN opens the area; five wrong tries
//! lock it for a minute, and the lock survives a reload. The PIN is checked with WebCrypto,
//! so the area needs a secure address (https:// or localhost).

use std::sync::Arc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::platform::storage;
use crate::settings::KioskSettings;
use crate::staff::pin::{self, PinLock, PinRecord};
use crate::staff::prefs::{Section, StaffPrefs};
use crate::{platform::clock, platform::route, platform::storage::SharedStore, staff::workspace};

#[derive(Clone, Debug, PartialEq)]
enum Gate {
    Loading,
    /// No PIN yet: choose one.
    Choose {
        error: Option<String>,
    },
    Enter {
        error: Option<String>,
    },
    Locked {
        seconds: u32,
    },
    Open,
    Failed(String),
}

#[derive(Properties, PartialEq)]
pub struct StaffAreaProps {
    pub store: SharedStore,
    /// The stored settings, or `None` where they cannot be read (they can be set anew here).
    pub settings: Option<KioskSettings>,
}

async fn read<T: serde::de::DeserializeOwned>(store: &SharedStore, key: &str) -> Result<Option<T>, String> {
    match store.0.setting(key).await.map_err(|err| err.to_string())? {
        Some(json) => serde_json::from_str(&json).map(Some).map_err(|err| format!("{key} cannot be read: {err}")),
        None => Ok(None),
    }
}

async fn write<T: serde::Serialize>(store: &SharedStore, key: &str, value: &T) -> Result<(), String> {
    let json = serde_json::to_string(value).map_err(|err| err.to_string())?;
    store.0.put_setting(key, &json).await.map_err(|err| err.to_string())
}

/// Where the gate stands now, from what is stored.
async fn current_gate(store: &SharedStore) -> Gate {
    let pin: Option<PinRecord> = match read(store, storage::PIN_KEY).await {
        Ok(pin) => pin,
        Err(err) => return Gate::Failed(err),
    };
    if pin.is_none() {
        return Gate::Choose { error: None };
    }
    let lock: PinLock = read(store, storage::LOCK_KEY).await.ok().flatten().unwrap_or_default();
    match lock.seconds_left(clock::now_millis()) {
        Some(seconds) => Gate::Locked { seconds },
        None => Gate::Enter { error: None },
    }
}

async fn choose(store: &SharedStore, first: String, second: String) -> Gate {
    if !pin::valid_pin(&first) {
        return Gate::Choose { error: Some("Mã PIN gồm 4 đến 8 chữ số. / A PIN is 4 to 8 digits.".into()) };
    }
    if first != second {
        return Gate::Choose { error: Some("Hai lần nhập không khớp. / The two entries differ.".into()) };
    }
    let salt = pin::new_salt();
    match pin::derive(&first, &salt, pin::ITERATIONS).await {
        Ok(hash) => {
            let record = PinRecord {
                format: 1,
                salt: pin::to_hex(&salt),
                iterations: pin::ITERATIONS,
                hash: pin::to_hex(&hash),
            };
            match write(store, storage::PIN_KEY, &record).await {
                Ok(()) => Gate::Open,
                Err(err) => Gate::Failed(err),
            }
        }
        Err(err) => Gate::Failed(err),
    }
}

async fn enter(store: &SharedStore, attempt: String) -> Gate {
    let now = clock::now_millis();
    let lock: PinLock = read(store, storage::LOCK_KEY).await.ok().flatten().unwrap_or_default();
    if let Some(seconds) = lock.seconds_left(now) {
        return Gate::Locked { seconds };
    }
    let record: PinRecord = match read(store, storage::PIN_KEY).await {
        Ok(Some(record)) => record,
        Ok(None) => return Gate::Choose { error: None },
        Err(err) => return Gate::Failed(err),
    };
    let (Some(salt), Some(expected)) = (pin::from_hex(&record.salt), pin::from_hex(&record.hash)) else {
        return Gate::Failed("the stored PIN is damaged".into());
    };
    let right = match pin::derive(&attempt, &salt, record.iterations).await {
        Ok(hash) => pin::same_hash(&hash, &expected),
        Err(err) => return Gate::Failed(err),
    };
    let lock = if right { PinLock::default() } else { lock.failed(now) };
    if let Err(err) = write(store, storage::LOCK_KEY, &lock).await {
        return Gate::Failed(err);
    }
    match (right, lock.seconds_left(now)) {
        (true, _) => Gate::Open,
        (false, Some(seconds)) => Gate::Locked { seconds },
        (false, None) => Gate::Enter {
            error: Some(format!(
                "Sai mã PIN. Còn {} lần thử. / Wrong PIN: {} tries left.",
                lock.tries_left(),
                lock.tries_left()
            )),
        },
    }
}

#[function_component(StaffArea)]
pub fn staff_area(props: &StaffAreaProps) -> Html {
    let gate = use_state(|| Gate::Loading);
    // The PIN and its repetition as typed; emptied as soon as they are checked.
    let pins = use_state(|| (String::new(), String::new()));
    {
        let (gate, store) = (gate.clone(), props.store.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { gate.set(current_gate(&store).await) });
        });
    }
    {
        // While locked, look again every second.
        let (gate, store) = (gate.clone(), props.store.clone());
        let locked = matches!(*gate, Gate::Locked { .. });
        use_effect_with(locked, move |locked| {
            let timer = locked.then(|| {
                gloo_timers::callback::Interval::new(1_000, move || {
                    let (gate, store) = (gate.clone(), store.clone());
                    wasm_bindgen_futures::spawn_local(async move { gate.set(current_gate(&store).await) });
                })
            });
            move || drop(timer)
        });
    }

    // A PIN submitted; the effect checks or stores it, and forgets it at once.
    let submitted = use_state(|| None::<(Gate, String, String)>);
    {
        let (gate, store, handle) = (gate.clone(), props.store.clone(), submitted.clone());
        use_effect_with((*submitted).clone(), move |submitted| {
            if let Some((current, first, second)) = submitted.clone() {
                handle.set(None);
                wasm_bindgen_futures::spawn_local(async move {
                    let next = match current {
                        Gate::Choose { .. } => choose(&store, first, second).await,
                        Gate::Enter { .. } => enter(&store, first).await,
                        other => other,
                    };
                    gate.set(next);
                });
            }
        });
    }
    let on_submit = {
        let (gate, pins, submitted) = (gate.clone(), pins.clone(), submitted.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            submitted.set(Some(((*gate).clone(), pins.0.clone(), pins.1.clone())));
            pins.set((String::new(), String::new()));
            gate.set(Gate::Loading);
        })
    };

    let type_pin = |first: bool| {
        let pins = pins.clone();
        Callback::from(move |event: InputEvent| {
            let typed = crate::platform::dom::field_value(&event);
            let (mut pin, mut again) = (*pins).clone();
            if first {
                pin = typed
            } else {
                again = typed
            }
            pins.set((pin, again));
        })
    };
    let pin_form = |title: &str, english: &str, again: bool, error: &Option<String>| {
        html! {
            <main class="page staff pin-gate">
                <h1>{ title }<span class="en" lang="en">{ english }</span></h1>
                <form class="pin-form" onsubmit={on_submit.clone()}>
                    <label for="pin">{ "Mã PIN (4–8 chữ số) / PIN (4–8 digits)" }</label>
                    <input id="pin" type="password" inputmode="numeric" autocomplete="off" maxlength="8" required=true
                           value={pins.0.clone()} oninput={type_pin(true)} />
                    if again {
                        <label for="pin-again">{ "Nhập lại mã PIN / The PIN again" }</label>
                        <input id="pin-again" type="password" inputmode="numeric" autocomplete="off" maxlength="8" required=true
                               value={pins.1.clone()} oninput={type_pin(false)} />
                    }
                    if let Some(error) = error {
                        <p class="violation" role="alert">{ error }</p>
                    }
                    <button type="submit" class="action">{ if again { "Lưu mã PIN / Save the PIN" } else { "Mở / Open" } }</button>
                </form>
                <p><a href="/">{ "← Về màn hình đánh giá / Back to the rating screen" }</a></p>
            </main>
        }
    };

    match &*gate {
        Gate::Loading => html! { <p class="loading">{ "Đang kiểm tra… / Checking…" }</p> },
        Gate::Failed(reason) => html! {
            <main class="page staff"><p role="alert" class="violation">{ format!("Không mở được khu vực cán bộ / The staff area cannot open: {reason}") }</p></main>
        },
        Gate::Choose { error } => pin_form("Chọn mã PIN cho cán bộ", "Choose the staff PIN", true, error),
        Gate::Enter { error } => pin_form("Khu vực cán bộ", "Staff area", false, error),
        Gate::Locked { seconds } => html! {
            <main class="page staff pin-gate">
                <h1>{ "Khu vực cán bộ" }<span class="en" lang="en">{ "Staff area" }</span></h1>
                <p class="violation locked" role="alert">
                    { format!("Đã nhập sai 5 lần. Vui lòng thử lại sau {seconds} giây.") }
                    <span class="en" lang="en">{ format!("Five wrong tries: try again in {seconds} s.") }</span>
                </p>
            </main>
        },
        Gate::Open => html! {
            <Workspace store={props.store.clone()} settings={props.settings.clone()} />
        },
    }
}

/// The section the address names (`/staff#xuat`), if any.
fn section_in_address() -> Option<Section> {
    let hash = web_sys::window()?.location().hash().ok()?;
    Section::from_anchor(&hash)
}

#[derive(Properties, PartialEq)]
struct WorkspaceProps {
    store: SharedStore,
    settings: Option<KioskSettings>,
}

/// Behind the PIN: the sections, one at a time, the survey they show, and the settings.
#[function_component(Workspace)]
fn workspace(props: &WorkspaceProps) -> Html {
    let settings = props.settings.clone().unwrap_or_default();
    // A new device opens at its settings: nothing else works before the unit and counter are set.
    let fresh = settings.unit_code.is_empty();
    let section =
        use_state(|| section_in_address().unwrap_or(if fresh { Section::Settings } else { Section::Results }));
    {
        // Links between sections are plain links to `#anchor`: follow the address.
        let section = section.clone();
        use_effect_with((), move |_| {
            use wasm_bindgen::JsCast;
            let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
                if let Some(next) = section_in_address() {
                    section.set(next);
                }
            });
            let window = web_sys::window();
            if let Some(window) = &window {
                let _ = window.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(window) = &window {
                    let _ = window.remove_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
                }
                drop(listener);
            }
        });
    }
    // What was looked at last time, read before the workspace starts (it starts from it).
    let prefs = use_state(|| None::<Option<StaffPrefs>>);
    {
        let (prefs, store) = (prefs.clone(), props.store.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let kept: Option<StaffPrefs> = read(&store, storage::PREFS_KEY).await.ok().flatten();
                prefs.set(Some(kept));
            });
        });
    }
    let chosen = use_state(|| None::<String>);
    {
        // Whatever staff chose is stored for the next visit as soon as it differs from what is
        // stored (`written` is what the store holds, as far as this page knows).
        let written = use_mut_ref(|| None::<Option<StaffPrefs>>);
        let store = props.store.clone();
        use_effect_with((*prefs).clone(), move |chosen| {
            let Some(chosen) = chosen.clone() else { return };
            let first_read = written.borrow().is_none();
            let changed = written.borrow().as_ref() != Some(&chosen);
            *written.borrow_mut() = Some(chosen.clone());
            if let (false, true, Some(next)) = (first_read, changed, chosen) {
                let json = serde_json::to_string(&next).unwrap_or_default();
                wasm_bindgen_futures::spawn_local(async move {
                    // Losing a preference is no harm: nothing is reported.
                    let _ = store.0.put_setting(storage::PREFS_KEY, &json).await;
                });
            }
        });
    }
    let Some(kept) = (*prefs).clone() else {
        return html! { <p class="loading">{ "Đang đọc… / Reading…" }</p> };
    };
    let survey_id = (*chosen)
        .clone()
        .or_else(|| route::query("survey"))
        .or_else(|| kept.as_ref().and_then(|kept| kept.survey_id.clone()))
        .filter(|id| survey_defs::by_id(id).is_some())
        .unwrap_or_else(|| settings.survey_id.clone());
    // The one owner of what staff chose: kept here, stored for the next visit (in the effect
    // below), handed down.
    let on_prefs = {
        let prefs = prefs.clone();
        Callback::from(move |next: StaffPrefs| prefs.set(Some(Some(next))))
    };
    let choose_survey = {
        let (chosen, on_prefs, kept) = (chosen.clone(), on_prefs.clone(), kept.clone());
        Callback::from(move |event: Event| {
            let id = event.target_unchecked_into::<HtmlSelectElement>().value();
            on_prefs.emit(StaffPrefs { survey_id: Some(id.clone()), ..kept.clone().unwrap_or_default() });
            chosen.set(Some(id));
        })
    };
    let shown = *section;
    html! {
        <main class="page staff">
            <h1>{ "Khu vực cán bộ" }<span class="en" lang="en">{ "Staff area" }</span></h1>
            <div class="survey-picker">
                <label for="survey-shown">{ "Khảo sát đang xem / Survey shown" }</label>
                <select id="survey-shown" onchange={choose_survey}>
                    { for survey_defs::all().into_iter().map(|survey| html! {
                        <option value={survey.id().to_owned()} selected={survey.id() == survey_id}>
                            { format!("{} ({})", survey.title().vi, survey.version()) }
                        </option>
                    }) }
                </select>
            </div>
            <nav class="sections" aria-label="Các phần / Sections">
                { for Section::ALL.into_iter().map(|section| {
                    let (vi, en) = section.name();
                    html! {
                        <a href={format!("#{}", section.anchor())} class={classes!((section == shown).then_some("current"))}
                           aria-current={(section == shown).then_some("page")}>
                            { vi }<span class="en" lang="en">{ en }</span>
                        </a>
                    }
                }) }
            </nav>
            if fresh && shown == Section::Settings {
                <p class="note" role="status">{ "Thiết bị mới: nhập mã đơn vị và mã quầy rồi lưu, trước khi dùng để đánh giá. / A new device: enter the unit and counter codes and save before citizens use it." }</p>
            }
            if shown == Section::Settings {
                <crate::staff::settings_form::SettingsForm store={props.store.clone()} settings={settings.clone()} damaged={props.settings.is_none()} />
            } else {
                { match survey_defs::by_id(&survey_id) {
                    Some(survey) => html! {
                        <workspace::Staff key={survey_id.clone()} store={props.store.clone()} survey={Arc::new(survey)}
                            settings={settings.clone()} section={shown} prefs={kept.clone()} on_prefs={on_prefs.clone()} />
                    },
                    None => html! { <p class="violation">{ format!("no shipped survey has the id `{survey_id}`") }</p> },
                } }
            }
            <p><a href="/">{ "← Về màn hình đánh giá / Back to the rating screen" }</a></p>
        </main>
    }
}
