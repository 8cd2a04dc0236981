//! Rate limits for phones that came without a single-use token.
//!
//! A shared link invites ballot-stuffing, so responses without a token are counted per device
//! id and per network address over sliding windows. Past the *flag* line a response is stored
//! with a misuse flag (kept, counted apart, never dropped); past the *refuse* line it is turned
//! away with 429 and a time to try again, and the phone keeps it in its outbox until then.
//! The address limits are looser than the device ones: every phone on the counter's Wi-Fi
//! shares one address.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::storage::responses::Admission;

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

/// The most device ids and addresses the limiter remembers. Each holds at most the refuse
/// line's count of times (20 for a device, 300 for an address) and a key of at most 71 bytes
/// (`device:` and a 64-character code), so the table stays under about 30 MB whatever arrives.
/// Past it, keys with nothing within the longest window are forgotten first, then those seen
/// least recently: a flood of made-up ids can make the limiter forget, never grow.
pub const MAX_KEYS: usize = 50_000;

/// How an address is counted: an IPv4 address alone, an IPv6 address by its /64 network (one
/// household or phone is given a whole /64, so counting single IPv6 addresses would let one
/// phone be 2^64 senders).
pub fn address_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let segments = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", segments[0], segments[1], segments[2], segments[3])
            }
        },
    }
}

