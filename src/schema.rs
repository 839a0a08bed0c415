//! The shape of the data, in one place: the canonical columns of each export
//! (what each may hold, which are required, which figures are broken down
//! by), the columns every stage adds to a row, the accepted spellings of
//! coded values, and the labels shared by stages and reports.
//!
//! A new canonical column is added here (in its export's list, with a name
//! constant), then wherever it is read: loading, checking and naming follow
//! from this list.

/// What a canonical column may hold, which says how it is read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A reference such as a case reference: any text, trimmed.
    Reference,
    /// complaint (the default when blank), compliment, suggestion, enquiry, feedback.
    RecordType,
    /// A complaint stage, 1 or 2: the first number in the cell ("Stage 2", "S2").
    Stage,
    /// `dd/mm/yyyy` (also `-` or `.`) or `yyyy-mm-dd`; a time part is ignored.
    Date,
    /// upheld, partially upheld, not upheld, withdrawn, refused.
    Outcome,
    /// LCRA (the default when blank), LCHO, or a stock type outside the
    /// Regulator's measures (leasehold, market rent...).
    StockType,
    /// An amount in pounds: `£1,250.00`, `1250`; blank is £0.
    Money,
    /// A post-complaint survey score, 1 to 5.
    Score,
    /// A Housing Ombudsman finding (domain.md section 6).
    Finding,
    /// Short text named in breakdowns; blank is "Not recorded".
    Text,
    /// A resident's or officer's own words: never written as read.
    FreeText,
    /// A household reference, replaced by a keyed hash as it is read.
    Household,
    /// The resident's name, replaced as it is read by whether the row's
    /// learning action and theme name them ([`RESIDENT_NAMED`]).
    ResidentName,
}

/// Whether figures are broken down by a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdown {
    /// Not a breakdown.
    No,
    /// Every measure is broken down by it unless the measure lists its own.
    Always,
    /// Only measures that list it (`breakdowns` in `queries/metrics.toml`).
    OnRequest,
}

/// One canonical column of an export.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub kind: Kind,
    /// Without it in the header, the export cannot be read.
    pub required: bool,
    pub breakdown: Breakdown,
}

const fn column(name: &'static str, kind: Kind) -> ColumnSpec {
    ColumnSpec { name, kind, required: false, breakdown: Breakdown::No }
}

const fn required(name: &'static str, kind: Kind) -> ColumnSpec {
    ColumnSpec { name, kind, required: true, breakdown: Breakdown::No }
}

const fn breakdown(name: &'static str, kind: Kind, when: Breakdown) -> ColumnSpec {
    ColumnSpec { name, kind, required: false, breakdown: when }
}

/// The shape of one kind of export: its canonical columns in order. Every
/// export is read by the same code, so its quirks (BOM, encoding, headers,
/// workbooks) are handled once.
#[derive(Debug, Clone, Copy)]
pub struct ExportSchema {
    /// What the export is, for messages ("case export").
    pub name: &'static str,
    pub columns: &'static [ColumnSpec],
}

impl ExportSchema {
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().map(|c| c.name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.columns.iter().any(|c| c.name == name)
    }

    pub fn required(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().filter(|c| c.required).map(|c| c.name)
    }

    /// The canonical columns as loaded: a household reference arrives as its
    /// hash, [`HOUSEHOLD`], and a resident's name as the two columns of
    /// [`RESIDENT_NAMED`].
    pub fn loaded_columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().flat_map(|c| {
            let loaded: &'static [&'static str] = match c.kind {
                Kind::Household => &[HOUSEHOLD],
                Kind::ResidentName => &RESIDENT_NAMED,
                _ => std::slice::from_ref(&c.name),
            };
            loaded.iter().copied()
        })
    }

    /// The columns that hold one kind of value, in order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().filter(move |c| c.kind == kind).map(|c| c.name)
    }

    /// The columns loaded as text: every one but the hashed household and
    /// the resident's name.
    pub fn text_columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns
            .iter()
            .filter(|c| !matches!(c.kind, Kind::Household | Kind::ResidentName))
            .map(|c| c.name)
    }
}

