//! Conditions on answers: when a question is shown, and when an indicator earns its points.
//!
//! A validated [`Condition`] only names questions that exist, with values those questions can
//! take, so evaluating one never fails: an unanswered question simply makes `equals` false.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::definition::answer::Answer;
use crate::definition::model::{QuestionKind, Survey};
use std::collections::HashSet;

use crate::definition::def::{ConditionDef, QuestionDef, ScalarDef};
use crate::definition::model::{NO_CODE, YES_CODE};
use crate::definition::validate::{Checker, ProblemKind, Scope, show};

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

/// Checking a definition's conditions: they name questions that exist, compare values those
/// questions can take, look only at earlier answers, and form no cycle.
impl Checker {
    pub(super) fn condition(&mut self, path: &str, def: &ConditionDef, scope: &mut Scope<'_>) -> Option<Condition> {
        let compare = [
            ("at_least", &def.at_least, CompareOp::AtLeast),
            ("at_most", &def.at_most, CompareOp::AtMost),
            ("greater_than", &def.greater_than, CompareOp::GreaterThan),
            ("less_than", &def.less_than, CompareOp::LessThan),
        ];
        let forms = [
            ("equals", def.equals.is_some()),
            ("one_of", def.one_of.is_some()),
            ("at_least", def.at_least.is_some()),
            ("at_most", def.at_most.is_some()),
            ("greater_than", def.greater_than.is_some()),
            ("less_than", def.less_than.is_some()),
            ("answered", def.answered.is_some()),
            ("all", def.all.is_some()),
            ("any", def.any.is_some()),
            ("not", def.not.is_some()),
        ];
        let given: Vec<&str> = forms.iter().filter(|(_, present)| *present).map(|(name, _)| *name).collect();
        if given.len() != 1 {
            let message = if given.is_empty() {
                "a condition needs one of equals, one_of, at_least, at_most, greater_than, less_than, answered, all, any, not".to_string()
            } else {
                format!("a condition takes one form, this one has {}", given.join(", "))
            };
            self.problem(path, ProblemKind::Invalid, message);
            return None;
        }
        let combinator = matches!(given[0], "all" | "any" | "not");
        if combinator {
            if def.question.is_some() || def.item.is_some() {
                self.problem(
                    &format!("{path}.question"),
                    ProblemKind::Invalid,
                    format!("`{}` combines conditions; the question goes inside each of them", given[0]),
                );
            }
            let mut list = |name: &str, conditions: &[ConditionDef], checker: &mut Self| {
                if conditions.is_empty() {
                    checker.problem(
                        &format!("{path}.{name}"),
                        ProblemKind::Empty,
                        format!("`{name}` needs at least one condition"),
                    );
                }
                conditions
                    .iter()
                    .enumerate()
                    .map(|(index, inner)| checker.condition(&format!("{path}.{name}[{index}]"), inner, scope))
                    .collect::<Option<Vec<_>>>()
            };
            return match (&def.all, &def.any, &def.not) {
                (Some(all), _, _) => list("all", all, self).map(Condition::All),
                (_, Some(any), _) => list("any", any, self).map(Condition::Any),
                (_, _, Some(not)) => {
                    self.condition(&format!("{path}.not"), not, scope).map(|c| Condition::Not(Box::new(c)))
                }
                _ => None,
            };
        }

        let Some(question_id) = &def.question else {
            self.problem(
                &format!("{path}.question"),
                ProblemKind::Missing,
                "the condition must name a question".into(),
            );
            return None;
        };
        let question_path = format!("{path}.question");
        let Some(&index) = scope.ids.get(question_id.as_str()) else {
            self.problem(&question_path, ProblemKind::Unknown, format!("no question has the id `{question_id}`"));
            return None;
        };
        scope.seen.push(index);
        if let Some(before) = scope.before {
            if index == before {
                self.problem(
                    &question_path,
                    ProblemKind::Order,
                    "a question cannot depend on its own answer (a cycle)".into(),
                );
                return None;
            }
            if index > before {
                self.problem(
                    &question_path,
                    ProblemKind::Order,
                    format!("`{question_id}` comes later; a condition may only look at earlier answers"),
                );
                return None;
            }
        }
        let question = &scope.questions[index];
        let target_kind = match (&def.item, &question.kind) {
            (None, kind) => kind.clone(),
            (Some(item), QuestionKind::Matrix { items, scale }) => {
                if !items.iter().any(|known| &known.id == item) {
                    self.problem(
                        &format!("{path}.item"),
                        ProblemKind::Unknown,
                        format!("`{question_id}` has no item `{item}`"),
                    );
                    return None;
                }
                QuestionKind::Rating(scale.clone())
            }
            (Some(_), kind) => {
                self.problem(
                    &format!("{path}.item"),
                    ProblemKind::Invalid,
                    format!("`{question_id}` is a {} question, not a matrix", kind.name()),
                );
                return None;
            }
        };
        let target = Target { question: question_id.clone(), item: def.item.clone() };

        if let Some(answered) = def.answered {
            return Some(Condition::Answered { target, answered });
        }
        if matches!(target_kind, QuestionKind::Matrix { .. }) {
            self.problem(
                &format!("{path}.item"),
                ProblemKind::Missing,
                format!("name the item of matrix `{question_id}` to compare"),
            );
            return None;
        }
        if let Some(value) = &def.equals {
            let value = self.value(&format!("{path}.equals"), value, &target_kind)?;
            return Some(Condition::Equals { target, value });
        }
        if let Some(values) = &def.one_of {
            if values.is_empty() {
                self.problem(&format!("{path}.one_of"), ProblemKind::Empty, "`one_of` needs at least one value".into());
            }
            let values = values
                .iter()
                .enumerate()
                .map(|(i, value)| self.value(&format!("{path}.one_of[{i}]"), value, &target_kind))
                .collect::<Vec<_>>();
            return values.into_iter().collect::<Option<Vec<_>>>().map(|values| Condition::OneOf { target, values });
        }
        let (name, value, op) =
            compare.into_iter().find_map(|(name, value, op)| value.as_ref().map(|v| (name, v, op)))?;
        let ordered =
            matches!(target_kind, QuestionKind::Rating(_) | QuestionKind::Number { .. } | QuestionKind::Nps { .. });
        if !ordered {
            self.problem(
                &format!("{path}.{name}"),
                ProblemKind::Invalid,
                format!("`{name}` compares ordered answers; `{question_id}` is a {} question", target_kind.name()),
            );
            return None;
        }
        let value = self.value(&format!("{path}.{name}"), value, &target_kind)?;
        Some(Condition::Compare { target, op, value })
    }

