//! The Exports section: the tally, the indices and an Excel workbook for the period and grouping
//! chosen, and, once the staff member says they know these hold citizens' own words, the raw
//! responses and the comments. Each file goes through the workspace as a download job.

use survey::csv::write::{Cell, CsvProfile};
use survey::definition::catalog::Catalog;
use survey::reports::comments::{COMMENT_COLUMNS, comment_rows};
use survey::results::index::{DEFAULT_MIN_N, INDEX_COLUMNS, index_cells, indices};
use survey::results::names::Names;
use survey::results::tally_csv::TALLY_COLUMNS;
use survey::text::Lang;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::platform::dom::field_ticked;
use crate::staff::state::{Part, Workspace, WorkspaceAction};
use crate::ui::notice::notice_html;

#[derive(Properties, PartialEq)]
pub struct ExportsProps {
    pub workspace: Workspace,
    /// The CSV profile chosen (remembered between visits), and where a new choice goes.
    pub profile: CsvProfile,
    pub on_profile: Callback<CsvProfile>,
    /// In the server's workspace (its session) the responses themselves are the server's: their
    /// file is downloaded from it, as the account may read them, and so is the report for the
    /// level above.
    #[prop_or_default]
    pub session: Option<wire::session::Session>,
}

/// The report for the level above, from the server: the A4 page to print (opened beside the
/// workspace) and the workbook; for those who may read per-officer figures, the internal one too.
fn report_links(session: &wire::session::Session, survey: &survey::definition::model::Survey, period: &str) -> Html {
    let unit = session
        .account
        .unit
        .as_deref()
        .map(|unit| format!("&unit={}", js_sys::encode_uri_component(unit)))
        .unwrap_or_default();
    let path = |rest: &str| {
        format!("{}?survey={}@{}&period={period}{unit}{rest}", wire::exports::REPORT, survey.id(), survey.version())
    };
    html! {
        <fieldset class="with-text report-links">
            <legend>{ "Báo cáo gửi cấp trên / Report for the level above" }</legend>
            <p class="note">{ "Theo mẫu báo cáo của máy chủ; số liệu như trên màn hình này. Mở bản A4 rồi in (Ctrl+P) để ký. / In the server's report template, with the figures shown here; open the A4 page and print it to sign." }</p>
            <div class="buttons">
                <a class="action secondary report-a4" target="_blank" rel="noopener" href={path("")}>
                    { "Báo cáo A4 (in, ký)" }<span class="en" lang="en">{ "A4 report, to print" }</span>
                </a>
                <a class="action secondary report-xlsx" download="" href={path("&format=xlsx")}>
                    { "Báo cáo Excel (XLSX)" }<span class="en" lang="en">{ "Report workbook (XLSX)" }</span>
                </a>
                if session.account.may(wire::session::Permission::ReadOfficers) {
                    <a class="action secondary report-internal" target="_blank" rel="noopener" href={path("&internal=true")}>
                        { "Báo cáo nội bộ, có xếp loại công chức (A4)" }<span class="en" lang="en">{ "Internal report, with officers (A4)" }</span>
                    </a>
                }
            </div>
        </fieldset>
    }
}

