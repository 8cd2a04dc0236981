//! CSV that opens correctly where offices open it.
//!
//! Excel on Windows guesses the encoding from a byte-order mark and, under a Vietnamese
//! regional setting, splits on `;` and reads `,` as the decimal separator. Other tools reject a
//! BOM. So there is no single right CSV: each [`CsvProfile`] is one right answer for one reader.

/// How a CSV file is written for its reader.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CsvProfile {
    /// Excel with an English-style regional setting: UTF-8 with BOM, CRLF, comma.
    #[default]
    Excel,
    /// Excel with a Vietnamese regional setting: UTF-8 with BOM, CRLF, `;`, decimal comma.
    ExcelVi,
    /// RFC 4180 for other tools: UTF-8 without BOM, CRLF, comma.
    Rfc4180,
}

/// One cell. Numbers and text are kept apart because they are written differently: numbers take
/// the profile's decimal separator, text is guarded against formula injection.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// A count.
    Integer(u64),
    /// A number answer, which may be negative; never guarded as a formula.
    Signed(i64),
    /// A fixed-point number written with `decimals` places: `Fixed { hundredths: 6667, decimals: 2 }`
    /// is 66.67. Kept as an integer so that rounding happens once, where it is computed.
    Fixed {
        scaled: u64,
        decimals: u32,
    },
    Empty,
}

const BOM: &str = "\u{feff}";

impl CsvProfile {
    /// The profile with this name (`excel`, `excel-vi`, `rfc4180`), as [`CsvProfile::name`]
    /// writes it.
    pub fn from_name(name: &str) -> Option<CsvProfile> {
        [CsvProfile::Excel, CsvProfile::ExcelVi, CsvProfile::Rfc4180].into_iter().find(|profile| profile.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            CsvProfile::Excel => "excel",
            CsvProfile::ExcelVi => "excel-vi",
            CsvProfile::Rfc4180 => "rfc4180",
        }
    }

    fn delimiter(self) -> u8 {
        match self {
            CsvProfile::ExcelVi => b';',
            CsvProfile::Excel | CsvProfile::Rfc4180 => b',',
        }
    }

    fn for_excel(self) -> bool {
        matches!(self, CsvProfile::Excel | CsvProfile::ExcelVi)
    }

    fn render(self, cell: &Cell) -> String {
        match cell {
            Cell::Text(text) if self.for_excel() => guard(text),
            Cell::Text(text) => text.clone(),
            Cell::Integer(value) => value.to_string(),
            Cell::Signed(value) => value.to_string(),
            Cell::Fixed { scaled, decimals } => {
                let divisor = 10u64.pow(*decimals);
                let separator = if self == CsvProfile::ExcelVi { ',' } else { '.' };
                format!("{}{separator}{:0width$}", scaled / divisor, scaled % divisor, width = *decimals as usize)
            }
            Cell::Empty => String::new(),
        }
    }

    /// Whether a cell is written bare in an Excel profile: a plain number is a cell written as a
    /// number (a count, a signed number answer, a decimal with the profile's separator that is
    /// not the list separator), never text that looks like one (a version `2026.1`, a code
    /// `007`, `1e5`), which is quoted like all text.
    fn is_plain_number(self, cell: &Cell) -> bool {
        match cell {
            Cell::Integer(_) | Cell::Signed(_) => true,
            // `66,67` under the Vietnamese profile would split on a PC whose list separator is
            // the comma: quoted, it stays one cell and Excel still reads the number.
            Cell::Fixed { .. } => self != CsvProfile::ExcelVi,
            Cell::Text(_) | Cell::Empty => false,
        }
    }

    /// Writes a table with a header row.
    pub fn write(self, header: &[&str], rows: &[Vec<Cell>]) -> Vec<u8> {
        let mut out = self.start(header);
        out.extend(self.write_rows(rows));
        out
    }

    /// The start of a table written in parts: the byte order mark (for Excel) and the header
    /// row. [`CsvProfile::write_rows`] writes what follows, as many times as there are parts.
    pub fn start(self, header: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        if self.for_excel() {
            out.extend_from_slice(BOM.as_bytes());
            out.extend_from_slice(self.excel_line(header.iter().map(|name| quote(name)).collect()).as_bytes());
            return out;
        }
        self.rfc4180_records(&mut out, std::iter::once(header.iter().map(|name| name.to_string()).collect()));
        out
    }

