//! The run, stage by stage: load, validate, calendar, metrics, render. Each
//! stage is timed; the timings go to `run.json` and, with `--verbose`, stderr.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::calendar::Calendar;
use crate::config::LoadedConfig;
use crate::error::{Error, Result};
use crate::ingest::{self, InputFile};
use crate::metrics::{self, Catalogue, Cube, FigureMaker};
use crate::output::{self, Output};
use crate::period::Period;
use crate::timescales;
use crate::validate::{self, WARNING};

/// How many periods the trend covers, ending with the report period.
pub const TREND_PERIODS: i32 = 8;

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
}

pub struct RunSummary {
    pub landlord: String,
    pub period: Period,
    pub as_of: NaiveDate,
    pub out_dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub inputs: Vec<InputFile>,
    pub quality: DataQuality,
    pub timings: Timings,
}

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1e5).round() / 100.0
}

/// Everything the stages before metrics produce.
pub struct Prepared {
    pub loaded: LoadedConfig,
    pub calendar: Calendar,
    pub as_of: NaiveDate,
    pub inputs: Vec<InputFile>,
    pub cases: DataFrame,
    pub issues: DataFrame,
    pub quality: DataQuality,
    pub timings: Timings,
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

    let t = Instant::now();
    progress(&format!("reading {} export(s)", paths.len()));
    let ingest::Loaded { frame, files } = ingest::load(&paths, &loaded.config.input)?;
    timings.read_ms = ms(t);

    let t = Instant::now();
    progress(&format!("validating {} rows", frame.height()));
    let names: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    let validated = validate::validate(frame, &names, &loaded.config, &calendar, as_of)?;
    timings.validate_ms = ms(t);

    let t = Instant::now();
    progress("applying timescales and the working-day calendar");
    let scheduled = timescales::schedule(validated.cases, &loaded.config.timescales, &calendar, as_of)?;
    timings.calendar_ms = ms(t);

    let issues = concat([validated.issues.lazy(), scheduled.warnings.lazy()], UnionArgs::default())?
        .sort(
            [ingest::FILE_COLUMN, ingest::ROW_COLUMN],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()?;
    let quality = summarise_quality(&issues, validated.rows_read, validated.rows_excluded)?;
    timings.total_ms = ms(started);
    Ok(Prepared { loaded, calendar, as_of, inputs: files, cases: scheduled.cases, issues, quality, timings })
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
    })
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
        period: Period::latest_complete(crate::period::Granularity::Month, prepared.as_of),
        as_of: prepared.as_of,
        out_dir: opts.out.clone(),
        files,
        inputs: prepared.inputs,
        quality: prepared.quality,
        timings: prepared.timings,
    })
}

