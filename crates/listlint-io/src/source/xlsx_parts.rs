//! A workbook's zip, checked before calamine opens it.
//!
//! calamine decompresses the parts it needs without a bound (the shared
//! strings up front, then each sheet it is asked for), and a part's
//! declared size can lie. So every part is decompressed here once, into
//! nothing, counting bytes and stopping one past the limit; deflate expands
//! at most about 1,032 times, so this is linear in the file. A part over
//! the limit is replaced, in a copy of the zip, by a one-element marker
//! document (the other parts are copied still compressed): calamine then
//! cannot open a workbook that needed the part, and reports a sheet whose
//! part it was as "not a worksheet" of the marker's type, which
//! [`Checked::oversized_marker`] maps back to the part.
//!
//! The shared strings' declared count is checked too: calamine reserves
//! room for that many strings before reading them.

use std::io::{self, BufReader, Cursor, Read, Write};

use quick_xml::events::Event;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The element name of a marker document, followed by the part's index
/// in [`Checked::oversized`].
const MARKER: &str = "listlint-oversized-part-";

/// A workbook's bytes, safe to give calamine, and what was found.
#[derive(Debug)]
pub(super) struct Checked {
    /// The workbook, or its copy with oversized parts replaced.
    pub bytes: Vec<u8>,
    /// Paths of the parts that decompress to more than the limit.
    pub oversized: Vec<String>,
}

/// Why a workbook cannot be given to calamine at all.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// The shared strings declare more strings than their part can hold.
    StringCount {
        /// The part's path.
        part: String,
        /// The declared `uniqueCount`.
        declared: u64,
    },
    /// Parts over the limit that could not be replaced in a copy.
    Oversized(Vec<String>),
}

impl Checked {
    /// The oversized part a marker element names (calamine's
    /// `NotAWorksheet` type), if it is a marker.
    pub fn oversized_marker(&self, element: &str) -> Option<&str> {
        let index: usize = element.strip_prefix(MARKER)?.parse().ok()?;
        self.oversized.get(index).map(String::as_str)
    }
}

/// Measures every part of the zip in `bytes` against `limit` decompressed
/// bytes. A file that is not a readable zip is returned as it is (calamine
/// reports it).
pub(super) fn check(bytes: Vec<u8>, limit: u64) -> Result<Checked, Refused> {
    let Ok(mut zip) = ZipArchive::new(Cursor::new(&bytes[..])) else {
        return Ok(Checked {
            bytes,
            oversized: Vec::new(),
        });
    };
    let mut oversized_index = Vec::new();
    let mut oversized = Vec::new();
    for index in 0..zip.len() {
        // A part that cannot be opened or read to its end fails the same
        // way in calamine, after no more bytes than were counted here.
        let Ok(mut part) = zip.by_index(index) else {
            continue;
        };
        let name = String::from_utf8_lossy(part.name_raw()).into_owned();
        let size = if part.size() > limit {
            limit.saturating_add(1)
        } else {
            match io::copy(
                &mut (&mut part).take(limit.saturating_add(1)),
                &mut io::sink(),
            ) {
                Ok(n) => n,
                Err(_) => continue,
            }
        };
        drop(part);
        if size > limit {
            oversized_index.push(index);
            oversized.push(name);
        } else if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            check_string_count(&mut zip, index, &name, size)?;
        }
    }
    if oversized.is_empty() {
        return Ok(Checked { bytes, oversized });
    }
    match replace_parts(&mut zip, &oversized_index) {
        Ok(copy) => Ok(Checked {
            bytes: copy,
            oversized,
        }),
        Err(_) => Err(Refused::Oversized(oversized)),
    }
}

/// Fails when the shared strings' `uniqueCount` (read as calamine reads it)
/// is more strings than `size` bytes can hold (`<si/>` is 5 bytes).
fn check_string_count(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    index: usize,
    name: &str,
    size: u64,
) -> Result<(), Refused> {
    let Some(declared) = unique_count(zip, index) else {
        return Ok(());
    };
    if declared > size / 5 {
        return Err(Refused::StringCount {
            part: name.to_owned(),
            declared,
        });
    }
    Ok(())
}

