//! The complaints officer's self-assessment against the Code: read the
//! evidence file, check it (every provision answered yes or no, a "no" with
//! its action and date, links that exist), and set the year's measured
//! figures beside the answers the case data can speak to.

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
            problem(&p.id, "comply", ERROR, "missing: every provision needs an answer".into());
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
    /// Why there are no figures: the export they come from was not given.
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
        if let Some(export) = e.needs.as_deref().filter(|x| !exports_read.contains(x)) {
            out.push(Measured {
                provision: p.id.clone(),
                figures: Vec::new(),
                flag: None,
                missing_export: Some(export.to_string()),
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
                let label = figure_label(catalogue, of.as_ref().map(|r| r.id).unwrap_or_default()).to_lowercase();
                match answer {
                    Comply::Yes if v < threshold_pct => Some(format!(
                        "Answered yes, but {label} was {v:.1}% ({} of {}) for the year, below the {threshold_pct}% threshold: explain in the commentary.",
                        count(n),
                        count(d)
                    )),
                    Comply::No if v >= threshold_pct => Some(format!(
                        "Answered no, but {label} was {v:.1}% ({} of {}) for the year, at or above the {threshold_pct}% threshold: check the answer.",
                        count(n),
                        count(d)
                    )),
                    _ => None,
                }
            }
            (Rule::Zero, Some(Comply::Yes), Some(Some((_, n, _)))) if n > 0.0 => {
                let r = of.as_ref().expect("a zero rule names its figure");
                let mut label = figure_label(catalogue, r.id).to_lowercase();
                if let (Some(g), false) = (r.group, r.breakdown == "all") {
                    label.push_str(&format!(" ({}: {g})", r.breakdown.replace('_', " ")));
                }
                Some(format!("Answered yes, but {label} was {} for the year: explain in the commentary.", count(n)))
            }
            (Rule::TwoStages, Some(Comply::Yes), _) if complaint_stages != 2 => Some(format!(
                "Answered yes, but the complaints process is configured with {complaint_stages} stage(s) ([timescales.complaint] stages): the Code requires exactly two."
            )),
            (Rule::TwoStages, Some(Comply::No), _) if complaint_stages == 2 => Some(
                "Answered no, but the complaints process is configured with exactly two stages: check the answer.".into(),
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

    fn full_file() -> String {
        let mut text = String::from("edition = \"2024\"\nyear = \"2024-25\"\n");
        for p in &code().provisions {
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
        assert_eq!(sa.answers.len(), code().provisions.len());
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
