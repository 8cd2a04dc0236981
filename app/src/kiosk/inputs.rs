//! One question's input, by kind, with native semantics: a `fieldset` and `legend` around
//! radio buttons (rating, single choice, yes/no, NPS, each matrix item) or checkboxes (multiple
//! choice), and a labelled field for numbers and text. The whole card is the touch target;
//! the radio itself is hidden from sight but not from keyboards and screen readers.
//!
//! A tap (pointer) on a one-tap question answers and moves on; arrow keys only choose, and
//! Enter moves on, so that a screen-reader user can hear every option before answering.

use std::collections::BTreeMap;

use survey::definition::model::{OTHER_CODE, Question, QuestionKind};
use survey::{definition::answer::Answer, definition::answer::Choices, definition::answer::Violation, text::Lang};
use yew::prelude::*;

use super::state::{KioskAction, KioskState};
use crate::platform::clock;
use crate::ui::faces::FaceIcon;
use crate::ui::text::both;

fn answer_action(question_id: &str, answer: Answer, advance: bool) -> KioskAction {
    KioskAction::Answer {
        question_id: question_id.into(),
        answer,
        advance,
        fresh_id: uuid::Uuid::new_v4().to_string(),
        now: clock::now_millis(),
    }
}

/// `answer` is what the citizen entered, as typed (see `Session::typed`).
pub fn question_input(
    question: &Question,
    answer: Option<&Answer>,
    violation: Option<&Violation>,
    lang: Lang,
    disabled: bool,
    dispatcher: UseReducerDispatcher<KioskState>,
) -> Html {
    let id = question.id.clone();
    let legend = html! {
        <legend class="question-text" id={format!("q-{id}")}>
            { both(&question.text, lang) }
            if !question.required {
                <span class="optional">{ survey::filling::wording::OPTIONAL[if lang == Lang::Vi { 0 } else { 1 }] }</span>
            }
        </legend>
    };
    let help = question.help.as_ref().map(|help| html! { <p class="help">{ both(help, lang) }</p> });
    let problem = violation.map(|violation| {
        html! { <p class="violation" role="alert">{ both(&violation.message(), lang) }</p> }
    });
    let chosen = |code: &str| match answer {
        Some(Answer::Choice(chosen)) => chosen == code,
        Some(Answer::Number(number)) => number.to_string() == code,
        _ => false,
    };
    let enter_moves_on = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" {
                event.prevent_default();
                dispatcher.dispatch(KioskAction::Next {
                    fresh_id: uuid::Uuid::new_v4().to_string(),
                    now: clock::now_millis(),
                });
            }
        })
    };

    match &question.kind {
        QuestionKind::Rating(_)
        | QuestionKind::SingleChoice { .. }
        | QuestionKind::YesNo
        | QuestionKind::Nps { .. } => {
            let faces: BTreeMap<String, survey::definition::def::Face> = match &question.kind {
                QuestionKind::Rating(scale) => {
                    scale.levels.iter().filter_map(|level| Some((level.code.clone(), level.face?))).collect()
                }
                _ => BTreeMap::new(),
            };
            let layout = match &question.kind {
                QuestionKind::Rating(_) => "levels",
                QuestionKind::Nps { .. } => "scale-0-10",
                _ => "options",
            };
            // Every code here is one of the question's own choices, so a tap always answers.
            let to_answer =
                |code: &str| Answer::tapped(&question.kind, code).unwrap_or_else(|| Answer::Choice(code.to_owned()));
            html! {
                <fieldset class={classes!("choices", layout)} onkeydown={enter_moves_on} aria-describedby={violation.map(|_| format!("v-{id}"))}>
                    { legend }
                    { for help }
                    <div class="option-list">
                        { for question.kind.choices().into_iter().map(|choice| {
                            let tap = {
                                let dispatcher = dispatcher.clone();
                                let (id, answer) = (id.clone(), to_answer(&choice.code));
                                Callback::from(move |_: PointerEvent| {
                                    clock::mark(super::TAP_MARK);
                                    dispatcher.dispatch(answer_action(&id, answer.clone(), true))
                                })
                            };
                            let change = {
                                let dispatcher = dispatcher.clone();
                                let (id, answer) = (id.clone(), to_answer(&choice.code));
                                Callback::from(move |_: Event| dispatcher.dispatch(answer_action(&id, answer.clone(), false)))
                            };
                            let selected = chosen(&choice.code);
                            html! {
                                <label class={classes!("level", format!("level-{}", choice.code), selected.then_some("selected"))}
                                       data-code={choice.code.clone()} onpointerup={tap}>
                                    <input type="radio" class="visually-hidden" name={id.clone()} value={choice.code.clone()}
                                           checked={selected} disabled={disabled} onchange={change} />
                                    { for faces.get(&choice.code).map(|&face| html! { <FaceIcon {face} /> }) }
                                    <span class="level-label">{ choice.label.get(lang) }</span>
                                    if layout != "scale-0-10" && choice.label.get(lang) != choice.label.get(lang.other()) {
                                        <span class="level-label-second" lang={lang.other().code()}>{ choice.label.get(lang.other()) }</span>
                                    }
                                </label>
                            }
                        }) }
                    </div>
                    if let QuestionKind::Nps { low_label, high_label } = &question.kind {
                        <div class="scale-ends">
                            <span>{ low_label.as_ref().map(|label| label.get(lang).to_owned()).unwrap_or_else(|| "0".into()) }</span>
                            <span>{ high_label.as_ref().map(|label| label.get(lang).to_owned()).unwrap_or_else(|| "10".into()) }</span>
                        </div>
                    }
                    <div id={format!("v-{id}")}>{ for problem }</div>
                </fieldset>
            }
        }
        QuestionKind::MultipleChoice { other: other_label, .. } => {
            let current = match answer {
                Some(Answer::Choices(choices)) => choices.clone(),
                _ => Choices::default(),
            };
            let toggle = |code: String| {
                let dispatcher = dispatcher.clone();
                let (id, current) = (id.clone(), current.clone());
                Callback::from(move |_: Event| {
                    let mut next = current.clone();
                    if let Some(at) = next.codes.iter().position(|known| *known == code) {
                        next.codes.remove(at);
                    } else {
                        next.codes.push(code.clone());
                    }
                    if !next.codes.iter().any(|known| known == OTHER_CODE) {
                        next.other = None;
                    }
                    dispatcher.dispatch(answer_action(&id, Answer::Choices(next), false));
                })
            };
            let other_text = {
                let dispatcher = dispatcher.clone();
                let (id, current) = (id.clone(), current.clone());
                Callback::from(move |event: InputEvent| {
                    let value = crate::platform::dom::field_value(&event);
                    let mut next = current.clone();
                    next.other = Some(value);
                    dispatcher.dispatch(answer_action(&id, Answer::Choices(next), false));
                })
            };
            let other_chosen = current.codes.iter().any(|code| code == OTHER_CODE);
            html! {
                <fieldset class="choices multi">
                    { legend }
                    { for help }
                    <div class="option-list">
                        { for question.kind.choices().into_iter().map(|choice| {
                            let checked = current.codes.contains(&choice.code);
                            html! {
                                <label class={classes!("option", checked.then_some("selected"))} data-code={choice.code.clone()}>
                                    <input type="checkbox" value={choice.code.clone()} checked={checked} disabled={disabled}
                                           onchange={toggle(choice.code.clone())} />
                                    <span class="option-label">{ both(&choice.label, lang) }</span>
                                </label>
                            }
                        }) }
                    </div>
                    if other_chosen && other_label.is_some() {
                        <label class="field other-text">
                            <span>{ if lang == Lang::Vi { "Xin ghi rõ:" } else { "Please say what:" } }</span>
                            <input type="text" maxlength="200" value={current.other.clone().unwrap_or_default()} oninput={other_text} disabled={disabled} />
                        </label>
                    }
                    { for problem }
                </fieldset>
            }
        }
        QuestionKind::Number { min, max } => {
            let change = {
                let dispatcher = dispatcher.clone();
                let id = id.clone();
                Callback::from(move |event: InputEvent| {
                    let value = crate::platform::dom::field_value(&event);
                    let action = match value.trim().parse::<i64>() {
                        Ok(number) => answer_action(&id, Answer::Number(number), false),
                        Err(_) => KioskAction::Clear { question_id: id.clone() },
                    };
                    dispatcher.dispatch(action);
                })
            };
            let value = match answer {
                Some(Answer::Number(number)) => number.to_string(),
                _ => String::new(),
            };
            html! {
                <fieldset class="choices field-question">
                    { legend }
                    { for help }
                    <input type="number" inputmode="numeric" class="number" aria-labelledby={format!("q-{id}")}
                           min={min.map(|m| m.to_string())} max={max.map(|m| m.to_string())}
                           value={value} oninput={change} disabled={disabled} />
                    { for problem }
                </fieldset>
            }
        }
        QuestionKind::ShortText { max_length } | QuestionKind::LongText { max_length } => {
            let long = matches!(question.kind, QuestionKind::LongText { .. });
            let change = {
                let dispatcher = dispatcher.clone();
                let id = id.clone();
                Callback::from(move |event: InputEvent| {
                    dispatcher.dispatch(answer_action(
                        &id,
                        Answer::Text(crate::platform::dom::field_value(&event)),
                        false,
                    ));
                })
            };
            let value = match answer {
                Some(Answer::Text(text)) => text.clone(),
                _ => String::new(),
            };
            html! {
                <fieldset class="choices field-question">
                    { legend }
                    { for help }
                    if long {
                        <textarea rows="5" maxlength={max_length.to_string()} aria-labelledby={format!("q-{id}")}
                                  value={value} oninput={change} disabled={disabled} />
                    } else {
                        <input type="text" maxlength={max_length.to_string()} aria-labelledby={format!("q-{id}")}
                               value={value} oninput={change} disabled={disabled} />
                    }
                    { for problem }
                </fieldset>
            }
        }
        QuestionKind::Matrix { items, scale } => {
            let current = match answer {
                Some(Answer::Matrix(levels)) => levels.clone(),
                _ => BTreeMap::new(),
            };
            html! {
                <fieldset class="choices matrix">
                    { legend }
                    { for help }
                    { for items.iter().map(|item| {
                        html! {
                            <fieldset class="matrix-item" data-item={item.id.clone()}>
                                <legend>{ both(&item.text, lang) }</legend>
                                <div class="option-list">
                                    { for scale.display_levels().into_iter().map(|level| {
                                        let selected = current.get(&item.id) == Some(&level.code);
                                        let change = {
                                            let dispatcher = dispatcher.clone();
                                            let (id, item, code, current) = (id.clone(), item.id.clone(), level.code.clone(), current.clone());
                                            Callback::from(move |_: Event| {
                                                let mut next = current.clone();
                                                next.insert(item.clone(), code.clone());
                                                dispatcher.dispatch(answer_action(&id, Answer::Matrix(next), false));
                                            })
                                        };
                                        html! {
                                            <label class={classes!("level", "small", format!("level-{}", level.code), selected.then_some("selected"))} data-code={level.code.clone()}>
                                                <input type="radio" class="visually-hidden" name={format!("{id}.{}", item.id)} value={level.code.clone()}
                                                       checked={selected} disabled={disabled} onchange={change} />
                                                { for level.face.map(|face| html! { <FaceIcon {face} /> }) }
                                                <span class="level-label">{ level.label.get(lang) }</span>
                                                if level.label.get(lang) != level.label.get(lang.other()) {
                                                    <span class="level-label-second" lang={lang.other().code()}>{ level.label.get(lang.other()) }</span>
                                                }
                                            </label>
                                        }
                                    }) }
                                </div>
                            </fieldset>
                        }
                    }) }
                    { for problem }
                </fieldset>
            }
        }
    }
}
