//! Synthetic case exports for demos, tests and benchmarks.
//!
//! [`generate`] writes a vendor-shaped complaints export (`cases.csv`) and a
//! matching landlord configuration (`landlord.toml`) for the fictional
//! landlord "Northbrook Homes". The export is deliberately messy in the ways
//! real case-management exports are (domain.md section 7): a byte-order mark,
//! CRLF line ends, quoted multi-line notes, UK dates with a sprinkling of ISO
//! ones, inconsistent outcome spellings, `£1,250.00` amounts, personal data in
//! columns the pipeline must drop, and a configurable rate of faulty rows.
//!
//! Rows are streamed straight to a buffered writer: the only state kept
//! between rows is the queue of stage 2 escalations not yet due, so memory
//! stays flat from 100 rows to 10 million. The same options always produce
//! byte-identical files.
//!
//! Timeliness is simulated with the real working-day [`Calendar`] (England
//! and Wales, plus the template's Christmas closure days), so a case written
//! as on time is on time by the rules of domain.md section 3.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::calendar::Calendar;
use crate::config::Division;
use crate::error::{Error, Result};

/// The landlord configuration template; `{{LCRA_2024}}`-style placeholders
/// are replaced with homes figures scaled to the generated volume.
const LANDLORD_TEMPLATE: &str = include_str!("landlord.toml");

/// What to generate.
#[derive(Debug, Clone)]
pub struct SampleOptions {
    /// Data rows in `cases.csv` (the header not counted).
    pub rows: usize,
    /// Seed of the random stream: same options, same bytes.
    pub seed: u64,
    /// Share of rows carrying a data error (one fault each, in rotation);
    /// warning-level shapes appear at the same overall rate.
    pub faulty_rate: f64,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions { rows: 5000, seed: 2026, faulty_rate: 0.004 }
    }
}

/// What was written.
#[derive(Debug, Clone)]
pub struct SampleSummary {
    pub rows: usize,
    pub files: Vec<PathBuf>,
}

/// Writes `out_dir/cases.csv`, `surveys.csv`, `ombudsman.csv`, the
/// self-assessment files and `landlord.toml`, creating `out_dir`.
pub fn generate(opts: &SampleOptions, out_dir: &Path) -> Result<SampleSummary> {
    std::fs::create_dir_all(out_dir.join("evidence"))
        .map_err(|source| Error::Write { path: out_dir.to_path_buf(), source })?;
    let paths = ["cases.csv", "surveys.csv", "ombudsman.csv"].map(|n| out_dir.join(n));
    let toml_path = out_dir.join("landlord.toml");

    let calendar = Calendar::embedded(Division::EnglandAndWales, &closure_days())?;
    let open = |path: &PathBuf| -> Result<csv::Writer<BufWriter<File>>> {
        let file = File::create(path).map_err(|source| Error::Write { path: path.clone(), source })?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(b"\xEF\xBB\xBF").map_err(|source| Error::Write { path: path.clone(), source })?;
        Ok(csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out))
    };
    let (mut cases, mut surveys, mut findings) = (open(&paths[0])?, open(&paths[1])?, open(&paths[2])?);

    let mut gen = Generator::new(opts, &calendar);
    let counts = gen.run(&mut cases, &mut surveys, &mut findings).map_err(|e| match e {
        GenError::Csv(e) => Error::Write { path: out_dir.to_path_buf(), source: e.into() },
        GenError::Lib(e) => e,
    })?;
    for (writer, path) in [cases, surveys, findings].into_iter().zip(&paths) {
        let out = writer
            .into_inner()
            .map_err(|e| Error::Write { path: path.clone(), source: std::io::Error::other(e.to_string()) })?;
        out.into_inner().map_err(|e| Error::Write { path: path.clone(), source: e.into_error() })?;
    }

    std::fs::write(&toml_path, landlord_toml(counts.complaint_rows))
        .map_err(|source| Error::Write { path: toml_path.clone(), source })?;
    let mut files: Vec<PathBuf> = paths.to_vec();
    files.push(toml_path);
    for (name, text) in SELF_ASSESSMENT_FILES {
        let path = out_dir.join(name);
        std::fs::write(&path, text).map_err(|source| Error::Write { path: path.clone(), source })?;
        files.push(path);
    }
    Ok(SampleSummary { rows: counts.rows, files })
}

/// The sample landlord's Code self-assessment, the board's response and the
/// evidence documents the self-assessment links to.
const SELF_ASSESSMENT_FILES: [(&str, &str); 5] = [
    ("self-assessment.toml", include_str!("self-assessment.toml")),
    ("governing-body-response.md", include_str!("governing-body-response.md")),
    ("evidence/complaints-policy.md", include_str!("evidence/complaints-policy.md")),
    ("evidence/board-minutes-2026-06.md", include_str!("evidence/board-minutes-2026-06.md")),
    ("evidence/staff-training-log.md", include_str!("evidence/staff-training-log.md")),
];

// ---- fixed dates ----------------------------------------------------------

const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("invalid constant date"),
    }
}

/// First receipt date.
const START: NaiveDate = ymd(2024, 4, 1);
/// Last receipt date.
const END: NaiveDate = ymd(2026, 9, 30);
/// The run date of the template (`as_of`): nothing in the file is later.
const AS_OF: NaiveDate = ymd(2026, 10, 9);

/// The template's `[calendar] closure_days`.
fn closure_days() -> Vec<NaiveDate> {
    vec![
        ymd(2024, 12, 27),
        ymd(2024, 12, 30),
        ymd(2024, 12, 31),
        ymd(2025, 12, 29),
        ymd(2025, 12, 30),
        ymd(2025, 12, 31),
    ]
}

// ---- the landlord configuration ---------------------------------------------

/// Complaints (stage 1 + stage 2) per 1,000 homes per year the homes figures
/// are scaled to.
const COMPLAINTS_PER_1000_HOMES: f64 = 40.0;

fn landlord_toml(complaint_rows: usize) -> String {
    let span_years = ((END - START).num_days() + 1) as f64 / 365.25;
    let per_year = complaint_rows as f64 / span_years;
    let homes_mid = (per_year * 1000.0 / COMPLAINTS_PER_1000_HOMES).max(20.0);
    let mut text = LANDLORD_TEMPLATE.to_string();
    // Stock grows slightly; the LCHO share grows a little faster.
    for (year, growth, lcho_share) in [(2024, 1.0 / 1.015, 0.068), (2025, 1.0, 0.070), (2026, 1.015, 0.072)] {
        let total = (homes_mid * growth).round() as u64;
        let lcho = ((total as f64 * lcho_share).round() as u64).max(1);
        let lcra = total.saturating_sub(lcho).max(1);
        text = text
            .replace(&format!("{{{{LCRA_{year}}}}}"), &lcra.to_string())
            .replace(&format!("{{{{LCHO_{year}}}}}"), &lcho.to_string());
    }
    // The residents in the export are the people the screen must not publish.
    let names: Vec<String> =
        FIRST_NAMES.iter().chain(LAST_NAMES.iter()).map(|n| format!("\"{n}\"")).collect();
    text.replace("{{PEOPLE_NAMES}}", &names.join(", "))
}

// ---- vocabulary -------------------------------------------------------------

/// How many recent complainants a repeat complaint is drawn from.
const RECENT_COMPLAINANTS: usize = 600;

/// How residents describe what went wrong, by service area (Repairs first);
/// the theme taxonomy reads these where no learning theme was recorded.
const SUMMARIES: [&[&str]; 9] = [
    &[
        "repair still not fixed after two visits",
        "nobody turned up for the appointment",
        "black mould coming back in the bedroom",
        "waiting for repair to the roof since winter",
        "leak from the flat above",
    ],
    &[
        "no reply to emails about the tenancy",
        "not kept informed about the transfer",
        "officer was rude on the phone",
    ],
    &[
        "noise from neighbours late at night",
        "anti-social behaviour reported many times",
        "no update on the ASB case",
    ],
    &["rent account shows the wrong balance", "arrears letter sent in error"],
    &["grounds not maintained", "communal area not cleaned for weeks"],
    &["adaptation delayed", "no update on the adaptation request"],
    &["contractor left the site unsafe", "damp patches after the works"],
    &["boiler still not fixed", "gas engineer did not turn up"],
    &["service charge seems wrong", "no reply about the service charge breakdown"],
];

/// Post-complaint survey scores (1-5) by outcome: upheld, partial, not upheld.
const SCORE_WEIGHTS: [[(u8, u32); 5]; 3] = [
    [(1, 6), (2, 6), (3, 10), (4, 34), (5, 44)],
    [(1, 12), (2, 12), (3, 20), (4, 32), (5, 24)],
    [(1, 30), (2, 22), (3, 20), (4, 18), (5, 10)],
];

/// Ombudsman findings as the Ombudsman's casework export spells them.
const FINDINGS: [(&str, u32); 8] = [
    ("Severe maladministration", 3),
    ("Maladministration", 26),
    ("Service Failure", 12),
    ("Partial maladministration", 2),
    ("Reasonable Redress", 16),
    ("No maladministration", 28),
    ("Outside Jurisdiction", 10),
    ("Withdrawn", 3),
];

pub(crate) const SURVEY_HEADER: [&str; 5] = [
    "Case Reference",
    "Survey Date",
    "Complaint Stage",
    "How satisfied were you with how we handled your complaint? (1-5)",
    "Respondent",
];

pub(crate) const OMBUDSMAN_HEADER: [&str; 6] = [
    "HOS Reference",
    "Landlord Reference",
    "Determination Date",
    "Finding",
    "Orders",
    "Compensation Ordered (£)",
];

pub(crate) const HEADER: [&str; 24] = [
    "Case Reference",
    "Record Type",
    "Complaint Stage",
    "Date Received",
    "Date Acknowledged",
    "Revised Response Date",
    "Date Responded",
    "Outcome",
    "Refusal Reason",
    "Service Area",
    "Category",
    "Channel",
    "Tenure Type",
    "Compensation (£)",
    "Learning Theme",
    "Learning Action",
    "Customer Name",
    "Address",
    "Postcode",
    "Email",
    "Phone",
    "Case Notes",
    "Tenancy Reference",
    "Complaint Summary",
];

const F_REF: usize = 0;
const F_TYPE: usize = 1;
const F_STAGE: usize = 2;
const F_RECEIVED: usize = 3;
const F_ACK: usize = 4;
const F_REVISED: usize = 5;
const F_RESPONDED: usize = 6;
const F_OUTCOME: usize = 7;
const F_REFUSAL: usize = 8;
const F_AREA: usize = 9;
const F_CATEGORY: usize = 10;
const F_CHANNEL: usize = 11;
const F_TENURE: usize = 12;
const F_COMP: usize = 13;
const F_THEME: usize = 14;
const F_ACTION: usize = 15;
const F_NAME: usize = 16;
const F_ADDRESS: usize = 17;
const F_POSTCODE: usize = 18;
const F_EMAIL: usize = 19;
const F_PHONE: usize = 20;
const F_NOTES: usize = 21;
const F_TENANCY: usize = 22;
const F_SUMMARY: usize = 23;

