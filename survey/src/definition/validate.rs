//! Validating a definition into a [`Survey`]: the only way one is made, so a `Survey` that
//! exists is valid. Every problem is returned at once, each with a path such as
//! `questions[0].levels[2].label.vi`, so that an author fixes a file in one pass.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use crate::definition::def::{DEF_FORMAT, QuestionDef, QuestionKindDef, ScalarDef, SurveyDef, TextDef};
use crate::definition::model::{
    Choice, LONG_TEXT_MAX, Level, MatrixItem, OTHER_CODE, Question, QuestionKind, RatingScale, SHORT_TEXT_MAX, Section,
    Survey,
};
use crate::text::Text;

/// Everything wrong with one definition.
#[derive(Clone, Debug, PartialEq)]
pub struct DefError {
    pub problems: Vec<Problem>,
}

/// One thing wrong with a definition, at a path inside it.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Where, as field names and list indices: `questions[0].levels[2].label.vi`.
    /// Empty for a problem with the file as a whole.
    pub path: String,
    /// The line, where the parser knows it.
    pub line: Option<usize>,
    pub kind: ProblemKind,
    pub message: String,
}

/// What kind of problem a definition has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file is not well-formed, or a field has the wrong type or an unknown name.
    Syntax,
    /// The file is in a format version this build cannot read.
    UnsupportedFormat,
    /// A required value is absent or blank.
    Missing,
    /// A list that must have entries has none.
    Empty,
    /// Two things that must have distinct ids share one.
    Duplicate,
    /// A reference names something that does not exist.
    Unknown,
    /// A condition looks at a later question, or conditions form a cycle.
    Order,
    /// A value breaks a rule of its own (a malformed id, a scale of the wrong size, a field
    /// given to a kind of question it does not apply to).
    Invalid,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() { write!(f, "{}", self.message) } else { write!(f, "{}: {}", self.path, self.message) }
    }
}

impl fmt::Display for DefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DefError {}

impl Survey {
    /// Validates a definition, returning every problem found.
    pub fn from_def(def: SurveyDef) -> Result<Survey, DefError> {
        let mut check = Checker::default();
        if def.format != DEF_FORMAT {
            check.problem(
                "format",
                ProblemKind::UnsupportedFormat,
                format!("this version reads format {DEF_FORMAT}, the file says {}", def.format),
            );
        }
        check.identifier("id", &def.id);
        check.version("version", &def.version);
        if def.legal_basis.trim().is_empty() {
            check.problem("legal_basis", ProblemKind::Missing, "the legal basis is required".into());
        }
        let title = check.text("title", &def.title);
        let intro = def.intro.as_ref().map(|intro| check.text("intro", intro));
        let thank_you = check.text("thank_you", &def.thank_you);

        let mut section_ids = HashSet::new();
        let sections = def
            .sections
            .iter()
            .enumerate()
            .map(|(index, section)| {
                let path = format!("sections[{index}]");
                check.identifier(&format!("{path}.id"), &section.id);
                if !section_ids.insert(section.id.as_str()) {
                    check.duplicate(&format!("{path}.id"), "section id", &section.id);
                }
                Section {
                    id: section.id.clone(),
                    title: check.text(&format!("{path}.title"), &section.title),
                    intro: section.intro.as_ref().map(|intro| check.text(&format!("{path}.intro"), intro)),
                }
            })
            .collect::<Vec<_>>();

        if def.questions.is_empty() {
            check.problem("questions", ProblemKind::Empty, "a survey needs at least one question".into());
        }
        // Kinds first, so that conditions can check the values they compare against.
        let mut question_ids: HashMap<&str, usize> = HashMap::new();
        let mut questions = Vec::with_capacity(def.questions.len());
        for (index, question) in def.questions.iter().enumerate() {
            let path = format!("questions[{index}]");
            check.identifier(&format!("{path}.id"), &question.id);
            if question_ids.insert(question.id.as_str(), index).is_some() {
                check.duplicate(&format!("{path}.id"), "question id", &question.id);
            }
            if let Some(section) = &question.section
                && !section_ids.contains(section.as_str())
            {
                check.problem(
                    &format!("{path}.section"),
                    ProblemKind::Unknown,
                    format!("no section has the id `{section}`"),
                );
            }
            if question.sensitive && question.required {
                check.problem(
                    &format!("{path}.required"),
                    ProblemKind::Invalid,
                    "a sensitive question (personal data under Nghị định 13/2023) must be optional".into(),
                );
            }
            questions.push(Question {
                id: question.id.clone(),
                text: check.text(&format!("{path}.text"), &question.text),
                help: question.help.as_ref().map(|help| check.text(&format!("{path}.help"), help)),
                section: question.section.clone(),
                required: question.required,
                sensitive: question.sensitive,
                show_if: None,
                kind: check.kind(&path, question),
            });
        }

        // Conditions may look only at earlier questions; edges are kept to name cycles.
        let mut edges: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (index, question) in def.questions.iter().enumerate() {
            if let Some(condition) = &question.show_if {
                let path = format!("questions[{index}].show_if");
                let mut scope =
                    Scope { questions: &questions, ids: &question_ids, before: Some(index), seen: Vec::new() };
                let checked = check.condition(&path, condition, &mut scope);
                edges.insert(index, scope.seen);
                questions[index].show_if = checked;
            }
        }
        check.cycles(&def.questions, &edges);

        let scoring =
            def.scoring.as_ref().map(|scoring| check.scoring(scoring, &questions, &question_ids)).unwrap_or_default();

        if check.problems.is_empty() {
            Ok(Survey {
                id: def.id,
                version: def.version,
                legal_basis: def.legal_basis,
                source_note: def.source_note,
                title,
                intro,
                thank_you,
                keep_partial: def.keep_partial,
                sections,
                questions,
                scoring,
            })
        } else {
            Err(DefError { problems: check.problems })
        }
    }
}

