//! redress: complaint handling performance reports for social landlords in
//! England, from case-management exports.
//!
//! The pipeline reads in stage order:
//! [`ingest`] (load) → [`validate`] → [`timescales`] (the working-day
//! [`calendar`] applied) → [`themes`] and [`repeats`] (columns the metrics
//! count), with the survey and Ombudsman exports checked and [`linked`] to
//! their cases → [`metrics`] (definitions in `queries/`) → [`render`]
//! (reports, written by [`output`]), orchestrated by [`pipeline`].

pub mod calendar;
pub mod code;
pub mod config;
pub mod error;
pub mod ingest;
pub mod linked;
pub mod metrics;
pub mod output;
pub mod period;
pub mod pipeline;
pub mod render;
pub mod repeats;
pub mod sample;
pub mod screen;
pub mod self_assessment;
pub mod themes;
pub mod timescales;
pub mod validate;

pub use error::{Error, Result};