/// `redress run`: every output for a period into `out/<period>/`.
pub fn run(opts: &RunOptions, progress: &dyn Fn(&str)) -> Result<RunSummary> {
    let started = Instant::now();
    let prepared = prepare(opts, progress)?;
    let period = Period::parse(&opts.period, prepared.as_of)?;
    let catalogue_owned;
    let catalogue = match &opts.queries {
        Some(path) => {
            catalogue_owned = Catalogue::load(path)?;
            &catalogue_owned
        }
        None => Catalogue::embedded(),
    };
    let out_dir = opts.out.join(period.to_string());
    let mut timings = prepared.timings.clone();

    let t = Instant::now();
    progress(&format!("computing figures for {}", period.label()));
    let trend_start = period.back(TREND_PERIODS - 1).start().min(period.same_period_last_year().start());
    let window = (trend_start.min(period.financial_year().start()), period.end());
    let cube = Cube::build(&prepared.cases, catalogue, window)?;
    let maker = FigureMaker { cube: &cube, catalogue, config: &prepared.loaded.config };
    let mut figures = maker.period_figures(&period, false);
    let comparisons = [period.previous(), period.same_period_last_year()];
    let trend: Vec<Period> = (0..TREND_PERIODS).rev().map(|n| period.back(n)).collect();
    let mut others: Vec<Period> = trend.iter().copied().filter(|p| *p != period).collect();
    others.extend(comparisons.iter().filter(|p| !trend.contains(p)));
    for p in &others {
        figures.extend(maker.period_figures(p, true));
    }
    let (tsm_year, tsm_rows) = metrics::tsm(&maker, &period);
    let open = open_cases(&prepared.cases)?;
    timings.metrics_ms = ms(t);

    let t = Instant::now();
    progress("writing outputs");
    let config = &prepared.loaded.config;
    let targets: Vec<serde_json::Value> = config
        .targets
        .iter()
        .filter_map(|(id, target)| {
            let f = figures.iter().find(|f| &f.id == id && f.breakdown == "all" && f.period == period.to_string())?;
            let better = catalogue.measure(&f.measure)?.better?;
            let met = f.value.map(|v| match better {
                metrics::Better::Higher => v >= *target,
                metrics::Better::Lower => v <= *target,
            });
            Some(json!({"id": id, "target": target, "better": better, "value": f.value, "numerator": f.numerator, "denominator": f.denominator, "met": met}))
        })
        .collect();
    let tsm_to = period.end();
    let metrics_json = json!({
        "redress_version": env!("CARGO_PKG_VERSION"),
        "landlord": config.landlord,
        "period": {
            "id": period.to_string(),
            "label": period.label(),
            "granularity": period.granularity(),
            "start": period.start(),
            "end": period.end(),
        },
        "as_of": prepared.as_of,
        "comparisons": {
            "previous": comparisons[0].to_string(),
            "same_period_last_year": comparisons[1].to_string(),
        },
        "trend_periods": trend.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        "rules": rules(&prepared),
        "definitions": metrics::definitions(catalogue),
        "figures": figures,
        "targets": targets,
        "tsm": {
            "year": tsm_year.to_string(),
            "from": tsm_year.start(),
            "to": tsm_to,
            "year_to_date": tsm_to < tsm_year.end(),
            "rules": {
                "CH01": "complaints received in the year (to date) at the stage ÷ homes owned of the stock type (latest [homes] entry at or before the year) × 1,000, to 1 decimal place; withdrawn complaints count, refused complaints do not; a complaint escalated to stage 2 counts once at each stage",
                "CH02": "complaints responded to in the year (to date) at the stage within the timescale ÷ complaints responded to in the year at the stage × 100, to 1 decimal place; the timescale is the landlord's, by the working-day rules; withdrawn complaints without a response are not counted",
            },
            "rows": tsm_rows,
        },
        "open_cases": open,
        "data_quality": prepared.quality,
    });
    let tsm_csv = output::csv_bytes(
        &["measure", "stock_type", "stage", "numerator", "denominator", "value"],
        tsm_rows.iter().map(|r| {
            vec![
                r.measure.to_string(),
                r.stock_type.clone(),
                r.stage.to_string(),
                output::number(r.numerator),
                output::number(r.denominator),
                r.value.map(|v| output::fixed(v, 1)).unwrap_or_default(),
            ]
        }),
    )?;
    let quality_csv = data_quality_csv(&prepared.issues, &prepared.inputs)?;
    if opts.strict && prepared.quality.rows_excluded > 0 {
        // Strict: publish nothing but the list of what must be fixed.
        output::write_all(&out_dir, &[Output { name: "data-quality.csv".into(), bytes: quality_csv }])?;
        return Err(Error::StrictDataErrors {
            rows: prepared.quality.rows_excluded,
            report: out_dir.join("data-quality.csv"),
        });
    }
    let mut outputs = vec![
        Output { name: "metrics.json".into(), bytes: pretty(&metrics_json)? },
        Output { name: "tsm.csv".into(), bytes: tsm_csv },
        Output { name: "data-quality.csv".into(), bytes: quality_csv },
    ];
    timings.render_ms = ms(t);
    timings.total_ms = ms(started);
    let manifest = manifest(opts, &prepared, &period, &timings)?;
    outputs.push(Output { name: "run.json".into(), bytes: pretty(&manifest)? });
    let files = output::write_all(&out_dir, &outputs)?;
    Ok(RunSummary {
        landlord: config.landlord.clone(),
        period,
        as_of: prepared.as_of,
        out_dir,
        files,
        inputs: prepared.inputs,
        quality: prepared.quality,
        timings,
    })
}

