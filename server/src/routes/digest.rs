//! The daily e-mail digest of low ratings, to the addresses a unit's leader sets: once a day, at
//! the server's hour (`hailong serve --smtp-host … --digest-at 17:30`), each unit with
//! addresses gets the counts of the last 24 hours (ratings, low ratings, how many followed up,
//! per counter, the reasons chosen) and a link to the leader's page. It carries no comment, no
//! officer, no phone number and no time of any one rating: only counts, so that nobody is
//! recognised in a mailbox.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use survey::definition::answer::Answer;
use survey::definition::model::QuestionKind;
use survey::records::gate::CheckedRecord;
use time::OffsetDateTime;
use wire::digest::AddressesBody;
use wire::session::Permission;

use crate::http::access::subtree;
use crate::http::error::AppError;
use crate::http::extract::{JsonBody, blocking};
use crate::http::session::Staff;
use crate::http::state::Collector;
use crate::storage::audit::Actor;

// What each request body of this file is, for its refusal.
named! {
    AddressesBody => "the digest's addresses",
}

/// The most addresses one unit's digest goes to.
pub const MOST_ADDRESSES: usize = 20;

/// How the server reaches its mail relay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Security {
    /// Plain SMTP, for a relay on the same machine or network only.
    None,
    /// SMTP upgraded with STARTTLS (port 587).
    Starttls,
    /// SMTP over TLS from the start (port 465).
    Tls,
}

/// The server's SMTP settings and the hour of the digest.
#[derive(Clone, Debug)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub from: Mailbox,
    pub credentials: Option<(String, String)>,
    /// Minutes after midnight, Vietnam time, from which the day's digest goes out.
    pub at_minutes: u32,
    /// The server's address as staff reach it (`https://hailong.example.vn`), for the link.
    pub public_url: Option<String>,
}

/// `HH:MM` as minutes after midnight (the core's reading of a time of day).
pub fn parse_hour(text: &str) -> Result<u32, String> {
    survey::vn_time::parse_hh_mm(text)
        .map(u32::from)
        .ok_or_else(|| format!("`{text}` is not a time of day written HH:MM"))
}

/// A digest: its subject and plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digest {
    pub subject: String,
    pub body: String,
}

/// The digest of `unit_label`'s responses given in the 24 hours before `until`, or None when
/// there were none. Counts only: never a comment, an officer or a rating's time.
pub fn compose(
    collector: &Collector,
    unit_label: &str,
    records: &[CheckedRecord],
    followed: &BTreeMap<String, crate::storage::followups::FollowUpRow>,
    counter_name: &dyn Fn(&CheckedRecord) -> String,
    until: OffsetDateTime,
    public_url: Option<&str>,
) -> Option<Digest> {
    let since = until - time::Duration::days(1);
    let given: Vec<&CheckedRecord> = records
        .iter()
        .filter(|record| record.misuse.is_none() && record.submitted() >= since && record.submitted() < until)
        .collect();
    if given.is_empty() {
        return None;
    }
    let low: Vec<&CheckedRecord> =
        given.iter().copied().filter(|record| crate::routes::followups::low(collector, record)).collect();
    let done = low.iter().filter(|record| followed.contains_key(&record.response_id)).count();
    let mut counters: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for record in &given {
        counters.entry(counter_name(record)).or_default().0 += 1;
    }
    for record in &low {
        counters.entry(counter_name(record)).or_default().1 += 1;
    }
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for record in &low {
        let Some(survey) = collector.catalog.get(&record.survey_id, &record.survey_version) else { continue };
        for question in survey.questions() {
            let QuestionKind::MultipleChoice { .. } = &question.kind else { continue };
            let Some(Answer::Choices(choices)) = record.answers.get(&question.id) else { continue };
            for code in &choices.codes {
                let label = question
                    .kind
                    .choices()
                    .into_iter()
                    .find(|choice| choice.code == *code)
                    .map_or(code.clone(), |choice| choice.label.vi);
                *reasons.entry(label).or_default() += 1;
            }
        }
    }
    let until_millis = (until.unix_timestamp_nanos() / 1_000_000) as i64;
    let until_text = survey::vn_time::format_vietnam(until_millis).unwrap_or_default();
    let day = survey::vn_time::vietnam_date(until);
    let day = format!("{:02}/{:02}/{}", day.day(), day.month() as u8, day.year());
    let mut body = format!(
        "{unit_label} — 24 giờ đến {}\n\nĐánh giá: {}\nKhông hài lòng: {} (đã xử lý {done})\n",
        survey::vn_time::readable(&until_text, survey::text::Lang::Vi),
        given.len(),
        low.len()
    );
    body.push_str("\nTheo quầy:\n");
    for (counter, (all, unhappy)) in &counters {
        body.push_str(&format!("- {counter}: {unhappy} không hài lòng trên {all} đánh giá\n"));
    }
    if !reasons.is_empty() {
        let mut chosen: Vec<(&String, &usize)> = reasons.iter().collect();
        chosen.sort_by_key(|(_, count)| std::cmp::Reverse(**count));
        body.push_str("\nLý do người không hài lòng đã chọn:\n");
        for (reason, count) in chosen {
            body.push_str(&format!("- {reason}: {count}\n"));
        }
    }
    if let Some(url) = public_url {
        body.push_str(&format!("\nXem và xử lý: {}/staff/may-chu#ket-qua\n", url.trim_end_matches('/')));
    }
    body.push_str(
        "\nThư chỉ có số đếm: không có ý kiến, tên cán bộ hay thời điểm của ai. Xem chi tiết trên máy chủ Hài Lòng.\n\
         Counts only: no comment, officer or time of anyone's rating. Details are on the Hài Lòng server.\n",
    );
    Some(Digest { subject: format!("[Hài Lòng] {unit_label} — {day}: {} không hài lòng", low.len()), body })
}

