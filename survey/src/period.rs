//! Reporting periods in Vietnam time: wards report by quarter, half-year and year.

use time::{Date, Month};

/// How responses are grouped in time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    /// One group for the whole range asked for (`--from` to `--to`, or everything).
    #[default]
    All,
    Day,
    Month,
    Quarter,
    /// January to June, July to December.
    Half,
    Year,
}

impl PeriodKind {
    pub fn parse(text: &str) -> Option<PeriodKind> {
        Some(match text {
            "all" => PeriodKind::All,
            "day" => PeriodKind::Day,
            "month" => PeriodKind::Month,
            "quarter" => PeriodKind::Quarter,
            "half" | "half-year" => PeriodKind::Half,
            "year" => PeriodKind::Year,
            _ => return None,
        })
    }

    /// The first and last day of the period that contains `day`; `None` for [`PeriodKind::All`].
    pub fn bounds(self, day: Date) -> Option<(Date, Date)> {
        let (year, month) = (day.year(), day.month() as u8);
        let span = |first_month: u8, months: u8| {
            let start = Date::from_calendar_date(year, Month::try_from(first_month).ok()?, 1).ok()?;
            let last_month = Month::try_from(first_month + months - 1).ok()?;
            let end = Date::from_calendar_date(year, last_month, last_month.length(year)).ok()?;
            Some((start, end))
        };
        match self {
            PeriodKind::All => None,
            PeriodKind::Day => Some((day, day)),
            PeriodKind::Month => span(month, 1),
            PeriodKind::Quarter => span((month - 1) / 3 * 3 + 1, 3),
            PeriodKind::Half => span(if month <= 6 { 1 } else { 7 }, 6),
            PeriodKind::Year => span(1, 12),
        }
    }
}

/// Parses a day written `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(kind: PeriodKind, day: &str, expect: &str) {
        let (start, end) = kind.bounds(parse_day(day).unwrap()).unwrap();
        assert_eq!(format!("{start}..{end}"), expect, "{kind:?} of {day}");
    }

    #[test]
    fn periods_contain_their_day() {
        check(PeriodKind::Day, "2026-11-23", "2026-11-23..2026-11-23");
        check(PeriodKind::Month, "2028-02-10", "2028-02-01..2028-02-29");
        check(PeriodKind::Quarter, "2026-11-23", "2026-10-01..2026-12-31");
        check(PeriodKind::Quarter, "2026-03-31", "2026-01-01..2026-03-31");
        check(PeriodKind::Half, "2026-06-30", "2026-01-01..2026-06-30");
        check(PeriodKind::Half, "2026-07-01", "2026-07-01..2026-12-31");
        check(PeriodKind::Year, "2026-11-23", "2026-01-01..2026-12-31");
        assert_eq!(PeriodKind::All.bounds(parse_day("2026-11-23").unwrap()), None);
    }

    #[test]
    fn days_are_parsed_strictly() {
        assert!(parse_day("2026-11-23").is_some());
        assert!(parse_day("23/11/2026").is_none());
        assert!(parse_day("2026-02-30").is_none());
    }
}
