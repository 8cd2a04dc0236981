//! The kiosk's screens: welcome, one question, thank-you, out of service. Pure rendering of
//! [`KioskState`]; every callback only dispatches.

use survey::filling::wording;
use survey::{text::Lang, text::Text};
use yew::prelude::*;

use super::inputs;
use super::state::{KioskAction, KioskState, Screen};
use crate::platform::clock;
use crate::ui::faces::ThanksIcon;
use crate::ui::text::both;

/// A fresh id and the time, for actions that may finish a response.
fn next_action() -> KioskAction {
    KioskAction::Next { fresh_id: uuid::Uuid::new_v4().to_string(), now: clock::now_millis() }
}

/// `more_below`: answers of the question shown lie below the fold (measured by the component).
pub fn view(state: &KioskState, more_below: bool, dispatcher: UseReducerDispatcher<KioskState>) -> Html {
    let lang = state.lang;
    let body = match &state.screen {
        Screen::Starting => crate::ui::loading(),
        Screen::Welcome => welcome(state, dispatcher.clone()),
        Screen::Asking | Screen::Saving { .. } => asking(state, more_below, dispatcher.clone()),
        Screen::Thanks { seconds_left } => thanks(state, *seconds_left),
        Screen::Closed => closed(state),
        Screen::Rated => rated(state),
        Screen::OutOfService { reason } => return out_of_service(reason),
    };
    let touch = {
        let dispatcher = dispatcher.clone();
        let full_screen = state.config.full_screen;
        Callback::from(move |_: PointerEvent| {
            // The one piece of I/O in a callback: browsers grant full screen only while handling
            // a touch, so it cannot wait for an effect.
            if full_screen {
                fill_screen();
            }
            dispatcher.dispatch(KioskAction::Touch)
        })
    };
    let key = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_: KeyboardEvent| dispatcher.dispatch(KioskAction::Touch))
    };
    let switch = {
        let dispatcher = dispatcher.clone();
        let other = lang.other();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(KioskAction::SetLang(other)))
    };
    html! {
        <div class="kiosk-root" lang={lang.code()} onpointerdown={touch} onkeydown={key}
             data-screen={screen_name(state)}>
            if state.config.channel == survey::records::record::Channel::Kiosk {
                { staff_door() }
            }
            <header class="kiosk-bar">
                <span class="survey-title">
                    if let Some(unit) = &state.config.unit_name {
                        <strong class="unit-name">{ unit }</strong>{ " · " }
                    }
                    { state.survey.title().get(lang) }
                </span>
                <button type="button" class="lang-switch" onclick={switch}
                        lang={lang.other().code()}>
                    { if lang == Lang::Vi { "English" } else { "Tiếng Việt" } }
                </button>
            </header>
            { body }
            { idle_warning(state) }
        </div>
    }
}

/// What names the screen shown, for the rule that a gesture's click stays on the screen it
/// began on (`crate::platform::gesture`): every screen change changes it.
/// The idle warning counts as a screen of its own: the touch that lifts it answers nothing.
fn screen_name(state: &KioskState) -> String {
    let warning = if state.idle_warning().is_some() { ":warning" } else { "" };
    let screen = match &state.screen {
        Screen::Starting => String::from("starting"),
        Screen::Welcome => "welcome".into(),
        Screen::Asking => format!("asking:{}", state.session.current_question().id),
        Screen::Saving { .. } => "saving".into(),
        Screen::Thanks { .. } => "thanks".into(),
        Screen::Closed => "closed".into(),
        Screen::OutOfService { .. } => "out-of-service".into(),
        Screen::Rated => "rated".into(),
    };
    screen + warning
}

/// How long staff hold the top left corner of a kiosk to reach the staff area (and its PIN).
pub const STAFF_HOLD_MS: i64 = 2_000;

thread_local! {
    /// When the press on the staff corner began.
    static HELD_SINCE: std::cell::Cell<Option<i64>> = const { std::cell::Cell::new(None) };
}