/// The `uniqueCount` of the shared strings' `sst` element; `u64::MAX` for
/// digits that overflow.
fn unique_count(zip: &mut ZipArchive<Cursor<&[u8]>>, index: usize) -> Option<u64> {
    let part = zip.by_index(index).ok()?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == "sst" => {
                let value = e
                    .attributes()
                    .with_checks(false)
                    .flatten()
                    .find(|a| a.key.as_ref() == "uniqueCount")?
                    .value;
                let digits = value.bytes().take_while(u8::is_ascii_digit).count();
                if digits == 0 {
                    return None;
                }
                return Some(value[..digits].parse().unwrap_or(u64::MAX));
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// A copy of the zip with the parts at `indexes` replaced by marker
/// documents and every other part copied still compressed.
fn replace_parts(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    indexes: &[usize],
) -> zip::result::ZipResult<Vec<u8>> {
    let mut copy = ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..zip.len() {
        let part = zip.by_index_raw(index)?;
        match indexes.iter().position(|&i| i == index) {
            Some(n) => {
                let name = part.name()?.into_owned();
                drop(part);
                copy.start_file(
                    name,
                    SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
                )?;
                copy.write_all(format!("<{MARKER}{n}/>").as_bytes())?;
            }
            None => copy.raw_copy_file(part)?,
        }
    }
    Ok(copy.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in parts {
            w.start_file(
                *name,
                SimpleFileOptions::default().compression_method(CompressionMethod::Deflated),
            )
            .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn parts_within_the_limit_are_left_as_they_are() {
        let bytes = zip_of(&[("a.xml", b"<a/>"), ("b.xml", &[b' '; 100])]);
        let checked = check(bytes.clone(), 100).unwrap();
        assert_eq!(checked.bytes, bytes);
        assert!(checked.oversized.is_empty());
    }

    #[test]
    fn a_part_over_the_limit_becomes_a_marker() {
        let bytes = zip_of(&[("a.xml", b"<a/>"), ("b.xml", &[b' '; 101])]);
        let checked = check(bytes, 100).unwrap();
        assert_eq!(checked.oversized, ["b.xml"]);
        let mut zip = ZipArchive::new(Cursor::new(&checked.bytes[..])).unwrap();
        let mut text = String::new();
        zip.by_name("b.xml")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "<listlint-oversized-part-0/>");
        assert_eq!(
            checked.oversized_marker("listlint-oversized-part-0"),
            Some("b.xml")
        );
        assert_eq!(checked.oversized_marker("chartsheet"), None);
        text.clear();
        zip.by_name("a.xml")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "<a/>");
    }

    /// A part that declares more than the limit is not decompressed to
    /// find out (zip's reader stops at the declared size anyway).
    #[test]
    fn a_declared_size_over_the_limit_is_enough() {
        let mut bytes = zip_of(&[("b.xml", &[b' '; 50])]);
        // The uncompressed size in the local header (offset 22) and the
        // central directory entry (offset 24).
        for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let at = bytes.windows(4).position(|w| w == signature).unwrap() + offset;
            bytes[at..at + 4].copy_from_slice(&1_000_000u32.to_le_bytes());
        }
        assert_eq!(check(bytes, 100).unwrap().oversized, ["b.xml"]);
    }

    #[test]
    fn a_string_count_the_part_cannot_hold_is_refused() {
        let sst = br#"<sst xmlns="x" count="9" uniqueCount="99999999999999999999999"><si><t>a</t></si></sst>"#;
        let refused = check(zip_of(&[("xl/sharedStrings.xml", sst)]), 1000).unwrap_err();
        assert_eq!(
            refused,
            Refused::StringCount {
                part: "xl/sharedStrings.xml".into(),
                declared: u64::MAX
            }
        );
        let sst = br#"<sst xmlns="x" count="1" uniqueCount="1"><si><t>a</t></si></sst>"#;
        assert!(check(zip_of(&[("xl/sharedStrings.xml", sst)]), 1000).is_ok());
    }
}
