//! `cargo xtask bench province`: a province's figures at the size of a large province.
//!
//! A simulated province (`server/examples/province.rs`: 114 wards, 4 counters each, three
//! years, 10,000,000 responses by default, or `HAILONG_PROVINCE_RESPONSES`) is stored once in
//! `target/bench/province/` and kept for the next run. `hailong serve` (built with `--profile
//! server`) then answers each staff request of issue 31's table 20 times through `curl` on
//! 127.0.0.1, as the province's administrator or a ward's leader: p50 and p95 of the time to
//! the last byte, and the size of the answer; certifying a quarter is timed once; the server's
//! peak resident memory is read from the kernel (`VmHWM`).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use wire::certificates::{CERTIFICATES, WITHDRAW};
use wire::city::{DEVICES, FIGURES};
use wire::comments::COMMENTS;
use wire::exports::{INDEX_CSV, REPORT, TALLY_CSV};
use wire::followups::FOLLOWUPS;
use wire::session::SESSION;

use crate::root;

const PASSWORD: &str = "mat-khau-bench";
const SURVEY: &str = "danh-gia-tai-quay@2026.1";
const REPEATS: usize = 20;

pub fn run() -> anyhow::Result<()> {
    let responses: u64 =
        std::env::var("HAILONG_PROVINCE_RESPONSES").ok().and_then(|text| text.parse().ok()).unwrap_or(10_000_000);
    crate::bench::build_server_profile(&["province"])?;
    let dir = root().join("target/bench/province");
    std::fs::create_dir_all(&dir)?;
    let db = dir.join(format!("hailong-{responses}.db"));
    let made = dir.join(format!("hailong-{responses}.made"));
    if !made.exists() {
        let _ = std::fs::remove_file(&db);
        let started = Instant::now();
        let output = Command::new(root().join("target/server/examples/province"))
            .arg("--db")
            .arg(&db)
            .args(["--responses", &responses.to_string()])
            .stderr(Stdio::inherit())
            .output()
            .context("running the province generator")?;
        if !output.status.success() {
            bail!("the province generator failed");
        }
        let said = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        std::fs::write(&made, format!("{said}\n"))?;
        eprintln!("province: made in {:.0} s: {said}", started.elapsed().as_secs_f64());
    }
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist)?;
    std::fs::write(dist.join("index.html"), "<!doctype html><title>bench</title>")?;
    let mut server = Command::new(root().join("target/server/hailong"))
        .args(["serve", "--addr", "127.0.0.1:0", "--dist"])
        .arg(&dist)
        .arg("--db")
        .arg(&db)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting hailong serve")?;
    let outcome = measure(&mut server, &dir, responses);
    let _ = server.kill();
    let _ = server.wait();
    outcome
}

