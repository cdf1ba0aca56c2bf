//! The configuration file `listlint.yaml`: found upwards from the working
//! directory (or given with `--config`), it holds what a team wants every
//! run to use. Command-line flags override it. Unknown keys are errors with
//! the line and a "did you mean".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::date::Date;
use crate::pack::schema::Severity;
use crate::pack::{parse_yaml, PackError, PackSource};
use crate::report::Finding;

/// The file name searched for.
pub const CONFIG_FILE: &str = "listlint.yaml";

/// `listlint.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
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
    /// The company's own and authorised brands: pattern rules that name a
    /// brand (`ip/brand-dupe` …) do not report these.
    #[serde(default)]
    pub brands: Brands,
}

/// `brands:` in `listlint.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
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
            .map(|b| crate::engine::normalize::normalize_term(b))
            .filter(|b| !b.is_empty())
            .collect()
    }
}

/// A waiver as written.
#[derive(Debug, Clone, Deserialize)]
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
    pub reason: Spanned<String>,
    /// Who approved it.
    pub approved_by: Spanned<String>,
    /// Last day it applies (YYYY-MM-DD).
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
        let rule_ok = rule == "*"
            || *f.rule == **rule
            || f.rule
                .strip_prefix(rule.as_str())
                .is_some_and(|rest| rest.starts_with('/') || rule.ends_with('/'));
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

/// The nearest `listlint.yaml` in `start` or a folder above it.
pub fn find_upwards(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

/// Reads and checks a config file.
pub fn load(path: &Path) -> Result<LoadedConfig, PackError> {
    let text = std::fs::read_to_string(path).map_err(|source| PackError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let source = PackSource {
        name: Arc::from(path.display().to_string()),
        text: Arc::from(text),
        builtin: false,
    };
    let config: Config = parse_yaml(&source)?;
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
    })
}

/// The commented starter file `listlint init` writes.
pub const STARTER: &str = r#"# listlint configuration. Command-line flags override these settings.
# Reference: docs/usage.md and docs/ci.md.

# Extra rule packs (files or folders), relative to this file.
rules: []
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
