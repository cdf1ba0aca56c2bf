//! Recognisers for what promotion wording discloses: dates, times, windows,
//! thresholds, quantity limits and amounts, in the forms real listings use.
//!
//! They read a field with full-width characters made half-width (one
//! character for one, so offsets stay exact) and spaces kept.
//!
//! **What counts as a disclosed time.** Only absolute dates do:
//! `2026-11-11`, `2026/11/11`, `2026.11.11`, `2026年11月11日`, `11月11日`,
//! `11月11号`, optionally followed by a time (`20:00`, `20点`, `20点30分`,
//! `20时`, `0点`, `24点`). A range joins two of them with `至`, `到`, `~`, `-`
//! or `—` (`11月11日0点-11月12日24点`, `2026-11-11 至 2026-11-13`); the second
//! may be a bare day (`11月11日至13日`) or a bare time (`11月11日20:00-24:00`).
//! A single date is an end when `截至`/`截止`/`止` marks it (`截至11月30日`,
//! `11月30日截止`) and a start when `起`/`开始` follows it. Relative words
//! (`今天`, `今晚`, `本周末`, `明天`) are not a disclosure: a listing outlives
//! the day it was written. A date without a year takes the year of
//! `--as-of`; an end month before the start month rolls into the next year.
//!
//! Platforms and export tools also write a month and day without 月: such a
//! date (`11/11`, `11.11`, `11-11`) is read when a time follows it
//! (`11/11 00:00-01:59`, `11.11 0点-2点`, `11/11,00#00-01#59` — some export
//! tools write `#` for `:` and `,` for a space; `-` only with `HH:MM`), when
//! 当天/当日 follows it, when 仅/仅限/仅在/只限/只在 comes before it and no
//! word or number follows (`【仅限11-11】`), when it opens a bracketed event
//! label and no measure word follows (`【11-11】`, `【11.11特供】`, but not
//! `【3-5天发货】`), or when two of them with `.` or `/` make a range
//! (`12.10-12.12`, `12/10~12/12`; not `1.5-2.5` or `2.8-3.0米`, see
//! `bare_ranges`). A date followed by 当天/当日, after 仅/仅限/只限, or
//! opening such a label is a one-day window (`仅11月11日当天`); so is
//! `双11当天` / `双十二当日` / `618当天`, the event's day in the year of
//! `--as-of`.
//!
//! Offers are recognised by their numbers: `满300减50`, `满500元-50元`,
//! `满199送…`, `满2件9折`, `每满200` (threshold offers), `第二件半价`,
//! `第2件5折` (multi-buy offers) and `买一送一`, `买2送1`, `买30g送30g`,
//! `买5块送1块`, `买壹箱送壹瓶`, `买一享一` (buy-get offers).
//! [`may_trigger`] finds offers alone. The engine reads a field through a
//! [`RecognizedText`], which recognises each part (offers, dates and
//! windows, amounts …) only when a check first asks for it: listings
//! without an offer are skipped before anything else is read.
//!
//! Money amounts are read in Arabic numerals (`99元`, `¥58,000`, `5万元`)
//! and, in text that names a prize, in Chinese ones (`十万元`, `五万八千元`).

use std::cell::OnceCell;
use std::sync::OnceLock;

use memchr::memmem::Finder;
use regex::Regex;

use crate::date::Date;
use crate::money::{parse_amount, Money};
use crate::text::html::{hide_markup, hide_ranges};

/// A point in time as written: a date and, if given, minutes after midnight
/// (`24点` is 1440, the end of the day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment {
    /// The day.
    pub date: Date,
    /// Minutes after midnight, if a time was given.
    pub minutes: Option<u32>,
}

/// A character span `[start, end)` in the field.
pub type Span = (usize, usize);

/// A promotion window found in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Start, if stated.
    pub start: Option<Moment>,
    /// End, if stated.
    pub end: Option<Moment>,
    /// Where the whole expression is.
    pub span: Span,
}

/// Everything recognised in one text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recognized {
    /// Every absolute date, with its span.
    pub dates: Vec<(Moment, Span)>,
    /// Windows: ranges, and single dates marked as start or end.
    pub windows: Vec<Window>,
    /// Thresholds (`满300元`, `满2件`).
    pub thresholds: Vec<Span>,
    /// Quantity limits (`限量500件`, `每人限购2件`, `前100名`, `仅剩3件`).
    pub quantity_limits: Vec<Span>,
    /// Money amounts (`99元`, `¥99`, `5万元`).
    pub amounts: Vec<(Money, Span)>,
    /// Amounts that follow a 奖 within ten characters with no other amount
    /// in between (`一等奖奖金5万元`, `奖品价值6000元`), or that follow a
    /// prize amount joined by 和/及/与/、/+ (`现金3万元和价值2.5万元的手机`):
    /// prize values.
    pub prize_amounts: Vec<(Money, Span)>,
    /// Offers written with their numbers, in text order.
    pub offers: Vec<(Offer, Span)>,
    /// Draws one purchase or one ticket gives (`每单可抽3次`,
    /// `3次抽奖机会`), when stated and more than one.
    pub draws_per_purchase: Option<u32>,
    /// Whether one draw can win several prizes (`可同时获得`, `可兼得`,
    /// `奖项可叠加`).
    pub prizes_combine: bool,
    /// Whether one buyer can win each prize once only (`不可重复中奖`,
    /// `每人限中一次`).
    pub no_repeat_win: bool,
}

/// A kind of offer recognised by its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// `满300减50`, `满500元-50元`, `满199送…`, `满2件9折`, `每满200`.
    Threshold,
    /// `第二件半价`, `第2件5折`, `第二份0元`.
    MultiBuy,
    /// `买一送一`, `买2送1`, `买30g送30g`, `买一享一`.
    BuyGet,
}

impl Offer {
    /// The recogniser name of this kind of offer.
    pub fn recognizer(self) -> &'static str {
        match self {
            Self::Threshold => "threshold-offer",
            Self::MultiBuy => "multi-buy-offer",
            Self::BuyGet => "buy-get-offer",
        }
    }
}

impl Recognized {
    /// Whether something of the named kind was found: `time-window` (a
    /// start and an end), `end`, `start`, `date`, `threshold`,
    /// `quantity-limit`, `amount`, `threshold-offer`, `multi-buy-offer`,
    /// `buy-get-offer`, `offer` (any of the three).
    pub fn has(&self, kind: &str) -> bool {
        self.first(kind).is_some()
            || match kind {
                "time-window" => self
                    .windows
                    .iter()
                    .any(|w| w.start.is_some() && w.end.is_some()),
                "end" => self.windows.iter().any(|w| w.end.is_some()),
                "start" => self.windows.iter().any(|w| w.start.is_some()),
                "date" => !self.dates.is_empty(),
                "threshold" => !self.thresholds.is_empty(),
                "quantity-limit" => !self.quantity_limits.is_empty(),
                "amount" => !self.amounts.is_empty(),
                _ => false,
            }
    }

    /// Where the first offer of the named recogniser (`threshold-offer`,
    /// `multi-buy-offer`, `buy-get-offer`, or `offer` for any) is.
    pub fn first(&self, kind: &str) -> Option<Span> {
        first_offer(&self.offers, kind)
    }
}

/// Where the first offer of the named recogniser (or of any, for `offer`)
/// among `offers` is.
fn first_offer(offers: &[(Offer, Span)], kind: &str) -> Option<Span> {
    offers
        .iter()
        .find(|(offer, _)| kind == "offer" || offer.recognizer() == kind)
        .map(|&(_, span)| span)
}

/// Recogniser names packs may use.
pub const RECOGNIZERS: &[&str] = &[
    "time-window",
    "end",
    "start",
    "date",
    "threshold",
    "quantity-limit",
    "amount",
    "threshold-offer",
    "multi-buy-offer",
    "buy-get-offer",
    "offer",
];

/// A recogniser's regex, compiled when first used: most listings need few
/// of them (a short run, such as a one-listing check, compiles only those).
struct LazyRegex {
    pattern: &'static str,
    regex: OnceLock<Regex>,
}

impl LazyRegex {
    const fn new(pattern: &'static str) -> Self {
        Self {
            pattern,
            regex: OnceLock::new(),
        }
    }
}

impl std::ops::Deref for LazyRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.regex
            .get_or_init(|| Regex::new(self.pattern).expect("valid recogniser regex"))
    }
}

