//! The settings of a run: a config file's, with what a command line or an
//! embedder overrides. A command line only turns its flags into
//! [`Overrides`]; everything that merges them with the config is here, so
//! every front end (the CLI, a server, a binding) resolves them alike.

use std::path::{Path, PathBuf};

use crate::config::LoadedConfig;
use crate::date::Date;
use crate::listing::profile::{Profile, PROFILE_NAMES};
use crate::model::Severity;
use crate::pack::load::PackSelection;

/// What a caller sets on top of the config file. Empty lists and `None`
/// leave the config's value; lists of packs, ignores and maps add to it.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Packs added after the config's `rules` (`--rules`).
    pub rules: Vec<PathBuf>,
    /// Leave out the built-in packs (`--no-default-rules`; the config's
    /// `no_default_rules` also does).
    pub no_default_rules: bool,
    /// Replaces the config's `select` when not empty.
    pub select: Vec<String>,
    /// Added to the config's `ignore` and `disable`.
    pub ignore: Vec<String>,
    /// Replaces the config's `profile`.
    pub profile: Option<String>,
    /// Header mappings added after the config's `map` (later ones win).
    pub maps: Vec<(String, String)>,
    /// Replaces the config's `include` when not empty.
    pub include: Vec<String>,
    /// Replaces the config's `exclude` when not empty.
    pub exclude: Vec<String>,
    /// Replaces the config's `fail_on`.
    pub fail_on: Option<FailOn>,
    /// Report a `require` rule per listing even where the file's header
    /// has no column for its value (`--no-collapse`; the config's
    /// `collapse: false` also does).
    pub no_collapse: bool,
    /// Replaces the config's `min_severity` (`--min-severity`).
    pub min_severity: Option<Severity>,
}

/// When a run fails (exit 1): findings at or above a severity, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Fail on errors.
    #[default]
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding.
    Info,
    /// Never fail because of findings.
    Never,
}

impl FailOn {
    /// The least severity that fails a run, if any.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }

    /// Parses `error`, `warning`, `info` or `never`.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "error" => FailOn::Error,
            "warning" => FailOn::Warning,
            "info" => FailOn::Info,
            "never" => FailOn::Never,
            _ => return None,
        })
    }
}

/// The resolved settings of a run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The packs and the rules of them that run.
    pub packs: PackSelection,
    /// The field-mapping profile's name.
    pub profile: String,
    /// Header mappings (field, header), the config's then the overrides'.
    pub maps: Vec<(String, String)>,
    /// Globs of files folder walks check.
    pub include: Vec<String>,
    /// Globs of files and folders folder walks skip.
    pub exclude: Vec<String>,
    /// When the run fails.
    pub fail_on: FailOn,
    /// Severity overrides (rule id → severity), from the config.
    pub severities: Vec<(String, Severity)>,
    /// The date time-based checks take as today; `None`: today.
    pub as_of: Option<Date>,
    /// Whether a `require` rule whose value has no column in a headed
    /// file reports once for the file rather than once per listing
    /// (default: yes).
    pub collapse: bool,
    /// Findings below this severity are not shown (they still count for
    /// `fail_on`); `None` shows every finding.
    pub min_severity: Option<Severity>,
    /// The config file, if one was used.
    pub config: Option<LoadedConfig>,
}

/// Why settings cannot be resolved (a usage error).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SettingsError {
    /// The config's `fail_on` is not a severity.
    #[error("{config}: `fail_on: {value}` is not a severity")]
    #[diagnostic(help("one of error, warning, info, never"))]
    FailOn {
        /// The config file.
        config: String,
        /// What it says.
        value: String,
    },
    /// The profile named is not one listlint has.
    #[error("unknown profile `{name}`")]
    #[diagnostic(help("one of {}", PROFILE_NAMES.join(", ")))]
    UnknownProfile {
        /// The name given.
        name: String,
    },
    /// The config's `docs_url` is not an http(s) URL.
    #[error("{config}: `docs_url: {value}` is not an http(s) URL")]
    #[diagnostic(help(
        "an absolute URL such as https://github.com/ORG/REPO/blob/main/docs/rules/"
    ))]
    DocsUrl {
        /// The config file.
        config: String,
        /// What it says.
        value: String,
    },
}

