//! Units as data: a tree (a city or province, its communes and wards, or departments), each with
//! a stable code and a Vietnamese name (English optional); counters named within their unit;
//! fields (lĩnh vực) named across the server.
//!
//! The tree's rules are kept here, in the transaction that changes it: a code is added once, a
//! parent must exist, a move that would make a cycle is refused, and a unit that holds responses,
//! units, accounts or kiosks is never removed. A refusal changes nothing.

use rusqlite::{OptionalExtension, Transaction, params};

use super::audit::{Actor, Event};
use super::{Store, StoreError};

/// A unit as stored.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct UnitRow {
    pub code: String,
    /// None at the top of the tree.
    pub parent: Option<String>,
    pub name_vi: String,
    pub name_en: Option<String>,
}

/// A counter of a unit, or a field: a code with its names.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NamedCode {
    /// The unit a counter belongs to; None for a field.
    pub unit: Option<String>,
    pub code: String,
    pub name_vi: String,
    pub name_en: Option<String>,
}

/// The longest name kept, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Whether `code` can name a unit, counter, field, device or account: the records' own rule
/// for codes, so any code a kiosk may send can be given a name.
pub fn check_code(what: &str, code: &str) -> Result<(), StoreError> {
    if survey::records::record::is_code(code) {
        Ok(())
    } else {
        Err(StoreError::Refused(format!(
            "{what} `{}`: use 1 to 64 ASCII letters, digits, `-`, `_` or `.`",
            survey::text::short(code)
        )))
    }
}

/// A name as kept: trimmed, NFC, not empty, at most [`MAX_NAME_CHARS`], with no control or
/// format characters (`survey::text::is_refused_in_names`).
pub fn clean_name(what: &str, name: &str) -> Result<String, StoreError> {
    let name = survey::text::nfc(name.trim());
    if name.is_empty() {
        return Err(StoreError::Refused(format!("{what}: the name is empty")));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(StoreError::Refused(format!("{what}: the name is longer than {MAX_NAME_CHARS} characters")));
    }
    if name.chars().any(survey::text::is_refused_in_names) {
        return Err(StoreError::Refused(format!(
            "{what}: the name holds a control or format character (such as a direction override or a zero-width space)"
        )));
    }
    Ok(name)
}

fn clean_optional(what: &str, name: Option<&str>) -> Result<Option<String>, StoreError> {
    name.filter(|name| !name.trim().is_empty()).map(|name| clean_name(what, name)).transpose()
}

/// A change to a unit: what is given changes, the rest stays.
#[derive(Clone, Debug, Default)]
pub struct UnitChange {
    pub name_vi: Option<String>,
    /// `Some(None)` removes the English name.
    pub name_en: Option<Option<String>>,
    /// `Some(None)` moves the unit to the top.
    pub parent: Option<Option<String>>,
}

/// Whether the unit `code` exists, inside the caller's transaction.
pub(crate) fn unit_exists(transaction: &Transaction<'_>, code: &str) -> Result<bool, StoreError> {
    Ok(transaction.query_row("SELECT 1 FROM units WHERE code = ?1", [code], |_| Ok(())).optional()?.is_some())
}

/// The unit `code` and every unit above it, nearest first (the code alone for a unit the tree
/// does not know).
pub(crate) fn lineage(transaction: &Transaction<'_>, code: &str) -> Result<Vec<String>, StoreError> {
    let mut line = vec![code.to_owned()];
    while let Some(parent) = transaction
        .query_row("SELECT parent FROM units WHERE code = ?1", [line.last().unwrap()], |row| {
            row.get::<_, Option<String>>(0)
        })
        .optional()?
        .flatten()
    {
        // A tree kept by this module has no cycle; a hand-edited one must not hang the server.
        if line.contains(&parent) {
            break;
        }
        line.push(parent);
    }
    Ok(line)
}

fn count(transaction: &Transaction<'_>, sql: &str, code: &str) -> Result<i64, StoreError> {
    Ok(transaction.query_row(sql, [code], |row| row.get(0))?)
}

