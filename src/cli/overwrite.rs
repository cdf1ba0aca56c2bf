//! Files `check` writes must not be files it reads: `-o` truncates its file
//! before the first input is opened, so `check -o X X` would read nothing,
//! and `--write-baseline X` would replace a listing file with a baseline.
//!
//! A file is the same file however it is reached (another spelling, a
//! symbolic link, a hard link): on Unix, device and inode decide. An output
//! that names an input given on the command line, the `--baseline` (for
//! `-o`), the `--price-history` or the config file is refused. An output
//! file that a folder walk found (the report of an earlier run, written into
//! the checked folder) is left out of the inputs, with a note, when it holds
//! a report or baseline (or nothing); a listing file is never overwritten,
//! however it was found.

use std::path::{Path, PathBuf};

use listlint_io::source::Input;
use listlint_io::terminal::escape_line;

/// A file the run writes, with the flag that names it.
#[derive(Debug, Clone, Copy)]
pub(super) struct WrittenFile<'a> {
    /// `-o` or `--write-baseline`.
    pub flag: &'static str,
    /// The path given.
    pub path: &'a Path,
}

/// A file the run reads besides its inputs, with the flag that names it.
#[derive(Debug, Clone, Copy)]
pub(super) struct ReadFile<'a> {
    /// `--baseline`, `--price-history`, `--config` …
    pub flag: &'static str,
    /// The path given.
    pub path: &'a Path,
}

/// What identifies a file: device and inode on Unix, else the canonical
/// path. `None` for a path that does not exist or is not a regular file
/// (writing `/dev/null` or a pipe destroys nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg(not(unix))]
    Canonical(PathBuf),
}

fn file_id(path: &Path) -> Option<FileId> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(FileId::Inode(meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        path.canonicalize().ok().map(FileId::Canonical)
    }
}

/// Whether two outputs are one file: the same existing file, or the same
/// path once made absolute when neither exists yet.
fn same_output(a: &Path, b: &Path) -> bool {
    match (file_id(a), file_id(b)) {
        (Some(x), Some(y)) => x == y,
        (None, None) => absolute(a) == absolute(b),
        _ => false,
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Refuses outputs that would overwrite a file the run reads, and returns
/// `inputs` without the output files a folder walk found. `named` are the
/// paths given on the command line (`-` for standard input). Writing
/// `--write-baseline` over `--baseline` is allowed: the baseline is read
/// before the run and written after it, which updates it in place.
pub(super) fn guard(
    named: &[String],
    inputs: Vec<Input>,
    written: &[WrittenFile<'_>],
    read: &[ReadFile<'_>],
) -> miette::Result<Vec<Input>> {
    for (i, first) in written.iter().enumerate() {
        for second in &written[i + 1..] {
            if same_output(first.path, second.path) {
                miette::bail!(
                    help = "give them different files",
                    "{} {} and {} {} are the same file",
                    first.flag,
                    first.path.display(),
                    second.flag,
                    second.path.display()
                );
            }
        }
    }
    let outputs: Vec<(WrittenFile<'_>, FileId)> = written
        .iter()
        .filter_map(|w| file_id(w.path).map(|id| (*w, id)))
        .collect();
    if outputs.is_empty() {
        return Ok(inputs);
    }
    let output_for = |path: &Path| -> Option<WrittenFile<'_>> {
        let id = file_id(path)?;
        outputs.iter().find(|(_, o)| *o == id).map(|(w, _)| *w)
    };
    for path in named.iter().filter(|p| *p != "-") {
        if let Some(w) = output_for(Path::new(path)) {
            miette::bail!(
                help = "write to another file; the input is left as it is",
                "{} {} is the input {path}: writing it would destroy the listings before they are read",
                w.flag,
                w.path.display()
            );
        }
    }
    for r in read {
        if let Some(w) = output_for(r.path) {
            let allowed = w.flag == "--write-baseline" && r.flag == "--baseline";
            if !allowed {
                miette::bail!(
                    help = "write to another file",
                    "{} {} is the {} file {}: writing it would destroy it",
                    w.flag,
                    w.path.display(),
                    r.flag,
                    r.path.display()
                );
            }
        }
    }
    let before = inputs.len();
    let mut refused = None;
    let kept: Vec<Input> = inputs
        .into_iter()
        .filter(|input| {
            let Input::File(path) = input else {
                return true;
            };
            match output_for(path) {
                Some(w) if !holds_report_or_nothing(path) => {
                    refused = Some((w, path.clone()));
                    true
                }
                Some(w) => {
                    super::output::note(format_args!(
                        "note: not checking {}, found in a folder: it is the file {} writes",
                        escape_line(&path.display().to_string()),
                        w.flag
                    ));
                    false
                }
                None => true,
            }
        })
        .collect();
    if let Some((w, path)) = refused {
        miette::bail!(
            help = "write the report outside the checked folders, or leave the file out with --exclude",
            "{} {} is {}, a listing file in a checked folder: writing it would destroy it",
            w.flag,
            w.path.display(),
            path.display()
        );
    }
    if kept.is_empty() && before > 0 {
        miette::bail!("nothing to check: the only file found is the output file");
    }
    Ok(kept)
}

/// Whether a file holds what `check` writes (a report in any format, or a
/// baseline) or nothing at all, judged by its first and last 4 KiB (a zip
/// file by its `docProps/core.xml`): such a file in a checked folder is an
/// earlier run's output, not listings.
fn holds_report_or_nothing(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    const PEEK: u64 = 4096;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let len = file.metadata().map_or(0, |m| m.len());
    if len == 0 {
        return true;
    }
    let mut text = Vec::new();
    let head = (&mut file).take(PEEK).read_to_end(&mut text);
    let tail = if len > PEEK {
        file.seek(SeekFrom::Start(len - PEEK))
            .and_then(|_| file.read_to_end(&mut text))
    } else {
        Ok(0)
    };
    if head.is_err() || tail.is_err() {
        return false;
    }
    if text.starts_with(b"PK\x03\x04") {
        return is_our_workbook(path);
    }
    let text = String::from_utf8_lossy(&text);
    // The CSV report's header row (after its byte-order mark).
    let csv_header = listlint_io::report::TABLE_COLUMNS.join(",");
    const MARKS: [&str; 8] = [
        "\"fingerprint\"",
        "\"findings\": []",
        "\"name\": \"listlint\"",
        "<testsuites name=\"listlint\"",
        "::error file=",
        "::warning file=",
        "::notice file=",
        "<meta name=\"generator\" content=\"listlint ",
    ];
    // The human report ends with its summary line.
    let human_summary = |line: &str| {
        (line.starts_with("Found ") && line.contains(" finding") && line.contains(" listing"))
            || (line.starts_with("No findings in ") && line.contains(" listing"))
    };
    MARKS.iter().any(|mark| text.contains(mark))
        || text.lines().any(human_summary)
        || text.starts_with(&format!("\u{feff}{csv_header}\r\n"))
}

/// Whether a zip file is a workbook `--format xlsx` wrote: its author, in
/// `docProps/core.xml` (read up to 64 KiB), is listlint.
fn is_our_workbook(path: &Path) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(file) else {
        return false;
    };
    let Ok(core) = zip.by_name("docProps/core.xml") else {
        return false;
    };
    let mut xml = String::new();
    if core.take(64 * 1024).read_to_string(&mut xml).is_err() {
        return false;
    }
    xml.contains(&format!(
        "<dc:creator>{}</dc:creator>",
        listlint_io::report::WORKBOOK_AUTHOR
    ))
}
