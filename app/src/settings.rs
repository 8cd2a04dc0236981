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
    /// The counter's name, as the server names it (set by pairing, not by the form); shown
    /// beside the unit's name while the counter code stays the one it was given for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub counter_name: String,
    pub idle_seconds: u32,
    pub thanks_seconds: u32,
    /// The language the kiosk shows first to each citizen.
    #[serde(default)]
    pub default_lang: survey::text::Lang,
    /// Opening hours for each weekday, Monday first, in Vietnam time: `07:30-11:30, 13:30-17:00`
    /// (a morning and an afternoon), empty on a day the counter is closed. No entries at all
    /// means always open. Outside them the kiosk says it is closed and stores nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub week_hours: Vec<String>,
    /// Opening hours as earlier versions kept them (one pair for every open day); read, and
    /// replaced by `week_hours` at the next Save.
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
    /// The version of the server's configuration last applied (0: never paired).
    #[serde(default)]
    pub server_version: u64,
}

/// An officer of this counter: stored in the settings exactly as the server sends one.
pub type Officer = wire::sync::DutyOfficer;

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
            counter_name: String::new(),
            idle_seconds: crate::kiosk::config::IDLE_SECONDS,
            thanks_seconds: crate::kiosk::config::THANKS_SECONDS,
            default_lang: survey::text::Lang::Vi,
            week_hours: Vec::new(),
            opens_at: String::new(),
            closes_at: String::new(),
            open_days: working_days(),
            officers: Vec::new(),
            on_duty: String::new(),
            field_code: String::new(),
            full_screen: false,
            device_token: String::new(),
            server_version: 0,
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
        if !code.is_empty() && !survey::records::record::is_code(code) {
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
    if !settings.week_hours.is_empty() && settings.week_hours.len() != 7 {
        problems.push(("week_hours", "cần giờ làm việc của 7 ngày / hours for all 7 days".into()));
    }
    for (day, text) in settings.week_hours.iter().enumerate() {
        if let Err(problem) = survey::vn_time::parse_day_hours(text) {
            problems.push(("week_hours", format!("{}: {problem}", WEEKDAYS[day.min(6)])));
        }
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

/// The weekdays, Monday first, as the form names them.
pub const WEEKDAYS: [&str; 7] =
    ["Thứ 2 / Mon", "Thứ 3 / Tue", "Thứ 4 / Wed", "Thứ 5 / Thu", "Thứ 6 / Fri", "Thứ 7 / Sat", "Chủ nhật / Sun"];

/// The hours a new kiosk's form suggests when staff turn opening hours on: a morning and an
/// afternoon on weekdays, Saturday morning (as many one-stop counters open), Sunday closed.
const SUGGESTED_WEEK: [&str; 7] = [
    "07:30-11:30, 13:30-17:00",
    "07:30-11:30, 13:30-17:00",
    "07:30-11:30, 13:30-17:00",
    "07:30-11:30, 13:30-17:00",
    "07:30-11:30, 13:30-17:00",
    "07:30-11:30",
    "",
];

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
    pub default_lang: survey::text::Lang,
    /// Take ratings only during opening hours.
    pub hours_on: bool,
    /// Each weekday's hours, Monday first, as typed.
    pub week: [String; 7],
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
    /// A weekday's hours, 1 (Monday) to 7.
    Hours(u8),
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
            hours_on: settings.hours().is_some(),
            week: match settings.hours() {
                Some(hours) => std::array::from_fn(|day| hours.day_text(day as u8 + 1)),
                None => SUGGESTED_WEEK.map(String::from),
            },
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
            DraftField::Hours(day) => &mut self.week[usize::from(day.clamp(1, 7)) - 1],
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
            // The server's name belongs to the counter it named; a counter typed here has none.
            counter_name: if self.counter_code.trim() == stored.counter_code {
                stored.counter_name.clone()
            } else {
                String::new()
            },
            idle_seconds,
            thanks_seconds,
            default_lang: self.default_lang,
            // Saved in the new form only; the fields of earlier versions are cleared.
            week_hours: if self.hours_on {
                self.week.iter().map(|day| day.trim().to_owned()).collect()
            } else {
                Vec::new()
            },
            opens_at: String::new(),
            closes_at: String::new(),
            open_days: working_days(),
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
    /// These settings with the server's configuration of this kiosk applied (its unit, counter
    /// and survey with their names, and the opening hours, officers and officer on duty where
    /// the server sets them) and, when just paired, its new device token; what staff set here
    /// otherwise (times, language) stays.
    pub fn with_server(&self, config: &wire::sync::DeviceConfig, device_token: Option<&str>) -> KioskSettings {
        let mut next = self.clone();
        let valid = |code: &Option<String>| code.clone().filter(|code| survey::records::record::is_code(code));
        if let Some(unit) = valid(&config.unit) {
            next.unit_code = unit;
        }
        if let Some(name) = config.unit_name.as_ref().filter(|name| !name.trim().is_empty()) {
            next.unit_name = name.clone();
        }
        if let Some(counter) = valid(&config.counter) {
            next.counter_code = counter;
        }
        next.counter_name = config.counter_name.clone().filter(|name| !name.trim().is_empty()).unwrap_or_default();
        // A survey this app does not ship is not taken: the kiosk keeps the one it runs.
        if let Some(survey) = config.survey_id.as_ref().filter(|id| survey_defs::by_id(id).is_some()) {
            next.survey_id = survey.clone();
        }
        // Seven days, or none for always open; the hours of earlier versions give way to them.
        if let Some(week) = config.week_hours.as_ref().filter(|week| week.is_empty() || week.len() == 7) {
            next.week_hours = week.clone();
            next.opens_at.clear();
            next.closes_at.clear();
        }
        if let Some(officers) = &config.officers {
            next.officers = officers.clone();
        }
        if let Some(on_duty) = &config.on_duty {
            next.on_duty = on_duty.clone();
        }
        if let Some(token) = device_token {
            next.device_token = token.to_owned();
        }
        next.server_version = config.version;
        next
    }

    /// The opening hours as days and minutes since midnight, if there are any.
    /// The settings as the kiosk uses them.
    pub fn kiosk_config(&self) -> crate::kiosk::config::KioskConfig {
        use crate::kiosk::config::KioskConfig;
        use survey::records::record::Channel;
        let code = |code: &str| Some(code.to_owned()).filter(|code| !code.is_empty());
        KioskConfig {
            default_lang: self.default_lang,
            full_screen: self.full_screen,
            hours: self.hours(),
            staff_code: code(&self.on_duty),
            field_code: code(&self.field_code),
            // "Phường An Khánh · Quầy Hộ tịch" where the server names the counter.
            unit_name: code(&self.unit_name).map(|unit| match self.counter_name.trim() {
                "" => unit,
                counter => format!("{unit} · {counter}"),
            }),
            idle_seconds: self.idle_seconds,
            thanks_seconds: self.thanks_seconds,
            unit_code: code(&self.unit_code),
            counter_code: code(&self.counter_code),
            channel: Channel::Kiosk,
            phone_token: None,
            device_token: code(self.device_token.trim()),
            server_version: self.server_version,
        }
    }

    pub fn hours(&self) -> Option<crate::kiosk::config::OpeningHours> {
        if self.week_hours.len() == 7 {
            let day = |index: usize| survey::vn_time::parse_day_hours(&self.week_hours[index]).unwrap_or_default();
            return Some(crate::kiosk::config::OpeningHours { week: std::array::from_fn(day) });
        }
        // As an earlier version kept them: one pair for every open day.
        let opens = survey::vn_time::parse_hh_mm(&self.opens_at)?;
        let closes = survey::vn_time::parse_hh_mm(&self.closes_at)?;
        let day = |index: usize| {
            if self.open_days.contains(&(index as u8 + 1)) { vec![(opens, closes)] } else { Vec::new() }
        };
        Some(crate::kiosk::config::OpeningHours { week: std::array::from_fn(day) })
    }

    /// Reads the officers from text, one per line: `code; name`.
    pub fn parse_officers(text: &str) -> Vec<Officer> {
        Officer::parse_lines(text.lines())
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
    use crate::kiosk::config::OpeningHours;
    use survey::text::Lang;

    /// Monday 2026-11-23 19:08:15 in Vietnam.
    const T0: i64 = 1_795_435_695_000;

    #[test]
    fn opening_hours_have_a_lunch_break_and_a_saturday_morning() {
        let settings = KioskSettings {
            week_hours: ["07:30-11:30, 13:30-17:00"; 5]
                .into_iter()
                .chain(["07:30–11:30", ""])
                .map(String::from)
                .collect(),
            ..KioskSettings::default()
        };
        let hours = settings.hours().unwrap();
        // T0 is Monday 2026-11-23 19:08 in Vietnam; minutes from it to a Vietnam time that day.
        let monday = |hh: i64, mm: i64| T0 + ((hh * 60 + mm) - (19 * 60 + 8)) * 60_000 - 15_000;
        assert!(hours.is_open(monday(7, 30)));
        assert!(!hours.is_open(monday(12, 0)), "closed for lunch");
        assert!(hours.is_open(monday(13, 30)));
        assert!(!hours.is_open(monday(17, 0)), "closing time is closed");
        let saturday = |hh, mm| monday(hh, mm) + 5 * 86_400_000;
        assert!(hours.is_open(saturday(9, 0)) && !hours.is_open(saturday(14, 0)), "Saturday morning only");
        assert!(!hours.is_open(monday(9, 0) + 6 * 86_400_000), "Sunday closed");
        assert_eq!(hours.describe(Lang::Vi), "Thứ 2 – Thứ 6: 07:30–11:30, 13:30–17:00; Thứ 7: 07:30–11:30");
        // Settings written by an earlier version: one pair for the open days.
        let old = KioskSettings {
            opens_at: "07:30".into(),
            closes_at: "17:00".into(),
            open_days: vec![1, 2, 3, 4, 5],
            ..KioskSettings::default()
        };
        let office = |index: usize| if index < 5 { vec![(7 * 60 + 30, 17 * 60)] } else { Vec::new() };
        assert_eq!(old.hours().unwrap(), OpeningHours { week: std::array::from_fn(office) });
        let draft = SettingsDraft::of(&old);
        assert!(draft.hours_on);
        assert_eq!(draft.week[0], "07:30-17:00");
        assert_eq!(draft.week[6], "");
    }

    use super::*;

    #[test]
    fn a_day_of_opening_hours_is_read_or_named_for_what_is_wrong() {
        assert_eq!(
            survey::vn_time::parse_day_hours(" 13:30-17:00 , 07:30 – 11:30 "),
            Ok(vec![(450, 690), (810, 1020)])
        );
        assert_eq!(survey::vn_time::parse_day_hours(""), Ok(vec![]), "a closed day");
        assert!(survey::vn_time::parse_day_hours("7:30-11:30").unwrap_err().contains("`7:30-11:30`"));
        assert!(survey::vn_time::parse_day_hours("11:30-07:30").is_err(), "closing before opening");
        assert!(survey::vn_time::parse_day_hours("07:30-12:00, 11:00-17:00").unwrap_err().contains("chồng"));
        let settings = KioskSettings {
            unit_code: "p".into(),
            counter_code: "q".into(),
            week_hours: vec![
                "07:30-11:30".into(),
                "sáng".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
            ..KioskSettings::default()
        };
        let problems = problems(&settings);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].1.starts_with("Thứ 3 / Tue: `sáng`"), "{problems:?}");
    }

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
    fn the_server_names_the_counter_on_the_kiosk_until_staff_give_it_another_counter() {
        let config = wire::sync::DeviceConfig {
            format: 1,
            version: 3,
            device: "kiosk-1".into(),
            unit: Some("an-khanh".into()),
            unit_name: Some("Phường An Khánh".into()),
            counter: Some("quay-1".into()),
            counter_name: Some("Quầy Hộ tịch".into()),
            survey_id: None,
            ..Default::default()
        };
        let paired = KioskSettings::default().with_server(&config, Some("0123456789abcdef0123"));
        assert_eq!(paired.kiosk_config().unit_name.as_deref(), Some("Phường An Khánh · Quầy Hộ tịch"));
        let kept = SettingsDraft::of(&paired).settings(&paired).unwrap();
        assert_eq!(kept.counter_name, "Quầy Hộ tịch", "saving the form keeps the server's name");
        let mut draft = SettingsDraft::of(&paired);
        *draft.field_mut(DraftField::CounterCode) = "quay-2".into();
        let moved = draft.settings(&paired).unwrap();
        assert_eq!(moved.kiosk_config().unit_name.as_deref(), Some("Phường An Khánh"), "quầy 2 is not Quầy Hộ tịch");
    }

    #[test]
    fn the_server_sets_the_hours_and_the_officer_on_duty_and_what_it_leaves_out_stays() {
        let own = KioskSettings {
            opens_at: "07:00".into(),
            closes_at: "17:00".into(),
            officers: KioskSettings::parse_officers("cb-9; Người cũ"),
            on_duty: "cb-9".into(),
            ..KioskSettings::default()
        };
        let untouched = own.with_server(&wire::sync::DeviceConfig::default(), None);
        assert_eq!((untouched.hours(), untouched.on_duty.as_str()), (own.hours(), "cb-9"), "absent: kept");
        let week: Vec<String> =
            ["07:30-11:30, 13:30-17:00", "07:30-11:30", "", "", "", "", ""].map(String::from).to_vec();
        let config = wire::sync::DeviceConfig {
            week_hours: Some(week.clone()),
            officers: Some(KioskSettings::parse_officers("cb-01; Nguyễn Văn An\ncb-02; Trần Thị Bình")),
            on_duty: Some("cb-02".into()),
            ..Default::default()
        };
        let set = own.with_server(&config, None);
        assert_eq!(set.week_hours, week);
        let hours = set.hours().unwrap();
        assert_eq!((hours.week[0].len(), hours.week[1].len(), hours.week[2].len()), (2, 1, 0));
        assert_eq!(set.kiosk_config().staff_code.as_deref(), Some("cb-02"));
        assert_eq!(set.officers.len(), 2);
        let always =
            set.with_server(&wire::sync::DeviceConfig { week_hours: Some(Vec::new()), ..Default::default() }, None);
        assert_eq!(always.hours(), None, "no days: always open");
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
