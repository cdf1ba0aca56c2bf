//! `listlint rules …` and loading rule packs from the command line; one
//! module per subcommand that does more than list.

pub mod describe;
pub mod diff;
pub mod doc;
mod validate;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand};

use super::output::Stdout;
use super::ColorChoice;
use crate::exit::ExitStatus;
use describe::ListFormat;
use listlint_core::engine::compose::{resolve_extends, ExtendsScope};
use listlint_core::pack::load::{sources_as_check_loads_them, PackSelection};
use listlint_core::pack::read::DocumentKind;
use listlint_core::pack::schema::PackTestsDef;
use listlint_core::pack::{
    add_builtins_not_replaced, parse_document, parse_pack, read_packs_and_tests, test_file_stem,
    LoadedPack, PackError, PackFiles, PackSource,
};
use listlint_io::examples::{packs_run_with, run_pack_examples, ExampleOutcome, PackTests};
use listlint_io::terminal::escape_line;

/// Which rule packs to load and which of their rules to run.
#[derive(Debug, Clone, Args)]
pub struct PackArgs {
    /// Add rule packs: a YAML file, or a folder of them (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,

    /// Do not load the default packs built into the binary.
    #[arg(long)]
    pub no_default_rules: bool,

    /// Run only these rules: ids, id prefixes, categories or pack names,
    /// comma-separated (repeatable).
    #[arg(long, value_name = "LIST")]
    pub select: Vec<String>,

    /// Skip these rules: ids, id prefixes, categories or pack names,
    /// comma-separated (repeatable). Wins over --select.
    #[arg(long, value_name = "LIST")]
    pub ignore: Vec<String>,

    /// Further folders packs may extend pack files from (the config file's
    /// `extends_from`), besides their own folders and the `--rules` paths.
    #[arg(skip)]
    pub extends_from: Vec<PathBuf>,

    /// Say on standard error which files of pack folders are skipped
    /// (`check -v`).
    #[arg(skip)]
    pub verbose: bool,
}

/// A size in bytes as every `--max-…` flag takes it: a number above 0,
/// optionally followed by K, M or G (powers of 1024; a trailing `B` or
/// `iB` is allowed).
pub(super) fn parse_size(text: &str) -> Result<u64, String> {
    let upper = text.trim().to_ascii_uppercase();
    let bare = upper
        .strip_suffix("IB")
        .or_else(|| upper.strip_suffix('B'))
        .unwrap_or(&upper);
    let (digits, shift) = match bare.chars().last() {
        Some('K') => (&bare[..bare.len() - 1], 10),
        Some('M') => (&bare[..bare.len() - 1], 20),
        Some('G') => (&bare[..bare.len() - 1], 30),
        _ => (bare, 0),
    };
    digits
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .filter(|&n| n > 0)
        .ok_or_else(|| {
            format!("`{text}` is not a size above 0 (bytes, or a number with K, M or G: 16M, 512K)")
        })
}

impl PackArgs {
    /// The packs these flags select (no config file applied).
    pub fn selection(&self) -> PackSelection {
        PackSelection {
            rules: self.rules.clone(),
            sources: Vec::new(),
            no_default_rules: self.no_default_rules,
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            extends_from: self.extends_from.clone(),
            no_extends_files: false,
            replace_builtins: false,
            automaton_cache: None,
        }
    }
}

/// Says on standard error which files of pack folders were skipped.
pub(super) fn note_skipped(skipped: &[(PathBuf, String)]) {
    for (file, reason) in skipped {
        eprintln!("skipped {}: {reason}", file.display());
    }
}

/// Reads, composes and checks the packs of a selection as `check` does
/// (see [`listlint_core::pack::load::load_packs`]), noting skipped files
/// of pack folders when `verbose`.
pub fn load_packs(selection: &PackSelection, verbose: bool) -> miette::Result<Vec<LoadedPack>> {
    let composed = listlint_core::pack::load::load_packs(selection)?;
    if verbose {
        note_skipped(&composed.skipped);
    }
    Ok(composed.packs)
}