struct Patterns {
    date: LazyRegex,
    bare_date: LazyRegex,
    time_after: LazyRegex,
    connector_after: LazyRegex,
    day_after: LazyRegex,
    end_before: LazyRegex,
    end_after: LazyRegex,
    start_after: LazyRegex,
    threshold: LazyRegex,
    quantity: LazyRegex,
    amount: LazyRegex,
    cn_amount: LazyRegex,
    bare_range: LazyRegex,
    one_day_after: LazyRegex,
    only_before: LazyRegex,
    event_day: LazyRegex,
    threshold_offer: LazyRegex,
    multi_buy: LazyRegex,
    buy_get: LazyRegex,
    draws: LazyRegex,
    combine: LazyRegex,
    no_repeat: LazyRegex,
}

impl Patterns {
    /// Every regex (for the test that compiles them all).
    #[cfg(test)]
    fn all(&self) -> Vec<&LazyRegex> {
        vec![
            &self.date,
            &self.bare_date,
            &self.time_after,
            &self.connector_after,
            &self.day_after,
            &self.end_before,
            &self.end_after,
            &self.start_after,
            &self.threshold,
            &self.quantity,
            &self.amount,
            &self.cn_amount,
            &self.bare_range,
            &self.one_day_after,
            &self.only_before,
            &self.event_day,
            &self.threshold_offer,
            &self.multi_buy,
            &self.buy_get,
            &self.draws,
            &self.combine,
            &self.no_repeat,
        ]
    }
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let r = LazyRegex::new;
        Patterns {
            // A year, or 月: `3-5` and `11.11` alone are not dates.
            date: r(concat!(
                r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?",
                r"|(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?",
            )),
            // M/D, M.D, M-D: read only with a time, 当天 or 仅限 (see the
            // module doc). A pattern of its own, so that a candidate it
            // rejects never hides a full date from `date`.
            bare_date: r(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})"),
            time_after: r(r"^[\s,]*(?:(\d{1,2})\s*[:：#]\s*(\d{2})(?:\s*[:：#]\s*\d{2})?|(\d{1,2})\s*[点时](?:\s*(\d{1,2})\s*分|\s*半)?|(零)\s*点)"),
            connector_after: r(r"^\s*(?:起|开始)?\s*(?:至|到|~|～|-|—|–|－)\s*"),
            day_after: r(r"^(\d{1,2})\s*[日号]"),
            end_before: r(r"(?:截至|截止到|截止至|截止|活动至|持续至|至)\s*$"),
            end_after: r(r"^\s*(?:截止|结束|止)"),
            start_after: r(r"^\s*(?:起|开始|开抢|开启)"),
            threshold: r(r"满\s*\d+(?:\.\d+)?\s*(?:元|件|个|份|单|台)?"),
            quantity: r(concat!(
                r"(?:限量|限购|每人限购?|每人仅限|每个?账号限购?|每单限购?|仅剩|仅有)",
                r"(?:发售|供应|抢购|销售)?\s*\d+\s*(?:件|份|个|台|名|套|单|盒|瓶|次)?",
                r"|(?:前|仅限)\s*\d+\s*(?:件|份|个|台|名|位|套|单|盒|瓶)",
            )),
            one_day_after: r(r"^\s*(?:当天|当日)"),
            only_before: r(r"(?:仅限|仅在|只限|只在|仅)\s*$"),
            event_day: r(r"双\s*(11|十一|12|十二)\s*(?:当天|当日)|(618)\s*(?:当天|当日)"),
            threshold_offer: r(concat!(
                r"每满\s*\d+",
                r"|满\s*\d+(?:\.\d+)?\s*(?:元|件|个|份|单|台|瓶|盒)?\s*",
                r"(?:立?减(?:\s*\d+(?:\.\d+)?\s*元?)?|送|赠|-\s*\d+(?:\.\d+)?\s*元?|打?\s*\d+(?:\.\d+)?\s*折)",
            )),
            multi_buy: r(concat!(
                r"第\s*[二三四2-4]\s*(?:件|份|杯|个|盒|瓶|双|套|支)\s*(?:打\s*)?",
                r"(?:\d+(?:\.\d+)?\s*折|[一二三四五六七八九]折|半价|免费|\d+(?:\.\d+)?\s*元)",
            )),
            // Counted in any measure word of goods (`买5块送1块`, `买5斤送2斤`)
            // and in formal numerals (`买壹箱送壹瓶`).
            buy_get: r(concat!(
                r"买\s*([一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾]|\d{1,3})\s*",
                r"(?:件|个|份|盒|瓶|袋|支|箱|包|片|条|块|斤|双|套|罐|桶|只|台|张|对|枚|粒|杯|听|提|卷|本|kg|g|ml|克|千克|毫升)?\s*",
                r"(?:送|赠|享|得|发)\s*(?:[一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾]|\d{1,3})",
                r"(?:件|个|份|盒|瓶|袋|支|箱|片|条|块|斤|双|套|罐|桶|只|台|张|对|枚|粒|杯|听|提|卷|本|kg|g|ml|克|千克|毫升)?",
            )),
            draws: r(concat!(
                r"(?:每单|每笔订单|每个订单|每笔|每次购买|购买一次|一次购买|每张奖券|每张抽奖券|每张券)",
                r"[^。;!\n]{0,10}?([2-9]|[1-9]\d|[两二三四五六七八九十])\s*次",
                r"|([2-9]|[1-9]\d|[两二三四五六七八九十])\s*次抽奖机会",
            )),
            combine: r(r"可同时获得|可同时中|可兼得|奖项可叠加|可叠加中奖|可同时抽中"),
            no_repeat: r(r"不可重复中奖|不重复中奖|限中一次|限中1次|最多中奖一次|最多中奖1次"),
            amount: r(concat!(
                r"[¥￥]\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d{1,2})?)(万)?",
                r"|(\d{1,3}(?:,\d{3})+|\d+(?:\.\d{1,2})?)\s*(万)?\s*元",
            )),
            // `十万元`, `五万八千元`, `伍万元`: a whole number of yuan in
            // Chinese numerals, at least ten (`一元` alone is a price word).
            cn_amount: r(r"([零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟]{2,12})\s*元"),
            // `12.10-12.12`, `12/10~12/12`: two months and days joined.
            bare_range: r(concat!(
                r"(\d{1,2})([./])(\d{1,2})\s*(?:-|~|～|至|到|—|–)\s*",
                r"(\d{1,2})([./])(\d{1,2})",
            )),
        }
    })
}

/// Whether `text` has `n` digits in a row. Numeric characters count
/// (a superset of the regexes' Unicode `\d`): sellers write years in
/// fancy digits such as `𝟐𝟎𝟐𝟓`; the numerals among CJK characters
/// (〇, ㉑), which `\d` does not read, are skipped with them.
///
/// Read byte by byte: a character that starts with E3 to E9 (U+3000 to
/// U+9FFF: CJK punctuation, kana and ideographs, most of such text) is
/// no digit and is skipped whole, without being decoded, and so are the
/// full-width forms but for ０ to ９.
fn has_digit_run(text: &str, n: usize) -> bool {
    let bytes = text.as_bytes();
    let mut run = 0;
    let mut at = 0;
    while at < bytes.len() {
        let (numeric, len) = match bytes[at] {
            b @ 0..=0x7F => (b.is_ascii_digit(), 1),
            0xE3..=0xE9 => (false, 3),
            _ => {
                let c = text[at..].chars().next().unwrap_or_default();
                let numeric = match c {
                    '\u{FF10}'..='\u{FF19}' => true,
                    '\u{FF00}'..='\u{FFEF}' => false,
                    c => c.is_numeric(),
                };
                (numeric, c.len_utf8())
            }
        };
        run = if numeric { run + 1 } else { 0 };
        if run >= n {
            return true;
        }
        at += len;
    }
    false
}

/// Whether `s` may hold what the `date` pattern reads: four digits in a
/// row (a year), or a number then, after any whitespace, 月. Most text
/// has neither: 月 comes in 个月 and 月饼 far more often than after a
/// number, and a byte search costs far less than a regex scan.
fn may_hold_date(s: &str) -> bool {
    static MONTH: OnceLock<Finder<'static>> = OnceLock::new();
    let month = MONTH.get_or_init(|| Finder::new("月"));
    preceded_by(s, month, char::is_numeric) || has_digit_run(s, 4)
}

