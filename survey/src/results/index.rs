//! Indices, derived from a tally's counts when it is written out.
//!
//! - For every rating question and matrix item whose scale marks satisfied levels (a
//!   *criterion*): % satisfied, the count of answers below the satisfied levels, the mean on
//!   0–100 with levels evenly spaced, and a Wilson 95% interval of % satisfied.
//! - Quyết định 766/QĐ-TTg, for a survey that says when a dossier counts as not satisfied: the
//!   dossiers it counts (each once) and the rate over the dossiers rated.
//! - SIPAS-style: an *element* is the mean of its criteria's % satisfied; the *overall* index
//!   is the mean of the elements.
//! - Per-dossier (Thông tư 01/2018/TT-VPCP): an *indicator*'s score is its total points ÷ the
//!   dossiers rated, to one decimal; the staff total (indicators 1, 2, 3, 4, 7; out of 10) and
//!   the agency total (all nine; out of 18) are sums of indicator scores in tenths, so a total of
//!   exactly 15.0 is exact. A class is given only for all of its indicators, and the staff class
//!   only for one officer (a group by officer); otherwise the row says what is missing.
//!
//! Every figure is computed exactly from integer counts and rounded once, half up: a mean of
//! criteria's percentages (an element) and a mean of elements (the overall index) are exact
//! fractions until they are written, so 51.875 % prints 51.88, never 51.87. No floating point
//! is on the way to a published index; only the Wilson interval, a statistical estimate, uses
//! it. A group with fewer responses than the minimum is marked `suppressed`: its figures stay in the file for staff, and must not be published.

use std::collections::BTreeMap;

use crate::csv::write::{Cell, CsvProfile};
use crate::definition::catalog::Catalog;
use crate::definition::model::{QuestionKind, RatingScale, Survey};
use crate::results::entered::{AGENCY_INDICATORS, Entered, entered_for};
use crate::results::tally::{GroupCounts, GroupKey, Points, Tally, TallyError};
use crate::results::tally_csv::{after_group_columns, round_ratio};
use crate::text::Lang;

/// The label of the [`Scope::Qd766`] row.
pub const QD766_INDEX_LABEL: &str =
    "Hồ sơ không hài lòng, bị phiền hà sách nhiễu hoặc trễ hẹn (QĐ 766/QĐ-TTg); tỷ lệ trên số hồ sơ được đánh giá";

/// The default smallest group that may be published.
pub const DEFAULT_MIN_N: u64 = 10;

/// The columns of the index CSV; `docs/formats.md` describes each.
pub const INDEX_COLUMNS: [&str; 21] = after_group_columns([
    "scope",
    "scope_id",
    "label",
    "n",
    "satisfied",
    "not_satisfied",
    "index_percent",
    "mean_100",
    "ci_low",
    "ci_high",
    "score",
    "class",
    "suppressed",
]);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Criterion,
    Element,
    Overall,
    Indicator,
    Classification,
    /// Quyết định 766/QĐ-TTg's count of dossiers not satisfied, and its rate over the dossiers
    /// rated.
    Qd766,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::Criterion => "criterion",
            Scope::Element => "element",
            Scope::Overall => "overall",
            Scope::Indicator => "indicator",
            Scope::Classification => "classification",
            Scope::Qd766 => "qd766",
        }
    }
}

/// One row of the index table. Percentages are in hundredths of a percent (`8000` is 80.00 %),
/// scores in tenths of a point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexRow {
    pub key: GroupKey,
    pub scope: Scope,
    pub scope_id: String,
    pub label: String,
    pub n: u64,
    pub satisfied: Option<u64>,
    pub not_satisfied: Option<u64>,
    pub index_percent: Option<u64>,
    pub mean_100: Option<u64>,
    pub ci: Option<(u64, u64)>,
    pub score: Option<u64>,
    pub class: Option<String>,
    pub suppressed: bool,
}

/// The index rows of every group of a tally.
pub fn indices(tally: &Tally, catalog: &Catalog, min_n: u64) -> Result<Vec<IndexRow>, TallyError> {
    indices_with(tally, catalog, min_n, &Entered::new())
}

