//! Peer groups: the landlords a landlord is compared with when the whole
//! sector is too mixed a crowd (a 1,200-home council beside a 95,000-home
//! housing association).

use std::fmt;

use super::{Landlord, PeerAttributes, PeerGroup};

/// The peer group asks for an attribute the landlord being compared does not
/// have, so no honest group can be formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingAttribute(pub &'static str);

impl fmt::Display for MissingAttribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the peer group compares {} but the landlord's {} is not known", self.0, self.0)
    }
}

impl std::error::Error for MissingAttribute {}

impl PeerGroup {
    /// The whole sector: no attribute compared.
    pub const SECTOR: PeerGroup = PeerGroup { landlord_type: false, size_band: false, region: false };

    /// The landlords among `landlords` that share `subject`'s switched-on
    /// attributes. The subject itself is included when it is in the release,
    /// as it is in the Regulator's own sector figures. A candidate whose
    /// attribute is unknown is never a peer on that attribute.
    pub fn members<'a>(
        &self,
        subject: &PeerAttributes,
        landlords: impl IntoIterator<Item = &'a Landlord>,
    ) -> Result<Vec<&'a Landlord>, MissingAttribute> {
        self.check(subject)?;
        Ok(landlords.into_iter().filter(|l| self.admits(subject, &l.attributes())).collect())
    }

    /// Whether `candidate` is `subject`'s peer.
    pub fn admits(&self, subject: &PeerAttributes, candidate: &PeerAttributes) -> bool {
        let same_region = || match (&subject.region, &candidate.region) {
            (Some(a), Some(b)) => a.trim().eq_ignore_ascii_case(b.trim()),
            _ => false,
        };
        (!self.landlord_type || both_equal(&subject.landlord_type, &candidate.landlord_type))
            && (!self.size_band || both_equal(&subject.size_band, &candidate.size_band))
            && (!self.region || same_region())
    }

    /// The group in words, for a report's table caption: "PRP landlords,
    /// 5,000-40,000 homes", or "all landlords".
    pub fn describe(&self, subject: &PeerAttributes) -> String {
        let mut parts = Vec::new();
        match (&subject.landlord_type, self.landlord_type) {
            (Some(t), true) => parts.push(format!("{t} landlords")),
            _ => parts.push("all landlords".to_string()),
        }
        if let (Some(band), true) = (&subject.size_band, self.size_band) {
            parts.push(format!("{band} homes"));
        }
        if let (Some(region), true) = (&subject.region, self.region) {
            parts.push(format!("predominantly in {region}"));
        }
        parts.join(", ")
    }

    fn check(&self, subject: &PeerAttributes) -> Result<(), MissingAttribute> {
        if self.landlord_type && subject.landlord_type.is_none() {
            return Err(MissingAttribute("landlord type"));
        }
        if self.size_band && subject.size_band.is_none() {
            return Err(MissingAttribute("size band"));
        }
        if self.region && subject.region.is_none() {
            return Err(MissingAttribute("region"));
        }
        Ok(())
    }
}

