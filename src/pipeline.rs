//! The run, stage by stage: load, validate, calendar, metrics, render. Each
//! stage is timed; the timings go to `run.json` and, with `--verbose`, stderr.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;
use serde_json::json;

use crate::calendar::Calendar;
use crate::code::Code;
use crate::config::LoadedConfig;
use crate::error::{Error, Result};
use crate::ingest::{self, InputFile};
use crate::linked::{self, ExportQuality};
use crate::memory;
use crate::metrics::{self, Catalogue, Cube, FigureMaker, Results, Sources};
use crate::output::{self, Output};
use crate::period::Granularity;
use crate::period::Period;
use crate::render::{self, RenderInput};
use crate::self_assessment;
use crate::timescales;
use crate::validate::{self, WARNING};

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub config: PathBuf,
    /// Replaces the config's `input.cases`.
    pub cases: Vec<PathBuf>,
    pub period: String,
    pub as_of: Option<NaiveDate>,
    pub out: PathBuf,
    pub strict: bool,
    /// Replaces the bundled `queries/metrics.toml`.
    pub queries: Option<PathBuf>,
    /// Templates that replace the bundled ones of the same name.
    pub templates: Option<PathBuf>,
}

/// Stage timings in milliseconds, in pipeline order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    pub read_ms: f64,
    pub validate_ms: f64,
    pub calendar_ms: f64,
    pub metrics_ms: f64,
    pub render_ms: f64,
    pub total_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProblemCount {
    pub severity: String,
    pub column: String,
    pub problem: String,
    pub rows: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataQuality {
    pub rows_read: usize,
    pub rows_used: usize,
    pub rows_excluded: usize,
    pub rows_with_warnings: usize,
    pub problems: Vec<ProblemCount>,
    /// The survey and Ombudsman exports, when configured.
    pub other_exports: Vec<ExportQuality>,
}

pub struct RunSummary {
    pub landlord: String,
    /// None for `validate`, which reports no period.
    pub period: Option<Period>,
    pub as_of: NaiveDate,
    pub out_dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub inputs: Vec<InputFile>,
    pub quality: DataQuality,
    pub timings: Timings,
    /// Year runs with a self-assessment: what its check found.
    pub self_assessment: Option<SelfAssessmentSummary>,
}

#[derive(Debug, Clone, Copy)]
pub struct SelfAssessmentSummary {
    pub answered: usize,
    pub errors: usize,
    pub checks: usize,
}

fn ms(since: Instant) -> f64 {
    rounded(since.elapsed().as_secs_f64() * 1e3)
}

/// Milliseconds to two decimal places.
fn rounded(ms: f64) -> f64 {
    (ms * 100.0).round() / 100.0
}

/// Everything the stages before metrics produce.
pub struct Prepared {
    pub loaded: LoadedConfig,
    pub calendar: Calendar,
    pub as_of: NaiveDate,
    pub inputs: Vec<InputFile>,
    pub cases: DataFrame,
    /// Surveys linked to their complaint stage (empty without a survey export).
    pub surveys: DataFrame,
    /// Ombudsman findings linked to their case (empty without an export).
    pub determinations: DataFrame,
    pub issues: DataFrame,
    pub quality: DataQuality,
    pub timings: Timings,
}

impl Prepared {
    /// Take the row frames out, so a run can let them go once every figure
    /// is made: rendering reads only the figures, and a big export's frames
    /// are most of its memory.
    fn take_frames(&mut self) -> Frames {
        Frames {
            cases: std::mem::take(&mut self.cases),
            surveys: std::mem::take(&mut self.surveys),
            determinations: std::mem::take(&mut self.determinations),
        }
    }
}

/// The rows a run counts (see [`Prepared::take_frames`]).
struct Frames {
    cases: DataFrame,
    surveys: DataFrame,
    determinations: DataFrame,
}

impl Frames {
    fn sources(&self) -> Sources<'_> {
        Sources { cases: &self.cases, surveys: &self.surveys, determinations: &self.determinations }
    }
}

pub fn calendar_for(loaded: &LoadedConfig) -> Result<Calendar> {
    let c = &loaded.config.calendar;
    match &c.bank_holidays_file {
        Some(file) => Calendar::from_file(&loaded.resolve(file), c.division, &c.closure_days),
        None => Calendar::embedded(c.division, &c.closure_days),
    }
}

