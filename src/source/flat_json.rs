//! A fast path for the usual JSON Lines record: one flat object whose values
//! are strings, integers, booleans or `null`.
//!
//! [`parse_flat_object`] reads such a line without building
//! `serde_json::Value`s and borrows keys that have no escapes. It accepts a
//! strict subset of what `serde_json` accepts and gives the same pairs
//! [`super::flatten`] would; for anything else (nested values, decimals,
//! huge integers, any syntax error) it returns `None` and the caller parses
//! the line with `serde_json`, which also words the error. A property test
//! holds the two paths together.

use std::borrow::Cow;

/// The `(key, value)` pairs of a flat object, in input order, `null`
/// values left out; `None` when the line is anything else.
pub fn parse_flat_object(line: &str) -> Option<Vec<(Cow<'_, str>, String)>> {
    let mut p = Parser {
        s: line,
        b: line.as_bytes(),
        i: 0,
    };
    p.ws();
    p.eat(b'{')?;
    let mut pairs = Vec::with_capacity(16);
    p.ws();
    if p.peek() == Some(b'}') {
        p.i += 1;
    } else {
        loop {
            p.ws();
            let key = p.string()?;
            p.ws();
            p.eat(b':')?;
            p.ws();
            if let Some(value) = p.scalar()? {
                pairs.push((key, value));
            }
            p.ws();
            match p.peek()? {
                b',' => p.i += 1,
                b'}' => {
                    p.i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    p.ws();
    (p.i == p.b.len()).then_some(pairs)
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.i += 1)
    }

    /// Skips JSON whitespace.
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// A string; borrowed when it has no escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.i;
        // The end quote or first escape, found with SIMD; the bytes before
        // it must hold no control character (a branch-free check).
        let stop = start + memchr::memchr2(b'"', b'\\', &self.b[start..])?;
        if self.b[start..stop]
            .iter()
            .fold(false, |bad, &b| bad | (b < 0x20))
        {
            return None;
        }
        self.i = stop;
        if self.b[stop] == b'"' {
            self.i += 1;
            return Some(Cow::Borrowed(&self.s[start..stop]));
        }
        let mut owned = String::with_capacity(self.i - start + 16);
        owned.push_str(&self.s[start..self.i]);
        loop {
            let run = self.i;
            while let Some(&c) = self.b.get(self.i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            owned.push_str(&self.s[run..self.i]);
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(Cow::Owned(owned));
                }
                b'\\' => {
                    self.i += 1;
                    self.escape(&mut owned)?;
                }
                _ => return None,
            }
        }
    }

    /// One escape after its backslash; lone surrogates are refused, as
    /// `serde_json` refuses them.
    fn escape(&mut self, out: &mut String) -> Option<()> {
        let c = self.peek()?;
        self.i += 1;
        let ch = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                match high {
                    0xD800..=0xDBFF => {
                        self.eat(b'\\')?;
                        self.eat(b'u')?;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?
                    }
                    0xDC00..=0xDFFF => return None,
                    _ => char::from_u32(high)?,
                }
            }
            _ => return None,
        };
        out.push(ch);
        Some(())
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.b.get(self.i..self.i + 4)?;
        let mut n = 0;
        for &d in digits {
            n = n * 16 + char::from(d).to_digit(16)?;
        }
        self.i += 4;
        Some(n)
    }

    /// A scalar value as listing text: `Some(None)` for `null`, `None` for
    /// anything this fast path leaves to `serde_json`.
    fn scalar(&mut self) -> Option<Option<String>> {
        match self.peek()? {
            b'"' => self.string().map(|s| Some(s.into_owned())),
            b'n' => self.word("null").map(|()| None),
            b't' => self.word("true").map(|()| Some("true".to_owned())),
            b'f' => self.word("false").map(|()| Some("false".to_owned())),
            b'-' | b'0'..=b'9' => self.integer().map(Some),
            _ => None,
        }
    }

    fn word(&mut self, word: &str) -> Option<()> {
        self.b[self.i..]
            .starts_with(word.as_bytes())
            .then(|| self.i += word.len())
    }

    /// An integer that `serde_json` keeps exact (at most 18 digits, no
    /// leading zero); its text is what `serde_json` would print.
    fn integer(&mut self) -> Option<String> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let digits = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        let count = self.i - digits;
        let leading_zero = count > 1 && self.b[digits] == b'0';
        let negative_zero = count == 1 && self.b[digits] == b'0' && digits > start;
        if count == 0 || count > 18 || leading_zero || negative_zero {
            return None;
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        Some(self.s[start..self.i].to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::flatten::JsonRecord;
    use proptest::prelude::*;

    /// What the `serde_json` path makes of a line, if it reads it.
    fn via_serde(line: &str) -> Option<Vec<(String, String)>> {
        match serde_json::from_str::<JsonRecord>(line).ok()? {
            JsonRecord::Object(entries) => {
                let mut out = Vec::new();
                JsonRecord::flatten_entries(entries, &mut out);
                Some(out)
            }
            JsonRecord::Other(_) => None,
        }
    }

    fn fast(line: &str) -> Option<Vec<(String, String)>> {
        parse_flat_object(line).map(|pairs| {
            pairs
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v))
                .collect()
        })
    }

    #[test]
    fn reads_flat_objects_as_serde_does() {
        for line in [
            r#"{"id":"A-1","title":"最好\"的\"\u6700\n","n":12,"m":-3,"ok":true,"no":false,"x":null}"#,
            " { } ",
            r#"{"k":"😀 \ud83d\ude00 \/ \\ \t"}"#,
            r#"{"a":"1","a":"2"}"#,
        ] {
            assert_eq!(fast(line), via_serde(line), "{line}");
            assert!(fast(line).is_some(), "{line}");
        }
    }

    #[test]
    fn leaves_everything_else_to_serde() {
        for line in [
            r#"{"price":12.50}"#,
            r#"{"n":1e3}"#,
            r#"{"n":01}"#,
            r#"{"n":-0}"#,
            r#"{"n":1234567890123456789}"#,
            r#"{"cert":{"ccc":"1"}}"#,
            r#"{"tags":["a"]}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\x"}"#,
            "{\"a\":\"tab\there\"}",
            r#"{"a":"1",}"#,
            r#"{"a":"1"} x"#,
            r#"["a"]"#,
            r#"{"a" "1"}"#,
            "",
        ] {
            assert_eq!(fast(line), None, "{line}");
        }
    }

    fn scalar() -> impl Strategy<Value = serde_json::Value> {
        prop_oneof![
            any::<String>().prop_map(serde_json::Value::from),
            "[\\u{0}-\\u{7f}最好\"\\\\/]{0,12}".prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            any::<bool>().prop_map(serde_json::Value::from),
            Just(serde_json::Value::Null),
        ]
    }

    proptest! {
        /// Whenever the fast path reads a line, it reads it as `serde_json`
        /// does; on serialised flat objects it (nearly) always reads it.
        #[test]
        fn agrees_with_serde(pairs in prop::collection::vec((any::<String>(), scalar()), 0..8),
                             pretty in any::<bool>()) {
            let object: serde_json::Map<String, serde_json::Value> = pairs.into_iter().collect();
            let value = serde_json::Value::Object(object);
            let line = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) }.unwrap();
            let simple = value.as_object().unwrap().values().all(|v| match v {
                serde_json::Value::Number(n) => n.as_i64().is_some_and(|i| i.unsigned_abs() < 10u64.pow(18)),
                _ => true,
            });
            let ours = fast(&line);
            if simple {
                prop_assert!(ours.is_some(), "not read: {}", line);
            }
            if let Some(ours) = &ours {
                prop_assert_eq!(Some(ours.clone()), via_serde(&line));
            }
        }

        /// Arbitrary text: never a panic, and never a different reading.
        #[test]
        fn never_disagrees_on_arbitrary_text(line in "\\PC{0,40}|\\{[\"a-z0-9:,\\\\ntu{}\\[\\]. -]{0,30}\\}") {
            if let Some(ours) = fast(&line) {
                prop_assert_eq!(Some(ours), via_serde(&line));
            }
        }
    }
}
