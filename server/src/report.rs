//! The report a unit sends to the level above for a period (`GET /api/v1/report`), as an A4 page
//! to print or an Excel workbook, in the shape of the server's report template: the shipped
//! `report-templates/mac-dinh.toml`, or a province's own (`hailong serve --report-template`).
//! Its figures are counted as the workspace counts them, from the responses stored now that
//! the account may read.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use survey::reports::report::{ReportData, ReportTemplate};
use survey::results::index::DEFAULT_MIN_N;
use survey::results::tally::{GroupBy, Tally, TallyOptions};

use crate::access::{Permission, subtree};
use crate::api::{AppError, ClientAddress, Collector, blocking};
use crate::storage::audit::Event;

/// The template shipped with the server.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../report-templates/mac-dinh.toml");

/// A report template read from TOML and checked; the error names `file`, and the line and
/// field where TOML says so.
pub fn read_template(text: &str, file: &str) -> Result<ReportTemplate, String> {
    let parsed: ReportTemplate = toml::from_str(text).map_err(|err| format!("{file}: {err}"))?;
    parsed.check().map_err(|err| format!("{file}: {err}"))
}

/// The report template at `path`, or the shipped one.
pub fn template(path: Option<&Path>) -> Result<ReportTemplate, String> {
    match path {
        None => read_template(DEFAULT_TEMPLATE, "report-templates/mac-dinh.toml"),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|err| format!("{}: {err}", path.display()))?;
            read_template(&text, &path.display().to_string())
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// `id@version`.
    survey: String,
    period: String,
    /// The unit; absent for the whole server.
    #[serde(default)]
    unit: Option<String>,
    /// `html` (the default) or `xlsx`.
    #[serde(default)]
    format: Option<String>,
    /// The internal report, with figures per officer (for those who may read them).
    #[serde(default)]
    internal: bool,
}

