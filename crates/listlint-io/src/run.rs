//! The `check` pipeline: inputs → listings (read on their own thread, in
//! batches) → the ruleset (each batch a rayon task) → findings in input
//! order → a reporter (on the calling thread, while later batches are
//! checked).
//!
//! Batches are processed in parallel but collected in order, so output is the
//! same whatever the number of jobs. Memory holds a few batches at a time,
//! not the input.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, RecvTimeoutError};
use std::sync::Mutex;
use std::time::Duration;

use std::collections::{BTreeMap, HashSet};

use std::sync::Arc;

use crate::cache::{Key, ResultCache};
use crate::progress::Progress;
use crate::report::{BaselineSummary, Reporter, Summary};
use crate::source::{self, Input, RawRecord, ReadOptions, SourceError};
use listlint_core::engine::{AbsentColumns, RuleFilter, Ruleset, Scratch, INPUT_CATEGORY};
use listlint_core::listing::profile::FieldMapper;
use listlint_core::listing::Listing;
use listlint_core::model::Finding;
use listlint_core::policy::Gate;
use listlint_core::suppress::{self, Applied};

/// Listings per batch handed to the thread pool.
const BATCH_SIZE: usize = 512;
/// Bytes of input per batch, at most (give or take one record): a batch
/// of 512 large catalog files would otherwise hold hundreds of megabytes,
/// and listings of a few kilobytes (HTML descriptions) are checked faster
/// in smaller batches, whose memory stays in the processor's caches
/// (docs/performance.md).
const BATCH_BYTES: usize = 128 * 1024;
/// Batches read ahead of the ones being checked.
const BATCHES_AHEAD: usize = 1;
/// Batches read ahead when the calling thread checks too
/// ([`CheckPlan::caller_checks`]): a batch the reader has not read when
/// that thread asks for one is time it waits, while the reader competes
/// with the checking threads for the cores.
const BATCHES_AHEAD_CALLER_CHECKS: usize = 3;
/// Batches in flight beyond two per pool thread when the calling thread
/// checks too: the batches it checked while the pool's oldest one was
/// still being checked wait to be written, and should not make it stop.
const IN_FLIGHT_CALLER_CHECKS: usize = 6;
/// Longest time the findings of a checked batch wait to be written while
/// the input has nothing new.
const OUTPUT_LATENCY: Duration = Duration::from_millis(25);

/// What `check` reads and how.
#[derive(Debug, Clone)]
pub struct CheckPlan {
    /// Inputs in command-line order (folders already expanded).
    pub inputs: Vec<Input>,
    /// How inputs are read.
    pub read: ReadOptions,
    /// Which findings are reported: `--ignore` applies to input findings
    /// here; rule findings were filtered when the ruleset was compiled.
    pub filter: RuleFilter,
    /// Unreadable rows of the price-history file, reported first.
    pub history_problems: Vec<Listing>,
    /// Whether a progress bar may be drawn (a terminal, not `--quiet`).
    pub progress: bool,
    /// Whether the calling thread checks batches too, between writing
    /// findings: a pool of N threads then gives N + 1 checking threads.
    /// It keeps every checking thread busy without a thread that only
    /// writes and is woken for every batch (the CLI's `--jobs N`, N ≥ 2,
    /// runs a pool of N − 1 this way). Off: the pool's threads check and
    /// the calling thread writes.
    pub caller_checks: bool,
}

/// Why a check could not complete.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CheckError {
    /// An input could not be opened.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Source(#[from] SourceError),
    /// Writing the report failed.
    #[error("cannot write the report: {0}")]
    #[diagnostic(code(listlint::output))]
    Output(#[from] std::io::Error),
}

/// Runs the ruleset over every input and feeds the findings to `reporter`.
pub fn run_check(
    ruleset: &Ruleset,
    plan: &CheckPlan,
    pool: &rayon::ThreadPool,
    gate: &mut Gate,
    reporter: &mut dyn Reporter,
) -> Result<Summary, CheckError> {
    run_check_cached(ruleset, plan, pool, gate, reporter, None)
}

