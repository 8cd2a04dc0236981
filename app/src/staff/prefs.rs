//! Where the staff area is and what it remembers: its sections, each with an address, and the
//! choices kept between visits (the survey, period, grouping and CSV profile).

use survey::csv::write::CsvProfile;
use survey::results::period::Period;
use survey::results::tally::GroupBy;

use crate::staff::figures::View;

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
    /// On the server only: sorting what citizens wrote.
    Comments,
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
            Section::Comments => "gop-y",
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
            Section::Comments => ("Ý kiến góp ý", "Comments"),
        }
    }
}

/// What the staff area remembers between visits (in the store, key `platform::storage::PREFS_KEY`): the period,
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

impl StaffPrefs {
    pub fn view(&self, fallback: &View) -> View {
        let by = GroupBy::parse(&self.by.join(",")).unwrap_or_default();
        View {
            period: self.period.as_deref().and_then(Period::parse).unwrap_or(fallback.period),
            by,
            include_misuse: self.include_misuse,
            own_only: self.own_only,
        }
    }

    pub fn with_view(&self, view: &View) -> StaffPrefs {
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
