//! The `listlint` command.

fn main() -> std::process::ExitCode {
    listlint::cli::main().into()
}
