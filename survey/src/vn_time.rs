//! Time as Vietnamese offices count it: Indochina Time, UTC+07:00, with no daylight saving.
//!
//! The core never reads a clock: callers pass the instant in (the app takes it from
//! `js_sys::Date`, the server from the system), so every function here is deterministic.

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

/// Vietnam's offset from UTC, all year round.
pub const VIETNAM_OFFSET: UtcOffset = time::macros::offset!(+7);

/// Formats an instant, given as milliseconds since the Unix epoch, as RFC 3339 in Vietnam time
/// to the second: `2026-11-23T19:08:15+07:00`.
pub fn format_vietnam(unix_millis: i64) -> Result<String, TimeError> {
    let seconds = unix_millis.div_euclid(1000);
    let instant = OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| TimeError::OutOfRange)?;
    instant
        .checked_to_offset(VIETNAM_OFFSET)
        .ok_or(TimeError::OutOfRange)?
        .format(&Rfc3339)
        .map_err(|_| TimeError::OutOfRange)
}

/// Parses an RFC 3339 time stamp; the offset is required, so a time is never ambiguous.
pub fn parse_rfc3339(text: &str) -> Result<OffsetDateTime, TimeError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| TimeError::Malformed)
}

/// A time stamp as the instant it names, written in Vietnam time (`2026-11-23T02:00:00Z` and
/// `2026-11-23T09:00:00+07:00` both give the latter; a fraction of a second is kept). `None`
/// for a stamp that is not RFC 3339 or names no representable Vietnam time.
pub fn canonical_stamp(text: &str) -> Option<String> {
    parse_rfc3339(text).ok()?.checked_to_offset(VIETNAM_OFFSET)?.format(&Rfc3339).ok()
}

/// The calendar day in Vietnam on which an instant falls, whatever offset it was written with.
/// At the very end of the years `time` represents (a forged `9999-12-31T23:00:00+00:00`) there
/// is no Vietnam day; the day as written is given rather than a panic, and the record check
/// refuses such a time anyway.
pub fn vietnam_date(instant: OffsetDateTime) -> Date {
    instant.checked_to_offset(VIETNAM_OFFSET).map_or(instant.date(), |local| local.date())
}

/// The Vietnam weekday (1 is Monday, 7 is Sunday) and minute of the day of an instant, for
/// opening hours.
pub fn vietnam_weekday_and_minute(unix_millis: i64) -> Option<(u8, u16)> {
    let instant =
        OffsetDateTime::from_unix_timestamp(unix_millis.div_euclid(1000)).ok()?.checked_to_offset(VIETNAM_OFFSET)?;
    Some((instant.weekday().number_from_monday(), u16::from(instant.hour()) * 60 + u16::from(instant.minute())))
}

/// A time stamp as a report writes it, in Vietnam time: `21:51 ngày 23/11/2026`, or
/// `23/11/2026 21:51 (UTC+7)` in English; a stamp that does not read is given back as it is.
pub fn readable(stamp: &str, lang: crate::text::Lang) -> String {
    let Some(local) = parse_rfc3339(stamp).ok().and_then(|instant| instant.checked_to_offset(VIETNAM_OFFSET)) else {
        return stamp.to_owned();
    };
    let (day, month, year) = (local.day(), local.month() as u8, local.year());
    let (hour, minute) = (local.hour(), local.minute());
    match lang {
        crate::text::Lang::Vi => format!("{hour:02}:{minute:02} ngày {day:02}/{month:02}/{year}"),
        crate::text::Lang::En => format!("{day:02}/{month:02}/{year} {hour:02}:{minute:02} (UTC+7)"),
    }
}

/// Parses a time of day written `HH:MM` into minutes since midnight.
pub fn parse_hh_mm(text: &str) -> Option<u16> {
    let (hours, minutes) = text.split_once(':')?;
    let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours < 24 && minutes < 60 && text.len() == 5).then_some(hours * 60 + minutes)
}

