//! `hailong device`, `user`, `token` and `certify`: the commands that work on the collector's
//! database. A secret (a device token, a single-use token) is printed once, when it is made;
//! the database keeps only its salted hash.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use server::storage::Store;
use server::storage::audit::Actor;
use server::storage::tokens::NewToken;
use server::storage::units::check_code;
use survey::results::period::Period;
use wire::session::Role;

use crate::cli::Database;

#[derive(Subcommand)]
pub enum DeviceCommand {
    /// Register a kiosk; prints its device token, to enter in the kiosk's settings
    Add {
        /// A name for the kiosk, such as phuong-1-quay-2
        name: String,
        /// The unit it serves: it may send that unit's responses only
        #[arg(long)]
        unit: Option<String>,
        /// The counter it stands at (sent to it when paired)
        #[arg(long)]
        counter: Option<String>,
        /// The shipped survey it runs (sent to it when paired)
        #[arg(long)]
        survey: Option<String>,
        #[command(flatten)]
        db: Database,
    },
    /// Make a one-time pairing code (valid for an hour) that the kiosk's staff area takes once:
    /// it then receives its token, unit, counter and survey from the server
    Pair {
        name: String,
        #[command(flatten)]
        db: Database,
    },
    /// Change a kiosk's counter or survey; the kiosk takes it between two citizens
    Set {
        name: String,
        #[arg(long)]
        counter: Option<String>,
        #[arg(long)]
        survey: Option<String>,
        /// Opening hours of the seven days, Monday first: `--week-hours "07:30-11:30, 13:30-17:00"`
        /// five times, then Saturday's and Sunday's ("" for closed)
        #[arg(long, num_args = 7)]
        week_hours: Option<Vec<String>>,
        /// The counter's officers, `code; name`, repeated (replaces the list)
        #[arg(long)]
        officer: Vec<String>,
        /// The officer on duty now (a code of the officers; "" for nobody named)
        #[arg(long)]
        on_duty: Option<String>,
        #[command(flatten)]
        db: Database,
    },
    /// List the kiosks: name, added, revoked, responses received and the last one's time
    List {
        #[command(flatten)]
        db: Database,
    },
    /// Revoke a kiosk's token at once (a lost or stolen tablet); what it sent stays stored.
    /// Give the tablet a new name with `device add` to pair it again
    Revoke {
        name: String,
        #[command(flatten)]
        db: Database,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a staff account; the password is read from standard input (one line)
    Add {
        name: String,
        /// admin, leader, office or viewer (see ARCHITECTURE.md for what each may do)
        #[arg(long, default_value = "admin", value_parser = parse_role)]
        role: Role,
        /// The unit the role is over, with every unit below it; an admin without one has the
        /// whole server
        #[arg(long)]
        unit: Option<String>,
        #[command(flatten)]
        db: Database,
    },
    /// List the staff accounts
    List {
        #[command(flatten)]
        db: Database,
    },
    /// Remove a staff account; its password stops working at once
    Remove {
        name: String,
        #[command(flatten)]
        db: Database,
    },
    /// Set a new password, read from standard input (one line)
    Passwd {
        name: String,
        #[command(flatten)]
        db: Database,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue single-use tokens and write a printable sheet of their QR codes
    Add {
        /// How many cards (not with --dossier)
        #[arg(long, default_value_t = 12)]
        count: usize,
        /// The unit's code, as in the phone page's address
        #[arg(long)]
        unit: String,
        /// The counter's code
        #[arg(long)]
        counter: String,
        /// One token for this dossier (its code is stored only hashed)
        #[arg(long)]
        dossier: Option<String>,
        /// The address citizens' phones reach this server at, such as https://hailong.phuong1.gov.vn
        #[arg(long)]
        base_url: String,
        /// The sheet to write (HTML, prints on A4)
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        db: Database,
    },
}

#[derive(Args)]
pub struct CertifyArgs {
    /// The survey, as id@version (danh-gia-tai-quay@2026.1)
    #[arg(long)]
    survey: String,
    /// The period's code: 2026-Q4, 2026-H2, 2026, 2026-11 or 2026-10-01_2026-12-31
    #[arg(long)]
    period: String,
    /// More survey definitions besides the shipped ones
    #[arg(long, num_args = 1..)]
    defs: Vec<PathBuf>,
    /// Certify a period that has not ended yet (the published page then says so)
    #[arg(long)]
    early: bool,
    /// Certify this unit's responses and those of every unit below it (default: the whole server)
    #[arg(long)]
    unit: Option<String>,
    #[command(flatten)]
    db: Database,
}

pub(crate) fn open(db: &Database) -> anyhow::Result<Store> {
    Store::open(&db.path).with_context(|| format!("opening {}", db.path.display()))
}

/// The person at the command line, now.
pub(crate) fn me() -> Actor {
    Actor::command_line(server::http::state::now_vietnam())
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("`{text}` is not a role: use admin, leader, office or viewer"))
}

pub fn device(command: DeviceCommand) -> anyhow::Result<()> {
    match command {
        DeviceCommand::Pair { name, db } => {
            let code = open(&db)?.pairing_code(&name, server::http::state::now_millis() / 1000, &me())?;
            eprintln!(
                "hailong: enter this pairing code in the kiosk's staff area (Cài đặt → Ghép nối); it works once, for an hour:"
            );
            println!("{code}");
        }
        DeviceCommand::Set { name, counter, survey, week_hours, officer, on_duty, db } => {
            let officers =
                (!officer.is_empty()).then(|| wire::sync::DutyOfficer::parse_lines(officer.iter().map(String::as_str)));
            let change =
                server::storage::devices::DeviceChange { counter, survey_id: survey, week_hours, officers, on_duty };
            open(&db)?.change_device(&name, &change, &me())?;
            eprintln!("hailong: device {name} changed; it takes the change between two citizens");
        }
        DeviceCommand::Add { name, unit, counter, survey, db } => {
            // Checked before anything is stored, so a refusal leaves no kiosk half made.
            if let Some(survey) = &survey {
                server::storage::devices::check_survey(survey)?;
            }
            let store = open(&db)?;
            let token = store.add_device(&name, unit.as_deref(), &me())?;
            if counter.is_some() || survey.is_some() {
                let change =
                    server::storage::devices::DeviceChange { counter, survey_id: survey, ..Default::default() };
                store.change_device(&name, &change, &me())?;
            }
            eprintln!("hailong: device {name} added; enter this token in the kiosk's settings (it is shown only now):");
            println!("{token}");
        }
        DeviceCommand::List { db } => {
            let devices = open(&db)?.devices()?;
            println!("name\tunit\tadded_at\trevoked_at\tresponses\tlast_received_at");
            for device in &devices {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    device.name,
                    device.unit.as_deref().unwrap_or("-"),
                    device.added_at,
                    device.revoked_at.as_deref().unwrap_or("-"),
                    device.responses,
                    device.last_received_at.as_deref().unwrap_or("-")
                );
            }
            eprintln!("hailong: {} devices", devices.len());
        }
        DeviceCommand::Revoke { name, db } => {
            open(&db)?.revoke_device(&name, &me())?;
            eprintln!("hailong: device {name} revoked: its token is refused from now on; what it sent stays stored");
        }
    }
    Ok(())
}

