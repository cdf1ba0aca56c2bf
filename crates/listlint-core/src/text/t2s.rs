//! Traditional → simplified Chinese, one character for one.
//!
//! The character table comes from the `fast2s` crate: the build script
//! lists the characters it changes, and that list is expanded once, on
//! first use, into a dense table over the CJK blocks, so that converting a
//! character is an array lookup. Conversion is context-free on purpose: field
//! text and pack terms must normalise identically, whatever surrounds them.

use std::sync::OnceLock;

/// CJK Unified Ideographs Extension A through the main block.
const MAIN: (u32, u32) = (0x3400, 0x9FFF);
/// CJK Compatibility Ideographs.
const COMPAT: (u32, u32) = (0xF900, 0xFAFF);

struct Table {
    main: Vec<char>,
    compat: Vec<char>,
}

include!(concat!(env!("OUT_DIR"), "/t2s_pairs.rs"));

/// The block from `first` to `last`, each character mapped to its
/// simplified form (itself unless [`PAIRS`] lists it).
fn build_block((first, last): (u32, u32)) -> Vec<char> {
    let mut block: Vec<char> = (first..=last)
        .map(|u| char::from_u32(u).unwrap_or(' '))
        .collect();
    for &(from, to) in PAIRS {
        if let Some(i) = (from as u32).checked_sub(first) {
            if let Some(slot) = block.get_mut(i as usize) {
                *slot = to;
            }
        }
    }
    block
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table {
        main: build_block(MAIN),
        compat: build_block(COMPAT),
    })
}

/// The table of the main CJK blocks (U+3400–U+9FFF): entry `i` is the
/// simplified form of U+3400 + `i` (the character itself when it has
/// none). For loops over many ideographs, which look the table up once.
pub fn main_block() -> &'static [char] {
    &table().main
}

/// First character of [`main_block`].
pub const MAIN_BLOCK_START: u32 = MAIN.0;

/// The simplified form of a character (the character itself if it has none).
#[inline]
pub fn simplify(c: char) -> char {
    let u = c as u32;
    if (MAIN.0..=MAIN.1).contains(&u) {
        table().main[(u - MAIN.0) as usize]
    } else if (COMPAT.0..=COMPAT.1).contains(&u) {
        table().compat[(u - COMPAT.0) as usize]
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_traditional_characters_one_for_one() {
        let converted: String = "國家級極品 最佳選擇 廣告".chars().map(simplify).collect();
        assert_eq!(converted, "国家级极品 最佳选择 广告");
        assert_eq!(simplify('a'), 'a');
        assert_eq!(simplify('最'), '最');
    }

    #[test]
    fn the_built_table_is_the_fast2s_table() {
        // Every character of both blocks converts as `fast2s` converts it
        // alone (the build script's table is not stale or partial).
        let mut changed = 0;
        for (first, last) in [MAIN, COMPAT] {
            for c in (first..=last).filter_map(char::from_u32) {
                let expected = fast2s::convert(&format!("{c} ")).chars().next().unwrap();
                assert_eq!(simplify(c), expected, "{c}");
                changed += usize::from(expected != c);
            }
        }
        assert_eq!(changed, PAIRS.len());
        assert!(changed > 2000, "{changed}");
    }
}
