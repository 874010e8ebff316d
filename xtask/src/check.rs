//! `cargo xtask check`: every check over every spec, all findings in one run.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use regex::Regex;
use serde_json::{Map, Value, json};

use crate::diag::Diagnostic;
use crate::pages::{ExampleKind, Location, Page, PageExample, PageParameter, read_page};
use crate::spec_file::{SpecFile, escape};

/// The APIs and their spec files, in `spec/`.
pub const APIS: [(&str, &str); 3] = [
    ("css", "css.yaml"),
    ("dws", "dws.yaml"),
    ("alibaba-es", "alibaba-es.yaml"),
];

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A spec that parsed, ready for publishing.
pub struct CheckedSpec {
    pub api: String,
    pub file: SpecFile,
}

/// Runs every check on every spec under `spec_dir` (those of [`APIS`] that are there; at least
/// one must be). `display_prefix` is how the folder is shown in diagnostics (`spec`).
pub fn check_all(spec_dir: &Path, display_prefix: &str) -> (Vec<Diagnostic>, Vec<CheckedSpec>) {
    let mut diagnostics = Vec::new();
    let mut specs = Vec::new();
    let present: Vec<(&str, &str)> = APIS
        .into_iter()
        .filter(|(_, f)| spec_dir.join(f).exists())
        .collect();
    if present.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                "structure/no-spec",
                format!("no spec found in {display_prefix}"),
            )
            .at(display_prefix, 0, 0)
            .expected(format!("one of {:?}", APIS.map(|(_, f)| f))),
        );
    }
    // utoipa builds the emulator's document from its handlers; serialized once for all specs.
    let emulator = serde_json::to_value(snapspec_emulator::openapi()).unwrap_or(Value::Null);
    for (api, file_name) in present {
        let display = format!("{display_prefix}/{file_name}");
        match SpecFile::load(&spec_dir.join(file_name), &display) {
            Err(d) => diagnostics.push(*d),
            Ok(file) => {
                diagnostics.extend(check_spec(&file, spec_dir, display_prefix));
                diagnostics.extend(crate::contract::compare(&file, &emulator));
                specs.push(CheckedSpec {
                    api: api.to_string(),
                    file,
                });
            }
        }
    }
    (diagnostics, specs)
}

pub fn check_spec(spec: &SpecFile, spec_dir: &Path, display_prefix: &str) -> Vec<Diagnostic> {
    let mut out = structure(spec);
    let openapi = snapspec_codegen::load_spec(&spec.text);
    out.extend(examples(spec));
    out.extend(documentation(spec, spec_dir, display_prefix));
    match openapi {
        Err(e) => out.push(
            spec.diagnostic(
                "structure/not-openapi",
                "the spec is not an OpenAPI 3.0 document",
                "",
            )
            .found(e.to_string())
            .help("fix the field named in the message"),
        ),
        Ok(openapi) => {
            for problem in snapspec_codegen::shape_problems(&openapi) {
                out.push(
                    spec.diagnostic("generation/shape", problem.message.clone(), &problem.pointer)
                        .expected(problem.expected)
                        .found(problem.found)
                        .help("progenitor generates one request media type, one success type and one error type per operation"),
                );
            }
            // A spec with structural errors fails generation for the same reason; say it once.
            let already_explained = out
                .iter()
                .any(|d| d.code == "generation/shape" || d.code.starts_with("structure/"));
            if let (false, Err(e)) = (already_explained, snapspec_codegen::generate(&openapi)) {
                out.push(
                    spec.diagnostic(
                        "generation/failed",
                        "the client cannot be generated from this spec",
                        "",
                    )
                    .found(e.to_string())
                    .help(
                        "the build would fail the same way; simplify the schema progenitor refuses",
                    ),
                );
            }
        }
    }
    out
}

// ------------------------------------------------------------------ 1. structure

fn operations(spec: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    if let Some(paths) = spec["paths"].as_object() {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.push((path.clone(), method.to_string(), op));
                }
            }
        }
    }
    out
}

/// Follows local `$ref`s from `value` to the node they name (or the last one that resolves).
pub(crate) fn resolve<'a>(root: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..16 {
        match current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(pointer) => match root.pointer(pointer) {
                Some(target) => current = target,
                None => return current,
            },
            None => return current,
        }
    }
    current
}