/// `GET /api/v1/report?survey=ID@VERSION&period=P[&unit=CODE][&format=xlsx][&internal=true]`.
pub async fn report(
    State(collector): State<Arc<Collector>>,
    address: ClientAddress,
    method: Method,
    headers: HeaderMap,
    Query(query): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let signed = crate::session::signed_in(&collector, &method, &headers, address.0).await?;
    signed.access.may_on(Permission::ReadFigures, query.unit.as_deref())?;
    if query.internal {
        signed.access.may(Permission::ReadOfficers)?;
    }
    let refused = |reason: String| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, reason);
    let xlsx = match query.format.as_deref() {
        None | Some("html") => false,
        Some("xlsx") => true,
        Some(other) => {
            return Err(refused(format!("format: `{}` is not html or xlsx", survey::text::short_message(other))));
        }
    };
    let Some((survey_id, version)) = query.survey.split_once('@') else {
        return Err(refused(format!(
            "survey: `{}`: write it as id@version",
            survey::text::short_message(&query.survey)
        )));
    };
    let Some(survey) = collector.catalog.get(survey_id, version).cloned() else {
        return Err(refused(format!("survey: no survey {survey_id} version {version} is known here")));
    };
    let period = crate::certifying::period_of(&query.period)?;
    let records = crate::api::readable_records(&collector, &signed.access).await?;
    let store = collector.store.clone();
    let code = period.code();
    let unit = query.unit.clone();
    let (named, entered, reply, tags, officers) = blocking(move || {
        let reply = match &unit {
            Some(unit) => store.reply(unit, &code)?,
            None => None,
        };
        Ok((store.named_codes()?, store.dossiers()?, reply, store.comment_tags()?, store.officer_names()?))
    })
    .await?;
    let scope: Option<BTreeSet<String>> = query.unit.as_deref().map(|unit| subtree(unit, &signed.units));
    let in_scope =
        |unit: Option<&str>| scope.as_ref().is_none_or(|scope| unit.is_some_and(|unit| scope.contains(unit)));
    let records: Vec<_> = records
        .into_iter()
        .filter(|record| {
            record.survey_id == survey.id()
                && record.survey_version == survey.version()
                && period.contains(record.vietnam_day())
                && in_scope(record.unit.as_deref())
        })
        .collect();
    let options = TallyOptions {
        by: GroupBy { unit: true, counter: true, field: true, staff: query.internal },
        from: Some(period.start),
        to: Some(period.end),
        ..TallyOptions::default()
    };
    let tally = Tally::count(&collector.catalog, &records, &options)
        .map_err(|err| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))?;
    let names = crate::certifying::names(&signed.units, &named);
    let summary = survey::results::topics::summarise(&records, &tags);
    let comments = survey::results::topics::summed(&summary, |_| true);
    let row = query.unit.as_deref().and_then(|code| signed.units.iter().find(|unit| unit.code == code));
    let parent = row.and_then(|row| row.parent.as_deref()).and_then(|code| names.units.get(code)).map(String::as_str);
    let unit_name = match &query.unit {
        Some(code) => names.units.get(code).cloned().unwrap_or_else(|| code.clone()),
        None => "Toàn hệ thống".to_owned(),
    };
    let generated_at = crate::api::now_vietnam();
    let data = ReportData {
        survey: &survey,
        period,
        unit_code: query.unit.as_deref().unwrap_or_default(),
        unit_name: &unit_name,
        parent_name: parent,
        tally: &tally,
        names: &names,
        officers: &officers,
        received: survey::results::denominator::Received::by_unit(
            &crate::certifying::dossiers_by_unit(&entered, &period.code(), scope.as_ref()),
            &tally,
        ),
        internal: query.internal,
        min_n: DEFAULT_MIN_N,
        comments: &comments,
        reply: reply.as_deref(),
        generated_at: &generated_at,
    };
    let built =
        data.build(&collector.report_template).map_err(|err| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, err))?;
    let target = format!("{} {}{}", query.survey, period.code(), if query.internal { " (internal)" } else { "" });
    crate::session::audit(&collector, signed.actor.clone(), Event::new("export.report", query.unit.as_deref(), target))
        .await?;
    let stem = format!("bao-cao-{}-{}", query.unit.as_deref().unwrap_or("toan-he-thong"), period.code());
    let mut response = if xlsx {
        let bytes = survey::reports::report_xlsx::report_xlsx(&built)
            .map_err(|err| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, err))?;
        let disposition = format!("attachment; filename=\"{stem}.xlsx\"");
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
                ),
            ],
            bytes,
        )
            .into_response()
    } else {
        let html = survey::reports::report_html::report_html(&built);
        let policy = format!(
            "default-src 'none'; style-src {}; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            crate::style_hashes(&html)
        );
        let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
        if let Ok(policy) = HeaderValue::from_str(&policy) {
            response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        response
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_template_reads_and_a_wrong_copy_is_refused_by_line_and_field() {
        let shipped = template(None).unwrap();
        assert!(shipped.sections.iter().any(|section| section.part == survey::reports::report::Part::Officers));
        let typo = DEFAULT_TEMPLATE.replace("key = \"ci-low\"", "key = \"ci-lo\"");
        let err = read_template(&typo, "tinh.toml").unwrap_err();
        assert!(err.starts_with("tinh.toml: ") && err.contains("line") && err.contains("ci-lo"), "{err}");
        let placeholder = DEFAULT_TEMPLATE.replace("{unit_name}, {period_label}", "{ten_don_vi}, {period_label}");
        let err = read_template(&placeholder, "tinh.toml").unwrap_err();
        assert!(err.contains("subject") && err.contains("{ten_don_vi}"), "{err}");
        let no_columns = DEFAULT_TEMPLATE.replacen("columns = [", "kolumns = [", 1);
        assert!(read_template(&no_columns, "tinh.toml").unwrap_err().contains("kolumns"));
    }
}
