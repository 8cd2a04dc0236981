//! The city's administration: units and their counters, accounts, kiosks, the audit log, and
//! the figures of an account's units for the server's workspace.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use survey::results::denominator::Dossiers;

use crate::session::Role;

/// `GET` the units in reach with their counters and fields ([`Units`]); `POST` a unit ([`NewUnit`]).
pub const UNITS: &str = "/api/v1/units";
/// `PATCH` a unit ([`UnitEdit`]), `DELETE` it.
pub const UNIT: &str = "/api/v1/units/{code}";
/// `PUT` a counter's names ([`CounterNames`]), `DELETE` it.
pub const UNIT_COUNTER: &str = "/api/v1/units/{unit}/counters/{code}";
/// `GET` the accounts in reach ([`Accounts`]); `POST` one ([`NewAccount`]).
pub const ACCOUNTS: &str = "/api/v1/accounts";
/// `DELETE` an account.
pub const ACCOUNT: &str = "/api/v1/accounts/{name}";
/// The audit log as CSV ([`ProfileQuery`]).
pub const AUDIT_CSV: &str = "/api/v1/audit.csv";
/// The figures of the units in reach ([`Figures`]), with the query of `hailong tally`.
pub const FIGURES: &str = "/api/v1/figures";
/// `GET` the kiosks in reach ([`Devices`]); `POST` one ([`NewDevice`]), answered with its [`Pairing`].
pub const DEVICES: &str = "/api/v1/devices";
/// `PATCH` a kiosk ([`DeviceEdit`]), `DELETE` (revoke) it.
pub const DEVICE: &str = "/api/v1/devices/{name}";
/// `POST` a kiosk's new pairing code: [`Pairing`].
pub const DEVICE_PAIRING: &str = "/api/v1/devices/{name}/pairing";

/// The format of every answer of this module; a change that a reader written for an older one
/// would misread makes it 2.
pub const ADMIN_FORMAT: u32 = 1;

/// A unit's code and names, and the unit it is under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitName {
    pub code: String,
    pub parent: Option<String>,
    pub name_vi: String,
    pub name_en: Option<String>,
}

/// A counter's (with its unit) or a field's code and names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedCode {
    /// The counter's unit; None for a field.
    pub unit: Option<String>,
    pub code: String,
    pub name_vi: String,
    pub name_en: Option<String>,
}

/// A unit code that responses carry and no unit has yet, with how many.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unnamed {
    pub code: String,
    pub responses: u64,
}

/// The answer of `GET` [`UNITS`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Units {
    pub format: u32,
    pub units: Vec<UnitName>,
    pub counters: Vec<NamedCode>,
    pub fields: Vec<NamedCode>,
    /// For an account of the whole server: codes responses carry that no unit has.
    pub unnamed: Vec<Unnamed>,
}

/// The answer of `POST` [`UNITS`]: the unit made, and what it took over (rows by table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AddedUnit {
    #[serde(flatten)]
    pub unit: UnitName,
    pub took_over: BTreeMap<String, u64>,
}

/// An account as listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountListed {
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub added_at: String,
}

/// The answer of `GET` [`ACCOUNTS`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Accounts {
    pub format: u32,
    pub accounts: Vec<AccountListed>,
}

/// The answer of `POST` [`ACCOUNTS`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AddedAccount {
    pub name: String,
    pub role: Role,
}

/// A kiosk as listed: what it is set to and what it sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceListed {
    pub name: String,
    pub unit: Option<String>,
    pub counter: Option<String>,
    pub survey_id: Option<String>,
    pub version: u64,
    pub added_at: String,
    pub revoked_at: Option<String>,
    pub responses: u64,
    pub last_received_at: Option<String>,
}

/// The answer of `GET` [`DEVICES`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Devices {
    pub format: u32,
    pub devices: Vec<DeviceListed>,
}

/// A kiosk's one-time pairing code and how long it holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pairing {
    pub pairing_code: String,
    pub expires_in_seconds: i64,
}

/// Dossiers received by period code, unit and field.
pub type DossiersByUnit = BTreeMap<String, BTreeMap<String, Dossiers>>;

/// The answer of [`FIGURES`]: the tally of the units in reach as the core's tally CSV, with the
/// names of its units, counters and fields and the dossiers they received.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub format: u32,
    pub account: String,
    pub units: Vec<UnitName>,
    pub counters: Vec<NamedCode>,
    pub fields: Vec<NamedCode>,
    /// The dossiers received by period code and field, summed over the units in reach.
    pub dossiers: BTreeMap<String, Dossiers>,
    pub dossiers_by_unit: DossiersByUnit,
    pub tally_csv: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    pub code: String,
    #[serde(default)]
    pub parent: Option<String>,
    pub name_vi: String,
    #[serde(default)]
    pub name_en: Option<String>,
    /// An administrator of the whole server gives a code that stored rows carry already (see
    /// `storage::units::carried`), having been told what the unit takes over.
    #[serde(default)]
    pub take_over: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitEdit {
    #[serde(default)]
    pub name_vi: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub name_en: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub parent: Option<serde_json::Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterNames {
    pub name_vi: String,
    #[serde(default)]
    pub name_en: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub name: String,
    pub password: String,
    pub role: String,
    #[serde(default)]
    pub unit: Option<String>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ProfileQuery {
    #[serde(default)]
    pub profile: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDevice {
    pub name: String,
    pub unit: String,
    #[serde(default)]
    pub counter: Option<String>,
    #[serde(default)]
    pub survey_id: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceEdit {
    #[serde(default)]
    pub counter: Option<String>,
    #[serde(default)]
    pub survey_id: Option<String>,
    #[serde(default)]
    pub week_hours: Option<Vec<String>>,
    #[serde(default)]
    pub officers: Option<Vec<crate::sync::DutyOfficer>>,
    #[serde(default)]
    pub on_duty: Option<String>,
}

/// A field that is present, `null` included: serde reads a `null` into an `Option` as absent,
/// which would make `{"parent": null}` (to the top) no change at all.
fn present<'de, D: serde::Deserializer<'de>>(value: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(value).map(Some)
}
