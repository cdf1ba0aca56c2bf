//! Reading one JSON text (a JSON Lines line, an element of a JSON array)
//! into listing fields, without building `serde_json::Value`s.
//!
//! [`read_json_text`] accepts what `serde_json` accepts (the same grammar,
//! the same nesting limit) and flattens as SPEC §1 says: nested objects
//! join keys with `.` (`{"cert": {"ccc": "…"}}` is `cert.ccc`), arrays of
//! scalars join with `, `, arrays holding objects or arrays flatten with
//! the index (`images.0.alt`), `null` is left out. Two things differ from
//! reading through `serde_json::Value`, on purpose:
//!
//! - every scalar keeps its written form: `12345678901234567891` and
//!   `12.50` stay as written instead of becoming `1.2345678901234567e19`
//!   and `12.5` (so two long ids never look alike);
//! - every value of a repeated key is kept, in input order (a map keeps
//!   one), so that none goes unchecked; [`super::repeated`] sorts them out.
//!
//! Keys without escapes are borrowed. When the text is not JSON, the
//! caller asks `serde_json` to word the error; a property test holds the
//! two readings together.

use std::borrow::Cow;

/// How deep arrays and objects may nest, as in `serde_json` (which refuses
/// the 128th level).
const MAX_DEPTH: usize = 127;

/// Fields a listing object usually has, at most (the yardstick's have 15).
const USUAL_FIELDS: usize = 16;

/// A JSON text read as a listing.
#[derive(Debug)]
pub enum JsonText<'a> {
    /// An object, flattened into fields.
    Object(Fields<'a>),
    /// Any other value; what it is, in words (`an array`, `a string`, …).
    Other(&'static str),
}

/// An object's flattened `(name, value)` pairs, in input order, and where
/// each value starts in the text.
#[derive(Debug, Default)]
pub struct Fields<'a> {
    /// Names and values.
    pub pairs: Vec<(Cow<'a, str>, String)>,
    /// Byte offset in the text of each pair's value.
    pub offsets: Vec<usize>,
}

impl<'a> Fields<'a> {
    fn push(&mut self, name: Cow<'a, str>, value: String, at: usize) {
        self.pairs.push((name, value));
        self.offsets.push(at);
    }
}

/// Reads a JSON text. `Err` holds the byte offset where it stops being
/// JSON.
pub fn read_json_text(text: &str) -> Result<JsonText<'_>, usize> {
    let mut p = Parser {
        s: text,
        b: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    p.read_document().ok_or(p.i)
}

/// Whether `bytes` holds a control character (below 0x20), which a JSON
/// string may not hold unescaped. Eight bytes at a time: a byte below
/// 0x20 is one whose subtraction of 0x20 borrows into its top bit while
/// that bit was clear; the test says whether any byte is, exactly (which
/// one it marks may be off after a borrow, which does not matter here).
fn has_control(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOP_BITS: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut found = 0;
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        found |= word.wrapping_sub(0x20 * ONES) & !word & TOP_BITS;
    }
    found != 0 || words.remainder().iter().any(|&b| b < 0x20)
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    /// Arrays and objects open at `i`.
    depth: usize,
}

