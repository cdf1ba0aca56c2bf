//! Command-line interface: clap definitions, one file per subcommand.

mod check;
mod compare;
mod fix;
mod output;
mod overwrite;
pub mod rules;
mod schema;
mod serve;
mod shell;
mod waivers;

use std::io::IsTerminal;

use clap::{Parser, Subcommand, ValueEnum};

use crate::exit::ExitStatus;

/// Policy-as-code compliance linter for e-commerce product listings.
///
/// listlint checks listing exports and catalog files against rule packs:
/// absolute wording banned by 《广告法》第九条; authority, superstition,
/// guarantee and medical claims; qualification numbers of regulated goods;
/// original prices and discount wording; promotions that hide their terms;
/// and whatever your own packs add. The default packs ship inside the binary.
#[derive(Debug, Parser)]
#[command(name = "listlint", version, max_term_width = 100)]
pub struct Cli {
    /// When to use colours in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// Largest rule pack or pack test file read, in bytes (K, M or G
    /// suffixes allowed); a larger file is a usage error.
    #[arg(long, value_name = "SIZE", global = true, value_parser = rules::parse_size,
          default_value = "16M")]
    pub max_pack_size: u64,

    /// Largest config file (`listlint.yaml`) read, in bytes (K, M or G
    /// suffixes allowed); a larger file is a usage error.
    #[arg(long, value_name = "SIZE", global = true, value_parser = rules::parse_size,
          default_value = "4M")]
    pub max_config_size: u64,

    #[command(subcommand)]
    pub command: Command,
}

/// Colour choice for human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colours when writing to a terminal (or when `FORCE_COLOR` or
    /// `CLICOLOR_FORCE` is set, e.g. in a CI log), unless `NO_COLOR` is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour output going to a stream that is (or is not) a
    /// terminal.
    pub fn enabled(self, to_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
                if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                    false
                } else if set("FORCE_COLOR") || set("CLICOLOR_FORCE") {
                    true
                } else {
                    to_terminal
                }
            }
        }
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint listing files (the main job).
    ///
    /// Reads CSV, TSV, JSON Lines, JSON and catalog files (YAML, Markdown
    /// front matter) by extension or `--input-format`, in UTF-8, UTF-16 or
    /// GB18030, folders recursively, and `-` for standard input, and reports
    /// every finding of the loaded rule packs. Exit status: 0 when no finding is at
    /// or above `--fail-on`, 1 when one is, 2 on a usage error (bad flag,
    /// unreadable file, invalid rule pack).
    Check(Box<check::CheckArgs>),
    /// Compare one product's facts across channel exports.
    ///
    /// Joins the listings of each channel's exports (files or folders in
    /// any supported format and encoding) by a key, usually the seller's
    /// SKU (商家编码), and reports per key and field the values that
    /// disagree, with every channel's value, file and line: brand,
    /// certificate numbers, origin, specification, net content, material,
    /// ingredients and prices (docs/compare.md). Findings are of category
    /// `consistency` and use the formats, baselines and waivers of `check`.
    /// Exit status as for `check`.
    Compare(Box<compare::CompareArgs>),
    /// Work with rule packs.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// What a rule checks, why, its legal basis, terms and examples.
    Explain {
        /// The rule id.
        #[arg(value_name = "RULE_ID")]
        id: String,
        /// Language of the headings: the language of the rule's pack's
        /// messages (auto: Chinese when at least half of them are, as in
        /// the built-in packs), or zh / en.
        #[arg(long, value_enum, default_value_t = rules::describe::Lang::Auto)]
        lang: rules::describe::Lang,
        #[command(flatten)]
        packs: rules::PackArgs,
    },
    /// Serve checks over HTTP: a JSON API, a LanguageTool-compatible
    /// `/v2/check`, and a web page where findings show as one types.
    ///
    /// Rule packs and the config are reloaded when they change, and on
    /// SIGHUP; a pack that no longer loads keeps the old rules serving and
    /// is reported by `/healthz`. Exit status: 0 after SIGTERM or Ctrl-C,
    /// 2 when the packs do not load or the address cannot be bound.
    Serve(Box<serve::ServeArgs>),
    /// Inspect the waivers of the config file.
    #[command(subcommand)]
    Waivers(waivers::WaiversCommand),
    /// Write a commented starter `listlint.yaml` in the working directory.
    Init {
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        #[arg(value_enum, value_name = "SHELL")]
        shell: shell::Shell,
    },
    /// Print the man page of listlint and its subcommands (roff:
    /// `listlint man > listlint.1 && man ./listlint.1`).
    Man,
    /// Print the JSON Schema of a rule pack, a pack test file or
    /// `listlint.yaml`, for editors that complete and check YAML keys.
    ///
    /// Save it next to your files (`listlint schema pack > pack.schema.json`)
    /// and start the YAML file with
    /// `# yaml-language-server: $schema=pack.schema.json`; the schemas
    /// are also in docs/schemas/ of the repository.
    Schema {
        /// Which file.
        #[arg(value_enum, value_name = "FILE")]
        file: schema::SchemaFile,
    },
}

