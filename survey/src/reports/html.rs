//! Writing text into HTML and SVG: every piece of text that comes from data (a unit's name,
//! a label, a group code, a citizen's comment) goes through [`escape`].

/// Escapes text for HTML and SVG, in element content and in quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// A table of labels and their counts (reasons chosen, comments per topic), headings given,
/// every label escaped.
pub fn count_table<'a>(
    class: &str,
    label: &str,
    count: &str,
    rows: impl IntoIterator<Item = (&'a str, u64)>,
) -> String {
    let mut html = format!(
        "<table class=\"{class}\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
        escape(label),
        escape(count)
    );
    for (label, count) in rows {
        html.push_str(&format!("<tr><th scope=\"row\">{}</th><td class=\"num\">{count}</td></tr>", escape(label)));
    }
    html.push_str("</tbody></table>");
    html
}
