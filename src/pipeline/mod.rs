//! The run, stage by stage: load, validate, calendar ([`prepare`]), then
//! metrics and render, with the outputs written together at the end. Each
//! stage is timed; the timings go to `run.json` and, with `--verbose`, stderr.

mod manifest;
pub mod prepare;

use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use serde::Serialize;

use crate::code::Code;
use crate::config::LoadedConfig;
use crate::error::{Error, Result};
use crate::ingest::InputFile;
use crate::metrics::{self, Cube, FigureMaker, Results};
use crate::output::{self, Output};
use crate::period::{Granularity, Period};
use crate::plan::Plan;
use crate::quality::DataQuality;
use crate::render::{self, RenderInput};
use crate::self_assessment;
use crate::timescales;
pub use prepare::{prepare, Prepared};

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

/// `redress validate`: data quality only, into `out/data-quality.csv`.
pub fn validate_only(plan: &Plan, progress: &dyn Fn(&str)) -> Result<RunSummary> {
    let out_dir = plan.out_dir();
    let _lock = output::lock(&out_dir)?;
    let prepared = prepare(plan, progress)?;
    let bytes = prepared.quality_csv()?;
    let files = output::write_all(&out_dir, &[Output { name: "data-quality.csv".into(), bytes }])?;
    if let Some(failure) = strict_failure(plan, &prepared, &out_dir) {
        return Err(failure);
    }
    Ok(RunSummary {
        landlord: plan.loaded.config.landlord.clone(),
        period: None,
        as_of: plan.as_of,
        out_dir,
        files,
        inputs: prepared.inputs,
        quality: prepared.quality,
        timings: prepared.timings,
        self_assessment: None,
    })
}

/// Strict: any excluded row fails the run (once `data-quality.csv` is written).
fn strict_failure(plan: &Plan, prepared: &Prepared, out_dir: &std::path::Path) -> Option<Error> {
    let quality = &prepared.quality;
    let report = || out_dir.join("data-quality.csv");
    // Survey and Ombudsman rows excluded count as much as case rows.
    let rows = quality.rows_excluded + quality.other_exports.iter().map(|e| e.rows_excluded).sum::<usize>();
    (plan.request.strict && rows > 0).then(|| Error::StrictDataErrors { rows, report: report() })
}

