//! The staff area at `/staff`: behind the PIN, the kiosk's settings and the counts.
//!
//! First run: staff choose a PIN (twice). Afterwards the PIN opens the area; five wrong tries
//! lock it for a minute, and the lock survives a reload. The PIN is checked with WebCrypto,
//! so the area needs a secure address (https:// or localhost).

use yew::prelude::*;

use crate::platform::storage;
use crate::settings::KioskSettings;
use crate::staff::kept::{read, write};
use crate::staff::pin::{self, PinLock, PinRecord};
use crate::{platform::clock, platform::storage::SharedStore};

#[derive(Clone, Debug, PartialEq)]
enum Gate {
    Loading,
    /// No PIN yet: choose one.
    Choose {
        error: Option<String>,
    },
    Enter {
        error: Option<String>,
    },
    Locked {
        seconds: u32,
    },
    Open,
    Failed(String),
}

#[derive(Properties, PartialEq)]
pub struct StaffAreaProps {
    pub store: SharedStore,
    /// The stored settings, or `None` where they cannot be read (they can be set anew here).
    pub settings: Option<KioskSettings>,
}

/// Where the gate stands now, from what is stored.
async fn current_gate(store: &SharedStore) -> Gate {
    let pin: Option<PinRecord> = match read(store, storage::PIN_KEY).await {
        Ok(pin) => pin,
        Err(err) => return Gate::Failed(err),
    };
    if pin.is_none() {
        return Gate::Choose { error: None };
    }
    let lock: PinLock = read(store, storage::LOCK_KEY).await.ok().flatten().unwrap_or_default();
    match lock.seconds_left(clock::now_millis()) {
        Some(seconds) => Gate::Locked { seconds },
        None => Gate::Enter { error: None },
    }
}

async fn choose(store: &SharedStore, first: String, second: String) -> Gate {
    if !pin::valid_pin(&first) {
        return Gate::Choose { error: Some("Mã PIN gồm 4 đến 8 chữ số. / A PIN is 4 to 8 digits.".into()) };
    }
    if first != second {
        return Gate::Choose { error: Some("Hai lần nhập không khớp. / The two entries differ.".into()) };
    }
    let salt = pin::new_salt();
    match pin::derive(&first, &salt, pin::ITERATIONS).await {
        Ok(hash) => {
            let record = PinRecord {
                format: 1,
                salt: pin::to_hex(&salt),
                iterations: pin::ITERATIONS,
                hash: pin::to_hex(&hash),
            };
            match write(store, storage::PIN_KEY, &record).await {
                Ok(()) => Gate::Open,
                Err(err) => Gate::Failed(err),
            }
        }
        Err(err) => Gate::Failed(err),
    }
}

async fn enter(store: &SharedStore, attempt: String) -> Gate {
    let now = clock::now_millis();
    let lock: PinLock = read(store, storage::LOCK_KEY).await.ok().flatten().unwrap_or_default();
    if let Some(seconds) = lock.seconds_left(now) {
        return Gate::Locked { seconds };
    }
    let record: PinRecord = match read(store, storage::PIN_KEY).await {
        Ok(Some(record)) => record,
        Ok(None) => return Gate::Choose { error: None },
        Err(err) => return Gate::Failed(err),
    };
    let (Some(salt), Some(expected)) = (pin::from_hex(&record.salt), pin::from_hex(&record.hash)) else {
        return Gate::Failed("the stored PIN is damaged".into());
    };
    let right = match pin::derive(&attempt, &salt, record.iterations).await {
        Ok(hash) => pin::same_hash(&hash, &expected),
        Err(err) => return Gate::Failed(err),
    };
    let lock = if right { PinLock::default() } else { lock.failed(now) };
    if let Err(err) = write(store, storage::LOCK_KEY, &lock).await {
        return Gate::Failed(err);
    }
    match (right, lock.seconds_left(now)) {
        (true, _) => Gate::Open,
        (false, Some(seconds)) => Gate::Locked { seconds },
        (false, None) => Gate::Enter {
            error: Some(format!(
                "Sai mã PIN. Còn {} lần thử. / Wrong PIN: {} tries left.",
                lock.tries_left(),
                lock.tries_left()
            )),
        },
    }
}