#[function_component(Exports)]
pub fn exports(props: &ExportsProps) -> Html {
    let workspace = &props.workspace;
    let survey = workspace.survey.clone();
    let choose_profile = {
        let on_profile = props.on_profile.clone();
        Callback::from(move |event: Event| {
            let name = event.target_unchecked_into::<HtmlSelectElement>().value();
            on_profile.emit(CsvProfile::from_name(&name).unwrap_or(CsvProfile::Excel));
        })
    };
    let with_text = use_state(|| false);
    let Some(figures) = workspace.figures.clone() else { return html! {} };
    // `hailong-tally-danh-gia-tai-quay-2026.1-2026-Q4-excel.csv`: what, of which survey and period.
    let stem = format!("{}-{}-{}", survey.id(), survey.version(), workspace.view.period.code());
    let dispatcher = workspace.dispatcher();
    let save = {
        let dispatcher = dispatcher.clone();
        move |name: String, mime: &'static str, bytes: Vec<u8>, carries: Vec<String>| {
            dispatcher.dispatch(WorkspaceAction::Download { part: Part::Exports, name, mime, bytes, carries })
        }
    };
    // A CSV in the profile chosen at the moment of the click.
    let save_csv = {
        let (save, stem, profile) = (save.clone(), stem.clone(), props.profile);
        move |kind: &str, make: &dyn Fn(CsvProfile) -> Vec<u8>, carries: Vec<String>| {
            let name = format!("hailong-{kind}-{stem}-{}.csv", profile.name());
            save(name, "text/csv;charset=utf-8", make(profile), carries)
        }
    };
    let on_tally = {
        let (save_csv, figures) = (save_csv.clone(), figures.clone());
        Callback::from(move |_: MouseEvent| save_csv("tally", &|profile| figures.tally.to_csv(profile), Vec::new()))
    };
    // The server's workspace names units, counters and fields beside their codes in the
    // indices and the workbook. The tally CSV stays as it is, to be imported elsewhere.
    let names = workspace.data().and_then(|data| data.server.as_ref()).map(|server| server.names.clone());
    let on_index = {
        let (save_csv, figures, survey, names) = (save_csv.clone(), figures.clone(), survey.clone(), names.clone());
        Callback::from(move |_: MouseEvent| {
            let rows = indices(&figures.tally, &Catalog::new([(*survey).clone()]), DEFAULT_MIN_N).unwrap_or_default();
            let (header, cells) = named(names.as_ref(), &INDEX_COLUMNS, index_cells(&rows));
            save_csv("index", &|profile| profile.write(&header, &cells), Vec::new())
        })
    };
    let on_xlsx = {
        let (save, dispatcher, figures, survey) = (save.clone(), dispatcher.clone(), figures.clone(), survey.clone());
        let names = names.clone();
        let name = format!("hailong-bao-cao-{stem}.xlsx");
        Callback::from(move |_: MouseEvent| {
            let rows = indices(&figures.tally, &Catalog::new([(*survey).clone()]), DEFAULT_MIN_N).unwrap_or_default();
            let (index_header, index_rows) = named(names.as_ref(), &INDEX_COLUMNS, index_cells(&rows));
            let (tally_header, tally_rows) = named(names.as_ref(), &TALLY_COLUMNS, figures.tally.rows());
            let sheets = [
                survey::reports::xlsx::Sheet { name: "Chỉ số", header: &index_header, rows: &index_rows },
                survey::reports::xlsx::Sheet { name: "Tổng hợp", header: &tally_header, rows: &tally_rows },
            ];
            match survey::reports::xlsx::workbook(&sheets) {
                Ok(bytes) => save(
                    name.clone(),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    bytes,
                    Vec::new(),
                ),
                Err(err) => dispatcher.dispatch(WorkspaceAction::Problem(Part::Exports, err)),
            }
        })
    };
    let on_raw = {
        let (save_csv, figures, survey) = (save_csv.clone(), figures.clone(), survey.clone());
        Callback::from(move |_: MouseEvent| {
            let ids = figures.records.iter().map(|record| record.response_id.clone()).collect();
            save_csv("raw", &|profile| survey::records::raw::write_raw(&survey, &figures.records, profile), ids);
        })
    };
    let on_comments = {
        let (save_csv, figures) = (save_csv.clone(), figures.clone());
        Callback::from(move |_: MouseEvent| {
            let rows = comment_rows(figures.records.iter().filter(|record| record.misuse.is_none()), None);
            save_csv("y-kien", &|profile| profile.write(&COMMENT_COLUMNS, &rows), Vec::new())
        })
    };
    let on_with_text = {
        let with_text = with_text.clone();
        Callback::from(move |event: Event| {
            with_text.set(field_ticked(&event));
        })
    };
    html! {
        <section class="exports" id="xuat">
            <h2>{ "Xuất tệp / Export" }</h2>
            <p>{ format!("Theo kỳ và cách chia đang chọn ở trên ({}). / For the period and grouping chosen above.", workspace.view.period.label(Lang::Vi)) }</p>
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
            if let Some(session) = &props.session {
                { report_links(session, &survey, &workspace.view.period.code()) }
                <p class="raw-from-server">
                    <a class="action secondary download-raw-server" download="" href={format!(
                        "{}?survey={}@{}&profile={}",
                        wire::exports::RESPONSES_CSV, survey.id(), survey.version(), props.profile.name()
                    )}>
                        { "Phiếu gốc trên máy chủ (CSV, có ý kiến đã che, chỉ dùng nội bộ)" }
                        <span class="en" lang="en">{ "Raw responses held by the server (CSV, masked comments, internal use)" }</span>
                    </a>
                    <a class="action secondary download-tagged" download="" href={format!(
                        "{}?period={}&profile={}", wire::comments::COMMENTS_CSV, workspace.view.period.code(), props.profile.name()
                    )}>
                        { "Ý kiến kèm chủ đề đã phân loại (CSV, đã che, chỉ dùng nội bộ)" }
                        <span class="en" lang="en">{ "Comments with their topics (CSV, masked, internal use)" }</span>
                    </a>
                </p>
            } else {
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
            }
            { notice_html(&workspace.notices.get(&Part::Exports).cloned()) }
        </section>
    }
}

/// A file's header and rows, with the server's names beside the codes where there are names.
fn named(names: Option<&Names>, header: &[&'static str], rows: Vec<Vec<Cell>>) -> (Vec<&'static str>, Vec<Vec<Cell>>) {
    match names {
        Some(names) => names.add_to(header, &rows),
        None => (header.to_vec(), rows),
    }
}
