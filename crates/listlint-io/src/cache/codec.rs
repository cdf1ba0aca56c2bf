//! The bundle's bytes: a compact binary layout, read without a parser.
//!
//! Everything is little-endian. A bundle is `LLCACHE\0`, the format
//! (`u32`), the fingerprint, the rules (JSON, small), the string table and
//! the entries; strings and lists are a `u32` count then their items. An
//! absent `u32` index is `u32::MAX`, an absent offset `u64::MAX`. Reading
//! checks every length against what is left, so a truncated or hostile
//! bundle is `None` (an empty cache), never a panic or a huge allocation.

use super::{Bundle, CachedApplied, CachedFinding, CachedRules, Entry, FileStat, Key};

const MAGIC: &[u8; 8] = b"LLCACHE\0";
const NONE32: u32 = u32::MAX;
const NONE64: u64 = u64::MAX;

/// The bytes of a bundle.
pub(super) fn encode(bundle: &Bundle) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(64 + bundle.entries.len() * 256));
    w.0.extend_from_slice(MAGIC);
    w.u32(bundle.format);
    w.str(&bundle.fingerprint);
    let rules = serde_json::to_vec(&bundle.rules).unwrap_or_else(|_| b"null".to_vec());
    w.bytes(&rules);
    w.len(bundle.strings.len());
    for s in &bundle.strings {
        w.str(s);
    }
    w.len(bundle.entries.len());
    for (key, entry) in &bundle.entries {
        w.0.extend_from_slice(key);
        w.entry(entry);
    }
    w.0
}

/// A bundle from its bytes, if they are one.
pub(super) fn decode(bytes: &[u8]) -> Option<Bundle> {
    let mut r = Reader(bytes);
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let format = r.u32()?;
    let fingerprint = r.str()?;
    let rules: Option<CachedRules> = serde_json::from_slice(r.bytes()?).ok()?;
    let count = r.count(4)?;
    let mut strings = Vec::with_capacity(count);
    for _ in 0..count {
        strings.push(r.str()?);
    }
    let count = r.count(32 + 4 + 1 + 4 + 4)?;
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        let key: Key = r.take(32)?.try_into().ok()?;
        entries.push((key, r.entry()?));
    }
    r.0.is_empty().then_some(Bundle {
        format,
        fingerprint,
        rules,
        strings,
        entries,
    })
}

/// Appends the layout's values to a buffer.
pub(super) struct Writer(pub(super) Vec<u8>);

impl Writer {
    pub(super) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub(super) fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(super) fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(super) fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    pub(super) fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.0.extend_from_slice(b);
    }
    pub(super) fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
    fn opt32(&mut self, v: Option<u32>) {
        self.u32(v.unwrap_or(NONE32));
    }
    fn opt64(&mut self, v: Option<usize>) {
        self.u64(v.map_or(NONE64, |v| v as u64));
    }
    pub(super) fn time(&mut self, (secs, nanos): (i64, u32)) {
        self.i64(secs);
        self.u32(nanos);
    }

    /// A file's size, times and identity.
    pub(super) fn stat(&mut self, s: &FileStat) {
        self.u64(s.len);
        self.time(s.mtime);
        self.time(s.ctime);
        self.u64(s.ino);
        self.u64(s.dev);
    }

    fn entry(&mut self, e: &Entry) {
        self.u32(e.path);
        match &e.stat {
            Some(s) => {
                self.u8(1);
                self.stat(s);
            }
            None => self.u8(0),
        }
        self.len(e.findings.len());
        for f in &e.findings {
            self.finding(f);
        }
        self.len(e.applied.len());
        for a in &e.applied {
            self.u32(a.file);
            self.opt32(a.listing_id);
            self.u32(a.rule);
            self.u32(a.reason);
            self.u64(a.line);
            self.u64(a.suppressed);
        }
    }

    fn finding(&mut self, f: &CachedFinding) {
        for v in [f.rule, f.pack, f.category] {
            self.u32(v);
        }
        self.u8(f.severity);
        self.u32(f.message);
        self.opt32(f.help);
        self.opt32(f.suggestion);
        self.u32(f.file);
        self.u64(f.line);
        self.u64(f.record);
        self.opt32(f.listing_id);
        self.opt32(f.field);
        self.opt64(f.start);
        self.opt64(f.end);
        self.opt32(f.text);
        self.u32(f.fingerprint);
        self.opt32(f.source);
        self.u32(f.value);
        match f.reason {
            Some((field, text, start, end)) => {
                self.u8(1);
                self.u32(field);
                self.u32(text);
                self.opt64(start);
                self.opt64(end);
            }
            None => self.u8(0),
        }
        self.u8(u8::from(f.unsafe_fix));
        self.opt32(f.column);
    }
}

