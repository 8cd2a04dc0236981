//! A plain-text summary of a survey definition, for snapshot tests: what a reviewer needs to
//! see to notice that an instrument changed.

use std::fmt::Write;

use survey::definition::condition::{CompareOp, Condition, Value};
use survey::definition::model::QuestionKind;
use survey::definition::model::Survey;

pub fn of(file: &str, survey: &Survey) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "== {file}: {} {}", survey.id(), survey.version());
    let _ = writeln!(out, "title: {}", survey.title().vi);
    let _ = writeln!(out, "legal basis: {}", survey.legal_basis());
    let _ = writeln!(out, "partial responses: {}", if survey.keep_partial() { "kept" } else { "discarded" });
    for question in survey.questions() {
        let mut flags = vec![question.kind.name().to_string()];
        flags.push(if question.required { "required" } else { "optional" }.into());
        if question.sensitive {
            flags.push("sensitive".into());
        }
        if let Some(section) = &question.section {
            flags.push(format!("section {section}"));
        }
        let _ = writeln!(out, "- {} ({}): {}", question.id, flags.join(", "), question.text.vi);
        if let Some(condition) = &question.show_if {
            let _ = writeln!(out, "    shown if {}", condition_text(condition));
        }
        if let QuestionKind::Matrix { items, .. } = &question.kind {
            let ids: Vec<&str> = items.iter().map(|item| item.id.as_str()).collect();
            let _ = writeln!(out, "    items: {}", ids.join(", "));
        }
        let choices: Vec<String> = question.kind.choices().into_iter().map(|choice| choice.code).collect();
        if !choices.is_empty() && !matches!(question.kind, QuestionKind::Nps { .. }) {
            let _ = writeln!(out, "    answers: {}", choices.join(" | "));
        }
        match &question.kind {
            QuestionKind::Rating(scale) | QuestionKind::Matrix { scale, .. } => {
                let satisfied: Vec<&str> =
                    scale.levels.iter().filter(|level| level.satisfied).map(|level| level.code.as_str()).collect();
                if !satisfied.is_empty() {
                    let _ = writeln!(out, "    satisfied: {}", satisfied.join(", "));
                }
            }
            QuestionKind::Number { min, max } => {
                let _ = writeln!(out, "    range: {min:?} to {max:?}");
            }
            QuestionKind::ShortText { max_length } | QuestionKind::LongText { max_length } => {
                let _ = writeln!(out, "    at most {max_length} characters");
            }
            _ => {}
        }
    }
    if let Some(overall) = &survey.scoring().overall {
        let _ = writeln!(out, "overall rating: {overall}");
    }
    for element in &survey.scoring().elements {
        let criteria: Vec<String> = element
            .criteria
            .iter()
            .map(|c| match &c.item {
                Some(item) => format!("{}.{item}", c.question),
                None => c.question.clone(),
            })
            .collect();
        let _ = writeln!(out, "element {} ({}): {}", element.id, element.label.vi, criteria.join(", "));
    }
    for indicator in &survey.scoring().indicators {
        let _ = writeln!(out, "indicator {} {} ({}):", indicator.number, indicator.id, indicator.label.vi);
        for rule in &indicator.rules {
            let _ = writeln!(out, "    {} points if {}", rule.points, condition_text(&rule.when));
        }
    }
    out.push('\n');
    out
}

fn condition_text(condition: &Condition) -> String {
    let target = |target: &survey::definition::condition::Target| match &target.item {
        Some(item) => format!("{}.{item}", target.question),
        None => target.question.clone(),
    };
    let value = |value: &Value| match value {
        Value::Code(code) => code.clone(),
        Value::Integer(number) => number.to_string(),
    };
    match condition {
        Condition::Equals { target: t, value: v } => format!("{} = {}", target(t), value(v)),
        Condition::OneOf { target: t, values } => {
            format!("{} in [{}]", target(t), values.iter().map(value).collect::<Vec<_>>().join(", "))
        }
        Condition::Compare { target: t, op, value: v } => {
            let op = match op {
                CompareOp::AtLeast => ">=",
                CompareOp::AtMost => "<=",
                CompareOp::GreaterThan => ">",
                CompareOp::LessThan => "<",
            };
            format!("{} {op} {}", target(t), value(v))
        }
        Condition::Answered { target: t, answered } => {
            format!("{} {}", target(t), if *answered { "answered" } else { "unanswered" })
        }
        Condition::All(all) => format!("({})", all.iter().map(condition_text).collect::<Vec<_>>().join(" and ")),
        Condition::Any(any) => format!("({})", any.iter().map(condition_text).collect::<Vec<_>>().join(" or ")),
        Condition::Not(inner) => format!("not {}", condition_text(inner)),
    }
}
