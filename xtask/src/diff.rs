//! `cargo xtask diff REV`: what changed in each spec since REV, with two verdicts per change.
//!
//! A change is judged twice:
//!
//! - **wire**, for anyone calling the HTTP API from the spec (any language, any generator). The
//!   direction matters: a schema reachable from a parameter or request body is *request* side
//!   (the client writes it, so a tighter rule breaks callers and a looser one does not), one
//!   reachable from a response body is *response* side (the client reads it, so the reverse),
//!   and a schema used in both directions takes the stricter of the two verdicts.
//! - **Rust**, for users of the generated crates (progenitor with the builder interface; typify
//!   types with public fields, exhaustive enums). Every struct is constructible with a struct
//!   literal and every enum matchable exhaustively, so *any* new field or enum value is a major
//!   change for Rust even where the wire is compatible. We keep the types exhaustive rather than
//!   `#[non_exhaustive]`: typify has no setting for that attribute on generated types, and
//!   callers who want to survive additive changes can build values with the generated
//!   `types::builder` types, which a new optional field does not break.
//!
//! Verdicts are semver levels: `major` (breaking), `minor` (addition), `patch` (documentation or
//! behaviour only), `none` (nothing that reaches users).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use snapspec_codegen::apis::{APIS, Api};
use snapspec_codegen::spec::HTTP_METHODS;

/// A semver level, ordered from no change to a breaking one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    None,
    Patch,
    Minor,
    Major,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

/// One change, as a line for people and its two verdicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub text: String,
    pub wire: Level,
    pub rust: Level,
}

impl Change {
    fn new(text: String, wire: Level, rust: Level) -> Self {
        Change { text, wire, rust }
    }

    pub fn breaking(&self) -> bool {
        self.wire == Level::Major || self.rust == Level::Major
    }

    /// The line of the text report: the change and its verdicts.
    pub fn line(&self) -> String {
        let verdict = format!("wire {}, Rust {}", self.wire.as_str(), self.rust.as_str());
        if self.breaking() {
            format!("{}  [BREAKING: {verdict}]", self.text)
        } else {
            format!("{}  [{verdict}]", self.text)
        }
    }
}

/// The changes of one API's spec between a revision and the working tree.
#[derive(Debug, Clone)]
pub struct ApiDiff {
    pub api: &'static Api,
    /// The spec's path relative to the repository root.
    pub spec_path: String,
    pub changes: Vec<Change>,
}

impl ApiDiff {
    pub fn wire(&self) -> Level {
        self.changes
            .iter()
            .map(|c| c.wire)
            .max()
            .unwrap_or(Level::None)
    }

    pub fn rust(&self) -> Level {
        self.changes
            .iter()
            .map(|c| c.rust)
            .max()
            .unwrap_or(Level::None)
    }
}

/// Each API's changes between `rev` and the working tree (only `only` when given).
pub fn diff_apis(
    root: &Path,
    spec_dir: &Path,
    rev: &str,
    only: Option<&str>,
) -> Result<Vec<ApiDiff>, String> {
    verify_revision(root, rev)?;
    let mut out = Vec::new();
    for api in APIS.iter().filter(|a| only.is_none_or(|n| n == a.name)) {
        out.push(diff_api(root, spec_dir, rev, api)?);
    }
    Ok(out)
}

/// One API's changes between `rev` and the working tree.
pub fn diff_api(
    root: &Path,
    spec_dir: &Path,
    rev: &str,
    api: &'static Api,
) -> Result<ApiDiff, String> {
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
    let changes = match (&old, &new) {
        (None, None) => Vec::new(),
        (None, Some(_)) => vec![Change::new(
            "+ new spec".to_string(),
            Level::Minor,
            Level::Minor,
        )],
        (Some(_), None) => vec![Change::new(
            "- spec removed".to_string(),
            Level::Major,
            Level::Major,
        )],
        (Some(old), Some(new)) => compare(old, new),
    };
    Ok(ApiDiff {
        api,
        spec_path: relative,
        changes,
    })
}

/// The text report of `cargo xtask diff`.
pub fn render_text(diffs: &[ApiDiff], rev: &str) -> String {
    let mut report = String::new();
    let mut breaking = 0;
    for d in diffs {
        let _ = writeln!(
            report,
            "{} ({rev} -> working tree): wire {}, Rust {}",
            d.spec_path,
            d.wire().as_str(),
            d.rust().as_str()
        );
        if d.changes.is_empty() {
            report.push_str("  no change for users of the spec or the generated client\n");
        }
        for change in &d.changes {
            let _ = writeln!(report, "  {}", change.line());
        }
        breaking += d.changes.iter().filter(|c| c.breaking()).count();
    }
    let _ = writeln!(report, "{breaking} breaking change(s)");
    report
}

