//! The `excel` and `excel-vi` CSVs and the XLSX workbook, opened by LibreOffice Calc (headless)
//! as an office would open them, keep every Vietnamese character and the right number of
//! columns. `cargo xtask test` installs Debian's `libreoffice-calc-nogui` and runs this with
//! `--features xlsx -- --ignored`; a plain `cargo test` skips it.

use std::path::{Path, PathBuf};
use std::process::Command;

use survey::csv::write::{Cell, CsvProfile};
use survey::definition::catalog::Catalog;
use survey::records::gate::{CheckedRecord, Gate};
use survey::records::raw::{raw_header, write_raw};
use survey::results::index::{INDEX_COLUMNS, index_cells, indices};
use survey::results::tally::{GroupBy, Tally, TallyOptions};
use survey::results::tally_csv::TALLY_COLUMNS;
use survey::{
    definition::answer::Answer, definition::answer::Choices, records::record::Channel, records::record::ResponseRecord,
};

const SOFFICE: &str = "/usr/bin/soffice";

/// Comments as citizens type them: every Vietnamese tone mark, quotes, both delimiters, a line
/// break, and text that a spreadsheet would otherwise run as a formula.
const COMMENTS: [&str; 8] = [
    "Cán bộ hướng dẫn tận tình; chờ hơi lâu, \"quá đông\"",
    "Ặ ằ ẳ ẵ ắ ặ Ề Ể Ễ Ế Ệ ỏ ồ ổ ỗ ố ộ ờ ở ỡ ớ ợ ừ ử ữ ứ ự ỳ ỷ ỹ ý ỵ Đ đ",
    "=HYPERLINK(\"http://x\")",
    "+84 là mã nước, -5 độ, @tên",
    "Dòng một\nDòng hai",
    "'trích dẫn",
    // A formula behind the other profile's separator: split there, it would be a bare formula.
    "x;=1+1",
    "x,=2+2",
];

fn records() -> Vec<CheckedRecord> {
    let survey = survey_defs::by_id("danh-gia-tai-quay").unwrap();
    let levels = ["rat-hai-long", "hai-long", "khong-hai-long"];
    (0..30)
        .map(|n| {
            let mut record = ResponseRecord::new(
                &survey,
                format!("00000000-0000-4000-8000-{n:012}"),
                format!("2026-11-{:02}T09:30:00+07:00", 1 + n % 20),
                Channel::Kiosk,
            );
            // Codes are plain ASCII (the record check refuses others); the Vietnamese text is in
            // the comments.
            record.unit = Some("phuong-hong-bang".into());
            record.counter = Some(format!("quay-{}", 1 + n % 3));
            let level = levels[n % 3];
            record.answers.insert("muc-do-hai-long".into(), Answer::Choice(level.into()));
            if level == "khong-hai-long" {
                let comment = COMMENTS[n / 3 % COMMENTS.len()];
                record.answers.insert(
                    "ly-do".into(),
                    Answer::Choices(Choices {
                        codes: vec!["cho-lau".into(), "khac".into()],
                        other: Some(comment.into()),
                    }),
                );
                record.answers.insert("y-kien".into(), Answer::Text(comment.into()));
            }
            Gate::default().check_for(&survey, record).unwrap()
        })
        .collect()
}

/// A fresh folder under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Has LibreOffice open `input` with `infilter` (if any) and save every sheet as UTF-8 CSV;
/// returns the rows of each sheet written.
fn through_libreoffice(input: &Path, infilter: Option<&str>) -> Vec<Vec<Vec<String>>> {
    assert!(Path::new(SOFFICE).exists(), "LibreOffice is missing: `cargo xtask test` installs it");
    let out = input.with_extension("out");
    std::fs::create_dir_all(&out).unwrap();
    let mut command = Command::new(SOFFICE);
    // A profile of its own, so that a LibreOffice already running cannot take the job.
    let profile = format!("-env:UserInstallation=file://{}", out.join("profile").display());
    command.arg(profile).arg("--headless");
    if let Some(infilter) = infilter {
        command.arg(format!("--infilter={infilter}"));
    }
    // Comma, double quote, UTF-8, from line 1, every sheet to its own file (-1).
    let status = command
        .args(["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"])
        .arg("--outdir")
        .arg(&out)
        .arg(input)
        .output()
        .unwrap();
    assert!(status.status.success(), "soffice failed: {}", String::from_utf8_lossy(&status.stderr));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "csv"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "LibreOffice wrote nothing: {}", String::from_utf8_lossy(&status.stdout));
    files
        .iter()
        .map(|file| {
            let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(file).unwrap();
            reader.records().map(|row| row.unwrap().iter().map(str::to_owned).collect()).collect()
        })
        .collect()
}

