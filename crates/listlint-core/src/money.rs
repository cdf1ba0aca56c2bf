//! Prices as exports write them.
//!
//! Amounts are kept in fen (cents) as integers, so comparisons are exact.
//! Accepted: `99`, `99.9`, `1,299.00`, `¥1299`, `￥99`, `RMB 99`, `1299元`,
//! `99元起`, full-width digits, and ranges `99-129`, `99~129`, `99 至 129`
//! (a listing with variants at several prices). A range is compared by its
//! low end, the price a shopper sees first; checks say so in their messages.
//! `面议`, `电议`, `询价`, `议价` and `待定` mean "no price shown": not an
//! error, and price checks skip the listing. Anything else is invalid.

use std::fmt;

/// An amount of money in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

impl Money {
    /// From yuan, rounded to the nearest fen.
    pub fn from_yuan(yuan: f64) -> Self {
        Money((yuan * 100.0).round() as i64)
    }

    /// In yuan.
    pub fn yuan(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl fmt::Display for Money {
    /// `¥399`, `¥39.90`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 % 100 == 0 {
            write!(f, "¥{}", self.0 / 100)
        } else {
            write!(f, "¥{}.{:02}", self.0 / 100, self.0 % 100)
        }
    }
}

/// What a price field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Price {
    /// Blank.
    Empty,
    /// Deliberately no price (`面议`).
    Unpriced,
    /// One amount.
    Single(Money),
    /// Variants from `low` to `high`.
    Range(Money, Money),
}

impl Price {
    /// The amount checks compare: the single amount or the low end.
    pub fn amount(self) -> Option<Money> {
        match self {
            Price::Single(m) | Price::Range(m, _) => Some(m),
            Price::Empty | Price::Unpriced => None,
        }
    }
}

const UNPRICED: &[&str] = &["面议", "电议", "询价", "议价", "待定", "价格面议"];

/// Parses a price field. `Err` says what is wrong with it.
pub fn parse_price(text: &str) -> Result<Price, String> {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' | '．' | '，' | '－' | '～' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    if cleaned.is_empty() {
        return Ok(Price::Empty);
    }
    if UNPRICED.contains(&cleaned.as_str()) {
        return Ok(Price::Unpriced);
    }
    let range_at = cleaned
        .char_indices()
        .skip(1)
        .find(|&(_, c)| matches!(c, '-' | '~' | '—' | '–' | '至' | '到'));
    if let Some((at, sep)) = range_at {
        let low = parse_amount(&cleaned[..at]);
        let high = parse_amount(&cleaned[at + sep.len_utf8()..]);
        return match (low, high) {
            (Some(low), Some(high)) if low <= high => Ok(Price::Range(low, high)),
            (Some(_), Some(_)) => Err(format!("range `{}` runs from high to low", text.trim())),
            _ => Err(format!("`{}` is not a price", text.trim())),
        };
    }
    parse_amount(&cleaned)
        .map(Price::Single)
        .ok_or_else(|| format!("`{}` is not a price", text.trim()))
}

/// The number part of an amount: without a currency sign before it or
/// `元` / `起` after it; `None` unless it starts with a digit.
fn amount_digits(text: &str) -> Option<&str> {
    let mut s = text;
    for prefix in ["RMB", "rmb", "CNY", "cny", "¥", "￥", "$"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest;
            break;
        }
    }
    s = s
        .trim_end_matches('起')
        .trim_end_matches('元')
        .trim_end_matches('起');
    s.starts_with(|c: char| c.is_ascii_digit()).then_some(s)
}

