//! QR codes as SVG, and the printable sheet of them that staff put at the counter.
//!
//! The staff area (in the browser) and `hailong token add` (on the server) print the same sheet
//! from this one module. A code is drawn as one SVG path with a four-module quiet zone, so it
//! scales to any print size and stays sharp; no image library is needed.

use qrcode::{Color, EcLevel, QrCode};

use crate::reports::html::escape;
use crate::text::Lang;

/// A QR code of `text` as an SVG element with a `viewBox` in modules, or why it cannot be
/// encoded (a text too long for any QR version).
pub fn svg(text: &str, label: &str) -> Result<String, String> {
    // Level M survives a crease or a smudge on a printed card and keeps a URL with a token
    // at a size a cheap phone's camera reads from arm's length.
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|err| err.to_string())?;
    let width = code.width();
    let colors = code.to_colors();
    const QUIET: usize = 4;
    let size = width + 2 * QUIET;
    let mut path = String::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if colors[y * width + x] == Color::Dark {
                let start = x;
                while x < width && colors[y * width + x] == Color::Dark {
                    x += 1;
                }
                path.push_str(&format!("M{} {}h{}v1h-{}z", start + QUIET, y + QUIET, x - start, x - start));
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"{}\"><rect width=\"{size}\" height=\"{size}\" \
         fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        escape(label)
    ))
}

/// One card of a sheet: a code and the words printed around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    /// What the code holds: the phone page's address, with a token where the card is single-use.
    pub url: String,
    /// The unit and counter, as staff call them.
    pub place: String,
    /// A note under the code: "dùng một lần" for a single-use card, a dossier's code shown to
    /// the citizen, or nothing.
    pub note: String,
}

/// A sheet of cards as one self-contained HTML page that prints on A4, twelve cards a page.
pub fn sheet(title: &str, cards: &[Card], lang: Lang) -> Result<String, String> {
    let (scan, scan_other) = match lang {
        Lang::Vi => ("Quét mã để đánh giá sự phục vụ", "Scan to rate our service"),
        Lang::En => ("Scan to rate our service", "Quét mã để đánh giá sự phục vụ"),
    };
    let mut body = String::new();
    for card in cards {
        let code = svg(&card.url, scan)?;
        body.push_str(&format!(
            "<section class=\"card\"><p class=\"scan\">{scan}</p><p class=\"scan-other\">{scan_other}</p>{code}\
             <p class=\"place\">{}</p>{}<p class=\"url\">{}</p></section>\n",
            escape(&card.place),
            if card.note.is_empty() { String::new() } else { format!("<p class=\"note\">{}</p>", escape(&card.note)) },
            escape(&card.url),
        ));
    }
    let html_lang = lang.code();
    Ok(format!(
        "<!doctype html>\n<html lang=\"{html_lang}\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>{SHEET_STYLE}</style></head>\n\
         <body><h1>{}</h1>\n<main class=\"cards\">\n{body}</main></body></html>\n",
        escape(title),
        escape(title)
    ))
}

/// The sheet's only style, kept apart so a server can allow exactly it by its hash.
pub const SHEET_STYLE: &str = "@page{size:A4;margin:10mm}\
body{font-family:system-ui,'Segoe UI',Roboto,Arial,sans-serif;margin:0;color:#111}\
h1{font-size:14pt;margin:0 0 4mm}\
.cards{display:grid;grid-template-columns:repeat(3,1fr);gap:4mm}\
.card{border:1px dashed #777;padding:3mm;text-align:center;break-inside:avoid;page-break-inside:avoid}\
.card p{margin:1mm 0}.scan{font-weight:700;font-size:12pt}.scan-other{font-size:9pt;color:#444}\
.qr{width:48mm;height:48mm;display:block;margin:2mm auto}\
.place{font-size:11pt;font-weight:700}.note{font-size:10pt}.url{font-size:6pt;color:#555;word-break:break-all}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_one_scalable_path_with_a_quiet_zone() {
        let code = svg("https://hailong.example/p/phuong-1/quay-2", "Quét").unwrap();
        assert!(code.starts_with("<svg class=\"qr\""), "{code}");
        // A URL of this length needs version 3 (29 modules) at level M: 29 + 8 quiet modules.
        assert!(code.contains("viewBox=\"0 0 37 37\""), "{code}");
        assert_eq!(code.matches("<path").count(), 1);
        assert!(!code.contains("<?xml"));
    }

    #[test]
    fn card_text_is_escaped_and_every_card_has_its_code() {
        let cards = [
            Card {
                url: "https://x/p/u/q#t=abc".into(), place: "<b>Quầy 1</b>".into(), note: "dùng một lần".into()
            },
            Card { url: "https://x/p/u/q#t=def".into(), place: "Quầy 1".into(), note: String::new() },
        ];
        let html = sheet("Mã QR \"Quầy 1\"", &cards, Lang::Vi).unwrap();
        assert_eq!(html.matches("<svg class=\"qr\"").count(), 2);
        assert!(html.contains("&lt;b&gt;Quầy 1&lt;/b&gt;"));
        assert!(html.contains("<title>Mã QR &quot;Quầy 1&quot;</title>"));
        assert!(!html.contains("<script"));
        assert!(html.contains(&format!("<style>{SHEET_STYLE}</style>")));
    }

    #[test]
    fn a_text_too_long_for_any_code_is_an_error_not_a_panic() {
        assert!(svg(&"x".repeat(4000), "").is_err());
    }
}
