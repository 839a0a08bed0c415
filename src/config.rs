//! The landlord configuration: a TOML file of typed sections. Unknown keys are
//! errors that name the key, so a typo never silently falls back to a default.
//! Every timescale defaults to the Housing Ombudsman's Complaint Handling Code
//! (2024); a landlord states only where its own policy differs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::period::FinancialYear;
use crate::schema;

/// The sample configuration bundled with redress, used by `redress run` with
/// no `--config`.
pub const SAMPLE_CONFIG_PATH: &str = "sample-data/landlord.toml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The landlord's name as it should appear in reports.
    pub landlord: String,
    /// Pins the run date, so a published run can be reproduced exactly.
    /// `--as-of` overrides it; without either, today.
    #[serde(default)]
    pub as_of: Option<NaiveDate>,
    #[serde(default)]
    pub input: InputConfig,
    /// Homes owned by stock type, keyed by the financial year from which the
    /// figure applies ("2024-25"). A period uses the latest entry at or before
    /// its financial year.
    #[serde(default)]
    pub homes: BTreeMap<FinancialYear, HomesOwned>,
    #[serde(default)]
    pub timescales: Timescales,
    #[serde(default)]
    pub calendar: CalendarConfig,
    /// Targets by measure id (see `queries/metrics.toml`), e.g.
    /// `stage1_on_time_pct = 95`.
    #[serde(default)]
    pub targets: BTreeMap<String, f64>,
    #[serde(default)]
    pub reports: ReportsConfig,
    #[serde(default)]
    pub customer_assembly: CustomerAssemblyConfig,
    /// Post-complaint satisfaction survey exports (optional).
    #[serde(default)]
    pub surveys: OtherExport,
    /// Housing Ombudsman determination exports (optional).
    #[serde(default)]
    pub ombudsman: OtherExport,
    #[serde(default)]
    pub themes: ThemesConfig,
    #[serde(default)]
    pub repeats: RepeatsConfig,
    /// TP09 from the annual perception survey, by financial year.
    #[serde(default)]
    pub tp09: BTreeMap<FinancialYear, Tp09Year>,
    #[serde(default)]
    pub annual_report: AnnualReportConfig,
}

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
        }
    }
}

/// Learning themes: the taxonomy that tags complaints whose theme was not
/// recorded, and when a theme counts as emerging.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ThemesConfig {
    /// Theme -> words and phrases. A complaint with no recorded theme takes
    /// the first theme (in this order) with a phrase in its category, then its
    /// description, then its learning action. Replaces the default taxonomy.
    #[serde(default = "default_taxonomy")]
    pub taxonomy: indexmap::IndexMap<String, Vec<String>>,
    /// A theme is emerging when its count is at least this many times the
    /// average of the previous `emerging_lookback` periods...
    #[serde(default = "default_emerging_ratio")]
    pub emerging_ratio: f64,
    /// ...and at least this many complaints.
    #[serde(default = "default_emerging_min_count")]
    pub emerging_min_count: u32,
    #[serde(default = "default_emerging_lookback")]
    pub emerging_lookback: u32,
}

fn default_emerging_ratio() -> f64 {
    1.5
}
fn default_emerging_min_count() -> u32 {
    5
}
fn default_emerging_lookback() -> u32 {
    3
}

