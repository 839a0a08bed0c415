//! The landlord configuration: a TOML file of typed sections. Unknown keys are
//! errors that name the key, so a typo never silently falls back to a default.
//! Every timescale defaults to the Housing Ombudsman's Complaint Handling Code
//! (2024); a landlord states only where its own policy differs.

mod benchmarks;
mod dates;
mod input;
mod reports;
mod timescales;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::period::FinancialYear;
use crate::schema;
pub use benchmarks::{BenchmarksConfig, LandlordType, PeerAttributes, PeerGroup, SizeBand};
pub use input::{DateFormat, Encoding, InputConfig, OtherExport};
pub use reports::{
    default_taxonomy, AnnualReportConfig, CustomerAssemblyConfig, RepeatsConfig, ReportsConfig, ThemesConfig,
    Tp09Answers, Tp09Year,
};
pub use timescales::{
    CalendarConfig, Ch02Timescales, ClockStart, ComplaintTimescales, Division, NonWorkingReceipt,
    StageTimescale, StageTimescaleConfig, Timescales, CODE_STAGE1, CODE_STAGE2, OTHER_FEEDBACK,
};

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
    #[serde(default, deserialize_with = "dates::one")]
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
    /// The Regulator's published TSM releases to compare with; None when
    /// the section is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmarks: Option<BenchmarksConfig>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HomesOwned {
    #[serde(default)]
    pub lcra: u32,
    #[serde(default)]
    pub lcho: u32,
    /// Homes of residents outside social stock, by stock type as reports
    /// name it (`{ Leasehold = 1200 }`): the per-1,000-homes figures count
    /// those residents' complaints, so their homes belong in the divisor.
    /// CH01 never reads them.
    #[serde(default)]
    pub others: BTreeMap<String, u32>,
}

impl HomesOwned {
    /// Low cost rental and low cost home ownership: the homes of the
    /// Regulator's measures.
    pub fn social(&self) -> u32 {
        self.lcra + self.lcho
    }

    /// Every home given, social or not.
    pub fn all(&self) -> u32 {
        self.social() + self.others.values().sum::<u32>()
    }

    /// The homes of one stock type, if given.
    pub fn of_stock_type(&self, stock_type: &str) -> Option<u32> {
        match stock_type {
            schema::LCRA => Some(self.lcra),
            schema::LCHO => Some(self.lcho),
            other => self.others.get(other).copied(),
        }
    }
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

