//! The survey definitions Hài Lòng ships, embedded in the binary.
//!
//! Each file in `survey-defs/defs/` is authored in TOML, validated at build time and compiled in
//! as the code that builds its validated model, which is all the app carries (see `build.rs`).
//! Native tools also get its TOML source, to report problems by line, and its JSON form. Tests
//! check that every shipped definition validates and that what is compiled in is what
//! validating the file gives.

#[cfg(feature = "check")]
pub mod check;

use survey::definition::model::Survey;

/// One shipped definition file.
#[derive(Clone, Copy, Debug)]
pub struct Shipped {
    /// The file name inside `survey-defs/defs/`.
    pub file: &'static str,
    /// The TOML source, as authored (native tools only, so the app does not carry it).
    #[cfg(feature = "check")]
    pub toml: &'static str,
    /// The same definition as JSON (native tools only: the app reads `validated`, and a
    /// field of this static it never reads would still be carried in its download).
    #[cfg(any(feature = "check", test))]
    pub json: &'static str,
    /// The survey's id.
    pub id: &'static str,
    /// Builds the definition as validated by the build script (see `Survey::prevalidated`).
    pub built: fn() -> Survey,
}

include!(concat!(env!("OUT_DIR"), "/shipped.rs"));

/// The one-tap counter rating, the kiosk's default survey.
pub const COUNTER_RATING_ID: &str = "danh-gia-tai-quay";
/// The per-dossier evaluation (Thông tư 01/2018/TT-VPCP), which a dossier's single-use code opens.
pub const PER_DOSSIER_ID: &str = "danh-gia-ho-so";

/// The address a phone's QR code opens: `{base}/p/{unit}/{counter}`, the per-dossier evaluation
/// for a dossier's code, and the single-use token in the fragment (`#t=…`, which browsers never
/// send to the server, so it stays out of its logs). One rule for the staff area and for
/// `hailong token add`.
pub fn phone_url(base: &str, unit: &str, counter: &str, token: Option<&str>, for_dossier: bool) -> String {
    let mut url = format!("{}/p/{unit}/{counter}", base.trim_end_matches('/'));
    if for_dossier {
        url.push_str(&format!("?survey={PER_DOSSIER_ID}"));
    }
    if let Some(token) = token {
        url.push_str(&format!("#t={token}"));
    }
    url
}

impl Shipped {
    #[cfg(any(feature = "check", test))]
    pub fn survey(&self) -> Result<Survey, survey::definition::validate::DefError> {
        Survey::from_json(self.json)
    }
}

/// The shipped definition with this survey id, as validated when the app was built.
pub fn by_id(id: &str) -> Option<Survey> {
    SHIPPED.iter().find(|shipped| shipped.id == id).map(|shipped| (shipped.built)())
}

/// Every shipped survey, as validated when the app was built.
pub fn all() -> Vec<Survey> {
    SHIPPED.iter().map(|shipped| (shipped.built)()).collect()
}

#[cfg(test)]
mod summary;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dossier_code_opens_the_per_dossier_evaluation() {
        assert_eq!(phone_url("https://x.vn/", "p-1", "q-2", None, false), "https://x.vn/p/p-1/q-2");
        assert_eq!(phone_url("https://x.vn", "p-1", "q-2", Some("ab"), false), "https://x.vn/p/p-1/q-2#t=ab");
        assert_eq!(
            phone_url("https://x.vn", "p-1", "q-2", Some("ab"), true),
            "https://x.vn/p/p-1/q-2?survey=danh-gia-ho-so#t=ab"
        );
        assert!(by_id(PER_DOSSIER_ID).is_some());
    }

    #[test]
    fn every_shipped_definition_validates() {
        assert!(!SHIPPED.is_empty());
        for shipped in SHIPPED {
            if let Err(err) = shipped.survey() {
                panic!("survey-defs/defs/{}:\n{err}", shipped.file);
            }
        }
    }

    #[test]
    fn the_compiled_in_survey_is_the_validated_definition() {
        for shipped in SHIPPED {
            let validated = shipped.survey().unwrap();
            assert_eq!((shipped.built)(), validated, "{}", shipped.file);
            assert_eq!(shipped.id, validated.id(), "{}", shipped.file);
        }
    }

    #[test]
    fn survey_ids_are_unique_and_match_file_names() {
        let mut ids: Vec<_> = SHIPPED.iter().map(|shipped| shipped.survey().unwrap().id().to_owned()).collect();
        for shipped in SHIPPED {
            let survey = shipped.survey().unwrap();
            let named = [format!("{}.toml", survey.id()), format!("{}-{}.toml", survey.id(), survey.version())];
            assert!(
                named.contains(&shipped.file.to_string()),
                "{} is named after neither its id nor its id and version",
                shipped.file
            );
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), SHIPPED.len());
    }

    #[test]
    fn has_choice_agrees_with_the_list_of_choices() {
        let nps = survey::definition::model::QuestionKind::Nps { low_label: None, high_label: None };
        let mut kinds: Vec<survey::definition::model::QuestionKind> = SHIPPED
            .iter()
            .flat_map(|shipped| shipped.survey().unwrap().questions().to_vec())
            .map(|question| question.kind)
            .collect();
        kinds.push(nps);
        for kind in kinds {
            for choice in kind.choices() {
                assert!(kind.has_choice(&choice.code), "{} lacks {}", kind.name(), choice.code);
            }
            for stranger in ["", "x", "11", "01", "-1", "khac-2"] {
                assert!(!kind.has_choice(stranger), "{} has {stranger}", kind.name());
            }
        }
    }

    /// A plain summary of every shipped definition (questions, what shows them, options,
    /// elements and points), kept in `snapshots/summaries.txt` so that any change to an
    /// instrument shows in review. `UPDATE_EXPECT=1 cargo test -p survey-defs` rewrites it.
    #[test]
    fn summaries_of_the_shipped_definitions() {
        let mut out = String::new();
        for shipped in SHIPPED {
            out.push_str(&summary::of(shipped.file, &shipped.survey().unwrap()));
        }
        expect_test::expect_file!["../snapshots/summaries.txt"].assert_eq(&out);
    }

    #[test]
    fn the_counter_rating_has_the_three_official_levels() {
        let survey = by_id(COUNTER_RATING_ID).expect("the counter rating ships");
        let survey::definition::model::QuestionKind::Rating(scale) = &survey.questions()[0].kind else {
            panic!("not a rating")
        };
        let shown: Vec<_> = scale.display_levels().iter().map(|level| level.label.vi.as_str()).collect();
        assert_eq!(shown, ["Rất hài lòng", "Hài lòng", "Không hài lòng"]);
        assert!(scale.levels.iter().all(|level| level.face.is_some()), "every level has a face");
        assert_eq!(survey.questions()[0].text.vi, "Ông/Bà có hài lòng với sự phục vụ tại quầy hôm nay không?");
    }
}
