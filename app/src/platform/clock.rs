//! The edge where time enters the app. `std::time::SystemTime::now()` panics in WebAssembly,
//! so the time comes from the browser and is passed into the `survey` core as a number.

/// Milliseconds since the Unix epoch, from the browser's clock.
pub fn now_millis() -> i64 {
    js_sys::Date::now() as i64
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