fn structure(spec: &SpecFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let root = &spec.value;
    match root["openapi"].as_str() {
        Some("3.0.3") => {}
        other => out.push(
            spec.diagnostic(
                "structure/version",
                "the spec must be OpenAPI 3.0.3",
                "/openapi",
            )
            .expected("openapi: 3.0.3")
            .found(other.map_or("no `openapi` field".to_string(), |v| {
                format!("openapi: {v}")
            })),
        ),
    }
    walk(root, "", &mut |pointer, value| {
        if let Some(reference) = value.get("$ref").and_then(Value::as_str) {
            let at = format!("{pointer}/$ref");
            match reference.strip_prefix('#') {
                Some(target) if root.pointer(target).is_some() => {}
                Some(_) => out.push(
                    spec.diagnostic(
                        "structure/broken-ref",
                        format!("`$ref: {reference}` points at nothing"),
                        &at,
                    )
                    .expected("a path to a definition in this file")
                    .found(reference.to_string())
                    .help("fix the name, or add the definition under components"),
                ),
                None => out.push(
                    spec.diagnostic(
                        "structure/external-ref",
                        "references to other files are not supported",
                        &at,
                    )
                    .found(reference.to_string()),
                ),
            }
        }
    });
    let template = Regex::new(r"\{([^}]+)\}").expect("valid regex");
    for (path, method, op) in operations(root) {
        let at = format!("/paths/{}/{method}", escape(&path));
        let in_template: BTreeSet<String> = template
            .captures_iter(&path)
            .map(|c| c[1].to_string())
            .collect();
        let mut declared = BTreeSet::new();
        let path_level = root["paths"][&path]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let sources = [
            (path_level, format!("/paths/{}/parameters", escape(&path))),
            (
                op["parameters"].as_array().cloned().unwrap_or_default(),
                format!("{at}/parameters"),
            ),
        ];
        for (parameters, base) in &sources {
            for (i, parameter) in parameters.iter().enumerate() {
                let parameter = resolve(root, parameter);
                if parameter["in"] != "path" {
                    continue;
                }
                let name = parameter["name"].as_str().unwrap_or_default().to_string();
                if !in_template.contains(&name) {
                    out.push(
                        spec.diagnostic(
                            "structure/undeclared-path-parameter",
                            format!("path parameter `{name}` is not in the path template"),
                            &format!("{base}/{i}/name"),
                        )
                        .expected(format!("one of {:?}", in_template))
                        .found(name.clone())
                        .help(format!("rename it to match `{path}`, or remove it")),
                    );
                }
                if parameter["required"] != true {
                    out.push(
                        spec.diagnostic(
                            "structure/optional-path-parameter",
                            format!("path parameter `{name}` must be required"),
                            &format!("{base}/{i}"),
                        )
                        .expected("required: true"),
                    );
                }
                declared.insert(name);
            }
        }
        for missing in in_template.difference(&declared) {
            out.push(
                spec.diagnostic(
                    "structure/missing-path-parameter",
                    format!("`{{{missing}}}` in the path template has no parameter"),
                    &at,
                )
                .expected(format!("a parameter `{missing}` with `in: path`"))
                .found(format!("declared: {:?}", declared))
                .help("declare it under parameters"),
            );
        }
    }
    out
}

fn walk(value: &Value, pointer: &str, visit: &mut dyn FnMut(&str, &Value)) {
    visit(pointer, value);
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                walk(child, &format!("{pointer}/{}", escape(key)), visit);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(child, &format!("{pointer}/{i}"), visit);
            }
        }
        _ => {}
    }
}

// ------------------------------------------------------------------ 2. examples

/// One place where examples sit next to the schema they illustrate.
struct ExampleSite {
    /// Pointer to the object holding `schema` and `example(s)`.
    pointer: String,
    kind: Option<ExampleKind>,
}