/// One day's opening periods from text such as `07:30-11:30, 13:30-17:00` (`–` also
/// separates), in minutes since midnight, in order; empty text is a closed day.
pub fn parse_day_hours(text: &str) -> Result<Vec<(u16, u16)>, String> {
    let mut periods = Vec::new();
    for part in text.split([',', ';']).map(str::trim).filter(|part| !part.is_empty()) {
        let (opens, closes) = part
            .split_once(['-', '–', '—'])
            .map(|(opens, closes)| (parse_hh_mm(opens.trim()), parse_hh_mm(closes.trim())))
            .unwrap_or((None, None));
        match (opens, closes) {
            (Some(opens), Some(closes)) if opens < closes => periods.push((opens, closes)),
            _ => {
                return Err(format!(
                    "`{part}`: viết giờ mở - giờ đóng, như 07:30-11:30 / write opening-closing, as 07:30-11:30"
                ));
            }
        }
    }
    periods.sort_unstable();
    if periods.windows(2).any(|pair| pair[1].0 < pair[0].1) {
        return Err("các khoảng giờ chồng lên nhau / the periods overlap".into());
    }
    Ok(periods)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeError {
    /// Not an RFC 3339 time stamp with an offset, such as `2026-11-23T19:08:15+07:00`.
    Malformed,
    /// Outside the years this program can represent.
    OutOfRange,
}

impl std::fmt::Display for TimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TimeError::Malformed => "not an RFC 3339 time with an offset, such as 2026-11-23T19:08:15+07:00",
            TimeError::OutOfRange => "a time outside the supported range",
        })
    }
}

impl std::error::Error for TimeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_instant_has_one_canonical_stamp() {
        let vn = Some("2026-11-23T09:00:00+07:00".to_owned());
        assert_eq!(canonical_stamp("2026-11-23T02:00:00Z"), vn);
        assert_eq!(canonical_stamp("2026-11-23T02:00:00+00:00"), vn);
        assert_eq!(canonical_stamp("2026-11-23T09:00:00+07:00"), vn);
        assert_eq!(canonical_stamp("2026-11-22T21:00:00-05:00"), vn);
        assert_eq!(canonical_stamp("2026-11-23T02:00:00.250Z").as_deref(), Some("2026-11-23T09:00:00.25+07:00"));
        assert_eq!(canonical_stamp("9999-12-31T23:00:00+00:00"), None);
        assert_eq!(canonical_stamp("soon"), None);
    }

    #[test]
    fn stamps_read_as_reports_write_them() {
        assert_eq!(readable("2026-11-23T14:51:54Z", crate::text::Lang::Vi), "21:51 ngày 23/11/2026");
        assert_eq!(readable("2026-11-23T21:51:54+07:00", crate::text::Lang::En), "23/11/2026 21:51 (UTC+7)");
        assert_eq!(readable("soon", crate::text::Lang::Vi), "soon");
    }

    #[test]
    fn formats_in_vietnam_time_to_the_second() {
        // 2026-11-23T12:08:15.999Z is 19:08:15 in Hà Nội.
        assert_eq!(format_vietnam(1_795_435_695_999).unwrap(), "2026-11-23T19:08:15+07:00");
        assert_eq!(format_vietnam(0).unwrap(), "1970-01-01T07:00:00+07:00");
        assert_eq!(format_vietnam(-1).unwrap(), "1970-01-01T06:59:59+07:00");
    }

    #[test]
    fn the_vietnam_day_starts_at_17_utc() {
        let late_utc = parse_rfc3339("2026-12-31T17:00:00Z").unwrap();
        assert_eq!(vietnam_date(late_utc).to_string(), "2027-01-01");
        let before = parse_rfc3339("2026-12-31T16:59:59Z").unwrap();
        assert_eq!(vietnam_date(before).to_string(), "2026-12-31");
        // The last hour `time` represents has no Vietnam day: no panic.
        let end = parse_rfc3339("9999-12-31T23:00:00+00:00").unwrap();
        assert_eq!(vietnam_date(end).to_string(), "9999-12-31");
        assert_eq!(readable("9999-12-31T23:00:00+00:00", crate::text::Lang::Vi), "9999-12-31T23:00:00+00:00");
    }

    #[test]
    fn weekday_and_minute_are_in_vietnam_time() {
        // Monday 2026-11-23T12:08:15Z is 19:08 in Hà Nội.
        assert_eq!(vietnam_weekday_and_minute(1_795_435_695_999), Some((1, 19 * 60 + 8)));
        // Sunday 2026-11-22T17:30Z is already Monday 00:30 in Hà Nội.
        let late = parse_rfc3339("2026-11-22T17:30:00Z").unwrap().unix_timestamp() * 1000;
        assert_eq!(vietnam_weekday_and_minute(late), Some((1, 30)));
        assert_eq!(parse_hh_mm("07:30"), Some(450));
        assert_eq!(parse_hh_mm("7:30"), None);
        assert_eq!(parse_hh_mm("24:00"), None);
    }

    #[test]
    fn a_time_without_offset_is_refused() {
        assert_eq!(parse_rfc3339("2026-11-23T19:08:15"), Err(TimeError::Malformed));
        assert_eq!(parse_rfc3339("hôm nay"), Err(TimeError::Malformed));
    }
}
