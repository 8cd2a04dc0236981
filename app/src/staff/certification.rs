//! Certifying a period: the counts to be locked are shown and confirmed, then the certificate
//! is stored; a certified period is checked against the responses stored now, every time.

use survey::definition::catalog::Catalog;
use survey::results::certify::{self, Verification};
use survey::text::Lang;
use yew::prelude::*;

use crate::platform::dom::field_ticked;
use crate::staff::figures::{DataHandle, certificate_key, counted_in_words};
use crate::staff::state::{Part, SectionProps, WorkspaceAction, now_stamp, today};
use crate::ui::notice::notice_html;

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
        None if workspace.confirming.is_none() => html! {
            <>
                <p>{ "Kỳ này chưa chốt. Khi chốt, bảng tổng hợp và mã SHA-256 của nó được lưu lại; trang công bố dùng đúng số liệu đó. / This period is not certified: certifying stores its tally and the tally's SHA-256, and the published page uses exactly those figures." }</p>
                <button type="button" class="action certify" onclick={ask}>
                    { format!("Chốt số liệu {}… / Certify {}…", period.label(Lang::Vi), period.label(Lang::En)) }
                </button>
            </>
        },
        None => html! {
            <div class="confirm-certify" role="group" aria-labelledby="confirm-certify-title">
                <p id="confirm-certify-title"><strong>
                    { format!("Chốt số liệu {}? / Certify {}?", period.label(Lang::Vi), period.label(Lang::En)) }
                </strong></p>
                <p class="to-lock" data-responses={to_lock.responses.to_string()} data-partial={to_lock.partial.to_string()} data-misuse={to_lock.misuse.to_string()}>
                    { counted_in_words(&to_lock) }
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
        },
        Some(certificate) => {
            let check = certificate
                .verify(&catalog, data.records.iter())
                .unwrap_or_else(|_| Verification { tally_tampered: true, ..Verification::default() });
            let all_gone = !check.missing.is_empty()
                && check.missing.len() == certificate.responses.len()
                && check.changed.is_empty();
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
    };
    html! {
        <section class="certification" id="chot-so-lieu">
            <h2>{ "Chốt số liệu / Certify" }</h2>
            { status }
            { notice_html(&workspace.notices.get(&Part::Certify).cloned()) }
        </section>
    }
}
