//! `listlint.Linter`: settings resolved as `listlint check` resolves its
//! flags, a compiled ruleset, and checks of dicts and Arrow data.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use listlint_core::config;
use listlint_core::date::Date;
use listlint_core::engine::{RuleFilter, INPUT_CATEGORY};
use listlint_core::linter::Linter as CoreLinter;
use listlint_core::listing::profile::{FieldMapper, Profile, PROFILE_NAMES};
use listlint_core::listing::Listing;
use listlint_core::model::{Finding, Summary};
use listlint_core::policy::{Gate, PathIgnores, Waivers};
use listlint_core::settings::{Overrides, Settings};
use listlint_io::source::memory::listing_from_object;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::convert::{finding_dict, object_of};
use crate::errors;

/// The name findings of dicts show as their file.
const DICT_FILE: &str = "<dict>";
/// Listings converted before the GIL is released to check them.
const CHUNK: usize = 512;

/// What a linter was built from, as given (paths made absolute), so that
/// a pickled linter is built again from it on the other side.
#[derive(Debug, Clone)]
pub struct State {
    pub rules: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    pub default_rules: bool,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub as_of: Option<String>,
    pub price_history: Option<PathBuf>,
    pub profile: Option<String>,
    pub map: Vec<(String, String)>,
}

/// A compiled rule set and the settings it was built from.
///
/// ``Linter(rules=[...], config=None, default_rules=True, select=[...],
/// ignore=[...], as_of=None, price_history=None, profile=None, map=None)``
/// resolves settings as ``listlint check`` resolves its flags and config
/// file (``config`` is not discovered: pass the path of a listlint.yaml).
/// Pack errors raise ``PackError``, config errors ``ConfigError``, both
/// naming file:line:col. A linter is immutable, safe to share between
/// threads (checks release the GIL) and picklable: it is rebuilt from its
/// settings when unpickled, so the paths it names must exist there too.
#[pyclass(module = "listlint", frozen)]
pub struct Linter {
    pub core: CoreLinter,
    pub profile: Arc<Profile>,
    /// `--ignore` of input findings (rule findings were filtered when
    /// compiling), as the pipeline applies it.
    filter: RuleFilter,
    /// The config's waivers and `per_path_ignores`, when it has any.
    gate: Option<Mutex<Gate>>,
    /// Unreadable rows of the price-history file, as findings.
    history: Vec<Finding>,
    state: State,
}

fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}

