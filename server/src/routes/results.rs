//! The published page of a certified period, `/results/<unit>/<period>`: made from the covering
//! certificate's own tally, never from a recount, for anyone to read.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use survey::reports::publish::ResultsPage;
use survey::results::certify::Certificate;
use survey::results::denominator::Received;
use survey::results::index::DEFAULT_MIN_N;
use survey::results::names::Names;
use survey::results::period::Period;

use crate::http::access::subtree;
use crate::http::error::AppError;
use crate::http::extract::blocking;
use crate::http::reading::{covered, dossiers_by_unit, names};
use crate::http::state::Collector;
use crate::routes::certifying::read_certificate;
use crate::storage::units::UnitRow;

/// Of a period's certificates of one survey version, the one the page of `unit` is made from:
/// the unit's own, else its nearest certified parent's, else the whole server's.
fn covering<'a>(certificates: &'a [Certificate], unit: &str, units: &[UnitRow]) -> Option<&'a Certificate> {
    certificates
        .iter()
        .filter_map(|certificate| match covered(certificate.unit.as_deref(), units) {
            None => Some((usize::MAX, certificate)),
            Some(scope) if scope.contains(unit) => Some((scope.len(), certificate)),
            // A unit the tree no longer knows still reads its own certificate.
            Some(_) if certificate.unit.as_deref() == Some(unit) => Some((0, certificate)),
            Some(_) => None,
        })
        .min_by_key(|(size, _)| *size)
        .map(|(_, certificate)| certificate)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ResultsQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// `GET /results/<unit>/<period>`: the published page of a certified period, made from the
/// covering certificate's own tally, never from a recount. A period not certified is a 404.
pub async fn results_page(
    State(collector): State<Arc<Collector>>,
    Path((unit, period)): Path<(String, String)>,
    Query(query): Query<ResultsQuery>,
) -> Result<Response, AppError> {
    let lang = match query.lang.as_deref() {
        Some("en") => survey::text::Lang::En,
        _ => survey::text::Lang::Vi,
    };
    let not_certified = || AppError::new(StatusCode::NOT_FOUND, format!("no certified results of {unit} for {period}"));
    let Some(period_value) = Period::parse(&period) else { return Err(not_certified()) };
    let store = collector.store.clone();
    let code = period_value.code();
    let (stored, units, named, entered, reply, withdrawal) = {
        let unit = unit.clone();
        blocking(move || {
            let reply = store.reply_written(&unit, &code)?;
            let withdrawal = store.withdrawal(&unit, &code)?;
            Ok((store.certificates(&code)?, store.units()?, store.named_codes()?, store.dossiers()?, reply, withdrawal))
        })
        .await?
    };
    let names = names(&units, &named);
    let unit_name = Names::label(&names.units, &unit);
    let shown: BTreeSet<String> = if units.iter().any(|known| known.code == unit) {
        subtree(&unit, &units)
    } else {
        BTreeSet::from([unit.clone()])
    };
    let mut by_survey: BTreeMap<(String, String), Vec<Certificate>> = BTreeMap::new();
    for json in &stored {
        let certificate = read_certificate(json)?;
        by_survey
            .entry((certificate.survey_id.clone(), certificate.survey_version.clone()))
            .or_default()
            .push(certificate);
    }
    for certificates in by_survey.values() {
        let Some(certificate) = covering(certificates, &unit, &units) else { continue };
        let Ok(mut tally) = certificate.tally() else { continue };
        tally.groups.retain(|key, _| shown.contains(&key.unit));
        if tally.groups.is_empty() {
            continue;
        }
        let Some(survey) = collector.catalog.get(&certificate.survey_id, &certificate.survey_version) else { continue };
        return Ok(page(&ResultsPage {
            lang,
            unit_name: &unit_name,
            period: period_value,
            survey,
            tally: &tally,
            // The dossiers locked with the certificate; one made before certificates kept them
            // reads those entered, which are locked once a period is certified.
            received: {
                let mut by_unit = match &certificate.dossiers {
                    Some(kept) => kept.clone(),
                    None => dossiers_by_unit(&entered, &period_value.code(), None),
                };
                by_unit.retain(|code, _| shown.contains(code));
                Received::by_unit(&by_unit, &tally)
            },
            // The collector keeps no entered indicators (yet): the agency class says they are missing.
            indicators: &Default::default(),
            certificate: Some(certificate),
            min_n: DEFAULT_MIN_N,
            generated_at: &certificate.certified_at,
            names: &names,
            reply: reply.as_ref().map(|(text, _)| text.as_str()),
            reply_written_at: reply.as_ref().map(|(_, written)| written.as_str()),
        }));
    }
    // Withdrawn and not certified again: the page says so, when and why (410).
    if let Some((withdrawn_at, reason)) = withdrawal {
        let withdrawn = survey::reports::withdrawn::WithdrawnPage {
            lang,
            unit_name: &unit_name,
            period_label: &period_value.label(lang),
            withdrawn_at: &withdrawn_at,
            reason: &reason,
        };
        let mut response = crate::http::pages::own_page(withdrawn.to_html(), "'self' data:");
        *response.status_mut() = StatusCode::GONE;
        return Ok(response);
    }
    Err(not_certified())
}

fn page(page: &ResultsPage<'_>) -> Response {
    crate::http::pages::own_page(page.to_html(), "'self' data:")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, parent: Option<&str>) -> UnitRow {
        UnitRow { code: code.into(), parent: parent.map(Into::into), name_vi: code.to_uppercase(), name_en: None }
    }

    fn certificate(unit: Option<&str>) -> Certificate {
        Certificate {
            format: survey::results::certify::CERTIFICATE_FORMAT,
            survey_id: "s".into(),
            survey_version: "1".into(),
            period: "2026-Q4".into(),
            certified_at: "2027-01-02T08:00:00+07:00".into(),
            tally_csv: String::new(),
            tally_sha256: String::new(),
            responses: BTreeMap::new(),
            early: false,
            unit: unit.map(Into::into),
            comments: None,
            dossiers: None,
        }
    }

    #[test]
    fn a_units_page_is_made_from_its_own_certificate_before_its_parents_and_the_whole_servers() {
        let units = [unit("city", None), unit("ward-a", Some("city")), unit("ward-b", Some("city"))];
        let all = [certificate(None), certificate(Some("city")), certificate(Some("ward-a"))];
        let chosen = |unit: &str, from: &[Certificate]| covering(from, unit, &units).map(|c| c.unit.clone());
        assert_eq!(chosen("ward-a", &all), Some(Some("ward-a".into())));
        assert_eq!(chosen("ward-b", &all), Some(Some("city".into())));
        assert_eq!(chosen("city", &all), Some(Some("city".into())));
        assert_eq!(chosen("ward-b", &all[..1]), Some(None));
        // A ward's certificate never stands for its parent or its sibling.
        assert_eq!(chosen("city", &all[2..]), None);
        assert_eq!(chosen("ward-b", &all[2..]), None);
    }
}
