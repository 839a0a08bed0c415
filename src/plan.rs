//! What a run will do, settled before any export is read: the configuration
//! loaded and checked, the working-day calendar, the run date, the period,
//! the exports, the metric definitions and the templates. Every command line
//! option and config setting is resolved here once, so the stages after it
//! read typed values and a mistake in any of them stops the run before work
//! starts.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::config::LoadedConfig;
use crate::error::{Error, Result};
use crate::metrics::Catalogue;
use crate::period::Period;

/// What was asked for, as given: the command line over the config. Kept in
/// the plan so the run's manifest can say how to reproduce it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub config: PathBuf,
    /// Replaces the config's `input.cases`.
    pub cases: Vec<PathBuf>,
    /// `2025-26-Q2`, `latest-quarter`...; None for data quality only.
    pub period: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub out: PathBuf,
    pub strict: bool,
    /// Replaces the bundled `queries/metrics.toml`.
    pub queries: Option<PathBuf>,
    /// Templates that replace the bundled ones of the same name.
    pub templates: Option<PathBuf>,
}

/// A request resolved against the configuration.
pub struct Plan {
    pub request: Request,
    pub loaded: LoadedConfig,
    pub calendar: Calendar,
    /// The run date: `--as-of`, else the config's `as_of`, else today.
    pub as_of: NaiveDate,
    /// None for `validate`, which reports no period.
    pub period: Option<Period>,
    /// The case exports, in the order they are read.
    pub case_files: Vec<PathBuf>,
    pub survey_files: Vec<PathBuf>,
    pub determination_files: Vec<PathBuf>,
    /// The Regulator's TSM releases of `[benchmarks] tsm_files`.
    pub benchmark_files: Vec<PathBuf>,
    pub catalogue: Catalogue,
    /// `--templates`, else the config's `reports.templates_dir`.
    pub templates_dir: Option<PathBuf>,
}

impl Plan {
    pub fn resolve(request: Request, today: NaiveDate) -> Result<Plan> {
        let loaded = LoadedConfig::load(&request.config)?;
        let calendar = calendar_for(&loaded).map_err(|e| Error::config(&request.config, e.to_string()))?;
        let as_of = request.as_of.or(loaded.config.as_of).unwrap_or(today);
        if !calendar.contains(as_of) {
            return Err(Error::Usage(format!(
                "the run date {as_of} is outside the working-day calendar ({} to {})",
                calendar.first_day(),
                calendar.last_day()
            )));
        }
        let case_files = if request.cases.is_empty() { loaded.case_files() } else { request.cases.clone() };
        if case_files.is_empty() {
            return Err(Error::Usage(
                "no case exports given: set input.cases in the config or pass --cases".into(),
            ));
        }
        let period = request.period.as_deref().map(|p| Period::parse(p, as_of)).transpose()?;
        if let Some(p) = period.filter(|p| p.start() > as_of) {
            return Err(Error::Usage(format!(
                "the period {p} starts after the run date ({as_of}): it has no figures yet; give an earlier period or --as-of"
            )));
        }
        let catalogue = match &request.queries {
            Some(path) => Catalogue::load(path)?,
            None => Catalogue::embedded().clone(),
        };
        catalogue
            .check_targets(loaded.config.targets.keys())
            .map_err(|message| Error::config(&request.config, message))?;
        // A folder that is not there would leave every report to the bundled
        // templates without a word: a typo must not publish the wrong look.
        let templates_dir = match (&request.templates, &loaded.config.reports.templates_dir) {
            (Some(dir), _) if !dir.is_dir() => {
                return Err(Error::Usage(format!("--templates {}: not a folder", dir.display())));
            }
            (Some(dir), _) => Some(dir.clone()),
            (None, Some(dir)) => {
                let dir = loaded.resolve(dir);
                if !dir.is_dir() {
                    return Err(Error::config(
                        &request.config,
                        format!("reports.templates_dir: not a folder: {}", dir.display()),
                    ));
                }
                Some(dir)
            }
            (None, None) => None,
        };
        let survey_files = loaded.files_of(&loaded.config.surveys);
        let determination_files = loaded.files_of(&loaded.config.ombudsman);
        let benchmark_files = loaded.benchmark_files();
        // Before anything is read or written: a missing export is said with
        // where it was named, since a path in the config is taken from the
        // config's folder, not from where the command runs.
        let named_in = |key: &str| {
            format!(
                "not found: named by {key} in {} (a relative path there is taken from the config's folder)",
                request.config.display()
            )
        };
        let cases_named_in = if request.cases.is_empty() {
            named_in("input.cases")
        } else {
            "not found: given with --cases".into()
        };
        for (files, said) in [
            (&case_files, cases_named_in),
            (&survey_files, named_in("surveys.files")),
            (&determination_files, named_in("ombudsman.files")),
        ] {
            if let Some(missing) = files.iter().find(|f| !f.exists()) {
                return Err(Error::input(missing, said));
            }
        }
        // A year's run reads the annual report's files only once every
        // figure is made: a missing one is said now, not minutes later.
        if matches!(period, Some(Period::Year(_))) {
            let annual = &loaded.config.annual_report;
            for (key, file) in [
                ("self_assessment", &annual.self_assessment),
                ("governing_body_response", &annual.governing_body_response),
                ("ombudsman_annual_letter", &annual.ombudsman_annual_letter),
                ("code_file", &annual.code_file),
            ] {
                if let Some(path) = file.as_ref().map(|f| loaded.resolve(f)).filter(|p| !p.exists()) {
                    return Err(Error::config(&path, named_in(&format!("annual_report.{key}"))));
                }
            }
        }
        Ok(Plan {
            survey_files,
            determination_files,
            benchmark_files,
            case_files,
            period,
            catalogue,
            templates_dir,
            calendar,
            as_of,
            loaded,
            request,
        })
    }