fn pretty(value: &serde_json::Value) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::Write { path: "metrics.json".into(), source: e.into() })?;
    bytes.push(b'\n');
    Ok(bytes)
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

/// Open cases at the run date: counts per stream and the case list (case
/// reference, stream, service area, dates and age only).
fn open_cases(cases: &DataFrame) -> Result<serde_json::Value> {
    let stream = when(col("record_type").eq(lit("complaint")))
        .then(concat_str([lit("stage"), col("stage").cast(DataType::String)], "", false))
        .otherwise(col("record_type"));
    let open = cases
        .clone()
        .lazy()
        .filter(col("is_open"))
        .select([
            col("case_ref"),
            stream.alias("stream"),
            col("service_area"),
            col("received_date").dt().strftime("%Y-%m-%d").alias("received_date"),
            col("due_date").dt().strftime("%Y-%m-%d").alias("due_date"),
            col("age_working_days"),
            col("is_overdue").alias("overdue"),
        ])
        .sort(
            ["age_working_days", "case_ref"],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()?;
    let counts = open
        .clone()
        .lazy()
        .group_by([col("stream")])
        .agg([
            len().cast(DataType::UInt32).alias("open"),
            col("overdue").sum().cast(DataType::UInt32).alias("overdue"),
        ])
        .sort(["stream"], Default::default())
        .collect()?;
    Ok(json!({ "counts": frame_records(&counts)?, "cases": frame_records(&open)? }))
}

/// A small frame as a list of JSON objects.
fn frame_records(frame: &DataFrame) -> Result<Vec<serde_json::Value>> {
    let mut rows = vec![serde_json::Map::new(); frame.height()];
    for column in frame.columns() {
        let name = column.name().to_string();
        let series = column.as_materialized_series();
        for (i, row) in rows.iter_mut().enumerate() {
            let value = match series.get(i)? {
                AnyValue::Null => serde_json::Value::Null,
                AnyValue::Boolean(b) => b.into(),
                AnyValue::String(s) => s.into(),
                AnyValue::StringOwned(s) => s.to_string().into(),
                AnyValue::UInt32(v) => v.into(),
                AnyValue::Int32(v) => v.into(),
                AnyValue::UInt64(v) => v.into(),
                AnyValue::Int64(v) => v.into(),
                AnyValue::Float64(v) => v.into(),
                other => other.to_string().into(),
            };
            row.insert(name.clone(), value);
        }
    }
    Ok(rows.into_iter().map(serde_json::Value::Object).collect())
}

fn manifest(
    opts: &RunOptions,
    prepared: &Prepared,
    period: &Period,
    timings: &Timings,
) -> Result<serde_json::Value> {
    let config_bytes = std::fs::read(&opts.config).map_err(|e| Error::config(&opts.config, e.to_string()))?;
    let config_sha: String = Sha256::digest(&config_bytes).iter().map(|b| format!("{b:02x}")).collect();
    Ok(json!({
        "redress_version": env!("CARGO_PKG_VERSION"),
        "command": "run",
        "config": { "path": opts.config, "sha256": config_sha },
        "queries": opts.queries.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "embedded queries/metrics.toml".into()),
        "period": period.to_string(),
        "as_of": prepared.as_of,
        "strict": opts.strict,
        "reproduce": format!(
            "redress run --config {} --period {} --as-of {}{}",
            opts.config.display(), period, prepared.as_of, if opts.strict { " --strict" } else { "" }
        ),
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
