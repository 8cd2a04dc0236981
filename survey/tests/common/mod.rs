//! What the integration tests share: the shipped definitions, and records through the one gate
//! as every counting program takes them.

use survey::definition::catalog::Catalog;
use survey::records::gate::{CheckedRecord, Gate};
use survey::records::record::ResponseRecord;

pub fn catalog() -> Catalog {
    Catalog::new(survey_defs::SHIPPED.iter().map(|shipped| shipped.survey().unwrap()))
}

/// The records through the one gate; each must pass.
pub fn checked(records: &[ResponseRecord]) -> Vec<CheckedRecord> {
    let (checked, left_out) = Gate::default().check_stored(&catalog(), records.iter().cloned());
    assert!(left_out.is_empty(), "{left_out:?}");
    checked
}