/// The JSON report of `cargo xtask diff --format json`.
pub fn render_json(diffs: &[ApiDiff], rev: &str) -> String {
    let apis: Vec<Value> = diffs
        .iter()
        .map(|d| {
            serde_json::json!({
                "api": d.api.name,
                "crate": d.api.crate_name,
                "spec": d.spec_path,
                "wire": d.wire().as_str(),
                "rust": d.rust().as_str(),
                "changes": d.changes.iter().map(|c| serde_json::json!({
                    "change": c.text,
                    "wire": c.wire.as_str(),
                    "rust": c.rust.as_str(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&serde_json::json!({ "rev": rev, "apis": apis }))
        .unwrap_or_default();
    text.push('\n');
    text
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

pub fn verify_revision(root: &Path, rev: &str) -> Result<(), String> {
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
    if verify.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{rev}` is not a git revision here; give a commit, tag or branch (e.g. HEAD~1)"
        ))
    }
}

fn git_show(root: &Path, rev: &str, path: &str) -> Result<Option<String>, String> {
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

/// Where a schema is used: written by the client (request), read by it (response), or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Usage {
    request: bool,
    response: bool,
}

const REQUEST: Usage = Usage {
    request: true,
    response: false,
};
const RESPONSE: Usage = Usage {
    request: false,
    response: true,
};

impl Usage {
    /// The wire verdict of a change that is `on_request` for writers and `on_response` for
    /// readers. A schema no operation reaches is judged as if used both ways.
    fn wire(self, on_request: Level, on_response: Level) -> Level {
        match (self.request, self.response) {
            (true, false) => on_request,
            (false, true) => on_response,
            _ => on_request.max(on_response),
        }
    }

    fn union(self, other: Usage) -> Usage {
        Usage {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Every component schema named by a `$ref` anywhere under `value`.
fn refs_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(SCHEMA_PREFIX))
            {
                out.insert(name.to_string());
            }
            map.values().for_each(|v| refs_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// Each operation: (operationId, path item, operation).
fn operations(spec: &Value) -> Vec<(String, String, &Value, &Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for method in HTTP_METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"]
                .as_str()
                .unwrap_or("(no operationId)")
                .to_string();
            out.push((id, format!("{} {path}", method.to_uppercase()), item, op));
        }
    }
    out
}

/// Where each component schema is used, through `$ref`s followed transitively.
fn usages(spec: &Value) -> BTreeMap<String, Usage> {
    let mut roots: BTreeMap<String, Usage> = BTreeMap::new();
    for (_, _, item, op) in operations(spec) {
        let mut request = BTreeSet::new();
        refs_in(&item["parameters"], &mut request);
        refs_in(&op["parameters"], &mut request);
        refs_in(&op["requestBody"], &mut request);
        let mut response = BTreeSet::new();
        refs_in(&op["responses"], &mut response);
        for name in request {
            let u = roots.entry(name).or_default();
            *u = u.union(REQUEST);
        }
        for name in response {
            let u = roots.entry(name).or_default();
            *u = u.union(RESPONSE);
        }
    }
    let schemas = &spec["components"]["schemas"];
    let mut result: BTreeMap<String, Usage> = BTreeMap::new();
    for (root, usage) in roots {
        let mut stack = vec![root];
        while let Some(name) = stack.pop() {
            let entry = result.entry(name.clone()).or_default();
            let before = *entry;
            *entry = entry.union(usage);
            if *entry == before && before != Usage::default() {
                continue;
            }
            let mut next = BTreeSet::new();
            refs_in(&schemas[name.as_str()], &mut next);
            stack.extend(next);
        }
    }
    result
}

/// Every change between two parsed specs, with its verdicts.
pub fn compare(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    compare_operations(old, new, &mut out);
    compare_types(old, new, &mut out);
    let mut docs = Vec::new();
    documentation_changes(old, new, String::new(), &mut docs);
    let shown = 8;
    for pointer in docs.iter().take(shown) {
        out.push(Change::new(
            format!("~ documentation at {pointer}"),
            Level::Patch,
            Level::Patch,
        ));
    }
    if docs.len() > shown {
        out.push(Change::new(
            format!("~ documentation at {} more places", docs.len() - shown),
            Level::Patch,
            Level::Patch,
        ));
    }
    if out.is_empty() && without_version(old) != without_version(new) {
        out.push(Change::new(
            "~ other change with no effect on operations or types".to_string(),
            Level::Patch,
            Level::Patch,
        ));
    }
    out
}

/// The spec without `info.version`, which a release changes and which is no change in itself.
fn without_version(spec: &Value) -> Value {
    let mut spec = spec.clone();
    if let Some(info) = spec.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("version");
    }
    spec
}

/// Keys whose values are for people (or tools) and shape neither the wire nor the Rust API.
fn is_documentation_key(key: &str) -> bool {
    matches!(
        key,
        "description" | "summary" | "title" | "example" | "examples" | "externalDocs" | "contact"
    ) || key.starts_with("x-")
}

/// JSON pointers of documentation values that differ (the `info.version` aside).
fn documentation_changes(old: &Value, new: &Value, pointer: String, out: &mut Vec<String>) {
    let (Some(old), Some(new)) = (old.as_object(), new.as_object()) else {
        return;
    };
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for key in keys {
        let here = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
        let (a, b) = (old.get(key), new.get(key));
        if is_documentation_key(key) && !(pointer.is_empty() && key == "info") {
            if a != b {
                out.push(here);
            }
        } else if let (Some(a), Some(b)) = (a, b) {
            documentation_changes(a, b, here, out);
        }
    }
}

fn compare_operations(old: &Value, new: &Value, out: &mut Vec<Change>) {
    let old_ops: BTreeMap<String, (String, &Value, &Value)> = operations(old)
        .into_iter()
        .map(|(id, route, item, op)| (id, (route, item, op)))
        .collect();
    let new_ops: BTreeMap<String, (String, &Value, &Value)> = operations(new)
        .into_iter()
        .map(|(id, route, item, op)| (id, (route, item, op)))
        .collect();
    for (id, (route, _, _)) in &old_ops {
        if !new_ops.contains_key(id) {
            out.push(Change::new(
                format!("- operation {id} ({route}) removed"),
                Level::Major,
                Level::Major,
            ));
        }
    }
    for (id, (route, item, op)) in &new_ops {
        let Some((old_route, old_item, old_op)) = old_ops.get(id) else {
            out.push(Change::new(
                format!("+ operation {id} ({route}) added"),
                Level::Minor,
                Level::Minor,
            ));
            continue;
        };
        if old_route != route {
            // Same method on the client; the requests it sends go elsewhere.
            out.push(Change::new(
                format!("~ operation {id}: {old_route} -> {route}"),
                Level::Major,
                Level::Patch,
            ));
        }
        compare_parameters(id, old_item, old_op, item, op, out);
        compare_request_body(id, &old_op["requestBody"], &op["requestBody"], out);
        compare_responses(id, &old_op["responses"], &op["responses"], out);
    }
}

/// (in, name) -> parameter, path-level parameters overridden by the operation's.
fn parameters<'a>(item: &'a Value, op: &'a Value) -> BTreeMap<(String, String), &'a Value> {
    let mut out = BTreeMap::new();
    for p in item["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(op["parameters"].as_array().into_iter().flatten())
    {
        let key = (
            p["in"].as_str().unwrap_or("?").to_string(),
            p["name"].as_str().unwrap_or("?").to_string(),
        );
        out.insert(key, p);
    }
    out
}

fn compare_parameters(
    id: &str,
    old_item: &Value,
    old_op: &Value,
    item: &Value,
    op: &Value,
    out: &mut Vec<Change>,
) {
    let (before, after) = (parameters(old_item, old_op), parameters(item, op));
    for ((place, name), _) in before.iter().filter(|(k, _)| !after.contains_key(*k)) {
        out.push(Change::new(
            format!("- operation {id}: {place} parameter `{name}` removed"),
            Level::Major,
            Level::Major,
        ));
    }
    for ((place, name), p) in &after {
        let label = format!("operation {id}: {place} parameter `{name}`");
        let required = p["required"] == true;
        let Some(old_p) = before.get(&(place.clone(), name.clone())) else {
            // The builder gains a setter; a required one fails at `send()` until it is set.
            if required {
                out.push(Change::new(
                    format!("+ {label} added, required"),
                    Level::Major,
                    Level::Major,
                ));
            } else {
                out.push(Change::new(
                    format!("+ {label} added, optional"),
                    Level::Minor,
                    Level::Minor,
                ));
            }
            continue;
        };
        required_flag_change(&label, old_p["required"] == true, required, out);
        compare_schema(&label, &old_p["schema"], &p["schema"], REQUEST, out);
    }
}

/// A parameter or request body the client sends: becoming required breaks callers that left it
/// out; becoming optional breaks nobody.
fn required_flag_change(label: &str, was: bool, is: bool, out: &mut Vec<Change>) {
    match (was, is) {
        (false, true) => out.push(Change::new(
            format!("~ {label}: optional -> required"),
            Level::Major,
            Level::Major,
        )),
        (true, false) => out.push(Change::new(
            format!("~ {label}: required -> optional"),
            Level::Minor,
            Level::Minor,
        )),
        _ => {}
    }
}

/// The schema of the first JSON-like media type of a request body or response.
fn media_schema(holder: &Value) -> Option<&Value> {
    let content = holder["content"].as_object()?;
    content
        .iter()
        .find(|(media, _)| media.contains("json"))
        .or_else(|| content.iter().next())
        .map(|(_, m)| &m["schema"])
}

fn compare_request_body(id: &str, old: &Value, new: &Value, out: &mut Vec<Change>) {
    let label = format!("operation {id}: request body");
    match (old.is_null(), new.is_null()) {
        (true, true) => {}
        (false, true) => out.push(Change::new(
            format!("- {label} removed"),
            Level::Major,
            Level::Major,
        )),
        (true, false) => {
            let (wire, rust) = if new["required"] == true {
                (Level::Major, Level::Major)
            } else {
                (Level::Minor, Level::Minor)
            };
            out.push(Change::new(format!("+ {label} added"), wire, rust));
        }
        (false, false) => {
            required_flag_change(
                &label,
                old["required"] == true,
                new["required"] == true,
                out,
            );
            if let (Some(a), Some(b)) = (media_schema(old), media_schema(new)) {
                compare_schema(&label, a, b, REQUEST, out);
            }
        }
    }
}

fn compare_responses(id: &str, old: &Value, new: &Value, out: &mut Vec<Change>) {
    let empty = serde_json::Map::new();
    let (before, after) = (
        old.as_object().unwrap_or(&empty),
        new.as_object().unwrap_or(&empty),
    );
    for status in before.keys().filter(|s| !after.contains_key(*s)) {
        // A success status's body is the generated method's return type.
        let rust = if status.starts_with('2') {
            Level::Major
        } else {
            Level::Minor
        };
        out.push(Change::new(
            format!("- operation {id}: response {status} removed"),
            Level::Minor,
            rust,
        ));
    }
    for (status, response) in after {
        let label = format!("operation {id}: response {status}");
        let Some(old_response) = before.get(status) else {
            let rust = if status.starts_with('2') {
                Level::Major
            } else {
                Level::Minor
            };
            out.push(Change::new(format!("+ {label} added"), Level::Minor, rust));
            continue;
        };
        match (media_schema(old_response), media_schema(response)) {
            (Some(a), Some(b)) => compare_schema(&label, a, b, RESPONSE, out),
            (None, Some(_)) => out.push(Change::new(
                format!("+ {label}: body added"),
                Level::Minor,
                Level::Major,
            )),
            (Some(_), None) => out.push(Change::new(
                format!("- {label}: body removed"),
                Level::Major,
                Level::Major,
            )),
            (None, None) => {}
        }
    }
}

fn compare_types(old: &Value, new: &Value, out: &mut Vec<Change>) {
    let empty = serde_json::Map::new();
    let old_types = old["components"]["schemas"].as_object().unwrap_or(&empty);
    let new_types = new["components"]["schemas"].as_object().unwrap_or(&empty);
    let (old_usage, new_usage) = (usages(old), usages(new));
    for name in old_types.keys().filter(|n| !new_types.contains_key(*n)) {
        out.push(Change::new(
            format!("- type {name} removed"),
            Level::Major,
            Level::Major,
        ));
    }
    for (name, schema) in new_types {
        let Some(old_schema) = old_types.get(name) else {
            out.push(Change::new(
                format!("+ type {name} added"),
                Level::Minor,
                Level::Minor,
            ));
            continue;
        };
        let usage = old_usage
            .get(name)
            .copied()
            .unwrap_or_default()
            .union(new_usage.get(name).copied().unwrap_or_default());
        compare_schema(&format!("type {name}"), old_schema, schema, usage, out);
    }
}

/// String constraints: with any of them typify generates a validating newtype instead of `String`.
const STRING_CONSTRAINTS: [&str; 3] = ["pattern", "minLength", "maxLength"];
/// Lower bounds: a larger value is tighter.
const LOWER_BOUNDS: [&str; 4] = ["minLength", "minimum", "minItems", "minProperties"];
/// Upper bounds: a smaller value is tighter.
const UPPER_BOUNDS: [&str; 4] = ["maxLength", "maximum", "maxItems", "maxProperties"];

fn show(v: Option<&Value>) -> String {
    v.map(Value::to_string)
        .unwrap_or_else(|| "(none)".to_string())
}

/// Compares two schemas at `label` (a type, field, parameter or body) used as `usage`.
fn compare_schema(label: &str, old: &Value, new: &Value, usage: Usage, out: &mut Vec<Change>) {
    let (old_ref, new_ref) = (old.get("$ref"), new.get("$ref"));
    if old_ref.is_some() || new_ref.is_some() {
        // The referenced types are compared on their own.
        if old_ref != new_ref {
            out.push(Change::new(
                format!("~ {label}: {} -> {}", describe(old), describe(new)),
                Level::Major,
                Level::Major,
            ));
        }
        return;
    }
    for key in ["type", "format", "additionalProperties"] {
        if old.get(key) != new.get(key) {
            out.push(Change::new(
                format!(
                    "~ {label}: {key} {} -> {}",
                    show(old.get(key)),
                    show(new.get(key))
                ),
                Level::Major,
                Level::Major,
            ));
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if old.get(key) != new.get(key) {
            out.push(Change::new(
                format!("~ {label}: {key} changed"),
                Level::Major,
                Level::Major,
            ));
        }
    }
    // `nullable: true` admits null: looser for writers, a new case for readers; the Rust type
    // gains or loses an `Option`.
    match (old["nullable"] == true, new["nullable"] == true) {
        (false, true) => out.push(Change::new(
            format!("~ {label}: now nullable"),
            usage.wire(Level::Minor, Level::Major),
            Level::Major,
        )),
        (true, false) => out.push(Change::new(
            format!("~ {label}: no longer nullable"),
            usage.wire(Level::Major, Level::Minor),
            Level::Major,
        )),
        _ => {}
    }
    compare_enum(label, old, new, usage, out);
    compare_constraints(label, old, new, usage, out);
    compare_properties(label, old, new, usage, out);
    if let (Some(a), Some(b)) = (old.get("items"), new.get("items")) {
        compare_schema(&format!("{label}[]"), a, b, usage, out);
    }
}

fn describe(schema: &Value) -> String {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => r.strip_prefix(SCHEMA_PREFIX).unwrap_or(r).to_string(),
        None => format!("inline {}", schema["type"].as_str().unwrap_or("schema")),
    }
}

fn compare_enum(label: &str, old: &Value, new: &Value, usage: Usage, out: &mut Vec<Change>) {
    let values = |s: &Value| -> Option<Vec<Value>> { s.get("enum")?.as_array().cloned() };
    match (values(old), values(new)) {
        (None, None) => {}
        // A closed set where any value was accepted: tighter. The Rust type becomes an enum.
        (None, Some(_)) => out.push(Change::new(
            format!("~ {label}: now an enum"),
            usage.wire(Level::Major, Level::Minor),
            Level::Major,
        )),
        (Some(_), None) => out.push(Change::new(
            format!("~ {label}: no longer an enum"),
            usage.wire(Level::Minor, Level::Major),
            Level::Major,
        )),
        (Some(before), Some(after)) => {
            for gone in before.iter().filter(|v| !after.contains(v)) {
                // Writers may no longer send it; readers never see it again. The variant is gone.
                out.push(Change::new(
                    format!("- {label}: enum value {gone} removed"),
                    usage.wire(Level::Major, Level::Minor),
                    Level::Major,
                ));
            }
            for added in after.iter().filter(|v| !before.contains(v)) {
                // Writers need not send it; a strict reader fails on it. Exhaustive matches break.
                out.push(Change::new(
                    format!("+ {label}: enum value {added} added"),
                    usage.wire(Level::Minor, Level::Major),
                    Level::Major,
                ));
            }
        }
    }
}

fn compare_constraints(label: &str, old: &Value, new: &Value, usage: Usage, out: &mut Vec<Change>) {
    let keys = ["pattern", "uniqueItems"]
        .into_iter()
        .chain(LOWER_BOUNDS)
        .chain(UPPER_BOUNDS);
    for key in keys {
        let (a, b) = (old.get(key), new.get(key));
        if a == b {
            continue;
        }
        // None: cannot tell (a pattern changed); Some(true): tighter; Some(false): looser.
        let tighter = match (a, b) {
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (Some(a), Some(b)) => match (a.as_f64(), b.as_f64()) {
                (Some(a), Some(b)) if LOWER_BOUNDS.contains(&key) => Some(b > a),
                (Some(a), Some(b)) if UPPER_BOUNDS.contains(&key) => Some(b < a),
                _ if key == "uniqueItems" => Some(b == &Value::Bool(true)),
                _ => None,
            },
            (None, None) => continue,
        };
        let (wire, word) = match tighter {
            Some(true) => (usage.wire(Level::Major, Level::Minor), " (tighter)"),
            Some(false) => (usage.wire(Level::Minor, Level::Major), " (looser)"),
            None => (Level::Major, ""),
        };
        // typify turns a constrained string into a validating newtype, picks the integer type from
        // numeric bounds, and makes a unique array a set: a constraint appearing or going changes the
        // Rust type, and so does any bound on a number. Otherwise only the validation changes.
        let presence = a.is_some() != b.is_some();
        let numeric = key == "minimum" || key == "maximum";
        let type_shaping = STRING_CONSTRAINTS.contains(&key) || numeric || key == "uniqueItems";
        let rust = if (presence && type_shaping) || numeric {
            Level::Major
        } else {
            Level::Patch
        };
        out.push(Change::new(
            format!("~ {label}: {key} {} -> {}{word}", show(a), show(b)),
            wire,
            rust,
        ));
    }
}

fn compare_properties(label: &str, old: &Value, new: &Value, usage: Usage, out: &mut Vec<Change>) {
    let empty = serde_json::Map::new();
    let required = |s: &Value| -> BTreeSet<String> {
        s["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    let (old_required, new_required) = (required(old), required(new));
    let old_properties = old["properties"].as_object().unwrap_or(&empty);
    let new_properties = new["properties"].as_object().unwrap_or(&empty);
    // Labels read `field Type.name` for component types, as the generated struct field.
    let field = |name: &str| match label.strip_prefix("type ") {
        Some(type_name) => format!("field {type_name}.{name}"),
        None => format!("{label}: field {name}"),
    };
    for name in old_properties
        .keys()
        .filter(|f| !new_properties.contains_key(*f))
    {
        // Writers' data is no longer read (or is refused); readers lose it. The field is gone.
        out.push(Change::new(
            format!("- {} removed", field(name)),
            Level::Major,
            Level::Major,
        ));
    }
    for (name, property) in new_properties {
        let Some(old_property) = old_properties.get(name) else {
            // Every generated struct is built with struct literals too, which need every field.
            if new_required.contains(name) {
                out.push(Change::new(
                    format!("+ {} added, required", field(name)),
                    usage.wire(Level::Major, Level::Minor),
                    Level::Major,
                ));
            } else {
                out.push(Change::new(
                    format!(
                        "+ {} added, optional (struct literals need it; builders do not)",
                        field(name)
                    ),
                    Level::Minor,
                    Level::Major,
                ));
            }
            continue;
        };
        match (old_required.contains(name), new_required.contains(name)) {
            // The Rust field loses or gains its `Option`.
            (false, true) => out.push(Change::new(
                format!("~ {}: optional -> required", field(name)),
                usage.wire(Level::Major, Level::Minor),
                Level::Major,
            )),
            (true, false) => out.push(Change::new(
                format!("~ {}: required -> optional", field(name)),
                usage.wire(Level::Minor, Level::Major),
                Level::Major,
            )),
            _ => {}
        }
        compare_schema(&field(name), old_property, property, usage, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A spec with one operation writing `Req` and reading `Rsp`, and `Shared` used both ways.
    fn spec(req: Value, rsp: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1.0"},
            "paths": {"/things": {"post": {
                "operationId": "CreateThing",
                "parameters": [{"in": "query", "name": "limit", "schema": {"type": "integer"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Rsp"}}}}}
            }}},
            "components": {"schemas": {"Req": req, "Rsp": rsp}}
        })
    }

    fn object(required: &[&str], properties: Value) -> Value {
        json!({"type": "object", "required": required, "properties": properties})
    }

    fn base() -> (Value, Value) {
        (
            object(&["name"], json!({"name": {"type": "string"}})),
            object(&["id"], json!({"id": {"type": "string"}})),
        )
    }

    /// The only change between the base spec and one with `req`/`rsp`; panics unless exactly one.
    fn only_change(req: Value, rsp: Value) -> Change {
        let (old_req, old_rsp) = base();
        let changes = compare(&spec(old_req, old_rsp), &spec(req, rsp));
        assert_eq!(changes.len(), 1, "{changes:#?}");
        changes.into_iter().next().unwrap()
    }

    fn verdicts(c: &Change) -> (Level, Level) {
        (c.wire, c.rust)
    }

    use Level::{Major, Minor, Patch};

    #[test]
    fn new_required_request_field_breaks_both() {
        let req = object(
            &["name", "size"],
            json!({"name": {"type": "string"}, "size": {"type": "integer"}}),
        );
        let c = only_change(req, base().1);
        assert_eq!(verdicts(&c), (Major, Major), "{c:?}");
        assert!(c.text.contains("field Req.size added, required"), "{c:?}");
    }

    #[test]
    fn new_optional_request_field_is_wire_compatible_but_breaks_struct_literals() {
        let req = object(
            &["name"],
            json!({"name": {"type": "string"}, "note": {"type": "string"}}),
        );
        assert_eq!(verdicts(&only_change(req, base().1)), (Minor, Major));
    }

    #[test]
    fn removed_response_field_breaks_both() {
        let rsp = object(&[], json!({}));
        let (old_req, _) = base();
        let old = spec(
            old_req.clone(),
            object(
                &["id"],
                json!({"id": {"type": "string"}, "size": {"type": "integer"}}),
            ),
        );
        let new = spec(old_req, object(&["id"], json!({"id": {"type": "string"}})));
        let changes = compare(&old, &new);
        assert_eq!(changes.len(), 1, "{changes:#?}");
        assert_eq!(verdicts(&changes[0]), (Major, Major));
        assert!(changes[0].text.starts_with("- field Rsp.size removed"));
        // And a required one too (two changes: the field and nothing else).
        let c = compare(&spec(base().0, base().1), &spec(base().0, rsp));
        assert!(c.iter().all(|c| verdicts(c) == (Major, Major)), "{c:#?}");
    }

    #[test]
    fn new_response_field_is_wire_compatible_but_breaks_struct_literals() {
        for required in [&["id", "size"][..], &["id"][..]] {
            let rsp = object(
                required,
                json!({"id": {"type": "string"}, "size": {"type": "integer"}}),
            );
            assert_eq!(verdicts(&only_change(base().0, rsp)), (Minor, Major));
        }
    }

    #[test]
    fn enum_value_added_depends_on_direction() {
        let with_enum = |values: Value| {
            object(
                &["name"],
                json!({"name": {"type": "string", "enum": values}}),
            )
        };
        let (old, new) = (with_enum(json!(["a"])), with_enum(json!(["a", "b"])));
        // Request side: writers may keep sending `a`.
        let c = compare(&spec(old.clone(), base().1), &spec(new.clone(), base().1));
        assert_eq!(c.len(), 1, "{c:#?}");
        assert_eq!(verdicts(&c[0]), (Minor, Major));
        // Response side: a strict reader fails on `b`.
        let rsp = |s: Value| {
            let mut s = s;
            s["properties"]["id"] = s["properties"]["name"].take();
            s["required"] = json!(["id"]);
            s.as_object_mut().unwrap()["properties"]
                .as_object_mut()
                .unwrap()
                .remove("name");
            s
        };
        let c = compare(&spec(base().0, rsp(old)), &spec(base().0, rsp(new)));
        assert_eq!(c.len(), 1, "{c:#?}");
        assert_eq!(verdicts(&c[0]), (Major, Major));
    }

    #[test]
    fn removed_operation_breaks_and_new_operation_is_minor() {
        let (req, rsp) = base();
        let old = spec(req.clone(), rsp.clone());
        let mut new = old.clone();
        new["paths"]["/other"] = json!({"get": {"operationId": "ListOther", "responses": {"200": {"description": "ok"}}}});
        let c = compare(&old, &new);
        assert_eq!(c.len(), 1, "{c:#?}");
        assert_eq!(verdicts(&c[0]), (Minor, Minor));
        let c = compare(&new, &old);
        assert_eq!(c.len(), 1, "{c:#?}");
        assert_eq!(verdicts(&c[0]), (Major, Major));
        assert!(
            c[0].text
                .contains("operation ListOther (GET /other) removed")
        );
    }

    #[test]
    fn tightened_request_constraint_breaks_the_wire_only() {
        let req = |max: u64| {
            object(
                &["name"],
                json!({"name": {"type": "string", "maxLength": max}}),
            )
        };
        let c = compare(&spec(req(64), base().1), &spec(req(32), base().1));
        assert_eq!(c.len(), 1, "{c:#?}");
        // The newtype stays; only its validation changes.
        assert_eq!(verdicts(&c[0]), (Major, Patch));
        assert!(c[0].text.contains("maxLength 64 -> 32 (tighter)"), "{c:?}");
        let c = compare(&spec(req(32), base().1), &spec(req(64), base().1));
        assert_eq!(verdicts(&c[0]), (Minor, Patch));
        // A new constraint on a plain string makes typify generate a newtype.
        let c = compare(&spec(base().0, base().1), &spec(req(64), base().1));
        assert_eq!(verdicts(&c[0]), (Major, Major));
    }

    #[test]
    fn documentation_only_change_is_a_patch() {
        let (req, rsp) = base();
        let old = spec(req.clone(), rsp.clone());
        let mut new = old.clone();
        new["components"]["schemas"]["Req"]["properties"]["name"]["description"] = json!("Name.");
        new["paths"]["/things"]["post"]["summary"] = json!("Create a thing");
        let c = compare(&old, &new);
        assert_eq!(c.len(), 2, "{c:#?}");
        assert!(c.iter().all(|c| verdicts(c) == (Patch, Patch)), "{c:#?}");
        assert!(
            c.iter().any(|c| c.text
                == "~ documentation at /components/schemas/Req/properties/name/description")
        );
        // The version alone is no change at all.
        let mut bumped = old.clone();
        bumped["info"]["version"] = json!("1.1");
        assert!(compare(&old, &bumped).is_empty());
    }

    #[test]
    fn parameters_added_by_requiredness() {
        let (req, rsp) = base();
        let old = spec(req, rsp);
        let mut new = old.clone();
        let params = new["paths"]["/things"]["post"]["parameters"]
            .as_array_mut()
            .unwrap();
        params.push(json!({"in": "query", "name": "dry", "schema": {"type": "boolean"}}));
        let c = compare(&old, &new);
        assert_eq!(verdicts(&c[0]), (Minor, Minor), "{c:#?}");
        let mut new = old.clone();
        new["paths"]["/things"]["post"]["parameters"]
            .as_array_mut()
            .unwrap()
            .push(json!({"in": "header", "name": "X-Id", "required": true, "schema": {"type": "string"}}));
        let c = compare(&old, &new);
        assert_eq!(verdicts(&c[0]), (Major, Major), "{c:#?}");
        // A constraint on a parameter is request side.
        let mut new = old.clone();
        new["paths"]["/things"]["post"]["parameters"][0]["schema"]["maximum"] = json!(100);
        let c = compare(&old, &new);
        assert_eq!(c.len(), 1, "{c:#?}");
        assert_eq!(c[0].wire, Major);
    }

    #[test]
    fn required_flag_changes_by_direction() {
        // A request field becoming optional is looser for writers; a response one breaks readers.
        let req = object(&[], json!({"name": {"type": "string"}}));
        assert_eq!(verdicts(&only_change(req, base().1)), (Minor, Major));
        let rsp = object(&[], json!({"id": {"type": "string"}}));
        assert_eq!(verdicts(&only_change(base().0, rsp)), (Major, Major));
    }

    #[test]
    fn a_type_used_both_ways_takes_the_stricter_verdict() {
        let shared = |values: Value| json!({"type": "string", "enum": values});
        let old_req = object(
            &["s"],
            json!({"s": {"$ref": "#/components/schemas/Shared"}}),
        );
        let old_rsp = object(
            &["s"],
            json!({"s": {"$ref": "#/components/schemas/Shared"}}),
        );
        let mut old = spec(old_req, old_rsp);
        old["components"]["schemas"]["Shared"] = shared(json!(["a"]));
        let mut new = old.clone();
        new["components"]["schemas"]["Shared"] = shared(json!(["a", "b"]));
        assert_eq!(
            usages(&old)["Shared"],
            Usage {
                request: true,
                response: true
            }
        );
        let c = compare(&old, &new);
        assert_eq!(c.len(), 1, "{c:#?}");
        // Minor for writers, major for readers: major.
        assert_eq!(verdicts(&c[0]), (Major, Major));
    }

    #[test]
    fn usage_follows_refs_transitively() {
        let mut s = spec(
            object(
                &[],
                json!({"inner": {"type": "array", "items": {"$ref": "#/components/schemas/Inner"}}}),
            ),
            base().1,
        );
        s["components"]["schemas"]["Inner"] = object(&[], json!({}));
        assert_eq!(usages(&s)["Inner"], REQUEST);
        assert_eq!(usages(&s)["Rsp"], RESPONSE);
    }
}