/// Load, validate and schedule: the shared front half of `run` and `validate`.
pub fn prepare(opts: &RunOptions, progress: &dyn Fn(&str)) -> Result<Prepared> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let loaded = LoadedConfig::load(&opts.config)?;
    let calendar = calendar_for(&loaded).map_err(|e| Error::config(&opts.config, e.to_string()))?;
    let as_of = opts.as_of.or(loaded.config.as_of).unwrap_or_else(|| chrono::Local::now().date_naive());
    if !calendar.contains(as_of) {
        return Err(Error::Usage(format!(
            "the run date {as_of} is outside the working-day calendar ({} to {})",
            calendar.first_day(),
            calendar.last_day()
        )));
    }
    let paths = if opts.cases.is_empty() { loaded.case_files() } else { opts.cases.clone() };
    if paths.is_empty() {
        return Err(Error::Usage(
            "no case exports given: set input.cases in the config or pass --cases".into(),
        ));
    }

    let t = Instant::now();
    progress(&format!("reading and validating {} export(s)", paths.len()));
    let config = &loaded.config;
    let mut validator = validate::Validator::new(config, &calendar, as_of);
    let mut validating = std::time::Duration::ZERO;
    let mut files =
        ingest::load_chunks(&paths, &config.input, &ingest::CASES, 0, ingest::CHUNK_BYTES, |chunk| {
            let t = Instant::now();
            validator.add(chunk)?;
            validating += t.elapsed();
            Ok(())
        })?;
    let (survey_paths, finding_paths) =
        (loaded.files_of(&config.surveys), loaded.files_of(&config.ombudsman));
    let survey_input = config.surveys.input(&config.input);
    let finding_input = config.ombudsman.input(&config.input);
    let surveys = ingest::load(&survey_paths, &survey_input, &ingest::SURVEYS, files.len())?;
    files.extend(surveys.files);
    let findings = ingest::load(&finding_paths, &finding_input, &ingest::DETERMINATIONS, files.len())?;
    files.extend(findings.files);
    // Reading and checking row by row alternate chunk by chunk; each stage
    // is timed on its own.
    let validating_ms = validating.as_secs_f64() * 1000.0;
    timings.read_ms = rounded(ms(t) - validating_ms);

    let t = Instant::now();
    let names: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    let validated = validator.finish(&names)?;
    // Each step below allocates whole columns afresh; see `release_freed`.
    memory::release_freed();
    timings.validate_ms = rounded(ms(t) + validating_ms);

    let t = Instant::now();
    progress("applying timescales and the working-day calendar");
    let scheduled = timescales::schedule(validated.cases, &loaded.config.timescales, &calendar, as_of)?;
    memory::release_freed();
    timings.calendar_ms = ms(t);

    // Themes, repeats and the linked exports are counted with the metrics.
    let t = Instant::now();
    let cases = enrich(scheduled.cases, config)?;
    memory::release_freed();
    let mut other_exports = Vec::new();
    let mut issue_frames = vec![validated.issues.lazy(), scheduled.warnings.lazy()];
    let surveys = linked::surveys(surveys.frame, &cases, &survey_input, as_of)?;
    let determinations = linked::determinations(findings.frame, &cases, &finding_input, as_of)?;
    if !survey_paths.is_empty() {
        other_exports.push(surveys.quality.clone());
    }
    if !finding_paths.is_empty() {
        other_exports.push(determinations.quality.clone());
    }
    issue_frames.push(surveys.issues.lazy());
    issue_frames.push(determinations.issues.lazy());
    memory::release_freed();
    timings.metrics_ms = ms(t);

    let issues = concat(issue_frames, UnionArgs::default())?
        .sort(
            [ingest::FILE_COLUMN, ingest::ROW_COLUMN],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()?;
    let mut quality =
        summarise_quality(&issues, validated.rows_read, validated.rows_excluded + scheduled.excluded)?;
    quality.other_exports = other_exports;
    timings.total_ms = ms(started);
    Ok(Prepared {
        loaded,
        calendar,
        as_of,
        inputs: files,
        cases,
        surveys: surveys.rows,
        determinations: determinations.rows,
        issues,
        quality,
        timings,
    })
}