/// What a condition may refer to.
pub(super) struct Scope<'a> {
    pub(super) questions: &'a [Question],
    pub(super) ids: &'a HashMap<&'a str, usize>,
    /// Conditions of `show_if` may look only at questions before this index.
    pub(super) before: Option<usize>,
    /// The questions referred to, for naming cycles.
    pub(super) seen: Vec<usize>,
}

#[derive(Default)]
pub(super) struct Checker {
    pub(super) problems: Vec<Problem>,
}

impl Checker {
    pub(super) fn problem(&mut self, path: &str, kind: ProblemKind, message: String) {
        self.problems.push(Problem { path: path.to_owned(), line: None, kind, message });
    }

    pub(super) fn duplicate(&mut self, path: &str, what: &str, id: &str) {
        self.problem(path, ProblemKind::Duplicate, format!("{what} `{id}` is used twice"));
    }

    /// Ids go into CSV headers, URLs and file names, so they stay plain: `a-z`, `0-9`, `-`.
    pub(super) fn identifier(&mut self, path: &str, id: &str) {
        if id.is_empty() {
            self.problem(path, ProblemKind::Missing, "an id is required".into());
        } else if !is_identifier(id) {
            self.problem(
                path,
                ProblemKind::Invalid,
                format!("`{id}` must be lowercase letters a-z, digits and dashes, starting with a letter"),
            );
        }
    }

    pub(super) fn version(&mut self, path: &str, version: &str) {
        let plain = !version.is_empty() && version.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if !plain {
            self.problem(
                path,
                ProblemKind::Invalid,
                format!("version `{version}` must be ASCII letters, digits, dots and dashes, such as `2026.1`"),
            );
        }
    }

    pub(super) fn text(&mut self, path: &str, text: &TextDef) -> Text {
        if text.vi.trim().is_empty() {
            self.problem(&format!("{path}.vi"), ProblemKind::Missing, "Vietnamese text is required".into());
        }
        Text { vi: text.vi.clone(), en: text.en.clone().filter(|en| !en.trim().is_empty()) }
    }

