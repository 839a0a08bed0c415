//! The sample landlord's vocabulary: its service areas and categories with
//! their volumes and timeliness, channels, refusal reasons, learning themes
//! and actions, survey scores, Ombudsman findings, and the export's columns.

// ---- vocabulary -------------------------------------------------------------

/// How many recent complainants a repeat complaint is drawn from.
pub(super) const RECENT_COMPLAINANTS: usize = 600;

/// How residents describe what went wrong, by service area (Repairs first);
/// the theme taxonomy reads these where no learning theme was recorded.
pub(super) const SUMMARIES: [&[&str]; 9] = [
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
pub(super) const SCORE_WEIGHTS: [[(u8, u32); 5]; 3] = [
    [(1, 6), (2, 6), (3, 10), (4, 34), (5, 44)],
    [(1, 12), (2, 12), (3, 20), (4, 32), (5, 24)],
    [(1, 30), (2, 22), (3, 20), (4, 18), (5, 10)],
];

/// Ombudsman findings as the Ombudsman's casework export spells them.
pub(super) const FINDINGS: [(&str, u32); 8] = [
    ("Severe maladministration", 3),
    ("Maladministration", 26),
    ("Service Failure", 12),
    ("Partial maladministration", 2),
    ("Reasonable Redress", 16),
    ("No maladministration", 28),
    ("Outside Jurisdiction", 10),
    ("Withdrawn", 3),
];

/// The Ombudsman's category of each finding, mostly complaint handling (the
/// Ombudsman looks at how the complaint was handled in nearly every case it
/// investigates), written as a casework export might, with a spelling
/// variant and a few left blank.
pub(super) const FINDING_CATEGORIES: [(&str, u32); 9] = [
    ("Complaint Handling", 36),
    ("Complaints handling", 4),
    ("Repairs & Maintenance", 20),
    ("Damp & Mould", 14),
    ("Property condition", 8),
    ("Anti-social Behaviour", 7),
    ("Charges", 4),
    ("Estate Management", 4),
    ("", 3),
];

pub(crate) const SURVEY_HEADER: [&str; 5] = [
    "Case Reference",
    "Survey Date",
    "Complaint Stage",
    "How satisfied were you with how we handled your complaint? (1-5)",
    "Respondent",
];

pub(crate) const OMBUDSMAN_HEADER: [&str; 7] = [
    "HOS Reference",
    "Landlord Reference",
    "Determination Date",
    "Finding",
    "Orders",
    "Compensation Ordered (£)",
    "Category",
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

pub(super) const F_REF: usize = 0;
pub(super) const F_TYPE: usize = 1;
pub(super) const F_STAGE: usize = 2;
pub(super) const F_RECEIVED: usize = 3;
pub(super) const F_ACK: usize = 4;
pub(super) const F_REVISED: usize = 5;
pub(super) const F_RESPONDED: usize = 6;
pub(super) const F_OUTCOME: usize = 7;
pub(super) const F_REFUSAL: usize = 8;
pub(super) const F_AREA: usize = 9;
pub(super) const F_CATEGORY: usize = 10;
pub(super) const F_CHANNEL: usize = 11;
pub(super) const F_TENURE: usize = 12;
pub(super) const F_COMP: usize = 13;
pub(super) const F_THEME: usize = 14;
pub(super) const F_ACTION: usize = 15;
pub(super) const F_NAME: usize = 16;
pub(super) const F_ADDRESS: usize = 17;
pub(super) const F_POSTCODE: usize = 18;
pub(super) const F_EMAIL: usize = 19;
pub(super) const F_PHONE: usize = 20;
pub(super) const F_NOTES: usize = 21;
pub(super) const F_TENANCY: usize = 22;
pub(super) const F_SUMMARY: usize = 23;

pub(super) const REPAIRS: usize = 0;
pub(super) const GAS: usize = 7;
pub(super) const HOME_OWNERSHIP: usize = 8;

/// Service areas: name, weight, timeliness pressure (1.0 = average).
pub(super) const AREAS: [(&str, u32, f64); 9] = [
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
pub(super) const CATEGORIES: [&[(&str, u32, f64)]; 9] = [
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

pub(super) const CHANNELS: [(&str, u32); 6] =
    [("Phone", 32), ("Email", 24), ("Web form", 24), ("Letter", 5), ("In person", 5), ("Representative", 10)];

pub(super) const REFUSAL_REASONS: [(&str, u32); 4] = [
    ("Outside 12-month window", 35),
    ("Service request, not a complaint", 40),
    ("Subject to legal proceedings", 10),
    ("Already investigated", 15),
];

/// Record types of rows that open a case, with their shares of those rows.
/// Complaints are lower than the 70% wanted of all rows because escalated
/// cases add a stage 2 row each.
pub(super) const RECORD_TYPES: [(&str, f64); 5] = [
    ("Complaint", 0.672),
    ("Compliment", 0.1858),
    ("Suggestion", 0.0656),
    ("Enquiry", 0.0437),
    ("Feedback", 0.0329),
];

pub(super) const THEMES: [&str; 9] = [
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

pub(super) const T_COMMS: usize = 0;
pub(super) const T_REPAIRS: usize = 1;
pub(super) const T_DAMP: usize = 2;
pub(super) const T_MISSED: usize = 3;
pub(super) const T_STAFF: usize = 4;
pub(super) const T_RECORDS: usize = 5;
pub(super) const T_POLICY: usize = 6;
pub(super) const T_ASB: usize = 7;
pub(super) const T_QUALITY: usize = 8;

/// Learning actions per theme (same order as [`THEMES`]).
pub(super) const ACTIONS: [&[&str]; 9] = [
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
pub(super) const ACTION_FOLLOW_UPS: [&str; 5] = [
    "Reviewed after 3 months: fewer repeat complaints.",
    "Shared with the Customer Assembly, who asked for a progress update in the next quarter.",
    "Owner: Head of Service. Due: end of quarter, \"in progress\".",
    "Staff briefing held; guidance note issued to all teams.",
    "Monitoring through the monthly performance pack, first results due next quarter.",
];
