//! The kiosk: a citizen answers one survey at the counter, one question per screen.
//!
//! State lives in a plain struct changed only by [`KioskAction`]s in a reducer, which drives the
//! `survey` core's filling [`Session`]; callbacks only dispatch, and storing happens in an
//! effect. The thank-you screen appears only after the response's IndexedDB transaction has
//! completed; if storing fails, the citizen is told the kiosk is out of service instead of
//! being thanked for an answer that was lost.
//!
//! Between citizens nothing of the last one stays: the session is reset after the thank-you,
//! and after a citizen walks away (idle time, then a visible warning that any touch cancels)
//! their answers are stored as a partial response or discarded, as the survey says.
//! A response that comes too soon after the previous one, or in a burst, is stored flagged
//! as misuse; nothing is ever deleted.

pub mod config;
mod inputs;
pub mod state;
pub mod view;

use std::sync::Arc;

use survey::definition::model::Survey;
use yew::prelude::*;

use crate::platform::storage::Outgoing;
use crate::platform::storage::SharedStore;
use crate::platform::sync::{Sender, SyncConfig};
use crate::{platform::clock, platform::service_worker};

use self::config::KioskConfig;
use self::state::{KioskAction, KioskState, Screen};

/// Performance-timeline names for the time from a tap to its response being on disk.
pub const TAP_MARK: &str = "hailong-tap";
pub const COMMIT_MEASURE: &str = "hailong-tap-to-commit";

#[derive(Properties, PartialEq)]
pub struct KioskProps {
    pub store: SharedStore,
    pub survey: Arc<Survey>,
    pub config: KioskConfig,
    /// Something newer waits (the server's configuration, stored for the next start): reload
    /// into it at the next moment between two citizens.
    #[prop_or_default]
    pub reload_between_citizens: bool,
}

#[function_component(Kiosk)]
pub fn kiosk(props: &KioskProps) -> Html {
    let state = use_reducer(|| KioskState::new(props.survey.clone(), props.config.clone()));

    {
        let dispatcher = state.dispatcher();
        let store = props.store.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match store.0.device_id().await {
                    Ok(device_id) => {
                        dispatcher.dispatch(KioskAction::DeviceReady { device_id, now: clock::now_millis() })
                    }
                    Err(err) => dispatcher.dispatch(KioskAction::Failed { reason: err.to_string() }),
                }
            });
        });
    }
    use_effect_with((), |_| keep_screen_on());
    // This tab's outbox sender, while the kiosk or phone page sends to a server.
    let sender = use_mut_ref(|| None::<Sender>);
    {
        // Where this device sends to a server: follow the outbox, and ask once whether a
        // phone's QR code has rated already, so the citizen is told before answering.
        let dispatcher = state.dispatcher();
        let token = props.config.phone_token.clone();
        let store = props.store.clone();
        let device_token = props.config.device_token.clone();
        let sender = sender.clone();
        use_effect_with(props.config.sync(), move |sync| {
            if *sync {
                let synced = dispatcher.clone();
                let on_status = Callback::from(move |status| synced.dispatch(KioskAction::Synced(status)));
                let config = SyncConfig { device_token };
                *sender.borrow_mut() = Some(Sender::start(store.0.clone(), config, on_status));
            }
            if let Some(token) = token {
                wasm_bindgen_futures::spawn_local(async move {
                    if crate::platform::sync::token_status(&token).await == Some(wire::sync::TokenStatus::Used) {
                        dispatcher.dispatch(KioskAction::TokenUsed);
                    }
                });
            }
            move || {
                if let Some(sender) = sender.borrow_mut().take() {
                    sender.stop();
                }
            }
        });
    }
    {
        // One clock for the thank-you countdown and the idle timer.
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let interval = gloo_timers::callback::Interval::new(1_000, move || {
                dispatcher.dispatch(KioskAction::Tick { now: clock::now_millis() })
            });
            move || drop(interval)
        });
    }
    {
        let dispatcher = state.dispatcher();
        let store = props.store.clone();
        let (sync, token) = (props.config.sync(), props.config.phone_token.clone());
        let sender = sender.clone();
        use_effect_with(state.screen.clone(), move |screen| {
            if let Screen::Saving { record } = screen {
                let record = record.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let outbox = sync.then(|| Outgoing::with_token(token.clone()));
                    match store.0.add_response(&record, outbox).await {
                        Ok(()) => {
                            clock::measure_since(COMMIT_MEASURE, TAP_MARK);
                            if let Some(sender) = &*sender.borrow() {
                                sender.wake();
                            }
                            dispatcher.dispatch(KioskAction::Saved { response_id: record.response_id.clone() })
                        }
                        Err(err) => dispatcher.dispatch(KioskAction::Failed { reason: err.to_string() }),
                    }
                });
            }
        });
    }
    {
        // Back at the start with no one answering: the moment to let a new version, or a new
        // configuration from the server, take over.
        let blank_start = matches!(state.screen, Screen::Welcome | Screen::Asking)
            && state.session.is_blank()
            && state.session.is_first();
        use_effect_with((blank_start, props.reload_between_citizens), move |(blank_start, reload)| {
            if *blank_start && *reload {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().reload();
                }
            } else if *blank_start {
                service_worker::take_over_if_waiting();
            }
        });
    }

    // Whether answers of the question lie below the fold, behind the buttons: then the screen
    // says so. Measured after every render and on every scroll or resize (layout is the
    // browser's, not the reducer's).
    let more_below = use_state(|| false);
    {
        let more_below = more_below.clone();
        use_effect(move || watch_more_below(more_below));
    }

    view::view(&state, *more_below, state.dispatcher())
}

