//! A temporary file for the part of a report that must wait for something
//! written before it.
//!
//! A JSON document puts its summary before the findings and a JUnit
//! `<testsuites>` element carries its totals in its start tag: both are
//! known only at the end of the run. Rather than keep every finding in
//! memory until then, a reporter writes the findings' bytes, already
//! rendered, to a spool and copies them after the header at the end.
//!
//! The file is created with [`tempfile::tempfile`]: readable only by the
//! user, in the system's temporary folder (`TMPDIR`), and without a name
//! once created, so the system removes it when the spool is dropped or the
//! process ends, on success, on error or when killed.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

/// Rendered report bytes kept on disk until the end of the run.
pub struct Spool {
    file: BufWriter<File>,
    /// Bytes written so far.
    len: u64,
}

impl Spool {
    /// A new, empty spool for the report of `format` (named in errors).
    pub fn new(format: &str) -> io::Result<Self> {
        let file = tempfile::tempfile().map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "cannot create a temporary file for the {format} report in {}: {e} \
                     (set TMPDIR to a writable folder with room for the report)",
                    std::env::temp_dir().display()
                ),
            )
        })?;
        Ok(Self {
            file: BufWriter::with_capacity(64 * 1024, file),
            len: 0,
        })
    }

    /// Appends `bytes`.
    pub fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes).map_err(spool_error)?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Everything written, from the start. Called once, at the end: the
    /// spool is not to be written to after it.
    pub fn read_back(&mut self) -> io::Result<BufReader<&mut File>> {
        self.file.flush().map_err(spool_error)?;
        let file = self.file.get_mut();
        file.seek(SeekFrom::Start(0)).map_err(spool_error)?;
        Ok(BufReader::with_capacity(64 * 1024, file))
    }
}

/// Copies exactly `len` bytes of `reader` to `out`.
pub fn copy_exactly(reader: &mut impl Read, len: u64, out: &mut impl Write) -> io::Result<()> {
    let copied = io::copy(&mut reader.take(len), out)?;
    if copied != len {
        return Err(spool_error(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("{copied} of {len} bytes could be read back"),
        )));
    }
    Ok(())
}

/// Says that an error is about the temporary file, not the output.
fn spool_error(e: io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        format!(
            "temporary file of the report (in {}): {e}",
            std::env::temp_dir().display()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_back_what_was_written_in_parts() {
        let mut spool = Spool::new("test").unwrap();
        assert_eq!(spool.len(), 0);
        spool.write_all(b"first,").unwrap();
        spool.write_all(&[b'x'; 100_000]).unwrap();
        spool.write_all(b",last").unwrap();
        assert_eq!(spool.len(), 100_011);
        let mut reader = spool.read_back().unwrap();
        let mut head = Vec::new();
        copy_exactly(&mut reader, 6, &mut head).unwrap();
        assert_eq!(head, b"first,");
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).unwrap();
        assert_eq!(rest.len(), 100_005);
        assert!(rest.ends_with(b"x,last"));
    }

    #[test]
    fn a_short_read_back_is_an_error() {
        let mut spool = Spool::new("test").unwrap();
        spool.write_all(b"abc").unwrap();
        let mut reader = spool.read_back().unwrap();
        let error = copy_exactly(&mut reader, 4, &mut Vec::new()).unwrap_err();
        assert!(error.to_string().contains("3 of 4 bytes"), "{error}");
    }
}