/// The columns the metrics read beyond the schedule: whether each case
/// repeats a household's complaint. (Themes are resolved as each chunk is
/// validated.)
pub fn enrich(cases: DataFrame, config: &crate::config::Config) -> Result<DataFrame> {
    crate::repeats::flag(cases, &config.repeats)
}

fn summarise_quality(issues: &DataFrame, rows_read: usize, rows_excluded: usize) -> Result<DataQuality> {
    let counts = issues
        .clone()
        .lazy()
        .group_by([col("severity"), col("column"), col("kind")])
        .agg([len().alias("rows")])
        .sort(
            ["severity", "rows", "column", "kind"],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false, false]),
        )
        .collect()?;
    let mut problems = Vec::new();
    let (sev, colm, prob, rows) = (
        counts.column("severity")?.str()?,
        counts.column("column")?.str()?,
        counts.column("kind")?.str()?,
        counts.column("rows")?.cast(&DataType::UInt64)?,
    );
    let rows = rows.u64()?;
    for i in 0..counts.height() {
        problems.push(ProblemCount {
            severity: sev.get(i).unwrap_or("").to_string(),
            column: colm.get(i).unwrap_or("").to_string(),
            problem: prob.get(i).unwrap_or("").to_string(),
            rows: rows.get(i).unwrap_or(0) as usize,
        });
    }
    let rows_with_warnings = issues
        .clone()
        .lazy()
        .filter(col("severity").eq(lit(WARNING)))
        .select([as_struct(vec![col(ingest::FILE_COLUMN), col(ingest::ROW_COLUMN)]).n_unique().alias("n")])
        .collect()?
        .column("n")?
        .cast(&DataType::UInt64)?
        .u64()?
        .get(0)
        .unwrap_or(0) as usize;
    Ok(DataQuality {
        rows_read,
        rows_used: rows_read - rows_excluded,
        rows_excluded,
        rows_with_warnings,
        problems,
        other_exports: Vec::new(),
    })
}

impl DataQuality {
    /// Whether a run read the named export other than the cases.
    pub fn read(&self, export: &str) -> bool {
        self.other_exports.iter().any(|e| e.export == export)
    }
}

/// `data-quality.csv`: one line per problem found, in file and row order.
pub fn data_quality_csv(issues: &DataFrame, inputs: &[InputFile]) -> Result<Vec<u8>> {
    let file = issues.column(ingest::FILE_COLUMN)?.u32()?;
    let row = issues.column(ingest::ROW_COLUMN)?.u32()?;
    let text = |name: &str| -> Result<&StringChunked> { Ok(issues.column(name)?.str()?) };
    let (case_ref, column, value, problem, severity) =
        (text("case_ref")?, text("column")?, text("value")?, text("problem")?, text("severity")?);
    let rows = (0..issues.height()).map(|i| {
        vec![
            file.get(i)
                .and_then(|f| inputs.get(f as usize))
                .map(|f| f.path.display().to_string())
                .unwrap_or_default(),
            row.get(i).map(|r| r.to_string()).unwrap_or_default(),
            case_ref.get(i).unwrap_or("").to_string(),
            column.get(i).unwrap_or("").to_string(),
            value.get(i).unwrap_or("").to_string(),
            problem.get(i).unwrap_or("").to_string(),
            severity.get(i).unwrap_or("").to_string(),
        ]
    });
    output::csv_bytes(&["file", "row", "case_ref", "column", "value", "problem", "severity"], rows)
}

/// `redress validate`: data quality only, into `out/data-quality.csv`.
pub fn validate_only(opts: &RunOptions, progress: &dyn Fn(&str)) -> Result<RunSummary> {
    let _lock = output::lock(&opts.out)?;
    let prepared = prepare(opts, progress)?;
    let bytes = data_quality_csv(&prepared.issues, &prepared.inputs)?;
    let files = output::write_all(&opts.out, &[Output { name: "data-quality.csv".into(), bytes }])?;
    if opts.strict && prepared.quality.rows_excluded > 0 {
        return Err(Error::StrictDataErrors {
            rows: prepared.quality.rows_excluded,
            report: opts.out.join("data-quality.csv"),
        });
    }
    Ok(RunSummary {
        landlord: prepared.loaded.config.landlord.clone(),
        period: None,
        as_of: prepared.as_of,
        out_dir: opts.out.clone(),
        files,
        inputs: prepared.inputs,
        quality: prepared.quality,
        timings: prepared.timings,
        self_assessment: None,
    })
}

