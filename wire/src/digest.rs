//! The daily digest of low ratings to a unit's leaders: where it goes.

use serde::{Deserialize, Serialize};

/// `GET` and `PUT` ([`AddressesBody`]) a unit's digest addresses.
pub const DIGEST: &str = "/api/v1/digest/{unit}";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressesBody {
    pub addresses: Vec<String>,
}

/// The format of [`Addresses`].
pub const DIGEST_FORMAT: u32 = 1;

/// The answer of `GET` [`DIGEST`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Addresses {
    pub format: u32,
    pub unit: String,
    pub addresses: Vec<String>,
}
