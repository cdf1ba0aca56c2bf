//! Saved reports: the bytes a run wrote, kept in the cache folder with
//! the state of every file it read, so that a later run with the same
//! [`ReportKey`] (fingerprint, format and output options) whose files are
//! all unchanged copies them instead of checking or reading anything.
//!
//! A saved report is kept only when every input was a catalog file whose
//! metadata had settled (see [`super::SETTLED`]) and whose key the run
//! knew; it is reused only when the run's inputs are the same names in
//! the same order and each is still the same file: the same size, times
//! and identity (as for entries found without being read), or, after a
//! file's metadata changed, the same key (name and bytes).
//!
//! The file (`report-KEY.bin`, one per key, the [`MAX_REPORTS`] newest
//! kept) is `LLREPRT\0`, the format (`u32`), the header's length (`u64`),
//! the header (the key, the run's [`Outcome`], each file's name, metadata
//! and key, the report's length) and the report's bytes. It is written to
//! a temporary file and renamed, like a bundle; a file that is not whole
//! and well-formed is not used.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::codec::{Reader, Writer};
use super::{hex, is_catalog, FileStat, Key};
use crate::source::{Input, InputFormat};

const MAGIC: &[u8; 8] = b"LLREPRT\0";
const FORMAT: u32 = 1;
/// The most report files the cache folder keeps.
pub const MAX_REPORTS: usize = 4;
/// The largest report saved (a larger one is written, not kept): a run
/// holds the report in memory until it ends, so this bounds what saving
/// adds to its peak memory.
pub const MAX_REPORT_BYTES: usize = 32 << 20;
/// The largest header read (names and metadata of the files).
const MAX_HEADER_BYTES: u64 = 256 << 20;

/// A digest of everything a report's bytes depend on besides the files
/// checked: the cache fingerprint, the format and the output options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportKey(String);

impl ReportKey {
    /// The key of a report made under the cache `fingerprint` (see
    /// [`super::ResultCache::fingerprint`]) with `parts`, each labelled.
    pub fn new<'a>(
        fingerprint: &str,
        parts: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Self {
        let mut hash = Sha256::new();
        let mut add = |part: &[u8]| {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        };
        add(&FORMAT.to_le_bytes());
        add(fingerprint.as_bytes());
        for (label, bytes) in parts {
            add(label.as_bytes());
            add(bytes);
        }
        Self(hex(&hash.finalize()))
    }

    fn path(&self, dir: &Path) -> PathBuf {
        dir.join(format!("report-{}.bin", &self.0[..32]))
    }
}

/// What a run decided besides its report, kept with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Whether a finding reached `--fail-on` (exit 1).
    pub failed: bool,
    /// Baseline entries that no longer occur.
    pub stale_baseline: u64,
}

/// One input of the run that wrote a report: its name (as findings show
/// it), its settled metadata and its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    pub(super) name: String,
    pub(super) stat: FileStat,
    pub(super) key: Key,
}

/// A saved report found for a key: its header read, its bytes not yet.
#[derive(Debug)]
pub struct SavedReport {
    file: File,
    offset: u64,
    len: u64,
    outcome: Outcome,
    states: Vec<FileState>,
}

impl SavedReport {
    /// The report saved in `dir` for `key`, if there is a whole one.
    pub fn open(dir: &Path, key: &ReportKey) -> Option<Self> {
        let mut file = File::open(key.path(dir)).ok()?;
        let size = file.metadata().ok()?.len();
        let mut head = [0u8; 20];
        file.read_exact(&mut head).ok()?;
        let mut r = Reader(&head);
        if r.take(MAGIC.len())? != MAGIC || r.u32()? != FORMAT {
            return None;
        }
        let header_len = r.u64()?;
        if header_len > MAX_HEADER_BYTES || 20 + header_len > size {
            return None;
        }
        let mut header = vec![0u8; usize::try_from(header_len).ok()?];
        file.read_exact(&mut header).ok()?;
        let (outcome, states, len) = decode_header(&header, key)?;
        let offset = 20 + header_len;
        (offset.checked_add(len)? == size).then_some(Self {
            file,
            offset,
            len,
            outcome,
            states,
        })
    }

