//! The raw survey definition, exactly as written in a file of `survey-defs/`.
//!
//! These types only describe the shape of the file: every field name is checked (unknown ones
//! are refused), but no rule that spans fields is. [`crate::Survey::from_def`] turns a
//! [`SurveyDef`] into a validated [`crate::Survey`] and reports every problem at once.
//! Definitions are authored in TOML (comments, readable multi-line Vietnamese) and reach the
//! browser as JSON compiled at build time, so both formats map onto these same types.

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
    #[serde(default)]
    pub intro: Option<TextDef>,
    pub thank_you: TextDef,
    #[serde(default)]
    pub questions: Vec<QuestionDef>,
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionDef {
    pub id: String,
    pub kind: QuestionKindDef,
    pub text: TextDef,
    #[serde(default = "required_by_default")]
    pub required: bool,
    /// For `rating`: the levels of the scale, listed from the worst to the best.
    #[serde(default)]
    pub levels: Vec<LevelDef>,
    /// For `rating`: the order in which the levels are shown.
    #[serde(default)]
    pub order: LevelOrder,
}

fn required_by_default() -> bool {
    true
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionKindDef {
    /// A rating scale of 3 to 5 levels, answered with one tap.
    Rating,
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
