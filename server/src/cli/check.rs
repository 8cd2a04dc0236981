//! `hailong check FILE…`: every problem of every survey definition, as `file:line: path: message`.

use std::path::{Path, PathBuf};

use survey::definition::validate::DefError;
use survey_defs::check::{Syntax, check};

/// Checks each file; true when all are valid. Problems go to stderr, one per line.
pub fn run(files: &[PathBuf]) -> bool {
    let mut all_valid = true;
    for file in files {
        match check_one(file) {
            Ok(summary) => println!("{}: ok: {summary}", file.display()),
            Err(problems) => {
                all_valid = false;
                for problem in problems {
                    eprintln!("{problem}");
                }
            }
        }
    }
    all_valid
}

fn check_one(file: &Path) -> Result<String, Vec<String>> {
    let survey = load(file)?;
    Ok(format!("{} {} ({} questions)", survey.id(), survey.version(), survey.questions().len()))
}

/// Reads and validates one definition file; its problems come as printable lines.
pub fn load(file: &Path) -> Result<survey::definition::model::Survey, Vec<String>> {
    let name = file.display();
    let bytes = std::fs::read(file).map_err(|err| vec![format!("{name}: cannot read the file: {err}")])?;
    let syntax = if file.extension().is_some_and(|ext| ext == "json") { Syntax::Json } else { Syntax::Toml };
    check(&bytes, syntax).map_err(|err| lines(&name.to_string(), &err))
}

/// `file:line: path: message`, one line per problem.
fn lines(name: &str, err: &DefError) -> Vec<String> {
    err.problems
        .iter()
        .map(|problem| {
            let place = problem.line.map_or(name.to_owned(), |line| format!("{name}:{line}"));
            if problem.path.is_empty() {
                format!("{place}: {}", problem.message)
            } else {
                format!("{place}: {}: {}", problem.path, problem.message)
            }
        })
        .collect()
}
