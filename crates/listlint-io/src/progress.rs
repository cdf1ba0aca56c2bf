//! Progress on a terminal: bytes read, rate and time left, on standard
//! error, for inputs large enough to wait for. Nothing is drawn when
//! standard error is not a terminal or with `--quiet`.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Inputs smaller than this finish before a bar would help.
const MIN_BYTES: u64 = 8 * 1024 * 1024;

/// Shared count of bytes read from input files.
#[derive(Debug, Clone, Default)]
pub struct BytesRead(Arc<AtomicU64>);

impl BytesRead {
    /// Bytes read so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// Wraps a reader so that what it reads is counted.
    pub fn counting<R: Read>(&self, inner: R) -> CountingRead<R> {
        CountingRead {
            inner,
            count: self.0.clone(),
        }
    }
}

/// A reader that adds what it reads to a shared count.
pub struct CountingRead<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A progress bar over the total size of the inputs, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
    read: BytesRead,
}

impl Progress {
    /// A bar if `enabled` (a terminal, not `--quiet`) and the inputs are
    /// large; otherwise a no-op.
    pub fn new(total_bytes: u64, enabled: bool, read: BytesRead) -> Self {
        let bar = (enabled && total_bytes >= MIN_BYTES).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} {bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Self { bar, read }
    }

    /// Updates the bar with the bytes read and listings checked so far.
    pub fn update(&self, listings: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.read.get());
            bar.set_message(format!("{listings} listings"));
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
