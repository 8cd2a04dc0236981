//! The staff page: how many responses this device holds, per level, and the tally as CSV.
//!
//! Counts come from the `survey` core's tally, the same code the CLI and server use, so the
//! numbers on screen and in the downloaded file cannot disagree.

use std::rc::Rc;
use std::sync::Arc;

use survey::export::{Cell, CsvProfile};
use survey::tally::{Catalog, GroupCounts, POINTS, Slot, Tally, TallyOptions, percent};
use survey::{Lang, ResponseRecord, Survey};
use yew::prelude::*;

use crate::SharedStore;
use crate::{clock, download};

#[derive(Clone, PartialEq)]
enum Loaded {
    Loading,
    Ready { records: Rc<Vec<ResponseRecord>>, unreadable: Vec<String> },
    Failed(String),
}

#[derive(Properties, PartialEq)]
pub struct StaffProps {
    pub store: SharedStore,
    pub survey: Arc<Survey>,
}

#[function_component(Staff)]
pub fn staff(props: &StaffProps) -> Html {
    let loaded = use_state(|| Loaded::Loading);
    let storage = use_state(|| None::<Result<crate::storage::StorageReport, String>>);
    {
        let storage = storage.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(
                async move { storage.set(Some(crate::storage::persist_and_report().await)) },
            );
        });
    }
    let download_error = use_state(|| None::<String>);
    {
        let loaded = loaded.clone();
        let store = props.store.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match store.0.responses().await {
                    Ok(results) => {
                        let mut records = Vec::new();
                        let mut unreadable = Vec::new();
                        for result in results {
                            match result {
                                Ok(record) => records.push(record),
                                Err(err) => unreadable.push(err.to_string()),
                            }
                        }
                        loaded.set(Loaded::Ready { records: Rc::new(records), unreadable });
                    }
                    Err(err) => loaded.set(Loaded::Failed(err.to_string())),
                }
            });
        });
    }

    let body = match &*loaded {
        Loaded::Loading => html! { <p>{ "Đang đọc dữ liệu… / Reading…" }</p> },
        Loaded::Failed(reason) => html! {
            <p role="alert">{ format!("Không đọc được dữ liệu trên thiết bị / Could not read this device's data: {reason}") }</p>
        },
        Loaded::Ready { records, unreadable } => {
            let counted = count(&props.survey, records);
            let totals = counted.tally.totals(&props.survey.id, &props.survey.version);
            let layout = Tally::layout_of(&props.survey);
            let on_download = {
                let tally = counted.tally.clone();
                let survey = props.survey.clone();
                let download_error = download_error.clone();
                Callback::from(move |_: MouseEvent| {
                    let bytes = tally.to_csv(CsvProfile::Excel);
                    let name = tally_file_name(&survey, clock::now_millis());
                    download_error.set(download::save(&name, "text/csv;charset=utf-8", &bytes).err());
                })
            };
            html! {
                <>
                    { summary(&totals, counted.skipped) }
                    { for questions(&layout).into_iter().map(|(question_id, slots)| {
                        let counts = totals.questions.get(&question_id).cloned().unwrap_or_default();
                        html! {
                        <table class="tally" data-question={question_id.clone()}>
                            <caption>{ caption(&props.survey, &question_id) }</caption>
                            <thead><tr>
                                <th scope="col">{ "Câu trả lời / Answer" }</th>
                                <th scope="col" class="num">{ "Số lượt / Count" }</th>
                                <th scope="col" class="num">{ "Tỷ lệ / Share" }</th>
                            </tr></thead>
                            <tbody>
                                { for slots.iter().map(|slot| {
                                    let count = counts.options.get(&slot.code).copied().unwrap_or(0);
                                    let english = option_english(&props.survey, &question_id, &slot.code);
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
                    if !unreadable.is_empty() {
                        <section class="warning" role="alert">
                            <h2>{ format!("{} bản ghi không đọc được / unreadable records", unreadable.len()) }</h2>
                            <p>{ "Các bản ghi này được giữ nguyên trên thiết bị. / They are kept on the device as they are." }</p>
                            <ul>{ for unreadable.iter().map(|reason| html! { <li>{ reason }</li> }) }</ul>
                        </section>
                    }
                    <p>
                        <button type="button" class="action download-tally" onclick={on_download}>
                            { "Tải bảng tổng hợp (CSV cho Excel)" }
                            <span class="en" lang="en">{ "Download the tally (CSV for Excel)" }</span>
                        </button>
                    </p>
                    if let Some(error) = &*download_error {
                        <p role="alert">{ format!("Không tải được tệp / The download failed: {error}") }</p>
                    }
                </>
            }
        }
    };

    html! {
        <main class="page staff">
            <h1>{ "Kết quả đánh giá trên thiết bị này" }<span class="en" lang="en">{ "Responses on this device" }</span></h1>
            <p class="survey-name">{ format!("{} (phiên bản {})", props.survey.title.get(Lang::Vi), props.survey.version) }</p>
            { body }
            { storage_line(&storage) }
            <p><a href="/">{ "← Về màn hình đánh giá / Back to the rating screen" }</a></p>
        </main>
    }
}

/// What the browser said about keeping this device's data.
fn storage_line(report: &Option<Result<crate::storage::StorageReport, String>>) -> Html {
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

/// The tally of this device's records, and how many it could not count.
struct Counted {
    tally: Tally,
    /// Records of other surveys or versions, or that do not fit their survey.
    skipped: u64,
}

fn count(survey: &Survey, records: &[ResponseRecord]) -> Counted {
    let catalog = Catalog::new([survey.clone()]);
    let mut tally = Tally::default();
    let mut skipped = 0;
    for record in records {
        if tally.add(&catalog, record, &TallyOptions::default()).is_err() {
            skipped += 1;
        }
    }
    Counted { tally, skipped }
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

fn summary(totals: &GroupCounts, skipped: u64) -> Html {
    html! {
        <dl class="summary">
            <div><dt>{ "Lượt đánh giá được tính / Responses counted" }</dt><dd class="responses">{ totals.responses }</dd></div>
            <div><dt>{ "Nghi lạm dụng (không tính) / Flagged as misuse (not counted)" }</dt><dd>{ totals.misuse }</dd></div>
            <div><dt>{ "Chưa hoàn thành (không tính) / Left unfinished (not counted)" }</dt><dd>{ totals.partial }</dd></div>
            if skipped > 0 {
                <div><dt>{ "Của khảo sát khác / For other surveys" }</dt><dd>{ skipped }</dd></div>
            }
        </dl>
    }
}

/// The question's text, and for a matrix item (`question.item`) the item's text after it.
fn caption(survey: &Survey, tally_id: &str) -> String {
    let (question_id, item_id) = match tally_id.split_once('.') {
        Some((question_id, item_id)) => (question_id, Some(item_id)),
        None => (tally_id, None),
    };
    let Some(question) = survey.question(question_id) else { return tally_id.to_owned() };
    let item = match (&question.kind, item_id) {
        (survey::model::QuestionKind::Matrix { items, .. }, Some(item_id)) => {
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
    match percent(count, answered) {
        Some(Cell::Fixed { scaled, .. }) => format!("{},{:02} %", scaled / 100, scaled % 100),
        _ => "–".into(),
    }
}

/// `hailong-tally-danh-gia-tai-quay-2026.1-20261123.csv`: the survey, version and export day.
fn tally_file_name(survey: &Survey, now_millis: i64) -> String {
    let day = survey::vn_time::format_vietnam(now_millis).map(|stamp| stamp[..10].replace('-', "")).unwrap_or_default();
    format!("hailong-tally-{}-{}-{day}.csv", survey.id, survey.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_show_a_decimal_comma() {
        assert_eq!(percent_text(2, 3), "66,67 %");
        assert_eq!(percent_text(0, 0), "–");
    }

    #[test]
    fn the_file_name_says_what_and_when() {
        let survey = survey_defs::by_id(survey_defs::COUNTER_RATING_ID).unwrap();
        assert_eq!(tally_file_name(&survey, 1_795_435_695_000), "hailong-tally-danh-gia-tai-quay-2026.1-20261123.csv");
    }
}
