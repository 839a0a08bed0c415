//! Reading a report's tables as a panel member sees them, for the tests
//! that check its figures cell by cell.

/// The columns of the Ombudsman's findings by category, in the SMT and
/// annual reports.
pub const FINDINGS_BY_CATEGORY: [&str; 11] = [
    "Category",
    "Findings",
    "Severe maladministration",
    "Maladministration",
    "Service failure",
    "Partial maladministration",
    "Reasonable redress",
    "No maladministration",
    "Outside jurisdiction",
    "Withdrawn",
    "Maladministration rate",
];

/// The table whose caption starts with `caption`.
pub fn captioned<'a>(doc: &'a scraper::Html, caption: &str) -> scraper::ElementRef<'a> {
    let (table, cap) = (selector("table"), selector("caption"));
    doc.select(&table)
        .find(|t| t.select(&cap).next().is_some_and(|c| text(c).starts_with(caption)))
        .unwrap_or_else(|| panic!("no table captioned {caption:?}"))
}

fn selector(s: &str) -> scraper::Selector {
    scraper::Selector::parse(s).unwrap()
}

/// An element's text, trimmed.
fn text(e: scraper::ElementRef) -> String {
    e.text().collect::<String>().trim().to_string()
}

/// The cells of the table whose caption starts with `caption`, row by row
/// (a cell's text and its working run together: "60.0%3 of 5").
pub fn table_rows(html: &str, caption: &str) -> Vec<Vec<String>> {
    let doc = scraper::Html::parse_document(html);
    let (row, cell) = (selector("tr"), selector("th, td"));
    captioned(&doc, caption)
        .select(&row)
        .map(|r| {
            r.select(&cell)
                .map(|c| c.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
                .collect()
        })
        .collect()
}

/// A body row of a table: its header, then each cell's own text and the
/// working under it (`span.working`), apart.
pub type RowWithWorking = (String, Vec<(String, String)>);

/// The body rows of the table whose caption starts with `caption`, each
/// cell's figure apart from its working ([`RowWithWorking`]).
pub fn rows_with_working(html: &str, caption: &str) -> Vec<RowWithWorking> {
    let doc = scraper::Html::parse_document(html);
    let (rows, th, td, working) =
        (selector("tbody tr"), selector("th"), selector("td"), selector("span.working"));
    captioned(&doc, caption)
        .select(&rows)
        .map(|r| {
            let header = r.select(&th).next().map(text).unwrap_or_default();
            let cells = r
                .select(&td)
                .map(|c| {
                    let w = c.select(&working).next().map(text).unwrap_or_default();
                    let own: String =
                        c.children().filter_map(|n| n.value().as_text()).map(|t| t.to_string()).collect();
                    (own.trim().to_string(), w)
                })
                .collect();
            (header, cells)
        })
        .collect()
}

/// The column headings of the table whose caption starts with `caption`.
pub fn columns(html: &str, caption: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    captioned(&doc, caption).select(&selector("thead th")).map(text).collect()
}

pub fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}
