//! The Hài Lòng single-page app: the kiosk a citizen taps at the counter, and the staff page.
//!
//! This is the only crate that knows the DOM. It is a thin shell over the `survey` core: the
//! core decides what a response and a tally are; the app shows them, stores them in IndexedDB
//! (only `storage` touches it) and keeps working with the network gone (`service_worker`).

pub mod clock;
pub mod download;
pub mod faces;
pub mod kiosk;
pub mod route;
pub mod service_worker;
pub mod staff;
pub mod storage;

use std::rc::Rc;
use std::sync::Arc;

use survey::Survey;
use yew::prelude::*;

use crate::route::Route;
use crate::storage::Store;

/// Starts the app in the page's `#app` element.
pub fn run() {
    service_worker::register();
    let document = web_sys::window().and_then(|window| window.document());
    let root = document.and_then(|document| document.get_element_by_id("app"));
    match root {
        Some(root) => {
            // The shell shows a loading line until the app is ready; the app replaces it.
            root.set_inner_html("");
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}

/// What the app needs before it can show anything: the survey and an open store.
#[derive(Clone, PartialEq)]
enum Startup {
    Opening,
    Ready(SharedStore),
    Failed(String),
}

/// A handle to the open store that components can take as a prop.
#[derive(Clone)]
pub struct SharedStore(pub Rc<Store>);

impl PartialEq for SharedStore {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[function_component(App)]
fn app() -> Html {
    let route = use_memo((), |_| Route::current());
    // Which shipped survey runs: `?survey=<id>`, or the counter rating. (Staff will choose it in
    // the kiosk's set-up screen; until then the address says it.)
    let survey_id =
        use_memo((), |_| route::query("survey").unwrap_or_else(|| survey_defs::COUNTER_RATING_ID.to_owned()));
    let survey = use_memo(survey_id.clone(), |id| survey_defs::by_id(id));
    let startup = use_state(|| Startup::Opening);
    {
        let startup = startup.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match Store::open().await {
                    Ok(store) => startup.set(Startup::Ready(SharedStore(Rc::new(store)))),
                    Err(err) => startup.set(Startup::Failed(err.to_string())),
                }
            });
        });
    }

    let Some(survey) = survey.as_ref().clone() else {
        return kiosk::out_of_service(&format!("no shipped survey has the id `{survey_id}`"));
    };
    let survey: Arc<Survey> = Arc::new(survey);
    match (&*startup, *route) {
        (Startup::Opening, _) => html! { <p class="loading">{ "Đang tải… / Loading…" }</p> },
        (Startup::Failed(reason), _) => kiosk::out_of_service(reason),
        (Startup::Ready(store), Route::Kiosk) => html! { <kiosk::Kiosk store={store.clone()} {survey} /> },
        (Startup::Ready(store), Route::Staff) => html! { <staff::Staff store={store.clone()} {survey} /> },
        (Startup::Ready(_), Route::NotFound) => route::not_found(),
    }
}