/// `redress run`: every output for a period into `out/<period>/`.
pub fn run(opts: &RunOptions, progress: &dyn Fn(&str)) -> Result<RunSummary> {
    let started = Instant::now();
    let _lock = output::lock(&opts.out)?;
    let mut prepared = prepare(opts, progress)?;
    let frames = prepared.take_frames();
    let period = Period::parse(&opts.period, prepared.as_of)?;
    let catalogue_owned;
    let catalogue = match &opts.queries {
        Some(path) => {
            catalogue_owned = Catalogue::load(path)?;
            &catalogue_owned
        }
        None => Catalogue::embedded(),
    };
    let config = &prepared.loaded.config;
    let out_dir = opts.out.join(period.to_string());
    let mut timings = prepared.timings.clone();

    let t = Instant::now();
    progress(&format!("computing figures for {}", period.label()));
    // The monthly pack: the month itself, or a quarter's last month.
    let month = match period.granularity() {
        Granularity::Month => Some(period),
        Granularity::Quarter => Some(Period::of(Granularity::Month, period.end())),
        Granularity::Year => None,
    };
    let quarters: Vec<Period> = match period.granularity() {
        Granularity::Quarter => vec![period],
        Granularity::Year => {
            (0..4).rev().map(|n| Period::of(Granularity::Quarter, period.end()).back(n)).collect()
        }
        Granularity::Month => Vec::new(),
    };
    let window = window(&period, month.as_ref());
    let cube = Cube::build(frames.sources(), catalogue, window)?;
    memory::release_freed();
    let maker = FigureMaker { cube: &cube, catalogue, config };
    let results = Results::compute(&maker, period);
    let monthly = match month {
        Some(m) if m == period => None,
        Some(m) => Some(Results::compute(&maker, m)),
        None => None,
    };
    let quarter_figures: Vec<metrics::Figure> =
        quarters.iter().flat_map(|q| maker.period_figures(q, true)).collect();
    let open =
        metrics::results::open_cases(&frames.cases, prepared.as_of, timescales::DUE_SOON_WORKING_DAYS)?;
    let actions = metrics::results::learning_actions(&frames.cases, &period)?;
    let (households, complaints) =
        crate::repeats::households_with_repeats(&frames.cases, period.start(), period.end())?;
    let repeat_households =
        render::RepeatHouseholds { households, complaints, window_days: config.repeats.window_days };
    let annual = match period.granularity() {
        Granularity::Year => {
            let read: Vec<&str> = prepared.quality.other_exports.iter().map(|e| e.export).collect();
            Some(annual_input(&prepared.loaded, &results, catalogue, &period, &read, prepared.as_of)?)
        }
        _ => None,
    };
    drop(frames);
    memory::release_freed();
    timings.metrics_ms += ms(t);

    let t = Instant::now();
    progress("rendering reports");
    let quality_csv = data_quality_csv(&prepared.issues, &prepared.inputs)?;
    if opts.strict && prepared.quality.rows_excluded > 0 {
        // Strict: publish nothing but the list of what must be fixed.
        output::write_all(&out_dir, &[Output { name: "data-quality.csv".into(), bytes: quality_csv }])?;
        return Err(Error::StrictDataErrors {
            rows: prepared.quality.rows_excluded,
            report: out_dir.join("data-quality.csv"),
        });
    }
    if let Some(sa) = annual.as_ref().and_then(|a| a.self_assessment.as_ref()) {
        if opts.strict && sa.errors() > 0 {
            return Err(Error::SelfAssessment { path: sa.path.clone(), errors: sa.errors() });
        }
    }
    let templates_dir = opts
        .templates
        .clone()
        .or_else(|| config.reports.templates_dir.as_ref().map(|d| prepared.loaded.resolve(d)));
    let input = RenderInput {
        landlord: &config.landlord,
        as_of: prepared.as_of,
        results: &results,
        monthly: monthly.as_ref().or(if month == Some(period) { Some(&results) } else { None }),
        quarter_figures: &quarter_figures,
        quarters: &quarters,
        open: &open,
        quality: &prepared.quality,
        catalogue,
        rules: rules(&prepared),
        templates_dir,
        quality_csv,
        actions: &actions,
        assembly: &config.customer_assembly,
        themes: &config.themes,
        repeat_households,
        annual: annual.as_ref(),
        people_names: &config.customer_assembly.people_names,
    };
    let mut outputs = render::render(&input)?;
    timings.render_ms = ms(t);
    timings.total_ms = ms(started);
    let manifest = manifest(opts, &prepared, &period, &timings)?;
    outputs.push(Output { name: "run.json".into(), bytes: output::json_bytes(&manifest, "run.json")? });
    progress("writing outputs");
    let files = output::write_all(&out_dir, &outputs)?;
    let self_assessment = annual.as_ref().and_then(|a| {
        a.self_assessment.as_ref().map(|sa| SelfAssessmentSummary {
            answered: sa.answered(),
            errors: sa.errors(),
            checks: a.measured.iter().filter(|m| m.flag.is_some()).count(),
        })
    });
    Ok(RunSummary {
        landlord: config.landlord.clone(),
        period: Some(period),
        as_of: prepared.as_of,
        out_dir,
        files,
        inputs: prepared.inputs,
        quality: prepared.quality,
        timings,
        self_assessment,
    })
}