    pub(super) fn kind(&mut self, path: &str, question: &QuestionDef) -> QuestionKind {
        use QuestionKindDef as K;
        let kind = question.kind;
        let fields: [(&str, bool, &[QuestionKindDef]); 11] = [
            ("levels", !question.levels.is_empty(), &[K::Rating, K::Matrix]),
            ("order", question.order.is_some(), &[K::Rating, K::Matrix]),
            ("options", !question.options.is_empty(), &[K::SingleChoice, K::MultipleChoice]),
            ("other", question.other.is_some(), &[K::MultipleChoice]),
            ("max_choices", question.max_choices.is_some(), &[K::MultipleChoice]),
            ("min", question.min.is_some(), &[K::Number]),
            ("max", question.max.is_some(), &[K::Number]),
            ("max_length", question.max_length.is_some(), &[K::ShortText, K::LongText]),
            ("items", !question.items.is_empty(), &[K::Matrix]),
            ("low_label", question.low_label.is_some(), &[K::Nps]),
            ("high_label", question.high_label.is_some(), &[K::Nps]),
        ];
        for (field, present, applies_to) in fields {
            if present && !applies_to.contains(&kind) {
                self.problem(
                    &format!("{path}.{field}"),
                    ProblemKind::Invalid,
                    format!("`{field}` does not apply to {} questions", kind.name()),
                );
            }
        }
        match kind {
            K::Rating => QuestionKind::Rating(self.scale(path, question, 3..=5)),
            K::Matrix => {
                if question.items.is_empty() {
                    self.problem(
                        &format!("{path}.items"),
                        ProblemKind::Empty,
                        "a matrix needs at least one item".into(),
                    );
                }
                let mut ids = HashSet::new();
                let items = question
                    .items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        let item_path = format!("{path}.items[{index}]");
                        self.identifier(&format!("{item_path}.id"), &item.id);
                        if !ids.insert(item.id.as_str()) {
                            self.duplicate(&format!("{item_path}.id"), "item id", &item.id);
                        }
                        MatrixItem { id: item.id.clone(), text: self.text(&format!("{item_path}.text"), &item.text) }
                    })
                    .collect();
                QuestionKind::Matrix { items, scale: self.scale(path, question, 2..=7) }
            }
            K::SingleChoice => QuestionKind::SingleChoice { options: self.options(path, question) },
            K::MultipleChoice => {
                let options = self.options(path, question);
                let other = question.other.as_ref().map(|other| self.text(&format!("{path}.other"), other));
                let available = options.len() as u32 + u32::from(other.is_some());
                if let Some(max) = question.max_choices
                    && (max == 0 || max > available)
                {
                    self.problem(
                        &format!("{path}.max_choices"),
                        ProblemKind::Invalid,
                        format!("max_choices must be between 1 and the {available} options"),
                    );
                }
                QuestionKind::MultipleChoice { options, other, max_choices: question.max_choices }
            }
            K::YesNo => QuestionKind::YesNo,
            K::Number => {
                if let (Some(min), Some(max)) = (question.min, question.max)
                    && min > max
                {
                    self.problem(&format!("{path}.min"), ProblemKind::Invalid, format!("min {min} is above max {max}"));
                }
                QuestionKind::Number { min: question.min, max: question.max }
            }
            K::ShortText => QuestionKind::ShortText { max_length: self.max_length(path, question, SHORT_TEXT_MAX) },
            K::LongText => QuestionKind::LongText { max_length: self.max_length(path, question, LONG_TEXT_MAX) },
            K::Nps => QuestionKind::Nps {
                low_label: question.low_label.as_ref().map(|label| self.text(&format!("{path}.low_label"), label)),
                high_label: question.high_label.as_ref().map(|label| self.text(&format!("{path}.high_label"), label)),
            },
        }
    }

    pub(super) fn max_length(&mut self, path: &str, question: &QuestionDef, default: u32) -> u32 {
        let max = question.max_length.unwrap_or(default);
        if !(1..=10_000).contains(&max) {
            self.problem(&format!("{path}.max_length"), ProblemKind::Invalid, "max_length must be 1 to 10000".into());
        }
        max
    }

    pub(super) fn scale(
        &mut self,
        path: &str,
        question: &QuestionDef,
        sizes: std::ops::RangeInclusive<usize>,
    ) -> RatingScale {
        let count = question.levels.len();
        if !sizes.contains(&count) {
            self.problem(
                &format!("{path}.levels"),
                ProblemKind::Invalid,
                format!(
                    "a {} scale has {} to {} levels, this one has {count}",
                    question.kind.name(),
                    sizes.start(),
                    sizes.end()
                ),
            );
        }
        let mut codes = HashSet::new();
        let levels = question
            .levels
            .iter()
            .enumerate()
            .map(|(index, level)| {
                let level_path = format!("{path}.levels[{index}]");
                self.identifier(&format!("{level_path}.code"), &level.code);
                if !codes.insert(level.code.as_str()) {
                    self.problem(
                        &format!("{level_path}.code"),
                        ProblemKind::Duplicate,
                        format!("level code `{}` is used twice in this question", level.code),
                    );
                }
                Level {
                    code: level.code.clone(),
                    label: self.text(&format!("{level_path}.label"), &level.label),
                    face: level.face,
                    satisfied: level.satisfied,
                }
            })
            .collect();
        RatingScale { levels, order: question.order.unwrap_or_default() }
    }

    pub(super) fn options(&mut self, path: &str, question: &QuestionDef) -> Vec<Choice> {
        if question.options.is_empty() {
            self.problem(&format!("{path}.options"), ProblemKind::Empty, "a choice question needs options".into());
        }
        let mut codes = HashSet::new();
        question
            .options
            .iter()
            .enumerate()
            .map(|(index, option)| {
                let option_path = format!("{path}.options[{index}]");
                self.identifier(&format!("{option_path}.code"), &option.code);
                if !codes.insert(option.code.as_str()) {
                    self.problem(
                        &format!("{option_path}.code"),
                        ProblemKind::Duplicate,
                        format!("option code `{}` is used twice in this question", option.code),
                    );
                }
                if option.code == OTHER_CODE && question.other.is_some() {
                    self.problem(
                        &format!("{option_path}.code"),
                        ProblemKind::Invalid,
                        format!("`{OTHER_CODE}` is the code of the `other` option; choose another code"),
                    );
                }
                Choice { code: option.code.clone(), label: self.text(&format!("{option_path}.label"), &option.label) }
            })
            .collect()
    }
}