/// Parses one amount: optional currency sign, digits with thousands commas,
/// up to two decimals (more are rounded), optional `元` / `起`.
pub fn parse_amount(text: &str) -> Option<Money> {
    let s = amount_digits(text)?;
    // Commas group digits anywhere; one `.` starts the decimals. Read in
    // one pass, without building the digit string.
    let (mut whole, mut whole_digits) = (0i64, 0usize);
    let (mut decimals, mut decimal_count, mut in_fraction) = ([0i64; 3], 0usize, false);
    for c in s.chars() {
        match c {
            ',' => {}
            '.' if !in_fraction => in_fraction = true,
            '0'..='9' => {
                let digit = i64::from(c as u8 - b'0');
                if in_fraction {
                    if let Some(slot) = decimals.get_mut(decimal_count) {
                        *slot = digit;
                    }
                    decimal_count += 1;
                } else {
                    whole_digits += 1;
                    if whole_digits > 12 {
                        return None;
                    }
                    whole = whole * 10 + digit;
                }
            }
            _ => return None,
        }
    }
    if whole_digits == 0 {
        return None;
    }
    // Exact decimal arithmetic: fen from the first two decimals, rounded
    // half up on the third.
    let mut fen = whole * 100 + decimals[0] * 10 + decimals[1];
    if decimal_count > 2 && decimals[2] >= 5 {
        fen += 1;
    }
    Some(Money(fen))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The earlier, allocating reading of an amount's digits, kept to
    /// check the one-pass reading against.
    fn reference_parse_amount(text: &str) -> Option<Money> {
        let s = amount_digits(text)?;
        let digits: String = s.chars().filter(|&c| c != ',').collect();
        let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
        let all_digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || whole.len() > 12 || !all_digits(whole) || !all_digits(fraction) {
            return None;
        }
        let mut fen: i64 = whole.parse::<i64>().ok()? * 100;
        let decimals: Vec<i64> = fraction.bytes().map(|b| i64::from(b - b'0')).collect();
        fen += decimals.first().copied().unwrap_or(0) * 10 + decimals.get(1).copied().unwrap_or(0);
        if decimals.get(2).is_some_and(|&d| d >= 5) {
            fen += 1;
        }
        Some(Money(fen))
    }

    proptest! {
        #[test]
        fn one_pass_reading_matches_the_reference(text in "(RMB|¥|￥)?[0-9,.]{0,16}(元|起)?|[0-9]{10,14}(\\.[0-9]{0,4})?|[0-9,.元起a ]{0,10}|\\PC{0,8}") {
            prop_assert_eq!(parse_amount(&text), reference_parse_amount(&text));
        }
    }

    fn yuan(y: f64) -> Money {
        Money::from_yuan(y)
    }

    #[test]
    fn parses_what_exports_write() {
        assert_eq!(parse_price("¥1,299.00"), Ok(Price::Single(yuan(1299.0))));
        assert_eq!(parse_price("1299元"), Ok(Price::Single(yuan(1299.0))));
        assert_eq!(parse_price("￥９９"), Ok(Price::Single(yuan(99.0))));
        assert_eq!(parse_price(" RMB 39.9 "), Ok(Price::Single(yuan(39.9))));
        assert_eq!(parse_price("99元起"), Ok(Price::Single(yuan(99.0))));
        assert_eq!(
            parse_price("99-129"),
            Ok(Price::Range(yuan(99.0), yuan(129.0)))
        );
        assert_eq!(
            parse_price("¥99 ~ ¥129"),
            Ok(Price::Range(yuan(99.0), yuan(129.0)))
        );
        assert_eq!(parse_price(""), Ok(Price::Empty));
        assert_eq!(parse_price("面议"), Ok(Price::Unpriced));
        assert_eq!(parse_price("1.005"), Ok(Price::Single(Money(101))));
    }

    #[test]
    fn rejects_what_is_not_a_price() {
        for bad in ["abc", "-5", "1.2.3", "129-99", "¥", "99元/件", "1e5"] {
            assert!(parse_price(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn displays_as_yuan() {
        assert_eq!(yuan(399.0).to_string(), "¥399");
        assert_eq!(yuan(39.9).to_string(), "¥39.90");
    }
}
