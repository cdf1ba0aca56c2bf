//! What a folder walk (of inputs, or of rule packs) found: it reads regular
//! files and links to them, and skips anything else with a reason, so that a
//! named pipe or a link to `/dev/zero` in a folder cannot hang or flood the
//! run. A path named on the command line is not subject to this: a pipe
//! given as an input is read.

use std::fs::{self, FileType};
use std::path::Path;

/// Why the walk skips the entry at `path` (whose own type, links not
/// followed, is `file_type`), or `None` for a regular file or a link to
/// one. Folders are the caller's business.
pub fn skip_reason(path: &Path, file_type: FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_symlink() {
        return match fs::metadata(path) {
            Ok(target) if target.is_file() => None,
            Ok(target) if target.is_dir() => Some("a link to a folder (not followed)"),
            Ok(target) => Some(match special_kind(target.file_type()) {
                Some("a named pipe") => "a link to a named pipe",
                Some("a device") => "a link to a device",
                Some("a socket") => "a link to a socket",
                _ => "a link to something that is not a regular file",
            }),
            Err(_) => Some("a link to nothing (broken link)"),
        };
    }
    Some(special_kind(file_type).unwrap_or("not a regular file"))
}

#[cfg(unix)]
fn special_kind(file_type: FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        Some("a named pipe")
    } else if file_type.is_char_device() || file_type.is_block_device() {
        Some("a device")
    } else if file_type.is_socket() {
        Some("a socket")
    } else {
        None
    }
}

#[cfg(not(unix))]
fn special_kind(_: FileType) -> Option<&'static str> {
    None
}
