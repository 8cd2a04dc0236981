//! Which groups a published page withholds, so that what it withholds stays withheld.
//!
//! A group under the minimum n is withheld (primary suppression). That alone is not enough: a
//! page shows its total, so one withheld group in a table is the total less the groups shown
//! (a counter of 3 responses with one not satisfied was read off a page by subtraction, and
//! with one officer on duty that is a per-officer figure). So every set of groups that sums to
//! something shown withholds none or at least two of its groups (secondary suppression): the
//! smallest group shown is withheld beside a lone withheld one. The sets are the units (they
//! sum to the page's total), the fields (likewise), and each unit's counters (they sum to the
//! unit, which the page shows in its own table or as its total); a withheld unit's counters are
//! all withheld, or its counters would give it back. A property test checks, for
//! random pages, that no withheld group is a linear combination of what is shown
//! (`survey/tests/properties.rs`, `no_withheld_group_is_a_linear_combination_of_what_is_shown`).

use std::collections::{BTreeMap, BTreeSet};

use crate::results::tally::{GroupBy, Tally};

/// What a page withholds, by table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Withheld {
    pub units: BTreeSet<String>,
    /// By unit and counter: two wards' `quay-1` are two counters.
    pub counters: BTreeSet<(String, String)>,
    pub fields: BTreeSet<String>,
}

/// The groups of a page, with their responses: by unit, by (unit, counter) and by field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageGroups {
    pub units: BTreeMap<String, u64>,
    pub counters: BTreeMap<(String, String), u64>,
    pub fields: BTreeMap<String, u64>,
}

impl PageGroups {
    /// The groups a page of `tally` shows: by unit, by unit and counter, by field.
    pub fn of(tally: &Tally) -> PageGroups {
        let sizes =
            |by: GroupBy| tally.regroup(by, None).groups.into_iter().map(|(key, counts)| (key, counts.responses));
        PageGroups {
            units: sizes(GroupBy { unit: true, ..GroupBy::default() }).map(|(key, n)| (key.unit, n)).collect(),
            counters: sizes(GroupBy { unit: true, counter: true, ..GroupBy::default() })
                .map(|(key, n)| ((key.unit, key.counter), n))
                .collect(),
            fields: sizes(GroupBy { field: true, ..GroupBy::default() }).map(|(key, n)| (key.field, n)).collect(),
        }
    }

    /// What to withhold with groups under `min_n` responses.
    pub fn withheld(&self, min_n: u64) -> Withheld {
        let units = complete(&self.units, below(&self.units, min_n));
        let mut counters: BTreeSet<(String, String)> = self
            .counters
            .iter()
            .filter(|((unit, _), n)| **n < min_n || units.contains(unit))
            .map(|(key, _)| key.clone())
            .collect();
        // Each shown unit's counters sum to the unit: none or two of them withheld.
        let by_unit: BTreeSet<&String> = self.counters.keys().map(|(unit, _)| unit).collect();
        for unit in by_unit {
            if units.contains(unit) {
                continue;
            }
            let of_unit: BTreeMap<(String, String), u64> =
                self.counters.iter().filter(|((of, _), _)| of == unit).map(|(key, n)| (key.clone(), *n)).collect();
            let chosen = of_unit.keys().filter(|key| counters.contains(*key)).cloned().collect();
            counters.extend(complete(&of_unit, chosen));
        }
        let fields = complete(&self.fields, below(&self.fields, min_n));
        Withheld { units, counters, fields }
    }
}

fn below<K: Ord + Clone>(groups: &BTreeMap<K, u64>, min_n: u64) -> BTreeSet<K> {
    groups.iter().filter(|(_, n)| **n < min_n).map(|(key, _)| key.clone()).collect()
}

/// `withheld` with, where it holds exactly one group of several, the smallest group shown
/// added: one withheld group of a set whose sum is shown is that sum less the others.
fn complete<K: Ord + Clone>(groups: &BTreeMap<K, u64>, mut withheld: BTreeSet<K>) -> BTreeSet<K> {
    if withheld.len() == 1 && groups.len() > 1 {
        let smallest = groups
            .iter()
            .filter(|(key, _)| !withheld.contains(*key))
            .min_by_key(|(key, n)| (**n, (*key).clone()))
            .map(|(key, _)| key.clone());
        withheld.extend(smallest);
    }
    withheld
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(units: &[(&str, u64)], counters: &[(&str, &str, u64)], fields: &[(&str, u64)]) -> PageGroups {
        PageGroups {
            units: units.iter().map(|(code, n)| (code.to_string(), *n)).collect(),
            counters: counters.iter().map(|(unit, code, n)| ((unit.to_string(), code.to_string()), *n)).collect(),
            fields: fields.iter().map(|(code, n)| (code.to_string(), *n)).collect(),
        }
    }

    #[test]
    fn a_lone_withheld_group_takes_the_smallest_shown_one_with_it() {
        // Ward A's counter of 3 beside its counter of 20: both withheld, or 3 = A − 20.
        let page = groups(&[("a", 23), ("b", 40)], &[("a", "q1", 20), ("a", "q2", 3), ("b", "q1", 40)], &[]);
        let withheld = page.withheld(10);
        assert!(withheld.units.is_empty());
        let pair: BTreeSet<(String, String)> = [("a".into(), "q1".into()), ("a".into(), "q2".into())].into();
        assert_eq!(withheld.counters, pair);
        // A small ward beside two large ones: the smaller of them goes too, with its counters.
        let page = groups(
            &[("a", 4), ("b", 40), ("c", 30)],
            &[("a", "q1", 4), ("b", "q1", 40), ("c", "q1", 30)],
            &[("x", 74)],
        );
        let withheld = page.withheld(10);
        assert_eq!(withheld.units, ["a".to_string(), "c".to_string()].into());
        assert_eq!(withheld.counters.len(), 2, "{withheld:?}");
        assert!(withheld.fields.is_empty());
        // Nothing small, nothing withheld; two small, both withheld and no more.
        assert_eq!(groups(&[("a", 10), ("b", 11)], &[], &[]).withheld(10), Withheld::default());
        assert_eq!(groups(&[("a", 1), ("b", 2), ("c", 30)], &[], &[]).withheld(10).units.len(), 2);
    }
}
