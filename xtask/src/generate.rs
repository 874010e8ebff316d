//! `cargo xtask generate`: writes each client crate's committed generated code,
//! `crates/<api>/src/generated/client.rs`, from `spec/<api>.yaml`.
//!
//! The generated code lives in the repository beside the hand-written code (never mixed into it)
//! so that a program depending on a published client does not compile the code generator (syn,
//! typify, progenitor) for its build script (issue 14). Each file starts with a header naming its
//! spec and the sha256 of the spec's bytes; the client's build script compares that digest with
//! the spec it ships, and `cargo xtask check` reports a file that is no longer what generation
//! gives.
//!
//! The layout is the workspace's: the crates of a spec folder `DIR` are in `DIR/../crates`. An
//! API whose crate folder is not there has nothing to generate.

use std::path::{Path, PathBuf};

use snapspec_codegen::apis::{APIS, Api};

/// One client crate's generated file and the spec it comes from.
pub struct Target {
    pub api: &'static Api,
    pub spec: PathBuf,
    /// The generated file.
    pub file: PathBuf,
    /// The generated file as diagnostics and messages show it (`crates/css/src/generated/client.rs`).
    pub display: String,
}

/// The client crates of the specs in `spec_dir` (shown as `display_prefix`) whose crate folder
/// exists beside it.
pub fn targets(spec_dir: &Path, display_prefix: &str) -> Vec<Target> {
    let root = spec_dir.parent().unwrap_or(Path::new(""));
    let display_root = Path::new(display_prefix)
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    APIS.iter()
        .filter(|api| spec_dir.join(api.spec_file).exists() && root.join(api.crate_dir()).is_dir())
        .map(|api| {
            let relative = Path::new(&api.crate_dir()).join(snapspec_codegen::GENERATED_FILE);
            Target {
                api,
                spec: spec_dir.join(api.spec_file),
                file: root.join(&relative),
                display: display_root.join(&relative).display().to_string(),
            }
        })
        .collect()
}

/// What one run wrote.
pub struct Outcome {
    pub display: String,
    pub written: bool,
}

/// Generates every client of `spec_dir`. All specs are generated before anything is written: on
/// any failure the reports of every failing spec are returned (the build scripts' located
/// diagnostics) and no file is touched. A file whose content is already right is not rewritten;
/// the others are replaced atomically.
pub fn generate(spec_dir: &Path, display_prefix: &str) -> Result<Vec<Outcome>, String> {
    let targets = targets(spec_dir, display_prefix);
    if targets.is_empty() {
        return Err(format!(
            "error: no spec in {display_prefix} has a client crate in {}\n",
            Path::new(display_prefix)
                .parent()
                .unwrap_or(Path::new(""))
                .join("crates")
                .display()
        ));
    }
    let mut sources = Vec::new();
    let mut failures = String::new();
    for target in &targets {
        match snapspec_codegen::generate_source(&target.spec, &target.api.spec_name()) {
            Ok(source) => sources.push(source),
            Err(report) => failures.push_str(&report),
        }
    }
    if !failures.is_empty() {
        return Err(failures);
    }
    let mut outcomes = Vec::new();
    for (target, source) in targets.iter().zip(sources) {
        let unchanged = std::fs::read(&target.file).is_ok_and(|old| old == source.as_bytes());
        if !unchanged {
            let write = || -> std::io::Result<()> {
                std::fs::create_dir_all(target.file.parent().expect("a file in a folder"))?;
                snapspec_codegen::write_atomically(&target.file, source.as_bytes())
            };
            write().map_err(|e| format!("error: cannot write {}: {e}\n", target.display))?;
        }
        outcomes.push(Outcome {
            display: target.display.clone(),
            written: !unchanged,
        });
    }
    Ok(outcomes)
}
