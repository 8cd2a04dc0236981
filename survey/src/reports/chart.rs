//! Bar charts as inline SVG, drawn by the published page and the staff area alike: no script,
//! no external file, readable when printed in black and white (the figure is written after
//! every bar).

use crate::reports::html::escape;

/// How a bar is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Good,
    Bad,
    Neutral,
}

/// One bar: its label, its length out of the chart's maximum, and the figure written after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub figure: String,
    pub tone: Tone,
}

/// A horizontal bar chart as SVG. `max` is the value of a full-length bar.
pub fn bar_chart(title: &str, bars: &[Bar], max: u64) -> String {
    const WIDTH: u64 = 640;
    const LABEL: u64 = 260;
    const FIGURE: u64 = 90;
    const ROW: u64 = 30;
    let height = ROW * bars.len() as u64 + 8;
    let mut svg = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    for (index, bar) in bars.iter().enumerate() {
        let y = index as u64 * ROW + 4;
        let span = WIDTH - LABEL - FIGURE;
        let length = if max == 0 { 0 } else { (bar.value.min(max) * span).div_ceil(max) };
        let colour = match bar.tone {
            Tone::Good => "#1b6e35",
            Tone::Bad => "#a4262c",
            Tone::Neutral => "#1f5296",
        };
        let shown: String = if bar.label.chars().count() > 38 {
            format!("{}…", bar.label.chars().take(37).collect::<String>())
        } else {
            bar.label.clone()
        };
        svg.push_str(&format!(
            "<g><title>{label}: {figure}</title>\
             <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"14\" fill=\"#1a1a1a\">{shown}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{length}\" height=\"{bh}\" rx=\"3\" fill=\"{colour}\"/>\
             <text x=\"{fx}\" y=\"{ty}\" font-size=\"14\" font-weight=\"bold\" fill=\"#1a1a1a\">{figure}</text></g>",
            label = escape(&bar.label),
            figure = escape(&bar.figure),
            shown = escape(&shown),
            lx = LABEL - 8,
            ty = y + 17,
            bh = ROW - 8,
            fx = LABEL + length + 6,
        ));
    }
    svg.push_str("</svg>");
    svg
}
