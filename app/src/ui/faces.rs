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
    let (class, mouth, filled_mouth) = match props.face {
        Face::VeryHappy => ("face face-very-happy", "M27 57 Q50 88 73 57 Z", true),
        Face::Happy => ("face face-happy", "M30 62 Q50 80 70 62", false),
        Face::Neutral => ("face face-neutral", "M32 67 L68 67", false),
        Face::Unhappy => ("face face-unhappy", "M30 74 Q50 58 70 74", false),
        Face::VeryUnhappy => ("face face-very-unhappy", "M27 78 Q50 52 73 78", false),
    };
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
