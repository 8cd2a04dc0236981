//! Pages and files for people: the published results page and its charts, the summary of
//! comments, the QR sheet and Excel workbooks. The only folder that writes HTML or SVG.

pub mod chart;
pub mod comments;
pub mod first_screen;
pub mod html;
pub mod publish;
#[cfg(feature = "qr")]
pub mod qr;
pub mod report;
pub mod report_html;
#[cfg(feature = "xlsx")]
pub mod report_xlsx;
pub mod said;
pub mod withdrawn;
#[cfg(feature = "xlsx")]
pub mod xlsx;
