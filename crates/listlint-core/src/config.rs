//! The configuration file `listlint.yaml`: found upwards from the working
//! directory up to the repository root or the home folder (or given with
//! `--config`), it holds what a team wants every run to use. Command-line flags override it. Unknown keys are errors with
//! the line and a "did you mean".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::date::Date;
use crate::model::Finding;
use crate::model::Severity;
use crate::pack::read::DocumentKind;
use crate::pack::{parse_document, read_document, PackError, PackSource};

/// The file name searched for.
pub const CONFIG_FILE: &str = "listlint.yaml";

/// The top-level keys of `listlint.yaml`, as [`Config`] names them.
pub const KEYS: &[&str] = &[
    "rules",
    "no_default_rules",
    "select",
    "ignore",
    "disable",
    "severity",
    "per_path_ignores",
    "profile",
    "map",
    "include",
    "exclude",
    "fail_on",
    "waivers",
    "docs_url",
    "extends_from",
    "brands",
    "compare",
    "collapse",
    "min_severity",
];

/// `listlint.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Pack files or folders to load (relative to the config file).
    #[serde(default)]
    pub rules: Vec<String>,
    /// Do not load the built-in packs.
    #[serde(default)]
    pub no_default_rules: bool,
    /// `--select` tokens.
    #[serde(default)]
    pub select: Vec<String>,
    /// `--ignore` tokens.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Rules switched off (ids or prefixes), like `ignore`.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Severity per rule id.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Path glob → tokens (ids, prefixes, categories, packs) ignored there.
    #[serde(default)]
    pub per_path_ignores: BTreeMap<String, Vec<String>>,
    /// Field-mapping profile.
    #[serde(default)]
    pub profile: Option<String>,
    /// Field → header mappings.
    #[serde(default)]
    pub map: BTreeMap<String, String>,
    /// Folder-walk include globs.
    #[serde(default)]
    pub include: Vec<String>,
    /// Folder-walk exclude globs.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Failure threshold: error, warning, info or never.
    #[serde(default)]
    pub fail_on: Option<String>,
    /// Accepted findings, with who approved them and until when.
    #[serde(default)]
    pub waivers: Vec<WaiverDef>,
    /// Where the rule catalog (docs/rules/) is published, e.g.
    /// `https://github.com/ORG/REPO/blob/main/docs/rules/`; SARIF links each
    /// built-in rule to its section there.
    #[serde(default)]
    pub docs_url: Option<String>,
    /// Folders (relative to the config file) from which packs may extend
    /// pack files by path, besides their own folders and the `rules` paths.
    #[serde(default)]
    pub extends_from: Vec<String>,
    /// The company's own and authorised brands: pattern rules that name a
    /// brand (`ip/brand-dupe` …) do not report these, and no rule reports a
    /// term inside one.
    #[serde(default)]
    pub brands: Brands,
    /// `listlint compare`: the key, the fields compared and how, their
    /// headers per channel, and the price comparisons (docs/compare.md).
    #[serde(default)]
    pub compare: crate::compare::CompareDef,
    /// `false`: a `require` rule whose value has no column in a headed
    /// file reports every listing, as `--no-collapse` (default: `true`,
    /// once per file).
    #[serde(default)]
    pub collapse: Option<bool>,
    /// Show only findings at or above this severity (`--min-severity`);
    /// hidden ones still count for `fail_on`.
    #[serde(default)]
    pub min_severity: Option<Severity>,
}

/// `brands:` in `listlint.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Brands {
    /// Brands the company owns (every spelling: `[自然堂, CHANDO]`).
    #[serde(default)]
    pub own: Vec<String>,
    /// Brands it is authorised to sell or to refer to.
    #[serde(default)]
    pub authorised: Vec<String>,
}

impl Brands {
    /// Own and authorised brands, normalised like listing text.
    pub fn normalized(&self) -> Vec<String> {
        self.own
            .iter()
            .chain(&self.authorised)
            .map(|b| crate::text::normalize::normalize_term(b))
            .filter(|b| !b.is_empty())
            .collect()
    }
}

/// A waiver as written.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WaiverDef {
    /// Rule id, id prefix, or `*`.
    pub rule: String,
    /// Listing id or glob (`SKU-1*`); default every listing.
    #[serde(default)]
    pub listing: Option<String>,
    /// Only this field.
    #[serde(default)]
    pub field: Option<String>,
    /// Only findings with this text.
    #[serde(default)]
    pub text: Option<String>,
    /// Why the finding is accepted.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub reason: Spanned<String>,
    /// Who approved it.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub approved_by: Spanned<String>,
    /// Last day it applies (YYYY-MM-DD).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub expires: Spanned<String>,
}

/// A loaded config and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The file.
    pub path: PathBuf,
    /// Its contents.
    pub config: Config,
    /// Its waivers, checked.
    pub waivers: Vec<Waiver>,
    /// Its text, for errors found after loading.
    pub source: PackSource,
}

