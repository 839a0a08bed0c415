//! Dates in the configuration, read as the command line reads `--as-of`:
//! `2025-12-29` (quoted or a bare TOML date) or `29/12/2025`, and refused
//! in words that say so, where serde said "input contains invalid
//! characters" or "invalid type: map".

use chrono::NaiveDate;
use serde::de::{Deserialize, Deserializer, Error};

fn date<E: Error>(value: toml::Value) -> Result<NaiveDate, E> {
    let text = match &value {
        toml::Value::String(s) => s.trim().to_string(),
        toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
        _ => String::new(),
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&text, "%d/%m/%Y"))
        .map_err(|_| {
            E::custom(format!("{value} is not a date: give one as \"2025-12-29\" or \"29/12/2025\""))
        })
}

pub fn one<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    date(toml::Value::deserialize(d)?).map(Some)
}

pub fn many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
    Vec::<toml::Value>::deserialize(d)?.into_iter().map(date).collect()
}