/// The case export's columns (domain.md section 7).
pub mod case {
    pub const REF: &str = "case_ref";
    pub const RECORD_TYPE: &str = "record_type";
    pub const STAGE: &str = "stage";
    pub const RECEIVED: &str = "received_date";
    pub const ACKNOWLEDGED: &str = "acknowledged_date";
    pub const EXTENDED_DUE: &str = "extended_due_date";
    pub const RESPONDED: &str = "responded_date";
    pub const OUTCOME: &str = "outcome";
    pub const REFUSAL_REASON: &str = "refusal_reason";
    pub const SERVICE_AREA: &str = "service_area";
    pub const CATEGORY: &str = "category";
    pub const CHANNEL: &str = "channel";
    pub const STOCK_TYPE: &str = "stock_type";
    pub const COMPENSATION: &str = "compensation";
    pub const LEARNING_THEME: &str = "learning_theme";
    pub const LEARNING_ACTION: &str = "learning_action";
    /// A tenancy, customer or property reference (optional), hashed as read.
    pub const HOUSEHOLD_REF: &str = "household_ref";
    /// The complaint in the resident's words (optional): read only to infer
    /// a theme, never written anywhere.
    pub const DESCRIPTION: &str = "description";
    /// The resident's name (optional): read only to hold back a learning
    /// action or theme that names them, never kept past the chunk it is read
    /// in.
    pub const RESIDENT_NAME: &str = "resident_name";
}

/// A post-complaint satisfaction survey export. `stage` is optional: without
/// it a survey belongs to the latest stage answered by its date.
pub mod survey {
    pub const DATE: &str = "survey_date";
    pub const SCORE: &str = "score";
}

/// A Housing Ombudsman determinations export, one row per finding.
pub mod determination {
    pub const DATE: &str = "determination_date";
    pub const FINDING: &str = "finding";
    pub const ORDERS: &str = "orders";
    pub const COMPENSATION_ORDERED: &str = "compensation_ordered";
    /// Prepared on linked rows: the Ombudsman ordered something (`orders`
    /// is not blank). The orders' text is not carried.
    pub const HAS_ORDERS: &str = "has_orders";
    /// What the finding is about ("Complaint Handling", "Damp & Mould"), as
    /// the export names it (optional).
    pub const CATEGORY: &str = "category";
    /// The finding's category on linked rows, which also carry their case's
    /// own `category`: blank is "Not recorded", and every spelling of
    /// complaint handling reads [`COMPLAINT_HANDLING`].
    pub const FINDING_CATEGORY: &str = "finding_category";
    /// Prepared on linked rows: the category is complaint handling (one of
    /// [`COMPLAINT_HANDLING_SPELLINGS`]).
    pub const IS_COMPLAINT_HANDLING: &str = "is_complaint_handling";
    /// How a finding about complaint handling is shown, whatever its spelling.
    pub const COMPLAINT_HANDLING: &str = "Complaint handling";
    /// The spellings of complaint handling, compared as spelling keys
    /// (lower-case letters and digits only, as every coded value is):
    /// "Complaint Handling", "complaint-handling" and "Complaints handling"
    /// are complaint handling; "Complaint about repairs handling" is not.
    pub const COMPLAINT_HANDLING_SPELLINGS: super::Spellings = &[(
        COMPLAINT_HANDLING,
        &["complainthandling", "complaintshandling", "handlingofcomplaint", "handlingofcomplaints"],
    )];

    /// The columns a count over the Ombudsman's rows may read beside the
    /// linked case columns, for the check that `queries/metrics.toml`
    /// documents them all.
    pub const COUNTED: [&str; 6] =
        [DATE, FINDING, COMPENSATION_ORDERED, HAS_ORDERS, FINDING_CATEGORY, IS_COMPLAINT_HANDLING];
}

pub const CASES: ExportSchema = ExportSchema {
    name: "case export",
    columns: &[
        required(case::REF, Kind::Reference),
        column(case::RECORD_TYPE, Kind::RecordType),
        required(case::STAGE, Kind::Stage),
        required(case::RECEIVED, Kind::Date),
        column(case::ACKNOWLEDGED, Kind::Date),
        column(case::EXTENDED_DUE, Kind::Date),
        column(case::RESPONDED, Kind::Date),
        column(case::OUTCOME, Kind::Outcome),
        breakdown(case::REFUSAL_REASON, Kind::Text, Breakdown::OnRequest),
        breakdown(case::SERVICE_AREA, Kind::Text, Breakdown::Always),
        breakdown(case::CATEGORY, Kind::Text, Breakdown::Always),
        breakdown(case::CHANNEL, Kind::Text, Breakdown::Always),
        breakdown(case::STOCK_TYPE, Kind::StockType, Breakdown::Always),
        column(case::COMPENSATION, Kind::Money),
        breakdown(case::LEARNING_THEME, Kind::Text, Breakdown::OnRequest),
        column(case::LEARNING_ACTION, Kind::FreeText),
        column(case::HOUSEHOLD_REF, Kind::Household),
        column(case::DESCRIPTION, Kind::FreeText),
        column(case::RESIDENT_NAME, Kind::ResidentName),
    ],
};

