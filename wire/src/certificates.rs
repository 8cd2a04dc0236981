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
