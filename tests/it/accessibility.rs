//! Every HTML report, rendered in headless Chromium and checked by the
//! axe-core engine at WCAG 2.2 A and AA, reflowing at 320 px; screenshots at
//! phone and desktop widths are kept under the test output
//! (`target/tmp/screenshots`). Needs Debian's Chromium (`.ci/run` installs
//! it) and the npm packages of `tests/browser` (installed here if missing).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::workdir::{project, Workdir};

fn browser_dir() -> PathBuf {
    project().join("tests/browser")
}

fn ensure_node_modules() {
    if browser_dir().join("node_modules/axe-core").exists() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(browser_dir())
        .status()
        .expect("npm must be installed to run the browser tests");
    assert!(status.success(), "npm ci in tests/browser failed");
}

fn axe(shots: &Path, files: &[PathBuf]) -> (bool, String) {
    ensure_node_modules();
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} not found: install Debian's chromium package (.ci/run does), or set CHROMIUM"
    );
    let out = Command::new("node")
        .arg(browser_dir().join("axe.mjs"))
        .arg(shots)
        .args(files)
        .output()
        .expect("node must be installed to run the browser tests");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(matches!(out.status.code(), Some(0 | 1)), "axe runner failed:\n{stdout}\n{stderr}");
    (out.status.success(), stdout)
}

fn shots() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots")
}

#[test]
fn every_report_passes_axe_at_wcag_2_2_aa_and_reflows() {
    let wd = Workdir::new();
    wd.sample();
    wd.redress("run").run();
    // The sample's last complete year: the self-assessment and annual report.
    wd.redress("run").period("latest-year").run();
    let (quarter, year) = (wd.path("reports/2026-27-Q2"), wd.path("reports/2025-26"));
    let mut files: Vec<PathBuf> =
        ["customer-assembly.html", "smt-report.html", "monthly-pack.html", "index.html"]
            .iter()
            .map(|f| quarter.join(f))
            .collect();
    files.extend(["self-assessment.html", "annual-complaints-report.html"].iter().map(|f| year.join(f)));
    let (ok, report) = axe(&shots(), &files);
    assert!(ok, "accessibility violations:\n{report}");
    assert_eq!(report.lines().count(), 6, "{report}");
    for f in [
        "customer-assembly",
        "smt-report",
        "monthly-pack",
        "index",
        "self-assessment",
        "annual-complaints-report",
    ] {
        for width in ["phone", "desktop"] {
            assert!(shots().join(format!("{f}-{width}.png")).exists(), "{f}-{width}.png");
        }
    }
}

#[test]
fn a_chart_or_image_without_a_text_alternative_fails_the_check() {
    let wd = Workdir::new();
    let broken = wd.create(
        "broken.html",
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Broken</title></head><body><main><h1>Broken</h1>\
         <svg role=\"img\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\"/></svg><img src=\"chart.png\"></main></body></html>",
    );
    let (ok, report) = axe(&shots().join("broken"), &[broken]);
    assert!(!ok, "the broken fixture passed:\n{report}");
    assert!(report.contains("image-alt"), "{report}");
    assert!(report.contains("svg-img-alt"), "{report}");
}
