//! `okxscan report`: placeholder until the report lands.

use crate::cli::ReportArgs;
use crate::exit::Status;
use anyhow::{bail, Result};

pub fn run(_args: &ReportArgs) -> Result<Status> {
    bail!("report is not implemented yet")
}
