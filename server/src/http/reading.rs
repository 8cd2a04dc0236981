//! What a staff request reads, as its account may: the stored records in reach, a tally of them
//! by the filters of `hailong tally`, the names of units, counters and fields, the period it
//! names, what a certificate of a unit covers, and the dossiers entered; and a CSV answer.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use survey::csv::write::CsvProfile;
use survey::records::gate::CheckedRecord;
use survey::records::record::RecordError;
use survey::results::denominator::Dossiers;
use survey::results::kept::{KeptSum, plan};
use survey::results::names::Names;
use survey::results::period::{Period, PeriodKind, parse_day};
use survey::results::tally::{GroupBy, Tally, TallyOptions};
use wire::exports::TallyQuery;
use wire::session::Permission;

use crate::http::access::{Access, subtree};
use crate::http::error::{AppError, bad_parameter};
use crate::http::extract::blocking;
use crate::http::state::Collector;
use crate::storage::certificates::DossierRow;
use crate::storage::units::{NamedCode, UnitRow};

pub fn parse_profile(text: &str) -> Result<CsvProfile, String> {
    CsvProfile::from_name(text).ok_or_else(|| format!("`{text}` is not a profile: use excel, excel-vi or rfc4180"))
}

/// The tally's options and the CSV profile a query names, or 400 naming the parameter.
pub fn options(query: &TallyQuery) -> Result<(TallyOptions, CsvProfile), AppError> {
    let day = |name: &str, value: &Option<String>| {
        value
            .as_deref()
            .map(|text| {
                parse_day(text).ok_or_else(|| bad_parameter(name, format!("`{text}` is not a day written YYYY-MM-DD")))
            })
            .transpose()
    };
    let options = TallyOptions {
        by: GroupBy::parse(query.by.as_deref().unwrap_or("")).map_err(|err| bad_parameter("by", err))?,
        period: match query.period.as_deref() {
            None => PeriodKind::default(),
            Some(text) => PeriodKind::parse(text).ok_or_else(|| {
                bad_parameter("period", format!("`{text}` is not a period: use all, day, month, quarter, half or year"))
            })?,
        },
        from: day("from", &query.from)?,
        to: day("to", &query.to)?,
        include_misuse: query.include_misuse.unwrap_or(false),
    };
    let profile =
        parse_profile(query.profile.as_deref().unwrap_or("excel")).map_err(|err| bad_parameter("profile", err))?;
    Ok((options, profile))
}

pub async fn tally_of(
    collector: &Arc<Collector>,
    access: &Access,
    query: &TallyQuery,
) -> Result<(Tally, CsvProfile), AppError> {
    let (options, profile) = options(query)?;
    if options.by.staff {
        access.may(Permission::ReadOfficers)?;
    }
    Ok((counted(collector, access, options, Within::default()).await?, profile))
}

/// The most groups a tally the server sums may have: a province's quarter by unit, counter,
/// field and officer is about 5,000; every day of three years by each of them would be
/// millions, gigabytes of memory and of answer.
pub const MOST_GROUPS: usize = 50_000;

/// Which responses a tally counts besides those its options and the reader's reach say.
#[derive(Clone, Debug, Default)]
pub struct Within {
    /// One survey version (id, version).
    pub survey: Option<(String, String)>,
    /// The units of a subtree.
    pub units: Option<BTreeSet<String>>,
}

impl Within {
    fn holds(&self, survey_id: &str, survey_version: &str, unit: &str) -> bool {
        self.survey.as_ref().is_none_or(|(id, version)| id == survey_id && version == survey_version)
            && self.units.as_ref().is_none_or(|units| units.contains(unit))
    }
}

/// The tally `options` ask for of the responses `access` reaches `within`: a sum of the kept
/// rows the options need (`survey::results::kept::plan`), so that its cost follows what is
/// shown. Until a database from before kept tallies is built, the responses are counted.
pub async fn counted(
    collector: &Arc<Collector>,
    access: &Access,
    options: TallyOptions,
    within: Within,
) -> Result<Tally, AppError> {
    let internal = |err: String| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, err);
    let (store, catalog, access_now) = (collector.store.clone(), collector.catalog.clone(), access.clone());
    let ready = {
        let store = store.clone();
        blocking(move || Ok(store.kept_ready()?)).await?
    };
    if !ready {
        let records = readable_records(collector, access).await?;
        return blocking(move || {
            let mut tally = Tally::default();
            for record in &records {
                if within.holds(&record.survey_id, &record.survey_version, record.unit.as_deref().unwrap_or_default()) {
                    tally.add(&catalog, record, &options).map_err(|err| internal(err.to_string()))?;
                }
            }
            Ok(tally)
        })
        .await;
    }
    blocking(move || {
        let access = access_now;
        let reads = plan(&options);
        let mut sum = KeptSum::new(&catalog, options);
        sum.most_groups = MOST_GROUPS;
        store.read_kept(&reads, &mut sum, |key| {
            let unit = (!key.unit.is_empty()).then_some(key.unit.as_str());
            if !access.reaches(unit) || !within.holds(&key.survey_id, &key.survey_version, &key.unit) {
                return false;
            }
            if !access.sees_officers_of(unit) {
                key.staff.clear();
            }
            true
        })?;
        for ((survey_id, version), rows) in &sum.left_out {
            tracing::warn!(survey = %survey_id, version = %version, rows, "kept rows of a survey no longer known are not counted");
        }
        Ok(sum.finish())
    })
    .await
}

