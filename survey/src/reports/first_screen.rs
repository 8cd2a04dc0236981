//! The phone page's first screen as HTML, sent by `hailong` inside the app's shell so that a
//! citizen on a slow line can answer before the app's WebAssembly has arrived, or with
//! JavaScript turned off. It is drawn from the same definition, with the same wording
//! (`filling::wording`) and the same classes as the kiosk's own screen, which takes over once
//! loaded; a test compares the two screens' text and options for every shipped survey.
//!
//! A survey with an introduction opens on its welcome screen; one without opens on its first
//! question. A first question answered with one tap (a rating, one choice, yes or no, 0 to 10)
//! is a real form: each option is a submit button that posts the response id carried in the
//! page, so that a tap is stored exactly once however often it is sent.

use crate::definition::def::Face;
use crate::definition::model::{Question, QuestionKind, Survey};
use crate::filling::wording;
use crate::reports::html::escape;
use crate::text::Text;

/// The form fields a first-screen tap posts.
pub const FIELD_RESPONSE_ID: &str = "response_id";
pub const FIELD_SURVEY: &str = "survey";
pub const FIELD_ANSWER: &str = "answer";
pub const FIELD_TOKEN: &str = "token";
/// The tap's time on the phone, in milliseconds since 1970, set by `boot.js`.
pub const FIELD_AT: &str = "at";

/// Vietnamese, then English under it when it differs, as the app's `both` shows text.
fn both(first: &str, second: Option<&str>) -> String {
    match second {
        Some(second) if second != first => {
            format!("{}<span class=\"second\" lang=\"en\">{}</span>", escape(first), escape(second))
        }
        _ => escape(first),
    }
}

fn both_text(text: &Text) -> String {
    both(&text.vi, text.en.as_deref())
}

fn both_pair(pair: [&str; 2]) -> String {
    both(pair[0], Some(pair[1]))
}

/// A face's mouth: its class, its path and whether it is drawn filled. One table for the app's
/// `FaceIcon` and for [`face_svg`].
pub fn mouth(face: Face) -> (&'static str, &'static str, bool) {
    match face {
        Face::VeryHappy => ("face face-very-happy", "M27 57 Q50 88 73 57 Z", true),
        Face::Happy => ("face face-happy", "M30 62 Q50 80 70 62", false),
        Face::Neutral => ("face face-neutral", "M32 67 L68 67", false),
        Face::Unhappy => ("face face-unhappy", "M30 74 Q50 58 70 74", false),
        Face::VeryUnhappy => ("face face-very-unhappy", "M27 78 Q50 52 73 78", false),
    }
}

/// The face beside a rating label, as inline SVG (the same drawing as the app's).
pub fn face_svg(face: Face) -> String {
    let (class, path, filled) = mouth(face);
    let mouth_class = if filled { "face-mouth face-mouth-open" } else { "face-mouth" };
    format!(
        "<svg class=\"{class}\" viewBox=\"0 0 100 100\" aria-hidden=\"true\" focusable=\"false\">\
         <circle class=\"face-disc\" cx=\"50\" cy=\"50\" r=\"46\"></circle>\
         <circle class=\"face-ink\" cx=\"35\" cy=\"40\" r=\"6\"></circle>\
         <circle class=\"face-ink\" cx=\"65\" cy=\"40\" r=\"6\"></circle>\
         <path class=\"{mouth_class}\" d=\"{path}\"></path></svg>"
    )
}

/// The tick of the thank-you screen.
pub const THANKS_MARK: &str = "<svg class=\"face thanks-mark\" viewBox=\"0 0 100 100\" aria-hidden=\"true\" focusable=\"false\">\
    <circle class=\"thanks-disc\" cx=\"50\" cy=\"50\" r=\"46\"></circle>\
    <path class=\"thanks-tick\" d=\"M28 52 L44 68 L73 36\"></path></svg>";

/// The bar above every screen: the survey's title.
/// The bar above the screen: the place's name where the server knows it (the unit's and the
/// counter's), as the app shows it, then the survey's title.
fn bar(survey: &Survey, place: Option<&str>) -> String {
    let place =
        place.map(|place| format!("<strong class=\"unit-name\">{}</strong> · ", escape(place))).unwrap_or_default();
    format!(
        "<header class=\"kiosk-bar\"><span class=\"survey-title\">{place}{}</span></header>",
        escape(&survey.title().vi)
    )
}

