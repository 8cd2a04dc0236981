//! `hailong`: the command-line entry point. Thin glue over the `server` library.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "hailong", version, about = "Hài Lòng: citizen satisfaction surveys for public-service counters")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check survey definition files (TOML or JSON); print every problem as `file:line: path: message`
    Check {
        /// The definition files
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Serve the app (build it first with `cargo xtask dist`)
    Serve {
        /// The folder of the built app
        #[arg(long, default_value = "dist")]
        dist: PathBuf,
        /// The address to listen on; port 0 picks a free port
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
}

fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Check { files } => Ok(check(&files)),
        Command::Serve { dist, addr } => serve(dist, addr).map(|()| true),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("hailong: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Checks each file; true when all are valid. Problems go to stderr, one per line.
fn check(files: &[PathBuf]) -> bool {
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
    use survey_defs::check::{Syntax, check};
    let name = file.display();
    let bytes = std::fs::read(file).map_err(|err| vec![format!("{name}: cannot read the file: {err}")])?;
    let syntax = if file.extension().is_some_and(|ext| ext == "json") { Syntax::Json } else { Syntax::Toml };
    match check(&bytes, syntax) {
        Ok(survey) => Ok(format!("{} {} ({} questions)", survey.id, survey.version, survey.questions.len())),
        Err(err) => Err(err
            .problems
            .iter()
            .map(|problem| {
                let place = problem.line.map_or(format!("{name}"), |line| format!("{name}:{line}"));
                if problem.path.is_empty() {
                    format!("{place}: {}", problem.message)
                } else {
                    format!("{place}: {}: {}", problem.path, problem.message)
                }
            })
            .collect()),
    }
}

fn serve(dist: PathBuf, addr: SocketAddr) -> anyhow::Result<()> {
    if !dist.join("index.html").is_file() {
        bail!("no app in {}: build it with `cargo xtask dist`", dist.display());
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
        let bound = listener.local_addr().context("reading the bound address")?;
        // Tests read this line to find the port; keep its form.
        println!("hailong: serving http://{bound}/ from {}", dist.display());
        println!("hailong: press Ctrl+C to stop");
        let app = server::app(&server::ServeConfig { dist });
        axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await.context("serving")
    })
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return interrupt.await.unwrap_or(()),
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    interrupt.await.unwrap_or(());
}
