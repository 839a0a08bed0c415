//! redress: complaint handling performance reports for social landlords in
//! England, from case-management exports.
//!
//! The pipeline reads in stage order:
//! [`ingest`] (load) → [`validate`] (chunk by chunk, each chunk's learning
//! [`themes`] resolved as it goes) → [`timescales`] (the working-day
//! [`calendar`] applied) → [`repeats`] (a column the metrics count), with the
//! survey and Ombudsman exports checked and [`linked`] to their cases →
//! [`metrics`] (definitions in `queries/`) → [`render`] (reports, written by
//! [`output`]), orchestrated by [`pipeline`]. [`memory`] keeps a big run's
//! footprint down.

pub mod buckets;
pub mod calendar;
pub mod code;
pub mod config;
pub mod digest;
pub mod error;
pub mod format;
pub mod ingest;
pub mod linked;
pub mod memory;
pub mod metrics;
pub mod output;
pub mod parallel;
pub mod period;
pub mod pipeline;
pub mod plan;
pub mod quality;
pub mod render;
pub mod repeats;
pub mod sample;
pub mod schema;
pub mod screen;
pub mod sector;
pub mod self_assessment;
pub mod themes;
pub mod timescales;
pub mod validate;

pub use error::{Error, Result};