const REPAIRS: usize = 0;
const GAS: usize = 7;
const HOME_OWNERSHIP: usize = 8;

/// Service areas: name, weight, timeliness pressure (1.0 = average).
const AREAS: [(&str, u32, f64); 9] = [
    ("Repairs and Maintenance", 38, 1.30),
    ("Housing Management", 14, 1.00),
    ("Anti-social Behaviour", 9, 1.25),
    ("Income and Rents", 7, 0.65),
    ("Lettings and Allocations", 5, 0.90),
    ("Estate Services and Grounds", 8, 0.75),
    ("Customer Services", 7, 0.55),
    ("Gas and Building Safety", 6, 0.85),
    ("Home Ownership", 6, 1.10),
];

/// Categories per area: name, weight, winter weight multiplier (Nov-Feb).
const CATEGORIES: [&[(&str, u32, f64)]; 9] = [
    &[
        ("Repair delay", 25, 1.0),
        ("Damp and mould", 16, 2.6),
        ("Missed appointment", 15, 1.0),
        ("Quality of work", 14, 1.0),
        ("Heating and hot water", 8, 2.2),
        ("Communication", 8, 1.0),
        ("Windows and doors", 6, 1.0),
        ("Staff conduct", 4, 1.0),
    ],
    &[
        ("Communication", 25, 1.0),
        ("Staff conduct", 20, 1.0),
        ("Tenancy management", 20, 1.0),
        ("Neighbour dispute", 15, 1.0),
        ("Service charges", 10, 1.0),
        ("Record keeping", 10, 1.0),
    ],
    &[
        ("Noise", 35, 1.0),
        ("Neighbour dispute", 30, 1.0),
        ("Case handling", 20, 1.0),
        ("Communication", 15, 1.0),
    ],
    &[
        ("Rent account", 45, 1.0),
        ("Arrears action", 20, 1.0),
        ("Service charges", 20, 1.0),
        ("Communication", 15, 1.0),
    ],
    &[
        ("Allocation decision", 35, 1.0),
        ("Void standard", 30, 1.0),
        ("Communication", 20, 1.0),
        ("Staff conduct", 15, 1.0),
    ],
    &[
        ("Cleaning", 35, 1.0),
        ("Grounds maintenance", 30, 0.5),
        ("Fly-tipping", 20, 1.0),
        ("Lift breakdown", 15, 1.0),
    ],
    &[
        ("Communication", 40, 1.0),
        ("Call waiting times", 30, 1.3),
        ("Staff conduct", 20, 1.0),
        ("Complaint handling", 10, 1.0),
    ],
    &[
        ("Heating and hot water", 40, 2.0),
        ("Gas servicing access", 25, 1.0),
        ("Fire safety", 20, 1.0),
        ("Lift breakdown", 15, 1.0),
    ],
    &[
        ("Service charges", 50, 1.0),
        ("Leasehold management", 20, 1.0),
        ("Major works", 15, 1.0),
        ("Communication", 15, 1.0),
    ],
];

const CHANNELS: [(&str, u32); 6] =
    [("Phone", 32), ("Email", 24), ("Web form", 24), ("Letter", 5), ("In person", 5), ("Representative", 10)];

const REFUSAL_REASONS: [(&str, u32); 4] = [
    ("Outside 12-month window", 35),
    ("Service request, not a complaint", 40),
    ("Subject to legal proceedings", 10),
    ("Already investigated", 15),
];

/// Record types of rows that open a case, with their shares of those rows.
/// Complaints are lower than the 70% wanted of all rows because escalated
/// cases add a stage 2 row each.
const RECORD_TYPES: [(&str, f64); 5] = [
    ("Complaint", 0.672),
    ("Compliment", 0.1858),
    ("Suggestion", 0.0656),
    ("Enquiry", 0.0437),
    ("Feedback", 0.0329),
];

const THEMES: [&str; 9] = [
    "Communication",
    "Repairs delays",
    "Damp and mould",
    "Missed appointments",
    "Staff conduct",
    "Record keeping",
    "Policy and procedure",
    "Anti-social behaviour handling",
    "Quality of work",
];

const T_COMMS: usize = 0;
const T_REPAIRS: usize = 1;
const T_DAMP: usize = 2;
const T_MISSED: usize = 3;
const T_STAFF: usize = 4;
const T_RECORDS: usize = 5;
const T_POLICY: usize = 6;
const T_ASB: usize = 7;
const T_QUALITY: usize = 8;

/// Learning actions per theme (same order as [`THEMES`]).
const ACTIONS: [&[&str]; 9] = [
    &[
        "Introduced a weekly update call for open complaints.",
        "Rewrote the standard complaint letters in plain English.",
        "Added the case officer's direct line to every acknowledgement.",
        "Set up a shared inbox so \"no reply\" emails are picked up the same day.",
        "Briefed all teams on keeping residents informed, even when there is no news.",
    ],
    &[
        "Added a second contractor for roofing work to cut waiting times.",
        "Introduced a weekly review of repairs open more than 28 days.",
        "Agreed target times with the plumbing contractor, with penalties for delays.",
        "Ordered common parts in bulk so jobs are not held up waiting for stock.",
    ],
    &[
        "Introduced a 10-working-day inspection target for damp and mould reports.",
        "Trained all repairs operatives to spot and report damp and mould.",
        "Added a follow-up visit six weeks after every mould treatment.",
        "Issued dehumidifiers while permanent works are scheduled, and told residents how long they will wait.",
    ],
    &[
        "Introduced a text reminder the day before repair appointments.",
        "Operatives now call ahead if they are running more than 30 minutes late.",
        "Added morning and afternoon slots, so residents no longer wait in all day.",
        "Missed appointments are now rebooked before the operative leaves the area.",
    ],
    &[
        "Retrained the income team on arrears letters.",
        "Ran customer care refresher training for contact centre staff.",
        "Reminded contractors of the code of conduct, and added it to their contracts.",
        "Introduced call recording reviews with team leaders each month.",
    ],
    &[
        "Cleaned up duplicate tenancy records in the housing system.",
        "Added a mandatory vulnerability field to new case records.",
        "Repairs history is now visible to contact centre staff.",
        "Introduced a checklist so every visit is logged, with photos, on the same day.",
    ],
    &[
        "Updated the \"no access\" procedure, so a second visit is booked automatically.",
        "Reviewed the compensation policy and published it on the website.",
        "Changed the decant policy to cover residents with medical needs.",
        "Revised the service charge estimate process, so residents get a breakdown.",
    ],
    &[
        "Introduced action plans agreed with the reporting resident within 5 working days.",
        "ASB officers now update reporting residents every 10 working days.",
        "Started joint visits with the police neighbourhood team.",
        "Added noise app recordings as accepted evidence in ASB cases.",
    ],
    &[
        "Added post-inspection of 10% of completed repairs.",
        "Introduced photo evidence of finished work before jobs are closed.",
        "Agreed a \"right first time\" standard with contractors, reviewed monthly.",
        "Supervisors now sign off all plastering and decorating jobs.",
    ],
];

/// Second sentences that turn an action into a multi-line note.
const ACTION_FOLLOW_UPS: [&str; 5] = [
    "Reviewed after 3 months: fewer repeat complaints.",
    "Shared with the Customer Assembly, who asked for a progress update in the next quarter.",
    "Owner: Head of Service. Due: end of quarter, \"in progress\".",
    "Staff briefing held; guidance note issued to all teams.",
    "Monitoring through the monthly performance pack, first results due next quarter.",
];

const FIRST_NAMES: [&str; 100] = [
    "Oliver",
    "Amelia",
    "George",
    "Isla",
    "Harry",
    "Ava",
    "Jack",
    "Mia",
    "Jacob",
    "Ivy",
    "Noah",
    "Lily",
    "Charlie",
    "Isabella",
    "Muhammad",
    "Rosie",
    "Thomas",
    "Sophia",
    "Oscar",
    "Grace",
    "William",
    "Freya",
    "James",
    "Willow",
    "Leo",
    "Olivia",
    "Alfie",
    "Emily",
    "Henry",
    "Poppy",
    "Joshua",
    "Ella",
    "Freddie",
    "Evie",
    "Archie",
    "Charlotte",
    "Ethan",
    "Florence",
    "Isaac",
    "Sienna",
    "Alexander",
    "Daisy",
    "Joseph",
    "Phoebe",
    "Edward",
    "Harper",
    "Samuel",
    "Matilda",
    "Max",
    "Ruby",
    "Daniel",
    "Hannah",
    "Arthur",
    "Chloe",
    "Lucas",
    "Jessica",
    "Mohammed",
    "Sophie",
    "Adam",
    "Lucy",
    "Ryan",
    "Megan",
    "Liam",
    "Zara",
    "Kai",
    "Aisha",
    "Tyler",
    "Fatima",
    "Dylan",
    "Amira",
    "Aaron",
    "Priya",
    "Kyle",
    "Anjali",
    "Connor",
    "Nia",
    "Reece",
    "Shannon",
    "Jordan",
    "Kerry",
    "Gary",
    "Tracey",
    "Paul",
    "Julie",
    "Mark",
    "Karen",
    "David",
    "Susan",
    "Stephen",
    "Linda",
    "Michael",
    "Janet",
    "Peter",
    "Margaret",
    "Kevin",
    "Dawn",
    "Wayne",
    "Sharon",
    "Darren",
    "Joanne",
];

const LAST_NAMES: [&str; 100] = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Hughes",
    "Moore",
    "Clark",
    "King",
    "Harrison",
    "Lewis",
    "Baker",
    "Lee",
    "Allen",
    "Morris",
    "Khan",
    "Scott",
    "Watson",
    "Davis",
    "Parker",
    "James",
    "Bennett",
    "Young",
    "Phillips",
    "Richardson",
    "Mitchell",
    "Bailey",
    "Carter",
    "Cook",
    "Singh",
    "Shaw",
    "Bell",
    "Collins",
    "Morgan",
    "Kelly",
    "Begum",
    "Miller",
    "Cox",
    "Hussain",
    "Marshall",
    "Simpson",
    "Price",
    "Anderson",
    "Adams",
    "Wilkinson",
    "Ali",
    "Ahmed",
    "Foster",
    "Ellis",
    "Murphy",
    "Chapman",
    "Mason",
    "Gray",
    "Richards",
    "Webb",
    "Griffiths",
    "Hunt",
    "Palmer",
    "Campbell",
    "Holmes",
    "Mills",
    "Rogers",
    "Barnes",
    "Knight",
    "Matthews",
    "Barker",
    "Powell",
    "Stevens",
    "Kaur",
    "Dixon",
    "Kennedy",
    "Lloyd",
    "O'Brien",
    "Okafor",
    "Nowak",
    "Mensah",
];

