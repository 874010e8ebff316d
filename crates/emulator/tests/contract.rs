//! The emulator's own OpenAPI document (built by utoipa from its handlers and models) against the
//! hand-maintained specs in `spec/`: paths, methods, parameters, status codes, and the properties
//! and required fields of request and response bodies. Names of schemas may differ; shapes may
//! not. This lives with the emulator, so that `cargo xtask check` never builds what it checks.

use std::collections::BTreeSet;

use serde_json::Value;
use snapspec_codegen::apis::APIS;
use snapspec_codegen::spec::{SpecDocument, operations, resolve};

fn emulator_document() -> Value {
    serde_json::to_value(snapspec_emulator::openapi()).expect("the emulator's document serializes")
}

fn spec(file: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../spec")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("the spec is readable");
    SpecDocument::parse(text, file)
        .unwrap_or_else(|d| panic!("{}: {}", d.location(), d.message))
        .value
}

#[test]
fn the_emulator_serves_every_operation_of_every_spec_as_specified() {
    let emulator = emulator_document();
    let mut differences = Vec::new();
    for api in APIS {
        for difference in compare(&spec(api.spec_file), &emulator) {
            differences.push(format!("spec/{}{difference}", api.spec_file));
        }
    }
    assert!(
        differences.is_empty(),
        "change the emulator's utoipa description and behaviour, or the spec, so that they agree:\n{}",
        differences.join("\n")
    );
}

#[test]
fn a_spec_that_drifts_from_the_emulator_is_caught() {
    let emulator = emulator_document();
    let mut drifted = spec("css.yaml");
    let operation = operations(&drifted)[0].pointer();
    let responses = drifted
        .pointer_mut(&format!("{operation}/responses"))
        .and_then(Value::as_object_mut)
        .expect("the operation has responses");
    responses.insert(
        "404".into(),
        serde_json::json!({"description": "Not Found"}),
    );
    let differences = compare(&drifted, &emulator);
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert!(
        differences[0].contains("status codes differ"),
        "{differences:?}"
    );
    let request = drifted
        .pointer_mut("/components/schemas/CreateSnapshotReq/required")
        .and_then(Value::as_array_mut)
        .expect("the request schema lists required fields");
    request.push("indices".into());
    assert!(
        compare(&drifted, &emulator)
            .iter()
            .any(|d| d.contains("the required of request body differ")),
    );
}

/// Compares the operations of `spec` with the same operations in `emulator`.
fn compare(spec: &Value, emulator: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let root = spec;
    for operation in operations(spec) {
        let (path, method, op) = (operation.path, operation.method, operation.value);
        {
            let at = operation.pointer();
            let Some(theirs) = emulator["paths"].get(path).and_then(|i| i.get(method)) else {
                out.push(differs(
                    &at,
                    "the emulator does not serve this operation",
                    format!("{} {path}", method.to_uppercase()),
                    "no such route",
                ));
                continue;
            };
            let ours_params = parameters(root, op);
            let their_params = parameters(emulator, theirs);
            if ours_params != their_params {
                out.push(differs(
                    &format!("{at}/parameters"),
                    "the emulator's parameters differ",
                    format!("{ours_params:?}"),
                    format!("{their_params:?}"),
                ));
            }
            let statuses = |o: &Value| -> BTreeSet<String> {
                o["responses"]
                    .as_object()
                    .map(|r| r.keys().cloned().collect())
                    .unwrap_or_default()
            };
            let (ours_statuses, their_statuses) = (statuses(op), statuses(theirs));
            if ours_statuses != their_statuses {
                out.push(differs(
                    &format!("{at}/responses"),
                    "the emulator's status codes differ",
                    format!("{ours_statuses:?}"),
                    format!("{their_statuses:?}"),
                ));
            }
            let ours_body = body_schema(&op["requestBody"]);
            let their_body = body_schema(&theirs["requestBody"]);
            compare_schemas(
                spec,
                emulator,
                &format!("{at}/requestBody"),
                ours_body,
                their_body,
                "request body",
                &mut out,
            );
            for status in ours_statuses.intersection(&their_statuses) {
                let ours = body_schema(&op["responses"][status]);
                let theirs = body_schema(&theirs["responses"][status]);
                compare_schemas(
                    spec,
                    emulator,
                    &format!("{at}/responses/{status}"),
                    ours,
                    theirs,
                    &format!("response {status}"),
                    &mut out,
                );
            }
        }
    }
    out
}

