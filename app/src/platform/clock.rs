//! The edge where time enters the app. `std::time::SystemTime::now()` panics in WebAssembly,
//! so the time comes from the browser and is passed into the `survey` core as a number.

/// Milliseconds since the Unix epoch, from the browser's clock.
pub fn now_millis() -> i64 {
    js_sys::Date::now() as i64
}

/// The instant an HTTP `Date` header names (`Wed, 02 Dec 2026 06:34:27 GMT`), in milliseconds
/// since the Unix epoch, read by the browser's own date parser.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let millis = js_sys::Date::parse(text);
    millis.is_finite().then_some(millis as i64)
}

/// Marks a moment on the browser's performance timeline (for `cargo xtask bench`, which reads
/// the time from a citizen's tap to the commit of their response).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(name);
    }
}

/// Records the time since the mark `from` under `name`.
pub fn measure_since(name: &str, from: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.measure_with_start_mark(name, from);
    }
}
