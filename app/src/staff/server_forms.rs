//! What a unit enters on the server for a period, beside certifying it: the dossiers it
//! received (office staff, leaders), and its leaders' account of what was done about what
//! citizens said ("Kết quả tiếp thu, giải quyết"), which the published page shows; and, not of a
//! period, a unit's topics for sorting comments and where its daily digest goes. One form
//! serves them all: read from the server when shown, checked here where the core can say what is
//! wrong, and sent.

use serde_json::{Value, json};
use survey::results::period::Period;
use survey::text::Lang;
use yew::prelude::*;

use wire::session::Session;

use crate::platform::account;
use crate::staff::writes::{Write, use_writes};
use crate::ui::notice::{Notice, notice_html};

/// Which text of the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodText {
    Dossiers,
    Reply,
    /// A unit's topics for sorting comments, one a line; not of a period.
    Topics,
    /// Where a unit's daily digest of low ratings goes, one address a line; not of a period.
    Digest,
}

/// The most characters of a reply, as the server keeps it.
const MAX_REPLY_CHARS: usize = 4_000;

impl PeriodText {
    fn path(self, unit: &str, period: Period) -> String {
        match self {
            PeriodText::Dossiers => wire::path(wire::certificates::DOSSIERS, &[unit, &period.code()]),
            PeriodText::Reply => wire::path(wire::followups::REPLIES, &[unit, &period.code()]),
            PeriodText::Topics => wire::path(wire::comments::TOPICS, &[unit]),
            PeriodText::Digest => wire::path(wire::digest::DIGEST, &[unit]),
        }
    }

    /// The text to edit, from the server's answer.
    fn text_of(self, answer: &Value) -> String {
        fn read<T: serde::de::DeserializeOwned>(answer: &Value) -> Option<T> {
            serde_json::from_value(answer.clone()).ok()
        }
        match self {
            PeriodText::Dossiers => read(answer)
                .map(|read: wire::certificates::Dossiers| survey::results::denominator::write_dossiers(&read.dossiers))
                .unwrap_or_default(),
            PeriodText::Reply => read(answer).map(|read: wire::followups::Reply| read.text).unwrap_or_default(),
            PeriodText::Topics => {
                read(answer).map(|read: wire::comments::Topics| read.topics.join("\n")).unwrap_or_default()
            }
            PeriodText::Digest => {
                read(answer).map(|read: wire::digest::Addresses| read.addresses.join("\n")).unwrap_or_default()
            }
        }
    }

