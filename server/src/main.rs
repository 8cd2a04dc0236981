//! `hailong`: the command-line entry point. Thin glue over the `server` library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use survey::csv::write::CsvProfile;
use survey::results::period::{PeriodKind, parse_day};
use survey::results::tally::{GroupBy, TallyOptions};

mod cli;

use cli::Database;

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
    /// Count raw response CSVs into a tally (or index) CSV
    Tally {
        /// Raw response CSV files, exported by kiosks or by `hailong`
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// More survey definitions (TOML or JSON) besides the shipped ones
        #[arg(long, num_args = 1..)]
        defs: Vec<PathBuf>,
        /// Split groups by any of unit,counter,staff,field
        #[arg(long, default_value = "", value_parser = GroupBy::parse)]
        by: GroupBy,
        /// all, day, month, quarter, half or year (Vietnam time)
        #[arg(long, default_value = "all", value_parser = parse_period)]
        period: PeriodKind,
        /// Only responses on or after this day (YYYY-MM-DD, Vietnam time)
        #[arg(long, value_parser = parse_date)]
        from: Option<time::Date>,
        /// Only responses on or before this day (YYYY-MM-DD, Vietnam time)
        #[arg(long, value_parser = parse_date)]
        to: Option<time::Date>,
        /// excel (BOM, comma), excel-vi (BOM, semicolon, decimal comma) or rfc4180 (no BOM)
        #[arg(long, default_value = "excel", value_parser = server::http::reading::parse_profile)]
        profile: CsvProfile,
        /// Count responses flagged as misuse in the results
        #[arg(long)]
        include_misuse: bool,
        /// Gone: an unfinished response counts for every question it answered
        #[arg(long, hide = true)]
        include_partial: bool,
        /// Write the index table (% satisfied, means, intervals, scores) instead of the tally
        #[arg(long)]
        index: bool,
        /// Groups with fewer responses are marked suppressed (not to be published)
        #[arg(long, default_value_t = survey::results::index::DEFAULT_MIN_N)]
        min_n: u64,
        /// With --index: Thông tư 01 indicators 2, 5, 6, 8, 9 from the agency's systems, a CSV
        /// with the columns period, unit, staff, indicator, dossiers, points
        #[arg(long, requires = "index")]
        indicators: Option<PathBuf>,
        /// The output file; standard output when absent
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Add tally CSVs (of kiosks, wards, cities) into one tally CSV
    Merge {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, default_value = "excel", value_parser = server::http::reading::parse_profile)]
        profile: CsvProfile,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Serve the app and collect responses (build the app first with `cargo xtask dist`)
    Serve(ServeArgs),
    /// Kiosks that send their responses to this server
    Device {
        #[command(subcommand)]
        command: cli::admin::DeviceCommand,
    },
    /// Staff accounts, each with a role over a unit and every unit below it
    User {
        #[command(subcommand)]
        command: cli::admin::UserCommand,
    },
    /// The units (city, wards, departments) with their names and counters
    Unit {
        #[command(subcommand)]
        command: cli::units::UnitCommand,
    },
    /// The audit log of staff actions: check its chain, or export it
    Audit {
        #[command(subcommand)]
        command: cli::units::AuditCommand,
    },
    /// Single-use QR codes for phones
    Token {
        #[command(subcommand)]
        command: cli::admin::TokenCommand,
    },
    /// Lock a period's figures from the responses stored here, so /results can publish them
    Certify(cli::admin::CertifyArgs),
    /// Send the day's digest of low ratings now to each unit whose leader set addresses and that
    /// has not had today's (for a cron job, or to try the relay); `hailong serve` with the same
    /// --smtp-* settings sends them by itself at --digest-at
    Digest {
        #[command(flatten)]
        db: Database,
        #[command(flatten)]
        smtp: SmtpArgs,
    },
    /// The day and month tallies every figure is summed from: rebuild them, or check them against the responses
    Tallies {
        #[command(subcommand)]
        command: cli::tallies::TalliesCommand,
    },
    /// Copy the database consistently, even while `hailong serve` runs
    Backup {
        #[command(flatten)]
        db: Database,
        /// The new file to write; an existing file is never overwritten
        target: PathBuf,
    },
}

fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Check { files } => Ok(cli::check::run(&files)),
        Command::Tally {
            files,
            defs,
            by,
            period,
            from,
            to,
            profile,
            include_misuse,
            include_partial,
            index,
            min_n,
            indicators,
            output,
        } => {
            if include_partial {
                eprintln!(
                    "hailong: --include-partial is no longer needed: an unfinished response counts for every question it answered (see `_partial` for how many)"
                );
                return ExitCode::from(2);
            }
            let options = TallyOptions { by, period, from, to, include_misuse };
            let request = cli::tally::TallyRequest { files, defs, options, profile, index, min_n, indicators, output };
            cli::tally::tally(&request).map(|()| true)
        }
        Command::Merge { files, profile, output } => {
            cli::tally::merge(&files, profile, output.as_deref()).map(|()| true)
        }
        Command::Serve(args) => serve(args).map(|()| true),
        Command::Device { command } => cli::admin::device(command).map(|()| true),
        Command::User { command } => cli::admin::user(command).map(|()| true),
        Command::Unit { command } => cli::units::unit(command).map(|()| true),
        Command::Audit { command } => cli::units::audit(command),
        Command::Token { command } => cli::admin::token(command).map(|()| true),
        Command::Certify(args) => cli::admin::certify(args).map(|()| true),
        Command::Digest { db, smtp } => digest_now(&db, smtp),
        Command::Tallies { command } => cli::tallies::tallies(command),
        Command::Backup { db, target } => server::storage::backup(&db.path, &target)
            .with_context(|| format!("backing up {} to {}", db.path.display(), target.display()))
            .map(|()| {
                eprintln!("hailong: {} copied to {}", db.path.display(), target.display());
                true
            }),
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

fn parse_period(text: &str) -> Result<PeriodKind, String> {
    PeriodKind::parse(text)
        .ok_or_else(|| format!("`{text}` is not a period: use all, day, month, quarter, half or year"))
}

fn parse_date(text: &str) -> Result<time::Date, String> {
    parse_day(text).ok_or_else(|| format!("`{text}` is not a day written YYYY-MM-DD"))
}

#[derive(clap::Args)]
struct ServeArgs {
    /// The folder of the built app
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// The address to listen on; port 0 picks a free port
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    db: Database,
    /// More survey definitions (TOML or JSON) to take responses to, besides the shipped ones
    #[arg(long, num_args = 1..)]
    defs: Vec<PathBuf>,
    /// Take phone responses only through single-use QR codes (`hailong token add`)
    #[arg(long)]
    require_phone_token: bool,
    /// The largest request body, in bytes
    #[arg(long, default_value_t = server::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Seconds a client may take to send a request's headers (idle connections close after it)
    #[arg(long, default_value_t = 10)]
    header_seconds: u64,
    /// Seconds a client may take to send a request's body
    #[arg(long, default_value_t = 20)]
    body_seconds: u64,
    /// Connections served at once (keep it under the open-file limit, `ulimit -n`)
    #[arg(long, default_value_t = 512)]
    max_connections: usize,
    /// A reverse proxy in front of this server (repeat for each): from it alone, the client's
    /// address is read from X-Forwarded-For, for the rate limits and the sign-in lockouts
    #[arg(long = "trusted-proxy")]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Mark the session cookie Secure, for a server reached over https through a proxy (with
    /// --tls-cert it always is)
    #[arg(long)]
    secure_cookies: bool,
    /// Serve https with this certificate chain (PEM), read again when the file changes
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM)
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Days within which a low rating counts as followed up in time (the period's figure)
    #[arg(long, default_value_t = server::http::state::DEFAULT_FOLLOW_UP_DAYS)]
    follow_up_days: u32,
    /// The report for the level above in a province's own shape (TOML; see
    /// report-templates/mac-dinh.toml, the one used without it)
    #[arg(long)]
    report_template: Option<PathBuf>,
    #[command(flatten)]
    smtp: SmtpArgs,
}

/// The daily digest of low ratings, e-mailed to the addresses each unit's leader sets.
#[derive(clap::Args)]
struct SmtpArgs {
    /// The mail relay the daily digest goes through; without it no digest is sent
    #[arg(long, requires = "smtp_from")]
    smtp_host: Option<String>,
    /// The relay's port
    #[arg(long, default_value_t = 587)]
    smtp_port: u16,
    /// How to reach the relay: starttls (port 587), tls (465) or none (a relay on this machine)
    #[arg(long, value_enum, default_value_t = server::routes::digest::Security::Starttls)]
    smtp_security: server::routes::digest::Security,
    /// The digest's sender, e.g. "Hài Lòng <hailong@phuong.gov.vn>"
    #[arg(long)]
    smtp_from: Option<String>,
    /// The relay's user name, with --smtp-password-file
    #[arg(long, requires = "smtp_password_file")]
    smtp_user: Option<String>,
    /// A file holding the relay's password (kept out of the command line and the logs)
    #[arg(long, requires = "smtp_user")]
    smtp_password_file: Option<PathBuf>,
    /// When the day's digest goes out, Vietnam time (HH:MM)
    #[arg(long, default_value = "17:30", value_parser = server::routes::digest::parse_hour)]
    digest_at: u32,
    /// The server's address as staff reach it, for the digest's link (https://hailong.example.vn)
    #[arg(long)]
    public_url: Option<String>,
}

