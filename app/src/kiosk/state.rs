//! The kiosk's state and its reducer: a plain struct changed only by [`KioskAction`]s, which
//! drives the `survey` core's filling [`Session`]. No I/O here: the component's effects store,
//! send and read the clock, and dispatch what they found.

use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;

use survey::{
    definition::answer::Answer, definition::model::Survey, filling::session::Event, filling::session::Outcome,
    filling::session::RecordContext, filling::session::Session, records::gate::CheckedRecord, records::record::Channel,
    records::record::ResponseRecord, text::Lang, vn_time,
};
use yew::prelude::*;

use super::config::KioskConfig;
use crate::platform::nfc::{NFC, gate};

/// How long the warning shows before the answers are put away.
pub const IDLE_WARNING_SECONDS: u32 = 5;
/// A response finished sooner than this after the previous thank-you is flagged as misuse.
pub const MIN_INTERVAL_MS: i64 = 3_000;
/// This many responses within [`BURST_WINDOW_MS`] is a burst: the last one is flagged.
pub const BURST_COUNT: usize = 5;
pub const BURST_WINDOW_MS: i64 = 60_000;

#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    /// Waiting for this device's id from the store.
    Starting,
    /// The survey's introduction, with a button to begin (surveys with an `intro`).
    Welcome,
    /// The session's current question.
    Asking,
    /// The response is being committed; nothing can be tapped.
    Saving {
        record: Rc<CheckedRecord>,
    },
    Thanks {
        seconds_left: u32,
    },
    /// Outside opening hours: nothing can be answered or stored.
    Closed,
    OutOfService {
        reason: String,
    },
    /// A phone came through a single-use QR code that has rated already (here or earlier):
    /// thanks, and nothing more to answer.
    Rated,
}

#[derive(Clone, Debug, PartialEq)]
pub struct KioskState {
    pub survey: Arc<Survey>,
    pub config: KioskConfig,
    pub session: Session,
    pub lang: Lang,
    pub screen: Screen,
    /// The id of the response being answered, made at its first answer.
    pub response_id: Option<String>,
    /// Seconds since the citizen last touched the screen while answering.
    pub idle_seconds: u32,
    /// When the survey last came back after a thank-you (for the misuse interval).
    pub ready_since: Option<i64>,
    /// When recent complete responses were finished (for bursts).
    pub recent: VecDeque<i64>,
    /// Whether the citizen tried to leave the current question: its problems show only then,
    /// so nobody is told off for a box they have only just ticked.
    pub tried_to_leave: bool,
    /// What the outbox holds, where this device sends to a server.
    pub sync: Option<crate::platform::sync::SyncStatus>,
}

pub enum KioskAction {
    DeviceReady {
        device_id: String,
        now: i64,
    },
    Start,
    /// The citizen answered. `advance` is set for a tap on a one-tap question; the id and time
    /// are made by the caller, so the reducer stays deterministic.
    Answer {
        question_id: String,
        answer: Answer,
        advance: bool,
        fresh_id: String,
        now: i64,
    },
    Clear {
        question_id: String,
    },
    Next {
        fresh_id: String,
        now: i64,
    },
    Back,
    Saved {
        response_id: String,
    },
    Failed {
        reason: String,
    },
    /// Once a second.
    Tick {
        now: i64,
    },
    /// Any touch or key press: the citizen is still there.
    Touch,
    SetLang(Lang),
    /// The server says this phone's QR code has rated already.
    TokenUsed,
    Synced(crate::platform::sync::SyncStatus),
}

impl KioskState {
    pub fn new(survey: Arc<Survey>, config: KioskConfig) -> KioskState {
        KioskState {
            session: Session::with_normalizer(survey.clone(), RecordContext::new(Channel::Kiosk), NFC),
            survey,
            lang: config.default_lang,
            config,
            screen: Screen::Starting,
            response_id: None,
            idle_seconds: 0,
            ready_since: None,
            recent: VecDeque::new(),
            tried_to_leave: false,
            sync: None,
        }
    }

