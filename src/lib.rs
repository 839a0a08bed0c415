//! redress: complaint handling performance reports for social landlords in
//! England, from case-management exports.
//!
//! The pipeline reads in stage order:
//! [`ingest`] (load) → [`validate`] → [`timescales`] (the working-day
//! [`calendar`] applied) → [`metrics`] (definitions in `queries/`) → outputs
//! → [`render`] (reports, written by [`output`]), orchestrated by [`pipeline`].

pub mod calendar;
pub mod config;
pub mod error;
pub mod ingest;
pub mod metrics;
pub mod output;
pub mod period;
pub mod pipeline;
pub mod render;
pub mod sample;
pub mod screen;
pub mod timescales;
pub mod validate;

pub use error::{Error, Result};
