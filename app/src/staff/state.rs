//! The staff workspace's state and its reducer, tested natively: one [`WorkspaceState`]
//! changed only by [`WorkspaceAction`]s. What must touch the world (every write to the store,
//! every download, every read of a file) the reducer asks for as a [`Job`], which the
//! workspace component carries out (`crate::staff::workspace`).

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;

use survey::definition::catalog::Catalog;
use survey::definition::model::Survey;
use survey::results::certify::{self};
use survey::results::denominator::read_dossiers;
use survey::results::entered::{read_entered, write_entered};
use survey::results::period::Period;
use yew::prelude::*;

use crate::platform::clock;
use crate::platform::storage::{DOSSIERS_PREFIX, INDICATORS_PREFIX, StorageReport};
use crate::staff::figures::{Data, Figures, View, certificate_key, figures};
use crate::staff::files::FileReport;
use crate::ui::notice::Notice;

/// The word typed to confirm clearing.
pub const CONFIRM_WORD: &str = "XOA";

/// The parts of the workspace that say what became of an action, each under its own heading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Certify,
    Dossiers,
    Indicators,
    Exports,
    Publish,
    Backup,
}

/// What staff enter for a period, each kept under its own key per period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodFile {
    /// Dossiers received, per field (`dossiers:<period>`, JSON).
    Dossiers,
    /// Thông tư 01 indicators from the agency's systems (`indicators:<period>`, the CSV).
    Indicators,
}

impl PeriodFile {
    pub fn part(self) -> Part {
        match self {
            PeriodFile::Dossiers => Part::Dossiers,
            PeriodFile::Indicators => Part::Indicators,
        }
    }

    pub fn prefix(self) -> &'static str {
        match self {
            PeriodFile::Dossiers => DOSSIERS_PREFIX,
            PeriodFile::Indicators => INDICATORS_PREFIX,
        }
    }

    fn name(self) -> &'static str {
        match self {
            PeriodFile::Dossiers => "Số hồ sơ / Dossiers",
            PeriodFile::Indicators => "Chỉ số / Indicators",
        }
    }
}

/// A file handed to the browser with the responses in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    pub file: String,
    pub ids: Vec<String>,
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
    /// Delete exactly these responses (those saved to a file and checked this session).
    ClearSaved(Vec<String>),
    /// Read and import files, one after another.
    Import(Vec<web_sys::File>),
}

