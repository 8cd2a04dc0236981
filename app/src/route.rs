//! Which screen a URL shows. Two screens do not need a router crate: the path is read once at
//! start, and links between screens are ordinary links that the service worker answers offline.

use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// `/`: the counter kiosk.
    Kiosk,
    /// `/staff`: counts and exports for counter staff.
    Staff,
    NotFound,
}

impl Route {
    pub fn from_path(path: &str) -> Route {
        match path.trim_end_matches('/') {
            "" | "/index.html" => Route::Kiosk,
            "/staff" => Route::Staff,
            _ => Route::NotFound,
        }
    }

    pub fn current() -> Route {
        let path = web_sys::window().and_then(|window| window.location().pathname().ok());
        Route::from_path(path.as_deref().unwrap_or("/"))
    }
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
        assert_eq!(Route::from_path("/admin"), Route::NotFound);
    }
}