/// The Code self-assessment, read and checked, with the year's figures set
/// beside it; and the governing body's response.
fn annual_input(
    loaded: &LoadedConfig,
    results: &Results,
    catalogue: &Catalogue,
    period: &Period,
    exports_read: &[&str],
    as_of: NaiveDate,
) -> Result<render::annual::AnnualInput> {
    let cfg = &loaded.config.annual_report;
    let code = code_for(loaded)?;
    let mut sa = match &cfg.self_assessment {
        Some(file) => Some(self_assessment::read(&loaded.resolve(file), &code)?),
        None => None,
    };
    if let Some(sa) = sa.as_mut() {
        sa.check_year(&period.to_string());
        sa.check_approval_date(as_of);
    }
    let measured = self_assessment::measure(
        sa.as_ref(),
        &code,
        results,
        catalogue,
        cfg.compliance_threshold_pct,
        loaded.config.timescales.complaint.stages,
        exports_read,
    );
    let governing_body_response = match &cfg.governing_body_response {
        Some(file) => {
            let path = loaded.resolve(file);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Error::config(&path, format!("annual_report.governing_body_response: cannot read: {e}"))
            })?;
            paragraphs(&text)
        }
        None => Vec::new(),
    };
    Ok(render::annual::AnnualInput {
        code,
        self_assessment: sa,
        measured,
        governing_body_response,
        member_responsible: cfg.member_responsible_for_complaints.clone(),
        threshold_pct: cfg.compliance_threshold_pct,
        homes: loaded.config.homes_for(period.financial_year()),
    })
}

/// The configured edition of the Code, bundled or from `code_file`.
fn code_for(loaded: &LoadedConfig) -> Result<Code> {
    let cfg = &loaded.config.annual_report;
    let code_file = cfg.code_file.as_ref().map(|f| loaded.resolve(f));
    Code::load(&cfg.code_edition, code_file.as_deref())
}

/// Plain-text paragraphs: blocks separated by blank lines, lines joined.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim).chain(std::iter::once("")) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    out
}

