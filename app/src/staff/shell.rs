//! Behind the PIN: the sections, one at a time, each with its address (`/staff#xuat`), the
//! survey they show, what staff chose last time, and the settings form.

use std::sync::Arc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::platform::route;
use crate::platform::storage::{self, SharedStore};
use crate::settings::KioskSettings;
use crate::staff::kept::read;
use crate::staff::prefs::{Section, StaffPrefs};
use crate::staff::workspace;

/// The section the address names (`/staff#xuat`), if any.
fn section_in_address() -> Option<Section> {
    let hash = web_sys::window()?.location().hash().ok()?;
    Section::from_anchor(&hash)
}

#[derive(Properties, PartialEq)]
pub struct ShellProps {
    pub store: SharedStore,
    pub settings: Option<KioskSettings>,
}

/// Behind the PIN: the sections, one at a time, the survey they show, and the settings.
#[function_component(Shell)]
pub fn shell(props: &ShellProps) -> Html {
    // Settings the server set at pairing replace those read at the start.
    let paired = use_state(|| None::<KioskSettings>);
    let settings = (*paired).clone().or_else(|| props.settings.clone()).unwrap_or_default();
    // A new device opens at its settings: nothing else works before the unit and counter are set.
    let fresh = settings.unit_code.is_empty();
    // A pairing code in the address opens the settings, where it is filled in.
    let pairing = route::pairing_code().is_some();
    let section = use_state(|| {
        section_in_address().unwrap_or(if fresh || pairing { Section::Settings } else { Section::Results })
    });
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
                <crate::staff::pairing::Pairing store={props.store.clone()} settings={settings.clone()}
                    on_paired={Callback::from(move |next| paired.set(Some(next)))} />
                <crate::staff::settings_form::SettingsForm key={settings.server_version.to_string()} store={props.store.clone()} settings={settings.clone()} damaged={props.settings.is_none()} />
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
