//! `cargo xtask refresh` (this binary, run by the xtask): downloads every captured documentation
//! page and facts definition again and runs the check. A package of its own, so that its HTTP
//! client and HTML parser are compiled only by those who refresh, not by every `cargo xtask check`.

mod refresh;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use xtask::{Format, facts, run_check, workspace_root};

/// Download every captured documentation page (docs/sources.json) and every facts file's
/// definition (source.download) again, store each in the form the check reads, print a diff of
/// what changed in each source, then run the check and exit with its status. Changes are written
/// only when every download and conversion succeeded; otherwise nothing is written and the
/// command exits 1.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask refresh",
    bin_name = "cargo xtask refresh",
    version
)]
struct RefreshArgs {
    /// Only the sources of this API (css, dws, alibaba-es).
    #[arg(long, value_name = "API")]
    only: Option<String>,
    /// The folder holding the specs, docs/ and facts/.
    #[arg(long, default_value = "spec", value_name = "DIR")]
    spec_dir: PathBuf,
    /// The date written into changed facts files (YYYY-MM-DD); today (UTC) by default.
    #[arg(long, value_name = "DATE")]
    retrieved: Option<String>,
}

fn main() -> ExitCode {
    let args = RefreshArgs::parse();
    let spec_dir = workspace_root().join(&args.spec_dir);
    let today = refresh::today();
    let retrieved = args.retrieved.as_deref().unwrap_or(&today);
    if !facts::is_date(retrieved) {
        eprintln!("error: --retrieved `{retrieved}` is not a date: write it as YYYY-MM-DD");
        return ExitCode::FAILURE;
    }
    let options = refresh::Options {
        spec_dir: &spec_dir,
        display_prefix: &args.spec_dir.display().to_string(),
        only: args.only.as_deref(),
        retrieved,
    };
    let outcome = match refresh::collect(&options).and_then(|outcome| {
        refresh::write(&outcome)?;
        Ok(outcome)
    }) {
        Ok(outcome) => outcome,
        Err(message) => {
            for line in message.lines() {
                eprintln!("error: {line}");
            }
            eprintln!("refresh: nothing was written; the stored captures are as they were");
            return ExitCode::FAILURE;
        }
    };
    for (_, _, diff) in &outcome.changed {
        print!("{diff}");
    }
    for shown in &outcome.not_downloadable {
        println!("kept {shown}: it records no source.download (written from an SDK model)");
    }
    println!(
        "refresh: {} sources, {} changed, {} unchanged",
        outcome.sources,
        outcome.changed.len(),
        outcome.sources - outcome.changed.len()
    );
    println!("refresh: running the check");
    run_check(&spec_dir, &args.spec_dir, Format::Human)
}