/// Whether `s` may hold what the `bare_date` pattern reads: `-`, `/` or
/// `.` with a number before and after it (whitespace between allowed).
fn may_hold_bare_date(s: &str) -> bool {
    memchr::memchr3_iter(b'-', b'/', b'.', s.as_bytes()).any(|at| {
        last_but_space(&s[..at]).is_some_and(char::is_numeric)
            && first_but_space(&s[at + 1..]).is_some_and(char::is_numeric)
    })
}

/// Whether `text` has `marker` with, before it and any whitespace, a
/// character `before` accepts (see [`followed_by`]).
fn preceded_by(text: &str, marker: &Finder<'_>, before: impl Fn(char) -> bool) -> bool {
    marker
        .find_iter(text.as_bytes())
        .any(|at| last_but_space(&text[..at]).is_some_and(&before))
}

/// The first character of `text` that is not whitespace.
fn first_but_space(text: &str) -> Option<char> {
    text.chars().find(|c| !c.is_whitespace())
}

/// The last character of `text` that is not whitespace.
fn last_but_space(text: &str) -> Option<char> {
    text.chars().rev().find(|c| !c.is_whitespace())
}

/// Converts full-width ASCII to half-width, one character for one; text
/// without full-width characters (the usual case) is borrowed as is.
pub fn half_width(text: &str) -> std::borrow::Cow<'_, str> {
    // U+FF01–U+FF5E are EF BC 81–EF BC BF and EF BD 80–EF BD 9E in UTF-8,
    // U+3000 is E3 80 80: every candidate starts with EF or E3, which most
    // Chinese text has only in its full-width punctuation.
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    for at in memchr::memchr2_iter(0xEF, 0xE3, bytes) {
        let Some(half) = half_width_at(&bytes[at..]) else {
            continue;
        };
        let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
        out.push_str(&text[copied..at]);
        out.push(half);
        copied = at + 3;
    }
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            std::borrow::Cow::Owned(out)
        }
    }
}

/// The half-width form of the full-width character (or ideographic space)
/// whose UTF-8 encoding starts `bytes`, if it is one.
fn half_width_at(bytes: &[u8]) -> Option<char> {
    match *bytes {
        [0xEF, 0xBC, b @ 0x81..=0xBF, ..] => Some(char::from(b - 0x81 + 0x21)),
        [0xEF, 0xBD, b @ 0x80..=0x9E, ..] => Some(char::from(b - 0x80 + 0x60)),
        [0xE3, 0x80, 0x80, ..] => Some(' '),
        _ => None,
    }
}

/// What hidden markup reads as: a character that no recogniser looks for
/// or skips as space, so that nothing is read in hidden markup (a pattern
/// that allows any character between its words, as the draw count's
/// `[^。;!\n]{0,10}` does, reads across it as it read across the tag).
const HIDDEN: char = '\u{0}';

/// Whether `text` has `marker` followed, after any whitespace, by a
/// character `next` accepts. Read on the text as written: half-width
/// conversion turns whitespace into whitespace and digits into digits
/// (and `char::is_whitespace` is the regexes' `\s`), so it answers as it
/// would on the converted text, without converting it.
fn followed_by(text: &str, marker: &Finder<'_>, next: impl Fn(char) -> bool) -> bool {
    let after = marker.needle().len();
    marker
        .find_iter(text.as_bytes())
        .any(|at| first_but_space(&text[at + after..]).is_some_and(&next))
}

/// Searchers for the first words of offers, made once: a search for the
/// whole encoding, since a `char` search looks for its last byte, which
/// in CJK text is any other character's as often.
fn offer_words() -> &'static [Finder<'static>; 3] {
    static WORDS: OnceLock<[Finder<'static>; 3]> = OnceLock::new();
    WORDS.get_or_init(|| ["满", "第", "买"].map(Finder::new))
}

/// Whether `text` may hold an offer: what each offer regex needs after
/// its first word (`满`/`每满` and a number, `第` and 二 to 四, `买` and a
/// count), with `is_numeric` standing in for `\d`, of which it is a
/// superset. Most descriptions say 放心购买 or 第一 and hold none.
fn may_hold_offer(text: &str) -> bool {
    const COUNTS: &str = "一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾";
    let [man, di, mai] = offer_words();
    followed_by(text, man, char::is_numeric)
        || followed_by(text, di, |c| "二三四".contains(c) || c.is_numeric())
        || followed_by(text, mai, |c| COUNTS.contains(c) || c.is_numeric())
}

/// Character offset of byte `at` in `s`.
fn chars_before(s: &str, at: usize) -> usize {
    s[..at].chars().count()
}

fn time_at(s: &str, at: usize) -> Option<(u32, usize)> {
    let m = patterns().time_after.captures(&s[at..])?;
    let whole = m.get(0)?;
    let minutes = if let (Some(h), Some(mm)) = (m.get(1), m.get(2)) {
        h.as_str().parse::<u32>().ok()? * 60 + mm.as_str().parse::<u32>().ok()?
    } else if let Some(h) = m.get(3) {
        let extra = match (m.get(4), whole.as_str().ends_with('半')) {
            (Some(mm), _) => mm.as_str().parse::<u32>().ok()?,
            (None, true) => 30,
            _ => 0,
        };
        h.as_str().parse::<u32>().ok()? * 60 + extra
    } else {
        0
    };
    (minutes <= 24 * 60).then_some((minutes, at + whole.end()))
}

/// Finds everything in `text`. `year` fills dates written without one.
pub fn recognize(text: &str, year: i32) -> Recognized {
    let parts = Recognition::default();
    RecognizedText::new(text, year, &parts).to_recognized()
}

/// Dates with their spans, and windows.
type DatesAndWindows = (Vec<(Moment, Span)>, Vec<Window>);

/// Money amounts and prize amounts, with their spans.
type AmountsAndPrizes = (Vec<(Money, Span)>, Vec<(Money, Span)>);

/// What the recognisers find in one text, each part recognised when it is
/// first asked for (through [`RecognizedText`]). A disclosure rule mostly
/// needs one part (the offers that trigger it, the end date of an item) or
/// none (the promotion fields disclose the item), and reading a long
/// description for everything costs far more than the part it needs. The
/// parts are found by the same code as [`recognize`], which asks for all.
#[derive(Debug, Default)]
pub struct Recognition {
    /// The character ranges of the text's hidden markup, when the caller
    /// knows them ([`Self::know_hidden_markup`]).
    hidden: Vec<(usize, usize)>,
    /// Whether `hidden` is known; else the markup is read when needed.
    hidden_known: bool,
    /// The text made half-width, when that changed it.
    half: OnceCell<Option<String>>,
    /// Dates and windows (with the event days).
    moments: OnceCell<DatesAndWindows>,
    offers: OnceCell<Vec<(Offer, Span)>>,
    thresholds: OnceCell<Vec<Span>>,
    quantity_limits: OnceCell<Vec<Span>>,
    /// Amounts and prize amounts.
    amounts: OnceCell<AmountsAndPrizes>,
    /// Draws per purchase, whether prizes combine, whether a prize can be
    /// won once only.
    draws: OnceCell<(Option<u32>, bool, bool)>,
}

impl Recognition {
    /// Forgets every part, for the next text.
    pub fn clear(&mut self) {
        let mut hidden = std::mem::take(&mut self.hidden);
        hidden.clear();
        *self = Self {
            hidden,
            ..Self::default()
        };
    }

    /// Tells the recognisers which character ranges of the text are
    /// markup a shopper does not see — what [`hide_markup`] would find in
    /// it, as the normaliser notes while it reads the text
    /// ([`crate::text::normalize::Normalized::hidden`]) — so that the
    /// markup is not read a second time.
    pub fn know_hidden_markup(&mut self, hidden: &[(usize, usize)]) {
        self.hidden.clear();
        self.hidden.extend_from_slice(hidden);
        self.hidden_known = true;
    }
}

/// One text and its [`Recognition`]: each part is recognised on first
/// use and kept. The same `Recognition` must always be read with the same
/// text and year.
#[derive(Debug, Clone, Copy)]
pub struct RecognizedText<'a> {
    text: &'a str,
    year: i32,
    parts: &'a Recognition,
}

