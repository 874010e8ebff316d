//! `cargo xtask publish --out DIR`: the checked specs for people and tools outside this
//! repository, one folder per API and spec version, written deterministically and atomically.
//!
//! ```text
//! DIR/index.json                    every API, version and file: media type, OpenAPI version, sha256
//! DIR/<api>/latest                  the version the maintained spec has now, as one line of text
//! DIR/<api>/<version>/<api>.yaml    the maintained OpenAPI 3.0.3 document, pointers resolved
//! DIR/<api>/<version>/<api>.json    the same as JSON
//! DIR/<api>/<version>/<api>.3.1.yaml, .3.1.json       the OpenAPI 3.1.0 variant (openapi31.rs)
//! DIR/<api>/<version>/<api>.deref.yaml, .deref.json   3.0.3 without `$ref` (deref.rs)
//! DIR/<api>/<version>/<api>.html    the reference page: self-contained, no script (html.rs)
//! ```
//!
//! `<version>` is the spec's `info.version`. Versions published earlier into DIR (other folders
//! under `DIR/<api>/`) are kept as they are and stay listed in the index; the version the
//! maintained spec has now is written afresh. Anything else in DIR is not carried over.
//!
//! `latest` is a small text file rather than a symbolic link: links do not survive every
//! archive format, web server and operating system a consumer may use.
//!
//! Same input, same bytes: JSON keys are sorted, files and index entries come in a fixed order,
//! and nothing depends on the time or the machine. DIR is written as a sibling folder and renamed
//! into place, so a failure at any point leaves the previous DIR as it was.

mod deref;
mod html;
mod openapi31;
pub mod pointers;
mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::cache::GenerationCache;
use crate::check::{self, CheckedSpec};

/// One file of the output: its path relative to DIR (with `/`), bytes, and what the index says
/// about it.
struct OutFile {
    path: String,
    bytes: Vec<u8>,
    meta: Value,
}

/// Checks, then publishes. Returns the number of files written, or a message (the rendered
/// diagnostics when the check failed). On any error `out` is left as it was.
pub fn publish(
    spec_dir: &Path,
    display_prefix: &str,
    out: &Path,
    cache: Option<&GenerationCache>,
) -> Result<usize, String> {
    let report = check::check_all(spec_dir, display_prefix, cache);
    if !report.passed() {
        let mut files: Vec<&str> = report.diagnostics.iter().map(|d| d.file.as_str()).collect();
        files.sort_unstable();
        files.dedup();
        return Err(format!(
            "{}error: nothing was published and {} is unchanged: `cargo xtask check` reports errors in {}; fix what it says above (run `cargo xtask check` again to see them), then publish again\n",
            report.render_human(),
            out.display(),
            files.join(", ")
        ));
    }
    let previous = read_previous(out);
    let files = render(spec_dir, display_prefix, &report.specs, &previous)?;
    write_atomically(out, &files).map_err(|e| {
        format!(
            "error: cannot write {}: {e}; it is unchanged; check that its parent folder is writable and has space, then publish again\n",
            out.display()
        )
    })?;
    Ok(files.len())
}

/// The files of one version folder: name and bytes, sorted by name.
type VersionFiles = Vec<(String, Vec<u8>)>;

/// What an earlier publication left in DIR: per API, per version folder, its files (name,
/// bytes), plus the earlier index (for what it said about those files).
#[derive(Default)]
pub struct Previous {
    versions: BTreeMap<String, BTreeMap<String, VersionFiles>>,
    index: Value,
}