fn example_sites(root: &Value) -> Vec<ExampleSite> {
    let mut sites = Vec::new();
    for (path, method, op) in operations(root) {
        let at = format!("/paths/{}/{method}", escape(&path));
        if let Some(parameters) = op["parameters"].as_array() {
            for i in 0..parameters.len() {
                sites.push(ExampleSite {
                    pointer: format!("{at}/parameters/{i}"),
                    kind: None,
                });
            }
        }
        if let Some(content) = op["requestBody"]["content"].as_object() {
            for media in content.keys() {
                sites.push(ExampleSite {
                    pointer: format!("{at}/requestBody/content/{}", escape(media)),
                    kind: Some(ExampleKind::Request),
                });
            }
        }
        if let Some(responses) = op["responses"].as_object() {
            for (status, response) in responses {
                if let Some(content) = response["content"].as_object() {
                    let kind = status.starts_with('2').then_some(ExampleKind::Response);
                    for media in content.keys() {
                        sites.push(ExampleSite {
                            pointer: format!(
                                "{at}/responses/{}/content/{}",
                                escape(status),
                                escape(media)
                            ),
                            kind,
                        });
                    }
                }
            }
        }
    }
    sites
}

/// One example of a site: (pointer to the value, value, `x-doc-page` if any).
type SiteExample = (String, Value, Option<String>);

/// The examples of a site.
fn site_examples(root: &Value, site: &str) -> Vec<SiteExample> {
    let holder = root.pointer(site).cloned().unwrap_or(Value::Null);
    let mut out = Vec::new();
    if let Some(example) = holder.get("example") {
        out.push((format!("{site}/example"), example.clone(), None));
    }
    if let Some(examples) = holder.get("examples").and_then(Value::as_object) {
        for (name, example) in examples {
            let example = resolve(root, example);
            if let Some(value) = example.get("value") {
                let page = example
                    .get("x-doc-page")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                out.push((
                    format!("{site}/examples/{}/value", escape(name)),
                    value.clone(),
                    page,
                ));
            }
        }
    }
    out
}

