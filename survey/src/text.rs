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
}
