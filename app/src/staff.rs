//! The staff page: how many responses this device holds, per level, and the tally as CSV.
//!
//! Counts come from the `survey` core's tally, the same code the CLI and server use, so the
//! numbers on screen and in the downloaded file cannot disagree.

use std::rc::Rc;

use survey::export::{Cell, CsvProfile};
use survey::tally::{Tally, percent};
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
    pub survey: Rc<Survey>,
}

#[function_component(Staff)]
pub fn staff(props: &StaffProps) -> Html {
    let loaded = use_state(|| Loaded::Loading);
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
            let tally = Tally::count(&props.survey, records.iter());
            let on_download = {
                let tally = tally.clone();
                let download_error = download_error.clone();
                Callback::from(move |_: MouseEvent| {
                    let bytes = tally.to_csv(CsvProfile::Excel);
                    let name = tally_file_name(&tally, clock::now_millis());
                    download_error.set(download::save(&name, "text/csv;charset=utf-8", &bytes).err());
                })
            };
            html! {
                <>
                    { summary(&tally) }
                    { for tally.questions.iter().map(|question| html! {
                        <table class="tally" data-question={question.question_id.clone()}>
                            <caption>{ caption(&props.survey, &question.question_id) }</caption>
                            <thead><tr>
                                <th scope="col">{ "Mức độ / Level" }</th>
                                <th scope="col" class="num">{ "Số lượt / Count" }</th>
                                <th scope="col" class="num">{ "Tỷ lệ / Share" }</th>
                            </tr></thead>
                            <tbody>
                                { for question.options.iter().map(|option| html! {
                                    <tr data-code={option.code.clone()}>
                                        <th scope="row">{ option.label.get(Lang::Vi) }<span class="en" lang="en">{ option.label.get(Lang::En) }</span></th>
                                        <td class="num count">{ option.count }</td>
                                        <td class="num">{ percent_text(option.count, question.answered) }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    }) }
                    if !unreadable.is_empty() {
                        <section class="warning" role="alert">
                            <h2>{ format!("{} bản ghi không đọc được / unreadable records", unreadable.len()) }</h2>
                            <p>{ "Các bản ghi này được giữ nguyên trên thiết bị. / They are kept on the device as they are." }</p>
                            <ul>{ for unreadable.iter().map(|reason| html! { <li>{ reason }</li> }) }</ul>
                        </section>
                    }
                    <p>
                        <button type="button" class="action" onclick={on_download}>
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
            <p><a href="/">{ "← Về màn hình đánh giá / Back to the rating screen" }</a></p>
        </main>
    }
}

fn summary(tally: &Tally) -> Html {
    html! {
        <dl class="summary">
            <div><dt>{ "Lượt đánh giá được tính / Responses counted" }</dt><dd class="responses">{ tally.responses }</dd></div>
            <div><dt>{ "Nghi lạm dụng (không tính) / Flagged as misuse (not counted)" }</dt><dd>{ tally.misuse }</dd></div>
            <div><dt>{ "Chưa hoàn thành (không tính) / Left unfinished (not counted)" }</dt><dd>{ tally.partial }</dd></div>
            if tally.skipped > 0 {
                <div><dt>{ "Của khảo sát khác / For other surveys" }</dt><dd>{ tally.skipped }</dd></div>
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
fn tally_file_name(tally: &Tally, now_millis: i64) -> String {
    let day = survey::vn_time::format_vietnam(now_millis).map(|stamp| stamp[..10].replace('-', "")).unwrap_or_default();
    format!("hailong-tally-{}-{}-{day}.csv", tally.survey_id, tally.survey_version)
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
        let tally = Tally::count(&survey, []);
        assert_eq!(tally_file_name(&tally, 1_795_435_695_000), "hailong-tally-danh-gia-tai-quay-2026.1-20261123.csv");
    }
}
