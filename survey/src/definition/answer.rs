//! Answers, and what can be wrong with one.
//!
//! A citizen's invalid answer is not an error: it is a [`Violation`], data that the filling
//! session keeps beside the answer and that the app explains in words.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::definition::model::{OTHER_CODE, OTHER_MAX_CHARS, Question, QuestionKind};
use crate::text::{Text, short};

/// One answer. Tagged explicitly (`{"kind":"choice","value":"hai-long"}`) so that a text answer
/// can never be mistaken for an option code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Answer {
    /// The code of the chosen option or rating level; yes/no answer `co` or `khong`.
    Choice(String),
    /// The codes of the chosen options of a multiple-choice question.
    Choices(Choices),
    /// A whole number (number and NPS questions).
    Number(i64),
    /// Free text, NFC-normalised and with identifying numbers and e-mail addresses masked.
    Text(String),
    /// A matrix: the chosen level for each answered item.
    Matrix(BTreeMap<String, String>),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choices {
    pub codes: Vec<String>,
    /// The text of "Khác" (other), when `khac` is among the codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
}

/// What is wrong with an answer, or with its absence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// A required question has no answer.
    Required,
    /// The answer is of another kind than the question (a number for a choice, say).
    WrongKind,
    /// A code that is not an option of the question.
    NotAnOption {
        code: String,
    },
    /// A number outside the question's bounds.
    OutOfRange {
        min: Option<i64>,
        max: Option<i64>,
    },
    /// Text longer than the question accepts, in characters.
    TooLong {
        max: u32,
    },
    TooManyChoices {
        max: u32,
    },
    /// The same option twice in one answer (a record can say it; a citizen cannot).
    RepeatedChoice {
        code: String,
    },
    /// "Khác" was chosen without saying what.
    OtherTextMissing,
    /// Text for "Khác" where "Khác" was not chosen.
    OtherTextWithoutOther,
    /// A required matrix with unrated items.
    ItemsMissing {
        items: Vec<String>,
    },
}

impl Answer {
    /// The answer a tap on `code` gives to a one-tap question of `kind`
    /// ([`QuestionKind::is_one_tap`]): a number for a 0–10 scale, the code chosen otherwise;
    /// None where a 0–10 scale is given something that is not a number. The gate then holds
    /// the answer to the question's own answers, as it does every other.
    pub fn tapped(kind: &QuestionKind, code: &str) -> Option<Answer> {
        match kind {
            QuestionKind::Nps { .. } => code.parse().ok().map(Answer::Number),
            _ => Some(Answer::Choice(code.to_owned())),
        }
    }

    /// Whether the answer says nothing: blank text, no choices, an empty matrix. Such an
    /// answer counts as no answer at all.
    pub fn is_empty(&self) -> bool {
        match self {
            Answer::Text(text) => text.trim().is_empty(),
            Answer::Choices(choices) => choices.codes.is_empty(),
            Answer::Matrix(levels) => levels.is_empty(),
            Answer::Choice(_) | Answer::Number(_) => false,
        }
    }
}

impl Question {
    /// Checks one answer against this question.
    pub fn check_answer(&self, answer: &Answer) -> Result<(), Violation> {
        let not_an_option = |code: &str| Violation::NotAnOption { code: code.to_owned() };
        match (&self.kind, answer) {
            (
                QuestionKind::Rating(_) | QuestionKind::SingleChoice { .. } | QuestionKind::YesNo,
                Answer::Choice(code),
            ) => {
                if self.kind.has_choice(code) {
                    Ok(())
                } else {
                    Err(not_an_option(code))
                }
            }
            (QuestionKind::MultipleChoice { max_choices, .. }, Answer::Choices(choices)) => {
                if let Some(code) = choices.codes.iter().find(|code| !self.kind.has_choice(code)) {
                    return Err(not_an_option(code));
                }
                let mut distinct = choices.codes.clone();
                distinct.sort();
                if let Some(pair) = distinct.windows(2).find(|pair| pair[0] == pair[1]) {
                    return Err(Violation::RepeatedChoice { code: pair[0].clone() });
                }
                if let Some(max) = max_choices
                    && distinct.len() > *max as usize
                {
                    return Err(Violation::TooManyChoices { max: *max });
                }
                let said_what = choices.other.as_deref().is_some_and(|text| !text.trim().is_empty());
                let other_chosen = choices.codes.iter().any(|code| code == OTHER_CODE);
                if other_chosen && !said_what {
                    return Err(Violation::OtherTextMissing);
                }
                if !other_chosen && choices.other.is_some() {
                    return Err(Violation::OtherTextWithoutOther);
                }
                if choices.other.as_deref().is_some_and(|text| text.chars().count() > OTHER_MAX_CHARS as usize) {
                    return Err(Violation::TooLong { max: OTHER_MAX_CHARS });
                }
                Ok(())
            }
            (QuestionKind::Number { min, max }, Answer::Number(number)) => {
                let below = min.is_some_and(|min| *number < min);
                let above = max.is_some_and(|max| *number > max);
                if below || above { Err(Violation::OutOfRange { min: *min, max: *max }) } else { Ok(()) }
            }
            (QuestionKind::Nps { .. }, Answer::Number(number)) => {
                if (0..=10).contains(number) {
                    Ok(())
                } else {
                    Err(Violation::OutOfRange { min: Some(0), max: Some(10) })
                }
            }
            (QuestionKind::ShortText { max_length } | QuestionKind::LongText { max_length }, Answer::Text(text)) => {
                if text.chars().count() > *max_length as usize {
                    Err(Violation::TooLong { max: *max_length })
                } else {
                    Ok(())
                }
            }
            (QuestionKind::Matrix { items, scale }, Answer::Matrix(levels)) => {
                for (item, code) in levels {
                    if !items.iter().any(|known| &known.id == item) {
                        return Err(not_an_option(item));
                    }
                    if scale.level(code).is_none() {
                        return Err(not_an_option(code));
                    }
                }
                let missing: Vec<String> =
                    items.iter().filter(|item| !levels.contains_key(&item.id)).map(|item| item.id.clone()).collect();
                if self.required && !missing.is_empty() {
                    Err(Violation::ItemsMissing { items: missing })
                } else {
                    Ok(())
                }
            }
            _ => Err(Violation::WrongKind),
        }
    }
}

