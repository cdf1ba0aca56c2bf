//! `listlint completions SHELL` and `listlint man`: generated from the
//! command-line definition, so they cannot drift from it.

use clap::CommandFactory;

use super::output;
use super::Cli;
use crate::exit::ExitStatus;

/// Shells `listlint completions` writes a script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    /// Bash: `listlint completions bash > /etc/bash_completion.d/listlint`.
    Bash,
    /// Zsh: write `_listlint` into a folder of `$fpath`.
    Zsh,
    /// Fish: `listlint completions fish > ~/.config/fish/completions/listlint.fish`.
    Fish,
    /// PowerShell: `listlint completions powershell >> $PROFILE`.
    Powershell,
    /// Elvish.
    Elvish,
}

impl Shell {
    fn generator(self) -> clap_complete::Shell {
        match self {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
            Shell::Elvish => clap_complete::Shell::Elvish,
        }
    }
}

/// Writes the completion script for `shell` to standard output.
pub fn completions(shell: Shell) -> miette::Result<ExitStatus> {
    let mut script = Vec::new();
    clap_complete::generate(
        shell.generator(),
        &mut Cli::command(),
        "listlint",
        &mut script,
    );
    output::print(&String::from_utf8_lossy(&script))?;
    Ok(ExitStatus::Success)
}

/// Writes the man page (roff) of `listlint` and its subcommands to standard
/// output.
pub fn man() -> miette::Result<ExitStatus> {
    let command = Cli::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .map_err(|e| miette::miette!("cannot render the man page: {e}"))?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("listlint-{}", sub.get_name());
        let sub = sub
            .clone()
            .display_name(name)
            .version(env!("CARGO_PKG_VERSION"));
        clap_mangen::Man::new(sub)
            .render(&mut page)
            .map_err(|e| miette::miette!("cannot render the man page: {e}"))?;
    }
    output::print(&String::from_utf8_lossy(&page))?;
    Ok(ExitStatus::Success)
}