/// Every stored row that names a unit by its code, and what it is: a new unit given that code
/// takes all of it over (a ward's administrator would read another ward's citizens, or mail its
/// counts to another's leaders). The audit log counts too: a code that was ever used, by a unit
/// since removed or by a kiosk made before units were data, is not new.
const CARRIERS: [(&str, &str); 12] = [
    ("SELECT COUNT(*) FROM responses WHERE unit = ?1", "responses"),
    ("SELECT COUNT(*) FROM tokens WHERE unit = ?1", "single-use codes"),
    ("SELECT COUNT(*) FROM devices WHERE unit = ?1", "kiosks"),
    ("SELECT COUNT(*) FROM dossiers WHERE unit = ?1", "dossier entries"),
    ("SELECT COUNT(*) FROM followups WHERE unit = ?1", "follow-ups"),
    ("SELECT COUNT(*) FROM replies WHERE unit = ?1", "replies"),
    ("SELECT COUNT(*) FROM topics WHERE unit = ?1", "topic lists"),
    ("SELECT COUNT(*) FROM comment_tags WHERE unit = ?1", "sorted comments"),
    ("SELECT COUNT(*) FROM digest_addresses WHERE unit = ?1", "digest address lists"),
    ("SELECT COUNT(*) FROM certificates WHERE unit = ?1", "certificates"),
    ("SELECT COUNT(*) FROM users WHERE unit = ?1", "accounts"),
    ("SELECT COUNT(*) FROM audit WHERE unit = ?1", "audit entries"),
];

/// What stored rows carry the unit code `code`, with their counts; empty for a code never used.
pub(crate) fn carried(transaction: &Transaction<'_>, code: &str) -> Result<Vec<(String, u64)>, StoreError> {
    let mut found = Vec::new();
    for (sql, what) in CARRIERS {
        let n = count(transaction, sql, code)?;
        if n > 0 {
            found.push((what.to_owned(), n as u64));
        }
    }
    Ok(found)
}

/// "12 responses, 1 kiosks": what a code carries, in words.
pub fn carried_text(carried: &[(String, u64)]) -> String {
    carried.iter().map(|(what, n)| format!("{n} {what}")).collect::<Vec<_>>().join(", ")
}

/// Whether a new unit may take a code that stored rows carry already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// A code already used is refused (409), naming what it carries.
    Refuse,
    /// An administrator of the whole server, having seen what it carries, gives it to the unit.
    Take,
}

