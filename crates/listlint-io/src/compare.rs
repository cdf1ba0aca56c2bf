//! `listlint compare`: each channel's exports read (any input format and
//! encoding, through the same readers as `check`) into a
//! [`listlint_core::compare::Join`], then its findings passed through the
//! policy [`Gate`] to a [`Reporter`].
//!
//! Records are read one channel after another; JSON Lines and JSON
//! records are parsed on the thread pool, a batch at a time, and added to
//! the join in input order, so the result never depends on `--jobs`.

use std::sync::Arc;

use rayon::prelude::*;

use listlint_core::compare::{ChannelSpec, CompareSettings, CompareStats, Join};
use listlint_core::engine::{input_findings, RuleFilter};
use listlint_core::listing::profile::{FieldMapper, Profile};
use listlint_core::policy::Gate;

use crate::report::{BaselineSummary, Reporter, Summary};
use crate::run::CheckError;
use crate::source::{self, Input, RawRecord, ReadOptions};

/// One channel: its name and its inputs (folders already expanded).
#[derive(Debug, Clone)]
pub struct ChannelInputs {
    /// As findings name it.
    pub name: String,
    /// Its export files.
    pub inputs: Vec<Input>,
}

/// What `compare` reads and how.
#[derive(Debug, Clone)]
pub struct ComparePlan {
    /// The channels, in the order messages list them.
    pub channels: Vec<ChannelInputs>,
    /// How inputs are read; each channel's profile is this one with the
    /// compared fields' aliases (shared and the channel's own) added.
    pub read: ReadOptions,
    /// The comparisons.
    pub settings: Arc<CompareSettings>,
    /// Which input findings are reported (`--ignore`).
    pub filter: RuleFilter,
}

/// Per channel, what could not be compared.
#[derive(Debug, Clone, Default)]
pub struct ChannelNotes {
    /// The key field, after header mapping.
    pub key_field: String,
    /// Listings read.
    pub listings: u64,
    /// Listings whose key an earlier listing of the channel had (the
    /// first is compared), and the first such place.
    pub duplicates: (u64, Option<String>),
    /// Listings without a key, and the first such place.
    pub without_key: (u64, Option<String>),
}

/// A comparison's counts besides the findings' summary.
#[derive(Debug, Clone, Default)]
pub struct CompareReport {
    /// The join's counts.
    pub stats: CompareStats,
    /// Per channel, in order.
    pub channels: Vec<ChannelNotes>,
}

/// Records parsed per batch.
const BATCH: usize = 2048;

/// The profile of one channel: the plan's with the compared fields'
/// headers.
pub fn channel_profile(base: &Profile, settings: &CompareSettings, channel: &str) -> Profile {
    let mut profile = base.clone();
    for (field, header) in settings.headers_for(channel) {
        profile.map(&field, &header);
    }
    profile
}

/// Reads every channel, compares and reports.
pub fn run_compare(
    plan: &ComparePlan,
    pool: &rayon::ThreadPool,
    gate: &mut Gate,
    reporter: &mut dyn Reporter,
) -> Result<(Summary, CompareReport), CheckError> {
    let mut summary = Summary::new();
    if let Some(baseline) = &mut gate.baseline {
        baseline.limit_to(|rule| {
            listlint_core::config::is_compare_rule(rule)
                || rule.starts_with("input/") && !plan.filter.ignored(rule, "input", "input")
        });
    }
    let expired = gate.waivers.expired_findings();
    if !expired.is_empty() {
        for f in &expired {
            summary.count(f);
            if gate.statistics {
                summary.count_rule(f);
            }
        }
        reporter.findings(&expired)?;
    }
    let mut specs = Vec::new();
    let mut profiles = Vec::new();
    for channel in &plan.channels {
        let profile = channel_profile(&plan.read.profile, &plan.settings, &channel.name);
        let key = plan.settings.key_for(&channel.name);
        let key_field = profile
            .field_of(key)
            .map_or_else(|| key.trim().to_owned(), |f| f.to_string());
        specs.push(ChannelSpec {
            name: channel.name.clone(),
            key_field,
        });
        profiles.push(Arc::new(profile));
    }
    let mut join = Join::new(plan.settings.clone(), specs.clone());
    let mut report = CompareReport::default();
    for (index, channel) in plan.channels.iter().enumerate() {
        let mut notes = ChannelNotes {
            key_field: specs[index].key_field.clone(),
            ..ChannelNotes::default()
        };
        let read = ReadOptions {
            profile: profiles[index].clone(),
            ..plan.read.clone()
        };
        for input in &channel.inputs {
            let records = source::open(input, &read)?;
            summary.files += 1;
            read_channel(records, &read, pool, &mut |listing| {
                notes.listings += 1;
                if !listing.problems.is_empty() {
                    let findings: Vec<_> = input_findings(&listing)
                        .into_iter()
                        .filter(|f| !plan.filter.ignored(&f.rule, &f.category, &f.pack))
                        .collect();
                    let findings = gate.pass(findings, &mut summary);
                    reporter.findings(&findings)?;
                }
                let place = || format!("{}:{}", listing.file, listing.line);
                match join.add(index, &listing) {
                    listlint_core::compare::Added::Stored => {}
                    listlint_core::compare::Added::Duplicate => {
                        notes.duplicates.0 += 1;
                        notes.duplicates.1.get_or_insert_with(place);
                    }
                    listlint_core::compare::Added::NoKey => {
                        // An unreadable record is reported already.
                        if listing.problems.is_empty() {
                            notes.without_key.0 += 1;
                            notes.without_key.1.get_or_insert_with(place);
                        }
                    }
                }
                Ok(())
            })?;
        }
        summary.listings += notes.listings;
        report.channels.push(notes);
    }
    report.stats = join.compare(512, |mut findings| -> Result<(), CheckError> {
        findings.retain(|f| !plan.filter.ignored(&f.rule, &f.category, &f.pack));
        let findings = gate.pass(findings, &mut summary);
        reporter.findings(&findings)?;
        Ok(())
    })?;
    if let (Some(recorded), Some(baseline)) = (&mut gate.recorded, &gate.baseline) {
        recorded.extend_from_slice(baseline.unchecked());
    }
    summary.waived = gate.waivers.waived;
    summary.baseline = gate.baseline.as_ref().map(|b| BaselineSummary {
        suppressed: b.suppressed(),
        stale: b.stale(),
    });
    reporter.finish(&summary)?;
    Ok((summary, report))
}

/// Turns one input's records into listings, in order, parsing JSON
/// records on the pool a batch at a time.
fn read_channel(
    mut records: impl Iterator<Item = RawRecord>,
    read: &ReadOptions,
    pool: &rayon::ThreadPool,
    each: &mut dyn FnMut(listlint_core::listing::Listing) -> Result<(), CheckError>,
) -> Result<(), CheckError> {
    let mut mapper = FieldMapper::new(read.profile.clone());
    loop {
        let batch: Vec<RawRecord> = records.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            return Ok(());
        }
        let parsed = batch.iter().any(|r| !matches!(r, RawRecord::Parsed(_)));
        let listings: Vec<_> = if parsed {
            pool.install(|| {
                batch
                    .into_par_iter()
                    .map_init(
                        || FieldMapper::new(read.profile.clone()),
                        |mapper, record| record.into_listing(mapper),
                    )
                    .collect()
            })
        } else {
            batch
                .into_iter()
                .map(|r| r.into_listing(&mut mapper))
                .collect()
        };
        for listing in listings {
            each(listing)?;
        }
    }
}
