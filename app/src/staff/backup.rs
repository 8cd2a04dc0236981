//! Backing up the whole store to one file, and clearing the responses once every one of them
//! is in a file saved this session.

use yew::prelude::*;

use crate::platform::dom::field_value;
use crate::staff::state::{CONFIRM_WORD, Part, SectionProps, WorkspaceAction, now_stamp};
use crate::ui::notice::notice_html;

#[function_component(BackupAndClear)]
pub fn backup_and_clear(props: &SectionProps) -> Html {
    let workspace = &props.workspace;
    let confirm_word = use_state(String::new);
    let Some(data) = workspace.data() else { return html! {} };
    let on_backup = {
        let dispatcher = workspace.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(WorkspaceAction::Backup { made_at: now_stamp() }))
    };
    let unsaved = data.records.iter().filter(|record| !workspace.saved.contains(&record.response_id)).count()
        + data.left_out.len();
    let on_clear = {
        let (dispatcher, confirm_word) = (workspace.dispatcher(), confirm_word.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            dispatcher.dispatch(WorkspaceAction::Clear { typed: (*confirm_word).clone() });
        })
    };
    let total = data.records.len() + data.left_out.len();
    html! {
        <section class="backup" id="sao-luu">
            <h2>{ "Sao lưu và xóa / Backup and clear" }</h2>
            <p>{ "Tệp sao lưu chứa mọi phiếu, cài đặt, số liệu đã chốt và số hồ sơ (không chứa mã PIN và mã thiết bị: máy khôi phục cần nhập lại mã thiết bị ở phần Cài đặt). Khôi phục bằng cách nhập tệp ở phần Nhập và gộp; nhập lại nhiều lần không làm trùng phiếu. / A backup holds every response, setting, certificate and denominator (never the PIN nor the device token: enter the token again on a restored tablet). Restore it under Import; restoring twice changes nothing." }</p>
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
                           oninput={{ let confirm_word = confirm_word.clone(); Callback::from(move |event: InputEvent| confirm_word.set(field_value(&event))) }} />
                    <button type="submit" class="action danger">{ "Xóa phiếu / Clear responses" }</button>
                }
            </form>
            { notice_html(&workspace.notices.get(&Part::Backup).cloned()) }
        </section>
    }
}
