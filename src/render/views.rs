//! View models: everything a template shows, already computed and formatted.
//! Templates only lay these out; they do no arithmetic.

use serde::Serialize;

use crate::format;
pub use crate::metrics::{figure_label, stream_label};
use crate::metrics::{Catalogue, Figure, OpenCase, OpenCases, Rag, Results, Unit};
use crate::period::Period;
use crate::quality::{DataQuality, ERROR};

/// A figure's value as published.
pub fn value(f: &Figure) -> String {
    match (f.unit, f.value) {
        (_, None) => "–".to_string(),
        (Unit::Count, Some(v)) => format::count(v),
        (Unit::Gbp, Some(v)) => format::gbp(v),
        (Unit::Percent, Some(v)) => format!("{}%", format::one_place(v)),
        (Unit::Mean | Unit::Per1000Homes, Some(v)) => format::one_place(v),
    }
}

/// How a figure was made, in words: "412 of 507", "1,234 working days over
/// 100 responses", "629 per 36,139 homes".
pub fn working(f: &Figure) -> Option<String> {
    if let Some(note) = &f.note {
        return Some(note.clone());
    }
    match (f.unit, f.denominator) {
        (Unit::Percent, Some(d)) => Some(format!("{} of {}", format::count(f.numerator), format::count(d))),
        (Unit::Mean, Some(d)) => Some(format!("{} ÷ {}", format::count(f.numerator), format::count(d))),
        (Unit::Per1000Homes, Some(d)) => {
            Some(format!("{} ÷ {} homes × 1,000", format::count(f.numerator), format::count(d)))
        }
        _ => None,
    }
}

/// One table cell: the text shown and, for derived figures, how it was made.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub text: String,
    pub working: Option<String>,
    pub numeric: bool,
}

impl Cell {
    /// The text with its working in brackets, for running prose.
    pub fn inline(&self) -> String {
        match &self.working {
            Some(w) if self.text != "–" => format!("{} ({w})", self.text),
            _ => self.text.clone(),
        }
    }

