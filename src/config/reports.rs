//! What the reports say and how: learning themes, repeat complainants,
//! TP09 survey figures, the annual report and self-assessment, the Customer
//! Assembly report and red/amber/green.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

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

/// TP09's two counts, as the Regulator divides them. `respondents` is those
/// who said they complained in the last 12 months *and answered* the question
/// on the approach to complaints handling (very satisfied, fairly satisfied,
/// neither, fairly dissatisfied or very dissatisfied), not everyone who said
/// they complained: the Regulator's TP09 is the very and fairly satisfied
/// over those five answers, so a figure over everyone who complained would
/// be lower than the landlord's published one. `satisfied` is those of them
/// very or fairly satisfied.
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
    /// The Housing Ombudsman's annual letter to the landlord, as plain text
    /// paragraphs: section 8 of the Code puts it in the annual report.
    #[serde(default)]
    pub ombudsman_annual_letter: Option<PathBuf>,
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
            ombudsman_annual_letter: None,
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
    /// Learning themes and action lines the analyst has checked and the
    /// screen lets through, false alarms ("MS Teams meetings"), compared by
    /// their letters and digits whatever the case and accents.
    #[serde(default)]
    pub screen_allows: Vec<String>,
    /// How to complain, in the landlord's words. The template has a default.
    #[serde(default)]
    pub how_to_complain: Option<String>,
    /// How to contact the Housing Ombudsman. The template has a default.
    #[serde(default)]
    pub ombudsman: Option<String>,
    /// A change in the share answered on time of less than this many
    /// percentage points (more than 0, at most 100) is "about the same" as
    /// last quarter.
    #[serde(default = "default_same_within_points")]
    pub same_within_points: f64,
}

fn default_small_number() -> u32 {
    5
}

fn default_same_within_points() -> f64 {
    2.0
}

impl Default for CustomerAssemblyConfig {
    fn default() -> Self {
        CustomerAssemblyConfig {
            small_number_threshold: default_small_number(),
            free_text: false,
            people_names: Vec::new(),
            screen_allows: Vec::new(),
            how_to_complain: None,
            ombudsman: None,
            same_within_points: default_same_within_points(),
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
