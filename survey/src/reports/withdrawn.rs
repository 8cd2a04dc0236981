//! The page of a period whose certificate was withdrawn: it says so, when and why, in place of
//! the figures, until the period is certified again.

use crate::reports::html::escape;
use crate::text::Lang;

/// What the page says of a withdrawn certificate.
pub struct WithdrawnPage<'a> {
    pub lang: Lang,
    pub unit_name: &'a str,
    pub period_label: &'a str,
    /// When it was withdrawn, RFC 3339.
    pub withdrawn_at: &'a str,
    pub reason: &'a str,
}

impl WithdrawnPage<'_> {
    pub fn to_html(&self) -> String {
        let t = |vi: &'static str, en: &'static str| if self.lang == Lang::Vi { vi } else { en };
        format!(
            "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">\
             <title>{title}</title><style>{STYLE}</style></head><body><main>\
             <p class=\"unit\">{unit}</p><h1>{title}</h1>\
             <p>{said} {at}.</p><p><strong>{why_label}</strong> {why}</p><p>{after}</p></main></body></html>",
            code = if self.lang == Lang::Vi { "vi" } else { "en" },
            title = escape(&format!("{} — {}", t("Số liệu đã được rút lại", "Figures withdrawn"), self.period_label)),
            unit = escape(self.unit_name),
            said = t(
                "Số liệu đã chốt của kỳ này đã được đơn vị rút lại lúc",
                "The certified figures of this period were withdrawn by the unit at"
            ),
            at = escape(&crate::vn_time::readable(self.withdrawn_at, self.lang)),
            why_label = t("Lý do:", "Why:"),
            why = escape(self.reason),
            after = t(
                "Trang sẽ công bố lại khi kỳ này được chốt số liệu lần nữa.",
                "The page will publish again once the period is certified again."
            ),
        )
    }
}

const STYLE: &str = "body{margin:0;font-family:'Noto Sans','Segoe UI',Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff;line-height:1.45}\
main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem}h1{font-size:1.4rem}.unit{color:#486581;margin:0}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_says_when_and_why_escaped() {
        let html = WithdrawnPage {
            lang: Lang::Vi,
            unit_name: "Phường <An Khánh>",
            period_label: "Quý IV năm 2026",
            withdrawn_at: "2027-01-06T09:30:00+07:00",
            reason: "Nhập nhầm số hồ sơ <tiếp nhận>",
        }
        .to_html();
        assert!(html.contains("rút lại lúc 09:30 ngày 06/01/2027."), "{html}");
        assert!(
            html.contains("Nhập nhầm số hồ sơ &lt;tiếp nhận&gt;") && html.contains("Phường &lt;An Khánh&gt;"),
            "{html}"
        );
    }
}
