//! The staff area's phone section: QR codes that bring citizens to `/p/<unit>/<counter>`,
//! single-use codes issued by the server (a printed sheet, or one on screen per dossier), and
//! what this device has sent to the server (the outbox and the sent-ledger, exportable).

use std::rc::Rc;

use survey::csv::write::{Cell, CsvProfile};
use survey::records::record::is_code;
use survey::reports::qr::{self, Card};
use yew::prelude::*;

use crate::platform::download;
use crate::platform::storage::SharedStore;
use crate::platform::storage::{Outgoing, SentEntry};
use crate::settings::KioskSettings;
use crate::ui::notice::{Notice, notice_html};

/// The columns of the sent-ledger export.
pub const LEDGER_COLUMNS: [&str; 4] = ["response_id", "content_sha256", "status", "confirmed_at"];

#[derive(Properties, PartialEq)]
pub struct PhoneCodesProps {
    pub store: SharedStore,
    pub settings: KioskSettings,
}

#[derive(Clone, PartialEq)]
struct Sending {
    outbox: Rc<Vec<Outgoing>>,
    sent: Rc<Vec<SentEntry>>,
    /// What the sender's last round met, where this device has sent at all.
    last_round: Option<crate::platform::sync::LastRound>,
}

/// The two forms of the section, as typed: they start from this kiosk's settings and are the
/// staff member's to change (kept in state, never read back from the page).
#[derive(Clone, Debug, PartialEq)]
struct PhoneForm {
    base: String,
    unit: String,
    counters: String,
    token_counter: String,
    token_count: String,
    dossier: String,
    user: String,
    password: String,
}

/// A field of [`PhoneForm`].
#[derive(Clone, Copy)]
enum PhoneField {
    Base,
    Unit,
    Counters,
    TokenCounter,
    TokenCount,
    Dossier,
    User,
    Password,
}

impl PhoneForm {
    fn field_mut(&mut self, field: PhoneField) -> &mut String {
        match field {
            PhoneField::Base => &mut self.base,
            PhoneField::Unit => &mut self.unit,
            PhoneField::Counters => &mut self.counters,
            PhoneField::TokenCounter => &mut self.token_counter,
            PhoneField::TokenCount => &mut self.token_count,
            PhoneField::Dossier => &mut self.dossier,
            PhoneField::User => &mut self.user,
            PhoneField::Password => &mut self.password,
        }
    }
}

/// "1 code", "12 codes": Vietnamese has no plural, English does.
fn codes_in_english(count: usize) -> String {
    if count == 1 { "1 code".into() } else { format!("{count} codes") }
}

/// Where citizens' phones reach this server: the address this page came from.
fn this_origin() -> String {
    web_sys::window().and_then(|window| window.location().origin().ok()).unwrap_or_default()
}

/// One request for single-use codes, numbered so that asking again asks again.
#[derive(Clone, PartialEq)]
struct Issue {
    number: u32,
    base: String,
    unit: String,
    counter: String,
    user: String,
    password: String,
    dossier: Option<String>,
    count: usize,
}