fn measure(server: &mut Child, dir: &Path, responses: u64) -> anyhow::Result<()> {
    let url = {
        use std::io::BufRead;
        let stdout = server.stdout.take().context("no stdout")?;
        let mut lines = std::io::BufReader::new(stdout).lines();
        let first = lines.next().context("hailong serve said nothing")??;
        first
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .context("no address")?
            .trim_end_matches('/')
            .to_owned()
    };
    let province = sign_in(&url, dir, "tinh")?;
    let ward = sign_in(&url, dir, "lanh-dao-001")?;
    let quarter = "from=2026-07-01&to=2026-09-30";
    let requests: Vec<(&str, &Session, String)> = vec![
        (
            "the workspace's figures of a quarter, province administrator (by unit, counter, field, officer)",
            &province,
            format!("{FIGURES}?period=all&{quarter}&by=unit,counter,field,staff"),
        ),
        (
            "the workspace's figures of a quarter, a ward's leader",
            &ward,
            format!("{FIGURES}?period=all&{quarter}&by=unit,counter,field,staff"),
        ),
        ("the figures of every quarter, by unit (three years)", &province, format!("{FIGURES}?period=quarter&by=unit")),
        ("follow-ups of the quarter (the leader's 5 s poll)", &ward, format!("{FOLLOWUPS}?period=2026-Q4")),
        ("follow-ups of the quarter, province", &province, format!("{FOLLOWUPS}?period=2026-Q4")),
        (
            "report for the level above, HTML, a ward",
            &ward,
            format!("{REPORT}?survey={SURVEY}&period=2026-Q3&unit=phuong-001"),
        ),
        (
            "report for the level above, HTML, the province",
            &province,
            format!("{REPORT}?survey={SURVEY}&period=2026-Q3&unit=hai-phong"),
        ),
        (
            "report, XLSX, the province",
            &province,
            format!("{REPORT}?survey={SURVEY}&period=2026-Q3&unit=hai-phong&format=xlsx"),
        ),
        (
            "certificate state of a quarter, a ward",
            &ward,
            format!("{CERTIFICATES}?survey={SURVEY}&period=2026-Q3&unit=phuong-001"),
        ),
        (
            "certificate state of a quarter, the province",
            &province,
            format!("{CERTIFICATES}?survey={SURVEY}&period=2026-Q3&unit=hai-phong"),
        ),
        (
            "`tally.csv` of a year by unit",
            &province,
            format!("{TALLY_CSV}?by=unit&period=year&from=2025-01-01&to=2025-12-31"),
        ),
        (
            "`index.csv` of a year by unit",
            &province,
            format!("{INDEX_CSV}?by=unit&period=year&from=2025-01-01&to=2025-12-31"),
        ),
        ("comments of a quarter, province", &province, format!("{COMMENTS}?period=2026-Q3")),
        ("the kiosks list (administration)", &province, DEVICES.into()),
    ];
    let mut rows = Vec::new();
    for (what, session, path) in &requests {
        let mut times = Vec::with_capacity(REPEATS);
        let mut bytes = 0;
        for _ in 0..REPEATS {
            let (status, seconds, size) = get(&url, session, path)?;
            if status != 200 {
                bail!("{path}: {status}");
            }
            times.push(seconds * 1000.0);
            bytes = size;
        }
        times.sort_by(f64::total_cmp);
        rows.push((what.to_string(), times[REPEATS / 2], times[REPEATS * 95 / 100 - 1], bytes));
        eprintln!("province: {what}: p50 {:.1} ms", times[REPEATS / 2]);
    }
    // Certifying a quarter of the whole province, once (withdrawn first if a run before certified it).
    let body = format!(r#"{{"survey":"{SURVEY}","period":"2026-Q3","unit":"hai-phong"}}"#);
    let withdraw = format!(r#"{{"survey":"{SURVEY}","period":"2026-Q3","unit":"hai-phong","reason":"bench"}}"#);
    let _ = post(&url, &province, WITHDRAW, &withdraw)?;
    let (status, certify_seconds, _) = post(&url, &province, CERTIFICATES, &body)?;
    if status != 200 && status != 201 {
        bail!("certifying the province's quarter: {status}");
    }
    let (status, results_seconds, results_bytes) = get(&url, &province, "/results/hai-phong/2026-Q3")?;
    if status != 200 {
        bail!("the published page: {status}");
    }
    let peak = peak_memory(server.id())?;
    println!(
        "A simulated province on this 2-core machine: {responses} counter ratings of 114 wards (4 counters each, 5 fields, 2 officers a counter), three years of working days, in SQLite; `hailong serve --profile server`, each request {REPEATS} times through `curl` on 127.0.0.1:"
    );
    println!();
    println!("| request | p50 | p95 | answer |");
    println!("|---|---:|---:|---:|");
    for (what, p50, p95, bytes) in rows {
        println!("| {what} | {p50:.1} ms | {p95:.1} ms | {} |", size(bytes));
    }
    println!("| certifying a quarter of the whole province (once) | {:.0} ms | | |", certify_seconds * 1000.0);
    println!(
        "| `/results/hai-phong/2026-Q3` (once) | {:.1} ms | | {} |",
        results_seconds * 1000.0,
        size(results_bytes)
    );
    println!();
    println!("The server's peak resident memory over the whole run: {:.0} MB.", peak as f64 / 1024.0);
    let database = std::fs::metadata(dir.join(format!("hailong-{responses}.db"))).map(|meta| meta.len()).unwrap_or(0);
    println!("The database: {:.1} GB.", database as f64 / 1e9);
    Ok(())
}

struct Session {
    jar: std::path::PathBuf,
    csrf: String,
}

fn sign_in(url: &str, dir: &Path, name: &str) -> anyhow::Result<Session> {
    let jar = dir.join(format!("{name}.cookies"));
    let output = Command::new("curl")
        .args(["-s", "-c"])
        .arg(&jar)
        .args(["-H", "content-type: application/json", "-d"])
        .arg(format!(r#"{{"name":"{name}","password":"{PASSWORD}"}}"#))
        .arg(format!("{url}{SESSION}"))
        .output()
        .context("curl")?;
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).context("signing in")?;
    let csrf = answer["csrf"].as_str().context("no csrf in the session")?.to_owned();
    Ok(Session { jar, csrf })
}

/// Status, seconds to the last byte, and bytes of a GET.
fn get(url: &str, session: &Session, path: &str) -> anyhow::Result<(u16, f64, u64)> {
    curl(Command::new("curl").args(["-s", "-o", "/dev/null", "-b"]).arg(&session.jar).arg(format!("{url}{path}")))
}

fn post(url: &str, session: &Session, path: &str, body: &str) -> anyhow::Result<(u16, f64, u64)> {
    curl(
        Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-b"])
            .arg(&session.jar)
            .args(["-H", "content-type: application/json", "-H"])
            .arg(format!("x-csrf-token: {}", session.csrf))
            .args(["-d", body])
            .arg(format!("{url}{path}")),
    )
}

fn curl(command: &mut Command) -> anyhow::Result<(u16, f64, u64)> {
    let output = command.args(["-w", "%{http_code} %{time_total} %{size_download}"]).output().context("curl")?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut words = text.split_whitespace();
    let status = words.next().and_then(|word| word.parse().ok()).context("no status from curl")?;
    let seconds = words.next().and_then(|word| word.parse().ok()).context("no time from curl")?;
    let bytes = words.next().and_then(|word| word.parse().ok()).unwrap_or(0);
    Ok((status, seconds, bytes))
}

/// The peak resident memory of a process, in KB.
fn peak_memory(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:")).context("no VmHWM")?;
    line.split_whitespace().nth(1).and_then(|kb| kb.parse().ok()).context("VmHWM is not a number")
}

fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 { format!("{:.1} MB", bytes as f64 / 1e6) } else { format!("{:.1} KB", bytes as f64 / 1e3) }
}
