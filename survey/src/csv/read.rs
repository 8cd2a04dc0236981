//! Reading CSV written in any of the profiles of [`crate::csv::write::CsvProfile`], or by Excel
//! itself: a byte-order mark is detected and dropped, the delimiter (`,` or `;`) is detected
//! from the header, and the apostrophe that guards a formula-like cell is removed again.
//! Every error names the line, and the column where there is one.

use std::fmt;
use std::io::{BufRead, Cursor, Read};

/// The longest header line read before giving up on a file.
pub const MAX_HEADER_BYTES: usize = 1024 * 1024;
/// The largest cell accepted: answers and codes are short, and comments are capped far below.
pub const MAX_CELL_BYTES: usize = 64 * 1024;

/// A problem with an imported CSV file, at a line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvError {
    /// 1-based line of the file; 0 where the problem is with the file as a whole.
    pub line: u64,
    /// The column's header name, where the problem is in one cell.
    pub column: Option<String>,
    pub message: String,
}

impl CsvError {
    pub fn at(line: u64, column: Option<&str>, message: impl Into<String>) -> CsvError {
        CsvError { line, column: column.map(str::to_owned), message: message.into() }
    }
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.column, self.line) {
            (Some(column), line) => write!(f, "line {line}, column `{column}`: {}", self.message),
            (None, 0) => write!(f, "{}", self.message),
            (None, line) => write!(f, "line {line}: {}", self.message),
        }
    }
}

impl std::error::Error for CsvError {}

/// One data row: its line and its cells, already un-guarded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

/// An open CSV file: its header, and its rows one at a time (files can be large).
pub struct CsvFile<R: Read> {
    pub header: Vec<String>,
    /// The file began with a UTF-8 byte-order mark: it was written for Excel, so formula-like
    /// cells carry a guarding apostrophe.
    pub for_excel: bool,
    pub delimiter: u8,
    reader: csv::Reader<LineLimit<std::io::Chain<Cursor<Vec<u8>>, R>>>,
    record: csv::ByteRecord,
    /// The line the next record starts on. Counted here rather than taken from the reader,
    /// whose count differs between `\n` and `\r\n` line ends.
    next_line: u64,
}

/// Opens a CSV file, reading its header.
pub fn open<R: BufRead>(mut input: R) -> Result<CsvFile<R>, CsvError> {
    let mut first = Vec::new();
    (&mut input).take(MAX_HEADER_BYTES as u64 + 1).read_until(b'\n', &mut first).map_err(io_error)?;
    if first.len() > MAX_HEADER_BYTES {
        return Err(CsvError::at(
            1,
            None,
            format!("the first line is longer than {} MB: this is not a CSV export", MAX_HEADER_BYTES / (1024 * 1024)),
        ));
    }
    if first.iter().all(u8::is_ascii_whitespace) {
        return Err(CsvError::at(1, None, "the file is empty"));
    }
    let for_excel = first.starts_with(b"\xef\xbb\xbf");
    if for_excel {
        first.drain(..3);
    }
    let delimiter = detect_delimiter(&first);
    let reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(false)
        .from_reader(LineLimit { inner: Cursor::new(first).chain(input), line: 1, run: 0 });
    let mut file =
        CsvFile { header: Vec::new(), for_excel, delimiter, reader, record: csv::ByteRecord::new(), next_line: 1 };
    match file.next_row() {
        Some(Ok(row)) => {
            file.header = row.cells.iter().map(|cell| cell.trim().to_owned()).collect();
            Ok(file)
        }
        Some(Err(err)) => Err(err),
        None => Err(CsvError::at(1, None, "the file is empty")),
    }
}

/// The longest line read: a row of a hundred cells at the cell limit. The CSV reader keeps a
/// whole record in memory, so a longer line (a 100 MB log given by mistake, a forged file) is
/// refused while it is read, before it is held.
pub const MAX_LINE_BYTES: usize = 8 * 1024 * 1024;

/// A reader that fails on a line longer than [`MAX_LINE_BYTES`], naming it.
struct LineLimit<R> {
    inner: R,
    line: u64,
    /// Bytes read of the current line.
    run: usize,
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        for &byte in &buffer[..read] {
            if byte == b'\n' {
                self.line += 1;
                self.run = 0;
            } else {
                self.run += 1;
                if self.run > MAX_LINE_BYTES {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "line {} is longer than {} MB: this is not a CSV export",
                            self.line,
                            MAX_LINE_BYTES / (1024 * 1024)
                        ),
                    ));
                }
            }
        }
        Ok(read)
    }
}

