//! `cargo xtask publish --out DIR`: the checked specs as YAML and JSON, and an index with their
//! digests, written deterministically and atomically.

use std::path::{Path, PathBuf};

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::cache::GenerationCache;
use crate::check::{self, CheckedSpec};

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
        return Err(format!(
            "{}error: the check failed; nothing was published and {} is unchanged\n",
            report.render_human(),
            out.display()
        ));
    }
    let files = render(&report.specs)?;
    write_atomically(out, &files).map_err(|e| {
        format!(
            "error: cannot write {}: {e}; it is unchanged\n",
            out.display()
        )
    })?;
    Ok(files.len())
}

/// The published files, in a fixed order: per API the YAML as maintained, the JSON with sorted
/// keys, then `index.json`.
pub fn render(specs: &[CheckedSpec]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files = Vec::new();
    let mut index = Vec::new();
    for spec in specs {
        let yaml_name = format!("{}.yaml", spec.api.name);
        let json_name = format!("{}.json", spec.api.name);
        let yaml = spec.document.text.clone().into_bytes();
        // serde_json's map is a BTreeMap here: keys come out sorted, so the bytes are stable.
        let json = serde_json::to_vec_pretty(&spec.document.value).map_err(|e| e.to_string())?;
        index.push(json!({
            "api": spec.api.name,
            "title": spec.document.value["info"]["title"],
            "version": spec.document.value["info"]["version"],
            "files": [
                {"name": yaml_name, "media_type": "application/yaml", "sha256": hex::encode(Sha256::digest(&yaml))},
                {"name": json_name, "media_type": "application/json", "sha256": hex::encode(Sha256::digest(&json))},
            ],
        }));
        files.push((yaml_name, yaml));
        files.push((json_name, [json, b"\n".to_vec()].concat()));
    }
    // The digest covers the bytes as written.
    for entry in &mut index {
        let json_name = entry["files"][1]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if let Some((_, bytes)) = files.iter().find(|(n, _)| *n == json_name) {
            entry["files"][1]["sha256"] = json!(hex::encode(Sha256::digest(bytes)));
        }
    }
    let index = serde_json::to_vec_pretty(&json!({"specs": index})).map_err(|e| e.to_string())?;
    files.push(("index.json".to_string(), [index, b"\n".to_vec()].concat()));
    Ok(files)
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
            std::fs::write(staging.join(file), bytes)?;
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
