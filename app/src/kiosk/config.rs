//! What staff set for a kiosk, as the kiosk uses it: the opening hours, the codes that go into
//! each response, the languages and the times. Made from the stored settings
//! (`crate::settings`) or, on a phone, from the address.

use survey::records::record::Channel;
use survey::text::Lang;

/// How long the thank-you screen stays before the survey returns for the next citizen, unless
/// staff set otherwise.
pub const THANKS_SECONDS: u32 = 5;
/// How long a half-answered survey waits untouched before the warning, unless staff set
/// otherwise.
pub const IDLE_SECONDS: u32 = 30;

/// When the counter is open, in Vietnam time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningHours {
    /// For each weekday, Monday first: its opening periods (opens, closes) in minutes since
    /// midnight, in order (a morning and an afternoon, say); none on a closed day.
    pub week: [Vec<(u16, u16)>; 7],
}

impl OpeningHours {
    pub fn is_open(&self, now: i64) -> bool {
        survey::vn_time::vietnam_weekday_and_minute(now)
            .is_some_and(|(day, minute)| self.on(day).iter().any(|&(opens, closes)| (opens..closes).contains(&minute)))
    }

    /// The periods of a weekday, 1 (Monday) to 7.
    pub fn on(&self, day: u8) -> &[(u16, u16)] {
        &self.week[usize::from(day.clamp(1, 7)) - 1]
    }

    /// A weekday's periods as staff write them: `07:30-11:30, 13:30-17:00`.
    pub fn day_text(&self, day: u8) -> String {
        let time = |minutes: u16| format!("{:02}:{:02}", minutes / 60, minutes % 60);
        self.on(day)
            .iter()
            .map(|&(opens, closes)| format!("{}-{}", time(opens), time(closes)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The week for citizens, days with the same hours together: `Thứ 2 – Thứ 6: 07:30–11:30,
    /// 13:30–17:00; Thứ 7: 07:30–11:30`.
    pub fn describe(&self, lang: Lang) -> String {
        let names: [&str; 7] = match lang {
            Lang::Vi => ["Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7", "Chủ nhật"],
            Lang::En => ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        };
        let mut parts = Vec::new();
        let mut day = 1u8;
        while day <= 7 {
            let mut last = day;
            while last < 7 && self.on(last + 1) == self.on(day) {
                last += 1;
            }
            if !self.on(day).is_empty() {
                let days = if last == day {
                    names[usize::from(day) - 1].to_owned()
                } else {
                    format!("{} – {}", names[usize::from(day) - 1], names[usize::from(last) - 1])
                };
                parts.push(format!("{days}: {}", self.day_text(day).replace('-', "–")));
            }
            day = last + 1;
        }
        parts.join("; ")
    }
}

/// What staff set for this kiosk (see `crate::settings`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KioskConfig {
    pub default_lang: Lang,
    /// Fill the screen at the first touch.
    pub full_screen: bool,
    /// `None`: always open.
    pub hours: Option<OpeningHours>,
    pub staff_code: Option<String>,
    pub field_code: Option<String>,
    /// The unit's name as citizens know it, shown at the top of the kiosk.
    pub unit_name: Option<String>,
    pub idle_seconds: u32,
    pub thanks_seconds: u32,
    pub unit_code: Option<String>,
    pub counter_code: Option<String>,
    /// Kiosk at the counter, or a citizen's own phone (`/p/<unit>/<counter>`).
    pub channel: Channel,
    /// The single-use token of the QR code a phone came through.
    pub phone_token: Option<String>,
    /// The kiosk's device token for sending to the server it is served from (a phone sends
    /// without one).
    pub device_token: Option<String>,
    /// The version of the server's configuration this kiosk runs (0: set here, never paired).
    pub server_version: u64,
}

impl Default for KioskConfig {
    fn default() -> KioskConfig {
        KioskConfig {
            default_lang: Lang::Vi,
            full_screen: false,
            hours: None,
            staff_code: None,
            field_code: None,
            unit_name: None,
            idle_seconds: IDLE_SECONDS,
            thanks_seconds: THANKS_SECONDS,
            unit_code: None,
            counter_code: None,
            channel: Channel::Kiosk,
            phone_token: None,
            device_token: None,
            server_version: 0,
        }
    }
}

/// How long a phone waits untouched before the warning: a citizen at home may read slowly.
pub const PHONE_IDLE_SECONDS: u32 = 600;

impl KioskConfig {
    /// Whether each response also waits in the outbox to be sent to the server: always on a
    /// phone, and on a kiosk given a device token.
    pub fn sync(&self) -> bool {
        self.channel == Channel::Phone || self.device_token.is_some()
    }

    /// A citizen's own phone at `/p/<unit>/<counter>`, with the QR code's token if it had one.
    pub fn phone(unit: String, counter: String, token: Option<String>) -> KioskConfig {
        KioskConfig {
            unit_code: Some(unit),
            counter_code: Some(counter),
            channel: Channel::Phone,
            phone_token: token,
            idle_seconds: PHONE_IDLE_SECONDS,
            ..KioskConfig::default()
        }
    }
}
