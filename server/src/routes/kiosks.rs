//! Kiosks over HTTP: pairing a device with its code, the configuration a paired kiosk reads,
//! and their administration (add, change, revoke, a new pairing code, the list).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use wire::city::{DeviceEdit, NewDevice};
use wire::session::Permission;
use wire::sync::PairRequest;

use crate::http::error::AppError;
use crate::http::extract::{ClientAddress, JsonBody, blocking};
use crate::http::session::{Signed, Staff};
use crate::http::state::Collector;
use crate::routes::city::name_taken;

// What each request body of this file is, for its refusal.
named! {
    PairRequest => "a pairing code",
    NewDevice => "a kiosk",
    DeviceEdit => "a change of a kiosk",
}

/// `POST /api/v1/pair`: a kiosk redeems its one-time pairing code for its device token and
/// configuration. Wrong codes count as wrong passwords of this address, so codes cannot be
/// guessed.
pub async fn pair(
    State(collector): State<Arc<Collector>>,
    ClientAddress(address): ClientAddress,
    JsonBody(request): JsonBody<PairRequest>,
) -> Result<Response, AppError> {
    let key = format!("pairing:{}", address.map(|address| address.to_string()).unwrap_or_default());
    if let Some((left, _)) = collector.sign_in.locked_for(&key, address) {
        return Err(crate::http::error::too_many("wrong pairing codes from here", left));
    }
    let store = collector.store.clone();
    let actor = crate::http::session::actor("kiosk", address);
    let now = crate::http::state::now_millis() / 1000;
    let paired = blocking(move || Ok(store.redeem_pairing(&request.code, now, &actor)?)).await?;
    collector.sign_in.record(&key, address, paired.is_some());
    match paired {
        Some(paired) => Ok(Json(paired).into_response()),
        None => Err(AppError::new(
            StatusCode::FORBIDDEN,
            "this pairing code is wrong, used already or expired: ask for a new one",
        )),
    }
}

/// `GET /api/v1/device/config`: a paired kiosk's configuration, with its device token.
pub async fn device_config(State(collector): State<Arc<Collector>>, headers: HeaderMap) -> Result<Response, AppError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(|token| token.trim().to_owned())
        .ok_or_else(|| {
            AppError::new(StatusCode::UNAUTHORIZED, "a kiosk sends `Authorization: Bearer <device token>`")
        })?;
    let store = collector.store.clone();
    let config = blocking(move || {
        let Some((name, _)) = store.device_of(&token)? else { return Ok(None) };
        Ok(store.device_config(&name)?)
    })
    .await?;
    match config {
        Some(config) => Ok(Json(config).into_response()),
        None => Err(AppError::new(StatusCode::UNAUTHORIZED, "unknown or revoked device token")),
    }
}

/// `POST /api/v1/devices`: registers a kiosk of a unit in reach and answers its one-time
/// pairing code.
pub async fn add_device(
    Staff(collector, signed): Staff,
    JsonBody(new): JsonBody<NewDevice>,
) -> Result<Response, AppError> {
    signed.access.may_on(Permission::ManageDevices, Some(&new.unit))?;
    // Checked before anything is stored, so a refusal leaves no kiosk half made.
    if let Some(survey_id) = &new.survey_id {
        crate::storage::devices::check_survey(survey_id)?;
    }
    let store = collector.store.clone();
    let now = crate::http::state::now_millis() / 1000;
    let taken = name_taken(&signed, "kiosk name", &new.name);
    let code = blocking(move || {
        store.add_device(&new.name, Some(&new.unit), &signed.actor)?;
        let change = crate::storage::devices::DeviceChange {
            counter: new.counter,
            survey_id: new.survey_id,
            ..Default::default()
        };
        store.change_device(&new.name, &change, &signed.actor)?;
        Ok(store.pairing_code(&new.name, now, &signed.actor)?)
    })
    .await
    .map_err(taken)?;
    let expires = crate::storage::devices::PAIRING_SECONDS;
    Ok((StatusCode::CREATED, Json(wire::city::Pairing { pairing_code: code, expires_in_seconds: expires }))
        .into_response())
}

/// The kiosk `name`'s configuration, if the account reaches its unit; out of reach and
/// unknown are refused alike.
async fn reachable_device(
    collector: &Arc<Collector>,
    signed: &Signed,
    name: &str,
) -> Result<wire::sync::DeviceConfig, AppError> {
    signed.access.may(Permission::ManageDevices)?;
    let store = collector.store.clone();
    let name = name.to_owned();
    let config = blocking(move || Ok(store.device_config(&name)?)).await?;
    config
        .filter(|config| signed.access.reaches(config.unit.as_deref()))
        .ok_or_else(|| crate::http::access::Forbidden::outside().into())
}

/// `PATCH /api/v1/devices/<name>`: a kiosk's counter, survey, opening hours, officers or the
/// officer on duty; the kiosk takes it between two citizens.
pub async fn change_device(
    Staff(collector, signed): Staff,
    Path(name): Path<String>,
    JsonBody(edit): JsonBody<DeviceEdit>,
) -> Result<Response, AppError> {
    reachable_device(&collector, &signed, &name).await?;
    let store = collector.store.clone();
    let change = crate::storage::devices::DeviceChange {
        counter: edit.counter,
        survey_id: edit.survey_id,
        week_hours: edit.week_hours,
        officers: edit.officers,
        on_duty: edit.on_duty,
    };
    blocking(move || Ok(store.change_device(&name, &change, &signed.actor)?)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /api/v1/devices/<name>`: revokes a kiosk's token at once (a lost or stolen tablet);
/// what it sent stays stored, and its name is never given to another kiosk.
pub async fn revoke_device(Staff(collector, signed): Staff, Path(name): Path<String>) -> Result<Response, AppError> {
    reachable_device(&collector, &signed, &name).await?;
    let store = collector.store.clone();
    blocking(move || Ok(store.revoke_device(&name, &signed.actor)?)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/devices/<name>/pairing`: a new one-time pairing code for a kiosk (a tablet
/// replaced or reset).
pub async fn new_pairing(Staff(collector, signed): Staff, Path(name): Path<String>) -> Result<Response, AppError> {
    reachable_device(&collector, &signed, &name).await?;
    let store = collector.store.clone();
    let now = crate::http::state::now_millis() / 1000;
    let code = blocking(move || Ok(store.pairing_code(&name, now, &signed.actor)?)).await?;
    Ok(Json(wire::city::Pairing { pairing_code: code, expires_in_seconds: crate::storage::devices::PAIRING_SECONDS })
        .into_response())
}

/// `GET /api/v1/devices`: the kiosks of the units in reach, with what each is set to and what
/// it sent.
pub async fn devices(Staff(collector, signed): Staff) -> Result<Response, AppError> {
    signed.access.may(Permission::ManageDevices)?;
    let store = collector.store.clone();
    let rows = blocking(move || Ok(store.devices()?)).await?;
    let devices = rows
        .into_iter()
        .filter(|device| signed.access.reaches(device.unit.as_deref()))
        .map(|device| wire::city::DeviceListed {
            name: device.name,
            unit: device.unit,
            counter: device.counter,
            survey_id: device.survey_id,
            version: device.config_version,
            added_at: device.added_at,
            revoked_at: device.revoked_at,
            responses: device.responses,
            last_received_at: device.last_received_at,
        })
        .collect();
    Ok(Json(wire::city::Devices { format: wire::city::ADMIN_FORMAT, devices }).into_response())
}