/// Keeps `more_below` true while the question shown (its answers, the "Khác" text) ends below
/// the top of the buttons; returns the cleanup that stops watching.
fn watch_more_below(more_below: UseStateHandle<bool>) -> impl FnOnce() {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;
    let measure = move || {
        let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
        // The question's own fieldset ends below its last answer, and below the "Khác" text and
        // any problem shown with it.
        let question = document.query_selector(".kiosk > fieldset.choices").ok().flatten();
        let nav = document.query_selector(".question-nav").ok().flatten();
        let hidden = match (question, nav) {
            (Some(last), Some(nav)) => {
                last.get_bounding_client_rect().bottom() > nav.get_bounding_client_rect().top() + 1.0
            }
            _ => false,
        };
        if *more_below != hidden {
            more_below.set(hidden);
        }
    };
    measure();
    let listener = Closure::<dyn Fn()>::new(measure);
    let window = web_sys::window();
    if let Some(window) = &window {
        for event in ["scroll", "resize"] {
            let _ = window.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
        }
    }
    move || {
        if let Some(window) = &window {
            for event in ["scroll", "resize"] {
                let _ = window.remove_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
            }
        }
        drop(listener);
    }
}

/// Asks the browser to keep the tablet's screen on while the kiosk shows (Screen Wake Lock),
/// and again whenever the page becomes visible, since the browser releases the lock when it is
/// hidden. Where the API is missing (older browsers, insecure addresses) nothing happens.
fn keep_screen_on() {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;
    let request = || {
        let Some(window) = web_sys::window() else { return };
        let navigator = window.navigator();
        let Ok(wake_lock) = js_sys::Reflect::get(&navigator, &"wakeLock".into()) else { return };
        if wake_lock.is_undefined() {
            return;
        }
        if let Ok(request) =
            js_sys::Reflect::get(&wake_lock, &"request".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
            && let Ok(promise) =
                request.call1(&wake_lock, &"screen".into()).and_then(|p| p.dyn_into::<js_sys::Promise>())
        {
            // A refusal (battery saver, a hidden page) is not an error worth showing anyone.
            // One small handler per request, a few a day: kept rather than tracked.
            let ignore = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(|_| {});
            let _ = promise.catch(&ignore);
            ignore.forget();
        }
    };
    request();
    if let Some(document) = web_sys::window().and_then(|window| window.document()) {
        let again = Closure::<dyn FnMut()>::new(request);
        let _ = document.add_event_listener_with_callback("visibilitychange", again.as_ref().unchecked_ref());
        again.forget();
    }
}
