//! The raw survey definition, exactly as written in a file of `survey-defs/`.
//!
//! These types only describe the shape of the file: every field name is checked (unknown ones
//! are refused), but no rule that spans fields is. [`crate::definition::model::Survey::from_def`] turns a
//! [`SurveyDef`] into a validated [`crate::definition::model::Survey`] and reports every problem at once.
//! Definitions are authored in TOML (comments, readable multi-line Vietnamese) and reach the
//! browser as JSON compiled at build time, so both formats map onto these same types.
//!
//! Fields that apply to only some kinds of question (`levels`, `options`, `min` …) sit on one
//! flat question type, so that a file reads plainly; validation reports a field given to a kind
//! it does not apply to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The definition format this version of the core reads.
pub const DEF_FORMAT: u32 = 1;

/// A survey as written by its author.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyDef {
    /// The version of this file format; see [`DEF_FORMAT`].
    pub format: u32,
    /// A stable identifier, lowercase ASCII with dashes, used in records and tallies.
    pub id: String,
    /// Instruments change by year; every record names the version it answered.
    pub version: String,
    /// The legal text that asks for this survey.
    pub legal_basis: String,
    /// Where the wording comes from and how sure we are of it.
    #[serde(default)]
    pub source_note: String,
    pub title: TextDef,
    /// Shown before the first question: what is collected and why.
    #[serde(default)]
    pub intro: Option<TextDef>,
    pub thank_you: TextDef,
    /// Whether the answers of a citizen who walks away are kept, marked partial (the default),
    /// or discarded.
    #[serde(default = "yes")]
    pub keep_partial: bool,
    #[serde(default)]
    pub sections: Vec<SectionDef>,
    #[serde(default)]
    pub questions: Vec<QuestionDef>,
    #[serde(default)]
    pub scoring: Option<ScoringDef>,
}

fn yes() -> bool {
    true
}

/// Text as written: Vietnamese is required (checked by validation, so that a missing
/// translation is reported with every other problem rather than alone).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextDef {
    #[serde(default)]
    pub vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