impl<'a> RecognizedText<'a> {
    /// `text` read through `parts`; `year` fills dates written without one.
    pub fn new(text: &'a str, year: i32, parts: &'a Recognition) -> Self {
        Self { text, year, parts }
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The text as the recognisers read it: markup shoppers do not see
    /// hidden ([`hide_markup`]), full-width characters made half-width;
    /// one character for one.
    fn half(&self) -> &'a str {
        let text = self.text;
        let half = self.parts.half.get_or_init(|| {
            let shown = if self.parts.hidden_known {
                hide_ranges(text, &self.parts.hidden, HIDDEN)
            } else {
                hide_markup(text, HIDDEN)
            };
            match half_width(shown.as_deref().unwrap_or(text)) {
                std::borrow::Cow::Borrowed(_) => shown,
                std::borrow::Cow::Owned(s) => Some(s),
            }
        });
        half.as_deref().unwrap_or(text)
    }

    fn moments(&self) -> &'a DatesAndWindows {
        self.parts.moments.get_or_init(|| {
            let s = self.half();
            let mut out = Recognized::default();
            let moments = find_moments(s, self.year);
            read_windows(s, &moments, &mut out);
            read_event_days(s, self.year, &mut out);
            (out.dates, out.windows)
        })
    }

    /// Every absolute date, with its span ([`Recognized::dates`]).
    pub fn dates(&self) -> &'a [(Moment, Span)] {
        &self.moments().0
    }

    /// Windows ([`Recognized::windows`]).
    pub fn windows(&self) -> &'a [Window] {
        &self.moments().1
    }

    /// Offers, in text order ([`Recognized::offers`]).
    pub fn offers(&self) -> &'a [(Offer, Span)] {
        self.parts.offers.get_or_init(|| {
            if !may_hold_offer(self.text) {
                return Vec::new();
            }
            let mut out = Recognized::default();
            recognize_offers(self.half(), &mut out);
            out.offers
        })
    }

    /// Thresholds ([`Recognized::thresholds`]).
    pub fn thresholds(&self) -> &'a [Span] {
        self.parts.thresholds.get_or_init(|| {
            if !followed_by(self.text, &offer_words()[0], char::is_numeric) {
                return Vec::new();
            }
            read_thresholds(self.half())
        })
    }

    /// Quantity limits ([`Recognized::quantity_limits`]).
    pub fn quantity_limits(&self) -> &'a [Span] {
        self.parts
            .quantity_limits
            .get_or_init(|| read_quantity_limits(self.half()))
    }

    fn all_amounts(&self) -> &'a AmountsAndPrizes {
        self.parts.amounts.get_or_init(|| {
            let mut out = Recognized::default();
            read_amounts(self.half(), &mut out);
            (out.amounts, out.prize_amounts)
        })
    }

    /// Money amounts ([`Recognized::amounts`]).
    pub fn amounts(&self) -> &'a [(Money, Span)] {
        &self.all_amounts().0
    }

    /// Prize values ([`Recognized::prize_amounts`]).
    pub fn prize_amounts(&self) -> &'a [(Money, Span)] {
        &self.all_amounts().1
    }

    fn draws(&self) -> (Option<u32>, bool, bool) {
        *self.parts.draws.get_or_init(|| {
            let mut out = Recognized::default();
            read_draws(self.half(), &mut out);
            (
                out.draws_per_purchase,
                out.prizes_combine,
                out.no_repeat_win,
            )
        })
    }

    /// Draws per purchase ([`Recognized::draws_per_purchase`]).
    pub fn draws_per_purchase(&self) -> Option<u32> {
        self.draws().0
    }

    /// Whether one draw can win several prizes
    /// ([`Recognized::prizes_combine`]).
    pub fn prizes_combine(&self) -> bool {
        self.draws().1
    }

    /// Whether a buyer can win each prize once only
    /// ([`Recognized::no_repeat_win`]).
    pub fn no_repeat_win(&self) -> bool {
        self.draws().2
    }

    /// [`Recognized::first`], recognising the offers only.
    pub fn first(&self, kind: &str) -> Option<Span> {
        first_offer(self.offers(), kind)
    }

    /// [`Recognized::has`], recognising only the part `kind` needs.
    pub fn has(&self, kind: &str) -> bool {
        match kind {
            "time-window" => self
                .windows()
                .iter()
                .any(|w| w.start.is_some() && w.end.is_some()),
            "end" => self.windows().iter().any(|w| w.end.is_some()),
            "start" => self.windows().iter().any(|w| w.start.is_some()),
            "date" => !self.dates().is_empty(),
            "threshold" => !self.thresholds().is_empty(),
            "quantity-limit" => !self.quantity_limits().is_empty(),
            "amount" => !self.amounts().is_empty(),
            _ => self.first(kind).is_some(),
        }
    }

    /// Every part, as [`recognize`] gives them.
    pub fn to_recognized(&self) -> Recognized {
        let (draws_per_purchase, prizes_combine, no_repeat_win) = self.draws();
        Recognized {
            dates: self.dates().to_vec(),
            windows: self.windows().to_vec(),
            thresholds: self.thresholds().to_vec(),
            quantity_limits: self.quantity_limits().to_vec(),
            amounts: self.amounts().to_vec(),
            prize_amounts: self.prize_amounts().to_vec(),
            offers: self.offers().to_vec(),
            draws_per_purchase,
            prizes_combine,
            no_repeat_win,
        }
    }
}

/// The dates of `s`, each with a following time if there is one, and its
/// byte range, in text order.
fn find_moments(s: &str, year: i32) -> Vec<(Moment, usize, usize)> {
    let p = patterns();
    let mut moments: Vec<(Moment, usize, usize)> = Vec::new();
    // Each recogniser runs only on text with a word or digits it needs:
    // most text has none, and a byte search costs far less than a regex
    // scan with captures.
    let dates = if may_hold_date(s) {
        Some(p.date.captures_iter(s))
    } else {
        None
    };
    let bare_dates = if may_hold_bare_date(s) {
        Some(p.bare_date.captures_iter(s))
    } else {
        None
    };
    let ranges = if bare_dates.is_some() && (s.contains('.') || s.contains('/')) {
        bare_ranges(s)
    } else {
        Vec::new()
    };
    let full = dates.into_iter().flatten().map(|m| (m, false));
    let bare = bare_dates.into_iter().flatten().map(|m| (m, true));
    for (m, is_bare) in full.chain(bare) {
        let whole = m.get(0).expect("group 0");
        let (y, mo, d) = match (is_bare, m.get(2), m.get(4)) {
            (true, _, _) => {
                let separator = m.get(2).map_or("", |g| g.as_str());
                let overlaps = moments
                    .iter()
                    .any(|&(_, a, b)| whole.start() < b && a < whole.end());
                let in_range = ranges
                    .iter()
                    .any(|&(a, b)| a <= whole.start() && whole.end() <= b);
                if overlaps
                    || !(in_range
                        || bare_month_day_is_date(s, whole.start(), whole.end(), separator))
                {
                    continue;
                }
                let Some(mo) = m.get(1) else { continue };
                (None, mo, m.get(3))
            }
            (false, Some(mo), _) => (m.get(1), mo, m.get(3)),
            (false, None, Some(mo)) => (None, mo, m.get(5)),
            _ => continue,
        };
        let year = y.and_then(|y| y.as_str().parse().ok()).unwrap_or(year);
        let (Some(month), Some(day)) = (
            mo.as_str().parse().ok(),
            d.and_then(|d| d.as_str().parse().ok()),
        ) else {
            continue;
        };
        let Some(date) = Date::new(year, month, day) else {
            continue;
        };
        let (minutes, end) = match time_at(s, whole.end()) {
            Some((minutes, end)) => (Some(minutes), end),
            None => (None, whole.end()),
        };
        moments.push((Moment { date, minutes }, whole.start(), end));
    }
    moments.sort_by_key(|&(_, a, _)| a);
    moments
}

