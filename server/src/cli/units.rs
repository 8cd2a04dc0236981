//! `hailong unit` and `hailong audit`: the city's tree of units, with their names and counters,
//! and the check of the audit log. Every change is written with its audit entry.

use clap::Subcommand;
use server::storage::units::{Claim, NamedCode, UnitChange, UnitRow};

use super::admin::{me, open};
use crate::cli::Database;

#[derive(Subcommand)]
pub enum UnitCommand {
    /// Add a unit (a city, a ward, a department) with its Vietnamese name
    Add {
        /// Its stable code, as kiosks and phone addresses carry it (phuong-ben-nghe)
        code: String,
        /// Its name in Vietnamese (Phường Bến Nghé)
        #[arg(long)]
        name: String,
        /// Its name in English
        #[arg(long)]
        name_en: Option<String>,
        /// The unit it belongs to (the city); none for the top of the tree
        #[arg(long)]
        parent: Option<String>,
        #[command(flatten)]
        db: Database,
    },
    /// List the units as a tree, with their counters, and the codes responses name that have
    /// no unit yet
    List {
        #[command(flatten)]
        db: Database,
    },
    /// Rename a unit or move it under another (a move that makes a cycle is refused)
    Set {
        code: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        name_en: Option<String>,
        /// The new parent's code; `-` for the top of the tree
        #[arg(long)]
        parent: Option<String>,
        #[command(flatten)]
        db: Database,
    },
    /// Remove a unit that holds no responses, units, accounts or kiosks
    Remove {
        code: String,
        #[command(flatten)]
        db: Database,
    },
    /// Name a counter of a unit (naming it again renames it)
    Counter {
        unit: String,
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        name_en: Option<String>,
        #[command(flatten)]
        db: Database,
    },
    /// Name a field (lĩnh vực), across the server
    Field {
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        name_en: Option<String>,
        #[command(flatten)]
        db: Database,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk the log's chain of hashes and report any entry edited, deleted or cut off; prints
    /// the head to note down elsewhere
    Check {
        #[command(flatten)]
        db: Database,
    },
    /// Write the whole log as CSV to standard output
    Csv {
        #[arg(long, default_value = "excel", value_parser = server::http::reading::parse_profile)]
        profile: survey::csv::write::CsvProfile,
        #[command(flatten)]
        db: Database,
    },
}

pub fn unit(command: UnitCommand) -> anyhow::Result<()> {
    match command {
        UnitCommand::Add { code, name, name_en, parent, db } => {
            let unit = UnitRow { code, parent, name_vi: name, name_en };
            // The server's own command line is the whole server's: it gives a code that stored
            // rows carry already, and says what the unit took over.
            let (unit, took) = open(&db)?.add_unit(&unit, Claim::Take, &me())?;
            if took.is_empty() {
                eprintln!("hailong: unit {} ({}) added", unit.code, unit.name_vi);
            } else {
                eprintln!(
                    "hailong: unit {} ({}) added; it takes over what its code carried: {}",
                    unit.code,
                    unit.name_vi,
                    server::storage::units::carried_text(&took)
                );
            }
        }
        UnitCommand::List { db } => {
            let store = open(&db)?;
            let units = store.units()?;
            let named = store.named_codes()?;
            println!("code\tparent\tname\tname_en");
            let mut stack: Vec<(usize, &UnitRow)> =
                units.iter().filter(|unit| unit.parent.is_none()).rev().map(|unit| (0, unit)).collect();
            while let Some((depth, unit)) = stack.pop() {
                println!(
                    "{}{}\t{}\t{}\t{}",
                    "  ".repeat(depth),
                    unit.code,
                    unit.parent.as_deref().unwrap_or("-"),
                    unit.name_vi,
                    unit.name_en.as_deref().unwrap_or("-")
                );
                for counter in named.iter().filter(|named| named.unit.as_ref() == Some(&unit.code)) {
                    println!("{}  quầy {}\t{}\t{}", "  ".repeat(depth), counter.code, unit.code, counter.name_vi);
                }
                let children = units.iter().filter(|child| child.parent.as_ref() == Some(&unit.code)).rev();
                stack.extend(children.map(|child| (depth + 1, child)));
            }
            for field in named.iter().filter(|named| named.unit.is_none()) {
                println!("lĩnh vực {}\t-\t{}\t{}", field.code, field.name_vi, field.name_en.as_deref().unwrap_or("-"));
            }
            for (code, responses) in store.unnamed_units()? {
                eprintln!(
                    "hailong: {responses} responses name unit `{code}`, which has no unit here: add it with `hailong unit add {code} --name …`"
                );
            }
            eprintln!("hailong: {} units", units.len());
        }
        UnitCommand::Set { code, name, name_en, parent, db } => {
            let change = UnitChange {
                name_vi: name,
                name_en: name_en.map(|name| Some(name).filter(|name| !name.is_empty())),
                parent: parent.map(|parent| Some(parent).filter(|parent| parent != "-")),
            };
            open(&db)?.change_unit(&code, &change, &me())?;
            eprintln!("hailong: unit {code} changed");
        }
        UnitCommand::Remove { code, db } => {
            open(&db)?.remove_unit(&code, &me())?;
            eprintln!("hailong: unit {code} removed");
        }
        UnitCommand::Counter { unit, code, name, name_en, db } => {
            let named = NamedCode { unit: Some(unit), code, name_vi: name, name_en };
            let named = open(&db)?.name_code(&named, &me())?;
            eprintln!(
                "hailong: counter {} of {} is named {}",
                named.code,
                named.unit.unwrap_or_default(),
                named.name_vi
            );
        }
        UnitCommand::Field { code, name, name_en, db } => {
            let named = open(&db)?.name_code(&NamedCode { unit: None, code, name_vi: name, name_en }, &me())?;
            eprintln!("hailong: field {} is named {}", named.code, named.name_vi);
        }
    }
    Ok(())
}

/// `hailong audit`; `check` answers false (exit 1) when the chain is broken.
pub fn audit(command: AuditCommand) -> anyhow::Result<bool> {
    match command {
        AuditCommand::Check { db } => {
            let store = open(&db)?;
            let mut check = store.check_audit()?;
            for problem in &check.problems {
                eprintln!("hailong: audit log: {problem}");
            }
            // The certificates against the responses: a certified response edited, deleted, or
            // rewritten with its digests recomputed (which the log's digest of the certificate
            // then names).
            let catalog = super::tally::catalog(&[])?;
            for problem in server::routes::certifying::check_certificates(&store, &catalog)? {
                eprintln!("hailong: certificates: {problem}");
                check.problems.push(problem);
            }
            match &check.head {
                Some((seq, sha256)) => println!("{} entries; head {seq}:{sha256}", check.entries),
                None => println!("the audit log is empty"),
            }
            if check.problems.is_empty() {
                eprintln!("hailong: the audit log is whole, and every certificate holds");
            }
            Ok(check.problems.is_empty())
        }
        AuditCommand::Csv { profile, db } => {
            use std::io::Write;
            let rows = open(&db)?.audit_rows(None)?;
            std::io::stdout().write_all(&server::storage::audit::audit_csv(&rows, profile))?;
            Ok(true)
        }
    }
}
