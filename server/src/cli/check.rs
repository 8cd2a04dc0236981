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
    // Never more than one byte past the limit is read: `/dev/zero` or a 5 GB log given by
    // mistake is refused at once, not read into memory.
    let limit = survey_defs::check::MAX_DEFINITION_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|opened| std::io::Read::read_to_end(&mut std::io::Read::take(opened, limit as u64 + 1), &mut bytes))
        .map_err(|err| vec![format!("{name}: cannot read the file: {err}")])?;
    if bytes.len() > limit {
        let size = match std::fs::metadata(file) {
            Ok(meta) if meta.is_file() => format!("{:.1} MB", meta.len() as f64 / (1024.0 * 1024.0)),
            _ => format!("larger than {} MB", limit / (1024 * 1024)),
        };
        return Err(vec![format!(
            "{name}: the file is {size}; a definition file is at most {} MB",
            limit / (1024 * 1024)
        )]);
    }
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