/// An OpenAPI 3.0 Schema Object as draft-4 JSON Schema: `nullable` becomes a `null` type, integer
/// formats become bounds, objects that list properties accept no others (so that an example's
/// undeclared property is reported), and component references point at `definitions`.
fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "$ref" => {
                let reference = value
                    .as_str()
                    .unwrap_or_default()
                    .replace("#/components/schemas/", "#/definitions/");
                out.insert(key.clone(), Value::String(reference));
            }
            "properties" => {
                let properties = value
                    .as_object()
                    .map(|p| {
                        p.iter()
                            .map(|(k, v)| (k.clone(), to_json_schema(v)))
                            .collect::<Map<_, _>>()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(properties));
            }
            "items" | "not" | "additionalProperties" => {
                out.insert(key.clone(), to_json_schema(value));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let list = value
                    .as_array()
                    .map(|l| l.iter().map(to_json_schema).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Array(list));
            }
            "nullable" | "example" | "examples" | "discriminator" | "xml" | "externalDocs"
            | "readOnly" | "writeOnly" | "deprecated" => {}
            _ if key.starts_with("x-") => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if let (Some(Value::Bool(true)), Some(Value::String(t))) =
        (map.get("nullable"), out.get("type").cloned())
    {
        out.insert("type".into(), json!([t, "null"]));
    }
    match map.get("format").and_then(Value::as_str) {
        Some("int32") => {
            out.entry("minimum").or_insert(json!(i32::MIN));
            out.entry("maximum").or_insert(json!(i32::MAX));
        }
        Some("int64") => {
            out.entry("minimum").or_insert(json!(i64::MIN));
            out.entry("maximum").or_insert(json!(i64::MAX));
        }
        _ => {}
    }
    if map.contains_key("properties") && !map.contains_key("additionalProperties") {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    out.remove("format");
    Value::Object(out)
}

fn examples(spec: &SpecFile) -> Vec<Diagnostic> {
    let root = &spec.value;
    let definitions: Map<String, Value> = root["components"]["schemas"]
        .as_object()
        .map(|schemas| {
            schemas
                .iter()
                .map(|(k, v)| (k.clone(), to_json_schema(v)))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut sites: Vec<(String, Vec<SiteExample>)> = example_sites(root)
        .into_iter()
        .map(|s| (s.pointer.clone(), site_examples(root, &s.pointer)))
        .collect();
    if let Some(schemas) = root["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            if let Some(example) = schema.get("example") {
                let at = format!("/components/schemas/{}", escape(name));
                sites.push((
                    format!("{at}/__self"),
                    vec![(format!("{at}/example"), example.clone(), None)],
                ));
            }
        }
    }
    for (site, found) in sites {
        if found.is_empty() {
            continue;
        }
        let schema_pointer = match site.strip_suffix("/__self") {
            Some(schema_at) => schema_at.to_string(),
            None => format!("{site}/schema"),
        };
        let Some(schema) = root.pointer(&schema_pointer) else {
            continue;
        };
        let mut document = to_json_schema(schema);
        if let Value::Object(map) = &mut document {
            map.insert("definitions".into(), Value::Object(definitions.clone()));
        }
        let validator = match jsonschema::draft4::new(&document) {
            Ok(v) => v,
            Err(e) => {
                out.push(
                    spec.diagnostic(
                        "examples/invalid-schema",
                        "the schema cannot be compiled",
                        &schema_pointer,
                    )
                    .found(e.to_string()),
                );
                continue;
            }
        };
        for (pointer, value, _) in found {
            for error in validator.iter_errors(&value) {
                let instance = error.instance_path().to_string();
                let at = format!("{pointer}{instance}");
                out.push(
                    spec.diagnostic("examples/invalid", "the example does not validate against its schema", &at)
                        .expected(format!("a value valid for {schema_pointer}"))
                        .found(error.to_string())
                        .help("fix the example, or the schema if the example comes from the vendor's page"),
                );
            }
        }
    }
    out
}

// ------------------------------------------------------------------ 3 and 4. documentation pages

struct LoadedPage {
    name: String,
    display: String,
    page: Page,
    text: String,
}

fn documentation(spec: &SpecFile, spec_dir: &Path, display_prefix: &str) -> Vec<Diagnostic> {
    let root = &spec.value;
    let mut out = Vec::new();
    let mut pages = Vec::new();
    let listed: Vec<String> = root["info"]["x-doc-pages"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if listed.is_empty() {
        out.push(
            spec.diagnostic(
                "pages/none",
                "the spec names no documentation page",
                "/info",
            )
            .expected("info.x-doc-pages: [docs/<page>]"),
        );
    }
    for (i, name) in listed.iter().enumerate() {
        let path: PathBuf = spec_dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => pages.push(LoadedPage {
                name: name.clone(),
                display: format!("{display_prefix}/{name}"),
                page: read_page(&text, name.ends_with(".md")),
                text,
            }),
            Err(e) => out.push(
                spec.diagnostic(
                    "pages/unreadable",
                    format!("cannot read page `{name}`: {e}"),
                    &format!("/info/x-doc-pages/{i}"),
                )
                .help("copy the vendor page under spec/docs/ or fix the name"),
            ),
        }
    }
    out.extend(documented_examples(spec, &pages, &listed));
    out.extend(documented_parameters(spec, &pages));
    out
}

fn kind_name(kind: ExampleKind) -> &'static str {
    match kind {
        ExampleKind::Request => "request",
        ExampleKind::Response => "response",
    }
}

fn documented_examples(
    spec: &SpecFile,
    pages: &[LoadedPage],
    listed: &[String],
) -> Vec<Diagnostic> {
    let root = &spec.value;
    let mut out = Vec::new();
    // (kind, page, value, pointer) of every spec example that claims a page.
    let mut claimed = Vec::new();
    for site in example_sites(root) {
        for (pointer, value, page) in site_examples(root, &site.pointer) {
            let Some(page) = page else { continue };
            if !listed.contains(&page) {
                out.push(
                    spec.diagnostic(
                        "pages/unknown-page",
                        format!(
                            "the example claims page `{page}`, which info.x-doc-pages does not list"
                        ),
                        &pointer,
                    )
                    .expected(format!("one of {listed:?}")),
                );
                continue;
            }
            claimed.push((site.kind, page, value, pointer));
        }
    }
    for loaded in pages {
        for PageExample { kind, value, line } in &loaded.page.examples {
            let present = claimed
                .iter()
                .any(|(k, p, v, _)| *k == Some(*kind) && *p == loaded.name && v == value);
            if !present {
                out.push(
                    Diagnostic::error("pages/example-missing", format!("this documented {} example is not in the spec", kind_name(*kind)))
                        .at(&loaded.display, *line, 1)
                        .expected(format!("an example with `x-doc-page: {}` and this value in {}", loaded.name, spec.display))
                        .found(serde_json::to_string(value).unwrap_or_default())
                        .help("copy the page's example into the spec (or fix the spec's copy to match the page)"),
                );
            }
        }
    }
    for (kind, page, value, pointer) in &claimed {
        let Some(loaded) = pages.iter().find(|p| p.name == *page) else {
            continue;
        };
        let on_page = match (kind, value) {
            (Some(kind), _) => loaded
                .page
                .examples
                .iter()
                .any(|e| e.kind == *kind && e.value == *value),
            // A parameter example is a value quoted in the page's text.
            (None, Value::String(s)) => loaded.text.contains(s.as_str()),
            (None, other) => loaded.text.contains(&other.to_string()),
        };
        if !on_page {
            out.push(
                spec.diagnostic("pages/example-not-on-page", format!("the example claims page `{page}`, but the page has no such example"), pointer)
                    .found(serde_json::to_string(value).unwrap_or_default())
                    .help("make the value equal to the page's example, or remove x-doc-page if the example is ours"),
            );
        }
    }
    out
}

