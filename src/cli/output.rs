//! What commands print, and what happens when printing fails.

use std::io::{self, Write};

/// Writes a one-line note to standard error. A standard error that cannot
/// be written to is not worth failing the command for: the note is lost.
pub(super) fn note(line: std::fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(line).and_then(|()| err.write_all(b"\n"));
}
