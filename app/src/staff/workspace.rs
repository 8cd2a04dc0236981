//! The staff workspace: a period's figures, exports, imports from other kiosks and wards,
//! certified periods, the published page, backups.
//!
//! Built like the kiosk: its state and reducer are in `crate::staff::state`; callbacks only
//! dispatch; this component's effects read the store, and carry out each [`Job`] the reducer
//! asks for, once and in order, dispatching what came of it. A job that changed the store
//! makes the workspace read it again.

use std::rc::Rc;
use std::sync::Arc;

use survey::definition::model::Survey;
use survey::results::certify::Certificate;
use survey::results::denominator::Dossiers;
use survey::results::entered::read_entered;
use survey::results::period::Period;
use survey::results::tally::{GroupBy, Tally};
use yew::prelude::*;

use crate::platform::download;
use crate::platform::storage::{
    CERTIFICATE_PREFIX, DOSSIERS_PREFIX, INDICATORS_PREFIX, SharedStore, StorageError, TALLY_PREFIX,
};
use crate::settings::KioskSettings;
use crate::staff::figures::{Data, View, passed};
use crate::staff::files::{self, FileReport, StoredTally};
use crate::staff::prefs::{Section, StaffPrefs};
use crate::staff::state::{Job, Loaded, PeriodFile, WorkspaceAction, WorkspaceState, Written, today};

/// Every value stored under `prefix`, read by `read` (given the rest of its key and the value),
/// with the rest of its key; one that cannot be read is listed in `damaged` with its key, and
/// stays stored.
async fn read_prefixed<T>(
    store: &SharedStore,
    prefix: &str,
    damaged: &mut Vec<String>,
    read: impl Fn(&str, &str) -> Result<T, String>,
) -> Result<Vec<(String, T)>, String> {
    let mut values = Vec::new();
    for (key, value) in store.0.settings_with_prefix(prefix).await.map_err(|err| err.to_string())? {
        let rest = &key[prefix.len()..];
        match read(rest, &value) {
            Ok(read) => values.push((rest.to_owned(), read)),
            Err(err) => damaged.push(format!("{key}: {err}")),
        }
    }
    Ok(values)
}

/// Reads everything the workspace shows from the store.
async fn load(store: &SharedStore) -> Result<Data, String> {
    let fail = |err: StorageError| err.to_string();
    let mut data = Data::default();
    // Every stored response passes the one gate before it is counted; one that cannot be read,
    // or that an older version stored past a weaker check, stays stored and is listed instead.
    let (records, left_out) = passed(store.0.responses().await.map_err(fail)?);
    data.records = Rc::new(records);
    data.left_out = Rc::new(left_out);
    data.device_id = store.0.device_id().await.map_err(fail)?;
    let mut damaged = Vec::new();
    let tallies = read_prefixed(store, TALLY_PREFIX, &mut damaged, |_, json| {
        let stored = serde_json::from_str::<StoredTally>(json).map_err(|err| err.to_string())?;
        Tally::read_csv(stored.csv.as_bytes()).map(|tally| (stored, tally)).map_err(|err| err.to_string())
    })
    .await?;
    data.tallies = Rc::new(tallies.into_iter().map(|(_, pair)| pair).collect());
    let certificates =
        read_prefixed(store, CERTIFICATE_PREFIX, &mut damaged, |_, json| Certificate::from_json(json)).await?;
    data.certificates = Rc::new(
        certificates
            .into_iter()
            .map(|(code, certificate)| (format!("{CERTIFICATE_PREFIX}{code}"), certificate))
            .collect(),
    );
    let dossiers = read_prefixed(store, DOSSIERS_PREFIX, &mut damaged, |_, json| {
        serde_json::from_str::<Dossiers>(json).map_err(|err| err.to_string())
    })
    .await?;
    data.dossiers = Rc::new(dossiers.into_iter().collect());
    let indicators = read_prefixed(store, INDICATORS_PREFIX, &mut damaged, |code, text| {
        read_entered(text.as_bytes(), Period::parse(code)).map_err(|err| err.to_string())
    })
    .await?;
    data.indicators = Rc::new(indicators.into_iter().collect());
    data.damaged = Rc::new(damaged);
    Ok(data)
}