/// A node of the spec that a page parameter corresponds to.
struct SpecNode {
    /// Where deviations are recorded and where diagnostics point.
    pointer: String,
    type_name: String,
    required: bool,
}

fn schema_type(root: &Value, schema: &Value) -> String {
    let schema = resolve(root, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => t.to_string(),
        None if schema.get("properties").is_some() => "object".to_string(),
        None => "any".to_string(),
    }
}

/// Breadth-first search for property `name` in the schema tree under `schema_pointer`.
fn find_property(root: &Value, schema_pointer: &str, name: &str) -> Option<SpecNode> {
    let mut queue = vec![schema_pointer.to_string()];
    let mut seen = BTreeSet::new();
    while !queue.is_empty() {
        let mut next = Vec::new();
        for pointer in queue {
            let (pointer, schema) = resolved_pointer(root, &pointer)?;
            if !seen.insert(pointer.clone()) {
                continue;
            }
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(properties) = schema["properties"].as_object() {
                if let Some(property) = properties.get(name) {
                    // Deviations are recorded where the property is used, even if it is a `$ref`.
                    let at = format!("{pointer}/properties/{}", escape(name));
                    return Some(SpecNode {
                        pointer: at,
                        type_name: schema_type(root, property),
                        required: required.contains(&name),
                    });
                }
                for key in properties.keys() {
                    next.push(format!("{pointer}/properties/{}", escape(key)));
                }
            }
            if schema.get("items").is_some() {
                next.push(format!("{pointer}/items"));
            }
        }
        queue = next;
    }
    None
}

/// Follows `$ref`s from the node at `pointer`, returning the final pointer and node.
fn resolved_pointer<'a>(root: &'a Value, pointer: &str) -> Option<(String, &'a Value)> {
    let mut pointer = pointer.to_string();
    for _ in 0..16 {
        let node = root.pointer(&pointer)?;
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(target) => pointer = target.to_string(),
            None => return Some((pointer, node)),
        }
    }
    None
}

fn normalized_page_type(page_type: &str) -> String {
    let lower = page_type.trim().to_lowercase();
    match lower.as_str() {
        "string" => "string".into(),
        "integer" | "int" | "long" | "int32" | "int64" => "integer".into(),
        "number" | "float" | "double" => "number".into(),
        "boolean" | "bool" => "boolean".into(),
        "object" => "object".into(),
        "array" | "list" => "array".into(),
        other if other.ends_with(" object") => "object".into(),
        other if other.ends_with("[]") || other.starts_with("array of") => "array".into(),
        other => other.to_string(),
    }
}