/// [`run_check`] with a result cache: catalog files found in it are not
/// parsed or checked, and those checked are added to it (see
/// [`crate::cache`]; saving it is the caller's).
pub fn run_check_cached(
    ruleset: &Ruleset,
    plan: &CheckPlan,
    pool: &rayon::ThreadPool,
    gate: &mut Gate,
    reporter: &mut dyn Reporter,
    cache: Option<&ResultCache>,
) -> Result<Summary, CheckError> {
    let rules: HashSet<&str> = ruleset.rules.iter().map(|r| &*r.id).collect();
    let mut summary = begin(&rules, plan, gate, reporter)?;
    if !plan.history_problems.is_empty() {
        let findings: Vec<_> = plan
            .history_problems
            .iter()
            .flat_map(|row| ruleset.input_findings(row))
            .filter(|f| !plan.filter.ignored(&f.rule, &f.category, &f.pack))
            .collect();
        let findings = gate.pass(findings, &mut summary);
        reporter.findings(&findings)?;
        if let Some(suppressed) = &mut gate.suppressed {
            reporter.suppressed(suppressed)?;
            suppressed.clear();
        }
    }
    // The sizes are for the progress bar only (a stat per input).
    let total_bytes = if plan.progress {
        plan.inputs
            .iter()
            .filter_map(|i| std::fs::metadata(i.path()?).ok().map(|m| m.len()))
            .sum()
    } else {
        0
    };
    let progress = Progress::new(total_bytes, plan.progress, plan.read.bytes_read.clone());
    // Catalog files the cache finds by their metadata are not opened.
    let known = cache.map_or_else(Vec::new, |c| c.keys(&plan.inputs, plan.read.format, pool));
    // Every input goes through one pipeline, opened in turn by the reader:
    // a batch can hold records of many small files (a catalog repository
    // has one listing per file), and the pool is set up once. An input
    // that cannot be opened ends the run once the findings of the inputs
    // before it are written.
    let opened = AtomicU64::new(0);
    let open_error: Mutex<Option<SourceError>> = Mutex::new(None);
    let records = plan
        .inputs
        .iter()
        .enumerate()
        .map_while(
            |(i, input)| -> Option<Box<dyn Iterator<Item = Work> + Send>> {
                if let Some(key) = known.get(i).copied().flatten() {
                    opened.fetch_add(1, Ordering::Relaxed);
                    let file: Arc<str> = Arc::from(input.display_name());
                    return Some(Box::new(std::iter::once(Work::Known(file, key))));
                }
                match source::open(input, &plan.read) {
                    Ok(records) => {
                        opened.fetch_add(1, Ordering::Relaxed);
                        Some(Box::new(records.map(Work::Record)))
                    }
                    Err(e) => {
                        if let Ok(mut slot) = open_error.lock() {
                            *slot = Some(e);
                        }
                        None
                    }
                }
            },
        )
        .flatten();
    let context = StreamContext {
        ruleset,
        plan,
        pool,
        progress: &progress,
        cache,
    };
    check_stream(&context, records, gate, reporter, &mut summary)?;
    summary.files = opened.into_inner();
    if let Some(e) = open_error.into_inner().ok().flatten() {
        return Err(e.into());
    }
    progress.finish();
    end(gate, reporter, summary)
}

/// What every run does first: limits the baseline to the rules the run
/// checks (`rules`: the enabled rules' ids) and writes the findings of
/// expired waivers.
fn begin(
    rules: &HashSet<&str>,
    plan: &CheckPlan,
    gate: &mut Gate,
    reporter: &mut dyn Reporter,
) -> Result<Summary, CheckError> {
    let mut summary = Summary::new();
    if let Some(baseline) = &mut gate.baseline {
        baseline.limit_to(|rule| checks_rule(rules, &plan.filter, rule));
    }
    let mut expired = gate.waivers.expired_findings();
    gate.hide_below_min_severity(&mut expired, &mut summary);
    if !expired.is_empty() {
        for f in &expired {
            summary.count(f);
            if gate.statistics {
                summary.count_rule(f);
            }
        }
        reporter.findings(&expired)?;
    }
    Ok(summary)
}

