//! The residents behind the sample's cases: names, addresses, emails and
//! phone numbers, as a vendor export carries them in columns redress must
//! drop. Every name and street is invented.

use std::fmt::Write as _;

pub(super) const FIRST_NAMES: [&str; 100] = [
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

pub(super) const LAST_NAMES: [&str; 100] = [
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

pub(super) const STREETS: [&str; 40] = [
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

pub(super) const SUFFIXES: [&str; 9] =
    ["Road", "Street", "Avenue", "Close", "Lane", "Drive", "Way", "Crescent", "Court"];

/// Towns with their postcode areas and district ranges.
pub(super) const TOWNS: [(&str, &str, u8); 15] = [
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

pub(super) const POSTCODE_UNIT_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// The resident behind a case, kept compact so stage 2 rows repeat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Person {
    /// The tenancy: `TEN-000123` in the export.
    pub(super) household: u32,
    pub(super) first: u8,
    pub(super) last: u8,
    pub(super) flat: u8,
    pub(super) house: u16,
    pub(super) street: u8,
    pub(super) suffix: u8,
    pub(super) town: u8,
    pub(super) district: u8,
    pub(super) sector: u8,
    pub(super) unit: [u8; 2],
    pub(super) email_style: u8,
    pub(super) email_num: u8,
    pub(super) phone_kind: u8,
    pub(super) phone_num: u16,
}

pub(super) fn push_email(out: &mut String, p: &Person, always: bool) {
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
pub(super) fn push_phone(out: &mut String, p: &Person, always: bool) {
    let kind = if p.phone_kind == 0 && always { 1 } else { p.phone_kind };
    let _ = match kind {
        0 => Ok(()),
        1 => write!(out, "07700 900{:03}", p.phone_num),
        2 => write!(out, "01632 960{:03}", p.phone_num),
        3 => write!(out, "0113 496 0{:03}", p.phone_num),
        _ => write!(out, "020 7946 0{:03}", p.phone_num),
    };
}
