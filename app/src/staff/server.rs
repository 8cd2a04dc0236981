//! The server's workspace at `/staff/may-chu`: a staff member signs in with their `hailong`
//! account and sees the figures of their units (and everything below them) as the server holds
//! them, with the same results and exports as a device's workspace.
//!
//! The device's own staff area stays at `/staff`, behind its PIN: a kiosk's staff must reach it
//! offline and without an account. Signing in and out, and an ended session, are handled here;
//! what the account may read is decided by the server alone (`server::access`).

use std::sync::Arc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use wire::session::Session;

use crate::platform::account;
use crate::platform::storage::SharedStore;
use crate::settings::KioskSettings;
use crate::staff::prefs::{Section, StaffPrefs};
use crate::staff::workspace;

#[derive(Clone, Debug, PartialEq)]
enum Stage {
    Checking,
    SignIn {
        error: Option<String>,
    },
    Busy,
    Ready(Session),
    /// The server cannot be reached or answered strangely.
    Failed(String),
}

/// What the sign-in form holds as typed.
#[derive(Clone, Debug, Default, PartialEq)]
struct Typed {
    name: String,
    password: String,
}

/// What was asked of the server, carried out by the effect.
#[derive(Clone, Debug, PartialEq)]
enum Ask {
    SignIn(String, String),
    SignOut(Session),
}

#[derive(Properties, PartialEq)]
pub struct ServerAreaProps {
    pub store: SharedStore,
}

/// The workspace's sections the server's workspace has: figures, sorting what citizens wrote
/// (not for viewers), their files, and certifying (with the published page). The
/// administration (for those who manage kiosks) is shown beside them.
const SECTIONS: [Section; 4] = [Section::Results, Section::Comments, Section::Exports, Section::Certify];