/// Windows read around the dates: a date, a connector and another date,
/// day or time; a date that is the only day; a date with 截止 or 起.
fn read_windows(s: &str, moments: &[(Moment, usize, usize)], out: &mut Recognized) {
    let p = patterns();
    let span = |a: usize, b: usize| (chars_before(s, a), chars_before(s, b));
    let mut used_as_end = vec![false; moments.len()];
    for i in 0..moments.len() {
        let (start_moment, a, b) = moments[i];
        out.dates.push((start_moment, span(a, b)));
        if used_as_end[i] {
            continue;
        }
        if let Some(conn) = p.connector_after.find(&s[b..]) {
            let after = b + conn.end();
            // Another full date right after the connector.
            if let Some(j) = (i + 1..moments.len()).find(|&j| moments[j].1 == after) {
                let (mut end_moment, _, end_at) = moments[j];
                if end_moment.date < start_moment.date
                    && end_moment.date.month < start_moment.date.month
                {
                    end_moment.date = Date::new(
                        end_moment.date.year + 1,
                        end_moment.date.month,
                        end_moment.date.day,
                    )
                    .unwrap_or(end_moment.date);
                }
                used_as_end[j] = true;
                out.windows.push(Window {
                    start: Some(start_moment),
                    end: Some(end_moment),
                    span: span(a, end_at),
                });
                continue;
            }
            // A bare day (`至13日`) or a bare time (`-24:00`).
            if let Some(day) = p.day_after.captures(&s[after..]) {
                let d: u8 = day[1].parse().unwrap_or(0);
                if let Some(date) = Date::new(start_moment.date.year, start_moment.date.month, d) {
                    let day_end = after + day.get(0).expect("group 0").end();
                    let (minutes, end_at) = match time_at(s, day_end) {
                        Some((minutes, e)) => (Some(minutes), e),
                        None => (None, day_end),
                    };
                    let end_moment = Moment { date, minutes };
                    out.windows.push(Window {
                        start: Some(start_moment),
                        end: Some(end_moment),
                        span: span(a, end_at),
                    });
                    continue;
                }
            }
            if let Some((minutes, end_at)) = time_at(s, after) {
                let end_moment = Moment {
                    date: start_moment.date,
                    minutes: Some(minutes),
                };
                out.windows.push(Window {
                    start: Some(start_moment),
                    end: Some(end_moment),
                    span: span(a, end_at),
                });
                continue;
            }
        }
        // 当天 after the date, 仅/仅限 before it, or an event label
        // (`【11-11】`): that day only.
        let label = s[..a].ends_with(['【', '[']);
        let one_day_end = p
            .one_day_after
            .find(&s[b..])
            .map(|m| b + m.end())
            .or_else(|| (p.only_before.is_match(&s[..a]) || label).then_some(b));
        if let Some(end_at) = one_day_end {
            out.windows
                .push(one_day(start_moment.date, span(a, end_at)));
            continue;
        }
        if p.end_before.is_match(&s[..a]) || p.end_after.is_match(&s[b..]) {
            out.windows.push(Window {
                start: None,
                end: Some(start_moment),
                span: span(a, b),
            });
        } else if p.start_after.is_match(&s[b..]) {
            out.windows.push(Window {
                start: Some(start_moment),
                end: None,
                span: span(a, b),
            });
        }
    }
}

/// 双11当天, 618当日 …: the event's day, this year.
fn read_event_days(s: &str, year: i32, out: &mut Recognized) {
    let p = patterns();
    let span = |a: usize, b: usize| (chars_before(s, a), chars_before(s, b));
    if s.contains("当") {
        for m in p.event_day.captures_iter(s) {
            let (month, day) = match m.get(1).map(|g| g.as_str()) {
                Some("11" | "十一") => (11, 11),
                Some(_) => (12, 12),
                None => (6, 18),
            };
            let whole = m.get(0).expect("group 0");
            if let Some(date) = Date::new(year, month, day) {
                let at = span(whole.start(), whole.end());
                out.dates.push((
                    Moment {
                        date,
                        minutes: None,
                    },
                    at,
                ));
                out.windows.push(one_day(date, at));
            }
        }
    }
}

/// 满 thresholds.
fn read_thresholds(s: &str) -> Vec<Span> {
    let p = patterns();
    let span = |a: usize, b: usize| (chars_before(s, a), chars_before(s, b));
    if !s.contains("满") {
        return Vec::new();
    }
    p.threshold
        .find_iter(s)
        .map(|m| span(m.start(), m.end()))
        .collect()
}

/// Quantity limits.
fn read_quantity_limits(s: &str) -> Vec<Span> {
    let p = patterns();
    let span = |a: usize, b: usize| (chars_before(s, a), chars_before(s, b));
    if !["限", "剩", "有", "前"].iter().any(|c| s.contains(c)) {
        return Vec::new();
    }
    p.quantity
        .find_iter(s)
        .map(|m| span(m.start(), m.end()))
        .collect()
}

/// Amounts of money, and which of them are prizes.
fn read_amounts(s: &str, out: &mut Recognized) {
    let p = patterns();
    let span = |a: usize, b: usize| (chars_before(s, a), chars_before(s, b));
    let mut found: Vec<(Money, usize, usize)> = Vec::new();
    if ["¥", "￥", "元"].iter().any(|c| s.contains(c)) {
        for m in p.amount.captures_iter(s) {
            let whole = m.get(0).expect("group 0");
            let (number, wan) = match m.get(1) {
                Some(n) => (n.as_str(), m.get(2).is_some()),
                None => (m.get(3).map_or("", |n| n.as_str()), m.get(4).is_some()),
            };
            if let Some(money) = parse_amount(number) {
                let money = if wan { Money(money.0 * 10_000) } else { money };
                found.push((money, whole.start(), whole.end()));
            }
        }
    }
    read_chinese_amounts(s, &mut found);
    let mut previous_end = 0;
    let mut previous_was_prize = false;
    for (money, start, end) in found {
        let at = span(start, end);
        out.amounts.push((money, at));
        // A prize amount follows 奖 with no other amount in between,
        // or follows a prize amount joined by a conjunction.
        let between = &s[previous_end.min(start)..start];
        let before: String = between.chars().rev().take(10).collect();
        let joined = previous_was_prize
            && between.chars().count() <= 8
            && ['和', '及', '与', '、', '+', '加']
                .iter()
                .any(|&c| between.contains(c));
        previous_was_prize = before.contains('奖') || joined;
        if previous_was_prize {
            out.prize_amounts.push((money, at));
        }
        previous_end = end;
    }
}

/// Adds the amounts written in Chinese numerals (`十万元`, `五万八千元`,
/// `伍万元`) to `found`, keeping it in text order. Only text that names a
/// prize is read: these amounts serve the prize cap.
fn read_chinese_amounts(s: &str, found: &mut Vec<(Money, usize, usize)>) {
    if !(s.contains("奖") && s.contains("元")) {
        return;
    }
    let p = patterns();
    for m in p.cn_amount.captures_iter(s) {
        let whole = m.get(0).expect("group 0");
        let overlaps = found
            .iter()
            .any(|&(_, a, b)| whole.start() < b && a < whole.end());
        let yuan = m.get(1).and_then(|g| chinese_number(g.as_str()));
        if let (false, Some(yuan)) = (overlaps, yuan.filter(|&y| y >= 10)) {
            let fen = i64::try_from(yuan).ok().and_then(|y| y.checked_mul(100));
            if let Some(fen) = fen {
                found.push((Money(fen), whole.start(), whole.end()));
            }
        }
    }
    found.sort_by_key(|&(_, a, _)| a);
}

/// The value of a whole number in Chinese numerals (`十万`, `五万八千`,
/// `一万五` = 15,000, `两千零五十`, `伍万`), if it is one.
fn chinese_number(text: &str) -> Option<u64> {
    let digit = |c: char| -> Option<u64> {
        Some(match c {
            '零' | '〇' => 0,
            '一' | '壹' => 1,
            '二' | '两' | '贰' => 2,
            '三' | '叁' => 3,
            '四' | '肆' => 4,
            '五' | '伍' => 5,
            '六' | '陆' => 6,
            '七' | '柒' => 7,
            '八' | '捌' => 8,
            '九' | '玖' => 9,
            _ => return None,
        })
    };
    let unit = |c: char| -> Option<u64> {
        Some(match c {
            '十' | '拾' => 10,
            '百' | '佰' => 100,
            '千' | '仟' => 1000,
            '万' => 10_000,
            _ => return None,
        })
    };
    let (mut total, mut section, mut pending): (u64, u64, Option<u64>) = (0, 0, None);
    // The unit of the last multiplier, for a trailing digit (`一万五`).
    let mut last_unit = 1;
    for c in text.chars() {
        if let Some(d) = digit(c) {
            if pending.is_some() && d != 0 {
                return None; // two digits in a row: not a number word
            }
            pending = (d != 0).then_some(d).or(pending);
        } else if let Some(u) = unit(c) {
            if u == 10_000 {
                section = (section + pending.take().unwrap_or(0)).checked_mul(u)?;
                total = total.checked_add(section)?;
                section = 0;
            } else {
                section += pending.take().unwrap_or(1) * u;
            }
            last_unit = u;
        } else {
            return None;
        }
    }
    let tail = pending.map_or(0, |d| {
        if text.chars().rev().nth(1).and_then(unit).is_some() && last_unit >= 100 {
            d * (last_unit / 10)
        } else {
            d
        }
    });
    Some(total + section + tail)
}