/// The default taxonomy: the themes social landlords' complaints most often
/// fall under, with the words residents and officers use for them.
pub fn default_taxonomy() -> indexmap::IndexMap<String, Vec<String>> {
    let themes: [(&str, &[&str]); 8] = [
        ("Damp and mould", &["damp", "mould", "mold", "condensation", "black spots", "leak"]),
        (
            "Missed appointments",
            &[
                "missed appointment",
                "no show",
                "did not turn up",
                "didn't turn up",
                "no one came",
                "nobody came",
                "appointment",
            ],
        ),
        (
            "Repairs delays",
            &[
                "repair delay",
                "repairs delay",
                "waiting for repair",
                "still not fixed",
                "not been fixed",
                "outstanding repair",
                "delay",
            ],
        ),
        ("Staff conduct", &["rude", "attitude", "conduct", "unprofessional", "staff behaviour"]),
        ("Anti-social behaviour handling", &["anti-social", "antisocial", "asb", "noise", "neighbour"]),
        (
            "Communication",
            &[
                "no reply",
                "no response",
                "not kept informed",
                "no update",
                "communication",
                "call back",
                "callback",
                "chased",
            ],
        ),
        ("Record keeping", &["record", "wrong address", "incorrect details", "data"]),
        ("Service charges and rent", &["service charge", "rent", "charge", "arrears"]),
    ];
    themes.iter().map(|(t, words)| (t.to_string(), words.iter().map(|w| w.to_string()).collect())).collect()
}

impl Default for ThemesConfig {
    fn default() -> Self {
        ThemesConfig {
            taxonomy: default_taxonomy(),
            emerging_ratio: default_emerging_ratio(),
            emerging_min_count: default_emerging_min_count(),
            emerging_lookback: default_emerging_lookback(),
        }
    }
}

/// Repeat complainants: the same household complaining again.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RepeatsConfig {
    /// A stage 1 complaint is a repeat when the household made another in
    /// this many days before it.
    #[serde(default = "default_repeat_window")]
    pub window_days: u32,
}

fn default_repeat_window() -> u32 {
    365
}

impl Default for RepeatsConfig {
    fn default() -> Self {
        RepeatsConfig { window_days: default_repeat_window() }
    }
}

/// TP09 perception-survey answers for one financial year, by stock type.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tp09Year {
    #[serde(default)]
    pub lcra: Option<Tp09Answers>,
    #[serde(default)]
    pub lcho: Option<Tp09Answers>,
}

/// Respondents who said they complained in the last 12 months, and how many
/// of them were very or fairly satisfied with the approach to complaints.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tp09Answers {
    pub satisfied: u32,
    pub respondents: u32,
}

/// The annual complaints performance report and Code self-assessment.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnnualReportConfig {
    /// The Code edition self-assessed against: `queries/code/<edition>.toml`.
    #[serde(default = "default_code_edition")]
    pub code_edition: String,
    /// An edition's provisions file, for an edition redress does not bundle.
    #[serde(default)]
    pub code_file: Option<PathBuf>,
    /// The complaints officer's evidence file (relative to the config file).
    #[serde(default)]
    pub self_assessment: Option<PathBuf>,
    /// The governing body's response, as plain text paragraphs.
    #[serde(default)]
    pub governing_body_response: Option<PathBuf>,
    /// The Member Responsible for Complaints (a public role on the board).
    #[serde(default)]
    pub member_responsible_for_complaints: Option<String>,
    /// A finding is a contradiction when the officer answers "yes" and the
    /// year's figure falls short of this percentage.
    #[serde(default = "default_compliance_threshold")]
    pub compliance_threshold_pct: f64,
}

fn default_code_edition() -> String {
    "2024".into()
}
fn default_compliance_threshold() -> f64 {
    95.0
}

impl Default for AnnualReportConfig {
    fn default() -> Self {
        AnnualReportConfig {
            code_edition: default_code_edition(),
            code_file: None,
            self_assessment: None,
            governing_body_response: None,
            member_responsible_for_complaints: None,
            compliance_threshold_pct: default_compliance_threshold(),
        }
    }
}

/// The report for the tenants' panel (Customer Assembly).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerAssemblyConfig {
    /// Counts below this are shown as "fewer than N", so no resident can be
    /// picked out.
    #[serde(default = "default_small_number")]
    pub small_number_threshold: u32,
    /// Whether learning actions recorded at closure may be quoted ("you said,
    /// we did"). Each is screened for personal data first.
    #[serde(default)]
    pub free_text: bool,
    /// Names of people (staff, residents) the screen looks for in free text.
    #[serde(default)]
    pub people_names: Vec<String>,
    /// How to complain, in the landlord's words. The template has a default.
    #[serde(default)]
    pub how_to_complain: Option<String>,
    /// How to contact the Housing Ombudsman. The template has a default.
    #[serde(default)]
    pub ombudsman: Option<String>,
}