pub const SURVEYS: ExportSchema = ExportSchema {
    name: "survey export",
    columns: &[
        required(case::REF, Kind::Reference),
        required(survey::DATE, Kind::Date),
        required(survey::SCORE, Kind::Score),
        column(case::STAGE, Kind::Stage),
    ],
};

pub const DETERMINATIONS: ExportSchema = ExportSchema {
    name: "Ombudsman export",
    columns: &[
        required(case::REF, Kind::Reference),
        required(determination::DATE, Kind::Date),
        required(determination::FINDING, Kind::Finding),
        column(determination::ORDERS, Kind::Text),
        column(determination::COMPENSATION_ORDERED, Kind::Money),
        column(determination::CATEGORY, Kind::Text),
    ],
};

/// The case columns figures are broken down by, in the order reports list them.
pub fn breakdown_columns(when: Breakdown) -> impl Iterator<Item = &'static str> {
    CASES.columns.iter().filter(move |c| c.breakdown == when).map(|c| c.name)
}

/// Where a row came from: its file (an index into the run's inputs) and its
/// 1-based data row within that file (row 1 is the first row under the
/// header).
pub const FILE: &str = "file_id";
pub const ROW: &str = "row";
/// For a CSV row whose field count differs from the header's: how many fields
/// it has, and how many the header has (null for well-formed rows). Such a
/// row cannot be trusted column by column (an unquoted comma shifts every
/// value after it), so it is excluded without reading its values.
pub const FIELDS_FOUND: &str = "fields_found";
pub const FIELDS_EXPECTED: &str = "fields_expected";

/// The column that replaces `household_ref`: a 64-bit keyed hash (polars'
/// foldhash, with a key drawn at random for each run and never stored), so
/// households can be compared within a run while no output can be traced
/// back to the reference, nor linked across runs.
pub const HOUSEHOLD: &str = "household";

/// The columns that replace `resident_name`: whether the row's learning
/// action, and its learning theme, name its resident
/// ([`crate::screen::ResidentNames`]), decided as the chunk is read, so no
/// name goes further. The checks gather the texts they flag
/// ([`crate::screen::ResidentNamed`]) and drop them.
pub const ACTION_NAMES_RESIDENT: &str = "action_names_resident";
pub const THEME_NAMES_RESIDENT: &str = "theme_names_resident";
pub const RESIDENT_NAMED: [&str; 2] = [ACTION_NAMES_RESIDENT, THEME_NAMES_RESIDENT];

/// Where a case's learning theme came from, and its values.
pub const THEME_SOURCE: &str = "theme_source";
pub const RECORDED: &str = "recorded";
pub const INFERRED: &str = "inferred";

/// What "not recorded" looks like in breakdowns.
pub const NOT_RECORDED: &str = "Not recorded";

/// What the `n`th learning theme whose own name may hold personal data (a
/// resident's name, a titled name...) is called in every output
/// ([`crate::themes::hold_back_personal`]): each its own, so two are never
/// counted as one.
pub fn theme_held_back(n: usize) -> String {
    format!("Theme held back {n} (personal data)")
}

/// Whether a theme's name has the shape of [`theme_held_back`]'s, whatever
/// its case, spacing and punctuation ("theme held back  3 (Personal
/// data)"): such a recorded theme is held back too, so none is ever shown
/// beside a held one under what reads as the same name.
pub fn is_theme_held_back(theme: &str) -> bool {
    // Folded as the screen knows a theme, so "Thème held back 1" is one too.
    let key = crate::screen::theme_key(theme);
    key.strip_prefix("themeheldback")
        .and_then(|rest| rest.strip_suffix("personaldata"))
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_numeric()))
}

#[cfg(test)]
mod held_back_tests {
    use super::*;