/// What every run does last: the baseline's and waivers' counts, and the
/// end of the report.
fn end(
    gate: &mut Gate,
    reporter: &mut dyn Reporter,
    mut summary: Summary,
) -> Result<Summary, CheckError> {
    if let (Some(recorded), Some(baseline)) = (&mut gate.recorded, &gate.baseline) {
        recorded.extend_from_slice(baseline.unchecked());
    }
    summary.waived = gate.waivers.waived;
    summary.baseline = gate.baseline.as_ref().map(|b| BaselineSummary {
        suppressed: b.suppressed(),
        stale: b.stale(),
    });
    reporter.finish(&summary)?;
    Ok(summary)
}

/// [`run_check_cached`] for a run whose every input is a catalog file the
/// cache holds (`keys`, from [`ResultCache::confirm`], one per input):
/// their findings are written in input order through the gate, as
/// checking them would write them, with no ruleset; `rules` are the
/// enabled rules' ids (for the baseline).
pub fn run_all_cached(
    rules: &HashSet<&str>,
    plan: &CheckPlan,
    gate: &mut Gate,
    reporter: &mut dyn Reporter,
    cache: &ResultCache,
    keys: &[Key],
) -> Result<Summary, CheckError> {
    let mut summary = begin(rules, plan, gate, reporter)?;
    for key in keys {
        let Some((mut findings, applied)) = cache.lookup(key) else {
            return Err(CheckError::Output(std::io::Error::other(
                "the result cache lost an entry it had found",
            )));
        };
        findings.retain(|f| {
            &*f.category != INPUT_CATEGORY || !plan.filter.ignored(&f.rule, &f.category, &f.pack)
        });
        summary.listings += 1;
        summary.suppressed_inline += applied.iter().map(|a| a.suppressed).sum::<u64>();
        summary.inline_suppressions.extend(applied);
        let findings = gate.pass(findings, &mut summary);
        reporter.findings(&findings)?;
        if let Some(suppressed) = &mut gate.suppressed {
            if !suppressed.is_empty() {
                reporter.suppressed(suppressed)?;
                suppressed.clear();
            }
        }
    }
    summary.files = keys.len() as u64;
    end(gate, reporter, summary)
}

/// Whether this run can report findings of `rule`: one of the ruleset's
/// (enabled) rules, or an input problem that `--ignore` does not hide.
fn checks_rule(rules: &HashSet<&str>, filter: &RuleFilter, rule: &str) -> bool {
    rules.contains(rule)
        || rule
            .strip_prefix(INPUT_CATEGORY)
            .is_some_and(|rest| rest.starts_with('/'))
            && !filter.ignored(rule, INPUT_CATEGORY, INPUT_CATEGORY)
}

/// What checking one input needs besides its records.
struct StreamContext<'a> {
    ruleset: &'a Ruleset,
    plan: &'a CheckPlan,
    pool: &'a rayon::ThreadPool,
    progress: &'a Progress,
    cache: Option<&'a ResultCache>,
}

