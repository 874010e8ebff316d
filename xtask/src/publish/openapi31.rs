//! The OpenAPI 3.1.0 variant of a 3.0.3 document. 3.1's schemas are JSON Schema 2020-12, so:
//!
//! - `nullable: true` becomes `"null"` in `type` (`type: string` gives `type: [string, "null"]`),
//!   `null` is added to an `enum`, and a schema without `type` (a `$ref`, an `allOf`) is wrapped
//!   as `anyOf: [<schema>, {type: "null"}]`; `nullable: false` is dropped;
//! - a schema's `example` becomes `examples: [<example>]` (parameters and media types keep
//!   `example`, which 3.1 still has there);
//! - boolean `exclusiveMinimum` / `exclusiveMaximum` become the number they qualify
//!   (`minimum: 0, exclusiveMinimum: true` gives `exclusiveMinimum: 0`); `false` is dropped;
//! - a `license` with a name that is an SPDX expression and no `url` gets 3.1's `identifier`;
//! - `openapi` becomes `3.1.0`. Everything else (`x-` extensions included) stays.
//!
//! Schemas are found where OpenAPI puts them (components, parameters, headers, media types) and
//! inside schemas (`properties`, `items`, `additionalProperties`, `allOf`/`anyOf`/`oneOf`, `not`).

use serde_json::{Map, Value, json};

/// The 3.1.0 form of `document`.
pub fn convert(document: &Value) -> Value {
    let mut out = document.clone();
    out["openapi"] = json!("3.1.0");
    if let Some(license) = out
        .pointer_mut("/info/license")
        .and_then(Value::as_object_mut)
        && !license.contains_key("url")
        && !license.contains_key("identifier")
        && let Some(name) = license.get("name").and_then(Value::as_str)
        && is_spdx_expression(name)
    {
        license.insert("identifier".into(), json!(name));
    }
    if let Some(schemas) = out
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut() {
            convert_schema(schema);
        }
    }
    for section in ["parameters", "headers"] {
        if let Some(items) = out
            .pointer_mut(&format!("/components/{section}"))
            .and_then(Value::as_object_mut)
        {
            for item in items.values_mut() {
                convert_holder(item);
            }
        }
    }
    for section in ["requestBodies", "responses"] {
        if let Some(items) = out
            .pointer_mut(&format!("/components/{section}"))
            .and_then(Value::as_object_mut)
        {
            for item in items.values_mut() {
                convert_body(item);
            }
        }
    }
    if let Some(paths) = out.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (key, node) in item.iter_mut() {
                if key == "parameters" {
                    for p in node.as_array_mut().into_iter().flatten() {
                        convert_holder(p);
                    }
                } else if snapspec_codegen::spec::HTTP_METHODS.contains(&key.as_str()) {
                    convert_operation(node);
                }
            }
        }
    }
    out
}

/// `MIT`, `MIT OR Apache-2.0`, `(A AND B) WITH C`: license ids joined by SPDX operators.
fn is_spdx_expression(name: &str) -> bool {
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    !words.is_empty()
        && words.iter().enumerate().all(|(i, w)| {
            let operator = matches!(*w, "AND" | "OR" | "WITH");
            let id = w
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
            if i % 2 == 1 {
                operator
            } else {
                id && !operator
            }
        })
}

fn convert_operation(operation: &mut Value) {
    for p in operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        convert_holder(p);
    }
    if let Some(body) = operation.get_mut("requestBody") {
        convert_body(body);
    }
    for response in operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|r| r.values_mut())
    {
        convert_body(response);
    }
}

/// A parameter or header: its `schema`, and the schemas of its `content`.
fn convert_holder(holder: &mut Value) {
    if let Some(schema) = holder.get_mut("schema") {
        convert_schema(schema);
    }
    convert_content(holder);
}

/// A request body or response: its `content` and (responses) `headers`.
fn convert_body(body: &mut Value) {
    convert_content(body);
    for header in body
        .get_mut("headers")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|h| h.values_mut())
    {
        convert_holder(header);
    }
}

fn convert_content(node: &mut Value) {
    for media in node
        .get_mut("content")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|c| c.values_mut())
    {
        if let Some(schema) = media.get_mut("schema") {
            convert_schema(schema);
        }
    }
}

/// One schema and the schemas inside it.
pub fn convert_schema(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key) {
            convert_schema(child);
        }
    }
    if let Some(properties) = map.get_mut("properties").and_then(Value::as_object_mut) {
        for child in properties.values_mut() {
            convert_schema(child);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for child in map
            .get_mut(key)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            convert_schema(child);
        }
    }
    if let Some(example) = map.remove("example") {
        map.insert("examples".into(), json!([example]));
    }
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match map.get(flag) {
            Some(Value::Bool(true)) => {
                if let Some(limit) = map.remove(bound) {
                    map.insert(flag.into(), limit);
                } else {
                    map.remove(flag);
                }
            }
            Some(Value::Bool(false)) => {
                map.remove(flag);
            }
            _ => {}
        }
    }
    if let Some(nullable) = map.remove("nullable")
        && nullable == Value::Bool(true)
    {
        make_nullable(map);
    }
}

fn make_nullable(map: &mut Map<String, Value>) {
    if let Some(values) = map.get_mut("enum").and_then(Value::as_array_mut)
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    match map.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            map.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) => {
            if !types.contains(&json!("null")) {
                types.push(json!("null"));
            }
        }
        _ => {
            // No type of its own (a `$ref` or a composition): null, or the schema as it is.
            let inner = Value::Object(std::mem::take(map));
            map.insert("anyOf".into(), json!([inner, {"type": "null"}]));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn nullable_becomes_a_null_type_and_example_becomes_examples() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"license": {"name": "MIT OR Apache-2.0"}},
            "paths": {"/a": {
                "parameters": [{"name": "p", "in": "query", "example": "x",
                                "schema": {"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": false}}],
                "get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
                    "example": {"a": null},
                    "schema": {"type": "object", "properties": {
                        "a": {"type": "string", "nullable": true, "example": "hi"},
                        "b": {"type": "string", "enum": ["x", "y"], "nullable": true},
                        "c": {"allOf": [{"$ref": "#/components/schemas/C"}], "nullable": true},
                        "d": {"type": "array", "items": {"type": "number", "nullable": false}}
                    }}}}}}}
            }},
            "components": {"schemas": {"C": {"type": "object", "x-doc-decision": "kept"}}}
        });
        let out = super::convert(&doc);
        assert_eq!(out["openapi"], "3.1.0");
        assert_eq!(
            out["info"]["license"],
            json!({"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"})
        );
        assert!(!super::is_spdx_expression("All rights reserved"));
        let parameter = &out["paths"]["/a"]["parameters"][0];
        assert_eq!(parameter["example"], "x", "a parameter keeps its example");
        assert_eq!(
            parameter["schema"],
            json!({"type": "integer", "exclusiveMinimum": 0, "maximum": 9})
        );
        let media = &out["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(
            media["example"],
            json!({"a": null}),
            "a media type keeps its example"
        );
        let p = &media["schema"]["properties"];
        assert_eq!(
            p["a"],
            json!({"type": ["string", "null"], "examples": ["hi"]})
        );
        assert_eq!(
            p["b"],
            json!({"type": ["string", "null"], "enum": ["x", "y", null]})
        );
        assert_eq!(
            p["c"],
            json!({"anyOf": [{"allOf": [{"$ref": "#/components/schemas/C"}]}, {"type": "null"}]})
        );
        assert_eq!(p["d"]["items"], json!({"type": "number"}));
        assert_eq!(out["components"], doc["components"]);
    }
}
