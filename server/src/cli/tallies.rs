//! `hailong tallies`: the tallies kept per day and month, rebuilt from the stored responses
//! (the source of truth) or compared with a recount of them.

use clap::Subcommand;
use server::storage::Store;

use super::Database;

#[derive(Subcommand)]
pub enum TalliesCommand {
    /// Count every stored response afresh into the day and month tallies (senders wait meanwhile)
    Rebuild {
        /// More survey definitions (TOML or JSON) besides the shipped ones, as `serve --defs`
        #[arg(long, num_args = 1..)]
        defs: Vec<std::path::PathBuf>,
        #[command(flatten)]
        db: Database,
    },
    /// Recount the stored responses a month at a time and report every kept row that differs
    Check {
        #[arg(long, num_args = 1..)]
        defs: Vec<std::path::PathBuf>,
        #[command(flatten)]
        db: Database,
    },
}

pub fn tallies(command: TalliesCommand) -> anyhow::Result<bool> {
    match command {
        TalliesCommand::Rebuild { defs, db } => {
            let catalog = super::tally::catalog(&defs)?;
            let store = super::admin::open(&db)?;
            build(&store, &catalog)?;
            Ok(true)
        }
        TalliesCommand::Check { defs, db } => {
            let catalog = super::tally::catalog(&defs)?;
            let differences = super::admin::open(&db)?.check_kept(&catalog)?;
            for difference in &differences {
                eprintln!("hailong: tallies: {difference}");
            }
            if differences.is_empty() {
                eprintln!("hailong: the day and month tallies equal a recount of the stored responses");
            }
            Ok(differences.is_empty())
        }
    }
}

/// Builds the kept tallies and says what was counted.
pub fn build(store: &Store, catalog: &survey::definition::catalog::Catalog) -> anyhow::Result<()> {
    eprintln!("hailong: counting the stored responses into day and month tallies");
    let built = store.rebuild_kept(catalog)?;
    eprintln!("hailong: {} responses counted into day and month tallies", built.responses);
    if !built.left_out.is_empty() {
        eprintln!(
            "hailong: {} stored responses fail today's check and are left out of every figure: {}",
            built.left_out.len(),
            built.left_out.iter().take(10).cloned().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}
