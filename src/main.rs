//! The `listlint` command.

use std::io::Write;

/// mimalloc: listing records and findings are many small allocations that
/// the system allocator serves more slowly. Built without transparent huge
/// pages (`no_thp`): asking for them made every touched 2 MiB of the heap
/// resident, which more than doubled peak RSS for no measurable speed.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let status = listlint::cli::main();
    // Every report, cache and fixed file has been written and closed by
    // now; what is left is standard output's buffer.
    let _ = std::io::stdout().flush();
    exit_now(status.code());
    status.into()
}

/// Ends the process without the work a normal exit does after `main`:
/// the allocator handing every page back one `madvise` at a time, and
/// the exit handlers of libraries that hold nothing to write. The kernel
/// frees the whole address space at once. A tenth of a one-listing
/// `check` (docs/performance.md, "Start-up").
#[cfg(unix)]
fn exit_now(code: i32) {
    // SAFETY: `_exit` only ends the process; nothing runs after it, and
    // nothing buffered is lost (standard output was flushed above, files
    // were flushed and closed where they were written, standard error is
    // unbuffered).
    unsafe { libc::_exit(code) }
}

/// Elsewhere the process ends as `main` returns.
#[cfg(not(unix))]
fn exit_now(_code: i32) {}
