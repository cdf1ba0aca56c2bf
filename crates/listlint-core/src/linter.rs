//! The engine as a library: [`Linter`] is built from [`Settings`] (packs
//! loaded, composed and compiled with the config's severity overrides and
//! brands) and checks listings held in memory. Inputs on disk and reports
//! are `listlint-io`'s; the pipeline there checks with a linter's ruleset.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::Arc;

use crate::engine::{Ruleset, Scratch};
use crate::history::PriceHistory;
use crate::listing::Listing;
use crate::model::Finding;
use crate::pack::load::{load_ruleset, LoadError, LoadedRuleset, PackDigest};
use crate::settings::Settings;

/// A compiled ruleset with the settings it was built from.
#[derive(Debug, Clone)]
pub struct Linter {
    ruleset: Ruleset,
    rule_ids: Vec<String>,
    skipped: Vec<(PathBuf, String)>,
    settings: Settings,
    pack_digest: PackDigest,
}

impl Linter {
    /// Loads, composes and compiles the packs the settings name, with the
    /// config's severity overrides and brands, its waivers checked against
    /// the loaded rules, and `as_of` when set.
    pub fn new(settings: Settings) -> Result<Self, LinterError> {
        let from = settings
            .config
            .as_ref()
            .map(|c| c.path.display().to_string())
            .unwrap_or_default();
        let LoadedRuleset {
            mut ruleset,
            ids,
            skipped,
            pack_digest,
        } = load_ruleset(&settings.packs, &settings.severities, &from)?;
        if let Some(loaded) = &settings.config {
            ruleset.settings.own_brands = loaded.config.brands.normalized().into();
            let known: Vec<&str> = ids
                .iter()
                .map(String::as_str)
                .chain(crate::listing::INPUT_RULES.iter().copied())
                .collect();
            loaded
                .check_waiver_rules(&known)
                .map_err(|e| LinterError::Load(e.into()))?;
        }
        ruleset.settings.loaded_rules = ids.iter().map(|id| Arc::from(id.as_str())).collect();
        if let Some(as_of) = settings.as_of {
            ruleset.settings.as_of = as_of;
        }
        ruleset.settings.collapse = settings.collapse;
        Ok(Self {
            ruleset,
            rule_ids: ids,
            skipped,
            settings,
            pack_digest,
        })
    }

    /// Adds transaction prices for the original-price checks.
    pub fn with_price_history(mut self, history: PriceHistory) -> Self {
        self.ruleset.settings.history = Some(Arc::new(history));
        self
    }

    /// Findings carry the whole field value, for renderers that show the
    /// text around a span.
    pub fn keeping_sources(mut self, keep: bool) -> Self {
        self.ruleset.settings.keep_sources = keep;
        self
    }

    /// The compiled ruleset.
    pub fn ruleset(&self) -> &Ruleset {
        &self.ruleset
    }

    /// The settings the linter was built from.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The id of every loaded rule, enabled or not.
    pub fn rule_ids(&self) -> &[String] {
        &self.rule_ids
    }

    /// SHA-256 of the name and text of every pack loaded, in load order
    /// (what a result cache keys on).
    pub fn pack_digest(&self) -> [u8; 32] {
        self.pack_digest.get()
    }

    /// Files of pack folders that were not read as packs, and why.
    pub fn skipped_pack_files(&self) -> &[(PathBuf, String)] {
        &self.skipped
    }

    /// Checks one listing: its findings in field and position order, and
    /// the input problems it carries (SPEC §4). Waivers, ignores by path
    /// and baselines are not applied: see [`crate::policy`].
    pub fn check_listing(&self, listing: &Listing) -> Vec<Finding> {
        thread_local! {
            static SCRATCH: RefCell<Scratch> = RefCell::default();
        }
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.ruleset.check(listing, &mut scratch),
            Err(_) => self.ruleset.check(listing, &mut Scratch::default()),
        })
    }
}

/// Why a linter cannot be built (a usage error).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LinterError {
    /// The packs cannot be loaded.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Load(#[from] LoadError),
}
