//! The kiosk: the question a citizen answers with one tap at the counter, and the thank-you.
//!
//! State lives in a plain struct changed only by [`KioskAction`]s in a reducer; callbacks only
//! dispatch, and storing happens in an effect. The thank-you screen appears only after the
//! response's IndexedDB transaction has completed; if storing fails, the citizen is told the
//! kiosk is out of service instead of being thanked for an answer that was lost.

use std::rc::Rc;

use survey::model::{Question, QuestionKind};
use survey::record::Answer;
use survey::{Channel, Lang, ResponseRecord, Survey, vn_time};
use yew::prelude::*;

use crate::SharedStore;
use crate::faces::FaceIcon;
use crate::{clock, service_worker};

/// How long the thank-you screen stays before the question returns for the next citizen.
pub const THANKS_SECONDS: u32 = 5;

#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    /// Waiting for this device's id from the store.
    Starting,
    Asking,
    /// The tapped answer is being committed; nothing else can be tapped.
    Saving {
        record: Rc<ResponseRecord>,
    },
    Thanks {
        seconds_left: u32,
    },
    OutOfService {
        reason: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct KioskState {
    pub survey: Rc<Survey>,
    pub device_id: Option<String>,
    pub screen: Screen,
}

pub enum KioskAction {
    DeviceReady(String),
    /// The citizen tapped a level. The id and time are made by the caller, so that the reducer
    /// stays deterministic.
    Tap {
        question_id: String,
        code: String,
        response_id: String,
        now_millis: i64,
    },
    Saved {
        response_id: String,
    },
    Failed {
        reason: String,
    },
    Tick,
}

impl Reducible for KioskState {
    type Action = KioskAction;

    fn reduce(self: Rc<Self>, action: KioskAction) -> Rc<Self> {
        let screen = match (action, &self.screen) {
            (KioskAction::DeviceReady(device_id), Screen::Starting) => {
                return Rc::new(KioskState { device_id: Some(device_id), screen: Screen::Asking, ..(*self).clone() });
            }
            (KioskAction::Tap { question_id, code, response_id, now_millis }, Screen::Asking) => {
                match vn_time::format_vietnam(now_millis) {
                    Ok(submitted_at) => {
                        let mut record = ResponseRecord::new(&self.survey, response_id, submitted_at, Channel::Kiosk);
                        record.device_id = self.device_id.clone();
                        record.answers.insert(question_id, Answer::Choice(code));
                        Screen::Saving { record: Rc::new(record) }
                    }
                    Err(err) => Screen::OutOfService { reason: format!("the device clock is wrong: {err}") },
                }
            }
            (KioskAction::Saved { response_id }, Screen::Saving { record }) if record.response_id == response_id => {
                Screen::Thanks { seconds_left: THANKS_SECONDS }
            }
            (KioskAction::Failed { reason }, _) => Screen::OutOfService { reason },
            (KioskAction::Tick, Screen::Thanks { seconds_left }) if *seconds_left > 1 => {
                Screen::Thanks { seconds_left: seconds_left - 1 }
            }
            (KioskAction::Tick, Screen::Thanks { .. }) => Screen::Asking,
            // Anything else (a second tap while saving, a stale tick) changes nothing.
            _ => return self,
        };
        Rc::new(KioskState { screen, ..(*self).clone() })
    }
}

#[derive(Properties, PartialEq)]
pub struct KioskProps {
    pub store: SharedStore,
    pub survey: Rc<Survey>,
}

#[function_component(Kiosk)]
pub fn kiosk(props: &KioskProps) -> Html {
    let state = use_reducer(|| KioskState { survey: props.survey.clone(), device_id: None, screen: Screen::Starting });

    {
        let dispatcher = state.dispatcher();
        let store = props.store.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match store.0.device_id().await {
                    Ok(id) => dispatcher.dispatch(KioskAction::DeviceReady(id)),
                    Err(err) => dispatcher.dispatch(KioskAction::Failed { reason: err.to_string() }),
                }
            });
        });
    }
    {
        let dispatcher = state.dispatcher();
        let store = props.store.clone();
        use_effect_with(state.screen.clone(), move |screen| {
            let mut timer = None;
            match screen {
                Screen::Saving { record } => {
                    let record = record.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        match store.0.add_response(&record).await {
                            Ok(()) => {
                                dispatcher.dispatch(KioskAction::Saved { response_id: record.response_id.clone() })
                            }
                            Err(err) => dispatcher.dispatch(KioskAction::Failed { reason: err.to_string() }),
                        }
                    });
                }
                Screen::Thanks { .. } => {
                    timer = Some(gloo_timers::callback::Timeout::new(1_000, move || {
                        dispatcher.dispatch(KioskAction::Tick)
                    }));
                }
                // Back at the question with no one answering: the moment to update the app.
                Screen::Asking => service_worker::take_over_if_waiting(),
                Screen::Starting | Screen::OutOfService { .. } => {}
            }
            move || drop(timer)
        });
    }

    match &state.screen {
        Screen::Starting => html! { <p class="loading">{ "Đang tải… / Loading…" }</p> },
        Screen::Asking | Screen::Saving { .. } => {
            let saving = matches!(state.screen, Screen::Saving { .. });
            html! {
                <main class="kiosk">
                    { for state.survey.questions.first().map(|question| rating_question(question, saving, state.dispatcher())) }
                    <p class="privacy">
                        { "Đánh giá ẩn danh: không hỏi tên, số điện thoại hay số giấy tờ." }
                        <span class="en" lang="en">{ "Anonymous: no name, phone or ID number is asked." }</span>
                    </p>
                </main>
            }
        }
        Screen::Thanks { seconds_left } => html! {
            <main class="kiosk thanks" aria-live="polite">
                <FaceIcon face={survey::def::Face::VeryHappy} />
                <h1 class="thanks-text">
                    { state.survey.thank_you.get(Lang::Vi) }
                    <span class="en" lang="en">{ state.survey.thank_you.get(Lang::En) }</span>
                </h1>
                <p class="countdown">
                    { format!("Màn hình sẽ trở lại sau {seconds_left} giây.") }
                    <span class="en" lang="en">{ format!("Back to the start in {seconds_left} s.") }</span>
                </p>
            </main>
        },
        Screen::OutOfService { reason } => out_of_service(reason),
    }
}