impl Violation {
    /// The explanation shown to the citizen, in plain words.
    pub fn message(&self) -> Text {
        let both = |vi: String, en: String| Text { vi, en: Some(en) };
        let bound = |min: &Option<i64>, max: &Option<i64>| match (min, max) {
            (Some(min), Some(max)) => (format!("từ {min} đến {max}"), format!("from {min} to {max}")),
            (Some(min), None) => (format!("từ {min} trở lên"), format!("{min} or more")),
            (None, Some(max)) => (format!("không quá {max}"), format!("at most {max}")),
            (None, None) => (String::new(), String::new()),
        };
        match self {
            Violation::Required => {
                both("Xin Ông/Bà vui lòng trả lời câu hỏi này.".into(), "Please answer this question.".into())
            }
            Violation::WrongKind | Violation::NotAnOption { .. } => both(
                "Câu trả lời này không hợp lệ, xin chọn lại.".into(),
                "This answer is not valid; please choose again.".into(),
            ),
            Violation::OutOfRange { min, max } => {
                let (vi, en) = bound(min, max);
                both(format!("Xin nhập một số {vi}."), format!("Please enter a number {en}."))
            }
            Violation::TooLong { max } => both(
                format!("Xin viết ngắn hơn: tối đa {max} ký tự."),
                format!("Please write less: at most {max} characters."),
            ),
            Violation::TooManyChoices { max } => {
                both(format!("Xin chọn tối đa {max} ý."), format!("Please choose at most {max}."))
            }
            Violation::OtherTextMissing => both(
                "Ông/Bà đã chọn \"Khác\": xin ghi rõ lý do.".into(),
                "You chose \"Other\": please say what.".into(),
            ),
            Violation::RepeatedChoice { .. } | Violation::OtherTextWithoutOther => both(
                "Câu trả lời này không hợp lệ, xin chọn lại.".into(),
                "This answer is not valid; please choose again.".into(),
            ),
            Violation::ItemsMissing { items } => both(
                format!("Xin đánh giá đủ các mục ({} mục còn thiếu).", items.len()),
                format!("Please rate every item ({} left).", items.len()),
            ),
        }
    }
}

/// The wording for files and logs; [`Violation::message`] is the wording for citizens.
impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Required => f.write_str("a required question has no answer"),
            Violation::WrongKind => f.write_str("the answer is of the wrong kind for this question"),
            Violation::NotAnOption { code } => write!(f, "`{}` is not an option of this question", short(code)),
            Violation::OutOfRange { min, max } => {
                let bound = |b: &Option<i64>| b.map_or("…".to_string(), |b| b.to_string());
                write!(f, "the number is outside {} to {}", bound(min), bound(max))
            }
            Violation::TooLong { max } => write!(f, "the text is longer than {max} characters"),
            Violation::TooManyChoices { max } => write!(f, "more than {max} options are chosen"),
            Violation::OtherTextMissing => f.write_str("`khac` is chosen without its text"),
            Violation::RepeatedChoice { code } => write!(f, "`{}` is chosen more than once", short(code)),
            Violation::OtherTextWithoutOther => f.write_str("there is text for `khac`, but `khac` is not chosen"),
            Violation::ItemsMissing { items } => {
                write!(f, "items without a level in a required matrix: {}", items.join(", "))
            }
        }
    }
}

/// The free-text answers (comments, and the text of "Khác") that say something, by question id,
/// as stored: mask them again before they leave.
pub fn comments(answers: &std::collections::BTreeMap<String, Answer>) -> impl Iterator<Item = (&String, &String)> {
    answers
        .iter()
        .filter_map(|(question_id, answer)| match answer {
            Answer::Text(comment) => Some((question_id, comment)),
            Answer::Choices(choices) => choices.other.as_ref().map(|other| (question_id, other)),
            _ => None,
        })
        .filter(|(_, comment)| !comment.trim().is_empty())
}
