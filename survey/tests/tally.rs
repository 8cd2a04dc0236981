//! Tallies and indices of the shipped instruments, from records to CSV, checked by hand.
//! The worked example here is the one in `docs/formats.md`.

mod common;

use common::{catalog, checked};

use std::io::Cursor;

use survey::csv::write::CsvProfile;
use survey::records::gate::Gate;
use survey::records::raw::{read_all_raw, write_raw};
use survey::results::index::{DEFAULT_MIN_N, index_csv, indices};
use survey::results::period::{PeriodKind, parse_day};
use survey::results::tally::{GroupBy, Tally, TallyOptions};
use survey::{
    definition::answer::Answer, definition::answer::Choices, records::record::Channel, records::record::ResponseRecord,
};

/// A counter-rating record: `n` makes the id, `unit` and `day` place it.
fn rating(n: u32, unit: &str, day: &str, level: &str) -> ResponseRecord {
    let survey = survey_defs::by_id("danh-gia-tai-quay").unwrap();
    let mut record = ResponseRecord::new(
        &survey,
        format!("00000000-0000-4000-8000-{n:012}"),
        format!("{day}T09:30:00+07:00"),
        Channel::Kiosk,
    );
    record.unit = Some(unit.into());
    record.answers.insert("muc-do-hai-long".into(), Answer::Choice(level.into()));
    record
}

fn why(mut record: ResponseRecord, codes: &[&str]) -> ResponseRecord {
    let codes = codes.iter().map(|code| code.to_string()).collect();
    record.answers.insert("ly-do".into(), Answer::Choices(Choices { codes, other: None }));
    record
}

/// A per-dossier evaluation answered with these codes, in the order of its questions: when the
/// result came, contacts with the desk, agencies contacted, harassed (`co` or `khong`), and the
/// overall rating.
fn dossier(n: u32, codes: [&str; 5]) -> ResponseRecord {
    let survey = survey_defs::by_id("danh-gia-ho-so").unwrap();
    let mut record = ResponseRecord::new(
        &survey,
        format!("00000000-0000-4000-8000-{n:012}"),
        "2026-11-23T10:00:00+07:00".into(),
        Channel::Kiosk,
    );
    let questions =
        ["thoi-gian-tra-ket-qua", "so-lan-lien-he", "so-co-quan-lien-he", "phien-ha-sach-nhieu", "muc-do-hai-long"];
    for (question, code) in questions.into_iter().zip(codes) {
        record.answers.insert(question.into(), Answer::Choice(code.into()));
    }
    record
}

/// Twenty responses: twelve in ward A, eight in ward B; one flagged as misuse, one partial.
pub fn worked_example() -> Vec<ResponseRecord> {
    let mut records = Vec::new();
    let mut n = 0;
    let mut add = |unit: &str, day: &str, level: &str, count: u32| {
        for _ in 0..count {
            n += 1;
            records.push(rating(n, unit, day, level));
        }
    };
    add("phuong-a", "2026-10-05", "rat-hai-long", 5);
    add("phuong-a", "2026-11-12", "hai-long", 4);
    add("phuong-a", "2026-12-01", "khong-hai-long", 3);
    add("phuong-b", "2026-10-20", "rat-hai-long", 4);
    add("phuong-b", "2026-11-03", "hai-long", 3);
    add("phuong-b", "2026-12-15", "khong-hai-long", 1);
    records[9] = why(records[9].clone(), &["cho-lau", "thai-do"]);
    records[10] = why(records[10].clone(), &["cho-lau"]);
    records[0].misuse = Some("burst: 5 taps in 4 s".into());
    records[19].partial = true;
    records
}

#[test]
fn the_worked_example_tallies_by_ward_and_quarter() {
    let options =
        TallyOptions { by: GroupBy::parse("unit").unwrap(), period: PeriodKind::Quarter, ..TallyOptions::default() };
    let tally = Tally::count(&catalog(), &checked(&worked_example()), &options).unwrap();
    let csv = String::from_utf8(tally.to_csv(CsvProfile::Rfc4180)).unwrap().replace("\r\n", "\n");
    expect_test::expect_file!["snapshots/worked-example-tally.csv"].assert_eq(&csv);
    let rows = indices(&tally, &catalog(), DEFAULT_MIN_N).unwrap();
    let csv = String::from_utf8(index_csv(&rows, CsvProfile::Rfc4180)).unwrap().replace("\r\n", "\n");
    expect_test::expect_file!["snapshots/worked-example-index.csv"].assert_eq(&csv);
}

/// `docs/formats.md` shows the worked example's tally and index exactly as they are computed.
#[test]
fn the_documented_worked_example_is_the_computed_one() {
    let docs = include_str!("../../docs/formats.md");
    for snapshot in
        [include_str!("snapshots/worked-example-tally.csv"), include_str!("snapshots/worked-example-index.csv")]
    {
        assert!(docs.contains(snapshot), "docs/formats.md must show, as computed:\n{snapshot}");
    }
}

/// The worked example as a raw export, kept in `tests/data/raw/` for the command-line tests
/// (`UPDATE_EXPECT=1` rewrites it when the example changes).
#[test]
fn the_worked_example_as_a_raw_file() {
    let survey = survey_defs::by_id("danh-gia-tai-quay").unwrap();
    let csv = String::from_utf8(write_raw(&survey, &checked(&worked_example()), CsvProfile::Rfc4180))
        .unwrap()
        .replace("\r\n", "\n");
    expect_test::expect_file!["../../tests/data/raw/worked-example.csv"].assert_eq(&csv);
}