/// The stored responses that pass today's gate, as `access` may read them: of its subtree, and
/// without the officer where it may not see officers.
pub async fn readable_records(collector: &Arc<Collector>, access: &Access) -> Result<Vec<CheckedRecord>, AppError> {
    let collector = collector.clone();
    let (records, left_out) = blocking(move || Ok(collector.store.checked_records(&collector.catalog)?)).await?;
    log_left_out(&left_out);
    Ok(access.records(records))
}

/// The stored response `response_id` that passes today's gate, if `access` reaches its unit; a
/// response out of reach and one that does not exist are refused alike.
pub async fn record_in_reach(
    collector: &Arc<Collector>,
    access: &Access,
    response_id: &str,
) -> Result<CheckedRecord, AppError> {
    let (store, catalog, id) = (collector.store.clone(), collector.catalog.clone(), response_id.to_owned());
    let record = blocking(move || Ok(store.checked_record(&catalog, &id)?)).await?;
    record
        .filter(|record| access.reaches(record.unit.as_deref()))
        .ok_or_else(|| crate::http::access::Forbidden::outside().into())
}

/// Logs the stored responses that an export left out because they fail today's check.
pub fn log_left_out(left_out: &[(String, RecordError)]) {
    for (response_id, err) in left_out {
        tracing::warn!(response_id = %response_id, error = %err, "a stored response is not counted");
    }
    if !left_out.is_empty() {
        tracing::warn!(uncounted = left_out.len(), "stored responses left out of an export: they fail today's check");
    }
}

pub fn csv_response(name: &str, bytes: impl Into<axum::body::Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        bytes.into(),
    )
        .into_response()
}

/// The names of the server's units, fields and counters, for pages and files. A counter code
/// that units name differently is left as its code.
pub fn names(units: &[UnitRow], named: &[NamedCode]) -> Names {
    Names::new(
        units.iter().map(|unit| (unit.code.as_str(), unit.name_vi.as_str())),
        named.iter().filter_map(|code| Some((code.unit.as_deref()?, code.code.as_str(), code.name_vi.as_str()))),
        named.iter().filter(|code| code.unit.is_none()).map(|code| (code.code.as_str(), code.name_vi.as_str())),
    )
}

/// The period a request names, or 422 naming the field.
pub fn period_of(period: &str) -> Result<Period, AppError> {
    Period::parse(period).ok_or_else(|| {
        AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("period: `{period}` is not a period (2026-Q4, 2026-H2, 2026, 2026-11)"),
        )
    })
}

/// The units a certificate of `unit` covers: None for the whole server.
pub fn covered(unit: Option<&str>, units: &[UnitRow]) -> Option<BTreeSet<String>> {
    unit.map(|unit| subtree(unit, units))
}

/// The dossiers received in `period` by each unit in `scope` (None: every unit), per field.
pub fn dossiers_by_unit(
    entered: &[DossierRow],
    period: &str,
    scope: Option<&BTreeSet<String>>,
) -> BTreeMap<String, Dossiers> {
    let mut by_unit: BTreeMap<String, Dossiers> = BTreeMap::new();
    for row in entered {
        if row.period == period && scope.is_none_or(|scope| scope.contains(&row.unit)) {
            by_unit.entry(row.unit.clone()).or_default().insert(row.field.clone(), row.dossiers);
        }
    }
    by_unit
}

/// The dossiers received in `period` by the units in `scope` (None: every unit), summed per
/// field; None when none were entered.
pub fn dossiers_in(
    entered: &[DossierRow],
    period: &str,
    scope: Option<&BTreeSet<String>>,
) -> Option<BTreeMap<String, u64>> {
    let by_unit = dossiers_by_unit(entered, period, scope);
    let mut summed: BTreeMap<String, u64> = BTreeMap::new();
    for (field, count) in by_unit.values().flatten() {
        let sum = summed.entry(field.clone()).or_default();
        *sum = sum.saturating_add(*count);
    }
    (!by_unit.is_empty()).then_some(summed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, parent: Option<&str>) -> UnitRow {
        UnitRow { code: code.into(), parent: parent.map(Into::into), name_vi: code.to_uppercase(), name_en: None }
    }

    #[test]
    fn a_counter_code_named_differently_by_two_units_keeps_its_code() {
        let named = [
            NamedCode { unit: Some("a".into()), code: "quay-1".into(), name_vi: "Quầy 1".into(), name_en: None },
            NamedCode {
                unit: Some("b".into()), code: "quay-1".into(), name_vi: "Quầy Hộ tịch".into(), name_en: None
            },
            NamedCode { unit: Some("b".into()), code: "quay-2".into(), name_vi: "Quầy 2".into(), name_en: None },
            NamedCode { unit: None, code: "ho-tich".into(), name_vi: "Hộ tịch".into(), name_en: None },
        ];
        let names = names(&[unit("a", None)], &named);
        assert_eq!(Names::label(&names.counters, "quay-1"), "quay-1");
        assert_eq!(names.counter("b", "quay-1").map(String::as_str), Some("Quầy Hộ tịch"));
        assert_eq!(Names::label(&names.counters, "quay-2"), "Quầy 2 (quay-2)");
        assert_eq!(Names::label(&names.fields, "ho-tich"), "Hộ tịch (ho-tich)");
        assert_eq!(Names::label(&names.units, "a"), "A (a)");
    }
}
