//! The staff workspace: a period's figures, exports, imports from other kiosks and wards,
//! certified periods, the published page, backups.
//!
//! Built like the kiosk: one [`WorkspaceState`] changed only by [`WorkspaceAction`]s in a
//! reducer, which is pure and tested natively. Callbacks only dispatch. What must touch the
//! world (every write to the store, every download, every read of a file) the reducer asks for
//! as a [`Job`]; the component's effect carries jobs out and dispatches what came of them, and
//! a job that changed the store makes the workspace read it again.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;

use survey::definition::catalog::Catalog;
use survey::definition::model::Survey;
use survey::results::certify::{self, Certificate};
use survey::results::denominator::{Dossiers, read_dossiers};
use survey::results::period::Period;
use survey::results::tally::{GroupBy, Tally};
use yew::prelude::*;

use crate::platform::storage::{
    CERTIFICATE_PREFIX, DOSSIERS_PREFIX, SharedStore, StorageError, StorageReport, TALLY_PREFIX,
};
use crate::platform::{clock, download};
use crate::settings::KioskSettings;
use crate::staff::figures::{Data, Figures, View, certificate_key, figures};
use crate::staff::files::{self, FileReport, StoredTally};
use crate::staff::prefs::{Section, StaffPrefs};
use crate::ui::notice::Notice;

/// The word typed to confirm clearing.
pub const CONFIRM_WORD: &str = "XOA";

/// The parts of the workspace that say what became of an action, each under its own heading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Certify,
    Dossiers,
    Exports,
    Publish,
    Backup,
}

/// Something that touches the world, asked for by the reducer and carried out by the
/// component's effect.
#[derive(Clone, Debug, PartialEq)]
pub enum Job {
    /// Store a setting (a certificate, a period's dossiers); `done` is said when it is stored.
    PutSetting { part: Part, key: String, json: String, done: Option<String> },
    /// Save a file on the staff member's computer; `carries` are the response ids in it.
    Download { part: Part, name: String, mime: &'static str, bytes: Rc<Vec<u8>>, carries: Vec<String> },
    /// Save the whole store as a backup file.
    Backup { made_at: String },
    /// Delete every response on this device.
    ClearResponses,
    /// Read and import files, one after another.
    Import(Vec<web_sys::File>),
}

impl Job {
    fn part(&self) -> Option<Part> {
        match self {
            Job::PutSetting { part, .. } | Job::Download { part, .. } => Some(*part),
            Job::Backup { .. } | Job::ClearResponses => Some(Part::Backup),
            Job::Import(_) => None,
        }
    }
}

/// What the store held when it was last read.
#[derive(Clone)]
pub enum Loaded {
    Loading,
    Ready(Data),
    Failed(String),
}

#[derive(Clone)]
pub struct WorkspaceState {
    pub survey: Arc<Survey>,
    pub loaded: Loaded,
    /// Counts the reads of the store: one more after each job that changed it.
    pub generation: u32,
    pub view: View,
    /// Whether days of the staff member's choosing are being set instead of a named period.
    pub custom: bool,
    /// Response ids saved to a file in this session (exported or backed up): clearing needs all.
    pub saved: Rc<BTreeSet<String>>,
    pub storage: Option<Result<StorageReport, String>>,
    /// Jobs asked for and not yet done, numbered in the order asked.
    pub jobs: Vec<(u32, Job)>,
    pub jobs_asked: u32,
    pub notices: BTreeMap<Part, Notice>,
    /// Certifying is two steps: `Some(early)` while the counts to be locked are shown for
    /// confirmation, with whether the staff member ticked that they certify early.
    pub confirming: Option<bool>,
    /// The file being imported and how far it is.
    pub importing: Option<(String, f64)>,
    pub reports: Vec<FileReport>,
    /// The figures of the view, counted once per change of the data or the view.
    pub figures: Option<Rc<Figures>>,
}

pub enum WorkspaceAction {
    Loaded(Result<Data, String>),
    Storage(Result<StorageReport, String>),
    ChangeView {
        view: View,
        custom: bool,
    },
    AskToCertify,
    Early(bool),
    CancelCertify,
    /// Certify the view's period, stamped `now` (Vietnam time).
    Certify {
        now: String,
    },
    SaveDossiers {
        period: Period,
        text: String,
    },
    Download {
        part: Part,
        name: String,
        mime: &'static str,
        bytes: Vec<u8>,
        carries: Vec<String>,
    },
    Problem(Part, String),
    Backup {
        made_at: String,
    },
    Clear {
        typed: String,
    },
    Import(Vec<web_sys::File>),
    Importing(String, f64),
    Imported(FileReport),
    /// A job is over: what to say (`Ok(None)`: nothing), the response ids now saved in a file,
    /// and whether the store changed.
    Done {
        job: u32,
        said: Result<Option<String>, String>,
        saved: Vec<String>,
        changed: bool,
    },
}

impl WorkspaceState {
    pub fn new(survey: Arc<Survey>, view: View, custom: bool) -> WorkspaceState {
        WorkspaceState {
            survey,
            loaded: Loaded::Loading,
            generation: 0,
            view,
            custom,
            saved: Rc::default(),
            storage: None,
            jobs: Vec::new(),
            jobs_asked: 0,
            notices: BTreeMap::new(),
            confirming: None,
            importing: None,
            reports: Vec::new(),
            figures: None,
        }
    }

