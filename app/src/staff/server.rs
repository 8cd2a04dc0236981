//! The server's workspace at `/staff/may-chu`: a staff member signs in with their `hailong`
//! account and sees the figures of their units (and everything below them) as the server holds
//! them, with the same results and exports as a device's workspace.
//!
//! The device's own staff area stays at `/staff`, behind its PIN: a kiosk's staff must reach it
//! offline and without an account. Signing in and out, and an ended session, are handled here;
//! what the account may read is decided by the server alone (`server::http::access`).

use std::rc::Rc;
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

/// What is asked of the server, carried out by the area's one effect.
#[derive(Clone, Debug, PartialEq)]
enum Ask {
    SignIn(String, String),
    SignOut(Session),
}

/// The server area's one state: where signing in stands, what is shown, and what is asked of
/// the server next (numbered, so the same request asked again is sent again).
#[derive(Clone, Debug, PartialEq)]
struct AreaState {
    stage: Stage,
    typed: Typed,
    section: Section,
    /// The administration shows instead of the workspace's sections.
    administering: bool,
    prefs: Option<StaffPrefs>,
    survey_id: String,
    ask: Option<(u64, Ask)>,
}

impl Default for AreaState {
    fn default() -> AreaState {
        AreaState {
            stage: Stage::Checking,
            typed: Typed::default(),
            section: Section::Results,
            administering: false,
            prefs: None,
            survey_id: survey_defs::COUNTER_RATING_ID.to_owned(),
            ask: None,
        }
    }
}

/// Everything that changes the server area: what staff do, and what the server answered.
#[derive(Clone, Debug, PartialEq)]
enum AreaAction {
    /// Who is signed in here, as the server said when the page opened.
    Checked(Result<Option<Session>, String>),
    TypeName(String),
    TypePassword(String),
    SignIn,
    SignedIn(Result<Session, String>),
    SignOut,
    SignedOut(Result<(), String>),
    SessionEnded,
    Show(Section),
    Administer,
    ChooseSurvey(String),
    Prefs(StaffPrefs),
}

impl AreaState {
    fn asking(&self, ask: Ask) -> Option<(u64, Ask)> {
        Some((self.ask.as_ref().map_or(1, |(number, _)| number + 1), ask))
    }
}

impl Reducible for AreaState {
    type Action = AreaAction;

