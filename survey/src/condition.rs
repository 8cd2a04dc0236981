//! Conditions on answers: when a question is shown, and when an indicator earns its points.
//!
//! A validated [`Condition`] only names questions that exist, with values those questions can
//! take, so evaluating one never fails: an unanswered question simply makes `equals` false.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::model::{QuestionKind, Survey};
use crate::record::Answer;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Condition {
    Equals { target: Target, value: Value },
    OneOf { target: Target, values: Vec<Value> },
    Compare { target: Target, op: CompareOp, value: Value },
    Answered { target: Target, answered: bool },
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

/// A question, or one item of a matrix question.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Target {
    pub question: String,
    pub item: Option<String>,
}

/// An option or level code (yes/no become the codes `co` and `khong`), or a whole number.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    Code(String),
    Integer(i64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CompareOp {
    AtLeast,
    AtMost,
    GreaterThan,
    LessThan,
}

impl Condition {
    /// Whether the condition holds for these answers.
    pub fn holds(&self, survey: &Survey, answers: &BTreeMap<String, Answer>) -> bool {
        match self {
            Condition::Equals { target, value } => matches(survey, answers, target, value),
            Condition::OneOf { target, values } => values.iter().any(|value| matches(survey, answers, target, value)),
            Condition::Compare { target, op, value } => {
                let (Some(answer), Some(wanted)) =
                    (ordinal_of_answer(survey, answers, target), ordinal_of_value(survey, target, value))
                else {
                    return false;
                };
                let order = answer.cmp(&wanted);
                match op {
                    CompareOp::AtLeast => order != Ordering::Less,
                    CompareOp::AtMost => order != Ordering::Greater,
                    CompareOp::GreaterThan => order == Ordering::Greater,
                    CompareOp::LessThan => order == Ordering::Less,
                }
            }
            Condition::Answered { target, answered } => value_at(answers, target).is_some() == *answered,
            Condition::All(conditions) => conditions.iter().all(|c| c.holds(survey, answers)),
            Condition::Any(conditions) => conditions.iter().any(|c| c.holds(survey, answers)),
            Condition::Not(condition) => !condition.holds(survey, answers),
        }
    }

    /// Every question this condition looks at.
    pub fn questions(&self) -> Vec<&str> {
        match self {
            Condition::Equals { target, .. }
            | Condition::OneOf { target, .. }
            | Condition::Compare { target, .. }
            | Condition::Answered { target, .. } => vec![target.question.as_str()],
            Condition::All(conditions) | Condition::Any(conditions) => {
                conditions.iter().flat_map(Condition::questions).collect()
            }
            Condition::Not(condition) => condition.questions(),
        }
    }
}

/// The part of an answer a target names: the whole answer, or one matrix item's level.
enum Picked<'a> {
    Whole(&'a Answer),
    ItemCode(&'a str),
}

fn value_at<'a>(answers: &'a BTreeMap<String, Answer>, target: &Target) -> Option<Picked<'a>> {
    let answer = answers.get(&target.question)?;
    match (&target.item, answer) {
        (None, answer) => Some(Picked::Whole(answer)),
        (Some(item), Answer::Matrix(levels)) => levels.get(item).map(|code| Picked::ItemCode(code)),
        (Some(_), _) => None,
    }
}

fn matches(survey: &Survey, answers: &BTreeMap<String, Answer>, target: &Target, value: &Value) -> bool {
    let _ = survey;
    match (value_at(answers, target), value) {
        (Some(Picked::Whole(Answer::Choice(code))), Value::Code(wanted)) => code == wanted,
        (Some(Picked::Whole(Answer::Choices(choices))), Value::Code(wanted)) => choices.codes.contains(wanted),
        (Some(Picked::Whole(Answer::Number(number))), Value::Integer(wanted)) => number == wanted,
        (Some(Picked::ItemCode(code)), Value::Code(wanted)) => code == wanted,
        _ => false,
    }
}

/// Where an answer sits on an ordered scale: a level's index, or the number itself.
fn ordinal_of_answer(survey: &Survey, answers: &BTreeMap<String, Answer>, target: &Target) -> Option<i64> {
    match value_at(answers, target)? {
        Picked::Whole(Answer::Number(number)) => Some(*number),
        Picked::Whole(Answer::Choice(code)) => level_index(survey, target, code),
        Picked::ItemCode(code) => level_index(survey, target, code),
        Picked::Whole(_) => None,
    }
}

fn ordinal_of_value(survey: &Survey, target: &Target, value: &Value) -> Option<i64> {
    match value {
        Value::Integer(number) => Some(*number),
        Value::Code(code) => level_index(survey, target, code),
    }
}

fn level_index(survey: &Survey, target: &Target, code: &str) -> Option<i64> {
    let scale = match &survey.question(&target.question)?.kind {
        QuestionKind::Rating(scale) | QuestionKind::Matrix { scale, .. } => scale,
        _ => return None,
    };
    scale.levels.iter().position(|level| level.code == code).map(|index| index as i64)
}
