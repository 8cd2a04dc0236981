//! `cargo xtask bench`: the figures recorded in BENCHMARKS.md.
//!
//! 1. The respondent's first load, in bytes raw and gzip -9 (`dist`).
//! 2. The time from a tap on the kiosk to its response being committed to IndexedDB, p50 and
//!    p95 over 1,000 taps in headless Chromium.
//! 3. `hailong tally` on one million generated SIPAS responses, beside DuckDB counting the same
//!    groups (ward × quarter × question × answer) from the same file, in one run: wall time and
//!    peak memory of each, measured by the kernel (`wait4`), and a check that both counted the
//!    same number of answers.
//! 4. `hailong serve` under load on 127.0.0.1 (Debian's `wrk`): responses stored per second,
//!    and p99 latency, for batches of 50 and for single responses, with SQLite.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::{dist, root, tools};

const RESPONSES: u64 = 1_000_000;
/// Bumped whenever the generator changes, so an old file is not reused.
const GENERATOR: &str = "sipas-v2";

/// Every bench, or only the one named (`cargo xtask bench load`).
pub fn run(only: Option<&str>) -> anyhow::Result<bool> {
    match only {
        None => {}
        Some("load") => return load_bench().map(|()| true),
        Some("latency") => return latency_bench().map(|()| true),
        Some("import") => return import_bench().map(|()| true),
        Some("tally") => return tally_bench().map(|()| true),
        Some("first") => return first_screen_bench().map(|()| true),
        Some("province") => return crate::province::run().map(|()| true),
        Some(other) => {
            bail!("no bench named `{other}`: use load, latency, import, tally, first or province, or none for all")
        }
    }
    let report = dist::build()?;
    report.print();
    println!();
    println!("| file | raw bytes | gzip -9 bytes | brotli bytes | first load |");
    println!("|---|---:|---:|---:|---|");
    for file in &report.files {
        println!(
            "| `{}` | {} | {} | {} | {} |",
            file.logical,
            file.raw,
            file.gzip,
            file.brotli,
            if file.first_load { "yes" } else { "no" }
        );
    }
    let (raw, gzip, brotli) = report.first_load();
    println!("| **first load, in total** | {raw} | {gzip} | {brotli} | |");
    println!();
    first_screen_bench()?;
    println!();
    latency_bench()?;
    println!();
    import_bench()?;
    println!();
    tally_bench()?;
    println!();
    load_bench()?;
    Ok(true)
}

/// How long each load run lasts, and with how many connections (two wrk threads, one per core
/// of this machine, sharing it with the server).
const LOAD_SECONDS: u32 = 15;
const LOAD_CONNECTIONS: u32 = 8;

