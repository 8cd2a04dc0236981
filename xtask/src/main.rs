//! `cargo xtask`: the project's automation, in Rust rather than shell.
//!
//! - `cargo xtask serve`: install what is missing, build the app, serve it on 127.0.0.1:8080.
//! - `cargo xtask test`: every test suite (native, browser, end-to-end), one summary line.
//! - `cargo xtask dist`: build the release app into `dist/` and print its size.
//! - `cargo xtask bench`: the figures recorded in BENCHMARKS.md.
//! - `cargo xtask screenshots`: pictures of every screen at kiosk and phone sizes.
//!
//! Everything a fresh machine lacks is installed here, from the package registries only.

mod bench;
mod dist;
mod province;
mod tests;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve [--addr ADDR]   build the app and serve it (default http://127.0.0.1:8080)
  test                  run every test suite; ends with `N passed, N failed`
  dist                  build the release app into dist/ and print its size
  bench [NAME]          sizes, tap latency, import, hailong tally beside DuckDB on 1,000,000
                        responses, and hailong serve under load; NAME runs one of
                        latency, import, tally or load; `province` (not in the default run)
                        times a province's staff requests over 10,000,000 responses
  screenshots           build the app and save screenshots of it in docs/screenshots/
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("test") => tests::run(),
        Some("dist") => dist::build().map(|report| {
            report.print();
            true
        }),
        Some("bench") => bench::run(args.get(1).map(String::as_str)),
        Some("measure") => bench::measure_child(&args[1..]),
        Some("screenshots") => screenshots(),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(true)
        }
        Some(other) => {
            eprint!("xtask: unknown command `{other}`\n\n{USAGE}");
            Ok(false)
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_owned()
}

fn serve(args: &[String]) -> anyhow::Result<bool> {
    let report = dist::build()?;
    report.print();
    let hailong = tools::build_server()?;
    let mut command = std::process::Command::new(hailong);
    command.current_dir(root()).args(["serve", "--dist", "dist"]);
    if !args.iter().any(|arg| arg == "--addr") {
        command.args(["--addr", "127.0.0.1:8080"]);
    }
    command.args(args);
    Ok(command.status()?.success())
}

fn screenshots() -> anyhow::Result<bool> {
    tools::ensure_chromium()?;
    tools::ensure_layout_fonts()?;
    dist::build()?.print();
    let hailong = tools::build_server()?;
    let status = std::process::Command::new("node")
        .current_dir(root())
        .args(["tests/e2e/screenshots.mjs", "docs/screenshots"])
        .env("HAILONG_BIN", hailong)
        .env("HAILONG_DIST", dist::dist_dir())
        .env("CHROMIUM", tools::CHROMIUM)
        .status()?;
    Ok(status.success())
}