    /// The Regulator's releases of `[benchmarks] tsm_files`, resolved.
    pub fn benchmark_files(&self) -> Vec<PathBuf> {
        let files = self.config.benchmarks.iter().flat_map(|b| &b.tsm_files);
        files.map(|p| self.resolve(p)).collect()
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
        self.timescales.check()?;
        let within = self.customer_assembly.same_within_points;
        if !(within.is_finite() && within > 0.0 && within <= 100.0) {
            return Err(format!(
                "customer_assembly.same_within_points is {within}; give the percentage points, more than 0 and at most 100, under which a change is \"about the same\""
            ));
        }
        for (section, columns, schema) in [
            ("input", &self.input.columns, &schema::CASES),
            ("surveys", &self.surveys.columns, &schema::SURVEYS),
            ("ombudsman", &self.ombudsman.columns, &schema::DETERMINATIONS),
        ] {
            // Two columns from one header: only one of them could be read.
            let mut by_key: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
            for (canonical, header) in columns {
                if let Some(other) = by_key.insert(crate::ingest::header_key(header), canonical) {
                    return Err(format!(
                        "{section}.columns: '{other}' and '{canonical}' are both mapped from \"{header}\"; a header feeds one column"
                    ));
                }
            }
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
        let stock_types = schema::stock_types(&self.input.stock_types);
        for (name, spellings) in &self.input.stock_types {
            if name.trim().is_empty() || spellings.iter().all(|s| schema::spelling_key(s).is_empty()) {
                return Err(format!("input.stock_types: '{name}' needs a name and at least one spelling"));
            }
        }
        let mut named: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
        for (name, spellings) in &self.input.record_types {
            for spelling in spellings {
                if let Some(other) = named.insert(schema::spelling_key(spelling), name).filter(|o| o != name)
                {
                    return Err(format!(
                        "input.record_types: \"{spelling}\" is given for both '{other}' and '{name}'; a name means one record type"
                    ));
                }
            }
            if !schema::RECORD_TYPES.contains(&name.as_str()) {
                return Err(format!(
                    "input.record_types: '{name}' is not a record type; expected one of {}",
                    schema::RECORD_TYPES.join(", ")
                ));
            }
            if spellings.iter().all(|s| schema::spelling_key(s).is_empty()) {
                return Err(format!("input.record_types: '{name}' needs at least one spelling"));
            }
        }
        for (year, homes) in &self.homes {
            for name in homes.others.keys() {
                if schema::TSM_STOCK_TYPES.contains(&name.as_str())
                    || !stock_types.values().contains(&name.as_str())
                {
                    return Err(format!(
                        "homes.\"{year}\".others: '{name}' is not a stock type outside LCRA and LCHO; expected one of {}",
                        stock_types.values().into_iter().filter(|v| !schema::TSM_STOCK_TYPES.contains(v)).collect::<Vec<_>>().join(", ")
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
        if let Some(b) = &self.benchmarks {
            b.check()?;
        }
        Ok(())
    }

    /// Homes owned that apply to a financial year: the latest entry at or before it.
    pub fn homes_for(&self, year: FinancialYear) -> Option<(FinancialYear, HomesOwned)> {
        self.homes.range(..=year).next_back().map(|(y, h)| (*y, h.clone()))
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

    /// A landlord's name for a record type means one of them: which would
    /// win is not for the order of the config to decide.
    #[test]
    fn a_record_type_name_means_one_record_type() {
        let e = Config::parse(
            "landlord = \"T\"\n[input.record_types]\ncomplaint = [\"Service request\"]\nenquiry = [\"service-request\"]\n",
        )
        .unwrap_err();
        assert!(e.contains("is given for both 'complaint' and 'enquiry'"), "{e}");
    }

    /// Dates are read as `--as-of` reads them, and refused saying how to
    /// write one.
    #[test]
    fn dates_are_read_in_either_form_and_refused_saying_how() {
        let parse = |extra: &str| Config::parse(&format!("landlord = \"T\"\n{extra}"));
        let day = |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let c = parse("as_of = \"09/10/2026\"\n[calendar]\nclosure_days = [2025-12-29, \"2025-12-30\", \"31/12/2025\"]\n").unwrap();
        assert_eq!(c.as_of, Some(day("2026-10-09")));
        assert_eq!(c.calendar.closure_days, [day("2025-12-29"), day("2025-12-30"), day("2025-12-31")]);
        for bad in
            ["as_of = \"2026-13-01\"", "[calendar]\nclosure_days = [\"Christmas\"]", "as_of = 20261009"]
        {
            let e = parse(bad).unwrap_err();
            assert!(e.contains("is not a date: give one as \"2025-12-29\" or \"29/12/2025\""), "{bad}: {e}");
        }
    }

    /// Timescales a policy's wording invites and no process could mean are
    /// refused naming the key and what to give instead.
    #[test]
    fn timescales_no_process_could_mean_are_errors() {
        let err = |extra: &str| Config::parse(&format!("landlord = \"T\"\n{extra}")).unwrap_err();
        for (value, says) in [
            ("7.5", "floating point `7.5`"),
            ("\"10 calendar days\"", "string \"10 calendar days\""),
            ("-1", "integer `-1`"),
            ("4294967295", "integer `4294967295`"),
        ] {
            let e = err(&format!("[timescales.complaint.stage1]\nrespond = {value}\n"));
            assert!(e.contains(says) && e.contains("a whole number of working days"), "{e}");
            assert!(e.contains("respond"), "{e}");
        }
        let e = err("[timescales.suggestion]\nrespond = 0\n");
        assert!(e.starts_with("timescales.suggestion.respond is 0"), "{e}");
        let e = err("[timescales.complaint]\nstages = 1\n[timescales.complaint.stage2]\nrespond = 20\n");
        assert!(e.contains("a one-stage process has no stage 2"), "{e}");
        assert!(Config::parse("landlord = \"T\"\n[timescales.complaint]\nstages = 1\n").is_ok());
        assert!(Config::parse("landlord = \"T\"\n[timescales.complaint.stage1]\nacknowledge = 0\n").is_ok());
    }

    /// One header cannot feed two columns (one of them would silently get
    /// nothing), nor can a margin be nothing or more than everything.
    #[test]
    fn one_header_for_two_columns_and_a_margin_out_of_range_are_errors() {
        let err = Config::parse(
            "landlord = \"T\"\n[input.columns]\ncategory = \"Theme\"\nlearning_theme = \"theme\"\n",
        )
        .unwrap_err();
        assert!(err.contains("'category' and 'learning_theme' are both mapped from \"theme\""), "{err}");
        for margin in ["0", "-1", "101", "nan"] {
            let err = Config::parse(&format!(
                "landlord = \"T\"\n[customer_assembly]\nsame_within_points = {margin}\n"
            ))
            .unwrap_err();
            assert!(err.contains("customer_assembly.same_within_points"), "{margin}: {err}");
        }
        assert!(Config::parse("landlord = \"T\"\n[customer_assembly]\nsame_within_points = 0.5\n").is_ok());
    }

    #[test]
    fn non_working_receipt_defaults_to_the_next_working_day_and_a_wrong_value_names_the_key() {
        let c = Config::parse("landlord = \"T\"").unwrap();
        assert_eq!(c.calendar.non_working_receipt, NonWorkingReceipt::NextWorkingDay);
        let set = |value: &str| {
            Config::parse(&format!("landlord = \"T\"\n[calendar]\nnon_working_receipt = \"{value}\"\n"))
        };
        assert_eq!(
            set("previous_working_day").unwrap().calendar.non_working_receipt,
            NonWorkingReceipt::PreviousWorkingDay
        );
        assert_eq!(
            set("next_working_day").unwrap().calendar.non_working_receipt,
            NonWorkingReceipt::NextWorkingDay
        );
        let err = set("previous-working-day").unwrap_err();
        for part in
            ["non_working_receipt", "previous-working-day", "`next_working_day` or `previous_working_day`"]
        {
            assert!(err.contains(part), "{part} not in {err}");
        }
    }

    #[test]
    fn benchmarks_read_with_defaults_and_reject_unknown_keys() {
        use crate::sector::{LandlordType, PeerGroup, SizeBand};
        let c = Config::parse("landlord = \"T\"").unwrap();
        assert!(c.benchmarks.is_none(), "absent section, no benchmarking");
        let c = Config::parse(
            "landlord = \"T\"\n[benchmarks]\ntsm_files = [\"a.xlsx\"]\npeer_attributes = { landlord_type = \"PRP\", size_band = \"5,000-40,000\" }\n",
        )
        .unwrap();
        let b = c.benchmarks.unwrap();
        assert_eq!(b.tsm_files, [PathBuf::from("a.xlsx")]);
        assert_eq!(b.peer_group, PeerGroup::default());
        let a = b.peer_attributes.unwrap();
        assert_eq!(
            (a.landlord_type, a.size_band),
            (Some(LandlordType::Prp), Some(SizeBand::From5000To40000))
        );
        for (typo, key) in [
            ("tsm_file = []", "tsm_file"),
            ("landlord_code = \"L1\"\npeer_group = { size = true }", "size"),
            ("landlord_code = \"L1\"\npeer_attributes = { type = \"PRP\" }", "type"),
        ] {
            let err = Config::parse(&format!("landlord = \"T\"\n[benchmarks]\n{typo}\n")).unwrap_err();
            assert!(err.contains(key), "{err}");
        }
    }

    #[test]
    fn a_peer_group_needs_the_landlords_attributes_from_somewhere() {
        let err = Config::parse("landlord = \"T\"\n[benchmarks]\ntsm_files = [\"a.xlsx\"]\n").unwrap_err();
        assert!(err.contains("landlord_code") && err.contains("peer_attributes"), "{err}");
        let everyone = "peer_group = { landlord_type = false, size_band = false }";
        assert!(Config::parse(&format!("landlord = \"T\"\n[benchmarks]\n{everyone}\n")).is_ok());
        assert!(Config::parse("landlord = \"T\"\n[benchmarks]\nlandlord_code = \"45UB\"\n").is_ok());
    }

    #[test]
    fn homes_apply_from_their_year_until_the_next_entry() {
        let c = Config::parse(
            "landlord = \"T\"\n[homes]\n\"2024-25\" = { lcra = 100, lcho = 10 }\n\"2026-27\" = { lcra = 120, lcho = 12 }\n",
        )
        .unwrap();
        let fy = |s: &str| s.parse::<FinancialYear>().unwrap();
        assert_eq!(c.homes_for(fy("2023-24")), None);
        assert_eq!(
            c.homes_for(fy("2025-26")).unwrap().1,
            HomesOwned { lcra: 100, lcho: 10, ..Default::default() }
        );
        assert_eq!(c.homes_for(fy("2027-28")).unwrap().1.lcra, 120);
    }
}
