//! Masking what could identify a citizen in free text, before anything is stored.
//!
//! Luật Thực hiện dân chủ ở cơ sở (Điều 9) forbids revealing who gave an opinion, and citizens
//! do type phone numbers, CCCD numbers and dossier codes into comment boxes. Runs of 9 or more
//! digits (spaces, dots and dashes between them allowed, as in `0912 345 678`) and e-mail
//! addresses are replaced with `*`, character for character, so staff see that something was
//! there but not what.

use crate::definition::answer::Answer;
use crate::text::Normalizer;

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
pub fn mask_identifiers(text: &str) -> String {
    // Most comments hold neither a long number nor an address: nothing to look through.
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    if digits < MASKED_DIGIT_RUN && !text.contains('@') {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut masked = chars.clone();
    mask_emails(&chars, &mut masked);
    mask_digit_runs(&chars, &mut masked);
    masked.into_iter().collect()
}

fn mask_digit_runs(chars: &[char], masked: &mut [char]) {
    let mut index = 0;
    while index < chars.len() {
        if !chars[index].is_ascii_digit() {
            index += 1;
            continue;
        }
        // A run: digits, with single separators between digits.
        let start = index;
        let mut end = index;
        let mut digits = 0;
        let mut cursor = index;
        while cursor < chars.len() {
            if chars[cursor].is_ascii_digit() {
                digits += 1;
                end = cursor + 1;
                cursor += 1;
            } else if matches!(chars[cursor], ' ' | '.' | '-')
                && chars.get(cursor + 1).is_some_and(char::is_ascii_digit)
            {
                cursor += 1;
            } else {
                break;
            }
        }
        if digits >= MASKED_DIGIT_RUN {
            for slot in &mut masked[start..end] {
                if slot.is_ascii_digit() {
                    *slot = '*';
                }
            }
        }
        index = end.max(start + 1);
    }
}

fn mask_emails(chars: &[char], masked: &mut [char]) {
    let local = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
    let domain = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-');
    for (at, _) in chars.iter().enumerate().filter(|(_, c)| **c == '@') {
        let mut start = at;
        while start > 0 && local(chars[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < chars.len() && domain(chars[end]) {
            end += 1;
        }
        // Trailing dots end sentences, not addresses.
        while end > at + 1 && chars[end - 1] == '.' {
            end -= 1;
        }
        let has_dot = chars[at + 1..end].contains(&'.');
        if start < at && has_dot {
            for slot in &mut masked[start..end] {
                *slot = '*';
            }
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

    #[test]
    fn vietnamese_text_is_untouched() {
        check("Cán bộ nhiệt tình, hướng dẫn rõ ràng!", "Cán bộ nhiệt tình, hướng dẫn rõ ràng!");
    }
}
