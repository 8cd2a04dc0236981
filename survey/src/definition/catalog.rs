//! The surveys a program knows, by id and version: what a tally, a raw CSV or a certificate is
//! read against. A record of a survey version not in the catalog is refused, never guessed at.

use std::sync::Arc;

use crate::definition::model::Survey;

/// The survey definitions a tally can count against, by id and version.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    surveys: Vec<Arc<Survey>>,
}

impl Catalog {
    pub fn new(surveys: impl IntoIterator<Item = Survey>) -> Catalog {
        Catalog { surveys: surveys.into_iter().map(Arc::new).collect() }
    }

    pub fn add(&mut self, survey: Survey) {
        self.surveys.retain(|known| !(known.id == survey.id && known.version == survey.version));
        self.surveys.push(Arc::new(survey));
    }

    pub fn get(&self, id: &str, version: &str) -> Option<&Arc<Survey>> {
        self.surveys.iter().find(|survey| survey.id == id && survey.version == version)
    }

    pub fn surveys(&self) -> &[Arc<Survey>] {
        &self.surveys
    }
}