/// `redress run`: every output for the plan's period into `out/<period>/`.
pub fn run(plan: &Plan, progress: &dyn Fn(&str)) -> Result<RunSummary> {
    let started = Instant::now();
    let period = plan.period.ok_or_else(|| Error::Usage("a run needs a period".into()))?;
    let out_dir = plan.out_dir();
    let _lock = output::lock(&plan.request.out)?;
    let mut prepared = prepare(plan, progress)?;
    let quality_csv = prepared.quality_csv()?;
    // Strict, with rows excluded: no figure is worked out and the period's
    // reports are left as they were; the list of what must be fixed goes
    // where `validate` would write it.
    // Strict or not, a run whose every case row is excluded publishes
    // nothing: reports of nothing would replace the last good ones.
    let quality = &prepared.quality;
    let nothing_used = (quality.rows_read > 0 && quality.rows_used == 0).then(|| Error::NoRowsUsed {
        rows: quality.rows_read,
        report: plan.request.out.join("data-quality.csv"),
    });
    if let Some(failure) = nothing_used.or_else(|| strict_failure(plan, &prepared, &plan.request.out)) {
        output::write_all(
            &plan.request.out,
            &[Output { name: "data-quality.csv".into(), bytes: quality_csv }],
        )?;
        return Err(failure);
    }
    // A list where `validate` (or a refused run) writes it is brought up to
    // date once the period's own is written, so it never lists problems
    // since fixed beside the reports; where there is none, none is made.
    let beside = plan.request.out.join("data-quality.csv");
    let latest_quality = beside.exists().then(|| quality_csv.clone());
    let frames = prepared.take_frames();
    let catalogue = &plan.catalogue;
    let config = &plan.loaded.config;
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
    // What is read from the rows alone is worked out beside the cube, whose
    // steps leave the second core idle about a third of the time.
    let (cube, from_rows) = crate::parallel::both(
        || Cube::build(frames.sources(), catalogue, window(&period, month.as_ref())),
        || -> Result<_> {
            let open =
                metrics::results::open_cases(&frames.cases, plan.as_of, timescales::DUE_SOON_WORKING_DAYS)?;
            let actions = metrics::results::learning_actions(&frames.cases, &period)?;
            let repeats =
                crate::repeats::households_with_repeats(&frames.cases, period.start(), period.end())?;
            Ok((open, actions, repeats))
        },
    );
    let cube = cube?;
    let (open, actions, (households, complaints)) = from_rows?;
    let maker = FigureMaker { cube: &cube, catalogue, config };
    let results = Results::compute(&maker, period);
    let benchmarks = config.benchmarks.as_ref().map(|b| {
        metrics::benchmarks::compare(
            b,
            &prepared.releases,
            results.tsm_year.financial_year(),
            results.tsm_to,
            &results.tsm,
        )
    });
    let monthly = match month {
        Some(m) if m == period => None,
        Some(m) => Some(Results::compute(&maker, m)),
        None => None,
    };
    let quarter_figures: Vec<metrics::Figure> =
        quarters.iter().flat_map(|q| maker.period_figures(q, true)).collect();
    let repeat_households =
        render::RepeatHouseholds { households, complaints, window_days: config.repeats.window_days };
    let annual = match period.granularity() {
        Granularity::Year => {
            let mut read: Vec<&str> = prepared.quality.other_exports.iter().map(|e| e.export).collect();
            if prepared.ombudsman_categories {
                read.push(crate::code::OMBUDSMAN_CATEGORIES);
            }
            let failings = metrics::results::findings_counted(
                &frames.determinations,
                catalogue,
                metrics::results::COMPLAINT_HANDLING_FAILINGS,
                &period,
            )?;
            let complaint_handling = render::annual::ComplaintHandling::new(&read, failings);
            Some(annual_input(
                &plan.loaded,
                &results,
                catalogue,
                &period,
                &read,
                plan.as_of,
                complaint_handling,
            )?)
        }
        _ => None,
    };
    // The rows are let go on another thread while the reports are rendered,
    // which read only the figures: freeing a big run's frames (unmapping
    // their largest arrays) takes a core some 15 ms at 1M rows. A run that
    // stops before the end leaves it to finish as the process ends.
    let letting_go = std::thread::spawn(move || drop(frames));
    timings.metrics_ms += ms(t);

    let t = Instant::now();
    progress("rendering reports");
    if let Some(sa) = annual.as_ref().and_then(|a| a.self_assessment.as_ref()) {
        if plan.request.strict && sa.errors() > 0 {
            return Err(Error::SelfAssessment { path: sa.path.clone(), errors: sa.errors() });
        }
    }
    let input = RenderInput {
        landlord: &config.landlord,
        as_of: plan.as_of,
        results: &results,
        monthly: monthly.as_ref().or(if month == Some(period) { Some(&results) } else { None }),
        quarter_figures: &quarter_figures,
        quarters: &quarters,
        open: &open,
        quality: &prepared.quality,
        catalogue,
        rules: timescales::rules(&config.timescales, &plan.calendar),
        timescales: &config.timescales,
        templates_dir: plan.templates_dir.clone(),
        quality_csv,
        actions: &actions,
        assembly: &config.customer_assembly,
        themes: &config.themes,
        repeat_households,
        annual: annual.as_ref(),
        benchmarks: benchmarks.as_ref(),
        screening: &prepared.screening,
        ombudsman_categories: prepared.ombudsman_categories,
    };
    let mut outputs = render::render(&input)?;
    timings.render_ms = ms(t);
    // What the reports were made from is let go beside the writing, which
    // mostly waits on the disk: freeing it took the run's last 6-7 ms at 1M
    // rows.
    let made_from = (cube, results, monthly, quarter_figures, open, actions, benchmarks);
    let files = std::thread::scope(|scope| -> Result<_> {
        scope.spawn(move || drop(made_from));
        // The checksums are taken beside everything above, on a core left idle.
        crate::ingest::settle_checksums(&mut prepared.inputs)?;
        timings.total_ms = ms(started);
        let manifest = manifest::manifest(plan, &prepared, &timings);
        outputs.push(Output { name: "run.json".into(), bytes: output::json_bytes(&manifest, "run.json")? });
        progress("writing outputs");
        output::write_set(&out_dir, &outputs)
    })?;
    if let Some(bytes) = latest_quality {
        output::write_atomic(&beside, &bytes)?;
    }
    letting_go.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
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
        as_of: plan.as_of,
        out_dir,
        files,
        inputs: prepared.inputs,
        quality: prepared.quality,
        timings,
        self_assessment,
    })
}

/// The Code self-assessment, read and checked, with the year's figures set
/// beside it; the governing body's response and the Ombudsman's annual letter.
fn annual_input(
    loaded: &LoadedConfig,
    results: &Results,
    catalogue: &metrics::Catalogue,
    period: &Period,
    exports_read: &[&str],
    as_of: NaiveDate,
    complaint_handling: render::annual::ComplaintHandling,
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
    let governing_body_response =
        text_file(loaded, "governing_body_response", cfg.governing_body_response.as_ref())?
            .unwrap_or_default();
    let ombudsman_annual_letter =
        text_file(loaded, "ombudsman_annual_letter", cfg.ombudsman_annual_letter.as_ref())?;
    Ok(render::annual::AnnualInput {
        code,
        self_assessment: sa,
        measured,
        governing_body_response,
        ombudsman_annual_letter,
        complaint_handling,
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

/// A plain-text file the annual report publishes (`annual_report.<key>`), as
/// paragraphs; None when the key is not set. A file that cannot be read is a
/// configuration error naming the key and the file.
fn text_file(
    loaded: &LoadedConfig,
    key: &str,
    file: Option<&std::path::PathBuf>,
) -> Result<Option<Vec<String>>> {
    let Some(file) = file else { return Ok(None) };
    let path = loaded.resolve(file);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::config(&path, format!("annual_report.{key}: cannot read: {e}")))?;
    Ok(Some(paragraphs(&text)))
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
/// the configured edition of the Code (and year, when given). An approval
/// is checked against the run date a yearly run would use without
/// `--as-of`: the config's `as_of`, else `today`.
pub fn validate_self_assessment(
    config: &std::path::Path,
    file: Option<&std::path::Path>,
    year: Option<&str>,
    today: NaiveDate,
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
    sa.check_approval_date(loaded.config.as_of.unwrap_or(today));
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
