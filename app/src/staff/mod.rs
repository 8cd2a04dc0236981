//! The staff area (its own wasm, never in a citizen's download): the PIN gate (`area`), the
//! sections behind it (`shell`), the settings form, and the workspace, one state and one action enum in
//! `use_reducer` (`workspace`) with one file per section. The figures it shows are computed
//! by pure functions (`figures`) tested natively.

pub mod admin;
mod admin_changes;
pub mod area;
pub mod backup;
pub mod certification;
pub mod denominators;
pub mod exports;
pub mod figures;
pub mod files;
pub mod followups;
pub mod imports;
pub mod kept;
pub mod pairing;
pub mod phone;
pub mod pin;
pub mod prefs;
pub mod publish;
pub mod results;
pub mod said;
pub mod server;
pub mod server_forms;
pub mod settings_form;
pub mod shell;
pub mod state;
pub mod view_controls;
pub mod workspace;
pub mod writes;
