//! How the exports are read: files, sheet, date format, encoding, delimiter
//! and the landlord's own column headers.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// An export other than the case export: its files and its own headers. Date
/// format, encoding, delimiter and sheet are those of `[input]` unless given.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OtherExport {
    #[serde(default)]
    pub files: Vec<PathBuf>,
    #[serde(default)]
    pub sheet: Option<String>,
    #[serde(default)]
    pub date_format: Option<DateFormat>,
    #[serde(default)]
    pub encoding: Option<Encoding>,
    #[serde(default)]
    pub delimiter: Option<char>,
    /// Canonical column name -> the header the export uses for it.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
}

impl OtherExport {
    /// The reader options for this export: its own, else `[input]`'s.
    pub fn input(&self, base: &InputConfig) -> InputConfig {
        InputConfig {
            cases: Vec::new(),
            sheet: self.sheet.clone().or_else(|| base.sheet.clone()),
            date_format: self.date_format.unwrap_or(base.date_format),
            encoding: self.encoding.unwrap_or(base.encoding),
            delimiter: self.delimiter.unwrap_or(base.delimiter),
            columns: self.columns.clone(),
            stock_types: base.stock_types.clone(),
            record_types: base.record_types.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InputConfig {
    /// Case exports (CSV or .xlsx), relative to the config file. Read in order
    /// and concatenated.
    #[serde(default)]
    pub cases: Vec<PathBuf>,
    /// For workbooks: the sheet to read. Default: the first sheet.
    #[serde(default)]
    pub sheet: Option<String>,
    #[serde(default)]
    pub date_format: DateFormat,
    #[serde(default)]
    pub encoding: Encoding,
    /// The field separator of CSV exports.
    #[serde(default = "default_delimiter")]
    pub delimiter: char,
    /// Canonical column name -> the header the export uses for it.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Stock type -> the spellings the export uses for it, compared ignoring
    /// case, spaces and punctuation. These win over the defaults; a name
    /// other than LCRA or LCHO is a stock type outside the Tenant
    /// Satisfaction Measures (counted in every Code figure, never in CH01 or
    /// CH02), as the defaults Leasehold, Market rent, Freehold, Commercial
    /// and Other are.
    #[serde(default)]
    pub stock_types: indexmap::IndexMap<String, Vec<String>>,
    /// Record type (complaint, compliment, suggestion, enquiry, feedback) ->
    /// the export's own names for it ("Service request", "Stage 0"),
    /// compared as stock types are; these win over the defaults.
    #[serde(default)]
    pub record_types: BTreeMap<String, Vec<String>>,
}

fn default_delimiter() -> char {
    ','
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            cases: Vec::new(),
            sheet: None,
            date_format: DateFormat::default(),
            encoding: Encoding::default(),
            delimiter: default_delimiter(),
            columns: BTreeMap::new(),
            stock_types: indexmap::IndexMap::new(),
            record_types: BTreeMap::new(),
        }
    }
}

/// How dates are written in the export.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum DateFormat {
    /// `dd/mm/yyyy` or ISO `yyyy-mm-dd`, whichever each value is. Never
    /// `mm/dd/yyyy`: a UK export is never American.
    #[default]
    Auto,
    /// `dd/mm/yyyy` (also `dd-mm-yyyy`, `dd.mm.yyyy`) only.
    Uk,
    /// `yyyy-mm-dd` only.
    Iso,
}

/// The text encoding of CSV exports.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark. Anything else is refused with
    /// a message naming the first bad byte.
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// Windows-1252 (the "ANSI" of older Windows exports): decoded to UTF-8.
    #[serde(rename = "windows-1252")]
    Windows1252,
}
