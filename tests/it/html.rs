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

/// The cells of the table whose caption starts with `caption`, row by row
/// (a cell's text and its working run together: "60.0%3 of 5").
pub fn table_rows(html: &str, caption: &str) -> Vec<Vec<String>> {
    let doc = scraper::Html::parse_document(html);
    let select = |s: &str| scraper::Selector::parse(s).unwrap();
    let (table, cap, row, cell) = (select("table"), select("caption"), select("tr"), select("th, td"));
    let table = doc
        .select(&table)
        .find(|t| t.select(&cap).any(|c| c.text().collect::<String>().starts_with(caption)))
        .unwrap_or_else(|| panic!("no table {caption:?}"));
    table
        .select(&row)
        .map(|r| {
            r.select(&cell)
                .map(|c| c.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
                .collect()
        })
        .collect()
}

pub fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}