const STREETS: [&str; 40] = [
    "Church",
    "Station",
    "Victoria",
    "Park",
    "Mill",
    "Highfield",
    "Oak",
    "Elm",
    "Willow",
    "Beech",
    "Cedar",
    "Meadow",
    "Brook",
    "Chapel",
    "School",
    "Manor",
    "Queens",
    "Kings",
    "Albert",
    "Grove",
    "Springfield",
    "Windmill",
    "Orchard",
    "Ash",
    "Birch",
    "Holly",
    "Rowan",
    "Laburnum",
    "Hawthorn",
    "Canal",
    "Foundry",
    "Forge",
    "Colliery",
    "Lime",
    "Poplar",
    "Sycamore",
    "Chestnut",
    "Heath",
    "Wharf",
    "Furnace",
];

const SUFFIXES: [&str; 9] =
    ["Road", "Street", "Avenue", "Close", "Lane", "Drive", "Way", "Crescent", "Court"];

/// Towns with their postcode areas and district ranges.
const TOWNS: [(&str, &str, u8); 15] = [
    ("Wolverhampton", "WV", 14),
    ("Bilston", "WV", 14),
    ("Walsall", "WS", 9),
    ("Wednesbury", "WS", 10),
    ("Cannock", "WS", 12),
    ("Dudley", "DY", 3),
    ("Tipton", "DY", 4),
    ("Sedgley", "DY", 3),
    ("Stourbridge", "DY", 9),
    ("Kidderminster", "DY", 14),
    ("Telford", "TF", 12),
    ("Stafford", "ST", 21),
    ("Shrewsbury", "SY", 5),
    ("Halesowen", "B", 63),
    ("West Bromwich", "B", 71),
];

const POSTCODE_UNIT_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

// ---- faults -----------------------------------------------------------------

/// Error-level faults, applied in rotation at `faulty_rate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    MissingRef,
    ImpossibleDate,
    UnparseableDate,
    RespondedBeforeReceived,
    UnknownOutcome,
    UnknownStage,
    NegativeCompensation,
    UnparseableAmount,
    Duplicate,
}

const FAULTS: [Fault; 9] = [
    Fault::MissingRef,
    Fault::ImpossibleDate,
    Fault::UnparseableDate,
    Fault::RespondedBeforeReceived,
    Fault::UnknownOutcome,
    Fault::UnknownStage,
    Fault::NegativeCompensation,
    Fault::UnparseableAmount,
    Fault::Duplicate,
];

/// Warning-level shapes, applied in rotation at `faulty_rate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Warning {
    RespondedWithoutAck,
    ExtensionBeyondMaximum,
}

const WARNINGS: [Warning; 2] = [Warning::RespondedWithoutAck, Warning::ExtensionBeyondMaximum];

// ---- the simulation -----------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Upheld,
    Partial,
    NotUpheld,
    Withdrawn,
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tenure {
    Lcra,
    Lcho,
    /// LCRA, written blank.
    Blank,
}

/// The resident behind a case, kept compact so stage 2 rows repeat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Person {
    /// The tenancy: `TEN-000123` in the export.
    household: u32,
    first: u8,
    last: u8,
    flat: u8,
    house: u16,
    street: u8,
    suffix: u8,
    town: u8,
    district: u8,
    sector: u8,
    unit: [u8; 2],
    email_style: u8,
    email_num: u8,
    phone_kind: u8,
    phone_num: u16,
}

/// A case's fixed attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Case {
    ref_year: i32,
    ref_seq: u32,
    area: u8,
    category: u8,
    tenure: Tenure,
    channel: u8,
    person: Person,
    iso_dates: bool,
}

/// A stage 2 row waiting for its escalation date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Escalation {
    received: NaiveDate,
    seq: u64,
    case: Case,
}

impl Ord for Escalation {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.received, self.seq).cmp(&(other.received, other.seq))
    }
}

impl PartialOrd for Escalation {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One simulated complaint stage, already cut off at the run date.
#[derive(Debug, Clone, Copy)]
struct StageSim {
    ack: Option<NaiveDate>,
    revised: Option<NaiveDate>,
    responded: Option<NaiveDate>,
    outcome: Option<Outcome>,
    refusal: Option<usize>,
    /// Whole pounds.
    compensation: Option<u32>,
    theme: Option<usize>,
    action: Option<(usize, Option<usize>)>,
    /// A warning shape was applied.
    warned: bool,
}

/// Counts for the summary and the landlord configuration.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    rows: usize,
    complaint_rows: usize,
}

enum GenError {
    Csv(csv::Error),
    Lib(Error),
}

impl From<csv::Error> for GenError {
    fn from(e: csv::Error) -> Self {
        GenError::Csv(e)
    }
}

impl From<Error> for GenError {
    fn from(e: Error) -> Self {
        GenError::Lib(e)
    }
}

/// Dates rendered once, as `dd/mm/yyyy` and `yyyy-mm-dd`.
struct DateText {
    base: i32,
    uk: Vec<String>,
    iso: Vec<String>,
}

impl DateText {
    fn new() -> Self {
        let first = ymd(2023, 1, 1);
        let last = ymd(2027, 12, 31);
        let mut uk = Vec::new();
        let mut iso = Vec::new();
        for d in first.iter_days().take_while(|d| *d <= last) {
            uk.push(format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year()));
            iso.push(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()));
        }
        DateText { base: first.num_days_from_ce(), uk, iso }
    }

    fn push(&self, out: &mut String, d: NaiveDate, iso: bool) {
        let i = (d.num_days_from_ce() - self.base) as usize;
        out.push_str(if iso { &self.iso[i] } else { &self.uk[i] });
    }
}

/// Maps the i-th of n rows to a receipt date, so that volumes follow a
/// weekly, seasonal and yearly pattern and rows come out in date order.
struct DaySchedule {
    days: Vec<NaiveDate>,
    cumulative: Vec<f64>,
    pos: usize,
}

impl DaySchedule {
    fn new(cal: &Calendar) -> Result<Self> {
        let mut days = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0.0;
        for d in START.iter_days().take_while(|d| *d <= END) {
            let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
            let base = if weekend {
                0.05
            } else if !cal.is_working_day(d)? {
                0.08
            } else {
                1.0
            };
            let seasonal =
                [1.12, 1.08, 1.0, 0.95, 0.95, 0.95, 0.93, 0.88, 1.0, 1.05, 1.10, 0.97][d.month0() as usize];
            let years = (d - START).num_days() as f64 / 365.25;
            total += base * seasonal * (1.0 + 0.08 * years);
            days.push(d);
            cumulative.push(total);
        }
        Ok(DaySchedule { days, cumulative, pos: 0 })
    }

    /// The receipt date of row `slot` of `rows`; `slot` must not decrease.
    fn day(&mut self, slot: usize, rows: usize) -> NaiveDate {
        let total = *self.cumulative.last().expect("the span has days");
        let target = (slot as f64 + 0.5) / rows as f64 * total;
        while self.pos + 1 < self.days.len() && self.cumulative[self.pos] < target {
            self.pos += 1;
        }
        self.days[self.pos]
    }
}

/// Weighted choice from small tables.
fn pick<T>(rng: &mut ChaCha8Rng, table: &[(T, u32)]) -> usize {
    let total: u32 = table.iter().map(|(_, w)| *w).sum();
    let mut x = rng.random_range(0..total);
    for (i, (_, w)) in table.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= *w;
    }
    table.len() - 1
}

fn is_winter(d: NaiveDate) -> bool {
    matches!(d.month(), 11 | 12 | 1 | 2)
}

/// How stretched the team handling a case is: multiplies lateness. Areas
/// differ; Repairs and Gas struggle in winter (damp and mould, heating);
/// some quarters are worse across the board (a winter backlog, a system
/// change in summer 2025) and the landlord slowly improves.
fn pressure(area: usize, d: NaiveDate) -> f64 {
    let months = (d.year() - 2024) * 12 + d.month() as i32 - 4;
    let quarter = (months.max(0) / 3) as usize;
    const QUARTERS: [f64; 10] = [1.05, 1.0, 1.25, 1.2, 0.95, 1.2, 1.05, 0.95, 0.8, 0.85];
    let mut p = AREAS[area].2 * QUARTERS[quarter.min(QUARTERS.len() - 1)];
    if is_winter(d) && (area == REPAIRS || area == GAS) {
        p *= 1.45;
    }
    p
}

/// A geometric-looking number of days with the given mean, at least 1.
fn tail_days(rng: &mut ChaCha8Rng, mean: f64, cap: u32) -> u32 {
    let u: f64 = rng.random::<f64>();
    let x = -(1.0 - u).ln() * mean;
    (1 + x as u32).min(cap)
}

struct Generator<'a> {
    rng: ChaCha8Rng,
    cal: &'a Calendar,
    rows: usize,
    faulty_rate: f64,
    dates: DateText,
    fields: [String; 24],
    /// Survey and Ombudsman rows made as complaints close, written after
    /// the case row that caused them.
    pending_surveys: Vec<[String; 5]>,
    pending_findings: Vec<[String; 6]>,
    /// Recent complainants, some of whom complain again.
    recent: VecDeque<Person>,
    households: u32,
    pending_faults: VecDeque<Fault>,
    pending_warnings: VecDeque<Warning>,
    fault_turn: usize,
    warning_turn: usize,
    impossible_turn: usize,
    unparseable_turn: usize,
    /// (slot at which to write, the row to repeat).
    duplicates: VecDeque<(usize, Vec<String>)>,
    escalations: BinaryHeap<Reverse<Escalation>>,
    escalation_seq: u64,
    complaint_seq: (i32, u32),
    feedback_seq: (i32, u32),
    counts: Counts,
}

impl<'a> Generator<'a> {
    fn new(opts: &SampleOptions, cal: &'a Calendar) -> Self {
        let faulty_rate = if opts.faulty_rate.is_finite() { opts.faulty_rate.clamp(0.0, 1.0) } else { 0.0 };
        Generator {
            rng: ChaCha8Rng::seed_from_u64(opts.seed),
            cal,
            rows: opts.rows,
            faulty_rate,
            dates: DateText::new(),
            fields: Default::default(),
            pending_surveys: Vec::new(),
            pending_findings: Vec::new(),
            recent: VecDeque::new(),
            households: 0,
            pending_faults: VecDeque::new(),
            pending_warnings: VecDeque::new(),
            fault_turn: 0,
            warning_turn: 0,
            impossible_turn: 0,
            unparseable_turn: 0,
            duplicates: VecDeque::new(),
            escalations: BinaryHeap::new(),
            escalation_seq: 0,
            complaint_seq: (0, 0),
            feedback_seq: (0, 0),
            counts: Counts::default(),
        }
    }

