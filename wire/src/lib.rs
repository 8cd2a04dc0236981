//! What the Hài Lòng app and `hailong` exchange over HTTP, written once for both: every
//! `/api/v1` path (a repository test holds that none is written anywhere else), the format
//! number of each answer, and the request and answer types, with serde and nothing else: no
//! HTTP client or server.
//!
//! `sync` is the devices' part (responses, single-use tokens, pairing, a kiosk's
//! configuration), which the citizen's download carries; the other modules are the staff's,
//! one per concern, which only the staff area and the server link.

pub mod certificates;
pub mod city;
pub mod comments;
pub mod digest;
pub mod exports;
pub mod followups;
pub mod session;
pub mod sync;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a value put into a path keeps as it is (as `encodeURIComponent` does).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// `template` (a path as the server routes it, `/api/v1/units/{code}`) with each `{…}` replaced,
/// in order, by one of `values`, encoded as a URI component.
pub fn path(template: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut values = values.iter();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        out.push_str(&rest[..open]);
        out.extend(utf8_percent_encode(values.next().copied().unwrap_or_default(), COMPONENT));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_takes_its_values_in_order_each_encoded() {
        assert_eq!(
            path(city::UNIT_COUNTER, &["phuong-1", "quầy 2"]),
            "/api/v1/units/phuong-1/counters/qu%E1%BA%A7y%202"
        );
        assert_eq!(path(comments::TAGS, &["a/b", "q?1"]), "/api/v1/comments/a%2Fb/q%3F1");
        assert_eq!(path(session::SESSION, &[]), "/api/v1/session");
    }
}
