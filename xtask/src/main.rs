//! `cargo xtask`: proves the specs agree with the vendor documentation pages, publishes them,
//! and shows what a spec change means for users of the generated clients.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use xtask::cache::GenerationCache;
use xtask::{Format, diff, facts, generate, publish, release, run_check, workspace_root};

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
    /// Generate each client crate's code from its spec into crates/<api>/src/generated/client.rs,
    /// committed beside the hand-written code (the published clients do not run the generator).
    /// Every spec is generated before anything is written: a spec that does not generate is
    /// reported with file, line and column and nothing is written (exit 1). Files whose content
    /// is already right are left alone; the others are replaced atomically.
    Generate(GenerateArgs),
    /// Run the check, then write each spec into DIR/<api>/<version>/ (the 3.0.3 document as YAML
    /// and JSON, documentation pointers turned into source URLs; an OpenAPI 3.1.0 variant; a
    /// variant without `$ref`), DIR/<api>/latest and
    /// DIR/index.json (versions, media types, sha256 of every file), atomically: on any failure
    /// DIR is left as it was. Versions published earlier into DIR are kept.
    Publish(PublishArgs),
    /// Compare each spec at git revision REV with the working tree: operations, types, fields,
    /// parameters, enum values and constraints added, removed or changed, each judged twice, for
    /// HTTP callers of the spec (wire: request or response side) and for users of the generated
    /// crates (Rust); breaking changes marked, and a verdict per API (major/minor/patch/none).
    Diff(DiffArgs),
    /// Release each API whose spec changed since its last release tag (`<crate>-v<version>`,
    /// e.g. `snapspec-css-v0.1.0`): bump the client crate's version by the Rust verdict of the
    /// diff (before 1.0: breaking -> minor, else patch), the spec's `info.version` by the wire
    /// verdict, and prepend a CHANGELOG.md entry; refuses while `cargo xtask check` fails. Writes
    /// all files or none; creates no commit or tag (it prints the commands).
    Release(ReleaseArgs),
    /// Write the facts file of one operation (spec/facts/<api>/<Operation>.json) from a vendor's
    /// machine-readable definition: parameters and fields with location, type and required flag,
    /// enums and constraints, status codes and examples, with the source URL and date. The file is
    /// replaced atomically, and only when the definition could be read.
    Facts(FactsArgs),
    /// Download every captured documentation page (docs/sources.json) and every facts file's
    /// definition (source.download) again, store each in the form the check reads, print a diff
    /// of what changed in each source, then run the check and exit with its status. Changes are
    /// written only when every download and conversion succeeded; otherwise nothing is written
    /// and the command exits 1. Runs the `xtask-refresh` package, which holds the HTTP client
    /// and HTML parser the other commands do not need.
    Refresh(RefreshArgs),
}

#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
struct RefreshArgs {
    /// The arguments of `xtask-refresh` (`cargo xtask refresh --help` lists them).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    args: Vec<std::ffi::OsString>,
}

#[derive(Debug, clap::Args)]
struct FactsArgs {
    /// The definition's format.
    #[arg(long, value_enum)]
    format: facts::DefinitionFormat,
    /// The downloaded definition.
    #[arg(long, value_name = "FILE")]
    definition: PathBuf,
    /// The operation (required for Alibaba metadata, which holds a whole product).
    #[arg(long, value_name = "NAME")]
    operation: Option<String>,
    /// Where the definition was downloaded from.
    #[arg(long, value_name = "URL")]
    source_url: String,
    /// Where `cargo xtask refresh` downloads the definition again (the raw file), if anywhere.
    #[arg(long, value_name = "URL")]
    download_url: Option<String>,
    /// When it was downloaded, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    retrieved: String,
    /// The facts file to write, e.g. spec/facts/css/ListSnapshots.json.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
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
struct GenerateArgs {
    /// The folder holding the specs; the client crates are in its sibling `crates/`.
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
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct ReleaseArgs {
    /// Show what would be released and written, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// The folder holding the specs, relative to the repository root.
    #[arg(long, default_value = "spec", value_name = "DIR")]
    spec_dir: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    match cli.command {
        Command::Check(args) => run_check(&root.join(&args.spec_dir), &args.spec_dir, args.format),
        Command::Refresh(args) => refresh(&root, &args.args),
        Command::Generate(args) => {
            match generate::generate(
                &root.join(&args.spec_dir),
                &args.spec_dir.display().to_string(),
            ) {
                Ok(outcomes) => {
                    for outcome in outcomes {
                        let what = if outcome.written {
                            "wrote"
                        } else {
                            "unchanged"
                        };
                        println!("{what} {}", outcome.display);
                    }
                    ExitCode::SUCCESS
                }
                Err(report) => {
                    eprint!("{report}");
                    ExitCode::FAILURE
                }
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
        Command::Release(args) => {
            let root = diff::repository_root().unwrap_or(root);
            match release::release(&root, &args.spec_dir, args.dry_run) {
                Ok(report) => {
                    print!("{report}");
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprint!("{message}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Facts(args) => match write_facts(&args) {
            Ok(()) => {
                println!("wrote {}", args.out.display());
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        },
        Command::Diff(args) => match diff::diff_apis(
            &diff::repository_root().unwrap_or(root),
            &args.spec_dir,
            &args.rev,
            None,
        ) {
            Ok(diffs) => {
                match args.format {
                    Format::Human => print!("{}", diff::render_text(&diffs, &args.rev)),
                    Format::Json => print!("{}", diff::render_json(&diffs, &args.rev)),
                }
                ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
        },
    }
}

fn write_facts(args: &FactsArgs) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.definition)
        .map_err(|e| format!("cannot read {}: {e}", args.definition.display()))?;
    let facts = facts::import(
        args.format,
        &text,
        args.operation.as_deref(),
        &facts::Source {
            url: &args.source_url,
            retrieved: &args.retrieved,
            download: args.download_url.as_deref(),
        },
    )
    .map_err(|e| format!("{}: {e}", args.definition.display()))?;
    // Never a half-written facts file.
    let rendered = facts::render(&facts);
    xtask::files::write_all_or_none([(args.out.as_path(), rendered.as_str())], "partial")
        .map_err(|e| e.trim_end().to_string())
}

/// `cargo xtask refresh`: runs `xtask-refresh` through the cargo that runs this xtask, from the
/// workspace root, and exits with its status.
fn refresh(root: &std::path::Path, args: &[std::ffi::OsString]) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(&cargo)
        .args(["run", "--quiet", "--package", "xtask-refresh", "--"])
        .args(args)
        .current_dir(root)
        .status();
    match status {
        Ok(status) => match status.code() {
            Some(0) => ExitCode::SUCCESS,
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            // Ended by a signal: a failure.
            None => ExitCode::FAILURE,
        },
        Err(e) => {
            eprintln!(
                "error: cannot run `{} run --package xtask-refresh`: {e}; run it from the workspace root",
                std::path::Path::new(&cargo).display()
            );
            ExitCode::FAILURE
        }
    }
}
