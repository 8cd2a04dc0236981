//! The faces drawn beside rating labels, as inline SVG so that they look the same on every
//! tablet (emoji fonts differ, and some cheap devices have none). A face is decoration: it is
//! hidden from screen readers and always shown with its text label.

use survey::definition::def::Face;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FaceProps {
    pub face: Face,
}

#[function_component(FaceIcon)]
pub fn face_icon(props: &FaceProps) -> Html {
    // One drawing for the app and for the first screen the server sends before it.
    let (class, mouth, filled_mouth) = survey::reports::first_screen::mouth(props.face);
    html! {
        <svg class={class} viewBox="0 0 100 100" aria-hidden="true" focusable="false">
            <circle class="face-disc" cx="50" cy="50" r="46" />
            <circle class="face-ink" cx="35" cy="40" r="6" />
            <circle class="face-ink" cx="65" cy="40" r="6" />
            <path class={if filled_mouth { "face-mouth face-mouth-open" } else { "face-mouth" }} d={mouth} />
        </svg>
    }
}

/// The mark of the thank-you screen: a tick that says the answer is kept, the same for every
/// citizen. A grinning face would thank someone who has just complained with a smile.
#[function_component(ThanksIcon)]
pub fn thanks_icon() -> Html {
    html! {
        <svg class="face thanks-mark" viewBox="0 0 100 100" aria-hidden="true" focusable="false">
            <circle class="thanks-disc" cx="50" cy="50" r="46" />
            <path class="thanks-tick" d="M28 52 L44 68 L73 36" />
        </svg>
    }
}