fn check_stream(
    context: &StreamContext<'_>,
    records: impl Iterator<Item = Work> + Send,
    gate: &mut Gate,
    reporter: &mut dyn Reporter,
    summary: &mut Summary,
) -> Result<(), CheckError> {
    let StreamContext {
        ruleset,
        plan,
        pool,
        progress,
        cache,
    } = *context;
    // Checkers' scratch space, reused from batch to batch.
    let scratches: Mutex<Vec<(Scratch, FieldMapper)>> = Mutex::new(Vec::new());
    let collapse = ruleset.settings.collapse;
    let check_batch = |batch: Vec<Work>| -> CheckedBatch {
        let spare = scratches.lock().ok().and_then(|mut s| s.pop());
        let (mut scratch, mut mapper) = spare.unwrap_or_else(|| {
            (
                Scratch::default(),
                FieldMapper::new(plan.read.profile.clone()),
            )
        });
        let mut segments: Vec<Segment> = Vec::new();
        let mut applied = Vec::new();
        let mut absent = Vec::new();
        for work in batch {
            let record = match work {
                Work::Record(record) => record,
                Work::Known(file, key) => match cache.and_then(|c| c.lookup(&key)) {
                    Some((found, used)) => {
                        segment_of(&mut segments, &file).findings.extend(found);
                        applied.extend(used);
                        continue;
                    }
                    // Not reached: the cache found the key among its
                    // entries, which do not change during a run.
                    None => RawRecord::Parsed(Listing::unreadable(
                        &file,
                        1,
                        1,
                        "input/unreadable-record",
                        "the result cache lost this file's entry; check it again with --no-cache"
                            .to_owned(),
                    )),
                },
            };
            let cached = cache.and_then(|c| {
                ResultCache::key_of(&record).map(|(key, path)| (c, key, path.to_owned()))
            });
            if let Some((c, key, path)) = &cached {
                if let Some((found, used)) = c.lookup(key) {
                    // A catalog file: one listing, no header to collapse.
                    segment_of(&mut segments, path).findings.extend(found);
                    applied.extend(used);
                    continue;
                }
            }
            let (listing, directives) =
                record.into_listing_with_directives(&mut mapper, plan.read.place_values);
            let mut found = if collapse {
                absent.clear();
                ruleset.check_collapsing(&listing, &mut scratch, &mut absent)
            } else {
                ruleset.check(&listing, &mut scratch)
            };
            let mut used = Vec::new();
            if !directives.is_empty() {
                used = suppress::apply(ruleset, &listing, &directives, &mut found);
            }
            if let Some((c, key, path)) = cached {
                c.store(key, &path, &found, &used);
            }
            applied.extend(used);
            let segment = segment_of(&mut segments, &listing.file);
            segment.findings.extend(found);
            let header_line = listing.header.as_ref().map_or(0, |h| h.line);
            for &rule in &absent {
                match segment.absent.iter_mut().find(|(r, _, _)| *r == rule) {
                    Some((_, _, n)) => *n += 1,
                    None => segment.absent.push((rule, header_line, 1)),
                }
            }
        }
        if let Ok(mut s) = scratches.lock() {
            s.push((scratch, mapper));
        }
        for segment in &mut segments {
            segment.findings.retain(|f| {
                &*f.category != INPUT_CATEGORY
                    || !plan.filter.ignored(&f.rule, &f.category, &f.pack)
            });
        }
        (segments, applied)
    };
    let pool_threads = pool.current_num_threads();
    // One batch per checking thread and one more being written: memory
    // holds a few hundred kilobytes of input per thread, whatever the
    // input's size. When this thread checks too, each pool thread has one
    // more batch queued, so that none waits for this thread to hand it
    // the next while this thread checks one (measured: see
    // docs/performance.md).
    let (in_flight_limit, pool_queue, read_ahead) = if plan.caller_checks {
        (
            2 * pool_threads + IN_FLIGHT_CALLER_CHECKS,
            2 * pool_threads,
            BATCHES_AHEAD_CALLER_CHECKS,
        )
    } else {
        (pool_threads + 1, usize::MAX, BATCHES_AHEAD)
    };
    // With one checking thread, the run waits for that thread while the
    // reader waits for it most of the time: the reader then parses JSON
    // records itself, as it parses CSV and spreadsheet rows whatever the
    // threads. With more, the checking threads parse them, side by side.
    let read = &plan.read;
    let checking_threads = pool_threads + usize::from(plan.caller_checks);
    let mut reader_mapper = (checking_threads == 1).then(|| FieldMapper::new(read.profile.clone()));
    std::thread::scope(|threads| {
        let (tx, rx) = sync_channel::<Vec<Work>>(read_ahead);
        threads.spawn(move || {
            let mut records = records;
            loop {
                let mut batch = next_batch(&mut records);
                if let Some(mapper) = &mut reader_mapper {
                    batch = parse_json_records(batch, mapper, read.place_values);
                }
                if batch.is_empty() || tx.send(batch).is_err() {
                    break;
                }
            }
        });
        // Batches are checked as pool tasks while this thread writes the
        // findings of finished ones, in input order.
        let (done_tx, done_rx) = channel::<Checked>();
        let mut output = InOrder::new(ruleset, gate, reporter, summary, progress);
        let result = pool.in_place_scope(|tasks| -> Result<(), CheckError> {
            let mut sent = 0u64;
            // Batches handed to the pool and not yet back.
            let mut in_pool = 0usize;
            let mut reading = true;
            while reading || output.next < sent {
                while let Ok(done) = done_rx.try_recv() {
                    in_pool -= 1;
                    output.take(done)?;
                }
                if !reading || sent - output.next >= in_flight_limit as u64 {
                    if output.next < sent {
                        let Ok(done) = done_rx.recv() else { break };
                        in_pool -= 1;
                        output.take(done)?;
                    }
                    continue;
                }
                // Waiting for the reader is bounded, so that findings of
                // batches already checked are written even while a slow
                // input (a pipe, standard input) has nothing new.
                let batch = match rx.recv_timeout(OUTPUT_LATENCY) {
                    Ok(batch) => batch,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => {
                        reading = false;
                        continue;
                    }
                };
                let seq = sent;
                sent += 1;
                if in_pool >= pool_queue {
                    // Every pool thread has a batch and one queued: this
                    // thread checks this one, and writes it if it is next.
                    let listings = batch.len();
                    let findings =
                        std::panic::catch_unwind(AssertUnwindSafe(|| check_batch(batch)));
                    output.take(Checked {
                        seq,
                        listings,
                        findings,
                    })?;
                    continue;
                }
                in_pool += 1;
                let done_tx = done_tx.clone();
                let check_batch = &check_batch;
                tasks.spawn(move |_| {
                    let listings = batch.len();
                    // A panic is carried to this thread and resumed there,
                    // rather than leaving it waiting for the batch.
                    let findings =
                        std::panic::catch_unwind(AssertUnwindSafe(|| check_batch(batch)));
                    // The receiver outlives every task of this scope.
                    let _ = done_tx.send(Checked {
                        seq,
                        listings,
                        findings,
                    });
                });
            }
            // The last file's collapsed findings.
            output.write_absent()
        });
        // Returning drops `rx`, which stops the reader thread.
        result
    })
}

