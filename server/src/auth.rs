//! Staff passwords: argon2id hashes in the PHC string format, with a random salt each; and the
//! guard in front of them: wrong passwords lock a name out for a while, an unknown name costs
//! what a known one does, and only a few hashes are computed at once.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

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

/// Wrong passwords for one name before it is locked out.
pub const FREE_TRIES: u32 = 5;
/// The first lockout; each further wrong password doubles it, up to [`LONGEST_LOCK`].
pub const FIRST_LOCK: Duration = Duration::from_secs(60);
pub const LONGEST_LOCK: Duration = Duration::from_secs(15 * 60);
/// Argon2 hashes computed at once (each takes about 19 MB): more sign-ins wait their turn.
pub const HASHES_AT_ONCE: usize = 2;

/// Failed sign-ins by user name, and the permits for hashing.
pub struct SignInGuard {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    pub hashing: tokio::sync::Semaphore,
}

impl Default for SignInGuard {
    fn default() -> SignInGuard {
        SignInGuard { failures: Mutex::new(HashMap::new()), hashing: tokio::sync::Semaphore::new(HASHES_AT_ONCE) }
    }
}

impl SignInGuard {
    /// How long `name` must still wait before its password is checked again, if it is locked.
    pub fn locked_for(&self, name: &str) -> Option<Duration> {
        let failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let &(count, last) = failures.get(key(name))?;
        let lock = lock_after(count)?;
        lock.checked_sub(last.elapsed()).filter(|left| !left.is_zero())
    }

    /// Notes a sign-in's outcome: a success forgets the name's failures.
    pub fn record(&self, name: &str, succeeded: bool) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if succeeded {
            failures.remove(key(name));
            return;
        }
        // Names nobody has tried for the longest lock are forgotten, so made-up names cannot
        // grow the table without end.
        if failures.len() >= 10_000 {
            failures.retain(|_, (_, last)| last.elapsed() < LONGEST_LOCK);
        }
        let entry = failures.entry(key(name).to_owned()).or_insert((0, Instant::now()));
        entry.0 = entry.0.saturating_add(1);
        entry.1 = Instant::now();
    }
}

/// The lockout after `count` wrong passwords in a row, if any.
fn lock_after(count: u32) -> Option<Duration> {
    let over = count.checked_sub(FREE_TRIES)?;
    Some(FIRST_LOCK.saturating_mul(1 << over.min(10)).min(LONGEST_LOCK))
}

/// The name as the table keeps it: at most 64 bytes of it.
fn key(name: &str) -> &str {
    let mut end = name.len().min(64);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Checks a password against a name's hash, or, for a name that has none, against a hash of
/// nothing: an unknown name takes as long as a known one, so timing does not tell them apart.
pub fn verify_or_waste(password: &str, hash: Option<&str>) -> bool {
    static NOBODY: OnceLock<String> = OnceLock::new();
    match hash {
        Some(hash) => verify_password(password, hash),
        None => {
            let nobody = NOBODY.get_or_init(|| hash_password(&crate::storage::random_hex(16)).unwrap_or_default());
            let _ = verify_password(password, nobody);
            false
        }
    }
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

    #[test]
    fn wrong_passwords_lock_a_name_for_longer_each_time() {
        assert_eq!(lock_after(FREE_TRIES - 1), None);
        assert_eq!(lock_after(FREE_TRIES), Some(FIRST_LOCK));
        assert_eq!(lock_after(FREE_TRIES + 1), Some(FIRST_LOCK * 2));
        assert_eq!(lock_after(FREE_TRIES + 30), Some(LONGEST_LOCK));
        let guard = SignInGuard::default();
        for _ in 0..FREE_TRIES {
            assert_eq!(guard.locked_for("can-bo"), None);
            guard.record("can-bo", false);
        }
        assert!(guard.locked_for("can-bo").is_some_and(|left| left <= FIRST_LOCK));
        assert_eq!(guard.locked_for("nguoi-khac"), None, "another name is not locked");
        guard.record("can-bo", true);
        assert_eq!(guard.locked_for("can-bo"), None, "a success forgets");
        assert!(!verify_or_waste("mật khẩu dài đủ", None));
    }
}
