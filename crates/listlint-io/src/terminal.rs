//! Text from listings, file names and packs made safe to show on a
//! terminal or in a CI log.
//!
//! A control character (C0, DEL or C1) written raw is a command to the
//! terminal: `ESC [2J` clears the screen, an OSC sequence sets the window
//! title or a hyperlink, a carriage return hides what came before it. Each
//! is shown instead as `\u{HEX}` (ESC is `\u{1b}`, CSI `\u{9b}`), which
//! reads as the character it stands for and cannot act on the terminal.

use std::borrow::Cow;

/// Whether `c` is a control character: C0 (U+0000–U+001F), DEL (U+007F) or
/// C1 (U+0080–U+009F).
pub fn is_control(c: char) -> bool {
    c.is_control()
}

/// `text` with every control character escaped: for text shown on one
/// line (file names, listing ids, field names, matched text).
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape_where(text, |_, _| true)
}

/// `text` with every control character escaped except line feeds, tabs
/// and a carriage return that ends a line (`\r\n`): for text that may span
/// lines (field values, messages, help).
pub fn escape_text(text: &str) -> Cow<'_, str> {
    escape_where(text, |c, next| match c {
        '\n' | '\t' => false,
        '\r' => next != Some('\n'),
        _ => true,
    })
}

/// Escapes the control characters for which `escaped(c, next)` holds.
fn escape_where(text: &str, escaped: impl Fn(char, Option<char>) -> bool) -> Cow<'_, str> {
    if !text.chars().any(is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_control(c) && escaped(c, chars.peek().copied()) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Appends the visible form of a control character: `\u{1b}`.
pub fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write;
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_other_text_is_borrowed() {
        assert!(matches!(escape_line("最好 NO.1"), Cow::Borrowed(_)));
        assert_eq!(escape_line("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_line("\u{9b}31m\u{7f}\0"), "\\u{9b}31m\\u{7f}\\u{0}");
        assert_eq!(escape_line("x\ny\tz"), "x\\u{a}y\\u{9}z");
    }

    #[test]
    fn multi_line_text_keeps_its_lines() {
        assert_eq!(escape_text("a\r\nb\tc\n"), "a\r\nb\tc\n");
        assert_eq!(escape_text("a\rb\r"), "a\\u{d}b\\u{d}");
        assert_eq!(escape_text("\u{1b}]0;title\u{7}"), "\\u{1b}]0;title\\u{7}");
    }
}
