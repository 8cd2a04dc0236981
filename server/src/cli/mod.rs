//! The `hailong` subcommands that work on files (`check`, `tally`, `merge`) and on the
//! collector's database (`device`, `user`, `token`, `certify`, `unit`, `audit`, `tallies`).
//! Thin glue: reading files, printing problems, writing output; the work is in `survey`.

pub mod admin;
pub mod check;
pub mod tallies;
pub mod tally;
pub mod units;

use std::path::PathBuf;

/// Where the collector's SQLite database is.
#[derive(clap::Args, Clone)]
pub struct Database {
    /// The SQLite database file (created when missing)
    #[arg(long = "db", default_value = "hailong.db")]
    pub path: PathBuf,
}