#[function_component(ServerArea)]
pub fn server_area(props: &ServerAreaProps) -> Html {
    let stage = use_state(|| Stage::Checking);
    let typed = use_state(Typed::default);
    let ask = use_state(|| None::<Ask>);
    let section = use_state(|| Section::Results);
    // The administration shows instead of the workspace's sections.
    let administering = use_state(|| false);
    let prefs = use_state(|| None::<StaffPrefs>);
    let survey_id = use_state(|| survey_defs::COUNTER_RATING_ID.to_owned());
    {
        let stage = stage.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                stage.set(match account::current().await {
                    Ok(Some(session)) => Stage::Ready(session),
                    Ok(None) => Stage::SignIn { error: None },
                    Err(reason) => Stage::Failed(reason),
                });
            });
        });
    }
    {
        let (stage, handle, typed) = (stage.clone(), ask.clone(), typed.clone());
        use_effect_with((*ask).clone(), move |asked| {
            let Some(asked) = asked.clone() else { return };
            handle.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match asked {
                    Ask::SignIn(name, password) => match account::sign_in(&name, &password).await {
                        Ok(session) => stage.set(Stage::Ready(session)),
                        Err(error) => stage.set(Stage::SignIn { error: Some(error) }),
                    },
                    Ask::SignOut(session) => match account::sign_out(&session).await {
                        Ok(()) => {
                            typed.set(Typed::default());
                            stage.set(Stage::SignIn { error: None });
                        }
                        Err(error) => stage.set(Stage::Failed(error)),
                    },
                }
            });
        });
    }
    let on_submit = {
        let (typed, ask, stage) = (typed.clone(), ask.clone(), stage.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            ask.set(Some(Ask::SignIn(typed.name.trim().to_owned(), typed.password.clone())));
            // The password is forgotten as soon as it is sent; the name stays for another try.
            typed.set(Typed { name: typed.name.clone(), password: String::new() });
            stage.set(Stage::Busy);
        })
    };
    let type_field = |password: bool| {
        let typed = typed.clone();
        Callback::from(move |event: InputEvent| {
            let value = crate::platform::dom::field_value(&event);
            let mut next = (*typed).clone();
            if password {
                next.password = value;
            } else {
                next.name = value;
            }
            typed.set(next);
        })
    };

    let session = match &*stage {
        Stage::Checking | Stage::Busy => {
            return html! { <p class="loading">{ "Đang kết nối máy chủ… / Reaching the server…" }</p> };
        }
        Stage::Failed(reason) => {
            return html! {
                <main class="page staff">
                    <h1>{ "Khu vực cán bộ trên máy chủ" }<span class="en" lang="en">{ "Staff area on the server" }</span></h1>
                    <p role="alert" class="violation">{ reason }</p>
                    <p><a href={crate::platform::route::STAFF_PATH}>{ "Khu vực cán bộ của thiết bị này (mã PIN) / This device's staff area (PIN)" }</a></p>
                </main>
            };
        }
        Stage::SignIn { error } => {
            return html! {
                <main class="page staff sign-in">
                    <h1>{ "Đăng nhập" }<span class="en" lang="en">{ "Sign in" }</span></h1>
                    <p>{ "Tài khoản do quản trị hệ thống cấp, để xem số liệu của đơn vị mình. / The account your administrator gave you, to see your unit's figures." }</p>
                    <form class="pin-form sign-in-form" onsubmit={on_submit}>
                        <label for="account-name">{ "Tên đăng nhập / User name" }</label>
                        <input id="account-name" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required=true
                               value={typed.name.clone()} oninput={type_field(false)} />
                        <label for="account-password">{ "Mật khẩu / Password" }</label>
                        <input id="account-password" type="password" autocomplete="current-password" required=true
                               value={typed.password.clone()} oninput={type_field(true)} />
                        if let Some(error) = error {
                            <p class="violation" role="alert">{ error }</p>
                        }
                        <button type="submit" class="action">{ "Đăng nhập / Sign in" }</button>
                    </form>
                    <p><a href={crate::platform::route::STAFF_PATH}>{ "Khu vực cán bộ của thiết bị này (mã PIN) / This device's staff area (PIN)" }</a></p>
                </main>
            };
        }
        Stage::Ready(session) => session.clone(),
    };

    let on_sign_out = {
        let (ask, stage, session) = (ask.clone(), stage.clone(), session.clone());
        let (administering, section) = (administering.clone(), section.clone());
        Callback::from(move |_: MouseEvent| {
            // The next person to sign in here starts at the results.
            administering.set(false);
            section.set(Section::Results);
            ask.set(Some(Ask::SignOut(session.clone())));
            stage.set(Stage::Busy);
        })
    };
    let on_session_ended = {
        let stage = stage.clone();
        Callback::from(move |()| {
            stage.set(Stage::SignIn {
                error: Some(
                    "Phiên đăng nhập đã hết. Vui lòng đăng nhập lại. / Your session ended: sign in again.".into(),
                ),
            })
        })
    };
    let choose_survey = {
        let survey_id = survey_id.clone();
        Callback::from(move |event: Event| survey_id.set(event.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_prefs = {
        let prefs = prefs.clone();
        Callback::from(move |next: StaffPrefs| prefs.set(Some(next)))
    };
    let account = &session.account;
    // Administrators, leaders and office staff manage kiosks; administrators also units and
    // accounts. The server refuses anything else whatever is shown.
    let manages = account.may(wire::session::Permission::ManageDevices);
    let over = match (&account.unit_name, &account.unit) {
        (Some(name), Some(code)) => format!("{name} ({code})"),
        (None, Some(code)) => code.clone(),
        (_, None) => "Toàn hệ thống / The whole server".to_owned(),
    };
    let shown = *section;
    html! {
        <main class="page staff server-workspace">
            <h1>{ "Số liệu trên máy chủ" }<span class="en" lang="en">{ "Figures on the server" }</span></h1>
            <div class="signed-in" role="status">
                <p>
                    <strong>{ &account.name }</strong>{ " · " }{ &account.role_label.vi }
                    <span class="en" lang="en">{ account.role_label.en.clone().unwrap_or_default() }</span>
                    <br />{ over }
                </p>
                <button type="button" class="action secondary" onclick={on_sign_out}>{ "Đăng xuất / Sign out" }</button>
            </div>
            <div class="survey-picker">
                <label for="survey-shown">{ "Khảo sát đang xem / Survey shown" }</label>
                <select id="survey-shown" onchange={choose_survey}>
                    { for survey_defs::all().into_iter().map(|survey| html! {
                        <option value={survey.id().to_owned()} selected={survey.id() == *survey_id}>
                            { format!("{} ({})", survey.title().vi, survey.version()) }
                        </option>
                    }) }
                </select>
            </div>
            <nav class="sections" aria-label="Các phần / Sections">
                { for SECTIONS.into_iter().filter(|choice| *choice != Section::Comments || account.may(wire::session::Permission::ReadResponses)).map(|choice| {
                    let (vi, en) = choice.name();
                    let current = choice == shown && !*administering;
                    let (section, administering) = (section.clone(), administering.clone());
                    let onclick = Callback::from(move |event: MouseEvent| {
                        event.prevent_default();
                        administering.set(false);
                        section.set(choice)
                    });
                    html! {
                        <a href={format!("#{}", choice.anchor())} {onclick} class={classes!(current.then_some("current"))}
                           aria-current={current.then_some("page")}>
                            { vi }<span class="en" lang="en">{ en }</span>
                        </a>
                    }
                }) }
                if manages {
                    <a href="#quan-tri" class={classes!((*administering).then_some("current"))} aria-current={(*administering).then_some("page")}
                       onclick={let administering = administering.clone(); Callback::from(move |event: MouseEvent| { event.prevent_default(); administering.set(true) })}>
                        { "Quản trị" }<span class="en" lang="en">{ "Administration" }</span>
                    </a>
                }
            </nav>
            if *administering {
                <crate::staff::admin::Admin session={session.clone()} on_session_ended={on_session_ended.clone()} />
            } else {
            { match survey_defs::by_id(&survey_id) {
                Some(survey) => html! {
                    <workspace::Staff key={(*survey_id).clone()} store={props.store.clone()} survey={Arc::new(survey)}
                        settings={KioskSettings::default()} section={shown} prefs={(*prefs).clone()} {on_prefs}
                        server={Some(session.clone())} {on_session_ended} />
                },
                None => html! { <p class="violation">{ format!("no shipped survey has the id `{}`", *survey_id) }</p> },
            } }
            }
        </main>
    }
}
