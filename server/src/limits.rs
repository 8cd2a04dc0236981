//! Rate limits for phones that came without a single-use token.
//!
//! A shared link invites ballot-stuffing, so responses without a token are counted per device
//! id and per network address over sliding windows. Past the *flag* line a response is stored
//! with a misuse flag (kept, counted apart, never dropped); past the *refuse* line it is turned
//! away with 429 and a time to try again, and the phone keeps it in its outbox until then.
//! The address limits are looser than the device ones: every phone on the counter's Wi-Fi
//! shares one address.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::storage::Admission;

/// At most `count` responses in `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub count: usize,
    pub window: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub device_flag: Line,
    pub device_refuse: Line,
    pub address_flag: Line,
    pub address_refuse: Line,
}

impl Default for Limits {
    /// A citizen rates once or twice a visit; a family on one phone a few times. An address
    /// is a counter's Wi-Fi or a mobile network's shared gateway.
    fn default() -> Limits {
        const MINUTE: Duration = Duration::from_secs(60);
        Limits {
            device_flag: Line { count: 3, window: 10 * MINUTE },
            device_refuse: Line { count: 20, window: 60 * MINUTE },
            address_flag: Line { count: 30, window: 10 * MINUTE },
            address_refuse: Line { count: 300, window: 60 * MINUTE },
        }
    }
}

/// The times of recent responses, by device id and by address.
#[derive(Default)]
pub struct Limiter {
    pub limits: Limits,
    seen: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Limiter {
    pub fn new(limits: Limits) -> Limiter {
        Limiter { limits, seen: Mutex::default() }
    }

    /// Decides on one new response from `device` at `address`, and counts it if accepted.
    pub fn admit(&self, device: &str, address: Option<IpAddr>, now: Instant) -> Admission {
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let longest = self.limits.device_refuse.window.max(self.limits.address_refuse.window);
        if seen.len() > 100_000 {
            // Forget keys with nothing recent, so a flood of made-up device ids cannot grow
            // the map without end.
            seen.retain(|_, times| times.back().is_some_and(|last| now.duration_since(*last) < longest));
        }
        let keys = [Some(format!("device:{device}")), address.map(|address| format!("address:{address}"))];
        let recent = |seen: &HashMap<String, VecDeque<Instant>>, key: &Option<String>, window: Duration| {
            key.as_ref()
                .and_then(|key| seen.get(key))
                .map(|times| times.iter().filter(|time| now.duration_since(**time) < window).count())
                .unwrap_or(0)
        };
        let checks = [
            (&keys[0], self.limits.device_refuse, self.limits.device_flag, "device"),
            (&keys[1], self.limits.address_refuse, self.limits.address_flag, "address"),
        ];
        let mut flag = None;
        for (key, refuse, flag_line, what) in checks {
            if key.is_none() {
                continue;
            }
            if recent(&seen, key, refuse.window) >= refuse.count {
                let oldest = seen[key.as_ref().unwrap_or(&String::new())]
                    .iter()
                    .find(|time| now.duration_since(**time) < refuse.window)
                    .copied()
                    .unwrap_or(now);
                let wait = refuse.window.saturating_sub(now.duration_since(oldest));
                return Admission::Later {
                    retry_after_seconds: wait.as_secs().max(1),
                    reason: format!("too many responses from this {what}; send again later"),
                };
            }
            if flag.is_none() && recent(&seen, key, flag_line.window) >= flag_line.count {
                flag = Some(format!("burst-{what}"));
            }
        }
        for key in keys.into_iter().flatten() {
            let times = seen.entry(key).or_default();
            while times.front().is_some_and(|time| now.duration_since(*time) >= longest) {
                times.pop_front();
            }
            times.push_back(now);
        }
        Admission::Accept { flag }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        let minute = Duration::from_secs(60);
        Limits {
            device_flag: Line { count: 2, window: minute },
            device_refuse: Line { count: 4, window: 10 * minute },
            address_flag: Line { count: 5, window: minute },
            address_refuse: Line { count: 8, window: 10 * minute },
        }
    }

    #[test]
    fn a_device_is_flagged_then_refused_then_let_in_again_after_the_window() {
        let limiter = Limiter::new(limits());
        let start = Instant::now();
        let address: Option<IpAddr> = Some("10.0.0.7".parse().unwrap());
        let decisions: Vec<Admission> = (0..5).map(|_| limiter.admit("phone-a", address, start)).collect();
        assert_eq!(decisions[0], Admission::Accept { flag: None });
        assert_eq!(decisions[1], Admission::Accept { flag: None });
        assert_eq!(decisions[2], Admission::Accept { flag: Some("burst-device".into()) });
        assert_eq!(decisions[3], Admission::Accept { flag: Some("burst-device".into()) });
        assert!(matches!(&decisions[4], Admission::Later { retry_after_seconds: 600, .. }), "{:?}", decisions[4]);
        let later = start + Duration::from_secs(601);
        assert_eq!(limiter.admit("phone-a", address, later), Admission::Accept { flag: None });
    }

    #[test]
    fn many_phones_on_one_address_are_flagged_then_refused() {
        let limiter = Limiter::new(limits());
        let now = Instant::now();
        let address: Option<IpAddr> = Some("10.0.0.7".parse().unwrap());
        let decisions: Vec<Admission> = (0..9).map(|n| limiter.admit(&format!("phone-{n}"), address, now)).collect();
        assert_eq!(decisions[4], Admission::Accept { flag: None });
        assert_eq!(decisions[5], Admission::Accept { flag: Some("burst-address".into()) });
        assert!(matches!(decisions[8], Admission::Later { .. }));
        // Another address is not held back by the first.
        assert_eq!(limiter.admit("phone-x", Some("10.0.0.8".parse().unwrap()), now), Admission::Accept { flag: None });
    }
}
