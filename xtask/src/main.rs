//! `cargo xtask`: proves the specs agree with the vendor documentation pages, publishes them,
//! and shows what a spec change means for users of the generated clients.

mod cache;
mod check;
mod diff;
mod pages;
mod publish;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::cache::GenerationCache;

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "Checks, publishes and diffs the snapspec specs",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check every spec: structure, examples against schemas, documented examples and parameters
    /// against the pages in spec/docs, and generation. Reports every problem; exits 1 on any error.
    Check(CheckArgs),
    /// Run the check, then write each spec as YAML and JSON plus index.json (API, version, files,
    /// sha256) into DIR, atomically: on any failure DIR is left as it was.
    Publish(PublishArgs),
    /// Compare each spec at git revision REV with the working tree, for users of the generated
    /// clients: operations, types and fields added, removed or changed; breaking changes marked.
    Diff(DiffArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// The folder holding the specs and docs/.
    #[arg(long, default_value = "spec", value_name = "DIR")]
    spec_dir: PathBuf,
}

#[derive(Debug, clap::Args)]
struct PublishArgs {
    /// Where to write the published files.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The folder holding the specs and docs/.
    #[arg(long, default_value = "spec", value_name = "DIR")]
    spec_dir: PathBuf,
}

#[derive(Debug, clap::Args)]
struct DiffArgs {
    /// The git revision to compare with (a commit, tag or branch).
    rev: String,
    /// The folder holding the specs, relative to the repository root.
    #[arg(long, default_value = "spec", value_name = "DIR")]
    spec_dir: PathBuf,
}

/// Runs from the workspace root whatever the caller's directory, so `spec` means the same thing.
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    match cli.command {
        Command::Check(args) => {
            let spec_dir = root.join(&args.spec_dir);
            let cache = GenerationCache::beside_binary();
            let report = check::check_all(
                &spec_dir,
                &args.spec_dir.display().to_string(),
                cache.as_ref(),
            );
            match args.format {
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
        Command::Publish(args) => {
            let spec_dir = root.join(&args.spec_dir);
            let cache = GenerationCache::beside_binary();
            match publish::publish(
                &spec_dir,
                &args.spec_dir.display().to_string(),
                &args.out,
                cache.as_ref(),
            ) {
                Ok(written) => {
                    println!("published {} files to {}", written, args.out.display());
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprint!("{message}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Diff(args) => match diff::diff(
            &diff::repository_root().unwrap_or(root),
            &args.spec_dir,
            &args.rev,
        ) {
            Ok(report) => {
                print!("{report}");
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        },
    }
}