/// Sends one digest to `to`.
pub async fn send(smtp: &Smtp, to: &[String], digest: &Digest) -> Result<(), String> {
    let mut message = Message::builder().from(smtp.from.clone()).subject(digest.subject.clone());
    for address in to {
        let address: Address = address.parse().map_err(|err| format!("`{address}`: {err}"))?;
        message = message.to(Mailbox::new(None, address));
    }
    let message = message
        .header(ContentType::TEXT_PLAIN)
        .body(digest.body.clone())
        .map_err(|err| format!("the message: {err}"))?;
    let builder = match smtp.security {
        Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        Security::Starttls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host).map_err(|err| err.to_string())?
        }
        Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).map_err(|err| err.to_string())?,
    };
    let mut builder = builder.port(smtp.port).timeout(Some(Duration::from_secs(30)));
    if let Some((user, password)) = &smtp.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    builder.build().send(message).await.map(|_| ()).map_err(|err| format!("{}:{}: {err}", smtp.host, smtp.port))
}

/// What a round of digests did: the units whose digest went out (or had nothing to say), and
/// those whose relay refused, with why; these are tried again at the next round.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: Vec<String>,
    pub failed: Vec<(String, String)>,
}

/// Sends each unit's digest of the 24 hours before `now` that is due (its hour passed today)
/// and not yet sent today. One unit's failure does not stop the others.
pub async fn send_due(collector: &Arc<Collector>, smtp: &Smtp, now: OffsetDateTime) -> Result<Round, String> {
    let millis = (now.unix_timestamp_nanos() / 1_000_000) as i64;
    let minute = survey::vn_time::vietnam_weekday_and_minute(millis).map_or(0, |(_, minute)| u32::from(minute));
    if minute < smtp.at_minutes {
        return Ok(Round::default());
    }
    let today = survey::vn_time::vietnam_date(now).to_string();
    // The units still due today, before any response is read: after the hour this runs every
    // minute, and once the day's digests are out it reads nothing more.
    let due: Vec<(String, Vec<String>)> = {
        let (store, today) = (collector.store.clone(), today.clone());
        blocking(move || {
            let mut due = Vec::new();
            for (unit, to) in store.digest_addresses()? {
                if !to.is_empty() && !store.digest_sent(&unit, &today)? {
                    due.push((unit, to));
                }
            }
            Ok(due)
        })
        .await
        .map_err(|err| err.message)?
    };
    if due.is_empty() {
        return Ok(Round::default());
    }
    let (store, catalog) = (collector.store.clone(), collector.catalog.clone());
    // The 24 hours before now lie within yesterday and today (Vietnam time): only those days'
    // responses are read.
    let until = survey::vn_time::vietnam_date(now);
    let since = until.previous_day().unwrap_or(until);
    let ((records, _), followed, units, named) = blocking(move || {
        Ok((
            store.checked_records_between(
                &catalog,
                &crate::storage::responses::Between {
                    from: since,
                    to: until,
                    units: None,
                    only: crate::storage::responses::Only::All,
                },
            )?,
            store.followups()?,
            store.units()?,
            store.named_codes()?,
        ))
    })
    .await
    .map_err(|err| err.message)?;
    let names = crate::http::reading::names(&units, &named);
    let mut round = Round::default();
    for (unit, to) in due {
        let scope = subtree(&unit, &units);
        let theirs: Vec<CheckedRecord> = records
            .iter()
            .filter(|record| record.unit.as_ref().is_some_and(|code| scope.contains(code)))
            .cloned()
            .collect();
        let counter_name = |record: &CheckedRecord| {
            let (unit, counter) = (record.unit.clone().unwrap_or_default(), record.counter.clone().unwrap_or_default());
            match names.counter(&unit, &counter) {
                Some(name) => format!("{name} ({counter})"),
                None if counter.is_empty() => "(không ghi quầy)".into(),
                None => counter,
            }
        };
        let label = survey::results::names::Names::label(&names.units, &unit);
        let actor = Actor { name: "digest".into(), address: "-".into(), at: crate::http::state::now_vietnam() };
        match compose(collector, &label, &theirs, &followed, &counter_name, now, smtp.public_url.as_deref()) {
            None => {}
            Some(digest) => {
                if let Err(err) = send(smtp, &to, &digest).await {
                    round.failed.push((unit, err));
                    continue;
                }
            }
        }
        // A day without ratings is marked too, so it is not looked at again until tomorrow.
        let (store, marked, day) = (collector.store.clone(), unit.clone(), today.clone());
        blocking(move || Ok(store.mark_digest_sent(&marked, &day, &actor)?)).await.map_err(|err| err.message)?;
        round.sent.push(unit);
    }
    Ok(round)
}

