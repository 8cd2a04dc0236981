//! The staff workspace: a period's figures, exports, imports from other kiosks and wards,
//! certified periods, the published page, backups.
//!
//! Every figure comes from the `survey` core's tally and indices, the same code the CLI and
//! server use, so the numbers on screen, in every file and on the published page agree.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;

use survey::csv::write::{Cell, CsvProfile};
use survey::definition::catalog::Catalog;
use survey::reports::chart::bar_chart;
use survey::reports::comments::{COMMENT_COLUMNS, comment_rows};
use survey::reports::publish::{ResultsPage, overall_bars};
use survey::results::certify::{self, Certificate, Verification};
use survey::results::denominator::{Dossiers, read_dossiers, write_dossiers};
use survey::results::index::{DEFAULT_MIN_N, INDEX_COLUMNS, IndexRow, Scope, index_cells, indices};
use survey::results::period::{Period, parse_day};
use survey::results::tally::{GroupBy, GroupCounts, POINTS, Slot, Tally, TallyOptions};
use survey::results::tally_csv::TALLY_COLUMNS;
use survey::results::tally_csv::percent;
use survey::{definition::answer::Answer, definition::model::Survey, records::record::ResponseRecord, text::Lang};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::platform::storage::SharedStore;
use crate::settings::KioskSettings;
use crate::staff::files::{self, CERTIFICATE_PREFIX, DOSSIERS_PREFIX, FileReport, StoredTally, TALLY_PREFIX};
use crate::ui::notice::{Notice, notice_html};
use crate::{platform::clock, platform::download};

/// Everything the workspace reads from the store, read again after each change.
#[derive(Clone, Default)]
struct Data {
    records: Rc<Vec<ResponseRecord>>,
    unreadable: Rc<Vec<String>>,
    device_id: String,
    tallies: Rc<Vec<(StoredTally, Tally)>>,
    certificates: Rc<BTreeMap<String, Certificate>>,
    dossiers: Rc<BTreeMap<String, Dossiers>>,
    /// Stored values under the staff area's keys that could not be read.
    damaged: Rc<Vec<String>>,
}

#[derive(Clone)]
enum Loaded {
    Loading,
    Ready(Data),
    Failed(String),
}

async fn load(store: &SharedStore) -> Result<Data, String> {
    let fail = |err: crate::platform::storage::StorageError| err.to_string();
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

fn certificate_key(survey: &Survey, period: Period) -> String {
    format!("{CERTIFICATE_PREFIX}{}:{}:{}", survey.id(), survey.version(), period.code())
}

/// What the staff member asked to see.
#[derive(Clone, Debug, PartialEq)]
struct View {
    period: Period,
    by: GroupBy,
    include_misuse: bool,
    /// Only this device's own responses, or everything stored here (imports included).
    own_only: bool,
}

/// The figures of one view.
struct Figures {
    tally: Tally,
    totals: GroupCounts,
    rows: Vec<IndexRow>,
    /// Records of the survey in the period, as selected (misuse and partial ones included).
    records: Vec<ResponseRecord>,
    /// Records of other surveys, or that do not fit their survey.
    skipped: u64,
}

fn figures(survey: &Survey, data: &Data, view: &View) -> Figures {
    let catalog = Catalog::new([survey.clone()]);
    let options = TallyOptions {
        by: view.by,
        from: Some(view.period.start),
        to: Some(view.period.end),
        include_misuse: view.include_misuse,
        ..TallyOptions::default()
    };
    let mut tally = Tally::default();
    tally.layouts.insert((survey.id().to_owned(), survey.version().to_owned()), Tally::layout_of(survey));
    let mut skipped = 0;
    let mut records = Vec::new();
    for record in data.records.iter() {
        if view.own_only && record.device_id.as_deref() != Some(data.device_id.as_str()) {
            continue;
        }
        match tally.add(&catalog, record, &options) {
            Ok(survey::results::tally::Added::OutOfRange) => {}
            Ok(_) => records.push(record.clone()),
            Err(_) => skipped += 1,
        }
    }
    if !view.own_only {
        for (_, imported) in data.tallies.iter() {
            let mut part = imported.regroup(view.by, Some(view.period));
            part.groups.retain(|key, _| key.survey_id == survey.id() && key.survey_version == survey.version());
            // A forged tally that overflows the counts is left out rather than wrapped.
            if tally.merge(&part).is_err() {
                skipped += 1;
            }
        }
    }
    let totals = tally.totals(&survey.id(), &survey.version());
    let rows = indices(&tally.regroup(GroupBy::default(), None), &catalog, DEFAULT_MIN_N).unwrap_or_default();
    Figures { tally, totals, rows, records, skipped }
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

/// The sections of the staff area, one shown at a time; each has an address (`/staff#xuat`),
/// so that the browser's Back button and a bookmark work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Results,
    Exports,
    Imports,
    Certify,
    Phones,
    Backup,
    Settings,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Results,
        Section::Exports,
        Section::Imports,
        Section::Certify,
        Section::Phones,
        Section::Backup,
        Section::Settings,
    ];

    /// The fragment of the section's address.
    pub fn anchor(self) -> &'static str {
        match self {
            Section::Results => "ket-qua",
            Section::Exports => "xuat",
            Section::Imports => "nhap",
            Section::Certify => "chot-so-lieu",
            Section::Phones => "dien-thoai",
            Section::Backup => "sao-luu",
            Section::Settings => "cai-dat",
        }
    }

    pub fn from_anchor(anchor: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|section| section.anchor() == anchor.trim_start_matches('#'))
    }

    /// (Vietnamese, English)
    pub fn name(self) -> (&'static str, &'static str) {
        match self {
            Section::Results => ("Kết quả", "Results"),
            Section::Exports => ("Xuất tệp", "Exports"),
            Section::Imports => ("Nhập và gộp", "Import and merge"),
            Section::Certify => ("Chốt số liệu và công bố", "Certify and publish"),
            Section::Phones => ("Đánh giá bằng điện thoại", "Rating by phone"),
            Section::Backup => ("Sao lưu, xóa", "Back up and clear"),
            Section::Settings => ("Cài đặt thiết bị", "Settings"),
        }
    }
}

/// What the staff area remembers between visits (in the store, key [`PREFS_KEY`]): the period,
/// the grouping, what is counted and the CSV profile last chosen.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StaffPrefs {
    #[serde(default)]
    pub survey_id: Option<String>,
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub by: Vec<String>,
    #[serde(default)]
    pub include_misuse: bool,
    #[serde(default)]
    pub own_only: bool,
    #[serde(default)]
    pub profile: Option<String>,
}

pub const PREFS_KEY: &str = "staff_view";

impl StaffPrefs {
    fn view(&self, fallback: &View) -> View {
        let by = GroupBy::parse(&self.by.join(",")).unwrap_or_default();
        View {
            period: self.period.as_deref().and_then(Period::parse).unwrap_or(fallback.period),
            by,
            include_misuse: self.include_misuse,
            own_only: self.own_only,
        }
    }

    fn with_view(&self, view: &View) -> StaffPrefs {
        let by = view.by.names().into_iter().map(str::to_owned).collect();
        StaffPrefs {
            period: Some(view.period.code()),
            by,
            include_misuse: view.include_misuse,
            own_only: view.own_only,
            ..self.clone()
        }
    }

    pub fn profile(&self) -> CsvProfile {
        self.profile.as_deref().and_then(CsvProfile::from_name).unwrap_or(CsvProfile::Excel)
    }
}

/// Keeps what the staff member chose, for the next visit.
pub(crate) fn keep_prefs(store: &SharedStore, prefs: &StaffPrefs) {
    let (store, json) = (store.clone(), serde_json::to_string(prefs).unwrap_or_default());
    wasm_bindgen_futures::spawn_local(async move {
        // Losing a preference is no harm: nothing is reported.
        let _ = store.0.put_setting(PREFS_KEY, &json).await;
    });
}

/// One change to the view's controls.
#[derive(Clone, Debug, PartialEq)]
enum ViewChange {
    /// A period's code, or `custom`.
    Period(String),
    From(String),
    To(String),
    ByUnit(bool),
    ByCounter(bool),
    ByStaff(bool),
    ByField(bool),
    IncludeMisuse(bool),
    OwnOnly(bool),
}

