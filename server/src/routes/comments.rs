//! What citizens wrote, sorted by staff on the server: office staff, leaders and administrators
//! tag each comment of their units (masked, as stored) with topics from the unit's list and mark
//! those that may be quoted; leaders set the unit's list. The tags of a period go into its
//! certificate (`certifying::certify_stored`), which the published page is made from, and out in
//! the comments export.

use std::collections::{BTreeMap, BTreeSet};

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use survey::definition::answer::comments;
use survey::records::gate::CheckedRecord;
use survey::records::privacy::mask_identifiers;
use survey::reports::comments::{COMMENT_COLUMNS, TAG_COLUMNS, comment_rows};
use survey::results::period::Period;
use survey::results::topics::{DEFAULT_TOPICS, Tag, check_topics};
use wire::comments::{Comment, Comments, CommentsQuery, TagBody, Topics, TopicsBody};
use wire::session::Permission;

use crate::http::error::AppError;
use crate::http::extract::{JsonBody, blocking};
use crate::http::session::Staff;
use crate::storage::audit::Event;
use crate::storage::units::UnitRow;

// What each request body of this file is, for its refusal.
named! {
    TagBody => "a comment's tags",
    TopicsBody => "a unit's topics",
}

/// The topics comments of `unit` are tagged with: its own list, else its nearest parent's that
/// has one, else the default; with whether the list is the unit's own.
pub fn topics_for(unit: &str, units: &[UnitRow], stored: &BTreeMap<String, Vec<String>>) -> (Vec<String>, bool) {
    let mut at = Some(unit.to_owned());
    let mut seen = BTreeSet::new();
    while let Some(code) = at {
        if let Some(topics) = stored.get(&code) {
            return (topics.clone(), code == unit);
        }
        if !seen.insert(code.clone()) {
            break;
        }
        at = units.iter().find(|row| row.code == code).and_then(|row| row.parent.clone());
    }
    (DEFAULT_TOPICS.iter().map(|topic| (*topic).to_owned()).collect(), false)
}

/// The period's records of the units in reach that count (not misuse).
fn in_period(
    records: Vec<CheckedRecord>,
    period: Period,
    reaches: impl Fn(Option<&str>) -> bool,
) -> Vec<CheckedRecord> {
    records
        .into_iter()
        .filter(|record| {
            record.misuse.is_none() && period.contains(record.vietnam_day()) && reaches(record.unit.as_deref())
        })
        .collect()
}