pub(super) fn show(value: &ScalarDef) -> String {
    match value {
        ScalarDef::Bool(value) => value.to_string(),
        ScalarDef::Integer(value) => value.to_string(),
        ScalarDef::Text(value) => format!("`{value}`"),
    }
}

fn is_identifier(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATING: &str = r#"{"id": "hai-long", "kind": "rating", "text": {"vi": "Hài lòng?"},
        "levels": [
            {"code": "khong", "label": {"vi": "Không hài lòng"}, "face": "unhappy"},
            {"code": "co", "label": {"vi": "Hài lòng"}, "satisfied": true},
            {"code": "rat", "label": {"vi": "Rất hài lòng", "en": "Very satisfied"}, "satisfied": true}]}"#;

    /// A whole definition around these questions (JSON objects separated by commas) and any
    /// extra top-level fields.
    fn survey(questions: &str, extra: &str) -> String {
        format!(
            r#"{{"format": 1, "id": "quay", "version": "2026.1", "legal_basis": "TT 32/2017",
            "title": {{"vi": "Đánh giá"}}, "thank_you": {{"vi": "Cảm ơn"}}, {extra}
            "questions": [{questions}]}}"#
        )
    }

    fn check(json: &str, expect: expect_test::Expect) {
        let actual = match Survey::from_json(json) {
            Ok(survey) => format!("ok: {} {} questions", survey.id, survey.questions.len()),
            Err(err) => err.to_string(),
        };
        expect.assert_eq(&actual);
    }

    #[test]
    fn a_good_definition_validates() {
        check(&survey(RATING, ""), expect_test::expect!["ok: quay 1 questions"]);
    }

    #[test]
    fn best_first_shows_the_best_level_first() {
        let survey = Survey::from_json(&survey(RATING, "")).unwrap();
        let QuestionKind::Rating(scale) = &survey.questions[0].kind else { panic!() };
        let shown: Vec<_> = scale.display_levels().iter().map(|level| level.code.as_str()).collect();
        assert_eq!(shown, ["rat", "co", "khong"]);
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_path() {
        let bad = survey(RATING, "")
            .replace(r#""id": "quay""#, r#""id": "Quầy 1""#)
            .replace(r#"{"vi": "Hài lòng"}"#, r#"{"vi": " ", "en": "Satisfied"}"#)
            .replace(r#""code": "co""#, r#""code": "khong""#);
        check(
            &bad,
            expect_test::expect![[r#"
                id: `Quầy 1` must be lowercase letters a-z, digits and dashes, starting with a letter
                questions[0].levels[1].code: level code `khong` is used twice in this question
                questions[0].levels[1].label.vi: Vietnamese text is required"#]],
        );
    }

    #[test]
    fn a_scale_needs_three_to_five_levels() {
        let bad = survey(RATING, "")
            .replace(r#"{"code": "khong", "label": {"vi": "Không hài lòng"}, "face": "unhappy"},"#, "");
        check(&bad, expect_test::expect!["questions[0].levels: a rating scale has 3 to 5 levels, this one has 2"]);
    }

    #[test]
    fn unknown_fields_and_syntax_errors_name_the_line() {
        let unknown = survey(RATING, r#""colour": "red","#);
        let err = Survey::from_json(&unknown).unwrap_err();
        assert_eq!(err.problems[0].kind, ProblemKind::Syntax);
        assert_eq!(err.problems[0].line, Some(2));
        assert!(err.problems[0].message.contains("unknown field `colour`"), "{err}");

        let good = survey(RATING, "");
        let err = Survey::from_json(&good[..good.len() / 2]).unwrap_err();
        assert_eq!(err.problems[0].kind, ProblemKind::Syntax);
        let err = Survey::from_json(&good.replace(r#""version": "2026.1""#, r#""version": 2026"#)).unwrap_err();
        assert!(err.problems[0].message.contains("invalid type"), "{err}");
    }

    #[test]
    fn a_newer_format_is_refused_by_name() {
        check(
            &survey(RATING, "").replace(r#""format": 1"#, r#""format": 2"#),
            expect_test::expect!["format: this version reads format 1, the file says 2"],
        );
    }

    #[test]
    fn conditions_look_only_at_earlier_answers() {
        let later = r#"{"id": "a", "kind": "yes-no", "text": {"vi": "A?"}, "show_if": {"question": "hai-long", "equals": "co"}}"#;
        check(
            &survey(&format!("{later}, {RATING}"), ""),
            expect_test::expect![
                "questions[0].show_if.question: `hai-long` comes later; a condition may only look at earlier answers"
            ],
        );
        let itself =
            r#"{"id": "a", "kind": "yes-no", "text": {"vi": "A?"}, "show_if": {"question": "a", "equals": true}}"#;
        check(
            &survey(&format!("{RATING}, {itself}"), ""),
            expect_test::expect!["questions[1].show_if.question: a question cannot depend on its own answer (a cycle)"],
        );
    }

    #[test]
    fn cycles_are_named() {
        let a = r#"{"id": "a", "kind": "yes-no", "text": {"vi": "A?"}, "show_if": {"question": "b", "equals": true}}"#;
        let b = r#"{"id": "b", "kind": "yes-no", "text": {"vi": "B?"}, "show_if": {"not": {"question": "a", "equals": false}}}"#;
        check(
            &survey(&format!("{a}, {b}"), ""),
            expect_test::expect![[r#"
                questions[0].show_if.question: `b` comes later; a condition may only look at earlier answers
                questions[0].show_if: conditions form a cycle: a → b → a"#]],
        );
    }

    #[test]
    fn condition_values_must_fit_their_question() {
        let checks = [
            r#"{"question": "hai-long", "equals": "tot"}"#,
            r#"{"question": "so", "equals": "hai"}"#,
            r#"{"question": "y-kien", "equals": "x"}"#,
            r#"{"question": "gioi", "at_least": "nam"}"#,
            r#"{"question": "khong-co"}"#,
            r#"{"question": "hai-long", "equals": "co", "one_of": ["rat"]}"#,
            r#"{"question": "ma", "equals": "rat"}"#,
            r#"{"all": []}"#,
        ];
        let questions = [
            RATING,
            r#"{"id": "so", "kind": "number", "text": {"vi": "Số?"}}"#,
            r#"{"id": "y-kien", "kind": "short-text", "text": {"vi": "Ý kiến?"}}"#,
            r#"{"id": "gioi", "kind": "single-choice", "text": {"vi": "Giới tính"}, "options": [{"code": "nam", "label": {"vi": "Nam"}}]}"#,
            r#"{"id": "ma", "kind": "matrix", "text": {"vi": "Đánh giá"}, "items": [{"id": "mot", "text": {"vi": "Một"}}],
                "levels": [{"code": "it", "label": {"vi": "Ít"}}, {"code": "nhieu", "label": {"vi": "Nhiều"}}]}"#,
        ];
        let mut all = questions.join(", ");
        for (index, condition) in checks.iter().enumerate() {
            all.push_str(&format!(
                r#", {{"id": "c{index}", "kind": "yes-no", "text": {{"vi": "?"}}, "show_if": {condition}}}"#
            ));
        }
        check(
            &survey(&all, ""),
            expect_test::expect![[r#"
                questions[5].show_if.equals: `tot` is not an answer of this question; expected one of `rat`, `co`, `khong`
                questions[6].show_if.equals: `hai` is not an answer of this question; expected a whole number
                questions[7].show_if.equals: `x` is not an answer of this question; expected nothing: a text answer can only be tested with `answered`
                questions[8].show_if.at_least: `at_least` compares ordered answers; `gioi` is a single-choice question
                questions[9].show_if: a condition needs one of equals, one_of, at_least, at_most, greater_than, less_than, answered, all, any, not
                questions[10].show_if: a condition takes one form, this one has equals, one_of
                questions[11].show_if.item: name the item of matrix `ma` to compare
                questions[12].show_if.all: `all` needs at least one condition"#]],
        );
    }

    #[test]
    fn fields_must_fit_the_kind_and_lists_must_not_be_empty() {
        let questions = [
            r#"{"id": "a", "kind": "single-choice", "text": {"vi": "A?"}, "options": [], "min": 3}"#,
            r#"{"id": "b", "kind": "multiple-choice", "text": {"vi": "B?"}, "options": [{"code": "x", "label": {"vi": "X"}}], "max_choices": 3}"#,
            r#"{"id": "c", "kind": "number", "text": {"vi": "C?"}, "min": 5, "max": 1}"#,
            r#"{"id": "d", "kind": "single-choice", "text": {"vi": "Dân tộc"}, "sensitive": true, "options": [{"code": "kinh", "label": {"vi": "Kinh"}}]}"#,
            r#"{"id": "e", "kind": "matrix", "text": {"vi": "E"}, "levels": [{"code": "it", "label": {"vi": "Ít"}}, {"code": "nhieu", "label": {"vi": "Nhiều"}}]}"#,
            r#"{"id": "f", "kind": "yes-no", "text": {"vi": "F?"}, "section": "khong-co"}"#,
        ];
        check(
            &survey(&questions.join(", "), ""),
            expect_test::expect![[r#"
                questions[0].min: `min` does not apply to single-choice questions
                questions[0].options: a choice question needs options
                questions[1].max_choices: max_choices must be between 1 and the 1 options
                questions[2].min: min 5 is above max 1
                questions[3].required: a sensitive question (personal data under Nghị định 13/2023) must be optional
                questions[4].items: a matrix needs at least one item
                questions[5].section: no section has the id `khong-co`"#]],
        );
    }

    #[test]
    fn score_groups_name_only_ratings_and_points_map_every_option() {
        let questions = [
            RATING,
            r#"{"id": "tra-ket-qua", "kind": "single-choice", "text": {"vi": "Trả kết quả"}, "options": [
                {"code": "som", "label": {"vi": "Sớm hơn hẹn"}}, {"code": "dung", "label": {"vi": "Đúng hẹn"}}, {"code": "tre", "label": {"vi": "Trễ hẹn"}}]}"#,
            r#"{"id": "y-kien", "kind": "long-text", "text": {"vi": "Ý kiến"}, "required": false}"#,
        ];
        let scoring = r#""scoring": {"overall": "tra-ket-qua",
            "elements": [{"id": "chung", "label": {"vi": "Chung"}, "criteria": ["hai-long", "y-kien", "khong-co"]}],
            "indicators": [
              {"id": "chi-so-1", "number": 1, "label": {"vi": "Chỉ số 1"}, "question": "tra-ket-qua", "points": {"som": 2, "dung": 3, "muon": 0}},
              {"id": "chi-so-7", "number": 1, "label": {"vi": "Chỉ số 7"}, "rules": [{"when": {"question": "tra-ket-qua", "equals": "x"}, "points": 1}]}
            ]},"#;
        check(
            &survey(&questions.join(", "), scoring),
            expect_test::expect![[r#"
                scoring.overall: the overall rating must be a rating question; `tra-ket-qua` is a single-choice question
                scoring.elements[0].criteria[1]: a score group may name only rating questions and matrix items; `y-kien` is a long-text question
                scoring.elements[0].criteria[2]: no question has the id `khong-co`
                scoring.indicators[0].points.muon: `tra-ket-qua` has no option `muon`
                scoring.indicators[0].points: the points miss the option(s) `tre` of `tra-ket-qua`
                scoring.indicators[0].points.dung: an indicator scores 0, 1 or 2 points, not 3
                scoring.indicators[1].number: indicator 1 is defined twice
                scoring.indicators[1].rules[0].when.equals: `x` is not an answer of this question; expected one of `som`, `dung`, `tre`"#]],
        );
    }
}
