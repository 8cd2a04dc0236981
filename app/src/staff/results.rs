//! The Results section: a period's counts, the overall rating as a chart, the indices, the
//! groups, each question's options, and the responses to look at (flagged or unfinished).
//! Pure views of the figures (`crate::staff::figures`).

use survey::definition::catalog::Catalog;
use survey::definition::model::Survey;
use survey::records::gate::CheckedRecord;
use survey::reports::chart::bar_chart;
use survey::reports::comments::answers_in_words;
use survey::reports::publish::overall_bars;
use survey::results::index::{DEFAULT_MIN_N, IndexRow, Scope, indices};
use survey::results::tally::{GroupBy, GroupCounts, Tally};
use survey::text::Lang;
use yew::prelude::*;

use crate::platform::storage::StorageReport;
use crate::staff::figures::{
    Data, Figures, View, caption, hundredths, option_english, percent_text, questions, response_rate,
};

pub fn results(survey: &Survey, data: &Data, view: &View, figures: &Figures) -> Html {
    let layout = Tally::layout_of(survey);
    let totals = &figures.totals;
    let rate = response_rate(survey, data, view, totals);
    // The units left out of the rate, by name where the server gave one (a device has none).
    let no_names = survey::results::names::Names::default();
    let names = data.server.as_ref().map_or(&no_names, |server| &server.names);
    let missing = rate.as_ref().map(|(_, received)| received.missing_names(names)).unwrap_or_default();
    let bars = overall_bars(survey, totals, Lang::Vi);
    let grouped = view.by != GroupBy::default();
    html! {
        <section class="results" aria-label="Kết quả / Results">
            <h2>{ format!("{} / {}", view.period.label(Lang::Vi), view.period.label(Lang::En)) }</h2>
            { summary(totals, figures.skipped, rate.map(|(responses, received)| (responses, received.dossiers)), &missing) }
            if !bars.is_empty() {
                <figure class="chart-box">
                    <figcaption>{ "Mức độ hài lòng chung / Overall rating" }</figcaption>
                    { Html::from_html_unchecked(bar_chart("Mức độ hài lòng chung / Overall rating", &bars, totals.responses).into()) }
                </figure>
            }
            { index_table(&figures.rows) }
            if !figures.unmatched.is_empty() {
                <p class="warning unmatched-indicators">{ format!(
                    "Các dòng chỉ số không khớp nhóm nào đang xem nên không được tính: {} / Entered lines that match nothing shown, so they count for nothing",
                    figures.unmatched.iter().map(|entry| {
                        let whom = if entry.staff.is_empty() { "cơ quan".to_owned() } else { format!("cán bộ {}", entry.staff) };
                        let unit = if entry.unit.is_empty() { String::new() } else { format!(", đơn vị {}", entry.unit) };
                        format!("chỉ số {} ({whom}{unit})", entry.indicator)
                    }).collect::<Vec<_>>().join("; ")
                ) }</p>
            }
            if grouped {
                { groups_table(survey, &figures.tally, view.by, data) }
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
            if !data.left_out.is_empty() || !data.damaged.is_empty() {
                <section class="warning" role="alert">
                    <h2>{ format!("{} bản ghi không đọc được hoặc không được tính / records unreadable or not counted", data.left_out.len() + data.damaged.len()) }</h2>
                    <p>{ "Các bản ghi này được giữ nguyên trên thiết bị và có trong tệp sao lưu, nhưng không được tính vào số liệu. / They are kept on the device as they are, and go into backups, but no figure counts them." }</p>
                    <ul>{ for data.left_out.iter().chain(data.damaged.iter()).map(|reason| html! { <li>{ reason }</li> }) }</ul>
                </section>
            }
        </section>
    }
}

/// The counts, and the response rate: (responses counted, dossiers received), with the units
/// whose dossiers were not entered, left out of it.
fn summary(totals: &GroupCounts, skipped: u64, rate: Option<(u64, u64)>, missing: &str) -> Html {
    html! {
        <dl class="summary">
            <div><dt>{ "Lượt đánh giá được tính / Responses counted" }</dt><dd class="responses">{ totals.responses }</dd></div>
            <div><dt>{ "Nghi lạm dụng / Flagged as misuse" }</dt><dd class="misuse">{ totals.misuse }</dd></div>
            <div><dt>{ "Chưa hoàn thành / Left unfinished" }</dt><dd class="partial">{ totals.partial }</dd></div>
            if let Some((responses, dossiers)) = rate.filter(|(_, dossiers)| *dossiers > 0) {
                <div><dt>{ format!("Tỷ lệ phản hồi ({responses} phiếu / {dossiers} hồ sơ) / Response rate") }</dt>
                    <dd class="response-rate">{ percent_text(responses, dossiers) }</dd>
                    if !missing.is_empty() {
                        <p class="note rate-missing">{ format!(
                            "Không tính đơn vị chưa nhập số hồ sơ: {} / Left out, no dossiers entered",
                            missing
                        ) }</p>
                    }
                </div>
            }
            if skipped > 0 {
                <div><dt>{ "Của khảo sát khác / For other surveys" }</dt><dd>{ skipped }</dd></div>
            }
        </dl>
    }
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
                        // Not classified: the row says why (which indicators are missing).
                        (None, Some(class)) => class.clone(),
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
fn groups_table(survey: &Survey, tally: &Tally, by: GroupBy, data: &Data) -> Html {
    // The server names its units: "Phường An Khánh (p1)" where a device shows the code alone.
    let unit_name = |code: &str| {
        data.server
            .as_ref()
            .and_then(|server| server.units.iter().find(|unit| unit.code == code))
            .map(|unit| format!("{} ({code})", unit.name_vi))
    };
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
                    // A counter is named with its unit: two wards' `quay-1` are two counters.
                    let with_unit = by.unit || by.counter;
                    let unit = with_unit.then(|| unit_name(&key.unit)).flatten();
                    let name = [(with_unit, unit.as_ref().unwrap_or(&key.unit)), (by.counter, &key.counter), (by.staff, &key.staff), (by.field, &key.field)]
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

/// The period's misuse-flagged and unfinished responses, for staff to look at, with what each
/// answered (an unfinished response counts for the questions it answered).
fn flagged_list(survey: &Survey, records: &[CheckedRecord]) -> Html {
    let flagged: Vec<&CheckedRecord> =
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

/// What the browser said about keeping this device's data.
pub fn storage_line(report: &Option<Result<StorageReport, String>>) -> Html {
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
