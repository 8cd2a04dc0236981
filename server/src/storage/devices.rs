//! Kiosks configured from the server: a one-time pairing code, and what each kiosk is set to.
//!
//! `hailong device pair` (or an administrator on the web) makes a pairing code for a registered
//! kiosk; the tablet's staff area redeems it once, within an hour, and receives a fresh device
//! token (the old one stops working) with its configuration: unit, counter and survey, with
//! their names. A change on the server raises the configuration's version, which the kiosk
//! reads and applies between two citizens. Codes are kept only as salted SHA-256 hashes.

use rusqlite::{OptionalExtension, params};
use wire::sync::{DeviceConfig, DutyOfficer, Paired};

use super::audit::{Actor, Event};
use super::{Store, StoreError, random_hex, units};

/// How long a pairing code works, in seconds.
pub const PAIRING_SECONDS: i64 = 60 * 60;

/// The letters of a pairing code: no 0/O, 1/I/L, so it can be read aloud and typed.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A pairing code as typed: upper case, without spaces or dashes.
pub fn normal_code(typed: &str) -> String {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// Ten letters of [`ALPHABET`] (about 49 bits), shown as two groups of five.
fn new_code() -> String {
    let bytes = random_hex(10);
    let letters: String = bytes
        .as_bytes()
        .chunks(2)
        .map(|pair| {
            let value = u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("00"), 16).unwrap_or(0);
            ALPHABET[usize::from(value) % ALPHABET.len()] as char
        })
        .collect();
    format!("{}-{}", &letters[..5], &letters[5..])
}

/// Whether a kiosk can be set to run `survey_id`: one of the shipped surveys, which is what a
/// kiosk can show.
pub fn check_survey(survey_id: &str) -> Result<(), StoreError> {
    if survey_defs::by_id(survey_id).is_some() {
        Ok(())
    } else {
        Err(StoreError::Refused(format!(
            "survey_id: no shipped survey has the id `{}`",
            survey::text::short(survey_id)
        )))
    }
}

/// What changes in a kiosk's configuration: what is given changes.
#[derive(Clone, Debug, Default)]
pub struct DeviceChange {
    pub counter: Option<String>,
    pub survey_id: Option<String>,
    /// Seven days, Monday first; an empty list is always open.
    pub week_hours: Option<Vec<String>>,
    pub officers: Option<Vec<DutyOfficer>>,
    /// A code of the officers ("" for nobody named).
    pub on_duty: Option<String>,
}

/// The most officers one counter's kiosk lists.
const MOST_OFFICERS: usize = 100;

/// Checks a week of opening hours: none (always open) or seven days, each as the kiosk reads it.
fn check_week(week: &[String]) -> Result<(), StoreError> {
    if !week.is_empty() && week.len() != 7 {
        return Err(StoreError::Refused(format!(
            "week_hours: give seven days, Monday first (or none for always open), not {}",
            week.len()
        )));
    }
    for (day, text) in week.iter().enumerate() {
        if text.chars().count() > 100 {
            return Err(StoreError::Refused(format!("week_hours[{day}]: too long")));
        }
        survey::vn_time::parse_day_hours(text)
            .map_err(|problem| StoreError::Refused(format!("week_hours[{day}]: {problem}")))?;
    }
    Ok(())
}

/// The officers with their names cleaned, each code once.
fn clean_officers(officers: &[DutyOfficer]) -> Result<Vec<DutyOfficer>, StoreError> {
    if officers.len() > MOST_OFFICERS {
        return Err(StoreError::Refused(format!("officers: at most {MOST_OFFICERS}")));
    }
    let mut seen = std::collections::BTreeSet::new();
    officers
        .iter()
        .enumerate()
        .map(|(index, officer)| {
            super::units::check_code(&format!("officers[{index}].code"), &officer.code)?;
            if !seen.insert(officer.code.as_str()) {
                return Err(StoreError::Refused(format!("officers[{index}].code: `{}` is listed twice", officer.code)));
            }
            let name = if officer.name.trim().is_empty() {
                String::new()
            } else {
                super::units::clean_name(&format!("officers[{index}].name"), &officer.name)?
            };
            Ok(DutyOfficer { code: officer.code.clone(), name })
        })
        .collect()
}

