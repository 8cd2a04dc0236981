//! Which screen a URL shows. Three screens do not need a router crate: the path is read once at
//! start, and links between screens are ordinary links that the service worker answers offline.

use survey::records::record::is_code;
use yew::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `/`: the counter kiosk.
    Kiosk,
    /// `/p/<unit>/<counter>`: a citizen's own phone, reached through the counter's QR code.
    Phone {
        unit: String,
        counter: String,
    },
    /// `/staff`: counts and exports for counter staff.
    Staff,
    /// `/staff/may-chu`: the server's workspace, signed in with an account.
    StaffServer,
    NotFound,
}

/// The staff area's address.
pub const STAFF_PATH: &str = "/staff";
/// The server workspace's address.
pub const STAFF_SERVER_PATH: &str = "/staff/may-chu";

impl Route {
    pub fn from_path(path: &str) -> Route {
        match path.trim_end_matches('/') {
            "" | "/index.html" => Route::Kiosk,
            STAFF_PATH => Route::Staff,
            STAFF_SERVER_PATH => Route::StaffServer,
            other => match other.strip_prefix("/p/").and_then(|rest| rest.split_once('/')) {
                Some((unit, counter)) if is_code(unit) && is_code(counter) => {
                    Route::Phone { unit: unit.to_owned(), counter: counter.to_owned() }
                }
                _ => Route::NotFound,
            },
        }
    }

    /// The phone page's address for a unit and counter, as printed in QR codes.
    pub fn phone_path(unit: &str, counter: &str) -> String {
        format!("/p/{unit}/{counter}")
    }

    pub fn current() -> Route {
        let path = web_sys::window().and_then(|window| window.location().pathname().ok());
        Route::from_path(path.as_deref().unwrap_or("/"))
    }
}

/// The single-use token in the address's fragment (`#t=…`). A fragment never reaches a
/// server's logs or a `Referer`, which a query would.
pub fn fragment_token() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let token = hash.strip_prefix("#t=")?;
    (!token.is_empty() && token.len() <= 128 && token.bytes().all(|b| b.is_ascii_hexdigit())).then(|| token.to_owned())
}

/// A pairing code in the staff area's address (`/staff#ghep=…`), as the QR code the server's
/// administration shows carries it.
pub fn pairing_code() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let code = hash.strip_prefix("#ghep=")?;
    (!code.is_empty() && code.len() <= 32 && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .then(|| code.to_owned())
}

/// The names of the unit and counter the server gave a phone page (its `hailong-place` meta),
/// shown at the top of the phone's screens.
pub fn place_name() -> Option<String> {
    let meta = web_sys::window()?.document()?.query_selector("meta[name=\"hailong-place\"]").ok()??;
    meta.get_attribute("content").filter(|name| !name.trim().is_empty())
}

/// A parameter of the page's address (`?survey=sipas`), if present and not empty.
pub fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

pub fn not_found() -> Html {
    html! {
        <main class="page">
            <h1>{ "Không tìm thấy trang" }</h1>
            <p lang="en">{ "Page not found" }</p>
            <p><a href="/">{ "Về màn hình đánh giá" }</a></p>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_screens() {
        assert_eq!(Route::from_path("/"), Route::Kiosk);
        assert_eq!(Route::from_path("/index.html"), Route::Kiosk);
        assert_eq!(Route::from_path("/staff"), Route::Staff);
        assert_eq!(Route::from_path("/staff/"), Route::Staff);
        assert_eq!(Route::from_path("/staff/may-chu"), Route::StaffServer);
        assert_eq!(Route::from_path("/admin"), Route::NotFound);
        assert_eq!(
            Route::from_path("/p/phuong-1/quay-2"),
            Route::Phone { unit: "phuong-1".into(), counter: "quay-2".into() }
        );
        assert_eq!(
            Route::from_path(&Route::phone_path("p1", "q1")),
            Route::Phone { unit: "p1".into(), counter: "q1".into() }
        );
        assert_eq!(Route::from_path("/p/phuong-1"), Route::NotFound);
        assert_eq!(Route::from_path("/p/phuong-1/quay-2/x"), Route::NotFound);
        assert_eq!(Route::from_path("/p/%3Cscript%3E/quay-2"), Route::NotFound);
    }
}
