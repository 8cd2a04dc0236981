//! Messages above the page about the store itself, shown before or beside what the app draws
//! (the store cannot open yet because another tab holds it): each in an element of its own,
//! outside Yew's, kept here rather than looked up in the page.

use std::cell::RefCell;

/// What a banner says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Banner {
    /// Another tab keeps the store from being upgraded.
    Blocked,
    /// A newer version in another tab waits for this one to close its store.
    Newer,
}

impl Banner {
    /// The class tests find it by.
    pub fn class(self) -> &'static str {
        match self {
            Banner::Blocked => "storage-blocked",
            Banner::Newer => "storage-newer",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Banner::Blocked => {
                "Hài Lòng đang mở ở một thẻ hoặc cửa sổ khác với phiên bản cũ. Hãy đóng các thẻ đó để tiếp tục; không phiếu nào bị mất. / Hài Lòng is open in another tab or window with an older version. Close those tabs to go on; no response is lost."
            }
            Banner::Newer => {
                "Một phiên bản mới của Hài Lòng đang chờ ở thẻ khác. Khi không có người đang đánh giá, hãy tải lại trang này. / A newer Hài Lòng is waiting in another tab: reload this page when nobody is rating."
            }
        }
    }
}

thread_local! {
    /// The banners shown, by `Banner as usize`.
    static SHOWN: RefCell<[Option<web_sys::Element>; 2]> = const { RefCell::new([None, None]) };
}

/// Shows `banner` at the top of the page, once.
pub fn show(banner: Banner) {
    if SHOWN.with(|shown| shown.borrow()[banner as usize].is_some()) {
        return;
    }
    let Some(document) = web_sys::window().and_then(|window| window.document()) else { return };
    let Ok(element) = document.create_element("div") else { return };
    let _ = element.set_attribute("role", "alert");
    let _ = element.set_attribute("class", &format!("page-banner {}", banner.class()));
    element.set_text_content(Some(banner.text()));
    if let Some(body) = document.body() {
        let _ = body.prepend_with_node_1(&element);
    }
    SHOWN.with(|shown| shown.borrow_mut()[banner as usize] = Some(element));
}

/// Takes `banner` away, if it is shown.
pub fn remove(banner: Banner) {
    if let Some(element) = SHOWN.with(|shown| shown.borrow_mut()[banner as usize].take()) {
        element.remove();
    }
}
