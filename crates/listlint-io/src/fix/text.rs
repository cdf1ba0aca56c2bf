//! Text inputs decoded whole for fixing, and encoded back.
//!
//! The encoding is found as the readers find it (byte-order mark, a
//! forced `--encoding`, else detection). The bytes must decode without a
//! single replacement character and, for GB18030, encode back to the very
//! same bytes: then the encoded result differs from the input only where
//! text was replaced. UTF-16 keeps its byte order and its mark.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

use super::FixError;
use crate::source::encoding::detect;
use crate::source::InputEncoding;

/// How much of the input detection looks at, as the readers do.
const SAMPLE: usize = 256 * 1024;

/// An input's text and how to write it back.
pub(crate) struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    encoding: &'static Encoding,
    /// The byte-order mark the input starts with (written back).
    bom: &'static [u8],
}

impl Decoded {
    /// Decodes `bytes` in its encoding; an input that would not come back
    /// byte for byte is refused.
    pub fn new(bytes: &[u8], forced: InputEncoding) -> Result<Self, FixError> {
        let (encoding, bom) = match Encoding::for_bom(bytes) {
            Some((encoding, len)) => (encoding, &bytes[..len]),
            None => {
                let encoding = match forced {
                    InputEncoding::Auto => {
                        let sample = &bytes[..bytes.len().min(SAMPLE)];
                        detect(sample, bytes.len() <= SAMPLE)
                    }
                    InputEncoding::Utf8 => UTF_8,
                    InputEncoding::Utf16le => UTF_16LE,
                    InputEncoding::Utf16be => UTF_16BE,
                    InputEncoding::Gb18030 => GB18030,
                };
                (encoding, &bytes[..0])
            }
        };
        let body = &bytes[bom.len()..];
        let bom: &'static [u8] = match bom.len() {
            0 => b"",
            2 if encoding == UTF_16LE => b"\xFF\xFE",
            2 => b"\xFE\xFF",
            _ => b"\xEF\xBB\xBF",
        };
        let text = if encoding == UTF_8 {
            std::str::from_utf8(body).map(str::to_owned).map_err(|e| {
                FixError::Encoding(format!(
                    "not fixed: invalid UTF-8 at byte {}, which could not be written back as it is",
                    e.valid_up_to() + bom.len()
                ))
            })?
        } else {
            encoding
                .decode_without_bom_handling_and_without_replacement(body)
                .map(|t| t.into_owned())
                .ok_or_else(|| {
                    FixError::Encoding(format!(
                        "not fixed: bytes that are not valid {} (or rows in another encoding), \
                         which could not be written back as they are",
                        encoding.name()
                    ))
                })?
        };
        let decoded = Decoded {
            text,
            encoding,
            bom,
        };
        if encoding == GB18030 && decoded.encode_body(&decoded.text) != body {
            return Err(FixError::Encoding(
                "not fixed: GB18030 bytes that do not encode back to themselves (such as \
                 a euro sign written as 0x80)"
                    .into(),
            ));
        }
        Ok(decoded)
    }

    /// `text` encoded as the input was, with its byte-order mark.
    pub fn encode(&self, text: &str) -> Vec<u8> {
        let mut out = self.bom.to_vec();
        out.extend(self.encode_body(text));
        out
    }

    fn encode_body(&self, text: &str) -> Vec<u8> {
        if self.encoding == UTF_8 {
            return text.as_bytes().to_vec();
        }
        if self.encoding == UTF_16LE || self.encoding == UTF_16BE {
            let le = self.encoding == UTF_16LE;
            let mut out = Vec::with_capacity(text.len() * 2);
            for unit in text.encode_utf16() {
                out.extend(if le {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                });
            }
            return out;
        }
        self.encoding.encode(text).0.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_each_encoding() {
        let text = "id,title\r\nA,王牌精华\r\n";
        let gb = GB18030.encode(text).0.into_owned();
        let d = Decoded::new(&gb, InputEncoding::Auto).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.encode(&d.text), gb);
        let mut le = b"\xFF\xFE".to_vec();
        for u in text.encode_utf16() {
            le.extend(u.to_le_bytes());
        }
        let d = Decoded::new(&le, InputEncoding::Auto).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.encode(&d.text), le);
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let d = Decoded::new(&bom, InputEncoding::Auto).unwrap();
        assert_eq!(d.encode(&d.text), bom);
    }

    #[test]
    fn refuses_what_would_not_come_back() {
        assert!(Decoded::new(b"id,title\nA,\xff\n", InputEncoding::Utf8).is_err());
    }
}
