//! The server workspace's administration: the units of the account's subtree with their
//! counters, the accounts (administrators only), and the kiosks with their one-time pairing
//! codes, shown as text and as a QR code that opens the kiosk's settings with the code filled in.
//!
//! Everything here is a request to the server, which alone decides what the account may do
//! (`server::http::access`); a refusal is shown in the server's words.

use serde_json::Value;
use yew::prelude::*;

use wire::session::{Role, Session};

use crate::platform::account::call;
use crate::staff::admin_changes::{self as changes, Change, Fields, HOURS, TOP};

#[derive(Properties, PartialEq)]
pub struct AdminProps {
    pub session: Session,
    /// Told when the server says the session has ended.
    pub on_session_ended: Callback<()>,
}

/// What the server holds, as last read.
#[derive(Clone, Debug, Default, PartialEq)]
struct Listed {
    units: Vec<wire::city::UnitName>,
    counters: Vec<wire::city::NamedCode>,
    accounts: Vec<wire::city::AccountListed>,
    devices: Vec<wire::city::DeviceListed>,
}

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

/// The days' names, Monday first.
const DAYS: [&str; 7] =
    ["Thứ 2 / Mon", "Thứ 3 / Tue", "Thứ 4 / Wed", "Thứ 5 / Thu", "Thứ 6 / Fri", "Thứ 7 / Sat", "Chủ nhật / Sun"];