/// Draws per purchase and whether prizes combine or repeat.
fn read_draws(s: &str, out: &mut Recognized) {
    let p = patterns();
    if s.contains("奖") {
        out.draws_per_purchase = p
            .draws
            .captures_iter(s)
            .filter_map(|m| {
                m.get(1)
                    .or_else(|| m.get(2))
                    .and_then(|g| small_number(g.as_str()))
            })
            .filter(|&n| n > 1)
            .max();
        out.prizes_combine = p.combine.is_match(s);
        out.no_repeat_win = p.no_repeat.is_match(s);
    }
}

/// A window of one whole day.
fn one_day(date: Date, span: Span) -> Window {
    Window {
        start: Some(Moment {
            date,
            minutes: Some(0),
        }),
        end: Some(Moment {
            date,
            minutes: Some(24 * 60),
        }),
        span,
    }
}

/// Whether a month and day written without 月 or a year (`11/11`, `11.11`,
/// `11-11`, bytes `start..end` of `s`) is a date: it stands alone (no digit
/// or separator before it) and a time follows it (for `-`, only `HH:MM`),
/// or 当天/当日 follows it, or 仅/仅限 comes before it and nothing
/// alphanumeric or ideographic follows.
fn bare_month_day_is_date(s: &str, start: usize, end: usize, separator: &str) -> bool {
    let p = patterns();
    let before = s[..start].chars().next_back();
    if before.is_some_and(|c| c.is_ascii_alphanumeric() || ['/', '.', '-', ':'].contains(&c)) {
        return false;
    }
    let rest = &s[end..];
    let next = rest.chars().next();
    if next.is_some_and(|c| c.is_ascii_digit() || ['/', '.', '-'].contains(&c)) {
        return false;
    }
    if p.one_day_after.is_match(rest) {
        return true;
    }
    if let Some(time) = p.time_after.captures(rest) {
        return separator != "-" || time.get(2).is_some();
    }
    if p.only_before.is_match(&s[..start]) {
        return !next.is_some_and(char::is_alphanumeric);
    }
    // An event label: `【11-11】`, `【11.11特供】`, `【11-11预售 买二赠三】`.
    let opens_label = matches!(before, Some('【' | '['));
    opens_label && !next.is_some_and(|c| c.is_ascii_alphanumeric() || MEASURE_WORDS.contains(c))
}

/// Words that make a number before them a size, a count or a time span,
/// not a month and day (`3-5天`, `11.11码`, `1.5-2.5平方`).
const MEASURE_WORDS: &str =
    "天岁年月日号个件只人码寸斤克米点时分周期折元倍层片粒袋盒瓶平度升毫厘吨瓦伏磅";

/// Units of length, weight and the like, which make a number a size even
/// after a space (`12.5-12.8 毫米`).
const UNITS: &str = "米毫厘码寸斤克升吨瓦伏磅";

/// Byte ranges of two months and days written without 月 and joined as a
/// window (`12.10-12.12`, `6/18~6/20`, `12.30-1.2`): the same separator
/// (`.` or `/`) on both sides, valid months and days, the end not before
/// the start (December to January rolls over), at least one of the four
/// numbers with two digits (`1.5-2.5` is a size, not 1 May to 2 May), no
/// digit, letter or separator before it, and none after it, nor a measure
/// word, spaces aside (`10.5-11.5码`, `12.5-12.8 mm`).
fn bare_ranges(s: &str) -> Vec<(usize, usize)> {
    let p = patterns();
    p.bare_range
        .captures_iter(s)
        .filter_map(|m| {
            let whole = m.get(0)?;
            let text = |i: usize| m.get(i).map_or("", |g| g.as_str());
            let number = |i: usize| text(i).parse::<u32>().ok();
            let (m1, d1, m2, d2) = (number(1)?, number(3)?, number(4)?, number(6)?);
            let valid = |mo: u32, d: u32| (1..=12).contains(&mo) && (1..=31).contains(&d);
            let ordered = (m1, d1) <= (m2, d2) || (m1 == 12 && m2 == 1);
            let two_digits = [1, 3, 4, 6].iter().any(|&i| text(i).len() == 2);
            let before = s[..whole.start()].chars().next_back();
            let rest = &s[whole.end()..];
            let after = rest.chars().next();
            let after_space = rest.trim_start().chars().next();
            let joined = |c: char| c.is_ascii_alphanumeric() || "/.-".contains(c);
            let alone = !before.is_some_and(joined)
                && !after.is_some_and(|c| joined(c) || c == '%' || MEASURE_WORDS.contains(c))
                && !after_space.is_some_and(|c| c.is_ascii_alphanumeric() || UNITS.contains(c));
            let date_like = text(2) == text(5) && valid(m1, d1) && valid(m2, d2);
            (date_like && ordered && two_digits && alone).then(|| (whole.start(), whole.end()))
        })
        .collect()
}

/// `2`…`99` or a Chinese numeral 两/二…十.
fn small_number(text: &str) -> Option<u32> {
    text.parse().ok().or(match text {
        "二" | "两" => Some(2),
        "三" => Some(3),
        "四" => Some(4),
        "五" => Some(5),
        "六" => Some(6),
        "七" => Some(7),
        "八" => Some(8),
        "九" => Some(9),
        "十" => Some(10),
        _ => None,
    })
}

/// Whether `text` may hold what the named trigger recogniser finds: for
/// the offer recognisers (`threshold-offer`, `multi-buy-offer`,
/// `buy-get-offer`, `offer`) whether it holds such an offer, found by the
/// offer patterns alone (and only in text with 满, 第 or 买), far cheaper
/// than [`recognize`]; for any other recogniser, `true`. The engine asks
/// it before reading a listing in full for a rule triggered by an offer.
pub fn may_trigger(text: &str, kind: &str) -> bool {
    if !kind.ends_with("offer") {
        return true;
    }
    let parts = Recognition::default();
    RecognizedText::new(text, 0, &parts).first(kind).is_some()
}