/// Takes the layout's values from the front of a slice.
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl<'a> Reader<'a> {
    pub(super) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    pub(super) fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    pub(super) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub(super) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    /// A count of items of at least `min` bytes each: at most what is left
    /// could hold.
    pub(super) fn count(&mut self, min: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.checked_mul(min)? <= self.0.len()).then_some(n)
    }
    pub(super) fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    pub(super) fn str(&mut self) -> Option<String> {
        std::str::from_utf8(self.bytes()?).ok().map(str::to_owned)
    }
    fn opt32(&mut self) -> Option<Option<u32>> {
        let v = self.u32()?;
        Some((v != NONE32).then_some(v))
    }
    fn opt64(&mut self) -> Option<Option<usize>> {
        let v = self.u64()?;
        Some(if v == NONE64 {
            None
        } else {
            Some(usize::try_from(v).ok()?)
        })
    }
    pub(super) fn time(&mut self) -> Option<(i64, u32)> {
        Some((self.i64()?, self.u32()?))
    }
    fn flag(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    /// A file's size, times and identity.
    pub(super) fn stat(&mut self) -> Option<FileStat> {
        Some(FileStat {
            len: self.u64()?,
            mtime: self.time()?,
            ctime: self.time()?,
            ino: self.u64()?,
            dev: self.u64()?,
        })
    }

    fn entry(&mut self) -> Option<Entry> {
        let path = self.u32()?;
        let stat = if self.flag()? {
            Some(self.stat()?)
        } else {
            None
        };
        let count = self.count(FINDING_MIN)?;
        let mut findings = Vec::with_capacity(count);
        for _ in 0..count {
            findings.push(self.finding()?);
        }
        let count = self.count(4 * 4 + 8 * 2)?;
        let mut applied = Vec::with_capacity(count);
        for _ in 0..count {
            applied.push(CachedApplied {
                file: self.u32()?,
                listing_id: self.opt32()?,
                rule: self.u32()?,
                reason: self.u32()?,
                line: self.u64()?,
                suppressed: self.u64()?,
            });
        }
        Some(Entry {
            path,
            stat,
            findings,
            applied,
        })
    }

    fn finding(&mut self) -> Option<CachedFinding> {
        Some(CachedFinding {
            rule: self.u32()?,
            pack: self.u32()?,
            category: self.u32()?,
            severity: match self.u8()? {
                s @ 0..=2 => s,
                _ => return None,
            },
            message: self.u32()?,
            help: self.opt32()?,
            suggestion: self.opt32()?,
            file: self.u32()?,
            line: self.u64()?,
            record: self.u64()?,
            listing_id: self.opt32()?,
            field: self.opt32()?,
            start: self.opt64()?,
            end: self.opt64()?,
            text: self.opt32()?,
            fingerprint: self.u32()?,
            source: self.opt32()?,
            value: self.u32()?,
            reason: if self.flag()? {
                Some((self.u32()?, self.u32()?, self.opt64()?, self.opt64()?))
            } else {
                None
            },
            unsafe_fix: self.flag()?,
            column: self.opt32()?,
        })
    }
}

/// The fewest bytes a finding takes.
const FINDING_MIN: usize = 4 * 14 + 8 * 4 + 3;

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle() -> Bundle {
        let finding = CachedFinding {
            rule: 0,
            pack: 1,
            category: 2,
            severity: 2,
            message: 3,
            help: None,
            suggestion: Some(4),
            file: 5,
            line: 7,
            record: 1,
            listing_id: Some(6),
            field: Some(7),
            start: Some(0),
            end: Some(2),
            text: Some(8),
            fingerprint: 9,
            source: None,
            value: 0,
            reason: Some((7, 8, Some(1), None)),
            unsafe_fix: true,
            column: Some(3),
        };
        Bundle {
            format: 3,
            fingerprint: "ab".repeat(32),
            rules: Some(CachedRules {
                rules: Vec::new(),
                chinese: true,
            }),
            strings: (0..10).map(|i| format!("字符串{i}")).collect(),
            entries: vec![(
                [7; 32],
                Entry {
                    path: 5,
                    stat: Some(FileStat {
                        len: 99,
                        mtime: (1_700_000_000, 5),
                        ctime: (-1, 999_999_999),
                        ino: 42,
                        dev: 7,
                    }),
                    findings: vec![finding.clone(), finding],
                    applied: vec![CachedApplied {
                        file: 5,
                        listing_id: None,
                        rule: 0,
                        reason: 3,
                        line: 1,
                        suppressed: 2,
                    }],
                },
            )],
        }
    }

    #[test]
    fn a_bundle_reads_back_as_written_and_every_truncation_is_refused() {
        let bytes = encode(&bundle());
        let back = decode(&bytes).expect("reads back");
        assert_eq!(encode(&back), bytes);
        assert_eq!(back.entries[0].1.findings.len(), 2);
        assert_eq!(back.entries[0].1.stat, bundle().entries[0].1.stat);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_none());
    }

    #[test]
    fn counts_larger_than_the_bytes_left_are_refused_without_allocating() {
        let mut bytes = encode(&Bundle {
            entries: Vec::new(),
            ..bundle()
        });
        // The entry count is the last four bytes.
        let n = bytes.len();
        bytes[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&bytes).is_none());
    }
}
