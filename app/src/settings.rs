//! The kiosk's settings, chosen by staff behind the PIN and kept in IndexedDB with the
//! responses. A stored format of its own (versioned), because a kiosk keeps its settings for
//! months across app updates.

use serde::{Deserialize, Serialize};

/// The settings format this version writes and reads.
pub const SETTINGS_FORMAT: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskSettings {
    pub format: u32,
    /// The shipped survey the kiosk runs.
    pub survey_id: String,
    /// The unit's name as citizens know it (Bộ phận Một cửa phường …), shown on the kiosk.
    #[serde(default)]
    pub unit_name: String,
    /// Codes stored in every response, so tallies can be split by unit and counter.
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub counter_code: String,
    pub idle_seconds: u32,
    pub thanks_seconds: u32,
}

impl Default for KioskSettings {
    fn default() -> KioskSettings {
        KioskSettings {
            format: SETTINGS_FORMAT,
            survey_id: survey_defs::COUNTER_RATING_ID.into(),
            unit_name: String::new(),
            unit_code: String::new(),
            counter_code: String::new(),
            idle_seconds: crate::kiosk::IDLE_SECONDS,
            thanks_seconds: crate::kiosk::THANKS_SECONDS,
        }
    }
}

/// What is wrong with settings a staff member typed, field by field.
pub fn problems(settings: &KioskSettings) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if survey_defs::by_id(&settings.survey_id).is_none() {
        problems.push(("survey_id", format!("no shipped survey has the id `{}`", settings.survey_id)));
    }
    for (field, code) in [("unit_code", &settings.unit_code), ("counter_code", &settings.counter_code)] {
        let plain = code.len() <= 64 && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !plain {
            problems.push((
                field,
                "chỉ dùng chữ không dấu, số, `-`, `_`, `.` / letters without accents, digits, - _ .".into(),
            ));
        }
    }
    if !(10..=600).contains(&settings.idle_seconds) {
        problems.push(("idle_seconds", "từ 10 đến 600 giây / 10 to 600 seconds".into()));
    }
    if !(2..=60).contains(&settings.thanks_seconds) {
        problems.push(("thanks_seconds", "từ 2 đến 60 giây / 2 to 60 seconds".into()));
    }
    problems
}

impl KioskSettings {
    /// Reads stored settings; settings of a newer format, or damaged ones, are reported.
    pub fn from_json(json: &str) -> Result<KioskSettings, String> {
        let settings: KioskSettings =
            serde_json::from_str(json).map_err(|err| format!("the kiosk's settings cannot be read: {err}"))?;
        if settings.format != SETTINGS_FORMAT {
            return Err(format!("the kiosk's settings are of format {}, written by a newer version", settings.format));
        }
        Ok(settings)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_defaults_are_valid() {
        let settings = KioskSettings::default();
        assert_eq!(problems(&settings), vec![]);
        assert_eq!(KioskSettings::from_json(&settings.to_json()).unwrap(), settings);
    }

    #[test]
    fn bad_settings_are_named_by_field() {
        let bad = KioskSettings {
            survey_id: "khong-co".into(),
            unit_code: "Phường 1".into(),
            idle_seconds: 3,
            ..KioskSettings::default()
        };
        let fields: Vec<&str> = problems(&bad).into_iter().map(|(field, _)| field).collect();
        assert_eq!(fields, ["survey_id", "unit_code", "idle_seconds"]);
        assert!(KioskSettings::from_json(r#"{"format": 2}"#).is_err());
    }
}