fn default_small_number() -> u32 {
    5
}

impl Default for CustomerAssemblyConfig {
    fn default() -> Self {
        CustomerAssemblyConfig {
            small_number_threshold: default_small_number(),
            free_text: false,
            people_names: Vec::new(),
            how_to_complain: None,
            ombudsman: None,
        }
    }
}

/// How reports are presented.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportsConfig {
    /// A target missed by no more than this (in the measure's own units:
    /// percentage points, working days) is amber rather than red.
    #[serde(default = "default_amber_margin")]
    pub amber_margin: f64,
    /// A folder of templates that replace the bundled ones of the same name
    /// (relative to the config file). `--templates` overrides it.
    #[serde(default)]
    pub templates_dir: Option<PathBuf>,
}

fn default_amber_margin() -> f64 {
    5.0
}

impl Default for ReportsConfig {
    fn default() -> Self {
        ReportsConfig { amber_margin: default_amber_margin(), templates_dir: None }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HomesOwned {
    #[serde(default)]
    pub lcra: u32,
    #[serde(default)]
    pub lcho: u32,
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

/// When the response clock of a stage starts.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ClockStart {
    /// From the acknowledgement, but never later than the day it was due
    /// (Code 2024).
    #[default]
    Acknowledgement,
    /// From receipt (day 0), as older policies count it.
    Receipt,
}

/// The timescales of one stage or record type, as written in the config:
/// every field optional, so a landlord states only what differs.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StageTimescaleConfig {
    pub acknowledge: Option<u32>,
    pub respond: Option<u32>,
    pub max_extension: Option<u32>,
    pub clock_starts: Option<ClockStart>,
}

/// A stage's timescales with every default filled in.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct StageTimescale {
    /// Acknowledge within this many working days of receipt.
    pub acknowledge: u32,
    /// Respond within this many working days of the clock start (None: no
    /// response timescale, e.g. compliments).
    pub respond: Option<u32>,
    /// An agreed extension may add at most this many working days.
    pub max_extension: u32,
    pub clock_starts: ClockStart,
}

