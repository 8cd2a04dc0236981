//! Masking what could identify a citizen in free text, before anything is stored.
//!
//! Luật Thực hiện dân chủ ở cơ sở (Điều 9) forbids revealing who gave an opinion, and citizens
//! do type phone numbers, CCCD numbers and dossier codes into comment boxes. Runs of 9 or more
//! digits (spaces, dots, dashes, slashes and brackets between them allowed, as in `0912 345 678`
//! or `(028) 3829 1234`) and e-mail addresses are replaced with `*`, character for character,
//! so staff see that something was there but not what. The text is read as a person reads it:
//! full-width and other digits count, and invisible characters inside do not hide a number.

use crate::definition::answer::Answer;
use crate::text::{Normalizer, is_combining_mark, is_format_character};

/// The fewest digits in a run that is masked: a Vietnamese phone number has 10, a CCCD 12.
pub const MASKED_DIGIT_RUN: usize = 9;

/// Cleans an answer's free text (a text answer, the text of "Khác") as every receiver keeps
/// it: trimmed, in NFC by `normalizer`, identifiers masked; text left empty is no text. Doing it
/// twice changes nothing, so the kiosk that took the answer and each receiver after it all do
/// it, and a device that skipped it (an old app, a forged client) is corrected on arrival.
pub fn clean_answer(answer: &mut Answer, normalizer: Normalizer) {
    let clean_text = |text: &str| mask_identifiers(&(normalizer.0)(text.trim()));
    match answer {
        Answer::Text(text) => *text = clean_text(text),
        Answer::Choices(choices) => {
            choices.other = choices.other.as_deref().map(clean_text).filter(|text| !text.is_empty());
        }
        _ => {}
    }
}

/// Returns `text` with long digit runs and e-mail addresses masked.
///
/// The rule reads the text as a person reads it, not as its code points are spelled: full-width
/// forms count as their ASCII letters (`０９１２` is `0912`, `＠` is `@`), any decimal digit
/// counts as a digit, and invisible characters (format characters such as a zero-width space or
/// a direction mark, and combining marks) are passed over inside a number or an address and
/// taken out with it. Inside a number up to [`MAX_SEPARATORS`] of spaces, dots, dashes, slashes
/// and brackets may stand between two digits, as in `(028) 3829 1234`.
pub fn mask_identifiers(text: &str) -> String {
    // Most comments hold neither a long number nor an address: nothing to look through.
    let digits = text.chars().filter(|c| c.is_numeric()).count();
    if digits < MASKED_DIGIT_RUN && !text.chars().any(|c| fold(c) == '@') {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    // What a reader sees: each visible character, folded, with its place in `chars`.
    let seen: Vec<(usize, char)> =
        chars.iter().enumerate().filter(|(_, c)| !is_invisible(**c)).map(|(at, c)| (at, fold(*c))).collect();
    let mut masked: Vec<Option<char>> = chars.iter().copied().map(Some).collect();
    mask_emails(&chars, &seen, &mut masked);
    mask_digit_runs(&chars, &seen, &mut masked);
    masked.into_iter().flatten().collect()
}

/// The most separators that may stand between two digits of one number: `) ` in
/// `(028) 3829 1234`, ` - ` in `0912 - 345 - 678`.
pub const MAX_SEPARATORS: usize = 3;

/// A character folded as a reader takes it: the full-width forms of ASCII as ASCII, the
/// ideographic space as a space, every dash and minus as `-`.
fn fold(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        0x2010..=0x2015 | 0x2212 | 0xFE58 | 0xFE63 => '-',
        _ => c,
    }
}

/// A character that shows nothing of its own: a format character, or a combining mark that a
/// number or an address can carry without changing what it says.
fn is_invisible(c: char) -> bool {
    is_format_character(c) || is_combining_mark(c)
}

/// A character that may stand between two digits of one number.
fn is_number_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '.' | '-' | '/' | '(' | ')' | '_')
}

/// Masks `chars[first..=last]`: each character the reader sees that `mask` picks becomes `*`,
/// and the invisible characters inside go with them.
fn mask_span(chars: &[char], masked: &mut [Option<char>], first: usize, last: usize, mask: impl Fn(char) -> bool) {
    for at in first..=last {
        if is_invisible(chars[at]) {
            masked[at] = None;
        } else if mask(fold(chars[at])) {
            masked[at] = Some('*');
        }
    }
}

fn mask_digit_runs(chars: &[char], seen: &[(usize, char)], masked: &mut [Option<char>]) {
    let mut index = 0;
    while index < seen.len() {
        if !seen[index].1.is_numeric() {
            index += 1;
            continue;
        }
        // A run: digits, with a few separators between two digits.
        let start = index;
        let mut end = index;
        let mut digits = 0;
        let mut cursor = index;
        while cursor < seen.len() {
            if seen[cursor].1.is_numeric() {
                digits += 1;
                end = cursor;
                cursor += 1;
                continue;
            }
            let gap = seen[cursor..].iter().take_while(|(_, c)| is_number_separator(*c)).count();
            if gap > 0 && gap <= MAX_SEPARATORS && seen.get(cursor + gap).is_some_and(|(_, c)| c.is_numeric()) {
                cursor += gap;
            } else {
                break;
            }
        }
        if digits >= MASKED_DIGIT_RUN {
            mask_span(chars, masked, seen[start].0, seen[end].0, char::is_numeric);
        }
        index = end + 1;
    }
}

