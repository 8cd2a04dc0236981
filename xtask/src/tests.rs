//! `cargo xtask test`: every suite, in order of speed, then one line that sums them all.
//!
//! 1. native: `cargo test --workspace` (the core, definitions, server, app logic, repo rules);
//! 2. office: the exported CSV and XLSX files opened by LibreOffice Calc (headless);
//! 3. browser: the app's wasm tests in headless Chromium through wasm-bindgen-test;
//! 4. the README's first-load figure against the build's (`dist::readme_first_load_problem`);
//! 5. end-to-end: `node --test tests/e2e`, Playwright driving Chromium against `hailong serve`.
//!
//! Each suite's output is shown as it runs and its own summary lines are read to count passes
//! and failures. A suite that fails without a summary (it did not compile) counts as one
//! failure, so the total can never claim success for tests that did not run.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use anyhow::Context;

use crate::{dist, root, tools};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

pub fn run() -> anyhow::Result<bool> {
    tools::ensure_wasm_target()?;
    tools::ensure_chromium()?;
    tools::ensure_layout_fonts()?;
    tools::ensure_libreoffice()?;
    tools::ensure_npm_packages()?;
    tools::ensure_wasm_test_runner()?;

    let root = root();
    let mut total = Counts::default();
    let mut all_ok = true;

    let mut native = Command::new("cargo");
    native.current_dir(&root).args(["test", "--workspace"]);
    all_ok &= suite("native", &mut native, &mut total)?;

    let mut office = Command::new("cargo");
    office.current_dir(&root).args([
        "test",
        "--package",
        "survey",
        "--features",
        "xlsx",
        "--test",
        "libreoffice",
        "--",
        "--ignored",
    ]);
    all_ok &= suite("office", &mut office, &mut total)?;

    let mut browser = Command::new("cargo");
    browser
        .current_dir(&root)
        .args(["test", "--package", "app", "--target", tools::WASM_TARGET, "--test", "web"])
        .env("CHROMEDRIVER", tools::CHROMEDRIVER);
    all_ok &= suite("browser", &mut browser, &mut total)?;

    let report = dist::build()?;
    report.print();
    all_ok &= readme_figures(&report, &root, &mut total)?;
    let hailong = tools::build_server()?;
    let mut end_to_end = Command::new("node");
    end_to_end
        .current_dir(&root)
        .args(["--test", "--test-reporter=spec", "--test-concurrency=1", "tests/e2e/"])
        .env("HAILONG_BIN", &hailong)
        .env("HAILONG_DIST", dist::dist_dir())
        .env("CHROMIUM", tools::CHROMIUM);
    all_ok &= suite("end-to-end", &mut end_to_end, &mut total)?;

    println!();
    println!("{} passed, {} failed", total.passed, total.failed);
    Ok(all_ok && total.failed == 0)
}

/// The sizes the README quotes are the ones this build measured: one test, counted with the rest.
fn readme_figures(report: &dist::DistReport, root: &std::path::Path, total: &mut Counts) -> anyhow::Result<bool> {
    println!("\nxtask: === README figures ===");
    let readme = std::fs::read_to_string(root.join("README.md")).context("reading README.md")?;
    let (_, gzip, _) = report.first_load();
    let counts = match dist::readme_first_load_problem(&readme, gzip) {
        None => Counts { passed: 1, failed: 0 },
        Some(problem) => {
            println!("xtask: {problem}");
            Counts { passed: 0, failed: 1 }
        }
    };
    println!("xtask: README figures: {} passed, {} failed", counts.passed, counts.failed);
    total.passed += counts.passed;
    total.failed += counts.failed;
    Ok(counts.failed == 0)
}

/// Runs one suite, echoing its output, and adds its counts to `total`.
fn suite(name: &str, command: &mut Command, total: &mut Counts) -> anyhow::Result<bool> {
    println!("\nxtask: === {name} tests ===");
    let mut child = command.stdout(Stdio::piped()).spawn().with_context(|| format!("starting the {name} tests"))?;
    let mut counts = Counts::default();
    let mut saw_summary = false;
    for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
        let line = line?;
        println!("{line}");
        if let Some(found) = parse_summary(&line) {
            saw_summary = true;
            counts.passed += found.passed;
            counts.failed += found.failed;
        }
    }
    let ok = child.wait()?.success();
    if !ok && counts.failed == 0 {
        // It failed without saying what failed: count the suite itself.
        counts.failed += 1;
    }
    if ok && !saw_summary {
        eprintln!("xtask: the {name} suite printed no summary; counting it as a failure");
        counts.failed += 1;
    }
    println!("xtask: {name}: {} passed, {} failed", counts.passed, counts.failed);
    total.passed += counts.passed;
    total.failed += counts.failed;
    Ok(ok && counts.failed == 0)
}

/// Reads a summary line of libtest (`test result: ok. 3 passed; 0 failed; …`, which
/// wasm-bindgen-test-runner also prints) or of node's spec reporter (`ℹ pass 3`, `ℹ fail 0`).
pub fn parse_summary(line: &str) -> Option<Counts> {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix("test result: ") {
        let number_before = |word: &str| {
            rest.split(';')
                .find_map(|part| {
                    part.trim().trim_start_matches("ok. ").trim_start_matches("FAILED. ").strip_suffix(word)
                })
                .and_then(|n| n.trim().parse().ok())
        };
        return Some(Counts { passed: number_before(" passed")?, failed: number_before(" failed")? });
    }
    let rest = line.strip_prefix("ℹ ").or_else(|| line.strip_prefix("# "))?;
    let (word, number) = rest.split_once(' ')?;
    let number: u64 = number.trim().parse().ok()?;
    match word {
        "pass" => Some(Counts { passed: number, failed: 0 }),
        "fail" => Some(Counts { passed: 0, failed: number }),
        _ => None,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn reads_libtest_and_wasm_runner_summaries() {
        assert_eq!(
            parse_summary(
                "test result: ok. 19 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s"
            ),
            Some(Counts { passed: 19, failed: 0 })
        );
        assert_eq!(
            parse_summary("test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 filtered out; finished in 0.04s"),
            Some(Counts { passed: 3, failed: 1 })
        );
    }

    #[test]
    fn reads_node_spec_and_tap_summaries() {
        assert_eq!(parse_summary("ℹ pass 2"), Some(Counts { passed: 2, failed: 0 }));
        assert_eq!(parse_summary("ℹ fail 1"), Some(Counts { passed: 0, failed: 1 }));
        assert_eq!(parse_summary("# pass 5"), Some(Counts { passed: 5, failed: 0 }));
        assert_eq!(parse_summary("ℹ tests 3"), None);
        assert_eq!(parse_summary("ℹ duration_ms 812.3"), None);
        assert_eq!(parse_summary("running 4 tests"), None);
    }
}