impl Job {
    fn part(&self) -> Option<Part> {
        match self {
            Job::PutSetting { part, .. } | Job::Download { part, .. } => Some(*part),
            Job::Backup { .. } | Job::ClearSaved(_) => Some(Part::Backup),
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
    /// Response ids in a file of this session that staff checked they have (exported or backed
    /// up, then "I see the file"): clearing deletes these and only these.
    pub saved: Rc<BTreeSet<String>>,
    /// Files handed to the browser to download, not yet checked by staff: a download that was
    /// started may still fail, be blocked or go to an unknown folder, so it saves nothing yet.
    pub written: Rc<Vec<Written>>,
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
    /// What became of each file imported, shared between states: every progress step of an
    /// import makes a new state, and a report can list thousands of conflicting responses.
    pub reports: Rc<Vec<FileReport>>,
    /// The figures of the view, counted once per change of the data or the view.
    pub figures: Option<Rc<Figures>>,
}

pub enum WorkspaceAction {
    Loaded(Result<Data, String>),
    /// Read the data again: the server's changed.
    Reload,
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
    /// Save what staff entered for a period (dossiers received, or indicators).
    SavePeriodFile {
        kind: PeriodFile,
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
    /// Staff found the file in their downloads: its responses count as saved.
    Checked {
        file: String,
    },
    Import(Vec<web_sys::File>),
    Importing(String, f64),
    Imported(FileReport),
    /// A job is over: what to say (`Ok(None)`: nothing), the file handed to the browser with
    /// the responses in it, and whether the store changed.
    Done {
        job: u32,
        said: Result<Option<String>, String>,
        written: Option<Written>,
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
            written: Rc::default(),
            storage: None,
            jobs: Vec::new(),
            jobs_asked: 0,
            notices: BTreeMap::new(),
            confirming: None,
            importing: None,
            reports: Rc::default(),
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
            WorkspaceAction::Reload => next.generation += 1,
            WorkspaceAction::AskToCertify => {
                next.say(Part::Certify, None);
                next.confirming = Some(false);
            }
            WorkspaceAction::Early(early) => next.confirming = next.confirming.map(|_| early),
            WorkspaceAction::CancelCertify => next.confirming = None,
            WorkspaceAction::Certify { now } => next.certify(now),
            WorkspaceAction::SavePeriodFile { kind, period, text } => {
                let read = match kind {
                    PeriodFile::Dossiers => read_dossiers(text.as_bytes()).map(|dossiers| {
                        let done = format!("Đã lưu: {} hồ sơ. / Saved.", dossiers.values().sum::<u64>());
                        (serde_json::to_string(&dossiers).unwrap_or_default(), done)
                    }),
                    PeriodFile::Indicators => read_entered(text.as_bytes(), Some(period)).map(|entered| {
                        let done = format!("Đã lưu: {} dòng chỉ số. / Saved.", entered.len());
                        (write_entered(&entered), done)
                    }),
                };
                match read {
                    Ok((json, done)) => next.ask(Job::PutSetting {
                        part: kind.part(),
                        key: format!("{}{}", kind.prefix(), period.code()),
                        json,
                        done: Some(done),
                    }),
                    Err(err) => next.say(kind.part(), Some(Notice::Problem(format!("{}: {err}", kind.name())))),
                }
            }
            WorkspaceAction::Download { part, name, mime, bytes, carries } => {
                next.ask(Job::Download { part, name, mime, bytes: Rc::new(bytes), carries })
            }
            WorkspaceAction::Problem(part, reason) => next.say(part, Some(Notice::Problem(reason))),
            WorkspaceAction::Backup { made_at } => next.ask(Job::Backup { made_at }),
            WorkspaceAction::Clear { .. } if next.saved.is_empty() => next.say(
                Part::Backup,
                Some(Notice::Problem(
                    "Chưa có phiếu nào được lưu vào tệp và kiểm tra trong phiên này: không có gì để xóa. / No response is in a checked file yet: nothing to clear."
                        .into(),
                )),
            ),
            WorkspaceAction::Clear { typed } if typed.trim() == CONFIRM_WORD => {
                let ids = next.saved.iter().cloned().collect();
                next.ask(Job::ClearSaved(ids))
            }
            WorkspaceAction::Clear { .. } => next.say(
                Part::Backup,
                Some(Notice::Problem(format!("Gõ đúng {CONFIRM_WORD} để xác nhận. / Type {CONFIRM_WORD} to confirm."))),
            ),
            WorkspaceAction::Import(files) if files.is_empty() => return self,
            WorkspaceAction::Import(files) => {
                next.reports = Rc::default();
                next.ask(Job::Import(files));
            }
            WorkspaceAction::Importing(name, share) => next.importing = Some((name, share)),
            WorkspaceAction::Imported(report) => Rc::make_mut(&mut next.reports).push(report),
            WorkspaceAction::Checked { file } => {
                if let Some(at) = next.written.iter().position(|written| written.file == file) {
                    let written = Rc::make_mut(&mut next.written).remove(at);
                    Rc::make_mut(&mut next.saved).extend(written.ids);
                }
            }
            WorkspaceAction::Done { job, said, written, changed } => {
                let cleared = match next.jobs.iter().find(|(number, _)| *number == job) {
                    Some((_, Job::ClearSaved(ids))) if said.is_ok() => Some(ids.clone()),
                    _ => None,
                };
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
                if let Some(written) = written {
                    // The same file downloaded again replaces its earlier entry.
                    let list = Rc::make_mut(&mut next.written);
                    list.retain(|earlier| earlier.file != written.file);
                    list.push(written);
                }
                if let Some(ids) = cleared {
                    let saved = Rc::make_mut(&mut next.saved);
                    for id in ids {
                        saved.remove(&id);
                    }
                }
                if changed {
                    next.generation += 1;
                }
            }
        }
        Rc::new(next)
    }
}

/// The workspace's state as its sections take it: compared by identity.
pub type Workspace = UseReducerHandle<WorkspaceState>;

/// What a section of the workspace takes: the workspace, to read and to dispatch to.
#[derive(Properties, PartialEq)]
pub struct SectionProps {
    pub workspace: Workspace,
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

#[cfg(test)]
mod tests {
    use super::*;
    use survey::records::record::ResponseRecord;
    use survey::results::certify::Certificate;
    use survey::results::tally::GroupBy;

    /// A satisfied counter rating made on this device (`may-1`) on `day`.
    fn record(id: u32, day: &str) -> ResponseRecord {
        crate::staff::figures::tests::rating(id, day, "may-1", "hai-long", false, None)
    }

    fn ready(records: Vec<ResponseRecord>) -> Rc<WorkspaceState> {
        let survey = Arc::new(survey_defs::by_id("danh-gia-tai-quay").unwrap());
        let view = View {
            period: Period::parse("2026-Q4").unwrap(),
            by: GroupBy::default(),
            include_misuse: false,
            own_only: false,
        };
        let data = Data {
            records: Rc::new(crate::staff::figures::tests::checked(records)),
            device_id: "may-1".into(),
            ..Data::default()
        };
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
            written: None,
            changed: true,
        });
        assert!(stored.jobs.is_empty() && stored.confirming.is_none());
        assert_eq!(stored.generation, certifying.generation + 1, "the store is read again");
    }

    #[test]
    fn clearing_needs_the_word_and_saving_dossiers_needs_a_readable_list() {
        let state = ready(Vec::new());
        let nothing = state.clone().reduce(WorkspaceAction::Clear { typed: "XOA".into() });
        assert!(nothing.jobs.is_empty(), "nothing checked in a file: nothing to clear");
        let state = state.reduce(WorkspaceAction::Download {
            part: Part::Backup,
            name: "a.json".into(),
            mime: "application/json",
            bytes: Vec::new(),
            carries: vec!["x".into()],
        });
        let number = state.jobs[0].0;
        let written = Written { file: "a.json".into(), ids: vec!["x".into()] };
        let state = state
            .reduce(WorkspaceAction::Done { job: number, said: Ok(None), written: Some(written), changed: false })
            .reduce(WorkspaceAction::Checked { file: "a.json".into() });
        let wrong = state.clone().reduce(WorkspaceAction::Clear { typed: "xoa".into() });
        assert!(wrong.jobs.is_empty());
        assert!(matches!(wrong.notices.get(&Part::Backup), Some(Notice::Problem(_))));
        let right = state.clone().reduce(WorkspaceAction::Clear { typed: " XOA ".into() });
        let [(number, Job::ClearSaved(ids))] = right.jobs.as_slice() else { panic!("one job to clear") };
        assert_eq!(ids, &["x".to_string()], "exactly the checked ids");
        let cleared =
            right.clone().reduce(WorkspaceAction::Done { job: *number, said: Ok(None), written: None, changed: true });
        assert!(cleared.saved.is_empty(), "cleared ids are no longer saved ones");
        let q4 = Period::parse("2026-Q4").unwrap();
        let bad = state.clone().reduce(WorkspaceAction::SavePeriodFile {
            kind: PeriodFile::Dossiers,
            period: q4,
            text: "field,dossiers\nho-tich,nhieu\n".into(),
        });
        assert!(bad.jobs.is_empty() && bad.notices.contains_key(&Part::Dossiers));
        let good = state.reduce(WorkspaceAction::SavePeriodFile {
            kind: PeriodFile::Dossiers,
            period: q4,
            text: "field,dossiers\nho-tich,120\n".into(),
        });
        let [(_, Job::PutSetting { key, done, .. })] = good.jobs.as_slice() else { panic!("one job") };
        assert_eq!((key.as_str(), done.as_deref()), ("dossiers:2026-Q4", Some("Đã lưu: 120 hồ sơ. / Saved.")));
    }

    #[test]
    fn saving_indicators_needs_agency_indicators_within_their_points() {
        let state = ready(Vec::new());
        let q4 = Period::parse("2026-Q4").unwrap();
        let save = |text: &str| {
            state.clone().reduce(WorkspaceAction::SavePeriodFile {
                kind: PeriodFile::Indicators,
                period: q4,
                text: text.into(),
            })
        };
        let bad = save(
            "unit,staff,indicator,dossiers,points
,,7,40,60
",
        );
        assert!(bad.jobs.is_empty());
        let Some(Notice::Problem(why)) = bad.notices.get(&Part::Indicators) else { panic!("a problem is said") };
        assert!(
            why.starts_with("Chỉ số / Indicators: line 2, column `indicator`: indicator 7 comes from citizens"),
            "{why}"
        );
        let good = save(
            "unit;staff;indicator;dossiers;points
;;2;40;72
;;5;40;80
",
        );
        let [(_, Job::PutSetting { key, json, done, .. })] = good.jobs.as_slice() else { panic!("one job") };
        assert_eq!((key.as_str(), done.as_deref()), ("indicators:2026-Q4", Some("Đã lưu: 2 dòng chỉ số. / Saved.")));
        assert_eq!(
            json, "unit,staff,indicator,dossiers,points\n,,2,40,72\n,,5,40,80\n",
            "kept as the CSV the form shows"
        );
    }

    #[test]
    fn a_download_saves_nothing_until_staff_check_the_file() {
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
            written: None,
            changed: false,
        });
        assert!(failed.saved.is_empty() && matches!(failed.notices.get(&Part::Exports), Some(Notice::Problem(_))));
        let started = state.reduce(WorkspaceAction::Done {
            job: number,
            said: Ok(Some("ok".into())),
            written: Some(Written { file: "a.csv".into(), ids: vec!["x".into()] }),
            changed: false,
        });
        assert!(started.saved.is_empty() && started.jobs.is_empty(), "a started download is not a saved file");
        assert_eq!(started.written.len(), 1);
        let other = started.clone().reduce(WorkspaceAction::Checked { file: "b.csv".into() });
        assert!(other.saved.is_empty());
        let checked = started.reduce(WorkspaceAction::Checked { file: "a.csv".into() });
        assert!(checked.saved.contains("x") && checked.written.is_empty());
    }
}