fn mask_emails(chars: &[char], seen: &[(usize, char)], masked: &mut [Option<char>]) {
    let local = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
    let domain = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-');
    for (at, _) in seen.iter().enumerate().filter(|(_, (_, c))| *c == '@') {
        let mut start = at;
        while start > 0 && local(seen[start - 1].1) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < seen.len() && domain(seen[end].1) {
            end += 1;
        }
        // Trailing dots end sentences, not addresses.
        while end > at + 1 && seen[end - 1].1 == '.' {
            end -= 1;
        }
        let has_dot = seen[at + 1..end].iter().any(|(_, c)| *c == '.');
        if start < at && has_dot {
            mask_span(chars, masked, seen[start].0, seen[end - 1].0, |_| true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &str) {
        assert_eq!(mask_identifiers(input), expect, "masking {input:?}");
    }

    #[test]
    fn phone_cccd_and_dossier_numbers_are_masked() {
        check("Gọi tôi: 0912345678", "Gọi tôi: **********");
        check("SĐT 0912 345 678 nhé", "SĐT **** *** *** nhé");
        check("CCCD 001099012345.", "CCCD ************.");
        check("Hồ sơ 000.00.12.H47-260115-0001 trễ", "Hồ sơ 000.00.12.H**-******-**** trễ");
    }

    #[test]
    fn short_numbers_stay() {
        check("Chờ 45 phút, quầy số 3, năm 2026", "Chờ 45 phút, quầy số 3, năm 2026");
        check("12345678", "12345678");
    }

    #[test]
    fn email_addresses_are_masked() {
        let address = "nguyen.van.a@gmail.com";
        check(&format!("Liên hệ {address}."), &format!("Liên hệ {}.", "*".repeat(address.len())));
        check("a@b", "a@b");
        check("@ quầy", "@ quầy");
    }

    /// How citizens and forged clients spell a phone, a landline, a CCCD or an address: each
    /// comes out with no identifier left to read, once folded as a reader folds it.
    #[test]
    fn a_corpus_of_vietnamese_identifiers_is_masked_however_it_is_spelled() {
        let corpus = [
            "0912345678",
            "0912 345 678",
            "0912.345.678",
            "0912-345-678",
            "0912 - 345 - 678",
            "+84 912 345 678",
            "(+84) 912 345 678",
            "84-912-345-678",
            "(028) 3829 1234",
            "(0225) 384 2345",
            "028/3829/1234",
            "028 3829 1234",
            "0912\u{200b}345\u{200b}678",
            "0912\u{2060}345\u{feff}678",
            "0\u{200d}9\u{200c}1\u{200b}2\u{200e}3\u{200f}4\u{202a}5\u{202c}6\u{2066}7\u{2069}8",
            "\u{ff10}\u{ff19}\u{ff11}\u{ff12}\u{ff13}\u{ff14}\u{ff15}\u{ff16}\u{ff17}\u{ff18}",
            "\u{ff10}\u{ff19}\u{ff11}\u{ff12}\u{3000}\u{ff13}\u{ff14}\u{ff15}\u{ff0e}\u{ff16}\u{ff17}\u{ff18}",
            "0\u{0323}9\u{0301}1\u{0300}2\u{0303}3\u{0309}4\u{0323}5\u{0301}6\u{0300}7\u{20e3}8",
            "0912\u{2013}345\u{2014}678",
            "0912\u{a0}345\u{a0}678",
            "𝟎𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖",
            "001099012345",
            "001 099 012 345",
            "001.099.012.345",
            "CCCD số 0\u{200b}0\u{200b}1\u{200b}0\u{200b}9\u{200b}9\u{200b}0\u{200b}1\u{200b}2\u{200b}3\u{200b}4\u{200b}5",
            "an.nguyen@example.vn",
            "AN.NGUYEN@EXAMPLE.VN",
            "an.nguyen\u{ff20}example.vn",
            "\u{ff41}\u{ff4e}\u{ff20}\u{ff45}\u{ff58}\u{ff0e}\u{ff56}\u{ff4e}",
            "an.nguyen@\u{200b}example.vn",
            "nguyễn.văn.an@gmail.com",
        ];
        for spelled in corpus {
            let masked = mask_identifiers(&format!("Liên hệ {spelled} nhé."));
            let digits = masked.chars().filter(|c| c.is_numeric()).count();
            assert!(digits < MASKED_DIGIT_RUN, "{spelled:?} left {digits} digits: {masked:?}");
            assert!(!masked.chars().any(|c| fold(c) == '@'), "{spelled:?} left an address: {masked:?}");
            assert!(!masked.chars().any(is_invisible), "{spelled:?} left an invisible character: {masked:?}");
            assert!(masked.starts_with("Liên hệ ") && masked.ends_with(" nhé."), "{masked:?}");
            assert_eq!(mask_identifiers(&masked), masked, "masking twice changes nothing");
        }
        check("Gọi (028) 3829 1234", "Gọi (***) **** ****");
        check("0912\u{200b}345\u{200b}678", "**********");
        check("\u{ff10}\u{ff19}\u{ff11}\u{ff12}\u{ff13}\u{ff14}\u{ff15}\u{ff16}\u{ff17}\u{ff18}", "**********");
    }

    #[test]
    fn numbers_apart_stay_apart() {
        // Four separators are a sentence's gap, not a number's.
        check("Quầy 1234 ,  -  5678 hôm 2026", "Quầy 1234 ,  -  5678 hôm 2026");
        check("Chờ từ 7/12/2026 đến 8/12", "Chờ từ 7/12/2026 đến 8/12");
        check("Nghe\u{0302}\u{0323} An 45 phút", "Nghe\u{0302}\u{0323} An 45 phút");
    }

    #[test]
    fn vietnamese_text_is_untouched() {
        check("Cán bộ nhiệt tình, hướng dẫn rõ ràng!", "Cán bộ nhiệt tình, hướng dẫn rõ ràng!");
    }
}