/// A titled group of questions; questions name their section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    pub id: String,
    pub title: TextDef,
    #[serde(default)]
    pub intro: Option<TextDef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionDef {
    pub id: String,
    pub kind: QuestionKindDef,
    pub text: TextDef,
    #[serde(default)]
    pub help: Option<TextDef>,
    #[serde(default)]
    pub section: Option<String>,
    #[serde(default = "yes")]
    pub required: bool,
    /// Sensitive personal data (Nghị định 13/2023 Điều 2, such as ethnic origin): such a
    /// question must be optional.
    #[serde(default)]
    pub sensitive: bool,
    /// The question is shown only when this holds for earlier answers.
    #[serde(default)]
    pub show_if: Option<ConditionDef>,
    /// `rating`, `matrix`: the levels of the scale, listed from the worst to the best.
    #[serde(default)]
    pub levels: Vec<LevelDef>,
    /// `rating`, `matrix`: the order in which the levels are shown.
    #[serde(default)]
    pub order: Option<LevelOrder>,
    /// `single-choice`, `multiple-choice`: the options, in the order shown.
    #[serde(default)]
    pub options: Vec<OptionDef>,
    /// `multiple-choice`: the label of an extra "Khác" option that takes text.
    #[serde(default)]
    pub other: Option<TextDef>,
    /// `multiple-choice`: how many options may be chosen at most.
    #[serde(default)]
    pub max_choices: Option<u32>,
    /// `number`: the smallest and largest whole number accepted.
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    /// `short-text`, `long-text`: the most characters accepted.
    #[serde(default)]
    pub max_length: Option<u32>,
    /// `matrix`: the items rated on the shared scale.
    #[serde(default)]
    pub items: Vec<ItemDef>,
    /// `nps`: the words under 0 and under 10.
    #[serde(default)]
    pub low_label: Option<TextDef>,
    #[serde(default)]
    pub high_label: Option<TextDef>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionKindDef {
    /// A rating scale of 3 to 5 levels, answered with one tap.
    Rating,
    SingleChoice,
    /// Several options, optionally with "Khác" (other) and text.
    MultipleChoice,
    /// Có / Không.
    YesNo,
    /// A whole number, optionally between `min` and `max`.
    Number,
    ShortText,
    LongText,
    /// Net Promoter Score: 0 to 10.
    Nps,
    /// Several items rated on one shared scale (the criteria of a SIPAS element).
    Matrix,
}

impl QuestionKindDef {
    /// The kind's name as files write it (`single-choice`), the same as serde's.
    pub fn name(self) -> &'static str {
        match self {
            QuestionKindDef::Rating => "rating",
            QuestionKindDef::SingleChoice => "single-choice",
            QuestionKindDef::MultipleChoice => "multiple-choice",
            QuestionKindDef::YesNo => "yes-no",
            QuestionKindDef::Number => "number",
            QuestionKindDef::ShortText => "short-text",
            QuestionKindDef::LongText => "long-text",
            QuestionKindDef::Nps => "nps",
            QuestionKindDef::Matrix => "matrix",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelDef {
    /// A stable code, lowercase ASCII with dashes; tallies are keyed by it.
    pub code: String,
    pub label: TextDef,
    #[serde(default)]
    pub face: Option<Face>,
    /// Whether this level counts as satisfied in the indices (Hài lòng and Rất hài lòng do).
    #[serde(default)]
    pub satisfied: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    pub code: String,
    pub label: TextDef,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemDef {
    pub id: String,
    pub text: TextDef,
}

/// The drawing that goes with a rating level. It is always shown beside its text label,
/// never alone, so that no citizen has to read a face or a colour to answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Face {
    VeryHappy,
    Happy,
    Neutral,
    Unhappy,
    VeryUnhappy,
}

/// Counters in Vietnam usually print the best level first; both orders are allowed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LevelOrder {
    #[default]
    BestFirst,
    WorstFirst,
}

/// A condition on earlier answers, in exactly one of these forms:
/// `{ question = "q", equals = "code" }`, `{ question = "q", one_of = ["a", "b"] }`,
/// `{ question = "q", at_most = "hai-long" }` (also `at_least`, `less_than`, `greater_than`,
/// on rating levels or numbers), `{ question = "q", answered = true }`, and the combinations
/// `{ all = [ … ] }`, `{ any = [ … ] }`, `{ not = { … } }`. `item` names a matrix item.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<ScalarDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<ScalarDef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<ScalarDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<ScalarDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greater_than: Option<ScalarDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub less_than: Option<ScalarDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<ConditionDef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<ConditionDef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<ConditionDef>>,
}

/// A value in a condition: an option or level code, a whole number, or yes/no.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ScalarDef {
    Bool(bool),
    Integer(i64),
    Text(String),
}

/// How answers become scores.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringDef {
    /// The overall rating question, the headline figure.
    #[serde(default)]
    pub overall: Option<String>,
    /// SIPAS-style elements: each is the mean of its criteria's % satisfied.
    #[serde(default)]
    pub elements: Vec<ElementDef>,
    /// Per-dossier indicators (Thông tư 01/2018/TT-VPCP): answers become points.
    #[serde(default)]
    pub indicators: Vec<IndicatorDef>,
    /// When one response (one dossier) counts as not satisfied for Quyết định 766/QĐ-TTg: for
    /// the per-dossier evaluation, rated not satisfied, or harassed, or returned late. Each
    /// response is counted once however many parts of it hold.
    #[serde(default)]
    pub qd766_not_satisfied: Option<ConditionDef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElementDef {
    pub id: String,
    pub label: TextDef,
    /// The criteria: rating questions, matrix questions (all their items), or `question.item`.
    pub criteria: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDef {
    pub id: String,
    /// The indicator's number in the regulation (1 to 9).
    pub number: u32,
    pub label: TextDef,
    /// The simple form: points for each option of one question, every option mapped.
    #[serde(default)]
    pub question: Option<String>,
    #[serde(default)]
    pub points: BTreeMap<String, u32>,
    /// The general form, for an indicator that depends on several answers: the first rule whose
    /// condition holds gives the points; if none holds, the dossier has no data for it.
    #[serde(default)]
    pub rules: Vec<PointsRuleDef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsRuleDef {
    pub when: ConditionDef,
    pub points: u32,
}
