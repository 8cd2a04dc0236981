//! What both apps show the same way: bilingual text, notices after an action, the faces of a
//! rating, the loading line; and `jobs`, the one way a component's callbacks have work carried
//! out. Nothing here stores, fetches or reads a clock.

pub mod faces;
pub mod jobs;
pub mod notice;
pub mod text;

use yew::prelude::*;

/// The line shown while the app reads the device's store.
pub(crate) fn loading() -> Html {
    html! { <p class="loading">{ "Đang tải… / Loading…" }</p> }
}
