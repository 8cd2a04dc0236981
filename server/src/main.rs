//! `hailong`: the command-line entry point. Thin glue over the `server` library.

use std::net::SocketAddr;
use std::path::PathBuf;

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

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve { dist, addr } => serve(dist, addr),
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
