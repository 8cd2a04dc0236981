//! Low ratings, which a unit's leaders follow up the same day: which responses are low, and the
//! period's figure of how many were followed up in time.

use std::collections::BTreeMap;

use crate::definition::answer::Answer;
use crate::definition::model::{QuestionKind, Survey};

/// Whether these answers are a low rating to follow up: for a survey with Quyết định 766's rule
/// (the per-dossier evaluation), a dossier it counts as not satisfied (rated so, harassed, or
/// late); otherwise an overall rating at a level that is not satisfied.
pub fn is_low(survey: &Survey, answers: &BTreeMap<String, Answer>) -> bool {
    if let Some(rule) = &survey.scoring().qd766_not_satisfied {
        return rule.holds(survey, answers);
    }
    let Some(id) = survey.scoring().overall.as_deref() else { return false };
    match (survey.question(id).map(|question| &question.kind), answers.get(id)) {
        (Some(QuestionKind::Rating(scale)), Some(Answer::Choice(code))) => {
            scale.level(code).is_some_and(|level| !level.satisfied)
        }
        _ => false,
    }
}

/// The period's follow-up figure: its low ratings, those followed up, and those followed up
/// within `days` days of the rating.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FollowUpFigure {
    pub days: u32,
    pub low: u64,
    pub followed: u64,
    pub in_time: u64,
}

impl FollowUpFigure {
    /// Counts one low rating given at `rated_at`, followed up at `followed_at` if it was (both
    /// RFC 3339). A time that cannot be read is not in time.
    pub fn add(&mut self, rated_at: &str, followed_at: Option<&str>) {
        self.low += 1;
        let Some(followed_at) = followed_at else { return };
        self.followed += 1;
        let (Ok(rated), Ok(followed)) =
            (crate::vn_time::parse_rfc3339(rated_at), crate::vn_time::parse_rfc3339(followed_at))
        else {
            return;
        };
        if followed - rated <= time::Duration::days(i64::from(self.days)) {
            self.in_time += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn followed_up_in_time_is_within_the_days_set_and_late_or_never_is_not() {
        let mut figure = FollowUpFigure { days: 1, ..FollowUpFigure::default() };
        figure.add("2026-11-23T09:00:00+07:00", Some("2026-11-23T16:30:00+07:00"));
        figure.add("2026-11-23T09:00:00+07:00", Some("2026-11-24T09:00:00+07:00"));
        figure.add("2026-11-23T09:00:00+07:00", Some("2026-11-24T09:00:01+07:00"));
        figure.add("2026-11-23T09:00:00+07:00", None);
        figure.add("2026-11-23T09:00:00+07:00", Some("hôm qua"));
        assert_eq!(figure, FollowUpFigure { days: 1, low: 5, followed: 4, in_time: 2 });
    }
}
