//! The published results page.
//!
//! One self-contained HTML document (styles inline, charts as inline SVG, no script, no
//! external file), sized to print on one A4 page, for the website and the notice board at the
//! counter. It shows only what may be published: groups under the minimum n are suppressed,
//! and there is never a figure per officer. Every piece of text that comes from data (the
//! unit's name, labels, group codes) is escaped.

use crate::definition::catalog::Catalog;
use crate::definition::model::{QuestionKind, Survey};
use crate::reports::chart::{Bar, Tone, bar_chart};
use crate::reports::html::escape;
use crate::results::certify::Certificate;
use crate::results::denominator::Received;
use crate::results::entered::Entered;
use crate::results::index::{IndexRow, Scope, indices, indices_with};
use crate::results::names::Names;
use crate::results::period::Period;
use crate::results::suppress::PageGroups;
use crate::results::tally::{GroupBy, GroupCounts, Tally};
use crate::results::tally_csv::share_hundredths;
use crate::text::Lang;

/// A share in hundredths of a percent written for readers: `85,3 %` in Vietnamese, `85.3%`.
pub fn percent_text(hundredths: u64, lang: Lang) -> String {
    let tenths = (hundredths + 5) / 10;
    match lang {
        Lang::Vi => format!("{},{} %", tenths / 10, tenths % 10),
        Lang::En => format!("{}.{}%", tenths / 10, tenths % 10),
    }
}

/// A share in hundredths of a percent written exactly, as the staff workspace and the report for
/// the level above write it: `85,33 %`.
pub fn exact_percent_text(hundredths: u64) -> String {
    format!("{},{:02} %", hundredths / 100, hundredths % 100)
}

fn score_text(tenths: u64, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("{},{}", tenths / 10, tenths % 10),
        Lang::En => format!("{}.{}", tenths / 10, tenths % 10),
    }
}

/// The bars of the overall rating's levels, best first, counted in `counts`.
pub fn overall_bars(survey: &Survey, counts: &GroupCounts, lang: Lang) -> Vec<Bar> {
    let Some(question) = survey.scoring().overall.as_deref().and_then(|id| survey.question(id)) else {
        return Vec::new();
    };
    let QuestionKind::Rating(scale) = &question.kind else { return Vec::new() };
    let answered = counts.questions.get(&question.id).map_or(0, |q| q.answered);
    scale
        .levels
        .iter()
        .rev()
        .map(|level| {
            let count =
                counts.questions.get(&question.id).and_then(|q| q.options.get(&level.code)).copied().unwrap_or(0);
            let share = share_hundredths(count, answered).unwrap_or(0);
            Bar {
                label: level.label.get(lang).to_owned(),
                value: count,
                figure: format!("{count} ({})", percent_text(share, lang)),
                tone: if level.satisfied { Tone::Good } else { Tone::Bad },
            }
        })
        .collect()
}

/// The label of an index row in a language (the core writes Vietnamese labels into files).
pub fn index_label(survey: &Survey, row: &IndexRow, lang: Lang) -> String {
    if lang == Lang::Vi {
        return row.label.clone();
    }
    match row.scope {
        Scope::Criterion | Scope::Overall if row.scope_id != "elements" => {
            let (question_id, item_id) = match row.scope_id.split_once('.') {
                Some((question, item)) => (question, Some(item)),
                None => (row.scope_id.as_str(), None),
            };
            let Some(question) = survey.question(question_id) else { return row.label.clone() };
            match (&question.kind, item_id) {
                (QuestionKind::Matrix { items, .. }, Some(item_id)) => items
                    .iter()
                    .find(|item| item.id == item_id)
                    .map(|item| format!("{} — {}", question.text.get(lang), item.text.get(lang)))
                    .unwrap_or_else(|| row.label.clone()),
                _ => question.text.get(lang).to_owned(),
            }
        }
        Scope::Overall => "Overall satisfaction index (mean of the elements)".into(),
        Scope::Element => survey
            .scoring()
            .elements
            .iter()
            .find(|element| element.id == row.scope_id)
            .map_or_else(|| row.label.clone(), |element| element.label.get(lang).to_owned()),
        Scope::Indicator => survey
            .scoring()
            .indicators
            .iter()
            .find(|indicator| indicator.id == row.scope_id)
            .map_or_else(|| row.label.clone(), |indicator| indicator.label.get(lang).to_owned()),
        Scope::Classification if row.scope_id == "staff" => "Officers (indicators 1, 2, 3, 4, 7; out of 10)".into(),
        Scope::Classification => "Agency (nine indicators; out of 18)".into(),
        Scope::Criterion => row.label.clone(),
        Scope::Qd766 => {
            "Dossiers not satisfied, harassed or late (Decision 766/QĐ-TTg); rate over the dossiers rated".into()
        }
    }
}