/// What LibreOffice should show for a cell we wrote. A guarded text shows with its
/// apostrophes in a CSV (as Excel shows them: the one in front, and one after a separator that
/// a formula character follows, `survey::csv::write::guard`); in the workbook it is plain text.
fn expected(cell: &Cell, guarded: bool) -> Option<String> {
    match cell {
        Cell::Text(text) if guarded => Some(survey::csv::write::guard(text)),
        Cell::Text(text) => Some(text.clone()),
        Cell::Integer(value) => Some(value.to_string()),
        Cell::Signed(value) => Some(value.to_string()),
        // Decimal numbers: written and shown per locale; compared as numbers below.
        Cell::Fixed { .. } => None,
        Cell::Empty => Some(String::new()),
    }
}

fn compare(name: &str, header: &[String], rows: &[Vec<Cell>], seen: &[Vec<String>], guarded: bool) {
    assert_eq!(seen.len(), rows.len() + 1, "{name}: rows");
    assert_eq!(&seen[0], header, "{name}: the header");
    for (index, (row, read)) in rows.iter().zip(&seen[1..]).enumerate() {
        assert_eq!(read.len(), header.len(), "{name}: row {} has {} columns: {read:?}", index + 2, read.len());
        for (column, (cell, text)) in row.iter().zip(read).enumerate() {
            match (expected(cell, guarded), cell) {
                (Some(want), _) => assert_eq!(*text, want, "{name}: row {}, column `{}`", index + 2, header[column]),
                (None, Cell::Fixed { scaled, decimals }) => {
                    let value: f64 = text.replace(',', ".").parse().unwrap_or(f64::NAN);
                    let want = *scaled as f64 / 10f64.powi(*decimals as i32);
                    assert!(
                        (value - want).abs() < 1e-9,
                        "{name}: row {}, column `{}`: {text}",
                        index + 2,
                        header[column]
                    );
                }
                (None, _) => unreachable!(),
            }
        }
    }
}

