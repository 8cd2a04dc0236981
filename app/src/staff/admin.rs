//! The server workspace's administration: the units of the account's subtree with their
//! counters, the accounts (administrators only), and the kiosks with their one-time pairing
//! codes, shown as text and as a QR code that opens the kiosk's settings with the code filled in.
//!
//! Everything here is a request to the server, which alone decides what the account may do
//! (`server::access`); a refusal is shown in the server's words.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use yew::prelude::*;

use crate::platform::account::{Session, call};

#[derive(Properties, PartialEq)]
pub struct AdminProps {
    pub session: Session,
    /// Told when the server says the session has ended.
    pub on_session_ended: Callback<()>,
}

/// What the server holds, as last read.
#[derive(Clone, Debug, Default, PartialEq)]
struct Listed {
    units: Vec<Value>,
    counters: Vec<Value>,
    accounts: Vec<Value>,
    devices: Vec<Value>,
}

/// One change asked of the server: method, path and body, and what to say when it is done.
#[derive(Clone, Debug, PartialEq)]
struct Change {
    method: &'static str,
    path: String,
    body: Value,
    done: &'static str,
    /// The form's fields, emptied once the server has done it.
    clears: &'static [&'static str],
}

type Fields = BTreeMap<&'static str, String>;

/// The forms' fields as typed, and the change last asked. A reducer, so that a Save tapped right
/// after typing takes every key typed before it.
#[derive(Clone, Default)]
struct Forms {
    fields: Fields,
    asked: Option<(u32, Change)>,
}

enum FormAction {
    Edit(&'static str, String),
    Clear(&'static [&'static str]),
    Ask(std::rc::Rc<dyn Fn(&Fields) -> Change>),
}

impl Reducible for Forms {
    type Action = FormAction;

    fn reduce(self: std::rc::Rc<Self>, action: FormAction) -> std::rc::Rc<Self> {
        let mut next = (*self).clone();
        match action {
            FormAction::Edit(id, value) => {
                next.fields.insert(id, value);
            }
            FormAction::Clear(ids) => {
                for id in ids {
                    next.fields.remove(id);
                }
            }
            FormAction::Ask(make) => {
                let number = self.asked.as_ref().map_or(1, |(number, _)| number + 1);
                next.asked = Some((number, make(&self.fields)));
            }
        }
        std::rc::Rc::new(next)
    }
}