    fn run<W: Write>(
        &mut self,
        csv: &mut csv::Writer<W>,
        surveys: &mut csv::Writer<W>,
        findings: &mut csv::Writer<W>,
    ) -> std::result::Result<Counts, GenError> {
        csv.write_record(HEADER)?;
        surveys.write_record(SURVEY_HEADER)?;
        findings.write_record(OMBUDSMAN_HEADER)?;
        let mut schedule = DaySchedule::new(self.cal)?;
        for slot in 0..self.rows {
            let day = schedule.day(slot, self.rows);
            if self.faulty_rate > 0.0 {
                if self.rng.random::<f64>() < self.faulty_rate {
                    self.pending_faults.push_back(FAULTS[self.fault_turn % FAULTS.len()]);
                    self.fault_turn += 1;
                }
                if self.rng.random::<f64>() < self.faulty_rate {
                    self.pending_warnings.push_back(WARNINGS[self.warning_turn % WARNINGS.len()]);
                    self.warning_turn += 1;
                }
            }
            if self.duplicates.front().is_some_and(|(at, _)| *at <= slot) {
                let (_, row) = self.duplicates.pop_front().expect("checked");
                csv.write_record(&row)?;
                self.counts.complaint_rows += 1;
            } else if self.escalations.peek().is_some_and(|Reverse(e)| e.received <= day) {
                let Reverse(e) = self.escalations.pop().expect("checked");
                self.stage_two(e)?;
                csv.write_record(&self.fields)?;
                self.counts.complaint_rows += 1;
            } else if self.rng.random::<f64>() < RECORD_TYPES[0].1 {
                let duplicate = self.stage_one(day)?;
                csv.write_record(&self.fields)?;
                self.counts.complaint_rows += 1;
                if duplicate {
                    let later = (slot + self.rng.random_range(1..200usize)).min(self.rows - 1);
                    self.duplicates.push_back((later, self.fields.to_vec()));
                }
            } else {
                self.feedback(day)?;
                csv.write_record(&self.fields)?;
            }
            self.counts.rows += 1;
            for row in self.pending_surveys.drain(..) {
                surveys.write_record(&row)?;
            }
            for row in self.pending_findings.drain(..) {
                findings.write_record(&row)?;
            }
        }
        Ok(self.counts)
    }

    fn clear(&mut self) {
        for f in &mut self.fields {
            f.clear();
        }
    }

    // ---- cases ----------------------------------------------------------------

    fn next_ref(seq: &mut (i32, u32), year: i32) -> (i32, u32) {
        if seq.0 != year {
            *seq = (year, 0);
        }
        seq.1 += 1;
        *seq
    }

    fn new_case(&mut self, day: NaiveDate, complaint: bool) -> Case {
        let rng = &mut self.rng;
        let mut area_weights = [(0u8, 0u32); 9];
        for (i, a) in AREAS.iter().enumerate() {
            let mut w = a.1;
            if is_winter(day) && i == REPAIRS {
                w = w * 5 / 4;
            }
            area_weights[i] = (i as u8, w);
        }
        let area = pick(rng, &area_weights);
        let cats = CATEGORIES[area];
        let mut cat_weights = [(0u8, 0u32); 8];
        for (i, c) in cats.iter().enumerate() {
            let w = if is_winter(day) { (c.1 as f64 * c.2).round() as u32 } else { c.1 };
            cat_weights[i] = (i as u8, w.max(1));
        }
        let category = pick(rng, &cat_weights[..cats.len()]);
        let lcho_p = if area == HOME_OWNERSHIP { 0.85 } else { 0.0202 };
        let tenure = if rng.random::<f64>() < lcho_p {
            Tenure::Lcho
        } else if rng.random::<f64>() < 0.032 {
            Tenure::Blank
        } else {
            Tenure::Lcra
        };
        // Out of hours (weekends, bank holidays) only the web form and email work.
        let out_of_hours = matches!(self.cal.is_working_day(day), Ok(false));
        let rng = &mut self.rng;
        let channel = if out_of_hours {
            if rng.random::<f64>() < 0.7 {
                2
            } else {
                1
            }
        } else {
            pick(rng, &CHANNELS)
        };
        // About one complaint in eight comes from a household that
        // complained in the last year or so.
        let person = match self.recent.len() {
            n if complaint && n > 20 && self.rng.random::<f64>() < 0.125 => {
                self.recent[self.rng.random_range(0..n)]
            }
            _ => {
                let p = self.new_person();
                if complaint {
                    self.recent.push_back(p);
                    if self.recent.len() > RECENT_COMPLAINANTS {
                        self.recent.pop_front();
                    }
                }
                p
            }
        };
        let (ref_year, ref_seq) = if complaint {
            Self::next_ref(&mut self.complaint_seq, day.year())
        } else {
            Self::next_ref(&mut self.feedback_seq, day.year())
        };
        let iso_dates = self.rng.random::<f64>() < 0.01;
        Case {
            ref_year,
            ref_seq,
            area: area as u8,
            category: category as u8,
            tenure,
            channel: channel as u8,
            person,
            iso_dates,
        }
    }

    fn new_person(&mut self) -> Person {
        self.households += 1;
        let household = self.households;
        let rng = &mut self.rng;
        let town = rng.random_range(0..TOWNS.len());
        Person {
            household,
            first: rng.random_range(0..FIRST_NAMES.len()) as u8,
            last: rng.random_range(0..LAST_NAMES.len()) as u8,
            flat: if rng.random::<f64>() < 0.18 { rng.random_range(1..40u8) } else { 0 },
            house: if rng.random::<f64>() < 0.8 {
                rng.random_range(1..120u16)
            } else {
                rng.random_range(120..400u16)
            },
            street: rng.random_range(0..STREETS.len()) as u8,
            suffix: rng.random_range(0..SUFFIXES.len()) as u8,
            town: town as u8,
            district: rng.random_range(1..=TOWNS[town].2),
            sector: rng.random_range(0..10u8),
            unit: [
                POSTCODE_UNIT_LETTERS[rng.random_range(0..POSTCODE_UNIT_LETTERS.len())],
                POSTCODE_UNIT_LETTERS[rng.random_range(0..POSTCODE_UNIT_LETTERS.len())],
            ],
            email_style: if rng.random::<f64>() < 0.25 { 0 } else { rng.random_range(1..5u8) },
            email_num: rng.random_range(1..99u8),
            phone_kind: if rng.random::<f64>() < 0.08 {
                0
            } else {
                pick(rng, &[(1u8, 70), (2, 15), (3, 8), (4, 7)]) as u8 + 1
            },
            phone_num: rng.random_range(0..1000u16),
        }
    }

    /// Simulates one complaint stage received on `received`.
    fn simulate(
        &mut self,
        stage: u8,
        received: NaiveDate,
        area: usize,
        warning: Option<Warning>,
    ) -> Result<StageSim> {
        let cal = self.cal;
        let p = pressure(area, received);
        let (respond_days, max_ext, ack_late_base, late_base, ext_rate) =
            if stage == 1 { (10, 10, 0.06, 0.20, 0.08) } else { (20, 20, 0.06, 0.25, 0.10) };

        // Acknowledgement.
        let ack_due = cal.add_working_days(received, 5)?;
        let ack_k = if self.rng.random::<f64>() < (ack_late_base * p).min(0.5) {
            5 + tail_days(&mut self.rng, 2.5, 15)
        } else {
            [0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5][self.rng.random_range(0..12usize)]
        };
        let ack = cal.add_working_days(received, ack_k)?;
        let clock = ack.min(ack_due);
        let due = cal.add_working_days(clock, respond_days)?;

        // Outcome.
        let outcome = if stage == 1 {
            [Outcome::Upheld, Outcome::Partial, Outcome::NotUpheld, Outcome::Withdrawn, Outcome::Refused]
                [pick(&mut self.rng, &[((), 350), ((), 250), ((), 350), ((), 40), ((), 15)])]
        } else {
            [Outcome::Upheld, Outcome::Partial, Outcome::NotUpheld, Outcome::Withdrawn]
                [pick(&mut self.rng, &[((), 280), ((), 270), ((), 410), ((), 40)])]
        };

        // Extension.
        let beyond = warning == Some(Warning::ExtensionBeyondMaximum);
        let extension = if beyond {
            Some(max_ext + 1 + self.rng.random_range(0..8u32))
        } else if matches!(outcome, Outcome::Refused) {
            None
        } else if self.rng.random::<f64>() < ext_rate * (0.6 + 0.4 * p) {
            Some(if self.rng.random::<f64>() < 0.5 { max_ext } else { self.rng.random_range(3..=max_ext) })
        } else {
            None
        };
        let revised = match extension {
            Some(e) => Some(cal.add_working_days(due, e)?),
            None => None,
        };
        let effective_due = match extension {
            Some(e) => cal.add_working_days(due, e.min(max_ext))?,
            None => due,
        };

        // Response (or withdrawal).
        let on_time_p = if extension.is_some() { 0.88 } else { 1.0 - (late_base * p).min(0.7) };
        let (mut responded, closed) = match outcome {
            Outcome::Refused => {
                let r = cal.add_working_days(ack, self.rng.random_range(0..=3))?;
                (Some(r), r)
            }
            Outcome::Withdrawn => {
                let r = cal.add_working_days(ack, self.rng.random_range(1..=8))?;
                (if self.rng.random::<f64>() < 0.55 { None } else { Some(r) }, r)
            }
            _ => {
                let r = if self.rng.random::<f64>() < on_time_p {
                    let span = cal.working_days_between(clock, effective_due)?.max(1) as u32;
                    let k = if self.rng.random::<f64>() < 0.35 {
                        self.rng.random_range(1..=span)
                    } else {
                        self.rng.random_range(span.saturating_sub(4).max(1)..=span)
                    };
                    cal.add_working_days(clock, k)?
                } else {
                    let mean = if stage == 1 { 5.0 } else { 8.0 };
                    cal.add_working_days(effective_due, tail_days(&mut self.rng, mean, 80))?
                };
                (Some(r), r)
            }
        };
        if let Some(r) = responded {
            responded = Some(r.max(ack));
        }

        // Cut off at the run date.
        let ack = (ack <= AS_OF).then_some(ack);
        let revised = revised.filter(|d| *d <= AS_OF);
        let open = closed > AS_OF || responded.is_some_and(|r| r > AS_OF);
        let (responded, outcome) = if open { (None, None) } else { (responded, Some(outcome)) };

        let mut sim = StageSim {
            ack,
            revised,
            responded,
            outcome,
            refusal: None,
            compensation: None,
            theme: None,
            action: None,
            warned: false,
        };
        match warning {
            Some(Warning::RespondedWithoutAck) if sim.responded.is_some() => {
                sim.ack = None;
                sim.warned = true;
            }
            Some(Warning::ExtensionBeyondMaximum) if sim.revised.is_some() => sim.warned = true,
            _ => {}
        }
        if let Some(o) = sim.outcome {
            self.close(stage, area, &mut sim, o);
        }
        Ok(sim)
    }