    pub fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), working: None, numeric: false }
    }
    pub fn number(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), working: None, numeric: true }
    }
    pub fn figure(f: Option<&Figure>) -> Cell {
        match f {
            Some(f) => Cell { text: value(f), working: working(f), numeric: true },
            None => {
                Cell { text: "–".into(), working: Some("no figure for this period".into()), numeric: true }
            }
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub header: String,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub caption: String,
    /// The heading of the row-header column, then one per cell column.
    pub columns: Vec<String>,
    pub numeric: Vec<bool>,
    pub rows: Vec<Row>,
    pub empty: String,
    pub note: Option<String>,
}

impl Table {
    pub fn new(caption: impl Into<String>, header: &str, columns: &[(&str, bool)]) -> Table {
        let mut cols = vec![header.to_string()];
        cols.extend(columns.iter().map(|(c, _)| c.to_string()));
        Table {
            caption: caption.into(),
            columns: cols,
            numeric: columns.iter().map(|(_, n)| *n).collect(),
            rows: Vec::new(),
            empty: "None in this period.".into(),
            note: None,
        }
    }
    pub fn row(&mut self, header: impl Into<String>, cells: Vec<Cell>) {
        self.rows.push(Row { header: header.into(), cells });
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Tile {
    pub label: String,
    pub value: Cell,
    pub target: Option<String>,
    pub status: Rag,
    pub status_label: String,
    pub previous: String,
    pub last_year: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub svg: String,
    pub summary: String,
    pub table: Table,
}

#[derive(Debug, Clone, Serialize)]
pub struct Definition {
    pub label: String,
    pub rule: String,
}

pub fn status_label(status: Rag) -> &'static str {
    match status {
        Rag::Green => "On target",
        Rag::Amber => "Close to target",
        Rag::Red => "Off target",
        Rag::None => "No figure",
    }
}

/// A short period label for chart axes: "Q3 24-25", "Sep 25", "2025-26".
pub fn short_label(p: &Period) -> String {
    match p {
        Period::Quarter { year, quarter } => {
            format!("Q{quarter} {:02}-{:02}", year.0 % 100, (year.0 + 1) % 100)
        }
        Period::Month { .. } => p.start().format("%b %y").to_string(),
        Period::Year(fy) => fy.to_string(),
    }
}

pub fn tiles(results: &Results, catalogue: &Catalogue, fallback: &[&str]) -> Vec<Tile> {
    let mut tiles: Vec<Tile> = results
        .targets
        .iter()
        .map(|t| {
            let f = results.figure(&t.id, &results.period);
            let unit = f.map(|f| f.unit).unwrap_or(Unit::Percent);
            let target = match unit {
                Unit::Percent => format!("{}%", format::one_place(t.target)),
                _ => format::one_place(t.target),
            };
            let better = match t.better {
                crate::metrics::Better::Higher => "at least",
                crate::metrics::Better::Lower => "at most",
            };
            Tile {
                label: figure_label(catalogue, &t.id),
                value: Cell::figure(f),
                target: Some(format!("Target: {better} {target}")),
                status: t.status,
                status_label: status_label(t.status).into(),
                previous: Cell::figure(results.figure(&t.id, &results.previous)).inline(),
                last_year: Cell::figure(results.figure(&t.id, &results.same_period_last_year)).inline(),
            }
        })
        .collect();
    if tiles.is_empty() {
        tiles = fallback
            .iter()
            .map(|id| Tile {
                label: figure_label(catalogue, id),
                value: Cell::figure(results.figure(id, &results.period)),
                target: None,
                status: Rag::None,
                status_label: "No target set".into(),
                previous: Cell::figure(results.figure(id, &results.previous)).inline(),
                last_year: Cell::figure(results.figure(id, &results.same_period_last_year)).inline(),
            })
            .collect();
    }
    tiles
}

/// This period beside the previous one and the same period last year.
pub fn comparison(results: &Results, catalogue: &Catalogue, ids: &[&str]) -> Table {
    let periods = results.compared();
    let labels: Vec<String> = periods.iter().map(|p| p.label()).collect();
    let columns: Vec<(&str, bool)> = labels.iter().map(|l| (l.as_str(), true)).collect();
    let mut t =
        Table::new(format!("{} compared with {}", labels[0], labels[1..].join(" and ")), "Measure", &columns);
    for id in ids {
        t.row(
            figure_label(catalogue, id),
            periods.iter().map(|p| Cell::figure(results.figure(id, p))).collect(),
        );
    }
    t
}

pub struct TrendSpec<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub y_title: &'a str,
    pub series: &'a [(&'a str, &'a str)],
    pub bars: bool,
    pub target: Option<&'a str>,
}

/// A trend chart over the results' trend periods, with its data table and a
/// text summary of first and last values.
pub fn trend_chart(results: &Results, spec: &TrendSpec, x_title: &str) -> crate::error::Result<Chart> {
    let labels: Vec<String> = results.trend.iter().map(short_label).collect();
    let series: Vec<super::charts::Series> = spec
        .series
        .iter()
        .map(|(label, id)| super::charts::Series {
            label: label.to_string(),
            values: results.trend.iter().map(|p| results.figure(id, p).and_then(|f| f.value)).collect(),
        })
        .collect();
    let percent = spec.series.iter().all(|(_, id)| id.ends_with("_pct"));
    let target = spec.target.and_then(|id| results.targets.iter().find(|t| t.id == id)).map(|t| {
        (t.target, format!("Target {}{}", format::one_place(t.target), if percent { "%" } else { "" }))
    });
    let first = results.trend.first().expect("trend has periods");
    let last = results.trend.last().expect("trend has periods");
    let shown = |id: &str, p: &Period| match results.figure(id, p) {
        Some(f) if f.value.is_some() => Cell::figure(Some(f)).inline(),
        _ => "no figure".to_string(),
    };
    let summary = spec
        .series
        .iter()
        .map(|(label, id)| {
            format!(
                "{label}: {} in {}, {} in {}",
                shown(id, first),
                first.label(),
                shown(id, last),
                last.label()
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let kind = if spec.bars { "Bar chart" } else { "Line chart" };
    let description =
        format!("{kind} of {} over {} periods. {summary}.", spec.title.to_lowercase(), labels.len());
    let chart_spec = super::charts::ChartSpec {
        id: spec.id,
        title: spec.title,
        description: &description,
        x_labels: &labels,
        x_title,
        y_title: spec.y_title,
        series: &series,
        y_max: percent.then_some(100.0),
        target,
    };
    let svg = if spec.bars {
        super::charts::bar_chart(&chart_spec)?
    } else {
        super::charts::line_chart(&chart_spec)?
    };
    let columns: Vec<(&str, bool)> = spec.series.iter().map(|(l, _)| (*l, true)).collect();
    let mut table = Table::new(format!("{} (data)", spec.title), x_title, &columns);
    for p in &results.trend {
        table.row(p.label(), spec.series.iter().map(|(_, id)| Cell::figure(results.figure(id, p))).collect());
    }
    Ok(Chart { id: spec.id.into(), title: spec.title.into(), svg, summary: description, table })
}

/// The report period broken down by a column's groups.
pub fn breakdown(results: &Results, breakdown: &str, caption: &str, header: &str) -> Table {
    let columns: [(&str, &str); 6] = [
        ("Received", "complaints_received"),
        ("Responded to", "complaints_responded"),
        ("On time", "complaints_on_time_pct"),
        ("Upheld", "complaints_upheld_pct"),
        ("Average working days", "complaints_avg_working_days"),
        ("Compensation", "complaints_compensation_gbp"),
    ];
    let mut t = by_group(results, breakdown, caption, header, &columns, false);
    t.note = Some("Both stages together. Received counts complaints received in the period; the other columns count complaints responded to in the period.".into());
    t
}

/// The breakdown by stock type, with the rule that only LCRA and LCHO
/// complaints are in the Tenant Satisfaction Measures.
pub fn by_stock_type(results: &Results) -> Table {
    let caption = format!("Complaints by stock type, {}", results.period.label());
    let mut t = breakdown(results, crate::schema::case::STOCK_TYPE, &caption, "Stock type");
    t.note = Some(format!(
        "{} Every resident's complaint is in the Complaint Handling Code figures; only LCRA (low cost rental) and LCHO (low cost home ownership) complaints are in the Tenant Satisfaction Measures CH01 and CH02.",
        t.note.unwrap_or_default()
    ));
    t
}

pub fn themes(results: &Results, lookback: u32) -> Table {
    let before = format!("Average of up to {lookback} before");
    let mut t = Table::new(
        format!("Learning themes of complaints closed in {} (top 10)", results.period.label()),
        "Theme",
        &[
            (&results.period.label(), true),
            ("Of which inferred", true),
            (&results.previous.label(), true),
            ("Change", true),
            (&before, true),
            ("Emerging", false),
        ],
    );
    for r in results.themes.iter().take(10) {
        let change =
            if r.change > 0.0 { format!("+{}", format::count(r.change)) } else { format::count(r.change) };
        t.row(
            r.theme.clone(),
            vec![
                Cell::number(format::count(r.count)),
                Cell::number(format::count(r.inferred)),
                Cell::number(format::count(r.previous)),
                Cell::number(change),
                match r.counts_before.len() {
                    0 => Cell::text("no earlier data"),
                    n => Cell {
                        text: r.average_before.map(format::one_place).unwrap_or_default(),
                        working: Some(format!(
                            "({}) ÷ {n}",
                            r.counts_before.iter().map(|c| format::count(*c)).collect::<Vec<_>>().join(" + "),
                        )),
                        numeric: true,
                    },
                },
                Cell::text(if r.emerging { "Emerging" } else { "" }),
            ],
        );
    }
    t.empty = "No learning themes were recorded or inferred.".into();
    t.note = Some(format!(
        "The average is over the {lookback} periods before, or as many of them as the data covers: a period before the first month of the export is left out, not counted as none."
    ));
    t
}

/// The top themes (rows) by the service area of their complaints (columns,
/// busiest first), each row ending with the theme's total.
pub fn themes_by_service_area(results: &Results) -> Table {
    let themes: Vec<_> = results.themes.iter().filter(|r| r.count > 0.0).take(10).collect();
    let mut areas: Vec<(String, f64)> = Vec::new();
    for a in themes.iter().flat_map(|r| &r.by_service_area) {
        match areas.iter_mut().find(|(name, _)| *name == a.service_area) {
            Some((_, n)) => *n += a.count,
            None => areas.push((a.service_area.clone(), a.count)),
        }
    }
    areas.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut columns: Vec<(&str, bool)> = areas.iter().map(|(a, _)| (a.as_str(), true)).collect();
    columns.push(("All service areas", true));
    let mut t = Table::new(
        format!("Learning themes by service area, complaints closed in {}", results.period.label()),
        "Theme",
        &columns,
    );
    for r in themes {
        let mut cells: Vec<Cell> = areas
            .iter()
            .map(|(area, _)| {
                let n = r.by_service_area.iter().find(|a| &a.service_area == area).map_or(0.0, |a| a.count);
                Cell::number(format::count(n))
            })
            .collect();
        cells.push(Cell::number(format::count(r.count)));
        t.row(r.theme.clone(), cells);
    }
    t.empty = "No learning themes were recorded or inferred.".into();
    t
}

/// The report period by a breakdown's groups (rows, largest first by the
/// first column, the whole landlord last as the total) and figures (columns).
/// With `skip_empty`, groups whose first figure is 0 are left out.
pub fn by_group(
    results: &Results,
    breakdown: &str,
    caption: &str,
    header: &str,
    columns: &[(&str, &str)],
    skip_empty: bool,
) -> Table {
    let cols: Vec<(&str, bool)> = columns.iter().map(|(l, _)| (*l, true)).collect();
    let mut t = Table::new(caption, header, &cols);
    let (_, first) = columns[0];
    let mut groups: Vec<(String, f64)> =
        results.by_group(first, breakdown).iter().map(|f| (f.group.clone(), f.numerator)).collect();
    if skip_empty {
        groups.retain(|(_, n)| *n > 0.0);
    }
    groups.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for (g, _) in groups {
        let cells = columns
            .iter()
            .map(|(_, id)| Cell::figure(results.by_group(id, breakdown).into_iter().find(|f| f.group == g)))
            .collect();
        t.row(g, cells);
    }
    t.row("All", columns.iter().map(|(_, id)| Cell::figure(results.figure(id, &results.period))).collect());
    t
}

/// A canonical finding as a heading or cell shows it: "Service failure".
pub fn finding_label(finding: &str) -> String {
    let mut label = finding.to_string();
    if let Some(first) = label.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    label
}

/// The Ombudsman's findings in the period, one row per finding.
pub fn findings(results: &Results) -> Table {
    let periods = results.compared();
    let labels: Vec<String> = periods.iter().map(|p| p.label()).collect();
    let columns: Vec<(&str, bool)> = labels.iter().map(|l| (l.as_str(), true)).collect();
    let mut t = Table::new(
        format!("Housing Ombudsman findings determined in {}", results.period.label()),
        "Finding",
        &columns,
    );
    for (finding, _) in crate::schema::FINDING_SPELLINGS {
        let id = format!("complaints_finding_{}", finding.replace(' ', "_"));
        t.row(finding_label(finding), periods.iter().map(|p| Cell::figure(results.figure(&id, p))).collect());
    }
    for (label, id) in [
        ("Maladministration rate", "complaints_maladministration_rate_pct"),
        ("Compensation ordered", "complaints_ombudsman_compensation_gbp"),
    ] {
        t.row(label, periods.iter().map(|p| Cell::figure(results.figure(id, p))).collect());
    }
    t
}

/// The Ombudsman's findings in the period by the category the Ombudsman
/// gave each (rows, most findings first, then all): how many, of each
/// finding, and the maladministration rate with its numerator and
/// denominator.
pub fn findings_by_category(results: &Results) -> Table {
    let ids: Vec<(String, String)> =
        std::iter::once(("Findings".to_string(), "complaints_ombudsman_findings".to_string()))
            .chain(crate::schema::FINDING_SPELLINGS.iter().map(|(finding, _)| {
                (finding_label(finding), format!("complaints_finding_{}", finding.replace(' ', "_")))
            }))
            .chain(std::iter::once((
                "Maladministration rate".to_string(),
                "complaints_maladministration_rate_pct".to_string(),
            )))
            .collect();
    let columns: Vec<(&str, &str)> = ids.iter().map(|(l, id)| (l.as_str(), id.as_str())).collect();
    by_group(
        results,
        crate::schema::determination::FINDING_CATEGORY,
        &format!("Housing Ombudsman findings by the Ombudsman's category, {}", results.period.label()),
        "Category",
        &columns,
        true,
    )
}

pub fn open_summary(open: &OpenCases) -> Table {
    let soon = format!("Due in the next {} working days", open.due_soon_working_days);
    let mut t = Table::new(
        format!("Complaints open on {} by service area", format::uk_date(open.as_of)),
        "Service area",
        &[("Open", true), ("Overdue", true), (&soon, true)],
    );
    for c in open.by_service_area.iter().chain(std::iter::once(&open.total)) {
        t.row(
            c.group.clone(),
            vec![
                Cell::number(format::count(c.open.into())),
                Cell::number(format::count(c.overdue.into())),
                Cell::number(format::count(c.due_soon.into())),
            ],
        );
    }
    t.empty = "No complaints were open.".into();
    let others: Vec<String> = open
        .other_feedback
        .iter()
        .map(|c| {
            format!(
                "{} {} ({} overdue)",
                format::count(c.open.into()),
                stream_label(&c.group).to_lowercase(),
                format::count(c.overdue.into())
            )
        })
        .collect();
    if !others.is_empty() {
        t.note =
            Some(format!("Also awaiting a reply: {}. They are listed in metrics.json.", others.join(", ")));
    }
    t
}

/// A list of open complaints: case references, dates and ages only (never
/// anything that names a resident), at most `limit` rows.
fn case_table(caption: String, cases: &[&OpenCase], limit: usize, what: &str, empty: &str) -> Table {
    let mut t = Table::new(
        caption,
        "Case reference",
        &[
            ("Stage", false),
            ("Service area", false),
            ("Received", false),
            ("Due", false),
            ("Age (working days)", true),
        ],
    );
    for c in cases.iter().take(limit) {
        t.row(
            c.case_ref.clone(),
            vec![
                Cell::text(stream_label(&c.stream)),
                Cell::text(c.service_area.clone()),
                Cell::text(format::uk_date(c.received_date)),
                Cell::text(c.due_date.map(format::uk_date).unwrap_or_default()),
                Cell::number(c.age_working_days.to_string()),
            ],
        );
    }
    if cases.len() > limit {
        t.note = Some(format!("The first {limit} of {} {what}; metrics.json lists them all.", cases.len()));
    }
    t.empty = empty.into();
    t
}

/// Overdue complaints, oldest first.
pub fn overdue_cases(open: &OpenCases, limit: usize) -> Table {
    let overdue: Vec<&OpenCase> =
        open.cases.iter().filter(|c| c.overdue && c.stream.starts_with("stage")).collect();
    case_table(
        format!("Overdue complaints on {} (oldest first)", format::uk_date(open.as_of)),
        &overdue,
        limit,
        "overdue complaints",
        "No complaints were overdue.",
    )
}

/// Complaints falling due soon, soonest first.
pub fn due_soon_cases(open: &OpenCases, limit: usize) -> Table {
    let mut soon: Vec<&OpenCase> =
        open.cases.iter().filter(|c| c.due_soon && c.stream.starts_with("stage")).collect();
    soon.sort_by_key(|c| (c.due_date, c.case_ref.clone()));
    case_table(
        format!(
            "Complaints due in the next {} working days from {} (soonest first)",
            open.due_soon_working_days,
            format::uk_date(open.as_of)
        ),
        &soon,
        limit,
        "complaints due soon",
        "No complaints fall due in the next few days.",
    )
}

/// Rows: streams; columns: figure ids by measure.
pub fn by_stream(results: &Results, caption: &str, streams: &[&str], measures: &[(&str, &str)]) -> Table {
    let cols: Vec<(&str, bool)> = measures.iter().map(|(l, _)| (*l, true)).collect();
    let mut t = Table::new(caption, "", &cols);
    for s in streams {
        t.row(
            stream_label(s),
            measures
                .iter()
                .map(|(_, m)| Cell::figure(results.figure(&format!("{s}_{m}"), &results.period)))
                .collect(),
        );
    }
    t
}

pub fn quality(q: &DataQuality) -> Table {
    let mut t = Table::new(
        "Problems found in the exports",
        "Problem",
        &[("Export", false), ("Column", false), ("Rows", true), ("Effect", false)],
    );
    for p in &q.problems {
        let effect = if p.severity == ERROR { "row excluded" } else { "row used (warning)" };
        let export = match p.export.as_str() {
            "cases" => "Cases",
            "surveys" => "Surveys",
            _ => "Ombudsman",
        };
        t.row(
            p.problem.clone(),
            vec![
                Cell::text(export),
                Cell::text(p.column.clone()),
                Cell::number(format::count(p.rows as f64)),
                Cell::text(effect),
            ],
        );
    }
    t.empty = "No problems were found.".into();
    t
}

pub fn definitions(catalogue: &Catalogue) -> Vec<Definition> {
    catalogue
        .measures
        .iter()
        .map(|m| Definition { label: m.label.clone(), rule: catalogue.rule_in_words(m) })
        .collect()
}