/// The first screen, to stand in the shell's `#app` until the app takes over. `action` is the
/// page's own path (where the form posts), `response_id` a fresh UUID v4 for this page, `place`
/// the names of the unit and counter.
pub fn first_screen(survey: &Survey, action: &str, response_id: &str, place: Option<&str>) -> String {
    // The screen's name, as the app's `data-screen` names it, and what it shows.
    let (screen, body) = match (survey.intro(), survey.questions().first()) {
        (Some(intro), _) => ("welcome".to_owned(), welcome(survey, intro)),
        (None, Some(question)) => {
            (format!("asking:{}", escape(&question.id)), first_question(survey, question, action, response_id))
        }
        (None, None) => (String::new(), String::new()),
    };
    format!(
        "<div class=\"kiosk-root prerendered\" lang=\"vi\" data-screen=\"{screen}\">{}{body}</div>",
        bar(survey, place)
    )
}

fn welcome(survey: &Survey, intro: &Text) -> String {
    // Starting needs the app; until it has loaded the button says so.
    format!(
        "<main class=\"kiosk welcome\"><h1 class=\"welcome-title\">{}</h1><p class=\"welcome-intro\">{}</p>\
         <button type=\"button\" class=\"nav-button primary start\" disabled>{}</button>\
         <noscript><p class=\"loading\">Vui lòng bật JavaScript để đánh giá. / Please turn on JavaScript to give a rating.</p></noscript></main>",
        both_text(survey.title()),
        both_text(intro),
        both_pair(wording::START)
    )
}

fn first_question(survey: &Survey, question: &Question, action: &str, response_id: &str) -> String {
    let id = escape(&question.id);
    let optional = if question.required {
        String::new()
    } else {
        format!("<span class=\"optional\">{}</span>", escape(wording::OPTIONAL[0]))
    };
    let legend =
        format!("<legend class=\"question-text\" id=\"q-{id}\">{}{optional}</legend>", both_text(&question.text));
    let help =
        question.help.as_ref().map(|help| format!("<p class=\"help\">{}</p>", both_text(help))).unwrap_or_default();
    let privacy = format!("<p class=\"privacy\">{}</p>", both_pair(wording::PRIVACY));
    if !question.kind.is_one_tap() {
        // Only the app can take this answer; the question is shown while it loads.
        return format!(
            "<main class=\"kiosk asking\"><fieldset class=\"choices\" disabled>{legend}{help}</fieldset><p class=\"loading\">Đang tải… / Loading…</p>{privacy}</main>"
        );
    }
    let layout = match question.kind {
        QuestionKind::Rating(_) => "levels",
        QuestionKind::Nps { .. } => "scale-0-10",
        _ => "options",
    };
    let faces: Vec<(String, Face)> = match &question.kind {
        QuestionKind::Rating(scale) => {
            scale.levels.iter().filter_map(|level| Some((level.code.clone(), level.face?))).collect()
        }
        _ => Vec::new(),
    };
    let options: String = question
        .kind
        .choices()
        .into_iter()
        .map(|choice| {
            let code = escape(&choice.code);
            let face = faces.iter().find(|(with, _)| *with == choice.code).map(|(_, face)| face_svg(*face)).unwrap_or_default();
            let second = match &choice.label.en {
                Some(en) if layout != "scale-0-10" && *en != choice.label.vi => {
                    format!("<span class=\"level-label-second\" lang=\"en\">{}</span>", escape(en))
                }
                _ => String::new(),
            };
            format!(
                "<button type=\"submit\" name=\"{FIELD_ANSWER}\" value=\"{code}\" class=\"level level-{code}\" data-code=\"{code}\">{face}<span class=\"level-label\">{}</span>{second}</button>",
                escape(&choice.label.vi)
            )
        })
        .collect();
    format!(
        "<main class=\"kiosk asking\"><form class=\"first-screen\" method=\"post\" action=\"{}\">\
         <input type=\"hidden\" name=\"{FIELD_RESPONSE_ID}\" value=\"{}\">\
         <input type=\"hidden\" name=\"{FIELD_SURVEY}\" value=\"{}@{}\">\
         <input type=\"hidden\" name=\"{FIELD_TOKEN}\" value=\"\">\
         <fieldset class=\"choices {layout}\">{legend}{help}<div class=\"option-list\">{options}</div></fieldset></form>\
         <p class=\"first-status\" role=\"status\" aria-live=\"polite\"></p>{privacy}\
         <template class=\"first-words\" data-sending=\"{}\" data-not-sent=\"{}\" data-refused=\"{}\" data-used=\"{}\"></template>\
         <template class=\"first-thanks\">{}</template></main>",
        escape(action),
        escape(response_id),
        escape(survey.id()),
        escape(survey.version()),
        escape(&wording::SENDING.join(" / ")),
        escape(&wording::NOT_SENT.join(" / ")),
        escape(&wording::REFUSED.join(" / ")),
        escape(&wording::CODE_USED.join(" / ")),
        outcome_screen(survey, &Outcome::Thanked),
    )
}