    #[test]
    fn a_theme_of_a_held_themes_shape_is_known_whatever_its_spacing_and_case() {
        for shape in [
            theme_held_back(1),
            "theme held back  3 (Personal data)".into(),
            "Theme held back 12 (personal data) ".into(),
            "Thème held back １ (personal data)".into(),
        ] {
            assert!(is_theme_held_back(&shape), "{shape}");
        }
        for other in [
            "Theme held back (personal data)",
            "Theme held back 1",
            "Themes held back 1 (personal data)",
            "Repairs",
        ] {
            assert!(!is_theme_held_back(other), "{other}");
        }
    }
}

/// The columns the calendar stage and the enrichment after it add to every
/// case row: what a count's condition in `queries/metrics.toml` may read
/// beside the canonical columns. That file's header documents each.
pub mod prepared {
    pub const ACK_DUE: &str = "ack_due_date";
    pub const DUE: &str = "due_date";
    pub const IS_COMPLAINT: &str = "is_complaint";
    pub const IS_REFUSED: &str = "is_refused";
    pub const IS_WITHDRAWN: &str = "is_withdrawn";
    pub const IS_UPHELD: &str = "is_upheld";
    pub const IS_PARTIALLY_UPHELD: &str = "is_partially_upheld";
    pub const IS_NOT_UPHELD: &str = "is_not_upheld";
    pub const IS_DECIDED: &str = "is_decided";
    pub const IS_RESPONDED: &str = "is_responded";
    pub const ACK_DECIDED: &str = "ack_decided";
    pub const ACK_ON_TIME: &str = "ack_on_time";
    pub const RESPONDED_ON_TIME: &str = "responded_on_time";
    pub const EXTENDED: &str = "extended";
    pub const EXTENSION_BEYOND_MAX: &str = "extension_beyond_max";
    /// The same four by the Complaint Handling Code's own timescales, for
    /// CH02 and the self-assessment (`timescales::by_the_code`).
    pub const CODE_ACK_DECIDED: &str = "code_ack_decided";
    pub const CODE_ACK_ON_TIME: &str = "code_ack_on_time";
    pub const CODE_RESPONDED_ON_TIME: &str = "code_responded_on_time";
    pub const CODE_EXTENSION_BEYOND_MAX: &str = "code_extension_beyond_max";
    pub const WORKING_DAYS: &str = "working_days";
    pub const IS_OPEN: &str = "is_open";
    pub const IS_OVERDUE: &str = "is_overdue";
    pub const IS_DUE_SOON: &str = "is_due_soon";
    pub const AGE_WORKING_DAYS: &str = "age_working_days";
    pub const HOUSEHOLD_KNOWN: &str = "household_known";
    pub const REPEAT_COMPLAINT: &str = "repeat_complaint";
    pub const REPEAT_ISSUE: &str = "repeat_issue";

    /// Every prepared column a count may read, for the check that
    /// `queries/metrics.toml` documents them all.
    pub const ALL: [&str; 28] = [
        ACK_DUE,
        DUE,
        IS_COMPLAINT,
        IS_REFUSED,
        IS_WITHDRAWN,
        IS_UPHELD,
        IS_PARTIALLY_UPHELD,
        IS_NOT_UPHELD,
        IS_DECIDED,
        IS_RESPONDED,
        ACK_DECIDED,
        ACK_ON_TIME,
        RESPONDED_ON_TIME,
        EXTENDED,
        EXTENSION_BEYOND_MAX,
        CODE_ACK_DECIDED,
        CODE_ACK_ON_TIME,
        CODE_RESPONDED_ON_TIME,
        CODE_EXTENSION_BEYOND_MAX,
        WORKING_DAYS,
        IS_OPEN,
        IS_OVERDUE,
        AGE_WORKING_DAYS,
        super::THEME_SOURCE,
        HOUSEHOLD_KNOWN,
        REPEAT_COMPLAINT,
        REPEAT_ISSUE,
        super::case::COMPENSATION,
    ];
}

/// The record types an export may hold, in canonical spelling.
pub const RECORD_TYPES: [&str; 5] = ["complaint", "compliment", "suggestion", "enquiry", "feedback"];
pub const COMPLAINT: &str = "complaint";

/// Spellings accepted for each canonical value, compared after lower-casing
/// and removing everything but letters and digits ("Partially Upheld",
/// "partly_upheld" and "PARTLY-UPHELD" are all `partlyupheld`/`partiallyupheld`).
pub type Spellings = &'static [(&'static str, &'static [&'static str])];

