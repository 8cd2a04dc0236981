//! What an action in the staff area came to: done (a status line) or a problem (an alert).

use yew::prelude::*;

/// A message for the staff member after an action.
#[derive(Clone, PartialEq)]
pub enum Notice {
    Done(String),
    Problem(String),
}

pub fn notice_html(notice: &Option<Notice>) -> Html {
    match notice {
        None => html! {},
        Some(Notice::Done(text)) => html! { <p class="saved" role="status">{ text }</p> },
        Some(Notice::Problem(text)) => html! { <p class="violation" role="alert">{ text }</p> },
    }
}
