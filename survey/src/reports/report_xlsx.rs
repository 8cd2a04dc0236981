//! The report for the level above as an Excel workbook: the same blocks as the A4 page, on one
//! sheet, with numbers as numbers (percentages with two decimals, as the indices file has them),
//! so that the office can copy them into the province's own forms.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::reports::report::{Block, Report, Value};

/// The workbook, as the bytes of an `.xlsx` file.
pub fn report_xlsx(report: &Report) -> Result<Vec<u8>, String> {
    build(report).map_err(|err| format!("the report's workbook could not be written: {err}"))
}

fn build(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Báo cáo")?;
    let bold = Format::new().set_bold();
    let centred = Format::new().set_bold().set_align(FormatAlign::Center);
    let italic = Format::new().set_italic().set_align(FormatAlign::Center);
    let head = Format::new().set_bold().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let count = Format::new().set_border(FormatBorder::Thin).set_num_format("0");
    let percent = Format::new().set_border(FormatBorder::Thin).set_num_format("0.00");
    let points = Format::new().set_border(FormatBorder::Thin).set_num_format("0.0");
    let wide = report
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Table { header, .. } => Some(header.len()),
            _ => None,
        })
        .max()
        .unwrap_or(2)
        .max(4) as u16;
    let last = wide - 1;
    let split = wide / 2;
    // The national header on the right, the unit on the left, as on paper.
    let mut row = 0u32;
    let right = [(&report.nation, &centred), (&report.motto, &centred), (&report.place_date, &italic)];
    let left: Vec<&String> = report.left.iter().chain(std::iter::once(&report.number)).collect();
    for at in 0..left.len().max(right.len()) {
        if let Some(line) = left.get(at) {
            let format = if at + 1 == left.len() { &italic } else { &centred };
            sheet.merge_range(row, 0, row, split - 1, line, format)?;
        }
        if let Some((line, format)) = right.get(at) {
            sheet.merge_range(row, split, row, last, line, format)?;
        }
        row += 1;
    }
    row += 1;
    sheet.merge_range(row, 0, row, last, &report.title, &centred)?;
    row += 1;
    sheet.merge_range(
        row,
        0,
        row,
        last,
        &report.subject,
        &Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Center),
    )?;
    sheet.set_row_height(row, 36)?;
    row += 2;
    for block in &report.blocks {
        match block {
            Block::Heading(text) => {
                sheet.write_string_with_format(row, 0, text, &bold)?;
                row += 1;
            }
            Block::Paragraph(text) => {
                for line in text.lines().filter(|line| !line.trim().is_empty()) {
                    sheet.write_string(row, 0, line)?;
                    row += 1;
                }
            }
            Block::Table { header, rows } => {
                for (column, title) in header.iter().enumerate() {
                    sheet.write_string_with_format(row, column as u16, title, &head)?;
                }
                row += 1;
                for values in rows {
                    for (column, value) in values.iter().enumerate() {
                        let column = column as u16;
                        match value {
                            Value::Text(text) => sheet.write_string_with_format(row, column, text, &cell)?,
                            Value::Count(value) => {
                                sheet.write_number_with_format(row, column, *value as f64, &count)?
                            }
                            Value::Percent(hundredths) => {
                                sheet.write_number_with_format(row, column, *hundredths as f64 / 100.0, &percent)?
                            }
                            Value::Points(tenths) => {
                                sheet.write_number_with_format(row, column, *tenths as f64 / 10.0, &points)?
                            }
                            Value::Empty => sheet.write_blank(row, column, &cell)?,
                        };
                    }
                    row += 1;
                }
                row += 1;
            }
        }
    }
    row += 1;
    let plain = Format::new();
    let signer = [(&report.position, &centred), (&report.note, &italic)];
    for at in 0..report.recipients.len().max(signer.len()) {
        if let Some(line) = report.recipients.get(at) {
            sheet.merge_range(row, 0, row, split - 1, line, if at == 0 { &bold } else { &plain })?;
        }
        if let Some((line, format)) = signer.get(at) {
            sheet.merge_range(row, split, row, last, line, format)?;
        }
        row += 1;
    }
    row += 3;
    sheet.merge_range(row, split, row, last, &report.signer, &centred)?;
    sheet.set_column_width(0, 8)?;
    for column in 1..=last {
        sheet.set_column_width(column, 16)?;
    }
    sheet.set_column_width(1, 30)?;
    workbook.save_to_buffer()
}