/// A JSON column as stored by [`Store::change_device`]; one that cannot be read is left to
/// the kiosk, as if never set.
fn stored_json<T: serde::de::DeserializeOwned>(text: Option<String>) -> Option<T> {
    text.and_then(|text| serde_json::from_str(&text).ok())
}

/// A registered kiosk, as `hailong device list` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceRow {
    pub name: String,
    pub added_at: String,
    pub revoked_at: Option<String>,
    /// Responses stored from it.
    pub responses: u64,
    /// When the last of them was received.
    pub last_received_at: Option<String>,
    /// The unit it is bound to: it sends responses of that unit only.
    pub unit: Option<String>,
    /// What the server sets it to (`storage::devices`): its counter, survey, and the version
    /// of that configuration.
    pub counter: Option<String>,
    pub survey_id: Option<String>,
    pub config_version: u64,
}

impl Store {
    /// Registers a kiosk and returns its device token, which is shown once and stored hashed.
    /// A kiosk bound to a unit sends responses of that unit only.
    pub fn add_device(&self, name: &str, unit: Option<&str>, actor: &Actor) -> Result<String, StoreError> {
        units::check_code("device name", name)?;
        let token = random_hex(24);
        self.change(actor, &Event::new("device.add", unit, name), |transaction| {
            if let Some(unit) = unit
                && !units::unit_exists(transaction, unit)?
            {
                return Err(StoreError::NotFound(format!("unit `{unit}`")));
            }
            let inserted = transaction.execute(
                "INSERT INTO devices (name, token_sha256, added_at, unit) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                params![name, self.hash(&token), actor.at, unit],
            )?;
            if inserted == 0 {
                return Err(StoreError::Exists(format!("device `{name}`")));
            }
            Ok(())
        })?;
        Ok(token)
    }

    /// The device a token belongs to, with the unit it is bound to; a revoked token belongs to
    /// none.
    pub fn device_of(&self, token: &str) -> Result<Option<(String, Option<String>)>, StoreError> {
        let connection = self.writer();
        Ok(connection
            .query_row(
                "SELECT name, unit FROM devices WHERE token_sha256 = ?1 AND revoked_at IS NULL",
                [self.hash(token)],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?)
    }

    /// Every registered kiosk, by name, with what it sent.
    pub fn devices(&self) -> Result<Vec<DeviceRow>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare(
            "SELECT d.name, d.added_at, d.revoked_at, coalesce(r.responses, 0), r.last_received_at, d.unit,
                 d.counter, d.survey_id, d.config_version
             FROM devices d LEFT JOIN received_by_source r ON r.source = 'device:' || d.name
             ORDER BY d.name",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(DeviceRow {
                name: row.get(0)?,
                added_at: row.get(1)?,
                revoked_at: row.get(2)?,
                responses: row.get::<_, i64>(3)? as u64,
                last_received_at: row.get(4)?,
                unit: row.get(5)?,
                counter: row.get(6)?,
                survey_id: row.get(7)?,
                config_version: row.get::<_, i64>(8)?.max(0) as u64,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Revokes a kiosk's token at once: from the next request on, the server refuses it (401).
    /// What it sent stays stored. Revoking a revoked device changes nothing.
    pub fn revoke_device(&self, name: &str, actor: &Actor) -> Result<(), StoreError> {
        let unit = self.device_config(name)?.and_then(|config| config.unit);
        self.change(actor, &Event::new("device.revoke", unit.as_deref(), name), |transaction| {
            let changed = transaction.execute(
                "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?2) WHERE name = ?1",
                params![name, actor.at],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("device `{name}`")));
            }
            Ok(())
        })
    }
}