    /// Refusal reason, compensation and learning for a decided stage.
    fn close(&mut self, stage: u8, area: usize, sim: &mut StageSim, outcome: Outcome) {
        let rng = &mut self.rng;
        if outcome == Outcome::Refused {
            sim.refusal = Some(pick(rng, &REFUSAL_REASONS));
        }
        let comp_p = match outcome {
            Outcome::Upheld | Outcome::Partial => {
                if stage == 1 {
                    0.20
                } else {
                    0.35
                }
            }
            Outcome::NotUpheld => 0.01,
            _ => 0.0,
        };
        if rng.random::<f64>() < comp_p {
            const AMOUNTS: [(u32, u32); 14] = [
                (25, 10),
                (50, 20),
                (75, 12),
                (100, 15),
                (125, 8),
                (150, 8),
                (200, 7),
                (250, 6),
                (300, 4),
                (400, 3),
                (500, 3),
                (750, 2),
                (1250, 1),
                (2000, 1),
            ];
            let mut amount = AMOUNTS[pick(rng, &AMOUNTS)].0;
            if stage == 2 && rng.random::<f64>() < 0.4 {
                amount *= 2;
            }
            if outcome == Outcome::NotUpheld {
                amount = 25; // a goodwill gesture
            }
            sim.compensation = Some(amount);
        }
        let theme_p = match outcome {
            Outcome::Upheld | Outcome::Partial => 0.90,
            Outcome::NotUpheld => 0.62,
            _ => 0.30,
        };
        if rng.random::<f64>() < theme_p {
            let theme = self.theme_for(area);
            sim.theme = Some(theme);
            if self.rng.random::<f64>() < 0.85 {
                let action = self.rng.random_range(0..ACTIONS[theme].len());
                let follow = (self.rng.random::<f64>() < 0.06)
                    .then(|| self.rng.random_range(0..ACTION_FOLLOW_UPS.len()));
                sim.action = Some((action, follow));
            }
        }
    }

    fn theme_for(&mut self, area: usize) -> usize {
        // Themes follow the service area most of the time; communication
        // and record keeping turn up everywhere.
        let r = self.rng.random::<f64>();
        if r < 0.25 {
            return T_COMMS;
        }
        if r < 0.32 {
            return [T_RECORDS, T_POLICY, T_STAFF][self.rng.random_range(0..3usize)];
        }
        match area {
            REPAIRS => [T_REPAIRS, T_REPAIRS, T_DAMP, T_MISSED, T_QUALITY][self.rng.random_range(0..5usize)],
            GAS => [T_REPAIRS, T_MISSED, T_POLICY][self.rng.random_range(0..3usize)],
            2 => T_ASB,
            1 => [T_STAFF, T_POLICY, T_ASB, T_RECORDS][self.rng.random_range(0..4usize)],
            3 | HOME_OWNERSHIP => [T_RECORDS, T_POLICY, T_STAFF][self.rng.random_range(0..3usize)],
            _ => [T_STAFF, T_POLICY, T_RECORDS, T_QUALITY][self.rng.random_range(0..4usize)],
        }
    }

    /// A new complaint's stage 1 row, in `self.fields`. Returns whether the
    /// row is to be repeated later as a duplicate fault.
    fn stage_one(&mut self, day: NaiveDate) -> Result<bool> {
        let case = self.new_case(day, true);
        let fault = self.pending_faults.pop_front();
        let warning = self.pending_warnings.front().copied();
        let sim = self.simulate(1, day, case.area as usize, warning)?;
        if sim.warned {
            self.pending_warnings.pop_front();
        }
        self.render_complaint(&case, 1, day, &sim);

        // Escalation: a fault leaves the case alone, so every stage 2 row has
        // a clean stage 1 row.
        if fault.is_none() {
            if let (Some(responded), Some(outcome)) = (sim.responded, sim.outcome) {
                let p = match outcome {
                    Outcome::Upheld => 0.085,
                    Outcome::Partial => 0.18,
                    Outcome::NotUpheld => 0.26,
                    _ => 0.0,
                };
                if self.rng.random::<f64>() < p {
                    let wait = self.rng.random_range(1..=20);
                    let received = self.cal.add_working_days(responded, wait)?;
                    if received <= END {
                        self.escalation_seq += 1;
                        self.escalations.push(Reverse(Escalation {
                            received,
                            seq: self.escalation_seq,
                            case,
                        }));
                    }
                }
            }
        }

        let Some(fault) = fault else { return Ok(false) };
        self.apply_fault(fault, day, &sim);
        Ok(fault == Fault::Duplicate)
    }

    fn stage_two(&mut self, e: Escalation) -> Result<()> {
        let mut case = e.case;
        if self.rng.random::<f64>() < 0.3 {
            case.channel = pick(&mut self.rng, &CHANNELS) as u8;
        }
        let sim = self.simulate(2, e.received, case.area as usize, None)?;
        self.render_complaint(&case, 2, e.received, &sim);
        Ok(())
    }

    fn apply_fault(&mut self, fault: Fault, day: NaiveDate, sim: &StageSim) {
        let f = &mut self.fields;
        match fault {
            Fault::MissingRef => f[F_REF].clear(),
            Fault::ImpossibleDate => {
                self.impossible_turn += 1;
                if self.impossible_turn % 2 == 1 {
                    f[F_RECEIVED].clear();
                    f[F_RECEIVED].push_str("31/02/2025");
                } else {
                    let col = if sim.responded.is_some() { F_RESPONDED } else { F_RECEIVED };
                    f[col].clear();
                    f[col].push_str("29/02/2025");
                }
            }
            Fault::UnparseableDate => {
                self.unparseable_turn += 1;
                let col = if self.unparseable_turn % 2 == 1 || sim.responded.is_none() {
                    F_RECEIVED
                } else {
                    F_RESPONDED
                };
                f[col].clear();
                f[col].push_str("next Tuesday");
            }
            Fault::RespondedBeforeReceived => {
                let before = day - chrono::Duration::days(self.rng.random_range(1..=30));
                f[F_RESPONDED].clear();
                self.dates.push(&mut f[F_RESPONDED], before, false);
                if f[F_OUTCOME].is_empty() {
                    f[F_OUTCOME].push_str("Not Upheld");
                }
            }
            Fault::UnknownOutcome => {
                f[F_OUTCOME].clear();
                f[F_OUTCOME].push_str("Resolved");
            }
            Fault::UnknownStage => {
                f[F_STAGE].clear();
                f[F_STAGE].push_str("Stage 3");
            }
            Fault::NegativeCompensation => {
                f[F_COMP].clear();
                f[F_COMP].push_str("-£50.00");
            }
            Fault::UnparseableAmount => {
                f[F_COMP].clear();
                f[F_COMP].push_str("fifty pounds");
            }
            Fault::Duplicate => {}
        }
    }

    /// A compliment, suggestion, enquiry or feedback row.
    fn feedback(&mut self, day: NaiveDate) -> Result<()> {
        let total: f64 = RECORD_TYPES[1..].iter().map(|t| t.1).sum();
        let mut x = self.rng.random::<f64>() * total;
        let mut kind = RECORD_TYPES.len() - 1;
        for (i, t) in RECORD_TYPES.iter().enumerate().skip(1) {
            if x < t.1 {
                kind = i;
                break;
            }
            x -= t.1;
        }
        let case = self.new_case(day, false);
        let cal = self.cal;
        let ack = if self.rng.random::<f64>() < 0.03 {
            None
        } else {
            let k = if self.rng.random::<f64>() < 0.9 {
                self.rng.random_range(0..=3)
            } else {
                self.rng.random_range(4..=9)
            };
            Some(cal.add_working_days(day, k)?)
        };
        let respond_p = match RECORD_TYPES[kind].0 {
            "Suggestion" => 0.92,
            "Enquiry" => 0.15,
            "Feedback" => 0.10,
            _ => 0.02,
        };
        let responded = if self.rng.random::<f64>() < respond_p {
            let k = if self.rng.random::<f64>() < 0.82 {
                self.rng.random_range(3..=20)
            } else {
                self.rng.random_range(21..=40)
            };
            let r = cal.add_working_days(day, k)?;
            Some(match ack {
                Some(a) => r.max(a),
                None => r,
            })
        } else {
            None
        };
        let ack = ack.filter(|d| *d <= AS_OF);
        let responded = responded.filter(|d| *d <= AS_OF);

        self.clear();
        let iso = case.iso_dates;
        let f = &mut self.fields;
        let _ = write!(f[F_REF], "FBK-{}-{:06}", case.ref_year, case.ref_seq);
        f[F_TYPE].push_str(RECORD_TYPES[kind].0);
        self.dates.push(&mut f[F_RECEIVED], day, iso);
        if let Some(a) = ack {
            self.dates.push(&mut f[F_ACK], a, iso);
        }
        if let Some(r) = responded {
            self.dates.push(&mut f[F_RESPONDED], r, iso);
        }
        self.write_case_columns(&case);
        self.write_notes(&case, kind);
        Ok(())
    }

    // ---- rendering ------------------------------------------------------------

    fn render_complaint(&mut self, case: &Case, stage: u8, received: NaiveDate, sim: &StageSim) {
        self.clear();
        let iso = case.iso_dates;
        let rng = &mut self.rng;
        let f = &mut self.fields;
        let _ = write!(f[F_REF], "CMP-{}-{:06}", case.ref_year, case.ref_seq);
        if rng.random::<f64>() >= 0.03 {
            f[F_TYPE].push_str("Complaint");
        }
        let short = rng.random::<f64>() < 0.05;
        f[F_STAGE].push_str(match (stage, short) {
            (1, false) => "Stage 1",
            (1, true) => "1",
            (_, false) => "Stage 2",
            (_, true) => "2",
        });
        self.dates.push(&mut f[F_RECEIVED], received, iso);
        if let Some(d) = sim.ack {
            self.dates.push(&mut f[F_ACK], d, iso);
        }
        if let Some(d) = sim.revised {
            self.dates.push(&mut f[F_REVISED], d, iso);
        }
        if let Some(d) = sim.responded {
            self.dates.push(&mut f[F_RESPONDED], d, iso);
        }
        if let Some(o) = sim.outcome {
            let r = rng.random::<f64>();
            f[F_OUTCOME].push_str(match o {
                Outcome::Upheld => {
                    if r < 0.85 {
                        "Upheld"
                    } else {
                        "UPHELD"
                    }
                }
                Outcome::Partial => {
                    if r < 0.6 {
                        "Partially Upheld"
                    } else if r < 0.85 {
                        "Partially upheld"
                    } else {
                        "partly_upheld"
                    }
                }
                Outcome::NotUpheld => {
                    if r < 0.7 {
                        "Not Upheld"
                    } else if r < 0.9 {
                        "not upheld"
                    } else {
                        "Not-Upheld"
                    }
                }
                Outcome::Withdrawn => "Withdrawn",
                Outcome::Refused => "Refused",
            });
        }
        if let Some(r) = sim.refusal {
            f[F_REFUSAL].push_str(REFUSAL_REASONS[r].0);
        }
        if let Some(amount) = sim.compensation {
            // Mostly "£1,250.00"; some "75", "£75" or "75.00".
            let style = rng.random::<f64>();
            let (pound, thousands, pence) = match style {
                s if s < 0.12 => (false, false, false),
                s if s < 0.90 => (true, true, true),
                s if s < 0.96 => (true, true, false),
                _ => (false, false, true),
            };
            let comp = &mut f[F_COMP];
            if pound {
                comp.push('£');
            }
            if thousands && amount >= 1000 {
                let _ = write!(comp, "{},{:03}", amount / 1000, amount % 1000);
            } else {
                let _ = write!(comp, "{amount}");
            }
            if pence {
                comp.push_str(".00");
            }
        }
        if let Some(t) = sim.theme {
            f[F_THEME].push_str(THEMES[t]);
        }
        if let Some((a, follow)) = sim.action {
            f[F_ACTION].push_str(ACTIONS[sim.theme.expect("an action has a theme")][a]);
            if let Some(i) = follow {
                f[F_ACTION].push_str(if rng.random::<f64>() < 0.6 { "\r\n" } else { "\n" });
                f[F_ACTION].push_str(ACTION_FOLLOW_UPS[i]);
            }
            // About 1% of actions leak personal data a later screen must catch.
            if rng.random::<f64>() < 0.01 {
                let p = &case.person;
                let name = FIRST_NAMES[p.first as usize];
                let last = LAST_NAMES[p.last as usize];
                match rng.random_range(0..3u8) {
                    0 => {
                        let _ = write!(f[F_ACTION], " Agreed with {name} {last} at the review meeting.");
                    }
                    1 => {
                        f[F_ACTION].push_str(" Resident to be called back on ");
                        push_phone(&mut f[F_ACTION], p, true);
                        f[F_ACTION].push('.');
                    }
                    _ => {
                        f[F_ACTION].push_str(" Confirmation sent to ");
                        push_email(&mut f[F_ACTION], p, true);
                        f[F_ACTION].push('.');
                    }
                }
            }
        }
        self.write_case_columns(case);
        self.write_notes(case, 0);
        self.write_summary(case);
        self.follow_up(case, stage, sim);
    }

