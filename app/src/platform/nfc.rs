//! Unicode normalisation for both apps: free text is put in NFC by the browser
//! (`String.prototype.normalize`), so that `ệ` is stored as one character without the
//! normalisation tables in the respondent's download. Natively (the reducers' tests) the core's
//! own normaliser serves. The one gate ([`gate`]) cleans text with it.

use survey::definition::catalog::Catalog;
use survey::records::gate::{CheckedRecord, Gate};
use survey::records::record::{RecordError, ResponseRecord};
use survey::text::Normalizer;

#[cfg(target_arch = "wasm32")]
pub const NFC: Normalizer = Normalizer(|text| String::from(js_sys::JsString::from(text).normalize("NFC")));
#[cfg(not(target_arch = "wasm32"))]
pub const NFC: Normalizer = Normalizer(survey::text::nfc);

/// The core's one gate, cleaning text as this browser does: for records made or kept here,
/// whose time is not compared with a clock.
pub fn gate() -> Gate {
    Gate::new(NFC)
}

/// A stored record, as an older or newer version may have written it, read and passed through
/// [`gate`]: what the staff area counts and a kiosk sends.
pub fn check_stored(catalog: &Catalog, json: &str) -> Result<CheckedRecord, RecordError> {
    gate().check(catalog, ResponseRecord::from_json(json)?)
}
