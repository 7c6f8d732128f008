//! The integration tests, one test binary: each module was a file of its own under
//! `tests/`. One binary links the library, the test helpers and the night generator
//! (`examples/gen.rs`, 3,000 lines, included by `common`) once instead of once per
//! file, which took most of a cold `cargo test` (see README, Development).
//!
//! A new test file goes here as a module (`tests/it/NAME.rs` and `mod NAME;` below),
//! not beside this folder, where Cargo would build it as another binary.

mod common;
mod support;

mod bytes;
mod cli;
mod first_contact;
mod fleet;
mod framing;
mod grep;
mod inputs;
mod kb;
mod modes;
mod props;
mod recall;
mod regressions;
mod report;
mod secrets;
mod shapes;
mod state;
mod truth;