/// Reads the figures of the signed-in account's units in `period` from the server; `Err(None)`
/// when the session has ended.
async fn load_server(session: &wire::session::Session, period: Period) -> Result<Data, Option<String>> {
    let figures = crate::platform::account::figures(session, period).await?;
    Ok(Data { dossiers: Rc::new(figures.dossiers.clone()), server: Some(Rc::new(figures)), ..Data::default() })
}

/// Carries out one job and dispatches what came of it.
async fn carry_out(store: SharedStore, number: u32, job: Job, dispatcher: UseReducerDispatcher<WorkspaceState>) {
    let done = |said: Result<Option<String>, String>, written: Option<Written>, changed: bool| {
        dispatcher.dispatch(WorkspaceAction::Done { job: number, said, written, changed })
    };
    match job {
        Job::PutSetting { key, json, done: text, .. } => match store.0.put_setting(&key, &json).await {
            Ok(()) => done(Ok(text), None, true),
            Err(err) => done(Err(err.to_string()), None, false),
        },
        Job::Download { name, mime, bytes, carries, .. } => match download::save(&name, mime, &bytes) {
            Ok(()) => {
                let said = if carries.is_empty() {
                    format!("Đã tải / Downloaded: {name}")
                } else {
                    format!(
                        "Đã gửi tệp {name} ({} phiếu) tới trình duyệt: kiểm tra tệp ở phần Sao lưu, xóa. / {name} handed to the browser: check it under Back up and clear.",
                        carries.len()
                    )
                };
                let written = (!carries.is_empty()).then(|| Written { file: name.clone(), ids: carries });
                done(Ok(Some(said)), written, false)
            }
            Err(err) => done(Err(format!("Không tải được tệp / The download failed: {err}")), None, false),
        },
        Job::Backup { made_at } => match files::backup(&store, made_at).await {
            Ok((backup, ids)) => {
                let day = backup.made_at.get(..10).unwrap_or_default().to_owned();
                let name = format!("hailong-sao-luu-{day}-{}.json", &backup.device_id[..8.min(backup.device_id.len())]);
                match download::save(&name, "application/json", backup.to_json().as_bytes()) {
                    Ok(()) => {
                        let said = format!(
                            "Đã gửi tệp sao lưu {name} ({} phiếu) tới trình duyệt. / Backup {name} handed to the browser.",
                            ids.len()
                        );
                        done(Ok(Some(said)), Some(Written { file: name, ids }), false)
                    }
                    Err(err) => done(Err(err), None, false),
                }
            }
            Err(err) => done(Err(err), None, false),
        },
        Job::ClearSaved(ids) => match store.0.delete_responses(&ids).await {
            Ok(deleted) => {
                let said = format!(
                    "Đã xóa {deleted} phiếu đã lưu vào tệp; các phiếu lưu sau đó vẫn được giữ. / {deleted} saved responses cleared; any stored since are kept."
                );
                done(Ok(Some(said)), None, true)
            }
            Err(err) => done(Err(err.to_string()), None, false),
        },
        Job::Import(picked) => {
            for file in picked {
                let name = file.name();
                dispatcher.dispatch(WorkspaceAction::Importing(name.clone(), 0.0));
                let report = match files::file_text(&file).await {
                    Ok(text) => {
                        let (dispatcher, name) = (dispatcher.clone(), name.clone());
                        let step =
                            move |share: f64| dispatcher.dispatch(WorkspaceAction::Importing(name.clone(), share));
                        files::import_file(&store, &file.name(), &text, &step).await
                    }
                    Err(reason) => FileReport::Failed { file: name, reason },
                };
                dispatcher.dispatch(WorkspaceAction::Imported(report));
            }
            done(Ok(None), None, true)
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct StaffProps {
    pub store: SharedStore,
    pub survey: Arc<Survey>,
    pub settings: KioskSettings,
    pub section: Section,
    /// What this staff member chose, this visit or last time, if it was kept.
    pub prefs: Option<StaffPrefs>,
    /// Where a new choice goes (the staff area keeps and stores it, one owner for all of it).
    pub on_prefs: Callback<StaffPrefs>,
    /// In the server's workspace: the signed-in session, whose figures are shown instead of
    /// this device's.
    #[prop_or_default]
    pub server: Option<wire::session::Session>,
    /// Told when the server says the session has ended.
    #[prop_or_default]
    pub on_session_ended: Callback<()>,
}

#[function_component(Staff)]
pub fn staff(props: &StaffProps) -> Html {
    let recent = use_memo((), |_| Period::recent(today()));
    let state = use_reducer(|| {
        let fallback = View {
            period: recent.first().copied().unwrap_or(Period { start: time::Date::MIN, end: time::Date::MIN }),
            by: GroupBy::default(),
            include_misuse: false,
            own_only: false,
        };
        let view = props.prefs.as_ref().map_or(fallback.clone(), |prefs| prefs.view(&fallback));
        let custom = !recent.contains(&view.period);
        WorkspaceState::new(props.survey.clone(), view, custom)
    });
    {
        // The store is read at the start and again after every job that changed it; the
        // server, for the period shown, again whenever another is chosen. Only the answer to
        // the latest request is shown: one for a period left meanwhile is dropped.
        let (dispatcher, store) = (state.dispatcher(), props.store.clone());
        let (server, ended) = (props.server.clone(), props.on_session_ended.clone());
        let latest = use_mut_ref(|| 0u32);
        let server_period = server.as_ref().map(|_| state.view.period);
        use_effect_with((state.generation, server_period), move |_| {
            *latest.borrow_mut() += 1;
            let asked = *latest.borrow();
            wasm_bindgen_futures::spawn_local(async move {
                if let (Some(session), Some(period)) = (server, server_period) {
                    let answer = load_server(&session, period).await;
                    if *latest.borrow() != asked {
                        return;
                    }
                    match answer {
                        Ok(data) => dispatcher.dispatch(WorkspaceAction::Loaded(Ok(data))),
                        Err(Some(reason)) => dispatcher.dispatch(WorkspaceAction::Loaded(Err(reason))),
                        Err(None) => ended.emit(()),
                    }
                    return;
                }
                dispatcher.dispatch(WorkspaceAction::Loaded(load(&store).await));
                let report = crate::platform::storage::persist_and_report().await;
                dispatcher.dispatch(WorkspaceAction::Storage(report));
            });
        });
    }
    {
        // Each job is carried out once, in the order asked.
        let started = use_mut_ref(|| 0u32);
        let (dispatcher, store, jobs) = (state.dispatcher(), props.store.clone(), state.jobs.clone());
        use_effect_with(state.jobs_asked, move |_| {
            for (number, job) in jobs {
                if number > *started.borrow() {
                    *started.borrow_mut() = number;
                    wasm_bindgen_futures::spawn_local(carry_out(store.clone(), number, job, dispatcher.clone()));
                }
            }
        });
    }
    let prefs = props.prefs.clone().unwrap_or_default();
    {
        // Remembered for the next visit whenever the view changes.
        let on_prefs = props.on_prefs.clone();
        use_effect_with((state.view.clone(), prefs.clone()), move |(view, kept)| {
            let next = kept.with_view(view);
            if next != *kept {
                on_prefs.emit(next);
            }
        });
    }
    let on_profile = {
        let (on_prefs, prefs) = (props.on_prefs.clone(), prefs.clone());
        Callback::from(move |profile: survey::csv::write::CsvProfile| {
            on_prefs.emit(StaffPrefs { profile: Some(profile.name().to_owned()), ..prefs.clone() })
        })
    };

    let section = props.section;
    let body = match (&state.loaded, state.figures.clone()) {
        (Loaded::Ready(data), Some(figures)) => {
            // The period and grouping apply to the results, the exports and certifying.
            let controls = matches!(section, Section::Results | Section::Comments | Section::Exports | Section::Certify).then(|| {
                let dispatcher = state.dispatcher();
                html! {
                    <crate::staff::view_controls::ViewControls view={state.view.clone()} recent={(*recent).clone()}
                        custom={state.custom} server_officers={props.server.as_ref().map(|session| session.account.may(wire::session::Permission::ReadOfficers))}
                        on_change={Callback::from(move |(view, custom): (View, bool)| dispatcher.dispatch(WorkspaceAction::ChangeView { view, custom }))} />
                }
            });
            let content = match section {
                Section::Results => html! {
                    <>
                        // A unit's leaders see its low ratings first, as they arrive.
                        if let Some(session) = props.server.as_ref().filter(|session| session.account.may(wire::session::Permission::ReadOfficers)) {
                            <crate::staff::followups::FollowUps session={session.clone()} period={state.view.period}
                                on_session_ended={props.on_session_ended.clone()} />
                        }
                        { crate::staff::results::results(&state.survey, data, &state.view, &figures) }
                    </>
                },
                Section::Comments => match &props.server {
                    Some(session) => html! {
                        <crate::staff::said::Comments session={session.clone()} period={state.view.period}
                            on_session_ended={props.on_session_ended.clone()} />
                    },
                    None => html! {},
                },
                Section::Exports => html! {
                    <crate::staff::exports::Exports workspace={state.clone()} profile={prefs.profile()} {on_profile} session={props.server.clone()} />
                },
                Section::Imports => html! { <crate::staff::imports::Imports workspace={state.clone()} /> },
                // On the server, the server counts, locks and checks each unit's period.
                Section::Certify if props.server.is_some() => match (&props.server, &data.server) {
                    (Some(session), Some(server)) => html! {
                        <crate::staff::certification::ServerCertification session={session.clone()} survey={state.survey.clone()}
                            period={state.view.period} units={server.units.clone()} on_session_ended={props.on_session_ended.clone()}
                            on_changed={let dispatcher = state.dispatcher(); Callback::from(move |()| dispatcher.dispatch(WorkspaceAction::Reload))} />
                    },
                    _ => html! {},
                },
                Section::Certify => html! {
                    <>
                        <crate::staff::certification::Certification workspace={state.clone()} />
                        <crate::staff::denominators::PeriodFiles workspace={state.clone()} kind={PeriodFile::Dossiers} />
                        // Thông tư 01's indicators belong to a survey scored by them (the per-dossier one).
                        if !state.survey.scoring().indicators.is_empty() {
                            <crate::staff::denominators::PeriodFiles workspace={state.clone()} kind={PeriodFile::Indicators} />
                        }
                        <crate::staff::publish::Publish workspace={state.clone()} settings={props.settings.clone()} />
                    </>
                },
                Section::Phones => html! {
                    <crate::staff::phone::PhoneCodes store={props.store.clone()} settings={props.settings.clone()} />
                },
                Section::Backup => html! { <crate::staff::backup::BackupAndClear workspace={state.clone()} /> },
                // The settings form is the staff area's own (it needs no figures).
                Section::Settings => html! {},
            };
            html! { <>{ for controls }{ content }</> }
        }
        (Loaded::Failed(reason), _) => html! {
            <p role="alert">{ format!("Không đọc được dữ liệu trên thiết bị / Could not read this device's data: {reason}") }</p>
        },
        _ => html! { <p>{ "Đang đọc dữ liệu… / Reading…" }</p> },
    };

    html! {
        <div class="workspace">
            { body }
            if section == Section::Results {
                { crate::staff::results::storage_line(&state.storage) }
            }
        </div>
    }
}