#[function_component(StaffArea)]
pub fn staff_area(props: &StaffAreaProps) -> Html {
    let gate = use_state(|| Gate::Loading);
    // The PIN and its repetition as typed; emptied as soon as they are checked.
    let pins = use_state(|| (String::new(), String::new()));
    {
        let (gate, store) = (gate.clone(), props.store.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { gate.set(current_gate(&store).await) });
        });
    }
    {
        // While locked, look again every second.
        let (gate, store) = (gate.clone(), props.store.clone());
        let locked = matches!(*gate, Gate::Locked { .. });
        use_effect_with(locked, move |locked| {
            let timer = locked.then(|| {
                gloo_timers::callback::Interval::new(1_000, move || {
                    let (gate, store) = (gate.clone(), store.clone());
                    wasm_bindgen_futures::spawn_local(async move { gate.set(current_gate(&store).await) });
                })
            });
            move || drop(timer)
        });
    }

    // A PIN submitted; the effect checks or stores it, and forgets it at once.
    let submitted = use_state(|| None::<(Gate, String, String)>);
    {
        let (gate, store, handle) = (gate.clone(), props.store.clone(), submitted.clone());
        use_effect_with((*submitted).clone(), move |submitted| {
            if let Some((current, first, second)) = submitted.clone() {
                handle.set(None);
                wasm_bindgen_futures::spawn_local(async move {
                    let next = match current {
                        Gate::Choose { .. } => choose(&store, first, second).await,
                        Gate::Enter { .. } => enter(&store, first).await,
                        other => other,
                    };
                    gate.set(next);
                });
            }
        });
    }
    let on_submit = {
        let (gate, pins, submitted) = (gate.clone(), pins.clone(), submitted.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            submitted.set(Some(((*gate).clone(), pins.0.clone(), pins.1.clone())));
            pins.set((String::new(), String::new()));
            gate.set(Gate::Loading);
        })
    };

    let type_pin = |first: bool| {
        let pins = pins.clone();
        Callback::from(move |event: InputEvent| {
            let typed = crate::platform::dom::field_value(&event);
            let (mut pin, mut again) = (*pins).clone();
            if first {
                pin = typed
            } else {
                again = typed
            }
            pins.set((pin, again));
        })
    };
    let pin_form = |title: &str, english: &str, again: bool, error: &Option<String>| {
        html! {
            <main class="page staff pin-gate">
                <h1>{ title }<span class="en" lang="en">{ english }</span></h1>
                <form class="pin-form" onsubmit={on_submit.clone()}>
                    <label for="pin">{ "Mã PIN (4–8 chữ số) / PIN (4–8 digits)" }</label>
                    <input id="pin" type="password" inputmode="numeric" autocomplete="off" maxlength="8" required=true
                           value={pins.0.clone()} oninput={type_pin(true)} />
                    if again {
                        <label for="pin-again">{ "Nhập lại mã PIN / The PIN again" }</label>
                        <input id="pin-again" type="password" inputmode="numeric" autocomplete="off" maxlength="8" required=true
                               value={pins.1.clone()} oninput={type_pin(false)} />
                    }
                    if let Some(error) = error {
                        <p class="violation" role="alert">{ error }</p>
                    }
                    <button type="submit" class="action">{ if again { "Lưu mã PIN / Save the PIN" } else { "Mở / Open" } }</button>
                </form>
                <p><a href={crate::platform::route::STAFF_SERVER_PATH}>{ "Đăng nhập tài khoản trên máy chủ / Sign in to the server" }</a></p>
                <p><a href="/">{ "← Về màn hình đánh giá / Back to the rating screen" }</a></p>
            </main>
        }
    };

    match &*gate {
        Gate::Loading => html! { <p class="loading">{ "Đang kiểm tra… / Checking…" }</p> },
        Gate::Failed(reason) => html! {
            <main class="page staff"><p role="alert" class="violation">{ format!("Không mở được khu vực cán bộ / The staff area cannot open: {reason}") }</p></main>
        },
        Gate::Choose { error } => pin_form("Chọn mã PIN cho cán bộ", "Choose the staff PIN", true, error),
        Gate::Enter { error } => pin_form("Khu vực cán bộ", "Staff area", false, error),
        Gate::Locked { seconds } => html! {
            <main class="page staff pin-gate">
                <h1>{ "Khu vực cán bộ" }<span class="en" lang="en">{ "Staff area" }</span></h1>
                <p class="violation locked" role="alert">
                    { format!("Đã nhập sai 5 lần. Vui lòng thử lại sau {seconds} giây.") }
                    <span class="en" lang="en">{ format!("Five wrong tries: try again in {seconds} s.") }</span>
                </p>
            </main>
        },
        Gate::Open => html! {
            <crate::staff::shell::Shell store={props.store.clone()} settings={props.settings.clone()} />
        },
    }
}
