//! `--format jsonl`: one finding object per line, written as it arrives.
//!
//! Findings are encoded by hand rather than through `Serialize`: a large
//! run writes more bytes of findings than it reads of listings, and most of
//! each object is the same few strings (rule, pack, category, help, file)
//! over and over. Those shared strings are escaped once and copied after
//! that; each batch is encoded into one buffer and written in one call.
//! The output is byte for byte what `serde_json` makes of a [`Finding`]
//! (a test holds the two together).

use std::io::{self, Write};
use std::sync::Arc;

use super::{Finding, Reporter, Summary};
use listlint_core::per_string::PerString;

/// Streams findings as JSON Lines.
pub struct JsonlReporter<W: Write> {
    out: W,
    encoder: FindingEncoder,
    buffer: Vec<u8>,
}

impl<W: Write> JsonlReporter<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        Self {
            out,
            encoder: FindingEncoder::default(),
            buffer: Vec::new(),
        }
    }
}

impl<W: Write> Reporter for JsonlReporter<W> {
    fn findings(&mut self, findings: &[Finding]) -> io::Result<()> {
        self.buffer.clear();
        for finding in findings {
            self.encoder.encode(finding, &mut self.buffer);
            self.buffer.push(b'\n');
        }
        self.out.write_all(&self.buffer)
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}

/// Encodes findings as compact JSON objects, remembering the escaped form
/// of shared (`Arc`) strings.
#[derive(Default)]
pub struct FindingEncoder {
    /// Escaped JSON string (quotes included) of each shared string.
    escaped: PerString<Box<[u8]>>,
}

impl FindingEncoder {
    /// Appends `finding` as one JSON object (no newline) to `out`.
    pub fn encode(&mut self, finding: &Finding, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"rule\":");
        self.shared(&finding.rule, out);
        out.extend_from_slice(b",\"pack\":");
        self.shared(&finding.pack, out);
        out.extend_from_slice(b",\"category\":");
        self.shared(&finding.category, out);
        out.extend_from_slice(b",\"severity\":\"");
        out.extend_from_slice(finding.severity.as_str().as_bytes());
        out.extend_from_slice(b"\",\"message\":");
        string(&finding.message, out);
        out.extend_from_slice(b",\"help\":");
        self.shared_or_null(finding.help.as_ref(), out);
        out.extend_from_slice(b",\"suggestion\":");
        self.shared_or_null(finding.suggestion.as_ref(), out);
        out.extend_from_slice(b",\"file\":");
        self.shared(&finding.file, out);
        out.extend_from_slice(b",\"line\":");
        number(finding.line, out);
        out.extend_from_slice(b",\"record\":");
        number(finding.record, out);
        out.extend_from_slice(b",\"listing_id\":");
        match &finding.listing_id {
            Some(id) => string(id, out),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"field\":");
        self.shared_or_null(finding.field.as_ref(), out);
        out.extend_from_slice(b",\"start\":");
        number_or_null(finding.start, out);
        out.extend_from_slice(b",\"end\":");
        number_or_null(finding.end, out);
        out.extend_from_slice(b",\"text\":");
        match &finding.text {
            Some(text) => string(text, out),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"fingerprint\":");
        string(&finding.fingerprint, out);
        if let Some(reason) = &finding.reason {
            out.extend_from_slice(b",\"reason\":{\"field\":");
            self.shared(&reason.field, out);
            out.extend_from_slice(b",\"text\":");
            string(&reason.text, out);
            if let Some(start) = reason.start {
                out.extend_from_slice(b",\"start\":");
                number(start, out);
            }
            if let Some(end) = reason.end {
                out.extend_from_slice(b",\"end\":");
                number(end, out);
            }
            out.push(b'}');
        }
        out.push(b'}');
    }

    fn shared(&mut self, value: &Arc<str>, out: &mut Vec<u8>) {
        let escaped = self.escaped.get_or_make(value, |text| {
            let mut escaped = Vec::new();
            string(text, &mut escaped);
            escaped.into_boxed_slice()
        });
        out.extend_from_slice(escaped);
    }

    fn shared_or_null(&mut self, value: Option<&Arc<str>>, out: &mut Vec<u8>) {
        match value {
            Some(value) => self.shared(value, out),
            None => out.extend_from_slice(b"null"),
        }
    }
}

/// Appends `value` as a JSON string.
fn string(value: &str, out: &mut Vec<u8>) {
    serde_json::to_writer(out, value).expect("writing to a Vec cannot fail");
}

fn number<N: serde::Serialize>(value: N, out: &mut Vec<u8>) {
    serde_json::to_writer(out, &value).expect("writing to a Vec cannot fail");
}

fn number_or_null(value: Option<usize>, out: &mut Vec<u8>) {
    match value {
        Some(n) => number(n, out),
        None => out.extend_from_slice(b"null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use listlint_core::model::Severity;

    fn finding(text: Option<&str>) -> Finding {
        Finding {
            rule: Arc::from("absolute/superlative"),
            pack: Arc::from("cn-ad-absolutes"),
            category: Arc::from("absolute-terms"),
            severity: Severity::Error,
            message: "使用了绝对化用语「最好」\u{1}\"quoted\"\\".into(),
            help: Some(Arc::from("删除或改写\n换行\t制表")),
            suggestion: None,
            file: Arc::from("dir/文件.csv"),
            line: 12,
            record: 11,
            listing_id: Some("SKU-1".into()),
            field: text.map(|_| Arc::from("title")),
            start: text.map(|_| 3),
            end: text.map(|_| 5),
            text: text.map(str::to_owned),
            fingerprint: "0123456789abcdef0123456789abcdef".into(),
            reason: None,
            source: None,
            value: 0,
            column: None,
            unsafe_fix: false,
        }
    }

    #[test]
    fn encodes_exactly_as_serde_does() {
        let mut encoder = FindingEncoder::default();
        let mut with_word = finding(Some("最好"));
        with_word.reason = Some(listlint_core::model::Reason {
            field: Arc::from("title"),
            text: "美白\"".into(),
            start: Some(0),
            end: Some(3),
        });
        let mut with_category = finding(None);
        with_category.reason = Some(listlint_core::model::Reason {
            field: Arc::from("category"),
            text: "美妆>面部护肤".into(),
            start: None,
            end: None,
        });
        for f in [
            finding(Some("最好")),
            finding(None),
            finding(Some("最好")),
            with_word,
            with_category,
        ] {
            let mut ours = Vec::new();
            encoder.encode(&f, &mut ours);
            // Twice: the second time from the cache.
            let mut again = Vec::new();
            encoder.encode(&f, &mut again);
            let theirs = serde_json::to_vec(&f).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
            assert_eq!(again, serde_json::to_vec(&f).unwrap());
        }
    }

    #[test]
    fn cache_stays_bounded() {
        let mut encoder = FindingEncoder::default();
        let mut out = Vec::new();
        for i in 0..listlint_core::per_string::PER_STRING_LIMIT * 2 {
            let mut f = finding(None);
            f.file = Arc::from(format!("file-{i}.csv"));
            out.clear();
            encoder.encode(&f, &mut out);
            assert!(String::from_utf8_lossy(&out).contains(&format!("\"file-{i}.csv\"")));
        }
        assert!(encoder.escaped.len() <= listlint_core::per_string::PER_STRING_LIMIT);
    }
}
