//! Which export column feeds each canonical column, and the frame of
//! canonical columns made from what was read. Headers are matched ignoring
//! case, spacing and punctuation; a household reference is hashed here and
//! a resident's name replaced by whether the row's learning action (its
//! quoted line) and theme name them, and neither goes further.

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::*;
use polars_arrow::bitmap::MutableBitmap;

use super::{InputFile, Shadowed};
use crate::config::InputConfig;
use crate::error::{Error, Result};
use crate::schema::{
    case, ExportSchema, Kind, ACTION_NAMES_RESIDENT, FIELDS_EXPECTED, FIELDS_FOUND, HOUSEHOLD,
    RESIDENT_NAMED, ROW, THEME_NAMES_RESIDENT,
};

/// How a header is compared: case, spacing and punctuation do not matter, so
/// "Case Ref", "case_ref" and "CASE-REF" are the same header.
pub fn header_key(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Decide which export column feeds each canonical column.
pub(super) fn map_headers(
    path: &Path,
    headers: &[String],
    input: &InputConfig,
    schema: &ExportSchema,
) -> Result<(Vec<(usize, &'static str)>, InputFile)> {
    // A header the config maps wins over one that only shares a canonical
    // column's own name (`learning_theme = "Category"` takes "Category"
    // from `category`).
    let mut wanted: Vec<(&'static str, String)> = schema
        .names()
        .map(|c| (c, header_key(input.columns.get(c).map(String::as_str).unwrap_or(c))))
        .collect();
    wanted.sort_by_key(|(c, _)| !input.columns.contains_key(*c));
    let mut chosen: Vec<(usize, &'static str)> = Vec::new();
    let mut columns = BTreeMap::new();
    let mut dropped = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        let key = header_key(header);
        match wanted.iter().find(|(_, w)| !key.is_empty() && *w == key) {
            Some((canonical, _)) => {
                if let Some((j, _)) = chosen.iter().find(|(_, c)| c == canonical) {
                    return Err(Error::input(
                        path,
                        format!(
                            "columns {} (\"{}\") and {} (\"{header}\") both map to {canonical}; remove or rename one",
                            j + 1,
                            headers[*j],
                            i + 1
                        ),
                    ));
                }
                chosen.push((i, canonical));
                columns.insert(canonical.to_string(), header.clone());
            }
            None => dropped.push(header.clone()),
        }
    }
    let missing: Vec<String> = schema
        .required()
        .filter(|r| !chosen.iter().any(|(_, c)| c == r))
        .map(|r| match input.columns.get(r) {
            Some(h) => format!("{r} (mapped from \"{h}\")"),
            None => {
                // Its own name may be a header the config gave another column.
                let taken = chosen.iter().find(|(i, c)| header_key(&headers[*i]) == header_key(r) && c != &r);
                match taken {
                    Some((i, c)) => format!("{r} (the header \"{}\" is mapped to {c})", headers[*i]),
                    None => r.to_string(),
                }
            }
        })
        .collect();
    if !missing.is_empty() {
        let mut message = format!("missing required column(s): {} of a {}", missing.join(", "), schema.name);
        if headers.len() == 1 {
            if let Some(d) = [';', '\t', '|'].into_iter().find(|d| headers[0].contains(*d)) {
                message.push_str(&format!(
                    "; the header has a single column containing '{}': set input.delimiter = \"{}\"",
                    d.escape_default(),
                    d.escape_default()
                ));
            }
        } else {
            message.push_str(&format!("; the header has: {}", headers.join(", ")));
        }
        return Err(Error::input(path, message));
    }
    // A column the config names that this export lacks: an error unless
    // another export of the same kind has it ([`check_mapped`]).
    let unmatched_columns: Vec<String> = schema
        .names()
        .filter(|c| input.columns.contains_key(*c) && !chosen.iter().any(|(_, chosen)| chosen == c))
        .map(String::from)
        .collect();
    // Matched by its own name, a column would have read the header the
    // config gave another column; left unread, the run says so.
    let shadowed: Vec<Shadowed> = schema
        .names()
        .filter(|c| !input.columns.contains_key(*c) && !chosen.iter().any(|(_, chosen)| chosen == c))
        .filter_map(|c| {
            let (i, mapped_to) = chosen.iter().find(|(i, _)| header_key(&headers[*i]) == header_key(c))?;
            Some(Shadowed { column: c.into(), header: headers[*i].clone(), mapped_to: (*mapped_to).into() })
        })
        .collect();
    let unmapped_name = unmapped_resident_name(&columns, &dropped, input);
    let file = InputFile {
        path: path.to_path_buf(),
        format: "",
        sha256: String::new(),
        rows: 0,
        columns,
        dropped_columns: dropped,
        unmatched_columns,
        shadowed_columns: shadowed,
        unmapped_name,
        headers: headers.to_vec(),
        publication: None,
        checksum: None,
    };
    Ok((chosen, file))
}

/// A header of a case export left unmapped that looks like the resident's
/// name ("Customer Name", "Lead Tenant Forename", "Surname"), when the
/// file's learning actions are read and the config maps no column to
/// `resident_name`: the run's notes suggest mapping it, as without it the
/// screen finds a resident's first name only when a list names it. (When
/// the config maps it and this file lacks that header, the note on mapped
/// columns a file lacks says so instead.)
fn unmapped_resident_name(
    columns: &BTreeMap<String, String>,
    dropped: &[String],
    input: &InputConfig,
) -> Option<String> {
    if input.columns.contains_key(case::RESIDENT_NAME)
        || columns.contains_key(case::RESIDENT_NAME)
        || !columns.contains_key(case::LEARNING_ACTION)
    {
        return None;
    }
    let whose = ["customer", "resident", "tenant", "complainant", "client", "contact"];
    let name = ["name", "forename", "surname"];
    let looks_like_name = |key: &str| {
        matches!(key, "name" | "fullname" | "forename" | "forenames" | "firstname" | "surname" | "lastname")
            || (whose.iter().any(|w| key.contains(w)) && name.iter().any(|n| key.contains(n)))
    };
    dropped.iter().find(|h| looks_like_name(&header_key(h))).cloned()
}

/// A column the config maps that none of an export's files has: the
/// landlord expects figures from it, and without it they would be zero or
/// blank without a word (a header renamed in the case system, or read in the
/// wrong encoding). Files that have it while others do not (an older export
/// beside a newer one) are read as they are: each file's missing columns
/// are in run.json, and the run's data-quality notes say so.
pub fn check_mapped(files: &[InputFile], input: &InputConfig) -> Result<()> {
    let Some(first) = files.first() else { return Ok(()) };
    let in_none: Vec<String> = first
        .unmatched_columns
        .iter()
        .filter(|c| files.iter().all(|f| f.unmatched_columns.contains(c)))
        .map(|c| format!("{c} (mapped from \"{}\")", input.columns[c]))
        .collect();
    if in_none.is_empty() {
        return Ok(());
    }
    let (whose, headers) = match files {
        [only] => (String::new(), format!("; the header has: {}", only.headers.join(", "))),
        _ => (" (nor does any other file of this export)".to_string(), String::new()),
    };
    Err(Error::input(
        &first.path,
        format!(
            "has no column the config maps to {}{whose}; rename it in [input.columns] (or the export's header), or remove the mapping if the export has no such column{headers}",
            in_none.join(", ")
        ),
    ))
}

/// Rename the read columns to canonical names and add the canonical columns
/// the export lacks, as nulls.
pub(super) fn canonical_frame(
    frame: DataFrame,
    chosen: &[(usize, &'static str)],
    ragged: &[(u32, u32)],
    expected: u32,
    schema: &ExportSchema,
) -> Result<DataFrame> {
    // Built column by column rather than by a plan for polars to run: this
    // runs on the reader's thread once a chunk, and the reader decides how
    // long reading takes (two plans a chunk took about 2 ms).
    let height = frame.height();
    let mut found: Vec<Option<u32>> = vec![None; height];
    for &(row, fields) in ragged {
        if let Some(slot) = found.get_mut(row as usize - 1) {
            *slot = Some(fields);
        }
    }
    let expected: Vec<Option<u32>> = found.iter().map(|f| f.map(|_| expected)).collect();
    let (mut row, mut read) = (None, Vec::with_capacity(chosen.len()));
    for column in frame.into_columns() {
        match column.name().as_str() {
            ROW => row = Some(column.cast(&DataType::UInt32)?),
            _ => read.push(column),
        }
    }
    let mut columns = Vec::with_capacity(3 + read.len());
    columns.push(row.ok_or_else(|| PolarsError::ColumnNotFound(ROW.into()))?);
    columns.push(Column::new(FIELDS_FOUND.into(), found));
    columns.push(Column::new(FIELDS_EXPECTED.into(), expected));
    for canonical in schema.names() {
        columns.push(match chosen.iter().position(|(_, c)| *c == canonical) {
            Some(k) => read[k].clone().with_name(canonical.into()),
            None => Column::full_null(canonical.into(), height, &DataType::String),
        });
    }
    let mut frame = DataFrame::new(height, columns)?;
    if let Some(household) = schema.columns.iter().find(|c| c.kind == Kind::Household) {
        hash_households(&mut frame, household.name)?;
    }
    if let Some(name) = schema.columns.iter().find(|c| c.kind == Kind::ResidentName) {
        mark_texts_naming_residents(&mut frame, name.name)?;
    }
    Ok(frame)
}

/// Replace the resident's name by whether the first line of the row's
/// learning action (the line reports quote), and its theme, name them
/// ([`RESIDENT_NAMED`];
/// [`crate::screen::ResidentNames`]): the name goes no further than this
/// function. A chunk without names (the column not mapped, or blank) has
/// two constants, false.
fn mark_texts_naming_residents(frame: &mut DataFrame, column: &str) -> Result<()> {
    let names = frame.column(column)?.str()?;
    let [in_action, in_theme] = if names.null_count() == names.len() {
        let no = || Scalar::new(DataType::Boolean, AnyValue::Boolean(false));
        RESIDENT_NAMED.map(|flag| Column::new_scalar(flag.into(), no(), frame.height()))
    } else {
        let actions = frame.column(case::LEARNING_ACTION)?.str()?;
        let themes = frame.column(case::LEARNING_THEME)?.str()?;
        let mut resident = crate::screen::ResidentNames::default();
        let mut in_action = MutableBitmap::from_len_zeroed(names.len());
        let mut in_theme = MutableBitmap::from_len_zeroed(names.len());
        for (row, ((name, action), theme)) in names.iter().zip(actions.iter()).zip(themes.iter()).enumerate()
        {
            // Each name's words are found once for both of its row's texts.
            if let (Some(name), true) = (name, action.is_some() || theme.is_some()) {
                if resident.resident(name) {
                    // The line a report would quote, the first: a name in a
                    // later line is never published.
                    let quoted = action.and_then(|a| a.lines().next());
                    in_action.set(row, quoted.is_some_and(|a| resident.named_in(a)));
                    in_theme.set(row, theme.is_some_and(|t| resident.named_in(t)));
                }
            }
        }
        let flags = |name: &str, bits: MutableBitmap| {
            BooleanChunked::from_bitmap(name.into(), bits.into()).into_column()
        };
        [flags(ACTION_NAMES_RESIDENT, in_action), flags(THEME_NAMES_RESIDENT, in_theme)]
    };
    frame.replace(column, in_action)?;
    frame.rename(column, ACTION_NAMES_RESIDENT.into())?;
    frame.with_column(in_theme)?;
    Ok(())
}

/// The key of the household hash: one per process, drawn at random, never
/// written anywhere, so a hash means nothing outside the run that made it.
/// The hash is polars' own (foldhash), as the duplicate search's is: the
/// standard library's SipHash took four times as long over a million rows,
/// for a strength nothing here needs, as no hash leaves the run.
fn household_hasher() -> &'static PlRandomState {
    static KEY: std::sync::OnceLock<PlRandomState> = std::sync::OnceLock::new();
    KEY.get_or_init(PlRandomState::default)
}

/// Replace the household reference by its keyed hash ([`HOUSEHOLD`]): the raw
/// value goes no further than this function. References are compared trimmed
/// and without regard to case, so "t-1001 " and "T-1001" are one household
/// (ASCII case only).
fn hash_households(frame: &mut DataFrame, column: &str) -> Result<()> {
    use std::hash::BuildHasher;
    let key = household_hasher();
    let refs = frame.column(column)?.str()?;
    let mut folded = String::new();
    let hashed: UInt64Chunked = refs
        .iter()
        .map(|r| {
            let r = r?.trim();
            (!r.is_empty()).then(|| {
                folded.clear();
                folded.push_str(r);
                folded.make_ascii_lowercase();
                key.hash_one(folded.as_bytes())
            })
        })
        .collect();
    let hashed = hashed.with_name(HOUSEHOLD.into()).into_column();
    frame.replace(column, hashed)?;
    frame.rename(column, HOUSEHOLD.into())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashed(refs: &[Option<&str>]) -> Vec<Option<u64>> {
        let mut frame = df!("household_ref" => refs).unwrap();
        hash_households(&mut frame, "household_ref").unwrap();
        assert!(frame.column("household_ref").is_err(), "the reference itself is gone");
        frame.column(HOUSEHOLD).unwrap().u64().unwrap().iter().collect()
    }

    /// One household whatever the spacing or ASCII case of its reference,
    /// in every chunk of a run; another reference is another household; a
    /// blank one is none.
    #[test]
    fn a_household_is_its_reference_trimmed_and_without_case() {
        let first = hashed(&[Some("T-1001"), Some(" t-1001 "), Some("T-1002"), Some("  "), None]);
        let later = hashed(&[Some("t-1002"), Some("T-1001")]);
        assert_eq!(first[0], first[1]);
        assert_ne!(first[0], first[2]);
        assert_eq!((first[3], first[4]), (None, None));
        assert_eq!(later, [first[2], first[0]]);
    }

    /// The name is replaced by two flags: the action's first line (the one
    /// quoted) names the resident, and the theme does; a name in a later
    /// line, or no name, flags nothing.
    #[test]
    fn a_residents_name_becomes_whether_the_quoted_line_and_theme_name_them() {
        let mut frame = df!(
            "learning_action" => [Some("Apologised to Lucy"), Some("Line one\nApologised to Lucy"), Some("Apologised to Lucy"), None],
            "learning_theme" => [Some("Repairs"), Some("Lucy's repairs"), Some("Lucy's repairs"), Some("Lucy's repairs")],
            "resident_name" => [Some("Lucy Smith"), Some("Mrs L Smith"), None, Some("Lucy Smith")],
        )
        .unwrap();
        mark_texts_naming_residents(&mut frame, "resident_name").unwrap();
        assert!(frame.column("resident_name").is_err(), "the name itself is gone");
        let flags = |c: &str| frame.column(c).unwrap().bool().unwrap().iter().collect::<Vec<_>>();
        assert_eq!(flags(ACTION_NAMES_RESIDENT), [Some(true), Some(false), Some(false), Some(false)]);
        assert_eq!(flags(THEME_NAMES_RESIDENT), [Some(false), Some(false), Some(false), Some(true)]);
    }

    /// A case export's unmapped header that looks like the resident's name
    /// is named, for the run's notes, only while the config maps no column
    /// to `resident_name` and the learning actions are read.
    #[test]
    fn an_unmapped_resident_name_column_is_pointed_out() {
        let mapped = |headers: &[&str], input: &InputConfig| {
            let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
            map_headers(Path::new("c.csv"), &headers, input, &crate::schema::CASES).unwrap().1.unmapped_name
        };
        fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
            [base, extra].concat()
        }
        let base = ["case_ref", "stage", "received_date", "learning_action"];
        let input = InputConfig::default();
        for header in [
            "Customer Name",
            "Tenant Forename",
            "Resident First Name",
            "Name",
            "Full name",
            "Lead Tenant Name",
            "Customer Forenames",
            "Surname",
            "Last Name",
            "Name of Customer",
            "Contact name",
        ] {
            assert_eq!(mapped(&with(&base, &[header, "Notes"]), &input).as_deref(), Some(header));
        }
        for header in ["Officer Name", "File name", "Customer Reference", "Team", "Tenancy Type"] {
            assert_eq!(mapped(&with(&base, &[header]), &input), None, "{header}");
        }
        // Mapped (even to a header this file lacks), or no learning actions
        // to screen: nothing to point out.
        let mut input = InputConfig::default();
        input.columns.insert("resident_name".into(), "Customer Name".into());
        assert_eq!(mapped(&with(&base, &["Customer Name", "Tenant Name"]), &input), None);
        let no_actions = ["case_ref", "stage", "received_date", "Customer Name"];
        assert_eq!(mapped(&no_actions, &InputConfig::default()), None);
    }

    /// A mapped column the export lacks is an error naming the mapping,
    /// unless another file of the export has it; an optional column neither
    /// mapped nor present is simply not read. A mapped header wins over one
    /// that only shares a canonical column's name.
    #[test]
    fn a_mapped_column_missing_from_the_export_is_an_error() {
        let mut input = InputConfig::default();
        for (canonical, header) in
            [("case_ref", "Ref"), ("received_date", "Received"), ("compensation", "Compensation (£)")]
        {
            input.columns.insert(canonical.into(), header.into());
        }
        let headers = |h: &[&str]| h.iter().map(|h| h.to_string()).collect::<Vec<_>>();
        let map = |name: &str, h: &[&str], input: &InputConfig| {
            map_headers(Path::new(name), &headers(h), input, &crate::schema::CASES).unwrap()
        };
        let (chosen, with) = map("new.csv", &["Ref", "Received", "Stage", "Compensation (£)"], &input);
        assert_eq!(chosen.len(), 4);
        assert!(check_mapped(std::slice::from_ref(&with), &input).is_ok());
        let (_, without) = map("old.csv", &["Ref", "Received", "Stage", "Compensation (GBP)"], &input);
        assert_eq!(without.unmatched_columns, ["compensation"]);
        let message = check_mapped(std::slice::from_ref(&without), &input).unwrap_err().to_string();
        assert!(
            message.contains(
                "old.csv: has no column the config maps to compensation (mapped from \"Compensation (£)\")"
            ),
            "{message}"
        );
        assert!(message.contains("the header has: Ref, Received, Stage, Compensation (GBP)"), "{message}");
        // An older export without the column beside a newer one with it.
        assert!(check_mapped(&[without.clone(), with], &input).is_ok());
        let message = check_mapped(&[without.clone(), without], &input).unwrap_err().to_string();
        assert!(message.contains("(nor does any other file of this export)"), "{message}");
        input.columns.remove("compensation");
        let (chosen, file) = map("old.csv", &["Ref", "Received", "Stage"], &input);
        assert_eq!((chosen.len(), file.unmatched_columns.len()), (3, 0));
        // A required column's own header, mapped to another column.
        let mut taken = InputConfig::default();
        taken.columns.insert("case_ref".into(), "stage".into());
        let message = map_headers(
            Path::new("c.csv"),
            &headers(&["stage", "received_date"]),
            &taken,
            &crate::schema::CASES,
        )
        .unwrap_err()
        .to_string();
        assert!(message.contains("stage (the header \"stage\" is mapped to case_ref)"), "{message}");
        // "Category" goes to the column mapped to it, not to `category`.
        input.columns.insert("learning_theme".into(), "Category".into());
        let (chosen, file) = map("c.csv", &["Ref", "Received", "Stage", "Category"], &input);
        assert!(chosen.contains(&(3, "learning_theme")), "{chosen:?}");
        assert!(file.unmatched_columns.is_empty());
        // `category` is then unread, and the file says why.
        let shadowed: Vec<_> =
            file.shadowed_columns.iter().map(|s| (&*s.column, &*s.header, &*s.mapped_to)).collect();
        assert_eq!(shadowed, [("category", "Category", "learning_theme")]);
        // Mapped to a header of its own, it is read and nothing is said.
        input.columns.insert("category".into(), "Issue".into());
        let (chosen, file) = map("c.csv", &["Ref", "Received", "Stage", "Category", "Issue"], &input);
        assert!(chosen.contains(&(4, "category")), "{chosen:?}");
        assert!(file.shadowed_columns.is_empty());
    }
}
