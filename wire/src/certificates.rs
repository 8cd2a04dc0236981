//! Certifying a unit's period: its state, certifying, withdrawing, and the dossiers received,
//! which certifying locks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `GET` a unit's period ([`CertificateQuery`]), `POST` certifying it ([`CertifyRequest`]).
pub const CERTIFICATES: &str = "/api/v1/certificates";
/// `POST` a withdrawal ([`WithdrawRequest`]).
pub const WITHDRAW: &str = "/api/v1/certificates/withdraw";
/// `GET` and `PUT` ([`DossiersBody`]) the dossiers a unit received in a period.
pub const DOSSIERS: &str = "/api/v1/dossiers/{unit}/{period}";
/// The format of the answer of `GET` [`CERTIFICATES`].
pub const CERTIFICATES_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateQuery {
    /// `id@version`.
    pub survey: String,
    pub period: String,
    /// The unit; absent for the whole server.
    #[serde(default)]
    pub unit: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertifyRequest {
    pub survey: String,
    pub period: String,
    #[serde(default)]
    pub unit: Option<String>,
    /// Certify before the period has ended, as chosen.
    #[serde(default)]
    pub early: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossiersBody {
    /// By field code; "" for dossiers not split by field.
    pub dossiers: BTreeMap<String, u64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    pub survey: String,
    pub period: String,
    #[serde(default)]
    pub unit: Option<String>,
    pub reason: String,
}

/// The answer of `GET` [`CERTIFICATES`]: whether the unit's period is certified, the
/// certificate checked against the responses stored now, and what certifying it would lock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CertificateState {
    pub format: u32,
    /// `id@version`.
    pub survey: String,
    pub period: String,
    pub unit: Option<String>,
    pub ended: bool,
    pub certificate: Option<survey::results::certify::Certificate>,
    pub verification: Option<survey::results::certify::Verification>,
    pub to_lock: ToLock,
    /// The published page's path, once certified.
    pub published: Option<String>,
}

/// What certifying the period now would lock.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToLock {
    pub responses: u64,
    pub partial: u64,
    pub misuse: u64,
    /// Comments of these responses nobody has sorted (tagged with topics) yet.
    #[serde(default)]
    pub unsorted_comments: u64,
}

/// The answer of `GET` [`DOSSIERS`]: what the unit received in the period, per field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dossiers {
    pub format: u32,
    pub unit: String,
    pub period: String,
    pub dossiers: BTreeMap<String, u64>,
}
