//! Reading the YAML files listlint takes as policy (rule packs, their test
//! files, `listlint.yaml`) from disk: never more than a size limit, so that
//! `--rules /dev/zero` cannot exhaust memory, and never echoing a file that
//! is not the document it was taken for, so that a pack pointing at
//! `/proc/self/environ` cannot print secrets in an error.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::PackError;

/// Default largest rule pack or pack test file read: 16 MiB (the built-in
/// packs are below 64 KiB each).
pub const DEFAULT_MAX_PACK_BYTES: u64 = 16 * 1024 * 1024;

/// Default largest config file read: 4 MiB.
pub const DEFAULT_MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

static MAX_PACK_BYTES: AtomicU64 = AtomicU64::new(DEFAULT_MAX_PACK_BYTES);
static MAX_CONFIG_BYTES: AtomicU64 = AtomicU64::new(DEFAULT_MAX_CONFIG_BYTES);

/// Sets the size limits for the rest of the process (`--max-pack-size`,
/// `--max-config-size`).
pub fn set_size_limits(max_pack_bytes: u64, max_config_bytes: u64) {
    MAX_PACK_BYTES.store(max_pack_bytes, Ordering::Relaxed);
    MAX_CONFIG_BYTES.store(max_config_bytes, Ordering::Relaxed);
}

/// The kinds of YAML document read from disk: each has its size limit, the
/// flag that raises it, and the top-level keys one of which every such
/// document has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A rule pack.
    Pack,
    /// A pack's test file (`PACK.test.yaml`).
    PackTests,
    /// `listlint.yaml`.
    Config,
}

impl DocumentKind {
    /// What the document is called in messages.
    pub fn noun(self) -> &'static str {
        match self {
            DocumentKind::Pack => "rule pack",
            DocumentKind::PackTests => "pack test file",
            DocumentKind::Config => "config file",
        }
    }

    /// The largest file read, in bytes.
    pub fn max_bytes(self) -> u64 {
        match self {
            DocumentKind::Pack | DocumentKind::PackTests => MAX_PACK_BYTES.load(Ordering::Relaxed),
            DocumentKind::Config => MAX_CONFIG_BYTES.load(Ordering::Relaxed),
        }
    }

    /// The flag that raises the limit.
    pub fn flag(self) -> &'static str {
        match self {
            DocumentKind::Pack | DocumentKind::PackTests => "--max-pack-size",
            DocumentKind::Config => "--max-config-size",
        }
    }

    /// Top-level keys a document of this kind starts one of its lines with.
    fn keys(self) -> &'static [&'static str] {
        match self {
            DocumentKind::Pack => &["pack"],
            DocumentKind::PackTests => &["tests", "pack"],
            DocumentKind::Config => crate::config::KEYS,
        }
    }

    /// The keys as a message lists them: `pack:` or `tests:`.
    pub(super) fn keys_shown(self) -> String {
        if self == DocumentKind::Config {
            return "a `listlint.yaml` key such as `rules:` or `fail_on:`".to_owned();
        }
        let keys: Vec<String> = self.keys().iter().map(|k| format!("`{k}:`")).collect();
        keys.join(" or ")
    }

    /// Whether `text` looks like a document of this kind: a line starts
    /// with one of its top-level keys, or a misspelling of one (so that a
    /// typo still gets its "did you mean"), and a colon. A file that does
    /// not is never shown in an error, whatever the parser says about it.
    pub fn recognizes(self, text: &str) -> bool {
        text.lines().filter_map(leading_key).any(|key| {
            self.keys().contains(&key)
                || crate::suggest::did_you_mean(key, self.keys().iter().copied()).is_some()
        })
    }
}

/// The key a line starts with (`name` in `name:` or `name :`), if the line
/// starts with a plain key.
fn leading_key(line: &str) -> Option<&str> {
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    let (key, rest) = line.split_at(end);
    (!key.is_empty() && rest.trim_start().starts_with(':')).then_some(key)
}

/// Reads a document of `kind` as UTF-8 text: at most its size limit (a
/// larger file, or an endless one such as `/dev/zero`, is an error naming
/// the file, the limit and the flag that raises it).
pub fn read_bounded(path: &Path, kind: DocumentKind) -> Result<String, PackError> {
    let io_error = |source| match kind {
        DocumentKind::Config => PackError::ConfigIo {
            path: path.display().to_string(),
            source,
        },
        _ => PackError::Io {
            path: path.display().to_string(),
            source,
        },
    };
    let limit = kind.max_bytes();
    let file = File::open(path).map_err(io_error)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(PackError::TooBig {
            path: path.display().to_string(),
            noun: kind.noun(),
            limit: human_size(limit),
            flag: kind.flag(),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        io_error(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to() + 1),
        ))
    })
}

/// A byte count as messages show it: `16 MiB`, `1500 bytes`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, unit) in UNITS {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{} {unit}", bytes / size);
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_recognised_by_their_top_level_keys() {
        assert!(DocumentKind::Pack.recognizes("# c\npack: x\nrules: []\n"));
        assert!(DocumentKind::Pack.recognizes("pack : x"));
        assert!(!DocumentKind::Pack.recognizes("SECRET=1\n  pack: x\n"));
        assert!(!DocumentKind::Pack.recognizes("package: x"));
        assert!(DocumentKind::PackTests.recognizes("tests:\n  - text: a"));
        assert!(DocumentKind::Config.recognizes("fail_on: error"));
        assert!(DocumentKind::Config.recognizes("selcet: [claims]"));
        assert!(!DocumentKind::Config.recognizes("root:x:0:0::/root:/bin/bash"));
    }

    #[test]
    fn sizes_are_shown_in_whole_units() {
        assert_eq!(human_size(16 << 20), "16 MiB");
        assert_eq!(human_size(2048), "2 KiB");
        assert_eq!(human_size(1500), "1500 bytes");
    }
}
