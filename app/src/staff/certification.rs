//! Certifying a period: the counts to be locked are shown and confirmed, then the certificate
//! is stored; a certified period is checked against the responses stored now, every time.

use std::sync::Arc;

use survey::definition::catalog::Catalog;
use survey::definition::model::Survey;
use survey::results::certify::{self, Certificate, Verification};
use survey::results::period::Period;
use survey::results::tally::GroupCounts;
use survey::text::Lang;
use yew::prelude::*;

use wire::city::UnitName;
use wire::session::{Permission, Session};

use crate::platform::account;
use crate::platform::dom::field_ticked;
use crate::staff::figures::{DataHandle, certificate_key, counted_in_words};
use crate::staff::server_forms::{PeriodForm, PeriodText};
use crate::staff::state::{Part, SectionProps, WorkspaceAction, now_stamp, today};
use crate::staff::writes::{Write, use_writes};
use crate::ui::notice::{Notice, notice_html};

#[function_component(Certification)]
pub fn certification(props: &SectionProps) -> Html {
    let workspace = &props.workspace;
    let (survey, period) = (&workspace.survey, workspace.view.period);
    // Counted once per change of the data or the period, not on every tick of a checkbox.
    let to_lock =
        use_memo((workspace.data().cloned().map(DataHandle), period, survey.clone()), |(data, period, survey)| {
            let catalog = Catalog::new([(**survey).clone()]);
            data.as_ref()
                .and_then(|data| {
                    certify::period_tally(&catalog, survey.id(), survey.version(), *period, data.0.records.iter()).ok()
                })
                .map(|tally| tally.totals(survey.id(), survey.version()))
                .unwrap_or_default()
        });
    let Some(data) = workspace.data() else { return html! {} };
    let certificate = data.certificates.get(&certificate_key(survey, period));
    let catalog = Catalog::new([(**survey).clone()]);
    let ended = period.end < today();
    let dispatch = |action: fn() -> WorkspaceAction| {
        let dispatcher = workspace.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(action()))
    };
    let on_certify = {
        let dispatcher = workspace.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(WorkspaceAction::Certify { now: now_stamp() }))
    };
    let ask = dispatch(|| WorkspaceAction::AskToCertify);
    let cancel = dispatch(|| WorkspaceAction::CancelCertify);
    let tick_early = {
        let dispatcher = workspace.dispatcher();
        Callback::from(move |event: Event| dispatcher.dispatch(WorkspaceAction::Early(field_ticked(&event))))
    };
    let early = workspace.confirming.unwrap_or(false);
    let status = match certificate {
        None if workspace.confirming.is_none() => prompt(period, ask),
        None => confirm(Confirm { period, to_lock: &to_lock, ended, early, tick_early, on_certify, cancel }),
        Some(certificate) => {
            let check = certificate.check(&catalog, data.records.iter());
            certified(certificate, &check)
        }
    };
    html! {
        <section class="certification" id="chot-so-lieu">
            <h2>{ "Chốt số liệu / Certify" }</h2>
            { status }
            { notice_html(&workspace.notices.get(&Part::Certify).cloned()) }
        </section>
    }
}

/// The period is not certified: what certifying does, and the button that asks.
fn prompt(period: Period, ask: Callback<MouseEvent>) -> Html {
    html! {
        <>
            <p>{ "Kỳ này chưa chốt. Khi chốt, bảng tổng hợp và mã SHA-256 của nó được lưu lại; trang công bố dùng đúng số liệu đó. / This period is not certified: certifying stores its tally and the tally's SHA-256, and the published page uses exactly those figures." }</p>
            <button type="button" class="action certify" onclick={ask}>
                { format!("Chốt số liệu {}… / Certify {}…", period.label(Lang::Vi), period.label(Lang::En)) }
            </button>
        </>
    }
}

/// What the confirmation shows and does.
pub(crate) struct Confirm<'a> {
    pub period: Period,
    pub to_lock: &'a GroupCounts,
    pub ended: bool,
    pub early: bool,
    pub tick_early: Callback<Event>,
    pub on_certify: Callback<MouseEvent>,
    pub cancel: Callback<MouseEvent>,
}

