//! What staff enter per period, typed or imported as CSV: the dossiers the unit received, per
//! field (the denominator of the response rate and of QĐ 766's rate), and the Thông tư 01
//! indicators 2, 5, 6, 8 and 9 from the agency's systems (without which no agency is
//! classified). One form serves both.

use std::rc::Rc;

use survey::results::denominator::write_dossiers;
use survey::results::entered::write_entered;
use survey::text::Lang;
use yew::prelude::*;

use crate::platform::dom::field_value;
use crate::staff::files;
use crate::staff::state::{PeriodFile, Workspace, WorkspaceAction};
use crate::ui::jobs::use_jobs;
use crate::ui::notice::notice_html;

#[derive(Properties, PartialEq)]
pub struct PeriodFilesProps {
    pub workspace: Workspace,
    pub kind: PeriodFile,
}

/// The words of each form.
pub(crate) struct Words {
    pub id: &'static str,
    pub anchor: &'static str,
    pub heading: &'static str,
    pub hint: &'static str,
    pub file: &'static str,
    pub save: &'static str,
}

pub(crate) fn words(kind: PeriodFile) -> Words {
    match kind {
        PeriodFile::Dossiers => Words {
            id: "dossiers",
            anchor: "ho-so",
            heading: "Số hồ sơ tiếp nhận trong {} / Dossiers received",
            hint: "Mỗi dòng: mã lĩnh vực, số hồ sơ (để trống mã nếu không chia lĩnh vực) / One line per field: code, dossiers",
            file: "Hoặc nhập tệp CSV (cột field, dossiers) / Or import a CSV",
            save: "Lưu số hồ sơ / Save",
        },
        PeriodFile::Indicators => Words {
            id: "indicators",
            anchor: "chi-so",
            heading: "Chỉ số 2, 5, 6, 8, 9 trong {} (từ hệ thống của cơ quan) / Indicators from the agency's systems",
            hint: "Mỗi dòng: mã đơn vị, mã cán bộ (để trống cho cả cơ quan), số chỉ số, số hồ sơ được chấm, tổng điểm (mỗi hồ sơ 0, 1 hoặc 2 điểm). Cần đủ chín chỉ số mới xếp loại cơ quan. / One line each: unit, officer (blank for the agency), indicator, dossiers scored, total points.",
            file: "Hoặc nhập tệp CSV (cột unit, staff, indicator, dossiers, points) / Or import a CSV",
            save: "Lưu chỉ số / Save",
        },
    }
}

#[function_component(PeriodFiles)]
pub fn period_files(props: &PeriodFilesProps) -> Html {
    let (workspace, kind) = (&props.workspace, props.kind);
    let period = workspace.view.period;
    let words = words(kind);
    // What staff typed, until it is saved; the stored figures show otherwise.
    let typed = use_state(|| None::<String>);
    {
        let typed = typed.clone();
        use_effect_with(period, move |_| typed.set(None));
    }
    let save = {
        let dispatcher = workspace.dispatcher();
        Rc::new(move |text: String| dispatcher.dispatch(WorkspaceAction::SavePeriodFile { kind, period, text }))
    };
    // A picked file is read by the section's one effect, then saved as if typed.
    let read_file = {
        let (save, dispatcher) = (save.clone(), workspace.dispatcher());
        use_jobs(move |file: web_sys::File| {
            let (save, dispatcher) = (save.clone(), dispatcher.clone());
            async move {
                match files::file_text(&file).await {
                    Ok(text) => save(text),
                    Err(err) => dispatcher.dispatch(WorkspaceAction::Problem(kind.part(), err)),
                }
            }
        })
    };
    let Some(data) = workspace.data() else { return html! {} };
    // What is stored for the period, or the empty table with its header.
    let stored = match kind {
        PeriodFile::Dossiers => write_dossiers(data.dossiers.get(&period.code()).unwrap_or(&Default::default())),
        PeriodFile::Indicators => write_entered(data.indicators.get(&period.code()).unwrap_or(&Default::default())),
    };
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
        Callback::from(move |event: InputEvent| typed.set(Some(field_value(&event))))
    };
    let on_file = {
        Callback::from(move |event: Event| {
            if let Some(file) = files::picked_files(&event).into_iter().next() {
                read_file.emit(file);
            }
        })
    };
    let file_id = format!("{}-file", words.id);
    html! {
        <section class={classes!("denominators", words.id)} id={words.anchor}>
            <h2>{ words.heading.replace("{}", &period.label(Lang::Vi)) }</h2>
            <form class={classes!("staff-form", format!("{}-form", words.id))} onsubmit={on_submit}>
                <label for={words.id}>{ words.hint }</label>
                <textarea id={words.id} rows="4" value={text} oninput={on_input} />
                <label for={file_id.clone()}>{ words.file }</label>
                <input id={file_id} type="file" accept=".csv,text/csv" onchange={on_file} />
                <button type="submit" class="action">{ words.save }</button>
            </form>
            { notice_html(&workspace.notices.get(&kind.part()).cloned()) }
        </section>
    }
}
