//! The report a unit sends to the level above for a period, in the shape provinces ask for: the
//! national header, the unit, lines left for the document's number and date, the figures of the
//! unit and per unit below it (ranked), field and counter, Thông tư 01's classes per agency (and,
//! in the internal report only, per officer), what citizens said, and a signature block.
//!
//! Its wording, its sections and their order, and each table's columns come from a
//! [`ReportTemplate`] a province can change without code (`report-templates/mac-dinh.toml`). The
//! report is built once as [`Report`] blocks, from which both the A4 page (`report_html`) and the
//! workbook (`report_xlsx`) are written, so that the two cannot say different things. Every
//! figure comes from the core's `indices`, as the workspace's do.

use serde::Deserialize;

use crate::definition::model::Survey;
use crate::results::index::{IndexRow, Scope, indices};
use crate::results::names::Names;
use crate::results::period::Period;
use crate::results::tally::{GroupBy, GroupKey, Tally};
use crate::results::topics::UnitComments;
use crate::text::Lang;

/// The format of report templates this version reads.
pub const TEMPLATE_FORMAT: u32 = 1;

/// The words a template's texts may hold, each written `{name}`.
pub const PLACEHOLDERS: [&str; 10] = [
    "unit_name",
    "unit_name_upper",
    "unit_code",
    "parent_name",
    "parent_name_upper",
    "period",
    "period_label",
    "year",
    "survey",
    "generated",
];

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportTemplate {
    pub format: u32,
    /// What the template is, for whoever chooses it.
    pub name: String,
    pub header: HeaderTemplate,
    pub title: String,
    pub subject: String,
    pub sections: Vec<SectionTemplate>,
    pub signature: SignatureTemplate,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderTemplate {
    /// The lines above the unit on the left: the governing body, then the unit.
    pub left: Vec<String>,
    pub nation: String,
    pub motto: String,
    /// The document number's line, left for the office to fill in.
    pub number: String,
    /// The place and date line, likewise.
    pub place_date: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureTemplate {
    /// "Nơi nhận:" and its lines.
    pub recipients: Vec<String>,
    /// The signer's position (chức vụ), the note under it, and the signer's name (người ký).
    pub position: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub signer: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionTemplate {
    pub part: Part,
    pub title: String,
    /// Numbered I, II, III… in the order shown (a section left out, such as the officers' in
    /// the report that is not internal, takes no number); `false` for a sub-heading.
    #[serde(default = "numbered")]
    pub numbered: bool,
    /// A paragraph under the title.
    #[serde(default)]
    pub text: Option<String>,
    /// The table's columns, in order (for the parts that are tables of groups).
    #[serde(default)]
    pub columns: Vec<ColumnTemplate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnTemplate {
    pub key: Column,
    pub title: String,
}

/// What a section shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    /// The unit's own figures, all its units together.
    Summary,
    /// Each unit below (and the unit's own responses), ranked.
    Units,
    Fields,
    Counters,
    /// Thông tư 01's class per agency (unit).
    Agencies,
    /// Per officer: in the internal report only.
    Officers,
    /// The reasons chosen, per multiple-choice question.
    Reasons,
    /// The comments per topic, and a few quotable ones.
    Topics,
    /// What the unit did about what citizens said.
    Reply,
    /// Only the title and text.
    Text,
}

/// A column of a table of groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Column {
    /// The row's number.
    Number,
    /// The rank by satisfaction, ties sharing one.
    Rank,
    Name,
    Code,
    Responses,
    Satisfied,
    NotSatisfied,
    /// The satisfaction index, in percent.
    Index,
    /// Wilson's 95 % interval, lower and upper bound, in percent.
    CiLow,
    CiHigh,
    /// Thông tư 01's points and class.
    Score,
    Class,
}

fn numbered() -> bool {
    true
}

/// `n` in Roman numerals, as Vietnamese reports number their parts.
fn roman(mut n: usize) -> String {
    let mut text = String::new();
    for (value, letters) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while n >= value {
            text.push_str(letters);
            n -= value;
        }
    }
    text
}

impl ReportTemplate {
    /// Reads and checks a template already parsed (from TOML, by the caller): its format, every
    /// placeholder, and each table's columns. The error names the field.
    pub fn check(self) -> Result<ReportTemplate, String> {
        if self.format != TEMPLATE_FORMAT {
            return Err(format!("format: {} is not {TEMPLATE_FORMAT}, the format this version reads", self.format));
        }
        let mut texts: Vec<(String, &str)> = vec![
            ("header.nation".into(), &self.header.nation),
            ("header.motto".into(), &self.header.motto),
            ("header.number".into(), &self.header.number),
            ("header.place_date".into(), &self.header.place_date),
            ("title".into(), &self.title),
            ("subject".into(), &self.subject),
            ("signature.position".into(), &self.signature.position),
            ("signature.note".into(), &self.signature.note),
            ("signature.signer".into(), &self.signature.signer),
        ];
        texts.extend(
            self.header.left.iter().enumerate().map(|(at, line)| (format!("header.left[{at}]"), line.as_str())),
        );
        texts.extend(
            self.signature
                .recipients
                .iter()
                .enumerate()
                .map(|(at, line)| (format!("signature.recipients[{at}]"), line.as_str())),
        );
        for (at, section) in self.sections.iter().enumerate() {
            texts.push((format!("sections[{at}].title"), &section.title));
            if let Some(text) = &section.text {
                texts.push((format!("sections[{at}].text"), text));
            }
            let tables =
                matches!(section.part, Part::Units | Part::Fields | Part::Counters | Part::Agencies | Part::Officers);
            if tables && section.columns.is_empty() {
                return Err(format!("sections[{at}].columns: a table of groups needs its columns"));
            }
        }
        for (field, text) in texts {
            let mut rest = text;
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}') else {
                    return Err(format!("{field}: a `{{` without its `}}`"));
                };
                let name = &rest[open + 1..open + close];
                if !PLACEHOLDERS.contains(&name) {
                    return Err(format!("{field}: `{{{name}}}` is not one of {}", PLACEHOLDERS.join(", ")));
                }
                rest = &rest[open + close + 1..];
            }
        }
        Ok(self)
    }
}