impl View {
    /// The view after one change, and whether custom days are being chosen.
    fn changed(&self, change: ViewChange, custom: bool) -> (View, bool) {
        let mut next = self.clone();
        let mut custom = custom;
        let day = |text: &str| parse_day(text);
        match change {
            ViewChange::Period(code) if code == "custom" => custom = true,
            ViewChange::Period(code) => {
                custom = false;
                next.period = Period::parse(&code).unwrap_or(self.period);
            }
            ViewChange::From(text) => {
                if let Some(span) = day(&text).and_then(|from| Period::span(from, self.period.end)) {
                    next.period = span;
                }
            }
            ViewChange::To(text) => {
                if let Some(span) = day(&text).and_then(|to| Period::span(self.period.start, to)) {
                    next.period = span;
                }
            }
            ViewChange::ByUnit(on) => next.by.unit = on,
            ViewChange::ByCounter(on) => next.by.counter = on,
            ViewChange::ByStaff(on) => next.by.staff = on,
            ViewChange::ByField(on) => next.by.field = on,
            ViewChange::IncludeMisuse(on) => next.include_misuse = on,
            ViewChange::OwnOnly(on) => next.own_only = on,
        }
        (next, custom)
    }
}

fn today() -> time::Date {
    survey::vn_time::format_vietnam(clock::now_millis())
        .ok()
        .and_then(|stamp| parse_day(&stamp[..10]))
        .unwrap_or(time::Date::MIN)
}

fn now_stamp() -> String {
    survey::vn_time::format_vietnam(clock::now_millis()).unwrap_or_default()
}

#[function_component(Staff)]
pub fn staff(props: &StaffProps) -> Html {
    let loaded = use_state(|| Loaded::Loading);
    let generation = use_state(|| 0u32);
    {
        let (loaded, store) = (loaded.clone(), props.store.clone());
        use_effect_with(*generation, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                loaded.set(match load(&store).await {
                    Ok(data) => Loaded::Ready(data),
                    Err(err) => Loaded::Failed(err),
                });
            });
        });
    }
    let reload = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(*generation + 1))
    };
    let storage = use_state(|| None::<Result<crate::platform::storage::StorageReport, String>>);
    {
        let storage = storage.clone();
        use_effect_with(*generation, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                storage.set(Some(crate::platform::storage::persist_and_report().await))
            });
        });
    }
    let recent = use_memo((), |_| Period::recent(today()));
    let view = use_state(|| {
        let fallback = View {
            period: recent.first().copied().unwrap_or(Period { start: time::Date::MIN, end: time::Date::MIN }),
            by: GroupBy::default(),
            include_misuse: false,
            own_only: false,
        };
        props.prefs.as_ref().map_or(fallback.clone(), |prefs| prefs.view(&fallback))
    });
    let prefs = props.prefs.clone().unwrap_or_default();
    let custom = use_state(|| !recent.contains(&view.period));
    {
        // Remembered for the next visit whenever the view changes.
        let on_prefs = props.on_prefs.clone();
        use_effect_with(((*view).clone(), prefs.clone()), move |(view, kept)| {
            let next = kept.with_view(view);
            if next != *kept {
                on_prefs.emit(next);
            }
        });
    }
    let on_profile = {
        let (on_prefs, prefs) = (props.on_prefs.clone(), prefs.clone());
        Callback::from(move |profile: CsvProfile| {
            on_prefs.emit(StaffPrefs { profile: Some(profile.name().to_owned()), ..prefs.clone() })
        })
    };
    // Response ids saved to a file in this session (exported or backed up): clearing needs all.
    let saved = use_state(|| Rc::new(BTreeSet::<String>::new()));
    let remember_saved = {
        let saved = saved.clone();
        Callback::from(move |ids: Vec<String>| {
            let mut next = (**saved).clone();
            next.extend(ids);
            saved.set(Rc::new(next));
        })
    };
    // Counted once per change of the data or the view, not on every render (an export, the
    // storage report and each notice re-render this component).
    let ready = match &*loaded {
        Loaded::Ready(data) => Some(DataHandle(data.clone())),
        _ => None,
    };
    let counted = use_memo((ready, (*view).clone(), props.survey.clone()), |(ready, view, survey)| {
        ready.as_ref().map(|data| Rc::new(figures(survey, &data.0, view)))
    });

    let section = props.section;
    let body = match (&*loaded, (*counted).clone()) {
        (Loaded::Ready(data), Some(figures)) => {
            // The period and grouping apply to the results, the exports and certifying.
            let controls = matches!(section, Section::Results | Section::Exports | Section::Certify).then(|| {
                html! {
                    <ViewControls view={(*view).clone()} recent={(*recent).clone()} custom={*custom}
                        on_change={{ let view = view.clone(); Callback::from(move |next: View| view.set(next)) }}
                        on_custom={{ let custom = custom.clone(); Callback::from(move |on: bool| custom.set(on)) }} />
                }
            });
            let content = match section {
                Section::Results => results(&props.survey, data, &view, &figures),
                Section::Exports => html! {
                    <Exports survey={props.survey.clone()} view={(*view).clone()} figures={FiguresHandle(figures.clone())}
                        profile={prefs.profile()} on_profile={on_profile.clone()} on_saved={remember_saved.clone()} />
                },
                Section::Imports => html! { <Imports store={props.store.clone()} on_change={reload.clone()} /> },
                Section::Certify => html! {
                    <>
                        <Certification store={props.store.clone()} survey={props.survey.clone()} period={view.period}
                            data={DataHandle(data.clone())} on_change={reload.clone()} />
                        <Denominators store={props.store.clone()} period={view.period}
                            current={data.dossiers.get(&view.period.code()).cloned()} on_change={reload.clone()} />
                        <Publish survey={props.survey.clone()} period={view.period} settings={props.settings.clone()}
                            data={DataHandle(data.clone())} figures={FiguresHandle(figures.clone())} />
                    </>
                },
                Section::Phones => html! {
                    <crate::staff::phone::PhoneCodes store={props.store.clone()} settings={props.settings.clone()} />
                },
                Section::Backup => html! {
                    <BackupAndClear store={props.store.clone()} data={DataHandle(data.clone())} saved={(*saved).clone()}
                        on_saved={remember_saved} on_change={reload.clone()} />
                },
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
                { storage_line(&storage) }
            }
        </div>
    }
}

/// Components take the data by handle: it is compared by identity, not by content.
#[derive(Clone)]
struct DataHandle(Data);

impl PartialEq for DataHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0.records, &other.0.records)
            && Rc::ptr_eq(&self.0.certificates, &other.0.certificates)
            && Rc::ptr_eq(&self.0.tallies, &other.0.tallies)
            && Rc::ptr_eq(&self.0.dossiers, &other.0.dossiers)
    }
}

#[derive(Clone)]
struct FiguresHandle(Rc<Figures>);

impl PartialEq for FiguresHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
struct ViewControlsProps {
    view: View,
    recent: Vec<Period>,
    custom: bool,
    on_change: Callback<View>,
    on_custom: Callback<bool>,
}