fn read_previous(out: &Path) -> Previous {
    let mut previous = Previous {
        index: std::fs::read(out.join("index.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(Value::Null),
        ..Previous::default()
    };
    for api in snapspec_codegen::apis::APIS {
        let Ok(entries) = std::fs::read_dir(out.join(api.name)) else {
            continue;
        };
        for entry in entries.flatten() {
            let version = entry.file_name().to_string_lossy().into_owned();
            if !entry.path().is_dir() || check_version(&version).is_err() {
                continue;
            }
            let mut files = Vec::new();
            for file in std::fs::read_dir(entry.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let name = file.file_name().to_string_lossy().into_owned();
                if file.path().is_file()
                    && let Ok(bytes) = std::fs::read(file.path())
                {
                    files.push((name, bytes));
                }
            }
            files.sort();
            previous
                .versions
                .entry(api.name.to_string())
                .or_default()
                .insert(version, files);
        }
    }
    previous
}

/// A version is a folder name: letters, digits, `.`, `_` and `-`, not starting with `.`, and not
/// `latest`.
fn check_version(version: &str) -> Result<(), String> {
    let ok = !version.is_empty()
        && version != "latest"
        && !version.starts_with('.')
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{version:?} cannot name a folder; use letters, digits, '.', '_' and '-' (e.g. \"1.0\" or \"2017-06-13\")"
        ))
    }
}

fn media_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("yaml" | "yml") => "application/yaml",
        Some("json") => "application/json",
        Some("html") => "text/html",
        _ => "application/octet-stream",
    }
}

