//! Pairing a kiosk with the server: staff type the one-time code `hailong device pair` (or the
//! server's administrator) gave, once. The kiosk then has its device token, and takes its unit,
//! counter and survey from the server, now and whenever they change there.

use yew::prelude::*;

use crate::platform::storage::SharedStore;
use crate::settings::KioskSettings;

#[derive(Properties, PartialEq)]
pub struct PairingProps {
    pub store: SharedStore,
    pub settings: KioskSettings,
    /// The settings as stored after pairing.
    pub on_paired: Callback<KioskSettings>,
}

#[function_component(Pairing)]
pub fn pairing(props: &PairingProps) -> Html {
    // A code in the address (the QR code the server's administration shows) is filled in.
    let code = use_state(|| crate::platform::route::pairing_code().unwrap_or_default());
    let asked = use_state(|| None::<String>);
    let said = use_state(|| None::<Result<String, String>>);
    {
        let (store, settings, on_paired) = (props.store.clone(), props.settings.clone(), props.on_paired.clone());
        let (handle, said, code) = (asked.clone(), said.clone(), code.clone());
        use_effect_with((*asked).clone(), move |asked| {
            let Some(typed) = asked.clone() else { return };
            handle.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let paired = match crate::platform::account::pair(&typed).await {
                    Ok(paired) => paired,
                    Err(error) => return said.set(Some(Err(error))),
                };
                let next = settings.with_server(&paired.config, Some(&paired.device_token));
                match crate::staff::settings_form::store_settings(&store, &next).await {
                    Ok(_) => {
                        code.set(String::new());
                        let survey = survey_defs::by_id(&next.survey_id).map(|survey| survey.title().vi.clone());
                        let counter = match &paired.config.counter_name {
                            Some(name) => format!("{name} ({})", next.counter_code),
                            None => format!("quầy {}", next.counter_code),
                        };
                        said.set(Some(Ok(format!(
                            "Đã ghép nối: {} · {counter} · {}. / Paired with the server.",
                            next.unit_name,
                            survey.unwrap_or_default()
                        ))));
                        on_paired.emit(next);
                    }
                    Err(error) => said.set(Some(Err(error))),
                }
            });
        });
    }
    let on_submit = {
        let (code, asked, said) = (code.clone(), asked.clone(), said.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            said.set(None);
            asked.set(Some((*code).clone()));
        })
    };
    let on_input = {
        let code = code.clone();
        Callback::from(move |event: InputEvent| code.set(crate::platform::dom::field_value(&event)))
    };
    let paired = props.settings.server_version > 0;
    html! {
        <section class="pairing">
            <h2>{ "Ghép nối với máy chủ" }<span class="en" lang="en">{ "Pair with the server" }</span></h2>
            <p>{ if paired {
                "Thiết bị đã ghép nối: đơn vị, quầy và khảo sát do máy chủ đặt. Nhập mã mới để ghép lại. / Paired: the server sets the unit, counter and survey. Enter a new code to pair again."
            } else {
                "Nhập mã ghép nối do quản trị cấp (dùng một lần, trong một giờ). / Enter the pairing code your administrator gave (once, within an hour)."
            } }</p>
            <form class="pin-form pairing-form" onsubmit={on_submit}>
                <label for="pairing-code">{ "Mã ghép nối / Pairing code" }</label>
                <input id="pairing-code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" required=true
                       value={(*code).clone()} oninput={on_input} />
                if let Some(said) = &*said {
                    <p class={classes!(if said.is_ok() { "note" } else { "violation" })} role="status">
                        { match said { Ok(text) | Err(text) => text.clone() } }
                    </p>
                }
                <button type="submit" class="action">{ "Ghép nối / Pair" }</button>
            </form>
        </section>
    }
}
