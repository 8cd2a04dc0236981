//! The Imports section: raw CSV from other kiosks, tallies from other units and backups, dropped
//! or picked; the workspace imports them one after another (`crate::staff::files`) and each
//! file's report says what was added, skipped or refused.

use yew::prelude::*;

use crate::staff::figures::conflict_summary;
use crate::staff::files::{self, FileReport};
use crate::staff::state::{SectionProps, WorkspaceAction};

#[function_component(Imports)]
pub fn imports(props: &SectionProps) -> Html {
    let workspace = &props.workspace;
    let hover = use_state(|| false);
    let run = {
        let dispatcher = workspace.dispatcher();
        move |files: Vec<web_sys::File>| dispatcher.dispatch(WorkspaceAction::Import(files))
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
            if let Some((name, share)) = &workspace.importing {
                <p class="import-progress" role="status">
                    <label for="import-progress">{ format!("Đang nhập / Importing {name}") }</label>
                    <progress id="import-progress" max="1" value={share.to_string()} />
                </p>
            }
            if !workspace.reports.is_empty() {
                <ul class="import-reports">
                    { for workspace.reports.iter().map(report_html) }
                </ul>
            }
        </section>
    }
}

fn report_html(report: &FileReport) -> Html {
    match report {
        FileReport::Responses { file, added, duplicates, settings_added } => html! {
            <li class="import-ok" data-added={added.to_string()} data-duplicates={duplicates.to_string()}>
                { format!("{file}: thêm {added} phiếu, bỏ qua {duplicates} phiếu đã có / {added} added, {duplicates} already here") }
                if *settings_added > 0 { { format!("; {settings_added} mục cài đặt / settings") } }
            </li>
        },
        FileReport::Unreadable { file, unreadable } => html! {
            <li class="violation import-refused" role="alert">
                { format!("{file}: KHÔNG khôi phục, không có gì thay đổi. {} phiếu trong tệp không đọc được hoặc không hợp lệ; sửa hoặc bỏ chúng khỏi tệp rồi thử lại. / NOT restored, nothing changed: {} responses in the file cannot be read or do not pass the checks.", unreadable.len(), unreadable.len()) }
                <ul>{ for unreadable.iter().map(|reason| html! { <li class="unreadable">{ reason.clone() }</li> }) }</ul>
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