/// The index rows of every group of a tally, with the Thông tư 01 indicators staff entered from
/// the agency's systems ([`entered_for`] each group).
pub fn indices_with(
    tally: &Tally,
    catalog: &Catalog,
    min_n: u64,
    entered: &Entered,
) -> Result<Vec<IndexRow>, TallyError> {
    let mut rows = Vec::new();
    let wholes = Wholes::of(tally);
    for (key, group) in &tally.groups {
        let survey = catalog.get(&key.survey_id, &key.survey_version).ok_or_else(|| TallyError::UnknownSurvey {
            survey_id: key.survey_id.clone(),
            survey_version: key.survey_version.clone(),
        })?;
        let whole = Whole { agency: wholes.is_agency(key), officer: wholes.is_officer(key) };
        group_indices(key, group, survey, min_n, &entered_for(entered, key), whole, &mut rows);
    }
    Ok(rows)
}

/// What a group is the whole of: Thông tư 01 classes an agency on all of its dossiers, and an
/// officer on all of theirs, never on a part (one counter's, one field's) nor on a mix.
#[derive(Clone, Copy, Debug)]
struct Whole {
    /// All of one unit's dossiers of the period: not split by officer, counter or field.
    agency: bool,
    /// All of one officer's dossiers of the period.
    officer: bool,
}

