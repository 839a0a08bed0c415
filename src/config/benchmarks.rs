//! Sector benchmarking: which of the Regulator's published TSM releases to
//! compare with, which landlords count as peers, and the landlord's own code
//! in the releases.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::sector::{PeerAttributes, PeerGroup};

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