/// The way in for staff from a kiosk in full screen, where there is no address bar: a press
/// held for [`STAFF_HOLD_MS`] on the top left corner, then the PIN. Citizens tapping there by
/// chance go nowhere; it is not announced to screen readers, as it is not for citizens.
fn staff_door() -> Html {
    let down = Callback::from(|_: PointerEvent| HELD_SINCE.with(|since| since.set(Some(clock::now_millis()))));
    let up = Callback::from(|_: PointerEvent| {
        let held = HELD_SINCE.with(|since| since.take()).map(|since| clock::now_millis() - since);
        if held.is_some_and(|held| held >= STAFF_HOLD_MS)
            && let Some(window) = web_sys::window()
        {
            let _ = window.location().set_href(crate::platform::route::STAFF_PATH);
        }
    });
    let cancel = Callback::from(|_: PointerEvent| HELD_SINCE.with(|since| since.set(None)));
    html! { <div class="staff-corner" aria-hidden="true" onpointerdown={down} onpointerup={up} onpointercancel={cancel.clone()} onpointerleave={cancel} /> }
}

/// Asks for full screen, unless the kiosk already has it.
fn fill_screen() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
    let already = js_sys::Reflect::get(&document, &"fullscreenElement".into())
        .is_ok_and(|element| !element.is_null() && !element.is_undefined());
    if let (false, Some(root)) = (already, document.document_element()) {
        let _ = root.request_fullscreen();
    }
}

fn welcome(state: &KioskState, dispatcher: UseReducerDispatcher<KioskState>) -> Html {
    let lang = state.lang;
    let start = Callback::from(move |_: MouseEvent| dispatcher.dispatch(KioskAction::Start));
    html! {
        <main class="kiosk welcome">
            <h1 class="welcome-title">{ both(state.survey.title(), lang) }</h1>
            { for state.survey.intro().map(|intro| html! { <p class="welcome-intro">{ both(intro, lang) }</p> }) }
            <button type="button" class="nav-button primary start" onclick={start}>
                { both(&wording::text(wording::START), lang) }
            </button>
        </main>
    }
}

fn asking(state: &KioskState, more_below: bool, dispatcher: UseReducerDispatcher<KioskState>) -> Html {
    let lang = state.lang;
    let session = &state.session;
    let question = session.current_question();
    let saving = matches!(state.screen, Screen::Saving { .. });
    let (number, of) = session.position();
    let answer = session.answer(&question.id);
    let violation = session.violation(&question.id).filter(|_| state.tried_to_leave);
    let section = question
        .section
        .as_ref()
        .and_then(|id| state.survey.sections().iter().find(|section| &section.id == id))
        .map(|section| section.title.clone());
    let back = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(KioskAction::Back))
    };
    let next = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(next_action()))
    };
    // A one-tap question moves on by itself; its button shows once it has an answer (after
    // going back), so that it can be left as it is, or when it is optional, to skip it.
    let show_next = !question.kind.is_one_tap() || answer.is_some() || !question.required;
    let next_label = match (session.is_last(), answer.is_none() && !question.required) {
        (true, _) => text("Gửi đánh giá", "Send"),
        (false, true) => text("Bỏ qua", "Skip"),
        (false, false) => text("Tiếp tục", "Next"),
    };
    html! {
        <main class={classes!("kiosk", "asking", saving.then_some("saving"))}>
            if of > 1 {
                <p class="progress">
                    { format!("{} {number}/{of}", if lang == Lang::Vi { "Câu" } else { "Question" }) }
                    { for section.map(|title| html! { <span class="section-title">{ format!(" · {}", title.get(lang)) }</span> }) }
                </p>
            }
            { inputs::question_input(question, session.typed(&question.id), violation, lang, saving, dispatcher.clone()) }
            <nav class="question-nav">
                if more_below {
                    <p class="more-below">{ "↓ " }{ both(&text("Còn nữa bên dưới", "More below"), lang) }</p>
                }
                if !session.is_first() {
                    <button type="button" class="nav-button back" onclick={back} disabled={saving}>
                        { "← " }{ both(&text("Quay lại", "Back"), lang) }
                    </button>
                }
                if show_next {
                    <button type="button" class="nav-button primary next" onclick={next} disabled={saving}>
                        { both(&next_label, lang) }{ " →" }
                    </button>
                }
            </nav>
            if number == 1 {
                <p class="privacy">{ both(&wording::text(wording::PRIVACY), lang) }</p>
            }
        </main>
    }
}

