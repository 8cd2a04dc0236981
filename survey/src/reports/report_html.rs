//! The report for the level above as one printable A4 page: self-contained (styles inline, no
//! script, no external file), every text from data escaped. Chromium prints it as the PDF the
//! office signs and sends.

use crate::reports::html::escape;
use crate::reports::publish::exact_percent_text;
use crate::reports::report::{Block, Report, Value};

/// A value as the page shows it: percentages exactly as the workspace shows them, points as
/// Vietnamese writes them.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Text(text) => text.clone(),
        Value::Count(count) => count.to_string(),
        Value::Percent(hundredths) => exact_percent_text(*hundredths),
        Value::Points(tenths) => format!("{},{}", tenths / 10, tenths % 10),
        Value::Empty => "—".into(),
    }
}

const STYLE: &str = "\
@page{size:A4;margin:20mm 15mm 20mm 30mm}\
*{box-sizing:border-box}\
body{margin:0;font-family:'Times New Roman','Liberation Serif','DejaVu Serif',serif;font-size:13pt;line-height:1.35;color:#000;background:#fff}\
.sheet{max-width:165mm;margin:0 auto;padding:6mm 0}\
.top{display:grid;grid-template-columns:2fr 3fr;gap:4mm;text-align:center}\
.top p{margin:0;white-space:pre-wrap}.top .strong{font-weight:bold}.top .rule{width:40%;margin:1mm auto 2mm;border-top:1px solid #000}\
.top .place{font-style:italic}\
h1{margin:8mm 0 0;text-align:center;font-size:14pt}\
.subject{margin:1mm 0 6mm;text-align:center;font-weight:bold}\
h2{font-size:13pt;margin:5mm 0 2mm}\
p{margin:1.5mm 0;text-align:justify}\
table{width:100%;border-collapse:collapse;font-size:11pt;margin:1mm 0 3mm}\
th,td{border:1px solid #000;padding:1mm 1.5mm;vertical-align:top;text-align:left}\
thead th{text-align:center;font-weight:bold}\
.num{text-align:right;white-space:nowrap}\
.signature{display:grid;grid-template-columns:1fr 1fr;gap:4mm;margin-top:8mm;break-inside:avoid}\
.recipients p{margin:0;font-size:11pt;text-align:left}.recipients p:first-child{font-style:italic;font-weight:bold}\
.signer{text-align:center}.signer p{margin:0;text-align:center}.signer .position{font-weight:bold}\
.signer .note{font-style:italic;font-size:11pt}.signer .name{margin-top:22mm;font-weight:bold}\
@media print{tr,h2{break-inside:avoid}h2{break-after:avoid}}";

/// The report as one HTML document, for printing on A4.
pub fn report_html(report: &Report) -> String {
    let lines = |lines: &[String]| {
        lines.iter().map(|line| format!("<p class=\"strong\">{}</p>", escape(line))).collect::<String>()
    };
    let mut html = format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"icon\" href=\"data:,\"><title>{}</title><style>{STYLE}</style></head><body><main class=\"sheet\">\
         <div class=\"top\"><div>{}<div class=\"rule\"></div><p>{}</p></div>\
         <div><p class=\"strong\">{}</p><p class=\"strong\">{}</p><div class=\"rule\"></div><p class=\"place\">{}</p></div></div>\
         <h1>{}</h1><p class=\"subject\">{}</p>",
        escape(&format!("{} — {}", report.title, report.subject)),
        lines(&report.left),
        escape(&report.number),
        escape(&report.nation),
        escape(&report.motto),
        escape(&report.place_date),
        escape(&report.title),
        escape(&report.subject),
    );
    for block in &report.blocks {
        match block {
            Block::Heading(text) => html.push_str(&format!("<h2>{}</h2>", escape(text))),
            Block::Paragraph(text) => {
                for line in text.lines().filter(|line| !line.trim().is_empty()) {
                    html.push_str(&format!("<p>{}</p>", escape(line)));
                }
            }
            Block::Table { header, rows } => {
                html.push_str("<table><thead><tr>");
                for title in header {
                    html.push_str(&format!("<th scope=\"col\">{}</th>", escape(title)));
                }
                html.push_str("</tr></thead><tbody>");
                for row in rows {
                    html.push_str("<tr>");
                    for value in row {
                        let class = if matches!(value, Value::Text(_)) { "" } else { " class=\"num\"" };
                        html.push_str(&format!("<td{class}>{}</td>", escape(&value_text(value))));
                    }
                    html.push_str("</tr>");
                }
                html.push_str("</tbody></table>");
            }
        }
    }
    html.push_str("<div class=\"signature\"><div class=\"recipients\">");
    for line in &report.recipients {
        html.push_str(&format!("<p>{}</p>", escape(line)));
    }
    html.push_str(&format!(
        "</div><div class=\"signer\"><p class=\"position\">{}</p><p class=\"note\">{}</p><p class=\"name\">{}</p></div></div></main></body></html>",
        escape(&report.position),
        escape(&report.note),
        escape(&report.signer)
    ));
    html
}