fn rating_question(question: &Question, saving: bool, dispatcher: UseReducerDispatcher<KioskState>) -> Html {
    let QuestionKind::Rating(scale) = &question.kind else {
        // The one-tap kiosk shows a rating; surveys that open otherwise need the full flow.
        return out_of_service(&format!("the kiosk cannot yet show a {} question first", question.kind.name()));
    };
    let heading_id = format!("q-{}", question.id);
    html! {
        <section class="question" aria-labelledby={heading_id.clone()}>
            <h1 id={heading_id} class="question-text">
                { question.text.get(Lang::Vi) }
                <span class="en" lang="en">{ question.text.get(Lang::En) }</span>
            </h1>
            <div class="levels">
                { for scale.display_levels().into_iter().map(|level| {
                    let onclick = {
                        let dispatcher = dispatcher.clone();
                        let question_id = question.id.clone();
                        let code = level.code.clone();
                        Callback::from(move |_: MouseEvent| dispatcher.dispatch(KioskAction::Tap {
                            question_id: question_id.clone(),
                            code: code.clone(),
                            response_id: uuid::Uuid::new_v4().to_string(),
                            now_millis: clock::now_millis(),
                        }))
                    };
                    html! {
                        <button type="button" class={classes!("level", format!("level-{}", level.code))}
                                data-code={level.code.clone()} disabled={saving} {onclick}>
                            { for level.face.map(|face| html! { <FaceIcon {face} /> }) }
                            <span class="level-label">{ level.label.get(Lang::Vi) }</span>
                            <span class="level-label-en" lang="en">{ level.label.get(Lang::En) }</span>
                        </button>
                    }
                }) }
            </div>
        </section>
    }
}

/// What a citizen sees when the kiosk cannot store answers. The reason is for staff.
pub fn out_of_service(reason: &str) -> Html {
    html! {
        <main class="kiosk out-of-service" role="alert">
            <h1>
                { "Xin lỗi, thiết bị tạm ngừng nhận đánh giá." }
                <span class="en" lang="en">{ "Sorry, this device cannot take ratings right now." }</span>
            </h1>
            <p>
                { "Xin Ông/Bà vui lòng báo cán bộ tại quầy." }
                <span class="en" lang="en">{ "Please tell the staff at the counter." }</span>
            </p>
            <details class="staff-detail">
                <summary>{ "Chi tiết cho cán bộ / Details for staff" }</summary>
                <p>{ reason }</p>
            </details>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(screen: Screen) -> Rc<KioskState> {
        let survey = survey_defs::by_id(survey_defs::COUNTER_RATING_ID).unwrap();
        Rc::new(KioskState { survey: Rc::new(survey), device_id: Some("device".into()), screen })
    }

    fn tap(response_id: &str) -> KioskAction {
        KioskAction::Tap {
            question_id: "muc-do-hai-long".into(),
            code: "hai-long".into(),
            response_id: response_id.into(),
            now_millis: 1_795_435_695_000,
        }
    }

    #[test]
    fn a_tap_builds_the_record_and_waits_for_the_store() {
        let next = state(Screen::Asking).reduce(tap("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90"));
        let Screen::Saving { record } = &next.screen else { panic!("expected saving, got {:?}", next.screen) };
        assert_eq!(record.submitted_at, "2026-11-23T19:08:15+07:00");
        assert_eq!(record.device_id.as_deref(), Some("device"));
        assert_eq!(record.answers["muc-do-hai-long"], Answer::Choice("hai-long".into()));
        record.check_against(&next.survey).unwrap();
    }

    #[test]
    fn a_second_tap_while_saving_changes_nothing() {
        let saving = state(Screen::Asking).reduce(tap("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90"));
        let again = saving.clone().reduce(tap("1b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90"));
        assert!(Rc::ptr_eq(&saving, &again));
    }

    #[test]
    fn thanks_only_after_the_store_confirms_then_counts_down() {
        let saving = state(Screen::Asking).reduce(tap("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90"));
        let stale = saving.clone().reduce(KioskAction::Saved { response_id: "other".into() });
        assert!(matches!(stale.screen, Screen::Saving { .. }));
        let mut next = saving.reduce(KioskAction::Saved { response_id: "0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90".into() });
        assert_eq!(next.screen, Screen::Thanks { seconds_left: THANKS_SECONDS });
        for _ in 0..THANKS_SECONDS {
            next = next.reduce(KioskAction::Tick);
        }
        assert_eq!(next.screen, Screen::Asking);
    }

    #[test]
    fn a_failed_write_puts_the_kiosk_out_of_service() {
        let saving = state(Screen::Asking).reduce(tap("0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90"));
        let next = saving.reduce(KioskAction::Failed { reason: "full".into() });
        assert_eq!(next.screen, Screen::OutOfService { reason: "full".into() });
    }
}