/// The counts to be locked, shown before they are; a period not ended needs its box ticked.
fn confirm(asked: Confirm<'_>) -> Html {
    let Confirm { period, to_lock, ended, early, tick_early, on_certify, cancel } = asked;
    html! {
        <div class="confirm-certify" role="group" aria-labelledby="confirm-certify-title">
            <p id="confirm-certify-title"><strong>
                { format!("Chốt số liệu {}? / Certify {}?", period.label(Lang::Vi), period.label(Lang::En)) }
            </strong></p>
            <p class="to-lock" data-responses={to_lock.responses.to_string()} data-partial={to_lock.partial.to_string()} data-misuse={to_lock.misuse.to_string()}>
                { counted_in_words(to_lock) }
            </p>
            <p>{ "Sau khi chốt, trang công bố dùng đúng các số này; phiếu đến sau được liệt kê riêng. / Once certified, the published page uses exactly these figures; responses that arrive later are listed apart." }</p>
            if !ended {
                <p class="violation">{ format!("Kỳ này chưa kết thúc (đến hết ngày {}). / This period has not ended (it runs until {}).", period.end, period.end) }</p>
                <label class="day">
                    <input id="certify-early" type="checkbox" checked={early} onchange={tick_early} />
                    { "Tôi chốt sớm, trước khi kỳ kết thúc; trang công bố sẽ ghi rõ điều này. / I certify early, before the period ends; the published page will say so." }
                </label>
            }
            <div class="actions">
                <button type="button" class="action certify-confirm" onclick={on_certify} disabled={!ended && !early}>
                    { "Xác nhận chốt / Confirm" }
                </button>
                <button type="button" class="action secondary certify-cancel" onclick={cancel}>{ "Hủy / Cancel" }</button>
            </div>
        </div>
    }
}

