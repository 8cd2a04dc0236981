//! The staff area (its own wasm, never in a citizen's download): the PIN gate and the shell
//! (`area`), the settings form, and the workspace, one state and one action enum in
//! `use_reducer` (`workspace`) with one file per section. The figures it shows are computed
//! by pure functions (`figures`) tested natively.

pub mod area;
pub mod files;
pub mod phone;
pub mod pin;
pub mod workspace;