impl Settings {
    /// The field-mapping profile: the named one with the header mappings
    /// added.
    pub fn field_profile(&self) -> Result<Profile, SettingsError> {
        let mut profile =
            Profile::named(&self.profile).ok_or_else(|| SettingsError::UnknownProfile {
                name: self.profile.clone(),
            })?;
        for (field, header) in &self.maps {
            profile.map(field, header);
        }
        Ok(profile)
    }

    /// The settings of `overrides` alone, with no config file.
    pub fn without_config(overrides: Overrides) -> Self {
        Self {
            packs: PackSelection {
                rules: overrides.rules,
                sources: Vec::new(),
                no_default_rules: overrides.no_default_rules,
                select: overrides.select,
                ignore: overrides.ignore,
                extends_from: Vec::new(),
                no_extends_files: false,
                replace_builtins: false,
                automaton_cache: None,
            },
            profile: overrides.profile.unwrap_or_else(|| "generic".into()),
            maps: overrides.maps,
            include: overrides.include,
            exclude: overrides.exclude,
            fail_on: overrides.fail_on.unwrap_or_default(),
            severities: Vec::new(),
            as_of: None,
            collapse: !overrides.no_collapse,
            min_severity: overrides.min_severity,
            config: None,
        }
    }

    /// The config's settings with `overrides` applied. Paths in the config
    /// are relative to its folder.
    pub fn resolve(
        config: Option<LoadedConfig>,
        overrides: Overrides,
    ) -> Result<Self, SettingsError> {
        let Some(loaded) = config else {
            return Ok(Self::without_config(overrides));
        };
        let c = &loaded.config;
        let shown = loaded.path.display().to_string();
        let base = loaded.path.parent().unwrap_or(Path::new("."));
        let either = |given: Vec<String>, file: &Vec<String>| {
            if given.is_empty() {
                file.clone()
            } else {
                given
            }
        };
        let mut rules: Vec<PathBuf> = c.rules.iter().map(|r| base.join(r)).collect();
        rules.extend(overrides.rules);
        let mut ignore = overrides.ignore;
        ignore.extend(c.ignore.iter().cloned());
        ignore.extend(c.disable.iter().cloned());
        let fail_on = match (overrides.fail_on, c.fail_on.as_deref()) {
            (Some(f), _) => f,
            (None, None) => FailOn::Error,
            (None, Some(text)) => {
                FailOn::from_name(&text.to_ascii_lowercase()).ok_or_else(|| {
                    SettingsError::FailOn {
                        config: shown.clone(),
                        value: text.to_owned(),
                    }
                })?
            }
        };
        if let Some(url) = &c.docs_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(SettingsError::DocsUrl {
                    config: shown,
                    value: url.clone(),
                });
            }
        }
        let mut maps: Vec<(String, String)> =
            c.map.iter().map(|(f, h)| (f.clone(), h.clone())).collect();
        maps.extend(overrides.maps);
        Ok(Self {
            packs: PackSelection {
                rules,
                sources: Vec::new(),
                no_default_rules: overrides.no_default_rules || c.no_default_rules,
                select: either(overrides.select, &c.select),
                ignore,
                extends_from: c.extends_from.iter().map(|f| base.join(f)).collect(),
                no_extends_files: false,
                replace_builtins: false,
                automaton_cache: None,
            },
            profile: overrides
                .profile
                .or_else(|| c.profile.clone())
                .unwrap_or_else(|| "generic".into()),
            maps,
            include: either(overrides.include, &c.include),
            exclude: either(overrides.exclude, &c.exclude),
            fail_on,
            severities: c.severity.iter().map(|(id, s)| (id.clone(), *s)).collect(),
            as_of: None,
            collapse: !overrides.no_collapse && c.collapse.unwrap_or(true),
            min_severity: overrides.min_severity.or(c.min_severity),
            config: Some(loaded),
        })
    }

    /// The config's `docs_url`, if any.
    pub fn docs_url(&self) -> Option<&str> {
        self.config
            .as_ref()
            .and_then(|c| c.config.docs_url.as_deref())
    }
}