/// `listlint rules …`
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Run the examples embedded in rule packs and the cases of their test
    /// files (`PACK.test.yaml` next to `PACK.yaml`), like a test suite.
    ///
    /// Each case runs with its own pack's rules and those of the packs it
    /// extends; the findings it expects (rule ids, or `{rule, text}` for the matched text) must occur
    /// and no other rule of the pack may fire. Exit 1 on any failure, 2 on
    /// an invalid pack or test file.
    Test {
        /// Pack files, test files or folders (default: the built-in packs).
        #[arg(value_name = "PACK")]
        packs: Vec<PathBuf>,
    },
    /// Check packs without linting anything: every error in one run, with
    /// file, line and column (exit 2), and lint warnings (repeated terms,
    /// terms shared across rules of a category, allow phrases that hide a
    /// term or allow nothing, also in overrides).
    Validate {
        /// Pack files or folders (default: the built-in packs).
        #[arg(value_name = "PACK")]
        packs: Vec<PathBuf>,
        /// Validate the packs as `check --no-default-rules --rules PACK`
        /// loads them: without the built-in packs beside them (so a pack
        /// may take a built-in pack's name or rule ids).
        #[arg(long)]
        no_default_rules: bool,
    },
    /// Write the rule catalog: one Markdown page per pack (the built-in
    /// packs, or with --rules the packs loaded).
    Doc {
        /// Folder to write to.
        #[arg(long, value_name = "DIR", default_value = "docs/rules")]
        output: PathBuf,
        /// With --rules or --no-default-rules: a page for every pack loaded
        /// (your own packs too, as composed), not only the built-in ones.
        #[command(flatten)]
        packs: PackArgs,
    },
    /// Show a rule's YAML: as written in its pack, or with --resolved as it
    /// runs once the overrides of packs that extend its pack are applied.
    Show {
        /// The rule id.
        #[arg(value_name = "RULE_ID")]
        id: String,
        /// Show the rule with every override applied, and what each changed.
        #[arg(long)]
        resolved: bool,
        #[command(flatten)]
        packs: PackArgs,
    },
    /// What a pack change does: packs and rules added and removed, and per
    /// rule every key that differs (terms and allow phrases item by item);
    /// with --corpus, the findings that appear, disappear or change
    /// severity on those listings. Always exits 0 unless a pack is invalid.
    Diff(diff::DiffArgs),
    /// List the rules of the loaded packs.
    List {
        #[command(flatten)]
        packs: PackArgs,
        /// Only this pack.
        #[arg(long, value_name = "NAME")]
        pack: Option<String>,
        /// Only this category.
        #[arg(long, value_name = "NAME")]
        category: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
}

/// Runs `listlint rules …`.
pub fn run(cmd: &RulesCommand, color: ColorChoice) -> miette::Result<ExitStatus> {
    match cmd {
        RulesCommand::Validate {
            packs,
            no_default_rules,
        } => validate::run(packs, *no_default_rules, color),
        RulesCommand::Doc { output, packs } => doc::run(output, packs),
        RulesCommand::Diff(args) => diff::run(args),
        RulesCommand::Show {
            id,
            resolved,
            packs,
        } => describe::show(packs, id, *resolved),
        RulesCommand::List {
            packs,
            pack,
            category,
            format,
        } => describe::list(packs, pack.as_deref(), category.as_deref(), *format),
        RulesCommand::Test { packs } => {
            let under_test = packs_for_testing(packs, Beside::BuiltinsNotReplaced)?;
            if let Some(error) = PackError::from_many(under_test.problems) {
                return Err(error.into());
            }
            let outcomes = run_pack_examples(
                &under_test.packs,
                &under_test.tested,
                &under_test.test_files,
            )?;
            let (mut passed, mut failed) = (0usize, 0usize);
            let mut out = Stdout::new();
            for outcome in &outcomes {
                if outcome.passed() {
                    passed += 1;
                    writeln!(out, "ok   {}", outcome.describe())?;
                } else {
                    failed += 1;
                    writeln!(out, "FAIL {}", outcome.describe())?;
                    print_mismatch(&mut out, outcome)?;
                }
            }
            writeln!(out, "{passed} passed, {failed} failed")?;
            out.finish()?;
            Ok(if failed == 0 {
                ExitStatus::Success
            } else {
                ExitStatus::Failure
            })
        }
    }
}