impl LoadedConfig {
    /// Checks that each waiver's `rule` (an id, an id prefix or `*`)
    /// matches one of `ids`, the rules loaded: a waiver for a rule that does
    /// not exist (a typo, a renamed rule) would otherwise waive nothing
    /// without a word. Every such waiver is an error at its line, with a
    /// "did you mean".
    pub fn check_waiver_rules(&self, ids: &[&str]) -> Result<(), PackError> {
        let mut errors = Vec::new();
        for waiver in &self.waivers {
            let rule = waiver.def.rule.as_str();
            // `listlint compare`'s rules depend on the fields compared,
            // not on packs: no pack run can tell them unknown.
            if rule == "*" || is_compare_rule(rule) || ids.iter().any(|id| rule_matches(rule, id)) {
                continue;
            }
            let help = crate::suggest::did_you_mean(rule, ids.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| {
                    "give a rule id, a whole-segment id prefix (`absolute/`) or `*`; \
                     `listlint rules list` shows the ids"
                        .to_owned()
                });
            errors.push(PackError::at(
                &self.source,
                waiver.line,
                1,
                format!("this waiver's rule `{rule}` matches no loaded rule"),
                Some(help),
            ));
        }
        PackError::from_many(errors).map_or(Ok(()), Err)
    }
}

/// Whether a rule id or prefix is of `listlint compare` (`consistency/…`).
pub fn is_compare_rule(rule: &str) -> bool {
    rule == crate::compare::CATEGORY
        || rule
            .strip_prefix(crate::compare::CATEGORY)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Whether a waiver's (or an inline suppression's) `rule` (an id or a
/// whole-segment id prefix) covers rule `id`.
pub fn rule_matches(rule: &str, id: &str) -> bool {
    id == rule
        || id
            .strip_prefix(rule)
            .is_some_and(|rest| rest.starts_with('/') || rule.ends_with('/'))
}

/// A checked waiver.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// As written.
    pub def: WaiverDef,
    /// The listing glob.
    listing: Option<GlobMatcher>,
    /// The expiry date.
    pub expires: Date,
    /// Line in the config file.
    pub line: u64,
}

impl Waiver {
    /// Whether the waiver covers a finding (ignoring expiry).
    pub fn covers(&self, f: &Finding) -> bool {
        let rule = &self.def.rule;
        let rule_ok = rule == "*" || rule_matches(rule, &f.rule);
        let listing_ok = self
            .listing
            .as_ref()
            .is_none_or(|g| f.listing_id.as_deref().is_some_and(|id| g.is_match(id)));
        let field_ok = self
            .def
            .field
            .as_ref()
            .is_none_or(|want| f.field.as_deref() == Some(want));
        let text_ok = self
            .def
            .text
            .as_ref()
            .is_none_or(|want| f.text.as_deref() == Some(want));
        rule_ok && listing_ok && field_ok && text_ok
    }

    /// Whether it still applies on `as_of`.
    pub fn active(&self, as_of: Date) -> bool {
        self.expires >= as_of
    }
}

/// `path` relative to `base` when `path` is absolute and lies below an
/// ancestor of `base` (`../listlint.yaml`).
fn pathdiff(path: &Path, base: &Path) -> Option<PathBuf> {
    if !path.is_absolute() {
        return Some(path.to_path_buf());
    }
    let mut ups = PathBuf::new();
    for ancestor in base.ancestors() {
        if let Ok(rest) = path.strip_prefix(ancestor) {
            return Some(ups.join(rest));
        }
        ups.push("..");
    }
    None
}

/// What the search for `listlint.yaml` found: the file to use, the files
/// passed over and why, and where the search stopped.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// The config file to use, if any.
    pub path: Option<PathBuf>,
    /// Config files not used, each with the reason (another user's file,
    /// a file anyone may change, not a regular file).
    pub ignored: Vec<(PathBuf, String)>,
    /// The last folder searched: the repository root (the folder holding
    /// `.git`), the home folder, or the root of the file system.
    pub stopped_at: PathBuf,
}

impl Discovery {
    /// The line `-v` prints: the config file used, or that there is none
    /// and where the search went.
    pub fn describe(&self, start: &Path) -> String {
        match &self.path {
            Some(path) => format!("config: {}", path.display()),
            None => format!(
                "config: none (no usable {CONFIG_FILE} from {} up to {})",
                start.display(),
                self.stopped_at.display()
            ),
        }
    }
}

/// Looks for `listlint.yaml` in `start` and the folders above it, up to
/// and including the repository root (the first folder holding `.git`) or
/// the home folder, whichever comes first (else up to the root of the file
/// system). A file owned by another user (other than root), writable by
/// every user, or not a regular file is passed over with the reason: it
/// could change what a run checks without the user knowing.
pub fn discover(start: &Path) -> Discovery {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .filter(|h| !h.as_os_str().is_empty());
    let mut found = Discovery::default();
    for dir in start.ancestors() {
        found.stopped_at = dir.to_path_buf();
        let candidate = dir.join(CONFIG_FILE);
        if let Ok(meta) = std::fs::metadata(&candidate) {
            match distrust(&meta) {
                None => {
                    found.path = Some(candidate);
                    return found;
                }
                Some(reason) => found.ignored.push((candidate, reason)),
            }
        }
        let repository_root = dir.join(".git").exists();
        if repository_root || home.as_deref() == Some(dir) {
            break;
        }
    }
    found
}