pub const RECORD_TYPE_SPELLINGS: Spellings = &[
    ("complaint", &["complaint", "complaints", "formalcomplaint"]),
    ("compliment", &["compliment", "compliments"]),
    ("suggestion", &["suggestion", "suggestions"]),
    ("enquiry", &["enquiry", "enquiries", "inquiry", "inquiries", "mpenquiry", "councillorenquiry"]),
    ("feedback", &["feedback", "negativefeedback", "comment", "comments"]),
];

/// The outcomes, canonically spelt.
pub mod outcome {
    pub const UPHELD: &str = "upheld";
    pub const PARTIALLY_UPHELD: &str = "partially_upheld";
    pub const NOT_UPHELD: &str = "not_upheld";
    pub const WITHDRAWN: &str = "withdrawn";
    pub const REFUSED: &str = "refused";
}

pub const OUTCOME_SPELLINGS: Spellings = &[
    (outcome::UPHELD, &["upheld", "fullyupheld", "uphold"]),
    (
        outcome::PARTIALLY_UPHELD,
        &["partiallyupheld", "partlyupheld", "partupheld", "upheldinpart", "partiallyuphold"],
    ),
    (outcome::NOT_UPHELD, &["notupheld", "notuphold", "notupheldnofault"]),
    (outcome::WITHDRAWN, &["withdrawn", "complaintwithdrawn", "withdrawnbyresident", "withdrawnbycustomer"]),
    (outcome::REFUSED, &["refused", "notaccepted", "declined", "complaintrefused", "excluded"]),
];

/// The Regulator's stock types: low cost rental accommodation (the default
/// when blank) and low cost home ownership. Only these are counted in the
/// Tenant Satisfaction Measures.
pub const LCRA: &str = "LCRA";
pub const LCHO: &str = "LCHO";
pub const TSM_STOCK_TYPES: [&str; 2] = [LCRA, LCHO];

/// The Complaint Handling Code covers every resident, so complaints from
/// residents outside social stock count in every Code figure; they are only
/// left out of CH01 and CH02. A landlord adds spellings, or stock types of
/// its own, in `[input.stock_types]`.
pub const STOCK_TYPE_SPELLINGS: Spellings = &[
    (
        LCRA,
        &[
            "lcra",
            "lowcostrentalaccommodation",
            "lowcostrental",
            "generalneeds",
            "supported",
            "supportedhousing",
            "housingforolderpeople",
            "intermediaterent",
            "socialrent",
            "affordablerent",
        ],
    ),
    // Not "leasehold": right-to-buy leaseholders are not low cost home
    // ownership under the Regulator's definitions.
    (LCHO, &["lcho", "lowcosthomeownership", "sharedownership", "homeownership"]),
    ("Leasehold", &["leasehold", "leaseholder", "leaseholders", "righttobuyleasehold", "rtbleasehold"]),
    ("Market rent", &["marketrent", "marketrented", "privaterent", "privaterented"]),
    ("Freehold", &["freehold", "freeholder", "freeholders"]),
    ("Commercial", &["commercial", "commercialtenant", "commerciallease"]),
    ("Other", &["other", "othertenure"]),
];

/// A table of spellings read at run time: canonical values with the keys
/// (see [`spelling_key`]) that stand for them, the first match winning.
#[derive(Debug, Clone, Default)]
pub struct SpellingTable {
    entries: Vec<(String, Vec<String>)>,
    /// The canonical values in the order messages list them.
    values: Vec<String>,
}

impl SpellingTable {
    fn new(entries: Vec<(String, Vec<String>)>, listed_first: &[(String, Vec<String>)]) -> Self {
        let mut values: Vec<String> = Vec::new();
        for (value, _) in listed_first.iter().chain(&entries) {
            if !values.contains(value) {
                values.push(value.clone());
            }
        }
        SpellingTable { entries, values }
    }

    pub fn canonical(&self, text: &str) -> Option<&str> {
        let key = spelling_key(text);
        self.entries.iter().find(|(_, keys)| keys.contains(&key)).map(|(value, _)| value.as_str())
    }

    /// The canonical values, each once.
    pub fn values(&self) -> Vec<&str> {
        self.values.iter().map(String::as_str).collect()
    }