#[pymethods]
impl Linter {
    #[new]
    #[pyo3(signature = (rules=None, config=None, default_rules=true, select=None, ignore=None, as_of=None, price_history=None, profile=None, map=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        rules: Option<Vec<PathBuf>>,
        config: Option<PathBuf>,
        default_rules: bool,
        select: Option<Vec<String>>,
        ignore: Option<Vec<String>>,
        as_of: Option<String>,
        price_history: Option<PathBuf>,
        profile: Option<String>,
        map: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let state = State {
            rules: rules
                .unwrap_or_default()
                .into_iter()
                .map(absolute)
                .collect(),
            config: config.map(absolute),
            default_rules,
            select: select.unwrap_or_default(),
            ignore: ignore.unwrap_or_default(),
            as_of,
            price_history: price_history.map(absolute),
            profile,
            map: pairs_of(map, "map")?,
        };
        Self::build(py, state)
    }

    /// Checks one listing (a dict of field names to values, named as in a
    /// JSON Lines file: SPEC §1's fields and aliases, nested dicts as
    /// ``cert.ccc``). Returns its findings as dicts of the
    /// ``--format json`` finding schema, in field and position order.
    fn check<'py>(
        &self,
        py: Python<'py>,
        listing: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let file: Arc<str> = Arc::from(DICT_FILE);
        let mut mapper = FieldMapper::new(self.profile.clone());
        let listing = listing_from_object(&file, 1, 1, object_of(listing)?, &mut mapper);
        let findings = py.detach(|| self.check_listings(std::slice::from_ref(&listing)));
        findings_list(py, &findings)
    }

    /// Checks listings from an iterable of dicts; the findings of all of
    /// them, in input order (each listing's ``record`` and ``line`` are its
    /// 1-based position).
    fn check_many<'py>(
        &self,
        py: Python<'py>,
        listings: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let file: Arc<str> = Arc::from(DICT_FILE);
        let mut mapper = FieldMapper::new(self.profile.clone());
        let out = PyList::empty(py);
        let mut chunk: Vec<Listing> = Vec::with_capacity(CHUNK);
        let mut record = 0u64;
        let flush = |chunk: &mut Vec<Listing>| -> PyResult<()> {
            let findings = py.detach(|| self.check_listings(chunk));
            chunk.clear();
            for finding in &findings {
                out.append(finding_dict(py, finding)?)?;
            }
            Ok(())
        };
        for item in listings.try_iter()? {
            record += 1;
            let object = object_of(&item?)?;
            chunk.push(listing_from_object(
                &file,
                record,
                record,
                object,
                &mut mapper,
            ));
            if chunk.len() == CHUNK {
                flush(&mut chunk)?;
            }
        }
        flush(&mut chunk)?;
        Ok(out)
    }

    /// Checks an Arrow ``RecordBatch`` or ``Table`` (or any object with
    /// ``__arrow_c_stream__``), one listing per row: each column is a field
    /// (mapped like a JSON Lines key; ``mapping`` adds ``{field: column}``
    /// pairs, and ``id_column`` names the listing id's column), nulls are
    /// absent fields, struct columns are flattened as ``a.b``. String
    /// columns are read in place from the Arrow buffers. Returns a
    /// ``pyarrow.Table`` of findings with the columns listing_id, rule,
    /// category, severity, field, start, end, text, message, suggestion
    /// and fingerprint.
    #[pyo3(signature = (data, *, id_column="id", mapping=None))]
    fn check_arrow<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        id_column: &str,
        mapping: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mapping = pairs_of(mapping, "mapping")?;
        crate::arrow::check_arrow(self, py, data, id_column, mapping)
    }

    /// The id of every loaded rule, enabled or not.
    #[getter]
    fn rule_ids(&self) -> Vec<String> {
        self.core.rule_ids().to_vec()
    }

    /// The ids of the rules that run (enabled and selected).
    #[getter]
    fn enabled_rules(&self) -> Vec<String> {
        self.core
            .ruleset()
            .rules
            .iter()
            .map(|r| r.id.to_string())
            .collect()
    }

    /// Findings about rows of the price-history file that could not be
    /// read (``input/invalid-history-row``); ``listlint check`` reports
    /// them before the listings' findings.
    #[getter]
    fn history_findings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        findings_list(py, &self.history)
    }

    /// The settings the linter was built from, as keyword arguments of
    /// ``Linter``.
    #[getter]
    fn settings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = &self.state;
        let kwargs = PyDict::new(py);
        let text = |p: &PathBuf| p.display().to_string();
        kwargs.set_item("rules", s.rules.iter().map(text).collect::<Vec<_>>())?;
        kwargs.set_item("config", s.config.as_ref().map(text))?;
        kwargs.set_item("default_rules", s.default_rules)?;
        kwargs.set_item("select", &s.select)?;
        kwargs.set_item("ignore", &s.ignore)?;
        kwargs.set_item("as_of", &s.as_of)?;
        kwargs.set_item("price_history", s.price_history.as_ref().map(text))?;
        kwargs.set_item("profile", &s.profile)?;
        let map = PyDict::new(py);
        for (field, header) in &s.map {
            map.set_item(field, header)?;
        }
        kwargs.set_item("map", map)?;
        Ok(kwargs)
    }

    /// Pickling: the linter is rebuilt from its settings (``listlint._rebuild``
    /// keeps one linter per settings in a process).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let rebuild = py.import("listlint")?.getattr("_rebuild")?;
        let args = PyTuple::new(py, [self.settings(py)?])?;
        PyTuple::new(py, [rebuild, args.into_any()])
    }

    fn __repr__(&self) -> String {
        format!(
            "Linter({} rules enabled of {} loaded)",
            self.core.ruleset().rules.len(),
            self.core.rule_ids().len()
        )
    }
}