#[function_component(ViewControls)]
fn view_controls(props: &ViewControlsProps) -> Html {
    // Each control says what changed; the next view is worked out from the view shown (in
    // `View::changed`), never read back from the page.
    let change = |make: fn(&web_sys::Event) -> ViewChange| {
        let (view, custom, on_change, on_custom) =
            (props.view.clone(), props.custom, props.on_change.clone(), props.on_custom.clone());
        Callback::from(move |event: Event| {
            let (next, next_custom) = view.changed(make(&event), custom);
            if next_custom != custom {
                on_custom.emit(next_custom);
            }
            on_change.emit(next);
        })
    };
    let view = &props.view;
    let selected = if props.custom { "custom".to_string() } else { view.period.code() };
    html! {
        <form class="view-controls" id="ket-qua" onsubmit={Callback::from(|event: SubmitEvent| event.prevent_default())}>
            <div class="control">
                <label for="period">{ "Kỳ báo cáo / Period" }</label>
                <select id="period" onchange={change(|event| ViewChange::Period(crate::platform::dom::field_value(event)))}>
                    { for props.recent.iter().map(|period| html! {
                        <option value={period.code()} selected={selected == period.code()}>
                            { format!("{} / {}", period.label(Lang::Vi), period.label(Lang::En)) }
                        </option>
                    }) }
                    if !props.custom && !props.recent.contains(&view.period) {
                        <option value={view.period.code()} selected=true>{ view.period.label(Lang::Vi) }</option>
                    }
                    <option value="custom" selected={props.custom}>{ "Tùy chọn… / Custom…" }</option>
                </select>
            </div>
            if props.custom {
                <div class="control">
                    <label for="period-from">{ "Từ ngày / From" }</label>
                    <input id="period-from" type="date" value={view.period.start.to_string()} onchange={change(|event| ViewChange::From(crate::platform::dom::field_value(event)))} />
                </div>
                <div class="control">
                    <label for="period-to">{ "Đến ngày / To" }</label>
                    <input id="period-to" type="date" value={view.period.end.to_string()} onchange={change(|event| ViewChange::To(crate::platform::dom::field_value(event)))} />
                </div>
            }
            <fieldset class="control">
                <legend>{ "Chia theo / Group by" }</legend>
                <label><input id="by-unit" type="checkbox" checked={view.by.unit} onchange={change(|event| ViewChange::ByUnit(crate::platform::dom::field_ticked(event)))} />{ "Đơn vị / Unit" }</label>
                <label><input id="by-counter" type="checkbox" checked={view.by.counter} onchange={change(|event| ViewChange::ByCounter(crate::platform::dom::field_ticked(event)))} />{ "Quầy / Counter" }</label>
                <label><input id="by-staff" type="checkbox" checked={view.by.staff} onchange={change(|event| ViewChange::ByStaff(crate::platform::dom::field_ticked(event)))} />{ "Cán bộ / Officer" }</label>
                <label><input id="by-field" type="checkbox" checked={view.by.field} onchange={change(|event| ViewChange::ByField(crate::platform::dom::field_ticked(event)))} />{ "Lĩnh vực / Field" }</label>
            </fieldset>
            <fieldset class="control">
                <legend>{ "Tính cả / Also count" }</legend>
                <label><input id="include-misuse" type="checkbox" checked={view.include_misuse} onchange={change(|event| ViewChange::IncludeMisuse(crate::platform::dom::field_ticked(event)))} />{ "Phiếu nghi lạm dụng / Flagged as misuse" }</label>
            </fieldset>
            <div class="control">
                <label for="source">{ "Dữ liệu / Data" }</label>
                <select id="source" onchange={change(|event| ViewChange::OwnOnly(crate::platform::dom::field_value(event) == "own"))}>
                    <option value="all" selected={!view.own_only}>{ "Tất cả, kể cả tệp đã nhập / All, imports included" }</option>
                    <option value="own" selected={view.own_only}>{ "Chỉ của thiết bị này / This device's own" }</option>
                </select>
            </div>
        </form>
    }
}

fn results(survey: &Survey, data: &Data, view: &View, figures: &Figures) -> Html {
    let layout = Tally::layout_of(survey);
    let totals = &figures.totals;
    let dossiers: Option<u64> = data.dossiers.get(&view.period.code()).map(|map| map.values().sum());
    let bars = overall_bars(survey, totals, Lang::Vi);
    let grouped = view.by != GroupBy::default();
    html! {
        <section class="results" aria-label="Kết quả / Results">
            <h2>{ format!("{} / {}", view.period.label(Lang::Vi), view.period.label(Lang::En)) }</h2>
            { summary(totals, figures.skipped, dossiers) }
            if !bars.is_empty() {
                <figure class="chart-box">
                    <figcaption>{ "Mức độ hài lòng chung / Overall rating" }</figcaption>
                    { Html::from_html_unchecked(bar_chart("Mức độ hài lòng chung / Overall rating", &bars, totals.responses).into()) }
                </figure>
            }
            { index_table(&figures.rows) }
            if grouped {
                { groups_table(survey, &figures.tally, view.by) }
            }
            { for questions(&layout).into_iter().map(|(question_id, slots)| {
                let counts = totals.questions.get(&question_id).cloned().unwrap_or_default();
                html! {
                <table class="tally" data-question={question_id.clone()}>
                    <caption>
                        { caption(survey, &question_id) }
                        <span class="answered">{ format!(" · {} người trả lời / answered", counts.answered) }</span>
                    </caption>
                    <thead><tr>
                        <th scope="col">{ "Câu trả lời / Answer" }</th>
                        <th scope="col" class="num">{ "Số lượt / Count" }</th>
                        <th scope="col" class="num">{ "Tỷ lệ / Share" }</th>
                    </tr></thead>
                    <tbody>
                        { for slots.iter().map(|slot| {
                            let count = counts.options.get(&slot.code).copied().unwrap_or(0);
                            let english = option_english(survey, &question_id, &slot.code);
                            html! {
                            <tr data-code={slot.code.clone()}>
                                <th scope="row">{ &slot.label }<span class="en" lang="en">{ english }</span></th>
                                <td class="num count">{ count }</td>
                                <td class="num">{ percent_text(count, counts.answered) }</td>
                            </tr>
                        }}) }
                    </tbody>
                </table>
            }}) }
            { flagged_list(survey, &figures.records) }
            if !data.unreadable.is_empty() || !data.damaged.is_empty() {
                <section class="warning" role="alert">
                    <h2>{ format!("{} bản ghi không đọc được / unreadable records", data.unreadable.len() + data.damaged.len()) }</h2>
                    <p>{ "Các bản ghi này được giữ nguyên trên thiết bị và có trong tệp sao lưu. / They are kept on the device as they are, and go into backups." }</p>
                    <ul>{ for data.unreadable.iter().chain(data.damaged.iter()).map(|reason| html! { <li>{ reason }</li> }) }</ul>
                </section>
            }
        </section>
    }
}

fn summary(totals: &GroupCounts, skipped: u64, dossiers: Option<u64>) -> Html {
    html! {
        <dl class="summary">
            <div><dt>{ "Lượt đánh giá được tính / Responses counted" }</dt><dd class="responses">{ totals.responses }</dd></div>
            <div><dt>{ "Nghi lạm dụng / Flagged as misuse" }</dt><dd class="misuse">{ totals.misuse }</dd></div>
            <div><dt>{ "Chưa hoàn thành / Left unfinished" }</dt><dd class="partial">{ totals.partial }</dd></div>
            if let Some(dossiers) = dossiers.filter(|dossiers| *dossiers > 0) {
                <div><dt>{ format!("Tỷ lệ phản hồi ({dossiers} hồ sơ) / Response rate") }</dt>
                    <dd class="response-rate">{ percent_text(totals.responses, dossiers) }</dd></div>
            }
            if skipped > 0 {
                <div><dt>{ "Của khảo sát khác / For other surveys" }</dt><dd>{ skipped }</dd></div>
            }
        </dl>
    }
}

fn hundredths(value: Option<u64>) -> String {
    value.map_or("–".into(), |value| format!("{},{:02} %", value / 100, value % 100))
}