impl<'a> Parser<'a> {
    /// The whole text: one value, surrounded by whitespace only.
    fn read_document(&mut self) -> Option<JsonText<'a>> {
        self.ws();
        let read = if self.peek()? == b'{' {
            // Room for a usual listing's fields, so that the vectors are
            // not grown two or three times for each record.
            let mut fields = Fields {
                pairs: Vec::with_capacity(USUAL_FIELDS),
                offsets: Vec::with_capacity(USUAL_FIELDS),
            };
            self.object(None, &mut fields)?;
            JsonText::Object(fields)
        } else {
            let kind = match self.peek()? {
                b'[' => "an array",
                b'"' => "a string",
                b't' | b'f' => "a boolean",
                b'n' => "null",
                _ => "a number",
            };
            self.value(Cow::Borrowed(""), &mut Fields::default())?;
            JsonText::Other(kind)
        };
        self.ws();
        (self.i == self.b.len()).then_some(read)
    }

    /// Any value, flattened under `name`.
    fn value(&mut self, name: Cow<'a, str>, out: &mut Fields<'a>) -> Option<()> {
        match self.peek()? {
            b'{' => self.object(Some(&name), out),
            b'[' => self.array(name, out),
            _ => {
                let at = self.i;
                if let Some(value) = self.scalar()? {
                    out.push(name, value, at);
                }
                Some(())
            }
        }
    }

    /// Enters an array or object, within the nesting limit.
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then(|| self.i += 1)
    }

    /// An object; its keys are prefixed with `prefix` and `.`, if given.
    fn object(&mut self, prefix: Option<&str>, out: &mut Fields<'a>) -> Option<()> {
        self.enter()?;
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            let name = match prefix {
                None => key,
                Some(prefix) => Cow::Owned(format!("{prefix}.{key}")),
            };
            self.value(name, out)?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An array: one field of its scalars joined with `, ` (`null`s left
    /// out) while it holds only scalars, else a field per element, named
    /// by index.
    fn array(&mut self, name: Cow<'a, str>, out: &mut Fields<'a>) -> Option<()> {
        let array_at = self.i;
        self.enter()?;
        let mut scalars: Vec<(Option<String>, usize)> = Vec::new();
        let mut by_index = false;
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
        } else {
            for index in 0usize.. {
                self.ws();
                let at = self.i;
                match self.peek()? {
                    b'{' | b'[' => {
                        if !by_index {
                            by_index = true;
                            for (i, (scalar, at)) in scalars.drain(..).enumerate() {
                                if let Some(value) = scalar {
                                    out.push(Cow::Owned(format!("{name}.{i}")), value, at);
                                }
                            }
                        }
                        self.value(Cow::Owned(format!("{name}.{index}")), out)?;
                    }
                    _ => {
                        let scalar = self.scalar()?;
                        if !by_index {
                            scalars.push((scalar, at));
                        } else if let Some(value) = scalar {
                            out.push(Cow::Owned(format!("{name}.{index}")), value, at);
                        }
                    }
                }
                self.ws();
                match self.peek()? {
                    b',' => self.i += 1,
                    b']' => {
                        self.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        if !by_index {
            let joined: Vec<String> = scalars.into_iter().filter_map(|(s, _)| s).collect();
            out.push(name, joined.join(", "), array_at);
        }
        Some(())
    }

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

    /// Where the run of plain string bytes from `from` ends: at the next
    /// quote or backslash, found with SIMD, so that text with many escapes
    /// (HTML attributes) is read a vector at a time too. `None` when there
    /// is none, or a control character comes first (a branch-free check).
    fn plain_run_end(&self, from: usize) -> Option<usize> {
        let stop = from + memchr::memchr2(b'"', b'\\', &self.b[from..])?;
        (!has_control(&self.b[from..stop])).then_some(stop)
    }

    /// A string; borrowed when it has no escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.i;
        let stop = self.plain_run_end(start)?;
        self.i = stop;
        if self.b[stop] == b'"' {
            self.i += 1;
            return Some(Cow::Borrowed(&self.s[start..stop]));
        }
        let mut owned = String::with_capacity(self.i - start + 16);
        owned.push_str(&self.s[start..self.i]);
        loop {
            let run = self.i;
            self.i = self.plain_run_end(run)?;
            owned.push_str(&self.s[run..self.i]);
            // The run ends at a quote or a backslash.
            let quote = self.b[self.i] == b'"';
            self.i += 1;
            if quote {
                return Some(Cow::Owned(owned));
            }
            self.escape(&mut owned)?;
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

    /// A scalar value as listing text, as written: `Some(None)` for
    /// `null`; `None` when the text is not a scalar.
    fn scalar(&mut self) -> Option<Option<String>> {
        match self.peek()? {
            b'"' => self.string().map(|s| Some(s.into_owned())),
            b'n' => self.word("null").map(|()| None),
            b't' => self.word("true").map(|()| Some("true".to_owned())),
            b'f' => self.word("false").map(|()| Some("false".to_owned())),
            b'-' | b'0'..=b'9' => self.number().map(|n| Some(n.to_owned())),
            _ => None,
        }
    }

    fn word(&mut self, word: &str) -> Option<()> {
        self.b[self.i..]
            .starts_with(word.as_bytes())
            .then(|| self.i += word.len())
    }

    /// A number, as written: `-`, an integer part without leading zeros,
    /// then an optional fraction and exponent.
    fn number(&mut self) -> Option<&'a str> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.some_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            self.some_digits()?;
        }
        Some(&self.s[start..self.i])
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
    }

    /// At least one digit.
    fn some_digits(&mut self) -> Option<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

    /// `serde_json`'s reading of a text, as a tree that keeps repeated
    /// keys (a test oracle).
    enum Tree {
        Null,
        Scalar(String),
        Map(Vec<(String, Tree)>),
        Seq(Vec<Tree>),
    }

    impl<'de> Deserialize<'de> for Tree {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(TreeVisitor)
        }
    }

    struct TreeVisitor;

    impl<'de> Visitor<'de> for TreeVisitor {
        type Value = Tree;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
            let mut entries = Vec::new();
            while let Some(entry) = map.next_entry::<String, Tree>()? {
                entries.push(entry);
            }
            Ok(Tree::Map(entries))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element::<Tree>()? {
                items.push(item);
            }
            Ok(Tree::Seq(items))
        }
        fn visit_bool<E>(self, v: bool) -> Result<Tree, E> {
            Ok(Tree::Scalar(v.to_string()))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Tree, E> {
            Ok(Tree::Scalar(v.to_string()))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Tree, E> {
            Ok(Tree::Scalar(v.to_string()))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Tree, E> {
            Ok(Tree::Scalar(serde_json::Value::from(v).to_string()))
        }
        fn visit_str<E>(self, v: &str) -> Result<Tree, E> {
            Ok(Tree::Scalar(v.to_owned()))
        }
        fn visit_unit<E>(self) -> Result<Tree, E> {
            Ok(Tree::Null)
        }
    }

    fn flatten(name: String, tree: Tree, out: &mut Vec<(String, String)>) {
        match tree {
            Tree::Null => {}
            Tree::Scalar(s) => out.push((name, s)),
            Tree::Map(entries) => {
                for (key, inner) in entries {
                    flatten(format!("{name}.{key}"), inner, out);
                }
            }
            Tree::Seq(items) => {
                if items
                    .iter()
                    .all(|t| matches!(t, Tree::Null | Tree::Scalar(_)))
                {
                    let joined: Vec<String> = items
                        .into_iter()
                        .filter_map(|t| match t {
                            Tree::Scalar(s) => Some(s),
                            _ => None,
                        })
                        .collect();
                    out.push((name, joined.join(", ")));
                } else {
                    for (i, inner) in items.into_iter().enumerate() {
                        flatten(format!("{name}.{i}"), inner, out);
                    }
                }
            }
        }
    }

    /// What `serde_json` makes of a text: `Err` when it refuses it, `None`
    /// when it is not an object.
    fn via_serde(text: &str) -> Result<Option<Vec<(String, String)>>, serde_json::Error> {
        Ok(match serde_json::from_str::<Tree>(text)? {
            Tree::Map(entries) => {
                let mut out = Vec::new();
                for (key, inner) in entries {
                    flatten(key, inner, &mut out);
                }
                Some(out)
            }
            _ => None,
        })
    }

    fn ours(text: &str) -> Result<Option<Vec<(String, String)>>, usize> {
        Ok(match read_json_text(text)? {
            JsonText::Object(fields) => Some(
                fields
                    .pairs
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v))
                    .collect(),
            ),
            JsonText::Other(_) => None,
        })
    }

    /// Equal, but for the written form of numbers. `serde_json` (without
    /// its `float_roundtrip` feature) may read a long float a unit in the
    /// last place off, so numbers are equal within two such units.
    fn same_reading(a: &[(String, String)], b: &[(String, String)]) -> bool {
        let close = |x: f64, y: f64| {
            x == y
                || (x.is_sign_negative() == y.is_sign_negative()
                    && x.to_bits().abs_diff(y.to_bits()) <= 2)
        };
        let same_scalar = |a: &str, b: &str| {
            a == b
                || a.parse::<f64>()
                    .is_ok_and(|x| b.parse::<f64>().is_ok_and(|y| close(x, y)))
        };
        // An array of scalars is one value, its items joined with `, `.
        let same_value = |a: &str, b: &str| {
            a == b || {
                let (xs, ys): (Vec<&str>, Vec<&str>) =
                    (a.split(", ").collect(), b.split(", ").collect());
                xs.len() == ys.len() && xs.iter().zip(&ys).all(|(x, y)| same_scalar(x, y))
            }
        };
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|((ka, va), (kb, vb))| ka == kb && same_value(va, vb))
    }

    #[test]
    fn reads_objects_as_serde_does() {
        for text in [
            r#"{"id":"A-1","title":"最好\"的\"\u6700\n","n":12,"m":-3,"ok":true,"no":false,"x":null}"#,
            " { } ",
            r#"{"k":"😀 \ud83d\ude00 \/ \\ \t"}"#,
            r#"{"cert":{"ccc":"1","x":{"y":[]}},"tags":["a",null,3],"imgs":[{"alt":"x"},"y",null,[1,2]]}"#,
            r#"{"e":{},"n":[null]}"#,
        ] {
            let serde = via_serde(text).unwrap().unwrap();
            assert_eq!(ours(text), Ok(Some(serde)), "{text}");
        }
        let kinds: Vec<&str> = ["[1]", "\"s\"", "true", "null", "-1.5e3"]
            .iter()
            .map(|t| match read_json_text(t) {
                Ok(JsonText::Other(kind)) => kind,
                other => panic!("{t}: {other:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            ["an array", "a string", "a boolean", "null", "a number"]
        );
    }

    #[test]
    fn numbers_keep_their_written_form() {
        let text = r#"{"id":12345678901234567891,"id2":12345678901234567892,"p":12.50,"e":1E+3,"z":-0,"a":[1.10,0.0]}"#;
        let expected: Vec<(String, String)> = [
            ("id", "12345678901234567891"),
            ("id2", "12345678901234567892"),
            ("p", "12.50"),
            ("e", "1E+3"),
            ("z", "-0"),
            ("a", "1.10, 0.0"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(ours(text), Ok(Some(expected)));
    }

    #[test]
    fn every_value_of_a_repeated_key_is_kept_with_its_place() {
        let text = "{\"a\":\"1\",\n\"a\":\"2\",\"c\":{\"x\":1,\"x\":2},\"c.x\":3}";
        let Ok(JsonText::Object(fields)) = read_json_text(text) else {
            panic!()
        };
        let pairs: Vec<(&str, &str)> = fields
            .pairs
            .iter()
            .map(|(k, v)| (&**k, v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("a", "1"),
                ("a", "2"),
                ("c.x", "1"),
                ("c.x", "2"),
                ("c.x", "3")
            ]
        );
        let starts: Vec<&str> = fields.offsets.iter().map(|&o| &text[o..o + 1]).collect();
        assert_eq!(starts, ["\"", "\"", "1", "2", "3"]);
        assert_eq!(fields.offsets[1], text.find("\"2\"").unwrap());
    }

    #[test]
    fn refuses_what_serde_refuses() {
        for text in [
            r#"{"n":01}"#,
            r#"{"n":1.}"#,
            r#"{"n":.5}"#,
            r#"{"n":-}"#,
            r#"{"n":1e}"#,
            r#"{"n":+1}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\x"}"#,
            "{\"a\":\"tab\there\"}",
            r#"{"a":"1",}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":[1 2]}"#,
            r#"{"a":"1"} x"#,
            r#"{"a" "1"}"#,
            r#"{"a":nul}"#,
            "",
            "   ",
        ] {
            assert!(ours(text).is_err(), "{text}");
            assert!(via_serde(text).is_err(), "{text}");
        }
    }

    #[test]
    fn nesting_is_limited_as_serde_limits_it() {
        for depth in [127, 128, 129, 5000] {
            let text = format!(
                "{{\"a\":{}1{}}}",
                "[".repeat(depth - 1),
                "]".repeat(depth - 1)
            );
            assert_eq!(
                ours(&text).is_ok(),
                via_serde(&text).is_ok(),
                "depth {depth}"
            );
        }
        assert!(ours(&format!("{{\"a\":{}}}", "[".repeat(200_000))).is_err());
    }

    fn value() -> impl Strategy<Value = serde_json::Value> {
        let scalar = prop_oneof![
            any::<String>().prop_map(serde_json::Value::from),
            "[\\u{0}-\\u{7f}最好\"\\\\/]{0,12}".prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            any::<bool>().prop_map(serde_json::Value::from),
            Just(serde_json::Value::Null),
        ];
        scalar.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                prop::collection::vec(("[a-c.]{1,3}", inner), 0..4)
                    .prop_map(|pairs| serde_json::Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Serialised objects are read exactly as `serde_json` reads them.
        #[test]
        fn agrees_with_serde(pairs in prop::collection::vec((any::<String>(), value()), 0..8),
                             pretty in any::<bool>()) {
            let object: serde_json::Map<String, serde_json::Value> = pairs.into_iter().collect();
            let value = serde_json::Value::Object(object);
            let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) }.unwrap();
            match (ours(&text), via_serde(&text)) {
                (Ok(Some(a)), Ok(Some(b))) => prop_assert!(same_reading(&a, &b), "{}: {:?} / {:?}", text, a, b),
                (a, b) => prop_assert!(false, "{}: {:?} / {:?}", text, a, b.map_err(|e| e.to_string())),
            }
        }

        /// The word-at-a-time control check says what a byte-by-byte
        /// check says, whatever the bytes and wherever one is.
        #[test]
        fn control_check_is_the_bytewise_one(bytes in prop::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(has_control(&bytes), bytes.iter().any(|&b| b < 0x20));
            let quiet: Vec<u8> = bytes.iter().map(|&b| b.max(0x20)).collect();
            for at in 0..quiet.len() {
                for control in [0x00, 0x1F] {
                    let mut one = quiet.clone();
                    one[at] = control;
                    prop_assert!(has_control(&one), "{:?}", one);
                }
            }
            prop_assert!(!has_control(&quiet));
        }

        /// Arbitrary text: never a panic; read by both or by neither (a
        /// number too large for `serde_json` aside), and read alike.
        #[test]
        fn never_disagrees_on_arbitrary_text(text in "\\PC{0,40}|\\{[\"a-z0-9:,\\\\ntu{}\\[\\]. +-]{0,30}\\}") {
            match (ours(&text), via_serde(&text)) {
                (Ok(Some(a)), Ok(Some(b))) => prop_assert!(same_reading(&a, &b), "{}", text),
                (Ok(None), Ok(None)) | (Err(_), Err(_)) => {}
                (Ok(_), Err(e)) => prop_assert!(e.to_string().contains("out of range"), "{}: {}", text, e),
                (a, b) => prop_assert!(false, "{}: {:?} / {:?}", text, a, b.map_err(|e| e.to_string())),
            }
        }
    }
}
