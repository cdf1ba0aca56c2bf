//! The hostile corpus: small files, generated here rather than committed,
//! in the shapes that broke earlier builds (encodings without a byte-order
//! mark, mixed encodings, duplicate JSON keys, numbers that lose their
//! written form, empty files, CR-only line ends, an unterminated quote,
//! sparse and oversized workbooks, terminal escapes, YAML alias bombs, deep
//! nesting).
//!
//! `seeds()` are small enough to be mutated by the fuzz harness;
//! `corpus()` adds the larger ones that only the whole binary is run on.

#![allow(dead_code)]

use std::sync::OnceLock;

/// One generated file.
pub struct Seed {
    /// File name (its extension picks the reader).
    pub name: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Extra `check` arguments (lowered limits keep the files small).
    pub args: &'static [&'static str],
}

fn seed(name: &'static str, bytes: impl Into<Vec<u8>>) -> Seed {
    Seed {
        name,
        bytes: bytes.into(),
        args: &[],
    }
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(text).0.into_owned()
}

/// The small files.
pub fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let table = "id,title,description\n1,最好的保温杯,国家级工艺\n2,普通水杯,第一时间发货\n";
        let mut mixed = gbk("id,title\n1,最好的杯子\n");
        mixed.extend_from_slice("2,国家级的杯子\n".as_bytes());
        mixed.extend(gbk("3,顶级茶叶\n"));
        let mut stray = gbk("id,title\n1,最好的杯子\n");
        stray.extend_from_slice(b"2,\xff\xff\n");
        stray.extend(gbk("3,顶级茶叶\n"));
        let mut utf8_stray = "id,title\n1,最好的杯子\n".as_bytes().to_vec();
        utf8_stray.extend_from_slice(b"2,\xd7\xee\xba\xc3\n");
        utf8_stray.extend_from_slice("3,顶级茶叶\n".as_bytes());
        let mut unterminated = String::from("id,title\n1,\"最好的杯子\n");
        for i in 2..200 {
            unterminated.push_str(&format!("{i},国家级产品{i}\n"));
        }
        vec![
            seed("plain.csv", table),
            seed("utf16le-no-bom.csv", utf16(table, false)),
            seed("utf16be-no-bom.csv", utf16(table, true)),
            seed("gbk-with-utf8-row.csv", mixed),
            seed("gbk-stray-byte.csv", stray),
            seed("utf8-with-gbk-row.csv", utf8_stray),
            seed("cr-only.csv", table.replace('\n', "\r")),
            seed("cr-only.jsonl", "{\"id\":\"1\",\"title\":\"最好\"}\r{\"id\":\"2\",\"title\":\"第一\"}\r"),
            seed("unterminated-quote.csv", unterminated),
            seed(
                "no-text-column.csv",
                "sku,名称xx\nA1,最好的杯子\nA2,国家级\n",
            ),
            seed(
                "duplicate-keys.jsonl",
                "{\"id\":\"1\",\"title\":\"普通杯子\",\"title\":\"最好的杯子\"}\n{\"id\":\"2\",\"cert\":{\"ccc\":\"1\"},\"cert.ccc\":\"2\"}\n",
            ),
            seed(
                "duplicate-keys.json",
                "[\n  {\"id\": \"1\", \"title\": \"普通\", \"title\": \"最好\"},\n  {\"id\": \"2\", \"title\": \"第一\"}\n]\n",
            ),
            seed(
                "big-ids.jsonl",
                "{\"id\":9007199254740993,\"title\":\"最好\"}\n{\"id\":9007199254740992,\"title\":\"最好\"}\n{\"id\":1.10,\"price\":1e400}\n",
            ),
            seed(
                "scalars.yaml",
                "id: 00123\ntitle: NO\nsubtitle: Y\nprice: 1.10\ndescription: 最好的\n",
            ),
            seed("empty.json", ""),
            seed("empty.jsonl", ""),
            seed("header-only.csv", "id,title\n"),
            seed(
                "escapes.jsonl",
                "{\"id\":\"\\u001b[2J\",\"title\":\"最好\\u001b]0;owned\\u0007\\u009b31m\"}\n",
            ),
            seed("yaml-alias-bomb.yaml", yaml_alias_bomb(6)),
            seed("deep.json", format!("{}{}", "[".repeat(4096), "]".repeat(4096))),
            seed(
                "front-matter.md",
                "---\nid: A1\ntitle: 最好的\n---\n正文 国家级\n",
            ),
            seed("far-cell.xlsx", workbook_with_cell("XFD1048576", "最好的杯子")),
            seed("not-a-zip.xlsx", b"PK\x03\x04 this is not a workbook".to_vec()),
            seed(
                "html.jsonl",
                "{\"id\":\"1\",\"description\":\"<p title=\\\"最好\\\">&#26368;&#22909;<!-- <b>第一</b><script>最佳\"}\n",
            ),
        ]
    })
}