    /// The body to send and what to say once it is stored, or what is wrong with the text.
    fn body(self, typed: &str) -> Result<(Value, String), String> {
        match self {
            PeriodText::Dossiers => {
                let entered =
                    survey::results::denominator::read_dossiers(typed.as_bytes()).map_err(|err| err.to_string())?;
                let total: u64 = entered.values().sum();
                Ok((
                    json!(wire::certificates::DossiersBody { dossiers: entered }),
                    format!("Đã lưu trên máy chủ: {total} hồ sơ. / Saved on the server."),
                ))
            }
            PeriodText::Reply if typed.chars().count() > MAX_REPLY_CHARS => {
                Err(format!("Dài quá {MAX_REPLY_CHARS} ký tự. / Longer than {MAX_REPLY_CHARS} characters."))
            }
            PeriodText::Reply => Ok((
                json!(wire::followups::ReplyBody { text: typed.to_owned() }),
                "Đã lưu: trang công bố hiển thị nội dung này. / Saved: the published page shows it.".into(),
            )),
            PeriodText::Topics => {
                let topics: Vec<String> =
                    typed.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_owned).collect();
                if topics.is_empty() {
                    return Ok((
                        json!(wire::comments::TopicsBody { topics: Vec::new() }),
                        "Đã lưu: đơn vị dùng chủ đề của đơn vị cấp trên. / Saved: the unit uses its parent's topics."
                            .into(),
                    ));
                }
                survey::results::topics::check_topics(&topics).map_err(|reason| {
                    format!("Danh sách chủ đề chưa đúng: {reason} / The list of topics is not right: {reason}")
                })?;
                Ok((
                    json!(wire::comments::TopicsBody { topics: topics.clone() }),
                    format!("Đã lưu {} chủ đề. / Saved.", topics.len()),
                ))
            }
            PeriodText::Digest => {
                let addresses: Vec<String> =
                    typed.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_owned).collect();
                let done = if addresses.is_empty() {
                    "Đã lưu: không gửi thư tóm tắt nữa. / Saved: no digest is sent.".to_owned()
                } else {
                    format!("Đã lưu: thư tóm tắt gửi tới {} địa chỉ. / Saved.", addresses.len())
                };
                Ok((json!(wire::digest::AddressesBody { addresses }), done))
            }
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct PeriodFormProps {
    pub kind: PeriodText,
    pub session: Session,
    pub unit: String,
    pub period: Period,
    pub on_changed: Callback<()>,
    pub on_session_ended: Callback<()>,
}

#[function_component(PeriodForm)]
pub fn period_form(props: &PeriodFormProps) -> Html {
    let kind = props.kind;
    let path = kind.path(&props.unit, props.period);
    let text = use_state(|| None::<String>);
    let notice = use_state(|| None::<Notice>);
    {
        let (text, notice, ended, session, path) =
            (text.clone(), notice.clone(), props.on_session_ended.clone(), props.session.clone(), path.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match account::call(&session, "GET", &path, None).await {
                    Ok(answer) => text.set(Some(kind.text_of(&answer))),
                    Err(Some(reason)) => notice.set(Some(Notice::Problem(reason))),
                    Err(None) => ended.emit(()),
                }
            });
        });
    }
    let on_input = {
        let text = text.clone();
        Callback::from(move |event: InputEvent| text.set(Some(crate::platform::dom::field_value(&event))))
    };
    let writes = use_writes(&props.session, &notice, &props.on_session_ended);
    let on_submit = {
        let (text, notice, changed) = (text.clone(), notice.clone(), props.on_changed.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (body, done) = match kind.body(&(*text).clone().unwrap_or_default()) {
                Ok(made) => made,
                Err(problem) => return notice.set(Some(Notice::Problem(problem))),
            };
            writes.emit(Write {
                method: "PUT",
                path: path.clone(),
                body: body.to_string(),
                done,
                then: changed.clone(),
            });
        })
    };
    let period = props.period.label(Lang::Vi);
    let (class, id, heading, hint, save) = match kind {
        PeriodText::Dossiers => {
            let words = crate::staff::denominators::words(crate::staff::state::PeriodFile::Dossiers);
            ("dossiers", "dossiers", words.heading.replace("{}", &period), words.hint, words.save)
        }
        PeriodText::Reply => (
            "reply",
            "reply-text",
            format!("Kết quả tiếp thu, giải quyết ý kiến trong {period} / What was done about what citizens said"),
            "Lãnh đạo đơn vị ghi ngắn gọn đơn vị đã làm gì; trang công bố hiển thị nguyên văn. Để trống để bỏ. / A leader says briefly what the unit did; the published page shows it as written. Leave blank to remove.",
            "Lưu / Save",
        ),
        PeriodText::Topics => (
            "topics",
            "topics-text",
            "Chủ đề phân loại ý kiến của đơn vị / The unit's topics for comments".to_owned(),
            "Mỗi dòng một chủ đề. Ý kiến đã phân loại giữ chủ đề cũ. Để trống để dùng chủ đề của đơn vị cấp trên. / One topic a line. Comments already tagged keep theirs. Leave blank to use the parent unit's.",
            "Lưu chủ đề / Save topics",
        ),
        PeriodText::Digest => (
            "digest",
            "digest-addresses",
            "Thư tóm tắt hằng ngày / Daily digest by e-mail".to_owned(),
            "Mỗi dòng một địa chỉ e-mail nhận thư tóm tắt số đánh giá không hài lòng mỗi ngày (chỉ có số đếm, không có ý kiến hay tên cán bộ). Để trống để thôi gửi. / One address a line for the daily digest of low ratings (counts only). Leave blank to stop it.",
            "Lưu địa chỉ / Save addresses",
        ),
    };
    html! {
        <section class={classes!("denominators", class)}>
            <h3>{ heading }</h3>
            <form class={classes!("staff-form", format!("{class}-form"))} onsubmit={on_submit}>
                <label for={id}>{ hint }</label>
                <textarea id={id} rows="4" value={(*text).clone().unwrap_or_default()} oninput={on_input} disabled={text.is_none()} />
                <button type="submit" class="action" disabled={text.is_none()}>{ save }</button>
            </form>
            { notice_html(&notice) }
        </section>
    }
}
