//! Denominators: how many dossiers a unit received in a period, per field, so that a published
//! page can give its response rate (responses ÷ dossiers received).
//!
//! Staff type them or import them as CSV with the columns `field` and `dossiers` (any profile;
//! a blank field is the unit's dossiers outside any field).

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

use crate::csv::read::{self, CsvError};
use crate::results::tally::Tally;

/// Dossiers received per field code.
pub type Dossiers = BTreeMap<String, u64>;

/// The dossiers a response rate divides by, and whose responses it counts. A rate over some
/// units' dossiers counts only those units' responses: a province where one ward of three
/// entered its 120 dossiers has a rate over that ward's ratings, not all three wards'.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// Dossiers received by the units that entered them.
    pub dossiers: u64,
    /// The units whose responses the rate counts: those that entered their dossiers. None: all
    /// of the tally's (a device, which is one unit).
    pub units: Option<BTreeSet<String>>,
    /// Units that hold responses but entered no dossiers, by code: left out of the rate, and
    /// named beside it.
    pub missing: Vec<String>,
}

impl Received {
    /// The dossiers of one unit, all of whose responses count.
    pub fn all(dossiers: u64) -> Received {
        Received { dossiers, units: None, missing: Vec::new() }
    }

    /// What the units entered (unit → dossiers per field), for the units of `tally` that hold
    /// responses; None where none of the units entered any.
    pub fn by_unit(entered: &BTreeMap<String, Dossiers>, tally: &Tally) -> Option<Received> {
        if entered.is_empty() {
            return None;
        }
        let dossiers = entered.values().flat_map(|fields| fields.values()).fold(0u64, |sum, n| sum.saturating_add(*n));
        let with_responses: BTreeSet<&String> =
            tally.groups.iter().filter(|(_, counts)| counts.responses > 0).map(|(key, _)| &key.unit).collect();
        let missing = with_responses.into_iter().filter(|unit| !entered.contains_key(*unit)).cloned().collect();
        Some(Received { dossiers, units: Some(entered.keys().cloned().collect()), missing })
    }

    /// The units left out, by their names where `names` has them ("Phường A, Phường B").
    pub fn missing_names(&self, names: &crate::results::names::Names) -> String {
        let named: Vec<&str> =
            self.missing.iter().map(|code| names.units.get(code).map_or(code.as_str(), String::as_str)).collect();
        named.join(", ")
    }

    /// The part of `tally` the rate counts: the groups of the units that entered dossiers.
    pub fn counted(&self, tally: &Tally) -> Tally {
        let mut counted = tally.clone();
        if let Some(units) = &self.units {
            counted.groups.retain(|key, _| units.contains(&key.unit));
        }
        counted
    }
}

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
    fn a_rate_counts_the_responses_of_the_units_that_entered_dossiers_and_names_the_others() {
        use crate::results::tally::{GroupCounts, GroupKey};
        let mut tally = Tally::default();
        for (unit, responses) in [("p1", 8), ("p2", 6), ("p3", 5), ("p4", 0)] {
            let key = GroupKey { unit: unit.into(), ..GroupKey::default() };
            tally.groups.insert(key, GroupCounts { responses, ..GroupCounts::default() });
        }
        assert_eq!(Received::by_unit(&BTreeMap::new(), &tally), None, "nothing entered: no rate");
        let entered = BTreeMap::from([("p1".to_owned(), Dossiers::from([("".to_owned(), 120)]))]);
        let received = Received::by_unit(&entered, &tally).unwrap();
        assert_eq!(received.dossiers, 120);
        assert_eq!(received.missing, ["p2", "p3"], "p4 has no responses to leave out");
        let counted = received.counted(&tally);
        assert_eq!(counted.groups.values().map(|counts| counts.responses).sum::<u64>(), 8, "p1's 8, not all 19");
        assert_eq!(Received::all(40).counted(&tally), tally);
    }

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