/// `redress validate-self-assessment`: the evidence file checked against
/// the configured edition of the Code (and year, when given).
pub fn validate_self_assessment(
    config: &std::path::Path,
    file: Option<&std::path::Path>,
    year: Option<&str>,
) -> Result<self_assessment::SelfAssessment> {
    let loaded = LoadedConfig::load(config)?;
    let cfg = &loaded.config.annual_report;
    let code = code_for(&loaded)?;
    let path = match (file, &cfg.self_assessment) {
        (Some(f), _) => f.to_path_buf(),
        (None, Some(f)) => loaded.resolve(f),
        (None, None) => {
            return Err(Error::Usage(
                "no self-assessment file: set annual_report.self_assessment in the config or pass --file"
                    .into(),
            ))
        }
    };
    let mut sa = self_assessment::read(&path, &code)?;
    if let Some(year) = year {
        sa.check_year(year);
    }
    // The run date a yearly run would use without --as-of: the config's as_of, else today.
    sa.check_approval_date(loaded.config.as_of.unwrap_or_else(|| chrono::Local::now().date_naive()));
    Ok(sa)
}

/// The dates whose rows the figures need: the trend, the comparisons, the
/// financial year to date, and the monthly pack's own trend.
fn window(period: &Period, month: Option<&Period>) -> (NaiveDate, NaiveDate) {
    let mut start = period
        .back(metrics::results::TREND_PERIODS - 1)
        .start()
        .min(period.same_period_last_year().start())
        .min(period.financial_year().start());
    if let Some(m) = month {
        start = start
            .min(m.back(metrics::results::TREND_PERIODS - 1).start())
            .min(m.same_period_last_year().start());
    }
    (start, period.end())
}

fn rules(prepared: &Prepared) -> serde_json::Value {
    let ts = &prepared.loaded.config.timescales;
    let mut streams = BTreeMap::new();
    streams.insert("stage1".to_string(), ts.stage(1));
    if ts.complaint.stages == 2 {
        streams.insert("stage2".to_string(), ts.stage(2));
    }
    for rt in crate::config::RECORD_TYPES.iter().filter(|r| **r != "complaint") {
        streams.insert(rt.to_string(), ts.record_type(rt));
    }
    json!({
        "working_days": [
            "A working day is a Monday to Friday that is not a bank holiday of the division nor a listed closure day.",
            "Day 0 is the day of receipt, or the next working day if that is not a working day.",
            "'Within N working days' means on or before the Nth working day after day 0.",
            "The response clock starts at the acknowledgement but never later than the day it was due; with no acknowledgement recorded, at the due date (or at day 0 where clock_starts = receipt).",
            "An agreed extension moves the due date later by at most the stage's maximum extension.",
            "A response is on time when its date is on or before the due date.",
            "Working days taken are the working days after day 0 up to and including the response date.",
            "A response with no acknowledgement recorded counts as the acknowledgement.",
        ],
        "complaint_stages": ts.complaint.stages,
        "timescales": streams,
        "calendar": prepared.calendar.source(),
    })
}

/// The command line that reproduces a run: every option that changes an
/// output, with the run date pinned.
fn reproduce_command(opts: &RunOptions, period: &Period, as_of: NaiveDate) -> String {
    let mut command =
        format!("redress run --config {} --period {period} --as-of {as_of}", opts.config.display());
    for case in &opts.cases {
        command.push_str(&format!(" --cases {}", case.display()));
    }
    if let Some(q) = &opts.queries {
        command.push_str(&format!(" --queries {}", q.display()));
    }
    if let Some(t) = &opts.templates {
        command.push_str(&format!(" --templates {}", t.display()));
    }
    if opts.strict {
        command.push_str(" --strict");
    }
    command
}

fn manifest(
    opts: &RunOptions,
    prepared: &Prepared,
    period: &Period,
    timings: &Timings,
) -> Result<serde_json::Value> {
    Ok(json!({
        "redress_version": env!("CARGO_PKG_VERSION"),
        "command": "run",
        "config": { "path": opts.config, "sha256": prepared.loaded.sha256 },
        "queries": opts.queries.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "embedded queries/metrics.toml".into()),
        "period": period.to_string(),
        "as_of": prepared.as_of,
        "strict": opts.strict,
        "reproduce": reproduce_command(opts, period, prepared.as_of),
        "inputs": prepared.inputs,
        "rows": {
            "read": prepared.quality.rows_read,
            "used": prepared.quality.rows_used,
            "excluded": prepared.quality.rows_excluded,
            "with_warnings": prepared.quality.rows_with_warnings,
        },
        "timings_note": "timings vary from run to run; every other field of every output is reproducible from the same inputs, config and as-of date",
        "timings": timings,
    }))
}
