//! The Housing Ombudsman's Complaint Handling Code as data: each edition's
//! provisions (`queries/code/<edition>.toml`) and what the case data can say
//! about some of them (`queries/code/evidence.toml`). A new edition is a new
//! file, chosen with `annual_report.code_edition` or `code_file`.

use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::metrics::{Catalogue, BREAKDOWNS};

/// What an `evidence.toml` entry may need beyond the cases: an export, or
/// an export with one of its optional columns (`<export>.<column>`).
pub const NEEDS: [&str; 3] = ["surveys", "ombudsman", OMBUDSMAN_CATEGORIES];
/// The Ombudsman export with its category column, without which no finding
/// can be told to be about complaint handling.
pub const OMBUDSMAN_CATEGORIES: &str = "ombudsman.category";

/// The editions shipped with redress, by name.
const EDITIONS: &[(&str, &str)] = &[("2024", include_str!("../queries/code/2024.toml"))];
const EVIDENCE: &str = include_str!("../queries/code/evidence.toml");

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub number: u32,
    pub title: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Provision {
    pub id: String,
    pub section: u32,
    pub requirement: String,
    /// Whether the Ombudsman's self-assessment form asks it. A provision the
    /// form does not ask (2024: 1.1, the introductory paragraph) stays in the
    /// catalogue but need not be answered, and is left off the published form
    /// unless the file answers it anyway.
    #[serde(default = "assessed_by_default")]
    pub assessed: bool,
    /// The key of an `evidence.toml` entry.
    #[serde(default)]
    pub evidence: Option<String>,
}

fn assessed_by_default() -> bool {
    true
}

/// One edition of the Code: its sections and provisions, in order.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    pub edition: String,
    pub title: String,
    pub in_force_from: chrono::NaiveDate,
    #[serde(rename = "section")]
    pub sections: Vec<Section>,
    #[serde(rename = "provision")]
    pub provisions: Vec<Provision>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    AtLeastThreshold,
    Zero,
    TwoStages,
    None,
}

/// What the data can say about the provisions carrying `key`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub key: String,
    /// Figures shown beside the answer: `<figure id>` or `<figure id>/<breakdown>`.
    pub shows: Vec<String>,
    pub rule: Rule,
    /// The figure the rule reads: `<figure id>` or `<figure id>/<breakdown>=<group>`.
    #[serde(default)]
    pub of: Option<String>,
    /// An export the figures come from, other than the cases, or such an
    /// export with one of its optional columns ([`NEEDS`]).
    #[serde(default)]
    pub needs: Option<String>,
}

impl Evidence {
    /// What the run lacks of what the figures need, given the exports (and
    /// `<export>.<column>`s) it read: the export when it was not read at all,
    /// else the column; None when nothing is missing.
    pub fn missing(&self, read: &[&str]) -> Option<String> {
        let needs = self.needs.as_deref()?;
        let export = needs.split_once('.').map_or(needs, |(export, _)| export);
        [export, needs].into_iter().find(|x| !read.contains(x)).map(str::to_string)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceFile {
    evidence: Vec<Evidence>,
}

/// A figure reference of `evidence.toml`, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureRef<'a> {
    pub id: &'a str,
    pub breakdown: &'a str,
    /// None: every group of the breakdown.
    pub group: Option<&'a str>,
}

impl<'a> FigureRef<'a> {
    pub fn parse(text: &'a str) -> FigureRef<'a> {
        match text.split_once('/') {
            None => FigureRef { id: text, breakdown: "all", group: Some(crate::metrics::ALL) },
            Some((id, rest)) => match rest.split_once('=') {
                Some((breakdown, group)) => FigureRef { id, breakdown, group: Some(group) },
                None => FigureRef { id, breakdown: rest, group: None },
            },
        }
    }
}

impl Code {
    /// The edition named in the config, or the file given instead.
    pub fn load(edition: &str, file: Option<&Path>) -> Result<Code> {
        let (origin, text) = match file {
            Some(path) => (
                path.display().to_string(),
                std::fs::read_to_string(path)
                    .map_err(|e| Error::config(path, format!("cannot read: {e}")))?,
            ),
            None => {
                let (_, text) = EDITIONS.iter().find(|(name, _)| *name == edition).ok_or_else(|| {
                    Error::Usage(format!(
                        "annual_report.code_edition = \"{edition}\": no such edition is bundled (bundled: {}); give the edition's file with annual_report.code_file",
                        EDITIONS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                    ))
                })?;
                (format!("queries/code/{edition}.toml"), text.to_string())
            }
        };
        let code = Code::parse(&text).map_err(|m| Error::config(&origin, m))?;
        if code.edition != edition {
            return Err(Error::config(
                &origin,
                format!(
                    "this is edition \"{}\", but annual_report.code_edition is \"{edition}\"",
                    code.edition
                ),
            ));
        }
        Ok(code)
    }

