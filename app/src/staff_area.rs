//! The staff area at `/staff`: behind the PIN, the kiosk's settings and the counts.
//!
//! First run: staff choose a PIN (twice). Afterwards the PIN opens the area; five wrong tries
//! lock it for a minute, and the lock survives a reload. The PIN is checked with WebCrypto,
//! so the area needs a secure address (https:// or localhost).

use std::sync::Arc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::pin::{self, PinLock, PinRecord};
use crate::settings::{DraftField, KioskSettings, SettingsDraft};
use crate::{SETTINGS_KEY, SharedStore, clock, route, staff};

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
    let pin: Option<PinRecord> = match read(store, pin::PIN_KEY).await {
        Ok(pin) => pin,
        Err(err) => return Gate::Failed(err),
    };
    if pin.is_none() {
        return Gate::Choose { error: None };
    }
    let lock: PinLock = read(store, pin::LOCK_KEY).await.ok().flatten().unwrap_or_default();
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
            match write(store, pin::PIN_KEY, &record).await {
                Ok(()) => Gate::Open,
                Err(err) => Gate::Failed(err),
            }
        }
        Err(err) => Gate::Failed(err),
    }
}

async fn enter(store: &SharedStore, attempt: String) -> Gate {
    let now = clock::now_millis();
    let lock: PinLock = read(store, pin::LOCK_KEY).await.ok().flatten().unwrap_or_default();
    if let Some(seconds) = lock.seconds_left(now) {
        return Gate::Locked { seconds };
    }
    let record: PinRecord = match read(store, pin::PIN_KEY).await {
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
    if let Err(err) = write(store, pin::LOCK_KEY, &lock).await {
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

/// The form element with this id, if it is there and of this kind.
pub(crate) fn element<T: wasm_bindgen::JsCast>(id: &str) -> Option<T> {
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(id))
        .and_then(|element| wasm_bindgen::JsCast::dyn_into::<T>(element).ok())
}

fn input_value(id: &str) -> String {
    element::<HtmlInputElement>(id).map(|input| input.value()).unwrap_or_default()
}

#[function_component(StaffArea)]
pub fn staff_area(props: &StaffAreaProps) -> Html {
    let gate = use_state(|| Gate::Loading);
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

    let on_submit = {
        let (gate, store) = (gate.clone(), props.store.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (gate, store) = (gate.clone(), store.clone());
            let current = (*gate).clone();
            // Read the fields now: the "checking" screen below replaces the form.
            let (first, second) = (input_value("pin"), input_value("pin-again"));
            gate.set(Gate::Loading);
            wasm_bindgen_futures::spawn_local(async move {
                let next = match current {
                    Gate::Choose { .. } => choose(&store, first, second).await,
                    Gate::Enter { .. } => enter(&store, first).await,
                    other => other,
                };
                gate.set(next);
            });
        })
    };

    let pin_form = |title: &str, english: &str, again: bool, error: &Option<String>| {
        html! {
            <main class="page staff pin-gate">
                <h1>{ title }<span class="en" lang="en">{ english }</span></h1>
                <form class="pin-form" onsubmit={on_submit.clone()}>
                    <label for="pin">{ "Mã PIN (4–8 chữ số) / PIN (4–8 digits)" }</label>
                    <input id="pin" type="password" inputmode="numeric" autocomplete="off" maxlength="8" required=true />
                    if again {
                        <label for="pin-again">{ "Nhập lại mã PIN / The PIN again" }</label>
                        <input id="pin-again" type="password" inputmode="numeric" autocomplete="off" maxlength="8" required=true />
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
        Gate::Open => {
            let settings = props.settings.clone().unwrap_or_default();
            let survey_id = route::query("survey").unwrap_or_else(|| settings.survey_id.clone());
            html! {
                <>
                    { match survey_defs::by_id(&survey_id) {
                        Some(survey) => html! { <staff::Staff store={props.store.clone()} survey={Arc::new(survey)} settings={settings.clone()} /> },
                        None => html! { <p class="violation">{ format!("no shipped survey has the id `{survey_id}`") }</p> },
                    } }
                    <SettingsForm store={props.store.clone()} settings={settings} damaged={props.settings.is_none()} />
                </>
            }
        }
    }
}

#[derive(Properties, PartialEq)]
struct SettingsFormProps {
    store: SharedStore,
    settings: KioskSettings,
    /// The stored settings could not be read; saving replaces them.
    damaged: bool,
}

/// The settings form: the draft as typed, what is stored, and what the last Save said.
#[derive(Clone, Debug, PartialEq)]
struct SettingsFormState {
    draft: SettingsDraft,
    stored: KioskSettings,
    /// Checked settings on their way to the store (the effect below writes them).
    saving: Option<KioskSettings>,
    message: Option<Result<String, Vec<(&'static str, String)>>>,
}

enum SettingsFormAction {
    Edit(DraftField, String),
    Lang(survey::Lang),
    Day(u8, bool),
    FullScreen(bool),
    Save,
    /// The store has them; `queued` responses held before now wait to be sent.
    Saved {
        settings: KioskSettings,
        queued: usize,
    },
    Failed(String),
}

impl Reducible for SettingsFormState {
    type Action = SettingsFormAction;

    fn reduce(self: std::rc::Rc<Self>, action: SettingsFormAction) -> std::rc::Rc<Self> {
        let mut next = (*self).clone();
        match action {
            SettingsFormAction::Edit(field, value) => *next.draft.field_mut(field) = value,
            SettingsFormAction::Lang(lang) => next.draft.default_lang = lang,
            SettingsFormAction::Day(day, open) => {
                next.draft.open_days.retain(|known| *known != day);
                if open {
                    next.draft.open_days.push(day);
                    next.draft.open_days.sort_unstable();
                }
            }
            SettingsFormAction::FullScreen(on) => next.draft.full_screen = on,
            SettingsFormAction::Save if self.saving.is_none() => match next.draft.settings(&self.stored) {
                Ok(settings) => next.saving = Some(settings),
                Err(problems) => next.message = Some(Err(problems)),
            },
            SettingsFormAction::Save => return self,
            SettingsFormAction::Saved { settings, queued } => {
                // The form now shows exactly what was stored.
                next.draft = SettingsDraft::of(&settings);
                next.stored = settings;
                next.saving = None;
                next.message = Some(Ok(match queued {
                    0 => "Đã lưu. Màn hình đánh giá dùng cài đặt mới khi mở lại. / Saved: the rating screen uses them when it opens again.".into(),
                    count => format!("Đã lưu; {count} câu trả lời đã có sẽ được gửi về máy chủ. / Saved; {count} stored responses will be sent to the server."),
                }));
            }
            SettingsFormAction::Failed(reason) => {
                next.saving = None;
                next.message = Some(Err(vec![("", reason)]));
            }
        }
        std::rc::Rc::new(next)
    }
}

#[function_component(SettingsForm)]
fn settings_form(props: &SettingsFormProps) -> Html {
    let state = use_reducer(|| SettingsFormState {
        draft: SettingsDraft::of(&props.settings),
        stored: props.settings.clone(),
        saving: None,
        message: None,
    });
    {
        let (store, dispatcher) = (props.store.clone(), state.dispatcher());
        use_effect_with(state.saving.clone(), move |saving| {
            if let Some(settings) = saving.clone() {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Err(err) = store.0.put_setting(SETTINGS_KEY, &settings.to_json()).await {
                        return dispatcher.dispatch(SettingsFormAction::Failed(err.to_string()));
                    }
                    // A kiosk that now sends to the server sends what it holds already, too.
                    let queued = if settings.device_token.is_empty() { Ok(0) } else { store.0.enqueue_unsent().await };
                    match queued {
                        Ok(queued) => dispatcher.dispatch(SettingsFormAction::Saved { settings, queued }),
                        Err(err) => dispatcher.dispatch(SettingsFormAction::Failed(err.to_string())),
                    }
                });
            }
        });
    }
    let on_submit = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            dispatcher.dispatch(SettingsFormAction::Save);
        })
    };
    let edit = |field: DraftField| {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: InputEvent| {
            let target = event.target_unchecked_into::<web_sys::EventTarget>();
            let value = match wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlTextAreaElement>(&target) {
                Some(area) => area.value(),
                None => wasm_bindgen::JsCast::unchecked_ref::<HtmlInputElement>(&target).value(),
            };
            dispatcher.dispatch(SettingsFormAction::Edit(field, value));
        })
    };
    let choose_survey = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            dispatcher.dispatch(SettingsFormAction::Edit(DraftField::SurveyId, value));
        })
    };
    let choose_lang = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            dispatcher.dispatch(SettingsFormAction::Lang(if value == "en" {
                survey::Lang::En
            } else {
                survey::Lang::Vi
            }));
        })
    };
    let full_screen = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: Event| {
            dispatcher
                .dispatch(SettingsFormAction::FullScreen(event.target_unchecked_into::<HtmlInputElement>().checked()))
        })
    };
    let draft = &state.draft;
    let problem = |field: &str| match &state.message {
        Some(Err(problems)) => problems
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, text)| html! { <span class="field-problem" role="alert">{ text }</span> }),
        _ => None,
    };
    html! {
        <main class="page staff settings" id="cai-dat">
            <h1>{ "Cài đặt thiết bị" }<span class="en" lang="en">{ "This kiosk's settings" }</span></h1>
            if props.damaged {
                <p class="violation" role="alert">{ "Cài đặt đã lưu không đọc được; lưu lại để thay. / The stored settings cannot be read; saving replaces them." }</p>
            }
            <form class="settings-form" onsubmit={on_submit}>
                <label for="survey">{ "Khảo sát / Survey" }</label>
                <select id="survey" onchange={choose_survey}>
                    { for survey_defs::all().into_iter().map(|survey| html! {
                        <option value={survey.id.clone()} selected={survey.id == draft.survey_id}>
                            { format!("{} ({})", survey.title.vi, survey.version) }
                        </option>
                    }) }
                </select>
                <label for="unit-name">{ "Tên đơn vị / Unit name" }</label>
                <input id="unit-name" type="text" value={draft.unit_name.clone()} oninput={edit(DraftField::UnitName)} />
                <label for="unit-code">{ "Mã đơn vị (bắt buộc; ví dụ phuong-hong-bang) / Unit code (required; e.g. phuong-hong-bang)" }</label>
                <input id="unit-code" type="text" aria-required="true" autocomplete="off" spellcheck="false" value={draft.unit_code.clone()} oninput={edit(DraftField::UnitCode)} />
                { for problem("unit_code") }
                <label for="counter-code">{ "Mã quầy (bắt buộc; ví dụ quay-1) / Counter code (required; e.g. quay-1)" }</label>
                <input id="counter-code" type="text" aria-required="true" autocomplete="off" spellcheck="false" value={draft.counter_code.clone()} oninput={edit(DraftField::CounterCode)} />
                { for problem("counter_code") }
                <label for="idle-seconds">{ "Chờ khi không thao tác (giây) / Idle time (s)" }</label>
                <input id="idle-seconds" type="number" inputmode="numeric" min="10" max="600" value={draft.idle_seconds.clone()} oninput={edit(DraftField::IdleSeconds)} />
                { for problem("idle_seconds") }
                <label for="thanks-seconds">{ "Màn hình cảm ơn (giây) / Thank-you screen (s)" }</label>
                <input id="thanks-seconds" type="number" inputmode="numeric" min="2" max="60" value={draft.thanks_seconds.clone()} oninput={edit(DraftField::ThanksSeconds)} />
                { for problem("thanks_seconds") }
                <label for="default-lang">{ "Ngôn ngữ hiển thị trước / Language shown first" }</label>
                <select id="default-lang" onchange={choose_lang}>
                    <option value="vi" selected={draft.default_lang == survey::Lang::Vi}>{ "Tiếng Việt" }</option>
                    <option value="en" selected={draft.default_lang == survey::Lang::En}>{ "English" }</option>
                </select>
                <fieldset class="hours">
                    <legend>{ "Giờ làm việc (để trống: luôn mở) / Opening hours (empty: always open)" }</legend>
                    <label for="opens-at">{ "Mở cửa / Opens" }</label>
                    <input id="opens-at" type="time" value={draft.opens_at.clone()} oninput={edit(DraftField::OpensAt)} />
                    <label for="closes-at">{ "Đóng cửa / Closes" }</label>
                    <input id="closes-at" type="time" value={draft.closes_at.clone()} oninput={edit(DraftField::ClosesAt)} />
                    <div class="days">
                        { for ["Thứ 2 / Mon", "Thứ 3 / Tue", "Thứ 4 / Wed", "Thứ 5 / Thu", "Thứ 6 / Fri", "Thứ 7 / Sat", "Chủ nhật / Sun"].iter().enumerate().map(|(index, name)| {
                            let day = index as u8 + 1;
                            let toggle = {
                                let dispatcher = state.dispatcher();
                                Callback::from(move |event: Event| {
                                    dispatcher.dispatch(SettingsFormAction::Day(day, event.target_unchecked_into::<HtmlInputElement>().checked()))
                                })
                            };
                            html! {
                                <label class="day"><input id={format!("day-{day}")} type="checkbox" checked={draft.open_days.contains(&day)} onchange={toggle} />{ *name }</label>
                            }
                        }) }
                    </div>
                    { for problem("opens_at") }
                </fieldset>
                <label for="officers">{ "Cán bộ tại quầy, mỗi dòng: mã; họ tên / Officers, one per line: code; name" }</label>
                <textarea id="officers" rows="4" value={draft.officers.clone()} oninput={edit(DraftField::Officers)} />
                { for problem("officers") }
                <label for="on-duty">{ "Mã cán bộ đang trực / Code of the officer on duty" }</label>
                <input id="on-duty" type="text" value={draft.on_duty.clone()} oninput={edit(DraftField::OnDuty)} />
                { for problem("on_duty") }
                <label for="field-code">{ "Mã lĩnh vực (ví dụ ho-tich) / Field code (e.g. ho-tich)" }</label>
                <input id="field-code" type="text" value={draft.field_code.clone()} oninput={edit(DraftField::FieldCode)} />
                { for problem("field_code") }
                <label for="device-token">{ "Mã thiết bị để gửi về máy chủ (để trống: không gửi) / Device token for sending to the server (empty: keep here)" }</label>
                <input id="device-token" type="text" autocomplete="off" spellcheck="false" value={draft.device_token.clone()} oninput={edit(DraftField::DeviceToken)} />
                { for problem("device_token") }
                <label class="day" for="full-screen">
                    <input id="full-screen" type="checkbox" checked={draft.full_screen} onchange={full_screen} />
                    { "Toàn màn hình từ lần chạm đầu tiên / Full screen from the first touch" }
                </label>
                <button type="submit" class="action" disabled={state.saving.is_some()}>{ "Lưu cài đặt / Save settings" }</button>
                if let Some(Ok(saved)) = &state.message {
                    <p class="saved" role="status">{ saved }</p>
                }
                if let Some(Err(problems)) = &state.message {
                    if problems.iter().any(|(field, _)| field.is_empty()) {
                        <p class="violation" role="alert">{ problems.iter().map(|(_, text)| text.clone()).collect::<Vec<_>>().join("; ") }</p>
                    } else {
                        <p class="violation" role="alert">{ "Chưa lưu: xem các ô được đánh dấu. / Not saved: see the fields marked." }</p>
                    }
                }
            </form>
        </main>
    }
}