impl Store {
    /// A new pairing code for the kiosk `name`, shown once; an earlier unused code of it stops
    /// working.
    pub fn pairing_code(&self, name: &str, now_seconds: i64, actor: &Actor) -> Result<String, StoreError> {
        let code = new_code();
        let hash = self.hash(&format!("pair:{}", normal_code(&code)));
        let unit = self.device_config(name)?.and_then(|config| config.unit);
        self.change(actor, &Event::new("device.pairing-code", unit.as_deref(), name), |transaction| {
            let live: Option<Option<String>> = transaction
                .query_row("SELECT revoked_at FROM devices WHERE name = ?1", [name], |row| row.get(0))
                .optional()?;
            match live {
                None => return Err(StoreError::NotFound(format!("device `{name}`"))),
                Some(Some(_)) => return Err(StoreError::Refused(format!("device `{name}` is revoked"))),
                Some(None) => {}
            }
            transaction.execute("DELETE FROM pairings WHERE device = ?1 AND used_at IS NULL", [name])?;
            transaction.execute(
                "INSERT INTO pairings (code_sha256, device, expires_at) VALUES (?1, ?2, ?3)",
                params![hash, name, now_seconds + PAIRING_SECONDS],
            )?;
            Ok(())
        })?;
        Ok(code)
    }