    /// Checks that a condition's value is one the question can take.
    pub(super) fn value(&mut self, path: &str, value: &ScalarDef, kind: &QuestionKind) -> Option<Value> {
        let codes: Vec<String> = kind.choices().into_iter().map(|choice| choice.code).collect();
        let checked = match (kind, value) {
            (QuestionKind::YesNo, ScalarDef::Bool(yes)) => {
                Some(Value::Code(if *yes { YES_CODE } else { NO_CODE }.into()))
            }
            (QuestionKind::Number { .. } | QuestionKind::Nps { .. }, ScalarDef::Integer(number)) => {
                Some(Value::Integer(*number))
            }
            (QuestionKind::Number { .. } | QuestionKind::Nps { .. }, _) => None,
            (_, ScalarDef::Text(code)) if codes.contains(code) => Some(Value::Code(code.clone())),
            _ => None,
        };
        if checked.is_none() {
            let expected = match kind {
                QuestionKind::Number { .. } | QuestionKind::Nps { .. } => "a whole number".to_string(),
                QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => {
                    "nothing: a text answer can only be tested with `answered`".to_string()
                }
                _ => format!("one of {}", codes.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")),
            };
            self.problem(
                path,
                ProblemKind::Invalid,
                format!("{} is not an answer of this question; expected {expected}", show(value)),
            );
        }
        checked
    }

    /// Names every cycle among `show_if` references (a question that, through others, depends
    /// on itself), in addition to the references to later questions already reported.
    pub(super) fn cycles(&mut self, questions: &[QuestionDef], edges: &BTreeMap<usize, Vec<usize>>) {
        let mut reported = HashSet::new();
        for &start in edges.keys() {
            let mut stack = vec![(start, vec![start])];
            let mut visited = HashSet::new();
            while let Some((node, trail)) = stack.pop() {
                for &next in edges.get(&node).into_iter().flatten() {
                    if next == start && next != node {
                        let mut members: Vec<usize> = trail.clone();
                        members.sort_unstable();
                        if reported.insert(members) {
                            let names: Vec<&str> =
                                trail.iter().chain([&start]).map(|&i| questions[i].id.as_str()).collect();
                            self.problem(
                                &format!("questions[{start}].show_if"),
                                ProblemKind::Order,
                                format!("conditions form a cycle: {}", names.join(" → ")),
                            );
                        }
                    } else if next != start && visited.insert(next) {
                        let mut longer = trail.clone();
                        longer.push(next);
                        stack.push((next, longer));
                    }
                }
            }
        }
    }
}
