//! The city's administration over HTTP: units and their counters, accounts, kiosks, the audit
//! log, and the figures of an account's subtree for the server's workspace.
//!
//! Every handler signs the request in ([`crate::http::session::signed_in`]) and asks its
//! [`crate::http::access::Access`] before it reads or changes anything; every change is written with
//! its audit entry in one transaction by `storage`.

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use wire::city::{CounterNames, NewAccount, NewUnit, ProfileQuery, UnitEdit, UnitName};
use wire::exports::TallyQuery;
use wire::session::{Permission, Role};

use crate::http::error::AppError;
use crate::http::extract::{JsonBody, blocking};
use crate::http::session::{Signed, Staff};
use crate::storage::units::{Claim, NamedCode, UnitChange, UnitRow};

// What each request body of this file is, for its refusal.
named! {
    NewUnit => "a unit",
    UnitEdit => "a change of a unit",
    CounterNames => "a counter's names",
    NewAccount => "an account",
}

/// Of the server's named codes: the counters of the units in reach, and every field.
fn named_in_reach(signed: &Signed, named: &[NamedCode]) -> (Vec<wire::city::NamedCode>, Vec<wire::city::NamedCode>) {
    let wire = |named: &NamedCode| wire::city::NamedCode {
        unit: named.unit.clone(),
        code: named.code.clone(),
        name_vi: named.name_vi.clone(),
        name_en: named.name_en.clone(),
    };
    let counters = named
        .iter()
        .filter(|named| named.unit.as_ref().is_some_and(|unit| signed.access.reaches(Some(unit))))
        .map(wire)
        .collect();
    (counters, named.iter().filter(|named| named.unit.is_none()).map(wire).collect())
}

/// `GET /api/v1/units`: the units, counters and fields the account reaches, with their names;
/// for a whole-server account also the unit codes responses name that have no unit yet.
pub async fn units(Staff(collector, signed): Staff) -> Result<Response, AppError> {
    signed.access.may(Permission::ReadFigures)?;
    let store = collector.store.clone();
    let whole = signed.access.scope().is_none();
    let (named, unnamed) = blocking(move || {
        let unnamed = if whole { store.unnamed_units()? } else { Vec::new() };
        Ok((store.named_codes()?, unnamed))
    })
    .await?;
    let (counters, fields) = named_in_reach(&signed, &named);
    Ok(Json(wire::city::Units {
        format: wire::city::ADMIN_FORMAT,
        units: units_in_reach(&signed),
        counters,
        fields,
        unnamed: unnamed.into_iter().map(|(code, responses)| wire::city::Unnamed { code, responses }).collect(),
    })
    .into_response())
}

/// A unit as the wire names it.
fn unit_name(unit: &UnitRow) -> UnitName {
    UnitName {
        code: unit.code.clone(),
        parent: unit.parent.clone(),
        name_vi: unit.name_vi.clone(),
        name_en: unit.name_en.clone(),
    }
}

/// The units the account reaches.
fn units_in_reach(signed: &Signed) -> Vec<UnitName> {
    signed.units.iter().filter(|unit| signed.access.reaches(Some(&unit.code))).map(unit_name).collect()
}

/// What a refusal to make something named says to an account that does not reach the whole
/// server: the same words whether the name is taken in its reach, taken in another ward's, or
/// was used before, so no other ward's units, accounts or kiosks are learnt from it.
pub(crate) fn name_taken(signed: &Signed, what: &str, name: &str) -> impl FnOnce(AppError) -> AppError + use<> {
    let scoped = signed.access.scope().is_some();
    let said = format!(
        "the {what} `{}` cannot be used: it is taken, or was used before on this server; choose another (an administrator of the whole server can give a used one); nothing was changed",
        survey::text::short(name)
    );
    move |err: AppError| {
        if scoped && err.status == StatusCode::CONFLICT { AppError::new(StatusCode::CONFLICT, said) } else { err }
    }
}

/// `POST /api/v1/units`: a new unit under one the account manages (at the top: whole-server
/// administrators only). A code that stored rows carry already (responses of kiosks made before
/// units were data, a removed unit's code) is given only by an administrator of the whole
/// server with `"take_over": true`; without it the 409 says what the code carries.
pub async fn add_unit(Staff(collector, signed): Staff, JsonBody(new): JsonBody<NewUnit>) -> Result<Response, AppError> {
    signed.access.may_on(Permission::ManageUnits, new.parent.as_deref())?;
    let store = collector.store.clone();
    // Only an account of the whole server may take a used code over (`may_on` checked the role).
    let claim = if new.take_over && signed.access.scope().is_none() { Claim::Take } else { Claim::Refuse };
    let taken = name_taken(&signed, "unit code", &new.code);
    let unit = UnitRow { code: new.code, parent: new.parent, name_vi: new.name_vi, name_en: new.name_en };
    let actor = signed.actor.clone();
    let (unit, took) = blocking(move || Ok(store.add_unit(&unit, claim, &actor)?)).await.map_err(taken)?;
    let took_over = took.into_iter().collect();
    Ok((StatusCode::CREATED, Json(wire::city::AddedUnit { unit: unit_name(&unit), took_over })).into_response())
}

