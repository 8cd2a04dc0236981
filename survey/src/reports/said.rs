//! The published page's part on what citizens wrote: the count per topic (withheld for few
//! comments, as small groups are) and a few quotable comments, masked again, never with a time,
//! counter or officer.

use crate::reports::html::escape;
use crate::results::topics::UnitComments;
use crate::text::Lang;

/// The longest quote a published page shows, in characters; a longer one is cut with "…".
pub const MAX_QUOTE_CHARS: usize = 400;

/// The published page's part on comments: the count per topic, most first (withheld where fewer
/// than `min_n` comments were tagged), then up to [`QUOTES_SHOWN`](crate::results::topics::QUOTES_SHOWN) quotable comments, masked
/// The unit's account of what it did about what citizens said, as written; one written after
/// the figures were certified says so, with both times, so that it is never taken for part of
/// what the certificate locked. Empty for a reply with no text.
pub fn reply_html(reply: &str, written_at: Option<&str>, certified_at: Option<&str>, lang: Lang) -> String {
    let t = |vi: &'static str, en: &'static str| if lang == Lang::Vi { vi } else { en };
    let reply = reply.trim();
    if reply.is_empty() {
        return String::new();
    }
    let mut html = format!("<h3>{}</h3>", t("Kết quả tiếp thu, giải quyết", "What the unit did about it"));
    for paragraph in reply.lines().map(str::trim).filter(|line| !line.is_empty()) {
        html.push_str(&format!("<p class=\"reply\">{}</p>", escape(paragraph)));
    }
    if let (Some(written), Some(certified)) = (written_at, certified_at)
        && crate::vn_time::parse_rfc3339(written).ok() > crate::vn_time::parse_rfc3339(certified).ok()
    {
        html.push_str(&format!(
            "<p class=\"reply-after\">{} {}; {} {}.</p>",
            t("Viết lúc", "Written at"),
            escape(&crate::vn_time::readable(written, lang)),
            t("sau khi chốt số liệu lúc", "after the figures were certified at"),
            escape(&crate::vn_time::readable(certified, lang)),
        ));
    }
    html
}

/// again and escaped. Empty when nobody wrote anything.
pub fn comments_html(comments: &UnitComments, min_n: u64, lang: Lang) -> String {
    let t = |vi: &'static str, en: &'static str| if lang == Lang::Vi { vi } else { en };
    if comments.comments == 0 {
        return String::new();
    }
    let published = comments.published(min_n);
    let mut html = format!("<h3>{}</h3>", t("Ý kiến theo chủ đề", "Comments by topic"));
    if comments.tagged == 0 {
        let line = match lang {
            Lang::Vi => format!("{} ý kiến, chưa được phân loại.", comments.comments),
            Lang::En => format!("{} comments, not yet sorted by topic.", comments.comments),
        };
        html.push_str(&format!("<p class=\"withheld\">{}</p>", escape(&line)));
    } else {
        match published.topics {
            None => {
                let line = match lang {
                    Lang::Vi => format!(
                        "{} ý kiến được phân loại, dưới {min_n}: không công bố số theo chủ đề để không nhận ra ai.",
                        comments.tagged
                    ),
                    Lang::En => format!(
                        "{} comments sorted, under {min_n}: counts by topic withheld so that nobody can be recognised.",
                        comments.tagged
                    ),
                };
                html.push_str(&format!("<p class=\"withheld\">{}</p>", escape(&line)));
            }
            Some(topics) => {
                html.push_str(&crate::reports::html::count_table(
                    "topics",
                    t("Chủ đề", "Topic"),
                    t("Số ý kiến", "Comments"),
                    topics.iter().map(|(topic, count)| (topic.as_str(), *count)),
                ));
                let note = match lang {
                    Lang::Vi => format!(
                        "{} ý kiến, {} đã phân loại; mỗi ý kiến có thể thuộc nhiều chủ đề.",
                        comments.comments, comments.tagged
                    ),
                    Lang::En => format!(
                        "{} comments, {} sorted; a comment may have several topics.",
                        comments.comments, comments.tagged
                    ),
                };
                html.push_str(&format!("<p class=\"note\">{}</p>", escape(&note)));
            }
        }
    }
    if !published.quotes.is_empty() {
        html.push_str(&format!("<h3>{}</h3>", t("Một số ý kiến tiêu biểu", "Some of what citizens wrote")));
        for quote in published.quotes {
            let shown: String = if quote.chars().count() > MAX_QUOTE_CHARS {
                quote.chars().take(MAX_QUOTE_CHARS).collect::<String>() + "…"
            } else {
                quote
            };
            html.push_str(&format!("<blockquote class=\"quote\">{}</blockquote>", escape(&shown)));
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn few_tagged_comments_withhold_the_counts_but_quotes_are_masked_again() {
        let comments = UnitComments {
            comments: 3,
            tagged: 2,
            topics: BTreeMap::from([("Thái độ phục vụ".into(), 2)]),
            quotable: vec!["Gọi 0912345678 <b>ngay</b>".into()],
        };
        let html = comments_html(&comments, 10, Lang::Vi);
        assert!(html.contains("dưới 10"), "{html}");
        assert!(!html.contains("<td class=\"num\">2</td>"), "{html}");
        assert!(!html.contains("0912345678"), "{html}");
        assert!(html.contains("&lt;b&gt;ngay&lt;/b&gt;"), "{html}");
        assert_eq!(comments_html(&UnitComments::default(), 10, Lang::Vi), "");
    }
}
