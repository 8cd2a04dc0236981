//! Bilingual text on screen: Vietnamese (or the language chosen) first, the other under it,
//! each marked with its `lang` so that screen readers pronounce it right.

use survey::text::{Lang, Text};
use yew::prelude::*;

/// Text in the chosen language first, the other one under it.
pub fn both(text: &Text, lang: Lang) -> Html {
    let other = lang.other();
    let (first, second) = (text.get(lang), text.get(other));
    html! {
        <>
            { first }
            if second != first {
                <span class="second" lang={other.code()}>{ second }</span>
            }
        </>
    }
}