/// Sends the digests when due, checking every minute, while the server runs.
pub async fn run(collector: Arc<Collector>, smtp: Smtp) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        match send_due(&collector, &smtp, OffsetDateTime::now_utc()).await {
            Ok(round) => {
                if !round.sent.is_empty() {
                    tracing::info!(units = round.sent.len(), "digests sent");
                }
                for (unit, err) in round.failed {
                    tracing::warn!(unit = %unit, error = %err, "the digest could not be sent; it is tried again later");
                }
            }
            Err(err) => tracing::warn!(error = %err, "the digests could not be made"),
        }
    }
}

/// `GET /api/v1/digest/<unit>`: where the unit's digest goes (its leaders and administrators).
pub async fn addresses(Staff(collector, signed): Staff, Path(unit): Path<String>) -> Result<Response, AppError> {
    signed.access.may_on(Permission::FollowUp, Some(&unit))?;
    let store = collector.store.clone();
    let all = blocking(move || Ok(store.digest_addresses()?)).await?;
    let to = all.get(&unit).cloned().unwrap_or_default();
    Ok(Json(wire::digest::Addresses { format: wire::digest::DIGEST_FORMAT, unit, addresses: to }).into_response())
}

/// `PUT /api/v1/digest/<unit>`: a unit's leader sets where its daily digest goes; none stops it.
pub async fn put_addresses(
    Staff(collector, signed): Staff,
    Path(unit): Path<String>,
    JsonBody(body): JsonBody<AddressesBody>,
) -> Result<Response, AppError> {
    signed.may_change(Permission::FollowUp, &unit)?;
    let refused = |reason: String| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, reason);
    if body.addresses.len() > MOST_ADDRESSES {
        return Err(refused(format!("addresses: at most {MOST_ADDRESSES}")));
    }
    let mut kept = Vec::new();
    for (at, typed) in body.addresses.iter().enumerate() {
        let typed = typed.trim();
        if typed.parse::<Address>().is_err() {
            return Err(refused(format!(
                "addresses[{at}]: `{}` is not an e-mail address",
                survey::text::short_message(typed)
            )));
        }
        if !kept.iter().any(|known: &String| known.eq_ignore_ascii_case(typed)) {
            kept.push(typed.to_owned());
        }
    }
    let store = collector.store.clone();
    blocking(move || Ok(store.put_digest_addresses(&unit, &kept, &signed.actor)?)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hour_is_read_as_written() {
        assert_eq!(parse_hour("17:30"), Ok(17 * 60 + 30));
        assert_eq!(parse_hour("07:05"), Ok(7 * 60 + 5));
        for wrong in ["24:00", "7", "07:60", "ab:cd", "07:5x", "7:30"] {
            assert!(parse_hour(wrong).is_err(), "{wrong}");
        }
    }
}