    fn reduce(self: Rc<Self>, action: AreaAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            AreaAction::Checked(Ok(Some(session))) | AreaAction::SignedIn(Ok(session)) => {
                next.stage = Stage::Ready(session)
            }
            AreaAction::Checked(Ok(None)) => next.stage = Stage::SignIn { error: None },
            AreaAction::Checked(Err(reason)) | AreaAction::SignedOut(Err(reason)) => next.stage = Stage::Failed(reason),
            AreaAction::TypeName(name) => next.typed.name = name,
            AreaAction::TypePassword(password) => next.typed.password = password,
            AreaAction::SignIn => {
                next.ask = self.asking(Ask::SignIn(self.typed.name.trim().to_owned(), self.typed.password.clone()));
                // The password is forgotten as soon as it is sent; the name stays for another try.
                next.typed.password.clear();
                next.stage = Stage::Busy;
            }
            AreaAction::SignedIn(Err(error)) => next.stage = Stage::SignIn { error: Some(error) },
            AreaAction::SignOut => {
                let Stage::Ready(session) = &self.stage else { return self };
                next.ask = self.asking(Ask::SignOut(session.clone()));
                // The next person to sign in here starts at the results.
                next.administering = false;
                next.section = Section::Results;
                next.stage = Stage::Busy;
            }
            AreaAction::SignedOut(Ok(())) => {
                next.typed = Typed::default();
                next.stage = Stage::SignIn { error: None };
            }
            AreaAction::SessionEnded => {
                next.stage = Stage::SignIn {
                    error: Some(
                        "Phiên đăng nhập đã hết. Vui lòng đăng nhập lại. / Your session ended: sign in again.".into(),
                    ),
                }
            }
            AreaAction::Show(section) => {
                next.administering = false;
                next.section = section;
            }
            AreaAction::Administer => next.administering = true,
            AreaAction::ChooseSurvey(id) => next.survey_id = id,
            AreaAction::Prefs(prefs) => next.prefs = Some(prefs),
        }
        Rc::new(next)
    }
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
    let state = use_reducer(AreaState::default);
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                dispatcher.dispatch(AreaAction::Checked(account::current().await));
            });
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.ask.clone(), move |asked| {
            let Some((_, asked)) = asked.clone() else { return };
            wasm_bindgen_futures::spawn_local(async move {
                dispatcher.dispatch(match asked {
                    Ask::SignIn(name, password) => AreaAction::SignedIn(account::sign_in(&name, &password).await),
                    Ask::SignOut(session) => AreaAction::SignedOut(account::sign_out(&session).await),
                });
            });
        });
    }
    let send = |action: AreaAction| {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(action.clone()))
    };
    let on_submit = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            dispatcher.dispatch(AreaAction::SignIn);
        })
    };
    let type_field = |password: bool| {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: InputEvent| {
            let value = crate::platform::dom::field_value(&event);
            dispatcher.dispatch(if password { AreaAction::TypePassword(value) } else { AreaAction::TypeName(value) });
        })
    };
    let typed = &state.typed;

    let session = match &state.stage {
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

    let on_sign_out = send(AreaAction::SignOut);
    let on_session_ended = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(AreaAction::SessionEnded))
    };
    let choose_survey = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: Event| {
            dispatcher.dispatch(AreaAction::ChooseSurvey(event.target_unchecked_into::<HtmlSelectElement>().value()))
        })
    };
    let on_prefs = {
        let dispatcher = state.dispatcher();
        Callback::from(move |next: StaffPrefs| dispatcher.dispatch(AreaAction::Prefs(next)))
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
    let (shown, administering, survey_id) = (state.section, state.administering, &state.survey_id);
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
                        <option value={survey.id().to_owned()} selected={survey.id() == survey_id}>
                            { format!("{} ({})", survey.title().vi, survey.version()) }
                        </option>
                    }) }
                </select>
            </div>
            <nav class="sections" aria-label="Các phần / Sections">
                { for SECTIONS.into_iter().filter(|choice| *choice != Section::Comments || account.may(wire::session::Permission::ReadResponses)).map(|choice| {
                    let (vi, en) = choice.name();
                    let current = choice == shown && !administering;
                    let dispatcher = state.dispatcher();
                    let onclick = Callback::from(move |event: MouseEvent| {
                        event.prevent_default();
                        dispatcher.dispatch(AreaAction::Show(choice))
                    });
                    html! {
                        <a href={format!("#{}", choice.anchor())} {onclick} class={classes!(current.then_some("current"))}
                           aria-current={current.then_some("page")}>
                            { vi }<span class="en" lang="en">{ en }</span>
                        </a>
                    }
                }) }
                if manages {
                    <a href="#quan-tri" class={classes!(administering.then_some("current"))} aria-current={administering.then_some("page")}
                       onclick={let dispatcher = state.dispatcher(); Callback::from(move |event: MouseEvent| { event.prevent_default(); dispatcher.dispatch(AreaAction::Administer) })}>
                        { "Quản trị" }<span class="en" lang="en">{ "Administration" }</span>
                    </a>
                }
            </nav>
            if administering {
                <crate::staff::admin::Admin session={session.clone()} on_session_ended={on_session_ended.clone()} />
            } else {
            { match survey_defs::by_id(survey_id) {
                Some(survey) => html! {
                    <workspace::Staff key={survey_id.clone()} store={props.store.clone()} survey={Arc::new(survey)}
                        settings={KioskSettings::default()} section={shown} prefs={state.prefs.clone()} {on_prefs}
                        server={Some(session.clone())} {on_session_ended} />
                },
                None => html! { <p class="violation">{ format!("no shipped survey has the id `{survey_id}`") }</p> },
            } }
            }
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            format: 1,
            account: wire::session::Account {
                name: "lanh-dao".into(),
                role: wire::session::Role::Leader,
                role_label: wire::session::Role::Leader.label(),
                unit: Some("p1".into()),
                unit_name: None,
                permissions: vec![wire::session::Permission::ReadFigures],
            },
            csrf: "c".into(),
            idle_seconds: 7200,
        }
    }

    fn after(state: AreaState, actions: impl IntoIterator<Item = AreaAction>) -> AreaState {
        let mut state = Rc::new(state);
        for action in actions {
            state = state.reduce(action);
        }
        (*state).clone()
    }

    #[test]
    fn signing_in_asks_once_and_forgets_the_password_at_once() {
        let state = after(
            AreaState::default(),
            [
                AreaAction::Checked(Ok(None)),
                AreaAction::TypeName(" lanh-dao ".into()),
                AreaAction::TypePassword("mat-khau-dai".into()),
                AreaAction::SignIn,
            ],
        );
        assert_eq!(state.ask, Some((1, Ask::SignIn("lanh-dao".into(), "mat-khau-dai".into()))));
        assert_eq!((state.typed.name.as_str(), state.typed.password.as_str()), (" lanh-dao ", ""));
        assert_eq!(state.stage, Stage::Busy);
        let refused = after(state.clone(), [AreaAction::SignedIn(Err("wrong".into())), AreaAction::SignIn]);
        assert_eq!(refused.ask.map(|(number, _)| number), Some(2), "a second try is asked again");
        let ready = after(state, [AreaAction::SignedIn(Ok(session()))]);
        assert_eq!(ready.stage, Stage::Ready(session()));
    }

    #[test]
    fn signing_out_starts_the_next_person_at_the_results() {
        let state = after(
            AreaState::default(),
            [AreaAction::Checked(Ok(Some(session()))), AreaAction::Show(Section::Certify), AreaAction::Administer],
        );
        assert!(state.administering);
        let out = after(state, [AreaAction::SignOut, AreaAction::SignedOut(Ok(()))]);
        assert_eq!((out.section, out.administering), (Section::Results, false));
        assert_eq!(out.stage, Stage::SignIn { error: None });
        assert!(matches!(out.ask, Some((_, Ask::SignOut(_)))));
        // Signing out when nobody is signed in asks nothing.
        assert_eq!(after(AreaState::default(), [AreaAction::SignOut]).ask, None);
    }
}