fn documented_parameters(spec: &SpecFile, pages: &[LoadedPage]) -> Vec<Diagnostic> {
    let root = &spec.value;
    let mut out = Vec::new();
    let mut used_deviations: BTreeSet<String> = BTreeSet::new();
    let mut documented_names: BTreeSet<String> = BTreeSet::new();
    let Some((path, method, op)) = operations(root).into_iter().next() else {
        return out;
    };
    let at = format!("/paths/{}/{method}", escape(&path));
    let request_schema = format!("{at}/requestBody/content/application~1json/schema");
    let success = op["responses"]
        .as_object()
        .and_then(|r| r.keys().find(|s| s.starts_with('2')).cloned());
    let response_schema = success.map(|s| {
        format!(
            "{at}/responses/{}/content/application~1json/schema",
            escape(&s)
        )
    });

    for loaded in pages {
        for parameter in &loaded.page.parameters {
            documented_names.insert(parameter.name.clone());
            let node = spec_node(
                root,
                &at,
                op,
                &request_schema,
                response_schema.as_deref(),
                parameter,
            );
            let Some(node) = node else {
                if !presence_deviation(
                    root,
                    &at,
                    &loaded.name,
                    &parameter.name,
                    &mut used_deviations,
                ) {
                    out.push(
                        Diagnostic::error("pages/parameter-missing", format!("the page documents {} parameter `{}`, which the spec does not have", parameter.location.name(), parameter.name))
                            .at(&loaded.display, parameter.line, 1)
                            .expected(format!("`{}` in {}", parameter.name, spec.display))
                            .found(format!("`{}` ({}) on the page only", parameter.name, parameter.type_name))
                            .help("add it to the spec, or record why not in the operation's x-doc-deviations (aspect: presence)"),
                    );
                }
                continue;
            };
            let page_type = normalized_page_type(&parameter.type_name);
            compare(
                spec,
                loaded,
                parameter,
                &node,
                "type",
                &parameter.type_name,
                page_type == node.type_name,
                &node.type_name,
                &mut used_deviations,
                &mut out,
            );
            if let Some(required) = &parameter.required {
                let spec_required = if node.required { "Yes" } else { "No" };
                compare(
                    spec,
                    loaded,
                    parameter,
                    &node,
                    "required",
                    required,
                    required == spec_required,
                    spec_required,
                    &mut used_deviations,
                    &mut out,
                );
            }
        }
    }
    // Every recorded deviation must still excuse something.
    walk(root, "", &mut |pointer, value| {
        if let Some(list) = value.get("x-doc-deviations").and_then(Value::as_array) {
            for (i, deviation) in list.iter().enumerate() {
                let at = format!("{pointer}/x-doc-deviations/{i}");
                if !used_deviations.contains(&at) {
                    out.push(
                        spec.diagnostic("pages/stale-deviation", "this recorded deviation no longer matches the page", &at)
                            .expected(format!(
                                "the page `{}` to say {} `{}`",
                                deviation["page"].as_str().unwrap_or("?"),
                                deviation["aspect"].as_str().unwrap_or("?"),
                                deviation["documented"].as_str().unwrap_or("?")
                            ))
                            .found("the page says otherwise, or now agrees with the spec")
                            .help("update `documented` to what the page says now, or remove the deviation"),
                    );
                }
            }
        }
    });
    // Every request and response property of the spec is documented somewhere, or explained.
    for schema_root in [Some(request_schema.as_str()), response_schema.as_deref()]
        .into_iter()
        .flatten()
    {
        for (pointer, name, has_decision) in all_properties(root, schema_root) {
            if !documented_names.contains(&name) && !has_decision {
                out.push(
                    spec.diagnostic(
                        "pages/undocumented-property",
                        format!("property `{name}` is on none of the spec's pages"),
                        &pointer,
                    )
                    .help("remove it, or say why it is there in x-doc-decision"),
                );
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn compare(
    spec: &SpecFile,
    page: &LoadedPage,
    parameter: &PageParameter,
    node: &SpecNode,
    aspect: &str,
    documented: &str,
    agrees: bool,
    in_spec: &str,
    used: &mut BTreeSet<String>,
    out: &mut Vec<Diagnostic>,
) {
    let deviations = spec
        .value
        .pointer(&format!("{}/x-doc-deviations", node.pointer))
        .and_then(Value::as_array);
    let recorded = deviations
        .into_iter()
        .flatten()
        .enumerate()
        .find(|(_, d)| d["page"] == page.name.as_str() && d["aspect"] == aspect);
    match recorded {
        // A deviation excuses a difference only with the page's current value and a reason.
        Some((i, deviation))
            if !agrees
                && deviation["documented"].as_str() == Some(documented)
                && deviation["reason"]
                    .as_str()
                    .is_some_and(|r| !r.trim().is_empty()) =>
        {
            used.insert(format!("{}/x-doc-deviations/{i}", node.pointer));
        }
        Some(_) => {}
        None if !agrees => {
            let (line, column) = spec.locate(&node.pointer);
            out.push(
                Diagnostic::error("pages/parameter-differs", format!("the {aspect} of {} parameter `{}` differs from the page", parameter.location.name(), parameter.name))
                    .at(&page.display, parameter.line, 1)
                    .pointer(node.pointer.clone())
                    .expected(format!("{aspect} `{documented}`, as {} says", page.name))
                    .found(format!("{aspect} `{in_spec}` in {}:{line}:{column}", spec.display))
                    .help(format!("follow the page, or record the deviation with its reason in x-doc-deviations (page: {}, aspect: {aspect}, documented: {documented})", page.name)),
            );
        }
        None => {}
    }
}

fn presence_deviation(
    root: &Value,
    op_pointer: &str,
    page: &str,
    name: &str,
    used: &mut BTreeSet<String>,
) -> bool {
    let Some(list) = root
        .pointer(&format!("{op_pointer}/x-doc-deviations"))
        .and_then(Value::as_array)
    else {
        return false;
    };
    for (i, deviation) in list.iter().enumerate() {
        if deviation["page"] == page
            && deviation["aspect"] == "presence"
            && deviation["documented"] == name
        {
            used.insert(format!("{op_pointer}/x-doc-deviations/{i}"));
            return true;
        }
    }
    false
}

fn spec_node(
    root: &Value,
    op_pointer: &str,
    op: &Value,
    request_schema: &str,
    response_schema: Option<&str>,
    parameter: &PageParameter,
) -> Option<SpecNode> {
    match parameter.location {
        Location::Path | Location::Query | Location::Header => {
            let parameters = op["parameters"].as_array()?;
            let i = parameters.iter().position(|p| {
                let p = resolve(root, p);
                p["name"] == parameter.name.as_str() && p["in"] == parameter.location.name()
            })?;
            let p = resolve(root, &parameters[i]);
            Some(SpecNode {
                pointer: format!("{op_pointer}/parameters/{i}"),
                type_name: schema_type(root, &p["schema"]),
                required: p["required"] == true,
            })
        }
        Location::Body if parameter.name.is_empty() => {
            let body = root.pointer(&format!("{op_pointer}/requestBody"))?;
            Some(SpecNode {
                pointer: format!("{op_pointer}/requestBody"),
                type_name: schema_type(root, root.pointer(request_schema)?),
                required: body["required"] == true,
            })
        }
        Location::Body => find_property(root, request_schema, &parameter.name),
        Location::Response => find_property(root, response_schema?, &parameter.name),
    }
}

/// Every property in the schema tree under `schema_pointer`: (pointer, name, has x-doc-decision).
fn all_properties(root: &Value, schema_pointer: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let mut queue = vec![schema_pointer.to_string()];
    let mut seen = BTreeSet::new();
    while let Some(pointer) = queue.pop() {
        let Some((pointer, schema)) = resolved_pointer(root, &pointer) else {
            continue;
        };
        if !seen.insert(pointer.clone()) {
            continue;
        }
        if let Some(properties) = schema["properties"].as_object() {
            for (name, property) in properties {
                let at = format!("{pointer}/properties/{}", escape(name));
                out.push((
                    at.clone(),
                    name.clone(),
                    property.get("x-doc-decision").is_some(),
                ));
                queue.push(at);
            }
        }
    }
    out
}

/// The text of each file a diagnostic may name, for the human renderer.
pub fn sources(
    specs: &[CheckedSpec],
    spec_dir: &Path,
    display_prefix: &str,
) -> HashMap<String, String> {
    let mut map: HashMap<String, String> = specs
        .iter()
        .map(|s| (s.file.display.clone(), s.file.text.clone()))
        .collect();
    if let Ok(entries) = std::fs::read_dir(spec_dir.join("docs")) {
        for entry in entries.flatten() {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                map.insert(
                    format!(
                        "{display_prefix}/docs/{}",
                        entry.file_name().to_string_lossy()
                    ),
                    text,
                );
            }
        }
    }
    for (_, file_name) in APIS {
        let display = format!("{display_prefix}/{file_name}");
        if let (std::collections::hash_map::Entry::Vacant(slot), Ok(text)) = (
            map.entry(display),
            std::fs::read_to_string(spec_dir.join(file_name)),
        ) {
            slot.insert(text);
        }
    }
    map
}