/// Reads `"parent"` as absent (no move), `null` (to the top) or a code.
fn double_option(value: Option<serde_json::Value>, field: &str) -> Result<Option<Option<String>>, AppError> {
    match value {
        None => Ok(None),
        Some(serde_json::Value::Null) => Ok(Some(None)),
        Some(serde_json::Value::String(text)) => Ok(Some(Some(text))),
        Some(_) => Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("{field}: give a code, or null"))),
    }
}

/// `PATCH /api/v1/units/<code>`: renames or moves a unit. An account cannot move its own unit
/// (it would leave or widen its own reach).
pub async fn change_unit(
    Staff(collector, signed): Staff,
    Path(code): Path<String>,
    JsonBody(edit): JsonBody<UnitEdit>,
) -> Result<Response, AppError> {
    signed.access.may_on(Permission::ManageUnits, Some(&code))?;
    let change = UnitChange {
        name_vi: edit.name_vi,
        name_en: double_option(edit.name_en, "name_en")?,
        parent: double_option(edit.parent, "parent")?,
    };
    if let Some(parent) = &change.parent {
        signed.access.may_on(Permission::ManageUnits, parent.as_deref())?;
        if signed.access.account.unit.as_deref() == Some(code.as_str()) {
            return Err(AppError::new(
                StatusCode::FORBIDDEN,
                "an account cannot move its own unit; nothing was changed",
            ));
        }
    }
    let store = collector.store.clone();
    blocking(move || Ok(store.change_unit(&code, &change, &signed.actor)?)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /api/v1/units/<code>`: removes a unit nothing depends on.
pub async fn remove_unit(Staff(collector, signed): Staff, Path(code): Path<String>) -> Result<Response, AppError> {
    signed.access.may_on(Permission::ManageUnits, Some(&code))?;
    if signed.access.account.unit.as_deref() == Some(code.as_str()) {
        return Err(AppError::new(StatusCode::FORBIDDEN, "an account cannot remove its own unit; nothing was changed"));
    }
    let store = collector.store.clone();
    blocking(move || Ok(store.remove_unit(&code, &signed.actor)?)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PUT /api/v1/units/<unit>/counters/<code>`: names (or renames) a counter of a unit.
pub async fn name_counter(
    Staff(collector, signed): Staff,
    Path((unit, code)): Path<(String, String)>,
    JsonBody(names): JsonBody<CounterNames>,
) -> Result<Response, AppError> {
    signed.access.may_on(Permission::ManageUnits, Some(&unit))?;
    let named = NamedCode { unit: Some(unit), code, name_vi: names.name_vi, name_en: names.name_en };
    let store = collector.store.clone();
    let named = blocking(move || Ok(store.name_code(&named, &signed.actor)?)).await?;
    Ok(Json(named).into_response())
}

/// `DELETE /api/v1/units/<unit>/counters/<code>`: a counter that holds no responses.
pub async fn remove_counter(
    Staff(collector, signed): Staff,
    Path((unit, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    signed.access.may_on(Permission::ManageUnits, Some(&unit))?;
    let store = collector.store.clone();
    blocking(move || Ok(store.remove_counter(&unit, &code, &signed.actor)?)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/accounts`: the accounts over units the administrator reaches.
pub async fn accounts(Staff(collector, signed): Staff) -> Result<Response, AppError> {
    signed.access.may(Permission::ManageAccounts)?;
    let store = collector.store.clone();
    let rows = blocking(move || Ok(store.users()?)).await?;
    let accounts = rows
        .into_iter()
        .filter(|row| signed.access.may_manage_account(row.unit.as_deref()).is_ok())
        .map(|row| wire::city::AccountListed { name: row.name, role: row.role, unit: row.unit, added_at: row.added_at })
        .collect();
    Ok(Json(wire::city::Accounts { format: wire::city::ADMIN_FORMAT, accounts }).into_response())
}

/// `POST /api/v1/accounts`: an account over a unit the administrator reaches.
pub async fn add_account(
    Staff(collector, signed): Staff,
    JsonBody(new): JsonBody<NewAccount>,
) -> Result<Response, AppError> {
    signed.access.may(Permission::ManageAccounts)?;
    let Some(role) = Role::parse(&new.role) else {
        return Err(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "role: use admin, leader, office or viewer"));
    };
    if role != Role::Admin && new.unit.is_none() {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unit: only an administrator may have the whole server",
        ));
    }
    signed.access.may_manage_account(new.unit.as_deref())?;
    let hash = crate::auth::hash_password(&new.password)
        .map_err(|err| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("password: {err}")))?;
    let store = collector.store.clone();
    let name = new.name.clone();
    let taken = name_taken(&signed, "account name", &new.name);
    blocking(move || Ok(store.add_user(&name, &hash, role, new.unit.as_deref(), &signed.actor)?))
        .await
        .map_err(taken)?;
    Ok((StatusCode::CREATED, Json(wire::city::AddedAccount { name: new.name, role })).into_response())
}

/// `DELETE /api/v1/accounts/<name>`: another account the administrator reaches.
pub async fn remove_account(Staff(collector, signed): Staff, Path(name): Path<String>) -> Result<Response, AppError> {
    signed.access.may(Permission::ManageAccounts)?;
    if name == signed.access.account.name {
        return Err(AppError::new(StatusCode::FORBIDDEN, "an account cannot remove itself; nothing was changed"));
    }
    let store = collector.store.clone();
    let found = {
        let name = name.clone();
        blocking(move || Ok(store.account(&name)?)).await?
    };
    // An account out of reach and one that does not exist are refused alike.
    let Some((account, _)) =
        found.filter(|(account, _)| signed.access.may_manage_account(account.unit.as_deref()).is_ok())
    else {
        return Err(crate::http::access::Forbidden::outside().into());
    };
    let store = collector.store.clone();
    blocking(move || Ok(store.remove_user(&account.name, &signed.actor)?)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/audit.csv`: the audit log, whole for a whole-server administrator, otherwise
/// the entries about the units the account reaches.
pub async fn audit_csv(
    Staff(collector, signed): Staff,
    Query(query): Query<ProfileQuery>,
) -> Result<Response, AppError> {
    signed.access.may(Permission::ReadAudit)?;
    let profile = crate::http::reading::parse_profile(query.profile.as_deref().unwrap_or("excel"))
        .map_err(|err| AppError::new(StatusCode::BAD_REQUEST, format!("profile: {err}")))?;
    let store = collector.store.clone();
    let scope = signed.access.scope().cloned();
    let rows = blocking(move || Ok(store.audit_rows(scope.as_ref())?)).await?;
    Ok(crate::http::reading::csv_response("audit.csv", crate::storage::audit::audit_csv(&rows, profile)))
}

/// `GET /api/v1/figures`: the tally of the responses the account reaches, as the core's tally
/// CSV (format in `docs/formats.md`) inside versioned JSON, with the names of its units, for
/// the server's workspace to compute indices from with the same core code as a device's.
pub async fn figures(Staff(collector, signed): Staff, Query(query): Query<TallyQuery>) -> Result<Response, AppError> {
    signed.access.may(Permission::ReadFigures)?;
    let (tally, _) = crate::http::reading::tally_of(&collector, &signed.access, &query).await?;
    let csv = String::from_utf8(tally.to_csv(survey::csv::write::CsvProfile::Rfc4180))
        .map_err(|_| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "the tally is not UTF-8"))?;
    let store = collector.store.clone();
    let (named, entered) = blocking(move || Ok((store.named_codes()?, store.dossiers()?))).await?;
    let (counters, fields) = named_in_reach(&signed, &named);
    // The dossiers received by the units in reach, summed per period and field.
    let periods: std::collections::BTreeSet<&str> = entered.iter().map(|row| row.period.as_str()).collect();
    let dossiers: std::collections::BTreeMap<String, _> = periods
        .into_iter()
        .filter_map(|period| {
            crate::http::reading::dossiers_in(&entered, period, signed.access.scope())
                .map(|fields| (period.to_owned(), fields))
        })
        .collect();
    // And per unit, so that a response rate divides only the responses of the units that
    // entered their dossiers (`survey::results::denominator::Received`).
    let dossiers_by_unit = dossiers
        .keys()
        .map(|period| (period.clone(), crate::http::reading::dossiers_by_unit(&entered, period, signed.access.scope())))
        .collect();
    let mut response = Json(wire::city::Figures {
        format: wire::city::ADMIN_FORMAT,
        account: signed.access.account.name.clone(),
        units: units_in_reach(&signed),
        counters,
        fields,
        dossiers,
        dossiers_by_unit,
        tally_csv: csv,
    })
    .into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(response)
}
