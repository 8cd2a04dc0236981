//! The device's settings form: the unit, counter and codes that go into every response, the
//! survey shown, opening hours, languages and times, and the device token for sending. What is
//! typed lives in a reducer (`SettingsDraft`), checked as a whole on Save.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::platform::storage::{SETTINGS_KEY, SharedStore};
use crate::settings::{DraftField, KioskSettings, SettingsDraft};

#[derive(Properties, PartialEq)]
pub struct SettingsFormProps {
    pub store: SharedStore,
    pub settings: KioskSettings,
    /// The stored settings could not be read; saving replaces them.
    pub damaged: bool,
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
    Lang(survey::text::Lang),
    HoursOn(bool),
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
            SettingsFormAction::HoursOn(on) => next.draft.hours_on = on,
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

/// Stores the kiosk's settings. A kiosk that now sends to the server sends what it holds
/// already, too: only what passes the one gate (the rest stays, listed under Results). Answers
/// how many responses were queued.
pub async fn store_settings(store: &SharedStore, settings: &KioskSettings) -> Result<usize, String> {
    store.0.put_setting(SETTINGS_KEY, &settings.to_json()).await.map_err(|err| err.to_string())?;
    if settings.device_token.is_empty() {
        return Ok(0);
    }
    let catalog = survey::definition::catalog::Catalog::new(survey_defs::all());
    let passes = |json: &str| crate::platform::nfc::check_stored(&catalog, json).is_ok();
    store.0.enqueue_unsent(passes).await.map_err(|err| err.to_string())
}

#[function_component(SettingsForm)]
pub fn settings_form(props: &SettingsFormProps) -> Html {
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
                    match store_settings(&store, &settings).await {
                        Ok(queued) => dispatcher.dispatch(SettingsFormAction::Saved { settings, queued }),
                        Err(err) => dispatcher.dispatch(SettingsFormAction::Failed(err)),
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
            dispatcher.dispatch(SettingsFormAction::Edit(field, crate::platform::dom::field_value(&event)));
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
            dispatcher.dispatch(SettingsFormAction::Lang(survey::text::Lang::parse(&value).unwrap_or_default()));
        })
    };
    let hours_on = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: Event| {
            dispatcher.dispatch(SettingsFormAction::HoursOn(crate::platform::dom::field_ticked(&event)))
        })
    };
    let full_screen = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: Event| {
            dispatcher.dispatch(SettingsFormAction::FullScreen(crate::platform::dom::field_ticked(&event)))
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
        <section class="settings" id="cai-dat">
            <h2>{ "Cài đặt thiết bị" }<span class="en" lang="en">{ "This kiosk's settings" }</span></h2>
            if props.damaged {
                <p class="violation" role="alert">{ "Cài đặt đã lưu không đọc được; lưu lại để thay. / The stored settings cannot be read; saving replaces them." }</p>
            }
            <form class="settings-form" onsubmit={on_submit}>
                <label for="survey">{ "Khảo sát / Survey" }</label>
                <select id="survey" onchange={choose_survey}>
                    { for survey_defs::all().into_iter().map(|survey| html! {
                        <option value={survey.id().to_owned()} selected={survey.id() == draft.survey_id}>
                            { format!("{} ({})", survey.title().vi, survey.version()) }
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
                    <option value={survey::text::Lang::Vi.code()} selected={draft.default_lang == survey::text::Lang::Vi}>{ "Tiếng Việt" }</option>
                    <option value={survey::text::Lang::En.code()} selected={draft.default_lang == survey::text::Lang::En}>{ "English" }</option>
                </select>
                <fieldset class="hours">
                    <legend>{ "Giờ làm việc / Opening hours" }</legend>
                    <label class="day" for="hours-on">
                        <input id="hours-on" type="checkbox" checked={draft.hours_on} onchange={hours_on} />
                        { "Chỉ nhận đánh giá trong giờ làm việc (bỏ chọn: luôn mở) / Take ratings only in opening hours (unticked: always open)" }
                    </label>
                    if draft.hours_on {
                        <p class="help">{ "Mỗi ngày một dòng, như 07:30-11:30, 13:30-17:00 (nghỉ trưa ở giữa); để trống ngày nghỉ. / One line a day, as 07:30-11:30, 13:30-17:00 (a lunch break between); empty on a closed day." }</p>
                        <div class="week">
                            { for crate::settings::WEEKDAYS.iter().enumerate().map(|(index, name)| {
                                let day = index as u8 + 1;
                                html! {
                                    <>
                                        <label for={format!("hours-{day}")}>{ *name }</label>
                                        <input id={format!("hours-{day}")} type="text" autocomplete="off" spellcheck="false"
                                               value={draft.week[index].clone()} oninput={edit(DraftField::Hours(day))} />
                                    </>
                                }
                            }) }
                        </div>
                    }
                    { for problem("week_hours") }
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
        </section>
    }
}
