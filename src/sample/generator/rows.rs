//! Writing a case's rows as the vendor export has them: its own column
//! order, dates in two forms, outcome spellings, amounts, multi-line notes
//! and the personal-data columns.

use std::fmt::Write as _;

use super::*;

impl Generator<'_> {
    pub(super) fn render_complaint(&mut self, case: &Case, stage: u8, received: NaiveDate, sim: &StageSim) {
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
                    // A first name alone, as officers write it, only the
                    // export's own name column tells from any other word.
                    // Chosen by the name, not a draw, so the rest of the
                    // sample is as before.
                    0 if p.first % 2 == 1 => {
                        let _ = write!(f[F_ACTION], " Apologised to {name} for the delay.");
                    }
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
    pub(super) fn write_case_columns(&mut self, case: &Case) {
        let f = &mut self.fields;
        let area = case.area as usize;
        f[F_AREA].push_str(AREAS[area].0);
        f[F_CATEGORY].push_str(CATEGORIES[area][case.category as usize].0);
        f[F_CHANNEL].push_str(CHANNELS[case.channel as usize].0);
        f[F_TENURE].push_str(match case.tenure {
            Tenure::Lcra => "LCRA",
            Tenure::Lcho => "LCHO",
            Tenure::Blank => "",
            Tenure::Leasehold { own_spelling: true } => "Leaseholder (RTB)",
            Tenure::Leasehold { own_spelling: false } => "Leasehold",
            Tenure::MarketRent => "Market Rent",
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
        if !p.household.is_multiple_of(23) {
            let _ = write!(f[F_TENANCY], "TEN-{:06}", p.household);
        }
    }

    /// The resident's own account of the complaint, sometimes naming them.
    pub(super) fn write_summary(&mut self, case: &Case) {
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
    pub(super) fn follow_up(&mut self, case: &Case, stage: u8, sim: &StageSim) {
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
                    let category = FINDING_CATEGORIES[pick(&mut self.category_rng, &FINDING_CATEGORIES)].0;
                    self.pending_findings.push([
                        hos.clone(),
                        reference.clone(),
                        day.format("%d/%m/%Y").to_string(),
                        finding.to_string(),
                        orders,
                        amount,
                        category.to_string(),
                    ]);
                }
            }
        }
    }

    /// Free-text notes mentioning the resident. `kind` is the record type
    /// index (0 = complaint).
    pub(super) fn write_notes(&mut self, case: &Case, kind: usize) {
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