/// The seeds and the larger files that only the binary is run on.
pub fn corpus() -> Vec<Seed> {
    let mut all: Vec<Seed> = seeds()
        .iter()
        .map(|s| Seed {
            name: s.name,
            bytes: s.bytes.clone(),
            args: s.args,
        })
        .collect();
    let hits = "最好 ".repeat(40_000);
    all.push(seed(
        "many-hits.jsonl",
        format!("{{\"id\":\"1\",\"title\":\"{hits}\"}}\n"),
    ));
    let mut quote_at_top = String::from("id,title\n1,\"最好的杯子\n");
    for i in 2..20_000 {
        quote_at_top.push_str(&format!("{i},国家级产品{i}\n"));
    }
    all.push(seed("unterminated-quote-20k.csv", quote_at_top));
    all.push(seed(
        "whitespace-sheet.xlsx",
        workbook_with_padding(4 * 1024 * 1024),
    ));
    all
}

/// Hostile rule packs for the pack loader.
pub fn packs() -> &'static [Seed] {
    static PACKS: OnceLock<Vec<Seed>> = OnceLock::new();
    PACKS.get_or_init(|| {
        vec![
            seed(
                "extends-secret.yaml",
                "pack: p\nversion: \"1\"\ncategory: c\nextends: ../../../../etc/passwd\nrules: []\n",
            ),
            seed(
                "big-regex.yaml",
                format!(
                    "pack: p\nversion: \"1\"\ncategory: c\nrules:\n  - id: p/r\n    kind: pattern\n    severity: error\n    message: m\n    pattern: \"{}(\"\n",
                    "a".repeat(4096)
                ),
            ),
            seed(
                "alias-bomb.yaml",
                format!("pack: p\nversion: \"1\"\ncategory: c\n{}", yaml_alias_bomb(5)),
            ),
            seed(
                "many-terms.yaml",
                format!(
                    "pack: p\nversion: \"1\"\ncategory: c\nrules:\n  - id: p/r\n    kind: lexicon\n    severity: error\n    message: m\n    terms: [{}]\n",
                    (0..2000).map(|i| format!("\"词{i}\"")).collect::<Vec<_>>().join(",")
                ),
            ),
        ]
    })
}

/// A YAML document whose aliases expand to 9^depth nodes.
fn yaml_alias_bomb(depth: usize) -> String {
    let names: Vec<String> = (0..=depth).map(|i| format!("n{i}")).collect();
    let mut text = format!(
        "{}: &{} [最好,最好,最好,最好,最好,最好,最好,最好,最好]\n",
        names[0], names[0]
    );
    for i in 1..=depth {
        let refs = vec![format!("*{}", names[i - 1]); 9].join(",");
        text.push_str(&format!("{}: &{} [{refs}]\n", names[i], names[i]));
    }
    text.push_str(&format!("title: 最好\ndescription: *{}\n", names[depth]));
    text
}

/// A workbook of one sheet holding `value` in cell `reference` (an inline
/// string, so no shared-strings part is needed).
pub fn workbook_with_cell(reference: &str, value: &str) -> Vec<u8> {
    let sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         <sheetData>\
         <row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>id</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>title</t></is></c></row>\
         <row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>1</t></is></c><c r=\"B2\" t=\"inlineStr\"><is><t>{value}</t></is></c></row>\
         <row r=\"{row}\"><c r=\"{reference}\" t=\"inlineStr\"><is><t>{value}</t></is></c></row>\
         </sheetData></worksheet>",
        row = reference.trim_start_matches(|c: char| c.is_ascii_alphabetic()),
    );
    workbook(&sheet)
}

/// A workbook whose sheet holds `padding` bytes of whitespace between rows.
pub fn workbook_with_padding(padding: usize) -> Vec<u8> {
    let sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         <sheetData>\
         <row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>title</t></is></c></row>{}\
         <row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>最好的</t></is></c></row>\
         </sheetData></worksheet>",
        " ".repeat(padding)
    );
    workbook(&sheet)
}

/// A minimal XLSX package around one worksheet, stored without compression.
fn workbook(sheet: &str) -> Vec<u8> {
    let parts: [(&str, &str); 5] = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
             <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
             </Types>",
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
             </Relationships>",
        ),
        (
            "xl/workbook.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
             xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
             <sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
        ),
        (
            "xl/_rels/workbook.xml.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
             </Relationships>",
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    stored_zip(&parts)
}

/// A zip archive whose entries are stored (method 0).
fn stored_zip(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data.as_bytes());
        let size = data.len() as u32;
        let header = |signature: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&signature.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // needed to extract
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&0u16.to_le_bytes()); // stored
            h.extend_from_slice(&0u32.to_le_bytes()); // time and date
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central {
                h.extend_from_slice(&0u16.to_le_bytes()); // comment
                h.extend_from_slice(&0u16.to_le_bytes()); // disk
                h.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(data.as_bytes());
        central.extend(header(0x0201_4b50, true));
    }
    let central_offset = out.len() as u32;
    let central_size = central.len() as u32;
    out.extend(central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // disk numbers
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&central_size.to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// CRC-32 (IEEE), bit by bit: the files are small.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