fn differs(pointer: &str, message: &str, expected: String, found: impl Into<String>) -> String {
    format!(
        "{pointer}: {message}: the spec has {expected}, the emulator's /openapi.json has {}",
        found.into()
    )
}

/// (in, name, required) of an operation's parameters.
fn parameters(root: &Value, op: &Value) -> BTreeSet<(String, String, bool)> {
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| resolve(root, p))
        .map(|p| {
            (
                p["in"].as_str().unwrap_or("").to_string(),
                p["name"].as_str().unwrap_or("").to_string(),
                p["required"] == true,
            )
        })
        .collect()
}

fn body_schema(holder: &Value) -> Option<&Value> {
    holder["content"]
        .as_object()?
        .values()
        .next()?
        .get("schema")
}

/// The JSON type of a schema, ignoring `null` (OpenAPI 3.1 writes `Option<T>` as `[T, "null"]`,
/// 3.0 as `nullable`) and a one-element `oneOf`/`allOf` wrapper around a reference.
fn schema_type<'a>(root: &'a Value, schema: &'a Value) -> (String, &'a Value) {
    let mut schema = resolve(root, schema);
    for combinator in ["oneOf", "allOf", "anyOf"] {
        if let Some(options) = schema.get(combinator).and_then(Value::as_array) {
            let non_null: Vec<&Value> = options
                .iter()
                .filter(|o| o.get("type") != Some(&Value::from("null")))
                .collect();
            if non_null.len() == 1 {
                schema = resolve(root, non_null[0]);
            }
        }
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_string(),
        _ if schema.get("properties").is_some() => "object".to_string(),
        _ => "any".to_string(),
    };
    (kind, schema)
}

fn compare_schemas(
    spec: &Value,
    emulator: &Value,
    pointer: &str,
    ours: Option<&Value>,
    theirs: Option<&Value>,
    what: &str,
    out: &mut Vec<String>,
) {
    match (ours, theirs) {
        (None, None) => {}
        (Some(_), None) => out.push(differs(
            pointer,
            &format!("the emulator's {what} has no body"),
            "a JSON body".into(),
            "none",
        )),
        (None, Some(_)) => out.push(differs(
            pointer,
            &format!("the emulator's {what} has a body the spec does not"),
            "no body".into(),
            "a JSON body",
        )),
        (Some(ours), Some(theirs)) => {
            compare_shapes(spec, emulator, pointer, ours, theirs, what, out, 0)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn compare_shapes(
    spec: &Value,
    emulator: &Value,
    pointer: &str,
    ours: &Value,
    theirs: &Value,
    what: &str,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    let (our_type, ours) = schema_type(spec, ours);
    let (their_type, theirs) = schema_type(emulator, theirs);
    if our_type != their_type {
        out.push(differs(
            pointer,
            &format!("the type of {what} differs"),
            our_type,
            their_type,
        ));
        return;
    }
    let names = |s: &Value, key: &str| -> BTreeSet<String> {
        match key {
            "properties" => s["properties"]
                .as_object()
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default(),
            _ => s["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        }
    };
    for key in ["properties", "required"] {
        let (a, b) = (names(ours, key), names(theirs, key));
        if a != b {
            out.push(differs(
                pointer,
                &format!("the {key} of {what} differ"),
                format!("{a:?}"),
                format!("{b:?}"),
            ));
        }
    }
    for name in names(ours, "properties").intersection(&names(theirs, "properties")) {
        compare_shapes(
            spec,
            emulator,
            pointer,
            &ours["properties"][name.as_str()],
            &theirs["properties"][name.as_str()],
            &format!("{what} field `{name}`"),
            out,
            depth + 1,
        );
    }
}