/// `hailong serve` taking kiosk batches as fast as `wrk` can send them.
fn load_bench() -> anyhow::Result<()> {
    tools::ensure_wrk()?;
    let hailong = build_fast_server()?;
    let dir = tempdir_in_target("load")?;
    let db = dir.join("hailong.db");
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist)?;
    std::fs::write(dist.join("index.html"), "<!doctype html><title>bench</title>")?;
    let token_output = Command::new(&hailong).args(["device", "add", "bench"]).arg("--db").arg(&db).output()?;
    if !token_output.status.success() {
        bail!("hailong device add: {}", String::from_utf8_lossy(&token_output.stderr));
    }
    let token = String::from_utf8(token_output.stdout)?.trim().to_owned();
    let mut server = Command::new(&hailong)
        .args(["serve", "--addr", "127.0.0.1:0", "--dist"])
        .arg(&dist)
        .arg("--db")
        .arg(&db)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("starting hailong serve")?;
    let url = {
        use std::io::BufRead;
        let stdout = server.stdout.take().context("no stdout")?;
        let mut lines = std::io::BufReader::new(stdout).lines();
        let first = lines.next().context("hailong serve said nothing")??;
        first.split_whitespace().find(|word| word.starts_with("http://")).context("no address")?.to_owned()
    };
    let script = root().join("xtask/bench/post-responses.lua");
    let mut rows = Vec::new();
    let mut outcome = Ok(());
    for (run, batch) in [(1, 50u32), (2, 1u32)] {
        let output = Command::new("wrk")
            .args(["-t2", &format!("-c{LOAD_CONNECTIONS}"), &format!("-d{LOAD_SECONDS}s"), "--latency", "-s"])
            .arg(&script)
            .arg(format!("{url}api/v1/responses"))
            .env("BATCH", batch.to_string())
            .env("TOKEN", &token)
            .env("RUN", run.to_string())
            .output()
            .context("running wrk")?;
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let errors = String::from_utf8_lossy(&output.stderr).into_owned();
        if !output.status.success() || !errors.trim().is_empty() || text.contains("Non-2xx") {
            outcome = Err(anyhow::anyhow!("wrk with batches of {batch}:\n{text}\n{errors}"));
            break;
        }
        let requests = wrk_figure(&text, "Requests/sec:").context("no Requests/sec in wrk's output")?;
        let p50 = wrk_latency(&text, "50%").context("no p50 in wrk's output")?;
        let p99 = wrk_latency(&text, "99%").context("no p99 in wrk's output")?;
        rows.push((batch, requests, requests * f64::from(batch), p50, p99));
    }
    let _ = server.kill();
    let _ = server.wait();
    outcome?;
    let stored = Command::new(&hailong)
        .args(["backup", "--db"])
        .arg(&db)
        .arg(dir.join("copy.db"))
        .status()
        .is_ok_and(|status| status.success());
    println!(
        "`hailong serve` on 127.0.0.1 under `wrk` (2 threads, {LOAD_CONNECTIONS} connections, {LOAD_SECONDS} s each), kiosk batches of new counter ratings, SQLite in WAL mode with synchronous=FULL, on this 2-core machine (server and wrk share it):"
    );
    println!();
    println!("| records per request | requests/s | responses stored/s | p50 | p99 |");
    println!("|---:|---:|---:|---:|---:|");
    for (batch, requests, responses, p50, p99) in rows {
        println!("| {batch} | {requests:.0} | {responses:.0} | {p50:.1} ms | {p99:.1} ms |");
    }
    if !stored {
        bail!("hailong backup of the bench database failed");
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

fn tempdir_in_target(name: &str) -> anyhow::Result<PathBuf> {
    let dir = root().join("target/bench").join(format!("{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The number after `label` in wrk's output.
fn wrk_figure(text: &str, label: &str) -> Option<f64> {
    let line = text.lines().find(|line| line.trim_start().starts_with(label))?;
    line.trim_start().strip_prefix(label)?.trim().parse().ok()
}

/// A percentile of wrk's `--latency` table, in milliseconds (`99%   12.34ms`).
fn wrk_latency(text: &str, percentile: &str) -> Option<f64> {
    let line = text.lines().find(|line| line.trim_start().starts_with(percentile))?;
    let value = line.split_whitespace().nth(1)?;
    let (number, unit) = value.split_at(value.find(|c: char| c.is_ascii_alphabetic())?);
    let number: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => number / 1000.0,
        "ms" => number,
        "s" => number * 1000.0,
        "m" => number * 60_000.0,
        _ => return None,
    })
}

const TAPS: u32 = 1000;

/// Runs a node bench script from `tests/e2e/` against a fresh `hailong serve` and returns the
/// JSON line it prints.
fn node_bench(script: &str, argument: &str) -> anyhow::Result<serde_json::Value> {
    tools::ensure_chromium()?;
    tools::ensure_npm_packages()?;
    let hailong = build_fast_server()?;
    let output = Command::new("node")
        .current_dir(root())
        .args([&format!("tests/e2e/{script}"), argument])
        .env("HAILONG_BIN", &hailong)
        .env("HAILONG_DIST", dist::dist_dir())
        .env("CHROMIUM", tools::CHROMIUM)
        .output()?;
    if !output.status.success() {
        bail!("{script} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

fn latency_bench() -> anyhow::Result<()> {
    let result = node_bench("bench-latency.mjs", &TAPS.to_string())?;
    let ms = |key: &str| result[key].as_f64().unwrap_or(f64::NAN);
    println!("Tap to committed in IndexedDB (durability \"strict\"), {TAPS} taps in headless Chromium:");
    println!();
    println!("| p50 | p95 | max |");
    println!("|---:|---:|---:|");
    println!("| {:.1} ms | {:.1} ms | {:.1} ms |", ms("p50_ms"), ms("p95_ms"), ms("max_ms"));
    Ok(())
}

/// Cold loads of each page, of which the median is told.
const FIRST_SCREEN_LOADS: u32 = 5;

/// The phone page's first question, answerable on a slow line, beside a static HTML floor.
fn first_screen_bench() -> anyhow::Result<()> {
    let result = node_bench("bench-first-screen.mjs", &FIRST_SCREEN_LOADS.to_string())?;
    let number = |key: &str| result[key].as_f64().unwrap_or(f64::NAN);
    println!(
        "First question answerable on a citizen's phone, cold (fresh context, cache off, no service worker), median of {FIRST_SCREEN_LOADS}; slow line = 400 kbps each way, 400 ms round trip, CPU slowed 4×:"
    );
    println!();
    println!("| page | bytes before ready | ready on the slow line | ready unthrottled |");
    println!("|---|---:|---:|---:|");
    for (name, key) in [
        ("static HTML with native radios, no script (the floor)", "floor"),
        ("Hài Lòng, `/p/<unit>/<counter>`", "phone"),
    ] {
        println!(
            "| {name} | {:.1} KB | {:.0} ms | {:.0} ms |",
            number(&format!("{key}_slow_bytes")) / 1024.0,
            number(&format!("{key}_slow_ms")),
            number(&format!("{key}_fast_ms"))
        );
    }
    println!();
    println!("Each slow load, in ms: floor {}, phone {}.", result["floor_slow_all_ms"], result["phone_slow_all_ms"]);
    Ok(())
}

const IMPORTED_ROWS: u32 = 100_000;

/// A large raw CSV imported in the staff area, as an office merging a ward's kiosks would.
fn import_bench() -> anyhow::Result<()> {
    let result = node_bench("bench-import.mjs", &IMPORTED_ROWS.to_string())?;
    let number = |key: &str| result[key].as_f64().unwrap_or(f64::NAN);
    println!(
        "Staff area import of {IMPORTED_ROWS} raw rows ({:.1} MB) in headless Chromium, from choosing the file to the recounted figures:",
        number("megabytes")
    );
    println!();
    println!("| first import | rows added | the same file again | rows added |");
    println!("|---:|---:|---:|---:|");
    println!(
        "| {:.1} s | {} | {:.1} s | {} |",
        number("first_s"),
        number("first_added"),
        number("again_s"),
        number("again_added")
    );
    Ok(())
}

fn tally_bench() -> anyhow::Result<()> {
    let dir = root().join("target/bench");
    std::fs::create_dir_all(&dir)?;
    let input = dir.join(format!("{GENERATOR}-{RESPONSES}.csv"));
    if !input.exists() {
        let started = Instant::now();
        generate(&input)?;
        eprintln!("xtask: generated {} in {:.1} s", input.display(), started.elapsed().as_secs_f64());
    }
    let size = std::fs::metadata(&input)?.len();
    let hailong = build_fast_server()?;
    let output = dir.join("hailong-tally.csv");
    let hailong_run = measure(
        Command::new(&hailong)
            .args(["tally", "--by", "unit", "--period", "quarter", "--profile", "rfc4180", "-o"])
            .arg(&output)
            .arg(&input),
    )?;
    let hailong_answers = sum_of_option_counts(&output)?;

    println!(
        "`hailong tally --by unit --period quarter` on {RESPONSES} SIPAS responses ({:.0} MB of raw CSV):",
        size as f64 / 1e6
    );
    println!();
    println!("| tool | wall time | peak memory | answers counted |");
    println!("|---|---:|---:|---:|");
    println!("| hailong tally | {:.2} s | {:.0} MB | {hailong_answers} |", hailong_run.seconds, hailong_run.peak_mb);
    match duckdb(&input, &dir) {
        Ok((run, answers)) => {
            println!(
                "| DuckDB {} (Python) | {:.2} s | {:.0} MB | {answers} |",
                run.version, run.measured.seconds, run.measured.peak_mb
            );
            if answers != hailong_answers {
                bail!("hailong counted {hailong_answers} answers and DuckDB {answers}: the two disagree");
            }
        }
        Err(err) => println!("| DuckDB | not run: {err:#} | | |"),
    }
    Ok(())
}

struct Measured {
    seconds: f64,
    peak_mb: f64,
}

/// Runs a command to completion and measures it. The measuring is done by a fresh `xtask
/// measure` process whose only child is the command, so the kernel's figure for its children
/// (`getrusage(RUSAGE_CHILDREN)`) is the command's own peak memory, not that of earlier builds.
fn measure(command: &Command) -> anyhow::Result<Measured> {
    let output = Command::new(std::env::current_exe()?)
        .arg("measure")
        .arg(command.get_program())
        .args(command.get_args())
        .output()
        .context("starting xtask measure")?;
    std::io::stderr().write_all(&output.stderr)?;
    let text = String::from_utf8(output.stdout)?;
    if !output.status.success() {
        bail!("{command:?} failed");
    }
    let mut fields = text.split_whitespace().map(str::parse::<f64>);
    match (fields.next(), fields.next()) {
        (Some(Ok(seconds)), Some(Ok(peak_kb))) => Ok(Measured { seconds, peak_mb: peak_kb / 1024.0 }),
        _ => bail!("xtask measure printed `{text}`"),
    }
}

/// `xtask measure PROGRAM ARGS…`: runs it and prints its wall time in seconds and peak
/// resident memory in kilobytes.
pub fn measure_child(args: &[String]) -> anyhow::Result<bool> {
    let (program, args) = args.split_first().context("measure needs a program")?;
    let started = Instant::now();
    let status = Command::new(program).args(args).stdout(std::process::Stdio::null()).status()?;
    let seconds = started.elapsed().as_secs_f64();
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)?;
    println!("{seconds} {}", usage.max_rss());
    Ok(status.success())
}

/// The sum of `count` over the option rows of a tally CSV: every answer counted once.
fn sum_of_option_counts(path: &Path) -> anyhow::Result<u64> {
    let mut reader = csv::Reader::from_path(path)?;
    let headers = reader.headers()?.clone();
    let question = headers.iter().position(|h| h == "question_id").context("no question_id")?;
    let count = headers.iter().position(|h| h == "count").context("no count")?;
    let mut total = 0;
    for row in reader.records() {
        let row = row?;
        if !row[question].starts_with('_') {
            total += row[count].parse::<u64>()?;
        }
    }
    Ok(total)
}

fn build_fast_server() -> anyhow::Result<PathBuf> {
    build_server_profile(&[])?;
    Ok(root().join("target/server/hailong"))
}

/// Builds `hailong` with the `server` profile, and the server's examples named in `examples`.
pub(crate) fn build_server_profile(examples: &[&str]) -> anyhow::Result<()> {
    let mut command = Command::new("cargo");
    command.current_dir(root()).args([
        "build",
        "--quiet",
        "--profile",
        "server",
        "--package",
        "server",
        "--bin",
        "hailong",
    ]);
    for example in examples {
        command.args(["--example", example]);
    }
    tools::run(&mut command)
}

struct DuckRun {
    version: String,
    measured: Measured,
}

fn duckdb(input: &Path, dir: &Path) -> anyhow::Result<(DuckRun, u64)> {
    let has = |()| Command::new("python3").args(["-c", "import duckdb"]).status().is_ok_and(|s| s.success());
    if !has(()) {
        eprintln!("xtask: installing duckdb with pip");
        tools::run(Command::new("python3").args(["-m", "pip", "install", "--quiet", "duckdb"]))?;
    }
    let version = String::from_utf8(
        Command::new("python3").args(["-c", "import duckdb; print(duckdb.__version__)"]).output()?.stdout,
    )?
    .trim()
    .to_owned();
    let script = dir.join("duckdb_tally.py");
    let result = dir.join("duckdb-tally.csv");
    std::fs::write(&script, DUCKDB_SCRIPT)?;
    let measured = measure(Command::new("python3").arg(&script).arg(input).arg(&result))?;
    let answers: u64 = std::fs::read_to_string(&result)?
        .lines()
        .skip(1)
        .filter_map(|line| line.rsplit(',').next()?.parse::<u64>().ok())
        .sum();
    Ok((DuckRun { version, measured }, answers))
}

/// The same count in SQL: answers (not free text) of responses not flagged as misuse (an
/// unfinished one counts for what it answered), by ward, quarter (the day is the first ten characters of a +07:00 time stamp),
/// question and answer.
const DUCKDB_SCRIPT: &str = r#"
import sys, duckdb
source, target = sys.argv[1], sys.argv[2]
duckdb.sql(f"""
COPY (
  WITH r AS (SELECT * FROM read_csv('{source}', header = true, all_varchar = true)),
  answers AS (
    UNPIVOT (SELECT * EXCLUDE ("y-kien-khac") FROM r WHERE misuse IS NULL)
    ON COLUMNS(* EXCLUDE (response_id, survey_id, survey_version, submitted_at, channel, unit,
                          counter, staff, field, device_id, misuse, partial))
    INTO NAME question VALUE answer
  )
  SELECT survey_version, unit, date_trunc('quarter', CAST(substr(submitted_at, 1, 10) AS DATE)) AS quarter,
         question, answer, count(*) AS count
  FROM answers GROUP BY ALL ORDER BY ALL
) TO '{target}' (HEADER, DELIMITER ',')
""")
"#;

/// Writes `RESPONSES` random SIPAS responses as a raw CSV, deterministically (fixed seed).
fn generate(path: &Path) -> anyhow::Result<()> {
    let survey = survey_defs::by_id("sipas").context("SIPAS ships")?;
    let header = survey::records::raw::raw_header(&survey);
    let mut rng = fastrand::Rng::with_seed(20_261_123);
    let mut writer = csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, File::create(path)?));
    writer.write_record(&header)?;
    // For each answer column: its options, and whether it may be left empty.
    let choices: Vec<(Vec<String>, bool)> = header[survey::records::raw::RAW_FIXED.len()..]
        .iter()
        .map(|column| {
            let question = survey.question(column.split('.').next().unwrap_or(column));
            let options = question.map(|q| q.kind.choices().into_iter().map(|c| c.code).collect()).unwrap_or_default();
            (options, question.is_none_or(|q| !q.required))
        })
        .collect();
    let units: Vec<String> = (1..=10).map(|n| format!("phuong-{n:02}")).collect();
    let start = 1_767_225_600_i64; // 2026-01-01T00:00:00+07:00 is 2025-12-31T17:00:00Z
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for _ in 0..RESPONSES {
        row.clear();
        let id = uuid_v4(&mut rng);
        let instant = start - 7 * 3600 + rng.i64(0..365 * 86_400);
        let stamp = survey::vn_time::format_vietnam(instant * 1000).map_err(|e| anyhow::anyhow!("{e}"))?;
        row.extend([
            id,
            survey.id().to_owned(),
            survey.version().to_owned(),
            stamp,
            "web".into(),
            units[rng.usize(..units.len())].clone(),
        ]);
        row.extend([String::new(), String::new(), String::new(), String::new()]);
        row.push(if rng.u8(..100) == 0 { "burst: 5 in 4 s".into() } else { String::new() });
        row.push(if rng.u8(..50) == 0 { "1".into() } else { "0".into() });
        for (column, (options, optional)) in header[survey::records::raw::RAW_FIXED.len()..].iter().zip(&choices) {
            let value = if column == "y-kien-khac" {
                if rng.u8(..20) == 0 { "Cần thêm chỗ ngồi chờ".into() } else { String::new() }
            } else if options.is_empty() || (*optional && rng.u8(..10) == 0) {
                String::new()
            } else if options.len() == 5 {
                // Satisfaction leans to the top, as published SIPAS results do.
                options[[0, 1, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4][rng.usize(..12)]].clone()
            } else {
                options[rng.usize(..options.len())].clone()
            };
            row.push(value);
        }
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}

fn uuid_v4(rng: &mut fastrand::Rng) -> String {
    let bits = rng.u128(..) & !(0xF000 << 64) | (0x4000 << 64);
    let bits = bits & !(0xC << 60) | (0x8 << 60);
    let hex = format!("{bits:032x}");
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

#[cfg(test)]
mod tests {
    use super::{wrk_figure, wrk_latency};

    #[test]
    fn wrk_figures_are_read_in_milliseconds() {
        let text = "  Latency Distribution\n     50%    1.50ms\n     99%  850.00us\n  Requests/sec:   1234.56\n";
        assert_eq!(wrk_figure(text, "Requests/sec:"), Some(1234.56));
        assert_eq!(wrk_latency(text, "50%"), Some(1.5));
        assert_eq!(wrk_latency(text, "99%"), Some(0.85));
    }

    #[test]
    fn generated_ids_are_uuid_v4() {
        let mut rng = fastrand::Rng::with_seed(1);
        for _ in 0..100 {
            let id = super::uuid_v4(&mut rng);
            let parsed = uuid::Uuid::parse_str(&id).unwrap();
            assert_eq!(parsed.get_version_num(), 4, "{id}");
            assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122, "{id}");
        }
    }
}
