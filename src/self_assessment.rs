//! The complaints officer's self-assessment against the Code: read the
//! evidence file, check it (every provision the Ombudsman's form asks
//! answered yes or no, a "no" with its action and date, links that exist, the
//! governing body's approval recorded and dated sensibly), and set the year's
//! measured figures beside the answers the case data can speak to.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::code::{self, Code, FigureRef, Rule};
use crate::error::{Error, Result};
use crate::format::count;
use crate::metrics::{figure_label, Catalogue, Figure, Results};

pub const ERROR: &str = "error";
pub const WARNING: &str = "warning";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerFile {
    #[serde(default)]
    edition: Option<String>,
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    completed_by: Option<String>,
    #[serde(default)]
    completed_on: Option<toml::Value>,
    #[serde(default)]
    approved_by: Option<String>,
    #[serde(default)]
    approved_on: Option<toml::Value>,
    #[serde(default, rename = "provision")]
    provisions: Vec<RawAnswer>,
}

/// An answer as written. `comply` and `target_date` are read as any TOML
/// value so that a wrong type is reported against its provision.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswer {
    id: String,
    #[serde(default)]
    comply: Option<toml::Value>,
    #[serde(default)]
    evidence: Option<String>,
    #[serde(default)]
    links: Vec<String>,
    #[serde(default)]
    commentary: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    target_date: Option<toml::Value>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Comply {
    Yes,
    No,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub text: String,
    /// A web address, or a document that was found beside the file.
    pub web: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub id: String,
    /// False for a provision the Ombudsman's form does not ask (answered anyway).
    pub assessed: bool,
    /// None when the answer is missing or not yes/no (a problem says which).
    pub comply: Option<Comply>,
    pub evidence: String,
    pub links: Vec<Link>,
    pub commentary: String,
    pub action: String,
    pub target_date: Option<NaiveDate>,
}

/// Something wrong with the evidence file, by provision.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    /// The provision id, or "" for the file as a whole.
    pub provision: String,
    pub field: &'static str,
    pub severity: &'static str,
    pub problem: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.provision.is_empty() {
            write!(f, "{}: {}: {}", self.severity, self.field, self.problem)
        } else {
            write!(f, "{}: provision {}: {}: {}", self.severity, self.provision, self.field, self.problem)
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SelfAssessment {
    pub path: PathBuf,
    pub edition: String,
    pub year: String,
    pub completed_by: String,
    pub completed_on: Option<NaiveDate>,
    /// The governing body or committee that approved the self-assessment, and when.
    pub approved_by: String,
    pub approved_on: Option<NaiveDate>,
    /// In the Code's order; provisions the file does not answer are absent.
    pub answers: Vec<Answer>,
    pub problems: Vec<Problem>,
}

impl SelfAssessment {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == ERROR).count()
    }

    /// A file written for another year is flagged, not refused: last
    /// year's answers are a draft of this year's.
    pub fn check_year(&mut self, year: &str) {
        if self.year != year {
            self.problems.push(Problem {
                provision: String::new(),
                field: "year",
                severity: ERROR,
                problem: if self.year.is_empty() {
                    format!("missing: say which financial year the file answers for (\"{year}\")")
                } else {
                    format!("the file answers for \"{}\", but the report is for {year}", self.year)
                },
            });
        }
    }

    /// An approval dated after the run date records a meeting that has not
    /// happened yet (or a typing slip): an error. Yearly runs pass their run
    /// date; `validate-self-assessment` the config's `as_of`, else today.
    pub fn check_approval_date(&mut self, run_date: NaiveDate) {
        if let Some(on) = self.approved_on.filter(|on| *on > run_date) {
            self.problems.push(Problem {
                provision: String::new(),
                field: "approved_on",
                severity: ERROR,
                problem: format!(
                    "{on} is after the run date, {run_date}: record the approval once the governing body has given it"
                ),
            });
        }
    }

    /// Approved by the governing body: who and when recorded, and nothing
    /// wrong with either.
    pub fn approved(&self) -> bool {
        !self.approved_by.is_empty()
            && self.approved_on.is_some()
            && !self.problems.iter().any(|p| p.provision.is_empty() && p.field.starts_with("approved_"))
    }

    /// Provisions on the Ombudsman's form answered yes or no (answers to
    /// provisions the form does not ask are not counted).
    pub fn answered(&self) -> usize {
        self.answers.iter().filter(|a| a.assessed && a.comply.is_some()).count()
    }

    pub fn answer(&self, id: &str) -> Option<&Answer> {
        self.answers.iter().find(|a| a.id == id)
    }
}