/// Parses the command line and runs it.
pub fn main() -> ExitStatus {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_or_help(&e),
    };
    listlint_core::pack::read::set_size_limits(cli.max_pack_size, cli.max_config_size);
    let result = match &cli.command {
        Command::Check(args) => check::run(args, cli.color),
        Command::Compare(args) => compare::run(args, cli.color),
        Command::Rules(cmd) => rules::run(cmd, cli.color),
        Command::Init { force } => init(*force),
        Command::Explain { id, lang, packs } => rules::describe::explain(packs, id, *lang),
        Command::Serve(args) => serve::run(args),
        Command::Waivers(cmd) => waivers::run(cmd),
        Command::Completions { shell } => shell::completions(*shell),
        Command::Man => shell::man(),
        Command::Schema { file } => schema::print(*file),
    };
    match result {
        Ok(status) => status,
        Err(report) => {
            print_error(&report, cli.color);
            ExitStatus::Error
        }
    }
}

/// What clap has to say instead of a command: `--help` and `--version`
/// text goes to standard output (through [`output`], so a full disk is
/// exit 2 and a closed pipe is not an error); usage errors go to standard
/// error, exit 2. On a terminal clap prints it itself, styled.
fn usage_or_help(e: &clap::Error) -> ExitStatus {
    if e.use_stderr() || std::io::stdout().is_terminal() {
        e.exit()
    }
    match output::print(&e.render().to_string()) {
        Ok(()) if e.exit_code() == 0 => ExitStatus::Success,
        Ok(()) => ExitStatus::Error,
        Err(report) => {
            print_error(&report, ColorChoice::Auto);
            ExitStatus::Error
        }
    }
}

/// `listlint init`.
fn init(force: bool) -> miette::Result<ExitStatus> {
    let path = std::path::Path::new(listlint_core::config::CONFIG_FILE);
    if path.exists() && !force {
        miette::bail!(
            help = "pass --force to overwrite it",
            "{} already exists",
            path.display()
        );
    }
    std::fs::write(path, listlint_core::config::STARTER)
        .map_err(|e| miette::miette!("cannot write {}: {e}", path.display()))?;
    output::print(&format!("wrote {}\n", path.display()))?;
    Ok(ExitStatus::Success)
}

/// Prints a usage error to stderr with miette.
pub(super) fn print_error(report: &miette::Report, color: ColorChoice) {
    let theme = if color.enabled(std::io::stderr().is_terminal()) {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_links(false);
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("{report}");
    }
    output::note(format_args!("{out}"));
}

/// Notes on standard error each config file a discovery passed over.
pub(crate) fn note_ignored_configs(found: &listlint_core::config::Discovery) {
    for (path, reason) in &found.ignored {
        output::note(format_args!(
            "note: ignoring config file {}: {reason}",
            path.display()
        ));
    }
}

/// The nearest usable `listlint.yaml` from the working directory (see
/// [`listlint_core::config::discover`]), noting each file passed over.
pub(crate) fn config_from_working_dir() -> Option<std::path::PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let found = listlint_core::config::discover(&cwd);
    note_ignored_configs(&found);
    found.path
}
