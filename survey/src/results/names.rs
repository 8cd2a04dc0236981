//! The names a server gives the codes of units, counters and fields, shown beside the codes on
//! published pages and in files. A code without a name is shown as it is; a device, which
//! knows no names, uses [`Names::default`].

use std::collections::BTreeMap;

use crate::csv::write::Cell;
use crate::results::tally_csv::GROUP_COLUMNS;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    pub units: BTreeMap<String, String>,
    pub fields: BTreeMap<String, String>,
    /// By counter code alone: a counter's name where every unit that has that code names it
    /// alike (for figures grouped by counter across units).
    pub counters: BTreeMap<String, String>,
    /// By unit and counter code.
    pub unit_counters: BTreeMap<(String, String), String>,
}

/// The columns added after [`GROUP_COLUMNS`] in a file with names.
pub const NAME_COLUMNS: [&str; 3] = ["unit_name", "counter_name", "field_name"];

impl Names {
    /// The names of units (code, name), counters (unit, code, name) and fields (code, name).
    /// A counter code that units name differently has no name by code alone.
    pub fn new<'a>(
        units: impl IntoIterator<Item = (&'a str, &'a str)>,
        counters: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
        fields: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Names {
        let owned = |(code, name): (&str, &str)| (code.to_owned(), name.to_owned());
        let mut names = Names {
            units: units.into_iter().map(owned).collect(),
            fields: fields.into_iter().map(owned).collect(),
            ..Names::default()
        };
        let mut ambiguous = std::collections::BTreeSet::new();
        for (unit, code, name) in counters {
            names.unit_counters.insert((unit.to_owned(), code.to_owned()), name.to_owned());
            if let Some(before) = names.counters.insert(code.to_owned(), name.to_owned())
                && before != name
            {
                ambiguous.insert(code.to_owned());
            }
        }
        names.counters.retain(|code, _| !ambiguous.contains(code));
        names
    }

    /// "Name (code)", or the code alone.
    pub fn label(names: &BTreeMap<String, String>, code: &str) -> String {
        match names.get(code) {
            Some(name) if name != code => format!("{name} ({code})"),
            _ => code.to_owned(),
        }
    }

    /// The name of counter `code` of `unit` (empty: any unit), if known.
    pub fn counter(&self, unit: &str, code: &str) -> Option<&String> {
        self.unit_counters.get(&(unit.to_owned(), code.to_owned())).or_else(|| self.counters.get(code))
    }

    /// A counter as citizens and a province know it, with its unit: "Phường An Khánh · Quầy
    /// số 1" (codes where there are no names). Counters are counted per unit: two wards'
    /// `quay-1` are two counters.
    pub fn place(&self, unit: &str, counter: &str) -> String {
        let unit_name = self.units.get(unit).map_or(unit, String::as_str);
        let counter_name = self.counter(unit, counter).map_or(counter, String::as_str);
        match (unit_name.is_empty(), counter_name.is_empty()) {
            (_, true) => unit_name.to_owned(),
            (true, false) => counter_name.to_owned(),
            (false, false) => format!("{unit_name} · {counter_name}"),
        }
    }

    /// A file's header and rows, which start with [`GROUP_COLUMNS`], with [`NAME_COLUMNS`]
    /// after them: each row's unit, counter and field named, empty where there is no name.
    pub fn add_to<'h>(&self, header: &[&'h str], rows: &[Vec<Cell>]) -> (Vec<&'h str>, Vec<Vec<Cell>>) {
        let at = GROUP_COLUMNS.len();
        let mut named_header: Vec<&'h str> = header.iter().take(at).copied().collect();
        named_header.extend(NAME_COLUMNS);
        named_header.extend(header.iter().skip(at).copied());
        let text = |cell: Option<&Cell>| match cell {
            Some(Cell::Text(text)) => text.clone(),
            _ => String::new(),
        };
        let named_rows = rows
            .iter()
            .map(|row| {
                let (unit, counter, field) = (text(row.get(4)), text(row.get(5)), text(row.get(7)));
                let name = |found: Option<&String>| found.map_or(Cell::Empty, |name| Cell::Text(name.clone()));
                let mut named: Vec<Cell> = row.iter().take(at).cloned().collect();
                named.extend([
                    name(self.units.get(&unit)),
                    name(if counter.is_empty() { None } else { self.counter(&unit, &counter) }),
                    name(self.fields.get(&field)),
                ]);
                named.extend(row.iter().skip(at).cloned());
                named
            })
            .collect();
        (named_header, named_rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::tally_csv::TALLY_COLUMNS;

    #[test]
    fn names_follow_the_codes_and_a_code_without_a_name_leaves_its_cell_empty() {
        let mut names = Names::default();
        names.units.insert("p1".into(), "Phường An Khánh".into());
        names.unit_counters.insert(("p1".into(), "quay-1".into()), "Quầy Hộ tịch".into());
        let text = |value: &str| Cell::Text(value.into());
        let mut row: Vec<Cell> =
            ["s", "1", "2026-10-01", "2026-12-31", "p1", "quay-1", "", "dat-dai"].map(text).to_vec();
        row.extend([text("q"), text("a"), text("A"), Cell::Integer(3), Cell::Integer(4), Cell::Empty]);
        let (header, rows) = names.add_to(&TALLY_COLUMNS, &[row]);
        assert_eq!(&header[7..12], ["field", "unit_name", "counter_name", "field_name", "question_id"]);
        assert_eq!(rows[0][8..11], [text("Phường An Khánh"), text("Quầy Hộ tịch"), Cell::Empty]);
        assert_eq!(rows[0].len(), header.len());
        assert_eq!(rows[0][11], text("q"));
    }
}
