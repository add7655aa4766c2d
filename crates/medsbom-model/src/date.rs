//! A calendar date without a time zone, parsed from the ISO 8601 forms SBOMs use.

use std::fmt;
use std::num::NonZeroU8;

/// A calendar date (proleptic Gregorian), ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDate {
    year: i32,
    /// Never zero, which lets `Option<IsoDate>` take no more room than a date.
    month: NonZeroU8,
    day: u8,
}

impl IsoDate {
    /// A date from its parts, or `None` when the day does not exist.
    #[must_use]
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<IsoDate> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(IsoDate {
            year,
            month: NonZeroU8::new(month)?,
            day,
        })
    }

    /// Parses `YYYY-MM-DD`, optionally followed by a time (`T…` or ` …`), as written in
    /// CycloneDX properties, SPDX `validUntilDate` and endoflife.date; also `YYYY-MM`
    /// (the first of the month) and `YYYY` (the first of the year). Anything else is `None`.
    #[must_use]
    pub fn parse(text: &str) -> Option<IsoDate> {
        let text = text.trim();
        let date_part = text.split(['T', 't', ' ']).next().unwrap_or(text);
        let mut parts = date_part.splitn(3, '-');
        let year_text = parts.next()?;
        if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year_text.parse().ok()?;
        let month = match parts.next() {
            Some(m) if m.len() == 2 => m.parse::<u8>().ok()?,
            Some(_) => return None,
            None => 1,
        };
        let day = match parts.next() {
            Some(d) if d.len() == 2 => d.parse::<u8>().ok()?,
            Some(_) => return None,
            None => 1,
        };
        IsoDate::from_ymd(year, month, day)
    }

    /// The year.
    #[must_use]
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    #[must_use]
    pub fn month(self) -> u8 {
        self.month.get()
    }

    /// The day of the month, 1–31.
    #[must_use]
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    #[must_use]
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month() <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.month());
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days since 1970-01-01.
    #[must_use]
    pub fn from_days_since_epoch(days: i64) -> IsoDate {
        let z = days + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        IsoDate {
            year,
            // `mp` is 0–11, so the month is 1–12.
            month: NonZeroU8::new(month).unwrap_or(NonZeroU8::MIN),
            day,
        }
    }

    /// This date plus (or minus) a number of days.
    #[must_use]
    pub fn add_days(self, days: i64) -> IsoDate {
        IsoDate::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// The same day `years` years later (28 February for 29 February in a common year).
    #[must_use]
    pub fn add_years(self, years: i32) -> IsoDate {
        let year = self.year + years;
        let day = self.day.min(days_in_month(year, self.month()));
        IsoDate {
            year,
            month: self.month,
            day,
        }
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month(), self.day)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Seconds since 1970-01-01T00:00:00Z on the system clock (0 for a clock set before).
fn epoch_seconds_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .unwrap_or(0)
}

impl IsoDate {
    /// Today (UTC) on the system clock.
    #[must_use]
    pub fn today() -> IsoDate {
        IsoDate::from_days_since_epoch(epoch_seconds_now().div_euclid(86_400))
    }
}

/// `seconds` since the epoch as RFC 3339 UTC text to the second: `2026-11-23T10:00:00Z`.
#[must_use]
pub fn format_epoch_seconds(seconds: i64) -> String {
    let date = IsoDate::from_days_since_epoch(seconds.div_euclid(86_400));
    let in_day = seconds.rem_euclid(86_400);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

/// Now (UTC) on the system clock as RFC 3339 text to the second: `2026-11-23T10:00:00Z`.
#[must_use]
pub fn now_rfc3339() -> String {
    format_epoch_seconds(epoch_seconds_now())
}

#[cfg(test)]
mod tests {
    use super::IsoDate;

    #[test]
    fn parses_the_forms_sboms_use() {
        let check = |text: &str, expect: Option<&str>| {
            assert_eq!(
                IsoDate::parse(text).map(|d| d.to_string()).as_deref(),
                expect,
                "{text}"
            );
        };
        check("2028-12-31", Some("2028-12-31"));
        check("2028-12-31T00:00:00Z", Some("2028-12-31"));
        check("2024-02-29", Some("2024-02-29"));
        check("2023-02-29", None);
        check("2027-06", Some("2027-06-01"));
        check("2030", Some("2030-01-01"));
        check("Until hardware support ends", None);
        check("", None);
        check("12-31-2028", None);
    }

    #[test]
    fn epoch_days_round_trip() {
        for days in [-800_000_i64, -1, 0, 1, 59, 365, 10_957, 20_000, 2_932_896] {
            assert_eq!(
                IsoDate::from_days_since_epoch(days).days_since_epoch(),
                days
            );
        }
        assert_eq!(
            IsoDate::parse("2000-03-01").map(IsoDate::days_since_epoch),
            Some(11_017)
        );
        let leap = IsoDate::from_ymd(2024, 2, 29).map(|d| d.add_years(1).to_string());
        assert_eq!(leap.as_deref(), Some("2025-02-28"));
        assert_eq!(
            std::mem::size_of::<Option<IsoDate>>(),
            std::mem::size_of::<IsoDate>()
        );
    }
}
