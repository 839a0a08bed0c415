//! The counts cube is built a slice of rows at a time to keep a big run's
//! memory down. Every cell is a sum, so the slices must add up to the whole:
//! here every published figure of the sample, for every quarter and month
//! the sample covers and every breakdown, is the same counted at once and
//! counted 700 rows at a time (the last slice short; surveys sliced too).

use std::path::PathBuf;

use chrono::NaiveDate;
use redress::metrics::{Cube, FigureMaker};
use redress::period::{Granularity, Period};
use redress::pipeline::prepare;
use redress::plan::{Plan, Request};

#[test]
fn counting_in_slices_gives_every_figure_counting_at_once_gives() {
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let request = Request {
        config: project.join("sample-data/landlord.toml"),
        period: Some("2026-27-Q2".into()),
        out: std::env::temp_dir(),
        ..Request::default()
    };
    let plan = Plan::resolve(request, NaiveDate::from_ymd_opt(2026, 10, 9).unwrap()).unwrap();
    let mut prepared = prepare(&plan, &|_| {}).unwrap();
    let frames = prepared.take_frames();
    assert!(frames.cases.height() > 700 * 7 && frames.surveys.height() > 700);
    let window = (NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(), plan.as_of);
    let whole = Cube::build_in_slices(frames.sources(), &plan.catalogue, window, usize::MAX).unwrap();
    let sliced = Cube::build_in_slices(frames.sources(), &plan.catalogue, window, 700).unwrap();
    let config = &plan.loaded.config;
    let at_once = FigureMaker { cube: &whole, catalogue: &plan.catalogue, config };
    let in_slices = FigureMaker { cube: &sliced, catalogue: &plan.catalogue, config };
    let mut periods: Vec<Period> =
        (0..10).map(|n| Period::of(Granularity::Quarter, window.1).back(n)).collect();
    periods.extend((0..30).map(|n| Period::of(Granularity::Month, window.1).back(n)));
    let mut compared = 0;
    for period in periods {
        let (a, b) = (at_once.period_figures(&period, false), in_slices.period_figures(&period, false));
        assert_eq!(a, b, "{period}");
        compared += a.iter().filter(|f| f.numerator > 0.0).count();
    }
    assert!(compared > 10_000, "only {compared} non-zero figures compared");
}