impl Store {
    /// Every unit, by code.
    pub fn units(&self) -> Result<Vec<UnitRow>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare("SELECT code, parent, name_vi, name_en FROM units ORDER BY code")?;
        // Names stored before control and format characters were refused are read without them.
        let clean = |name: String| survey::text::without_refused(&name);
        let rows = statement.query_map([], |row| {
            Ok(UnitRow {
                code: row.get(0)?,
                parent: row.get(1)?,
                name_vi: clean(row.get(2)?),
                name_en: row.get::<_, Option<String>>(3)?.map(clean),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every counter (with its unit) and every field (without), by unit and code.
    pub fn named_codes(&self) -> Result<Vec<NamedCode>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare(
            "SELECT unit, code, name_vi, name_en FROM counters
             UNION ALL SELECT NULL, code, name_vi, name_en FROM fields ORDER BY 1, 2",
        )?;
        let clean = |name: String| survey::text::without_refused(&name);
        let rows = statement.query_map([], |row| {
            Ok(NamedCode {
                unit: row.get(0)?,
                code: row.get(1)?,
                name_vi: clean(row.get(2)?),
                name_en: row.get::<_, Option<String>>(3)?.map(clean),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Unit codes that stored responses name but that have no unit here, with their counts:
    /// what an administrator still has to name.
    pub fn unnamed_units(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare(
            "SELECT r.unit, COUNT(*) FROM responses r LEFT JOIN units u ON u.code = r.unit
             WHERE r.unit IS NOT NULL AND u.code IS NULL GROUP BY r.unit ORDER BY r.unit",
        )?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The names citizens know a counter by: "Phường An Khánh · Quầy Hộ tịch", or the unit's
    /// alone; None where the unit has no name here.
    pub fn place_name(&self, unit: &str, counter: &str) -> Result<Option<String>, StoreError> {
        let connection = self.reader()?;
        let found: Option<(String, Option<String>)> = connection
            .query_row(
                "SELECT u.name_vi, c.name_vi FROM units u LEFT JOIN counters c ON c.unit = u.code AND c.code = ?2
                 WHERE u.code = ?1",
                [unit, counter],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        Ok(found.map(|(unit, counter)| match counter {
            Some(counter) => format!("{unit} · {counter}"),
            None => unit,
        }))
    }

    /// Adds a unit, and returns it with what stored rows its code carried already (empty for a
    /// new code). A code that stored rows carry, or that was ever used, is given only with
    /// [`Claim::Take`]; the audit entry then says what the unit took over.
    pub fn add_unit(
        &self,
        unit: &UnitRow,
        claim: Claim,
        actor: &Actor,
    ) -> Result<(UnitRow, Vec<(String, u64)>), StoreError> {
        check_code("unit", &unit.code)?;
        let unit = UnitRow {
            code: unit.code.clone(),
            parent: unit.parent.clone(),
            name_vi: clean_name("name", &unit.name_vi)?,
            name_en: clean_optional("English name", unit.name_en.as_deref())?,
        };
        let mut took = Vec::new();
        self.change_with(actor, |transaction| {
            if unit_exists(transaction, &unit.code)? {
                return Err(StoreError::Exists(format!("unit `{}`", unit.code)));
            }
            took = carried(transaction, &unit.code)?;
            if !took.is_empty() && claim == Claim::Refuse {
                return Err(StoreError::Conflict(format!(
                    "the code `{}` was used before on this server (it carries {}): only an administrator of the whole server can give it to a unit, and the unit takes all of that over",
                    unit.code,
                    carried_text(&took)
                )));
            }
            if let Some(parent) = &unit.parent
                && !unit_exists(transaction, parent)?
            {
                return Err(StoreError::NotFound(format!("unit `{parent}` to put `{}` under", unit.code)));
            }
            transaction.execute(
                "INSERT INTO units (code, parent, name_vi, name_en, added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![unit.code, unit.parent, unit.name_vi, unit.name_en, actor.at],
            )?;
            let what = if took.is_empty() {
                unit.code.clone()
            } else {
                format!("{}, taking over {}", unit.code, carried_text(&took))
            };
            Ok(((), Event::new("unit.add", Some(&unit.code), what)))
        })?;
        Ok((unit, took))
    }

    /// Renames or moves a unit. A move under the unit itself or under one of its own units is
    /// refused: the tree would have a cycle.
    pub fn change_unit(&self, code: &str, change: &UnitChange, actor: &Actor) -> Result<(), StoreError> {
        let name_vi = change.name_vi.as_deref().map(|name| clean_name("name", name)).transpose()?;
        let name_en = match &change.name_en {
            Some(name) => Some(clean_optional("English name", name.as_deref())?),
            None => None,
        };
        let what = match &change.parent {
            Some(Some(parent)) => format!("{code} moved under {parent}"),
            Some(None) => format!("{code} moved to the top"),
            None => format!("{code} renamed"),
        };
        self.change(actor, &Event::new("unit.change", Some(code), what), |transaction| {
            if !unit_exists(transaction, code)? {
                return Err(StoreError::NotFound(format!("unit `{code}`")));
            }
            if let Some(Some(parent)) = &change.parent {
                if !unit_exists(transaction, parent)? {
                    return Err(StoreError::NotFound(format!("unit `{parent}` to move `{code}` under")));
                }
                // Walk up from the new parent: reaching `code` means it would be its own ancestor.
                let mut at = Some(parent.clone());
                while let Some(current) = at {
                    if current == code {
                        return Err(StoreError::Refused(format!(
                            "`{code}` cannot move under `{parent}`: `{parent}` is `{code}` or one of its units, so the tree would have a cycle"
                        )));
                    }
                    at = transaction.query_row("SELECT parent FROM units WHERE code = ?1", [&current], |row| {
                        row.get::<_, Option<String>>(0)
                    })?;
                }
            }
            if let Some(name_vi) = &name_vi {
                transaction.execute("UPDATE units SET name_vi = ?2 WHERE code = ?1", params![code, name_vi])?;
            }
            if let Some(name_en) = &name_en {
                transaction.execute("UPDATE units SET name_en = ?2 WHERE code = ?1", params![code, name_en])?;
            }
            if let Some(parent) = &change.parent {
                transaction.execute("UPDATE units SET parent = ?2 WHERE code = ?1", params![code, parent])?;
            }
            Ok(())
        })
    }

    /// Removes a unit that nothing depends on, with its counters and everything kept for it
    /// (digest addresses and the days they were sent, replies, dossiers, topics, unused
    /// single-use codes), so that nothing of it passes to a later unit given the same code. A
    /// unit that holds responses, units below it, accounts or kiosks is kept, and the refusal
    /// says which.
    pub fn remove_unit(&self, code: &str, actor: &Actor) -> Result<(), StoreError> {
        self.change(actor, &Event::new("unit.remove", Some(code), code), |transaction| {
            if !unit_exists(transaction, code)? {
                return Err(StoreError::NotFound(format!("unit `{code}`")));
            }
            let holds = [
                ("SELECT COUNT(*) FROM responses WHERE unit = ?1", "responses"),
                ("SELECT COUNT(*) FROM units WHERE parent = ?1", "units below it"),
                ("SELECT COUNT(*) FROM users WHERE unit = ?1", "accounts"),
                ("SELECT COUNT(*) FROM devices WHERE unit = ?1 AND revoked_at IS NULL", "kiosks"),
            ];
            for (sql, what) in holds {
                let n = count(transaction, sql, code)?;
                if n > 0 {
                    return Err(StoreError::Refused(format!("unit `{code}` holds {n} {what}, so it is kept")));
                }
            }
            for kept_for_it in [
                "DELETE FROM counters WHERE unit = ?1",
                "DELETE FROM digest_addresses WHERE unit = ?1",
                "DELETE FROM digests_sent WHERE unit = ?1",
                "DELETE FROM replies WHERE unit = ?1",
                "DELETE FROM dossiers WHERE unit = ?1",
                "DELETE FROM topics WHERE unit = ?1",
                "DELETE FROM tokens WHERE unit = ?1 AND used_by IS NULL",
            ] {
                transaction.execute(kept_for_it, [code])?;
            }
            transaction.execute("DELETE FROM units WHERE code = ?1", [code])?;
            Ok(())
        })
    }

    /// Names a counter of a unit, or a field (unit None); naming one again renames it.
    pub fn name_code(&self, named: &NamedCode, actor: &Actor) -> Result<NamedCode, StoreError> {
        let kind = if named.unit.is_some() { "counter" } else { "field" };
        check_code(kind, &named.code)?;
        let named = NamedCode {
            unit: named.unit.clone(),
            code: named.code.clone(),
            name_vi: clean_name("name", &named.name_vi)?,
            name_en: clean_optional("English name", named.name_en.as_deref())?,
        };
        let action = if named.unit.is_some() { "counter.name" } else { "field.name" };
        self.change(actor, &Event::new(action, named.unit.as_deref(), &named.code), |transaction| {
            match &named.unit {
                Some(unit) => {
                    if !unit_exists(transaction, unit)? {
                        return Err(StoreError::NotFound(format!("unit `{unit}`")));
                    }
                    transaction.execute(
                        "INSERT INTO counters (unit, code, name_vi, name_en) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (unit, code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en",
                        params![unit, named.code, named.name_vi, named.name_en],
                    )?;
                }
                None => {
                    transaction.execute(
                        "INSERT INTO fields (code, name_vi, name_en) VALUES (?1, ?2, ?3)
                         ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en",
                        params![named.code, named.name_vi, named.name_en],
                    )?;
                }
            }
            Ok(())
        })?;
        Ok(named)
    }

    /// Removes a counter's name; a counter that holds responses is kept.
    pub fn remove_counter(&self, unit: &str, code: &str, actor: &Actor) -> Result<(), StoreError> {
        self.change(actor, &Event::new("counter.remove", Some(unit), code), |transaction| {
            let n: i64 = transaction.query_row(
                "SELECT COUNT(*) FROM responses WHERE unit = ?1 AND counter = ?2",
                [unit, code],
                |row| row.get(0),
            )?;
            if n > 0 {
                return Err(StoreError::Refused(format!(
                    "counter `{code}` of `{unit}` holds {n} responses, so it is kept"
                )));
            }
            if transaction.execute("DELETE FROM counters WHERE unit = ?1 AND code = ?2", [unit, code])? == 0 {
                return Err(StoreError::NotFound(format!("counter `{code}` of unit `{unit}`")));
            }
            Ok(())
        })
    }
}
