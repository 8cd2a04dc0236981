//! Staff passwords: argon2id hashes in the PHC string format, with a random salt each; and the
//! guard in front of them: wrong passwords lock a name out for a while, an unknown name costs
//! what a known one does, and only a few hashes are computed at once.

use std::collections::HashMap;
use std::net::IpAddr;
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

/// Wrong passwords from one address (a ward office behind one NAT shares it) before it is
/// locked out, whatever names they were for; then the same doubling locks as for a name.
pub const FREE_TRIES_PER_ADDRESS: u32 = 20;
/// Failures last seen this long ago are forgotten: an address is never locked for good.
pub const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);

/// Failed sign-ins by user name and by address, and the permits for hashing.
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
    /// How long a sign-in as `name` from `address` must still wait before its password is
    /// checked again, if the name or the address is locked, and which of them.
    pub fn locked_for(&self, name: &str, address: Option<IpAddr>) -> Option<(Duration, Locked)> {
        let failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let left = |key: &str, free: u32| {
            let &(count, last) = failures.get(key)?;
            let lock = lock_after(count, free)?;
            lock.checked_sub(last.elapsed()).filter(|left| !left.is_zero())
        };
        let by_name = left(&name_key(name), FREE_TRIES).map(|left| (left, Locked::Name));
        let by_address = address
            .and_then(|address| left(&address_key(address), FREE_TRIES_PER_ADDRESS))
            .map(|left| (left, Locked::Address));
        by_name.into_iter().chain(by_address).max_by_key(|(left, _)| *left)
    }

    /// Notes a sign-in's outcome: a success forgets the name's failures (never the address's:
    /// one good account must not reset the count of guesses at the others).
    pub fn record(&self, name: &str, address: Option<IpAddr>, succeeded: bool) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if succeeded {
            failures.remove(&name_key(name));
            return;
        }
        // Keys nobody has failed with for a while are forgotten, so made-up names cannot grow
        // the table without end. A table still full takes no new keys (a lock already held is
        // never dropped to make room: flooding it must not unlock anyone).
        if failures.len() >= MAX_FAILURE_KEYS {
            failures.retain(|_, (_, last)| last.elapsed() < LONGEST_LOCK);
        }
        for key in std::iter::once(name_key(name)).chain(address.map(address_key)) {
            if failures.len() >= MAX_FAILURE_KEYS && !failures.contains_key(&key) {
                continue;
            }
            let entry = failures.entry(key).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= FORGET_AFTER {
                entry.0 = 0;
            }
            entry.0 = entry.0.saturating_add(1);
            entry.1 = Instant::now();
        }
    }
}

/// What a lockout is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locked {
    Name,
    Address,
}

/// The most names and addresses with failures kept.
const MAX_FAILURE_KEYS: usize = 10_000;

fn name_key(name: &str) -> String {
    format!("name:{}", key(name))
}

fn address_key(address: IpAddr) -> String {
    format!("address:{}", crate::net::limits::address_key(address))
}

/// The lockout after `count` wrong passwords in a row, `free` of them allowed, if any.
fn lock_after(count: u32, free: u32) -> Option<Duration> {
    let over = count.checked_sub(free)?;
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

/// A typed name as the audit log keeps it: a name that could be an account's as it is, anything
/// else (a password typed in the wrong box, say) never.
pub fn shown_name(name: &str) -> String {
    if survey::records::record::is_code(name) { name.to_owned() } else { "(not an account name)".to_owned() }
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
        assert_eq!(lock_after(FREE_TRIES - 1, FREE_TRIES), None);
        assert_eq!(lock_after(FREE_TRIES, FREE_TRIES), Some(FIRST_LOCK));
        assert_eq!(lock_after(FREE_TRIES + 1, FREE_TRIES), Some(FIRST_LOCK * 2));
        assert_eq!(lock_after(FREE_TRIES + 30, FREE_TRIES), Some(LONGEST_LOCK));
        let guard = SignInGuard::default();
        for _ in 0..FREE_TRIES {
            assert_eq!(guard.locked_for("can-bo", None), None);
            guard.record("can-bo", None, false);
        }
        assert!(guard.locked_for("can-bo", None).is_some_and(|(left, on)| left <= FIRST_LOCK && on == Locked::Name));
        assert_eq!(guard.locked_for("nguoi-khac", None), None, "another name is not locked");
        guard.record("can-bo", None, true);
        assert_eq!(guard.locked_for("can-bo", None), None, "a success forgets");
        assert!(!verify_or_waste("mật khẩu dài đủ", None));
    }

    #[test]
    fn an_address_that_guesses_at_many_names_is_locked_and_a_success_does_not_unlock_it() {
        let guard = SignInGuard::default();
        let address: Option<IpAddr> = Some("203.0.113.9".parse().unwrap());
        for n in 0..FREE_TRIES_PER_ADDRESS {
            assert_eq!(guard.locked_for(&format!("ten-{n}"), address), None);
            guard.record(&format!("ten-{n}"), address, false);
        }
        assert!(matches!(guard.locked_for("ten-moi", address), Some((_, Locked::Address))));
        guard.record("can-bo", address, true);
        assert!(matches!(guard.locked_for("ten-moi", address), Some((_, Locked::Address))));
        assert_eq!(guard.locked_for("ten-moi", Some("203.0.113.10".parse().unwrap())), None, "another address is not");
    }
}
