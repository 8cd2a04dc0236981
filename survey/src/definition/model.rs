//! The validated survey model.
//!
//! A [`Survey`] that exists is valid: the only way to get one is [`Survey::from_def`], which
//! checks every rule and returns all problems at once, each with a path such as
//! `questions[0].levels[2].label.vi`, so that an author fixes a file in one pass.

use crate::definition::condition::Condition;
use crate::definition::def::{Face, LevelOrder, QuestionKindDef, SurveyDef};
use crate::definition::scoring::Scoring;
use crate::definition::validate::{DefError, Problem, ProblemKind};
use crate::text::Text;

/// The code of the "Khác" (other) option of a multiple-choice question.
pub const OTHER_CODE: &str = "khac";
/// The longest text of "Khác", in characters (the kiosk's box takes as many).
pub const OTHER_MAX_CHARS: u32 = 200;
/// The codes of a yes/no answer.
pub const YES_CODE: &str = "co";
pub const NO_CODE: &str = "khong";
/// Text answers are limited unless a definition says otherwise.
pub const SHORT_TEXT_MAX: u32 = 200;
pub const LONG_TEXT_MAX: u32 = 2000;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Survey {
    pub(super) id: String,
    pub(super) version: String,
    pub(super) legal_basis: String,
    pub(super) source_note: String,
    pub(super) title: Text,
    pub(super) intro: Option<Text>,
    pub(super) thank_you: Text,
    pub(super) keep_partial: bool,
    pub(super) sections: Vec<Section>,
    pub(super) questions: Vec<Question>,
    pub(super) scoring: Scoring,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Section {
    pub id: String,
    pub title: Text,
    pub intro: Option<Text>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Question {
    pub id: String,
    pub text: Text,
    pub help: Option<Text>,
    pub section: Option<String>,
    pub required: bool,
    pub sensitive: bool,
    pub show_if: Option<Condition>,
    pub kind: QuestionKind,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum QuestionKind {
    Rating(RatingScale),
    SingleChoice { options: Vec<Choice> },
    MultipleChoice { options: Vec<Choice>, other: Option<Text>, max_choices: Option<u32> },
    YesNo,
    Number { min: Option<i64>, max: Option<i64> },
    ShortText { max_length: u32 },
    LongText { max_length: u32 },
    Nps { low_label: Option<Text>, high_label: Option<Text> },
    Matrix { items: Vec<MatrixItem>, scale: RatingScale },
}

/// A rating scale; `levels` run from the worst to the best, so a level's index is its score.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RatingScale {
    pub levels: Vec<Level>,
    pub order: LevelOrder,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Level {
    pub code: String,
    pub label: Text,
    pub face: Option<Face>,
    pub satisfied: bool,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Choice {
    pub code: String,
    pub label: Text,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MatrixItem {
    pub id: String,
    pub text: Text,
}

impl RatingScale {
    /// The levels in the order the citizen sees them.
    pub fn display_levels(&self) -> Vec<&Level> {
        match self.order {
            LevelOrder::WorstFirst => self.levels.iter().collect(),
            LevelOrder::BestFirst => self.levels.iter().rev().collect(),
        }
    }

    pub fn level(&self, code: &str) -> Option<&Level> {
        self.levels.iter().find(|level| level.code == code)
    }
}

impl QuestionKind {
    /// The kind's name as written in a definition file.
    pub fn name(&self) -> &'static str {
        self.written_as().name()
    }

    /// The kind as a definition file writes it.
    pub fn written_as(&self) -> QuestionKindDef {
        match self {
            QuestionKind::Rating(_) => QuestionKindDef::Rating,
            QuestionKind::SingleChoice { .. } => QuestionKindDef::SingleChoice,
            QuestionKind::MultipleChoice { .. } => QuestionKindDef::MultipleChoice,
            QuestionKind::YesNo => QuestionKindDef::YesNo,
            QuestionKind::Number { .. } => QuestionKindDef::Number,
            QuestionKind::ShortText { .. } => QuestionKindDef::ShortText,
            QuestionKind::LongText { .. } => QuestionKindDef::LongText,
            QuestionKind::Nps { .. } => QuestionKindDef::Nps,
            QuestionKind::Matrix { .. } => QuestionKindDef::Matrix,
        }
    }

    /// Whether one tap on an answer answers a question of this kind completely: the kiosk moves
    /// on, and the phone's first screen can be a form of one button per answer.
    pub fn is_one_tap(&self) -> bool {
        matches!(
            self,
            QuestionKind::Rating(_)
                | QuestionKind::SingleChoice { .. }
                | QuestionKind::YesNo
                | QuestionKind::Nps { .. }
        )
    }

    /// Whether `code` is one of the answers a citizen picks from; like [`Self::choices`] without
    /// building the list (this runs for every answer of every imported record).
    pub fn has_choice(&self, code: &str) -> bool {
        match self {
            QuestionKind::Rating(scale) | QuestionKind::Matrix { scale, .. } => scale.level(code).is_some(),
            QuestionKind::SingleChoice { options } => options.iter().any(|option| option.code == code),
            QuestionKind::MultipleChoice { options, other, .. } => {
                options.iter().any(|option| option.code == code) || (other.is_some() && code == OTHER_CODE)
            }
            QuestionKind::YesNo => code == YES_CODE || code == NO_CODE,
            QuestionKind::Nps { .. } => {
                matches!(code, "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "10")
            }
            QuestionKind::Number { .. } | QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => false,
        }
    }

    /// The answers a citizen picks from, with their labels, in the order shown; empty for
    /// questions answered with a number or text. Matrix items share their scale's levels.
    pub fn choices(&self) -> Vec<Choice> {
        let levels = |scale: &RatingScale| {
            scale
                .display_levels()
                .into_iter()
                .map(|level| Choice { code: level.code.clone(), label: level.label.clone() })
                .collect()
        };
        match self {
            QuestionKind::Rating(scale) | QuestionKind::Matrix { scale, .. } => levels(scale),
            QuestionKind::SingleChoice { options } => options.clone(),
            QuestionKind::MultipleChoice { options, other, .. } => {
                let mut all = options.clone();
                if let Some(label) = other {
                    all.push(Choice { code: OTHER_CODE.into(), label: label.clone() });
                }
                all
            }
            QuestionKind::YesNo => vec![
                Choice { code: YES_CODE.into(), label: Text { vi: "Có".into(), en: Some("Yes".into()) } },
                Choice { code: NO_CODE.into(), label: Text { vi: "Không".into(), en: Some("No".into()) } },
            ],
            QuestionKind::Nps { .. } => {
                (0..=10).map(|n| Choice { code: n.to_string(), label: Text { vi: n.to_string(), en: None } }).collect()
            }
            QuestionKind::Number { .. } | QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => Vec::new(),
        }
    }
}

impl Survey {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// The legal instrument the survey follows (`Quyết định 3468/QĐ-BNV`), shown to staff.
    pub fn legal_basis(&self) -> &str {
        &self.legal_basis
    }

    pub fn source_note(&self) -> &str {
        &self.source_note
    }

    pub fn title(&self) -> &Text {
        &self.title
    }

    pub fn intro(&self) -> Option<&Text> {
        self.intro.as_ref()
    }

    pub fn thank_you(&self) -> &Text {
        &self.thank_you
    }

    /// Whether a response left unfinished is stored (and counted for what it answered).
    pub fn keep_partial(&self) -> bool {
        self.keep_partial
    }

    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The questions in the order they are asked.
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    pub fn scoring(&self) -> &Scoring {
        &self.scoring
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|question| question.id == id)
    }

    /// A survey validated when the app was built: `survey-defs` validates every shipped
    /// definition in its build script (the build fails on any problem) and compiles the
    /// validated model in as the Rust expression [`crate::definition::embed`] writes, which
    /// calls this with the fields in their order. Trusting it spares the kiosk the validation
    /// code, the definition parser and serde's code for the model. Anything not made that way
    /// must go through [`Survey::from_def`].
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub fn prevalidated(
        id: String,
        version: String,
        legal_basis: String,
        source_note: String,
        title: Text,
        intro: Option<Text>,
        thank_you: Text,
        keep_partial: bool,
        sections: Vec<Section>,
        questions: Vec<Question>,
        scoring: Scoring,
    ) -> Survey {
        Survey {
            id,
            version,
            legal_basis,
            source_note,
            title,
            intro,
            thank_you,
            keep_partial,
            sections,
            questions,
            scoring,
        }
    }

    /// Parses and validates a definition written as JSON.
    pub fn from_json(json: &str) -> Result<Survey, DefError> {
        let def: SurveyDef = serde_json::from_str(json).map_err(|err| DefError {
            problems: vec![Problem {
                path: String::new(),
                line: Some(err.line()),
                kind: ProblemKind::Syntax,
                message: crate::text::short_message(&err.to_string()),
            }],
        })?;
        Survey::from_def(def)
    }
}
