//! 统一社会信用代码 (unified social credit identifier), GB 32100-2015.
//!
//! 18 characters from `0-9` and the capital letters without I, O, Z, S, V.
//! The 18th is a check character: with character values `v_i` (their index
//! in the alphabet) and weights `w_i = 3^(i-1) mod 31`,
//! `c18 = 31 - (Σ v_i·w_i mod 31)`, where 31 means `0`.

/// The code alphabet; a character's value is its index.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|i| i as u32)
}

/// The check character for the first 17 characters, if they are valid.
pub fn check_character(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in bytes.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

/// Validates a whole code: length, alphabet and check character.
pub fn check(code: &str) -> Result<(), String> {
    let len = code.chars().count();
    if len != 18 {
        return Err(format!("统一社会信用代码应为18位，实为{len}位"));
    }
    if let Some(bad) = code
        .chars()
        .take(17)
        .find(|c| !c.is_ascii() || value(*c as u8).is_none())
    {
        return Err(format!("含有不允许的字符「{bad}」（不使用 I、O、Z、S、V）"));
    }
    let expected = check_character(&code[..17]).unwrap_or('?');
    let actual = code.chars().nth(17).unwrap_or('?');
    if expected == actual {
        Ok(())
    } else {
        Err(format!("校验码应为「{expected}」，实为「{actual}」"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb_32100_test_vectors() {
        assert_eq!(check("91512081MA62K0260E"), Ok(()));
        assert_eq!(check_character("91350100M000100Y4"), Some('3'));
        assert!(check("91350100M000100Y4Z").unwrap_err().contains("「3」"));
        assert_eq!(check_character("91310115MA1G4L1WX"), Some('7'));
        assert!(check("91310115MA1G4L1WXK").is_err());
    }

    #[test]
    fn rejects_wrong_length_and_letters() {
        assert!(check("9151208").unwrap_err().contains("18位"));
        assert!(check("91512081MA62K0260I").unwrap_err().contains("「I」"));
        assert!(check("９1512081MA62K0260E").is_err());
    }
}
