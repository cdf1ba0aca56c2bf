//! The `listlint` command.

/// mimalloc: listing records and findings are many small allocations that
/// the system allocator serves more slowly.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    listlint::cli::main().into()
}