fn date_of(value: &toml::Value) -> Option<NaiveDate> {
    let text = match value {
        toml::Value::String(s) => s.trim().to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        _ => return None,
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&text, "%d/%m/%Y"))
        .ok()
}

fn shown(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

fn is_web(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

/// Read and check the evidence file against an edition of the Code. A file
/// that is not valid TOML, or has keys the format does not know, is a config
/// error; everything else is a [`Problem`] to list.
pub fn read(path: &Path, code: &Code) -> Result<SelfAssessment> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::config(path, format!("cannot read: {e}")))?;
    let file: AnswerFile =
        toml::from_str(&text).map_err(|e| Error::config(path, e.to_string().trim_end().to_string()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    Ok(check(file, code, base, path))
}

fn check(file: AnswerFile, code: &Code, base: &Path, path: &Path) -> SelfAssessment {
    let mut problems = Vec::new();
    let mut problem = |provision: &str, field: &'static str, severity: &'static str, text: String| {
        problems.push(Problem { provision: provision.to_string(), field, severity, problem: text })
    };
    match &file.edition {
        None => problem(
            "",
            "edition",
            ERROR,
            format!("missing: say which edition of the Code this answers (\"{}\")", code.edition),
        ),
        Some(e) if *e != code.edition => problem(
            "",
            "edition",
            ERROR,
            format!("answers edition \"{e}\" of the Code, but the report uses edition \"{}\"", code.edition),
        ),
        _ => {}
    }
    let completed_on = file.completed_on.as_ref().and_then(date_of);
    if let Some(v) = file.completed_on.as_ref().filter(|_| completed_on.is_none()) {
        problem("", "completed_on", ERROR, format!("{} is not a date (yyyy-mm-dd)", shown(v)));
    }
    // Appendix A: the form "must be reviewed and approved by the landlord's
    // governing body at least annually". Not yet approved is a warning (the
    // file is drafted before the meeting); dates that cannot be right are errors.
    let approved_by = file.approved_by.as_deref().unwrap_or("").trim().to_string();
    let approved_on = file.approved_on.as_ref().and_then(date_of);
    match (approved_by.is_empty(), &file.approved_on) {
        (true, None) => problem(
            "",
            "approved_on",
            WARNING,
            "missing: not yet approved by the governing body (give approved_by, the governing body or committee that approved it, and approved_on, the date)".into(),
        ),
        (true, Some(_)) => problem(
            "",
            "approved_by",
            WARNING,
            "missing: say which governing body or committee approved it; until then it counts as not yet approved by the governing body".into(),
        ),
        (false, None) => problem(
            "",
            "approved_on",
            WARNING,
            format!("missing: the date the {approved_by} approved it; until then it counts as not yet approved by the governing body"),
        ),
        (false, Some(_)) => {}
    }
    if let Some(v) = file.approved_on.as_ref().filter(|_| approved_on.is_none()) {
        problem("", "approved_on", ERROR, format!("{} is not a date (yyyy-mm-dd)", shown(v)));
    }
    if let (Some(on), Some(completed)) = (approved_on, completed_on) {
        if on < completed {
            problem(
                "",
                "approved_on",
                ERROR,
                format!("{on} is before completed_on, {completed}: the governing body approves the self-assessment once it is completed"),
            );
        }
    }

    let mut by_id: HashMap<&str, &RawAnswer> = HashMap::new();
    for raw in &file.provisions {
        if code.provision(&raw.id).is_none() {
            problem(&raw.id, "id", ERROR, format!("not a provision of the {} Code", code.edition));
        } else if by_id.contains_key(raw.id.as_str()) {
            problem(&raw.id, "id", ERROR, "answered twice; only the first answer is used".into());
        } else {
            by_id.insert(raw.id.as_str(), raw);
        }
    }

    let mut answers = Vec::new();
    for p in &code.provisions {
        let Some(raw) = by_id.get(p.id.as_str()) else {
            // A provision the Ombudsman's form does not ask need not be answered.
            if p.assessed {
                problem(&p.id, "comply", ERROR, "missing: every provision needs an answer".into());
            }
            continue;
        };
        let comply = match &raw.comply {
            None => {
                problem(&p.id, "comply", ERROR, "no answer: say \"yes\" or \"no\"".into());
                None
            }
            Some(toml::Value::String(s)) if s.trim().eq_ignore_ascii_case("yes") => Some(Comply::Yes),
            Some(toml::Value::String(s)) if s.trim().eq_ignore_ascii_case("no") => Some(Comply::No),
            Some(toml::Value::String(s)) if s.trim().to_ascii_lowercase().starts_with("partial") => {
                problem(
                    &p.id,
                    "comply",
                    ERROR,
                    format!("\"{s}\" is not an answer: the Code allows only yes or no; answer no, with the action and date that will bring full compliance"),
                );
                None
            }
            Some(other) => {
                problem(
                    &p.id,
                    "comply",
                    ERROR,
                    format!("{} is not an answer: say \"yes\" or \"no\"", shown(other)),
                );
                None
            }
        };
        let target_date = raw.target_date.as_ref().and_then(date_of);
        if let Some(v) = raw.target_date.as_ref().filter(|_| target_date.is_none()) {
            problem(&p.id, "target_date", ERROR, format!("{} is not a date (yyyy-mm-dd)", shown(v)));
        }
        let action = raw.action.as_deref().unwrap_or("").trim().to_string();
        if comply == Some(Comply::No) {
            if action.is_empty() {
                problem(
                    &p.id,
                    "action",
                    ERROR,
                    "a \"no\" needs the action that will bring compliance".into(),
                );
            }
            if raw.target_date.is_none() {
                problem(
                    &p.id,
                    "target_date",
                    ERROR,
                    "a \"no\" needs the date by which the landlord will comply".into(),
                );
            }
        }
        let evidence = raw.evidence.as_deref().unwrap_or("").trim().to_string();
        if comply == Some(Comply::Yes) && evidence.is_empty() && raw.links.is_empty() {
            problem(&p.id, "evidence", WARNING, "a \"yes\" with no evidence or links".into());
        }
        let mut links = Vec::new();
        for link in &raw.links {
            let web = is_web(link);
            if !web && !base.join(link).is_file() {
                problem(
                    &p.id,
                    "links",
                    ERROR,
                    format!("\"{link}\" does not exist (looked for {})", base.join(link).display()),
                );
            }
            links.push(Link { text: link.clone(), web });
        }
        answers.push(Answer {
            id: p.id.clone(),
            assessed: p.assessed,
            comply,
            evidence,
            links,
            commentary: raw.commentary.as_deref().unwrap_or("").trim().to_string(),
            action,
            target_date,
        });
    }
    SelfAssessment {
        path: path.to_path_buf(),
        edition: file.edition.unwrap_or_default(),
        year: file.year.unwrap_or_default(),
        completed_by: file.completed_by.unwrap_or_default(),
        completed_on,
        approved_by,
        approved_on,
        answers,
        problems,
    }
}

/// What the year's case data says about one provision.
#[derive(Debug, Clone, Serialize)]
pub struct Measured {
    pub provision: String,
    pub figures: Vec<Figure>,
    /// Why the answer needs explaining, when the data disagrees with it.
    pub flag: Option<String>,
    /// Why there are no figures: the export they come from was not given
    /// ("ombudsman"), or it lacks the column they need ("ombudsman.category").
    pub missing_export: Option<String>,
}

/// The year's figures beside every answer the data can speak to, with the
/// contradictions flagged (rules in `queries/code/evidence.toml`).
pub fn measure(
    sa: Option<&SelfAssessment>,
    code: &Code,
    results: &Results,
    catalogue: &Catalogue,
    threshold_pct: f64,
    complaint_stages: u8,
    exports_read: &[&str],
) -> Vec<Measured> {
    let period = results.period.to_string();
    let lookup = |r: &FigureRef| -> Vec<Figure> {
        results
            .figures
            .iter()
            .filter(|f| {
                f.id == r.id
                    && f.period == period
                    && f.breakdown == r.breakdown
                    && r.group.is_none_or(|g| f.group == g)
            })
            .cloned()
            .collect()
    };
    let mut out = Vec::new();
    for p in &code.provisions {
        let Some(e) = p.evidence.as_deref().and_then(code::evidence) else { continue };
        if let Some(missing) = e.missing(exports_read) {
            out.push(Measured {
                provision: p.id.clone(),
                figures: Vec::new(),
                flag: None,
                missing_export: Some(missing),
            });
            continue;
        }
        let mut figures = Vec::new();
        for text in &e.shows {
            let r = FigureRef::parse(text);
            let mut found = lookup(&r);
            if r.group.is_none() {
                found.retain(|f| f.numerator > 0.0);
                found.sort_by(|a, b| b.numerator.total_cmp(&a.numerator).then(a.group.cmp(&b.group)));
            }
            figures.extend(found);
        }
        let answer = sa.and_then(|sa| sa.answer(&p.id)).and_then(|a| a.comply);
        let of = e.of.as_deref().map(FigureRef::parse);
        let value = of.as_ref().map(|r| lookup(r).first().map(|f| (f.value, f.numerator, f.denominator)));
        let flag = match (e.rule, answer, value) {
            (Rule::AtLeastThreshold, Some(answer), Some(Some((Some(v), n, Some(d))))) => {
                let label = crate::format::mid_sentence(&figure_label(
                    catalogue,
                    of.as_ref().map(|r| r.id).unwrap_or_default(),
                ));
                match answer {
                    Comply::Yes if v < threshold_pct => Some(format!(
                        "Answered yes, but {label} was {v:.1}% ({} of {}) for the year, below the {threshold_pct}% threshold.",
                        count(n),
                        count(d)
                    )),
                    Comply::No if v >= threshold_pct => Some(format!(
                        "Answered no, but {label} was {v:.1}% ({} of {}) for the year, at or above the {threshold_pct}% threshold.",
                        count(n),
                        count(d)
                    )),
                    _ => None,
                }
            }
            (Rule::Zero, Some(Comply::Yes), Some(Some((_, n, _)))) if n > 0.0 => {
                let r = of.as_ref().expect("a zero rule names its figure");
                let mut label = crate::format::mid_sentence(&figure_label(catalogue, r.id));
                if let (Some(g), false) = (r.group, r.breakdown == "all") {
                    label.push_str(&format!(" ({}: {g})", r.breakdown.replace('_', " ")));
                }
                Some(format!("Answered yes, but {label} was {} for the year.", count(n)))
            }
            (Rule::TwoStages, Some(Comply::Yes), _) if complaint_stages != 2 => Some(format!(
                "Answered yes, but the complaints process is configured with {complaint_stages} stage(s) ([timescales.complaint] stages): the Code requires exactly two."
            )),
            (Rule::TwoStages, Some(Comply::No), _) if complaint_stages == 2 => Some(
                "Answered no, but the complaints process is configured with exactly two stages.".into(),
            ),
            _ => None,
        };
        out.push(Measured { provision: p.id.clone(), figures, flag, missing_export: None });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> Code {
        Code::load("2024", None).unwrap()
    }

    /// Every provision the form asks answered "yes", completed and approved.
    fn full_file() -> String {
        let mut text = String::from(
            "edition = \"2024\"\nyear = \"2024-25\"\ncompleted_on = \"2025-05-30\"\napproved_by = \"Board\"\napproved_on = \"2025-06-20\"\n",
        );
        for p in code().assessed() {
            text.push_str(&format!(
                "[[provision]]\nid = \"{}\"\ncomply = \"yes\"\nevidence = \"Policy.\"\n",
                p.id
            ));
        }
        text
    }

    fn checked(text: &str) -> SelfAssessment {
        let file: AnswerFile = toml::from_str(text).unwrap();
        check(file, &code(), Path::new("."), Path::new("sa.toml"))
    }

    #[test]
    fn a_complete_file_has_no_problems() {
        let sa = checked(&full_file());
        assert_eq!(sa.problems, vec![]);
        assert_eq!(sa.answers.len(), code().assessed().count());
        assert_eq!(sa.answered(), 72);
        assert!(sa.approved());
        assert_eq!(
            (sa.approved_by.as_str(), sa.approved_on),
            ("Board", NaiveDate::from_ymd_opt(2025, 6, 20))
        );
    }

    fn said(sa: &SelfAssessment, field: &str) -> Vec<String> {
        sa.problems.iter().filter(|p| p.field == field).map(Problem::to_string).collect()
    }

    #[test]
    fn an_approval_not_yet_recorded_is_a_warning() {
        let text = full_file().replace("approved_by = \"Board\"\napproved_on = \"2025-06-20\"\n", "");
        let sa = checked(&text);
        assert_eq!(sa.errors(), 0, "{:?}", sa.problems);
        assert_eq!(
            said(&sa, "approved_on"),
            ["warning: approved_on: missing: not yet approved by the governing body (give approved_by, the governing body or committee that approved it, and approved_on, the date)"]
        );
        assert!(!sa.approved());
        // Half an approval is still not one.
        let sa = checked(&full_file().replace("approved_on = \"2025-06-20\"\n", ""));
        assert_eq!(sa.errors(), 0);
        assert!(said(&sa, "approved_on")[0].contains("the date the Board approved it"), "{:?}", sa.problems);
        assert!(!sa.approved());
        let sa = checked(&full_file().replace("approved_by = \"Board\"\n", ""));
        assert!(said(&sa, "approved_by")[0]
            .starts_with("warning: approved_by: missing: say which governing body"));
        assert!(!sa.approved());
    }

    #[test]
    fn an_approval_before_completion_or_on_no_date_is_an_error() {
        let sa =
            checked(&full_file().replace("approved_on = \"2025-06-20\"", "approved_on = \"2025-05-29\""));
        assert_eq!(
            said(&sa, "approved_on"),
            ["error: approved_on: 2025-05-29 is before completed_on, 2025-05-30: the governing body approves the self-assessment once it is completed"]
        );
        assert_eq!(sa.errors(), 1);
        assert!(!sa.approved());
        // The same day is fine.
        let sa = checked(&full_file().replace("approved_on = \"2025-06-20\"", "approved_on = 2025-05-30"));
        assert_eq!(sa.problems, vec![]);
        let sa =
            checked(&full_file().replace("approved_on = \"2025-06-20\"", "approved_on = \"31/06/2025\""));
        assert_eq!(
            said(&sa, "approved_on"),
            ["error: approved_on: \"31/06/2025\" is not a date (yyyy-mm-dd)"]
        );
        assert!(!sa.approved());
    }

    #[test]
    fn an_approval_after_the_run_date_is_an_error() {
        let mut sa = checked(&full_file());
        sa.check_approval_date(NaiveDate::from_ymd_opt(2025, 6, 20).unwrap());
        assert_eq!(sa.problems, vec![], "approved on the run date itself");
        sa.check_approval_date(NaiveDate::from_ymd_opt(2025, 6, 19).unwrap());
        assert_eq!(
            said(&sa, "approved_on"),
            ["error: approved_on: 2025-06-20 is after the run date, 2025-06-19: record the approval once the governing body has given it"]
        );
        assert!(!sa.approved());
    }

    #[test]
    fn a_provision_the_form_does_not_ask_need_not_be_answered_but_may_be() {
        // Unanswered: no problem (full_file leaves 1.1 out).
        let sa = checked(&full_file());
        assert!(sa.answer("1.1").is_none());
        assert_eq!(sa.problems, vec![]);
        // Answered: checked like any other, kept (to be shown), not counted.
        let text = full_file() + "[[provision]]\nid = \"1.1\"\ncomply = \"no\"\n";
        let sa = checked(&text);
        let a = sa.answer("1.1").expect("the answer is kept");
        assert_eq!((a.assessed, a.comply), (false, Some(Comply::No)));
        assert_eq!(sa.answered(), 72);
        assert!(said(&sa, "action").iter().any(|m| m.contains("provision 1.1")), "{:?}", sa.problems);
        // A provision the form asks is still required, and an id the Code
        // does not have (1.7: the 2024 Code's section 1 ends at 1.6) is an error.
        let text = full_file().replacen("[[provision]]\nid = \"1.6\"\n", "[[provision]]\nid = \"1.7\"\n", 1);
        let messages: Vec<String> = checked(&text).problems.iter().map(Problem::to_string).collect();
        assert_eq!(
            messages,
            [
                "error: provision 1.7: id: not a provision of the 2024 Code",
                "error: provision 1.6: comply: missing: every provision needs an answer"
            ]
        );
    }

    #[test]
    fn each_kind_of_fault_is_named_by_provision() {
        let text = full_file()
            // "partial" is not an answer
            .replacen("id = \"1.2\"\ncomply = \"yes\"", "id = \"1.2\"\ncomply = \"partial\"", 1)
            // another non-answer, and a wrong type
            .replacen("id = \"1.3\"\ncomply = \"yes\"", "id = \"1.3\"\ncomply = \"mostly\"", 1)
            .replacen("id = \"1.4\"\ncomply = \"yes\"", "id = \"1.4\"\ncomply = true", 1)
            // a "no" with neither action nor date
            .replacen("id = \"5.10\"\ncomply = \"yes\"", "id = \"5.10\"\ncomply = \"no\"", 1)
            // a "no" with an action but a bad date
            .replacen(
                "id = \"9.8\"\ncomply = \"yes\"",
                "id = \"9.8\"\ncomply = \"no\"\naction = \"Add it.\"\ntarget_date = \"31/13/2026\"",
                1,
            )
            // a link to a file that does not exist, and a web link that is fine
            .replacen(
                "id = \"3.1\"\ncomply = \"yes\"",
                "id = \"3.1\"\ncomply = \"yes\"\nlinks = [\"evidence/no-such-file.pdf\", \"https://example.org/policy\"]",
                1,
            )
            // a missing provision
            .replacen("[[provision]]\nid = \"6.3\"\ncomply = \"yes\"\nevidence = \"Policy.\"\n", "", 1);
        let sa = checked(&text);
        let said = |id: &str, field: &str| -> String {
            sa.problems
                .iter()
                .filter(|p| p.provision == id && p.field == field)
                .map(|p| p.problem.clone())
                .collect::<Vec<_>>()
                .join(" | ")
        };
        assert!(said("1.2", "comply").contains("\"partial\" is not an answer"), "{:?}", sa.problems);
        assert!(said("1.3", "comply").contains("\"mostly\" is not an answer"));
        assert!(said("1.4", "comply").contains("true is not an answer"));
        assert!(said("5.10", "action").contains("needs the action"));
        assert!(said("5.10", "target_date").contains("needs the date"));
        assert!(said("9.8", "target_date").contains("\"31/13/2026\" is not a date"));
        assert!(said("3.1", "links").contains("evidence/no-such-file.pdf\" does not exist"));
        assert!(!said("3.1", "links").contains("example.org"));
        assert!(said("6.3", "comply").contains("missing"));
        assert_eq!(sa.errors(), 8, "{:#?}", sa.problems);
    }

    #[test]
    fn unknown_provisions_duplicates_and_the_wrong_edition_are_problems() {
        let text = full_file().replace("edition = \"2024\"", "edition = \"2020\"")
            + "[[provision]]\nid = \"10.1\"\ncomply = \"yes\"\n[[provision]]\nid = \"2.1\"\ncomply = \"no\"\n";
        let sa = checked(&text);
        let messages: Vec<String> = sa.problems.iter().map(|p| p.to_string()).collect();
        assert!(messages.iter().any(|m| m.contains("edition") && m.contains("\"2020\"")), "{messages:?}");
        assert!(messages.iter().any(|m| m == "error: provision 10.1: id: not a provision of the 2024 Code"));
        assert!(messages.iter().any(|m| m.contains("provision 2.1: id: answered twice")));
        // The first answer (yes) is the one used.
        assert_eq!(sa.answer("2.1").unwrap().comply, Some(Comply::Yes));
    }
}
