//! Regular expressions of packs, compiled when first used.
//!
//! Compiling the default packs' regexes (Unicode `\d`, bounded repeats of
//! wide classes) was most of the time `listlint check` took before reading
//! its first listing, while a run over a few listings uses few of them. A
//! regex of a pack that ships in the binary, as it ships (no override has
//! changed the rule), is known to compile (a test compiles every one), so
//! it is compiled on first use. Every other regex is compiled with the
//! pack, as before, so that an invalid one is still reported, with its
//! place, before any listing is read.
//!
//! The shipped packs write some regexes more than once (a registration
//! number's format in the rule that requires it and in the conditions of
//! others): deferred regexes with the same text share one compiled regex,
//! so it is compiled once per process, whichever rule asks first.
//!
//! [`PackRegex::is_match`] and [`PackRegex::find`] ask the regex's
//! [`LiteralGate`] first, when it has one: a text without any of the
//! literals every match starts or ends with gets its answer without the
//! regex being run (or compiled).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use regex::{Match, Regex};

use super::literal_gate::LiteralGate;

/// A pack's regex, compiled now or on first use.
#[derive(Clone)]
pub struct PackRegex {
    /// The expression as the pack writes it.
    pattern: Arc<str>,
    /// The compiled regex, once compiled (shared by deferred regexes of
    /// the same text).
    compiled: SharedRegex,
    /// Its literal gate, once worked out (shared likewise).
    gate: SharedGate,
}

/// The deferred regexes made so far, by their text. They come from the
/// shipped packs only, so the table is as large as those packs' regexes
/// at most.
static DEFERRED: OnceLock<Mutex<HashMap<Arc<str>, Shared>>> = OnceLock::new();

/// What deferred regexes of one text share.
type Shared = (SharedRegex, SharedGate);

/// A regex compiled on first use, shared by every [`PackRegex`] of its
/// text.
type SharedRegex = Arc<OnceLock<Regex>>;

/// A regex's literal gate (`None`: it has none), worked out on first use
/// and shared like [`SharedRegex`].
type SharedGate = Arc<OnceLock<Option<LiteralGate>>>;

impl PackRegex {
    /// A regex already compiled, with default flags (`Regex::new`): its
    /// [`LiteralGate`] is read from its text as written.
    pub fn compiled(regex: Regex) -> Self {
        let pattern = Arc::from(regex.as_str());
        let compiled = OnceLock::new();
        let _ = compiled.set(regex);
        Self {
            pattern,
            compiled: Arc::new(compiled),
            gate: SharedGate::default(),
        }
    }

    /// A regex that is compiled when first used; `pattern` must be one
    /// that compiles (a built-in pack's). Every deferred regex of the same
    /// text shares its compiled form.
    pub fn deferred(pattern: &str) -> Self {
        let mut table = DEFERRED
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((pattern, (compiled, gate))) = table.get_key_value(pattern) {
            return Self {
                pattern: Arc::clone(pattern),
                compiled: Arc::clone(compiled),
                gate: Arc::clone(gate),
            };
        }
        let shared = Self {
            pattern: Arc::from(pattern),
            compiled: Arc::default(),
            gate: Arc::default(),
        };
        table.insert(
            Arc::clone(&shared.pattern),
            (Arc::clone(&shared.compiled), Arc::clone(&shared.gate)),
        );
        shared
    }

    /// The compiled regex (compiled now if it was deferred).
    #[inline]
    pub fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            // Deferred regexes come from the built-in packs, each of which
            // a test compiles; should one not, it matches nothing rather
            // than stop the run.
            Regex::new(&self.pattern).unwrap_or_else(|_| {
                debug_assert!(false, "a built-in regex does not compile: {}", self.pattern);
                Regex::new(r"[^\s\S]").expect("an empty class compiles")
            })
        })
    }

    /// Whether the regex matches somewhere in `text`; a text its
    /// [`LiteralGate`] turns away is answered without running it.
    #[inline]
    pub fn is_match(&self, text: &str) -> bool {
        self.may_match(text) && self.get().is_match(text)
    }

    /// The regex's leftmost-first match in `text`, as
    /// [`Regex::find`]; a text its [`LiteralGate`] turns away has none.
    #[inline]
    pub fn find<'t>(&self, text: &'t str) -> Option<Match<'t>> {
        if !self.may_match(text) {
            return None;
        }
        self.get().find(text)
    }

    /// `false` when the regex cannot match `text`: no literal of its gate
    /// occurs there (`true` says nothing).
    #[inline]
    pub fn may_match(&self, text: &str) -> bool {
        self.gate
            .get_or_init(|| LiteralGate::of(&self.pattern))
            .as_ref()
            .is_none_or(|gate| gate.may_match(text))
    }

    /// The expression as written.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether it has been compiled yet.
    pub fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }
}

impl std::fmt::Debug for PackRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PackRegex").field(&&*self.pattern).finish()
    }
}

/// Whether `pattern` (a regex that compiles) may have a capture group
/// whose name starts with `brand`, read from its text without parsing it
/// (the brand lists of such patterns make parsing them cost more than the
/// rest of their rule): a group is named `(?P<name>` or `(?<name>`. An
/// escaped look-alike (`\(?P<brand`) would only make the rule read its
/// matches' groups, find none so named, and keep every match, as without.
pub fn names_brand_group(pattern: &str) -> bool {
    pattern.contains("(?P<brand") || pattern.contains("(?<brand")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deferred_regex_compiles_on_first_use() {
        let regex = PackRegex::deferred(r"械\s*备\d{4}");
        assert!(!regex.is_compiled());
        assert!(regex.get().is_match("械 备2020"));
        assert!(regex.is_compiled());
        let copy = regex.clone();
        assert!(copy.is_compiled());
        assert_eq!(copy.as_str(), r"械\s*备\d{4}");
    }

    #[test]
    fn deferred_regexes_of_the_same_text_are_compiled_once() {
        let first = PackRegex::deferred(r"国药准字\s*[HZ]\s*\d{8}同文");
        let second = PackRegex::deferred(r"国药准字\s*[HZ]\s*\d{8}同文");
        let other = PackRegex::deferred(r"国药准字\s*[HZ]\s*\d{8}异文");
        assert!(first.get().is_match("国药准字H12345678同文"));
        assert!(second.is_compiled());
        assert!(std::ptr::eq(first.get(), second.get()));
        assert!(!other.is_compiled());
    }

    #[test]
    fn brand_groups_are_read_from_the_text() {
        assert!(names_brand_group("(?P<brand>香奈儿|迪奥)同款"));
        assert!(names_brand_group("(?:a(?<brand2>b))+"));
        assert!(!names_brand_group("(?P<name>香奈儿)同款"));
        assert!(!names_brand_group("(香奈儿)同款"));
        // As compiling says, for every regex of the shipped packs.
        let mut named = 0;
        for source in crate::pack::builtin_sources() {
            let pack = crate::pack::parse_pack(source).expect("shipped packs parse");
            for pattern in pack.def.rules.iter().filter_map(|r| r.pattern.as_ref()) {
                let compiled = Regex::new(&pattern.value).expect("shipped regexes compile");
                let by_compiling = crate::engine::kinds::pattern::has_brand_groups(&compiled);
                assert_eq!(
                    names_brand_group(&pattern.value),
                    by_compiling,
                    "{}",
                    pattern.value
                );
                named += usize::from(by_compiling);
            }
        }
        assert!(named > 0, "some shipped pattern has a brand group");
    }
}
