//! Tests of the library's stages run in process, where a property holds for
//! any input rather than for one fixture: fuzzing the front half, and the
//! counts cube made in slices. (The tests of the binary are in `tests/it/`.)

mod fuzz;
mod slices;
