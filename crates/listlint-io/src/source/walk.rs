//! Expanding command-line paths into the list of inputs to read.

use std::fs;
use std::path::Path;

use listlint_core::file_kind::skip_reason;

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::{Input, InputFormat, SourceError};

/// Folders never descended into.
const SKIPPED_DIRS: &[&str] = &["node_modules", "target"];

/// Files a folder walk leaves out unless `--include` names them: project
/// documents and listlint's own configuration, which share extensions with
/// catalog files.
const DEFAULT_EXCLUDES: &[&str] = &[
    "README*",
    "CHANGELOG*",
    "CONTRIBUTING*",
    "LICENSE*",
    "listlint.yaml",
    ".listlint.yaml",
    "*.test.yaml",
];

/// Which files a folder walk keeps (`--include` / `--exclude`).
#[derive(Debug, Clone, Default)]
pub struct WalkFilter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    defaults: Option<GlobSet>,
}

fn glob_set(patterns: &[String]) -> Result<Option<GlobSet>, SourceError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|e| SourceError::BadGlob {
            pattern: pattern.clone(),
            message: e.kind().to_string(),
        })?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| SourceError::BadGlob {
        pattern: patterns.join(", "),
        message: e.to_string(),
    })
}

impl WalkFilter {
    /// Globs are matched against the path below the walked folder and
    /// against the file name (`*.csv`, `exports/**/2026-*.jsonl`).
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self, SourceError> {
        let defaults: Vec<String> = DEFAULT_EXCLUDES.iter().map(|s| (*s).to_owned()).collect();
        Ok(Self {
            include: glob_set(include)?,
            exclude: glob_set(exclude)?,
            defaults: glob_set(&defaults)?,
        })
    }

    fn matches(set: &Option<GlobSet>, relative: &Path) -> bool {
        set.as_ref().is_some_and(|s| {
            s.is_match(relative) || relative.file_name().is_some_and(|n| s.is_match(n))
        })
    }

    fn keeps_file(&self, relative: &Path) -> bool {
        let included = Self::matches(&self.include, relative);
        if Self::matches(&self.exclude, relative) {
            return false;
        }
        match &self.include {
            Some(_) => included,
            None => !Self::matches(&self.defaults, relative),
        }
    }

    fn keeps_dir(&self, relative: &Path) -> bool {
        !Self::matches(&self.exclude, relative)
    }
}

/// Expands files, directories (recursively, in sorted order, keeping files
/// of a known format that the filter keeps, skipping hidden folders,
/// `node_modules` and `target`, never following symlinked folders, so
/// a link loop cannot hang the walk, and skipping whatever is not a regular
/// file or a link to one: a named pipe would block the run, a device such
/// as `/dev/zero` never end) and `-`. Every file named directly
/// must have a known format unless `forced` gives one, and the result must
/// not be empty, so that a typo fails before any output.
pub fn expand_inputs(
    paths: &[String],
    forced: Option<InputFormat>,
    filter: &WalkFilter,
) -> Result<Vec<Input>, SourceError> {
    Ok(expand_inputs_noting_skipped(paths, forced, filter)?.inputs)
}

/// The inputs of a walk, and the files it passed over because they are not
/// regular files (named pipes, devices, links to them), with the reason.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The inputs, in command-line order, folders expanded in name order.
    pub inputs: Vec<Input>,
    /// Files skipped, and why.
    pub skipped: Vec<(std::path::PathBuf, &'static str)>,
}

/// [`expand_inputs`], also telling which files folder walks skipped.
pub fn expand_inputs_noting_skipped(
    paths: &[String],
    forced: Option<InputFormat>,
    filter: &WalkFilter,
) -> Result<Expanded, SourceError> {
    let mut expanded = Expanded::default();
    for raw in paths {
        if raw == "-" {
            expanded.inputs.push(Input::Stdin);
            continue;
        }
        let path = Path::new(raw);
        let meta = fs::metadata(path).map_err(|source| SourceError::Io {
            path: raw.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk_dir(path, path, filter, &mut expanded)?;
        } else if forced.is_none() && InputFormat::from_path(path).is_none() {
            return Err(SourceError::UnknownFormat { path: raw.clone() });
        } else {
            expanded.inputs.push(Input::File(path.to_path_buf()));
        }
    }
    if expanded.inputs.is_empty() {
        return Err(SourceError::NothingFound {
            paths: paths.join(", "),
        });
    }
    Ok(expanded)
}

fn walk_dir(
    root: &Path,
    dir: &Path,
    filter: &WalkFilter,
    found: &mut Expanded,
) -> Result<(), SourceError> {
    let io_err = |source| SourceError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut entries = fs::read_dir(dir)
        .map_err(io_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(io_err)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let file_type = entry.file_type().map_err(io_err)?;
        if file_type.is_dir() {
            let hidden = name.starts_with('.') || SKIPPED_DIRS.contains(&name.as_ref());
            if !hidden && filter.keeps_dir(relative) {
                walk_dir(root, &path, filter, found)?;
            }
        } else if InputFormat::from_path(&path).is_some() && filter.keeps_file(relative) {
            match skip_reason(&path, file_type) {
                None => found.inputs.push(Input::File(path)),
                Some(reason) => found.skipped.push((path, reason)),
            }
        }
    }
    Ok(())
}