/// The password, one line of standard input.
fn read_password() -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password).context("reading the password from standard input")?;
    Ok(password.trim_end_matches(['\r', '\n']).to_owned())
}

pub fn user(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { name, role, unit, db } => {
            check_code("user name", &name)?;
            if role != Role::Admin && unit.is_none() {
                bail!("--unit: a {} account is over a unit; only an admin may have the whole server", role.name());
            }
            let store = open(&db)?;
            let hash = server::auth::hash_password(&read_password()?).map_err(|err| anyhow::anyhow!("{err}"))?;
            store.add_user(&name, &hash, role, unit.as_deref(), &me())?;
            let over =
                unit.map(|unit| format!("unit {unit} and every unit below it")).unwrap_or("the whole server".into());
            eprintln!("hailong: user {name} added, {} over {over}", role.name());
        }
        UserCommand::List { db } => {
            let users = open(&db)?.users()?;
            println!("name\trole\tunit\tadded_at");
            for user in &users {
                println!(
                    "{}\t{}\t{}\t{}",
                    user.name,
                    user.role.name(),
                    user.unit.as_deref().unwrap_or("*"),
                    user.added_at
                );
            }
            eprintln!("hailong: {} users", users.len());
        }
        UserCommand::Remove { name, db } => {
            open(&db)?.remove_user(&name, &me())?;
            eprintln!("hailong: user {name} removed; the password no longer signs in");
        }
        UserCommand::Passwd { name, db } => {
            let store = open(&db)?;
            if store.password_hash(&name)?.is_none() {
                bail!("there is no user `{name}`; nothing was changed");
            }
            let hash = server::auth::hash_password(&read_password()?).map_err(|err| anyhow::anyhow!("{err}"))?;
            store.set_password(&name, &hash, None, &me())?;
            eprintln!("hailong: user {name} has a new password");
        }
    }
    Ok(())
}

