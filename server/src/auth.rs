//! Staff passwords: argon2id hashes in the PHC string format, with a random salt each.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// The shortest password `hailong user add` takes: an export holds every ward's results.
pub const MIN_PASSWORD_CHARS: usize = 10;

pub fn hash_password(password: &str) -> Result<String, String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("the password is shorter than {MIN_PASSWORD_CHARS} characters"));
    }
    let salt = SaltString::encode_b64(crate::storage::random_hex(16).as_bytes()).map_err(|err| err.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| err.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("mật khẩu dài đủ").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("mật khẩu dài đủ", &hash));
        assert!(!verify_password("mật khẩu dài đủ ", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert!(hash_password("ngắn").is_err());
    }
}
