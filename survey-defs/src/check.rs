//! Checking a definition file as its author wrote it: every problem with its line.
//!
//! Used by `hailong check`. Parsing errors come with the parser's position; problems found by
//! [`Survey::from_def`] come with a path (`questions[3].options[1].label.vi`), which is looked
//! up in the TOML document's spans to find its line. Native only: the app never parses TOML.

use std::ops::Range;

use survey::{
    definition::def::SurveyDef, definition::model::Survey, definition::validate::DefError,
    definition::validate::Problem, definition::validate::ProblemKind,
};
use toml_edit::{Document, Item, Value};

/// A definition file larger than this is refused before parsing: shipped definitions are a few
/// tens of kilobytes, and a huge file is a mistake (or an attack), not a survey.
pub const MAX_DEFINITION_BYTES: usize = 1024 * 1024;

/// Which syntax a file is written in, by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Toml,
    Json,
}

/// Parses and validates one definition file, returning every problem with its line where known.
pub fn check(bytes: &[u8], syntax: Syntax) -> Result<Survey, DefError> {
    let whole = |message: String, line: Option<usize>| DefError {
        problems: vec![Problem { path: String::new(), line, kind: ProblemKind::Syntax, message }],
    };
    if bytes.len() > MAX_DEFINITION_BYTES {
        return Err(whole(
            format!(
                "the file is {:.1} MB; a definition file is at most {} MB",
                bytes.len() as f64 / (1024.0 * 1024.0),
                MAX_DEFINITION_BYTES / (1024 * 1024)
            ),
            None,
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let line = line_of(&bytes[..err.valid_up_to()], err.valid_up_to());
        whole("the file is not UTF-8 text (save it as UTF-8)".into(), Some(line))
    })?;
    match syntax {
        Syntax::Json => Survey::from_json(text),
        Syntax::Toml => {
            let def: SurveyDef = toml::from_str(text).map_err(|err| {
                let line = err.span().map(|span| line_of(text.as_bytes(), span.start));
                whole(err.message().trim_end().to_owned(), line)
            })?;
            Survey::from_def(def).map_err(|mut err| {
                if let Ok(document) = Document::parse(text) {
                    for problem in &mut err.problems {
                        problem.line =
                            span_of(&document, &problem.path).map(|span| line_of(text.as_bytes(), span.start));
                    }
                }
                err
            })
        }
    }
}

/// The 1-based line of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())].iter().filter(|&&byte| byte == b'\n').count() + 1
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// `questions[3].label.vi` → `questions`, 3, `label`, `vi`.
fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|part| !part.is_empty()) {
        let (key, indices) = part.split_once('[').map_or((part, ""), |(key, rest)| (key, rest));
        if !key.is_empty() {
            out.push(Segment::Key(key));
        }
        for index in indices.split('[').filter_map(|index| index.trim_end_matches(']').parse().ok()) {
            out.push(Segment::Index(index));
        }
    }
    out
}

/// The span of the deepest part of `path` that the document has: a missing field is reported
/// at the table it is missing from.
fn span_of<S>(document: &Document<S>, path: &str) -> Option<Range<usize>> {
    enum Node<'a> {
        Item(&'a Item),
        Value(&'a Value),
        Table(&'a toml_edit::Table),
    }
    let mut node = Node::Table(document.as_table());
    let mut best = None;
    for segment in segments(path) {
        let next = match (&node, segment) {
            (Node::Table(table), Segment::Key(key)) => table.get(key).map(Node::Item),
            (Node::Item(Item::Table(table)), Segment::Key(key)) => table.get(key).map(Node::Item),
            (Node::Item(Item::Value(Value::InlineTable(table))), Segment::Key(key))
            | (Node::Value(Value::InlineTable(table)), Segment::Key(key)) => table.get(key).map(Node::Value),
            (Node::Item(Item::ArrayOfTables(array)), Segment::Index(index)) => array.get(index).map(Node::Table),
            (Node::Item(Item::Value(Value::Array(array))), Segment::Index(index))
            | (Node::Value(Value::Array(array)), Segment::Index(index)) => array.get(index).map(Node::Value),
            _ => None,
        };
        let Some(next) = next else { break };
        let span = match &next {
            Node::Item(item) => item.span(),
            Node::Value(value) => value.span(),
            Node::Table(table) => table.span(),
        };
        if span.is_some() {
            best = span;
        }
        node = next;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> String {
        match check(text.as_bytes(), Syntax::Toml) {
            Ok(survey) => format!("ok: {}", survey.id()),
            Err(err) => err
                .problems
                .iter()
                .map(|p| format!("{}: {}", p.line.map_or("?".into(), |l| l.to_string()), p))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    #[test]
    fn every_shipped_definition_checks_from_its_toml() {
        for shipped in crate::SHIPPED {
            assert!(check(shipped.toml.as_bytes(), Syntax::Toml).is_ok(), "{}", shipped.file);
        }
    }

    #[test]
    fn validation_problems_get_the_line_of_their_path() {
        let counter = crate::SHIPPED.iter().find(|s| s.file == "danh-gia-tai-quay.toml").unwrap().toml;
        let broken = counter.replacen("label.vi = \"Hài lòng\"", "label.vi = \"\"", 1).replacen(
            "code = \"cho-lau\"",
            "code = \"Chờ lâu\"",
            1,
        );
        let expected_label = counter.lines().position(|l| l == "label.vi = \"Hài lòng\"").unwrap() + 1;
        let expected_code = counter.lines().position(|l| l == "code = \"cho-lau\"").unwrap() + 1;
        assert_eq!(
            lines(&broken),
            format!(
                "{expected_label}: questions[0].levels[1].label.vi: Vietnamese text is required\n\
                 {expected_code}: questions[1].options[0].code: `Chờ lâu` must be lowercase letters a-z, digits and dashes, starting with a letter"
            )
        );
    }

    #[test]
    fn syntax_errors_name_their_line() {
        let text = "format = 1\nid = \"x\"\nversion = 2026\n";
        assert!(lines(text).starts_with("3: invalid type: integer `2026`, expected a string"), "{}", lines(text));
    }

    #[test]
    fn huge_and_non_utf8_files_are_refused_plainly() {
        let huge = vec![b'#'; MAX_DEFINITION_BYTES + 1];
        assert_eq!(
            lines(std::str::from_utf8(&huge).unwrap()),
            "?: the file is 1.0 MB; a definition file is at most 1 MB"
        );
        let latin = b"format = 1\ntitle.vi = \"\xe0\"\n";
        let err = check(latin, Syntax::Toml).unwrap_err();
        assert_eq!(err.problems[0].line, Some(2));
    }
}