pub fn token(command: TokenCommand) -> anyhow::Result<()> {
    let TokenCommand::Add { count, unit, counter, dossier, base_url, output, db } = command;
    check_code("unit", &unit)?;
    check_code("counter", &counter)?;
    if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
        bail!("--base-url `{base_url}` is not an http(s) address");
    }
    if output.exists() {
        bail!("{} exists; choose a new file (a sheet's tokens are shown only once)", output.display());
    }
    let count = if dossier.is_some() { 1 } else { count };
    if !(1..=server::routes::collect::MAX_TOKENS).contains(&count) {
        bail!("--count: issue 1 to {} tokens at a time", server::routes::collect::MAX_TOKENS);
    }
    let store = open(&db)?;
    let new = NewToken { unit: Some(&unit), counter: Some(&counter), dossier: dossier.as_deref() };
    let tokens = store.issue_tokens(count, &new, &me())?;
    let cards: Vec<survey::reports::qr::Card> = tokens
        .iter()
        .map(|token| survey::reports::qr::Card {
            url: survey_defs::phone_url(&base_url, &unit, &counter, Some(token), dossier.is_some()),
            place: format!("{unit} · {counter}"),
            note: match &dossier {
                Some(dossier) => format!("Hồ sơ {dossier} · dùng một lần"),
                None => "Mỗi mã đánh giá một lần · one rating per code".to_owned(),
            },
        })
        .collect();
    let html =
        survey::reports::qr::sheet(&format!("Mã QR đánh giá · {unit} · {counter}"), &cards, survey::text::Lang::Vi)
            .map_err(|err| anyhow::anyhow!("making the QR codes: {err}"))?;
    std::fs::write(&output, html).with_context(|| format!("writing {}", output.display()))?;
    eprintln!("hailong: {} single-use codes written to {}", tokens.len(), output.display());
    Ok(())
}

pub fn certify(args: CertifyArgs) -> anyhow::Result<()> {
    let Some((survey_id, survey_version)) = args.survey.split_once('@') else {
        bail!("--survey `{}`: write it as id@version, such as danh-gia-tai-quay@2026.1", args.survey);
    };
    let Some(period) = Period::parse(&args.period) else {
        bail!(
            "--period `{}` is not a period: use 2026-Q4, 2026-H2, 2026, 2026-11 or 2026-10-01_2026-12-31",
            args.period
        );
    };
    let catalog = super::tally::catalog(&args.defs)?;
    if catalog.get(survey_id, survey_version).is_none() {
        bail!("--survey: no definition of {survey_id} version {survey_version} is known here");
    }
    let store = open(&args.db)?;
    let units = store.units()?;
    if let Some(unit) = &args.unit
        && !units.iter().any(|known| known.code == *unit)
    {
        bail!("--unit `{unit}`: no such unit (see `hailong unit list`)");
    }
    let asked = server::routes::certifying::Asked {
        survey_id,
        survey_version,
        period,
        unit: args.unit.clone(),
        early: args.early,
    };
    let (certificate, left_out) = server::routes::certifying::certify_stored(&store, &catalog, &units, asked, &me())
        .map_err(|err| match err {
            server::routes::certifying::Failed::Certify(
                err @ survey::results::certify::CertifyError::NotEnded { .. },
            ) => {
                anyhow::anyhow!("{err} (--early)")
            }
            server::routes::certifying::Failed::Certify(err) => anyhow::anyhow!("{err}"),
            server::routes::certifying::Failed::Store(err) => anyhow::anyhow!("{err}"),
        })?;
    for (response_id, err) in &left_out {
        eprintln!("hailong: stored response {response_id} is left out (it stays stored): {err}");
    }
    let counts = certificate.counts().map_err(|err| anyhow::anyhow!("reading the certified tally: {err}"))?;
    eprintln!(
        "hailong: {} {} for {}{} certified{}: {} responses counted ({} of them unfinished), {} flagged as misuse kept apart; tally SHA-256 {}",
        survey_id,
        survey_version,
        period.code(),
        args.unit.as_deref().map(|unit| format!(" of {unit}")).unwrap_or_default(),
        if certificate.early { " early, before the period ended" } else { "" },
        counts.responses,
        counts.partial,
        counts.misuse,
        certificate.tally_sha256
    );
    Ok(())
}
