//! Denominators: how many dossiers a unit received in a period, per field, so that a published
//! page can give its response rate (responses ÷ dossiers received).
//!
//! Staff type them or import them as CSV with the columns `field` and `dossiers` (any profile;
//! a blank field is the unit's dossiers outside any field).

use std::collections::BTreeMap;
use std::io::BufRead;

use crate::csv::read::{self, CsvError};

/// Dossiers received per field code.
pub type Dossiers = BTreeMap<String, u64>;

/// Reads a denominator CSV; a field given twice is an error, not a sum, since it is most likely
/// a copy-and-paste slip.
pub fn read_dossiers(input: impl BufRead) -> Result<Dossiers, CsvError> {
    let mut file = read::open(input)?;
    let (field, dossiers) = (file.column("field")?, file.column("dossiers")?);
    let mut read = Dossiers::new();
    while let Some(row) = file.next_row() {
        let row = row?;
        let code = row.cells[field].trim().to_owned();
        let text = row.cells[dossiers].trim();
        let count: u64 = text.parse().map_err(|_| {
            CsvError::at(row.line, Some("dossiers"), format!("`{text}` is not a whole number of dossiers"))
        })?;
        if read.insert(code.clone(), count).is_some() {
            return Err(CsvError::at(row.line, Some("field"), format!("the field `{code}` is given twice")));
        }
    }
    Ok(read)
}

/// The denominators as the CSV [`read_dossiers`] reads, for the form that edits them.
pub fn write_dossiers(dossiers: &Dossiers) -> String {
    let mut text = String::from("field,dossiers\n");
    for (field, count) in dossiers {
        text.push_str(&format!("{field},{count}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dossiers_read_back_and_errors_name_the_line() {
        let read = read_dossiers("field;dossiers\r\nho-tich;120\r\ndat-dai;35\r\n".as_bytes()).unwrap();
        assert_eq!(read.get("ho-tich"), Some(&120));
        assert_eq!(read_dossiers(write_dossiers(&read).as_bytes()).unwrap(), read);
        let err = read_dossiers("field,dossiers\nho-tich,12\ndat-dai,mười\n".as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), "line 3, column `dossiers`: `mười` is not a whole number of dossiers");
        let err = read_dossiers("field,dossiers\na,1\na,2\n".as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), "line 3, column `field`: the field `a` is given twice");
        assert!(read_dossiers("linh_vuc,so\n".as_bytes()).unwrap_err().to_string().contains("`field`"));
    }
}