/// The packs to load for `rules test` and `rules validate`, which of them
/// to test, their test files, and the files that did not parse.
pub(super) struct PacksUnderTest {
    /// The given packs (first) and the built-in packs they do not replace.
    pub packs: Vec<LoadedPack>,
    /// Indices into `packs` of the packs under test.
    pub tested: Vec<usize>,
    /// The test files of the packs under test.
    pub test_files: Vec<PackTests>,
    /// Problems found while loading: files that do not parse, `extends`
    /// and `overrides` problems, test files without their pack.
    pub problems: Vec<PackError>,
    /// How many given pack files did not parse.
    pub unparsable: usize,
}

/// Which built-in packs are loaded beside the packs under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Beside {
    /// `rules test`: the built-in packs no given pack replaces by name, so
    /// that an edited copy of a built-in pack is tested in its place (each
    /// pack's examples run with that pack alone anyway).
    BuiltinsNotReplaced,
    /// `rules validate`: what `check --rules PACK` loads beside the packs,
    /// so that validation accepts exactly what `check` accepts: every
    /// built-in pack unless `no_default_rules`.
    AsCheck {
        /// `--no-default-rules`.
        no_default_rules: bool,
    },
}

/// The packs to load for `rules test` and `rules validate` and which of
/// them to test: the given packs (all tested) and their test files, plus
/// the built-in packs `beside` says, so that references to built-in
/// conditions resolve; with no paths given, the built-in packs, all tested.
/// A file that does not parse is kept aside in `problems`, so that the
/// others are still checked. A path with no pack or test file in it is an
/// error.
pub(super) fn packs_for_testing(
    paths: &[PathBuf],
    beside: Beside,
) -> miette::Result<PacksUnderTest> {
    let mut files = PackFiles::default();
    let mut seen: Vec<PathBuf> = Vec::new();
    for path in paths {
        let read = read_packs_and_tests(path)?;
        if read.packs.is_empty() && read.tests.is_empty() {
            miette::bail!(
                help = "give pack files (`*.yaml`), their test files (`*.test.yaml`) or folders holding them",
                "no rule packs in {}",
                path.display()
            );
        }
        for (into, found) in [
            (&mut files.packs, read.packs),
            (&mut files.tests, read.tests),
        ] {
            for source in found {
                // The same file given twice, or by two spellings, once.
                let key = Path::new(&*source.name)
                    .canonicalize()
                    .unwrap_or_else(|_| PathBuf::from(&*source.name));
                if !seen.contains(&key) {
                    seen.push(key);
                    into.push(source);
                }
            }
        }
    }
    let mut given = Vec::new();
    let mut problems = Vec::new();
    let mut failed: Vec<Arc<str>> = Vec::new();
    for source in files.packs {
        let name = source.name.clone();
        match parse_pack(source) {
            Ok(pack) => given.push(pack),
            Err(e) => {
                problems.push(e);
                failed.push(name);
            }
        }
    }
    let given_count = given.len();
    match beside {
        Beside::BuiltinsNotReplaced => add_builtins_not_replaced(&mut given)?,
        Beside::AsCheck { no_default_rules } => {
            // Parsed apart from the given packs: the built-ins parse.
            for source in sources_as_check_loads_them(Vec::new(), no_default_rules) {
                given.push(parse_pack(source)?);
            }
        }
    }
    // With no paths, the built-in packs are the ones tested.
    let tested_count = if paths.is_empty() {
        given.len()
    } else {
        given_count
    };
    let tested: Vec<usize> = (0..tested_count).collect();
    problems.extend(resolve_extends(&mut given, &ExtendsScope::new(paths)));
    let mut test_files = Vec::new();
    for source in files.tests {
        match parse_test_file(&given, &tested, &failed, source) {
            Ok(Some(tests)) => test_files.push(tests),
            Ok(None) => {}
            Err(errors) => problems.extend(errors),
        }
    }
    Ok(PacksUnderTest {
        packs: given,
        tested,
        test_files,
        problems,
        unparsable: failed.len(),
    })
}