    /// The values for a message: "LCRA, LCHO or Leasehold".
    pub fn listed(&self) -> String {
        match self.values().split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

fn owned(table: Spellings) -> Vec<(String, Vec<String>)> {
    let keys = |keys: &[&str]| keys.iter().map(|k| k.to_string()).collect();
    table.iter().map(|(value, spellings)| (value.to_string(), keys(spellings))).collect()
}

impl From<Spellings> for SpellingTable {
    fn from(table: Spellings) -> Self {
        SpellingTable::new(owned(table), &[])
    }
}

/// The stock types of a landlord: its own spellings first (so they win over
/// the defaults), listed after the defaults.
pub fn stock_types<'a>(own: impl IntoIterator<Item = (&'a String, &'a Vec<String>)>) -> SpellingTable {
    own_first(own, STOCK_TYPE_SPELLINGS)
}

/// The record types with a landlord's own names for them
/// (`[input.record_types]`, "Service request" for an enquiry) first, so
/// they win over the defaults.
pub fn record_types(own: &std::collections::BTreeMap<String, Vec<String>>) -> SpellingTable {
    own_first(own, RECORD_TYPE_SPELLINGS)
}

/// A landlord's spellings, then the defaults, listed in the defaults' order.
fn own_first<'a>(
    own: impl IntoIterator<Item = (&'a String, &'a Vec<String>)>,
    defaults: Spellings,
) -> SpellingTable {
    let keys = |spellings: &[String]| spellings.iter().map(|s| spelling_key(s)).collect();
    let mut entries: Vec<(String, Vec<String>)> =
        own.into_iter().map(|(value, spellings)| (value.clone(), keys(spellings))).collect();
    let defaults = owned(defaults);
    entries.extend(defaults.iter().cloned());
    SpellingTable::new(entries, &defaults)
}

/// The key a spelling is compared by: lower case, letters and digits only,
/// so "Partially Upheld", "partly_upheld" and "PARTLY-UPHELD" compare alike.
pub fn spelling_key(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).filter(char::is_ascii_alphanumeric).collect()
}

/// Ombudsman findings (domain.md section 6), in canonical spelling.
pub const FINDING_SPELLINGS: Spellings = &[
    ("severe maladministration", &["severemaladministration", "severemaladmin"]),
    ("maladministration", &["maladministration", "maladmin", "maladministrationfound"]),
    ("service failure", &["servicefailure"]),
    ("partial maladministration", &["partialmaladministration", "partialmaladmin"]),
    ("reasonable redress", &["reasonableredress", "redress"]),
    ("no maladministration", &["nomaladministration", "nomaladmin", "nomaladministrationfound"]),
    ("outside jurisdiction", &["outsidejurisdiction", "outofjurisdiction", "nojurisdiction"]),
    ("withdrawn", &["withdrawn"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_export_keys_rows_by_case_reference() {
        for schema in [CASES, SURVEYS, DETERMINATIONS] {
            assert_eq!(schema.columns[0].name, case::REF, "{}", schema.name);
            assert!(schema.columns[0].required, "{}", schema.name);
        }
        assert_eq!(CASES.required().collect::<Vec<_>>(), [case::REF, case::STAGE, case::RECEIVED]);
    }

    #[test]
    fn a_landlords_own_stock_type_spellings_win_and_add_types() {
        let own: indexmap::IndexMap<String, Vec<String>> = [
            ("Leasehold".to_string(), vec!["RTB lessee".to_string()]),
            ("LCRA".to_string(), vec!["Leasehold flat (rented)".to_string()]),
            ("Garages".to_string(), vec!["garage".to_string()]),
        ]
        .into_iter()
        .collect();
        let table = stock_types(&own);
        assert_eq!(table.canonical("rtb-lessee"), Some("Leasehold"));
        assert_eq!(table.canonical("Leaseholder"), Some("Leasehold"), "the default spellings still work");
        assert_eq!(table.canonical("Leasehold Flat (Rented)"), Some(LCRA), "the landlord's spelling wins");
        assert_eq!(table.canonical("General needs"), Some(LCRA));
        assert_eq!(table.canonical("Market rented"), Some("Market rent"));
        assert_eq!(table.canonical("Garage"), Some("Garages"));
        assert_eq!(table.canonical("Shop"), None);
        assert_eq!(
            table.listed(),
            "LCRA, LCHO, Leasehold, Market rent, Freehold, Commercial, Other or Garages",
            "the defaults first, then the landlord's own"
        );
    }
}
