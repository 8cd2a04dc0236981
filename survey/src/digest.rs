//! SHA-256, the one digest of the project: certificates and the responses they count, the
//! sent-ledger's confirmations, stored token hashes and the CSP hash of the published page.

use sha2::{Digest, Sha256};

/// The digest as 64 lowercase hex digits, as it is printed and stored.
pub fn sha256_hex(bytes: &[u8]) -> String {
    sha256_bytes(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

pub fn sha256_bytes(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_sha256() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