/// What became of a first-screen tap, for the page the server answers a form with.
pub enum Outcome {
    /// Stored now, or held already: thanked.
    Thanked,
    /// The QR code's single-use token had rated already.
    CodeUsed,
    /// Refused, with why.
    Refused(String),
}

/// The screen the server answers a first-screen form with (the app's thank-you screen).
pub fn outcome_screen(survey: &Survey, outcome: &Outcome) -> String {
    let main = match outcome {
        Outcome::Thanked => format!(
            "<main class=\"kiosk thanks\" aria-live=\"polite\">{THANKS_MARK}<h1 class=\"thanks-text\">{}</h1></main>",
            both_text(survey.thank_you())
        ),
        Outcome::CodeUsed => format!(
            "<main class=\"kiosk thanks rated\" aria-live=\"polite\">{THANKS_MARK}<h1 class=\"thanks-text\">{}</h1><p class=\"rated-note\">{}</p></main>",
            both_pair(wording::CODE_USED),
            both_pair(wording::CODE_USED_NOTE)
        ),
        Outcome::Refused(reason) => format!(
            "<main class=\"kiosk\"><p class=\"violation\" role=\"alert\">{}</p><p class=\"help\">{}</p></main>",
            both_pair(wording::REFUSED),
            escape(reason)
        ),
    };
    format!("<div class=\"kiosk-root\" lang=\"vi\" data-screen=\"thanks\">{}{main}</div>", bar(survey, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating() -> Survey {
        let def: crate::definition::def::SurveyDef = serde_json::from_value(serde_json::json!({
            "format": 1, "id": "quay", "version": "1", "legal_basis": "x", "source_note": "x",
            "title": { "vi": "Đánh giá", "en": "Rate" }, "thank_you": { "vi": "Cảm ơn", "en": "Thanks" },
            "questions": [{ "id": "muc-do", "kind": "rating", "text": { "vi": "Hài lòng <không>?", "en": "Satisfied?" },
                "levels": [
                    { "code": "khong", "face": "unhappy", "label": { "vi": "Không", "en": "No" } },
                    { "code": "vua", "face": "neutral", "label": { "vi": "Vừa", "en": "So so" } },
                    { "code": "co", "face": "happy", "satisfied": true, "label": { "vi": "Có", "en": "Yes" } }
                ] }]
        }))
        .unwrap();
        Survey::from_def(def).unwrap()
    }

    #[test]
    fn a_one_tap_first_question_is_a_form_posting_its_response_id() {
        let html = first_screen(&rating(), "/p/phuong-1/quay-2", "7d4c2b1a-0e9f-4a8b-8c7d-6e5f4a3b2c1d", None);
        assert!(html.contains(r#"<form class="first-screen" method="post" action="/p/phuong-1/quay-2">"#), "{html}");
        assert!(html.contains(r#"name="response_id" value="7d4c2b1a-0e9f-4a8b-8c7d-6e5f4a3b2c1d""#));
        assert!(html.contains(r#"name="survey" value="quay@1""#));
        assert!(
            html.contains(r#"<button type="submit" name="answer" value="co" class="level level-co" data-code="co">"#)
        );
        assert!(html.contains("Hài lòng &lt;không&gt;?"), "text is escaped");
        assert!(html.contains("face-unhappy"), "faces are drawn");
    }
}