/// `GET /api/v1/comments?period=P`: every comment of the period's responses in reach, masked,
/// those not yet tagged first, then the newest, with each unit's topics. Never the officer,
/// the counter or the time: only the day.
pub async fn list(Staff(collector, signed): Staff, Query(query): Query<CommentsQuery>) -> Result<Response, AppError> {
    signed.access.may(Permission::TagComments)?;
    let period = crate::http::reading::period_of(&query.period)?;
    let (store, catalog) = (collector.store.clone(), collector.catalog.clone());
    let units = signed.access.scope().cloned();
    let ((records, _), tags, locked, stored, named) = blocking(move || {
        let between = crate::storage::responses::Between {
            units: units.as_ref(),
            only: crate::storage::responses::Only::Commented,
            ..crate::storage::responses::Between::period(period)
        };
        Ok((
            store.checked_records_between(&catalog, &between)?,
            store.comment_tags()?,
            store.locked_responses()?,
            store.topics()?,
            store.named_codes()?,
        ))
    })
    .await?;
    let names = crate::http::reading::names(&signed.units, &named);
    let records = in_period(records, period, |unit| signed.access.reaches(unit));
    let mut items = Vec::new();
    let mut units = BTreeMap::new();
    for record in &records {
        let Some(survey) = collector.catalog.get(&record.survey_id, &record.survey_version) else { continue };
        let unit = record.unit.clone().unwrap_or_default();
        for (question_id, text) in comments(&record.answers) {
            let tag = tags.get(&(record.response_id.clone(), question_id.clone()));
            units.entry(unit.clone()).or_insert_with(|| topics_for(&unit, &signed.units, &stored).0);
            let comment = Comment {
                response_id: record.response_id.clone(),
                question_id: question_id.clone(),
                question: survey.question(question_id).map(|question| question.text.vi.clone()),
                day: record.vietnam_day().to_string(),
                unit_name: names.units.get(&unit).cloned(),
                unit: unit.clone(),
                text: mask_identifiers(text),
                topics: tag.map(|tag| tag.topics.clone()).unwrap_or_default(),
                quotable: tag.is_some_and(|tag| tag.quotable),
                tagged: tag.is_some_and(|tag| !tag.topics.is_empty()),
                locked: locked.contains(&record.response_id),
            };
            // The time orders the list and is not sent.
            items.push((record.submitted_at.as_str(), comment));
        }
    }
    // Not yet tagged first, then the newest.
    items.sort_by(|(a_at, a), (b_at, b)| (a.tagged, std::cmp::Reverse(a_at)).cmp(&(b.tagged, std::cmp::Reverse(b_at))));
    let items = items.into_iter().map(|(_, comment)| comment).collect();
    let answer = Comments { format: wire::comments::COMMENTS_FORMAT, period: period.code(), topics: units, items };
    let mut response = Json(answer).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /api/v1/comments.csv?period=P[&profile=]`: the comments export of the period's
/// responses in reach, with what each was tagged with (internal: it holds what citizens wrote,
/// masked, so it needs the right to read responses, and is audited).
pub async fn export(Staff(collector, signed): Staff, Query(query): Query<CommentsQuery>) -> Result<Response, AppError> {
    signed.access.may(Permission::ReadResponses)?;
    let period = crate::http::reading::period_of(&query.period)?;
    let profile = crate::http::reading::parse_profile(query.profile.as_deref().unwrap_or("excel"))
        .map_err(|err| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("profile: {err}")))?;
    let (store, catalog) = (collector.store.clone(), collector.catalog.clone());
    let units = signed.access.scope().cloned();
    let ((records, _), tags) = blocking(move || {
        let between = crate::storage::responses::Between {
            units: units.as_ref(),
            only: crate::storage::responses::Only::Commented,
            ..crate::storage::responses::Between::period(period)
        };
        Ok((store.checked_records_between(&catalog, &between)?, store.comment_tags()?))
    })
    .await?;
    let records = in_period(records, period, |unit| signed.access.reaches(unit));
    let rows = comment_rows(&records, Some(&tags));
    let header: Vec<&str> = COMMENT_COLUMNS.iter().chain(TAG_COLUMNS.iter()).copied().collect();
    let event = Event::new("export.comments", signed.access.account.unit.as_deref(), period.code());
    crate::http::session::audit(&collector, signed.actor.clone(), event).await?;
    Ok(crate::http::reading::csv_response(&format!("y-kien-{}.csv", period.code()), profile.write(&header, &rows)))
}

/// `PUT /api/v1/comments/<response_id>/<question_id>`: tags one comment of a unit in reach
/// with topics of the unit's list and says whether it may be quoted. A comment of a certified
/// response is refused (409): its certificate keeps its tags.
pub async fn tag(
    Staff(collector, signed): Staff,
    Path((response_id, question_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<TagBody>,
) -> Result<Response, AppError> {
    signed.access.may(Permission::TagComments)?;
    let refused = |reason: String| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, reason);
    if body.topics.len() > survey::results::topics::MOST_TOPICS {
        return Err(refused(format!("topics: at most {} topics", survey::results::topics::MOST_TOPICS)));
    }
    let record = crate::http::reading::record_in_reach(&collector, &signed.access, &response_id).await?;
    let store = collector.store.clone();
    let stored = blocking(move || Ok(store.topics()?)).await?;
    if !comments(&record.answers).any(|(question, _)| *question == question_id) {
        return Err(refused(format!(
            "question_id: response {response_id} has no comment to `{}`",
            survey::text::short_message(&question_id)
        )));
    }
    let unit = record.unit.clone().unwrap_or_default();
    let (list, _) = topics_for(&unit, &signed.units, &stored);
    let mut topics: Vec<String> = Vec::new();
    for (at, typed) in body.topics.iter().enumerate() {
        let topic = survey::text::nfc(typed.trim());
        let Some(known) = list.iter().find(|known| **known == topic) else {
            return Err(refused(format!(
                "topics[{at}]: `{}` is not one of the unit's topics",
                survey::text::short_message(&topic)
            )));
        };
        if !topics.contains(known) {
            topics.push(known.clone());
        }
    }
    let tag = Tag { topics, quotable: body.quotable };
    let store = collector.store.clone();
    blocking(move || Ok(store.put_tag(&(response_id, question_id), record.unit.as_deref(), &tag, &signed.actor)?))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/topics/<unit>`: the topics comments of the unit are tagged with, and whether the
/// list is its own.
pub async fn topics(Staff(collector, signed): Staff, Path(unit): Path<String>) -> Result<Response, AppError> {
    signed.access.may_on(Permission::ReadFigures, Some(&unit))?;
    let store = collector.store.clone();
    let stored = blocking(move || Ok(store.topics()?)).await?;
    let (topics, own) = topics_for(&unit, &signed.units, &stored);
    Ok(Json(Topics { format: wire::comments::COMMENTS_FORMAT, unit, topics, own }).into_response())
}

/// `PUT /api/v1/topics/<unit>`: a unit's leaders set its list of topics; an empty list goes back
/// to its parent's (or the default). Comments already tagged keep their topics.
pub async fn put_topics(
    Staff(collector, signed): Staff,
    Path(unit): Path<String>,
    JsonBody(body): JsonBody<TopicsBody>,
) -> Result<Response, AppError> {
    signed.may_change(Permission::SetTopics, &unit)?;
    let topics = if body.topics.is_empty() {
        Vec::new()
    } else {
        check_topics(&body.topics).map_err(|reason| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, reason))?
    };
    let store = collector.store.clone();
    blocking(move || Ok(store.put_topics(&unit, &topics, &signed.actor)?)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ward_without_its_own_topics_uses_its_citys_and_else_the_default() {
        let unit = |code: &str, parent: Option<&str>| UnitRow {
            code: code.into(),
            parent: parent.map(Into::into),
            name_vi: code.into(),
            name_en: None,
        };
        let units = [unit("city", None), unit("ward", Some("city"))];
        let mut stored = BTreeMap::new();
        assert_eq!(topics_for("ward", &units, &stored).0.len(), DEFAULT_TOPICS.len());
        stored.insert("city".to_owned(), vec!["Chờ lâu".to_owned()]);
        assert_eq!(topics_for("ward", &units, &stored), (vec!["Chờ lâu".to_owned()], false));
        assert_eq!(topics_for("city", &units, &stored), (vec!["Chờ lâu".to_owned()], true));
    }
}