fn both_equal<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a == b)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::config::{LandlordType, SizeBand};

    fn landlord(code: &str, kind: &str, band: &str, region: &str) -> Landlord {
        Landlord {
            code: code.into(),
            name: format!("Landlord {code}"),
            landlord_type: Some(LandlordType::parse(kind)),
            size_band: Some(SizeBand::parse(band)),
            region: Some(region.into()),
            figures: Default::default(),
        }
    }

    fn sector() -> Vec<Landlord> {
        vec![
            landlord("A", "PRP", "5,000-40,000", "South"),
            landlord("B", "PRP", "5,000-40,000", "North"),
            landlord("C", "PRP", ">40000", "South"),
            landlord("D", "LARP", "5,000-40,000", "South"),
            landlord("E", "LA", "<5,000", "south"),
        ]
    }

    fn codes(group: PeerGroup, subject: &PeerAttributes, all: &[Landlord]) -> Vec<String> {
        group.members(subject, all).unwrap().iter().map(|l| l.code.clone()).collect()
    }

    #[test]
    fn default_is_type_and_size_band() {
        let all = sector();
        assert_eq!(codes(PeerGroup::default(), &all[0].attributes(), &all), ["A", "B"]);
    }

    #[test]
    fn region_narrows_and_ignores_case() {
        let all = sector();
        let by_region = PeerGroup { landlord_type: false, size_band: false, region: true };
        assert_eq!(codes(by_region, &all[0].attributes(), &all), ["A", "C", "D", "E"]);
        let all_three = PeerGroup { region: true, ..PeerGroup::default() };
        assert_eq!(codes(all_three, &all[0].attributes(), &all), ["A"]);
    }

    #[test]
    fn sector_takes_everyone() {
        let all = sector();
        assert_eq!(codes(PeerGroup::SECTOR, &PeerAttributes::default(), &all).len(), 5);
    }

    #[test]
    fn both_spellings_of_local_authority_are_peers() {
        let all = sector();
        let by_type = PeerGroup { landlord_type: true, size_band: false, region: false };
        assert_eq!(codes(by_type, &all[3].attributes(), &all), ["D", "E"]);
    }

    #[test]
    fn explicit_attributes_for_a_landlord_not_in_the_release() {
        let all = sector();
        let subject = PeerAttributes {
            landlord_type: Some(LandlordType::Prp),
            size_band: Some(SizeBand::Over40000),
            region: None,
        };
        assert_eq!(codes(PeerGroup::default(), &subject, &all), ["C"]);
    }

    #[test]
    fn an_unknown_attribute_of_the_subject_is_an_error_not_an_empty_group() {
        let all = sector();
        let subject = PeerAttributes { landlord_type: Some(LandlordType::Prp), ..Default::default() };
        let err = PeerGroup::default().members(&subject, &all).unwrap_err();
        assert_eq!(err, MissingAttribute("size band"));
        assert!(err.to_string().contains("size band is not known"), "{err}");
    }

    #[test]
    fn a_candidate_with_an_unknown_attribute_is_not_a_peer() {
        let mut all = sector();
        all[1].size_band = None;
        assert_eq!(codes(PeerGroup::default(), &all[0].attributes(), &all), ["A"]);
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Benchmarks {
        #[serde(default)]
        peer_group: PeerGroup,
        #[serde(default)]
        peer_attributes: Option<PeerAttributes>,
    }

    fn parse(toml_text: &str) -> Result<Benchmarks, toml::de::Error> {
        toml::from_str(toml_text)
    }

    #[test]
    fn config_shape_reads_with_defaults_for_left_out_keys() {
        let b = parse("peer_group = { landlord_type = true, size_band = true, region = false }").unwrap();
        assert_eq!(b.peer_group, PeerGroup::default());
        let b = parse("peer_group = { region = true }").unwrap();
        assert_eq!(b.peer_group, PeerGroup { landlord_type: true, size_band: true, region: true });
        let b = parse("peer_group = { landlord_type = false, size_band = false }").unwrap();
        assert_eq!(b.peer_group, PeerGroup::SECTOR);
        assert_eq!(parse("").unwrap().peer_group, PeerGroup::default());
    }

    #[test]
    fn config_rejects_unknown_keys() {
        let err = parse("peer_group = { size = true }").err().expect("an unknown key is an error");
        assert!(err.to_string().contains("unknown field"), "{err}");
    }

    #[test]
    fn explicit_attributes_read_in_the_regulators_words() {
        let b =
            parse(r#"peer_attributes = { landlord_type = "LA", size_band = "<5,000", region = "North" }"#)
                .unwrap();
        let a = b.peer_attributes.unwrap();
        assert_eq!(a.landlord_type, Some(LandlordType::LocalAuthority));
        assert_eq!(a.size_band, Some(SizeBand::Under5000));
        assert_eq!(a.region.as_deref(), Some("North"));
    }

    #[test]
    fn describes_the_group_for_a_caption() {
        let all = sector();
        assert_eq!(PeerGroup::default().describe(&all[0].attributes()), "PRP landlords, 5,000-40,000 homes");
        assert_eq!(PeerGroup::SECTOR.describe(&all[0].attributes()), "all landlords");
    }
}