    /// Area, category, channel, tenure and the personal-data columns.
    fn write_case_columns(&mut self, case: &Case) {
        let f = &mut self.fields;
        let area = case.area as usize;
        f[F_AREA].push_str(AREAS[area].0);
        f[F_CATEGORY].push_str(CATEGORIES[area][case.category as usize].0);
        f[F_CHANNEL].push_str(CHANNELS[case.channel as usize].0);
        f[F_TENURE].push_str(match case.tenure {
            Tenure::Lcra => "LCRA",
            Tenure::Lcho => "LCHO",
            Tenure::Blank => "",
        });
        let p = &case.person;
        let _ = write!(f[F_NAME], "{} {}", FIRST_NAMES[p.first as usize], LAST_NAMES[p.last as usize]);
        if p.flat > 0 {
            let _ = write!(f[F_ADDRESS], "Flat {}, ", p.flat);
        }
        let _ = write!(
            f[F_ADDRESS],
            "{} {} {}, {}",
            p.house, STREETS[p.street as usize], SUFFIXES[p.suffix as usize], TOWNS[p.town as usize].0
        );
        let _ = write!(
            f[F_POSTCODE],
            "{}{} {}{}{}",
            TOWNS[p.town as usize].1, p.district, p.sector, p.unit[0] as char, p.unit[1] as char
        );
        push_email(&mut f[F_EMAIL], p, false);
        push_phone(&mut f[F_PHONE], p, false);
        // A few rows (mostly contacts from non-tenants) carry no tenancy.
        if p.household % 23 != 0 {
            let _ = write!(f[F_TENANCY], "TEN-{:06}", p.household);
        }
    }

    /// The resident's own account of the complaint, sometimes naming them.
    fn write_summary(&mut self, case: &Case) {
        let rng = &mut self.rng;
        if rng.random::<f64>() < 0.15 {
            return;
        }
        let options = SUMMARIES[case.area as usize];
        let text = options[rng.random_range(0..options.len())];
        let s = &mut self.fields[F_SUMMARY];
        if rng.random::<f64>() < 0.3 {
            let _ = write!(s, "{} says the ", FIRST_NAMES[case.person.first as usize]);
        } else {
            s.push_str("The ");
        }
        s.push_str(text);
    }

    /// A closed complaint may bring a satisfaction survey and, at stage 2,
    /// an Ombudsman determination months later (dated no later than the run
    /// date, as a real export would be).
    fn follow_up(&mut self, case: &Case, stage: u8, sim: &StageSim) {
        let (Some(responded), Some(outcome)) = (sim.responded, sim.outcome) else { return };
        let decided = match outcome {
            Outcome::Upheld => 0,
            Outcome::Partial => 1,
            Outcome::NotUpheld => 2,
            _ => return,
        };
        let reference = format!("CMP-{}-{:06}", case.ref_year, case.ref_seq);
        let rng = &mut self.rng;
        if rng.random::<f64>() < 0.3 {
            let day = responded + chrono::Days::new(rng.random_range(2..30u64));
            if day <= AS_OF {
                let score = SCORE_WEIGHTS[decided][pick(rng, &SCORE_WEIGHTS[decided])].0;
                let r = rng.random::<f64>();
                let score_text = match (score, r) {
                    (_, r) if r < 0.004 => "N/A".to_string(),
                    (5, r) if r < 0.2 => "5 - Very satisfied".to_string(),
                    (1, r) if r < 0.2 => "1 - Very dissatisfied".to_string(),
                    (s, _) => s.to_string(),
                };
                let reference = if rng.random::<f64>() < 0.003 {
                    format!("CMP-{}-{:06}", case.ref_year, 900_000 + case.ref_seq)
                } else {
                    reference.clone()
                };
                let stage_text =
                    if rng.random::<f64>() < 0.3 { String::new() } else { format!("Stage {stage}") };
                let p = &case.person;
                let name = format!("{} {}", FIRST_NAMES[p.first as usize], LAST_NAMES[p.last as usize]);
                self.pending_surveys.push([
                    reference.clone(),
                    day.format("%d/%m/%Y").to_string(),
                    stage_text,
                    score_text,
                    name,
                ]);
            }
        }
        let rng = &mut self.rng;
        if stage == 2 && rng.random::<f64>() < 0.06 {
            let day = responded + chrono::Days::new(rng.random_range(120..330u64));
            if day <= AS_OF {
                let hos = format!("2{:08}", rng.random_range(0..100_000_000u32));
                for _ in 0..if rng.random::<f64>() < 0.3 { 2 } else { 1 } {
                    let finding = FINDINGS[pick(rng, &FINDINGS)].0;
                    let adverse = matches!(
                        finding,
                        "Severe maladministration" | "Maladministration" | "Service Failure"
                    );
                    let (orders, amount) = if adverse {
                        let pounds = rng.random_range(1..30u32) * 50;
                        (
                            "Apology from a senior manager; compensation; review of case handling"
                                .to_string(),
                            format!("£{pounds}.00"),
                        )
                    } else {
                        (String::new(), String::new())
                    };
                    self.pending_findings.push([
                        hos.clone(),
                        reference.clone(),
                        day.format("%d/%m/%Y").to_string(),
                        finding.to_string(),
                        orders,
                        amount,
                    ]);
                }
            }
        }
    }

    /// Free-text notes mentioning the resident. `kind` is the record type
    /// index (0 = complaint).
    fn write_notes(&mut self, case: &Case, kind: usize) {
        let rng = &mut self.rng;
        if rng.random::<f64>() < 0.1 {
            return;
        }
        let p = &case.person;
        let first = FIRST_NAMES[p.first as usize];
        let last = LAST_NAMES[p.last as usize];
        let category = CATEGORIES[case.area as usize][case.category as usize].0.to_lowercase();
        let area = AREAS[case.area as usize].0;
        let n = &mut self.fields[F_NOTES];
        let t = rng.random_range(0..6u8);
        let _ = if kind == 1 {
            match t % 3 {
                0 => write!(
                    n,
                    "{first} {last} rang to thank the operative, \"couldn't have been more helpful\"."
                ),
                1 => write!(n, "Card received from {first} {last}; passed to the {area} team, with thanks."),
                _ => {
                    write!(n, "{first} said the new kitchen is \"brilliant\", and asked us to pass this on.")
                }
            }
        } else if kind != 0 {
            match t % 3 {
                0 => write!(n, "{first} {last} suggested a change to how we handle {category}."),
                1 => write!(n, "Contact from {first} {last} about {category}, logged for the {area} team."),
                _ => write!(n, "{first} asked for an update on {category}; details passed on."),
            }
        } else {
            match t {
                0 => write!(n, "{first} {last} called about {category}. Advised a supervisor will call back within 2 days."),
                1 => write!(n, "Spoke to {first} on the phone, said \"nobody has turned up, again\". Raised with {area}."),
                2 => write!(n, "Email from {first} {last} chasing an update, third contact this month."),
                3 => write!(n, "Visited {first} {last} at home; photos taken, 3 rooms affected, \"it's getting worse\"."),
                4 => write!(n, "{first} unhappy with the response, wants it looked at again. Manager, please review."),
                _ => write!(n, "Case opened for {first} {last} ({category}), vulnerable household, priority contact."),
            }
        };
        if rng.random::<f64>() < 0.2 {
            n.push_str(if rng.random::<f64>() < 0.6 { "\r\n" } else { "\n" });
            let _ = match rng.random_range(0..4u8) {
                0 => write!(n, "Follow-up: left voicemail for {first}, no answer."),
                1 => write!(n, "Update: {first} confirmed by email, \"happy for you to come on Thursday\"."),
                2 => write!(n, "Note: preferred contact is {first}'s daughter, after 4pm."),
                _ => write!(n, "Escalated to team leader, {first} {last} to be kept informed weekly."),
            };
        }
    }
}

fn push_email(out: &mut String, p: &Person, always: bool) {
    let style = if p.email_style == 0 && always { 1 } else { p.email_style };
    if style == 0 {
        return;
    }
    let first = FIRST_NAMES[p.first as usize];
    let last = LAST_NAMES[p.last as usize];
    let lower = |out: &mut String, s: &str| {
        out.extend(s.chars().filter(|c| c.is_ascii_alphabetic()).map(|c| c.to_ascii_lowercase()))
    };
    match style {
        1 => {
            lower(out, first);
            out.push('.');
            lower(out, last);
            out.push_str("@example.com");
        }
        2 => {
            lower(out, &first[..1]);
            lower(out, last);
            let _ = write!(out, "{}@example.org", p.email_num);
        }
        3 => {
            lower(out, first);
            let _ = write!(out, "{}@example.net", p.email_num);
        }
        _ => {
            lower(out, first);
            out.push('_');
            lower(out, last);
            out.push_str("@example.com");
        }
    }
}

