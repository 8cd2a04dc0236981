//! Low ratings to follow up, in the server workspace of a unit's leaders: each "Không hài
//! lòng" (or a dossier QĐ 766 counts as not satisfied) of the period as it arrives, with what the
//! citizen chose and wrote, its counter and time but never the officer; a leader marks one looked
//! into with what was done. The list is asked for again every few seconds while it is shown.

use survey::results::period::Period;
use survey::text::Lang;
use yew::prelude::*;

use wire::session::Session;

use crate::platform::account;
use crate::staff::writes::{Write, use_writes};
use crate::ui::notice::{Notice, notice_html};

/// How often the list is asked for again, in milliseconds.
const POLL_MS: u32 = 5_000;

#[derive(Properties, PartialEq)]
pub struct FollowUpsProps {
    pub session: Session,
    pub period: Period,
    pub on_session_ended: Callback<()>,
}

#[function_component(FollowUps)]
pub fn follow_ups(props: &FollowUpsProps) -> Html {
    let listed = use_state(|| None::<Result<wire::followups::FollowUps, String>>);
    let tick = use_state(|| 0u32);
    let notes = use_state(std::collections::BTreeMap::<String, String>::new);
    let notice = use_state(|| None::<Notice>);
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let interval = gloo_timers::callback::Interval::new(POLL_MS, move || tick.set(*tick + 1));
            move || drop(interval)
        });
    }
    {
        let (listed, session, ended) = (listed.clone(), props.session.clone(), props.on_session_ended.clone());
        use_effect_with((props.period, *tick), move |(period, _)| {
            let path = format!("{}?period={}", wire::followups::FOLLOWUPS, period.code());
            wasm_bindgen_futures::spawn_local(async move {
                let format_of = |read: &wire::followups::FollowUps| read.format;
                match account::read(&session, &path, wire::followups::FOLLOWUPS_FORMAT, format_of).await {
                    Ok(read) => listed.set(Some(Ok(read))),
                    Err(Some(reason)) => listed.set(Some(Err(reason))),
                    Err(None) => ended.emit(()),
                }
            });
        });
    }
    let type_note = |id: String| {
        let notes = notes.clone();
        Callback::from(move |event: InputEvent| {
            let mut next = (*notes).clone();
            next.insert(id.clone(), crate::platform::dom::field_value(&event));
            notes.set(next);
        })
    };
    let writes = use_writes(&props.session, &notice, &props.on_session_ended);
    let mark = |id: String| {
        let (notes, tick, writes) = (notes.clone(), tick.clone(), writes.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let note = notes.get(&id).cloned().unwrap_or_default();
            let (notes, tick, marked) = (notes.clone(), tick.clone(), id.clone());
            writes.emit(Write {
                method: "POST",
                path: wire::path(wire::followups::FOLLOWUP, &[&id]),
                body: serde_json::json!(wire::followups::FollowUpBody { note }).to_string(),
                done: "Đã ghi nhận việc xử lý. / Marked as followed up.".into(),
                then: Callback::from(move |()| {
                    let mut next = (*notes).clone();
                    next.remove(&marked);
                    notes.set(next);
                    tick.set(*tick + 1);
                }),
            });
        })
    };
    let body = match &*listed {
        None => html! { <p>{ "Đang hỏi máy chủ… / Asking the server…" }</p> },
        Some(Err(reason)) => html! { <p class="violation" role="alert">{ reason }</p> },
        Some(Ok(read)) => {
            let figure = read.figure;
            let to_do = read.items.iter().filter(|item| item.followed.is_none()).count();
            html! {
                <>
                    <p class="followup-figure" data-low={figure.low.to_string()} data-followed={figure.followed.to_string()} data-in-time={figure.in_time.to_string()}>
                        { format!(
                            "{} đánh giá không hài lòng trong kỳ; đã xử lý {}, trong đó {} trong vòng {} ngày. / {} low ratings this period; {} followed up, {} within {} day(s).",
                            figure.low, figure.followed, figure.in_time, figure.days, figure.low, figure.followed, figure.in_time, figure.days
                        ) }
                    </p>
                    if to_do == 0 {
                        <p class="verified">{ "Không còn đánh giá nào chờ xử lý. / Nothing waits to be followed up." }</p>
                    }
                    <ul class="followups">
                        { for read.items.iter().map(|item| {
                            let place = format!(
                                "{} · {}",
                                item.unit_name.clone().unwrap_or_else(|| item.unit.clone()),
                                item.counter_name.clone().or_else(|| item.counter.clone()).unwrap_or_default()
                            );
                            let note_id = format!("note-{}", item.response_id);
                            html! {
                                <li class={classes!("followup", item.followed.is_none().then_some("to-do"))} data-id={item.response_id.clone()}>
                                    <p><strong>{ survey::vn_time::readable(&item.submitted_at, Lang::Vi) }</strong>{ " · " }{ place }</p>
                                    <p class="answers">{ &item.said }</p>
                                    { for item.comments.iter().map(|comment| html! { <blockquote class="comment">{ comment }</blockquote> }) }
                                    { match &item.followed {
                                        Some(done) => html! {
                                            <p class="saved">{ format!("✓ {} · {}: {}", survey::vn_time::readable(&done.at, Lang::Vi), done.by, done.note) }</p>
                                        },
                                        None => html! {
                                            <form class="staff-form followup-form" onsubmit={mark(item.response_id.clone())}>
                                                <label for={note_id.clone()}>{ "Đã làm gì / What was done" }</label>
                                                <textarea id={note_id} rows="2" required=true value={notes.get(&item.response_id).cloned().unwrap_or_default()}
                                                    oninput={type_note(item.response_id.clone())} />
                                                <button type="submit" class="action">{ "Đã xem xét / Mark looked into" }</button>
                                            </form>
                                        },
                                    } }
                                </li>
                            }
                        }) }
                    </ul>
                </>
            }
        }
    };
    html! {
        <section class="followups-section" id="phan-anh">
            <h2>{ "Đánh giá không hài lòng cần xử lý" }<span class="en" lang="en">{ "Low ratings to follow up" }</span></h2>
            { body }
            { notice_html(&notice) }
            if let Some(unit) = props.session.account.unit.clone() {
                <crate::staff::server_forms::PeriodForm key={format!("digest/{unit}")} kind={crate::staff::server_forms::PeriodText::Digest}
                    session={props.session.clone()} unit={unit.clone()} period={props.period}
                    on_changed={Callback::from(|()| ())} on_session_ended={props.on_session_ended.clone()} />
            }
        </section>
    }
}
