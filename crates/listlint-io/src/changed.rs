//! `check --changed-since REF`: the files of a git working tree that differ
//! from a ref, asked of `git` itself.
//!
//! A file counts as changed when it differs between REF and the working
//! tree (committed since, staged or not, deleted too, so that removing a
//! pack counts) or is untracked and not ignored. Names are read NUL-separated, so any file
//! name (Chinese, with spaces or quotes) comes through as it is.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::source::Input;

/// Why the changed files cannot be listed (a usage error).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ChangedError {
    /// `git` could not be run.
    #[error("--changed-since needs git, which cannot be run: {0}")]
    #[diagnostic(
        code(listlint::git),
        help("install git, or check every file (leave out --changed-since)")
    )]
    NoGit(std::io::Error),
    /// A git command failed.
    #[error("--changed-since {reference}: {message}")]
    #[diagnostic(code(listlint::git))]
    Git {
        /// The ref.
        reference: String,
        /// What git said.
        message: String,
    },
}

/// The files that differ from a ref, as absolute paths below the
/// repository's root (the root itself canonical).
#[derive(Debug, Clone, Default)]
pub struct ChangedFiles {
    files: HashSet<PathBuf>,
}

fn git(dir: &Path, reference: &str, args: &[&str]) -> Result<Vec<u8>, ChangedError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(ChangedError::NoGit)?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        return Err(ChangedError::Git {
            reference: reference.to_owned(),
            message: if message.is_empty() {
                format!("`git {}` failed", args.join(" "))
            } else {
                message
            },
        });
    }
    Ok(output.stdout)
}

#[cfg(unix)]
fn os_str(bytes: &[u8]) -> &OsStr {
    use std::os::unix::ffi::OsStrExt;
    OsStr::from_bytes(bytes)
}

#[cfg(not(unix))]
fn os_str(bytes: &[u8]) -> &OsStr {
    // git writes UTF-8 names elsewhere.
    OsStr::new(std::str::from_utf8(bytes).unwrap_or_default())
}

impl ChangedFiles {
    /// Asks git, in the repository holding `dir`, which files differ from
    /// `reference`.
    pub fn since(dir: &Path, reference: &str) -> Result<Self, ChangedError> {
        if reference.starts_with('-') {
            return Err(ChangedError::Git {
                reference: reference.to_owned(),
                message: "a ref cannot start with `-`".into(),
            });
        }
        let top = git(dir, reference, &["rev-parse", "--show-toplevel"])?;
        let top = String::from_utf8_lossy(&top)
            .trim_end_matches('\n')
            .to_owned();
        let top = Path::new(&top);
        let top = top.canonicalize().unwrap_or_else(|_| top.to_path_buf());
        let commit = format!("{reference}^{{commit}}");
        git(
            &top,
            reference,
            &["rev-parse", "--verify", "--quiet", &commit],
        )
        .map_err(|_| ChangedError::Git {
            reference: reference.to_owned(),
            message: "no such commit in this repository".into(),
        })?;
        let mut files = HashSet::new();
        let lists = [
            git(
                &top,
                reference,
                &["diff", "--name-only", "-z", "--no-renames", &commit, "--"],
            )?,
            git(
                &top,
                reference,
                &["ls-files", "-z", "--others", "--exclude-standard"],
            )?,
        ];
        for list in &lists {
            for name in list.split(|&b| b == 0).filter(|n| !n.is_empty()) {
                files.insert(top.join(os_str(name)));
            }
        }
        Ok(Self { files })
    }

    /// Whether `path` (relative to the working directory or absolute) is
    /// one of the changed files.
    pub fn contains(&self, path: &Path) -> bool {
        absolute(path).is_some_and(|p| self.files.contains(&p))
    }

    /// Whether a changed file is `watched` or lies below it (a pack
    /// folder).
    pub fn touches(&self, watched: &Path) -> bool {
        match absolute(watched) {
            Some(watched) => self.files.iter().any(|f| f.starts_with(&watched)),
            None => false,
        }
    }

    /// Number of changed files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file changed.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The inputs that changed; standard input is kept.
    pub fn retain(&self, inputs: Vec<Input>) -> Vec<Input> {
        inputs
            .into_iter()
            .filter(|input| input.path().is_none_or(|path| self.contains(path)))
            .collect()
    }
}

/// `path` made absolute with its folder canonical (the file itself is not
/// resolved, so a link is compared by its own name, as git lists it).
fn absolute(path: &Path) -> Option<PathBuf> {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    if path.is_dir() {
        return path.canonicalize().ok();
    }
    let name = path.file_name()?;
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty())?;
    Some(parent.canonicalize().ok()?.join(name))
}