fn text(value: &Value, key: &str) -> String {
    value.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

#[function_component(Admin)]
pub fn admin(props: &AdminProps) -> Html {
    let listed = use_state(Listed::default);
    let generation = use_state(|| 0u32);
    let forms = use_reducer(Forms::default);
    let said = use_state(|| None::<Result<String, String>>);
    let pairing = use_state(|| None::<(String, String)>);
    let is_admin = props.session.account.role == "admin";
    {
        let (listed, session, ended, said) =
            (listed.clone(), props.session.clone(), props.on_session_ended.clone(), said.clone());
        use_effect_with(*generation, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let get = |path: &'static str| {
                    let session = session.clone();
                    async move { call(&session, "GET", path, None).await }
                };
                let units = get("/api/v1/units").await;
                let devices = get("/api/v1/devices").await;
                let accounts = if is_admin { Some(get("/api/v1/accounts").await) } else { None };
                let list =
                    |answer: &Value, key: &str| answer.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
                match (units, devices) {
                    (Err(None), _) | (_, Err(None)) => ended.emit(()),
                    (Err(Some(error)), _) | (_, Err(Some(error))) => said.set(Some(Err(error))),
                    (Ok(units), Ok(devices)) => listed.set(Listed {
                        units: list(&units, "units"),
                        counters: list(&units, "counters"),
                        devices: list(&devices, "devices"),
                        accounts: accounts
                            .and_then(Result::ok)
                            .map(|answer| list(&answer, "accounts"))
                            .unwrap_or_default(),
                    }),
                }
            });
        });
    }
    {
        let (session, ended, said, generation, pairing) =
            (props.session.clone(), props.on_session_ended.clone(), said.clone(), generation.clone(), pairing.clone());
        let (asked, dispatcher) = (forms.asked.clone(), forms.dispatcher());
        use_effect_with(asked.as_ref().map(|(number, _)| *number), move |_| {
            let Some((_, change)) = asked else { return };
            wasm_bindgen_futures::spawn_local(async move {
                match call(&session, change.method, &change.path, Some(change.body.to_string())).await {
                    Ok(answer) => {
                        if let Some(code) = answer.get("pairing_code").and_then(Value::as_str) {
                            let name = change.body.get("name").and_then(Value::as_str).unwrap_or_default();
                            pairing.set(Some((name.to_owned(), code.to_owned())));
                        }
                        dispatcher.dispatch(FormAction::Clear(change.clears));
                        said.set(Some(Ok(change.done.to_owned())));
                        generation.set(*generation + 1);
                    }
                    Err(None) => ended.emit(()),
                    Err(Some(error)) => said.set(Some(Err(error))),
                }
            });
        });
    }
    let field = |id: &'static str| forms.fields.get(id).cloned().unwrap_or_default();
    let edit = |id: &'static str| {
        let dispatcher = forms.dispatcher();
        Callback::from(move |event: InputEvent| {
            dispatcher.dispatch(FormAction::Edit(id, crate::platform::dom::field_value(&event)))
        })
    };
    let choose = |id: &'static str| {
        let dispatcher = forms.dispatcher();
        Callback::from(move |event: Event| {
            dispatcher.dispatch(FormAction::Edit(id, crate::platform::dom::field_value(&event)))
        })
    };
    let submit = |make: std::rc::Rc<dyn Fn(&Fields) -> Change>| {
        let (dispatcher, said) = (forms.dispatcher(), said.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            said.set(None);
            dispatcher.dispatch(FormAction::Ask(make.clone()));
        })
    };
    let optional = |value: &str| if value.trim().is_empty() { Value::Null } else { json!(value.trim()) };
    let units = &listed.units;
    // The units this account may put things under: those listed (its subtree), first its own.
    let unit_options = |id: &'static str, with_top: bool| {
        let chosen = field(id);
        html! {
            <select id={id} onchange={choose(id)}>
                <option value="" selected={chosen.is_empty()}>{ if with_top { "(cấp cao nhất / top)" } else { "—" } }</option>
                { for units.iter().map(|unit| {
                    let code = text(unit, "code");
                    html! { <option value={code.clone()} selected={chosen == code}>{ format!("{} ({code})", text(unit, "name_vi")) }</option> }
                }) }
            </select>
        }
    };

    let add_unit = submit(std::rc::Rc::new(move |fields: &Fields| Change {
        method: "POST",
        path: "/api/v1/units".into(),
        body: json!({
            "code": fields.get("unit-code").map(|code| code.trim()).unwrap_or_default(),
            "name_vi": fields.get("unit-name").cloned().unwrap_or_default(),
            "name_en": optional(fields.get("unit-name-en").map(String::as_str).unwrap_or_default()),
            "parent": optional(fields.get("unit-parent").map(String::as_str).unwrap_or_default()),
        }),
        done: "Đã thêm đơn vị. / Unit added.",
        clears: &["unit-code", "unit-name", "unit-name-en"],
    }));
    let name_counter = submit(std::rc::Rc::new(move |fields: &Fields| {
        let unit = fields.get("counter-unit").cloned().unwrap_or_default();
        let code = fields.get("counter-code").map(|code| code.trim().to_owned()).unwrap_or_default();
        Change {
            method: "PUT",
            path: format!("/api/v1/units/{unit}/counters/{code}"),
            body: json!({ "name_vi": fields.get("counter-name").cloned().unwrap_or_default() }),
            done: "Đã đặt tên quầy. / Counter named.",
            clears: &["counter-code", "counter-name"],
        }
    }));
    let add_account = submit(std::rc::Rc::new(move |fields: &Fields| Change {
        method: "POST",
        path: "/api/v1/accounts".into(),
        body: json!({
            "name": fields.get("account-new-name").map(|name| name.trim()).unwrap_or_default(),
            "password": fields.get("account-new-password").cloned().unwrap_or_default(),
            "role": fields.get("account-role").cloned().filter(|role| !role.is_empty()).unwrap_or_else(|| "office".into()),
            "unit": optional(fields.get("account-unit").map(String::as_str).unwrap_or_default()),
        }),
        done: "Đã tạo tài khoản. / Account made.",
        clears: &["account-new-name", "account-new-password"],
    }));
    let add_device = submit(std::rc::Rc::new(move |fields: &Fields| Change {
        method: "POST",
        path: "/api/v1/devices".into(),
        body: json!({
            "name": fields.get("device-name").map(|name| name.trim()).unwrap_or_default(),
            "unit": fields.get("device-unit").cloned().unwrap_or_default(),
            "counter": optional(fields.get("device-counter").map(String::as_str).unwrap_or_default()),
            "survey_id": fields.get("device-survey").cloned().filter(|id| !id.is_empty()).unwrap_or_else(|| survey_defs::COUNTER_RATING_ID.into()),
        }),
        done: "Đã thêm thiết bị: nhập mã ghép nối ở thiết bị. / Kiosk added: enter the pairing code on it.",
        clears: &["device-name", "device-counter"],
    }));

    let origin = web_sys::window().and_then(|window| window.location().origin().ok()).unwrap_or_default();
    let pairing_html = pairing.as_ref().map(|(name, code)| {
        let url = format!("{origin}/staff#ghep={}", code.replace('-', ""));
        let svg = survey::reports::qr::svg(&url, code).unwrap_or_default();
        html! {
            <figure class="qr-card pairing-code" role="status">
                { Html::from_html_unchecked(AttrValue::from(svg)) }
                <figcaption>
                    { format!("Mã ghép nối của {name} / Pairing code of {name}:") }<br />
                    <strong class="code">{ code }</strong><br />
                    { "Dùng một lần, trong một giờ. / Once, within an hour." }
                </figcaption>
            </figure>
        }
    });
    let counters_of = |unit: &str| {
        listed
            .counters
            .iter()
            .filter(|counter| text(counter, "unit") == unit)
            .map(|counter| format!("{} ({})", text(counter, "name_vi"), text(counter, "code")))
            .collect::<Vec<_>>()
            .join(", ")
    };

    html! {
        <div class="administration">
            if let Some(said) = &*said {
                <p class={classes!(if said.is_ok() { "note" } else { "violation" })} role="status">
                    { match said { Ok(text) | Err(text) => text.clone() } }
                </p>
            }
            <section>
                <h2>{ "Đơn vị" }<span class="en" lang="en">{ "Units" }</span></h2>
                <table class="tally units">
                    <thead><tr>
                        <th scope="col">{ "Đơn vị / Unit" }</th><th scope="col">{ "Thuộc / Under" }</th><th scope="col">{ "Quầy / Counters" }</th>
                    </tr></thead>
                    <tbody>
                        { for units.iter().map(|unit| html! {
                            <tr data-code={text(unit, "code")}>
                                <th scope="row">{ format!("{} ({})", text(unit, "name_vi"), text(unit, "code")) }</th>
                                <td>{ text(unit, "parent") }</td>
                                <td>{ counters_of(&text(unit, "code")) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                if is_admin {
                    <form class="staff-form unit-form" onsubmit={add_unit}>
                        <h3>{ "Thêm đơn vị / Add a unit" }</h3>
                        <label for="unit-code">{ "Mã (ví dụ phuong-an-khanh) / Code" }</label>
                        <input id="unit-code" type="text" autocomplete="off" spellcheck="false" required=true value={field("unit-code")} oninput={edit("unit-code")} />
                        <label for="unit-name">{ "Tên / Name" }</label>
                        <input id="unit-name" type="text" required=true value={field("unit-name")} oninput={edit("unit-name")} />
                        <label for="unit-name-en">{ "Tên tiếng Anh (không bắt buộc) / English name (optional)" }</label>
                        <input id="unit-name-en" type="text" value={field("unit-name-en")} oninput={edit("unit-name-en")} />
                        <label for="unit-parent">{ "Thuộc đơn vị / Under" }</label>
                        { unit_options("unit-parent", true) }
                        <button type="submit" class="action">{ "Thêm đơn vị / Add the unit" }</button>
                    </form>
                    <form class="staff-form counter-form" onsubmit={name_counter}>
                        <h3>{ "Đặt tên quầy / Name a counter" }</h3>
                        <label for="counter-unit">{ "Đơn vị / Unit" }</label>
                        { unit_options("counter-unit", false) }
                        <label for="counter-code">{ "Mã quầy (ví dụ quay-1) / Counter code" }</label>
                        <input id="counter-code" type="text" autocomplete="off" spellcheck="false" required=true value={field("counter-code")} oninput={edit("counter-code")} />
                        <label for="counter-name">{ "Tên quầy / Counter name" }</label>
                        <input id="counter-name" type="text" required=true value={field("counter-name")} oninput={edit("counter-name")} />
                        <button type="submit" class="action">{ "Lưu tên quầy / Save the name" }</button>
                    </form>
                }
            </section>
            if is_admin {
                <section>
                    <h2>{ "Tài khoản" }<span class="en" lang="en">{ "Accounts" }</span></h2>
                    <ul class="accounts">
                        { for listed.accounts.iter().map(|account| html! {
                            <li>{ format!("{} · {} · {}", text(account, "name"), text(account, "role"), account.get("unit").and_then(Value::as_str).unwrap_or("*")) }</li>
                        }) }
                    </ul>
                    <form class="staff-form account-form" onsubmit={add_account}>
                        <h3>{ "Tạo tài khoản / Make an account" }</h3>
                        <label for="account-new-name">{ "Tên đăng nhập / User name" }</label>
                        <input id="account-new-name" type="text" autocomplete="off" spellcheck="false" required=true value={field("account-new-name")} oninput={edit("account-new-name")} />
                        <label for="account-new-password">{ "Mật khẩu (ít nhất 10 ký tự) / Password (10 characters or more)" }</label>
                        <input id="account-new-password" type="password" autocomplete="new-password" required=true value={field("account-new-password")} oninput={edit("account-new-password")} />
                        <label for="account-role">{ "Vai trò / Role" }</label>
                        <select id="account-role" onchange={choose("account-role")}>
                            { for [("office", "Cán bộ văn phòng / Office staff"), ("leader", "Lãnh đạo đơn vị / Unit leader"), ("viewer", "Theo dõi (Sở Nội vụ) / Viewer"), ("admin", "Quản trị / Administrator")].into_iter().map(|(role, label)| html! {
                                <option value={role} selected={field("account-role") == role || (field("account-role").is_empty() && role == "office")}>{ label }</option>
                            }) }
                        </select>
                        <label for="account-unit">{ "Đơn vị / Unit" }</label>
                        { unit_options("account-unit", false) }
                        <button type="submit" class="action">{ "Tạo tài khoản / Make the account" }</button>
                    </form>
                </section>
            }
            <section>
                <h2>{ "Thiết bị đánh giá" }<span class="en" lang="en">{ "Kiosks" }</span></h2>
                <ul class="devices">
                    { for listed.devices.iter().map(|device| html! {
                        <li>{ format!(
                            "{} · {} / {} · {} · {} phiếu{}",
                            text(device, "name"),
                            text(device, "unit"),
                            text(device, "counter"),
                            text(device, "survey_id"),
                            device.get("responses").and_then(Value::as_u64).unwrap_or(0),
                            if device.get("revoked_at").is_some_and(|at| !at.is_null()) { " · đã thu hồi / revoked" } else { "" }
                        ) }</li>
                    }) }
                </ul>
                { for pairing_html }
                <form class="staff-form device-form" onsubmit={add_device}>
                    <h3>{ "Thêm thiết bị, lấy mã ghép nối / Add a kiosk and get its pairing code" }</h3>
                    <label for="device-name">{ "Tên thiết bị (ví dụ an-khanh-quay-1) / Kiosk name" }</label>
                    <input id="device-name" type="text" autocomplete="off" spellcheck="false" required=true value={field("device-name")} oninput={edit("device-name")} />
                    <label for="device-unit">{ "Đơn vị / Unit" }</label>
                    { unit_options("device-unit", false) }
                    <label for="device-counter">{ "Mã quầy / Counter code" }</label>
                    <input id="device-counter" type="text" autocomplete="off" spellcheck="false" value={field("device-counter")} oninput={edit("device-counter")} />
                    <label for="device-survey">{ "Khảo sát / Survey" }</label>
                    <select id="device-survey" onchange={choose("device-survey")}>
                        { for survey_defs::all().into_iter().map(|survey| html! {
                            <option value={survey.id().to_owned()} selected={field("device-survey") == survey.id() || (field("device-survey").is_empty() && survey.id() == survey_defs::COUNTER_RATING_ID)}>
                                { format!("{} ({})", survey.title().vi, survey.version()) }
                            </option>
                        }) }
                    </select>
                    <button type="submit" class="action">{ "Thêm và lấy mã / Add and get the code" }</button>
                </form>
            </section>
        </div>
    }
}
