//! How many dossiers the unit received in the period, per field, typed or imported as CSV: the
//! denominator of the response rate.

use std::rc::Rc;

use survey::results::denominator::write_dossiers;
use survey::text::Lang;
use yew::prelude::*;

use crate::platform::dom::field_value;
use crate::staff::files;
use crate::staff::state::{Part, SectionProps, WorkspaceAction};
use crate::ui::notice::notice_html;

#[function_component(Denominators)]
pub fn denominators(props: &SectionProps) -> Html {
    let workspace = &props.workspace;
    let period = workspace.view.period;
    // What staff typed, until it is saved; the stored figures show otherwise.
    let typed = use_state(|| None::<String>);
    {
        let typed = typed.clone();
        use_effect_with(period, move |_| typed.set(None));
    }
    let Some(data) = workspace.data() else { return html! {} };
    let current = data.dossiers.get(&period.code());
    let save = {
        let dispatcher = workspace.dispatcher();
        Rc::new(move |text: String| dispatcher.dispatch(WorkspaceAction::SaveDossiers { period, text }))
    };
    let stored = current.map_or("field,dossiers\n".to_string(), write_dossiers);
    let text = (*typed).clone().unwrap_or(stored);
    let on_submit = {
        let (save, text) = (save.clone(), text.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            save(text.clone());
        })
    };
    let on_input = {
        let typed = typed.clone();
        Callback::from(move |event: InputEvent| typed.set(Some(field_value(&event))))
    };
    let on_file = {
        let (save, dispatcher) = (save.clone(), workspace.dispatcher());
        Callback::from(move |event: Event| {
            let (save, dispatcher) = (save.clone(), dispatcher.clone());
            if let Some(file) = files::picked_files(&event).into_iter().next() {
                wasm_bindgen_futures::spawn_local(async move {
                    match files::file_text(&file).await {
                        Ok(text) => save(text),
                        Err(err) => dispatcher.dispatch(WorkspaceAction::Problem(Part::Dossiers, err)),
                    }
                });
            }
        })
    };
    html! {
        <section class="denominators" id="ho-so">
            <h2>{ format!("Số hồ sơ tiếp nhận trong {} / Dossiers received", period.label(Lang::Vi)) }</h2>
            <form class="staff-form dossiers-form" onsubmit={on_submit}>
                <label for="dossiers">{ "Mỗi dòng: mã lĩnh vực, số hồ sơ (để trống mã nếu không chia lĩnh vực) / One line per field: code, dossiers" }</label>
                <textarea id="dossiers" rows="4" value={text} oninput={on_input} />
                <label for="dossiers-file">{ "Hoặc nhập tệp CSV (cột field, dossiers) / Or import a CSV" }</label>
                <input id="dossiers-file" type="file" accept=".csv,text/csv" onchange={on_file} />
                <button type="submit" class="action">{ "Lưu số hồ sơ / Save" }</button>
            </form>
            { notice_html(&workspace.notices.get(&Part::Dossiers).cloned()) }
        </section>
    }
}
