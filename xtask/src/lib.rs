//! The xtask's library: every command but `refresh`, whose HTTP client and HTML parser live in
//! the `xtask-refresh` package so that `cargo xtask check` does not compile or fingerprint them.
//! `xtask-refresh` uses the facts, pages and check from here.

pub mod cache;
pub mod check;
pub mod diff;
pub mod facts;
pub mod files;
pub mod generate;
/// Byte-level mutations for the no-panic property tests (shared with the library crates' tests).
#[cfg(test)]
#[path = "../../testsupport/mutation.rs"]
mod mutation;
pub mod pages;
pub mod publish;
pub mod release;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cache::GenerationCache;

/// How a report is printed.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// The workspace the xtask belongs to: commands run from its root whatever the caller's
/// directory, so `spec` means the same thing.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// Runs every check on the specs in `spec_dir` (shown as `shown`), prints the report, and says
/// whether they passed.
pub fn run_check(spec_dir: &Path, shown: &Path, format: Format) -> ExitCode {
    let cache = GenerationCache::beside_binary();
    let report = check::check_all(spec_dir, &shown.display().to_string(), cache.as_ref());
    match format {
        Format::Json => print!(
            "{}",
            snapspec_codegen::diag::render_json(&report.diagnostics)
        ),
        Format::Human => print!("{}", report.render_human()),
    }
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