/// A value of the report: text, a count, a percentage (hundredths) or points (tenths).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Count(u64),
    Percent(u64),
    Points(u64),
    Empty,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    Table { header: Vec<String>, rows: Vec<Vec<Value>> },
}

/// The report, ready to be written as a page or a workbook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub left: Vec<String>,
    pub nation: String,
    pub motto: String,
    pub number: String,
    pub place_date: String,
    pub title: String,
    pub subject: String,
    pub blocks: Vec<Block>,
    pub recipients: Vec<String>,
    pub position: String,
    pub note: String,
    pub signer: String,
}

/// What a report is made from.
pub struct ReportData<'a> {
    pub survey: &'a Survey,
    pub period: Period,
    pub unit_code: &'a str,
    pub unit_name: &'a str,
    pub parent_name: Option<&'a str>,
    /// The period's tally of the unit and those below it, grouped by unit, counter and field,
    /// and by officer too for the internal report.
    pub tally: &'a Tally,
    pub names: &'a Names,
    /// Officers' names by code, for the internal report (from the kiosks' settings).
    pub officers: &'a std::collections::BTreeMap<String, String>,
    /// Dossiers received in the period by the unit and those below it, and whose responses the
    /// rate counts.
    pub received: Option<crate::results::denominator::Received>,
    /// The internal report: per officer figures are shown.
    pub internal: bool,
    pub min_n: u64,
    pub comments: &'a UnitComments,
    pub reply: Option<&'a str>,
    /// When it was made, RFC 3339.
    pub generated_at: &'a str,
}

/// The row that says a group's satisfaction: the overall question's, else the overall index.
pub fn headline<'a>(survey: &Survey, rows: &'a [IndexRow], key: &GroupKey) -> Option<&'a IndexRow> {
    let overall = survey.scoring().overall.as_deref();
    rows.iter()
        .filter(|row| row.key == *key && row.scope == Scope::Overall)
        .min_by_key(|row| Some(row.scope_id.as_str()) != overall)
}

