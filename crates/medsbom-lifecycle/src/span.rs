//! Calendar spans such as a report horizon (`5y`, `18m`, `90d`).

use std::fmt;

use medsbom_model::IsoDate;

use crate::LifecycleError;

/// The largest amount a span accepts, so that date arithmetic stays far from overflow.
const MAX_AMOUNT: u32 = 10_000;

/// A number of years, months or days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    amount: u32,
    unit: SpanUnit,
}

/// The unit of a [`Span`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpanUnit {
    /// Calendar years (`y`).
    Years,
    /// Calendar months (`m`).
    Months,
    /// Days (`d`).
    Days,
}

impl Span {
    /// A span of `amount` units.
    #[must_use]
    pub fn new(amount: u32, unit: SpanUnit) -> Span {
        Span {
            amount: amount.min(MAX_AMOUNT),
            unit,
        }
    }

    /// Parses `<n>y`, `<n>m` or `<n>d` (also `years`, `months`, `days` spelled out, and a
    /// bare number as years).
    pub fn parse(text: &str) -> Result<Span, LifecycleError> {
        let invalid = |reason: &str| LifecycleError::Invalid {
            what: "span",
            value: text.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim().to_ascii_lowercase();
        let digits_end = trimmed
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(trimmed.len());
        let (digits, unit) = trimmed.split_at(digits_end);
        if digits.is_empty() {
            return Err(invalid("expected a number followed by y, m or d (e.g. 5y)"));
        }
        let amount: u32 = match digits.parse() {
            Ok(amount) if amount <= MAX_AMOUNT => amount,
            _ => return Err(invalid("the number is too large")),
        };
        let unit = match unit.trim() {
            "" | "y" | "year" | "years" => SpanUnit::Years,
            "m" | "mo" | "month" | "months" => SpanUnit::Months,
            "d" | "day" | "days" => SpanUnit::Days,
            _ => return Err(invalid("the unit must be y, m or d")),
        };
        Ok(Span { amount, unit })
    }

    /// The date this span after `date` (the last day of the month when the day does not
    /// exist there).
    #[must_use]
    pub fn after(self, date: IsoDate) -> IsoDate {
        let amount = i64::from(self.amount);
        match self.unit {
            SpanUnit::Days => date.add_days(amount),
            SpanUnit::Years => add_months(date, amount * 12),
            SpanUnit::Months => add_months(date, amount),
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            SpanUnit::Years => 'y',
            SpanUnit::Months => 'm',
            SpanUnit::Days => 'd',
        };
        write!(f, "{}{unit}", self.amount)
    }
}

/// `date` plus `months` calendar months, clamping the day to the month's length.
fn add_months(date: IsoDate, months: i64) -> IsoDate {
    let index = i64::from(date.year()) * 12 + i64::from(date.month()) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).unwrap_or(date.year());
    let month = u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1);
    let mut day = date.day();
    loop {
        if let Some(res) = IsoDate::from_ymd(year, month, day) {
            return res;
        }
        if day <= 28 {
            // Every month has 28 days; only a year outside i32 could get here.
            debug_assert!(false, "no day {day} in {year}-{month}");
            return date;
        }
        day -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_adds_spans() {
        let check = |text: &str, from: &str, expect: &str| {
            let from = IsoDate::parse(from).unwrap_or_else(|| panic!("bad date {from}"));
            let res = match Span::parse(text) {
                Ok(span) => span.after(from).to_string(),
                Err(err) => err.to_string(),
            };
            assert_eq!(res, expect, "{text}");
        };
        check("5y", "2025-01-15", "2030-01-15");
        check("3", "2024-02-29", "2027-02-28");
        check("18m", "2025-08-31", "2027-02-28");
        check("1 month", "2024-01-31", "2024-02-29");
        check("90d", "2025-01-01", "2025-04-01");
        check("0d", "2025-01-01", "2025-01-01");
        check(
            "y",
            "2025-01-01",
            "invalid span \"y\": expected a number followed by y, m or d (e.g. 5y)",
        );
        check(
            "5w",
            "2025-01-01",
            "invalid span \"5w\": the unit must be y, m or d",
        );
        check(
            "99999999999y",
            "2025-01-01",
            "invalid span \"99999999999y\": the number is too large",
        );
        assert_eq!(Span::new(5, SpanUnit::Years).to_string(), "5y");
    }
}
