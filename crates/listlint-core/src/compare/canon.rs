//! How two channels' values of one field are compared: each value is made
//! a canonical form, and values agree when their forms are equal.
//!
//! - `exact`: the text normalisation rules see (full width → half width,
//!   case, traditional → simplified, spaces and separator symbols dropped).
//! - `quantity`: the numbers with their units, converted to one unit per
//!   dimension (500ml = 0.5L, 1kg = 1000g = 2斤), in any order
//!   (`500ml×2瓶` = `2瓶 × 0.5L`); a number's unit is the word after it
//!   (`30片`), and a value without a number is compared exactly.
//! - `set`: the items of a list (`,` `，` `、` `;` `；` `|` `/` or line
//!   breaks between them), each compared exactly, in any order, duplicates
//!   ignored.
//! - `ignore`: never compared.

use serde::Deserialize;

use crate::text::normalize::normalize_term;

/// How the values of a field are compared across channels.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Comparison {
    /// Equal after text normalisation.
    Exact,
    /// Equal as numbers with units.
    #[serde(alias = "number", alias = "units")]
    Quantity,
    /// Equal as sets of items.
    Set,
    /// Not compared.
    Ignore,
}

impl Comparison {
    /// The name a config writes.
    pub fn name(self) -> &'static str {
        match self {
            Comparison::Exact => "exact",
            Comparison::Quantity => "quantity",
            Comparison::Set => "set",
            Comparison::Ignore => "ignore",
        }
    }

    /// The canonical form of `value` (`None`: blank, not compared).
    pub fn canonical(self, value: &str) -> Option<String> {
        let form = match self {
            Comparison::Exact => normalize_term(value),
            Comparison::Quantity => quantity(value).unwrap_or_else(|| normalize_term(value)),
            Comparison::Set => set(value),
            Comparison::Ignore => return None,
        };
        (!form.is_empty()).then_some(form)
    }
}

/// Separators between the items of a `set` value.
fn is_item_separator(c: char) -> bool {
    matches!(
        c,
        ',' | '，' | '、' | ';' | '；' | '|' | '｜' | '/' | '／' | '\n' | '\r' | '\t'
    )
}

fn set(value: &str) -> String {
    let mut items: Vec<String> = value
        .split(is_item_separator)
        .map(normalize_term)
        .filter(|item| !item.is_empty())
        .collect();
    items.sort_unstable();
    items.dedup();
    items.join("\u{1f}")
}

/// Units with the dimension they measure and their size in its base unit
/// (gram, millilitre, millimetre). Longer names first, so `毫升` is not
/// read as `毫` + `升`, nor `kg` as `k` + `g`.
const UNITS: &[(&str, &str, f64)] = &[
    ("千克", "mass", 1000.0),
    ("公斤", "mass", 1000.0),
    ("毫克", "mass", 0.001),
    ("毫升", "volume", 1.0),
    ("厘米", "length", 10.0),
    ("毫米", "length", 1.0),
    ("公升", "volume", 1000.0),
    ("kg", "mass", 1000.0),
    ("mg", "mass", 0.001),
    ("ml", "volume", 1.0),
    ("cl", "volume", 10.0),
    ("cm", "length", 10.0),
    ("mm", "length", 1.0),
    ("克", "mass", 1.0),
    ("斤", "mass", 500.0),
    ("两", "mass", 50.0),
    ("升", "volume", 1000.0),
    ("米", "length", 1000.0),
    ("g", "mass", 1.0),
    ("l", "volume", 1000.0),
    ("m", "length", 1000.0),
];

/// Full-width ASCII folded to ASCII, lower case.
fn fold(value: &str) -> Vec<char> {
    value
        .chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The quantities of a value as `dimension:amount` items, sorted; `None`
/// when it holds no number.
fn quantity(value: &str) -> Option<String> {
    let chars = fold(value);
    let mut items: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == ',') {
            i += 1;
        }
        if i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
        }
        let number: String = chars[start..i].iter().filter(|&&c| c != ',').collect();
        let Ok(amount) = number.parse::<f64>() else {
            continue;
        };
        let mut j = i;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        let rest: String = chars[j..chars.len().min(j + 4)].iter().collect();
        let unit = UNITS
            .iter()
            .find(|(name, _, _)| {
                rest.starts_with(name)
                    && !rest[name.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic())
            })
            .copied();
        let (dimension, size) = match unit {
            Some((name, dimension, size)) => {
                i = j + name.chars().count();
                (dimension.to_owned(), size)
            }
            None => {
                // Another unit word (片, 粒, 瓶, W …) counts as itself: a
                // run of letters, or one Han character.
                let word: String = match chars.get(j) {
                    Some(c) if c.is_ascii_alphabetic() => chars[j..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .collect(),
                    Some(&c) if is_han(c) => c.to_string(),
                    _ => String::new(),
                };
                i = j + word.chars().count();
                (format!("n{word}"), 1.0)
            }
        };
        items.push(format!("{dimension}:{}", round(amount * size)));
    }
    if items.is_empty() {
        return None;
    }
    items.sort_unstable();
    Some(items.join("\u{1f}"))
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}')
}

/// An amount written without float noise (`500`, `0.25`).
fn round(amount: f64) -> String {
    let text = format!("{:.6}", (amount * 1e6).round() / 1e6);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(c: Comparison, a: &str, b: &str) -> bool {
        c.canonical(a) == c.canonical(b)
    }

    #[test]
    fn exact_folds_width_case_spaces_and_traditional() {
        assert!(same(
            Comparison::Exact,
            "ＣＨＡＮＤＯ 自然堂",
            "chando自然堂"
        ));
        assert!(same(Comparison::Exact, "國產", "国产"));
        assert!(!same(Comparison::Exact, "国产", "进口"));
        assert_eq!(Comparison::Exact.canonical("  "), None);
    }

    #[test]
    fn quantities_convert_units() {
        let q = Comparison::Quantity;
        assert!(same(q, "500ml", "0.5L"));
        assert!(same(q, "1kg", "1000 g"));
        assert!(same(q, "1公斤", "2斤"));
        assert!(same(q, "500ml×2瓶", "2瓶 × 0.5升"));
        assert!(same(q, "５００ＭＬ", "500ml"));
        assert!(same(q, "30片", "30 片"));
        assert!(!same(q, "500ml", "500g"));
        assert!(!same(q, "500ml", "550ml"));
        assert!(!same(q, "30片", "30粒"));
        assert!(same(q, "均码", "均码"));
        assert!(!same(q, "均码", "大码"));
        assert!(same(q, "1,000g", "1kg"));
    }

    #[test]
    fn sets_ignore_order_and_separators() {
        let s = Comparison::Set;
        assert!(same(s, "水、甘油、丁二醇", "甘油，水; 丁二醇"));
        assert!(same(s, "水、水、甘油", "甘油、水"));
        assert!(!same(s, "水、甘油", "水、甘油、香精"));
        assert_eq!(Comparison::Ignore.canonical("x"), None);
    }
}