/// A certified period: when and what was locked, and how it stands against the responses
/// stored now.
fn certified(certificate: &Certificate, check: &Verification) -> Html {
    let all_gone =
        !check.missing.is_empty() && check.missing.len() == certificate.responses.len() && check.changed.is_empty();
    html! {
        <>
            <p class="certified">
                { format!("Đã chốt lúc {} / Certified on {}", survey::vn_time::readable(&certificate.certified_at, Lang::Vi), survey::vn_time::readable(&certificate.certified_at, Lang::En)) }
                if certificate.early {
                    <br />{ "Chốt sớm, trước khi kỳ kết thúc. / Certified early, before the period ended." }
                }
                <br /><span class="locked-counts">{ certificate.counts().map(|counts| counted_in_words(&counts)).unwrap_or_default() }</span>
                <br />{ "SHA-256: " }<code class="digest">{ &certificate.tally_sha256 }</code>
            </p>
            if check.holds() {
                <p class="verified" role="status">{ "✓ Số liệu đã chốt khớp với dữ liệu đang lưu. / The certified figures match the stored responses." }</p>
            } else if all_gone && !check.tally_tampered {
                <p class="note" role="status">{ "Các phiếu của kỳ đã chốt không còn trên thiết bị này (đã xóa sau khi sao lưu); số liệu đã chốt vẫn giữ nguyên. / The certified responses are no longer on this device; the certified figures stand as locked." }</p>
            } else {
                <div class="violation mismatch" role="alert">
                    <p><strong>{ "Số liệu đã chốt KHÔNG KHỚP với dữ liệu đang lưu. / The certified figures DO NOT MATCH the stored responses." }</strong></p>
                    <p>{ "SHA-256 đã chốt / certified: " }<code>{ &certificate.tally_sha256 }</code></p>
                    <p>{ "SHA-256 tính lại / recounted: " }<code class="recounted">{ &check.recounted_sha256 }</code></p>
                    if !check.changed.is_empty() {
                        <p>{ format!("Phiếu bị thay đổi / changed: {}", check.changed.join(", ")) }</p>
                    }
                    if !check.missing.is_empty() {
                        <p>{ format!("Phiếu không còn / missing: {}", check.missing.join(", ")) }</p>
                    }
                    if check.tally_tampered {
                        <p>{ "Bảng tổng hợp đã lưu không còn khớp mã của nó. / The stored tally no longer matches its own digest." }</p>
                    }
                </div>
            }
            if !check.late.is_empty() {
                <details class="late">
                    <summary>{ format!("{} phiếu đến sau khi chốt (không tính vào số liệu đã chốt) / arrived after certification (not in the certified figures)", check.late.len()) }</summary>
                    <ul>{ for check.late.iter().map(|id| html! { <li>{ id }</li> }) }</ul>
                </details>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ServerCertificationProps {
    pub session: Session,
    pub survey: Arc<Survey>,
    pub period: Period,
    /// The units in the account's reach, with their names.
    pub units: Vec<UnitName>,
    pub on_session_ended: Callback<()>,
    /// Told when something the figures use changed on the server (the dossiers received).
    pub on_changed: Callback<()>,
}

/// Certifying a unit's period on the server: the server counts, locks and checks; this shows
/// what it says with the same words as a device's certifying.
#[function_component(ServerCertification)]
pub fn server_certification(props: &ServerCertificationProps) -> Html {
    let unit = use_state(|| props.session.account.unit.clone());
    let loaded = use_state(|| None::<Result<wire::certificates::CertificateState, String>>);
    let reload = use_state(|| 0u32);
    let confirming = use_state(|| None::<bool>);
    let notice = use_state(|| None::<Notice>);
    let survey_key = format!("{}@{}", props.survey.id(), props.survey.version());
    {
        let (loaded, ended, session) = (loaded.clone(), props.on_session_ended.clone(), props.session.clone());
        let asked = (survey_key.clone(), props.period, (*unit).clone(), *reload);
        use_effect_with(asked, move |(survey, period, unit, _)| {
            let mut path = format!("{}?survey={survey}&period={}", wire::certificates::CERTIFICATES, period.code());
            if let Some(unit) = unit {
                path.push_str(&format!("&unit={}", js_sys::encode_uri_component(unit)));
            }
            loaded.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let format_of = |state: &wire::certificates::CertificateState| state.format;
                match account::read(&session, &path, wire::certificates::CERTIFICATES_FORMAT, format_of).await {
                    Ok(state) => loaded.set(Some(Ok(state))),
                    Err(Some(reason)) => loaded.set(Some(Err(reason))),
                    Err(None) => ended.emit(()),
                }
            });
        });
    }
    let writes = use_writes(&props.session, &notice, &props.on_session_ended);
    let on_certify = {
        let (unit, reload, confirming, writes) = (unit.clone(), reload.clone(), confirming.clone(), writes.clone());
        let (survey, period) = (survey_key.clone(), props.period);
        Callback::from(move |_: MouseEvent| {
            let asked = wire::certificates::CertifyRequest {
                survey: survey.clone(),
                period: period.code(),
                unit: (*unit).clone(),
                early: (*confirming).unwrap_or(false),
            };
            let (reload, confirming) = (reload.clone(), confirming.clone());
            writes.emit(Write {
                method: "POST",
                path: wire::certificates::CERTIFICATES.into(),
                body: serde_json::json!(asked).to_string(),
                done: "Đã chốt số liệu trên máy chủ. / Certified on the server.".into(),
                then: Callback::from(move |()| {
                    confirming.set(None);
                    reload.set(*reload + 1);
                }),
            });
        })
    };
    let set_confirming = |value: Option<bool>| {
        let (confirming, notice) = (confirming.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            notice.set(None);
            confirming.set(value)
        })
    };
    let tick_early = {
        let confirming = confirming.clone();
        Callback::from(move |event: Event| confirming.set(Some(field_ticked(&event))))
    };
    let choose_unit = {
        let (unit, confirming, notice) = (unit.clone(), confirming.clone(), notice.clone());
        Callback::from(move |event: Event| {
            let value = event.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            confirming.set(None);
            notice.set(None);
            unit.set(Some(value).filter(|value| !value.is_empty()));
        })
    };
    let period = props.period;
    let whole = props.session.account.unit.is_none();
    let may_certify = props.session.account.may(Permission::Certify);
    let status = match &*loaded {
        None => html! { <p>{ "Đang hỏi máy chủ… / Asking the server…" }</p> },
        Some(Err(reason)) => html! { <p class="violation" role="alert">{ reason }</p> },
        Some(Ok(state)) => match (&state.certificate, &state.verification) {
            (Some(certificate), Some(check)) => html! {
                <>
                    { certified(certificate, check) }
                    if let Some(published) = &state.published {
                        <p class="published-link">
                            <a href={published.clone()} target="_blank" rel="noopener">
                                { "Mở trang công bố / Open the published page" }
                            </a>
                            { format!(" ({published})") }
                        </p>
                    }
                </>
            },
            // A viewer reads whether a period is certified; the server would refuse the rest.
            _ if !may_certify => html! {
                <p>{ "Kỳ này chưa chốt. Văn phòng hoặc lãnh đạo đơn vị chốt số liệu. / This period is not certified: the unit's office or leaders certify it." }</p>
            },
            _ => html! { <>
                if state.to_lock.unsorted_comments > 0 {
                    <p class="warning unsorted-comments" data-unsorted={state.to_lock.unsorted_comments.to_string()}>
                        { format!(
                            "Còn {} ý kiến chưa phân loại chủ đề. Nên phân loại trước khi chốt (phần Ý kiến góp ý): khi chốt, phân loại được giữ nguyên. / {} comments are not yet sorted: sort them first (Comments), as certifying keeps the tags as they are.",
                            state.to_lock.unsorted_comments, state.to_lock.unsorted_comments
                        ) }
                    </p>
                }
                { match *confirming {
                None => prompt(period, set_confirming(Some(false))),
                Some(early) => {
                    let to_lock = GroupCounts {
                        responses: state.to_lock.responses,
                        partial: state.to_lock.partial,
                        misuse: state.to_lock.misuse,
                        ..GroupCounts::default()
                    };
                    confirm(Confirm {
                        period,
                        to_lock: &to_lock,
                        ended: state.ended,
                        early,
                        tick_early,
                        on_certify,
                        cancel: set_confirming(None),
                    })
                }
            } }
            </> },
        },
    };
    html! {
        <section class="certification" id="chot-so-lieu">
            <h2>{ "Chốt số liệu / Certify" }</h2>
            <p>{ "Mỗi đơn vị chốt số liệu của mình và các đơn vị trực thuộc. / Each unit certifies its own figures and those of the units below it." }</p>
            <div class="survey-picker">
            <label for="certify-unit">{ "Đơn vị / Unit" }</label>
            <select id="certify-unit" onchange={choose_unit}>
                if whole {
                    <option value="" selected={unit.is_none()}>{ "Toàn hệ thống / The whole server" }</option>
                }
                { for props.units.iter().map(|named| html! {
                    <option value={named.code.clone()} selected={unit.as_deref() == Some(named.code.as_str())}>
                        { format!("{} ({})", named.name_vi, named.code) }
                    </option>
                }) }
            </select>
            </div>
            { status }
            { notice_html(&notice) }
            if let Some(unit) = (*unit).clone().filter(|_| may_certify) {
                <PeriodForm key={format!("dossiers/{unit}/{}", period.code())} kind={PeriodText::Dossiers} session={props.session.clone()}
                    unit={unit.clone()} {period} on_changed={props.on_changed.clone()} on_session_ended={props.on_session_ended.clone()} />
                if props.session.account.may(Permission::ReadOfficers) {
                    <PeriodForm key={format!("reply/{unit}/{}", period.code())} kind={PeriodText::Reply} session={props.session.clone()}
                        unit={unit.clone()} {period} on_changed={props.on_changed.clone()} on_session_ended={props.on_session_ended.clone()} />
                }
            }
        </section>
    }
}
