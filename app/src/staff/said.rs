//! What citizens wrote, sorted on the server: office staff, leaders and administrators tag each
//! comment of the period (masked, as stored) with topics of its unit's list and mark the ones
//! that may be quoted on the published page once they have read them; those not yet tagged come
//! first. A comment of a certified period shows the tags its certificate keeps. Leaders set
//! their unit's list of topics below.

use std::collections::BTreeMap;

use survey::results::period::Period;
use survey::results::topics::Tag;
use wire::comments::Comment;
use yew::prelude::*;

use wire::session::Session;

use crate::platform::account;
use crate::staff::server_forms::{PeriodForm, PeriodText};
use crate::staff::writes::{Write, use_writes};
use crate::ui::notice::{Notice, notice_html};

/// A comment's key: its response and question.
fn key_of(comment: &Comment) -> (String, String) {
    (comment.response_id.clone(), comment.question_id.clone())
}

/// A comment's tags as stored.
fn stored_of(comment: &Comment) -> Tag {
    Tag { topics: comment.topics.clone(), quotable: comment.quotable }
}

#[derive(Properties, PartialEq)]
pub struct CommentsProps {
    pub session: Session,
    pub period: Period,
    pub on_session_ended: Callback<()>,
}

#[function_component(Comments)]
pub fn comments(props: &CommentsProps) -> Html {
    let listed = use_state(|| None::<Result<wire::comments::Comments, String>>);
    let reload = use_state(|| 0u32);
    let drafts = use_state(BTreeMap::<(String, String), Tag>::new);
    let notice = use_state(|| None::<Notice>);
    {
        let (listed, session, ended) = (listed.clone(), props.session.clone(), props.on_session_ended.clone());
        use_effect_with((props.period, *reload), move |(period, _)| {
            let path = format!("{}?period={}", wire::comments::COMMENTS, period.code());
            wasm_bindgen_futures::spawn_local(async move {
                let format_of = |read: &wire::comments::Comments| read.format;
                match account::read(&session, &path, wire::comments::COMMENTS_FORMAT, format_of).await {
                    Ok(read) => listed.set(Some(Ok(read))),
                    Err(Some(reason)) => listed.set(Some(Err(reason))),
                    Err(None) => ended.emit(()),
                }
            });
        });
    }
    // A tick changes the item's draft: a topic added or taken away, or quotable or not.
    let change = |item: &Comment, topic: Option<String>| {
        let (drafts, key, stored) = (drafts.clone(), key_of(item), stored_of(item));
        Callback::from(move |event: Event| {
            let ticked = crate::platform::dom::field_ticked(&event);
            let mut next = (*drafts).clone();
            let draft = next.entry(key.clone()).or_insert_with(|| stored.clone());
            match &topic {
                Some(topic) => {
                    draft.topics.retain(|known| known != topic);
                    if ticked {
                        draft.topics.push(topic.clone());
                    }
                }
                None => draft.quotable = ticked,
            }
            drafts.set(next);
        })
    };
    let writes = use_writes(&props.session, &notice, &props.on_session_ended);
    let save = |item: &Comment| {
        let (drafts, reload, writes) = (drafts.clone(), reload.clone(), writes.clone());
        let (key, stored) = (key_of(item), stored_of(item));
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let tag = drafts.get(&key).cloned().unwrap_or_else(|| stored.clone());
            let (drafts, reload, saved) = (drafts.clone(), reload.clone(), key.clone());
            writes.emit(Write {
                method: "PUT",
                path: wire::path(wire::comments::TAGS, &[&key.0, &key.1]),
                body: serde_json::json!(wire::comments::TagBody { topics: tag.topics, quotable: tag.quotable })
                    .to_string(),
                done: "Đã lưu phân loại ý kiến. / Saved.".into(),
                then: Callback::from(move |()| {
                    let mut next = (*drafts).clone();
                    next.remove(&saved);
                    drafts.set(next);
                    reload.set(*reload + 1);
                }),
            });
        })
    };
    let body = match &*listed {
        None => html! { <p>{ "Đang hỏi máy chủ… / Asking the server…" }</p> },
        Some(Err(reason)) => html! { <p class="violation" role="alert">{ reason }</p> },
        Some(Ok(read)) if read.items.is_empty() => {
            html! { <p>{ "Không có ý kiến nào trong kỳ này. / Nobody wrote anything this period." }</p> }
        }
        Some(Ok(read)) => {
            let untagged = read.items.iter().filter(|item| !item.tagged).count();
            html! {
                <>
                    <p class="comments-count" data-untagged={untagged.to_string()}>
                        { format!(
                            "{} ý kiến trong kỳ, {} chưa phân loại. / {} comments this period, {} not yet sorted.",
                            read.items.len(), untagged, read.items.len(), untagged
                        ) }
                    </p>
                    <ul class="followups comments-to-tag">
                        { for read.items.iter().enumerate().map(|(at, item)| {
                            let tag = drafts.get(&key_of(item)).cloned().unwrap_or_else(|| stored_of(item));
                            let topics = read.topics.get(&item.unit).cloned().unwrap_or_default();
                            // Topics the comment was tagged with that its unit's list no longer has stay shown.
                            let shown: Vec<String> = topics.iter().cloned()
                                .chain(item.topics.iter().filter(|topic| !topics.contains(topic)).cloned())
                                .collect();
                            let place = item.unit_name.clone().unwrap_or_else(|| item.unit.clone());
                            html! {
                                <li class={classes!("followup", "comment-item", (!item.tagged).then_some("to-do"))}
                                    data-id={item.response_id.clone()} data-question={item.question_id.clone()}>
                                    <blockquote class="comment">{ &item.text }</blockquote>
                                    <p class="meta">{ format!("{} · {}{}", item.day, place,
                                        item.question.as_deref().map(|question| format!(" · {question}")).unwrap_or_default()) }</p>
                                    <form class="staff-form tag-form" onsubmit={save(item)}>
                                        <fieldset disabled={item.locked}>
                                            <legend>{ "Chủ đề / Topics" }</legend>
                                            { for shown.into_iter().enumerate().map(|(n, topic)| {
                                                let id = format!("topic-{at}-{n}");
                                                html! {
                                                    <label class="tick" for={id.clone()}>
                                                        <input type="checkbox" id={id} checked={tag.topics.contains(&topic)}
                                                            onchange={change(item, Some(topic.clone()))} />
                                                        { topic }
                                                    </label>
                                                }
                                            }) }
                                            <label class="tick quotable" for={format!("quotable-{at}")}>
                                                <input type="checkbox" id={format!("quotable-{at}")} checked={tag.quotable}
                                                    onchange={change(item, None)} />
                                                { "Có thể trích trên trang công bố (đã che số điện thoại, e-mail) / May be quoted on the published page (masked)" }
                                            </label>
                                        </fieldset>
                                        if item.locked {
                                            <p class="note">{ "Kỳ đã chốt: giữ phân loại như lúc chốt. / Certified: tags kept as they were." }</p>
                                        } else {
                                            <button type="submit" class="action">{ "Lưu / Save" }</button>
                                        }
                                    </form>
                                </li>
                            }
                        }) }
                    </ul>
                </>
            }
        }
    };
    // Leaders (and administrators) set the topics of their unit.
    let account = &props.session.account;
    let sets_topics = account.may(wire::session::Permission::SetTopics);
    html! {
        <section class="comments-section" id="gop-y">
            <h2>{ "Phân loại ý kiến góp ý" }<span class="en" lang="en">{ "Sorting what citizens wrote" }</span></h2>
            <p class="hint">{ "Đánh dấu chủ đề cho từng ý kiến trước khi chốt số liệu; khi chốt, trang công bố đếm số ý kiến theo chủ đề và trích những ý kiến được chọn. / Tag each comment before certifying: the published page then counts comments by topic and quotes the chosen ones." }</p>
            { notice_html(&notice) }
            { body }
            if let (true, Some(unit)) = (sets_topics, account.unit.clone()) {
                <PeriodForm key={format!("topics/{unit}")} kind={PeriodText::Topics} session={props.session.clone()}
                    unit={unit.clone()} period={props.period}
                    on_changed={let reload = reload.clone(); Callback::from(move |()| reload.set(*reload + 1))}
                    on_session_ended={props.on_session_ended.clone()} />
            }
        </section>
    }
}