/// What the published page shows.
pub struct ResultsPage<'a> {
    pub lang: Lang,
    pub unit_name: &'a str,
    pub period: Period,
    pub survey: &'a Survey,
    /// The period's tally: the certified one where the period is certified.
    pub tally: &'a Tally,
    /// Dossiers received in the period, for the response rate, and whose responses it counts.
    pub received: Option<Received>,
    /// Thông tư 01 indicators entered from the agency's systems for the period.
    pub indicators: &'a Entered,
    pub certificate: Option<&'a Certificate>,
    pub min_n: u64,
    /// When the page was made, RFC 3339.
    pub generated_at: &'a str,
    /// The names of the groups' codes.
    pub names: &'a Names,
    /// The unit's own account of what it did about what citizens said ("Kết quả tiếp thu, giải
    /// quyết"), as its leader entered it.
    pub reply: Option<&'a str>,
    /// When the reply was last written, RFC 3339: one written after the period was certified
    /// is not part of what the certificate locked, and the page says so.
    pub reply_written_at: Option<&'a str>,
}

/// Words of the page in both languages.
fn words(lang: Lang) -> impl Fn(&'static str, &'static str) -> &'static str {
    move |vi, en| if lang == Lang::Vi { vi } else { en }
}

impl ResultsPage<'_> {
    /// Quyết định 766/QĐ-TTg's rate: (dossiers − dossiers not satisfied, harassed or late) ÷
    /// dossiers, over the dossiers received where staff entered them, otherwise over the dossiers
    /// rated, said as such.
    ///
    /// `counted` is the count of the units whose dossiers were entered (see [`Received`]).
    fn qd766_figure(
        &self,
        row: &IndexRow,
        counted: Option<u64>,
        figure: &dyn Fn(&str, String, String) -> String,
    ) -> String {
        let t = words(self.lang);
        let label = t("Tỷ lệ hài lòng theo QĐ 766/QĐ-TTg", "Satisfaction as Decision 766/QĐ-TTg rates it");
        if row.suppressed {
            return figure(
                label,
                "—".into(),
                format!("{} {}", t("không công bố: dưới", "not published: under"), self.min_n),
            );
        }
        let received = self.received.as_ref().map(|received| received.dossiers);
        let counted = match received {
            Some(received) if received > 0 => counted.unwrap_or(0),
            _ => row.not_satisfied.unwrap_or(0),
        };
        let counted_note = |over: u64, of: &str| {
            format!(
                "{counted} {} {over} {of}",
                t(
                    "hồ sơ không hài lòng, bị phiền hà hoặc trễ hẹn, trên",
                    "dossiers not satisfied, harassed or late, of"
                )
            )
        };
        match received {
            Some(received) if received >= counted && received > 0 => figure(
                label,
                percent_text(share_hundredths(received - counted, received).unwrap_or(0), self.lang),
                format!("{}{}", counted_note(received, t("hồ sơ tiếp nhận", "dossiers received")), self.missing_note()),
            ),
            Some(received) if received > 0 => figure(
                label,
                "—".into(),
                format!(
                    "{}: {counted} > {received}",
                    t(
                        "số hồ sơ tiếp nhận đã nhập nhỏ hơn số hồ sơ được tính",
                        "the dossiers received entered are fewer than those counted"
                    )
                ),
            ),
            _ => figure(
                label,
                row.index_percent.map_or("—".into(), |index| percent_text(index, self.lang)),
                format!(
                    "{}; {}",
                    counted_note(row.n, t("hồ sơ được đánh giá", "dossiers rated")),
                    t("chưa nhập số hồ sơ tiếp nhận", "dossiers received not entered")
                ),
            ),
        }
    }

    /// What a rate over dossiers received leaves out: "; chưa nhập số hồ sơ: Phường A, Phường B",
    /// or nothing where every unit with responses entered its dossiers.
    fn missing_note(&self) -> String {
        let Some(received) = self.received.as_ref().filter(|received| !received.missing.is_empty()) else {
            return String::new();
        };
        let t = words(self.lang);
        format!(
            "; {}: {}",
            t(
                "không tính phiếu của đơn vị chưa nhập số hồ sơ tiếp nhận",
                "left out, having entered no dossiers received"
            ),
            received.missing_names(self.names)
        )
    }

    /// The page as one HTML document.
    pub fn to_html(&self) -> String {
        let t = words(self.lang);
        let lang = self.lang;
        let survey = self.survey;
        let catalog = Catalog::new([survey.clone()]);
        let total_tally = self.tally.regroup(GroupBy::default(), None);
        let totals = total_tally.totals(survey.id(), survey.version());
        let rows = indices_with(&total_tally, &catalog, self.min_n, self.indicators).unwrap_or_default();
        let overall = survey
            .scoring()
            .overall
            .as_deref()
            .and_then(|id| rows.iter().find(|row| row.scope == Scope::Overall && row.scope_id == id));
        let suppressed_all = totals.responses < self.min_n;

        let mut html = String::new();
        html.push_str(&format!(
            "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <link rel=\"icon\" href=\"data:,\">\
             <title>{title}</title><style>{STYLE}</style></head><body><main class=\"sheet\">",
            code = if lang == Lang::Vi { "vi" } else { "en" },
            title = escape(&format!(
                "{} — {} — {}",
                t("Kết quả đo lường sự hài lòng", "Satisfaction survey results"),
                self.unit_name,
                self.period.label(lang)
            )),
        ));
        html.push_str(&format!(
            "<header><p class=\"unit\">{unit}</p><h1>{heading}</h1><p class=\"sub\">{sub}</p>\
             <p class=\"period\">{period} · {survey_title}</p></header>",
            unit = escape(self.unit_name),
            heading = t("KẾT QUẢ ĐO LƯỜNG SỰ HÀI LÒNG", "SATISFACTION SURVEY RESULTS"),
            sub = t(
                "của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước",
                "of citizens and organisations with the service of the administrative agency"
            ),
            period = escape(&self.period.label(lang)),
            survey_title = escape(survey.title().get(lang)),
        ));
        if self.certificate.is_none() {
            html.push_str(&format!(
                "<p class=\"draft\">{}</p>",
                t(
                    "BẢN NHÁP: số liệu kỳ này chưa được chốt và có thể thay đổi.",
                    "DRAFT: this period's figures are not certified and may change."
                )
            ));
        }

        // Key figures.
        html.push_str("<section class=\"figures\">");
        let figure = |label: &str, value: String, note: String| {
            format!(
                "<div class=\"figure\"><p class=\"label\">{}</p><p class=\"value\">{}</p><p class=\"note\">{}</p></div>",
                escape(label),
                escape(&value),
                escape(&note)
            )
        };
        html.push_str(&figure(t("Số phiếu đánh giá", "Responses"), totals.responses.to_string(), String::new()));
        // The rate's side of the count: the responses of the units that entered dossiers.
        let rate_count = self.received.as_ref().filter(|received| received.dossiers > 0).map(|received| {
            let counted = received.counted(self.tally).regroup(GroupBy::default(), None);
            let responses = counted.totals(survey.id(), survey.version()).responses;
            let rows = indices_with(&counted, &catalog, self.min_n, self.indicators).unwrap_or_default();
            let not_satisfied = rows.iter().find(|row| row.scope == Scope::Qd766).and_then(|row| row.not_satisfied);
            (received.dossiers, responses, not_satisfied)
        });
        match rate_count {
            Some((dossiers, responses, _)) => {
                let rate = share_hundredths(responses, dossiers).unwrap_or(0);
                html.push_str(&figure(
                    t("Tỷ lệ phản hồi", "Response rate"),
                    percent_text(rate, lang),
                    format!(
                        "{} {} {dossiers} {}{}",
                        responses,
                        t("trên", "of"),
                        t("hồ sơ tiếp nhận", "dossiers received"),
                        self.missing_note()
                    ),
                ));
            }
            _ => html.push_str(&figure(
                t("Tỷ lệ phản hồi", "Response rate"),
                "—".into(),
                t("chưa nhập số hồ sơ tiếp nhận", "dossiers received not entered").into(),
            )),
        }
        if let Some(row) = overall {
            let (value, note) = match (row.index_percent, row.ci) {
                _ if row.suppressed => {
                    ("—".to_string(), format!("{} {}", t("không công bố: dưới", "not published: under"), self.min_n))
                }
                (Some(index), Some((low, high))) => (
                    percent_text(index, lang),
                    format!(
                        "{} {}–{}",
                        t("khoảng tin cậy 95 %:", "95% interval:"),
                        percent_text(low, lang),
                        percent_text(high, lang)
                    ),
                ),
                _ => ("—".to_string(), String::new()),
            };
            html.push_str(&figure(t("Tỷ lệ hài lòng", "Satisfied"), value, note));
            html.push_str(&figure(
                t("Số phiếu không hài lòng", "Responses not satisfied"),
                if row.suppressed { "—".into() } else { row.not_satisfied.unwrap_or(0).to_string() },
                t("chọn mức dưới mức hài lòng ở câu hỏi chung", "below the satisfied levels of the overall question")
                    .into(),
            ));
        }
        if let Some(row) = rows.iter().find(|row| row.scope == Scope::Qd766) {
            html.push_str(&self.qd766_figure(row, rate_count.and_then(|(_, _, counted)| counted), &figure));
        }
        html.push_str("</section>");

        // The overall rating's distribution.
        if !suppressed_all {
            let bars = overall_bars(survey, &totals, lang);
            if !bars.is_empty() {
                let title = t("Mức độ hài lòng chung", "Overall rating");
                html.push_str(&format!(
                    "<section><h2>{title}</h2>{}</section>",
                    bar_chart(title, &bars, totals.responses)
                ));
            }
        }

        // Indices per element and criterion, or per indicator.
        let listed: Vec<&IndexRow> = rows
            .iter()
            .filter(|row| {
                !(row.scope == Scope::Overall && Some(row.scope_id.as_str()) == survey.scoring().overall.as_deref())
                    && row.scope != Scope::Qd766
            })
            .collect();
        if !listed.is_empty() {
            html.push_str(&format!(
                "<section><h2>{}</h2><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
                t("Chỉ số theo tiêu chí", "Indices"),
                t("Tiêu chí, chỉ số", "Criterion or indicator"),
                t("Số phiếu", "n"),
                t("Kết quả", "Result"),
            ));
            for row in listed {
                let result = if row.suppressed {
                    format!("— ({} {})", t("dưới", "under"), self.min_n)
                } else if let Some(score) = row.score {
                    let class = row.class.as_deref().map(|class| format!(" — {class}")).unwrap_or_default();
                    format!("{}{class}", score_text(score, lang))
                } else {
                    row.index_percent.map_or("—".into(), |index| percent_text(index, lang))
                };
                let class = match row.scope {
                    Scope::Element | Scope::Overall | Scope::Classification => " class=\"strong\"",
                    _ => "",
                };
                html.push_str(&format!(
                    "<tr{class}><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    escape(&index_label(survey, row, lang)),
                    row.n,
                    escape(&result)
                ));
            }
            html.push_str("</tbody></table></section>");
        }

        // What citizens said: the reasons they chose (every multiple-choice question), most
        // chosen first. Withheld where fewer than the minimum answered, as a small group is.
        let mut said = String::new();
        // (Where every group is under the minimum, so is every question's count of answers.)
        for reasons in crate::results::topics::reasons_chosen(survey, &totals, self.min_n) {
            said.push_str(&format!("<h3>{}</h3>", escape(reasons.question.get(lang))));
            let Some(chosen) = reasons.chosen else {
                let withheld = match lang {
                    _ if reasons.answered == 0 => t("Không có ai chọn lý do nào.", "Nobody chose a reason.").to_owned(),
                    Lang::Vi => format!(
                        "Có {} người trả lời, dưới {}: không công bố để không nhận ra ai.",
                        reasons.answered, self.min_n
                    ),
                    Lang::En => format!(
                        "{} answered, under {}: withheld so that nobody can be recognised.",
                        reasons.answered, self.min_n
                    ),
                };
                said.push_str(&format!("<p class=\"withheld\">{}</p>", escape(&withheld)));
                continue;
            };
            said.push_str(&crate::reports::html::count_table(
                "reasons",
                t("Ý kiến", "Reason"),
                t("Số người chọn", "Chosen by"),
                chosen.iter().map(|(label, count)| (label.get(lang), *count)),
            ));
            said.push_str(&format!(
                "<p class=\"note\">{} {}</p>",
                reasons.answered,
                t("người trả lời; mỗi người có thể chọn nhiều ý.", "answered; each could choose several.")
            ));
        }
        // What they wrote, as staff sorted it when the period was certified.
        if let Some(summary) = self.certificate.and_then(|certificate| certificate.comments.as_ref()) {
            let shown =
                crate::results::topics::summed(summary, |unit| self.tally.groups.keys().any(|key| key.unit == unit));
            said.push_str(&crate::reports::said::comments_html(&shown, self.min_n, lang));
        }
        if let Some(reply) = self.reply {
            let certified_at = self.certificate.map(|certificate| certificate.certified_at.as_str());
            said.push_str(&crate::reports::said::reply_html(reply, self.reply_written_at, certified_at, lang));
        }
        if !said.is_empty() {
            html.push_str(&format!(
                "<section class=\"citizens-said\"><h2>{}</h2>{said}</section>",
                t("Tổng hợp ý kiến góp ý", "What citizens said")
            ));
        }

        // By unit, field and counter: never by officer. What is withheld is decided for the
        // three tables at once, so that no withheld group is the total less those shown.
        let withheld = PageGroups::of(self.tally).withheld(self.min_n);
        for (by, heading) in [
            (GroupBy { unit: true, ..GroupBy::default() }, t("Theo đơn vị", "By unit")),
            (GroupBy { field: true, ..GroupBy::default() }, t("Theo lĩnh vực", "By field")),
            // Counters with their unit: two wards' `quay-1` are two counters.
            (GroupBy { unit: true, counter: true, ..GroupBy::default() }, t("Theo quầy", "By counter")),
        ] {
            let grouped = self.tally.regroup(by, None);
            if grouped.groups.len() < 2 {
                continue;
            }
            let group_rows = indices(&grouped, &catalog, self.min_n).unwrap_or_default();
            html.push_str(&format!(
                "<section><h2>{heading}</h2><table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
                heading,
                t("Số phiếu", "n"),
                t("Tỷ lệ hài lòng", "Satisfied"),
            ));
            for (key, counts) in &grouped.groups {
                let (code, names) = if by.counter {
                    (&key.counter, &self.names.counters)
                } else if by.unit {
                    (&key.unit, &self.names.units)
                } else {
                    (&key.field, &self.names.fields)
                };
                let name = if by.counter {
                    let place = self.names.place(&key.unit, code);
                    if code.is_empty() {
                        format!("{place} {}", t("(không ghi quầy)", "(no counter)"))
                    } else {
                        place
                    }
                } else if code.is_empty() {
                    t("(không ghi)", "(not recorded)").to_owned()
                } else {
                    Names::label(names, code)
                };
                let row = group_rows.iter().find(|row| {
                    row.key == *key
                        && row.scope == Scope::Overall
                        && survey.scoring().overall.as_deref() == Some(row.scope_id.as_str())
                });
                let is_withheld = if by.counter {
                    withheld.counters.contains(&(key.unit.clone(), key.counter.clone()))
                } else if by.unit {
                    withheld.units.contains(&key.unit)
                } else {
                    withheld.fields.contains(&key.field)
                };
                let result = match row {
                    _ if counts.responses < self.min_n => format!("— ({} {})", t("dưới", "under"), self.min_n),
                    // Withheld beside a small group, which it would give away.
                    _ if is_withheld => format!("— ({})", t("không công bố", "withheld")),
                    Some(IndexRow { index_percent: Some(index), .. }) => percent_text(*index, lang),
                    _ => "—".into(),
                };
                html.push_str(&format!(
                    "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    escape(&name),
                    counts.responses,
                    escape(&result)
                ));
            }
            html.push_str("</tbody></table></section>");
        }

        // Certification and method.
        html.push_str("<footer>");
        if let Some(certificate) = self.certificate {
            let early = if certificate.early {
                format!(" {}", t("(chốt sớm, trước khi kỳ kết thúc)", "(certified early, before the period ended)"))
            } else {
                String::new()
            };
            html.push_str(&format!(
                "<p class=\"certified\">{} {}{early}. {} <code>{}</code></p>",
                t("Số liệu đã được chốt lúc", "Figures certified on"),
                escape(&crate::vn_time::readable(&certificate.certified_at, lang)),
                t("Mã kiểm tra SHA-256 của bảng tổng hợp:", "SHA-256 of the certified tally:"),
                escape(&certificate.tally_sha256)
            ));
        }
        let method = match lang {
            Lang::Vi => format!(
                "Phương pháp: người dân, tổ chức tự đánh giá tại quầy (máy tính bảng) hoặc bằng điện thoại, không ghi danh tính. \
                 Tỷ lệ hài lòng là số phiếu chọn \"Hài lòng\" hoặc \"Rất hài lòng\" chia cho số phiếu trả lời câu hỏi, kèm khoảng tin cậy 95 % (Wilson). \
                 Phiếu nghi lạm dụng không được tính; phiếu chưa hoàn thành được tính cho các câu đã trả lời. Nhóm có dưới {} phiếu không công bố số liệu. \
                 Bộ câu hỏi: {} (phiên bản {}); căn cứ: {}.",
                self.min_n,
                survey.title().get(lang),
                survey.version(),
                survey.legal_basis()
            ),
            Lang::En => format!(
                "Method: citizens and organisations rated the service themselves, at the counter (tablet) or on their phones, anonymously. \
                 The satisfied share is the responses choosing \"Satisfied\" or \"Very satisfied\" over those answering, with a 95% Wilson interval. \
                 Responses flagged as misuse are not counted; unfinished responses count for the questions they answered. Groups of fewer than {} responses are not published. \
                 Questionnaire: {} (version {}); basis: {}.",
                self.min_n,
                survey.title().get(lang),
                survey.version(),
                survey.legal_basis()
            ),
        };
        html.push_str(&format!(
            "<p class=\"method\">{}</p><p class=\"made\">{} {} · Hài Lòng</p></footer></main></body></html>\n",
            escape(&method),
            t("Lập lúc", "Made on"),
            escape(&crate::vn_time::readable(self.generated_at, lang))
        ));
        html
    }
}