fn json_bytes(value: &Value) -> Result<Vec<u8>, String> {
    // serde_json's map is a BTreeMap here: keys come out sorted, so the bytes are stable.
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The published files of one spec version, in a fixed order.
fn render_spec(
    spec: &CheckedSpec,
    resolver: &mut pointers::Resolver<'_>,
    version: &str,
) -> Result<Vec<OutFile>, String> {
    let api = spec.api.name;
    let display = &spec.document.display;
    let value = resolver.resolve_value(&spec.document.value, display)?;
    // The YAML keeps the maintainer's layout and comments, pointers replaced in place. A pointer
    // is a run of path characters inside one scalar; a URL made only of characters that mean
    // nothing to YAML there (no space, `#`, `,`, brackets, braces or quotes) replaces it without
    // changing any other value, so the text reads back as the resolved value (the tests read
    // every published YAML back). Otherwise the YAML is written from the value.
    let text = resolver.resolve_text(&spec.document.text, display)?;
    let yaml_text = if resolver.urls_are_yaml_inert() {
        text
    } else {
        yaml::to_yaml(&value).map_err(|e| format!("error: {display}: {e}"))?
    };
    let dir = format!("{api}/{version}");
    let openapi = value["openapi"].as_str().unwrap_or("3.0.3").to_string();
    let file = |name: String, bytes: Vec<u8>, openapi: &str, variant: &str| OutFile {
        meta: json!({
            "path": name,
            "media_type": media_type(&name),
            "openapi": openapi,
            "variant": variant,
        }),
        path: name,
        bytes,
    };
    let v31 = openapi31::convert(&value);
    let dereferenced = deref::dereference(&value).map_err(|e| format!("error: {display}: {e}"))?;
    let computed_yaml = |v: &Value| yaml::to_yaml(v).map_err(|e| format!("error: {display}: {e}"));
    Ok(vec![
        file(
            format!("{dir}/{api}.yaml"),
            yaml_text.into_bytes(),
            &openapi,
            "maintained",
        ),
        file(
            format!("{dir}/{api}.json"),
            json_bytes(&value)?,
            &openapi,
            "maintained",
        ),
        file(
            format!("{dir}/{api}.3.1.yaml"),
            computed_yaml(&v31)?.into_bytes(),
            "3.1.0",
            "openapi-3.1",
        ),
        file(
            format!("{dir}/{api}.3.1.json"),
            json_bytes(&v31)?,
            "3.1.0",
            "openapi-3.1",
        ),
        file(
            format!("{dir}/{api}.deref.yaml"),
            computed_yaml(&dereferenced)?.into_bytes(),
            &openapi,
            "dereferenced",
        ),
        file(
            format!("{dir}/{api}.deref.json"),
            json_bytes(&dereferenced)?,
            &openapi,
            "dereferenced",
        ),
        file(
            format!("{dir}/{api}.html"),
            html::render(&dereferenced).into_bytes(),
            &openapi,
            "reference-page",
        ),
    ])
}

/// Every published file, in a fixed order: per API its versions (sorted), each version's files,
/// then its `latest`; `index.json` last.
fn render(
    spec_dir: &Path,
    display_prefix: &str,
    specs: &[CheckedSpec],
    previous: &Previous,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut resolver = pointers::Resolver::new(spec_dir, display_prefix);
    let mut all = Vec::new();
    let mut apis = Vec::new();
    let mut errors = Vec::new();
    for spec in specs {
        let api = spec.api.name;
        let display = &spec.document.display;
        let Some(version) = spec.document.value["info"]["version"].as_str() else {
            errors.push(format!("error: {display} at /info/version: the spec has no info.version string; add one (e.g. version: \"1.0\"): it names the published folder"));
            continue;
        };
        if let Err(e) = check_version(version) {
            errors.push(format!("error: {display} at /info/version: {e}"));
            continue;
        }
        let current = match render_spec(spec, &mut resolver, version) {
            Ok(files) => files,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        // Every version: the earlier ones as they were, the current one as rendered now.
        let mut versions: BTreeMap<String, Vec<OutFile>> = BTreeMap::new();
        for (old, files) in previous.versions.get(api).into_iter().flatten() {
            if old == version {
                continue;
            }
            let files = files
                .iter()
                .map(|(name, bytes)| {
                    let path = format!("{api}/{old}/{name}");
                    OutFile {
                        meta: previous_meta(&previous.index, &path).unwrap_or_else(
                            || json!({"path": path, "media_type": media_type(name)}),
                        ),
                        path,
                        bytes: bytes.clone(),
                    }
                })
                .collect();
            versions.insert(old.clone(), files);
        }
        versions.insert(version.to_string(), current);
        let mut version_entries = Vec::new();
        for (v, files) in versions {
            let mut entries = Vec::new();
            for file in files {
                let mut meta = file.meta;
                meta["sha256"] = json!(hex::encode(Sha256::digest(&file.bytes)));
                entries.push(meta);
                all.push((file.path, file.bytes));
            }
            version_entries.push(json!({"version": v, "files": entries}));
        }
        let latest_path = format!("{api}/latest");
        let latest = format!("{version}\n").into_bytes();
        apis.push(json!({
            "api": api,
            "title": spec.document.value["info"]["title"],
            "latest": {
                "version": version,
                "path": latest_path,
                "media_type": "text/plain",
                "sha256": hex::encode(Sha256::digest(&latest)),
            },
            "versions": version_entries,
        }));
        all.push((latest_path, latest));
    }
    if !errors.is_empty() {
        return Err(format!(
            "{}\nerror: nothing was published\n",
            errors.join("\n")
        ));
    }
    let index = json!({
        "about": "snapspec's published OpenAPI documents: per API, its versions and files (path relative to this index, media type, OpenAPI version, variant, sha256 of the bytes); `latest` holds the version of the maintained spec",
        "apis": apis,
    });
    all.push(("index.json".to_string(), json_bytes(&index)?));
    Ok(all)
}

/// What the earlier index said about `path`, without its digest (recomputed from the bytes).
fn previous_meta(index: &Value, path: &str) -> Option<Value> {
    let versions = index["apis"].as_array()?.iter().flat_map(|api| {
        api["versions"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|v| v["files"].as_array().into_iter().flatten())
    });
    let mut meta = versions.into_iter().find(|f| f["path"] == path)?.clone();
    meta.as_object_mut()?.remove("sha256");
    Some(meta)
}

/// Writes every file into a fresh sibling folder, then swaps it in for `out` with renames, so
/// that `out` is either entirely old or entirely new.
fn write_atomically(out: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let staging = parent.join(format!(".{name}.publishing-{}", std::process::id()));
    let previous = parent.join(format!(".{name}.previous-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let result = (|| {
        std::fs::create_dir(&staging)?;
        for (file, bytes) in files {
            let path = staging.join(file);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(path, bytes)?;
        }
        if out.exists() {
            std::fs::rename(out, &previous)?;
            if let Err(e) = std::fs::rename(&staging, out) {
                std::fs::rename(&previous, out)?;
                return Err(e);
            }
            std::fs::remove_dir_all(&previous)
        } else {
            std::fs::rename(&staging, out)
        }
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}