/// The delimiter is whichever of `,` and `;` occurs more often outside quotes in the header.
fn detect_delimiter(header: &[u8]) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for &byte in header {
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

fn io_error(err: std::io::Error) -> CsvError {
    CsvError::at(0, None, format!("cannot read the file: {err}"))
}

impl<R: Read> CsvFile<R> {
    /// The next data row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Option<Result<Row, CsvError>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.next_line;
                let breaks = self
                    .record
                    .iter()
                    .map(|cell| cell.iter().filter(|&&byte| byte == b'\n').count() as u64)
                    .sum::<u64>();
                self.next_line = line + 1 + breaks;
                Some(self.decode(line))
            }
            Err(err) => Some(Err(self.csv_error(err))),
        }
    }

    fn column_name(&self, index: usize) -> String {
        self.header.get(index).cloned().unwrap_or_else(|| format!("#{}", index + 1))
    }

    fn decode(&self, line: u64) -> Result<Row, CsvError> {
        let mut cells = Vec::with_capacity(self.record.len());
        for (index, bytes) in self.record.iter().enumerate() {
            if bytes.len() > MAX_CELL_BYTES {
                return Err(CsvError::at(
                    line,
                    Some(&self.column_name(index)),
                    format!(
                        "a cell of {:.1} MB; cells hold at most {} KB",
                        bytes.len() as f64 / (1024.0 * 1024.0),
                        MAX_CELL_BYTES / 1024
                    ),
                ));
            }
            let text = std::str::from_utf8(bytes).map_err(|_| {
                CsvError::at(
                    line,
                    Some(&self.column_name(index)),
                    "not UTF-8 text: save the file as \"CSV UTF-8\" (an old Vietnamese encoding such as Windows-1258 or TCVN3 is not read)",
                )
            })?;
            // What the writer guarded for Excel (`write::guard`) reads back as it was given.
            cells.push(if self.for_excel { super::write::unguard(text) } else { text.to_owned() });
        }
        Ok(Row { line, cells })
    }

    fn csv_error(&self, err: csv::Error) -> CsvError {
        let line = self.next_line;
        match err.kind() {
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => CsvError::at(
                line,
                None,
                format!(
                    "this row has {len} cells where the header has {expected_len}: is the file cut short or edited by hand?"
                ),
            ),
            csv::ErrorKind::Io(io) => CsvError::at(line, None, format!("cannot read the file: {io}")),
            _ => CsvError::at(line, None, err.to_string()),
        }
    }

    /// The index of a header column, or an error naming it.
    pub fn column(&self, name: &str) -> Result<usize, CsvError> {
        self.header.iter().position(|column| column == name).ok_or_else(|| {
            CsvError::at(1, None, format!("the header has no column `{name}`; is this the right kind of file?"))
        })
    }
}

#[cfg(test)]
mod tests {

    /// A line of 100 MB (a log given by mistake) is refused while it is read, naming its line,
    /// before the reader holds it.
    #[test]
    fn a_line_longer_than_the_limit_is_refused_while_read() {
        let long = std::io::repeat(b'a').take(100 * 1024 * 1024);
        let input = std::io::BufReader::new(Cursor::new(b"field,dossiers\nho-tich,1\n".to_vec()).chain(long));
        let mut file = open(input).unwrap();
        assert!(file.next_row().unwrap().is_ok());
        let err = file.next_row().unwrap().unwrap_err();
        assert!(err.to_string().contains("line 3 is longer than 8 MB"), "{err}");
    }

    use super::*;

    fn lines_of(text: &str) -> Vec<u64> {
        let mut file = open(Cursor::new(text.as_bytes().to_vec())).unwrap();
        let mut lines = Vec::new();
        while let Some(row) = file.next_row() {
            lines.push(row.unwrap().line);
        }
        lines
    }

    #[test]
    fn rows_are_numbered_by_the_line_they_start_on() {
        assert_eq!(lines_of("a,b\n1,2\n3,4\n"), vec![2, 3]);
        assert_eq!(lines_of("a,b\r\n1,2\r\n3,4\r\n"), vec![2, 3]);
        assert_eq!(lines_of("\u{feff}a;b\r\n1;\"two\r\nlines\"\r\n3;4\r\n"), vec![2, 4]);
    }

    #[test]
    fn the_delimiter_and_the_guard_are_detected() {
        let mut file = open(Cursor::new("\u{feff}a;b\r\n'=1;x,y\r\n".as_bytes().to_vec())).unwrap();
        assert!(file.for_excel);
        assert_eq!(file.delimiter, b';');
        assert_eq!(file.next_row().unwrap().unwrap().cells, vec!["=1", "x,y"]);
    }
}
