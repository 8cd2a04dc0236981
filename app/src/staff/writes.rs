//! A change the server's workspace asks of the server, as a job: a section's callback hands a
//! [`Write`] over, and the section's one effect sends it (`crate::ui::jobs`). What follows is the
//! same everywhere: said done, or the server's refusal said, or, when the session has ended, the
//! sign-in asked for again.

use yew::prelude::*;

use wire::session::Session;

use crate::platform::account;
use crate::ui::jobs::use_jobs;
use crate::ui::notice::Notice;

/// One change: its method, path and JSON body, what to say when it is done, and what the section
/// does then (forget a draft, read the list again).
pub struct Write {
    pub method: &'static str,
    pub path: String,
    pub body: String,
    pub done: String,
    pub then: Callback<()>,
}

/// The callback a section hands its changes to.
#[hook]
pub fn use_writes(session: &Session, notice: &UseStateHandle<Option<Notice>>, ended: &Callback<()>) -> Callback<Write> {
    let (session, notice, ended) = (session.clone(), notice.clone(), ended.clone());
    use_jobs(move |write: Write| {
        let (session, notice, ended) = (session.clone(), notice.clone(), ended.clone());
        async move {
            match account::call(&session, write.method, &write.path, Some(write.body)).await {
                Ok(_) => {
                    notice.set(Some(Notice::Done(write.done)));
                    write.then.emit(());
                }
                Err(Some(reason)) => notice.set(Some(Notice::Problem(reason))),
                Err(None) => ended.emit(()),
            }
        }
    })
}
