//! How a survey is scored, as its definition says: SIPAS elements (means of their criteria's
//! % satisfied), per-dossier indicators with points (Thông tư 01/2025), and the overall
//! question; and the checks that a definition's scoring refers only to what exists.

use std::collections::{HashMap, HashSet};

use crate::definition::condition::{Condition, Target, Value};
use crate::definition::def;
use crate::definition::model::{Question, QuestionKind};
use crate::definition::validate::{Checker, ProblemKind, Scope};
use crate::text::Text;

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scoring {
    /// The overall rating question, the headline figure.
    pub overall: Option<String>,
    pub elements: Vec<Element>,
    pub indicators: Vec<Indicator>,
    /// When a response (a dossier) counts as not satisfied for Quyết định 766/QĐ-TTg.
    #[serde(default)]
    pub qd766_not_satisfied: Option<Condition>,
}

/// A SIPAS-style element: the mean of its criteria's % satisfied.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Element {
    pub id: String,
    pub label: Text,
    pub criteria: Vec<Criterion>,
}

/// A rated thing: a rating question, or one item of a matrix question.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Criterion {
    pub question: String,
    pub item: Option<String>,
}

/// A per-dossier indicator: the first rule that holds gives the points.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Indicator {
    pub id: String,
    pub number: u32,
    pub label: Text,
    pub rules: Vec<PointsRule>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PointsRule {
    pub when: Condition,
    pub points: u32,
}

impl Checker {
    pub(super) fn scoring(
        &mut self,
        def: &def::ScoringDef,
        questions: &[Question],
        ids: &HashMap<&str, usize>,
    ) -> Scoring {
        let overall = def.overall.clone();
        if let Some(id) = &overall {
            match ids.get(id.as_str()).map(|&i| &questions[i].kind) {
                None => self.problem("scoring.overall", ProblemKind::Unknown, format!("no question has the id `{id}`")),
                Some(QuestionKind::Rating(scale)) if !scale.levels.iter().any(|level| level.satisfied) => self.problem(
                    "scoring.overall",
                    ProblemKind::Invalid,
                    format!("no level of `{id}` is marked `satisfied`"),
                ),
                Some(QuestionKind::Rating(_)) => {}
                Some(kind) => self.problem(
                    "scoring.overall",
                    ProblemKind::Invalid,
                    format!("the overall rating must be a rating question; `{id}` is a {} question", kind.name()),
                ),
            }
        }

        let mut element_ids = HashSet::new();
        let elements = def
            .elements
            .iter()
            .enumerate()
            .map(|(index, element)| {
                let path = format!("scoring.elements[{index}]");
                self.identifier(&format!("{path}.id"), &element.id);
                if !element_ids.insert(element.id.as_str()) {
                    self.duplicate(&format!("{path}.id"), "element id", &element.id);
                }
                if element.criteria.is_empty() {
                    self.problem(
                        &format!("{path}.criteria"),
                        ProblemKind::Empty,
                        "an element needs at least one criterion".into(),
                    );
                }
                let mut criteria = Vec::new();
                for (i, name) in element.criteria.iter().enumerate() {
                    criteria.extend(self.criterion(&format!("{path}.criteria[{i}]"), name, questions, ids));
                }
                Element { id: element.id.clone(), label: self.text(&format!("{path}.label"), &element.label), criteria }
            })
            .collect();

        let mut indicator_ids = HashSet::new();
        let mut numbers = HashSet::new();
        let indicators = def
            .indicators
            .iter()
            .enumerate()
            .map(|(index, indicator)| {
                let path = format!("scoring.indicators[{index}]");
                self.identifier(&format!("{path}.id"), &indicator.id);
                if !indicator_ids.insert(indicator.id.as_str()) {
                    self.duplicate(&format!("{path}.id"), "indicator id", &indicator.id);
                }
                if !(1..=9).contains(&indicator.number) {
                    self.problem(
                        &format!("{path}.number"),
                        ProblemKind::Invalid,
                        "indicators are numbered 1 to 9".into(),
                    );
                } else if !numbers.insert(indicator.number) {
                    self.problem(
                        &format!("{path}.number"),
                        ProblemKind::Duplicate,
                        format!("indicator {} is defined twice", indicator.number),
                    );
                }
                let label = self.text(&format!("{path}.label"), &indicator.label);
                let rules = self.points(&path, indicator, questions, ids);
                Indicator { id: indicator.id.clone(), number: indicator.number, label, rules }
            })
            .collect();
        let qd766_not_satisfied = def.qd766_not_satisfied.as_ref().and_then(|condition| {
            let mut scope = Scope { questions, ids, before: None, seen: Vec::new() };
            self.condition("scoring.qd766_not_satisfied", condition, &mut scope)
        });
        Scoring { overall, elements, indicators, qd766_not_satisfied }
    }

