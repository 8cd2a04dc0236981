//! One rule for every screen change: a tap chooses only what it landed on.
//!
//! On a touch screen the browser sends a tap's `click` after its `pointerup`, at whatever is
//! under the finger by then. When the `pointerup` has already moved the app to another screen
//! (a one-tap answer moves on at once), that click would land on the new screen: it ticked a
//! reason the citizen never chose, or answered the next question. So the screen a gesture began
//! on is remembered at its `pointerdown` (the `data-screen` attribute of the app's root, which
//! names the screen and its question), and a pointer's `click` that arrives on another screen is
//! stopped in the capture phase, before any handler or the browser's default action sees it.
//! Clicks that no pointer made (Enter, Space, arrow keys, `element.click()`) have `detail` 0
//! and always pass, so keyboards and screen readers are never held back.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// The attribute that names the screen shown; the root element of a screen carries it.
pub const SCREEN_ATTRIBUTE: &str = "data-screen";

thread_local! {
    /// The screen the current pointer gesture began on.
    static BEGAN_ON: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The screen shown now: the first element with [`SCREEN_ATTRIBUTE`], or `None` where the page
/// has none.
fn screen_now() -> Option<String> {
    let document = web_sys::window()?.document()?;
    document.query_selector(&format!("[{SCREEN_ATTRIBUTE}]")).ok()??.get_attribute(SCREEN_ATTRIBUTE)
}

/// Installs the rule once for the page's life.
pub fn install() {
    let Some(window) = web_sys::window() else { return };
    let began = Closure::<dyn FnMut(web_sys::Event)>::new(|_: web_sys::Event| {
        BEGAN_ON.with(|began| *began.borrow_mut() = screen_now());
    });
    let click = Closure::<dyn FnMut(web_sys::MouseEvent)>::new(|event: web_sys::MouseEvent| {
        if event.detail() == 0 {
            return;
        }
        let moved =
            BEGAN_ON.with(|began| began.borrow().as_ref().is_some_and(|began| Some(began) != screen_now().as_ref()));
        if moved {
            event.prevent_default();
            event.stop_immediate_propagation();
        }
    });
    let _ = window.add_event_listener_with_callback_and_bool("pointerdown", began.as_ref().unchecked_ref(), true);
    let _ = window.add_event_listener_with_callback_and_bool("click", click.as_ref().unchecked_ref(), true);
    // Two listeners for the page's whole life: kept rather than tracked.
    began.forget();
    click.forget();
}