    pub fn parse(text: &str) -> std::result::Result<Code, String> {
        let code: Code = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        let mut seen = std::collections::HashSet::new();
        for p in &code.provisions {
            if !seen.insert(p.id.as_str()) {
                return Err(format!("provision {} is listed twice", p.id));
            }
            if !code.sections.iter().any(|s| s.number == p.section) {
                return Err(format!("provision {}: there is no section {}", p.id, p.section));
            }
            if !p.id.starts_with(&format!("{}.", p.section)) {
                return Err(format!(
                    "provision {}: listed in section {}, but its number says otherwise",
                    p.id, p.section
                ));
            }
            if let Some(key) = &p.evidence {
                if evidence(key).is_none() {
                    return Err(format!(
                        "provision {}: evidence = \"{key}\" is not a key of queries/code/evidence.toml ({})",
                        p.id,
                        evidence_list().iter().map(|e| e.key.as_str()).collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
        Ok(code)
    }

    pub fn provision(&self, id: &str) -> Option<&Provision> {
        self.provisions.iter().find(|p| p.id == id)
    }

    /// The provisions the Ombudsman's form asks, in order.
    pub fn assessed(&self) -> impl Iterator<Item = &Provision> {
        self.provisions.iter().filter(|p| p.assessed)
    }
}

fn evidence_list() -> &'static [Evidence] {
    static LIST: OnceLock<Vec<Evidence>> = OnceLock::new();
    LIST.get_or_init(|| {
        toml::from_str::<EvidenceFile>(EVIDENCE)
            .expect("queries/code/evidence.toml is valid (unit test)")
            .evidence
    })
}

pub fn evidence(key: &str) -> Option<&'static Evidence> {
    evidence_list().iter().find(|e| e.key == key)
}

/// Every figure `evidence.toml` names must be one the metrics make.
pub fn check_evidence(catalogue: &Catalogue) -> std::result::Result<(), String> {
    for e in evidence_list() {
        for text in e.shows.iter().chain(e.of.iter()) {
            let r = FigureRef::parse(text);
            let (stream, measure) =
                r.id.split_once('_')
                    .ok_or_else(|| format!("evidence {}: '{}' is not a figure id", e.key, r.id))?;
            let m = catalogue.measure(measure).ok_or_else(|| {
                format!("evidence {}: no measure '{measure}' in the metric definitions", e.key)
            })?;
            if !m.streams.iter().any(|s| s == stream)
                || !BREAKDOWNS.contains(&r.breakdown)
                || !m.has_breakdown(r.breakdown)
            {
                return Err(format!("evidence {}: '{text}' is not a figure the metrics make", e.key));
            }
        }
        if let Some(export) = e.needs.as_deref().filter(|x| !NEEDS.contains(x)) {
            return Err(format!(
                "evidence {}: needs = \"{export}\": expected one of {}",
                e.key,
                NEEDS.join(", ")
            ));
        }
        let needs_figure = matches!(e.rule, Rule::AtLeastThreshold | Rule::Zero);
        if needs_figure != e.of.is_some() {
            return Err(format!(
                "evidence {}: rule {:?} {} `of`",
                e.key,
                e.rule,
                if needs_figure { "needs" } else { "takes no" }
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_editions_and_evidence_are_valid() {
        for (name, _) in EDITIONS {
            let code = Code::load(name, None).unwrap();
            assert!(!code.provisions.is_empty());
            // Every section has provisions, and the ids sort in the file's order.
            for s in &code.sections {
                assert!(code.provisions.iter().any(|p| p.section == s.number), "section {}", s.number);
            }
        }
        check_evidence(Catalogue::embedded()).unwrap();
        let code = Code::load("2024", None).unwrap();
        assert_eq!(code.sections.len(), 9);
        assert_eq!(code.provision("6.3").and_then(|p| p.evidence.as_deref()), Some("stage1_response"));
    }

    #[test]
    fn the_2024_catalogue_numbers_the_paragraphs_the_ombudsmans_form_asks() {
        let code = Code::load("2024", None).unwrap();
        // 73 numbered paragraphs; the form asks all but 1.1.
        assert_eq!(code.provisions.len(), 73);
        let not_asked: Vec<&str> =
            code.provisions.iter().filter(|p| !p.assessed).map(|p| p.id.as_str()).collect();
        assert_eq!(not_asked, ["1.1"]);
        assert_eq!(code.assessed().count(), 72);
        // 1.6 holds the survey and wider-feedback sentences: there is no 1.7.
        assert!(code.provision("1.7").is_none());
        assert!(code.provision("1.6").unwrap().requirement.contains("wider feedback"));
        // Each section runs from x.1 to its last paragraph with no gaps.
        let last = [(1, 6), (2, 5), (3, 7), (4, 3), (5, 15), (6, 20), (7, 4), (8, 5), (9, 8)];
        for (section, n) in last {
            let ids: Vec<&str> =
                code.provisions.iter().filter(|p| p.section == section).map(|p| p.id.as_str()).collect();
            let expected: Vec<String> = (1..=n).map(|i| format!("{section}.{i}")).collect();
            assert_eq!(ids, expected, "section {section}");
        }
        // Every section has something for the officer to answer.
        for s in &code.sections {
            assert!(code.assessed().any(|p| p.section == s.number), "section {}", s.number);
        }
    }

    #[test]
    fn assessed_defaults_to_true_and_a_misplaced_provision_is_refused() {
        let text = "edition = \"x\"\ntitle = \"T\"\nin_force_from = \"2024-04-01\"\n[[section]]\nnumber = 1\ntitle = \"One\"\n\
                    [[provision]]\nid = \"1.1\"\nsection = 1\nrequirement = \"R\"\n\
                    [[provision]]\nid = \"1.2\"\nsection = 1\nassessed = false\nrequirement = \"R\"\n";
        let code = Code::parse(text).unwrap();
        assert!(code.provision("1.1").unwrap().assessed);
        assert!(!code.provision("1.2").unwrap().assessed);
        let err = Code::parse(&text.replace("id = \"1.2\"", "id = \"2.2\"")).unwrap_err();
        assert!(err.contains("provision 2.2") && err.contains("section 1"), "{err}");
    }

    #[test]
    fn a_faulty_edition_file_is_refused_with_the_provision_named() {
        let text = EDITIONS[0].1.replace("evidence = \"stage1_response\"", "evidence = \"stage1_speed\"");
        let err = Code::parse(&text).unwrap_err();
        assert!(err.contains("provision 6.3") && err.contains("stage1_speed"), "{err}");
        let err = Code::load("2019", None).unwrap_err().to_string();
        assert!(err.contains("2019") && err.contains("code_file"), "{err}");
    }

    #[test]
    fn figure_references_read_in_three_forms() {
        assert_eq!(
            FigureRef::parse("stage1_on_time_pct"),
            FigureRef { id: "stage1_on_time_pct", breakdown: "all", group: Some("All") }
        );
        assert_eq!(
            FigureRef::parse("complaints_refused/refusal_reason"),
            FigureRef { id: "complaints_refused", breakdown: "refusal_reason", group: None }
        );
        assert_eq!(
            FigureRef::parse("complaints_refused/refusal_reason=Not recorded"),
            FigureRef { id: "complaints_refused", breakdown: "refusal_reason", group: Some("Not recorded") }
        );
    }
}