#[test]
#[ignore = "needs LibreOffice; `cargo xtask test` installs it and runs this"]
fn libreoffice_opens_every_export_intact() {
    let survey = survey_defs::by_id("danh-gia-tai-quay").unwrap();
    let catalog = Catalog::new([survey.clone()]);
    let records = records();
    let options = TallyOptions { by: GroupBy { counter: true, ..GroupBy::default() }, ..TallyOptions::default() };
    let tally = Tally::count(&catalog, &records, &options).unwrap();
    let index_rows = index_cells(&indices(&tally, &catalog, 10).unwrap());
    let tally_rows = tally.rows();
    let strings = |names: &[&str]| names.iter().map(|name| name.to_string()).collect::<Vec<_>>();
    let dir = scratch("libreoffice");

    // Each CSV as the reader it is made for opens it: Excel-style comma, or `;` with a
    // Vietnamese locale (1066) reading `66,67` as a number.
    for (profile, infilter) in
        [(CsvProfile::Excel, "CSV:44,34,76,1,,1033"), (CsvProfile::ExcelVi, "CSV:59,34,76,1,,1066")]
    {
        let raw_path = dir.join(format!("raw-{}.csv", profile.name()));
        std::fs::write(&raw_path, write_raw(&survey, &records, profile)).unwrap();
        let raw_cells: Vec<Vec<Cell>> = read_back_raw(&survey, &records);
        let seen = through_libreoffice(&raw_path, Some(infilter));
        compare(&format!("raw {}", profile.name()), &raw_header(&survey), &raw_cells, &seen[0], true);
        for comment in COMMENTS {
            let shown = survey::csv::write::guard(comment);
            assert!(seen[0].iter().flatten().any(|cell| *cell == shown), "{}: {comment} is intact", profile.name());
        }

        let tally_path = dir.join(format!("tally-{}.csv", profile.name()));
        std::fs::write(&tally_path, tally.to_csv(profile)).unwrap();
        let seen = through_libreoffice(&tally_path, Some(infilter));
        compare(&format!("tally {}", profile.name()), &strings(&TALLY_COLUMNS), &tally_rows, &seen[0], true);
    }

    // Each CSV opened by an office whose list separator is the other one (the Vietnamese `;`
    // for the comma profile, `,` for the Vietnamese one), with formulas evaluated: every text is
    // quoted, so no comment is split into a bare formula cell. (The columns themselves come out
    // wrong, as any file read with the wrong separator; what must never happen is a formula.)
    for (profile, other) in [
        (CsvProfile::Excel, "CSV:59,34,76,1,,1066,false,true,false,false,false,1,true"),
        (CsvProfile::ExcelVi, "CSV:44,34,76,1,,1033,false,true,false,false,false,1,true"),
    ] {
        let raw_path = dir.join(format!("raw-{}-other-separator.csv", profile.name()));
        std::fs::write(&raw_path, write_raw(&survey, &records, profile)).unwrap();
        let seen = through_libreoffice(&raw_path, Some(other));
        // What `=1+1`, `=2+2` and `=HYPERLINK("http://x")` evaluate to, and a formula's error.
        for cell in seen[0].iter().flatten() {
            assert!(
                !["2", "4", "http://x", "#NAME?", "Err:509"].contains(&cell.as_str()),
                "{} read with the other separator: a formula was evaluated: {cell}",
                profile.name()
            );
        }
    }

    let workbook = survey::reports::xlsx::workbook(&[
        survey::reports::xlsx::Sheet { name: "Chỉ số", header: &INDEX_COLUMNS, rows: &index_rows },
        survey::reports::xlsx::Sheet { name: "Tổng hợp", header: &TALLY_COLUMNS, rows: &tally_rows },
    ])
    .unwrap();
    let xlsx_path = dir.join("bao-cao.xlsx");
    std::fs::write(&xlsx_path, workbook).unwrap();
    let sheets = through_libreoffice(&xlsx_path, None);
    assert_eq!(sheets.len(), 2, "one CSV per sheet");
    // Sheets are written as `bao-cao-Chỉ số.csv` and `bao-cao-Tổng hợp.csv`: sorted, index first.
    compare("xlsx index", &strings(&INDEX_COLUMNS), &index_rows, &sheets[0], false);
    compare("xlsx tally", &strings(&TALLY_COLUMNS), &tally_rows, &sheets[1], false);
}

/// The cells of the raw file, in the order `write_raw` writes them (read back through the
/// core's own reader, which the round-trip tests already prove exact).
fn read_back_raw(survey: &survey::definition::model::Survey, records: &[CheckedRecord]) -> Vec<Vec<Cell>> {
    let bytes = write_raw(survey, records, CsvProfile::Rfc4180);
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    reader
        .records()
        .map(|row| {
            row.unwrap()
                .iter()
                .map(|text| match text.parse::<u64>() {
                    Ok(number) if !text.starts_with('0') || text == "0" => Cell::Integer(number),
                    _ if text.is_empty() => Cell::Empty,
                    _ => Cell::Text(text.to_owned()),
                })
                .collect()
        })
        .collect()
}