    pub fn data(&self) -> Option<&Data> {
        match &self.loaded {
            Loaded::Ready(data) => Some(data),
            _ => None,
        }
    }

    fn ask(&mut self, job: Job) {
        self.jobs_asked += 1;
        self.jobs.push((self.jobs_asked, job));
    }

    fn say(&mut self, part: Part, notice: Option<Notice>) {
        match notice {
            Some(notice) => self.notices.insert(part, notice),
            None => self.notices.remove(&part),
        };
    }

    fn recount(&mut self) {
        self.figures = self.data().map(|data| Rc::new(figures(&self.survey, data, &self.view)));
    }

    fn certify(&mut self, now: String) {
        let (Some(data), Some(early)) = (self.data(), self.confirming) else { return };
        let catalog = Catalog::new([(*self.survey).clone()]);
        let period = self.view.period;
        let survey = &self.survey;
        match certify::certify(&catalog, survey.id(), survey.version(), period, data.records.iter(), now, early) {
            Ok(certificate) => {
                let key = certificate_key(survey, period);
                self.ask(Job::PutSetting { part: Part::Certify, key, json: certificate.to_json(), done: None });
            }
            Err(certify::CertifyError::NotEnded { last_day }) => self.say(
                Part::Certify,
                Some(Notice::Problem(format!(
                    "Kỳ này đến hết ngày {last_day} mới kết thúc: chốt sau ngày đó, hoặc đánh dấu chốt sớm. / The period runs until {last_day}: certify it afterwards, or tick that you certify early."
                ))),
            ),
            Err(err) => self.say(Part::Certify, Some(Notice::Problem(err.to_string()))),
        }
    }
}

/// Compared by identity: every action makes a new state, so a section re-renders when anything
/// in the workspace changed, and the (large) data is never compared field by field.
impl PartialEq for WorkspaceState {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Reducible for WorkspaceState {
    type Action = WorkspaceAction;