/// How many groups of a tally share a unit's period, and an officer's.
struct Wholes<'a> {
    per_unit: BTreeMap<[&'a str; 5], usize>,
    per_officer: BTreeMap<[&'a str; 6], usize>,
}

impl<'a> Wholes<'a> {
    fn of(tally: &'a Tally) -> Wholes<'a> {
        let mut wholes = Wholes { per_unit: BTreeMap::new(), per_officer: BTreeMap::new() };
        for key in tally.groups.keys() {
            *wholes.per_unit.entry(Self::unit_of(key)).or_default() += 1;
            *wholes.per_officer.entry(Self::officer_of(key)).or_default() += 1;
        }
        wholes
    }

    fn unit_of(key: &GroupKey) -> [&str; 5] {
        [&key.survey_id, &key.survey_version, &key.period_start, &key.period_end, &key.unit]
    }

    fn officer_of(key: &GroupKey) -> [&str; 6] {
        let [a, b, c, d, e] = Self::unit_of(key);
        [a, b, c, d, e, &key.staff]
    }

    /// The group is its unit's only group, and names no officer, counter or field.
    fn is_agency(&self, key: &GroupKey) -> bool {
        key.staff.is_empty()
            && key.counter.is_empty()
            && key.field.is_empty()
            && self.per_unit.get(&Self::unit_of(key)) == Some(&1)
    }

    /// The group names one officer and is that officer's only group.
    fn is_officer(&self, key: &GroupKey) -> bool {
        !key.staff.is_empty() && self.per_officer.get(&Self::officer_of(key)) == Some(&1)
    }
}

/// A criterion's exact figures, kept unrounded for the means built on them.
struct Criterion {
    id: String,
    n: u64,
    satisfied: u64,
}

fn group_indices(
    key: &GroupKey,
    group: &GroupCounts,
    survey: &Survey,
    min_n: u64,
    entered: &BTreeMap<u32, Points>,
    whole: Whole,
    rows: &mut Vec<IndexRow>,
) {
    let row = |scope: Scope, scope_id: &str, label: String, n: u64| IndexRow {
        key: key.clone(),
        scope,
        scope_id: scope_id.to_owned(),
        label,
        n,
        satisfied: None,
        not_satisfied: None,
        index_percent: None,
        mean_100: None,
        ci: None,
        score: None,
        class: None,
        suppressed: n < min_n,
    };

    let mut criteria = Vec::new();
    for question in survey.questions() {
        let scored: Vec<(String, String, &RatingScale)> = match &question.kind {
            QuestionKind::Rating(scale) => vec![(question.id.clone(), question.text.get(Lang::Vi).to_owned(), scale)],
            QuestionKind::Matrix { items, scale } => items
                .iter()
                .map(|item| {
                    (
                        format!("{}.{}", question.id, item.id),
                        format!("{} — {}", question.text.get(Lang::Vi), item.text.get(Lang::Vi)),
                        scale,
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        for (id, label, scale) in scored {
            if !scale.levels.iter().any(|level| level.satisfied) {
                continue;
            }
            let counts = group.questions.get(&id);
            let count = |code: &str| counts.and_then(|c| c.options.get(code)).copied().unwrap_or(0);
            let n: u64 = scale.levels.iter().map(|level| count(&level.code)).sum();
            let satisfied: u64 =
                scale.levels.iter().filter(|level| level.satisfied).map(|level| count(&level.code)).sum();
            let steps = scale.levels.len() as u64 - 1;
            let weighted: u64 =
                scale.levels.iter().enumerate().map(|(index, level)| index as u64 * count(&level.code)).sum();
            let scope = if survey.scoring().overall.as_deref() == Some(id.as_str()) {
                Scope::Overall
            } else {
                Scope::Criterion
            };
            let mut criterion_row = row(scope, &id, label, n);
            criterion_row.satisfied = Some(satisfied);
            criterion_row.not_satisfied = Some(n - satisfied);
            if n > 0 {
                criterion_row.index_percent = Some(round_ratio(satisfied * 10_000, n));
                criterion_row.mean_100 = Some(round_ratio(weighted * 10_000, steps * n));
                criterion_row.ci = Some(wilson(satisfied, n));
            }
            rows.push(criterion_row);
            criteria.push(Criterion { id, n, satisfied });
        }
    }

    let mut element_means = Vec::new();
    for element in &survey.scoring().elements {
        let members: Vec<&Criterion> = element
            .criteria
            .iter()
            .filter_map(|c| {
                let id = match &c.item {
                    Some(item) => format!("{}.{item}", c.question),
                    None => c.question.clone(),
                };
                criteria.iter().find(|criterion| criterion.id == id)
            })
            .collect();
        let with_data: Vec<Fraction> =
            members.iter().filter(|c| c.n > 0).map(|c| Fraction::new(c.satisfied, c.n)).collect();
        let n = members.iter().map(|c| c.n).min().unwrap_or(0);
        let mut element_row = row(Scope::Element, &element.id, element.label.get(Lang::Vi).to_owned(), n);
        if let Some(mean) = Fraction::mean(&with_data) {
            element_row.index_percent = Some(mean.hundredths_of_percent());
            element_means.push((mean, n));
        }
        rows.push(element_row);
    }
    if !survey.scoring().elements.is_empty() {
        let n = element_means.iter().map(|(_, n)| *n).min().unwrap_or(0);
        let mut overall = row(Scope::Overall, "elements", "Chỉ số hài lòng chung (trung bình các yếu tố)".into(), n);
        let means: Vec<Fraction> = element_means.into_iter().map(|(mean, _)| mean).collect();
        overall.index_percent = Fraction::mean(&means).map(|mean| mean.hundredths_of_percent());
        rows.push(overall);
    }

    if survey.scoring().qd766_not_satisfied.is_some() {
        // Each counted response is one dossier rated; the official rate is over the dossiers
        // handled, which the published page uses where staff entered them.
        let n = group.responses;
        let not_satisfied = group.qd766_not_satisfied.min(n);
        let mut qd766 = row(Scope::Qd766, "qd766", QD766_INDEX_LABEL.into(), n);
        qd766.satisfied = Some(n - not_satisfied);
        qd766.not_satisfied = Some(not_satisfied);
        if n > 0 {
            qd766.index_percent = Some(round_ratio((n - not_satisfied) * 10_000, n));
        }
        rows.push(qd766);
    }

    let mut scores = Vec::new();
    for indicator in &survey.scoring().indicators {
        let points = group.points.get(&indicator.id).copied().unwrap_or_default();
        let label = format!("{} (từ phiếu đánh giá; tối đa 2 điểm)", indicator.label.get(Lang::Vi));
        scores.extend(indicator_row(
            row(Scope::Indicator, &indicator.id, label, points.dossiers),
            indicator.number,
            points,
            rows,
        ));
    }
    if !survey.scoring().indicators.is_empty() {
        for (&number, &points) in entered {
            let label = format!("Chỉ số {number} (nhập từ hệ thống của cơ quan; tối đa 2 điểm)");
            let id = format!("chi-so-{number}");
            scores.extend(indicator_row(row(Scope::Indicator, &id, label, points.dossiers), number, points, rows));
        }
    }
    if !survey.scoring().indicators.is_empty() {
        for (id, label, numbers, classify) in [
            (
                "staff",
                "Cán bộ, công chức (chỉ số 1, 2, 3, 4, 7; tối đa 10 điểm)",
                &[1, 2, 3, 4, 7][..],
                classify_staff as fn(u64) -> &'static str,
            ),
            (
                "agency",
                "Cơ quan (chín chỉ số 1 đến 9; tối đa 18 điểm)",
                &[1, 2, 3, 4, 5, 6, 7, 8, 9][..],
                classify_agency,
            ),
        ] {
            let used: Vec<&(u32, u64, u64)> = scores.iter().filter(|(number, _, _)| numbers.contains(number)).collect();
            // A class is about the citizens' dossiers of the group: its n is theirs, whatever
            // dossiers an entered line counts.
            let mut class_row = row(Scope::Classification, id, label.into(), group.responses);
            let missing = |from_agency: bool| -> Vec<String> {
                numbers
                    .iter()
                    .filter(|number| AGENCY_INDICATORS.contains(number) == from_agency)
                    .filter(|number| !used.iter().any(|(used, _, _)| used == *number))
                    .map(u32::to_string)
                    .collect()
            };
            let (no_answers, not_entered) = (missing(false), missing(true));
            let from_citizens = used.iter().any(|(number, _, _)| !AGENCY_INDICATORS.contains(number));
            // The rules, in `docs/formats.md` ("Thông tư 01 classes"): a class only on the
            // whole of one agency's dossiers, or of one officer's; never without the
            // indicators from the agency's systems, which would make every class the lowest
            // for want of data entry; a citizens' indicator no dossier answered is left out of
            // the total (Điều 15), and the class says so.
            class_row.class = Some(if id == "staff" && !whole.officer {
                if key.staff.is_empty() {
                    "chưa xếp loại: nhóm gồm nhiều cán bộ, xem theo từng cán bộ".into()
                } else {
                    "chưa xếp loại: nhóm chỉ là một phần hồ sơ của cán bộ (chia theo quầy hoặc lĩnh vực)".into()
                }
            } else if id == "agency" && !whole.agency {
                "chưa xếp loại: nhóm không phải toàn bộ hồ sơ của một cơ quan (chia theo cán bộ, quầy hoặc lĩnh vực)"
                    .into()
            } else if !not_entered.is_empty() {
                format!("chưa xếp loại: chưa nhập chỉ số {} (từ hệ thống của cơ quan)", not_entered.join(", "))
            } else if !from_citizens {
                "chưa xếp loại: chưa có phiếu đánh giá".into()
            } else {
                let total: u64 = used.iter().map(|(_, tenths, _)| tenths).sum();
                class_row.score = Some(total);
                let class = classify(total);
                if no_answers.is_empty() {
                    class.into()
                } else {
                    format!("{class} (chỉ số {} không có dữ liệu, không tính vào tổng)", no_answers.join(", "))
                }
            });
            rows.push(class_row);
        }
    }
}

/// An indicator's row with its score, pushed; its number, score in tenths and dossiers, where
/// it has dossiers.
fn indicator_row(mut row: IndexRow, number: u32, points: Points, rows: &mut Vec<IndexRow>) -> Option<(u32, u64, u64)> {
    let scored = (points.dossiers > 0).then(|| {
        let tenths = round_ratio(points.total * 10, points.dossiers);
        row.score = Some(tenths);
        (number, tenths, points.dossiers)
    });
    rows.push(row);
    scored
}

/// An exact non-negative fraction, for means of proportions.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fraction {
    numerator: num_bigint::BigUint,
    denominator: num_bigint::BigUint,
}

impl Fraction {
    /// `numerator / denominator`; the denominator is not 0.
    fn new(numerator: u64, denominator: u64) -> Fraction {
        Fraction { numerator: numerator.into(), denominator: denominator.max(1).into() }
    }

    /// The exact mean, or `None` of nothing.
    fn mean(values: &[Fraction]) -> Option<Fraction> {
        let (first, rest) = values.split_first()?;
        let mut sum = first.clone();
        for value in rest {
            sum = Fraction {
                numerator: &sum.numerator * &value.denominator + &value.numerator * &sum.denominator,
                denominator: &sum.denominator * &value.denominator,
            };
        }
        sum.denominator *= values.len() as u64;
        Some(sum)
    }

    /// The proportion in hundredths of a percent, rounded half up (once).
    fn hundredths_of_percent(&self) -> u64 {
        let doubled = &self.numerator * 20_000u32 + &self.denominator;
        let rounded = doubled / (&self.denominator * 2u32);
        u64::try_from(rounded).unwrap_or(u64::MAX)
    }
}

/// A proportion as hundredths of a percent, rounded half up (for the Wilson interval only).
fn round_f64(proportion: f64) -> u64 {
    (proportion * 10_000.0).round() as u64
}

/// The Wilson score interval at 95 % of `satisfied / n`, in hundredths of a percent.
pub fn wilson(satisfied: u64, n: u64) -> (u64, u64) {
    let z = 1.959_963_984_540_054_f64;
    let (n, p) = (n as f64, satisfied as f64 / n as f64);
    let denominator = 1.0 + z * z / n;
    let centre = p + z * z / (2.0 * n);
    let margin = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (round_f64(((centre - margin) / denominator).max(0.0)), round_f64(((centre + margin) / denominator).min(1.0)))
}

/// The class of a staff member's total, in tenths of a point (out of 100 tenths).
pub fn classify_staff(tenths: u64) -> &'static str {
    match tenths {
        50.. => "hoàn thành 100% nhiệm vụ",
        35..=49 => "hoàn thành từ 70% đến dưới 100% nhiệm vụ",
        _ => "hoàn thành dưới 70% nhiệm vụ",
    }
}

/// The class of an agency's total, in tenths of a point (out of 180 tenths).
pub fn classify_agency(tenths: u64) -> &'static str {
    match tenths {
        150.. => "xuất sắc",
        120..=149 => "tốt",
        90..=119 => "khá",
        60..=89 => "trung bình",
        _ => "yếu",
    }
}

/// The index rows as CSV.
pub fn index_csv(rows: &[IndexRow], profile: CsvProfile) -> Vec<u8> {
    profile.write(&INDEX_COLUMNS, &index_cells(rows))
}

/// The cells of [`index_csv`] under [`INDEX_COLUMNS`], for other formats (XLSX).
pub fn index_cells(rows: &[IndexRow]) -> Vec<Vec<Cell>> {
    let text = |value: &str| if value.is_empty() { Cell::Empty } else { Cell::Text(value.to_owned()) };
    let fixed =
        |value: Option<u64>, decimals: u32| value.map_or(Cell::Empty, |scaled| Cell::Fixed { scaled, decimals });
    rows.iter()
        .map(|row| {
            let mut cells = row.key.cells();
            cells.extend([
                Cell::Text(row.scope.name().into()),
                Cell::Text(row.scope_id.clone()),
                Cell::Text(row.label.clone()),
                Cell::Integer(row.n),
                row.satisfied.map_or(Cell::Empty, Cell::Integer),
                row.not_satisfied.map_or(Cell::Empty, Cell::Integer),
                fixed(row.index_percent, 2),
                fixed(row.mean_100, 2),
                fixed(row.ci.map(|(low, _)| low), 2),
                fixed(row.ci.map(|(_, high)| high), 2),
                fixed(row.score, 1),
                row.class.as_deref().map_or(Cell::Empty, text),
                Cell::Integer(u64::from(row.suppressed)),
            ]);
            cells
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_change_exactly_at_their_boundaries() {
        assert_eq!(classify_agency(150), "xuất sắc");
        assert_eq!(classify_agency(149), "tốt");
        assert_eq!(classify_agency(120), "tốt");
        assert_eq!(classify_agency(119), "khá");
        assert_eq!(classify_agency(90), "khá");
        assert_eq!(classify_agency(89), "trung bình");
        assert_eq!(classify_agency(60), "trung bình");
        assert_eq!(classify_agency(59), "yếu");
        assert_eq!(classify_staff(50), "hoàn thành 100% nhiệm vụ");
        assert_eq!(classify_staff(49), "hoàn thành từ 70% đến dưới 100% nhiệm vụ");
        assert_eq!(classify_staff(35), "hoàn thành từ 70% đến dưới 100% nhiệm vụ");
        assert_eq!(classify_staff(34), "hoàn thành dưới 70% nhiệm vụ");
    }

    #[test]
    fn wilson_intervals_match_published_values() {
        // 16 of 20: 80 % with a 95 % interval of 58.40 % to 91.93 %.
        assert_eq!(wilson(16, 20), (5840, 9193));
        assert_eq!(wilson(0, 10), (0, 2775));
        assert_eq!(wilson(10, 10), (7225, 10000));
    }

    /// Means of percentages at an exact half round up, as the published convention does; binary
    /// floating point put 51.875 % at 51.87 and 40.075 % at 40.07.
    #[test]
    fn means_of_percentages_round_half_up_exactly() {
        let mean = |parts: &[(u64, u64)]| {
            let fractions: Vec<Fraction> = parts.iter().map(|&(s, n)| Fraction::new(s, n)).collect();
            Fraction::mean(&fractions).unwrap().hundredths_of_percent()
        };
        assert_eq!(mean(&[(1, 2), (43, 80)]), 5188, "51.875 %");
        assert_eq!(mean(&[(2, 5), (803, 2000)]), 4008, "40.075 %");
        assert_eq!(mean(&[(83, 160)]), 5188, "a criterion alone, 51.875 %");
        assert_eq!(mean(&[(1, 3), (2, 3)]), 5000, "thirds add up to exactly a half");
        assert_eq!(mean(&[(1, 3)]), 3333);
        assert_eq!(mean(&[(2, 3)]), 6667);
        assert_eq!(mean(&[(0, 7), (7, 7)]), 5000);
        assert_eq!(mean(&[(1, 80_000)]), 0, "0.00125 % rounds down");
        assert_eq!(mean(&[(1, 20_000)]), 1, "0.005 % rounds up");
        // Many criteria with unrelated counts: the common denominator outgrows 128 bits.
        let many: Vec<(u64, u64)> = (0..25).map(|i| (500 + i, 997 + 2 * i)).collect();
        let expected = {
            // The same mean by hand in exact integer arithmetic, over the product of the counts.
            let mut numerator = num_bigint::BigUint::from(0u32);
            let mut denominator = num_bigint::BigUint::from(1u32);
            for &(s, n) in &many {
                numerator = numerator * n + denominator.clone() * s;
                denominator *= n;
            }
            denominator *= many.len() as u64;
            u64::try_from((numerator * 20_000u32 + &denominator) / (denominator * 2u32)).unwrap()
        };
        assert_eq!(mean(&many), expected);
    }

    #[test]
    fn rounding_is_half_up_from_integers() {
        assert_eq!(round_ratio(5, 10), 1);
        assert_eq!(round_ratio(4, 10), 0);
        assert_eq!(round_ratio(15 * 10, 10), 15);
        assert_eq!(round_ratio(2 * 10_000, 3), 6667);
    }
}
