//! The Hài Lòng single-page app: the kiosk a citizen taps at the counter, and the staff area.
//! Two entry points (`src/bin/kiosk.rs`, `src/bin/staff.rs`) build two wasm files from this one
//! library, so each carries only its own code; `boot.js` loads the one the address asks for.
//!
//! This is the only crate that knows the DOM. It is a thin shell over the `survey` core: the
//! core decides what a response and a tally are; the app shows them, stores them in IndexedDB
//! (only `platform::storage` touches it) and keeps working with the network gone (`service_worker`).

pub mod platform;
pub mod ui;

pub mod kiosk;
pub mod settings;
pub mod staff;

use std::rc::Rc;
use std::sync::Arc;

use yew::prelude::*;

use crate::platform::route::{self, Route};
use crate::platform::storage::{SETTINGS_KEY, SharedStore, Store};
use crate::platform::{gesture, service_worker};

/// Starts the kiosk (every path but `/staff…`) in the page's `#app` element.
pub fn run_kiosk() {
    mount::<KioskApp>();
}

/// Starts the staff area (`/staff…`). Built as a wasm of its own, so that the citizen's
/// download carries none of the staff code (PIN, settings, tally, CSV).
pub fn run_staff() {
    mount::<StaffApp>();
}

fn mount<C: BaseComponent<Properties = ()>>() {
    // A tap on the phone page's first screen, made before the app had loaded, is being sent by
    // `boot.js`: starting now would begin a second rating under it.
    let tapped = web_sys::window().and_then(|window| js_sys::Reflect::get(&window, &"hailongTapped".into()).ok());
    if tapped.is_some_and(|tapped| tapped.is_truthy()) {
        return;
    }
    service_worker::register();
    gesture::install();
    let document = web_sys::window().and_then(|window| window.document());
    match document.and_then(|document| document.get_element_by_id("app")) {
        Some(root) => {
            // The shell shows a loading line until the app is ready; the app replaces it.
            root.set_inner_html("");
            yew::Renderer::<C>::with_root(root).render();
        }
        None => {
            yew::Renderer::<C>::new().render();
        }
    }
}

/// What both apps need before they can show anything: an open store and the kiosk's settings.
#[derive(Clone, PartialEq)]
enum Startup {
    Opening,
    Ready(SharedStore, Box<Result<settings::KioskSettings, String>>),
    Failed(String),
}

/// Opens the store and reads the settings, once.
#[hook]
fn use_startup() -> UseStateHandle<Startup> {
    let startup = use_state(|| Startup::Opening);
    {
        let startup = startup.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let store = match Store::open().await {
                    Ok(store) => store,
                    Err(err) => return startup.set(Startup::Failed(err.to_string())),
                };
                let settings = match store.setting(SETTINGS_KEY).await {
                    Ok(Some(json)) => settings::KioskSettings::from_json(&json),
                    Ok(None) => Ok(settings::KioskSettings::default()),
                    Err(err) => Err(err.to_string()),
                };
                startup.set(Startup::Ready(SharedStore(Rc::new(store)), Box::new(settings)));
            });
        });
    }
    startup
}

/// How often a paired kiosk asks the server for its configuration.
pub const CONFIG_POLL_MS: u32 = 30_000;

/// Stores the server's newer configuration into this kiosk's settings, for the next start.
async fn take_config(store: &SharedStore, config: &wire::sync::DeviceConfig) -> Result<(), String> {
    let json = store.0.setting(SETTINGS_KEY).await.map_err(|err| err.to_string())?.ok_or("no settings")?;
    let settings = settings::KioskSettings::from_json(&json)?;
    store
        .0
        .put_setting(SETTINGS_KEY, &settings.with_server(config, None).to_json())
        .await
        .map_err(|err| err.to_string())
}

/// A paired kiosk takes its configuration from the server: asked soon after start and every
/// 30 s, stored as soon as a newer one arrives, and applied when the kiosk reloads into it at
/// the next moment between two citizens (the answer: whether one waits). Offline, it runs on
/// the last one it received.
#[hook]
fn use_server_config(startup: &Startup, route: &Route) -> bool {
    let waiting = use_state(|| false);
    let paired = match (startup, route) {
        (Startup::Ready(store, settings), Route::Kiosk) => settings
            .as_ref()
            .as_ref()
            .ok()
            .filter(|settings| settings.server_version > 0 && !settings.device_token.is_empty())
            .map(|settings| (store.clone(), settings.device_token.clone(), settings.server_version)),
        _ => None,
    };
    {
        let waiting = waiting.clone();
        let key = paired.as_ref().map(|(_, token, version)| (token.clone(), *version));
        use_effect_with(key, move |_| {
            let timers = paired.map(|(store, token, version)| {
                let ask = move || {
                    let (store, waiting, token) = (store.clone(), waiting.clone(), token.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(Some(config)) = platform::account::device_config(&token).await
                            && config.version > version
                            && take_config(&store, &config).await.is_ok()
                        {
                            waiting.set(true);
                        }
                    });
                };
                gloo_timers::callback::Interval::new(CONFIG_POLL_MS, ask)
            });
            move || drop(timers)
        });
    }
    *waiting
}

#[function_component(KioskApp)]
fn kiosk_app() -> Html {
    let route = use_memo((), |_| Route::current());
    let startup = use_startup();
    let reload_between_citizens = use_server_config(&startup, &route);
    let (store, settings) = match &*startup {
        Startup::Opening => return ui::loading(),
        Startup::Failed(reason) => return kiosk::view::out_of_service(reason),
        Startup::Ready(store, settings) => (store, settings),
    };
    let (config, default_survey) = match &*route {
        Route::NotFound | Route::Staff | Route::StaffServer => return route::not_found(),
        Route::Kiosk => match settings.as_ref() {
            Ok(settings) => (settings.kiosk_config(), settings.survey_id.clone()),
            Err(reason) => return kiosk::view::out_of_service(reason),
        },
        // A phone never reads the kiosk's settings: the address says where the citizen was.
        Route::Phone { unit, counter } => (
            kiosk::config::KioskConfig {
                unit_name: route::place_name(),
                ..kiosk::config::KioskConfig::phone(unit.clone(), counter.clone(), route::fragment_token())
            },
            survey_defs::COUNTER_RATING_ID.to_owned(),
        ),
    };
    // `?survey=<id>` runs another shipped survey without changing the settings.
    let survey_id = route::query("survey").unwrap_or(default_survey);
    match survey_defs::by_id(&survey_id) {
        Some(survey) => html! {
            <kiosk::Kiosk store={store.clone()} survey={Arc::new(survey)} {config} {reload_between_citizens} />
        },
        None => kiosk::view::out_of_service(&format!("no shipped survey has the id `{survey_id}`")),
    }
}

#[function_component(StaffApp)]
fn staff_app() -> Html {
    let route = use_memo((), |_| Route::current());
    let startup = use_startup();
    match &*startup {
        Startup::Opening => ui::loading(),
        Startup::Failed(reason) => kiosk::view::out_of_service(reason),
        Startup::Ready(store, _) if *route == Route::StaffServer => {
            html! { <staff::server::ServerArea store={store.clone()} /> }
        }
        Startup::Ready(store, settings) => {
            html! { <staff::area::StaffArea store={store.clone()} settings={settings.as_ref().clone().ok()} /> }
        }
    }
}
