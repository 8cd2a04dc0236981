//! The edge where time enters the app. `std::time::SystemTime::now()` panics in WebAssembly,
//! so the time comes from the browser and is passed into the `survey` core as a number.

/// Milliseconds since the Unix epoch, from the browser's clock.
pub fn now_millis() -> i64 {
    js_sys::Date::now() as i64
}