#[function_component(PhoneCodes)]
pub fn phone_codes(props: &PhoneCodesProps) -> Html {
    let cards = use_state(Vec::<Card>::new);
    let notice = use_state(|| None::<Notice>);
    let sending = use_state(|| None::<Sending>);
    {
        let (store, sending) = (props.store.clone(), sending.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let outbox = store.0.outbox().await.unwrap_or_default();
                let sent = store.0.sent_ledger().await.unwrap_or_default();
                let last_round = store
                    .0
                    .setting(crate::platform::storage::LAST_ROUND_KEY)
                    .await
                    .ok()
                    .flatten()
                    .and_then(|json| serde_json::from_str(&json).ok());
                sending.set(Some(Sending { outbox: Rc::new(outbox), sent: Rc::new(sent), last_round }));
            });
        });
    }
    let form = use_state(|| PhoneForm {
        base: this_origin(),
        unit: props.settings.unit_code.clone(),
        counters: props.settings.counter_code.clone(),
        token_counter: props.settings.counter_code.clone(),
        token_count: "12".into(),
        dossier: String::new(),
        user: String::new(),
        password: String::new(),
    });
    let edit = |field: PhoneField| {
        let form = form.clone();
        Callback::from(move |event: InputEvent| {
            let mut next = (*form).clone();
            *next.field_mut(field) = crate::platform::dom::field_value(&event);
            form.set(next);
        })
    };

    // Plain codes: one per counter, any number of ratings.
    let show_plain = {
        let (cards, notice, form) = (cards.clone(), notice.clone(), form.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (base, unit) = (form.base.trim().to_owned(), form.unit.trim().to_owned());
            let counters = form.counters.clone();
            let counters: Vec<String> = counters
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect();
            if let Some(bad) = std::iter::once(&unit).chain(&counters).find(|code| !is_code(code)) {
                return notice.set(Some(Notice::Problem(format!(
                    "Mã `{bad}` không hợp lệ: chỉ chữ không dấu, số, `-`, `_`, `.` / `{bad}` is not a code: letters without accents, digits, - _ ."
                ))));
            }
            if counters.is_empty() {
                return notice
                    .set(Some(Notice::Problem("Nhập ít nhất một mã quầy / Enter at least one counter code".into())));
            }
            let base = base.trim_end_matches('/').to_owned();
            cards.set(
                counters
                    .iter()
                    .map(|counter| Card {
                        url: survey_defs::phone_url(&base, &unit, counter, None, false),
                        place: format!("{unit} · {counter}"),
                        note: String::new(),
                    })
                    .collect(),
            );
            notice.set(None);
        })
    };

    // Single-use codes, issued by the server for a staff account: the form asks, and the
    // effect below carries the request out (one per press of the button).
    let issuing = use_state(|| None::<Issue>);
    {
        let (cards, notice) = (cards.clone(), notice.clone());
        use_effect_with((*issuing).clone(), move |issuing| {
            let Some(Issue { base, unit, counter, user, password, dossier, count, .. }) = issuing.clone() else {
                return;
            };
            wasm_bindgen_futures::spawn_local(async move {
                let request = crate::platform::sync::TokenRequest {
                    count: if dossier.is_some() { None } else { Some(count) },
                    unit: unit.clone(),
                    counter: counter.clone(),
                    dossier: dossier.clone(),
                };
                match crate::platform::sync::issue_tokens(&user, &password, &request).await {
                    Ok(tokens) => {
                        let note = match &dossier {
                            Some(dossier) => format!("Hồ sơ {dossier} · dùng một lần"),
                            None => "Mỗi mã đánh giá một lần · one rating per code".to_owned(),
                        };
                        cards.set(
                            tokens
                                .iter()
                                .map(|token| Card {
                                    url: survey_defs::phone_url(&base, &unit, &counter, Some(token), dossier.is_some()),
                                    place: format!("{unit} · {counter}"),
                                    note: note.clone(),
                                })
                                .collect(),
                        );
                        notice.set(Some(Notice::Done(format!(
                            "Máy chủ đã cấp {} mã dùng một lần; mã chỉ hiện lần này, hãy in hoặc tải tờ in ngay. / The server issued {}; they show only now: print or save the sheet.",
                            tokens.len(),
                            codes_in_english(tokens.len())
                        ))));
                    }
                    Err(problem) => notice.set(Some(Notice::Problem(problem))),
                }
            });
        });
    }
    let issue = {
        let (issuing, notice, form) = (issuing.clone(), notice.clone(), form.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let trimmed = |text: &str| text.trim().to_owned();
            let (base, unit, counter) = (trimmed(&form.base), trimmed(&form.unit), trimmed(&form.token_counter));
            let (user, password, dossier) = (trimmed(&form.user), form.password.clone(), trimmed(&form.dossier));
            let count: usize = form.token_count.trim().parse().unwrap_or(0);
            if !is_code(&unit) || !is_code(&counter) {
                return notice.set(Some(Notice::Problem(
                    "Nhập mã đơn vị và mã quầy hợp lệ / Enter valid unit and counter codes".into(),
                )));
            }
            let number = issuing.as_ref().map_or(1, |last| last.number + 1);
            let dossier = Some(dossier).filter(|dossier| !dossier.is_empty());
            issuing.set(Some(Issue { number, base, unit, counter, user, password, dossier, count }));
        })
    };

    let save_sheet = {
        let (cards, notice) = (cards.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            let title = "Mã QR đánh giá sự phục vụ";
            let saved = qr::sheet(title, &cards, survey::text::Lang::Vi)
                .and_then(|html| download::save("ma-qr-danh-gia.html", "text/html;charset=utf-8", html.as_bytes()));
            if let Err(problem) = saved {
                notice.set(Some(Notice::Problem(problem)));
            }
        })
    };
    let save_ledger = {
        let (sending, notice) = (sending.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(sending) = &*sending else { return };
            let rows: Vec<Vec<Cell>> = sending
                .sent
                .iter()
                .map(|entry| {
                    vec![
                        Cell::Text(entry.response_id.clone()),
                        Cell::Text(entry.content_sha256.clone()),
                        Cell::Integer(u64::from(entry.status)),
                        Cell::Text(entry.confirmed_at.clone()),
                    ]
                })
                .collect();
            let bytes = CsvProfile::Excel.write(&LEDGER_COLUMNS, &rows);
            if let Err(problem) = download::save("so-da-gui.csv", "text/csv;charset=utf-8", &bytes) {
                notice.set(Some(Notice::Problem(problem)));
            }
        })
    };

    let preview = cards.iter().take(12).map(|card| {
        let code = qr::svg(&card.url, &card.place).unwrap_or_default();
        html! {
            <figure class="qr-card">
                { Html::from_html_unchecked(AttrValue::from(code)) }
                <figcaption>
                    <strong>{ &card.place }</strong>
                    if !card.note.is_empty() { <br />{ &card.note } }
                    <br /><span class="qr-url">{ &card.url }</span>
                </figcaption>
            </figure>
        }
    });
    let sending_html = match &*sending {
        None => html! {},
        Some(sending) => {
            let refused: Vec<&Outgoing> = sending.outbox.iter().filter(|entry| entry.refused.is_some()).collect();
            let waiting = sending.outbox.len() - refused.len();
            html! {
                <>
                    <dl class="summary sending">
                        <div><dt>{ "Chờ gửi / Waiting" }</dt><dd class="waiting">{ waiting }</dd></div>
                        <div><dt>{ "Máy chủ đã nhận / Confirmed" }</dt><dd class="sent">{ sending.sent.len() }</dd></div>
                        <div><dt>{ "Máy chủ từ chối / Refused" }</dt><dd class="refused">{ refused.len() }</dd></div>
                    </dl>
                    if let Some(round) = &sending.last_round {
                        <p class={classes!("last-round", (!round.ok).then_some("problem"))} role={(!round.ok).then_some("alert")}>
                            { format!("Lần gửi gần nhất ({}): {} / Last attempt: {}", round.at, round.words().0, round.words().1) }
                        </p>
                        if let Some((vi, en)) = round.clock_warning() {
                            <p class="clock-warning problem" role="alert">{ format!("{vi} / {en}") }</p>
                        }
                    }
                    if !refused.is_empty() {
                        <ul class="refused-list">
                            { for refused.iter().map(|entry| {
                                let refused = entry.refused.clone().unwrap_or_default();
                                let (status, reason) = refused.split_once(' ').unwrap_or((refused.as_str(), ""));
                                let (vi, en) = crate::platform::sync::refusal_words(status.parse().unwrap_or(0), reason);
                                html! { <li>{ format!("{}: {vi} / {en}", entry.response_id) }</li> }
                            }) }
                        </ul>
                    }
                    <button type="button" class="action" onclick={save_ledger} disabled={sending.sent.is_empty()}>
                        { "Tải sổ đã gửi (CSV) / Download the sent-ledger (CSV)" }
                    </button>
                </>
            }
        }
    };

    html! {
        <section class="phone-codes" id="dien-thoai">
            <h2>{ "Đánh giá bằng điện thoại" }<span class="en" lang="en">{ "Rating by phone" }</span></h2>
            <form class="staff-form" onsubmit={show_plain}>
                <label for="qr-base">{ "Địa chỉ máy chủ mà điện thoại người dân truy cập / The server's address for citizens' phones" }</label>
                <input id="qr-base" type="url" value={form.base.clone()} oninput={edit(PhoneField::Base)} />
                <label for="qr-unit">{ "Mã đơn vị / Unit code" }</label>
                <input id="qr-unit" type="text" value={form.unit.clone()} oninput={edit(PhoneField::Unit)} />
                <label for="qr-counters">{ "Mã các quầy, cách nhau bởi dấu phẩy / Counter codes, comma-separated" }</label>
                <textarea id="qr-counters" rows="2" value={form.counters.clone()} oninput={edit(PhoneField::Counters)} />
                <button type="submit" class="action">{ "Tạo mã QR cho từng quầy / Make a QR code per counter" }</button>
            </form>
            <form class="staff-form tokens" onsubmit={issue}>
                <p>{ "Mã dùng một lần (cần tài khoản cán bộ trên máy chủ) / Single-use codes (needs a staff account on the server)" }</p>
                <label for="token-counter">{ "Mã quầy / Counter code" }</label>
                <input id="token-counter" type="text" value={form.token_counter.clone()} oninput={edit(PhoneField::TokenCounter)} />
                <label for="token-count">{ "Số mã cần in / How many to print" }</label>
                <input id="token-count" type="number" min="1" max="240" value={form.token_count.clone()} oninput={edit(PhoneField::TokenCount)} />
                <label for="token-dossier">{ "Hoặc một mã cho hồ sơ số / Or one code for dossier" }</label>
                <input id="token-dossier" type="text" autocomplete="off" value={form.dossier.clone()} oninput={edit(PhoneField::Dossier)} />
                <label for="token-user">{ "Tài khoản / User" }</label>
                <input id="token-user" type="text" autocomplete="username" value={form.user.clone()} oninput={edit(PhoneField::User)} />
                <label for="token-password">{ "Mật khẩu / Password" }</label>
                <input id="token-password" type="password" autocomplete="current-password" value={form.password.clone()} oninput={edit(PhoneField::Password)} />
                <button type="submit" class="action">{ "Xin mã từ máy chủ / Get codes from the server" }</button>
            </form>
            { notice_html(&notice) }
            if !cards.is_empty() {
                <div class="qr-cards">{ for preview }</div>
                <button type="button" class="action" onclick={save_sheet}>
                    { format!("Tải tờ in {} mã (A4) / Download the sheet of {} (A4)", cards.len(), codes_in_english(cards.len())) }
                </button>
            }
            <h3>{ "Gửi về máy chủ / Sent to the server" }</h3>
            { sending_html }
        </section>
    }
}
