//! The filling session: one citizen moving through one survey.
//!
//! [`Session`] is a state machine driven by a closed set of [`Event`]s. It knows which questions
//! are visible (a question whose `show_if` fails is skipped, and its answer is never stored),
//! which one is current, and what is wrong with each answer (violations are data, not errors).
//! It reads no clock and makes no ids: `Submit` and `Abandon` carry them in, so the same events
//! always give the same record.
//!
//! Free text is kept exactly as typed, spaces and line breaks included, for the screen to show
//! back while the citizen types; what the session takes as the answer (for checks, visibility
//! and the record) is that text trimmed, normalised to NFC and masked.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::definition::answer::{Answer, Violation};
use crate::definition::model::{Question, Survey};
use crate::records::privacy::clean_answer;
use crate::records::record::{Channel, RECORD_FORMAT, ResponseRecord};
use crate::text::Normalizer;

/// Where and how responses are taken; copied into every record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordContext {
    pub channel: Channel,
    pub unit: Option<String>,
    pub counter: Option<String>,
    pub staff: Option<String>,
    pub field: Option<String>,
    pub device_id: Option<String>,
}

impl RecordContext {
    pub fn new(channel: Channel) -> RecordContext {
        RecordContext { channel, unit: None, counter: None, staff: None, field: None, device_id: None }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The citizen answered (or changed the answer to) a question. Text comes in as typed;
    /// the answer taken from it is trimmed, normalised and masked here.
    Answer {
        question_id: String,
        answer: Answer,
    },
    /// The citizen removed an answer.
    Clear {
        question_id: String,
    },
    Next,
    Back,
    /// The citizen asked to send the response.
    Submit {
        response_id: String,
        submitted_at: String,
    },
    /// The citizen walked away (the kiosk's idle timer ran out).
    Abandon {
        response_id: String,
        submitted_at: String,
    },
    /// Start again for the next citizen, forgetting everything.
    Reset,
}

/// What an event led to.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Still filling (or the event changed nothing).
    Continue,
    /// A complete response, to be stored.
    Complete(ResponseRecord),
    /// A partial response of a citizen who walked away, to be stored as partial.
    Partial(ResponseRecord),
    /// The citizen walked away and nothing is kept (no answers, or the survey discards partials).
    Discarded,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    survey: Arc<Survey>,
    context: RecordContext,
    normalizer: Normalizer,
    /// What the citizen entered, exactly (free text untrimmed), for the screen.
    typed: BTreeMap<String, Answer>,
    /// The answers taken from it: free text cleaned, empty text absent.
    answers: BTreeMap<String, Answer>,
    violations: BTreeMap<String, Violation>,
    /// Index into `survey.questions` of the current question, always a visible one.
    current: usize,
    finished: bool,
}

impl Session {
    pub fn new(survey: Arc<Survey>, context: RecordContext) -> Session {
        Session::with_normalizer(survey, context, Normalizer::default())
    }

    pub fn with_normalizer(survey: Arc<Survey>, context: RecordContext, normalizer: Normalizer) -> Session {
        Session {
            survey,
            context,
            normalizer,
            typed: BTreeMap::new(),
            answers: BTreeMap::new(),
            violations: BTreeMap::new(),
            current: 0,
            finished: false,
        }
    }

    pub fn survey(&self) -> &Survey {
        &self.survey
    }

    /// The index of every visible question, in order. Visibility is decided in order from the
    /// answers of visible questions only, so a stale answer to a now hidden question cannot
    /// reveal a later one.
    fn visible_indices(&self) -> Vec<usize> {
        let mut effective = BTreeMap::new();
        let mut visible = Vec::new();
        for (index, question) in self.survey.questions().iter().enumerate() {
            if question.show_if.as_ref().is_none_or(|condition| condition.holds(&self.survey, &effective)) {
                visible.push(index);
                if let Some(answer) = self.answers.get(&question.id) {
                    effective.insert(question.id.clone(), answer.clone());
                }
            }
        }
        visible
    }

    pub fn visible_questions(&self) -> Vec<&Question> {
        self.visible_indices().into_iter().map(|index| &self.survey.questions()[index]).collect()
    }

    pub fn current_question(&self) -> &Question {
        &self.survey.questions()[self.current]
    }

