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
    /// The language the kiosk shows first to each citizen.
    #[serde(default)]
    pub default_lang: survey::Lang,
    /// Opening hours, `HH:MM` in Vietnam time; both empty means always open. Outside them the
    /// kiosk says it is closed and stores nothing.
    #[serde(default)]
    pub opens_at: String,
    #[serde(default)]
    pub closes_at: String,
    /// The days it opens, 1 (Monday) to 7 (Sunday).
    #[serde(default = "working_days")]
    pub open_days: Vec<u8>,
    /// The officers of this counter, as the office enters them, and who is on duty now: their
    /// code goes into each response (per-officer figures stay in the staff area).
    #[serde(default)]
    pub officers: Vec<Officer>,
    #[serde(default)]
    pub on_duty: String,
    /// The field (lĩnh vực) this counter serves, as a code.
    #[serde(default)]
    pub field_code: String,
    /// Fill the screen at the first touch (browsers allow full screen only after a touch).
    #[serde(default)]
    pub full_screen: bool,
    /// The token `hailong device add` printed for this kiosk. With it, every response is also
    /// sent to the server this app is served from; empty means this kiosk keeps its responses
    /// to itself (staff export them as files).
    #[serde(default)]
    pub device_token: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    pub code: String,
    pub name: String,
}

/// Monday to Saturday: many one-stop counters open on Saturday mornings.
fn working_days() -> Vec<u8> {
    vec![1, 2, 3, 4, 5, 6]
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
            default_lang: survey::Lang::Vi,
            opens_at: String::new(),
            closes_at: String::new(),
            open_days: working_days(),
            officers: Vec::new(),
            on_duty: String::new(),
            field_code: String::new(),
            full_screen: false,
            device_token: String::new(),
        }
    }
}

/// What is wrong with settings a staff member typed, field by field.
pub fn problems(settings: &KioskSettings) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if survey_defs::by_id(&settings.survey_id).is_none() {
        problems.push(("survey_id", format!("no shipped survey has the id `{}`", settings.survey_id)));
    }
    let officer_codes = settings.officers.iter().map(|officer| &officer.code);
    let codes = [
        ("unit_code", &settings.unit_code),
        ("counter_code", &settings.counter_code),
        ("field_code", &settings.field_code),
    ];
    for (field, code) in codes.into_iter().chain(officer_codes.map(|code| ("officers", code))) {
        // A code may be left empty here (the kiosk then records none).
        if !code.is_empty() && !survey::record::is_code(code) {
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
    match (settings.opens_at.is_empty(), settings.closes_at.is_empty()) {
        (true, true) => {}
        _ => {
            match (survey::vn_time::parse_hh_mm(&settings.opens_at), survey::vn_time::parse_hh_mm(&settings.closes_at))
            {
                (Some(opens), Some(closes)) if opens < closes => {}
                _ => problems.push((
                    "opens_at",
                    "giờ mở cửa phải trước giờ đóng cửa, dạng 07:30 / opening before closing, as 07:30".into(),
                )),
            }
        }
    }
    let token = settings.device_token.trim();
    if !token.is_empty() && !(16..=128).contains(&token.len()) || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        problems.push((
            "device_token",
            "mã thiết bị do `hailong device add` in ra, chỉ gồm 0–9 và a–f / the token `hailong device add` printed: 0–9 and a–f only".into(),
        ));
    }
    if !settings.on_duty.is_empty() && !settings.officers.iter().any(|officer| officer.code == settings.on_duty) {
        problems
            .push(("on_duty", "cán bộ trực không có trong danh sách / the officer on duty is not in the list".into()));
    }
    problems
}

impl KioskSettings {
    /// The opening hours as days and minutes since midnight, if there are any.
    pub fn hours(&self) -> Option<crate::kiosk::OpeningHours> {
        let opens = survey::vn_time::parse_hh_mm(&self.opens_at)?;
        let closes = survey::vn_time::parse_hh_mm(&self.closes_at)?;
        Some(crate::kiosk::OpeningHours { days: self.open_days.clone(), opens, closes })
    }

    /// Reads the officers from text, one per line: `code; name`.
    pub fn parse_officers(text: &str) -> Vec<Officer> {
        text.lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(|line| match line.split_once(';') {
                Some((code, name)) => Officer { code: code.trim().to_owned(), name: name.trim().to_owned() },
                None => Officer { code: line.to_owned(), name: String::new() },
            })
            .collect()
    }

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
    fn officers_are_read_one_per_line() {
        let officers = KioskSettings::parse_officers("cb-01; Nguyễn Văn An\n\n  cb-02 ;Trần Thị Bình \ncb-03");
        let shown: Vec<(&str, &str)> = officers.iter().map(|o| (o.code.as_str(), o.name.as_str())).collect();
        assert_eq!(shown, [("cb-01", "Nguyễn Văn An"), ("cb-02", "Trần Thị Bình"), ("cb-03", "")]);
    }

    #[test]
    fn settings_written_before_the_newer_fields_still_load() {
        let old = r#"{"format":1,"survey_id":"danh-gia-tai-quay","unit_name":"","unit_code":"p1","counter_code":"q1","idle_seconds":30,"thanks_seconds":5}"#;
        let settings = KioskSettings::from_json(old).unwrap();
        assert_eq!(settings.open_days, vec![1, 2, 3, 4, 5, 6]);
        assert_eq!(settings.hours(), None, "always open");
    }

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
        let hours = KioskSettings {
            opens_at: "17:00".into(),
            closes_at: "07:30".into(),
            on_duty: "cb-9".into(),
            ..KioskSettings::default()
        };
        let fields: Vec<&str> = problems(&hours).into_iter().map(|(field, _)| field).collect();
        assert_eq!(fields, ["opens_at", "on_duty"]);
        assert!(KioskSettings::from_json(r#"{"format": 2}"#).is_err());
    }
}