/// UK numbers from Ofcom's drama ranges.
fn push_phone(out: &mut String, p: &Person, always: bool) {
    let kind = if p.phone_kind == 0 && always { 1 } else { p.phone_kind };
    let _ = match kind {
        0 => Ok(()),
        1 => write!(out, "07700 900{:03}", p.phone_num),
        2 => write!(out, "01632 960{:03}", p.phone_num),
        3 => write!(out, "0113 496 0{:03}", p.phone_num),
        _ => write!(out, "020 7946 0{:03}", p.phone_num),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    fn gen(rows: usize, seed: u64, faulty_rate: f64) -> (tempfile::TempDir, SampleSummary) {
        let dir = tempfile::tempdir().unwrap();
        let summary = generate(&SampleOptions { rows, seed, faulty_rate }, dir.path()).unwrap();
        (dir, summary)
    }

    fn records(dir: &Path) -> Vec<Vec<String>> {
        let bytes = std::fs::read(dir.join("cases.csv")).unwrap();
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).expect("BOM");
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(body);
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), HEADER.to_vec());
        reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
    }

    fn date(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%d/%m/%Y").or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d")).ok()
    }

    const OUTCOMES: [&str; 10] = [
        "Upheld",
        "UPHELD",
        "Partially Upheld",
        "Partially upheld",
        "partly_upheld",
        "Not Upheld",
        "not upheld",
        "Not-Upheld",
        "Withdrawn",
        "Refused",
    ];

    fn amount_ok(s: &str) -> bool {
        let t = s.trim_start_matches('£').replace(',', "");
        !t.is_empty() && t.parse::<f64>().is_ok_and(|v| v >= 0.0)
    }

    /// Which error-level fault a row shows, if any (duplicates are checked
    /// by the caller).
    fn fault_of(r: &[String]) -> Option<&'static str> {
        if r[F_REF].is_empty() {
            return Some("missing ref");
        }
        for col in [F_RECEIVED, F_ACK, F_REVISED, F_RESPONDED] {
            let v = &r[col];
            if !v.is_empty() && date(v).is_none() {
                return Some(if v.chars().next().unwrap().is_ascii_digit() {
                    "impossible date"
                } else {
                    "unparseable date"
                });
            }
        }
        if let (Some(rec), Some(resp)) = (date(&r[F_RECEIVED]), date(&r[F_RESPONDED])) {
            if resp < rec {
                return Some("responded before received");
            }
        }
        if !r[F_OUTCOME].is_empty() && !OUTCOMES.contains(&r[F_OUTCOME].as_str()) {
            return Some("unknown outcome");
        }
        if !["", "Stage 1", "Stage 2", "1", "2"].contains(&r[F_STAGE].as_str()) {
            return Some("unknown stage");
        }
        if r[F_COMP].starts_with('-') {
            return Some("negative compensation");
        }
        if !r[F_COMP].is_empty() && !amount_ok(&r[F_COMP]) {
            return Some("unparseable amount");
        }
        None
    }

    /// Fault kind counts, duplicates included.
    fn faults(recs: &[Vec<String>]) -> HashMap<&'static str, usize> {
        let mut seen = HashSet::new();
        let mut counts = HashMap::new();
        for r in recs {
            let kind = fault_of(r).or_else(|| (!seen.insert(r.clone())).then_some("duplicate"));
            if let Some(k) = kind {
                *counts.entry(k).or_insert(0) += 1;
            }
        }
        counts
    }

    fn is_complaint(r: &[String]) -> bool {
        r[F_TYPE].is_empty() || r[F_TYPE] == "Complaint"
    }

    fn stage(r: &[String]) -> Option<u8> {
        match r[F_STAGE].as_str() {
            "Stage 1" | "1" => Some(1),
            "Stage 2" | "2" => Some(2),
            _ => None,
        }
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let (a, _) = gen(3000, 7, 0.01);
        let (b, _) = gen(3000, 7, 0.01);
        let (c, _) = gen(3000, 8, 0.01);
        for name in ["cases.csv", "landlord.toml"] {
            assert_eq!(
                std::fs::read(a.path().join(name)).unwrap(),
                std::fs::read(b.path().join(name)).unwrap(),
                "{name} differs between runs with the same seed"
            );
        }
        assert_ne!(
            std::fs::read(a.path().join("cases.csv")).unwrap(),
            std::fs::read(c.path().join("cases.csv")).unwrap()
        );
    }

    #[test]
    fn bom_header_crlf_and_multiline_fields() {
        let (dir, summary) = gen(20_000, 1, 0.004);
        assert_eq!(summary.rows, 20_000);
        let names: Vec<&str> = ["cases.csv", "surveys.csv", "ombudsman.csv", "landlord.toml"]
            .into_iter()
            .chain(SELF_ASSESSMENT_FILES.iter().map(|(n, _)| *n))
            .collect();
        assert_eq!(summary.files, names.iter().map(|n| dir.path().join(n)).collect::<Vec<_>>());
        let bytes = std::fs::read(dir.path().join("cases.csv")).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let header = format!("{}\r\n", HEADER.join(","));
        assert!(bytes[3..].starts_with(header.as_bytes()));
        assert!(bytes.ends_with(b"\r\n"));
        let recs = records(dir.path());
        assert_eq!(recs.len(), 20_000);
        let multiline_notes = recs.iter().filter(|r| r[F_NOTES].contains('\n')).count();
        let crlf_notes = recs.iter().filter(|r| r[F_NOTES].contains("\r\n")).count();
        let multiline_actions = recs.iter().filter(|r| r[F_ACTION].contains('\n')).count();
        assert!(multiline_notes > 1000 && crlf_notes > 500 && multiline_actions > 20);
        assert!(recs.iter().any(|r| r[F_ACTION].contains(',') && r[F_ACTION].contains('"')));
        // Personal data is present and looks real.
        let with = |col: usize| recs.iter().filter(|r| !r[col].is_empty()).count();
        assert_eq!(with(F_NAME), recs.len());
        assert_eq!(with(F_ADDRESS), recs.len());
        assert!(with(F_EMAIL) > recs.len() / 2 && with(F_PHONE) > recs.len() * 3 / 4);
        assert!(recs
            .iter()
            .all(|r| r[F_NOTES].is_empty() || FIRST_NAMES.iter().any(|n| r[F_NOTES].contains(n))));
        assert!(recs.iter().all(|r| {
            let pc = &r[F_POSTCODE];
            let (out, inward) = pc.split_once(' ').unwrap();
            inward.len() == 3
                && out.len() >= 2
                && out.len() <= 4
                && out.chars().next().unwrap().is_ascii_uppercase()
        }));
        // ~1% ISO rows.
        let iso = recs.iter().filter(|r| r[F_RECEIVED].contains('-')).count() as f64 / recs.len() as f64;
        assert!((0.005..0.02).contains(&iso), "ISO share {iso}");
    }

    #[test]
    fn record_type_shares() {
        let (dir, _) = gen(20_000, 2026, 0.004);
        let recs = records(dir.path());
        let n = recs.len() as f64;
        let share = |t: &str| recs.iter().filter(|r| r[F_TYPE] == t).count() as f64 / n;
        let complaints = recs.iter().filter(|r| is_complaint(r)).count() as f64 / n;
        let blank = recs.iter().filter(|r| r[F_TYPE].is_empty()).count() as f64 / n;
        assert!((0.675..0.725).contains(&complaints), "complaints {complaints}");
        assert!((0.012..0.035).contains(&blank), "blank {blank}");
        for (t, want, tol) in [
            ("Compliment", 0.17, 0.015),
            ("Suggestion", 0.06, 0.01),
            ("Enquiry", 0.04, 0.008),
            ("Feedback", 0.03, 0.007),
        ] {
            let got = share(t);
            assert!((got - want).abs() < tol, "{t}: {got} vs {want}");
        }
        // Non-complaints have no stage or outcome and FBK references.
        for r in recs.iter().filter(|r| !is_complaint(r)) {
            assert!(r[F_STAGE].is_empty() && r[F_OUTCOME].is_empty() && r[F_REF].starts_with("FBK-"));
        }
        // Tenure: ~90% LCRA, ~7% LCHO, ~3% blank.
        let tenure = |t: &str| recs.iter().filter(|r| r[F_TENURE] == t).count() as f64 / n;
        assert!((tenure("LCRA") - 0.90).abs() < 0.02, "LCRA {}", tenure("LCRA"));
        assert!((tenure("LCHO") - 0.07).abs() < 0.015, "LCHO {}", tenure("LCHO"));
        assert!((tenure("") - 0.03).abs() < 0.01, "blank tenure {}", tenure(""));
    }

    #[test]
    fn no_date_after_the_run_date_and_receipts_in_span() {
        let (dir, _) = gen(30_000, 3, 0.004);
        let recs = records(dir.path());
        let mut weekend = 0;
        for r in &recs {
            for col in [F_RECEIVED, F_ACK, F_REVISED, F_RESPONDED] {
                if let Some(d) = date(&r[col]) {
                    assert!(d <= AS_OF, "{} {d} after the run date: {r:?}", HEADER[col]);
                }
            }
            if let Some(d) = date(&r[F_RECEIVED]) {
                assert!(d >= START && d <= END, "received {d}");
                if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                    weekend += 1;
                }
            }
            if r[F_RESPONDED].is_empty() && is_complaint(r) {
                assert!(
                    r[F_OUTCOME].is_empty() || r[F_OUTCOME] == "Withdrawn" || fault_of(r).is_some(),
                    "{r:?}"
                );
            }
        }
        let weekend = weekend as f64 / recs.len() as f64;
        assert!((0.005..0.05).contains(&weekend), "weekend share {weekend}");
        // Roughly in date order: the received date never runs far backwards.
        let mut latest = START;
        for r in &recs {
            if let Some(d) = date(&r[F_RECEIVED]) {
                assert!((latest - d).num_days() <= 31, "{d} long after {latest}");
                latest = latest.max(d);
            }
        }
        // Some cases are still open at the run date.
        assert!(recs.iter().any(|r| is_complaint(r) && r[F_RESPONDED].is_empty() && r[F_OUTCOME].is_empty()));
    }

    #[test]
    fn every_stage_two_follows_a_responded_stage_one() {
        let (dir, _) = gen(30_000, 4, 0.01);
        let recs = records(dir.path());
        let mut s1: HashMap<&str, &Vec<String>> = HashMap::new();
        for r in recs.iter().filter(|r| is_complaint(r) && stage(r) == Some(1)) {
            s1.insert(&r[F_REF], r);
        }
        let mut s2 = 0;
        let mut refs = HashSet::new();
        for r in recs.iter().filter(|r| is_complaint(r) && stage(r) == Some(2)) {
            s2 += 1;
            refs.insert(r[F_REF].clone());
            let one = s1.get(r[F_REF].as_str()).unwrap_or_else(|| panic!("no stage 1 for {r:?}"));
            let responded = date(&one[F_RESPONDED]).expect("stage 1 responded");
            let received = date(&r[F_RECEIVED]).unwrap();
            assert!(responded < received, "{one:?} / {r:?}");
            assert!(!one[F_OUTCOME].eq_ignore_ascii_case("refused"));
            for col in [F_AREA, F_CATEGORY, F_TENURE, F_NAME, F_POSTCODE] {
                assert_eq!(one[col], r[col]);
            }
        }
        // 15-18% of stage 1 complaints with a response escalate.
        let responded = s1.values().filter(|r| !r[F_RESPONDED].is_empty()).count();
        let rate = refs.len() as f64 / responded as f64;
        assert!((0.14..0.19).contains(&rate), "escalation rate {rate} ({s2} stage 2 rows)");
    }

    #[test]
    fn faulty_rows_at_the_requested_rate() {
        let rows = 50_000;
        let (dir, _) = gen(rows, 5, 0.01);
        let counts = faults(&records(dir.path()));
        let total: usize = counts.values().sum();
        let rate = total as f64 / rows as f64;
        assert!((0.008..0.012).contains(&rate), "fault rate {rate}: {counts:?}");
        for kind in [
            "missing ref",
            "impossible date",
            "unparseable date",
            "responded before received",
            "unknown outcome",
            "unknown stage",
            "negative compensation",
            "unparseable amount",
            "duplicate",
        ] {
            let n = counts.get(kind).copied().unwrap_or(0);
            assert!(n > 30, "{kind}: {n} ({counts:?})");
        }
        // And none at all when the rate is zero.
        let (dir, _) = gen(20_000, 5, 0.0);
        assert!(faults(&records(dir.path())).is_empty());
    }

    #[test]
    fn timeliness_outcomes_and_compensation_are_realistic() {
        let (dir, _) = gen(60_000, 6, 0.0);
        let recs = records(dir.path());
        let cal = Calendar::embedded(Division::EnglandAndWales, &closure_days()).unwrap();
        let mut by_stage = [(0, 0, 0, 0, 0, 0, 0); 3]; // acked, ack on time, responded, on time, extended, rows, beyond max
        let mut outcomes: HashMap<&str, usize> = HashMap::new();
        let (mut decided, mut compensated, mut upheld_or_partial, mut themed, mut closed) = (0, 0, 0, 0, 0);
        for r in recs.iter().filter(|r| is_complaint(r)) {
            let s = stage(r).unwrap() as usize;
            let (respond, max_ext) = if s == 1 { (10, 10) } else { (20, 20) };
            let received = date(&r[F_RECEIVED]).unwrap();
            let ack_due = cal.add_working_days(received, 5).unwrap();
            let e = &mut by_stage[s];
            e.5 += 1;
            if let Some(ack) = date(&r[F_ACK]) {
                e.0 += 1;
                e.1 += usize::from(ack <= ack_due);
            }
            let clock = date(&r[F_ACK]).map_or(ack_due, |a| a.min(ack_due));
            let due = cal.add_working_days(clock, respond).unwrap();
            let cap = cal.add_working_days(due, max_ext).unwrap();
            let revised = date(&r[F_REVISED]);
            e.4 += usize::from(revised.is_some());
            e.6 += usize::from(revised.is_some_and(|d| d > cap));
            let due = revised.map_or(due, |d| d.max(due).min(cap));
            if let Some(resp) = date(&r[F_RESPONDED]) {
                if r[F_OUTCOME] != "Withdrawn" && r[F_OUTCOME] != "Refused" {
                    e.2 += 1;
                    e.3 += usize::from(resp <= due);
                }
            }
            if s == 1 && !r[F_OUTCOME].is_empty() {
                let o = r[F_OUTCOME].to_lowercase().replace(['_', '-'], " ").replace("partly", "partially");
                *outcomes
                    .entry(match o.as_str() {
                        "upheld" => "upheld",
                        "partially upheld" => "partial",
                        "not upheld" => "not upheld",
                        "withdrawn" => "withdrawn",
                        "refused" => "refused",
                        other => panic!("outcome {other}"),
                    })
                    .or_insert(0) += 1;
                decided += 1;
                assert_eq!(r[F_REFUSAL].is_empty(), r[F_OUTCOME] != "Refused");
            }
            if !r[F_OUTCOME].is_empty() {
                closed += 1;
                themed += usize::from(!r[F_THEME].is_empty());
                if o_is_upheld_or_partial(&r[F_OUTCOME]) {
                    upheld_or_partial += 1;
                    compensated += usize::from(!r[F_COMP].is_empty());
                }
            } else {
                assert!(r[F_THEME].is_empty() && r[F_COMP].is_empty());
            }
        }
        let pct = |a: usize, b: usize| a as f64 / b as f64;
        let s1 = by_stage[1];
        let s2 = by_stage[2];
        let report = format!("stage 1 {s1:?}, stage 2 {s2:?}, outcomes {outcomes:?}");
        assert!((0.90..0.96).contains(&pct(s1.1, s1.0)), "s1 ack {report}");
        assert!((0.76..0.84).contains(&pct(s1.3, s1.2)), "s1 on time {report}");
        assert!((0.70..0.80).contains(&pct(s2.3, s2.2)), "s2 on time {report}");
        assert!((0.06..0.10).contains(&pct(s1.4, s1.5)), "s1 extended {report}");
        assert!((0.075..0.125).contains(&pct(s2.4, s2.5)), "s2 extended {report}");
        assert_eq!(s1.6 + s2.6, 0, "no extension beyond the maximum without faults: {report}");
        for (o, want, tol) in [
            ("upheld", 0.35, 0.02),
            ("partial", 0.25, 0.02),
            ("not upheld", 0.35, 0.02),
            ("withdrawn", 0.04, 0.015),
            ("refused", 0.015, 0.006),
        ] {
            let got = pct(outcomes[o], decided);
            assert!((got - want).abs() < tol, "{o}: {got} ({report})");
        }
        let comp = pct(compensated, upheld_or_partial);
        assert!((0.17..0.26).contains(&comp), "compensation share {comp}");
        let themes = pct(themed, closed);
        assert!((0.70..0.80).contains(&themes), "learning theme share {themes}");
    }

    fn o_is_upheld_or_partial(o: &str) -> bool {
        let o = o.to_lowercase();
        o == "upheld" || o.starts_with("partial") || o.starts_with("partly")
    }

    #[test]
    fn compensation_formats_vary() {
        let (dir, _) = gen(40_000, 9, 0.0);
        let recs = records(dir.path());
        let comps: Vec<&str> = recs.iter().map(|r| r[F_COMP].as_str()).filter(|c| !c.is_empty()).collect();
        assert!(comps.iter().all(|c| amount_ok(c)));
        assert!(comps.iter().any(|c| c.starts_with('£') && c.ends_with(".00")));
        assert!(comps.iter().any(|c| c.starts_with('£') && c.contains(',')));
        assert!(comps.iter().any(|c| !c.starts_with('£')));
        let upheld = recs.iter().filter(|r| r[F_OUTCOME] == "UPHELD").count();
        let partly = recs.iter().filter(|r| r[F_OUTCOME] == "partly_upheld").count();
        let hyphen = recs.iter().filter(|r| r[F_OUTCOME] == "Not-Upheld").count();
        assert!(upheld > 0 && partly > 0 && hyphen > 0);
    }

    #[test]
    fn warnings_appear_at_about_the_fault_rate() {
        let rows = 50_000;
        let (dir, _) = gen(rows, 10, 0.01);
        let recs = records(dir.path());
        let cal = Calendar::embedded(Division::EnglandAndWales, &closure_days()).unwrap();
        let mut no_ack = 0;
        let mut beyond = 0;
        for r in recs.iter().filter(|r| is_complaint(r) && fault_of(r).is_none()) {
            let Some(received) = date(&r[F_RECEIVED]) else {
                continue;
            };
            if r[F_ACK].is_empty() && !r[F_RESPONDED].is_empty() {
                no_ack += 1;
            }
            if let Some(rev) = date(&r[F_REVISED]) {
                let max = if stage(r) == Some(2) { 20 } else { 10 };
                let respond = max;
                let ack_due = cal.add_working_days(received, 5).unwrap();
                let clock = date(&r[F_ACK]).map_or(ack_due, |a| a.min(ack_due));
                let due = cal.add_working_days(clock, respond).unwrap();
                beyond += usize::from(rev > cal.add_working_days(due, max).unwrap());
            }
        }
        let per = |n: usize| n as f64 / rows as f64;
        assert!((0.003..0.007).contains(&per(no_ack)), "responded without ack {}", per(no_ack));
        assert!((0.003..0.007).contains(&per(beyond)), "extension beyond maximum {}", per(beyond));
    }

    #[test]
    fn tiny_and_empty_runs() {
        for rows in [0, 1, 10, 100] {
            let (dir, summary) = gen(rows, 11, 0.5);
            assert_eq!(summary.rows, rows);
            assert_eq!(records(dir.path()).len(), rows);
            let toml = std::fs::read_to_string(dir.path().join("landlord.toml")).unwrap();
            assert!(!toml.contains("{{"));
        }
    }

    #[test]
    fn landlord_homes_scale_to_forty_complaints_per_thousand() {
        let (dir, _) = gen(50_000, 12, 0.004);
        let recs = records(dir.path());
        let toml = std::fs::read_to_string(dir.path().join("landlord.toml")).unwrap();
        assert!(!toml.contains("{{"));
        // Only the placeholders changed.
        let template_lines: Vec<&str> = LANDLORD_TEMPLATE.lines().collect();
        let lines: Vec<&str> = toml.lines().collect();
        assert_eq!(template_lines.len(), lines.len());
        let changed: Vec<_> = template_lines.iter().zip(&lines).filter(|(a, b)| a != b).collect();
        // The three homes lines and the people_names line.
        assert_eq!(changed.len(), 4);
        let homes = |fy: &str| -> (f64, f64) {
            let line = lines.iter().find(|l| l.starts_with(&format!("\"{fy}\""))).unwrap();
            let num = |key: &str| -> f64 {
                let rest = &line[line.find(key).unwrap() + key.len()..];
                rest.trim_start_matches([' ', '='])
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            (num("lcra"), num("lcho"))
        };
        let mut previous_total = 0.0;
        let mut previous_share = 0.0;
        for (fy, from, to) in
            [("2024-25", ymd(2024, 4, 1), ymd(2025, 3, 31)), ("2025-26", ymd(2025, 4, 1), ymd(2026, 3, 31))]
        {
            let (lcra, lcho) = homes(fy);
            let total = lcra + lcho;
            assert!(total > previous_total && lcho / total > previous_share);
            assert!((lcho / total - 0.07).abs() < 0.005);
            previous_total = total;
            previous_share = lcho / total;
            let complaints = recs
                .iter()
                .filter(|r| is_complaint(r) && date(&r[F_RECEIVED]).is_some_and(|d| d >= from && d <= to))
                .count() as f64;
            let per_1000 = complaints / total * 1000.0;
            assert!((34.0..46.0).contains(&per_1000), "{fy}: {per_1000} per 1,000 homes");
        }
    }
}