/// The client's address: the connection's peer, or, where the peer is one of the `trusted`
/// reverse proxies, the nearest address in its `X-Forwarded-For` that is not itself a trusted
/// proxy. A header from anyone else is ignored (anyone can write one), and a proxy's header
/// that cannot be read leaves the proxy's own address.
pub fn client_address(peer: Option<IpAddr>, headers: &axum::http::HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let mut hops = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(text) = value.to_str() else { return Some(peer) };
        for hop in text.split(',').map(str::trim).filter(|hop| !hop.is_empty()) {
            match hop.parse::<IpAddr>().or_else(|_| hop.parse::<SocketAddr>().map(|socket| socket.ip())) {
                Ok(address) => hops.push(address),
                Err(_) => return Some(peer),
            }
        }
    }
    Some(hops.into_iter().rev().find(|hop| !trusted.contains(hop)).unwrap_or(peer))
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

    /// Decides on one new response from `device` at `address`, and counts it if accepted. A
    /// response that names no device (the phone page's form, sent before the app has loaded or
    /// with JavaScript off) is counted by its address alone.
    pub fn admit(&self, device: Option<&str>, address: Option<IpAddr>, now: Instant) -> Admission {
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let longest = self.limits.device_refuse.window.max(self.limits.address_refuse.window);
        if seen.len() >= MAX_KEYS {
            forget(&mut seen, now, longest);
        }
        // A device id that passed the gate is a code of at most 64 characters; anything longer
        // is cut, so no key is long.
        let device = device.map(|device| format!("device:{}", device.chars().take(64).collect::<String>()));
        let keys = [device, address.map(|address| format!("address:{}", address_key(address)))];
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

/// Makes room in a full table: keys with nothing within `longest` go first, then, if that is
/// not a tenth of the table, the least recently seen, down to nine tenths of [`MAX_KEYS`].
fn forget(seen: &mut HashMap<String, VecDeque<Instant>>, now: Instant, longest: Duration) {
    seen.retain(|_, times| times.back().is_some_and(|last| now.duration_since(*last) < longest));
    let keep = MAX_KEYS - MAX_KEYS / 10;
    if seen.len() > keep {
        let mut lasts: Vec<Instant> = seen.values().filter_map(|times| times.back().copied()).collect();
        let cut = lasts.len() - keep;
        let (_, &mut oldest_kept, _) = lasts.select_nth_unstable(cut);
        seen.retain(|_, times| times.back().is_some_and(|last| *last >= oldest_kept));
    }
    // Keys seen at the very same instant can tie at the cut: the bound holds all the same.
    let extra: Vec<String> = seen.keys().skip(keep).cloned().collect();
    for key in extra {
        seen.remove(&key);
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
        let decisions: Vec<Admission> = (0..5).map(|_| limiter.admit(Some("phone-a"), address, start)).collect();
        assert_eq!(decisions[0], Admission::Accept { flag: None });
        assert_eq!(decisions[1], Admission::Accept { flag: None });
        assert_eq!(decisions[2], Admission::Accept { flag: Some("burst-device".into()) });
        assert_eq!(decisions[3], Admission::Accept { flag: Some("burst-device".into()) });
        assert!(matches!(&decisions[4], Admission::Later { retry_after_seconds: 600, .. }), "{:?}", decisions[4]);
        let later = start + Duration::from_secs(601);
        assert_eq!(limiter.admit(Some("phone-a"), address, later), Admission::Accept { flag: None });
    }

    #[test]
    fn many_phones_on_one_address_are_flagged_then_refused() {
        let limiter = Limiter::new(limits());
        let now = Instant::now();
        let address: Option<IpAddr> = Some("10.0.0.7".parse().unwrap());
        let decisions: Vec<Admission> =
            (0..9).map(|n| limiter.admit(Some(&format!("phone-{n}")), address, now)).collect();
        assert_eq!(decisions[4], Admission::Accept { flag: None });
        assert_eq!(decisions[5], Admission::Accept { flag: Some("burst-address".into()) });
        assert!(matches!(decisions[8], Admission::Later { .. }));
        // Another address is not held back by the first.
        assert_eq!(
            limiter.admit(Some("phone-x"), Some("10.0.0.8".parse().unwrap()), now),
            Admission::Accept { flag: None }
        );
    }

    #[test]
    fn made_up_ids_and_addresses_never_grow_the_table_past_its_bound() {
        let limiter = Limiter::new(Limits::default());
        let start = Instant::now();
        for n in 0..(MAX_KEYS as u64 * 2) {
            let address = IpAddr::from(std::net::Ipv6Addr::from((0x2001_0db8_u128 << 96) | u128::from(n) << 64));
            let now = start + Duration::from_millis(n);
            limiter.admit(Some(&format!("{n}{}", "x".repeat(1_000))), Some(address), now);
        }
        let seen = limiter.seen.lock().unwrap();
        assert!(seen.len() <= MAX_KEYS, "{}", seen.len());
        assert!(seen.keys().all(|key| key.len() <= 80), "every key is short");
    }

    #[test]
    fn an_ipv6_network_counts_as_one_address() {
        let limiter = Limiter::new(limits());
        let now = Instant::now();
        let decisions: Vec<Admission> = (0..9u16)
            .map(|n| {
                let address = IpAddr::from(std::net::Ipv6Addr::new(0x2001, 0xdb8, 1, 2, n, n, n, n));
                limiter.admit(Some(&format!("phone-{n}")), Some(address), now)
            })
            .collect();
        assert!(matches!(decisions[8], Admission::Later { .. }), "{:?}", decisions[8]);
        assert_eq!(address_key("::ffff:10.0.0.7".parse().unwrap()), "10.0.0.7");
    }

    #[test]
    fn the_client_address_is_taken_from_a_trusted_proxy_only() {
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let headers = |value: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert("x-forwarded-for", value.parse().unwrap());
            headers
        };
        let phone: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client_address(Some(proxy), &headers("203.0.113.9"), &[proxy]), Some(phone));
        assert_eq!(
            client_address(Some(proxy), &headers("6.6.6.6, 203.0.113.9"), &[proxy]),
            Some(phone),
            "a forged first hop is passed over"
        );
        let inner: IpAddr = "10.0.0.2".parse().unwrap();
        assert_eq!(client_address(Some(proxy), &headers("203.0.113.9, 10.0.0.2"), &[proxy, inner]), Some(phone));
        assert_eq!(
            client_address(Some(phone), &headers("1.2.3.4"), &[proxy]),
            Some(phone),
            "nobody else's header counts"
        );
        assert_eq!(client_address(Some(proxy), &headers("not an address"), &[proxy]), Some(proxy));
        assert_eq!(client_address(Some(proxy), &axum::http::HeaderMap::new(), &[proxy]), Some(proxy));
        assert_eq!(
            client_address(Some(proxy), &headers("[2001:db8::1]:443"), &[proxy]),
            Some("2001:db8::1".parse().unwrap())
        );
    }
}
