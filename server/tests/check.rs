//! `hailong check` on every broken definition in `tests/data/bad/defs/`, and on a 10 MB
//! single-line file made here: each gets a clear message with its line and path, exit code 1,
//! and never a panic.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// Runs `hailong check` from the repository root; returns the exit code and what it printed.
fn check(files: &[&Path]) -> (i32, String, String) {
    let output =
        Command::new(env!("CARGO_BIN_EXE_hailong")).current_dir(root()).arg("check").args(files).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "hailong check panicked:\n{stderr}");
    (output.status.code().unwrap(), String::from_utf8(output.stdout).unwrap(), stderr)
}

#[test]
fn every_broken_definition_is_explained_by_line_and_path() {
    let dir = root().join("tests/data/bad/defs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    let mut report = String::new();
    for file in &files {
        let relative = file.strip_prefix(root()).unwrap();
        let (code, stdout, stderr) = check(&[relative]);
        assert_eq!(code, 1, "{}: {stdout}{stderr}", relative.display());
        assert!(stdout.is_empty(), "{}", relative.display());
        report.push_str(&stderr);
    }
    expect_test::expect![[r#"
        tests/data/bad/defs/cycle.toml:12: questions[0].show_if.question: `b` comes later; a condition may only look at earlier answers
        tests/data/bad/defs/cycle.toml:24: questions[2].show_if.question: a question cannot depend on its own answer (a cycle)
        tests/data/bad/defs/cycle.toml:12: questions[0].show_if: conditions form a cycle: a → b → a
        tests/data/bad/defs/duplicate-ids.toml:14: questions[0].options[1].code: option code `cho-lau` is used twice in this question
        tests/data/bad/defs/duplicate-ids.toml:18: questions[1].id: question id `ly-do` is used twice
        tests/data/bad/defs/empty-options.toml:12: questions[0].options: a choice question needs options
        tests/data/bad/defs/later-question.toml:12: questions[0].show_if.question: `hai-long` comes later; a condition may only look at earlier answers
        tests/data/bad/defs/missing-vietnamese.toml:5: title.vi: Vietnamese text is required
        tests/data/bad/defs/missing-vietnamese.toml:15: questions[0].levels[0].label.vi: Vietnamese text is required
        tests/data/bad/defs/points-miss-option.toml:23: scoring.indicators[0].points: the points miss the option(s) `tre-hen` of `thoi-gian`
        tests/data/bad/defs/qd766-unknown-question.toml:22: scoring.qd766_not_satisfied.any[1].question: no question has the id `tre-hen`
        tests/data/bad/defs/truncated.toml:36: key with no value, expected `=`
        tests/data/bad/defs/unknown-field.toml:12: unknown field `colour`, expected one of `id`, `kind`, `text`, `help`, `section`, `required`, `sensitive`, `show_if`, `levels`, `order`, `options`, `other`, `max_choices`, `min`, `max`, `max_length`, `items`, `low_label`, `high_label`
        tests/data/bad/defs/windows-1258.toml:5: the file is not UTF-8 text (save it as UTF-8)
        tests/data/bad/defs/wrong-types.toml:3: invalid type: integer `2026`, expected a string
    "#]]
    .assert_eq(&report);
}

#[test]
fn a_ten_megabyte_single_line_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.toml");
    let mut line = String::from("title.vi = \"");
    line.push_str(&"ầ".repeat(10 * 1024 * 1024 / 3));
    line.push('"');
    std::fs::write(&huge, line).unwrap();
    let (code, _, stderr) = check(&[&huge]);
    assert_eq!(code, 1);
    assert!(stderr.ends_with("huge.toml: the file is 10.0 MB; a definition file is at most 1 MB\n"), "{stderr}");
    // A device that never ends is refused after the first megabyte, not read into memory.
    let (code, _, stderr) = check(&[Path::new("/dev/zero")]);
    assert_eq!(code, 1);
    assert_eq!(stderr, "/dev/zero: the file is larger than 1 MB; a definition file is at most 1 MB\n");
}

#[test]
fn good_files_pass_and_one_bad_file_fails_the_run() {
    let good = Path::new("survey-defs/defs/danh-gia-tai-quay.toml");
    let (code, stdout, stderr) = check(&[good]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(stdout, "survey-defs/defs/danh-gia-tai-quay.toml: ok: danh-gia-tai-quay 2026.1 (3 questions)\n");

    let (code, stdout, _) = check(&[good, Path::new("tests/data/bad/defs/cycle.toml")]);
    assert_eq!(code, 1);
    assert!(stdout.contains("danh-gia-tai-quay.toml: ok"));
    let (code, _, stderr) = check(&[Path::new("tests/data/bad/defs/no-such-file.toml")]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("tests/data/bad/defs/no-such-file.toml: cannot read the file:"), "{stderr}");
}