fn thanks(state: &KioskState, seconds_left: u32) -> Html {
    let lang = state.lang;
    let back = text(
        &format!("Màn hình sẽ trở lại sau {seconds_left} giây."),
        &format!("Back to the start in {seconds_left} s."),
    );
    let on_phone = state.config.channel == survey::records::record::Channel::Phone;
    html! {
        <main class="kiosk thanks" aria-live="polite">
            <ThanksIcon />
            <h1 class="thanks-text">{ both(state.survey.thank_you(), lang) }</h1>
            { sync_line(state) }
            if !on_phone || state.config.phone_token.is_none() {
                <p class="countdown">{ both(&back, lang) }</p>
            }
        </main>
    }
}

/// The phone's thanks once its single-use code has rated, here or on an earlier visit.
fn rated(state: &KioskState) -> Html {
    let lang = state.lang;
    html! {
        <main class="kiosk thanks rated" aria-live="polite">
            <ThanksIcon />
            <h1 class="thanks-text">{ both(&wording::text(wording::CODE_USED), lang) }</h1>
            <p class="rated-note">{ both(&wording::text(wording::CODE_USED_NOTE), lang) }</p>
            { sync_line(state) }
        </main>
    }
}

/// On a phone, whether the response has reached the office yet: a citizen who rated offline
/// should know it is kept and will go by itself.
fn sync_line(state: &KioskState) -> Html {
    if state.config.channel != survey::records::record::Channel::Phone {
        return html! {};
    }
    let Some(status) = &state.sync else { return html! {} };
    let words = if status.waiting > 0 {
        text(
            "Câu trả lời đã được lưu trên điện thoại và sẽ tự gửi khi có mạng.",
            "Your answer is saved on this phone and will be sent by itself when there is a connection.",
        )
    } else if status.sent > 0 {
        text("Câu trả lời đã được gửi đến cơ quan.", "Your answer has reached the office.")
    } else {
        return html! {};
    };
    html! { <p class="sync-line">{ both(&words, state.lang) }</p> }
}

fn closed(state: &KioskState) -> Html {
    let lang = state.lang;
    let hours = state.config.hours.as_ref().map(|hours| {
        text(
            &format!("Giờ làm việc: {}.", hours.describe(Lang::Vi)),
            &format!("Opening hours: {}.", hours.describe(Lang::En)),
        )
    });
    html! {
        <main class="kiosk closed">
            <h1>{ both(&text("Bộ phận tiếp nhận và trả kết quả đang ngoài giờ làm việc.", "The counter is closed now."), lang) }</h1>
            { for hours.map(|hours| html! { <p class="countdown">{ both(&hours, lang) }</p> }) }
        </main>
    }
}

fn idle_warning(state: &KioskState) -> Html {
    let Some(seconds) = state.idle_warning() else { return html! {} };
    let lang = state.lang;
    html! {
        <div class="idle-warning" role="alertdialog" aria-modal="true" aria-labelledby="idle-title">
            <div class="idle-box">
                <h2 id="idle-title">{ both(&text("Ông/Bà còn đó không?", "Are you still there?"), lang) }</h2>
                <p>{ both(&text(
                    &format!("Chạm vào màn hình để tiếp tục. Sau {seconds} giây, màn hình sẽ trở về đầu cho người tiếp theo."),
                    &format!("Touch the screen to go on. In {seconds} s the survey starts again for the next person."),
                ), lang) }</p>
            </div>
        </div>
    }
}

/// What a citizen sees when the kiosk cannot store answers. The reason is for staff.
pub fn out_of_service(reason: &str) -> Html {
    html! {
        <main class="kiosk out-of-service" role="alert" lang="vi">
            <h1>
                { "Xin lỗi, thiết bị tạm ngừng nhận đánh giá." }
                <span class="second" lang="en">{ "Sorry, this device cannot take ratings right now." }</span>
            </h1>
            <p>
                { "Xin Ông/Bà vui lòng báo cán bộ tại quầy." }
                <span class="second" lang="en">{ "Please tell the staff at the counter." }</span>
            </p>
            <details class="staff-detail">
                <summary>{ "Chi tiết cho cán bộ / Details for staff" }</summary>
                <p>{ reason }</p>
            </details>
        </main>
    }
}

fn text(vi: &str, en: &str) -> Text {
    Text { vi: vi.into(), en: Some(en.into()) }
}
