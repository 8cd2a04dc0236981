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
    // Every response carries them, and tallies split by them: a kiosk without them would
    // send responses nobody can place.
    for (field, code) in [("unit_code", &settings.unit_code), ("counter_code", &settings.counter_code)] {
        if code.is_empty() {
            problems.push((field, "bắt buộc nhập / required".into()));
        }
    }
    let officer_codes = settings.officers.iter().map(|officer| &officer.code);
    let codes = [
        ("unit_code", &settings.unit_code),
        ("counter_code", &settings.counter_code),
        ("field_code", &settings.field_code),
    ];
    for (field, code) in codes.into_iter().chain(officer_codes.map(|code| ("officers", code))) {
        // The field and officers may be left empty (the kiosk then records none).
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

/// The settings form as a staff member fills it in: every field exactly as typed, so that what
/// the form shows is what is in state (never read back from the page), and numbers are checked
/// only when saving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsDraft {
    pub survey_id: String,
    pub unit_name: String,
    pub unit_code: String,
    pub counter_code: String,
    pub idle_seconds: String,
    pub thanks_seconds: String,
    pub default_lang: survey::Lang,
    pub opens_at: String,
    pub closes_at: String,
    pub open_days: Vec<u8>,
    /// One officer a line: `code; name`.
    pub officers: String,
    pub on_duty: String,
    pub field_code: String,
    pub full_screen: bool,
    pub device_token: String,
}

/// A text field of the settings form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DraftField {
    SurveyId,
    UnitName,
    UnitCode,
    CounterCode,
    IdleSeconds,
    ThanksSeconds,
    OpensAt,
    ClosesAt,
    Officers,
    OnDuty,
    FieldCode,
    DeviceToken,
}

impl SettingsDraft {
    /// The form filled with stored settings.
    pub fn of(settings: &KioskSettings) -> SettingsDraft {
        SettingsDraft {
            survey_id: settings.survey_id.clone(),
            unit_name: settings.unit_name.clone(),
            unit_code: settings.unit_code.clone(),
            counter_code: settings.counter_code.clone(),
            idle_seconds: settings.idle_seconds.to_string(),
            thanks_seconds: settings.thanks_seconds.to_string(),
            default_lang: settings.default_lang,
            opens_at: settings.opens_at.clone(),
            closes_at: settings.closes_at.clone(),
            open_days: settings.open_days.clone(),
            officers: settings
                .officers
                .iter()
                .map(|officer| format!("{}; {}", officer.code, officer.name))
                .collect::<Vec<_>>()
                .join("\n"),
            on_duty: settings.on_duty.clone(),
            field_code: settings.field_code.clone(),
            full_screen: settings.full_screen,
            device_token: settings.device_token.clone(),
        }
    }

    pub fn field_mut(&mut self, field: DraftField) -> &mut String {
        match field {
            DraftField::SurveyId => &mut self.survey_id,
            DraftField::UnitName => &mut self.unit_name,
            DraftField::UnitCode => &mut self.unit_code,
            DraftField::CounterCode => &mut self.counter_code,
            DraftField::IdleSeconds => &mut self.idle_seconds,
            DraftField::ThanksSeconds => &mut self.thanks_seconds,
            DraftField::OpensAt => &mut self.opens_at,
            DraftField::ClosesAt => &mut self.closes_at,
            DraftField::Officers => &mut self.officers,
            DraftField::OnDuty => &mut self.on_duty,
            DraftField::FieldCode => &mut self.field_code,
            DraftField::DeviceToken => &mut self.device_token,
        }
    }