    /// What the run that wrote the report decided.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// Whether `inputs` are the files the report was made from, by their
    /// metadata (a `stat` each, in parallel): the same names in the same
    /// order, each a catalog file (read as `forced`, or as its extension
    /// says) with the size, times and identity recorded, which had
    /// settled.
    pub fn unchanged(
        &self,
        inputs: &[Input],
        forced: Option<InputFormat>,
        pool: &rayon::ThreadPool,
    ) -> bool {
        if inputs.len() != self.states.len() {
            return false;
        }
        let now = SystemTime::now();
        pool.install(|| {
            inputs
                .par_iter()
                .zip(self.states.par_iter())
                .all(|(input, state)| {
                    let Input::File(path) = input else {
                        return false;
                    };
                    is_catalog(input, forced)
                        && input.display_name() == state.name
                        && std::fs::metadata(path).is_ok_and(|meta| {
                            let stat = FileStat::of(&meta);
                            meta.is_file() && stat == state.stat && stat.settled(now)
                        })
                })
        })
    }

    /// Whether `inputs`, whose keys are `keys`, are the files the report
    /// was made from: the same names in the same order with the same keys
    /// (bytes), whatever their metadata now.
    pub fn same_files(&self, inputs: &[Input], keys: &[Key]) -> bool {
        inputs.len() == self.states.len()
            && keys.len() == self.states.len()
            && inputs
                .iter()
                .zip(keys)
                .zip(&self.states)
                .all(|((input, key), state)| {
                    *key == state.key && input.display_name() == state.name
                })
    }

    /// Copies the report's bytes to `out`; an error if the file no longer
    /// holds all of them.
    pub fn copy_to(mut self, out: &mut dyn Write) -> io::Result<()> {
        self.file.seek(SeekFrom::Start(self.offset))?;
        let mut left = self.len;
        let mut buf = vec![0u8; 256 << 10];
        while left > 0 {
            let want = usize::try_from(left).map_or(buf.len(), |l| l.min(buf.len()));
            let n = self.file.read(&mut buf[..want])?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the saved report is shorter than its header says",
                ));
            }
            out.write_all(&buf[..n])?;
            left -= n as u64;
        }
        Ok(())
    }
}

fn decode_header(header: &[u8], key: &ReportKey) -> Option<(Outcome, Vec<FileState>, u64)> {
    let mut r = Reader(header);
    if r.str()? != key.0 {
        return None;
    }
    let outcome = Outcome {
        failed: match r.u8()? {
            0 => false,
            1 => true,
            _ => return None,
        },
        stale_baseline: r.u64()?,
    };
    let count = r.count(4 + 48 + 32)?;
    let mut states = Vec::with_capacity(count);
    for _ in 0..count {
        let name = r.str()?;
        let stat = r.stat()?;
        let key: Key = r.take(32)?.try_into().ok()?;
        states.push(FileState { name, stat, key });
    }
    let len = r.u64()?;
    r.0.is_empty().then_some((outcome, states, len))
}

/// Saves `report` in `dir` for `key`, made from the files `states` with
/// `outcome`; removes all but the [`MAX_REPORTS`] newest reports.
pub fn save_report(
    dir: &Path,
    key: &ReportKey,
    states: &[FileState],
    outcome: Outcome,
    report: &[u8],
) -> io::Result<()> {
    let mut w = Writer(Vec::with_capacity(64 + states.len() * 96));
    w.str(&key.0);
    w.u8(u8::from(outcome.failed));
    w.u64(outcome.stale_baseline);
    w.len(states.len());
    for state in states {
        w.str(&state.name);
        w.stat(&state.stat);
        w.0.extend_from_slice(&state.key);
    }
    w.u64(report.len() as u64);
    let mut head = Writer(Vec::with_capacity(20));
    head.0.extend_from_slice(MAGIC);
    head.u32(FORMAT);
    head.u64(w.0.len() as u64);
    let path = key.path(dir);
    let mut temp = super::temporary_in(dir)?;
    {
        let mut out = io::BufWriter::new(temp.as_file_mut());
        out.write_all(&head.0)?;
        out.write_all(&w.0)?;
        out.write_all(report)?;
        out.flush()?;
    }
    temp.persist(&path).map_err(|e| e.error)?;
    super::prune(dir, &path, "report-", MAX_REPORTS);
    Ok(())
}