    /// Rows of a table, after its [`CsvProfile::start`].
    pub fn write_rows(self, rows: &[Vec<Cell>]) -> Vec<u8> {
        let mut out = Vec::new();
        if self.for_excel() {
            // For Excel, every cell but a plain number is quoted: Excel splits a line on the list
            // separator of the PC's locale (`;` in Vietnam, `,` elsewhere), not on the file's, and
            // only quotes keep `x;=1+1` one cell instead of a bare `=1+1`. Which cells are numbers
            // is ours to say (`is_plain_number`), not a guess from what the text looks like.
            for row in rows {
                let cells = row
                    .iter()
                    .map(|cell| if self.is_plain_number(cell) { self.render(cell) } else { quote(&self.render(cell)) })
                    .collect();
                out.extend_from_slice(self.excel_line(cells).as_bytes());
            }
            return out;
        }
        self.rfc4180_records(&mut out, rows.iter().map(|row| row.iter().map(|cell| self.render(cell)).collect()));
        out
    }

    fn excel_line(self, cells: Vec<String>) -> String {
        cells.join(if self == CsvProfile::ExcelVi { ";" } else { "," }) + "\r\n"
    }

    fn rfc4180_records(self, out: &mut Vec<u8>, records: impl Iterator<Item = Vec<String>>) {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(self.delimiter())
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        // Writing to a Vec cannot fail, and every row is written with the same width.
        for record in records {
            let _ = writer.write_record(&record);
        }
        let _ = writer.flush();
    }
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Text as written for Excel: an apostrophe before a cell that starts like a formula, and one
/// after each list separator (`,`, `;`, tab) that a formula character or an apostrophe
/// follows, spaces between allowed. Excel splits a line on the PC's list separator, whichever the file used, and then
/// parses only the first quoted cell of a line right: under the other separator `"a","x;=1+1"`
/// gives a cell `=1+1"`, a formula. Guarded, that piece starts with an apostrophe: text.
/// [`unguard`] is its exact inverse, so every text reads back unchanged.
pub fn guard(text: &str) -> String {
    let mut guarded = String::with_capacity(text.len() + 1);
    if starts_like_a_formula(text) {
        guarded.push('\'');
    }
    let chars: Vec<char> = text.chars().collect();
    for (at, c) in chars.iter().enumerate() {
        guarded.push(*c);
        if is_list_separator(*c) && guarded_after(&chars[at + 1..]) {
            guarded.push('\'');
        }
    }
    guarded
}

/// Whether what follows a list separator is guarded: past any spaces (Excel reads ` -1` as a
/// number and ` =1` alike), a formula's first character or an apostrophe.
fn guarded_after(rest: &[char]) -> bool {
    rest.iter().find(|c| **c != ' ').is_some_and(|next| follows_guarded(*next))
}

/// The text [`guard`] was given: one leading apostrophe removed, and one after each list
/// separator where a formula character or an apostrophe follows it.
pub fn unguard(guarded: &str) -> String {
    let text = guarded.strip_prefix('\'').unwrap_or(guarded);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < chars.len() {
        out.push(chars[at]);
        if is_list_separator(chars[at]) && chars.get(at + 1) == Some(&'\'') && guarded_after(&chars[at + 2..]) {
            at += 1;
        }
        at += 1;
    }
    out
}

fn is_list_separator(c: char) -> bool {
    matches!(c, ',' | ';' | '\t')
}

/// What, after a list separator, is guarded: a formula's first character, or an apostrophe
/// (so that a guard and an apostrophe the text had are told apart).
fn follows_guarded(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\'')
}