    fn start_screen(&self) -> Screen {
        if self.survey.intro().is_some() { Screen::Welcome } else { Screen::Asking }
    }

    /// Forgets the last citizen entirely.
    fn reset(&mut self) {
        self.session.apply(Event::Reset);
        self.response_id = None;
        self.idle_seconds = 0;
        self.lang = self.config.default_lang;
        self.screen = self.start_screen();
    }

    /// Why a response finished at `now` looks like misuse, if it does.
    fn misuse(&self, now: i64) -> Option<String> {
        let within = self.recent.iter().filter(|&&at| now - at < BURST_WINDOW_MS).count() + 1;
        if within >= BURST_COUNT {
            return Some(format!("burst: {within} responses within {} s", BURST_WINDOW_MS / 1000));
        }
        let since = now - self.ready_since?;
        // Tenths of a second, rounded half up, in integers: formatting a float would cost the
        // citizen's download some 10 KB of float-printing code.
        let tenths = (since.abs() + 50) / 100;
        let sign = if since < 0 { "-" } else { "" };
        (since < MIN_INTERVAL_MS)
            .then(|| format!("too soon: {sign}{}.{} s after the previous response", tenths / 10, tenths % 10))
    }

    /// Sends the response, or moves to the next question.
    fn next(&mut self, fresh_id: String, now: i64) {
        if !self.session.is_last() {
            self.session.apply(Event::Next);
            return;
        }
        let Ok(submitted_at) = vn_time::format_vietnam(now) else {
            self.screen = Screen::OutOfService { reason: "the device clock is wrong".into() };
            return;
        };
        let response_id = self.response_id.clone().unwrap_or(fresh_id);
        if let Outcome::Complete(mut record) = self.session.apply(Event::Submit { response_id, submitted_at }) {
            record.misuse = self.misuse(now);
            self.recent.push_back(now);
            while self.recent.len() > BURST_COUNT {
                self.recent.pop_front();
            }
            self.save(record);
        }
    }

    /// Stores what the session made, once the one gate has passed it. The session makes only
    /// records that pass, so a refusal is a fault of this version, said on the screen for staff
    /// rather than stored unchecked.
    fn save(&mut self, record: ResponseRecord) {
        self.screen = match gate().check_for(&self.survey, record) {
            Ok(record) => Screen::Saving { record: Rc::new(record) },
            Err(err) => Screen::OutOfService { reason: format!("the response could not be checked: {err}") },
        };
    }

    /// The citizen walked away: keep their answers as partial, or let them go.
    fn abandon(&mut self, now: i64) {
        let (Some(response_id), Ok(submitted_at)) = (self.response_id.clone(), vn_time::format_vietnam(now)) else {
            self.reset();
            return;
        };
        match self.session.apply(Event::Abandon { response_id, submitted_at }) {
            Outcome::Partial(record) => self.save(record),
            _ => self.reset(),
        }
    }
}

impl Reducible for KioskState {
    type Action = KioskAction;

