//! Expanding command-line paths into the list of inputs to read.

use std::fs;
use std::path::Path;

use super::{Input, InputFormat, SourceError};

/// Folders never descended into.
const SKIPPED_DIRS: &[&str] = &["node_modules", "target"];

/// Expands files, directories (recursively, in sorted order, keeping files
/// of a known format and skipping hidden folders) and `-`. Every file named
/// directly must have a known format unless `forced` gives one, and the
/// result must not be empty, so that a typo fails before any output.
pub fn expand_inputs(
    paths: &[String],
    forced: Option<InputFormat>,
) -> Result<Vec<Input>, SourceError> {
    let mut inputs = Vec::new();
    for raw in paths {
        if raw == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let path = Path::new(raw);
        let meta = fs::metadata(path).map_err(|source| SourceError::Io {
            path: raw.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk_dir(path, &mut inputs)?;
        } else if forced.is_none() && InputFormat::from_path(path).is_none() {
            return Err(SourceError::UnknownFormat { path: raw.clone() });
        } else {
            inputs.push(Input::File(path.to_path_buf()));
        }
    }
    if inputs.is_empty() {
        return Err(SourceError::NothingFound {
            paths: paths.join(", "),
        });
    }
    Ok(inputs)
}

fn walk_dir(dir: &Path, inputs: &mut Vec<Input>) -> Result<(), SourceError> {
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
        // Symlinked folders are not followed, so a link loop cannot hang the walk.
        let file_type = entry.file_type().map_err(io_err)?;
        if file_type.is_dir() {
            if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref()) {
                walk_dir(&path, inputs)?;
            }
        } else if InputFormat::from_path(&path).is_some() {
            inputs.push(Input::File(path));
        }
    }
    Ok(())
}
