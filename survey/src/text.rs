//! Bilingual text: Vietnamese always, English where a translation exists.

use serde::{Deserialize, Serialize};

/// A language the app can show.
/// Vietnamese is the first language of every screen; English is the second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    /// The language's code (BCP 47) for `lang=` attributes, settings and addresses: the one
    /// spelling, the same as serde's.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The language of a code written by [`Lang::code`].
    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.code() == code)
    }

    /// The other of the two languages: the second line under each first-language text.
    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }
}

/// Text in Vietnamese, with an optional English translation.
///
/// Reading it in English falls back to Vietnamese, so a missing translation never shows as a
/// blank button to a citizen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => self.en.as_deref().unwrap_or(&self.vi),
        }
    }
}

/// Text in Unicode normalisation form C, the form Vietnamese text is stored in: `ệ` as one
/// code point, not `e` with two combining marks, so that equal words compare equal.
///
/// Without the `nfc` feature the text is returned as given, and the caller must normalise it:
/// the app does so with the browser's `String.prototype.normalize("NFC")`.
pub fn nfc(text: &str) -> String {
    #[cfg(feature = "nfc")]
    {
        use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
        // Text typed on a phone or kiosk is almost always composed already.
        if is_nfc_quick(text.chars()) == IsNormalized::Yes {
            return text.to_owned();
        }
        text.nfc().collect()
    }
    #[cfg(not(feature = "nfc"))]
    {
        text.to_owned()
    }
}

/// A format character (Unicode category Cf, with the variation selectors and the Hangul
/// fillers that also show nothing): the soft hyphen, zero-width spaces and joiners, direction
/// marks, embeddings, overrides and isolates, the byte order mark, tags. None shows, yet each
/// can hide a number from a reader or turn the text around it backwards.
pub fn is_format_character(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F
            | 0x1160
            | 0x17B4
            | 0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF9..=0xFFFB
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// A combining mark (Unicode categories Mn and Me) of the blocks that hold nothing else.
pub fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Whether `c` may not stand in a name, a topic or a note that staff store: a control
/// character, or a format character (a counter named with a right-to-left override would read
/// backwards in every page, workbook and e-mail it reaches).
pub fn is_refused_in_names(c: char) -> bool {
    c.is_control() || is_format_character(c)
}

/// `text` without the characters [`is_refused_in_names`] refuses: a name stored before they
/// were refused (a counter named with a right-to-left override) reads as plain text everywhere
/// it is shown, on a page, in a workbook or in an e-mail.
pub fn without_refused(text: &str) -> String {
    text.chars().filter(|c| !is_refused_in_names(*c)).collect()
}

/// How free text is put in Unicode normalisation form C. Natively the core does it (its `nfc`
/// feature); the app passes the browser's `String.prototype.normalize`, which costs the
/// respondent's download nothing.
#[derive(Clone, Copy)]
pub struct Normalizer(pub fn(&str) -> String);

impl Default for Normalizer {
    fn default() -> Normalizer {
        Normalizer(nfc)
    }
}

impl std::fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Normalizer")
    }
}

/// Sessions compare by what the citizen did; how text is normalised is configuration.
impl PartialEq for Normalizer {
    fn eq(&self, _: &Normalizer) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_falls_back_to_vietnamese() {
        let only_vi = Text { vi: "Hài lòng".into(), en: None };
        assert_eq!(only_vi.get(Lang::En), "Hài lòng");
        let both = Text { vi: "Hài lòng".into(), en: Some("Satisfied".into()) };
        assert_eq!(both.get(Lang::Vi), "Hài lòng");
        assert_eq!(both.get(Lang::En), "Satisfied");
    }

    #[cfg(feature = "nfc")]
    #[test]
    fn decomposed_vietnamese_is_composed() {
        let decomposed = "Nghe\u{0302}\u{0323} An";
        assert_eq!(nfc(decomposed), "Nghệ An");
        assert_eq!(nfc("Nghệ An"), "Nghệ An");
    }
}

/// At most the first 80 characters of what an input said, for messages: an error never quotes
/// a megabyte back.
pub fn short(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// The longest message a reader's error is quoted with ([`short_message`]).
pub const MESSAGE_MAX_CHARS: usize = 240;

/// A parser's message cut to [`MESSAGE_MAX_CHARS`]: serde quotes an unknown field or a bad value
/// whole, and an error must never echo a megabyte of the input back. The end is kept, since
/// it says where (`at line 1 column 40`).
pub fn short_message(message: &str) -> String {
    let chars = message.chars().count();
    if chars <= MESSAGE_MAX_CHARS {
        return message.to_owned();
    }
    let head: String = message.chars().take(MESSAGE_MAX_CHARS - 60).collect();
    let tail: String = message.chars().skip(chars - 59).collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod short_message_tests {
    #[test]
    fn a_long_message_keeps_its_start_and_its_place() {
        let long = format!("unknown field `{}`, expected `format` at line 1 column 9000", "x".repeat(10_000));
        let short = super::short_message(&long);
        assert_eq!(short.chars().count(), super::MESSAGE_MAX_CHARS);
        assert!(short.starts_with("unknown field `xxx") && short.ends_with("at line 1 column 9000"), "{short}");
        assert_eq!(super::short_message("at line 1"), "at line 1");
    }
}