    fn reduce(self: Rc<Self>, action: KioskAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let question_before = self.session.current_question().id.clone();
        match (action, &self.screen) {
            (KioskAction::DeviceReady { device_id, now }, Screen::Starting) => {
                let mut context = RecordContext::new(self.config.channel);
                context.device_id = Some(device_id);
                context.unit = self.config.unit_code.clone();
                context.counter = self.config.counter_code.clone();
                context.staff = self.config.staff_code.clone();
                context.field = self.config.field_code.clone();
                next.session = Session::with_normalizer(self.survey.clone(), context, NFC);
                next.screen = match &self.config.hours {
                    Some(hours) if !hours.is_open(now) => Screen::Closed,
                    _ => next.start_screen(),
                };
            }
            (KioskAction::Start, Screen::Welcome) => next.screen = Screen::Asking,
            (KioskAction::Answer { question_id, answer, advance, fresh_id, now }, Screen::Asking) => {
                next.idle_seconds = 0;
                next.response_id.get_or_insert(fresh_id.clone());
                let answered = question_id.clone();
                next.session.apply(Event::Answer { question_id, answer });
                let is_current = next.session.current_question().id == answered;
                if advance && is_current && next.session.violation(&answered).is_none() {
                    next.next(fresh_id, now);
                }
            }
            (KioskAction::Clear { question_id }, Screen::Asking) => {
                next.session.apply(Event::Clear { question_id });
            }
            (KioskAction::Next { fresh_id, now }, Screen::Asking) => {
                next.idle_seconds = 0;
                next.next(fresh_id, now);
                next.tried_to_leave = true;
            }
            (KioskAction::Back, Screen::Asking) => {
                next.idle_seconds = 0;
                next.session.apply(Event::Back);
            }
            (KioskAction::Saved { response_id }, Screen::Saving { record }) if record.response_id == response_id => {
                if let Some(status) = next.sync.as_mut() {
                    // Waiting until the sender's next round says otherwise.
                    status.waiting += 1;
                }
                if record.partial {
                    next.reset();
                } else {
                    next.screen = Screen::Thanks { seconds_left: self.config.thanks_seconds };
                }
            }
            (KioskAction::Failed { reason }, _) => next.screen = Screen::OutOfService { reason },
            (KioskAction::Tick { .. }, Screen::Thanks { seconds_left })
                if *seconds_left <= 1 && self.config.phone_token.is_some() =>
            {
                // The code has rated: this phone has nothing more to answer with it.
                next.reset();
                next.screen = Screen::Rated;
            }
            (KioskAction::Tick { now }, Screen::Thanks { seconds_left }) => {
                if *seconds_left > 1 {
                    next.screen = Screen::Thanks { seconds_left: seconds_left - 1 };
                } else {
                    next.reset();
                    next.ready_since = Some(now);
                }
            }
            (KioskAction::Tick { now }, Screen::Asking | Screen::Welcome)
                if next.session.is_blank() && self.config.hours.as_ref().is_some_and(|hours| !hours.is_open(now)) =>
            {
                // Closing never interrupts a citizen: only an untouched kiosk closes.
                next.reset();
                next.screen = Screen::Closed;
            }
            (KioskAction::Tick { now }, Screen::Asking | Screen::Welcome) => {
                next.idle_seconds += 1;
                if next.idle_seconds >= self.config.idle_seconds + IDLE_WARNING_SECONDS {
                    if next.session.is_blank() {
                        if next.screen != next.start_screen() || !next.session.is_first() {
                            next.reset();
                        } else {
                            next.idle_seconds = 0;
                        }
                    } else {
                        next.abandon(now);
                    }
                } else if next.session.is_blank() && next.screen == next.start_screen() && next.session.is_first() {
                    // Nobody is answering: there is nothing to warn about.
                    next.idle_seconds = 0;
                }
            }
            (KioskAction::Tick { now }, Screen::Closed)
                if self.config.hours.as_ref().is_none_or(|hours| hours.is_open(now)) =>
            {
                next.reset();
            }
            (KioskAction::TokenUsed, Screen::Starting | Screen::Welcome | Screen::Asking)
                if self.session.is_blank() =>
            {
                next.screen = Screen::Rated;
            }
            (KioskAction::Synced(status), _) => next.sync = Some(status),
            (KioskAction::Touch, _) => next.idle_seconds = 0,
            (KioskAction::SetLang(lang), _) => next.lang = lang,
            // Anything else (a second tap while saving, a stale tick) changes nothing.
            _ => return self,
        }
        if next.session.current_question().id != question_before || next.screen != Screen::Asking {
            next.tried_to_leave = false;
        }
        Rc::new(next)
    }
}

