//! The published results page: one self-contained HTML file for the website and the notice
//! board, made from the period's certificate when there is one, marked as a draft otherwise.

use survey::definition::catalog::Catalog;
use survey::reports::publish::ResultsPage;
use survey::results::certify;
use survey::results::index::DEFAULT_MIN_N;
use survey::text::Lang;
use yew::prelude::*;

use crate::platform::dom::field_value;
use crate::settings::KioskSettings;
use crate::staff::figures::certificate_key;
use crate::staff::state::{Part, Workspace, WorkspaceAction, now_stamp};
use crate::ui::notice::notice_html;

#[derive(Properties, PartialEq)]
pub struct PublishProps {
    pub workspace: Workspace,
    pub settings: KioskSettings,
}

#[function_component(Publish)]
pub fn publish(props: &PublishProps) -> Html {
    let workspace = &props.workspace;
    let (survey, period) = (workspace.survey.clone(), workspace.view.period);
    let page_lang = use_state(|| Lang::Vi);
    let (Some(data), Some(figures)) = (workspace.data(), workspace.figures.clone()) else { return html! {} };
    let choose_lang = {
        let page_lang = page_lang.clone();
        Callback::from(move |event: Event| page_lang.set(Lang::parse(&field_value(&event)).unwrap_or_default()))
    };
    let certificate = data.certificates.get(&certificate_key(&survey, period)).cloned();
    let on_download = {
        let (survey, settings, data, figures, dispatcher) =
            (survey.clone(), props.settings.clone(), data.clone(), figures.clone(), workspace.dispatcher());
        let problem = {
            let dispatcher = dispatcher.clone();
            move |reason: String| dispatcher.dispatch(WorkspaceAction::Problem(Part::Publish, reason))
        };
        let (certificate, page_lang) = (certificate.clone(), page_lang.clone());
        Callback::from(move |_: MouseEvent| {
            let lang = *page_lang;
            // A certified period is published from its certificate, never recounted.
            let tally = match &certificate {
                Some(certificate) => match certificate.tally() {
                    Ok(tally) => tally,
                    Err(err) => return problem(format!("certificate: {err}")),
                },
                None => {
                    let catalog = Catalog::new([(*survey).clone()]);
                    match certify::period_tally(&catalog, survey.id(), survey.version(), period, &figures.records) {
                        Ok(tally) => tally,
                        Err(err) => return problem(err.to_string()),
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
                received: data
                    .dossiers
                    .get(&period.code())
                    .map(|map| survey::results::denominator::Received::all(map.values().sum())),
                indicators: &data.indicators.get(&period.code()).cloned().unwrap_or_default(),
                certificate: certificate.as_ref(),
                min_n: DEFAULT_MIN_N,
                generated_at: &now_stamp(),
                names: &Default::default(),
                reply: None,
                reply_written_at: None,
            };
            let name = format!(
                "ket-qua-{}-{}-{}.html",
                if settings.unit_code.is_empty() { "don-vi" } else { &settings.unit_code },
                period.code(),
                lang.code()
            );
            let (mime, bytes) = ("text/html;charset=utf-8", page.to_html().into_bytes());
            dispatcher.dispatch(WorkspaceAction::Download {
                part: Part::Publish,
                name,
                mime,
                bytes,
                carries: Vec::new(),
            });
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
                <option value={Lang::Vi.code()} selected=true>{ "Tiếng Việt" }</option>
                <option value={Lang::En.code()}>{ "English" }</option>
            </select>
            <div class="buttons">
                <button type="button" class="action download-page" onclick={on_download}>
                    { "Tải trang công bố (HTML, in ra A4)" }<span class="en" lang="en">{ "Download the page (HTML, prints on A4)" }</span>
                </button>
            </div>
            { notice_html(&workspace.notices.get(&Part::Publish).cloned()) }
        </section>
    }
}
