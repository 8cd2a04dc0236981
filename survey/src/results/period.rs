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

/// One reporting period: a span of Vietnam days that staff report on, certify and publish.
///
/// Its code names it in files and addresses: `2026-Q4`, `2026-H2`, `2026`, `2026-11`, or a custom
/// span `2026-10-01_2026-12-31`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

impl Period {
    /// The period of this kind that contains `day`; `None` for [`PeriodKind::All`].
    pub fn containing(kind: PeriodKind, day: Date) -> Option<Period> {
        kind.bounds(day).map(|(start, end)| Period { start, end })
    }

    /// A custom span; `None` when it ends before it starts.
    pub fn span(start: Date, end: Date) -> Option<Period> {
        (start <= end).then_some(Period { start, end })
    }

    /// Reads a period's code.
    pub fn parse(code: &str) -> Option<Period> {
        if let Some((start, end)) = code.split_once('_') {
            return Period::span(parse_day(start)?, parse_day(end)?);
        }
        let (year, rest) = match code.split_once('-') {
            Some((year, rest)) => (year, Some(rest)),
            None => (code, None),
        };
        if year.len() != 4 || !year.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        let (kind, month) = match rest {
            None => (PeriodKind::Year, 1),
            Some(rest) => match (rest.as_bytes().first(), rest.get(1..)) {
                (Some(b'Q'), Some(number @ ("1" | "2" | "3" | "4"))) => {
                    (PeriodKind::Quarter, (number.parse::<u8>().ok()? - 1) * 3 + 1)
                }
                (Some(b'H'), Some(number @ ("1" | "2"))) => (PeriodKind::Half, if number == "1" { 1 } else { 7 }),
                _ if rest.len() == 2 => (PeriodKind::Month, rest.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?),
                _ => return None,
            },
        };
        let first = Date::from_calendar_date(year, Month::try_from(month).ok()?, 1).ok()?;
        Period::containing(kind, first)
    }

    /// What kind of period this is, if it is a whole one.
    pub fn kind(self) -> Option<PeriodKind> {
        [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Half, PeriodKind::Year]
            .into_iter()
            .find(|kind| Period::containing(*kind, self.start) == Some(self))
    }

    /// The code [`Period::parse`] reads back.
    pub fn code(self) -> String {
        let (year, month) = (self.start.year(), self.start.month() as u8);
        match self.kind() {
            Some(PeriodKind::Year) => format!("{year}"),
            Some(PeriodKind::Half) => format!("{year}-H{}", if month == 1 { 1 } else { 2 }),
            Some(PeriodKind::Quarter) => format!("{year}-Q{}", (month - 1) / 3 + 1),
            Some(PeriodKind::Month) => format!("{year}-{month:02}"),
            _ => format!("{}_{}", self.start, self.end),
        }
    }

    /// How a report names the period: "Quý IV năm 2026", "Q4 2026".
    pub fn label(self, lang: crate::text::Lang) -> String {
        let (year, month) = (self.start.year(), self.start.month() as u8);
        let vi = lang == crate::text::Lang::Vi;
        match self.kind() {
            Some(PeriodKind::Year) if vi => format!("Năm {year}"),
            Some(PeriodKind::Year) => format!("{year}"),
            Some(PeriodKind::Half) if vi => {
                format!("6 tháng {} năm {year}", if month == 1 { "đầu" } else { "cuối" })
            }
            Some(PeriodKind::Half) => format!("{} half of {year}", if month == 1 { "First" } else { "Second" }),
            Some(PeriodKind::Quarter) if vi => {
                format!("Quý {} năm {year}", ["I", "II", "III", "IV"][usize::from((month - 1) / 3)])
            }
            Some(PeriodKind::Quarter) => format!("Q{} {year}", (month - 1) / 3 + 1),
            Some(PeriodKind::Month) if vi => format!("Tháng {month} năm {year}"),
            Some(PeriodKind::Month) => format!("{} {year}", self.start.month()),
            _ if vi => format!("Từ {} đến {}", vn_day(self.start), vn_day(self.end)),
            _ => format!("{} to {}", self.start, self.end),
        }
    }

    pub fn contains(self, day: Date) -> bool {
        self.start <= day && day <= self.end
    }

    /// The periods offices report on, newest first, from the one containing `today` back
    /// through the previous year: quarters, halves and years.
    pub fn recent(today: Date) -> Vec<Period> {
        let mut periods = Vec::new();
        for year in [today.year(), today.year() - 1] {
            let in_year = |month: u8| Date::from_calendar_date(year, Month::try_from(month).ok()?, 1).ok();
            for kind in [PeriodKind::Quarter, PeriodKind::Half, PeriodKind::Year] {
                for month in (1..=12).rev() {
                    if let Some(period) = in_year(month).and_then(|day| Period::containing(kind, day))
                        && period.start <= today
                        && !periods.contains(&period)
                    {
                        periods.push(period);
                    }
                }
            }
        }
        periods
    }
}

/// `23/11/2026`, as Vietnamese documents write a day.
pub fn vn_day(day: Date) -> String {
    format!("{:02}/{:02}/{}", day.day(), day.month() as u8, day.year())
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
    fn period_codes_read_back() {
        for code in ["2026-Q4", "2026-Q1", "2026-H1", "2026-H2", "2026", "2026-02", "2026-10-05_2026-11-23"] {
            let period = Period::parse(code).unwrap_or_else(|| panic!("{code}"));
            assert_eq!(period.code(), code);
        }
        assert_eq!(Period::parse("2026-10-01_2026-12-31").unwrap().code(), "2026-Q4");
        for bad in ["", "26", "2026-Q5", "2026-H3", "2026-13", "2026-12-31_2026-01-01", "2026-Q4x", "abcd"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        let q4 = Period::parse("2026-Q4").unwrap();
        assert_eq!(q4.label(crate::text::Lang::Vi), "Quý IV năm 2026");
        assert_eq!(q4.label(crate::text::Lang::En), "Q4 2026");
        assert_eq!(Period::parse("2026-H1").unwrap().label(crate::text::Lang::Vi), "6 tháng đầu năm 2026");
        assert_eq!(
            Period::parse("2026-10-05_2026-11-23").unwrap().label(crate::text::Lang::Vi),
            "Từ 05/10/2026 đến 23/11/2026"
        );
    }

    #[test]
    fn recent_periods_start_with_the_current_quarter() {
        let codes: Vec<String> = Period::recent(parse_day("2026-11-23").unwrap()).iter().map(|p| p.code()).collect();
        assert_eq!(
            codes.join(" "),
            "2026-Q4 2026-Q3 2026-Q2 2026-Q1 2026-H2 2026-H1 2026 2025-Q4 2025-Q3 2025-Q2 2025-Q1 2025-H2 2025-H1 2025"
        );
    }

    #[test]
    fn days_are_parsed_strictly() {
        assert!(parse_day("2026-11-23").is_some());
        assert!(parse_day("23/11/2026").is_none());
        assert!(parse_day("2026-02-30").is_none());
    }
}