impl StageTimescaleConfig {
    fn resolve(&self, default: StageTimescale) -> StageTimescale {
        StageTimescale {
            acknowledge: self.acknowledge.unwrap_or(default.acknowledge),
            respond: self.respond.or(default.respond),
            max_extension: self.max_extension.unwrap_or(default.max_extension),
            clock_starts: self.clock_starts.unwrap_or(default.clock_starts),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Timescales {
    #[serde(default)]
    pub complaint: ComplaintTimescales,
    #[serde(default)]
    pub compliment: StageTimescaleConfig,
    #[serde(default)]
    pub suggestion: StageTimescaleConfig,
    #[serde(default)]
    pub enquiry: StageTimescaleConfig,
    #[serde(default)]
    pub feedback: StageTimescaleConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintTimescales {
    /// 2 (the Code) or 1 (a one-stage process: stage 2 rows are then errors).
    #[serde(default = "two_stages")]
    pub stages: u8,
    #[serde(default)]
    pub stage1: StageTimescaleConfig,
    #[serde(default)]
    pub stage2: StageTimescaleConfig,
}

fn two_stages() -> u8 {
    2
}

impl Default for ComplaintTimescales {
    fn default() -> Self {
        ComplaintTimescales { stages: 2, stage1: Default::default(), stage2: Default::default() }
    }
}

/// Code 2024 stage 1: acknowledge 5, respond 10 from acknowledgement, extend by at most 10.
pub const CODE_STAGE1: StageTimescale = StageTimescale {
    acknowledge: 5,
    respond: Some(10),
    max_extension: 10,
    clock_starts: ClockStart::Acknowledgement,
};
/// Code 2024 stage 2: acknowledge 5, respond 20 from acknowledgement, extend by at most 20.
pub const CODE_STAGE2: StageTimescale = StageTimescale {
    acknowledge: 5,
    respond: Some(20),
    max_extension: 20,
    clock_starts: ClockStart::Acknowledgement,
};
/// Other feedback: acknowledge within 5 working days, no response timescale
/// unless the landlord sets one.
pub const OTHER_FEEDBACK: StageTimescale = StageTimescale {
    acknowledge: 5,
    respond: None,
    max_extension: 0,
    clock_starts: ClockStart::Acknowledgement,
};

impl Timescales {
    pub fn stage(&self, stage: u8) -> StageTimescale {
        match stage {
            1 => self.complaint.stage1.resolve(CODE_STAGE1),
            _ => self.complaint.stage2.resolve(CODE_STAGE2),
        }
    }

    pub fn record_type(&self, record_type: &str) -> StageTimescale {
        let config = match record_type {
            "compliment" => &self.compliment,
            "suggestion" => &self.suggestion,
            "enquiry" => &self.enquiry,
            _ => &self.feedback,
        };
        config.resolve(OTHER_FEEDBACK)
    }
}

/// The bank-holiday divisions of the United Kingdom, named as gov.uk names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Division {
    #[default]
    EnglandAndWales,
    Scotland,
    NorthernIreland,
}

impl Division {
    pub fn key(self) -> &'static str {
        match self {
            Division::EnglandAndWales => "england-and-wales",
            Division::Scotland => "scotland",
            Division::NorthernIreland => "northern-ireland",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarConfig {
    #[serde(default)]
    pub division: Division,
    /// A newer gov.uk `bank-holidays.json`, relative to the config file.
    #[serde(default)]
    pub bank_holidays_file: Option<PathBuf>,
    /// Extra days the landlord is closed (e.g. between Christmas and New Year).
    #[serde(default)]
    pub closure_days: Vec<NaiveDate>,
}

/// A loaded configuration and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    pub path: PathBuf,
    /// Of the file as read, for the run manifest.
    pub sha256: String,
}

impl LoadedConfig {
    pub fn load(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::config(path, format!("cannot read: {e}")))?;
        let config = Config::parse(&text).map_err(|message| Error::config(path, message))?;
        Ok(LoadedConfig {
            config,
            path: path.to_path_buf(),
            sha256: crate::digest::sha256_hex(text.as_bytes()),
        })
    }

    /// A path from the config, taken relative to the config file's folder.
    pub fn resolve(&self, relative: &Path) -> PathBuf {
        if relative.is_absolute() {
            return relative.to_path_buf();
        }
        self.path.parent().unwrap_or(Path::new(".")).join(relative)
    }

    pub fn case_files(&self) -> Vec<PathBuf> {
        self.config.input.cases.iter().map(|p| self.resolve(p)).collect()
    }

    pub fn files_of(&self, export: &OtherExport) -> Vec<PathBuf> {
        export.files.iter().map(|p| self.resolve(p)).collect()
    }
}

impl Config {
    /// Parse and check a configuration; the error is a message for the analyst.
    pub fn parse(text: &str) -> std::result::Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> std::result::Result<(), String> {
        if !matches!(self.timescales.complaint.stages, 1 | 2) {
            return Err(format!(
                "timescales.complaint.stages is {}; a complaints process has 1 or 2 stages",
                self.timescales.complaint.stages
            ));
        }
        for (section, columns, schema) in [
            ("input", &self.input.columns, &schema::CASES),
            ("surveys", &self.surveys.columns, &schema::SURVEYS),
            ("ombudsman", &self.ombudsman.columns, &schema::DETERMINATIONS),
        ] {
            for (canonical, header) in columns {
                if !schema.has(canonical) {
                    return Err(format!(
                        "{section}.columns: '{canonical}' (mapped from \"{header}\") is not a column of the {}; expected one of {}",
                        schema.name,
                        schema.names().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
        for (theme, phrases) in &self.themes.taxonomy {
            if phrases.iter().all(|p| p.trim().is_empty()) {
                return Err(format!("themes.taxonomy: theme '{theme}' has no words or phrases"));
            }
        }
        if self.themes.emerging_ratio <= 1.0 || self.themes.emerging_lookback == 0 {
            return Err("themes: emerging_ratio must be above 1 and emerging_lookback at least 1".into());
        }
        for (year, answers) in &self.tp09 {
            for (stock, a) in [("lcra", answers.lcra), ("lcho", answers.lcho)] {
                if let Some(a) = a {
                    if a.satisfied > a.respondents {
                        return Err(format!(
                            "tp09.\"{year}\".{stock}: satisfied ({}) is more than respondents ({})",
                            a.satisfied, a.respondents
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Homes owned that apply to a financial year: the latest entry at or before it.
    pub fn homes_for(&self, year: FinancialYear) -> Option<(FinancialYear, HomesOwned)> {
        self.homes.range(..=year).next_back().map(|(y, h)| (*y, *h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_code_2024_timescales() {
        let c = Config::parse("landlord = \"Test\"").unwrap();
        assert_eq!(c.timescales.stage(1), CODE_STAGE1);
        assert_eq!(c.timescales.stage(2), CODE_STAGE2);
        assert_eq!(c.timescales.complaint.stages, 2);
        assert_eq!(c.calendar.division, Division::EnglandAndWales);
    }

    #[test]
    fn a_partial_stage_keeps_the_other_defaults_of_that_stage() {
        let c = Config::parse("landlord = \"T\"\n[timescales.complaint.stage2]\nacknowledge = 10\n").unwrap();
        let s2 = c.timescales.stage(2);
        assert_eq!((s2.acknowledge, s2.respond, s2.max_extension), (10, Some(20), 20));
    }

    #[test]
    fn one_stage_landlord_from_the_seeds_is_expressible() {
        // Wellingborough Homes: one stage, respond within 10 working days of
        // receipt; compliments and suggestions acknowledged within 3.
        let text = r#"
landlord = "One Stage Homes"
[timescales.complaint]
stages = 1
[timescales.complaint.stage1]
acknowledge = 3
respond = 10
clock_starts = "receipt"
[timescales.compliment]
acknowledge = 3
[timescales.suggestion]
acknowledge = 3
respond = 20
"#;
        let c = Config::parse(text).unwrap();
        assert_eq!(c.timescales.complaint.stages, 1);
        assert_eq!(c.timescales.stage(1).clock_starts, ClockStart::Receipt);
        assert_eq!(c.timescales.record_type("suggestion").respond, Some(20));
        assert_eq!(c.timescales.record_type("compliment").respond, None);
    }

    #[test]
    fn unknown_keys_are_errors_naming_the_key() {
        let err =
            Config::parse("landlord = \"T\"\n[timescales.complaint.stage1]\nrepsond = 10\n").unwrap_err();
        assert!(err.contains("repsond"), "{err}");
        let err = Config::parse("landlord = \"T\"\nlandlord_name = \"x\"\n").unwrap_err();
        assert!(err.contains("landlord_name"), "{err}");
        let err = Config::parse("landlord = \"T\"\n[input.columns]\ncase_reference = \"Ref\"\n").unwrap_err();
        assert!(err.contains("case_reference"), "{err}");
    }

    #[test]
    fn homes_apply_from_their_year_until_the_next_entry() {
        let c = Config::parse(
            "landlord = \"T\"\n[homes]\n\"2024-25\" = { lcra = 100, lcho = 10 }\n\"2026-27\" = { lcra = 120, lcho = 12 }\n",
        )
        .unwrap();
        let fy = |s: &str| s.parse::<FinancialYear>().unwrap();
        assert_eq!(c.homes_for(fy("2023-24")), None);
        assert_eq!(c.homes_for(fy("2025-26")).unwrap().1, HomesOwned { lcra: 100, lcho: 10 });
        assert_eq!(c.homes_for(fy("2027-28")).unwrap().1.lcra, 120);
    }
}
