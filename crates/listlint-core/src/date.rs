//! Calendar dates: parsing the forms listings use, and today's date.

use std::fmt;

/// A date in the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31.
    pub day: u8,
}

impl Date {
    /// A date, if it exists.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Self { year, month, day })
    }

    /// Parses `2026-11-27`, `2026/11/27`, `2026.11.27`, `2026年11月27日`
    /// (full-width digits allowed) and the date part of an RFC 3339
    /// timestamp (`2026-11-27T10:00:00+08:00`).
    pub fn parse(text: &str) -> Option<Self> {
        let trimmed = text.trim();
        if trimmed.is_ascii() {
            return Self::parse_ascii(trimmed);
        }
        Self::parse_general(text)
    }

    /// [`Self::parse`] for any text.
    fn parse_general(text: &str) -> Option<Self> {
        let text: String = text
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                c => c,
            })
            .collect();
        let date_part = text.split(['T', ' ']).next()?;
        let parts: Vec<&str> = date_part
            .split(['-', '/', '.', '年', '月', '日'])
            .filter(|p| !p.is_empty())
            .collect();
        let [y, m, d] = parts.as_slice() else {
            return None;
        };
        if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
            return None;
        }
        Self::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// [`Self::parse`] for trimmed ASCII text (the usual field value,
    /// `2026-11-27`), read in place: no full-width digits or 年月日 to
    /// map, so the same pieces without copying the text.
    fn parse_ascii(text: &str) -> Option<Self> {
        let date_part = text.split(['T', ' ']).next()?;
        let mut pieces = date_part.split(['-', '/', '.']).filter(|p| !p.is_empty());
        let (Some(y), Some(m), Some(d), None) =
            (pieces.next(), pieces.next(), pieces.next(), pieces.next())
        else {
            return None;
        };
        if y.len() != 4 || m.len() > 2 || d.len() > 2 {
            return None;
        }
        Self::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// Today in UTC, from the system clock.
    pub fn today_utc() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_days_since_epoch((secs / 86_400) as i64)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Days-from-civil (Howard Hinnant's algorithm).
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days later (earlier if negative).
    pub fn add_days(self, days: i64) -> Self {
        Self::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Self {
        // Civil-from-days (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// ASCII text read in place gives what the general reading gives.
        #[test]
        fn ascii_dates_read_as_the_general_path_reads_them(
            text in "[ \t]?(20[0-9]{2}|[0-9+]{3,5})[-/.]{1,2}(1[0-2]|0?[1-9]|[0-9+]{0,3})[-/.]{1,2}([12][0-9]|0?[1-9]|[0-9+]{0,3})([-/.][0-9]{0,2})?([T ][0-9:+ ]{0,8})?[ \t]?|[ \t]{0,2}([0-9+]{0,5}[-/. T]{0,2}){0,4}",
        ) {
            proptest::prop_assume!(text.trim().is_ascii());
            proptest::prop_assert_eq!(Date::parse_ascii(text.trim()), Date::parse_general(&text));
        }
    }

    #[test]
    fn parses_common_forms() {
        let d = Date::new(2026, 11, 27).unwrap();
        for text in [
            "2026-11-27",
            "2026/11/27",
            "2026.11.27",
            "2026年11月27日",
            "２０２６-１１-２７",
            "2026-11-27T08:00:00+08:00",
        ] {
            assert_eq!(Date::parse(text), Some(d), "{text}");
        }
        assert_eq!(Date::parse("2026-2-3"), Date::new(2026, 2, 3));
        for bad in [
            "2026-02-30",
            "26-11-27",
            "2026-13-01",
            "长期",
            "",
            "2026-11",
            "02026-11-27",
            "2026-011-27",
            "2026-11-027",
            "2026-11-27-1",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_since_epoch() {
        assert_eq!(
            Date::from_days_since_epoch(0),
            Date::new(1970, 1, 1).unwrap()
        );
        assert_eq!(
            Date::from_days_since_epoch(20_784),
            Date::new(2026, 11, 27).unwrap()
        );
        assert_eq!(
            Date::from_days_since_epoch(11_016),
            Date::new(2000, 2, 29).unwrap()
        );
    }
}