    /// The current question's place among the visible ones: (1-based number, how many).
    pub fn position(&self) -> (usize, usize) {
        let visible = self.visible_indices();
        let number = visible.iter().position(|&index| index == self.current).map_or(1, |p| p + 1);
        (number, visible.len())
    }

    pub fn is_first(&self) -> bool {
        self.position().0 == 1
    }

    pub fn is_last(&self) -> bool {
        let (number, of) = self.position();
        number == of
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The answer taken for a question: free text trimmed, normalised and masked.
    pub fn answer(&self, question_id: &str) -> Option<&Answer> {
        self.answers.get(question_id)
    }

    /// What the citizen entered for a question, exactly as typed, for the screen to show back.
    pub fn typed(&self, question_id: &str) -> Option<&Answer> {
        self.typed.get(question_id)
    }

    pub fn violation(&self, question_id: &str) -> Option<&Violation> {
        self.violations.get(question_id)
    }

    /// Whether the citizen has answered anything yet.
    pub fn is_blank(&self) -> bool {
        self.answers.is_empty()
    }

    pub fn apply(&mut self, event: Event) -> Outcome {
        if self.finished && event != Event::Reset {
            return Outcome::Continue;
        }
        match event {
            Event::Answer { question_id, answer } => {
                let visible = self.visible_indices();
                let Some(index) = self.survey.questions().iter().position(|q| q.id == question_id) else {
                    return Outcome::Continue;
                };
                if !visible.contains(&index) {
                    return Outcome::Continue;
                }
                self.typed.insert(question_id.clone(), answer.clone());
                let mut answer = answer;
                clean_answer(&mut answer, self.normalizer);
                if answer.is_empty() {
                    self.answers.remove(&question_id);
                    self.violations.remove(&question_id);
                    return Outcome::Continue;
                }
                match self.survey.questions()[index].check_answer(&answer) {
                    Ok(()) => self.violations.remove(&question_id),
                    Err(violation) => self.violations.insert(question_id.clone(), violation),
                };
                self.answers.insert(question_id, answer);
            }
            Event::Clear { question_id } => {
                self.typed.remove(&question_id);
                self.answers.remove(&question_id);
                self.violations.remove(&question_id);
            }
            Event::Next => {
                if self.check_current()
                    && let Some(&next) = self.visible_indices().iter().find(|&&index| index > self.current)
                {
                    self.current = next;
                }
            }
            Event::Back => {
                if let Some(&previous) = self.visible_indices().iter().rev().find(|&&index| index < self.current) {
                    self.current = previous;
                }
            }
            Event::Submit { response_id, submitted_at } => {
                let visible = self.visible_indices();
                let mut first_wrong = None;
                for &index in &visible {
                    let question = &self.survey.questions()[index];
                    if question.required && !self.answers.contains_key(&question.id) {
                        self.violations.insert(question.id.clone(), Violation::Required);
                    }
                    if first_wrong.is_none() && self.violations.contains_key(&question.id) {
                        first_wrong = Some(index);
                    }
                }
                if let Some(index) = first_wrong {
                    self.current = index;
                    return Outcome::Continue;
                }
                self.finished = true;
                return Outcome::Complete(self.record(response_id, submitted_at, false, &visible));
            }
            Event::Abandon { response_id, submitted_at } => {
                let visible = self.visible_indices();
                let kept = visible.iter().any(|&index| {
                    let id = &self.survey.questions()[index].id;
                    self.answers.contains_key(id) && !self.violations.contains_key(id)
                });
                self.finished = true;
                if !self.survey.keep_partial() || !kept {
                    return Outcome::Discarded;
                }
                return Outcome::Partial(self.record(response_id, submitted_at, true, &visible));
            }
            Event::Reset => {
                *self = Session::with_normalizer(self.survey.clone(), self.context.clone(), self.normalizer);
            }
        }
        Outcome::Continue
    }

    /// Marks the current question's problem, if any; true when it may be left forwards.
    fn check_current(&mut self) -> bool {
        let question = &self.survey.questions()[self.current];
        if self.violations.contains_key(&question.id) {
            return false;
        }
        if question.required && !self.answers.contains_key(&question.id) {
            self.violations.insert(question.id.clone(), Violation::Required);
            return false;
        }
        true
    }

    /// The record of the valid answers to visible questions.
    fn record(&self, response_id: String, submitted_at: String, partial: bool, visible: &[usize]) -> ResponseRecord {
        let answers = visible
            .iter()
            .map(|&index| &self.survey.questions()[index].id)
            .filter(|id| !self.violations.contains_key(*id))
            .filter_map(|id| self.answers.get(id).map(|answer| (id.clone(), answer.clone())))
            .collect();
        ResponseRecord {
            format: RECORD_FORMAT,
            response_id,
            survey_id: self.survey.id().to_owned(),
            survey_version: self.survey.version().to_owned(),
            submitted_at,
            channel: self.context.channel,
            unit: self.context.unit.clone(),
            counter: self.context.counter.clone(),
            staff: self.context.staff.clone(),
            field: self.context.field.clone(),
            device_id: self.context.device_id.clone(),
            misuse: None,
            partial,
            answers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::answer::Choices;

    /// A counter rating with a follow-up "why" when not satisfied, a number and a comment.
    const FIXTURE: &str = r#"{
        "format": 1, "id": "quay", "version": "2026.1", "legal_basis": "TT 32/2017",
        "title": {"vi": "Đánh giá"}, "thank_you": {"vi": "Cảm ơn"},
        "questions": [
          {"id": "muc-do", "kind": "rating", "text": {"vi": "Hài lòng?"}, "levels": [
            {"code": "khong", "label": {"vi": "Không hài lòng"}},
            {"code": "co", "label": {"vi": "Hài lòng"}, "satisfied": true},
            {"code": "rat", "label": {"vi": "Rất hài lòng"}, "satisfied": true}]},
          {"id": "ly-do", "kind": "multiple-choice", "text": {"vi": "Vì sao?"},
           "show_if": {"question": "muc-do", "at_most": "khong"},
           "options": [{"code": "cho-lau", "label": {"vi": "Chờ lâu"}}], "other": {"vi": "Khác"}},
          {"id": "so-lan", "kind": "number", "text": {"vi": "Số lần đi lại?"}, "min": 0, "max": 10, "required": false},
          {"id": "y-kien", "kind": "long-text", "text": {"vi": "Ý kiến khác"}, "required": false}
        ]}"#;

    fn session() -> Session {
        let survey = Survey::from_json(FIXTURE).unwrap();
        Session::new(Arc::new(survey), RecordContext::new(Channel::Kiosk))
    }

    fn answer(question_id: &str, answer: Answer) -> Event {
        Event::Answer { question_id: question_id.into(), answer }
    }

    fn choice(code: &str) -> Answer {
        Answer::Choice(code.into())
    }

    fn submit() -> Event {
        Event::Submit {
            response_id: "0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90".into(),
            submitted_at: "2026-11-23T19:08:15+07:00".into(),
        }
    }

    fn abandon() -> Event {
        Event::Abandon {
            response_id: "0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90".into(),
            submitted_at: "2026-11-23T19:09:15+07:00".into(),
        }
    }

    /// Applies the events and writes one line per event: where the session is, what is wrong,
    /// and what came out.
    fn check(events: Vec<Event>, expect: expect_test::Expect) {
        let mut session = session();
        let mut trace = String::new();
        for event in events {
            let label = match &event {
                Event::Answer { question_id, answer } => format!("answer {question_id}={answer:?}"),
                Event::Clear { question_id } => format!("clear {question_id}"),
                Event::Submit { .. } => "submit".into(),
                Event::Abandon { .. } => "abandon".into(),
                other => format!("{other:?}").to_lowercase(),
            };
            let outcome = session.apply(event);
            let (number, of) = session.position();
            let visible: Vec<&str> = session.visible_questions().iter().map(|q| q.id.as_str()).collect();
            let wrong: Vec<String> = session.violations.iter().map(|(id, v)| format!("{id}: {v:?}")).collect();
            trace.push_str(&format!("{label} → at {} ({number}/{of}) of {visible:?}", session.current_question().id));
            if !wrong.is_empty() {
                trace.push_str(&format!(" wrong {wrong:?}"));
            }
            match outcome {
                Outcome::Continue => {}
                Outcome::Complete(record) => trace.push_str(&format!(" COMPLETE {:?}", record.answers)),
                Outcome::Partial(record) => trace.push_str(&format!(" PARTIAL {:?}", record.answers)),
                Outcome::Discarded => trace.push_str(" DISCARDED"),
            }
            trace.push('\n');
        }
        expect.assert_eq(&trace);
    }

    #[test]
    fn a_satisfied_citizen_skips_the_why() {
        check(
            vec![answer("muc-do", choice("rat")), Event::Next, Event::Next, submit()],
            expect_test::expect![[r#"
                answer muc-do=Choice("rat") → at muc-do (1/3) of ["muc-do", "so-lan", "y-kien"]
                next → at so-lan (2/3) of ["muc-do", "so-lan", "y-kien"]
                next → at y-kien (3/3) of ["muc-do", "so-lan", "y-kien"]
                submit → at y-kien (3/3) of ["muc-do", "so-lan", "y-kien"] COMPLETE {"muc-do": Choice("rat")}
            "#]],
        );
    }

    #[test]
    fn a_required_question_cannot_be_skipped() {
        check(
            vec![Event::Next, submit(), answer("muc-do", choice("co")), Event::Next],
            expect_test::expect![[r#"
                next → at muc-do (1/3) of ["muc-do", "so-lan", "y-kien"] wrong ["muc-do: Required"]
                submit → at muc-do (1/3) of ["muc-do", "so-lan", "y-kien"] wrong ["muc-do: Required"]
                answer muc-do=Choice("co") → at muc-do (1/3) of ["muc-do", "so-lan", "y-kien"]
                next → at so-lan (2/3) of ["muc-do", "so-lan", "y-kien"]
            "#]],
        );
    }

    #[test]
    fn not_satisfied_asks_why_and_a_changed_mind_drops_the_why() {
        let why = Answer::Choices(Choices { codes: vec!["khac".into()], other: Some("Gọi 0912 345 678".into()) });
        check(
            vec![
                answer("muc-do", choice("khong")),
                Event::Next,
                answer("ly-do", Answer::Choices(Choices { codes: vec!["khac".into()], other: None })),
                Event::Next,
                answer("ly-do", why),
                Event::Back,
                answer("muc-do", choice("co")),
                submit(),
            ],
            expect_test::expect![[r#"
                answer muc-do=Choice("khong") → at muc-do (1/4) of ["muc-do", "ly-do", "so-lan", "y-kien"]
                next → at ly-do (2/4) of ["muc-do", "ly-do", "so-lan", "y-kien"]
                answer ly-do=Choices(Choices { codes: ["khac"], other: None }) → at ly-do (2/4) of ["muc-do", "ly-do", "so-lan", "y-kien"] wrong ["ly-do: OtherTextMissing"]
                next → at ly-do (2/4) of ["muc-do", "ly-do", "so-lan", "y-kien"] wrong ["ly-do: OtherTextMissing"]
                answer ly-do=Choices(Choices { codes: ["khac"], other: Some("Gọi 0912 345 678") }) → at ly-do (2/4) of ["muc-do", "ly-do", "so-lan", "y-kien"]
                back → at muc-do (1/4) of ["muc-do", "ly-do", "so-lan", "y-kien"]
                answer muc-do=Choice("co") → at muc-do (1/3) of ["muc-do", "so-lan", "y-kien"]
                submit → at muc-do (1/3) of ["muc-do", "so-lan", "y-kien"] COMPLETE {"muc-do": Choice("co")}
            "#]],
        );
    }

    #[test]
    fn free_text_is_masked_before_it_is_kept() {
        let mut session = session();
        session.apply(answer("muc-do", choice("khong")));
        let why = Choices { codes: vec!["khac".into()], other: Some("  Gọi 0912 345 678 ".into()) };
        session.apply(answer("ly-do", Answer::Choices(why)));
        session.apply(answer("y-kien", Answer::Text("Email: a.b@example.vn".into())));
        let Outcome::Complete(record) = session.apply(submit()) else { panic!("not complete") };
        assert_eq!(
            record.answers["ly-do"],
            Answer::Choices(Choices { codes: vec!["khac".into()], other: Some("Gọi **** *** ***".into()) })
        );
        assert_eq!(record.answers["y-kien"], Answer::Text(format!("Email: {}", "*".repeat("a.b@example.vn".len()))));
        crate::records::gate::Gate::default().check_for(session.survey(), record).unwrap();
    }

    #[test]
    fn text_typed_key_by_key_keeps_its_spaces_until_it_is_taken() {
        let mut session = session();
        session.apply(answer("muc-do", choice("co")));
        let comment = "Chờ 2 tiếng\nmới đến lượt ";
        let mut typed = String::new();
        for key in comment.chars() {
            typed.push(key);
            session.apply(answer("y-kien", Answer::Text(typed.clone())));
            assert_eq!(session.typed("y-kien"), Some(&Answer::Text(typed.clone())), "shown back as typed");
        }
        assert_eq!(session.answer("y-kien"), Some(&Answer::Text("Chờ 2 tiếng\nmới đến lượt".into())));
        session.apply(answer("y-kien", Answer::Text("   ".into())));
        assert_eq!(session.answer("y-kien"), None, "only spaces is no answer");
        assert_eq!(session.typed("y-kien"), Some(&Answer::Text("   ".into())), "but the box keeps them");
        session.apply(answer("y-kien", Answer::Text(" Chờ  lâu\n".into())));
        let Outcome::Complete(record) = session.apply(submit()) else { panic!("not complete") };
        assert_eq!(record.answers["y-kien"], Answer::Text("Chờ  lâu".into()), "trimmed once, inner spaces kept");
    }

    #[test]
    fn numbers_out_of_range_are_violations_kept_with_the_answer() {
        check(
            vec![
                answer("muc-do", choice("co")),
                Event::Next,
                answer("so-lan", Answer::Number(11)),
                Event::Next,
                answer("so-lan", Answer::Number(2)),
                Event::Next,
            ],
            expect_test::expect![[r#"
                answer muc-do=Choice("co") → at muc-do (1/3) of ["muc-do", "so-lan", "y-kien"]
                next → at so-lan (2/3) of ["muc-do", "so-lan", "y-kien"]
                answer so-lan=Number(11) → at so-lan (2/3) of ["muc-do", "so-lan", "y-kien"] wrong ["so-lan: OutOfRange { min: Some(0), max: Some(10) }"]
                next → at so-lan (2/3) of ["muc-do", "so-lan", "y-kien"] wrong ["so-lan: OutOfRange { min: Some(0), max: Some(10) }"]
                answer so-lan=Number(2) → at so-lan (2/3) of ["muc-do", "so-lan", "y-kien"]
                next → at y-kien (3/3) of ["muc-do", "so-lan", "y-kien"]
            "#]],
        );
    }

    #[test]
    fn walking_away_keeps_a_partial_and_reset_forgets_everything() {
        check(
            vec![
                abandon(),
                Event::Reset,
                answer("muc-do", choice("khong")),
                Event::Next,
                answer("so-lan", Answer::Number(99)),
                abandon(),
                Event::Next,
                Event::Reset,
            ],
            expect_test::expect![[r#"
                abandon → at muc-do (1/3) of ["muc-do", "so-lan", "y-kien"] DISCARDED
                reset → at muc-do (1/3) of ["muc-do", "so-lan", "y-kien"]
                answer muc-do=Choice("khong") → at muc-do (1/4) of ["muc-do", "ly-do", "so-lan", "y-kien"]
                next → at ly-do (2/4) of ["muc-do", "ly-do", "so-lan", "y-kien"]
                answer so-lan=Number(99) → at ly-do (2/4) of ["muc-do", "ly-do", "so-lan", "y-kien"] wrong ["so-lan: OutOfRange { min: Some(0), max: Some(10) }"]
                abandon → at ly-do (2/4) of ["muc-do", "ly-do", "so-lan", "y-kien"] wrong ["so-lan: OutOfRange { min: Some(0), max: Some(10) }"] PARTIAL {"muc-do": Choice("khong")}
                next → at ly-do (2/4) of ["muc-do", "ly-do", "so-lan", "y-kien"] wrong ["so-lan: OutOfRange { min: Some(0), max: Some(10) }"]
                reset → at muc-do (1/3) of ["muc-do", "so-lan", "y-kien"]
            "#]],
        );
    }

    #[test]
    fn a_survey_that_discards_partials_keeps_nothing() {
        let survey =
            Survey::from_json(&FIXTURE.replace(r#""thank_you""#, r#""keep_partial": false, "thank_you""#)).unwrap();
        let mut session = Session::new(Arc::new(survey), RecordContext::new(Channel::Kiosk));
        session.apply(answer("muc-do", choice("co")));
        assert_eq!(session.apply(abandon()), Outcome::Discarded);
    }

    #[test]
    fn back_at_the_first_question_stays() {
        check(
            vec![Event::Back],
            expect_test::expect![[r#"
                back → at muc-do (1/3) of ["muc-do", "so-lan", "y-kien"]
            "#]],
        );
    }
}