impl Linter {
    fn build(py: Python<'_>, state: State) -> PyResult<Self> {
        let config_path = state.config.clone();
        let loaded = match &config_path {
            Some(path) => Some(
                config::load(path).map_err(|e| errors::pack_error(py, &e, Some(path.as_path())))?,
            ),
            None => None,
        };
        let overrides = Overrides {
            rules: state.rules.clone(),
            no_default_rules: !state.default_rules,
            select: state.select.clone(),
            ignore: state.ignore.clone(),
            profile: state.profile.clone(),
            maps: state.map.clone(),
            ..Overrides::default()
        };
        let mut settings =
            Settings::resolve(loaded, overrides).map_err(|e| errors::config_error(py, &e))?;
        if let Some(text) = &state.as_of {
            settings.as_of = Some(Date::parse(text).ok_or_else(|| {
                PyValueError::new_err(format!("as_of: `{text}` is not a date (YYYY-MM-DD)"))
            })?);
        }
        let mut profile = Profile::named(&settings.profile).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown profile `{}`: one of {}",
                settings.profile,
                PROFILE_NAMES.join(", ")
            ))
        })?;
        for (field, header) in &settings.maps {
            profile.map(field, header);
        }
        let filter = settings.packs.filter();
        let config_file = config_path.as_deref();
        let built = py.detach(|| CoreLinter::new(settings));
        let mut core = built.map_err(|e| errors::linter_error(py, &e, config_file))?;
        let mut history = Vec::new();
        if let Some(path) = &state.price_history {
            let loaded = listlint_io::history::load(path)
                .map_err(|e| PyErr::new::<pyo3::exceptions::PyOSError, _>(errors::render(&e)))?;
            history = loaded
                .problems
                .iter()
                .flat_map(|row| core.ruleset().input_findings(row))
                .filter(|f| !filter.ignored(&f.rule, &f.category, &f.pack))
                .collect();
            core = core.with_price_history(loaded.history);
        }
        let gate = match &core.settings().config {
            Some(c) if !c.waivers.is_empty() || !c.config.per_path_ignores.is_empty() => {
                Some(Mutex::new(Gate {
                    waivers: Waivers::new(c, core.ruleset().settings.as_of),
                    per_path: PathIgnores::new(&c.config.per_path_ignores)
                        .map_err(|e| errors::config_error(py, &e))?,
                    ..Gate::default()
                }))
            }
            _ => None,
        };
        Ok(Self {
            core,
            profile: Arc::new(profile),
            filter,
            gate,
            history,
            state,
        })
    }

    /// The findings of listings as `listlint check` reports them: input
    /// findings that `ignore` names dropped, then the config's
    /// `per_path_ignores` and active waivers applied.
    pub fn check_listings(&self, listings: &[Listing]) -> Vec<Finding> {
        let mut findings = Vec::new();
        for listing in listings {
            findings.extend(self.core.check_listing(listing));
        }
        self.report(findings)
    }

    /// What of `findings` is reported (see [`Self::check_listings`]).
    pub fn report(&self, mut findings: Vec<Finding>) -> Vec<Finding> {
        findings.retain(|f| {
            &*f.category != INPUT_CATEGORY || !self.filter.ignored(&f.rule, &f.category, &f.pack)
        });
        match &self.gate {
            Some(gate) => match gate.lock() {
                Ok(mut gate) => gate.pass(findings, &mut Summary::new()),
                Err(poisoned) => poisoned.into_inner().pass(findings, &mut Summary::new()),
            },
            None => findings,
        }
    }
}

fn findings_list<'py>(py: Python<'py>, findings: &[Finding]) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for finding in findings {
        out.append(finding_dict(py, finding)?)?;
    }
    Ok(out)
}

/// `{field: name}` pairs from a dict, or from a sequence of pairs.
pub fn pairs_of(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Vec<(String, String)>> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    if value.is_none() {
        return Ok(Vec::new());
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        return dict
            .iter()
            .map(|(k, v)| Ok((k.extract::<String>()?, v.extract::<String>()?)))
            .collect();
    }
    value.extract::<Vec<(String, String)>>().map_err(|_| {
        PyValueError::new_err(format!(
            "{what} is a dict of field names to column or header names"
        ))
    })
}
