//! Thông tư 01/2018/TT-VPCP indicators that come from the agency's own systems (2, 5, 6, 8 and
//! 9), entered by staff per period: without them no agency can be classified, and without
//! indicator 2 no officer.
//!
//! Staff type them or import them as CSV with the columns `unit`, `staff`, `indicator`,
//! `dossiers` and `points` (any profile), and optionally `period`: one line per indicator of the
//! agency (`staff` blank) or of one officer, with the dossiers scored and their total points, as
//! the one-stop system reports them. A blank `unit` is the whole of what is counted; a blank
//! `period` is the period the lines are saved under (the staff area) or an unbounded tally.
//! Entries are counts, like a tally's: the score is points ÷ dossiers, rounded once.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::{Deserialize, Serialize};

use crate::csv::read::{self, CsvError};
use crate::records::record::{is_code, not_a_code};
use crate::results::period::Period;
use crate::results::tally::{GroupKey, Points};

/// The indicators that come from the agency's systems, not from citizens' answers.
pub const AGENCY_INDICATORS: [u32; 5] = [2, 5, 6, 8, 9];

/// Where an entry applies: the period (its code, empty for an unbounded tally), the unit and
/// the officer (empty for all), and the indicator's number.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EntryKey {
    pub period: String,
    pub unit: String,
    pub staff: String,
    pub indicator: u32,
}

/// Entered indicators with their dossiers and total points.
pub type Entered = BTreeMap<EntryKey, Points>;

/// Reads entered indicators; a blank `period` (or no such column) is `period`. An indicator
/// given twice for the same unit and officer is an error, not a sum: most likely a slip.
pub fn read_entered(input: impl BufRead, period: Option<Period>) -> Result<Entered, CsvError> {
    read_entered_lines(input, period).map(|(entered, _)| entered)
}

/// [`read_entered`], with the line each entry was read from (to name a line that applies to
/// nothing, [`unmatched`]).
pub fn read_entered_lines(
    input: impl BufRead,
    period: Option<Period>,
) -> Result<(Entered, BTreeMap<EntryKey, u64>), CsvError> {
    let mut file = read::open(input)?;
    let columns = ["unit", "staff", "indicator", "dossiers", "points"].map(|name| file.column(name));
    let [unit, staff, indicator, dossiers, points] = columns;
    let (unit, staff, indicator, dossiers, points) = (unit?, staff?, indicator?, dossiers?, points?);
    let period_column = file.column("period").ok();
    let mut entered = Entered::new();
    let mut lines = BTreeMap::new();
    while let Some(row) = file.next_row() {
        let row = row?;
        let line = row.line;
        let cell = |index: usize| row.cells[index].trim();
        let at = |column: &str, message: String| CsvError::at(line, Some(column), message);
        let code = |index: usize, column: &str| -> Result<String, CsvError> {
            let text = cell(index);
            if !text.is_empty() && !is_code(text) {
                return Err(at(column, not_a_code(text)));
            }
            Ok(text.to_owned())
        };
        let period_code = match period_column.map(cell).filter(|text| !text.is_empty()) {
            Some(text) => Period::parse(text)
                .ok_or_else(|| {
                    at(
                        "period",
                        format!(
                            "`{text}` is not a period: use 2026-Q4, 2026-H2, 2026, 2026-11 or 2026-10-01_2026-12-31"
                        ),
                    )
                })?
                .code(),
            None => period.map(Period::code).unwrap_or_default(),
        };
        let number_text = cell(indicator).trim_start_matches("chi-so-");
        let number: u32 = number_text.parse().map_err(|_| {
            at("indicator", format!("`{}` is not an indicator number (2, 5, 6, 8 or 9)", cell(indicator)))
        })?;
        if !AGENCY_INDICATORS.contains(&number) {
            let why = if (1..=9).contains(&number) {
                format!(
                    "indicator {number} comes from citizens' answers, not from the agency's systems; enter 2, 5, 6, 8 or 9"
                )
            } else {
                format!("Thông tư 01/2018/TT-VPCP has no indicator {number}; enter 2, 5, 6, 8 or 9")
            };
            return Err(at("indicator", why));
        }
        let whole = |index: usize, column: &str| -> Result<u64, CsvError> {
            let text = cell(index);
            text.parse().map_err(|_| at(column, format!("`{text}` is not a whole number")))
        };
        let count = whole(dossiers, "dossiers")?;
        let total = whole(points, "points")?;
        if count == 0 {
            return Err(at("dossiers", "an indicator needs at least one dossier scored".into()));
        }
        // Every dossier scores 0, 1 or 2 on an indicator.
        if count.checked_mul(2).is_none_or(|most| total > most) {
            return Err(at("points", format!("{total} points over {count} dossiers is more than 2 points a dossier")));
        }
        let key = EntryKey {
            period: period_code,
            unit: code(unit, "unit")?,
            staff: code(staff, "staff")?,
            indicator: number,
        };
        if let Some(first) = lines.insert(key.clone(), line) {
            return Err(at(
                "indicator",
                format!("indicator {number} is given twice for the same unit and officer (also on line {first})"),
            ));
        }
        entered.insert(key, Points { dossiers: count, total });
    }
    Ok((entered, lines))
}

