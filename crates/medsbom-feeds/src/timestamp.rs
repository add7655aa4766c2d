//! Feed timestamps: kept exactly as written, plus a comparable UTC instant for incremental
//! imports ("is this record newer than the stored one?").

use std::fmt;

use medsbom_model::IsoDate;

/// A timestamp as a feed wrote it, with its UTC instant when the text could be understood.
///
/// Feeds write RFC 3339 (`2023-01-11T01:15:59Z`), fractions of any length, no zone at all
/// (CVE 5: taken as UTC), `+0000` offsets (EPSS), a space instead of `T`, or a bare date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: String,
    instant: Option<UtcInstant>,
}

impl Timestamp {
    /// Keeps `text` and works out its instant (`None` when the text is not a date).
    #[must_use]
    pub fn parse(text: &str) -> Timestamp {
        Timestamp {
            text: text.to_owned(),
            instant: UtcInstant::parse(text),
        }
    }

    /// The text exactly as written in the feed.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The comparable UTC instant, or `None` when the text is not a date.
    #[must_use]
    pub fn instant(&self) -> Option<UtcInstant> {
        self.instant
    }

    /// The UTC calendar date, or `None` when the text is not a date.
    #[must_use]
    pub fn date(&self) -> Option<IsoDate> {
        self.instant.map(UtcInstant::date)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A point in time in UTC, ordered chronologically; displayed as RFC 3339 with `Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcInstant {
    seconds: i64,
    nanos: u32,
}

impl UtcInstant {
    /// Parses the timestamp forms feeds write (see [`Timestamp`]); `None` for anything else.
    #[must_use]
    pub fn parse(text: &str) -> Option<UtcInstant> {
        let text = text.trim();
        let date_text = text.get(..10)?;
        if date_text.len() != 10 || date_text.as_bytes().get(4) != Some(&b'-') {
            return None;
        }
        let date = IsoDate::parse(date_text)?;
        let day_seconds = date.days_since_epoch().checked_mul(86_400)?;
        let rest = text.get(10..)?;
        if rest.is_empty() {
            return Some(UtcInstant {
                seconds: day_seconds,
                nanos: 0,
            });
        }
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let mut cursor = Cursor { text: rest, idx: 0 };
        let hour = cursor.two_digits()?;
        cursor.expect(b':')?;
        let minute = cursor.two_digits()?;
        let mut second = 0;
        let mut nanos = 0;
        if cursor.peek() == Some(b':') {
            cursor.idx += 1;
            second = cursor.two_digits()?;
            if cursor.peek() == Some(b'.') || cursor.peek() == Some(b',') {
                cursor.idx += 1;
                nanos = cursor.fraction_nanos()?;
            }
        }
        if 23 < hour || 59 < minute || 60 < second {
            return None;
        }
        // A leap second is folded into the second before it.
        let second = second.min(59);
        let offset_seconds = match cursor.peek() {
            None => 0,
            Some(b'Z' | b'z') => {
                cursor.idx += 1;
                0
            }
            Some(sign @ (b'+' | b'-')) => {
                cursor.idx += 1;
                let offset_hours = cursor.two_digits()?;
                if cursor.peek() == Some(b':') {
                    cursor.idx += 1;
                }
                let offset_minutes = match cursor.peek() {
                    None => 0,
                    Some(_) => cursor.two_digits()?,
                };
                let magnitude = i64::from(offset_hours) * 3600 + i64::from(offset_minutes) * 60;
                if sign == b'-' { -magnitude } else { magnitude }
            }
            Some(_) => return None,
        };
        if cursor.idx != cursor.text.len() {
            return None;
        }
        let seconds =
            day_seconds + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
                - offset_seconds;
        Some(UtcInstant { seconds, nanos })
    }

    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    #[must_use]
    pub fn unix_seconds(self) -> i64 {
        self.seconds
    }

    /// Nanoseconds past [`UtcInstant::unix_seconds`].
    #[must_use]
    pub fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    /// The UTC calendar date of this instant.
    #[must_use]
    pub fn date(self) -> IsoDate {
        IsoDate::from_days_since_epoch(self.seconds.div_euclid(86_400))
    }
}

impl fmt::Display for UtcInstant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let second_of_day = self.seconds.rem_euclid(86_400);
        write!(
            f,
            "{}T{:02}:{:02}:{:02}",
            self.date(),
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60
        )?;
        if self.nanos != 0 {
            let fraction = format!("{:09}", self.nanos);
            write!(f, ".{}", fraction.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

struct Cursor<'a> {
    text: &'a str,
    idx: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.idx).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        if self.peek() != Some(byte) {
            return None;
        }
        self.idx += 1;
        Some(())
    }

    fn two_digits(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes().get(self.idx..self.idx + 2)?;
        let mut value = 0_u8;
        for byte in bytes {
            if !byte.is_ascii_digit() {
                return None;
            }
            value = value * 10 + (byte - b'0');
        }
        self.idx += 2;
        Some(value)
    }

    fn fraction_nanos(&mut self) -> Option<u32> {
        let mut nanos = 0_u32;
        let mut n_digits = 0;
        while let Some(byte) = self.peek().filter(u8::is_ascii_digit) {
            if n_digits < 9 {
                nanos = nanos * 10 + u32::from(byte - b'0');
            }
            n_digits += 1;
            self.idx += 1;
        }
        if n_digits == 0 {
            return None;
        }
        for _ in n_digits..9 {
            nanos *= 10;
        }
        Some(nanos)
    }
}

#[cfg(test)]
mod tests {
    use super::{Timestamp, UtcInstant};

    fn check(text: &str, expect: Option<&str>) {
        let got = UtcInstant::parse(text).map(|instant| instant.to_string());
        assert_eq!(got.as_deref(), expect, "{text}");
    }

    #[test]
    fn parses_feed_forms() {
        check("2023-01-11T01:15:59Z", Some("2023-01-11T01:15:59Z"));
        check(
            "2021-06-21T15:37:55.123456Z",
            Some("2021-06-21T15:37:55.123456Z"),
        );
        check("2024-02-26T17:07:20", Some("2024-02-26T17:07:20Z"));
        check("2024-06-01T00:00:00+0000", Some("2024-06-01T00:00:00Z"));
        check("2024-06-01T02:30:00+02:30", Some("2024-06-01T00:00:00Z"));
        check("2024-05-31T22:00:00-02", Some("2024-06-01T00:00:00Z"));
        check("2024-06-01", Some("2024-06-01T00:00:00Z"));
        check("2024-06-01 10:11", Some("2024-06-01T10:11:00Z"));
        check("0001-01-01T00:00:00Z", Some("0001-01-01T00:00:00Z"));
        check(
            "2024-10-27T14:05:09.316165759123Z",
            Some("2024-10-27T14:05:09.316165759Z"),
        );
        check("2016-12-31T23:59:60Z", Some("2016-12-31T23:59:59Z"));
        check("2024-13-01T00:00:00Z", None);
        check("2024-01-01T24:00:00Z", None);
        check("2024-01-01T00:00:00Q", None);
        check("2024-01-01T00:00:00.Z", None);
        check("yesterday", None);
        check("", None);
        check("2024-01-0é", None);
    }

    #[test]
    fn orders_across_offsets_and_fractions() {
        let earlier = Timestamp::parse("2024-06-01T01:00:00+02:00");
        let later = Timestamp::parse("2024-05-31T23:00:00.5Z");
        assert!(earlier.instant() < later.instant());
        assert_eq!(earlier.text(), "2024-06-01T01:00:00+02:00");
        assert_eq!(
            earlier.date().map(|d| d.to_string()).as_deref(),
            Some("2024-05-31")
        );
    }
}
