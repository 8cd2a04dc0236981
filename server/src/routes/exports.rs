//! The staff's exports over HTTP: the tally and index CSVs with `hailong tally`'s filters, and
//! the raw responses of one survey version.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use survey::records::gate::Gate;
use survey::results::index::{DEFAULT_MIN_N, INDEX_COLUMNS, index_cells, indices};
use wire::exports::{RawQuery, TallyQuery};
use wire::session::Permission;

use crate::http::error::{AppError, bad_parameter};
use crate::http::extract::blocking;
use crate::http::reading::{csv_response, names, parse_profile, tally_of};
use crate::http::session::Staff;
use crate::storage::audit::Event;

/// `GET /api/v1/tally.csv`: the tally of every stored response, for staff.
pub async fn tally_csv(Staff(collector, signed): Staff, Query(query): Query<TallyQuery>) -> Result<Response, AppError> {
    signed.access.may(Permission::ReadFigures)?;
    if query.min_n.is_some() {
        return Err(bad_parameter("min_n", "only index.csv suppresses small groups".into()));
    }
    let (tally, profile) = tally_of(&collector, &signed.access, &query).await?;
    tracing::info!(user = %signed.actor.name, groups = tally.groups.len(), "tally exported");
    Ok(csv_response("tally.csv", tally.to_csv(profile)))
}

/// `GET /api/v1/index.csv`: the indices of every stored response, for staff.
pub async fn index_csv(Staff(collector, signed): Staff, Query(query): Query<TallyQuery>) -> Result<Response, AppError> {
    signed.access.may(Permission::ReadFigures)?;
    let (tally, profile) = tally_of(&collector, &signed.access, &query).await?;
    let rows = indices(&tally, &collector.catalog, query.min_n.unwrap_or(DEFAULT_MIN_N))
        .map_err(|err| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))?;
    tracing::info!(user = %signed.actor.name, rows = rows.len(), "indices exported");
    // The server names its units, counters and fields beside their codes.
    let store = collector.store.clone();
    let named = blocking(move || Ok(store.named_codes()?)).await?;
    let names = names(&signed.units, &named);
    let (header, cells) = names.add_to(&INDEX_COLUMNS, &index_cells(&rows));
    Ok(csv_response("index.csv", profile.write(&header, &cells)))
}

/// `GET /api/v1/responses.csv?survey=id@version`: every stored response of one survey version
/// as raw CSV, for staff to import into the workspace or count with `hailong tally`. It holds
/// citizens' comments (masked), so it needs a staff account like the tallies.
pub async fn raw_csv(Staff(collector, signed): Staff, Query(query): Query<RawQuery>) -> Result<Response, AppError> {
    signed.access.may(Permission::ReadResponses)?;
    let profile =
        parse_profile(query.profile.as_deref().unwrap_or("excel")).map_err(|err| bad_parameter("profile", err))?;
    let Some((survey_id, survey_version)) = query.survey.split_once('@') else {
        return Err(bad_parameter("survey", format!("`{}`: write it as id@version", query.survey)));
    };
    let Some(survey) = collector.catalog.get(survey_id, survey_version).cloned() else {
        return Err(bad_parameter("survey", format!("no survey {survey_id} version {survey_version} is known here")));
    };
    let event =
        Event::new("export.responses", signed.access.account.unit.as_deref(), format!("{survey_id}@{survey_version}"));
    crate::http::session::audit(&collector, signed.actor.clone(), event).await?;
    tracing::info!(user = %signed.actor.name, "raw responses exported");
    // Read and written a part at a time, as the download goes: memory stays bounded whatever
    // is stored. A reader that goes away stops the reading.
    let (parts, received) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(2);
    let (store, catalog, access) = (collector.store.clone(), collector.catalog.clone(), signed.access.clone());
    tokio::task::spawn_blocking(move || {
        let header = survey::records::raw::raw_header(&survey);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        if parts.blocking_send(Ok(profile.start(&header))).is_err() {
            return;
        }
        let mut after = None;
        loop {
            let records = match store.records_of_survey(survey.id(), survey.version(), after.as_ref(), RAW_PART) {
                Ok(records) => records,
                Err(err) => {
                    tracing::error!(error = %err, "the raw export stopped: the database could not be read");
                    let _ = parts.blocking_send(Err(std::io::Error::other(err.to_string())));
                    return;
                }
            };
            let Some(last) = records.last() else { return };
            after = Some((last.submitted_at.clone(), last.response_id.clone()));
            let (checked, left_out) = Gate::default().check_stored(&catalog, records);
            crate::http::reading::log_left_out(&left_out);
            let rows = survey::records::raw::raw_rows(&survey, &access.records(checked));
            if parts.blocking_send(Ok(profile.write_rows(&rows))).is_err() {
                return;
            }
        }
    });
    let stream = futures_util::stream::unfold(received, |mut received| async move {
        received.recv().await.map(|part| (part, received))
    });
    Ok(csv_response(&format!("{survey_id}-{survey_version}.csv"), axum::body::Body::from_stream(stream)))
}

/// Responses read at a time by the raw export.
const RAW_PART: usize = 2_000;
