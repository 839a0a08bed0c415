//! Fuzzing ingestion and validation with mutated exports: whatever the bytes,
//! the pipeline's front half returns a frame or a clear input error, and
//! never panics. Runs a bounded number of cases in the normal suite; for a
//! long run set `REDRESS_FUZZ_CASES` (see README, "Fuzzing"):
//! `REDRESS_FUZZ_CASES=12000 cargo test --test library fuzz:: -- --test-threads 1`.

use std::path::Path;

use chrono::NaiveDate;
use polars::prelude::IntoLazy;
use proptest::prelude::*;
use redress::calendar::Calendar;
use redress::config::{Config, Division};
use redress::error::Error;
use redress::{ingest, metrics, schema, timescales, validate};

const SEED: &str = include_str!("../fixtures/handchecked/cases.csv");
const VENDOR: &[u8] = include_bytes!("../fixtures/handchecked/vendor/cases.csv");
const VENDOR_CONFIG: &str = include_str!("../fixtures/handchecked/vendor/landlord.toml");

#[derive(Debug, Clone)]
enum Mutation {
    FlipByte(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
    DuplicateLine(usize),
    ReplaceCell(usize, usize, String),
}

fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("\"".to_string()),
        Just("\"\"".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("31/02/2025".to_string()),
        Just("29/02/2024".to_string()),
        Just("9999-99-99".to_string()),
        Just("01/01/0001".to_string()),
        Just("2100-01-01".to_string()),
        Just("-£1,000.00".to_string()),
        Just("£1,250.00".to_string()),
        Just("1e308".to_string()),
        Just("NaN".to_string()),
        Just("Stage 99999999999".to_string()),
        Just("=HYPERLINK(\"x\")".to_string()),
        Just("<script>".to_string()),
        "\\PC{0,40}",
        "[0-9/\\-. :T]{0,20}",
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipByte(i, b)),
        (
            any::<usize>(),
            prop::collection::vec(
                prop_oneof![Just(b'"'), Just(b','), Just(b'\n'), Just(b'\r'), any::<u8>()],
                1..8
            )
        )
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), 1usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), 0usize..16, tricky_text()).prop_map(|(r, c, t)| Mutation::ReplaceCell(r, c, t)),
    ]
}

fn apply(mut bytes: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let len = bytes.len().max(1);
    match m {
        Mutation::FlipByte(i, b) => {
            if !bytes.is_empty() {
                bytes[i % len] = *b;
            }
        }
        Mutation::Insert(i, v) => {
            let at = i % (bytes.len() + 1);
            bytes.splice(at..at, v.iter().copied());
        }
        Mutation::Delete(i, n) => {
            let at = i % len;
            let end = (at + n).min(bytes.len());
            if at < end {
                bytes.drain(at..end);
            }
        }
        Mutation::Truncate(i) => bytes.truncate(i % len),
        Mutation::DuplicateLine(i) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let lines: Vec<&str> = text.split('\n').collect();
            let k = i % lines.len();
            let mut out: Vec<&str> = lines.clone();
            out.insert(k, lines[k]);
            bytes = out.join("\n").into_bytes();
        }
        Mutation::ReplaceCell(r, c, t) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
            let k = r % lines.len();
            let mut cells: Vec<String> = lines[k].split(',').map(str::to_string).collect();
            let j = c % cells.len();
            cells[j] = t.clone();
            lines[k] = cells.join(",");
            bytes = lines.join("\n").into_bytes();
        }
    }
    bytes
}

/// A loaded frame numbered as the first file, as `ingest::load` numbers it.
fn as_first_file(frame: polars::prelude::DataFrame) -> polars::prelude::DataFrame {
    frame
        .lazy()
        .with_column(polars::prelude::lit(0u32).cast(polars::prelude::DataType::UInt32).alias(schema::FILE))
        .collect()
        .unwrap()
}

/// The whole front half plus the counting, in process.
fn run_front_half(bytes: Vec<u8>, config: &Config) {
    let calendar = Calendar::embedded(Division::EnglandAndWales, &[]).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    match ingest::load_bytes(Path::new("fuzz.csv"), bytes.clone(), &config.input, &schema::CASES) {
        Err(Error::Input { .. }) => {}
        Err(other) => panic!("ingest gave a non-input error: {other}"),
        Ok((frame, file)) => {
            let frame = as_first_file(frame);
            assert_eq!(frame.height(), file.rows);
            let v =
                validate::validate(frame, &["fuzz.csv".into()], config, &calendar, as_of).expect("validate");
            assert_eq!(v.rows_read, v.cases.height() + v.rows_excluded);
            let s = timescales::schedule(v.cases, &config.timescales, &calendar, as_of).expect("schedule");
            let cases = redress::repeats::flag(s.cases, &config.repeats).expect("repeats");
            // The same bytes as a survey and an Ombudsman export: refused
            // with an input error, or checked row by row without a panic.
            let linked = |schema: &schema::ExportSchema| {
                let frame =
                    match ingest::load_bytes(Path::new("fuzz.csv"), bytes.clone(), &config.input, schema) {
                        Ok((frame, _)) => frame
                            .lazy()
                            .with_column(
                                polars::prelude::lit(0u32)
                                    .cast(polars::prelude::DataType::UInt32)
                                    .alias(schema::FILE),
                            )
                            .collect()
                            .unwrap(),
                        Err(Error::Input { .. }) => {
                            ingest::load(&[], &config.input, schema, 0, ingest::Checksums::Skipped)
                                .unwrap()
                                .frame
                        }
                        Err(other) => panic!("ingest gave a non-input error: {other}"),
                    };
                frame
            };
            let surveys = redress::linked::surveys(linked(&schema::SURVEYS), &cases, &config.input, as_of)
                .expect("surveys");
            let findings = redress::linked::determinations(
                linked(&schema::DETERMINATIONS),
                &cases,
                &config.input,
                as_of,
            )
            .expect("determinations");
            let window = (NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(), as_of);
            let sources =
                metrics::Sources { cases: &cases, surveys: &surveys.rows, determinations: &findings.rows };
            metrics::Cube::build(sources, metrics::Catalogue::embedded(), window).expect("cube");
        }
    }
}

fn cases() -> u32 {
    std::env::var("REDRESS_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn canonical_exports_never_panic(mutations in prop::collection::vec(mutation(), 1..6)) {
        let config = Config::parse("landlord = \"Fuzz\"").unwrap();
        let bytes = mutations.iter().fold(SEED.as_bytes().to_vec(), apply);
        run_front_half(bytes, &config);
    }

    #[test]
    fn vendor_exports_never_panic(mutations in prop::collection::vec(mutation(), 1..6)) {
        let config = Config::parse(VENDOR_CONFIG).unwrap();
        let bytes = mutations.iter().fold(VENDOR.to_vec(), apply);
        run_front_half(bytes, &config);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let config = Config::parse("landlord = \"Fuzz\"").unwrap();
        let mut input = b"case_ref,stage,received_date,responded_date,outcome,compensation\n".to_vec();
        input.extend(bytes);
        run_front_half(input, &config);
    }
}