/// The entries of one period as the CSV [`read_entered`] reads, for the form that edits them.
pub fn write_entered(entered: &Entered) -> String {
    let mut text = String::from("unit,staff,indicator,dossiers,points\n");
    for (key, points) in entered {
        text.push_str(&format!("{},{},{},{},{}\n", key.unit, key.staff, key.indicator, points.dossiers, points.total));
    }
    text
}

/// The entered indicators of a tally's group: same period (the same days, however written),
/// unit and officer.
pub fn entered_for(entered: &Entered, key: &GroupKey) -> BTreeMap<u32, Points> {
    entered.iter().filter(|(entry, _)| applies(entry, key)).map(|(entry, points)| (entry.indicator, *points)).collect()
}

/// Whether an entry applies to a tally's group: the same period (the same days, however
/// written), unit and officer.
fn applies(entry: &EntryKey, key: &GroupKey) -> bool {
    let same_period = match Period::parse(&entry.period) {
        Some(period) => period.start.to_string() == key.period_start && period.end.to_string() == key.period_end,
        None => entry.period.is_empty() && key.period_start.is_empty() && key.period_end.is_empty(),
    };
    entry.unit == key.unit && entry.staff == key.staff && same_period
}

/// The entries that apply to no group of `tally`: a unit, officer or period it does not have.
/// Such a line would count for nothing, so readers say so rather than pass over it.
pub fn unmatched<'a>(entered: &'a Entered, tally: &crate::results::tally::Tally) -> Vec<&'a EntryKey> {
    entered.keys().filter(|entry| !tally.groups.keys().any(|key| applies(entry, key))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q4() -> Option<Period> {
        Period::parse("2026-Q4")
    }

    #[test]
    fn entries_read_back_and_errors_name_the_line_and_column() {
        let text = "unit;staff;indicator;dossiers;points\r\n;;2;40;72\r\n;cb-01;chi-so-2;10;20\r\n;;5;40;80\r\n";
        let read = read_entered(text.as_bytes(), q4()).unwrap();
        let key = |staff: &str, indicator| EntryKey {
            period: "2026-Q4".into(),
            unit: String::new(),
            staff: staff.into(),
            indicator,
        };
        assert_eq!(read[&key("", 2)], Points { dossiers: 40, total: 72 });
        assert_eq!(read[&key("cb-01", 2)], Points { dossiers: 10, total: 20 });
        assert_eq!(read_entered(write_entered(&read).as_bytes(), q4()).unwrap(), read);
        let error = |body: &str| {
            read_entered(format!("unit,staff,indicator,dossiers,points\n{body}").as_bytes(), q4())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error(",,1,40,60\n"),
            "line 2, column `indicator`: indicator 1 comes from citizens' answers, not from the agency's systems; enter 2, 5, 6, 8 or 9"
        );
        assert_eq!(
            error(",,10,40,60\n"),
            "line 2, column `indicator`: Thông tư 01/2018/TT-VPCP has no indicator 10; enter 2, 5, 6, 8 or 9"
        );
        assert_eq!(
            error(",,2,40,81\n"),
            "line 2, column `points`: 81 points over 40 dossiers is more than 2 points a dossier"
        );
        assert_eq!(error(",,2,0,0\n"), "line 2, column `dossiers`: an indicator needs at least one dossier scored");
        assert_eq!(error(",,2,40,mười\n"), "line 2, column `points`: `mười` is not a whole number");
        assert_eq!(
            error(",,2,40,1\n,,2,3,1\n"),
            "line 3, column `indicator`: indicator 2 is given twice for the same unit and officer (also on line 2)"
        );
        assert!(error("phường 1,,2,4,1\n").starts_with("line 2, column `unit`: `phường 1` is not a code"));
        let periods = "period,unit,staff,indicator,dossiers,points\n2026-Q3,,,2,4,8\nquy-4,,,5,4,8\n";
        assert_eq!(
            read_entered(periods.as_bytes(), None).unwrap_err().to_string(),
            "line 3, column `period`: `quy-4` is not a period: use 2026-Q4, 2026-H2, 2026, 2026-11 or 2026-10-01_2026-12-31"
        );
    }

    #[test]
    fn an_entry_applies_to_the_group_of_its_period_unit_and_officer() {
        let entered = read_entered(
            "period,unit,staff,indicator,dossiers,points\n2026-Q4,,,2,4,8\n2026-Q4,,cb-01,2,2,2\n2026-Q3,,,5,4,4\n"
                .as_bytes(),
            None,
        )
        .unwrap();
        let key = |start: &str, end: &str, staff: &str| GroupKey {
            period_start: start.into(),
            period_end: end.into(),
            staff: staff.into(),
            ..GroupKey::default()
        };
        let q4 = entered_for(&entered, &key("2026-10-01", "2026-12-31", ""));
        assert_eq!(q4.into_iter().collect::<Vec<_>>(), [(2, Points { dossiers: 4, total: 8 })]);
        assert_eq!(
            entered_for(&entered, &key("2026-10-01", "2026-12-31", "cb-01"))[&2],
            Points { dossiers: 2, total: 2 }
        );
        assert!(
            entered_for(&entered, &key("", "", "")).is_empty(),
            "an unbounded tally takes only entries without a period"
        );
        assert!(entered_for(&entered, &key("2026-10-01", "2026-11-30", "")).is_empty());
    }
}
