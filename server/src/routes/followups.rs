//! Low ratings followed up the same day: a unit's leaders (and administrators) see each low
//! rating of their units as it arrives, with what the citizen chose and wrote (masked as
//! stored), its counter and time, never the officer; they mark it looked into with what was
//! done, and the share followed up within the server's days is a figure of the period.

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use survey::records::gate::CheckedRecord;
use survey::records::privacy::mask_identifiers;
use survey::results::followup::{FollowUpFigure, is_low};
use survey::results::period::Period;
use wire::followups::{FollowUpBody, FollowUpQuery, FollowUps, Followed, LowRating, Reply, ReplyBody};
use wire::session::Permission;

use crate::http::error::AppError;
use crate::http::extract::{JsonBody, blocking};
use crate::http::session::Staff;
use crate::http::state::Collector;

// What each request body of this file is, for its refusal.
named! {
    FollowUpBody => "a follow-up",
    ReplyBody => "what the unit did",
}

/// The longest note kept, in characters.
const MAX_NOTE_CHARS: usize = 2_000;

/// Whether `record` is a low rating (of a survey the server knows), not flagged as misuse.
pub(crate) fn low(collector: &Collector, record: &CheckedRecord) -> bool {
    record.misuse.is_none()
        && collector
            .catalog
            .get(&record.survey_id, &record.survey_version)
            .is_some_and(|survey| is_low(survey, &record.answers))
}

/// `GET /api/v1/followups?period=P`: the period's low ratings of the units in reach, those not
/// yet followed up first, newest first, with the period's figure.
pub async fn list(Staff(collector, signed): Staff, Query(query): Query<FollowUpQuery>) -> Result<Response, AppError> {
    signed.access.may(Permission::FollowUp)?;
    let Some(period) = Period::parse(&query.period) else {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("period: `{}` is not a period", query.period),
        ));
    };
    let (store, catalog) = (collector.store.clone(), collector.catalog.clone());
    // The period's low ratings of the units in reach alone: a ward's poll reads its own.
    let units = signed.access.scope().cloned();
    let ((records, _), followed, named) = blocking(move || {
        let between = crate::storage::responses::Between {
            from: period.start,
            to: period.end,
            units: units.as_ref(),
            only: crate::storage::responses::Only::Low,
        };
        Ok((store.checked_records_between(&catalog, &between)?, store.followups()?, store.named_codes()?))
    })
    .await?;
    let names = crate::http::reading::names(&signed.units, &named);
    let mut figure = FollowUpFigure { days: collector.follow_up_days, ..FollowUpFigure::default() };
    let mut items = Vec::new();
    for record in records {
        let day = record.vietnam_day();
        if !signed.access.reaches(record.unit.as_deref())
            || day < period.start
            || day > period.end
            || !low(&collector, &record)
        {
            continue;
        }
        let done = followed.get(&record.response_id);
        figure.add(&record.submitted_at, done.map(|row| row.at.as_str()));
        let Some(survey) = collector.catalog.get(&record.survey_id, &record.survey_version) else { continue };
        let comments: Vec<String> =
            survey::definition::answer::comments(&record.answers).map(|(_, text)| mask_identifiers(text)).collect();
        let unit = record.unit.clone().unwrap_or_default();
        items.push(LowRating {
            response_id: record.response_id.clone(),
            survey: survey.title().vi.clone(),
            unit_name: names.units.get(&unit).cloned(),
            counter_name: record.counter.as_deref().and_then(|counter| names.counter(&unit, counter)).cloned(),
            said: survey::reports::comments::answers_in_words(survey, &record),
            comments,
            followed: done.map(|row| Followed { at: row.at.clone(), by: row.by.clone(), note: row.note.clone() }),
            counter: record.counter.clone(),
            submitted_at: record.submitted_at.clone(),
            unit,
        });
    }
    // Not yet followed up first, then the newest.
    items.sort_by(|a, b| {
        (a.followed.is_none(), &a.submitted_at).cmp(&(b.followed.is_none(), &b.submitted_at)).reverse()
    });
    let answer = FollowUps { format: wire::followups::FOLLOWUPS_FORMAT, period: period.code(), figure, items };
    let mut response = Json(answer).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `POST /api/v1/followups/<response_id>`: marks a low rating of a unit in reach looked into,
/// with what was done; once.
pub async fn mark(
    Staff(collector, signed): Staff,
    Path(response_id): Path<String>,
    JsonBody(body): JsonBody<FollowUpBody>,
) -> Result<Response, AppError> {
    signed.access.may(Permission::FollowUp)?;
    let note = crate::http::error::staff_text("note", &body.note, MAX_NOTE_CHARS)?;
    if note.is_empty() {
        return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "note: say what was done"));
    }
    let record = crate::http::reading::record_in_reach(&collector, &signed.access, &response_id).await?;
    if !low(&collector, &record) {
        return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "response_id: this response is not a low rating"));
    }
    let store = collector.store.clone();
    blocking(move || Ok(store.put_followup(&record.response_id, record.unit.as_deref(), &note, &signed.actor)?))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The longest reply kept, in characters.
const MAX_REPLY_CHARS: usize = 4_000;

/// `GET /api/v1/replies/<unit>/<period>`: what the unit said it did about what citizens said.
pub async fn reply(
    Staff(collector, signed): Staff,
    Path((unit, period)): Path<(String, String)>,
) -> Result<Response, AppError> {
    signed.access.may_on(Permission::ReadFigures, Some(&unit))?;
    let code = crate::http::reading::period_of(&period)?.code();
    let store = collector.store.clone();
    let text = {
        let (unit, code) = (unit.clone(), code.clone());
        blocking(move || Ok(store.reply(&unit, &code)?)).await?
    };
    Ok(Json(Reply { format: wire::followups::FOLLOWUPS_FORMAT, unit, period: code, text: text.unwrap_or_default() })
        .into_response())
}

/// `PUT /api/v1/replies/<unit>/<period>`: a leader says what the unit did about what citizens
/// said ("Kết quả tiếp thu, giải quyết"); its published page shows it. An empty text removes it.
pub async fn put_reply(
    Staff(collector, signed): Staff,
    Path((unit, period)): Path<(String, String)>,
    JsonBody(body): JsonBody<ReplyBody>,
) -> Result<Response, AppError> {
    signed.may_change(Permission::FollowUp, &unit)?;
    let code = crate::http::reading::period_of(&period)?.code();
    let text = crate::http::error::staff_text("text", &body.text, MAX_REPLY_CHARS)?;
    let store = collector.store.clone();
    blocking(move || Ok(store.put_reply(&unit, &code, &text, &signed.actor)?)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
