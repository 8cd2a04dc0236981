//! The controls above the results, the exports and certifying: the period (a quarter, a half,
//! a year or chosen days), the grouping, what is counted, and whose data.

use survey::results::period::Period;
use survey::text::Lang;
use yew::prelude::*;

use crate::platform::dom::{field_ticked, field_value};
use crate::staff::figures::{View, ViewChange};

#[derive(Properties, PartialEq)]
pub struct ViewControlsProps {
    pub view: View,
    pub recent: Vec<Period>,
    pub custom: bool,
    /// The next view, and whether custom days are being chosen.
    pub on_change: Callback<(View, bool)>,
    /// In the server's workspace: whether the account may see officers at all. There, the
    /// figures are the server's, so "whose data" is not asked.
    #[prop_or_default]
    pub server_officers: Option<bool>,
}

#[function_component(ViewControls)]
pub fn view_controls(props: &ViewControlsProps) -> Html {
    // Each control says what changed; the next view is worked out from the view shown (in
    // `View::changed`), never read back from the page.
    let change = |make: fn(&web_sys::Event) -> ViewChange| {
        let (view, custom, on_change) = (props.view.clone(), props.custom, props.on_change.clone());
        Callback::from(move |event: Event| on_change.emit(view.changed(make(&event), custom)))
    };
    let view = &props.view;
    let selected = if props.custom { "custom".to_string() } else { view.period.code() };
    html! {
        <form class="view-controls" id="ket-qua" onsubmit={Callback::from(|event: SubmitEvent| event.prevent_default())}>
            <div class="control">
                <label for="period">{ "Kỳ báo cáo / Period" }</label>
                <select id="period" onchange={change(|event| ViewChange::Period(field_value(event)))}>
                    { for props.recent.iter().map(|period| html! {
                        <option value={period.code()} selected={selected == period.code()}>
                            { format!("{} / {}", period.label(Lang::Vi), period.label(Lang::En)) }
                        </option>
                    }) }
                    if !props.custom && !props.recent.contains(&view.period) {
                        <option value={view.period.code()} selected=true>{ view.period.label(Lang::Vi) }</option>
                    }
                    <option value="custom" selected={props.custom}>{ "Tùy chọn… / Custom…" }</option>
                </select>
            </div>
            if props.custom {
                <div class="control">
                    <label for="period-from">{ "Từ ngày / From" }</label>
                    <input id="period-from" type="date" value={view.period.start.to_string()} onchange={change(|event| ViewChange::From(field_value(event)))} />
                </div>
                <div class="control">
                    <label for="period-to">{ "Đến ngày / To" }</label>
                    <input id="period-to" type="date" value={view.period.end.to_string()} onchange={change(|event| ViewChange::To(field_value(event)))} />
                </div>
            }
            <fieldset class="control">
                <legend>{ "Chia theo / Group by" }</legend>
                <label><input id="by-unit" type="checkbox" checked={view.by.unit} onchange={change(|event| ViewChange::ByUnit(field_ticked(event)))} />{ "Đơn vị / Unit" }</label>
                <label><input id="by-counter" type="checkbox" checked={view.by.counter} onchange={change(|event| ViewChange::ByCounter(field_ticked(event)))} />{ "Quầy / Counter" }</label>
                if props.server_officers != Some(false) {
                <label><input id="by-staff" type="checkbox" checked={view.by.staff} onchange={change(|event| ViewChange::ByStaff(field_ticked(event)))} />{ "Cán bộ / Officer" }</label>
                }
                <label><input id="by-field" type="checkbox" checked={view.by.field} onchange={change(|event| ViewChange::ByField(field_ticked(event)))} />{ "Lĩnh vực / Field" }</label>
            </fieldset>
            <fieldset class="control">
                <legend>{ "Tính cả / Also count" }</legend>
                <label><input id="include-misuse" type="checkbox" checked={view.include_misuse} onchange={change(|event| ViewChange::IncludeMisuse(field_ticked(event)))} />{ "Phiếu nghi lạm dụng / Flagged as misuse" }</label>
            </fieldset>
            if props.server_officers.is_none() {
            <div class="control">
                <label for="source">{ "Dữ liệu / Data" }</label>
                <select id="source" onchange={change(|event| ViewChange::OwnOnly(field_value(event) == "own"))}>
                    <option value="all" selected={!view.own_only}>{ "Tất cả, kể cả tệp đã nhập / All, imports included" }</option>
                    <option value="own" selected={view.own_only}>{ "Chỉ của thiết bị này / This device's own" }</option>
                </select>
            </div>
            }
        </form>
    }
}