    fn reduce(self: Rc<Self>, action: WorkspaceAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            WorkspaceAction::Loaded(Ok(data)) => {
                next.loaded = Loaded::Ready(data);
                next.recount();
            }
            WorkspaceAction::Loaded(Err(reason)) => {
                next.loaded = Loaded::Failed(reason);
                next.figures = None;
            }
            WorkspaceAction::Storage(report) => next.storage = Some(report),
            WorkspaceAction::ChangeView { view, custom } => {
                next.custom = custom;
                if view != next.view {
                    next.view = view;
                    next.confirming = None;
                    next.recount();
                }
            }
            WorkspaceAction::AskToCertify => {
                next.say(Part::Certify, None);
                next.confirming = Some(false);
            }
            WorkspaceAction::Early(early) => next.confirming = next.confirming.map(|_| early),
            WorkspaceAction::CancelCertify => next.confirming = None,
            WorkspaceAction::Certify { now } => next.certify(now),
            WorkspaceAction::SaveDossiers { period, text } => match read_dossiers(text.as_bytes()) {
                Ok(dossiers) => {
                    let done = format!("Đã lưu: {} hồ sơ. / Saved.", dossiers.values().sum::<u64>());
                    next.ask(Job::PutSetting {
                        part: Part::Dossiers,
                        key: format!("{DOSSIERS_PREFIX}{}", period.code()),
                        json: serde_json::to_string(&dossiers).unwrap_or_default(),
                        done: Some(done),
                    });
                }
                Err(err) => next.say(Part::Dossiers, Some(Notice::Problem(format!("Số hồ sơ / Dossiers: {err}")))),
            },
            WorkspaceAction::Download { part, name, mime, bytes, carries } => {
                next.ask(Job::Download { part, name, mime, bytes: Rc::new(bytes), carries })
            }
            WorkspaceAction::Problem(part, reason) => next.say(part, Some(Notice::Problem(reason))),
            WorkspaceAction::Backup { made_at } => next.ask(Job::Backup { made_at }),
            WorkspaceAction::Clear { typed } if typed.trim() == CONFIRM_WORD => next.ask(Job::ClearResponses),
            WorkspaceAction::Clear { .. } => next.say(
                Part::Backup,
                Some(Notice::Problem(format!("Gõ đúng {CONFIRM_WORD} để xác nhận. / Type {CONFIRM_WORD} to confirm."))),
            ),
            WorkspaceAction::Import(files) if files.is_empty() => return self,
            WorkspaceAction::Import(files) => {
                next.reports.clear();
                next.ask(Job::Import(files));
            }
            WorkspaceAction::Importing(name, share) => next.importing = Some((name, share)),
            WorkspaceAction::Imported(report) => next.reports.push(report),
            WorkspaceAction::Done { job, said, saved, changed } => {
                let part = next.jobs.iter().find(|(number, _)| *number == job).and_then(|(_, job)| job.part());
                next.jobs.retain(|(number, _)| *number != job);
                if let Some(part) = part {
                    let succeeded = said.is_ok();
                    next.say(
                        part,
                        said.map_or_else(|reason| Some(Notice::Problem(reason)), |text| text.map(Notice::Done)),
                    );
                    if part == Part::Certify && succeeded {
                        next.confirming = None;
                    }
                }
                if part.is_none() {
                    next.importing = None;
                }
                if !saved.is_empty() {
                    let mut all = (*next.saved).clone();
                    all.extend(saved);
                    next.saved = Rc::new(all);
                }
                if changed {
                    next.generation += 1;
                }
            }
        }
        Rc::new(next)
    }
}

/// Reads everything the workspace shows from the store.
async fn load(store: &SharedStore) -> Result<Data, String> {
    let fail = |err: StorageError| err.to_string();
    let mut data = Data::default();
    let mut records = Vec::new();
    let mut unreadable = Vec::new();
    for result in store.0.responses().await.map_err(fail)? {
        match result {
            Ok(record) => records.push(record),
            Err(err) => unreadable.push(err.to_string()),
        }
    }
    data.records = Rc::new(records);
    data.unreadable = Rc::new(unreadable);
    data.device_id = store.0.device_id().await.map_err(fail)?;
    let mut damaged = Vec::new();
    let mut tallies = Vec::new();
    for (key, json) in store.0.settings_with_prefix(TALLY_PREFIX).await.map_err(fail)? {
        match serde_json::from_str::<StoredTally>(&json).map_err(|err| err.to_string()).and_then(|stored| {
            Tally::read_csv(stored.csv.as_bytes()).map(|tally| (stored, tally)).map_err(|err| err.to_string())
        }) {
            Ok(pair) => tallies.push(pair),
            Err(err) => damaged.push(format!("{key}: {err}")),
        }
    }
    data.tallies = Rc::new(tallies);
    let mut certificates = BTreeMap::new();
    for (key, json) in store.0.settings_with_prefix(CERTIFICATE_PREFIX).await.map_err(fail)? {
        match Certificate::from_json(&json) {
            Ok(certificate) => {
                certificates.insert(key, certificate);
            }
            Err(err) => damaged.push(format!("{key}: {err}")),
        }
    }
    data.certificates = Rc::new(certificates);
    let mut dossiers = BTreeMap::new();
    for (key, json) in store.0.settings_with_prefix(DOSSIERS_PREFIX).await.map_err(fail)? {
        match serde_json::from_str::<Dossiers>(&json) {
            Ok(map) => {
                dossiers.insert(key[DOSSIERS_PREFIX.len()..].to_owned(), map);
            }
            Err(err) => damaged.push(format!("{key}: {err}")),
        }
    }
    data.dossiers = Rc::new(dossiers);
    data.damaged = Rc::new(damaged);
    Ok(data)
}

/// Carries out one job and dispatches what came of it.
async fn carry_out(store: SharedStore, number: u32, job: Job, dispatcher: UseReducerDispatcher<WorkspaceState>) {
    let done = |said: Result<Option<String>, String>, saved: Vec<String>, changed: bool| {
        dispatcher.dispatch(WorkspaceAction::Done { job: number, said, saved, changed })
    };
    match job {
        Job::PutSetting { key, json, done: text, .. } => match store.0.put_setting(&key, &json).await {
            Ok(()) => done(Ok(text), Vec::new(), true),
            Err(err) => done(Err(err.to_string()), Vec::new(), false),
        },
        Job::Download { name, mime, bytes, carries, .. } => match download::save(&name, mime, &bytes) {
            Ok(()) => done(Ok(Some(format!("Đã tải / Downloaded: {name}"))), carries, false),
            Err(err) => done(Err(format!("Không tải được tệp / The download failed: {err}")), Vec::new(), false),
        },
        Job::Backup { made_at } => match files::backup(&store, made_at).await {
            Ok((backup, ids)) => {
                let day = backup.made_at.get(..10).unwrap_or_default().to_owned();
                let name = format!("hailong-sao-luu-{day}-{}.json", &backup.device_id[..8.min(backup.device_id.len())]);
                match download::save(&name, "application/json", backup.to_json().as_bytes()) {
                    Ok(()) => {
                        let said = format!("Đã tải tệp sao lưu / Backup downloaded: {name} ({} phiếu)", ids.len());
                        done(Ok(Some(said)), ids, false)
                    }
                    Err(err) => done(Err(err), Vec::new(), false),
                }
            }
            Err(err) => done(Err(err), Vec::new(), false),
        },
        Job::ClearResponses => match store.0.clear_responses().await {
            Ok(()) => {
                let said = "Đã xóa các phiếu trên thiết bị. / The responses on this device are cleared.";
                done(Ok(Some(said.into())), Vec::new(), true)
            }
            Err(err) => done(Err(err.to_string()), Vec::new(), false),
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
            done(Ok(None), Vec::new(), true)
        }
    }
}

/// Today in Vietnam.
pub fn today() -> time::Date {
    survey::vn_time::format_vietnam(clock::now_millis())
        .ok()
        .and_then(|stamp| survey::results::period::parse_day(&stamp[..10]))
        .unwrap_or(time::Date::MIN)
}

/// Now in Vietnam, as records and certificates write it.
pub fn now_stamp() -> String {
    survey::vn_time::format_vietnam(clock::now_millis()).unwrap_or_default()
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
}

/// The workspace's state as its sections take it: compared by identity.
pub type Workspace = UseReducerHandle<WorkspaceState>;

/// What a section of the workspace takes: the workspace, to read and to dispatch to.
#[derive(Properties, PartialEq)]
pub struct SectionProps {
    pub workspace: Workspace,
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
        // The store is read at the start and again after every job that changed it.
        let (dispatcher, store) = (state.dispatcher(), props.store.clone());
        use_effect_with(state.generation, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
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
            let controls = matches!(section, Section::Results | Section::Exports | Section::Certify).then(|| {
                let dispatcher = state.dispatcher();
                html! {
                    <crate::staff::view_controls::ViewControls view={state.view.clone()} recent={(*recent).clone()}
                        custom={state.custom}
                        on_change={Callback::from(move |(view, custom): (View, bool)| dispatcher.dispatch(WorkspaceAction::ChangeView { view, custom }))} />
                }
            });
            let content = match section {
                Section::Results => crate::staff::results::results(&state.survey, data, &state.view, &figures),
                Section::Exports => html! {
                    <crate::staff::exports::Exports workspace={state.clone()} profile={prefs.profile()} {on_profile} />
                },
                Section::Imports => html! { <crate::staff::imports::Imports workspace={state.clone()} /> },
                Section::Certify => html! {
                    <>
                        <crate::staff::certification::Certification workspace={state.clone()} />
                        <crate::staff::denominators::Denominators workspace={state.clone()} />
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

#[cfg(test)]
mod tests {
    use super::*;
    use survey::records::record::ResponseRecord;

    fn record(id: u32, day: &str) -> ResponseRecord {
        let mut record: ResponseRecord = serde_json::from_value(serde_json::json!({
            "format": 1, "response_id": format!("00000000-0000-4000-8000-{id:012}"),
            "survey_id": "danh-gia-tai-quay", "survey_version": "2026.1",
            "submitted_at": format!("{day}T09:00:00+07:00"), "channel": "kiosk", "partial": false,
            "device_id": "may-1", "answers": {}
        }))
        .unwrap();
        record.answers.insert("muc-do-hai-long".into(), survey::definition::answer::Answer::Choice("hai-long".into()));
        record
    }

    fn ready(records: Vec<ResponseRecord>) -> Rc<WorkspaceState> {
        let survey = Arc::new(survey_defs::by_id("danh-gia-tai-quay").unwrap());
        let view = View {
            period: Period::parse("2026-Q4").unwrap(),
            by: GroupBy::default(),
            include_misuse: false,
            own_only: false,
        };
        let data = Data { records: Rc::new(records), device_id: "may-1".into(), ..Data::default() };
        Rc::new(WorkspaceState::new(survey, view, false)).reduce(WorkspaceAction::Loaded(Ok(data)))
    }

    #[test]
    fn the_figures_follow_the_data_and_the_view() {
        let state = ready(vec![record(1, "2026-11-23"), record(2, "2026-07-01")]);
        assert_eq!(state.figures.as_ref().unwrap().totals.responses, 1);
        let view = View { period: Period::parse("2026").unwrap(), ..state.view.clone() };
        let year = state.reduce(WorkspaceAction::ChangeView { view, custom: false });
        assert_eq!(year.figures.as_ref().unwrap().totals.responses, 2);
    }

    #[test]
    fn certifying_asks_to_store_the_certificate_and_waits_for_it() {
        let state = ready(vec![record(1, "2026-11-23")]);
        let not_asked = state.clone().reduce(WorkspaceAction::Certify { now: "2027-01-05T08:00:00+07:00".into() });
        assert!(not_asked.jobs.is_empty(), "certifying is confirmed first");
        let asked = state.reduce(WorkspaceAction::AskToCertify);
        let early = asked.clone().reduce(WorkspaceAction::Certify { now: "2026-12-01T08:00:00+07:00".into() });
        assert!(early.jobs.is_empty(), "the quarter has not ended");
        assert!(
            matches!(early.notices.get(&Part::Certify), Some(Notice::Problem(text)) if text.contains("2026-12-31"))
        );
        let certifying = asked.reduce(WorkspaceAction::Certify { now: "2027-01-05T08:00:00+07:00".into() });
        let [(number, Job::PutSetting { part: Part::Certify, key, json, .. })] = certifying.jobs.as_slice() else {
            panic!("one job to store the certificate")
        };
        assert_eq!(key, "certificate:danh-gia-tai-quay:2026.1:2026-Q4");
        assert_eq!(Certificate::from_json(json).unwrap().responses.len(), 1);
        assert_eq!(certifying.confirming, Some(false), "still confirming until it is stored");
        let stored = certifying.clone().reduce(WorkspaceAction::Done {
            job: *number,
            said: Ok(None),
            saved: Vec::new(),
            changed: true,
        });
        assert!(stored.jobs.is_empty() && stored.confirming.is_none());
        assert_eq!(stored.generation, certifying.generation + 1, "the store is read again");
    }

    #[test]
    fn clearing_needs_the_word_and_saving_dossiers_needs_a_readable_list() {
        let state = ready(Vec::new());
        let wrong = state.clone().reduce(WorkspaceAction::Clear { typed: "xoa".into() });
        assert!(wrong.jobs.is_empty());
        assert!(matches!(wrong.notices.get(&Part::Backup), Some(Notice::Problem(_))));
        let right = state.clone().reduce(WorkspaceAction::Clear { typed: " XOA ".into() });
        assert!(matches!(right.jobs.as_slice(), [(_, Job::ClearResponses)]));
        let q4 = Period::parse("2026-Q4").unwrap();
        let bad = state
            .clone()
            .reduce(WorkspaceAction::SaveDossiers { period: q4, text: "field,dossiers\nho-tich,nhieu\n".into() });
        assert!(bad.jobs.is_empty() && bad.notices.contains_key(&Part::Dossiers));
        let good =
            state.reduce(WorkspaceAction::SaveDossiers { period: q4, text: "field,dossiers\nho-tich,120\n".into() });
        let [(_, Job::PutSetting { key, done, .. })] = good.jobs.as_slice() else { panic!("one job") };
        assert_eq!((key.as_str(), done.as_deref()), ("dossiers:2026-Q4", Some("Đã lưu: 120 hồ sơ. / Saved.")));
    }

    #[test]
    fn a_failed_download_says_why_and_saves_nothing() {
        let state = ready(vec![record(1, "2026-11-23")]).reduce(WorkspaceAction::Download {
            part: Part::Exports,
            name: "a.csv".into(),
            mime: "text/csv",
            bytes: Vec::new(),
            carries: vec!["x".into()],
        });
        let number = state.jobs[0].0;
        let failed = state.clone().reduce(WorkspaceAction::Done {
            job: number,
            said: Err("no".into()),
            saved: Vec::new(),
            changed: false,
        });
        assert!(failed.saved.is_empty() && matches!(failed.notices.get(&Part::Exports), Some(Notice::Problem(_))));
        let saved = state.reduce(WorkspaceAction::Done {
            job: number,
            said: Ok(Some("ok".into())),
            saved: vec!["x".into()],
            changed: false,
        });
        assert!(saved.saved.contains("x") && saved.jobs.is_empty());
    }
}