    /// The settings to store, over `stored` (so that a field the form does not show is kept),
    /// or every problem, field by field.
    pub fn settings(&self, stored: &KioskSettings) -> Result<KioskSettings, Vec<(&'static str, String)>> {
        let mut problems_found = Vec::new();
        let mut number = |field: &'static str, text: &str| {
            text.trim().parse::<u32>().unwrap_or_else(|_| {
                problems_found.push((field, "một số nguyên / a whole number".to_owned()));
                0
            })
        };
        let idle_seconds = number("idle_seconds", &self.idle_seconds);
        let thanks_seconds = number("thanks_seconds", &self.thanks_seconds);
        let settings = KioskSettings {
            survey_id: self.survey_id.clone(),
            unit_name: self.unit_name.trim().to_owned(),
            unit_code: self.unit_code.trim().to_owned(),
            counter_code: self.counter_code.trim().to_owned(),
            idle_seconds,
            thanks_seconds,
            default_lang: self.default_lang,
            opens_at: self.opens_at.trim().to_owned(),
            closes_at: self.closes_at.trim().to_owned(),
            open_days: self.open_days.clone(),
            officers: KioskSettings::parse_officers(&self.officers),
            on_duty: self.on_duty.trim().to_owned(),
            field_code: self.field_code.trim().to_owned(),
            full_screen: self.full_screen,
            device_token: self.device_token.trim().to_owned(),
            ..stored.clone()
        };
        let number_fields: Vec<&str> = problems_found.iter().map(|(field, _)| *field).collect();
        problems_found.extend(problems(&settings).into_iter().filter(|(field, _)| !number_fields.contains(field)));
        if problems_found.is_empty() { Ok(settings) } else { Err(problems_found) }
    }
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
    fn settings_round_trip_and_a_kiosk_needs_its_unit_and_counter() {
        let fresh = KioskSettings::default();
        let fields: Vec<&str> = problems(&fresh).into_iter().map(|(field, _)| field).collect();
        assert_eq!(fields, ["unit_code", "counter_code"], "a fresh kiosk is told what to fill in");
        let settings = KioskSettings { unit_code: "phuong-1".into(), counter_code: "quay-2".into(), ..fresh };
        assert_eq!(problems(&settings), vec![]);
        assert_eq!(KioskSettings::from_json(&settings.to_json()).unwrap(), settings);
    }

    /// Typed into the form, saved, and shown again: what shows after Save is what was stored,
    /// and a field added later keeps the others.
    #[test]
    fn the_form_gives_back_what_was_saved() {
        let mut draft = SettingsDraft::of(&KioskSettings::default());
        *draft.field_mut(DraftField::UnitCode) = " phuong-1 ".into();
        *draft.field_mut(DraftField::CounterCode) = "quay-2".into();
        *draft.field_mut(DraftField::Officers) = "cb-01; Nguyễn Văn An".into();
        let saved = draft.settings(&KioskSettings::default()).unwrap();
        assert_eq!((saved.unit_code.as_str(), saved.counter_code.as_str()), ("phuong-1", "quay-2"));
        let mut again = SettingsDraft::of(&saved);
        assert_eq!(again.settings(&saved).unwrap(), saved, "saving again writes the same");
        *again.field_mut(DraftField::DeviceToken) = "0123456789abcdef0123".into();
        let with_token = again.settings(&saved).unwrap();
        assert_eq!((with_token.unit_code.as_str(), with_token.counter_code.as_str()), ("phuong-1", "quay-2"));
        assert_eq!(with_token.device_token, "0123456789abcdef0123");
        *again.field_mut(DraftField::IdleSeconds) = "ba mươi".into();
        *again.field_mut(DraftField::UnitCode) = String::new();
        let fields: Vec<&str> = again.settings(&saved).unwrap_err().into_iter().map(|(field, _)| field).collect();
        assert_eq!(fields, ["idle_seconds", "unit_code"]);
    }

    #[test]
    fn bad_settings_are_named_by_field() {
        let bad = KioskSettings {
            survey_id: "khong-co".into(),
            unit_code: "Phường 1".into(),
            counter_code: "quay-1".into(),
            idle_seconds: 3,
            ..KioskSettings::default()
        };
        let fields: Vec<&str> = problems(&bad).into_iter().map(|(field, _)| field).collect();
        assert_eq!(fields, ["survey_id", "unit_code", "idle_seconds"]);
        let hours = KioskSettings {
            unit_code: "phuong-1".into(),
            counter_code: "quay-1".into(),
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