const STYLE: &str = "\
@page{size:A4;margin:14mm}\
*{box-sizing:border-box}\
body{margin:0;font-family:'Noto Sans','Segoe UI',Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff;font-size:11pt;line-height:1.35}\
.sheet{max-width:182mm;margin:0 auto;padding:8mm 0}\
header{text-align:center;border-bottom:2px solid #1f5296;padding-bottom:4mm;margin-bottom:4mm}\
.unit{margin:0;font-weight:bold;text-transform:uppercase;font-size:11pt}\
h1{margin:2mm 0 0;font-size:17pt;color:#1f5296}\
.sub{margin:1mm 0;font-size:10.5pt}\
.period{margin:1mm 0 0;font-weight:bold}\
.draft{border:2px solid #a4262c;color:#a4262c;padding:2mm;font-weight:bold;text-align:center}\
.figures{display:grid;grid-template-columns:repeat(4,1fr);gap:3mm;margin:4mm 0}\
.figure{border:1px solid #c8d3e6;border-radius:2mm;padding:2mm 3mm;background:#f3f6fb}\
.figure p{margin:0}.figure .label{font-size:9.5pt}.figure .value{font-size:18pt;font-weight:bold;color:#1f5296}.figure .note{font-size:8.5pt;color:#444}\
h2{font-size:12pt;margin:4mm 0 2mm;color:#1f5296}\
h3{font-size:11pt;margin:3mm 0 1mm}\
.chart{width:100%;height:auto;display:block}\
table{width:100%;border-collapse:collapse;font-size:9.5pt}\
th,td{border-bottom:1px solid #d5d9e0;padding:1mm 2mm;text-align:left;vertical-align:top}\
th[scope=row]{font-weight:normal}.strong th[scope=row],.strong td{font-weight:bold}\
.num{text-align:right;white-space:nowrap}\
footer{margin-top:4mm;border-top:1px solid #c8d3e6;padding-top:2mm;font-size:8.5pt;color:#333}\
footer code{font-size:8pt;word-break:break-all}\
.certified{font-weight:bold;color:#1b6e35}\
.quote{margin:1mm 0 1mm 4mm;padding-left:3mm;border-left:1mm solid #c8d3e6;font-style:italic;white-space:pre-wrap}\
@media (max-width:600px){.figures{grid-template-columns:repeat(2,1fr)}.sheet{padding:4mm}}\
@media print{section,table,tr{break-inside:avoid}}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_data_is_escaped() {
        assert_eq!(
            escape("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
        let svg = bar_chart("<b>", &[Bar { label: "<i>".into(), value: 1, figure: "1".into(), tone: Tone::Good }], 2);
        assert!(!svg.contains("<i>") && !svg.contains("<b>"), "{svg}");
    }

    #[test]
    fn percentages_read_as_each_language_writes_them() {
        assert_eq!(percent_text(8534, Lang::Vi), "85,3 %");
        assert_eq!(percent_text(8535, Lang::En), "85.4%");
        assert_eq!(percent_text(10_000, Lang::Vi), "100,0 %");
    }

    #[test]
    fn bars_scale_to_the_maximum() {
        let bars = [
            Bar { label: "a".into(), value: 10, figure: "10".into(), tone: Tone::Good },
            Bar { label: "b".into(), value: 0, figure: "0".into(), tone: Tone::Bad },
        ];
        let svg = bar_chart("t", &bars, 10);
        assert!(svg.contains("width=\"290\""), "{svg}");
        assert!(svg.contains("width=\"0\""), "{svg}");
    }
}
