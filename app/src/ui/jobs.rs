//! A component's jobs: what a callback asks of the world (a request to the server, reading a
//! file) is handed over as a job and carried out by the component's one effect, so no callback
//! starts work of its own (ARCHITECTURE.md; a repository test holds it).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::rc::Rc;

use yew::prelude::*;

/// The callback a component hands its jobs to; `run` carries each out, in the order asked, after
/// the render that follows (several asked before it are all carried out).
#[hook]
pub fn use_jobs<J, Fut>(run: impl Fn(J) -> Fut + 'static) -> Callback<J>
where
    J: 'static,
    Fut: Future<Output = ()> + 'static,
{
    let queue: Rc<RefCell<VecDeque<J>>> = use_mut_ref(VecDeque::new);
    let asked = use_state(|| 0u64);
    {
        let queue = queue.clone();
        use_effect_with(*asked, move |_| {
            let jobs: Vec<J> = queue.borrow_mut().drain(..).collect();
            for job in jobs {
                wasm_bindgen_futures::spawn_local(run(job));
            }
        });
    }
    Callback::from(move |job: J| {
        queue.borrow_mut().push_back(job);
        asked.set(*asked + 1);
    })
}
