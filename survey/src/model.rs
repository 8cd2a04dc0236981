//! The validated survey model.
//!
//! A [`Survey`] that exists is valid: the only way to get one is [`Survey::from_def`], which
//! checks every rule and returns all problems at once, each with a path such as
//! `questions[0].levels[2].label.vi`, so that an author fixes a file in one pass.

use std::collections::HashSet;
use std::fmt;

use crate::def::{self, DEF_FORMAT, Face, LevelOrder, QuestionKindDef, SurveyDef, TextDef};
use crate::text::Text;

#[derive(Clone, Debug, PartialEq)]
pub struct Survey {
    pub id: String,
    pub version: String,
    pub legal_basis: String,
    pub source_note: String,
    pub title: Text,
    pub intro: Option<Text>,
    pub thank_you: Text,
    pub questions: Vec<Question>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub id: String,
    pub text: Text,
    pub required: bool,
    pub kind: QuestionKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum QuestionKind {
    Rating(RatingScale),
}

/// A rating scale; `levels` run from the worst to the best, so a level's index is its score.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingScale {
    pub levels: Vec<Level>,
    pub order: LevelOrder,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    pub code: String,
    pub label: Text,
    pub face: Option<Face>,
    pub satisfied: bool,
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

impl Survey {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|question| question.id == id)
    }

    /// Parses and validates a definition written as JSON (the form the app embeds).
    pub fn from_json(json: &str) -> Result<Survey, DefError> {
        let def: SurveyDef = serde_json::from_str(json).map_err(|err| DefError {
            problems: vec![Problem {
                path: String::new(),
                line: Some(err.line()),
                kind: ProblemKind::Syntax,
                message: err.to_string(),
            }],
        })?;
        Survey::from_def(def)
    }

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

        if def.questions.is_empty() {
            check.problem("questions", ProblemKind::Empty, "a survey needs at least one question".into());
        }
        let mut question_ids = HashSet::new();
        let questions = def
            .questions
            .iter()
            .enumerate()
            .map(|(index, question)| {
                let path = format!("questions[{index}]");
                check.identifier(&format!("{path}.id"), &question.id);
                if !question_ids.insert(question.id.as_str()) {
                    check.problem(
                        &format!("{path}.id"),
                        ProblemKind::Duplicate,
                        format!("question id `{}` is used twice", question.id),
                    );
                }
                let text = check.text(&format!("{path}.text"), &question.text);
                let kind = match question.kind {
                    QuestionKindDef::Rating => QuestionKind::Rating(check.rating(&path, question)),
                };
                Question { id: question.id.clone(), text, required: question.required, kind }
            })
            .collect();

        if check.problems.is_empty() {
            Ok(Survey {
                id: def.id,
                version: def.version,
                legal_basis: def.legal_basis,
                source_note: def.source_note,
                title,
                intro,
                thank_you,
                questions,
            })
        } else {
            Err(DefError { problems: check.problems })
        }
    }
}

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
    /// A value breaks a rule of its own (a malformed id, a scale of the wrong size).
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

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn problem(&mut self, path: &str, kind: ProblemKind, message: String) {
        self.problems.push(Problem { path: path.to_owned(), line: None, kind, message });
    }

    /// Ids go into CSV headers, URLs and file names, so they stay plain: `a-z`, `0-9`, `-`.
    fn identifier(&mut self, path: &str, id: &str) {
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

    fn version(&mut self, path: &str, version: &str) {
        let plain = !version.is_empty() && version.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if !plain {
            self.problem(
                path,
                ProblemKind::Invalid,
                format!("version `{version}` must be ASCII letters, digits, dots and dashes, such as `2026.1`"),
            );
        }
    }

    fn text(&mut self, path: &str, text: &TextDef) -> Text {
        if text.vi.trim().is_empty() {
            self.problem(&format!("{path}.vi"), ProblemKind::Missing, "Vietnamese text is required".into());
        }
        Text { vi: text.vi.clone(), en: text.en.clone().filter(|en| !en.trim().is_empty()) }
    }

    fn rating(&mut self, path: &str, question: &def::QuestionDef) -> RatingScale {
        let count = question.levels.len();
        if !(3..=5).contains(&count) {
            self.problem(
                &format!("{path}.levels"),
                ProblemKind::Invalid,
                format!("a rating scale has 3 to 5 levels, this one has {count}"),
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
        RatingScale { levels, order: question.order }
    }
}

fn is_identifier(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
        "format": 1, "id": "quay", "version": "2026.1", "legal_basis": "TT 32/2017",
        "title": {"vi": "Đánh giá"}, "thank_you": {"vi": "Cảm ơn"},
        "questions": [{"id": "hai-long", "kind": "rating", "text": {"vi": "Hài lòng?"},
          "levels": [
            {"code": "khong", "label": {"vi": "Không hài lòng"}, "face": "unhappy"},
            {"code": "co", "label": {"vi": "Hài lòng"}, "satisfied": true},
            {"code": "rat", "label": {"vi": "Rất hài lòng", "en": "Very satisfied"}, "satisfied": true}
          ]}]
    }"#;

    fn check(json: &str, expect: expect_test::Expect) {
        let actual = match Survey::from_json(json) {
            Ok(survey) => format!("ok: {} {} questions", survey.id, survey.questions.len()),
            Err(err) => err.to_string(),
        };
        expect.assert_eq(&actual);
    }

    #[test]
    fn a_good_definition_validates() {
        check(GOOD, expect_test::expect!["ok: quay 1 questions"]);
    }

    #[test]
    fn best_first_shows_the_best_level_first() {
        let survey = Survey::from_json(GOOD).unwrap();
        let QuestionKind::Rating(scale) = &survey.questions[0].kind;
        let shown: Vec<_> = scale.display_levels().iter().map(|level| level.code.as_str()).collect();
        assert_eq!(shown, ["rat", "co", "khong"]);
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_path() {
        let bad = GOOD
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
        let bad = GOOD.replace(r#"{"code": "khong", "label": {"vi": "Không hài lòng"}, "face": "unhappy"},"#, "");
        check(&bad, expect_test::expect!["questions[0].levels: a rating scale has 3 to 5 levels, this one has 2"]);
    }

    #[test]
    fn unknown_fields_and_syntax_errors_name_the_line() {
        let unknown =
            GOOD.replace(r#""required_typo": 1,"#, "").replace(r#""format": 1,"#, r#""format": 1, "colour": "red","#);
        let err = Survey::from_json(&unknown).unwrap_err();
        assert_eq!(err.problems[0].kind, ProblemKind::Syntax);
        assert_eq!(err.problems[0].line, Some(2));
        assert!(err.problems[0].message.contains("unknown field `colour`"), "{}", err);

        let truncated = &GOOD[..GOOD.len() / 2];
        let err = Survey::from_json(truncated).unwrap_err();
        assert_eq!(err.problems[0].kind, ProblemKind::Syntax);
    }

    #[test]
    fn a_newer_format_is_refused_by_name() {
        check(
            &GOOD.replace(r#""format": 1"#, r#""format": 2"#),
            expect_test::expect!["format: this version reads format 1, the file says 2"],
        );
    }
}