/// Offers written with their numbers, in text order.
fn recognize_offers(s: &str, out: &mut Recognized) {
    let p = patterns();
    let span = |a: usize, b: usize| (chars_before(s, a), chars_before(s, b));
    if s.contains("满") {
        for m in p.threshold_offer.find_iter(s) {
            out.offers
                .push((Offer::Threshold, span(m.start(), m.end())));
        }
    }
    if s.contains("第") {
        for m in p.multi_buy.find_iter(s) {
            out.offers.push((Offer::MultiBuy, span(m.start(), m.end())));
        }
    }
    if s.contains("买") {
        for m in p.buy_get.find_iter(s) {
            // 买2享9折 is a multi-buy discount, not a gift.
            let discount = s[m.end()..].trim_start().starts_with('折');
            if !discount {
                out.offers.push((Offer::BuyGet, span(m.start(), m.end())));
            }
        }
    }
    out.offers.sort_by_key(|&(_, at)| at);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Offers of `text` recognised without any pre-check.
    fn recognize_offers_of(text: &str) -> Vec<(Offer, Span)> {
        let mut out = Recognized::default();
        recognize_offers(&half_width(text), &mut out);
        out.offers
    }

    #[test]
    fn every_recogniser_regex_compiles() {
        // They are compiled when first used; a run may never use some.
        let all = patterns().all();
        assert_eq!(all.len(), 22);
        for lazy in all {
            assert!(!lazy.as_str().is_empty(), "{}", lazy.pattern);
        }
    }

    #[test]
    fn markup_shoppers_do_not_see_is_not_read() {
        let text =
            "<p>限时特惠</p><img src=\"//img.cn/2024-06-01/满300减50.jpg\" alt=\"活动至6月18日\">";
        let found = recognize(text, 2026);
        assert_eq!(found.dates.len(), 1, "{found:?}");
        let (date, span) = found.dates[0];
        assert_eq!((date.date.month, date.date.day), (6, 18));
        let shown: String = text.chars().skip(span.0).take(span.1 - span.0).collect();
        assert_eq!(shown, "6月18日");
        assert!(found.offers.is_empty(), "{found:?}");
        // The same words as text are read.
        let found = recognize("<p>2024-06-01起 满300减50</p>", 2026);
        assert_eq!(found.dates.len(), 1);
        assert_eq!(found.offers.len(), 1);
    }

    #[test]
    fn dates_with_years_in_other_digits_are_still_read() {
        for text in ["特价截至𝟐𝟎𝟐𝟓-11-12", "特价截至٢٠٢٥-11-12"] {
            let found = recognize(text, 2026);
            assert_eq!(found.dates.len(), 1, "{text}");
            assert_eq!(found.windows.len(), 1, "{text}");
        }
    }

    proptest::proptest! {
        /// Text the pre-checks pass over holds no offer and no threshold
        /// that the regexes would find.
        #[test]
        fn the_offer_pre_checks_miss_nothing(
            text in "([满第买每减送赠件折元半价打 　\t２2３4５9０一二两三四十壹拾。，]|满100减|第2件|买二送一|买 ３ 送|<p>|</p>|<img src=\"满3减1\" alt=\"买2送1\">|<!--第2件-->){0,16}",
        ) {
            let parts = Recognition::default();
            let found = RecognizedText::new(&text, 2026, &parts);
            let shown = hide_markup(&text, HIDDEN).unwrap_or_else(|| text.clone());
            let full = recognize_offers_of(&shown);
            if !may_hold_offer(&text) {
                proptest::prop_assert!(full.is_empty(), "{:?}", full);
            }
            proptest::prop_assert_eq!(found.offers(), &full[..]);
            let thresholds = read_thresholds(&half_width(&shown));
            proptest::prop_assert_eq!(found.thresholds(), &thresholds[..]);
        }

        /// Text the date pre-checks pass over holds nothing the date
        /// patterns would read.
        #[test]
        fn the_date_pre_checks_miss_nothing(
            text in "([0-9٣３月日号年个饼 　\t\n./–:\u{0}a蓝牙-]|2024|6月|5.3|12 / 31|3 - 5){0,16}",
        ) {
            let p = patterns();
            if !may_hold_date(&text) {
                proptest::prop_assert!(!p.date.is_match(&text), "{:?}", text);
            }
            if !may_hold_bare_date(&text) {
                proptest::prop_assert!(!p.bare_date.is_match(&text), "{:?}", text);
            }
        }

        /// Wherever the regexes' `\d` finds four digits in a row, so does
        /// the byte-level check.
        #[test]
        fn digit_runs_are_found_wherever_the_regex_finds_them(
            text in "[0-9٣３０𝟐〇一月，。：（a-]{0,12}|\\PC{0,12}",
        ) {
            let digits = Regex::new(r"\d{4}").unwrap();
            if digits.is_match(&text) {
                proptest::prop_assert!(has_digit_run(&text, 4), "{:?}", text);
            }
        }

        /// The byte-level conversion is the character mapping it stands for.
        #[test]
        fn half_width_maps_each_character(
            text in "[a-z0-9 \u{FF00}-\u{FF60}\u{FFEF}\u{3000}-\u{3002}最好]{0,24}|\\PC{0,24}",
        ) {
            let expected: String = text
                .chars()
                .map(|c| match c {
                    '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
                    '\u{3000}' => ' ',
                    c => c,
                })
                .collect();
            proptest::prop_assert_eq!(half_width(&text), expected);
        }
    }

    #[test]
    fn half_width_converts_full_width_ascii_and_borrows_other_text() {
        assert_eq!(half_width("ＳＣ１２３　满１００元，"), "SC123 满100元,");
        assert!(matches!(
            half_width("满100元 限购2件"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    fn d(y: i32, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    /// A window's start and end.
    type Bounds = (Option<Moment>, Option<Moment>);

    fn window(text: &str) -> Option<Bounds> {
        recognize(text, 2026)
            .windows
            .first()
            .map(|w| (w.start, w.end))
    }

    fn at(date: Date, minutes: Option<u32>) -> Option<Moment> {
        Some(Moment { date, minutes })
    }

    #[test]
    fn ranges_as_listings_write_them() {
        assert_eq!(
            window("活动时间：11月11日0点-11月12日24点"),
            Some((
                at(d(2026, 11, 11), Some(0)),
                at(d(2026, 11, 12), Some(1440))
            ))
        );
        assert_eq!(
            window("2026-11-11 至 2026-11-13"),
            Some((at(d(2026, 11, 11), None), at(d(2026, 11, 13), None)))
        );
        assert_eq!(
            window("２０２６年１１月１１日～１１月１３日"),
            Some((at(d(2026, 11, 11), None), at(d(2026, 11, 13), None)))
        );
        assert_eq!(
            window("11月11日至13日"),
            Some((at(d(2026, 11, 11), None), at(d(2026, 11, 13), None)))
        );
        assert_eq!(
            window("11月11日20:00-24:00"),
            Some((
                at(d(2026, 11, 11), Some(1200)),
                at(d(2026, 11, 11), Some(1440))
            ))
        );
        assert_eq!(
            window("2026/12/30 20点30分 到 2027/1/2"),
            Some((at(d(2026, 12, 30), Some(1230)), at(d(2027, 1, 2), None)))
        );
        assert_eq!(
            window("12月30日至1月2日"),
            Some((at(d(2026, 12, 30), None), at(d(2027, 1, 2), None)))
        );
    }

    #[test]
    fn more_real_phrasings() {
        let cases: &[(&str, Option<Bounds>)] = &[
            (
                "活动时间 2026年11月11日 20:00 - 2026年11月11日 23:59",
                Some((
                    at(d(2026, 11, 11), Some(1200)),
                    at(d(2026, 11, 11), Some(1439)),
                )),
            ),
            (
                "11月1日起至11月11日止",
                Some((at(d(2026, 11, 1), None), at(d(2026, 11, 11), None))),
            ),
            (
                "１２月１２日２４点截止",
                Some((None, at(d(2026, 12, 12), Some(1440)))),
            ),
            (
                // Two M.D joined are a range (see `bare_ranges`).
                "12.1-12.12 年终大促",
                Some((at(d(2026, 12, 1), None), at(d(2026, 12, 12), None))),
            ),
            (
                "2026.12.01-2026.12.03 限时",
                Some((at(d(2026, 12, 1), None), at(d(2026, 12, 3), None))),
            ),
            (
                "11月11号零点开抢",
                Some((at(d(2026, 11, 11), Some(0)), None)),
            ),
            ("今晚8点开抢 仅限今天", None),
        ];
        for (text, expected) in cases {
            assert_eq!(window(text), *expected, "{text}");
        }
    }

    #[test]
    fn compact_and_one_day_forms() {
        let day = |m: u8, dd: u8, from: u32, to: u32| {
            Some((at(d(2026, m, dd), Some(from)), at(d(2026, m, dd), Some(to))))
        };
        let cases: &[(&str, Option<Bounds>)] = &[
            ("11/11 00:00-01:59", day(11, 11, 0, 119)),
            ("11.11 0点-2点", day(11, 11, 0, 120)),
            ("优惠券11/11,00#00-01#59", day(11, 11, 0, 119)),
            ("仅11月11日当天", day(11, 11, 0, 1440)),
            ("【仅限11-11】雅诗兰黛", day(11, 11, 0, 1440)),
            ("【11-11当天满赠】", day(11, 11, 0, 1440)),
            ("【11.11特供】气垫", day(11, 11, 0, 1440)),
            ("仅双11当天专享", day(11, 11, 0, 1440)),
            ("618当天", day(6, 18, 0, 1440)),
            ("仅限3-5岁", None),
            ("【3-5天发货】", None),
            ("尺码11.11 3-5天发货", None),
            ("版本1.2 10点发货", None),
            ("1.5-2.5 尺码", None),
        ];
        for (text, expected) in cases {
            assert_eq!(window(text), *expected, "{text}");
        }
    }

    #[test]
    fn offers_by_their_numbers() {
        let kinds = |text: &str| -> Vec<Offer> {
            recognize(text, 2026).offers.iter().map(|o| o.0).collect()
        };
        assert_eq!(kinds("满300减50"), [Offer::Threshold]);
        assert_eq!(kinds("满500元-50元店铺券"), [Offer::Threshold]);
        assert_eq!(kinds("每满200减30"), [Offer::Threshold]);
        assert_eq!(kinds("满2件9折"), [Offer::Threshold]);
        assert_eq!(kinds("第二件半价"), [Offer::MultiBuy]);
        assert_eq!(kinds("第2件5折"), [Offer::MultiBuy]);
        assert_eq!(kinds("买一送一"), [Offer::BuyGet]);
        assert_eq!(kinds("买30g送30g替换芯"), [Offer::BuyGet]);
        for none in [
            "满58包邮",
            "租满2年送1年",
            "买2享9折",
            "满意 满月",
            "第二代 第2名",
        ] {
            assert!(kinds(none).is_empty(), "{none}");
        }
        let r = recognize(
            "每单可抽奖3次，可同时获得一等奖现金3万元和价值2万元的手机",
            2026,
        );
        assert_eq!(r.draws_per_purchase, Some(3));
        assert!(r.prizes_combine && !r.no_repeat_win);
        assert_eq!(r.prize_amounts.len(), 2, "{r:?}");
    }

    #[test]
    fn ranges_of_months_and_days_without_month_words() {
        let days = |m1: u8, d1: u8, m2: u8, d2: u8| {
            Some((at(d(2026, m1, d1), None), at(d(2026, m2, d2), None)))
        };
        let cases: &[(&str, Option<Bounds>)] = &[
            ("限时特价 12.10-12.12", days(12, 10, 12, 12)),
            ("活动时间：12/10-12/12", days(12, 10, 12, 12)),
            ("【11.1~11.11】", days(11, 1, 11, 11)),
            ("6.18至6.20 年中大促", days(6, 18, 6, 20)),
            ("尺码1.5-2.5", None),
            ("长度2.8-3.0米", None),
            ("10.5-11.5码", None),
            ("12.10-12.12cm", None),
            ("12.5-12.8 毫米", None),
            ("12.10-12/12", None),
            ("v12.10-12.12", None),
            ("12.12-12.10", None),
        ];
        for (text, expected) in cases {
            assert_eq!(window(text), *expected, "{text}");
        }
        let across = recognize("12.30-1.02 跨年", 2026);
        assert_eq!(across.windows[0].end, at(d(2027, 1, 2), None));
    }

    #[test]
    fn only_on_one_day() {
        for text in [
            "只限12月12日",
            "仅在12月12日当天",
            "只在12.12当天",
            "仅限12月12日一天",
        ] {
            assert_eq!(
                window(text),
                Some((
                    at(d(2026, 12, 12), Some(0)),
                    at(d(2026, 12, 12), Some(1440))
                )),
                "{text}"
            );
        }
    }

    #[test]
    fn chinese_numerals_as_prize_amounts() {
        for (text, yuan) in [
            ("十万", 100_000),
            ("五万八千", 58_000),
            ("一万五", 15_000),
            ("三千五", 3_500),
            ("两千零五十", 2_050),
            ("伍万", 50_000),
            ("一百零五", 105),
            ("二十五", 25),
            ("百万", 1_000_000),
        ] {
            assert_eq!(chinese_number(text), Some(yuan), "{text}");
        }
        assert_eq!(chinese_number("五六"), None);
        let prizes = |text: &str| -> Vec<Money> {
            recognize(text, 2026)
                .prize_amounts
                .iter()
                .map(|(m, _)| *m)
                .collect()
        };
        assert_eq!(prizes("一等奖奖金十万元"), [Money(10_000_000)]);
        assert_eq!(
            prizes("一等奖现金五万元和价值2万元的手机"),
            [Money(5_000_000), Money(2_000_000)]
        );
        // Without a prize in the text, Chinese numerals are not read.
        assert!(recognize("定价两千元", 2026).amounts.is_empty());
    }

    #[test]
    fn buy_get_in_more_measure_words_and_formal_numerals() {
        for text in [
            "买5块送1块",
            "买壹箱送壹瓶",
            "买5斤送2斤",
            "买2双送1双",
            "买1罐送1罐",
        ] {
            assert!(recognize(text, 2026).has("buy-get-offer"), "{text}");
            assert!(may_trigger(text, "buy-get-offer"), "{text}");
        }
        for text in ["买1年送3个月", "买2件享8折", "购买一次送积分"] {
            assert!(!recognize(text, 2026).has("buy-get-offer"), "{text}");
            assert!(!may_trigger(text, "buy-get-offer"), "{text}");
        }
    }

    #[test]
    fn the_cheap_trigger_test_agrees_with_the_full_reading() {
        for text in [
            "满300减50",
            "第二件半价",
            "买一送一",
            "满意 满月 第一 买家秀",
            "纯棉四件套",
            "第2件5折 满2件9折",
        ] {
            for kind in [
                "offer",
                "threshold-offer",
                "multi-buy-offer",
                "buy-get-offer",
            ] {
                assert_eq!(
                    may_trigger(text, kind),
                    recognize(text, 2026).has(kind),
                    "{text} {kind}"
                );
            }
        }
        assert!(may_trigger("纯棉四件套", "date"));
    }

    #[test]
    fn a_part_is_recognised_only_when_asked_for_and_once() {
        let text = "活动时间：11月11日0点-11月12日24点，满300减50，限量500件，一等奖奖金5万元";
        let parts = Recognition::default();
        let read = RecognizedText::new(text, 2026, &parts);
        assert!(read.has("threshold-offer"));
        assert!(parts.offers.get().is_some());
        assert!(parts.moments.get().is_none(), "offers need no dates");
        assert!(parts.amounts.get().is_none());
        assert!(parts.quantity_limits.get().is_none());
        assert!(read.has("quantity-limit"));
        assert!(parts.moments.get().is_none());
        assert!(read.has("time-window"));
        let windows = read.windows().as_ptr();
        assert_eq!(read.windows().as_ptr(), windows, "kept, not read again");
        // Asked for everything, the parts are what `recognize` finds.
        assert_eq!(read.to_recognized(), recognize(text, 2026));
        assert_eq!(read.prize_amounts().len(), 1);
    }

    #[test]
    fn every_recogniser_name_reads_the_part_the_full_reading_has() {
        for text in [
            "2026-11-11 至 2026-11-13 满2件9折 前100名 ¥99 第二件半价 买2送1",
            "截至11月30日 限购2件",
            "11.11当天 奖品价值6000元",
            "羊毛围巾 经典款",
        ] {
            let full = recognize(text, 2026);
            let parts = Recognition::default();
            let read = RecognizedText::new(text, 2026, &parts);
            for kind in RECOGNIZERS {
                assert_eq!(read.has(kind), full.has(kind), "{kind} in {text}");
                assert_eq!(read.first(kind), full.first(kind), "{kind} in {text}");
            }
        }
    }

    #[test]
    fn deadlines_and_starts() {
        assert_eq!(
            window("活动截至11月30日"),
            Some((None, at(d(2026, 11, 30), None)))
        );
        assert_eq!(
            window("11月30日24点截止"),
            Some((None, at(d(2026, 11, 30), Some(1440))))
        );
        assert_eq!(
            window("2026.12.01 10:00 开抢"),
            Some((at(d(2026, 12, 1), Some(600)), None))
        );
        assert!(recognize("今晚8点 本周末 明天", 2026).windows.is_empty());
        assert!(recognize("尺码11.11 3-5天发货", 2026).dates.is_empty());
    }

    #[test]
    fn thresholds_limits_and_amounts() {
        let r = recognize(
            "满300元减50 每人限购2件 限量500份 前100名 最高奖金5万元 ¥99",
            2026,
        );
        let more = recognize("限量发售500件 前3天 仅限2026年 一等奖奖金￥58,000", 2026);
        assert_eq!(more.quantity_limits.len(), 1, "{more:?}");
        assert_eq!(
            more.prize_amounts
                .iter()
                .map(|(m, _)| *m)
                .collect::<Vec<_>>(),
            [Money(5_800_000)]
        );
        assert_eq!(
            r.prize_amounts.iter().map(|(m, _)| *m).collect::<Vec<_>>(),
            [Money(5_000_000)]
        );
        assert_eq!(r.thresholds.len(), 1);
        assert_eq!(r.quantity_limits.len(), 3);
        let amounts: Vec<Money> = r.amounts.iter().map(|(m, _)| *m).collect();
        assert!(amounts.contains(&Money(5_000_000)) && amounts.contains(&Money(9_900)));
        assert!(r.has("threshold") && r.has("quantity-limit") && r.has("amount"));
        assert!(!recognize("满意 前台", 2026).has("threshold"));
    }
}
