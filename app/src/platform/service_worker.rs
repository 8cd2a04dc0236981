//! Registers the service worker that keeps the app shell available offline, and lets a new
//! version of the app take over only between respondents, never in the middle of a survey.
//!
//! The worker (`sw.js`, made by `cargo xtask dist`) installs a new version in the background and
//! then waits. The kiosk calls [`take_over_if_waiting`] when it returns to the question after a
//! thank-you; only then is the waiting version told to activate, and the page reloads into it.

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration};

thread_local! {
    /// Whether this page asked a waiting worker to take over, so that the `controllerchange`
    /// of a first install (which claims the page) does not cause a reload.
    static ASKED_TO_TAKE_OVER: Cell<bool> = const { Cell::new(false) };
}

fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // Browsers without service workers (or on plain http off localhost) lack the property.
    js_sys::Reflect::has(&navigator, &"serviceWorker".into()).ok()?.then(|| navigator.service_worker())
}

/// Registers `/sw.js`. Failure is logged and otherwise harmless: the app works online without it.
pub fn register() {
    let Some(container) = container() else {
        web_sys::console::warn_1(&"service workers are unavailable: the app will not work offline".into());
        return;
    };
    let reload = Closure::<dyn FnMut()>::new(|| {
        if ASKED_TO_TAKE_OVER.with(Cell::get)
            && let Some(window) = web_sys::window()
        {
            let _ = window.location().reload();
        }
    });
    let _ = container.add_event_listener_with_callback("controllerchange", reload.as_ref().unchecked_ref());
    reload.forget();
    let promise = container.register("/sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(err) = JsFuture::from(promise).await {
            web_sys::console::warn_2(&"service worker registration failed:".into(), &err);
        }
    });
}

/// If a new version of the app is installed and waiting, activates it (the page then reloads).
/// Call only when no one is answering: between respondents.
pub fn take_over_if_waiting() {
    let Some(container) = container() else { return };
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(registration) = JsFuture::from(container.get_registration()).await else { return };
        let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else { return };
        if let Some(waiting) = registration.waiting() {
            ASKED_TO_TAKE_OVER.with(|asked| asked.set(true));
            let _ = waiting.post_message(&"skip-waiting".into());
        }
    });
}
