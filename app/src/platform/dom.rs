//! What a form field holds, read from the event it sent: one helper for every text box, text
//! area and select of the kiosk and the staff area, so that no form reads the page back by id.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

/// The value of the input, text area or select that `event` came from; empty for anything else.
pub fn field_value(event: &web_sys::Event) -> String {
    let Some(target) = event.target() else { return String::new() };
    if let Some(area) = target.dyn_ref::<HtmlTextAreaElement>() {
        area.value()
    } else if let Some(select) = target.dyn_ref::<HtmlSelectElement>() {
        select.value()
    } else if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
        input.value()
    } else {
        String::new()
    }
}

/// Whether the checkbox that `event` came from is ticked.
pub fn field_ticked(event: &web_sys::Event) -> bool {
    event.target().and_then(|target| target.dyn_into::<HtmlInputElement>().ok()).is_some_and(|input| input.checked())
}

/// Shows a message above the page in an element of its own, outside what Yew draws, for what
/// happens before or beside the app (the store cannot open yet): `id` names it, and showing it
/// again replaces its text.
pub fn show_banner(id: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
    let banner = match document.get_element_by_id(id) {
        Some(banner) => banner,
        None => {
            let Ok(banner) = document.create_element("div") else { return };
            banner.set_id(id);
            let _ = banner.set_attribute("role", "alert");
            let _ = banner.set_attribute("class", "page-banner");
            if let Some(body) = document.body() {
                let _ = body.prepend_with_node_1(&banner);
            }
            banner
        }
    };
    banner.set_text_content(Some(text));
}

/// Removes a banner of [`show_banner`], if it is shown.
pub fn remove_banner(id: &str) {
    if let Some(banner) =
        web_sys::window().and_then(|window| window.document()).and_then(|document| document.get_element_by_id(id))
    {
        banner.remove();
    }
}