#[test]
#[ignore = "needs LibreOffice; `cargo xtask test` installs it and runs this"]
fn libreoffice_opens_the_report_for_the_level_above_with_the_workspaces_figures() {
    use survey::reports::report::{ReportData, ReportTemplate};
    let survey = survey_defs::by_id("danh-gia-tai-quay").unwrap();
    let catalog = Catalog::new([survey.clone()]);
    let records = records();
    let period = survey::results::period::Period::parse("2026-11").unwrap();
    let by = GroupBy { unit: true, counter: true, field: true, staff: false };
    let options = TallyOptions { by, from: Some(period.start), to: Some(period.end), ..TallyOptions::default() };
    let tally = Tally::count(&catalog, &records, &options).unwrap();
    let template: ReportTemplate = toml::from_str(include_str!("../../report-templates/mac-dinh.toml")).unwrap();
    let names = survey::results::names::Names::default();
    let comments = survey::results::topics::UnitComments::default();
    let data = ReportData {
        survey: &survey,
        period,
        unit_code: "phuong-hong-bang",
        unit_name: "Phường Hồng Bàng",
        parent_name: Some("Thành phố Hải Phòng"),
        tally: &tally,
        names: &names,
        officers: &Default::default(),
        received: Some(survey::results::denominator::Received::all(60)),
        internal: false,
        min_n: 10,
        comments: &comments,
        reply: Some("Đã bố trí thêm ghế chờ."),
        generated_at: "2026-12-01T08:00:00+07:00",
    };
    let report = data.build(&template.check().unwrap()).unwrap();
    let dir = scratch("libreoffice-report");
    let path = dir.join("bao-cao.xlsx");
    std::fs::write(&path, survey::reports::report_xlsx::report_xlsx(&report).unwrap()).unwrap();
    let sheet = &through_libreoffice(&path, None)[0];
    let cells: Vec<&String> = sheet.iter().flatten().collect();
    for text in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "THÀNH PHỐ HẢI PHÒNG",
        "Đã bố trí thêm ghế chờ.",
        "CHỦ TỊCH",
    ] {
        assert!(cells.iter().any(|cell| cell.as_str() == text), "{text} is in the workbook: {sheet:?}");
    }
    let number = |text: &str| text.replace(',', ".").parse::<f64>().unwrap_or(f64::NAN);
    let row_of = |label: &str| {
        sheet.iter().find(|row| row.iter().any(|cell| cell == label)).unwrap_or_else(|| panic!("{label}: {sheet:?}"))
    };
    // The whole unit's figures and each counter's are those the workspace computes.
    let whole = indices(&tally.regroup(GroupBy::default(), None), &catalog, 10).unwrap();
    let overall = whole.iter().find(|row| row.scope_id == "muc-do-hai-long").unwrap();
    assert_eq!(number(&row_of("Số phiếu đánh giá")[1]), 30.0);
    assert_eq!(number(&row_of("Số phiếu hài lòng")[1]), overall.satisfied.unwrap() as f64);
    assert!((number(&row_of("Tỷ lệ hài lòng (%)")[1]) - overall.index_percent.unwrap() as f64 / 100.0).abs() < 1e-9);
    assert!((number(&row_of("Tỷ lệ phản hồi (%)")[1]) - 50.0).abs() < 1e-9, "30 of 60 dossiers");
    // Counters are counted with their unit, and named with it.
    let by_counter = GroupBy { unit: true, counter: true, ..GroupBy::default() };
    let counters = indices(&tally.regroup(by_counter, None), &catalog, 10).unwrap();
    for row in counters.iter().filter(|row| row.scope_id == "muc-do-hai-long") {
        let place = names.place(&row.key.unit, &row.key.counter);
        let seen = row_of(&place);
        let at = seen.iter().position(|cell| *cell == place).unwrap();
        assert_eq!(number(&seen[at + 1]), row.n as f64, "{}: responses", row.key.counter);
        assert_eq!(number(&seen[at + 2]), row.satisfied.unwrap() as f64, "{}: satisfied", row.key.counter);
        assert!(
            (number(&seen[at + 3]) - row.index_percent.unwrap() as f64 / 100.0).abs() < 1e-9,
            "{}: index {seen:?}",
            row.key.counter
        );
    }
}
