//! The staff PIN: chosen at first run, kept only as a salted PBKDF2-SHA256 hash made by the
//! browser's WebCrypto, and locked for a minute after five wrong tries. The hash and the lock
//! are stored in IndexedDB, so a reload does not reset the lock.

use serde::{Deserialize, Serialize};

/// Wrong tries before the lock.
pub const MAX_TRIES: u32 = 5;
/// How long the lock lasts.
pub const LOCK_MS: i64 = 60_000;
/// PBKDF2 rounds: about a third of a second on a cheap tablet, far longer for anyone guessing
/// a stolen hash.
pub const ITERATIONS: u32 = 100_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinRecord {
    pub format: u32,
    /// Random, hex.
    pub salt: String,
    pub iterations: u32,
    /// PBKDF2-SHA256 of the PIN, 32 bytes, hex.
    pub hash: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinLock {
    /// Wrong tries since the last right one or the last lock.
    pub failures: u32,
    /// Unix milliseconds until which no try is accepted.
    pub locked_until_ms: i64,
}

impl PinLock {
    /// Whole seconds left in the lock, if locked at `now`.
    pub fn seconds_left(&self, now: i64) -> Option<u32> {
        (now < self.locked_until_ms).then(|| ((self.locked_until_ms - now + 999) / 1000) as u32)
    }

    /// The lock after a wrong try at `now`.
    pub fn failed(self, now: i64) -> PinLock {
        let failures = self.failures + 1;
        if failures >= MAX_TRIES {
            PinLock { failures: 0, locked_until_ms: now + LOCK_MS }
        } else {
            PinLock { failures, locked_until_ms: self.locked_until_ms }
        }
    }

    pub fn tries_left(&self) -> u32 {
        MAX_TRIES - self.failures
    }
}

/// A PIN is 4 to 8 digits.
pub fn valid_pin(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.bytes().all(|byte| byte.is_ascii_digit())
}

/// Compares two hashes without stopping at the first difference.
pub fn same_hash(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    text.len().is_multiple_of(2).then_some(())?;
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// PBKDF2-SHA256 of `pin` through WebCrypto (only in a secure context: https or localhost).
pub async fn derive(pin: &str, salt: &[u8], iterations: u32) -> Result<Vec<u8>, String> {
    use js_sys::{Array, Object, Reflect, Uint8Array};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let describe = |err: wasm_bindgen::JsValue| format!("{err:?}");
    let window = web_sys::window().ok_or("no window")?;
    let subtle = window.crypto().map_err(|_| "this browser offers no cryptography".to_string())?.subtle();
    if subtle.is_undefined() {
        return Err("the staff area needs a secure address (https:// or localhost)".into());
    }
    let key_data = Uint8Array::from(pin.as_bytes());
    let usages = Array::of1(&"deriveBits".into());
    let key = JsFuture::from(subtle.import_key_with_str("raw", &key_data, "PBKDF2", false, &usages).map_err(describe)?)
        .await
        .map_err(describe)?;
    let params = Object::new();
    for (name, value) in [
        ("name", wasm_bindgen::JsValue::from("PBKDF2")),
        ("hash", "SHA-256".into()),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", iterations.into()),
    ] {
        Reflect::set(&params, &name.into(), &value).map_err(describe)?;
    }
    let bits = JsFuture::from(subtle.derive_bits_with_object(&params, key.unchecked_ref(), 256).map_err(describe)?)
        .await
        .map_err(describe)?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// 16 random bytes for a new salt (from the browser's `crypto.getRandomValues`, through uuid).
pub fn new_salt() -> Vec<u8> {
    uuid::Uuid::new_v4().as_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_wrong_tries_lock_for_a_minute() {
        let mut lock = PinLock::default();
        for n in 1..MAX_TRIES {
            lock = lock.failed(1_000);
            assert_eq!(lock.seconds_left(1_000), None, "not locked after {n}");
            assert_eq!(lock.tries_left(), MAX_TRIES - n);
        }
        lock = lock.failed(1_000);
        assert_eq!(lock.seconds_left(1_000), Some(60));
        assert_eq!(lock.seconds_left(60_999), Some(1));
        assert_eq!(lock.seconds_left(61_000), None);
        assert_eq!(lock.tries_left(), MAX_TRIES, "a fresh count after the lock");
    }

    #[test]
    fn pins_are_four_to_eight_digits() {
        assert!(valid_pin("1234"));
        assert!(valid_pin("12345678"));
        assert!(!valid_pin("123"));
        assert!(!valid_pin("123456789"));
        assert!(!valid_pin("12a4"));
        assert!(!valid_pin("１２３４"), "full-width digits are not accepted");
    }

    #[test]
    fn hashes_compare_and_hex_round_trips() {
        assert!(same_hash(&[1, 2, 3], &[1, 2, 3]));
        assert!(!same_hash(&[1, 2, 3], &[1, 2, 4]));
        assert!(!same_hash(&[1, 2], &[1, 2, 3]));
        assert_eq!(from_hex(&to_hex(&[0, 15, 255])), Some(vec![0, 15, 255]));
        assert_eq!(from_hex("0g"), None);
        assert_eq!(from_hex("abc"), None);
    }
}