    /// Redeems a pairing code: once, before it expires. The kiosk gets a new device token (the
    /// one it had, if any, stops working) and its configuration. None for a code that is
    /// unknown, used or expired (the caller counts it as a wrong guess).
    pub fn redeem_pairing(&self, typed: &str, now_seconds: i64, actor: &Actor) -> Result<Option<Paired>, StoreError> {
        let hash = self.hash(&format!("pair:{}", normal_code(typed)));
        let token = random_hex(24);
        let found = {
            let connection = self.writer();
            connection
                .query_row(
                    "SELECT p.device, d.unit FROM pairings p JOIN devices d ON d.name = p.device
                     WHERE p.code_sha256 = ?1 AND p.used_at IS NULL AND p.expires_at > ?2 AND d.revoked_at IS NULL",
                    params![hash, now_seconds],
                    |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)),
                )
                .optional()?
        };
        let Some((name, unit)) = found else { return Ok(None) };
        let paired = self.change(actor, &Event::new("device.pair", unit.as_deref(), &name), |transaction| {
            // Used in the same transaction as it is checked again: two tablets racing with one
            // code cannot both win.
            let used = transaction.execute(
                "UPDATE pairings SET used_at = ?2 WHERE code_sha256 = ?1 AND used_at IS NULL",
                params![hash, actor.at],
            )?;
            if used == 0 {
                return Ok(false);
            }
            transaction
                .execute("UPDATE devices SET token_sha256 = ?2 WHERE name = ?1", params![name, self.hash(&token)])?;
            Ok(true)
        })?;
        if !paired {
            return Ok(None);
        }
        let config = self.device_config(&name)?.ok_or_else(|| StoreError::NotFound(format!("device `{name}`")))?;
        Ok(Some(Paired { device_token: token, config }))
    }

    /// What the kiosk `name` is set to, with the names of its unit and counter.
    pub fn device_config(&self, name: &str) -> Result<Option<DeviceConfig>, StoreError> {
        let connection = self.reader()?;
        Ok(connection
            .query_row(
                "SELECT d.name, d.unit, u.name_vi, d.counter, c.name_vi, d.survey_id, d.config_version,
                     d.week_hours, d.officers, d.on_duty
                 FROM devices d LEFT JOIN units u ON u.code = d.unit
                 LEFT JOIN counters c ON c.unit = d.unit AND c.code = d.counter
                 WHERE d.name = ?1",
                [name],
                |row| {
                    Ok(DeviceConfig {
                        format: 1,
                        device: row.get(0)?,
                        unit: row.get(1)?,
                        unit_name: row.get(2)?,
                        counter: row.get(3)?,
                        counter_name: row.get(4)?,
                        survey_id: row.get(5)?,
                        version: row.get::<_, i64>(6)?.max(0) as u64,
                        week_hours: stored_json(row.get(7)?),
                        officers: stored_json(row.get(8)?),
                        on_duty: row.get(9)?,
                    })
                },
            )
            .optional()?)
    }

    /// The names the server's kiosks give their officers, by code: for the internal report. A
    /// code two kiosks name differently keeps its code alone.
    pub fn officer_names(&self) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        let connection = self.reader()?;
        let mut statement = connection.prepare("SELECT officers FROM devices WHERE officers IS NOT NULL")?;
        let lists = statement.query_map([], |row| row.get::<_, Option<String>>(0))?;
        let mut names: std::collections::BTreeMap<String, Option<String>> = std::collections::BTreeMap::new();
        for list in lists {
            let officers: Vec<DutyOfficer> = stored_json(list?).unwrap_or_default();
            for officer in officers {
                let name = officer.name.trim().to_owned();
                names
                    .entry(officer.code)
                    .and_modify(|known| {
                        if known.as_deref() != Some(name.as_str()) {
                            *known = None;
                        }
                    })
                    .or_insert(Some(name));
            }
        }
        Ok(names.into_iter().filter_map(|(code, name)| Some((code, name.filter(|name| !name.is_empty())?))).collect())
    }

    /// Sets a kiosk's counter or survey; the configuration's version grows, so the kiosk takes
    /// it between two citizens.
    pub fn change_device(&self, name: &str, change: &DeviceChange, actor: &Actor) -> Result<(), StoreError> {
        if let Some(counter) = &change.counter {
            super::units::check_code("counter", counter)?;
        }
        if let Some(survey_id) = &change.survey_id {
            check_survey(survey_id)?;
        }
        if let Some(week) = &change.week_hours {
            check_week(week)?;
        }
        let officers = change.officers.as_deref().map(clean_officers).transpose()?;
        let before = self.device_config(name)?;
        if let Some(on_duty) = change.on_duty.as_deref().filter(|code| !code.is_empty()) {
            let listed = officers.as_ref().or(before.as_ref().and_then(|config| config.officers.as_ref()));
            if !listed.is_some_and(|listed| listed.iter().any(|officer| officer.code == on_duty)) {
                return Err(StoreError::Refused(format!("on_duty: `{on_duty}` is not one of the kiosk's officers")));
            }
        }
        let unit = before.and_then(|config| config.unit);
        let what = format!(
            "{name}:{}{}{}{}{}",
            change.counter.as_deref().map(|counter| format!(" counter {counter}")).unwrap_or_default(),
            change.survey_id.as_deref().map(|survey| format!(" survey {survey}")).unwrap_or_default(),
            if change.week_hours.is_some() { " opening hours" } else { "" },
            officers.as_ref().map(|officers| format!(" {} officers", officers.len())).unwrap_or_default(),
            change.on_duty.as_deref().map(|code| format!(" on duty {code}")).unwrap_or_default(),
        );
        let week = change.week_hours.as_ref().map(|week| serde_json::to_string(week).unwrap_or_default());
        let listed = officers.as_ref().map(|officers| serde_json::to_string(officers).unwrap_or_default());
        self.change(actor, &Event::new("device.change", unit.as_deref(), what), |transaction| {
            let changed = transaction.execute(
                "UPDATE devices SET counter = COALESCE(?2, counter), survey_id = COALESCE(?3, survey_id),
                     week_hours = COALESCE(?4, week_hours), officers = COALESCE(?5, officers),
                     on_duty = COALESCE(?6, on_duty), config_version = config_version + 1
                 WHERE name = ?1",
                params![name, change.counter, change.survey_id, week, listed, change.on_duty],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("device `{name}`")));
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pairing_code_is_readable_and_typed_any_way() {
        let code = new_code();
        assert_eq!(code.len(), 11);
        assert!(code.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))), "{code}");
        assert_eq!(normal_code(" abcde-fghjk "), "ABCDEFGHJK");
    }
}