fn classification<'a>(rows: &'a [IndexRow], key: &GroupKey, of: &str) -> Option<&'a IndexRow> {
    rows.iter().find(|row| {
        row.key == *key && row.scope == Scope::Classification && (row.scope_id == "staff") == (of == "staff")
    })
}

impl ReportData<'_> {
    fn fill(&self, text: &str) -> String {
        let parent = self.parent_name.unwrap_or_default();
        let values = [
            ("unit_name", self.unit_name.to_owned()),
            ("unit_name_upper", self.unit_name.to_uppercase()),
            ("unit_code", self.unit_code.to_owned()),
            ("parent_name", parent.to_owned()),
            ("parent_name_upper", parent.to_uppercase()),
            ("period", self.period.code()),
            ("period_label", self.period.label(Lang::Vi)),
            ("year", self.period.end.year().to_string()),
            ("survey", self.survey.title().vi.clone()),
            ("generated", crate::vn_time::readable(self.generated_at, Lang::Vi)),
        ];
        let mut filled = text.to_owned();
        for (name, value) in values {
            filled = filled.replace(&format!("{{{name}}}"), &value);
        }
        filled
    }

    /// A line of the header or of the recipients; a line about the parent is left out for a
    /// unit at the top of the tree.
    fn fill_line(&self, line: &str) -> Option<String> {
        (self.parent_name.is_some() || !line.contains("{parent_name")).then(|| self.fill(line))
    }

    /// The table of groups of `by`, with the template's columns; ranked by satisfaction.
    fn groups(&self, by: GroupBy, columns: &[ColumnTemplate], classes_of: &str) -> Result<Vec<Vec<Value>>, String> {
        let catalog = crate::definition::catalog::Catalog::new([self.survey.clone()]);
        let tally = self.tally.regroup(by, None);
        let rows = indices(&tally, &catalog, self.min_n).map_err(|err| err.to_string())?;
        let mut groups: Vec<(&GroupKey, u64, Option<&IndexRow>)> = tally
            .groups
            .iter()
            .map(|(key, counts)| (key, counts.responses, headline(self.survey, &rows, key)))
            .collect();
        // Most satisfied first; groups under the minimum, whose index is not shown, last.
        let shown = |row: Option<&IndexRow>| row.filter(|row| !row.suppressed).and_then(|row| row.index_percent);
        groups.sort_by_key(|(key, _, row)| (std::cmp::Reverse(shown(*row)), (*key).clone()));
        let mut table = Vec::new();
        let mut rank = 0;
        let mut last: Option<Option<u64>> = None;
        for (at, (key, responses, row)) in groups.into_iter().enumerate() {
            if last != Some(shown(row)) {
                rank = at + 1;
                last = Some(shown(row));
            }
            // Counters are grouped with their unit: two wards' `quay-1` are two counters.
            let (code, names) = if by.counter {
                (&key.counter, &self.names.counters)
            } else if by.unit {
                (&key.unit, &self.names.units)
            } else if by.field {
                (&key.field, &self.names.fields)
            } else {
                (&key.staff, self.officers)
            };
            let class = classification(&rows, key, classes_of).filter(|row| !row.suppressed);
            let hidden = row.is_none_or(|row| row.suppressed);
            let percent =
                |value: Option<u64>| if hidden { Value::Empty } else { value.map_or(Value::Empty, Value::Percent) };
            table.push(
                columns
                    .iter()
                    .map(|column| match column.key {
                        Column::Number => Value::Count(at as u64 + 1),
                        Column::Rank if shown(row).is_some() => Value::Count(rank as u64),
                        Column::Rank => Value::Empty,
                        Column::Name if by.counter => Value::Text(match self.names.place(&key.unit, code) {
                            place if code.is_empty() => format!("{place} (không ghi quầy)"),
                            place => place,
                        }),
                        Column::Name if code.is_empty() => Value::Text("(không ghi)".into()),
                        Column::Name => Value::Text(match names.get(code) {
                            Some(name) if by.staff => format!("{name} ({code})"),
                            Some(name) => name.clone(),
                            None => code.clone(),
                        }),
                        Column::Code => Value::Text(code.clone()),
                        Column::Responses => Value::Count(responses),
                        Column::Satisfied if hidden => Value::Empty,
                        Column::Satisfied => row.and_then(|row| row.satisfied).map_or(Value::Empty, Value::Count),
                        Column::NotSatisfied if hidden => Value::Empty,
                        Column::NotSatisfied => {
                            row.and_then(|row| row.not_satisfied).map_or(Value::Empty, Value::Count)
                        }
                        Column::Index => percent(row.and_then(|row| row.index_percent)),
                        Column::CiLow => percent(row.and_then(|row| row.ci).map(|(low, _)| low)),
                        Column::CiHigh => percent(row.and_then(|row| row.ci).map(|(_, high)| high)),
                        Column::Score => class.and_then(|row| row.score).map_or(Value::Empty, Value::Points),
                        Column::Class => class.and_then(|row| row.class.clone()).map_or(Value::Empty, Value::Text),
                    })
                    .collect(),
            );
        }
        Ok(table)
    }

    fn summary(&self) -> Result<Vec<Vec<Value>>, String> {
        let catalog = crate::definition::catalog::Catalog::new([self.survey.clone()]);
        let whole = self.tally.regroup(GroupBy::default(), None);
        let rows = indices(&whole, &catalog, self.min_n).map_err(|err| err.to_string())?;
        let totals = self.tally.totals(self.survey.id(), self.survey.version());
        let key = whole.groups.keys().next().cloned().unwrap_or_default();
        let row = headline(self.survey, &rows, &key).filter(|row| !row.suppressed);
        let text = |label: &str, value: Value| vec![Value::Text(label.to_owned()), value];
        let mut table = vec![
            text("Số phiếu đánh giá", Value::Count(totals.responses)),
            text("Số phiếu hài lòng", row.and_then(|row| row.satisfied).map_or(Value::Empty, Value::Count)),
            text("Số phiếu không hài lòng", row.and_then(|row| row.not_satisfied).map_or(Value::Empty, Value::Count)),
            text("Tỷ lệ hài lòng (%)", row.and_then(|row| row.index_percent).map_or(Value::Empty, Value::Percent)),
            text(
                "Khoảng tin cậy 95 %, cận dưới (%)",
                row.and_then(|row| row.ci).map_or(Value::Empty, |(low, _)| Value::Percent(low)),
            ),
            text(
                "Khoảng tin cậy 95 %, cận trên (%)",
                row.and_then(|row| row.ci).map_or(Value::Empty, |(_, high)| Value::Percent(high)),
            ),
        ];
        match &self.received {
            Some(received) => {
                table.push(text("Số hồ sơ tiếp nhận", Value::Count(received.dossiers)));
                // Over the responses of the units that entered their dossiers alone.
                let counted = received.counted(self.tally).totals(self.survey.id(), self.survey.version());
                let rate = crate::results::tally_csv::share_hundredths(counted.responses, received.dossiers);
                table.push(text("Tỷ lệ phản hồi (%)", rate.map_or(Value::Empty, Value::Percent)));
                if !received.missing.is_empty() {
                    table.push(text(
                        "Đơn vị chưa nhập số hồ sơ tiếp nhận (không tính vào tỷ lệ phản hồi)",
                        Value::Text(received.missing_names(self.names)),
                    ));
                }
            }
            None => table.push(text("Số hồ sơ tiếp nhận", Value::Text("chưa nhập".into()))),
        }
        if let Some(agency) = classification(&rows, &key, "agency").filter(|row| !row.suppressed) {
            table.push(text("Điểm theo Thông tư 01/2018/TT-VPCP", agency.score.map_or(Value::Empty, Value::Points)));
            table.push(text("Xếp loại", agency.class.clone().map_or(Value::Empty, Value::Text)));
        }
        Ok(table)
    }

    fn reasons(&self, blocks: &mut Vec<Block>) {
        let totals = self.tally.totals(self.survey.id(), self.survey.version());
        for reasons in crate::results::topics::reasons_chosen(self.survey, &totals, self.min_n) {
            blocks.push(Block::Paragraph(reasons.question.vi.clone()));
            match reasons.chosen {
                None => blocks.push(Block::Paragraph(format!(
                    "Có {} người trả lời, dưới {}: không nêu số để không nhận ra ai.",
                    reasons.answered, self.min_n
                ))),
                Some(chosen) => blocks.push(Block::Table {
                    header: vec!["Lý do".into(), "Số người chọn".into()],
                    rows: chosen
                        .into_iter()
                        .map(|(label, count)| vec![Value::Text(label.vi), Value::Count(count)])
                        .collect(),
                }),
            }
        }
    }

    fn topics(&self, blocks: &mut Vec<Block>) {
        let comments = self.comments;
        if comments.comments == 0 {
            blocks.push(Block::Paragraph("Không có ý kiến nào trong kỳ.".into()));
            return;
        }
        blocks.push(Block::Paragraph(format!(
            "{} ý kiến, {} đã phân loại theo chủ đề.",
            comments.comments, comments.tagged
        )));
        let published = comments.published(self.min_n);
        match published.topics {
            Some(topics) => blocks.push(Block::Table {
                header: vec!["Chủ đề".into(), "Số ý kiến".into()],
                rows: topics.into_iter().map(|(topic, count)| vec![Value::Text(topic), Value::Count(count)]).collect(),
            }),
            None if comments.tagged > 0 => blocks.push(Block::Paragraph(format!(
                "Dưới {} ý kiến được phân loại: không nêu số theo chủ đề.",
                self.min_n
            ))),
            None => {}
        }
        for quote in published.quotes {
            blocks.push(Block::Paragraph(format!("“{quote}”")));
        }
    }

    /// The report, as the template says.
    pub fn build(&self, template: &ReportTemplate) -> Result<Report, String> {
        let mut blocks = Vec::new();
        let mut number = 0;
        for section in &template.sections {
            if section.part == Part::Officers && !self.internal {
                continue;
            }
            let title = self.fill(&section.title);
            if section.numbered {
                number += 1;
                blocks.push(Block::Heading(format!("{}. {title}", roman(number))));
            } else {
                blocks.push(Block::Heading(title));
            }
            if let Some(text) = &section.text {
                blocks.push(Block::Paragraph(self.fill(text)));
            }
            let header = || section.columns.iter().map(|column| self.fill(&column.title)).collect::<Vec<_>>();
            let table = |by: GroupBy, of: &str| -> Result<Block, String> {
                Ok(Block::Table { header: header(), rows: self.groups(by, &section.columns, of)? })
            };
            match section.part {
                Part::Summary => blocks
                    .push(Block::Table {
                        header: vec!["Chỉ tiêu".into(), "Kết quả".into()], rows: self.summary()?
                    }),
                Part::Units | Part::Agencies => {
                    blocks.push(table(GroupBy { unit: true, ..GroupBy::default() }, "agency")?)
                }
                Part::Fields => blocks.push(table(GroupBy { field: true, ..GroupBy::default() }, "agency")?),
                Part::Counters => {
                    blocks.push(table(GroupBy { unit: true, counter: true, ..GroupBy::default() }, "agency")?)
                }
                Part::Officers => blocks.push(table(GroupBy { staff: true, ..GroupBy::default() }, "staff")?),
                Part::Reasons => self.reasons(&mut blocks),
                Part::Topics => self.topics(&mut blocks),
                Part::Reply => blocks.push(Block::Paragraph(
                    self.reply.map(str::trim).filter(|reply| !reply.is_empty()).unwrap_or("(Chưa ghi.)").to_owned(),
                )),
                Part::Text => {}
            }
        }
        Ok(Report {
            left: template.header.left.iter().filter_map(|line| self.fill_line(line)).collect(),
            nation: self.fill(&template.header.nation),
            motto: self.fill(&template.header.motto),
            number: self.fill(&template.header.number),
            place_date: self.fill(&template.header.place_date),
            title: self.fill(&template.title),
            subject: self.fill(&template.subject),
            blocks,
            recipients: template.signature.recipients.iter().filter_map(|line| self.fill_line(line)).collect(),
            position: self.fill(&template.signature.position),
            note: self.fill(&template.signature.note),
            signer: self.fill(&template.signature.signer),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_numbered_as_reports_number_them() {
        assert_eq!([1, 4, 9, 14, 40].map(roman), ["I", "IV", "IX", "XIV", "XL"]);
    }
}