/// A cell starting with one of these characters is read by spreadsheets as a formula, so text
/// typed by a citizen could run as one. An apostrophe in front makes it plain text. Text that
/// itself starts with an apostrophe is guarded too, so that reading the file back removes
/// exactly one apostrophe from every guarded cell and returns the text unchanged.
fn starts_like_a_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r', '\''])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Excel splits a line on the PC's list separator, whichever the file used: a comment that
    /// holds the other separator followed by a formula must stay one cell either way.
    #[test]
    fn a_formula_after_the_other_separator_stays_inside_its_cell() {
        let comments = ["x;=1+1", "x,=2+2", "a\t=3+3", "ok;+84;-5;@x", "x;'=1", "x, -1"];
        for profile in [CsvProfile::Excel, CsvProfile::ExcelVi] {
            // A cell before the comment: under the other separator Excel parses only a line's
            // first quoted cell right.
            let rows: Vec<Vec<Cell>> = comments
                .iter()
                .map(|text| vec![Cell::Text("phường".into()), Cell::Text(text.to_string()), Cell::Integer(1)])
                .collect();
            let bytes = profile.write(&["comment", "n"], &rows);
            for split_on in [b',', b';', b'\t'] {
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(split_on)
                    .has_headers(true)
                    .flexible(true)
                    .from_reader(&bytes[BOM.len()..]);
                for row in reader.records() {
                    let row = row.unwrap();
                    for cell in row.iter() {
                        assert!(
                            !cell.trim_start().starts_with(['=', '+', '-', '@']),
                            "{} read on {:?}: a bare formula cell `{cell}`",
                            profile.name(),
                            split_on as char
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn unguard_gives_back_exactly_what_guard_was_given() {
        for text in [
            "x;=1+1",
            "x;'=1",
            "a;'b",
            "a;''",
            "=a;=b",
            "'",
            "';'",
            ";",
            "a;",
            "-1",
            "x,\t@y",
            "Rất hài lòng",
            "x, -1",
            "a; '=1",
            "a;' =1",
            "a;  ",
            "a, b",
        ] {
            assert_eq!(unguard(&guard(text)), text, "{text:?} as {:?}", guard(text));
        }
        assert_eq!(guard("x;=1+1"), "x;'=1+1");
    }

    fn check(profile: CsvProfile, expect: expect_test::Expect) {
        let rows = vec![
            vec![Cell::Text("Rất hài lòng".into()), Cell::Integer(2), Cell::Fixed { scaled: 6667, decimals: 2 }],
            vec![Cell::Text("=HYPERLINK(\"x\")".into()), Cell::Integer(0), Cell::Empty],
            vec![Cell::Text("a;b,c".into()), Cell::Integer(1), Cell::Fixed { scaled: 5, decimals: 2 }],
            vec![Cell::Text("'quoted".into()), Cell::Signed(-3), Cell::Empty],
        ];
        let bytes = profile.write(&["label", "count", "percent"], &rows);
        let text = String::from_utf8(bytes).unwrap().replace(BOM, "<BOM>").replace("\r\n", "⏎\n");
        expect.assert_eq(&text);
    }

    /// Text that looks like a number is text: quoted, so that only the cells written as
    /// numbers stand bare.
    #[test]
    fn only_cells_written_as_numbers_stand_bare_in_excel() {
        let rows = vec![vec![
            Cell::Text("2026.1".into()),
            Cell::Text("007".into()),
            Cell::Text("1e5".into()),
            Cell::Text("-1".into()),
            Cell::Signed(-1),
            Cell::Integer(7),
        ]];
        let text = String::from_utf8(CsvProfile::Excel.write(&["a", "b", "c", "d", "e", "f"], &rows)).unwrap();
        assert_eq!(text.lines().nth(1).unwrap(), "\"2026.1\",\"007\",\"1e5\",\"'-1\",-1,7");
        let text = String::from_utf8(CsvProfile::ExcelVi.write(&["a", "b", "c", "d", "e", "f"], &rows)).unwrap();
        assert_eq!(text.lines().nth(1).unwrap(), "\"2026.1\";\"007\";\"1e5\";\"'-1\";-1;7");
    }

    #[test]
    fn excel_has_a_bom_crlf_and_neutralised_formulas() {
        check(
            CsvProfile::Excel,
            expect_test::expect![[r#"
                <BOM>"label","count","percent"⏎
                "Rất hài lòng",2,66.67⏎
                "'=HYPERLINK(""x"")",0,""⏎
                "a;b,c",1,0.05⏎
                "''quoted",-3,""⏎
            "#]],
        );
    }

    #[test]
    fn excel_vi_splits_on_semicolons_with_decimal_commas() {
        check(
            CsvProfile::ExcelVi,
            expect_test::expect![[r#"
                <BOM>"label";"count";"percent"⏎
                "Rất hài lòng";2;"66,67"⏎
                "'=HYPERLINK(""x"")";0;""⏎
                "a;b,c";1;"0,05"⏎
                "''quoted";-3;""⏎
            "#]],
        );
    }

    #[test]
    fn rfc4180_has_no_bom_and_leaves_text_alone() {
        check(
            CsvProfile::Rfc4180,
            expect_test::expect![[r#"
                label,count,percent⏎
                Rất hài lòng,2,66.67⏎
                "=HYPERLINK(""x"")",0,⏎
                "a;b,c",1,0.05⏎
                'quoted,-3,⏎
            "#]],
        );
    }
}