#[test]
fn misuse_counts_when_asked_and_an_unfinished_response_always_counts() {
    for include_misuse in [false, true] {
        let options = TallyOptions { include_misuse, ..TallyOptions::default() };
        let tally = Tally::count(&catalog(), &checked(&worked_example()), &options).unwrap();
        let totals = tally.totals("danh-gia-tai-quay", "2026.1");
        let responses = if include_misuse { 20 } else { 19 };
        assert_eq!((totals.responses, totals.misuse, totals.partial), (responses, 1, 1), "misuse {include_misuse}");
        let rating = &totals.questions["muc-do-hai-long"];
        assert_eq!(rating.options["khong-hai-long"], 4, "ward B's unfinished Không hài lòng is counted");
    }
}

/// A response both flagged and unfinished is in `_misuse` and in `_partial` whatever is
/// included; only `_responses` and the answers follow `include_misuse`.
#[test]
fn apart_counts_never_depend_on_the_options() {
    let mut records = worked_example();
    let last = records.iter_mut().find(|record| record.partial).unwrap();
    last.misuse = Some("burst: 5 responses within 60 s".into());
    let counts = |include_misuse| {
        let options = TallyOptions { include_misuse, ..TallyOptions::default() };
        let totals =
            Tally::count(&catalog(), &checked(&records), &options).unwrap().totals("danh-gia-tai-quay", "2026.1");
        (totals.responses, totals.misuse, totals.partial)
    };
    assert_eq!(counts(false), (18, 2, 1));
    assert_eq!(counts(true), (20, 2, 1));
}

#[test]
fn a_range_leaves_out_what_falls_outside_it() {
    let options =
        TallyOptions { from: parse_day("2026-11-01"), to: parse_day("2026-11-30"), ..TallyOptions::default() };
    let tally = Tally::count(&catalog(), &checked(&worked_example()), &options).unwrap();
    let (key, totals) = tally.groups.iter().next().unwrap();
    assert_eq!((key.period_start.as_str(), key.period_end.as_str()), ("2026-11-01", "2026-11-30"));
    assert_eq!(totals.responses, 7);
}

#[test]
fn tally_csv_reads_back_in_every_profile() {
    let options =
        TallyOptions { by: GroupBy::parse("unit").unwrap(), period: PeriodKind::Month, ..TallyOptions::default() };
    let tally = Tally::count(&catalog(), &checked(&worked_example()), &options).unwrap();
    for profile in [CsvProfile::Excel, CsvProfile::ExcelVi, CsvProfile::Rfc4180] {
        let back = Tally::read_csv(Cursor::new(tally.to_csv(profile))).unwrap();
        assert_eq!(back, tally, "{}", profile.name());
    }
}

#[test]
fn raw_csv_reads_back_in_every_profile() {
    let survey = survey_defs::by_id("danh-gia-tai-quay").unwrap();
    let records = checked(&worked_example());
    for profile in [CsvProfile::Excel, CsvProfile::ExcelVi, CsvProfile::Rfc4180] {
        let bytes = write_raw(&survey, &records, profile);
        let back = read_all_raw(Cursor::new(bytes), &catalog(), Gate::default()).unwrap();
        assert_eq!(back, records, "{}", profile.name());
    }
}