/// The findings of consecutive listings of one file in a batch, and the
/// `require` rules noted absent for them (see
/// [`Ruleset::check_collapsing`]).
/// The segment of `file`'s findings: the last one, or a new one when the
/// batch moves on to another file.
fn segment_of<'s>(segments: &'s mut Vec<Segment>, file: &str) -> &'s mut Segment {
    if segments.last().is_none_or(|last| *last.file != *file) {
        segments.push(Segment {
            file: std::sync::Arc::from(file),
            findings: Vec::new(),
            absent: Vec::new(),
        });
    }
    let last = segments.len() - 1;
    &mut segments[last]
}

struct Segment {
    /// The listings' file.
    file: std::sync::Arc<str>,
    /// Their findings.
    findings: Vec<Finding>,
    /// (rule index, header line, listings).
    absent: Vec<(u32, u64, u64)>,
}

/// A record to check, or a catalog file the cache found by its metadata
/// (its name and key).
enum Work {
    Record(RawRecord),
    Known(Arc<str>, Key),
}

impl Work {
    fn input_bytes(&self) -> usize {
        match self {
            Work::Record(record) => record.input_bytes(),
            Work::Known(..) => 0,
        }
    }
}

/// `batch` with its JSON records parsed (see [`RawRecord::parse_json`]);
/// the batch was made of them as read, so its bounds stay the same.
fn parse_json_records(batch: Vec<Work>, mapper: &mut FieldMapper, place_values: bool) -> Vec<Work> {
    batch
        .into_iter()
        .map(|work| match work {
            Work::Record(record) => Work::Record(record.parse_json(mapper, place_values)),
            known => known,
        })
        .collect()
}

/// The next batch: [`BATCH_SIZE`] records, or fewer once they hold
/// [`BATCH_BYTES`] of input.
fn next_batch(records: &mut impl Iterator<Item = Work>) -> Vec<Work> {
    let mut batch = Vec::with_capacity(BATCH_SIZE);
    let mut bytes = 0;
    for record in records {
        bytes += record.input_bytes();
        batch.push(record);
        if batch.len() == BATCH_SIZE || bytes >= BATCH_BYTES {
            break;
        }
    }
    batch
}