/// Why a config file found by the search is not to be trusted, if it is
/// not.
fn distrust(meta: &std::fs::Metadata) -> Option<String> {
    if !meta.is_file() {
        return Some("it is not a regular file".into());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let me = rustix::process::geteuid().as_raw();
        if meta.uid() != me && meta.uid() != 0 {
            return Some(format!(
                "it belongs to another user (uid {}, you are {me})",
                meta.uid()
            ));
        }
        if meta.mode() & 0o002 != 0 {
            return Some("every user may write to it (chmod o-w to use it)".into());
        }
    }
    None
}

/// Reads and checks a config file (at most `--max-config-size` bytes).
pub fn load(path: &Path) -> Result<LoadedConfig, PackError> {
    let source = read_document(path, DocumentKind::Config)?;
    let config: Config = parse_document(&source, DocumentKind::Config)?;
    let mut waivers = Vec::new();
    for def in &config.waivers {
        for (value, key) in [(&def.reason, "reason"), (&def.approved_by, "approved_by")] {
            if value.value.trim().is_empty() {
                return Err(PackError::at_location(
                    &source,
                    value.referenced,
                    format!("waiver `{key}` is empty"),
                    Some("a waiver records why a finding is accepted and who approved it".into()),
                ));
            }
        }
        let expires = Date::parse(&def.expires.value).ok_or_else(|| {
            PackError::at_location(
                &source,
                def.expires.referenced,
                format!("`{}` is not a date (YYYY-MM-DD)", def.expires.value),
                None,
            )
        })?;
        let listing = match &def.listing {
            None => None,
            Some(pattern) => Some(
                Glob::new(pattern)
                    .map_err(|e| {
                        PackError::at_location(
                            &source,
                            def.reason.referenced,
                            format!("waiver listing `{pattern}` is not a glob: {}", e.kind()),
                            None,
                        )
                    })?
                    .compile_matcher(),
            ),
        };
        waivers.push(Waiver {
            def: def.clone(),
            listing,
            expires,
            line: def.reason.referenced.line(),
        });
    }
    // Name the file relative to the working directory, as inputs are.
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| pathdiff(path, &cwd))
        .unwrap_or_else(|| path.to_path_buf());
    Ok(LoadedConfig {
        path: shown,
        config,
        waivers,
        source,
    })
}

/// The commented starter file `listlint init` writes.
pub const STARTER: &str = r#"# listlint configuration. Command-line flags override these settings.
# Reference: docs/usage.md and docs/ci.md.

# Extra rule packs (files or folders), relative to this file.
rules: []
# Folders packs may also `extends:` pack files from (their own folder and
# the rules paths are always allowed).
# extends_from: [../shared-packs]
# no_default_rules: true

# Which rules run: ids, id prefixes, categories or pack names.
# select: [absolute-terms, claims]
ignore: []
# disable: [promo/time-pressure]

# Severity per rule.
# severity:
#   absolute/first-of-kind: error

# Tokens ignored below some paths.
# per_path_ignores:
#   "drafts/**": [absolute-terms]

# Input mapping.
# profile: generic          # generic | shopify | taobao
# map:
#   title: 商品名

# Folder walks.
# include: ["**/*.csv"]
# exclude: ["archive/**"]

# Fail on: error | warning | info | never
fail_on: error

# Show only findings at or above: error | warning | info (hidden ones still
# count for fail_on).
# min_severity: warning

# A certificate rule whose column an export lacks reports once per file;
# false lists every listing instead (--no-collapse).
# collapse: true

# Where the rule catalog is published; SARIF links built-in rules to it.
# docs_url: https://github.com/ORG/REPO/blob/main/docs/rules/

# Accepted findings: each needs a reason, an approver and an expiry date.
# An expired waiver stops waiving and is reported.
waivers: []
#  - rule: absolute/number-one
#    listing: "SKU-1001"
#    field: title
#    text: 第一
#    reason: 赛事名称“第一届”，非排名宣传
#    approved_by: 法务部 王律师
#    expires: 2027-06-30
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// `KEYS` names exactly the fields `Config` accepts: the YAML parser's
    /// "expected one of …" list for an unknown key is the field list.
    #[test]
    fn keys_are_the_config_fields() {
        let source = crate::pack::PackSource {
            name: std::sync::Arc::from("listlint.yaml"),
            text: std::sync::Arc::from("no_such_key: 1\n"),
            builtin: false,
        };
        let error = crate::pack::parse_yaml::<Config>(&source).unwrap_err();
        let message = error.to_string();
        let listed = message
            .split("expected one of ")
            .nth(1)
            .expect("serde lists the expected keys");
        let fields: Vec<&str> = listed
            .split(',')
            .map(|k| k.trim().trim_matches('`'))
            .filter(|k| !k.is_empty())
            .collect();
        assert_eq!(fields, KEYS, "{message}");
    }
}