fn index_table(rows: &[IndexRow]) -> Html {
    if rows.is_empty() {
        return html! {};
    }
    html! {
        <table class="tally index">
            <caption>{ "Chỉ số / Indices" }</caption>
            <thead><tr>
                <th scope="col">{ "Tiêu chí / Criterion" }</th>
                <th scope="col" class="num">{ "n" }</th>
                <th scope="col" class="num">{ "Kết quả / Result" }</th>
            </tr></thead>
            <tbody>
                { for rows.iter().map(|row| {
                    let result = match (row.score, &row.class) {
                        (Some(score), class) => format!("{},{}{}", score / 10, score % 10, class.as_ref().map(|c| format!(" ({c})")).unwrap_or_default()),
                        (None, _) => match (row.index_percent, row.ci) {
                            (Some(index), Some((low, high))) => format!("{} ({}–{})", hundredths(Some(index)), hundredths(Some(low)), hundredths(Some(high))),
                            (index, _) => hundredths(index),
                        },
                    };
                    html! {
                        <tr class={classes!(row.suppressed.then_some("suppressed"), matches!(row.scope, Scope::Element | Scope::Overall | Scope::Classification).then_some("strong"))}
                            data-scope={row.scope.name()} data-id={row.scope_id.clone()}>
                            <th scope="row">{ &row.label }
                                if row.suppressed { <span class="en">{ format!("dưới {DEFAULT_MIN_N} phiếu: không công bố / under {DEFAULT_MIN_N}: not published") }</span> }
                            </th>
                            <td class="num">{ row.n }</td>
                            <td class="num index-value">{ result }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

/// One row per group of the view: its responses, and the overall rating's % satisfied.
fn groups_table(survey: &Survey, tally: &Tally, by: GroupBy) -> Html {
    let catalog = Catalog::new([survey.clone()]);
    let rows = indices(tally, &catalog, DEFAULT_MIN_N).unwrap_or_default();
    let overall = survey.scoring().overall.clone().unwrap_or_default();
    html! {
        <table class="tally groups">
            <caption>{ "Theo nhóm / By group" }</caption>
            <thead><tr>
                <th scope="col">{ "Nhóm / Group" }</th>
                <th scope="col" class="num">{ "Phiếu / n" }</th>
                <th scope="col" class="num">{ "Hài lòng / Satisfied" }</th>
            </tr></thead>
            <tbody>
                { for tally.groups.iter().map(|(key, counts)| {
                    // Only what the view groups by: the rest is empty in every key.
                    let name = [(by.unit, &key.unit), (by.counter, &key.counter), (by.staff, &key.staff), (by.field, &key.field)]
                        .into_iter()
                        .filter(|(grouped, _)| *grouped)
                        .map(|(_, part)| if part.is_empty() { "(không ghi)" } else { part.as_str() })
                        .collect::<Vec<_>>()
                        .join(" · ");
                    let row = rows.iter().find(|row| row.key == *key && row.scope_id == overall);
                    html! {
                        <tr class={classes!(row.is_some_and(|row| row.suppressed).then_some("suppressed"))}>
                            <th scope="row">{ name }</th>
                            <td class="num">{ counts.responses }</td>
                            <td class="num">{ hundredths(row.and_then(|row| row.index_percent)) }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

/// What a response answered, in the survey's words: "question: answer" for each choice-like
/// question answered, so staff see what a flagged or unfinished response said.
fn answers_in_words(survey: &Survey, record: &ResponseRecord) -> String {
    let label = |question: &survey::definition::model::Question, code: &str| {
        question
            .kind
            .choices()
            .into_iter()
            .find(|choice| choice.code == code)
            .map_or(code.to_owned(), |choice| choice.label.vi)
    };
    let said: Vec<String> = survey
        .questions()
        .iter()
        .filter_map(|question| {
            let answer = match record.answers.get(&question.id)? {
                Answer::Choice(code) => label(question, code),
                Answer::Choices(choices) => {
                    choices.codes.iter().map(|code| label(question, code)).collect::<Vec<_>>().join(", ")
                }
                Answer::Number(number) => number.to_string(),
                Answer::Matrix(levels) => format!("{} mục / items", levels.len()),
                Answer::Text(_) => "(ý kiến / a comment)".into(),
            };
            Some(format!("{}: {answer}", question.text.vi))
        })
        .collect();
    if said.is_empty() { "không trả lời câu nào / nothing answered".into() } else { said.join("; ") }
}

/// The period's misuse-flagged and unfinished responses, for staff to look at, with what each
/// answered (an unfinished response counts for the questions it answered).
fn flagged_list(survey: &Survey, records: &[ResponseRecord]) -> Html {
    let flagged: Vec<&ResponseRecord> =
        records.iter().filter(|record| record.misuse.is_some() || record.partial).collect();
    if flagged.is_empty() {
        return html! {};
    }
    html! {
        <details class="flagged">
            <summary>{ format!("{} phiếu nghi lạm dụng hoặc chưa hoàn thành / flagged or unfinished", flagged.len()) }</summary>
            <ul>
                { for flagged.iter().map(|record| html! {
                    <li>
                        { format!("{} · {} · ", record.submitted_at, record.counter.as_deref().unwrap_or("–")) }
                        { match (&record.misuse, record.partial) {
                            (Some(reason), false) => format!("nghi lạm dụng / misuse: {reason}"),
                            (Some(reason), true) => format!("nghi lạm dụng / misuse: {reason}; chưa hoàn thành / unfinished"),
                            (None, _) => "chưa hoàn thành / unfinished".into(),
                        } }
                        <br /><span class="answers">{ answers_in_words(survey, record) }</span>
                    </li>
                }) }
            </ul>
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct CertificationProps {
    store: SharedStore,
    survey: Arc<Survey>,
    period: Period,
    data: DataHandle,
    on_change: Callback<()>,
}

/// What certifying locks, in words: the responses the published page counts, with the
/// unfinished and misuse-flagged ones named apart, so that no number differs without a reason.
fn counted_in_words(counts: &GroupCounts) -> String {
    format!(
        "{} phiếu được tính (trong đó {} phiếu chưa hoàn thành, tính cho các câu đã trả lời); {} phiếu nghi lạm dụng để riêng, không tính. / \
         {} responses counted ({} of them unfinished, counted for the questions they answered); {} flagged as misuse kept apart, not counted.",
        counts.responses, counts.partial, counts.misuse, counts.responses, counts.partial, counts.misuse
    )
}

#[function_component(Certification)]
fn certification(props: &CertificationProps) -> Html {
    let notice = use_state(|| None::<Notice>);
    // Certifying is two steps: the counts to be locked are shown, then confirmed.
    let confirming = use_state(|| false);
    let early = use_state(|| false);
    let key = certificate_key(&props.survey, props.period);
    let data = &props.data.0;
    let certificate = data.certificates.get(&key);
    let catalog = Catalog::new([(*props.survey).clone()]);
    let ended = props.period.end < today();
    let on_certify = {
        let (store, survey, period, data, notice, on_change, confirming, early) = (
            props.store.clone(),
            props.survey.clone(),
            props.period,
            data.clone(),
            notice.clone(),
            props.on_change.clone(),
            confirming.clone(),
            early.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let catalog = Catalog::new([(*survey).clone()]);
            let certificate = match certify::certify(
                &catalog,
                &survey.id(),
                &survey.version(),
                period,
                data.records.iter(),
                now_stamp(),
                *early,
            ) {
                Ok(certificate) => certificate,
                Err(certify::CertifyError::NotEnded { last_day }) => {
                    return notice.set(Some(Notice::Problem(format!(
                        "Kỳ này đến hết ngày {last_day} mới kết thúc: chốt sau ngày đó, hoặc đánh dấu chốt sớm. / The period runs until {last_day}: certify it afterwards, or tick that you certify early."
                    ))));
                }
                Err(err) => return notice.set(Some(Notice::Problem(err.to_string()))),
            };
            let (store, notice, on_change, key, confirming) = (
                store.clone(),
                notice.clone(),
                on_change.clone(),
                certificate_key(&survey, period),
                confirming.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match store.0.put_setting(&key, &certificate.to_json()).await {
                    Ok(()) => {
                        notice.set(None);
                        confirming.set(false);
                        on_change.emit(());
                    }
                    Err(err) => notice.set(Some(Notice::Problem(err.to_string()))),
                }
            });
        })
    };
    let ask = {
        let (confirming, notice) = (confirming.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            notice.set(None);
            confirming.set(true);
        })
    };
    let cancel = {
        let (confirming, early) = (confirming.clone(), early.clone());
        Callback::from(move |_: MouseEvent| {
            confirming.set(false);
            early.set(false);
        })
    };
    let tick_early = {
        let early = early.clone();
        Callback::from(move |event: Event| early.set(crate::platform::dom::field_ticked(&event)))
    };
    // Counted once per change of the data or the period, not on every tick of a checkbox.
    let to_lock = use_memo((props.data.clone(), props.period, props.survey.clone()), |(data, period, survey)| {
        let catalog = Catalog::new([(**survey).clone()]);
        certify::period_tally(&catalog, &survey.id(), &survey.version(), *period, data.0.records.iter())
            .map(|tally| tally.totals(&survey.id(), &survey.version()))
            .unwrap_or_default()
    });
    let status = match certificate {
        None if !*confirming => html! {
            <>
                <p>{ "Kỳ này chưa chốt. Khi chốt, bảng tổng hợp và mã SHA-256 của nó được lưu lại; trang công bố dùng đúng số liệu đó. / This period is not certified: certifying stores its tally and the tally's SHA-256, and the published page uses exactly those figures." }</p>
                <button type="button" class="action certify" onclick={ask}>
                    { format!("Chốt số liệu {}… / Certify {}…", props.period.label(Lang::Vi), props.period.label(Lang::En)) }
                </button>
            </>
        },
        None => html! {
            <div class="confirm-certify" role="group" aria-labelledby="confirm-certify-title">
                <p id="confirm-certify-title"><strong>
                    { format!("Chốt số liệu {}? / Certify {}?", props.period.label(Lang::Vi), props.period.label(Lang::En)) }
                </strong></p>
                <p class="to-lock" data-responses={to_lock.responses.to_string()} data-partial={to_lock.partial.to_string()} data-misuse={to_lock.misuse.to_string()}>
                    { counted_in_words(&to_lock) }
                </p>
                <p>{ "Sau khi chốt, trang công bố dùng đúng các số này; phiếu đến sau được liệt kê riêng. / Once certified, the published page uses exactly these figures; responses that arrive later are listed apart." }</p>
                if !ended {
                    <p class="violation">{ format!("Kỳ này chưa kết thúc (đến hết ngày {}). / This period has not ended (it runs until {}).", props.period.end, props.period.end) }</p>
                    <label class="day">
                        <input id="certify-early" type="checkbox" checked={*early} onchange={tick_early} />
                        { "Tôi chốt sớm, trước khi kỳ kết thúc; trang công bố sẽ ghi rõ điều này. / I certify early, before the period ends; the published page will say so." }
                    </label>
                }
                <div class="actions">
                    <button type="button" class="action certify-confirm" onclick={on_certify} disabled={!ended && !*early}>
                        { "Xác nhận chốt / Confirm" }
                    </button>
                    <button type="button" class="action secondary certify-cancel" onclick={cancel}>{ "Hủy / Cancel" }</button>
                </div>
            </div>
        },
        Some(certificate) => {
            let check = certificate
                .verify(&catalog, data.records.iter())
                .unwrap_or_else(|_| Verification { tally_tampered: true, ..Verification::default() });
            let all_gone = !check.missing.is_empty()
                && check.missing.len() == certificate.responses.len()
                && check.changed.is_empty();
            html! {
                <>
                    <p class="certified">
                        { format!("Đã chốt lúc {} / Certified on {}", survey::vn_time::readable(&certificate.certified_at, Lang::Vi), survey::vn_time::readable(&certificate.certified_at, Lang::En)) }
                        if certificate.early {
                            <br />{ "Chốt sớm, trước khi kỳ kết thúc. / Certified early, before the period ended." }
                        }
                        <br /><span class="locked-counts">{ certificate.counts().map(|counts| counted_in_words(&counts)).unwrap_or_default() }</span>
                        <br />{ "SHA-256: " }<code class="digest">{ &certificate.tally_sha256 }</code>
                    </p>
                    if check.holds() {
                        <p class="verified" role="status">{ "✓ Số liệu đã chốt khớp với dữ liệu đang lưu. / The certified figures match the stored responses." }</p>
                    } else if all_gone && !check.tally_tampered {
                        <p class="note" role="status">{ "Các phiếu của kỳ đã chốt không còn trên thiết bị này (đã xóa sau khi sao lưu); số liệu đã chốt vẫn giữ nguyên. / The certified responses are no longer on this device; the certified figures stand as locked." }</p>
                    } else {
                        <div class="violation mismatch" role="alert">
                            <p><strong>{ "Số liệu đã chốt KHÔNG KHỚP với dữ liệu đang lưu. / The certified figures DO NOT MATCH the stored responses." }</strong></p>
                            <p>{ "SHA-256 đã chốt / certified: " }<code>{ &certificate.tally_sha256 }</code></p>
                            <p>{ "SHA-256 tính lại / recounted: " }<code class="recounted">{ &check.recounted_sha256 }</code></p>
                            if !check.changed.is_empty() {
                                <p>{ format!("Phiếu bị thay đổi / changed: {}", check.changed.join(", ")) }</p>
                            }
                            if !check.missing.is_empty() {
                                <p>{ format!("Phiếu không còn / missing: {}", check.missing.join(", ")) }</p>
                            }
                            if check.tally_tampered {
                                <p>{ "Bảng tổng hợp đã lưu không còn khớp mã của nó. / The stored tally no longer matches its own digest." }</p>
                            }
                        </div>
                    }
                    if !check.late.is_empty() {
                        <details class="late">
                            <summary>{ format!("{} phiếu đến sau khi chốt (không tính vào số liệu đã chốt) / arrived after certification (not in the certified figures)", check.late.len()) }</summary>
                            <ul>{ for check.late.iter().map(|id| html! { <li>{ id }</li> }) }</ul>
                        </details>
                    }
                </>
            }
        }
    };
    html! {
        <section class="certification" id="chot-so-lieu">
            <h2>{ "Chốt số liệu / Certify" }</h2>
            { status }
            { notice_html(&notice) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ExportsProps {
    survey: Arc<Survey>,
    view: View,
    figures: FiguresHandle,
    /// The CSV profile chosen (remembered between visits), and where a new choice goes.
    profile: CsvProfile,
    on_profile: Callback<CsvProfile>,
    on_saved: Callback<Vec<String>>,
}

#[function_component(Exports)]
fn exports(props: &ExportsProps) -> Html {
    let choose_profile = {
        let on_profile = props.on_profile.clone();
        Callback::from(move |event: Event| {
            let name = event.target_unchecked_into::<HtmlSelectElement>().value();
            on_profile.emit(CsvProfile::from_name(&name).unwrap_or(CsvProfile::Excel));
        })
    };
    let notice = use_state(|| None::<Notice>);
    let with_text = use_state(|| false);
    // `hailong-tally-danh-gia-tai-quay-2026.1-2026-Q4-excel.csv`: what, of which survey and period.
    let stem = format!("{}-{}-{}", props.survey.id(), props.survey.version(), props.view.period.code());
    let save = {
        let notice = notice.clone();
        move |name: String, mime: &str, bytes: Vec<u8>| match download::save(&name, mime, &bytes) {
            Ok(()) => notice.set(Some(Notice::Done(format!("Đã tải / Downloaded: {name}")))),
            Err(err) => notice.set(Some(Notice::Problem(format!("Không tải được tệp / The download failed: {err}")))),
        }
    };
    // A CSV in the profile chosen at the moment of the click.
    let save_csv = {
        let (save, stem, profile) = (save.clone(), stem.clone(), props.profile);
        move |kind: &str, make: &dyn Fn(CsvProfile) -> Vec<u8>| {
            save(format!("hailong-{kind}-{stem}-{}.csv", profile.name()), "text/csv;charset=utf-8", make(profile))
        }
    };
    let figures = props.figures.0.clone();
    let on_tally = {
        let (save_csv, figures) = (save_csv.clone(), figures.clone());
        Callback::from(move |_: MouseEvent| save_csv("tally", &|profile| figures.tally.to_csv(profile)))
    };
    let on_index = {
        let (save_csv, figures, survey) = (save_csv.clone(), figures.clone(), props.survey.clone());
        Callback::from(move |_: MouseEvent| {
            let rows = indices(&figures.tally, &Catalog::new([(*survey).clone()]), DEFAULT_MIN_N).unwrap_or_default();
            save_csv("index", &|profile| survey::results::index::index_csv(&rows, profile))
        })
    };
    let on_xlsx = {
        let (save, notice, figures, survey) = (save.clone(), notice.clone(), figures.clone(), props.survey.clone());
        let name = format!("hailong-bao-cao-{stem}.xlsx");
        Callback::from(move |_: MouseEvent| {
            let rows = indices(&figures.tally, &Catalog::new([(*survey).clone()]), DEFAULT_MIN_N).unwrap_or_default();
            let (tally_rows, index_rows) = (figures.tally.rows(), index_cells(&rows));
            let sheets = [
                survey::reports::xlsx::Sheet { name: "Chỉ số", header: &INDEX_COLUMNS, rows: &index_rows },
                survey::reports::xlsx::Sheet { name: "Tổng hợp", header: &TALLY_COLUMNS, rows: &tally_rows },
            ];
            match survey::reports::xlsx::workbook(&sheets) {
                Ok(bytes) => {
                    save(name.clone(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes)
                }
                Err(err) => notice.set(Some(Notice::Problem(err))),
            }
        })
    };
    let on_raw = {
        let (save_csv, figures, survey, on_saved) =
            (save_csv.clone(), figures.clone(), props.survey.clone(), props.on_saved.clone());
        Callback::from(move |_: MouseEvent| {
            save_csv("raw", &|profile| survey::records::raw::write_raw(&survey, &figures.records, profile));
            on_saved.emit(figures.records.iter().map(|record| record.response_id.clone()).collect());
        })
    };
    let on_comments = {
        let (save_csv, figures) = (save_csv.clone(), figures.clone());
        Callback::from(move |_: MouseEvent| {
            let rows = comment_rows(figures.records.iter().filter(|record| record.misuse.is_none()));
            save_csv("y-kien", &|profile| profile.write(&COMMENT_COLUMNS, &rows))
        })
    };
    let on_with_text = {
        let with_text = with_text.clone();
        Callback::from(move |event: Event| {
            with_text.set(crate::platform::dom::field_ticked(&event));
        })
    };
    html! {
        <section class="exports" id="xuat">
            <h2>{ "Xuất tệp / Export" }</h2>
            <p>{ format!("Theo kỳ và cách chia đang chọn ở trên ({}). / For the period and grouping chosen above.", props.view.period.label(Lang::Vi)) }</p>
            <label for="profile">{ "Định dạng CSV / CSV for" }</label>
            <select id="profile" onchange={choose_profile}>
                <option value="excel" selected={props.profile == CsvProfile::Excel}>{ "Excel (dấu phẩy, UTF-8) / Excel, comma" }</option>
                <option value="excel-vi" selected={props.profile == CsvProfile::ExcelVi}>{ "Excel tiếng Việt (dấu chấm phẩy, số thập phân có dấu phẩy) / Excel, Vietnamese settings" }</option>
                <option value="rfc4180" selected={props.profile == CsvProfile::Rfc4180}>{ "RFC 4180 (phần mềm khác) / other tools" }</option>
            </select>
            <div class="buttons">
                <button type="button" class="action download-tally" onclick={on_tally}>
                    { "Bảng tổng hợp (CSV)" }<span class="en" lang="en">{ "Tally (CSV)" }</span>
                </button>
                <button type="button" class="action download-index" onclick={on_index}>
                    { "Chỉ số (CSV)" }<span class="en" lang="en">{ "Indices (CSV)" }</span>
                </button>
                <button type="button" class="action download-xlsx" onclick={on_xlsx}>
                    { "Báo cáo Excel (XLSX)" }<span class="en" lang="en">{ "Workbook (XLSX)" }</span>
                </button>
            </div>
            <fieldset class="with-text">
                <legend>{ "Tệp có ý kiến của người dân / Files with citizens' own words" }</legend>
                <label>
                    <input id="allow-text" type="checkbox" checked={*with_text} onchange={on_with_text} />
                    { "Tôi hiểu các tệp dưới đây có ý kiến của người dân (số điện thoại, số CCCD, e-mail đã được che) và chỉ dùng nội bộ. / I understand these files hold citizens' comments (phone, ID numbers and e-mail masked) and are for internal use." }
                </label>
                <div class="buttons">
                    <button type="button" class="action download-raw" disabled={!*with_text} onclick={on_raw}>
                        { "Phiếu gốc để gộp (CSV)" }<span class="en" lang="en">{ "Raw responses, for merging (CSV)" }</span>
                    </button>
                    <button type="button" class="action download-comments" disabled={!*with_text} onclick={on_comments}>
                        { "Ý kiến (CSV)" }<span class="en" lang="en">{ "Comments (CSV)" }</span>
                    </button>
                </div>
            </fieldset>
            { notice_html(&notice) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ImportsProps {
    store: SharedStore,
    on_change: Callback<()>,
}

#[function_component(Imports)]
fn imports(props: &ImportsProps) -> Html {
    let reports = use_state(Vec::<FileReport>::new);
    let progress = use_state(|| None::<(String, f64)>);
    let hover = use_state(|| false);
    let run = {
        let (store, reports, progress, on_change) =
            (props.store.clone(), reports.clone(), progress.clone(), props.on_change.clone());
        Rc::new(move |files: Vec<web_sys::File>| {
            if files.is_empty() {
                return;
            }
            let (store, reports, progress, on_change) =
                (store.clone(), reports.clone(), progress.clone(), on_change.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut done = Vec::new();
                for file in files {
                    let name = file.name();
                    progress.set(Some((name.clone(), 0.0)));
                    let report = match files::file_text(&file).await {
                        Ok(text) => {
                            let (progress, name) = (progress.clone(), name.clone());
                            let step = move |share: f64| progress.set(Some((name.clone(), share)));
                            files::import_file(&store, &file.name(), &text, &step).await
                        }
                        Err(reason) => FileReport::Failed { file: name, reason },
                    };
                    done.push(report);
                    reports.set(done.clone());
                }
                progress.set(None);
                on_change.emit(());
            });
        })
    };
    let on_pick = {
        let run = run.clone();
        Callback::from(move |event: Event| run(files::picked_files(&event)))
    };
    let on_drop = {
        let (run, hover) = (run.clone(), hover.clone());
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            hover.set(false);
            run(files::files_of(event.data_transfer().and_then(|transfer| transfer.files())));
        })
    };
    let on_drag_over = {
        let hover = hover.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            hover.set(true);
        })
    };
    let on_drag_leave = {
        let hover = hover.clone();
        Callback::from(move |_: DragEvent| hover.set(false))
    };
    html! {
        <section class="imports" id="nhap">
            <h2>{ "Nhập và gộp dữ liệu / Import and merge" }</h2>
            <p>{ "Tệp phiếu gốc (CSV) của thiết bị khác, bảng tổng hợp (CSV) của đơn vị khác, hoặc tệp sao lưu. Phiếu đã có được bỏ qua; không phiếu nào đang lưu bị ghi đè. / Raw CSV from other kiosks, tally CSV from other units, or a backup. Responses already here are skipped; nothing stored is overwritten." }</p>
            <div class={classes!("drop-zone", hover.then_some("hover"))} ondrop={on_drop} ondragover={on_drag_over} ondragleave={on_drag_leave}>
                <label for="import-files">{ "Kéo thả tệp vào đây, hoặc chọn tệp / Drop files here, or choose them" }</label>
                <input id="import-files" type="file" multiple=true accept=".csv,.json,text/csv,application/json" onchange={on_pick} />
            </div>
            if let Some((name, share)) = &*progress {
                <p class="import-progress" role="status">
                    <label for="import-progress">{ format!("Đang nhập / Importing {name}") }</label>
                    <progress id="import-progress" max="1" value={share.to_string()} />
                </p>
            }
            if !reports.is_empty() {
                <ul class="import-reports">
                    { for reports.iter().map(report_html) }
                </ul>
            }
        </section>
    }
}

fn conflict_summary(record: &ResponseRecord) -> String {
    let answers: Vec<String> =
        record.answers.iter().map(|(question, answer)| format!("{question}={answer:?}")).collect();
    format!("{} · {} · {}", record.submitted_at, record.device_id.as_deref().unwrap_or("–"), answers.join("; "))
}

fn report_html(report: &FileReport) -> Html {
    match report {
        FileReport::Responses { file, added, duplicates, settings_added, unreadable } => html! {
            <li class="import-ok" data-added={added.to_string()} data-duplicates={duplicates.to_string()}>
                { format!("{file}: thêm {added} phiếu, bỏ qua {duplicates} phiếu đã có / {added} added, {duplicates} already here") }
                if *settings_added > 0 { { format!("; {settings_added} mục cài đặt / settings") } }
                if !unreadable.is_empty() {
                    <ul>{ for unreadable.iter().map(|reason| html! { <li>{ format!("không đọc được / unreadable: {reason}") }</li> }) }</ul>
                }
            </li>
        },
        FileReport::Tally { file, groups } => html! {
            <li class="import-ok">{ format!("{file}: bảng tổng hợp, {groups} nhóm / a tally of {groups} groups") }</li>
        },
        FileReport::TallyAgain { file } => html! {
            <li class="import-ok" data-added="0">{ format!("{file}: bảng tổng hợp này đã được nhập trước đó / already imported") }</li>
        },
        FileReport::Conflicts { file, conflicts } => html! {
            <li class="violation import-refused" role="alert">
                { format!("{file}: KHÔNG nhập. {} phiếu trùng mã nhưng khác nội dung với phiếu đang lưu; phiếu đang lưu được giữ nguyên. / NOT imported: {} responses have the id of a stored one with other content; the stored ones are kept.", conflicts.len(), conflicts.len()) }
                <ul>
                    { for conflicts.iter().map(|(kept, refused)| html! {
                        <li class="conflict" data-response={kept.response_id.clone()}>
                            { format!("Phiếu / response {}", kept.response_id) }
                            <br />{ format!("đang lưu / stored: {}", conflict_summary(kept)) }
                            <br />{ format!("trong tệp / in the file: {}", conflict_summary(refused)) }
                        </li>
                    }) }
                </ul>
            </li>
        },
        FileReport::Failed { file, reason } => html! {
            <li class="violation import-refused" role="alert">{ format!("{file}: không nhập / not imported: {reason}") }</li>
        },
    }
}

#[derive(Properties, PartialEq)]
struct DenominatorsProps {
    store: SharedStore,
    period: Period,
    current: Option<Dossiers>,
    on_change: Callback<()>,
}

#[function_component(Denominators)]
fn denominators(props: &DenominatorsProps) -> Html {
    let notice = use_state(|| None::<Notice>);
    // What staff typed, until it is saved; the stored figures show otherwise.
    let typed = use_state(|| None::<String>);
    {
        let typed = typed.clone();
        use_effect_with(props.period, move |_| typed.set(None));
    }
    let save = {
        let (store, period, notice, on_change) =
            (props.store.clone(), props.period, notice.clone(), props.on_change.clone());
        Rc::new(move |text: String| {
            let dossiers = match read_dossiers(text.as_bytes()) {
                Ok(dossiers) => dossiers,
                Err(err) => return notice.set(Some(Notice::Problem(format!("Số hồ sơ / Dossiers: {err}")))),
            };
            let (store, notice, on_change) = (store.clone(), notice.clone(), on_change.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let key = format!("{DOSSIERS_PREFIX}{}", period.code());
                match store.0.put_setting(&key, &serde_json::to_string(&dossiers).unwrap_or_default()).await {
                    Ok(()) => {
                        notice.set(Some(Notice::Done(format!(
                            "Đã lưu: {} hồ sơ. / Saved.",
                            dossiers.values().sum::<u64>()
                        ))));
                        on_change.emit(());
                    }
                    Err(err) => notice.set(Some(Notice::Problem(err.to_string()))),
                }
            });
        })
    };
    let stored = props.current.as_ref().map_or("field,dossiers\n".to_string(), write_dossiers);
    let text = (*typed).clone().unwrap_or(stored);
    let on_submit = {
        let (save, text) = (save.clone(), text.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            save(text.clone());
        })
    };
    let on_input = {
        let typed = typed.clone();
        Callback::from(move |event: InputEvent| typed.set(Some(crate::platform::dom::field_value(&event))))
    };
    let on_file = {
        let (save, notice) = (save.clone(), notice.clone());
        Callback::from(move |event: Event| {
            let (save, notice) = (save.clone(), notice.clone());
            if let Some(file) = files::picked_files(&event).into_iter().next() {
                wasm_bindgen_futures::spawn_local(async move {
                    match files::file_text(&file).await {
                        Ok(text) => save(text),
                        Err(err) => notice.set(Some(Notice::Problem(err))),
                    }
                });
            }
        })
    };
    html! {
        <section class="denominators" id="ho-so">
            <h2>{ format!("Số hồ sơ tiếp nhận trong {} / Dossiers received", props.period.label(Lang::Vi)) }</h2>
            <form class="staff-form dossiers-form" onsubmit={on_submit}>
                <label for="dossiers">{ "Mỗi dòng: mã lĩnh vực, số hồ sơ (để trống mã nếu không chia lĩnh vực) / One line per field: code, dossiers" }</label>
                <textarea id="dossiers" rows="4" value={text} oninput={on_input} />
                <label for="dossiers-file">{ "Hoặc nhập tệp CSV (cột field, dossiers) / Or import a CSV" }</label>
                <input id="dossiers-file" type="file" accept=".csv,text/csv" onchange={on_file} />
                <button type="submit" class="action">{ "Lưu số hồ sơ / Save" }</button>
            </form>
            { notice_html(&notice) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PublishProps {
    survey: Arc<Survey>,
    period: Period,
    settings: KioskSettings,
    data: DataHandle,
    figures: FiguresHandle,
}

#[function_component(Publish)]
fn publish(props: &PublishProps) -> Html {
    let notice = use_state(|| None::<Notice>);
    let page_lang = use_state(|| Lang::Vi);
    let choose_lang = {
        let page_lang = page_lang.clone();
        Callback::from(move |event: Event| {
            page_lang.set(Lang::parse(&crate::platform::dom::field_value(&event)).unwrap_or_default())
        })
    };
    let data = &props.data.0;
    let certificate = data.certificates.get(&certificate_key(&props.survey, props.period)).cloned();
    let on_download = {
        let (survey, period, settings, data, figures, notice) = (
            props.survey.clone(),
            props.period,
            props.settings.clone(),
            data.clone(),
            props.figures.0.clone(),
            notice.clone(),
        );
        let (certificate, page_lang) = (certificate.clone(), page_lang.clone());
        Callback::from(move |_: MouseEvent| {
            let lang = *page_lang;
            // A certified period is published from its certificate, never recounted.
            let tally = match &certificate {
                Some(certificate) => match certificate.tally() {
                    Ok(tally) => tally,
                    Err(err) => return notice.set(Some(Notice::Problem(format!("certificate: {err}")))),
                },
                None => {
                    let catalog = Catalog::new([(*survey).clone()]);
                    match certify::period_tally(&catalog, &survey.id(), &survey.version(), period, &figures.records) {
                        Ok(tally) => tally,
                        Err(err) => return notice.set(Some(Notice::Problem(err.to_string()))),
                    }
                }
            };
            let unit_name =
                if settings.unit_name.is_empty() { settings.unit_code.clone() } else { settings.unit_name.clone() };
            let page = ResultsPage {
                lang,
                unit_name: &unit_name,
                period,
                survey: &survey,
                tally: &tally,
                dossiers: data.dossiers.get(&period.code()).map(|map| map.values().sum()),
                certificate: certificate.as_ref(),
                min_n: DEFAULT_MIN_N,
                generated_at: &now_stamp(),
            };
            let name = format!(
                "ket-qua-{}-{}-{}.html",
                if settings.unit_code.is_empty() { "don-vi" } else { &settings.unit_code },
                period.code(),
                lang.code()
            );
            match download::save(&name, "text/html;charset=utf-8", page.to_html().as_bytes()) {
                Ok(()) => notice.set(Some(Notice::Done(format!("Đã tải / Downloaded: {name}")))),
                Err(err) => notice.set(Some(Notice::Problem(err))),
            }
        })
    };
    html! {
        <section class="publish" id="cong-bo">
            <h2>{ "Trang công bố kết quả / Published results page" }</h2>
            <p>{ "Một trang A4 để in và niêm yết tại Bộ phận tiếp nhận và trả kết quả, và một tệp HTML đăng lên trang thông tin điện tử. Nhóm dưới 10 phiếu không công bố; không có số liệu theo từng cán bộ. / One A4 page to print for the counter, and an HTML file for the website. Groups under 10 are withheld; there are no per-officer figures." }</p>
            if certificate.is_none() {
                <p class="note">{ "Kỳ này chưa chốt: trang sẽ ghi BẢN NHÁP. / Not certified yet: the page will say DRAFT." }</p>
            }
            <label for="page-lang">{ "Ngôn ngữ / Language" }</label>
            <select id="page-lang" onchange={choose_lang}>
                <option value="vi" selected=true>{ "Tiếng Việt" }</option>
                <option value="en">{ "English" }</option>
            </select>
            <div class="buttons">
                <button type="button" class="action download-page" onclick={on_download}>
                    { "Tải trang công bố (HTML, in ra A4)" }<span class="en" lang="en">{ "Download the page (HTML, prints on A4)" }</span>
                </button>
            </div>
            { notice_html(&notice) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct BackupProps {
    store: SharedStore,
    data: DataHandle,
    saved: Rc<BTreeSet<String>>,
    on_saved: Callback<Vec<String>>,
    on_change: Callback<()>,
}

/// The word typed to confirm clearing.
const CONFIRM_WORD: &str = "XOA";

#[function_component(BackupAndClear)]
fn backup_and_clear(props: &BackupProps) -> Html {
    let notice = use_state(|| None::<Notice>);
    let confirm_word = use_state(String::new);
    let on_backup = {
        let (store, notice, on_saved) = (props.store.clone(), notice.clone(), props.on_saved.clone());
        Callback::from(move |_: MouseEvent| {
            let (store, notice, on_saved) = (store.clone(), notice.clone(), on_saved.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match files::backup(&store, now_stamp()).await {
                    Ok((backup, ids)) => {
                        let day = backup.made_at.get(..10).unwrap_or_default().to_owned();
                        let name = format!(
                            "hailong-sao-luu-{day}-{}.json",
                            &backup.device_id[..8.min(backup.device_id.len())]
                        );
                        match download::save(&name, "application/json", backup.to_json().as_bytes()) {
                            Ok(()) => {
                                notice.set(Some(Notice::Done(format!(
                                    "Đã tải tệp sao lưu / Backup downloaded: {name} ({} phiếu)",
                                    ids.len()
                                ))));
                                on_saved.emit(ids);
                            }
                            Err(err) => notice.set(Some(Notice::Problem(err))),
                        }
                    }
                    Err(err) => notice.set(Some(Notice::Problem(err))),
                }
            });
        })
    };
    let data = &props.data.0;
    let unsaved =
        data.records.iter().filter(|record| !props.saved.contains(&record.response_id)).count() + data.unreadable.len();
    let on_clear = {
        let (store, notice, on_change, confirm_word) =
            (props.store.clone(), notice.clone(), props.on_change.clone(), confirm_word.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let typed = (*confirm_word).clone();
            if typed.trim() != CONFIRM_WORD {
                return notice.set(Some(Notice::Problem(format!(
                    "Gõ đúng {CONFIRM_WORD} để xác nhận. / Type {CONFIRM_WORD} to confirm."
                ))));
            }
            let (store, notice, on_change) = (store.clone(), notice.clone(), on_change.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match store.0.clear_responses().await {
                    Ok(()) => {
                        notice.set(Some(Notice::Done(
                            "Đã xóa các phiếu trên thiết bị. / The responses on this device are cleared.".into(),
                        )));
                        on_change.emit(());
                    }
                    Err(err) => notice.set(Some(Notice::Problem(err.to_string()))),
                }
            });
        })
    };
    let total = data.records.len() + data.unreadable.len();
    html! {
        <section class="backup" id="sao-luu">
            <h2>{ "Sao lưu và xóa / Backup and clear" }</h2>
            <p>{ "Tệp sao lưu chứa mọi phiếu, cài đặt, số liệu đã chốt và số hồ sơ (không chứa mã PIN). Khôi phục bằng cách nhập tệp ở phần Nhập và gộp; nhập lại nhiều lần không làm trùng phiếu. / A backup holds every response, setting, certificate and denominator (never the PIN). Restore it under Import; restoring twice changes nothing." }</p>
            <button type="button" class="action download-backup" onclick={on_backup}>
                { "Tải tệp sao lưu toàn bộ" }<span class="en" lang="en">{ "Download a full backup" }</span>
            </button>
            <form class="staff-form clear-form" onsubmit={on_clear}>
                <h3>{ format!("Xóa {total} phiếu trên thiết bị / Clear {total} responses") }</h3>
                if unsaved > 0 {
                    <p class="note">{ format!("Còn {unsaved} phiếu chưa được xuất hoặc sao lưu trong phiên này: hãy tải tệp sao lưu trước. / {unsaved} responses are not yet exported or backed up in this session: download a backup first.") }</p>
                } else {
                    <label for="confirm-clear">{ format!("Gõ {CONFIRM_WORD} để xác nhận / Type {CONFIRM_WORD} to confirm") }</label>
                    <input id="confirm-clear" type="text" autocomplete="off" value={(*confirm_word).clone()}
                           oninput={{ let confirm_word = confirm_word.clone(); Callback::from(move |event: InputEvent| confirm_word.set(crate::platform::dom::field_value(&event))) }} />
                    <button type="submit" class="action danger">{ "Xóa phiếu / Clear responses" }</button>
                }
            </form>
            { notice_html(&notice) }
        </section>
    }
}

/// What the browser said about keeping this device's data.
fn storage_line(report: &Option<Result<crate::platform::storage::StorageReport, String>>) -> Html {
    let megabytes = |bytes: Option<f64>| bytes.map_or("?".to_string(), |bytes| format!("{:.1} MB", bytes / 1e6));
    match report {
        None => html! {},
        Some(Err(reason)) => {
            html! { <p class="storage warning" role="status">{ format!("Không rõ dung lượng lưu trữ / Storage unknown: {reason}") }</p> }
        }
        Some(Ok(report)) => html! {
            <p class={classes!("storage", (!report.persisted).then_some("warning"))} role="status">
                { format!("Đã dùng {} trên {} cho phép. / {} used of {} allowed. ", megabytes(report.usage_bytes), megabytes(report.quota_bytes), megabytes(report.usage_bytes), megabytes(report.quota_bytes)) }
                { if report.persisted {
                    "Trình duyệt cam kết giữ dữ liệu. / The browser keeps this data even when space runs short."
                } else {
                    "Trình duyệt CHƯA cam kết giữ dữ liệu: hãy cài ứng dụng lên màn hình chính và xuất dữ liệu thường xuyên. / The browser may clear this data when space runs short: install the app to the home screen and export often."
                } }
            </p>
        },
    }
}

/// The layout's option rows grouped by question, in order; indicator rows are left out.
fn questions(layout: &[Slot]) -> Vec<(String, Vec<Slot>)> {
    let mut grouped: Vec<(String, Vec<Slot>)> = Vec::new();
    for slot in layout.iter().filter(|slot| slot.question_id != POINTS) {
        match grouped.last_mut() {
            Some((id, slots)) if *id == slot.question_id => slots.push(slot.clone()),
            _ => grouped.push((slot.question_id.clone(), vec![slot.clone()])),
        }
    }
    grouped
}

/// The English label of an option, where the definition has one.
fn option_english(survey: &Survey, question_id: &str, code: &str) -> String {
    let question_id = question_id.split('.').next().unwrap_or(question_id);
    survey
        .question(question_id)
        .and_then(|question| question.kind.choices().into_iter().find(|choice| choice.code == code))
        .and_then(|choice| choice.label.en)
        .unwrap_or_default()
}

/// The question's text, and for a matrix item (`question.item`) the item's text after it.
fn caption(survey: &Survey, tally_id: &str) -> String {
    let (question_id, item_id) = match tally_id.split_once('.') {
        Some((question_id, item_id)) => (question_id, Some(item_id)),
        None => (tally_id, None),
    };
    let Some(question) = survey.question(question_id) else { return tally_id.to_owned() };
    let item = match (&question.kind, item_id) {
        (survey::definition::model::QuestionKind::Matrix { items, .. }, Some(item_id)) => {
            items.iter().find(|item| item.id == item_id).map(|item| item.text.get(Lang::Vi).to_owned())
        }
        _ => None,
    };
    match item {
        Some(item) => format!("{} — {item}", question.text.get(Lang::Vi)),
        None => question.text.get(Lang::Vi).to_owned(),
    }
}

fn percent_text(count: u64, answered: u64) -> String {
    hundredths(percent(count, answered).and_then(|cell| match cell {
        Cell::Fixed { scaled, .. } => Some(scaled),
        _ => None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_show_a_decimal_comma() {
        assert_eq!(percent_text(2, 3), "66,67 %");
        assert_eq!(percent_text(0, 0), "–");
    }
}

#[cfg(test)]
mod view_tests {
    use super::*;

    /// The view controls change one thing at a time, from the view shown.
    #[test]
    fn each_control_changes_its_own_part_of_the_view() {
        let q4 = Period::parse("2026-Q4").unwrap();
        let view = View { period: q4, by: GroupBy::default(), include_misuse: false, own_only: false };
        let (grouped, custom) = view.changed(ViewChange::ByCounter(true), false);
        assert!(grouped.by.counter && !grouped.by.unit && !custom);
        let (custom_view, custom) = grouped.changed(ViewChange::Period("custom".into()), false);
        assert!(custom, "custom days are being chosen");
        assert_eq!(custom_view, grouped, "nothing else changes yet");
        let (from, _) = custom_view.changed(ViewChange::From("2026-11-01".into()), true);
        assert_eq!(from.period, Period::span(parse_day("2026-11-01").unwrap(), q4.end).unwrap());
        let (bad, _) = from.changed(ViewChange::To("2026-10-01".into()), true);
        assert_eq!(bad.period, from.period, "an end before the start changes nothing");
        let (back, custom) = bad.changed(ViewChange::Period("2026-Q3".into()), true);
        assert_eq!((back.period.code().as_str(), custom), ("2026-Q3", false));
        assert!(back.by.counter, "the grouping stays");
        let (own, _) = back.changed(ViewChange::OwnOnly(true), false);
        assert!(own.own_only);
    }
}