    /// Where the run's outputs go: `OUT/<period>/`, or `OUT/` for data
    /// quality only.
    pub fn out_dir(&self) -> PathBuf {
        match &self.period {
            Some(p) => self.request.out.join(p.to_string()),
            None => self.request.out.clone(),
        }
    }

    /// The command line that reproduces the run: every option that changes
    /// an output, with the run date pinned.
    pub fn reproduce_command(&self) -> String {
        let r = &self.request;
        let period = self.period.map(|p| p.to_string()).unwrap_or_default();
        let word = |path: &std::path::Path| shell_word(&path.to_string_lossy());
        let mut command =
            format!("redress run --config {} --period {period} --as-of {}", word(&r.config), self.as_of);
        for case in &r.cases {
            command.push_str(&format!(" --cases {}", word(case)));
        }
        if let Some(q) = &r.queries {
            command.push_str(&format!(" --queries {}", word(q)));
        }
        if let Some(t) = &r.templates {
            command.push_str(&format!(" --templates {}", word(t)));
        }
        if r.strict {
            command.push_str(" --strict");
        }
        command
    }
}

/// A path as one shell word, so the reproducing command can be pasted: a
/// path with a space or a `;` in it is quoted, not run as two commands.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The working-day calendar a configuration describes: the bundled gov.uk
/// holidays or the landlord's newer file, the division, closure days and
/// where day 0 falls for a clock started on a non-working day.
pub fn calendar_for(loaded: &LoadedConfig) -> Result<Calendar> {
    let c = &loaded.config.calendar;
    let calendar = match &c.bank_holidays_file {
        Some(file) => Calendar::from_file(&loaded.resolve(file), c.division, &c.closure_days),
        None => Calendar::embedded(c.division, &c.closure_days),
    }?;
    Ok(calendar.with_non_working_receipt(c.non_working_receipt))
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn a_path_is_one_shell_word_however_it_is_spelt() {
        assert_eq!(shell_word("in/cases-2025.csv"), "in/cases-2025.csv");
        assert_eq!(shell_word("in/a b/x;rm -rf y.csv"), "'in/a b/x;rm -rf y.csv'");
        assert_eq!(shell_word("O'Brien's.csv"), r"'O'\''Brien'\''s.csv'");
        assert_eq!(shell_word(""), "''");
    }
}
