//! Sector benchmarking: which of the Regulator's published TSM releases to
//! compare with, which landlords count as peers, and the landlord's own code
//! in the releases.

use std::path::PathBuf;

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::schema::spelling_key;

/// `[benchmarks]`. Absent, no run reads a release and every output is as it
/// was before benchmarking existed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BenchmarksConfig {
    /// The Regulator's "TSM full data" workbooks, one per year, relative to
    /// the config file. Each run reads them all and compares with the one
    /// covering its year, else the latest earlier one.
    #[serde(default)]
    pub tsm_files: Vec<PathBuf>,
    /// Which attributes a peer shares with the landlord: type and size band
    /// by default.
    #[serde(default)]
    pub peer_group: PeerGroup,
    /// The landlord's type, size band and region in the Regulator's words,
    /// for a landlord not in the release (fewer than 1,000 homes, or new).
    /// Where `landlord_code` is in the release, its row there is used
    /// instead: it is what the Regulator itself grouped the landlord by.
    #[serde(default)]
    pub peer_attributes: Option<PeerAttributes>,
    /// The landlord's code in the releases ("L1234"), to set its published
    /// figures beside redress's own.
    #[serde(default)]
    pub landlord_code: Option<String>,
}

impl BenchmarksConfig {
    /// A peer group that compares an attribute needs somewhere to take the
    /// landlord's from; without either source every report would lack the
    /// peer comparison for want of a line of config, so it is an error now.
    pub fn check(&self) -> Result<(), String> {
        let g = self.peer_group;
        let compares = g.landlord_type || g.size_band || g.region;
        if compares && self.peer_attributes.is_none() && self.landlord_code.is_none() {
            return Err("benchmarks: the peer group compares landlords by their attributes, but neither \
                 landlord_code (the landlord's code in the Regulator's release) nor peer_attributes \
                 (landlord_type, size_band, region in the Regulator's words) is given; give one, or set \
                 peer_group = { landlord_type = false, size_band = false } to compare with all landlords"
                .into());
        }
        if let Some(code) = &self.landlord_code {
            if code.trim().is_empty() {
                return Err("benchmarks.landlord_code is empty".into());
            }
        }
        Ok(())
    }
}

/// Which of a landlord's attributes its peers must share. Meant for the
/// config as
///
/// ```toml
/// [benchmarks]
/// # Peers share the landlord's type (PRP / LARP) and size band; set
/// # region = true to narrow to its predominant region as well, or both
/// # others to false to compare with the whole sector.
/// peer_group = { landlord_type = true, size_band = true, region = false }
/// ```
///
/// A key left out keeps its default: landlord type and size band on, region
/// off. Type and size are the landlord characteristics the Regulator adds to
/// every row "to aid comparisons", and together they keep most groups above a
/// few dozen landlords (2024-25: 109 PRPs with 5,000-40,000 homes publish
/// LCRA CH01); adding region can leave too few for quartiles to mean much.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PeerGroup {
    pub landlord_type: bool,
    pub size_band: bool,
    pub region: bool,
}

impl Default for PeerGroup {
    fn default() -> Self {
        PeerGroup { landlord_type: true, size_band: true, region: false }
    }
}

/// The attributes a peer group compares: taken from the landlord's own row
/// ([`Landlord::attributes`]) or, for a landlord not in the release (fewer
/// than 1,000 homes, or new), written in the config in the Regulator's words:
/// `{ landlord_type = "PRP", size_band = "<5,000", region = "North" }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PeerAttributes {
    #[serde(default)]
    pub landlord_type: Option<LandlordType>,
    #[serde(default)]
    pub size_band: Option<SizeBand>,
    #[serde(default)]
    pub region: Option<String>,
}

/// Private registered provider or local authority; the two releases spell the
/// latter differently ("LARP" in 2023-24, "LA" in 2024-25).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LandlordType {
    Prp,
    LocalAuthority,
    /// Text the reader does not recognise, kept as written.
    Other(String),
}

impl LandlordType {
    pub fn parse(text: &str) -> LandlordType {
        match spelling_key(text).as_str() {
            "prp" | "privateregisteredprovider" => LandlordType::Prp,
            "larp" | "la" | "localauthority" | "localauthorityregisteredprovider" => {
                LandlordType::LocalAuthority
            }
            _ => LandlordType::Other(text.trim().to_string()),
        }
    }
}

impl fmt::Display for LandlordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LandlordType::Prp => f.write_str("PRP"),
            LandlordType::LocalAuthority => f.write_str("LARP"),
            LandlordType::Other(text) => f.write_str(text),
        }
    }
}

/// The Regulator's band of homes owned by the landlord's group. 2023-24
/// writes the top band ">40000", 2024-25 ">40,000"; both are one band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SizeBand {
    Under5000,
    From5000To40000,
    Over40000,
    /// Text the reader does not recognise, kept as written.
    Other(String),
}

impl SizeBand {
    pub fn parse(text: &str) -> SizeBand {
        match spelling_key(text).as_str() {
            "5000" if text.contains('<') => SizeBand::Under5000,
            "500040000" => SizeBand::From5000To40000,
            "40000" if text.contains('>') => SizeBand::Over40000,
            _ => SizeBand::Other(text.trim().to_string()),
        }
    }
}

impl fmt::Display for SizeBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SizeBand::Under5000 => f.write_str("<5,000"),
            SizeBand::From5000To40000 => f.write_str("5,000-40,000"),
            SizeBand::Over40000 => f.write_str(">40,000"),
            SizeBand::Other(text) => f.write_str(text),
        }
    }
}

macro_rules! text_serde {
    ($type:ty) => {
        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                Ok(<$type>::parse(&String::deserialize(d)?))
            }
        }
    };
}
text_serde!(LandlordType);
text_serde!(SizeBand);
