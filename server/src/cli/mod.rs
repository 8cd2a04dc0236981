//! The `hailong` subcommands that work on files: `check`, `tally` and `merge`.
//! Thin glue: reading files, printing problems, writing output; the work is in `survey`.

pub mod check;
pub mod tally;
