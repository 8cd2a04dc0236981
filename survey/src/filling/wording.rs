//! The words a citizen reads around the questions, in one place: the kiosk's screens and the
//! first screen `hailong` sends before the app has loaded (`reports::first_screen`) say them
//! the same way. Each is Vietnamese first, then English.

/// Under the first question: what is and is not asked.
pub const PRIVACY: [&str; 2] = [
    "Đánh giá ẩn danh: không hỏi tên, số điện thoại hay số giấy tờ.",
    "Anonymous: no name, phone or ID number is asked.",
];
/// The welcome screen's button.
pub const START: [&str; 2] = ["Bắt đầu", "Start"];
/// After a question that may be left unanswered.
pub const OPTIONAL: [&str; 2] = [" (không bắt buộc)", " (optional)"];
/// A phone's single-use code that has rated already.
pub const CODE_USED: [&str; 2] = ["Mã này đã được dùng để đánh giá", "This code has already been used to rate"];
pub const CODE_USED_NOTE: [&str; 2] = [
    "Mỗi mã QR chỉ đánh giá được một lần. Cảm ơn ông/bà đã góp ý.",
    "Each QR code rates once. Thank you for your feedback.",
];
/// While the first tap is on its way to the server, before the app has loaded.
pub const SENDING: [&str; 2] = ["Đang gửi đánh giá…", "Sending your rating…"];
/// The first tap could not reach the server yet: said plainly, and tried again.
pub const NOT_SENT: [&str; 2] = [
    "Chưa gửi được đánh giá vì mất kết nối. Đang thử lại; xin giữ trang này mở.",
    "Your rating is not sent yet: the connection is lost. Trying again; please keep this page open.",
];
/// The server refused the first tap for good.
pub const REFUSED: [&str; 2] = [
    "Không gửi được đánh giá. Vui lòng báo cán bộ tại quầy.",
    "The rating could not be sent. Please tell the staff at the counter.",
];

/// A pair of these as the core's bilingual text.
pub fn text(pair: [&str; 2]) -> crate::text::Text {
    crate::text::Text { vi: pair[0].to_owned(), en: Some(pair[1].to_owned()) }
}
