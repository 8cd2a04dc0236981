//! The report a unit sends to the level above for a period (`GET /api/v1/report`), as an A4 page
//! to print or an Excel workbook, in the shape of the server's report template: the shipped
//! `report-templates/mac-dinh.toml`, or a province's own (`hailong serve --report-template`).
//! Its figures are counted as the workspace counts them, from the responses stored now that
//! the account may read.

use std::collections::BTreeSet;

use axum::extract::Query;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use survey::reports::report::ReportData;
use survey::results::index::DEFAULT_MIN_N;
use survey::results::tally::{GroupBy, TallyOptions};
use wire::exports::ReportQuery;
use wire::session::Permission;

use crate::http::access::subtree;
use crate::http::error::AppError;
use crate::http::extract::blocking;
use crate::http::session::Staff;
use crate::storage::audit::Event;

/// `GET /api/v1/report?survey=ID@VERSION&period=P[&unit=CODE][&format=xlsx][&internal=true]`.
pub async fn report(Staff(collector, signed): Staff, Query(query): Query<ReportQuery>) -> Result<Response, AppError> {
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
    let period = crate::http::reading::period_of(&query.period)?;
    let store = collector.store.clone();
    let code = period.code();
    let unit = query.unit.clone();
    let catalog = collector.catalog.clone();
    let scope: Option<BTreeSet<String>> = query.unit.as_deref().map(|unit| subtree(unit, &signed.units));
    let units = scope.clone().or_else(|| signed.access.scope().cloned());
    let (named, entered, reply, tags, officers, (records, _)) = blocking(move || {
        let between = crate::storage::responses::Between {
            units: units.as_ref(),
            only: crate::storage::responses::Only::Commented,
            ..crate::storage::responses::Between::period(period)
        };
        let reply = match &unit {
            Some(unit) => store.reply(unit, &code)?,
            None => None,
        };
        Ok((
            store.named_codes()?,
            store.dossiers()?,
            reply,
            store.comment_tags()?,
            store.officer_names()?,
            // Only the period's responses with words, for what citizens wrote: the figures are
            // summed from the day tallies.
            store.checked_records_between(&catalog, &between)?,
        ))
    })
    .await?;
    // Read of the report's units already (`between`): only the survey is left to choose.
    let records: Vec<_> = signed
        .access
        .records(records)
        .into_iter()
        .filter(|record| record.survey_id == survey.id() && record.survey_version == survey.version())
        .collect();
    let options = TallyOptions {
        by: GroupBy { unit: true, counter: true, field: true, staff: query.internal },
        from: Some(period.start),
        to: Some(period.end),
        ..TallyOptions::default()
    };
    let within = crate::http::reading::Within {
        survey: Some((survey.id().to_owned(), survey.version().to_owned())),
        units: scope.clone(),
    };
    let tally = crate::http::reading::counted(&collector, &signed.access, options, within).await?;
    let names = crate::http::reading::names(&signed.units, &named);
    let summary = survey::results::topics::summarise(&records, &tags);
    let comments = survey::results::topics::summed(&summary, |_| true);
    let row = query.unit.as_deref().and_then(|code| signed.units.iter().find(|unit| unit.code == code));
    let parent = row.and_then(|row| row.parent.as_deref()).and_then(|code| names.units.get(code)).map(String::as_str);
    let unit_name = match &query.unit {
        Some(code) => names.units.get(code).cloned().unwrap_or_else(|| code.clone()),
        None => "Toàn hệ thống".to_owned(),
    };
    let generated_at = crate::http::state::now_vietnam();
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
            &crate::http::reading::dossiers_by_unit(&entered, &period.code(), scope.as_ref()),
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
    crate::http::session::audit(
        &collector,
        signed.actor.clone(),
        Event::new("export.report", query.unit.as_deref(), target),
    )
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
        crate::http::pages::own_page(html, "data:")
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
