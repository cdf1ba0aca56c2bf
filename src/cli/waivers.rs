//! `listlint waivers list`: every waiver of the config file with its status,
//! so a legal reviewer can audit what is accepted, by whom and until when.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use serde_json::json;

use super::output::Stdout;
use crate::exit::ExitStatus;
use listlint_core::config;
use listlint_core::date::Date;

/// `listlint waivers …`
#[derive(Debug, Subcommand)]
pub enum WaiversCommand {
    /// List every waiver with its status (active or expired on `--as-of`).
    List {
        /// The config file (default: the nearest `listlint.yaml` upwards).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// The date to judge expiry on (default: today, UTC).
        #[arg(long, value_name = "DATE", value_parser = |s: &str| Date::parse(s).ok_or_else(|| format!("`{s}` is not a date (expected YYYY-MM-DD)")))]
        as_of: Option<Date>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
}

/// Output of `waivers list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// One block per waiver.
    Text,
    /// A JSON array.
    Json,
}

/// Runs `listlint waivers …`.
pub fn run(cmd: &WaiversCommand) -> miette::Result<ExitStatus> {
    let WaiversCommand::List {
        config,
        as_of,
        format,
    } = cmd;
    let path = match config {
        Some(p) => p.clone(),
        None => super::config_from_working_dir().ok_or_else(|| {
            miette::miette!(
                help = "run `listlint init`, or pass --config FILE",
                "no listlint.yaml found"
            )
        })?,
    };
    let loaded = config::load(&path)?;
    let as_of = as_of.unwrap_or_else(Date::today_utc);
    let mut out = Stdout::new();
    match format {
        ListFormat::Json => {
            let list: Vec<_> = loaded
                .waivers
                .iter()
                .map(|w| {
                    json!({
                        "status": if w.active(as_of) { "active" } else { "expired" },
                        "rule": w.def.rule,
                        "listing": w.def.listing,
                        "field": w.def.field,
                        "text": w.def.text,
                        "reason": w.def.reason.value,
                        "approved_by": w.def.approved_by.value,
                        "expires": w.expires.to_string(),
                        "line": w.line,
                    })
                })
                .collect();
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            )?;
        }
        ListFormat::Text => {
            for w in &loaded.waivers {
                let status = if w.active(as_of) {
                    "active "
                } else {
                    "EXPIRED"
                };
                writeln!(
                    out,
                    "{status} {} · listing {} · field {} · text {}\n        reason: {}\n        approved by {} · expires {} · {}:{}",
                    w.def.rule,
                    w.def.listing.as_deref().unwrap_or("*"),
                    w.def.field.as_deref().unwrap_or("*"),
                    w.def.text.as_deref().unwrap_or("*"),
                    w.def.reason.value,
                    w.def.approved_by.value,
                    w.expires,
                    loaded.path.display(),
                    w.line,
                )?;
            }
            let expired = loaded.waivers.iter().filter(|w| !w.active(as_of)).count();
            writeln!(
                out,
                "{} waivers, {} active, {expired} expired (as of {as_of}).",
                loaded.waivers.len(),
                loaded.waivers.len() - expired
            )?;
        }
    }
    out.finish()?;
    Ok(ExitStatus::Success)
}