/// Puts finished batches back in input order and passes them through the
/// gate to the reporter.
struct InOrder<'a> {
    ruleset: &'a Ruleset,
    gate: &'a mut Gate,
    reporter: &'a mut dyn Reporter,
    summary: &'a mut Summary,
    progress: &'a Progress,
    /// Sequence number of the next batch to write.
    next: u64,
    /// Finished batches waiting for an earlier one.
    waiting: BTreeMap<u64, (usize, CheckedBatch)>,
    /// Listings of the file being written whose `require` rules found no
    /// column, reported when the file's findings end.
    absent: AbsentColumns,
}

/// A batch's findings and the inline suppressions applied to it.
type CheckedBatch = (Vec<Segment>, Vec<Applied>);

/// A checked batch.
struct Checked {
    /// Its sequence number, in input order.
    seq: u64,
    /// Its number of records.
    listings: usize,
    /// Its findings, or the panic that interrupted it.
    findings: std::thread::Result<CheckedBatch>,
}

impl<'a> InOrder<'a> {
    fn new(
        ruleset: &'a Ruleset,
        gate: &'a mut Gate,
        reporter: &'a mut dyn Reporter,
        summary: &'a mut Summary,
        progress: &'a Progress,
    ) -> Self {
        Self {
            ruleset,
            gate,
            reporter,
            summary,
            progress,
            next: 0,
            waiting: BTreeMap::new(),
            absent: AbsentColumns::new(),
        }
    }

    /// Writes the collapsed findings of the file counted so far.
    fn write_absent(&mut self) -> Result<(), CheckError> {
        let findings = self.absent.findings(self.ruleset);
        if !findings.is_empty() {
            let findings = self.gate.pass(findings, self.summary);
            self.reporter.findings(&findings)?;
        }
        Ok(())
    }

    /// Accepts a finished batch and writes every batch now in order.
    fn take(&mut self, checked: Checked) -> Result<(), CheckError> {
        let Checked {
            seq,
            listings,
            findings,
        } = checked;
        let findings = findings.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        self.waiting.insert(seq, (listings, findings));
        while let Some((listings, (segments, applied))) = self.waiting.remove(&self.next) {
            self.next += 1;
            self.summary.listings += listings as u64;
            self.summary.suppressed_inline += applied.iter().map(|a| a.suppressed).sum::<u64>();
            self.summary.inline_suppressions.extend(applied);
            for segment in segments {
                // A file's collapsed findings come after its listings'.
                if self.absent.counts_other_than(&segment.file) {
                    self.write_absent()?;
                }
                let findings = self.gate.pass(segment.findings, self.summary);
                self.reporter.findings(&findings)?;
                for (rule, header_line, listings) in segment.absent {
                    self.absent.add(&segment.file, header_line, rule, listings);
                }
                if let Some(suppressed) = &mut self.gate.suppressed {
                    if !suppressed.is_empty() {
                        self.reporter.suppressed(suppressed)?;
                        suppressed.clear();
                    }
                }
            }
            self.progress.update(self.summary.listings);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(bytes: usize) -> Work {
        Work::Record(RawRecord::JsonLine {
            file: Arc::from("p.jsonl"),
            line: 1,
            record: 1,
            bytes: vec![b'x'; bytes],
        })
    }

    #[test]
    fn batches_hold_at_most_a_count_of_records_or_a_size_of_input() {
        let sizes = |records: Vec<Work>| -> Vec<usize> {
            let mut records = records.into_iter();
            std::iter::from_fn(|| Some(next_batch(&mut records)).filter(|b| !b.is_empty()))
                .map(|batch| batch.len())
                .collect()
        };
        let small = (0..BATCH_SIZE * 2 + 3).map(|_| record(100)).collect();
        assert_eq!(sizes(small), [BATCH_SIZE, BATCH_SIZE, 3]);
        // Large files: a batch closes with the record that reaches the size.
        let large = (0..7).map(|_| record(BATCH_BYTES / 3 + 1)).collect();
        assert_eq!(sizes(large), [3, 3, 1]);
    }
}