    pub(super) fn criterion(
        &mut self,
        path: &str,
        name: &str,
        questions: &[Question],
        ids: &HashMap<&str, usize>,
    ) -> Vec<Criterion> {
        let (question_id, item) = match name.split_once('.') {
            Some((question, item)) => (question, Some(item)),
            None => (name, None),
        };
        let Some(&index) = ids.get(question_id) else {
            self.problem(path, ProblemKind::Unknown, format!("no question has the id `{question_id}`"));
            return Vec::new();
        };
        let (scale, criteria) = match (&questions[index].kind, item) {
            (QuestionKind::Rating(scale), None) => {
                (scale, vec![Criterion { question: question_id.into(), item: None }])
            }
            (QuestionKind::Matrix { items, scale }, None) => (
                scale,
                items
                    .iter()
                    .map(|item| Criterion { question: question_id.into(), item: Some(item.id.clone()) })
                    .collect(),
            ),
            (QuestionKind::Matrix { items, scale }, Some(item)) => {
                if !items.iter().any(|known| known.id == item) {
                    self.problem(path, ProblemKind::Unknown, format!("`{question_id}` has no item `{item}`"));
                    return Vec::new();
                }
                (scale, vec![Criterion { question: question_id.into(), item: Some(item.into()) }])
            }
            (kind, _) => {
                self.problem(
                    path,
                    ProblemKind::Invalid,
                    format!(
                        "a score group may name only rating questions and matrix items; `{name}` is a {} question",
                        kind.name()
                    ),
                );
                return Vec::new();
            }
        };
        if !scale.levels.iter().any(|level| level.satisfied) {
            self.problem(path, ProblemKind::Invalid, format!("no level of `{question_id}` is marked `satisfied`"));
        }
        criteria
    }

    pub(super) fn points(
        &mut self,
        path: &str,
        indicator: &def::IndicatorDef,
        questions: &[Question],
        ids: &HashMap<&str, usize>,
    ) -> Vec<PointsRule> {
        let in_range = |checker: &mut Self, at: &str, points: u32| {
            if points > 2 {
                checker.problem(
                    at,
                    ProblemKind::Invalid,
                    format!("an indicator scores 0, 1 or 2 points, not {points}"),
                );
            }
        };
        match (&indicator.question, indicator.rules.is_empty()) {
            (Some(question_id), true) => {
                let Some(&index) = ids.get(question_id.as_str()) else {
                    self.problem(
                        &format!("{path}.question"),
                        ProblemKind::Unknown,
                        format!("no question has the id `{question_id}`"),
                    );
                    return Vec::new();
                };
                let kind = &questions[index].kind;
                if !matches!(kind, QuestionKind::Rating(_) | QuestionKind::SingleChoice { .. } | QuestionKind::YesNo) {
                    self.problem(
                        &format!("{path}.question"),
                        ProblemKind::Invalid,
                        format!("points map the options of a single-choice, yes-no or rating question; `{question_id}` is a {} question", kind.name()),
                    );
                    return Vec::new();
                }
                let codes: Vec<String> = kind.choices().into_iter().map(|choice| choice.code).collect();
                for code in indicator.points.keys().filter(|code| !codes.contains(code)) {
                    self.problem(
                        &format!("{path}.points.{code}"),
                        ProblemKind::Unknown,
                        format!("`{question_id}` has no option `{code}`"),
                    );
                }
                let missing: Vec<&str> =
                    codes.iter().filter(|code| !indicator.points.contains_key(*code)).map(String::as_str).collect();
                if !missing.is_empty() {
                    self.problem(
                        &format!("{path}.points"),
                        ProblemKind::Missing,
                        format!(
                            "the points miss the option(s) {} of `{question_id}`",
                            missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
                codes
                    .iter()
                    .filter_map(|code| {
                        let points = *indicator.points.get(code)?;
                        in_range(self, &format!("{path}.points.{code}"), points);
                        let target = Target { question: question_id.clone(), item: None };
                        Some(PointsRule {
                            when: Condition::Equals { target, value: Value::Code(code.clone()) },
                            points,
                        })
                    })
                    .collect()
            }
            (None, false) => {
                if !indicator.points.is_empty() {
                    self.problem(
                        &format!("{path}.points"),
                        ProblemKind::Invalid,
                        "`points` goes with `question`; rules carry their own points".into(),
                    );
                }
                let mut scope = Scope { questions, ids, before: None, seen: Vec::new() };
                indicator
                    .rules
                    .iter()
                    .enumerate()
                    .filter_map(|(index, rule)| {
                        let rule_path = format!("{path}.rules[{index}]");
                        in_range(self, &format!("{rule_path}.points"), rule.points);
                        let when = self.condition(&format!("{rule_path}.when"), &rule.when, &mut scope)?;
                        Some(PointsRule { when, points: rule.points })
                    })
                    .collect()
            }
            _ => {
                self.problem(
                    path,
                    ProblemKind::Invalid,
                    "an indicator needs either `question` with `points`, or `rules`".into(),
                );
                Vec::new()
            }
        }
    }
}
