//! Excel workbooks (XLSX), one sheet per table, for offices that compile reports in Excel.
//!
//! Unlike CSV, a workbook carries its own encoding and number types, so it opens the same under
//! every regional setting. Text is always written as text, never as a formula.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::csv::write::Cell;

/// One sheet: its name (at most 31 characters, as Excel allows), header and rows.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub header: &'a [&'a str],
    pub rows: &'a [Vec<Cell>],
}

/// A workbook of these sheets, as the bytes of an `.xlsx` file.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, String> {
    build(sheets).map_err(|err| format!("the workbook could not be written: {err}"))
}

fn build(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let decimals =
        [Format::new().set_num_format("0"), Format::new().set_num_format("0.0"), Format::new().set_num_format("0.00")];
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet.name)?;
        for (column, name) in sheet.header.iter().enumerate() {
            worksheet.write_string_with_format(0, column as u16, *name, &bold)?;
        }
        for (index, row) in sheet.rows.iter().enumerate() {
            let row_number = index as u32 + 1;
            for (column, cell) in row.iter().enumerate() {
                let column = column as u16;
                match cell {
                    Cell::Text(text) => {
                        worksheet.write_string(row_number, column, text)?;
                    }
                    Cell::Integer(value) => {
                        worksheet.write_number(row_number, column, *value as f64)?;
                    }
                    Cell::Signed(value) => {
                        worksheet.write_number(row_number, column, *value as f64)?;
                    }
                    Cell::Fixed { scaled, decimals: places } => {
                        let value = *scaled as f64 / 10f64.powi(*places as i32);
                        let format = &decimals[(*places as usize).min(decimals.len() - 1)];
                        worksheet.write_number_with_format(row_number, column, value, format)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        worksheet.set_freeze_panes(1, 0)?;
        worksheet.autofit();
    }
    workbook.save_to_buffer()
}
