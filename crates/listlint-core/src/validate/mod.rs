//! Validators for identifiers whose format has more to it than a regex.

pub mod uscc;

/// A named validator a `require` rule can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// 统一社会信用代码 check digit (GB 32100-2015).
    Uscc,
}

impl Validator {
    /// Every validator name packs may use.
    pub const NAMES: &'static [&'static str] = &["uscc"];

    /// The validator with this name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "uscc" => Some(Self::Uscc),
            _ => None,
        }
    }

    /// Checks a value that already matched the rule's format. Returns what
    /// is wrong, if anything.
    pub fn check(self, value: &str) -> Result<(), String> {
        match self {
            Self::Uscc => uscc::check(value),
        }
    }
}
