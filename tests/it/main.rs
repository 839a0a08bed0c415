//! The integration tests, as one crate so that the binary's library and
//! polars are linked into one test executable rather than one per file.
//! Each module is what was once a file of `tests/`; `workdir` runs the real
//! `redress` binary in a scratch directory.

mod accessibility;
mod annual;
mod customer_assembly;
mod engine;
mod feedback;
mod fuzz;
mod reliability;
mod reports;
mod sample;
mod workdir;