#[test]
fn the_per_dossier_indicators_score_and_classify() {
    let dossier = |n: u32, time: &str, contacts: &str, agencies: &str, harassed: &str| {
        dossier(n, [time, contacts, agencies, harassed, "hai-long"])
    };
    let records = vec![
        dossier(1, "som-hon-hen", "khong-lan", "khong-lien-he-them", "khong"),
        dossier(2, "dung-hen", "khong-lan", "chi-bo-phan-mot-cua", "khong"),
        dossier(3, "tre-hen", "tu-hai-lan", "nhieu-hon-mot", "co"),
        dossier(4, "som-hon-hen", "mot-lan", "khong-lien-he-them", "khong"),
    ];
    let mut records = records;
    for record in &mut records {
        record.staff = Some("cb-01".into());
    }
    let by_officer =
        TallyOptions { by: survey::results::tally::GroupBy::parse("staff").unwrap(), ..TallyOptions::default() };
    let mut rows =
        indices(&Tally::count(&catalog(), &checked(&records), &TallyOptions::default()).unwrap(), &catalog(), 1)
            .unwrap();
    rows.extend(
        indices(&Tally::count(&catalog(), &checked(&records), &by_officer).unwrap(), &catalog(), 1)
            .unwrap()
            .into_iter()
            .filter(|row| row.scope == survey::results::index::Scope::Classification),
    );
    let shown: Vec<String> = rows
        .iter()
        .filter(|row| row.score.is_some() || row.class.is_some())
        .map(|row| {
            format!(
                "{} {}: {:?} tenths over {} {}",
                row.scope.name(),
                row.scope_id,
                row.score,
                row.n,
                row.class.clone().unwrap_or_default()
            )
        })
        .collect();
    // Indicator 1: (2+1+0+2)/4 = 1.25 → 1.3; indicator 3: (2+2+0+1)/4 = 1.25 → 1.3;
    // indicator 4: (2+1+0+2)/4 → 1.3; indicator 7: (2+1+0+2)/4 → 1.3. No class: citizens give
    // indicators 1, 3, 4 and 7 only, and the staff class is for one officer at a time (the
    // earlier "5.2 ≥ 5, hoàn thành 100%" and "yếu" were classes the regulation never gave).
    expect_test::expect![[r#"
        [
            "indicator chi-so-1: Some(13) tenths over 4 ",
            "indicator chi-so-3: Some(13) tenths over 4 ",
            "indicator chi-so-4: Some(13) tenths over 4 ",
            "indicator chi-so-7: Some(13) tenths over 4 ",
            "classification staff: None tenths over 4 chưa xếp loại: nhóm gồm nhiều cán bộ, xem theo từng cán bộ",
            "classification agency: None tenths over 4 chưa xếp loại: chưa nhập chỉ số 2, 5, 6, 8, 9 (từ hệ thống của cơ quan)",
            "classification staff: None tenths over 4 chưa xếp loại: chưa nhập chỉ số 2 (từ hệ thống của cơ quan)",
            "classification agency: None tenths over 4 chưa xếp loại: nhóm không phải toàn bộ hồ sơ của một cơ quan (chia theo cán bộ, quầy hoặc lĩnh vực)",
        ]
    "#]]
    .assert_debug_eq(&shown);
}

#[test]
fn sipas_elements_are_means_of_their_criteria() {
    let survey = survey_defs::by_id("sipas").unwrap();
    let mut record = ResponseRecord::new(
        &survey,
        "00000000-0000-4000-8000-000000000001".into(),
        "2026-11-23T10:00:00+07:00".into(),
        survey::records::record::Channel::Web,
    );
    let all = |level: &str, items: &[&str]| {
        Answer::Matrix(items.iter().map(|item| (item.to_string(), level.to_string())).collect())
    };
    record.answers.insert("tiep-can".into(), all("hai-long", &["thong-tin", "chi-dan", "sach-se", "trang-thiet-bi"]));
    record
        .answers
        .insert("thu-tuc".into(), all("binh-thuong", &["niem-yet", "thanh-phan-ho-so", "phi-le-phi", "thoi-han"]));
    let mut cong_chuc = all("rat-hai-long", &["lich-su", "tra-loi", "huong-dan", "tuan-thu"]);
    if let Answer::Matrix(levels) = &mut cong_chuc {
        levels.insert("tan-tuy".into(), "khong-hai-long".into());
    }
    record.answers.insert("cong-chuc".into(), cong_chuc);
    record.answers.insert("ket-qua".into(), all("hai-long", &["dung-hen", "day-du", "cong-bang"]));
    let tally = Tally::count(&catalog(), &checked(&[record]), &TallyOptions::default()).unwrap();
    let rows = indices(&tally, &catalog(), DEFAULT_MIN_N).unwrap();
    let summary: Vec<String> = rows
        .iter()
        .filter(|row| matches!(row.scope.name(), "element" | "overall"))
        .map(|row| {
            format!("{} {} {:?} suppressed={}", row.scope.name(), row.scope_id, row.index_percent, row.suppressed)
        })
        .collect();
    // Tiếp cận 100 %, thủ tục 0 %, công chức 4 of 5 = 80 %, kết quả 100 %, phản ánh unanswered:
    // the overall index is the mean of the four elements with data, 70 %.
    expect_test::expect![[r#"
        [
            "element tiep-can Some(10000) suppressed=true",
            "element thu-tuc Some(0) suppressed=true",
            "element cong-chuc Some(8000) suppressed=true",
            "element ket-qua Some(10000) suppressed=true",
            "element phan-anh None suppressed=true",
            "overall elements Some(7000) suppressed=true",
        ]
    "#]]
    .assert_debug_eq(&summary);
}

#[test]
fn the_published_page_shows_the_worked_example_and_suppresses_small_groups() {
    use survey::reports::publish::ResultsPage;
    use survey::results::certify::certify;
    use survey::results::period::Period;
    let survey = survey_defs::by_id("danh-gia-tai-quay").unwrap();
    let q4 = Period::parse("2026-Q4").unwrap();
    let records = worked_example();
    let certificate = certify(
        &catalog(),
        survey.id(),
        survey.version(),
        q4,
        &checked(&records),
        "2027-01-05T08:00:00+07:00".into(),
        false,
    )
    .unwrap();
    let tally = certificate.tally().unwrap();
    let page = |lang, min_n| {
        ResultsPage {
            lang,
            unit_name: "UBND phường <Hồng Bàng>",
            period: q4,
            survey: &survey,
            tally: &tally,
            received: Some(survey::results::denominator::Received::all(40)),
            indicators: &Default::default(),
            certificate: Some(&certificate),
            min_n,
            generated_at: "2027-01-05T08:00:00+07:00",
            names: &Default::default(),
            reply: None,
            reply_written_at: None,
        }
        .to_html()
    };
    // A reply written after the figures were locked is shown as such; one written before is not.
    let with_reply = |written: &str| {
        ResultsPage {
            lang: survey::text::Lang::Vi,
            unit_name: "UBND phường Hồng Bàng",
            period: q4,
            survey: &survey,
            tally: &tally,
            received: None,
            indicators: &Default::default(),
            certificate: Some(&certificate),
            min_n: DEFAULT_MIN_N,
            generated_at: "2027-01-05T08:00:00+07:00",
            names: &Default::default(),
            reply: Some("Đã bố trí thêm ghế chờ."),
            reply_written_at: Some(written),
        }
        .to_html()
    };
    let after = with_reply("2027-01-06T09:30:00+07:00");
    assert!(
        after.contains("Viết lúc 09:30 ngày 06/01/2027; sau khi chốt số liệu lúc 08:00 ngày 05/01/2027."),
        "{after}"
    );
    assert!(!with_reply("2027-01-04T09:30:00+07:00").contains("sau khi chốt"));
    let html = page(survey::text::Lang::Vi, DEFAULT_MIN_N);
    // 19 counted of 20 (one misuse apart; the unfinished one counts for its rating); 19 of 40
    // dossiers is 47.5 %.
    assert!(html.contains("<p class=\"value\">19</p>"), "{html}");
    assert!(html.contains("47,5 %"), "{html}");
    assert!(html.contains("Quý IV năm 2026"));
    assert!(html.contains("UBND phường &lt;Hồng Bàng&gt;"), "the unit's name is escaped");
    assert!(html.contains(&certificate.tally_sha256));
    assert!(!html.contains("BẢN NHÁP"));
    // Ward B has 8 responses: under 10, so its figure is withheld; there is no per-officer table.
    assert!(html.contains("— (dưới 10)"), "{html}");
    assert!(!html.contains("<script"), "no script on the page");
    let english = page(survey::text::Lang::En, 1);
    assert!(english.contains("Q4 2026") && english.contains("Response rate") && english.contains("47.5%"));
    assert!(!english.contains("dưới 10"));
    // What citizens said: two gave reasons, under 10, so the counts are withheld; with a minimum
    // of 1 they are shown, the most chosen first, and "Khác" is counted too.
    assert!(html.contains("Tổng hợp ý kiến góp ý") && html.contains("Có 2 người trả lời, dưới 10"), "{html}");
    assert!(!html.contains("Phải chờ đợi lâu</th>"), "no reason's count under the minimum");
    let said = &english[english.find("What citizens said").unwrap()..];
    let waited = said.find("I waited too long</th><td class=\"num\">2</td>").expect(said);
    let attitude = said
        .find("The staff&#39;s attitude</th><td class=\"num\">1</td>")
        .or_else(|| said.find("The staff's attitude</th><td class=\"num\">1</td>"))
        .expect(said);
    assert!(waited < attitude, "the most chosen first");
    assert!(said.contains("2 answered; each could choose several."));
}

/// Tallies that add up past what a count holds are refused, never wrapped: a count in a file is
/// at most `MAX_COUNT`, and a merge that would overflow adds nothing.
#[test]
fn counts_past_what_a_count_holds_are_refused() {
    let header = "survey_id,survey_version,period_start,period_end,unit,counter,staff,field,question_id,option_code,option_label,count,answered,percent\r\n";
    let row = |count: u64| format!("{header}danh-gia-tai-quay,2026.1,,,,,,,_responses,,,{count},,\r\n");
    let err = Tally::read_csv(row(survey::results::tally::MAX_COUNT + 1).as_bytes()).unwrap_err();
    assert!(err.to_string().contains("line 2, column `count`"), "{err}");
    assert!(err.to_string().contains("more than any tally holds"), "{err}");
    let big = Tally::read_csv(row(survey::results::tally::MAX_COUNT).as_bytes()).unwrap();
    let mut forged = big.clone();
    forged.groups.values_mut().for_each(|group| group.responses = u64::MAX);
    let mut sum = big.clone();
    assert_eq!(sum.merge(&forged), Err(survey::results::tally::Overflow));
    assert_eq!(sum, big, "nothing of the overflowing tally was added");
    sum.merge(&big).unwrap();
    assert_eq!(sum.totals("danh-gia-tai-quay", "2026.1").responses, 2 * survey::results::tally::MAX_COUNT);
}

/// A grouping written by its names reads back as itself.
#[test]
fn a_grouping_reads_back_from_its_names() {
    for text in ["", "unit", "counter,field", "unit,counter,staff,field"] {
        let by = GroupBy::parse(text).unwrap();
        assert_eq!(GroupBy::parse(&by.names().join(",")).unwrap(), by, "{text}");
        assert_eq!(by.names().join(","), text);
    }
}

/// Quyết định 766/QĐ-TTg counts a dossier rated not satisfied, or harassed, or returned late,
/// once however many of them hold, over the dossiers; the count reads back from the tally file,
/// merges, and the published page gives the rate over the dossiers received where entered.
#[test]
fn qd766_counts_each_dossier_not_satisfied_harassed_or_late_once() {
    let survey = survey_defs::by_id("danh-gia-ho-so").unwrap();
    let dossier = |n: u32, time: &str, harassed: &str, level: &str| {
        dossier(n, [time, "khong-lan", "khong-lien-he-them", harassed, level])
    };
    let mut records = vec![
        dossier(1, "dung-hen", "khong", "khong-hai-long"), // not satisfied
        dossier(2, "dung-hen", "co", "hai-long"),          // harassed
        dossier(3, "tre-hen", "khong", "rat-hai-long"),    // late
        dossier(4, "tre-hen", "co", "khong-hai-long"),     // all three: once
        dossier(5, "som-hon-hen", "khong", "hai-long"),
        dossier(6, "dung-hen", "khong", "rat-hai-long"),
    ];
    // A flagged response is apart, in the QĐ 766 count as everywhere else.
    let mut flagged = dossier(7, "tre-hen", "co", "khong-hai-long");
    flagged.misuse = Some("burst: 5 responses within 60 s".into());
    records.push(flagged);
    let tally = Tally::count(&catalog(), &checked(&records), &TallyOptions::default()).unwrap();
    let totals = tally.totals(survey.id(), survey.version());
    assert_eq!((totals.responses, totals.qd766_not_satisfied), (6, 4));
    let overall = &totals.questions["muc-do-hai-long"];
    assert_eq!(
        overall.options["khong-hai-long"], 2,
        "the rating alone counts 2: the rule counts dossiers, not ratings"
    );

    let back = Tally::read_csv(Cursor::new(tally.to_csv(CsvProfile::ExcelVi))).unwrap();
    assert_eq!(back, tally, "the `_qd766_not_satisfied` row reads back");
    let mut twice = tally.clone();
    twice.merge(&back).unwrap();
    assert_eq!(twice.totals(survey.id(), survey.version()).qd766_not_satisfied, 8);

    let rows = indices(&tally, &catalog(), 1).unwrap();
    let qd766 = rows.iter().find(|row| row.scope == survey::results::index::Scope::Qd766).unwrap();
    // (6 − 4) ÷ 6 = 33.333… % → 33.33 % over the dossiers rated.
    assert_eq!((qd766.n, qd766.satisfied, qd766.not_satisfied, qd766.index_percent), (6, Some(2), Some(4), Some(3333)));

    let page = |dossiers: Option<u64>| {
        survey::reports::publish::ResultsPage {
            lang: survey::text::Lang::Vi,
            unit_name: "UBND phường Hồng Bàng",
            period: survey::results::period::Period::parse("2026-Q4").unwrap(),
            survey: &survey,
            tally: &tally,
            received: dossiers.map(survey::results::denominator::Received::all),
            indicators: &Default::default(),
            certificate: None,
            min_n: 1,
            generated_at: "2027-01-02T08:00:00+07:00",
            names: &Default::default(),
            reply: None,
            reply_written_at: None,
        }
        .to_html()
    };
    // Over 40 dossiers received: (40 − 4) ÷ 40 = 90 %.
    let html = page(Some(40));
    assert!(html.contains("Tỷ lệ hài lòng theo QĐ 766/QĐ-TTg"), "{html}");
    assert!(html.contains("<p class=\"value\">90,0 %</p>"), "{html}");
    assert!(html.contains("4 hồ sơ không hài lòng, bị phiền hà hoặc trễ hẹn, trên 40 hồ sơ tiếp nhận"), "{html}");
    let html = page(None);
    assert!(html.contains("trên 6 hồ sơ được đánh giá; chưa nhập số hồ sơ tiếp nhận"), "{html}");
    assert!(html.contains("Số phiếu không hài lòng"), "the rating's own count is named for what it counts");
    assert!(!html.contains("Số ý kiến không hài lòng"));
    let html = page(Some(3));
    assert!(html.contains("số hồ sơ tiếp nhận đã nhập nhỏ hơn số hồ sơ được tính: 4 &gt; 3"), "{html}");
}

/// With indicators 2, 5, 6, 8 and 9 entered from the agency's systems, the agency is classified
/// from all nine: exactly 15.0 of 18 is "xuất sắc" and 14.9 is "tốt"; an officer is classified
/// with their own indicator 2, a group of officers never.
#[test]
fn entered_agency_indicators_classify_the_agency_at_its_boundaries() {
    let dossier = |n: u32, time: &str, contacts: &str, agencies: &str, harassed: &str| ResponseRecord {
        staff: Some("cb-01".into()),
        ..dossier(n, [time, contacts, agencies, harassed, "hai-long"])
    };
    // Indicators 1, 3, 4 and 7 from citizens: 1.3 each (5 points over 4 dossiers), 5.2 in all.
    let records = checked(&[
        dossier(1, "som-hon-hen", "khong-lan", "khong-lien-he-them", "khong"),
        dossier(2, "dung-hen", "khong-lan", "chi-bo-phan-mot-cua", "khong"),
        dossier(3, "tre-hen", "tu-hai-lan", "nhieu-hon-mot", "co"),
        dossier(4, "som-hon-hen", "mot-lan", "khong-lien-he-them", "khong"),
    ]);
    let q4 = survey::results::period::Period::parse("2026-Q4");
    let options = |by: &str| TallyOptions {
        by: GroupBy::parse(by).unwrap(),
        period: PeriodKind::Quarter,
        ..TallyOptions::default()
    };
    let class = |entered: &str, by: &str| {
        let entered = survey::results::entered::read_entered(entered.as_bytes(), q4).unwrap();
        let tally = Tally::count(&catalog(), &records, &options(by)).unwrap();
        survey::results::index::indices_with(&tally, &catalog(), 1, &entered)
            .unwrap()
            .into_iter()
            .filter(|row| row.scope == survey::results::index::Scope::Classification)
            .map(|row| format!("{} {:?} {}", row.scope_id, row.score, row.class.unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    let header = "unit,staff,indicator,dossiers,points\n";
    // 2.0 + 2.0 + 2.0 + 2.0 + 1.8 = 9.8 entered; with 5.2, exactly 15.0.
    let fifteen = format!("{header},,2,40,80\n,,5,40,80\n,,6,40,80\n,,8,40,80\n,,9,40,72\n");
    assert_eq!(
        class(&fifteen, ""),
        ["staff None chưa xếp loại: nhóm gồm nhiều cán bộ, xem theo từng cán bộ", "agency Some(150) xuất sắc",]
    );
    // 1.7 for indicator 9 (68 over 40): 14.9.
    let below = fifteen.replace(",,9,40,72", ",,9,40,68");
    assert_eq!(class(&below, "")[1], "agency Some(149) tốt");
    let missing_one = fifteen.replace(",,9,40,72\n", "");
    assert_eq!(class(&missing_one, "")[1], "agency None chưa xếp loại: chưa nhập chỉ số 9 (từ hệ thống của cơ quan)");
    // By officer: their own indicator 2 (0.5: 1 point over 2 dossiers) makes 5.7 of 10.
    let officer = format!("{header},cb-01,2,2,1\n");
    assert_eq!(class(&officer, "staff")[0], "staff Some(57) hoàn thành 100% nhiệm vụ");
    assert_eq!(
        class(&format!("{header},cb-02,2,2,1\n"), "staff")[0],
        "staff None chưa xếp loại: chưa nhập chỉ số 2 (từ hệ thống của cơ quan)",
        "another officer's entry is not this one's"
    );
}

/// Found by fuzzing (fuzzing/regressions/tally_csv/): a quote left open in a name swallowed the
/// rows after it into one cell, and the file still read. Every name of a group, question and
/// option is now a code, and a group that lost its `_responses` row (a file cut short, a row
/// deleted by hand) is refused at its first line.
#[test]
fn a_tally_whose_names_are_not_codes_or_whose_group_is_cut_short_is_refused() {
    let header = "survey_id,survey_version,period_start,period_end,unit,counter,staff,field,question_id,option_code,option_label,count,answered,percent\r\n";
    let swallowed = format!("{header}\"danh-gi\r\ndanh-gia-tai-quay\",2026.1,,,phuong-a,,,,_responses,,,3,,\r\n");
    let err = Tally::read_csv(swallowed.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("line 2, column `survey_id`") && err.contains("is not a code"), "{err}");
    let cut = format!(
        "{header}danh-gia-tai-quay,2026.1,,,phuong-a,,,,_responses,,,1,,\r\n\
         danh-gia-tai-quay,2026.1,,,phuong-b,,,,muc-do-hai-long,hai-long,Hài lòng,1,1,100\r\n"
    );
    let err = Tally::read_csv(cut.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("line 3, column `question_id`") && err.contains("no `_responses` row"), "{err}");
    let unit = format!("{header}danh-gia-tai-quay,2026.1,,,<b>x</b>,,,,_responses,,,1,,\r\n");
    assert!(Tally::read_csv(unit.as_bytes()).unwrap_err().to_string().contains("column `unit`"));
}

/// The report for the level above classes each officer (internal report only) and the agency
/// as Thông tư 01 does, saying what is missing rather than giving a class from fewer indicators.
#[test]
fn the_report_classes_officers_only_inside_and_says_what_thong_tu_01_still_needs() {
    use survey::reports::report::{Block, ReportData, ReportTemplate};
    let survey = survey_defs::by_id("danh-gia-ho-so").unwrap();
    let records: Vec<ResponseRecord> = (0..12)
        .map(|n| {
            let mut record = dossier(n, ["dung-hen", "khong-lan", "khong-lien-he-them", "khong", "hai-long"]);
            record.unit = Some("phuong-a".into());
            record.staff = Some(format!("cb-{}", n % 2));
            record
        })
        .collect();
    let period = survey::results::period::Period::parse("2026-11").unwrap();
    let by = GroupBy { unit: true, counter: true, field: true, staff: true };
    let options = TallyOptions { by, from: Some(period.start), to: Some(period.end), ..TallyOptions::default() };
    let tally = Tally::count(&catalog(), &checked(&records), &options).unwrap();
    let template: ReportTemplate = toml::from_str(include_str!("../../report-templates/mac-dinh.toml")).unwrap();
    let template = template.check().unwrap();
    let (names, comments) = (Default::default(), Default::default());
    let report = |internal: bool| {
        ReportData {
            survey: &survey,
            period,
            unit_code: "phuong-a",
            unit_name: "Phường A",
            parent_name: None,
            tally: &tally,
            names: &names,
            officers: &Default::default(),
            received: None,
            internal,
            min_n: 1,
            comments: &comments,
            reply: None,
            generated_at: "2026-12-01T08:00:00+07:00",
        }
        .build(&template)
        .unwrap()
    };
    let text = |report: &survey::reports::report::Report| survey::reports::report_html::report_html(report);
    let inside = report(true);
    let outside = text(&report(false));
    assert!(!outside.contains("cb-0") && !outside.contains("CÔNG CHỨC (BÁO CÁO NỘI BỘ"), "{outside}");
    let officers = inside
        .blocks
        .iter()
        .skip_while(|block| !matches!(block, Block::Heading(title) if title.contains("CÔNG CHỨC")))
        .find_map(|block| match block {
            Block::Table { rows, .. } => Some(rows.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(officers.len(), 2, "{officers:?}");
    for row in &officers {
        let class = row.last().unwrap();
        assert!(
            matches!(class, survey::reports::report::Value::Text(text) if text.contains("chưa nhập chỉ số 2")),
            "{row:?}"
        );
    }
    let html = text(&inside);
    assert!(html.contains("cb-0") && html.contains("cb-1"), "{html}");
    // The agency's class says which of its nine indicators are still to be entered.
    assert!(html.contains("chưa nhập chỉ số 2, 5, 6, 8, 9"), "{html}");
    assert!(!html.contains("<td>Khảo sát này không chấm điểm"), "this survey is scored by Thông tư 01");
}

/// Thông tư 01's classes from the raw records and the entered lines to the printed class, as
/// `docs/formats.md` ("Thông tư 01 classes") decides each open point.
mod thong_tu_01_classes {
    use super::*;
    use survey::definition::answer::Answer;
    use survey::results::entered::{Entered, EntryKey};
    use survey::results::index::{Scope, indices_with};
    use survey::results::tally::Points;

    fn entered(lines: &[(&str, &str, u32, u64, u64)]) -> Entered {
        lines
            .iter()
            .map(|&(unit, staff, indicator, dossiers, total)| {
                let key = EntryKey { period: String::new(), unit: unit.into(), staff: staff.into(), indicator };
                (key, Points { dossiers, total })
            })
            .collect()
    }

    /// Each group's class rows: "unit/staff/counter/field id: score class (n)".
    fn classes(records: &[ResponseRecord], by: &str, lines: &Entered, min_n: u64) -> Vec<String> {
        let options = TallyOptions { by: GroupBy::parse(by).unwrap(), ..TallyOptions::default() };
        let tally = Tally::count(&catalog(), &checked(records), &options).unwrap();
        indices_with(&tally, &catalog(), min_n, lines)
            .unwrap()
            .into_iter()
            .filter(|row| row.scope == Scope::Classification)
            .map(|row| {
                format!(
                    "{}/{}/{}/{} {}: {:?} {} (n {}{})",
                    row.key.unit,
                    row.key.staff,
                    row.key.counter,
                    row.key.field,
                    row.scope_id,
                    row.score,
                    row.class.unwrap_or_default(),
                    row.n,
                    if row.suppressed { ", withheld" } else { "" }
                )
            })
            .collect()
    }

    fn in_unit(mut record: ResponseRecord, unit: &str, staff: Option<&str>, field: Option<&str>) -> ResponseRecord {
        record.unit = Some(unit.into());
        record.staff = staff.map(Into::into);
        record.field = field.map(Into::into);
        record
    }

    #[test]
    fn an_officer_missing_a_citizens_indicator_is_classed_on_the_rest_and_says_so() {
        // One unfinished dossier that answered only "Đúng hẹn" (indicator 1: 1 point), with
        // indicator 2 entered (2 points): 1.0 + 2.0 = 3.0 of 10, "dưới 70%" as Điều 15 counts,
        // the class naming what it left out, and withheld under the minimum n.
        let mut record = dossier(1, ["dung-hen", "khong-lan", "khong-lien-he-them", "khong", "hai-long"]);
        record.answers.retain(|question, _| question == "thoi-gian-tra-ket-qua");
        record.partial = true;
        let record = in_unit(record, "p1", Some("cb-01"), None);
        let lines = entered(&[("p1", "cb-01", 2, 1, 2)]);
        let shown = classes(&[record], "unit,staff", &lines, 10);
        assert_eq!(
            shown[0],
            "p1/cb-01// staff: Some(30) hoàn thành dưới 70% nhiệm vụ (chỉ số 3, 4, 7 không có dữ liệu, không tính vào tổng) (n 1, withheld)"
        );
        // The agency row of an officer's group is never classed, whatever lines it has.
        assert!(
            shown[1].starts_with("p1/cb-01// agency: None chưa xếp loại: nhóm không phải toàn bộ hồ sơ"),
            "{}",
            shown[1]
        );
    }

    #[test]
    fn an_officer_at_the_boundaries_of_5_and_3_5() {
        // Four dossiers answering 1 everywhere: indicators 1, 3, 4 and 7 score 1.0 each.
        let ones = |n: u32| {
            in_unit(
                dossier(n, ["dung-hen", "mot-lan", "chi-bo-phan-mot-cua", "khong", "hai-long"]),
                "p1",
                Some("cb-01"),
                None,
            )
        };
        let records: Vec<ResponseRecord> = (1..=10).map(ones).collect();
        // Indicator 2 of 1.0 → 5.0: "hoàn thành 100%" (≥ 5, never "> 5").
        let at_5 = classes(&records, "staff,unit", &entered(&[("p1", "cb-01", 2, 4, 4)]), 10);
        assert_eq!(at_5[0], "p1/cb-01// staff: Some(50) hoàn thành 100% nhiệm vụ (n 10)");
        // Indicator 7 falls to 0.5 with 5 of 10 harassed: 1 + 1 + 1 + 0.5 + 0 = 3.5 with
        // indicator 2 at 0: "từ 70% đến dưới 100%".
        let mut records = records;
        for record in records.iter_mut().take(5) {
            record.answers.insert("phien-ha-sach-nhieu".into(), Answer::Choice("co".into()));
        }
        let at_3_5 = classes(&records, "staff,unit", &entered(&[("p1", "cb-01", 2, 4, 0)]), 10);
        assert_eq!(at_3_5[0], "p1/cb-01// staff: Some(35) hoàn thành từ 70% đến dưới 100% nhiệm vụ (n 10)");
    }

    #[test]
    fn an_agency_is_classed_only_on_all_of_its_dossiers_at_its_boundaries() {
        // Twenty dossiers: indicator 1 is 7 × 2 + 11 × 1 + 2 × 0 = 25 points over 20 = 1.25,
        // 1.3 half up, and so is indicator 7 (no harassment); indicators 3 and 4 are 2.0. The
        // citizens' part is 6.6, where exact sums would give 6.5: each indicator is rounded once.
        let time = |n: u32| match n {
            1..=7 => "som-hon-hen",
            8..=18 => "dung-hen",
            _ => "tre-hen",
        };
        let field = |n: u32| if n.is_multiple_of(2) { "ho-tich" } else { "dat-dai" };
        let records: Vec<ResponseRecord> = (1..=20)
            .map(|n| {
                in_unit(
                    dossier(n, [time(n), "khong-lan", "khong-lien-he-them", "khong", "hai-long"]),
                    "p1",
                    None,
                    Some(field(n)),
                )
            })
            .collect();
        // Entered over 10 dossiers, so each line's score in tenths is its points.
        let agency = |records: &[ResponseRecord], five: [u64; 5]| {
            let lines: Vec<(&str, &str, u32, u64, u64)> = [2, 5, 6, 8, 9]
                .into_iter()
                .zip(five)
                .map(|(indicator, points)| ("p1", "", indicator, 10, points))
                .collect();
            classes(records, "unit", &entered(&lines), 10).remove(1)
        };
        assert_eq!(agency(&records, [20, 20, 20, 20, 4]), "p1/// agency: Some(150) xuất sắc (n 20)");
        assert_eq!(agency(&records, [20, 20, 20, 20, 3]), "p1/// agency: Some(149) tốt (n 20)");
        assert_eq!(agency(&records, [20, 20, 14, 0, 0]), "p1/// agency: Some(120) tốt (n 20)");
        assert_eq!(agency(&records, [20, 20, 13, 0, 0]), "p1/// agency: Some(119) khá (n 20)");
        assert_eq!(agency(&records, [20, 4, 0, 0, 0]), "p1/// agency: Some(90) khá (n 20)");
        assert_eq!(agency(&records, [20, 3, 0, 0, 0]), "p1/// agency: Some(89) trung bình (n 20)");
        // Dossiers that score nothing from citizens: late, harassed, many contacts.
        let worst: Vec<ResponseRecord> = (1..=10)
            .map(|n| {
                in_unit(
                    dossier(n, ["tre-hen", "tu-hai-lan", "nhieu-hon-mot", "co", "khong-hai-long"]),
                    "p1",
                    None,
                    None,
                )
            })
            .collect();
        assert_eq!(agency(&worst, [20, 20, 20, 0, 0]), "p1/// agency: Some(60) trung bình (n 10)");
        assert_eq!(agency(&worst, [20, 20, 19, 0, 0]), "p1/// agency: Some(59) yếu (n 10)");

        // The same dossiers split by field are parts of the agency: no agency class on either.
        let lines: Vec<(&str, &str, u32, u64, u64)> =
            [2, 5, 6, 8, 9].into_iter().map(|indicator| ("p1", "", indicator, 10, 20)).collect();
        let by_field = classes(&records, "unit,field", &entered(&lines), 1);
        assert_eq!(by_field.iter().filter(|row| row.contains(" agency:")).count(), 2);
        for row in by_field.iter().filter(|row| row.contains(" agency:")) {
            assert!(row.contains("chưa xếp loại: nhóm không phải toàn bộ hồ sơ của một cơ quan"), "{row}");
        }
        // Split by officer, the dossiers without an officer are not the agency either.
        let mut mixed = records.clone();
        mixed[0].staff = Some("cb-01".into());
        let by_staff = classes(&mixed, "unit,staff", &entered(&lines), 1);
        let no_officer = by_staff.iter().find(|row| row.starts_with("p1/// agency")).unwrap();
        assert!(no_officer.contains("chưa xếp loại: nhóm không phải toàn bộ hồ sơ"), "{no_officer}");
        // A classification's n is its citizens' dossiers: entered lines of 3 dossiers do not
        // withhold the class of 20.
        let few: Vec<(&str, &str, u32, u64, u64)> =
            [2, 5, 6, 8, 9].into_iter().map(|indicator| ("p1", "", indicator, 3, 6)).collect();
        assert_eq!(classes(&records, "unit", &entered(&few), 10)[1], "p1/// agency: Some(166) xuất sắc (n 20)");
    }
}

/// The per-dossier worked example of `docs/formats.md`: an officer whose three dossiers were
/// each left unfinished after the first question ("Đúng hẹn", "Sớm hơn hẹn"), so that
/// indicators 3, 4 and 7 have no data: classed on indicators 1 and 2 as Điều 15 counts, the
/// class saying what it left out, and withheld from publication under the minimum n.
fn officer_example() -> Vec<ResponseRecord> {
    ["dung-hen", "som-hon-hen", "dung-hen"]
        .into_iter()
        .enumerate()
        .map(|(n, time)| {
            let mut record = dossier(n as u32 + 1, [time, "khong-lan", "khong-lien-he-them", "khong", "hai-long"]);
            record.answers.retain(|question, _| question == "thoi-gian-tra-ket-qua");
            record.partial = true;
            record.unit = Some("phuong-a".into());
            record.staff = Some("cb-01".into());
            record
        })
        .collect()
}

#[test]
fn the_documented_officer_example_is_the_computed_one() {
    let options = TallyOptions {
        by: GroupBy::parse("unit,staff").unwrap(),
        period: PeriodKind::Quarter,
        ..TallyOptions::default()
    };
    let tally = Tally::count(&catalog(), &checked(&officer_example()), &options).unwrap();
    let lines = "period,unit,staff,indicator,dossiers,points\n2026-Q4,phuong-a,cb-01,2,3,5\n";
    let entered = survey::results::entered::read_entered(lines.as_bytes(), None).unwrap();
    let rows = survey::results::index::indices_with(&tally, &catalog(), DEFAULT_MIN_N, &entered).unwrap();
    let csv = String::from_utf8(index_csv(&rows, CsvProfile::Rfc4180)).unwrap().replace("\r\n", "\n");
    expect_test::expect_file!["snapshots/officer-example-index.csv"].assert_eq(&csv);
    let docs = include_str!("../../docs/formats.md");
    assert!(docs.contains(&csv), "docs/formats.md must show, as computed:\n{csv}");
}
