//! Backing up the whole store to one file, checking that the file arrived, and clearing exactly
//! the responses in the files checked this session: a response stored since, or in a download
//! nobody found, is never cleared.

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
    let saved = |id: &str| workspace.saved.contains(id);
    // A record left out of the figures is named "id: why" (an unreadable one has no id).
    let unsaved = data.records.iter().filter(|record| !saved(&record.response_id)).count()
        + data.left_out.iter().filter(|line| !line.split_once(": ").is_some_and(|(id, _)| saved(id))).count();
    let on_clear = {
        let (dispatcher, confirm_word) = (workspace.dispatcher(), confirm_word.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            dispatcher.dispatch(WorkspaceAction::Clear { typed: (*confirm_word).clone() });
        })
    };
    let total = data.records.len() + data.left_out.len();
    let clearable = total - unsaved;
    let checks = workspace.written.iter().map(|written| {
        let dispatcher = workspace.dispatcher();
        let file = written.file.clone();
        let on_check = Callback::from(move |_: MouseEvent| dispatcher.dispatch(WorkspaceAction::Checked { file: file.clone() }));
        html! {
            <li class="written" data-file={written.file.clone()}>
                { format!("Tệp {} ({} phiếu) đã được gửi tới trình duyệt. Mở thư mục Tải về (Downloads) và xem tệp có ở đó, đúng tên và có dung lượng, rồi bấm: / {} ({} responses) was handed to the browser. Open the Downloads folder, find the file, then press:", written.file, written.ids.len(), written.file, written.ids.len()) }
                <button type="button" class="action check-written" onclick={on_check}>
                    { "Đã thấy tệp" }<span class="en" lang="en">{ "I see the file" }</span>
                </button>
            </li>
        }
    });
    html! {
        <section class="backup" id="sao-luu">
            <h2>{ "Sao lưu và xóa / Backup and clear" }</h2>
            <p>{ "Tệp sao lưu chứa mọi phiếu, cài đặt, số liệu đã chốt và số hồ sơ (không chứa mã PIN và mã thiết bị: máy khôi phục cần nhập lại mã thiết bị ở phần Cài đặt). Khôi phục bằng cách nhập tệp ở phần Nhập và gộp; nhập lại nhiều lần không làm trùng phiếu. / A backup holds every response, setting, certificate and denominator (never the PIN nor the device token: enter the token again on a restored tablet). Restore it under Import; restoring twice changes nothing." }</p>
            <button type="button" class="action download-backup" onclick={on_backup}>
                { "Tải tệp sao lưu toàn bộ" }<span class="en" lang="en">{ "Download a full backup" }</span>
            </button>
            if !workspace.written.is_empty() {
                <ul class="written-files">{ for checks }</ul>
            }
            <form class="staff-form clear-form" onsubmit={on_clear}>
                <h3>{ format!("Xóa {clearable} phiếu đã lưu vào tệp / Clear {clearable} saved responses") }</h3>
                <p class="saved-count" data-saved={clearable.to_string()} data-unsaved={unsaved.to_string()}>
                    { format!("Trên thiết bị có {total} phiếu: {clearable} phiếu nằm trong tệp đã kiểm tra trong phiên này, {unsaved} phiếu chưa. Chỉ {clearable} phiếu đó được xóa; phiếu chưa lưu vào tệp và phiếu lưu sau đó luôn được giữ. / {total} responses here: {clearable} are in a file checked this session and only those are cleared; the other {unsaved} and any stored later are kept.") }
                </p>
                if clearable == 0 {
                    <p class="note">{ "Hãy tải tệp sao lưu, kiểm tra tệp trong thư mục Tải về, rồi mới xóa. / Download a backup and check it in your Downloads folder first." }</p>
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
