//! Tallies: how many responses chose each option, per survey version.
//!
//! A tally holds counts only. Percentages are derived from counts when a tally is written out,
//! and rounded once there, so tallies from many kiosks and wards can be merged by adding counts.
//! Misuse-flagged and partial responses are counted apart and left out of the results; nothing
//! is dropped silently.

use time::Date;

use crate::export::{Cell, CsvProfile};
use crate::model::{QuestionKind, Survey};
use crate::record::{Answer, ResponseRecord};
use crate::text::{Lang, Text};
use crate::vn_time;

/// The counts of one survey version's responses.
#[derive(Clone, Debug, PartialEq)]
pub struct Tally {
    pub survey_id: String,
    pub survey_version: String,
    /// The first and last Vietnam days with a counted response.
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    /// Complete responses that count in the results.
    pub responses: u64,
    /// Responses flagged as misuse: kept, and counted here instead of in the results.
    pub misuse: u64,
    /// Responses the citizen left before the end.
    pub partial: u64,
    /// Records of other surveys or versions, or that could not be read; not counted here.
    pub skipped: u64,
    pub questions: Vec<QuestionTally>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QuestionTally {
    pub question_id: String,
    /// In the order the citizen saw them, zero counts included.
    pub options: Vec<OptionCount>,
    /// How many counted responses answered this question.
    pub answered: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OptionCount {
    pub code: String,
    pub label: Text,
    pub count: u64,
}

/// The columns of the tally CSV; `docs/formats.md` describes each.
pub const TALLY_COLUMNS: [&str; 14] = [
    "survey_id",
    "survey_version",
    "period_start",
    "period_end",
    "unit",
    "counter",
    "staff",
    "field",
    "question_id",
    "option_code",
    "option_label",
    "count",
    "answered",
    "percent",
];

impl Tally {
    /// A tally with every option of `survey` at zero: one entry per choice-like question and per
    /// matrix item (`question.item`). Numbers and free text are never tallied.
    pub fn empty(survey: &Survey) -> Tally {
        let mut questions = Vec::new();
        for question in &survey.questions {
            let options: Vec<OptionCount> = question
                .kind
                .choices()
                .into_iter()
                .map(|choice| OptionCount { code: choice.code, label: choice.label, count: 0 })
                .collect();
            if options.is_empty() {
                continue;
            }
            match &question.kind {
                QuestionKind::Matrix { items, .. } => questions.extend(items.iter().map(|item| QuestionTally {
                    question_id: format!("{}.{}", question.id, item.id),
                    options: options.clone(),
                    answered: 0,
                })),
                _ => questions.push(QuestionTally { question_id: question.id.clone(), options, answered: 0 }),
            }
        }
        Tally {
            survey_id: survey.id.clone(),
            survey_version: survey.version.clone(),
            period_start: None,
            period_end: None,
            responses: 0,
            misuse: 0,
            partial: 0,
            skipped: 0,
            questions,
        }
    }

    /// Counts the records that answer `survey`.
    pub fn count<'a>(survey: &Survey, records: impl IntoIterator<Item = &'a ResponseRecord>) -> Tally {
        let mut tally = Tally::empty(survey);
        for record in records {
            tally.add(survey, record);
        }
        tally
    }

    fn add(&mut self, survey: &Survey, record: &ResponseRecord) {
        if record.check_against(survey).is_err() {
            self.skipped += 1;
            return;
        }
        if record.misuse.is_some() {
            self.misuse += 1;
            return;
        }
        if record.partial {
            self.partial += 1;
            return;
        }
        self.responses += 1;
        if let Ok(instant) = vn_time::parse_rfc3339(&record.submitted_at) {
            let day = vn_time::vietnam_date(instant);
            self.period_start = Some(self.period_start.map_or(day, |start| start.min(day)));
            self.period_end = Some(self.period_end.map_or(day, |end| end.max(day)));
        }
        for question in &mut self.questions {
            let (question_id, item) = match question.question_id.split_once('.') {
                Some((question_id, item)) => (question_id, Some(item)),
                None => (question.question_id.as_str(), None),
            };
            let chosen: Vec<String> = match (record.answers.get(question_id), item) {
                (Some(Answer::Choice(code)), None) => vec![code.clone()],
                (Some(Answer::Choices(choices)), None) => choices.codes.clone(),
                (Some(Answer::Number(number)), None) => vec![number.to_string()],
                (Some(Answer::Matrix(levels)), Some(item)) => levels.get(item).cloned().into_iter().collect(),
                _ => Vec::new(),
            };
            let mut counted = false;
            for code in chosen {
                if let Some(option) = question.options.iter_mut().find(|option| option.code == code) {
                    option.count += 1;
                    counted = true;
                }
            }
            question.answered += u64::from(counted);
        }
    }

    /// The tally as CSV rows: one per option, zero counts included, then one row each for the
    /// number of responses counted, flagged as misuse, and left partial.
    pub fn to_csv(&self, profile: CsvProfile) -> Vec<u8> {
        let day = |date: Option<Date>| date.map_or(Cell::Empty, |date| Cell::Text(date.to_string()));
        let row = |question_id: &str, code: &str, label: &str, count: u64, answered: Option<u64>| {
            vec![
                Cell::Text(self.survey_id.clone()),
                Cell::Text(self.survey_version.clone()),
                day(self.period_start),
                day(self.period_end),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Text(question_id.into()),
                Cell::Text(code.into()),
                Cell::Text(label.into()),
                Cell::Integer(count),
                answered.map_or(Cell::Empty, Cell::Integer),
                answered.and_then(|answered| percent(count, answered)).unwrap_or(Cell::Empty),
            ]
        };
        let mut rows = Vec::new();
        for question in &self.questions {
            for option in &question.options {
                rows.push(row(
                    &question.question_id,
                    &option.code,
                    option.label.get(Lang::Vi),
                    option.count,
                    Some(question.answered),
                ));
            }
        }
        rows.push(row("_responses", "", "", self.responses, None));
        rows.push(row("_misuse", "", "", self.misuse, None));
        rows.push(row("_partial", "", "", self.partial, None));
        profile.write(&TALLY_COLUMNS, &rows)
    }
}

/// `count / answered` as a percentage with two decimals, rounded half up, from integers only.
pub fn percent(count: u64, answered: u64) -> Option<Cell> {
    (answered > 0).then(|| Cell::Fixed { scaled: (count * 10_000 + answered / 2) / answered, decimals: 2 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::record;

    fn survey() -> Survey {
        Survey::from_json(
            r#"{"format": 1, "id": "quay", "version": "2026.1", "legal_basis": "TT 32/2017",
            "title": {"vi": "Đánh giá"}, "thank_you": {"vi": "Cảm ơn"},
            "questions": [{"id": "hai-long", "kind": "rating", "text": {"vi": "Hài lòng?"},
              "levels": [
                {"code": "khong", "label": {"vi": "Không hài lòng"}},
                {"code": "co", "label": {"vi": "Hài lòng"}, "satisfied": true},
                {"code": "rat", "label": {"vi": "Rất hài lòng"}, "satisfied": true}]}]}"#,
        )
        .unwrap()
    }

    const IDS: [&str; 6] = [
        "0b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90",
        "1b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90",
        "2b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90",
        "3b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90",
        "4b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90",
        "5b9e4e4a-6d3c-4d8e-9a57-2f1c3b5e7a90",
    ];

    #[test]
    fn counts_per_level_with_misuse_partial_and_strangers_apart() {
        let mut records = vec![record(IDS[0], "rat"), record(IDS[1], "rat"), record(IDS[2], "khong")];
        records[2].submitted_at = "2026-11-20T08:00:00+07:00".into();
        let mut flagged = record(IDS[3], "co");
        flagged.misuse = Some("burst".into());
        let mut partial = record(IDS[4], "co");
        partial.partial = true;
        let mut other = record(IDS[5], "co");
        other.survey_version = "2025.1".into();
        records.extend([flagged, partial, other]);

        let tally = Tally::count(&survey(), &records);
        let csv = String::from_utf8(tally.to_csv(CsvProfile::Rfc4180)).unwrap().replace("\r\n", "\n");
        expect_test::expect![[r#"
            survey_id,survey_version,period_start,period_end,unit,counter,staff,field,question_id,option_code,option_label,count,answered,percent
            quay,2026.1,2026-11-20,2026-11-23,,,,,hai-long,rat,Rất hài lòng,2,3,66.67
            quay,2026.1,2026-11-20,2026-11-23,,,,,hai-long,co,Hài lòng,0,3,0.00
            quay,2026.1,2026-11-20,2026-11-23,,,,,hai-long,khong,Không hài lòng,1,3,33.33
            quay,2026.1,2026-11-20,2026-11-23,,,,,_responses,,,3,,
            quay,2026.1,2026-11-20,2026-11-23,,,,,_misuse,,,1,,
            quay,2026.1,2026-11-20,2026-11-23,,,,,_partial,,,1,,
        "#]]
        .assert_eq(&csv);
        assert_eq!(tally.skipped, 1);
    }

    #[test]
    fn an_empty_tally_lists_every_option_at_zero() {
        let tally = Tally::count(&survey(), &[]);
        assert_eq!(tally.responses, 0);
        assert_eq!(tally.questions[0].options.iter().map(|o| o.count).sum::<u64>(), 0);
        assert_eq!(tally.questions[0].options.len(), 3);
    }

    #[test]
    fn percent_rounds_once_half_up() {
        assert_eq!(percent(1, 3), Some(Cell::Fixed { scaled: 3333, decimals: 2 }));
        assert_eq!(percent(2, 3), Some(Cell::Fixed { scaled: 6667, decimals: 2 }));
        assert_eq!(percent(1, 8), Some(Cell::Fixed { scaled: 1250, decimals: 2 }));
        assert_eq!(percent(0, 0), None);
    }
}