#[function_component(Admin)]
pub fn admin(props: &AdminProps) -> Html {
    let listed = use_state(Listed::default);
    let generation = use_state(|| 0u32);
    let forms = use_reducer(Forms::default);
    let said = use_state(|| None::<Result<String, String>>);
    let pairing = use_state(|| None::<(String, String)>);
    // A removal or revocation asked for, shown to be confirmed before it is sent.
    let confirming = use_state(|| None::<(String, Change)>);
    let is_admin = props.session.account.may(wire::session::Permission::ManageAccounts);
    // What a change done is to say (and a pairing code it brought), shown once the lists are
    // read again: the page then changes once, not twice, under the staff member's finger.
    let to_say = use_mut_ref(|| None::<(String, Option<(String, String)>)>);
    {
        let (listed, session, ended, said) =
            (listed.clone(), props.session.clone(), props.on_session_ended.clone(), said.clone());
        let (to_say, pairing) = (to_say.clone(), pairing.clone());
        use_effect_with(*generation, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let get = |path: &'static str| {
                    let session = session.clone();
                    async move { call(&session, "GET", path, None).await }
                };
                let units = get(wire::city::UNITS).await;
                let devices = get(wire::city::DEVICES).await;
                let accounts = if is_admin { Some(get(wire::city::ACCOUNTS).await) } else { None };
                // Each answer read as the wire's type; one that is not is said as the server's
                // refusal would be.
                fn read<T: serde::de::DeserializeOwned>(answer: Value) -> Result<T, Option<String>> {
                    serde_json::from_value(answer).map_err(|err| Some(err.to_string()))
                }
                let units = units.and_then(read::<wire::city::Units>);
                let devices = devices.and_then(read::<wire::city::Devices>);
                match (units, devices) {
                    (Err(None), _) | (_, Err(None)) => ended.emit(()),
                    (Err(Some(error)), _) | (_, Err(Some(error))) => said.set(Some(Err(error))),
                    (Ok(units), Ok(devices)) => {
                        listed.set(Listed {
                            units: units.units,
                            counters: units.counters,
                            devices: devices.devices,
                            accounts: accounts
                                .and_then(Result::ok)
                                .and_then(|answer| read::<wire::city::Accounts>(answer).ok())
                                .map(|read| read.accounts)
                                .unwrap_or_default(),
                        });
                        if let Some((done, code)) = to_say.borrow_mut().take() {
                            if code.is_some() {
                                pairing.set(code);
                            }
                            said.set(Some(Ok(done)));
                        }
                    }
                }
            });
        });
    }
    {
        let (session, ended, said, generation, to_say) =
            (props.session.clone(), props.on_session_ended.clone(), said.clone(), generation.clone(), to_say.clone());
        let (asked, dispatcher) = (forms.asked.clone(), forms.dispatcher());
        use_effect_with(asked.as_ref().map(|(number, _)| *number), move |_| {
            let Some((_, change)) = asked else { return };
            wasm_bindgen_futures::spawn_local(async move {
                match call(&session, change.method, &change.path, Some(change.body.to_string())).await {
                    Ok(answer) => {
                        // A new kiosk and a new pairing are answered with the kiosk's code.
                        let code = serde_json::from_value::<wire::city::Pairing>(answer)
                            .ok()
                            .map(|pairing| (change.kiosk.clone().unwrap_or_default(), pairing.pairing_code));
                        *to_say.borrow_mut() = Some((change.done.to_owned(), code));
                        dispatcher.dispatch(FormAction::Clear(change.clears));
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
    let ask_now = |change: Change| {
        let (dispatcher, said, confirming) = (forms.dispatcher(), said.clone(), confirming.clone());
        Callback::from(move |_: MouseEvent| {
            said.set(None);
            confirming.set(None);
            let change = change.clone();
            dispatcher.dispatch(FormAction::Ask(std::rc::Rc::new(move |_| change.clone())));
        })
    };
    let confirm_first = |question: String, change: Change| {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(Some((question.clone(), change.clone()))))
    };
    let tick = |id: &'static str| {
        let dispatcher = forms.dispatcher();
        Callback::from(move |event: Event| {
            let on = crate::platform::dom::field_ticked(&event);
            dispatcher.dispatch(FormAction::Edit(id, if on { "on" } else { "" }.into()))
        })
    };
    let units = &listed.units;
    // The units this account may put things under: those listed (its subtree), first its own.
    let unit_options = |id: &'static str, with_top: bool| {
        let chosen = field(id);
        html! {
            <select id={id} onchange={choose(id)}>
                <option value="" selected={chosen.is_empty()}>{ if with_top { "(cấp cao nhất / top)" } else { "—" } }</option>
                { for units.iter().map(|unit| {
                    let code = unit.code.clone();
                    html! { <option value={code.clone()} selected={chosen == code}>{ format!("{} ({code})", unit.name_vi) }</option> }
                }) }
            </select>
        }
    };

    let add_unit = submit(std::rc::Rc::new(changes::add_unit));
    let name_counter = submit(std::rc::Rc::new(changes::name_counter));
    let add_account = submit(std::rc::Rc::new(changes::add_account));
    let add_device = submit(std::rc::Rc::new(changes::add_device));
    let edit_unit = submit(std::rc::Rc::new(changes::edit_unit));
    let remove_unit = submit(std::rc::Rc::new(changes::remove_unit));
    let edit_device = submit(std::rc::Rc::new(changes::edit_device));
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
            .filter(|counter| counter.unit.as_deref() == Some(unit))
            .map(|counter| format!("{} ({})", counter.name_vi, counter.code))
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
            if let Some((question, change)) = &*confirming {
                <div class="confirm-certify confirm-change" role="group" aria-labelledby="confirm-change-title">
                    <p id="confirm-change-title"><strong>{ question }</strong></p>
                    <div class="actions">
                        <button type="button" class="action confirm-yes" onclick={ask_now(change.clone())}>{ "Xác nhận / Confirm" }</button>
                        <button type="button" class="action secondary confirm-no"
                            onclick={let confirming = confirming.clone(); Callback::from(move |_: MouseEvent| confirming.set(None))}>
                            { "Hủy / Cancel" }
                        </button>
                    </div>
                </div>
            }
            <section>
                <h2>{ "Đơn vị" }<span class="en" lang="en">{ "Units" }</span></h2>
                <table class="tally units">
                    <thead><tr>
                        <th scope="col">{ "Đơn vị / Unit" }</th><th scope="col">{ "Thuộc / Under" }</th><th scope="col">{ "Quầy / Counters" }</th>
                    </tr></thead>
                    <tbody>
                        { for units.iter().map(|unit| html! {
                            <tr data-code={unit.code.clone()}>
                                <th scope="row">{ format!("{} ({})", unit.name_vi, unit.code) }</th>
                                <td>{ unit.parent.clone().unwrap_or_default() }</td>
                                <td>{ counters_of(&unit.code) }</td>
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
                    <form class="staff-form unit-edit-form" onsubmit={edit_unit}>
                        <h3>{ "Đổi tên hoặc chuyển đơn vị / Rename or move a unit" }</h3>
                        <label for="edit-unit">{ "Đơn vị / Unit" }</label>
                        { unit_options("edit-unit", false) }
                        <label for="edit-unit-name">{ "Tên mới (để trống nếu giữ nguyên) / New name (blank: unchanged)" }</label>
                        <input id="edit-unit-name" type="text" value={field("edit-unit-name")} oninput={edit("edit-unit-name")} />
                        <label for="edit-unit-name-en">{ "Tên tiếng Anh mới / New English name" }</label>
                        <input id="edit-unit-name-en" type="text" value={field("edit-unit-name-en")} oninput={edit("edit-unit-name-en")} />
                        <label for="edit-unit-parent">{ "Chuyển về thuộc / Move under" }</label>
                        <select id="edit-unit-parent" onchange={choose("edit-unit-parent")}>
                            <option value="" selected={field("edit-unit-parent").is_empty()}>{ "(không chuyển / not moved)" }</option>
                            <option value={TOP} selected={field("edit-unit-parent") == TOP}>{ "(cấp cao nhất / top)" }</option>
                            { for units.iter().map(|unit| {
                                let code = unit.code.clone();
                                html! { <option value={code.clone()} selected={field("edit-unit-parent") == code}>{ format!("{} ({code})", unit.name_vi) }</option> }
                            }) }
                        </select>
                        <button type="submit" class="action">{ "Lưu đơn vị / Save the unit" }</button>
                    </form>
                    <form class="staff-form unit-remove-form" onsubmit={remove_unit}>
                        <h3>{ "Xóa đơn vị / Remove a unit" }</h3>
                        <p>{ "Chỉ xóa được đơn vị chưa có phiếu, đơn vị trực thuộc, tài khoản hay thiết bị. / Only a unit without responses, units below, accounts or kiosks can be removed." }</p>
                        <label for="remove-unit">{ "Đơn vị / Unit" }</label>
                        { unit_options("remove-unit", false) }
                        <label class="day">
                            <input id="remove-unit-sure" type="checkbox" required=true checked={field("remove-unit-sure") == "on"} onchange={tick("remove-unit-sure")} />
                            { "Tôi chắc chắn muốn xóa đơn vị này / I am sure" }
                        </label>
                        <button type="submit" class="action secondary">{ "Xóa đơn vị / Remove the unit" }</button>
                    </form>
                }
            </section>
            if is_admin {
                <section>
                    <h2>{ "Tài khoản" }<span class="en" lang="en">{ "Accounts" }</span></h2>
                    <ul class="accounts">
                        { for listed.accounts.iter().map(|account| {
                            let name = account.name.clone();
                            let remove = Change {
                                method: "DELETE",
                                path: wire::path(wire::city::ACCOUNT, &[&name]),
                                body: Value::Null,
                                done: "Đã xóa tài khoản; các phiên của nó đã kết thúc. / Account removed; its sessions ended.",
                                clears: &[],
                                kiosk: None,
                            };
                            html! {
                                <li data-name={name.clone()}>
                                    { format!("{} · {} · {}", name, account.role.name(), account.unit.as_deref().unwrap_or("*")) }
                                    if name != props.session.account.name {
                                        <button type="button" class="action secondary small remove-account"
                                            onclick={confirm_first(format!("Xóa tài khoản {name}? / Remove the account {name}?"), remove)}>
                                            { "Xóa / Remove" }
                                        </button>
                                    }
                                </li>
                            }
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
                            // Office staff first: the account most often made.
                            { for [Role::Office, Role::Leader, Role::Viewer, Role::Admin].into_iter().map(|role| {
                                let (name, label) = (role.name(), role.label());
                                html! {
                                    <option value={name} selected={field("account-role") == name || (field("account-role").is_empty() && role == Role::Office)}>
                                        { format!("{} / {}", label.vi, label.en.unwrap_or_default()) }
                                    </option>
                                }
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
                    { for listed.devices.iter().map(|device| {
                        let name = device.name.clone();
                        let revoked = device.revoked_at.is_some();
                        let path = wire::path(wire::city::DEVICE, &[&name]);
                        let revoke = Change {
                            method: "DELETE",
                            path: path.clone(),
                            body: Value::Null,
                            done: "Đã thu hồi: thiết bị không gửi được nữa; phiếu đã gửi vẫn giữ. / Revoked: the kiosk can send no more; what it sent stays.",
                            clears: &[],
                            kiosk: None,
                        };
                        let pair_again = Change {
                            method: "POST",
                            path: wire::path(wire::city::DEVICE_PAIRING, &[&name]),
                            body: Value::Null,
                            done: "Mã ghép nối mới: mã cũ chưa dùng hết hiệu lực. / A new pairing code: an unused older one stops working.",
                            clears: &[],
                            kiosk: Some(name.clone()),
                        };
                        html! {
                            <li data-name={name.clone()}>
                                { format!(
                                    "{} · {} / {} · {} · {} phiếu{}",
                                    name,
                                    device.unit.clone().unwrap_or_default(),
                                    device.counter.clone().unwrap_or_default(),
                                    device.survey_id.clone().unwrap_or_default(),
                                    device.responses,
                                    if revoked { " · đã thu hồi / revoked" } else { "" }
                                ) }
                                if !revoked {
                                    <button type="button" class="action secondary small pair-again" onclick={ask_now(pair_again)}>
                                        { "Mã ghép nối mới / New pairing code" }
                                    </button>
                                    <button type="button" class="action secondary small revoke-device"
                                        onclick={confirm_first(format!("Thu hồi thiết bị {name}? Nó sẽ không gửi được phiếu nữa. / Revoke the kiosk {name}? It will send no more."), revoke)}>
                                        { "Thu hồi / Revoke" }
                                    </button>
                                }
                            </li>
                        }
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
                <form class="staff-form device-edit-form" onsubmit={edit_device}>
                    <h3>{ "Cài đặt thiết bị từ máy chủ / Set a kiosk from the server" }</h3>
                    <p>{ "Để trống ô nào thì giữ nguyên ô đó. Thiết bị nhận thay đổi giữa hai lượt người dân. / A blank field stays as it is; the kiosk takes the change between two citizens." }</p>
                    <label for="edit-device">{ "Thiết bị / Kiosk" }</label>
                    <select id="edit-device" onchange={choose("edit-device")}>
                        <option value="" selected={field("edit-device").is_empty()}>{ "—" }</option>
                        { for listed.devices.iter().filter(|device| device.revoked_at.is_none()).map(|device| {
                            let name = device.name.clone();
                            html! { <option value={name.clone()} selected={field("edit-device") == name}>{ name.clone() }</option> }
                        }) }
                    </select>
                    <label for="edit-device-counter">{ "Mã quầy / Counter code" }</label>
                    <input id="edit-device-counter" type="text" autocomplete="off" spellcheck="false" value={field("edit-device-counter")} oninput={edit("edit-device-counter")} />
                    <label for="edit-device-survey">{ "Khảo sát / Survey" }</label>
                    <select id="edit-device-survey" onchange={choose("edit-device-survey")}>
                        <option value="" selected={field("edit-device-survey").is_empty()}>{ "(giữ nguyên / unchanged)" }</option>
                        { for survey_defs::all().into_iter().map(|survey| html! {
                            <option value={survey.id().to_owned()} selected={field("edit-device-survey") == survey.id()}>
                                { format!("{} ({})", survey.title().vi, survey.version()) }
                            </option>
                        }) }
                    </select>
                    <label for="edit-device-officers">{ "Cán bộ của quầy, mỗi dòng: mã; họ tên / The counter's officers, one a line: code; name" }</label>
                    <textarea id="edit-device-officers" rows="3" value={field("edit-device-officers")} oninput={edit("edit-device-officers")} />
                    <label for="edit-device-on-duty">{ "Mã cán bộ đang trực / Officer on duty (code)" }</label>
                    <input id="edit-device-on-duty" type="text" autocomplete="off" spellcheck="false" value={field("edit-device-on-duty")} oninput={edit("edit-device-on-duty")} />
                    <label class="day">
                        <input id="edit-device-set-hours" type="checkbox" checked={field("edit-device-set-hours") == "on"} onchange={tick("edit-device-set-hours")} />
                        { "Đặt giờ mở cửa (để trống cả tuần: luôn mở) / Set the opening hours (all blank: always open)" }
                    </label>
                    if field("edit-device-set-hours") == "on" {
                        <div class="week-hours">
                            { for HOURS.iter().zip(DAYS).map(|(id, day)| html! {
                                <>
                                    <label for={*id}>{ format!("{day} (07:30-11:30, 13:30-17:00)") }</label>
                                    <input id={*id} type="text" autocomplete="off" value={field(id)} oninput={edit(id)} />
                                </>
                            }) }
                        </div>
                    }
                    <button type="submit" class="action">{ "Lưu cài đặt thiết bị / Save the kiosk's settings" }</button>
                </form>
            </section>
        </div>
    }
}