/// Parses a test file and finds its pack: the given pack whose file is
/// next to it with the same stem. `None` when that pack's file did not
/// parse (its error is reported already).
fn parse_test_file(
    packs: &[LoadedPack],
    tested: &[usize],
    failed: &[Arc<str>],
    source: PackSource,
) -> Result<Option<PackTests>, Vec<PackError>> {
    let path = Path::new(&*source.name);
    let stem = path
        .file_name()
        .and_then(|n| test_file_stem(&n.to_string_lossy()).map(str::to_owned))
        .unwrap_or_default();
    let next_to_it = |name: &str| {
        let pack_path = Path::new(name);
        pack_path.parent() == path.parent()
            && pack_path
                .file_stem()
                .is_some_and(|s| s.to_string_lossy() == stem)
    };
    if failed.iter().any(|f| next_to_it(f)) {
        return Ok(None);
    }
    let Some(pack) = tested
        .iter()
        .copied()
        .find(|&i| next_to_it(&packs[i].source.name))
    else {
        return Err(vec![PackError::at(
            &source,
            1,
            1,
            format!("test file has no pack next to it (expected {stem}.yaml)"),
            Some("name a test file after its pack: `my-pack.yaml` and `my-pack.test.yaml`".into()),
        )]);
    };
    let def: PackTestsDef =
        parse_document(&source, DocumentKind::PackTests).map_err(|e| vec![e])?;
    let pack_name = packs[pack].name();
    let mut errors = Vec::new();
    if let Some(named) = &def.pack {
        if named.value != *pack_name {
            errors.push(PackError::at_location(
                &source,
                named.referenced,
                format!(
                    "this test file names pack `{}`, but the pack next to it is `{pack_name}`",
                    named.value
                ),
                None,
            ));
        }
    }
    let ids: Vec<&str> = packs_run_with(packs, pack)
        .flat_map(|p| p.def.rules.iter().map(|r| r.id.value.as_str()))
        .collect();
    for case in &def.tests {
        for expected in &case.value.expect {
            let id = expected.rule();
            if !ids.contains(&id) {
                let help = listlint_core::suggest::did_you_mean(id, ids.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"));
                errors.push(PackError::at_location(
                    &source,
                    case.referenced,
                    format!("this case expects `{id}`, which is not a rule of pack `{pack_name}` or a pack it extends"),
                    help,
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Some(PackTests { pack, source, def }))
}

fn print_mismatch(out: &mut Stdout, outcome: &ExampleOutcome) -> miette::Result<()> {
    for expected in outcome.missing() {
        writeln!(out, "       - expected {expected}, which did not fire")?;
    }
    for (id, text, message) in outcome.unexpected_findings() {
        // Two findings of one rule on one text (a disclosure rule missing
        // two items) are told apart by their messages.
        let shares_text = outcome
            .actual
            .iter()
            .zip(&outcome.messages)
            .any(|((r, t), m)| r == id && t == text && m != message);
        if shares_text {
            writeln!(
                out,
                "       + {id} fired unexpectedly on 「{text}」: {}",
                escape_line(message)
            )?;
        } else {
            writeln!(out, "       + {id} fired unexpectedly on 「{text}」")?;
        }
    }
    if !outcome.actual.is_empty() && !outcome.missing().is_empty() {
        let fired: Vec<String> = outcome
            .actual
            .iter()
            .map(|(id, text)| format!("{id} 「{text}」"))
            .collect();
        writeln!(out, "       (fired: {})", fired.join(", "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("2kib"), Ok(2048));
        assert_eq!(parse_size("1GB"), Ok(1 << 30));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999G").is_err());
    }
}
