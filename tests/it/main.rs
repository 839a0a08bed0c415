//! The integration tests: each runs the real `redress` binary on fixtures in
//! a scratch directory ([`workdir`]) and checks what it writes. One crate, so
//! cargo runs them all in parallel; the tests that call the library in
//! process (and link polars) are in `tests/library/`.

mod accessibility;
mod annual;
mod benchmarks;
mod customer_assembly;
mod engine;
mod feedback;
mod html;
mod reliability;
mod reports;
mod sample;
mod tenures;
mod workdir;