impl SmtpArgs {
    fn settings(self) -> anyhow::Result<Option<server::routes::digest::Smtp>> {
        let Some(host) = self.smtp_host else { return Ok(None) };
        let from = self.smtp_from.unwrap_or_default();
        let from = from.parse().map_err(|err| anyhow::anyhow!("--smtp-from: `{from}`: {err}"))?;
        let credentials = match (self.smtp_user, self.smtp_password_file) {
            (Some(user), Some(file)) => {
                let password = std::fs::read_to_string(&file)
                    .with_context(|| format!("--smtp-password-file: {}", file.display()))?;
                Some((user, password.trim_end_matches(['\r', '\n']).to_owned()))
            }
            _ => None,
        };
        Ok(Some(server::routes::digest::Smtp {
            host,
            port: self.smtp_port,
            security: self.smtp_security,
            from,
            credentials,
            at_minutes: self.digest_at,
            public_url: self.public_url,
        }))
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let ServeArgs {
        dist,
        addr,
        db,
        defs,
        require_phone_token,
        max_body_bytes,
        header_seconds,
        body_seconds,
        max_connections,
        trusted_proxies,
        secure_cookies,
        tls_cert,
        tls_key,
        follow_up_days,
        report_template,
        smtp,
    } = args;
    let smtp = smtp.settings()?;
    let patience = server::net::listen::Patience {
        headers: std::time::Duration::from_secs(header_seconds.max(1)),
        body: std::time::Duration::from_secs(body_seconds.max(1)),
        connections: max_connections.max(1),
    };
    if !dist.join("index.html").is_file() {
        bail!("no app in {}: build it with `cargo xtask dist`", dist.display());
    }
    // Structured logs, one JSON object a line on standard error; `RUST_LOG` picks the level.
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let report_template = server::http::state::report_template(report_template.as_deref())
        .map_err(|err| anyhow::anyhow!("--report-template: {err}"))?;
    let store = server::storage::Store::open(&db.path).with_context(|| format!("opening {}", db.path.display()))?;
    let catalog = cli::tally::catalog(&defs)?;
    // A database from before the day tallies: counted once, before the first request.
    if !store.kept_ready()? {
        cli::tallies::build(&store, &catalog)?;
    }
    let collector = server::http::state::Collector {
        store: std::sync::Arc::new(store),
        catalog: std::sync::Arc::new(catalog),
        limiter: server::net::limits::Limiter::new(server::net::limits::Limits::default()),
        require_phone_token,
        sign_in: server::auth::SignInGuard::default(),
        trusted_proxies,
        secure_cookies: secure_cookies || tls_cert.is_some(),
        follow_up_days,
        report_template: std::sync::Arc::new(report_template),
    };
    let acceptor = match tls_cert.as_ref().zip(tls_key.as_ref()) {
        Some((cert, key)) => {
            Some(server::net::tls::acceptor(cert, key).map_err(|err| anyhow::anyhow!("--tls-cert/--tls-key: {err}"))?)
        }
        None => None,
    };
    let scheme = if acceptor.is_some() { "https" } else { "http" };
    let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
        let bound = listener.local_addr().context("reading the bound address")?;
        // Tests read this line to find the port; keep its form.
        println!("hailong: serving {scheme}://{bound}/ from {}", dist.display());
        println!("hailong: press Ctrl+C to stop");
        println!("hailong: responses are stored in {}", db.path.display());
        let collector = std::sync::Arc::new(collector);
        if let Some(smtp) = smtp {
            println!(
                "hailong: daily digests go out through {}:{} from {:02}:{:02}",
                smtp.host,
                smtp.port,
                smtp.at_minutes / 60,
                smtp.at_minutes % 60
            );
            tokio::spawn(server::routes::digest::run(collector.clone(), smtp));
        }
        let app = server::app(&server::ServeConfig { dist, collector, max_body_bytes });
        server::net::listen::serve(listener, app, patience, acceptor, shutdown_signal()).await.context("serving")
    })
}

fn digest_now(db: &Database, smtp: SmtpArgs) -> anyhow::Result<bool> {
    let Some(mut smtp) = smtp.settings()? else { bail!("--smtp-host: name the relay to send through") };
    // Now, whatever the hour the server sends at.
    smtp.at_minutes = 0;
    let store = server::storage::Store::open(&db.path).with_context(|| format!("opening {}", db.path.display()))?;
    let collector =
        std::sync::Arc::new(server::http::state::Collector::with_shipped_surveys(store, Default::default(), false));
    let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
    let round = runtime
        .block_on(server::routes::digest::send_due(&collector, &smtp, time::OffsetDateTime::now_utc()))
        .map_err(|err| anyhow::anyhow!(err))?;
    eprintln!("hailong: today's digest done for {} unit(s): {}", round.sent.len(), round.sent.join(", "));
    for (unit, err) in &round.failed {
        eprintln!("hailong: the digest of {unit} was not sent: {err}");
    }
    Ok(round.failed.is_empty())
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