impl KioskState {
    /// Seconds left before the answers are put away, while the idle warning shows.
    pub fn idle_warning(&self) -> Option<u32> {
        (self.screen == Screen::Asking && self.idle_seconds >= self.config.idle_seconds)
            .then(|| self.config.idle_seconds + IDLE_WARNING_SECONDS - self.idle_seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kiosk::config::{IDLE_SECONDS, OpeningHours, THANKS_SECONDS};

    const T0: i64 = 1_795_435_695_000;

    fn state(survey_id: &str) -> Rc<KioskState> {
        let survey = Arc::new(survey_defs::by_id(survey_id).unwrap());
        let config = KioskConfig {
            unit_code: Some("phuong-1".into()),
            counter_code: Some("quay-2".into()),
            ..KioskConfig::default()
        };
        Rc::new(KioskState::new(survey, config))
            .reduce(KioskAction::DeviceReady { device_id: "device".into(), now: T0 })
    }

    fn tap(question_id: &str, code: &str, n: u32, now: i64) -> KioskAction {
        KioskAction::Answer {
            question_id: question_id.into(),
            answer: Answer::Choice(code.into()),
            advance: true,
            fresh_id: format!("00000000-0000-4000-8000-{n:012}"),
            now,
        }
    }

    fn saved(state: &Rc<KioskState>) -> KioskAction {
        let Screen::Saving { record } = &state.screen else { panic!("not saving: {:?}", state.screen) };
        KioskAction::Saved { response_id: record.response_id.clone() }
    }

    fn record(state: &KioskState) -> &CheckedRecord {
        match &state.screen {
            Screen::Saving { record } => record,
            other => panic!("not saving: {other:?}"),
        }
    }

    /// Answers "very satisfied" at `now` and goes through the thank-you back to the start.
    fn one_citizen(state: Rc<KioskState>, n: u32, now: i64) -> Rc<KioskState> {
        let saving = state.reduce(tap("muc-do-hai-long", "rat-hai-long", n, now));
        let mut next = saving.clone().reduce(saved(&saving));
        for second in 1..=THANKS_SECONDS {
            next = next.reduce(KioskAction::Tick { now: now + i64::from(second) * 1000 });
        }
        next
    }

    #[test]
    fn one_tap_on_a_satisfied_level_sends_the_response() {
        let next = state("danh-gia-tai-quay").reduce(tap("muc-do-hai-long", "hai-long", 1, T0));
        let record = record(&next);
        assert_eq!(record.submitted_at, "2026-11-23T19:08:15+07:00");
        assert_eq!(record.device_id.as_deref(), Some("device"));
        assert_eq!((record.unit.as_deref(), record.counter.as_deref()), (Some("phuong-1"), Some("quay-2")));
        assert_eq!(record.misuse, None);
        assert_eq!(record.answers["muc-do-hai-long"], Answer::Choice("hai-long".into()));
    }

    #[test]
    fn not_satisfied_asks_why_before_sending() {
        let next = state("danh-gia-tai-quay").reduce(tap("muc-do-hai-long", "khong-hai-long", 1, T0));
        assert_eq!(next.screen, Screen::Asking);
        assert_eq!(next.session.current_question().id, "ly-do");
        let next = next.reduce(KioskAction::Next { fresh_id: "ignored".into(), now: T0 + 5000 });
        assert_eq!(next.session.current_question().id, "y-kien");
        let done = next.reduce(KioskAction::Next { fresh_id: "ignored".into(), now: T0 + 9000 });
        assert_eq!(
            record(&done).response_id,
            "00000000-0000-4000-8000-000000000001",
            "the id made at the first answer"
        );
    }

    #[test]
    fn a_second_tap_while_saving_changes_nothing() {
        let saving = state("danh-gia-tai-quay").reduce(tap("muc-do-hai-long", "hai-long", 1, T0));
        let again = saving.clone().reduce(tap("muc-do-hai-long", "khong-hai-long", 2, T0 + 100));
        assert!(Rc::ptr_eq(&saving, &again));
    }

    #[test]
    fn thanks_only_after_the_store_confirms_then_a_clean_start() {
        let saving = state("danh-gia-tai-quay").reduce(tap("muc-do-hai-long", "khong-hai-long", 1, T0));
        let saving = saving
            .reduce(KioskAction::Next { fresh_id: "x".into(), now: T0 })
            .reduce(KioskAction::Next { fresh_id: "x".into(), now: T0 });
        let stale = saving.clone().reduce(KioskAction::Saved { response_id: "other".into() });
        assert!(matches!(stale.screen, Screen::Saving { .. }));
        let mut next = saving.clone().reduce(saved(&saving));
        assert_eq!(next.screen, Screen::Thanks { seconds_left: THANKS_SECONDS });
        for second in 1..=THANKS_SECONDS {
            next = next.reduce(KioskAction::Tick { now: T0 + i64::from(second) * 1000 });
        }
        assert_eq!(next.screen, Screen::Asking);
        assert!(next.session.is_blank(), "nothing of the last citizen stays");
        assert_eq!(next.session.current_question().id, "muc-do-hai-long");
        assert_eq!(next.response_id, None);
    }

    #[test]
    fn a_failed_write_puts_the_kiosk_out_of_service() {
        let saving = state("danh-gia-tai-quay").reduce(tap("muc-do-hai-long", "hai-long", 1, T0));
        let next = saving.reduce(KioskAction::Failed { reason: "full".into() });
        assert_eq!(next.screen, Screen::OutOfService { reason: "full".into() });
    }

    #[test]
    fn a_response_right_after_the_previous_one_is_flagged() {
        let ready = one_citizen(state("danh-gia-tai-quay"), 1, T0);
        let back_at = T0 + i64::from(THANKS_SECONDS) * 1000;
        let hasty = ready.clone().reduce(tap("muc-do-hai-long", "khong-hai-long", 2, back_at + 500));
        let hasty = hasty.reduce(KioskAction::Next { fresh_id: "x".into(), now: back_at + 900 });
        let hasty = hasty.reduce(KioskAction::Next { fresh_id: "x".into(), now: back_at + 1200 });
        assert_eq!(record(&hasty).misuse.as_deref(), Some("too soon: 1.2 s after the previous response"));
        let calm = ready.reduce(tap("muc-do-hai-long", "hai-long", 3, back_at + 20_000));
        assert_eq!(record(&calm).misuse, None);
    }

    #[test]
    fn a_burst_of_responses_is_flagged() {
        let mut next = state("danh-gia-tai-quay");
        for n in 0..(BURST_COUNT as u32 - 1) {
            next = one_citizen(next, n, T0 + i64::from(n) * 10_000);
        }
        let last = next.reduce(tap("muc-do-hai-long", "hai-long", 99, T0 + 45_000));
        assert_eq!(record(&last).misuse.as_deref(), Some("burst: 5 responses within 60 s"));
    }

    #[test]
    fn a_citizen_who_walks_away_is_warned_then_kept_as_partial() {
        let mut next = state("danh-gia-tai-quay").reduce(tap("muc-do-hai-long", "khong-hai-long", 1, T0));
        for second in 1..IDLE_SECONDS {
            next = next.reduce(KioskAction::Tick { now: T0 + i64::from(second) * 1000 });
        }
        assert_eq!(next.idle_warning(), None);
        next = next.reduce(KioskAction::Tick { now: T0 + 30_000 });
        assert_eq!(next.idle_warning(), Some(IDLE_WARNING_SECONDS));
        let touched = next.clone().reduce(KioskAction::Touch);
        assert_eq!(touched.idle_warning(), None, "a touch gives more time");
        for second in 31..=35 {
            next = next.reduce(KioskAction::Tick { now: T0 + second * 1000 });
        }
        let partial = record(&next).clone();
        assert!(partial.partial);
        assert_eq!(partial.answers.len(), 1);
        let after = next.clone().reduce(saved(&next));
        assert_eq!(after.screen, Screen::Asking, "no thank-you for someone who left");
        assert!(after.session.is_blank());
    }

    #[test]
    fn an_untouched_start_screen_never_times_out() {
        let mut next = state("danh-gia-tai-quay");
        for second in 1..100 {
            next = next.reduce(KioskAction::Tick { now: T0 + second * 1000 });
        }
        assert_eq!(next.screen, Screen::Asking);
        assert_eq!(next.idle_warning(), None);
    }

    #[test]
    fn problems_show_only_once_the_citizen_tries_to_move_on() {
        let why = state("danh-gia-tai-quay").reduce(tap("muc-do-hai-long", "khong-hai-long", 1, T0));
        let other = Answer::Choices(survey::definition::answer::Choices { codes: vec!["khac".into()], other: None });
        let ticked = why.reduce(KioskAction::Answer {
            question_id: "ly-do".into(),
            answer: other,
            advance: false,
            fresh_id: "x".into(),
            now: T0,
        });
        assert!(ticked.session.violation("ly-do").is_some());
        assert!(!ticked.tried_to_leave, "not yet shown");
        let tried = ticked.reduce(KioskAction::Next { fresh_id: "x".into(), now: T0 });
        assert_eq!(tried.session.current_question().id, "ly-do");
        assert!(tried.tried_to_leave, "shown now");
        let back = tried.reduce(KioskAction::Back);
        assert!(!back.tried_to_leave, "a new question starts clean");
    }

    /// T0 is Monday 19:08 in Vietnam: outside 07:30–17:00.
    fn office_hours() -> KioskConfig {
        let day = |index: usize| if index < 5 { vec![(7 * 60 + 30, 17 * 60)] } else { Vec::new() };
        KioskConfig { hours: Some(OpeningHours { week: std::array::from_fn(day) }), ..KioskConfig::default() }
    }

    #[test]
    fn outside_opening_hours_the_kiosk_is_closed_and_opens_again() {
        let survey = Arc::new(survey_defs::by_id("danh-gia-tai-quay").unwrap());
        let closed = Rc::new(KioskState::new(survey, office_hours()))
            .reduce(KioskAction::DeviceReady { device_id: "d".into(), now: T0 });
        assert_eq!(closed.screen, Screen::Closed);
        let tapped = closed.clone().reduce(tap("muc-do-hai-long", "hai-long", 1, T0));
        assert!(Rc::ptr_eq(&closed, &tapped), "nothing is answered or stored while closed");
        let next_morning = T0 + (12 * 60 + 30) * 60_000; // Tuesday 07:38
        let open = closed.reduce(KioskAction::Tick { now: next_morning });
        assert_eq!(open.screen, Screen::Asking);
    }

    #[test]
    fn closing_time_never_interrupts_a_citizen() {
        let survey = Arc::new(survey_defs::by_id("danh-gia-tai-quay").unwrap());
        let before_closing = T0 - (2 * 60 + 9) * 60_000; // Monday 16:59
        let asking = Rc::new(KioskState::new(survey, office_hours()))
            .reduce(KioskAction::DeviceReady { device_id: "d".into(), now: before_closing })
            .reduce(tap("muc-do-hai-long", "khong-hai-long", 1, before_closing));
        let after = asking.reduce(KioskAction::Tick { now: before_closing + 90_000 });
        assert_eq!(after.screen, Screen::Asking, "mid-survey at 17:00:30 the citizen goes on");
    }

    #[test]
    fn the_officer_on_duty_and_the_field_go_into_the_response() {
        let survey = Arc::new(survey_defs::by_id("danh-gia-tai-quay").unwrap());
        let config = KioskConfig {
            staff_code: Some("cb-07".into()),
            field_code: Some("ho-tich".into()),
            default_lang: Lang::En,
            ..KioskConfig::default()
        };
        let ready = Rc::new(KioskState::new(survey, config))
            .reduce(KioskAction::DeviceReady { device_id: "d".into(), now: T0 });
        assert_eq!(ready.lang, Lang::En, "the staff's default language");
        let saving = ready.reduce(tap("muc-do-hai-long", "hai-long", 1, T0));
        let record = record(&saving);
        assert_eq!((record.staff.as_deref(), record.field.as_deref()), (Some("cb-07"), Some("ho-tich")));
    }

    #[test]
    fn a_survey_with_an_introduction_starts_with_it() {
        let welcome = state("danh-gia-ho-so");
        assert_eq!(welcome.screen, Screen::Welcome);
        let asking = welcome.reduce(KioskAction::Start);
        assert_eq!(asking.screen, Screen::Asking);
        assert_eq!(asking.session.position(), (1, 5));
    }
}
