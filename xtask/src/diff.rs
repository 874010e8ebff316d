//! `cargo xtask diff REV`: what changed in each spec since REV, for users of the generated clients.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use snapspec_codegen::apis::APIS;
use snapspec_codegen::spec::HTTP_METHODS;

const BREAKING: &str = "  [BREAKING]";
const CONSTRAINTS: [&str; 8] = [
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "enum",
    "minItems",
    "maxItems",
];

pub fn diff(root: &Path, spec_dir: &Path, rev: &str) -> Result<String, String> {
    let mut report = String::new();
    let mut breaking = 0;
    for api in APIS {
        let relative = spec_dir.join(api.spec_file);
        let relative = relative.to_string_lossy().replace('\\', "/");
        let old = git_show(root, rev, &relative)?;
        let new = std::fs::read_to_string(root.join(&relative)).ok();
        let parse = |text: &str, what: &str| -> Result<Value, String> {
            snapspec_codegen::yaml::parse(text)
                .map(|located| located.value)
                .map_err(|e| format!("{relative} at {what} is not valid YAML: {e}"))
        };
        let old = old.as_deref().map(|t| parse(t, rev)).transpose()?;
        let new = new
            .as_deref()
            .map(|t| parse(t, "the working tree"))
            .transpose()?;
        let mut lines = Vec::new();
        match (&old, &new) {
            (None, None) => continue,
            (None, Some(_)) => lines.push("+ new spec".to_string()),
            (Some(_), None) => lines.push(format!("- spec removed{BREAKING}")),
            (Some(old), Some(new)) => {
                compare_operations(old, new, &mut lines);
                compare_types(old, new, &mut lines);
            }
        }
        breaking += lines.iter().filter(|l| l.ends_with(BREAKING)).count();
        let _ = writeln!(report, "{relative} ({rev} -> working tree)");
        if lines.is_empty() {
            report.push_str("  no change for users of the generated client\n");
        }
        for line in lines {
            let _ = writeln!(report, "  {line}");
        }
    }
    let _ = writeln!(report, "{breaking} breaking change(s)");
    Ok(report)
}

/// The top of the git repository the command runs in.
pub fn repository_root() -> Option<std::path::PathBuf> {
    let output = Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().into())
}

fn git_show(root: &Path, rev: &str, path: &str) -> Result<Option<String>, String> {
    let verify = Command::new("git")
        .args([
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !verify.status.success() {
        return Err(format!(
            "`{rev}` is not a git revision here; give a commit, tag or branch (e.g. HEAD~1)"
        ));
    }
    let output = Command::new("git")
        .args(["show", &format!("{rev}:{path}")])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(Some(String::from_utf8_lossy(&output.stdout).into_owned()))
    } else {
        Ok(None)
    }
}

/// operationId -> (METHOD path, parameters "in name required type").
fn operation_map(spec: &Value) -> BTreeMap<String, (String, BTreeSet<String>)> {
    let mut out = BTreeMap::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for method in HTTP_METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"]
                .as_str()
                .unwrap_or("(no operationId)")
                .to_string();
            let parameters = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    format!(
                        "{} parameter `{}` ({}, {})",
                        p["in"].as_str().unwrap_or("?"),
                        p["name"].as_str().unwrap_or("?"),
                        if p["required"] == true {
                            "required"
                        } else {
                            "optional"
                        },
                        p["schema"]["type"].as_str().unwrap_or("?")
                    )
                })
                .collect();
            out.insert(
                id,
                (format!("{} {path}", method.to_uppercase()), parameters),
            );
        }
    }
    out
}

fn compare_operations(old: &Value, new: &Value, lines: &mut Vec<String>) {
    let (old, new) = (operation_map(old), operation_map(new));
    for (id, (route, _)) in &old {
        if !new.contains_key(id) {
            lines.push(format!("- operation {id} ({route}) removed{BREAKING}"));
        }
    }
    for (id, (route, parameters)) in &new {
        match old.get(id) {
            None => lines.push(format!("+ operation {id} ({route}) added")),
            Some((old_route, old_parameters)) => {
                if old_route != route {
                    lines.push(format!(
                        "~ operation {id}: {old_route} -> {route}{BREAKING}"
                    ));
                }
                for gone in old_parameters.difference(parameters) {
                    lines.push(format!("- operation {id}: {gone}{BREAKING}"));
                }
                for added in parameters.difference(old_parameters) {
                    lines.push(format!("+ operation {id}: {added}{BREAKING}"));
                }
            }
        }
    }
}

/// The parts of a property that shape its generated Rust type.
fn property_shape(property: &Value) -> BTreeMap<&'static str, String> {
    let mut shape = BTreeMap::new();
    for key in ["$ref", "type", "format", "nullable"] {
        if let Some(v) = property.get(key) {
            shape.insert(key, v.to_string());
        }
    }
    for key in CONSTRAINTS {
        if let Some(v) = property.get(key) {
            shape.insert(key, v.to_string());
        }
    }
    shape
}

fn compare_types(old: &Value, new: &Value, lines: &mut Vec<String>) {
    let empty = serde_json::Map::new();
    let old_types = old["components"]["schemas"].as_object().unwrap_or(&empty);
    let new_types = new["components"]["schemas"].as_object().unwrap_or(&empty);
    for name in old_types.keys().filter(|n| !new_types.contains_key(*n)) {
        lines.push(format!("- type {name} removed{BREAKING}"));
    }
    for (name, schema) in new_types {
        let Some(old_schema) = old_types.get(name) else {
            lines.push(format!("+ type {name} added"));
            continue;
        };
        let required = |s: &Value| -> BTreeSet<String> {
            s["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        };
        let (old_required, new_required) = (required(old_schema), required(schema));
        let old_properties = old_schema["properties"].as_object().unwrap_or(&empty);
        let new_properties = schema["properties"].as_object().unwrap_or(&empty);
        for field in old_properties
            .keys()
            .filter(|f| !new_properties.contains_key(*f))
        {
            lines.push(format!("- field {name}.{field} removed{BREAKING}"));
        }
        for (field, property) in new_properties {
            let Some(old_property) = old_properties.get(field) else {
                if new_required.contains(field) {
                    lines.push(format!("+ field {name}.{field} added, required{BREAKING}"));
                } else {
                    lines.push(format!("+ field {name}.{field} added, optional (struct literals need it; builders do not)"));
                }
                continue;
            };
            let (before, after) = (property_shape(old_property), property_shape(property));
            let keys: BTreeSet<&&str> = before.keys().chain(after.keys()).collect();
            for key in keys {
                let (b, a) = (before.get(*key), after.get(*key));
                if b != a {
                    let show =
                        |v: Option<&String>| v.cloned().unwrap_or_else(|| "(none)".to_string());
                    lines.push(format!(
                        "~ field {name}.{field}: {key} {} -> {}{BREAKING}",
                        show(b),
                        show(a)
                    ));
                }
            }
            match (old_required.contains(field), new_required.contains(field)) {
                (false, true) => lines.push(format!(
                    "~ field {name}.{field}: optional -> required{BREAKING}"
                )),
                (true, false) => lines.push(format!(
                    "~ field {name}.{field}: required -> optional{BREAKING}"
                )),
                _ => {}
            }
        }
    }
}
