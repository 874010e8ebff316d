//! The fully dereferenced variant, for tools that cannot follow `$ref`: every local reference
//! is replaced by a copy of what it names, and the components nothing refers to any more are
//! left out (security schemes stay: `security` names them without `$ref`).
//! Keys written beside a `$ref` (here only `x-doc-*` notes) are kept on the copy, over the
//! target's own. A reference back into a schema being expanded (a recursive schema) cannot be
//! expanded; it stays a `$ref` and `info.x-dereferenced-recursive-refs` lists where. The specs
//! have none today.

use serde_json::{Value, json};

/// The dereferenced form of `document`. A reference to nothing is an error (the check rejects
/// those first).
pub fn dereference(document: &Value) -> Result<Value, String> {
    let mut kept = Vec::new();
    let mut stack = Vec::new();
    let mut out = expand(document, document, "", "", &mut stack, &mut kept)?;
    if !kept.is_empty() {
        out["info"]["x-dereferenced-recursive-refs"] = json!(kept);
    }
    // What a kept (recursive) reference still names stays, in its expanded form.
    let needed = kept_targets(&out);
    if let Some(components) = out.get_mut("components").and_then(Value::as_object_mut) {
        for (section, items) in components.iter_mut() {
            if section == "securitySchemes" {
                continue;
            }
            if let Some(items) = items.as_object_mut() {
                items.retain(|name, _| needed.contains(&format!("/components/{section}/{name}")));
            }
        }
        components.retain(|_, items| items.as_object().is_none_or(|m| !m.is_empty()));
        if components.is_empty() {
            out.as_object_mut().map(|o| o.remove("components"));
        }
    }
    Ok(out)
}

/// `pointer` is where the node lands in the output, `source` where it is in the document; `stack`
/// holds the sources of the objects being expanded, so a reference to one of them is recursive.
/// The components the references left in `document` (recursive ones) name.
fn kept_targets(document: &Value) -> Vec<String> {
    let mut out = Vec::new();
    snapspec_codegen::spec::walk(document, "", &mut |_, node| {
        if let Some(target) = snapspec_codegen::spec::ref_target(node) {
            let parts: Vec<&str> = target.splitn(4, '/').collect();
            if parts.len() >= 4 && parts[1] == "components" {
                out.push(format!(
                    "/components/{}/{}",
                    parts[2],
                    parts[3].split('/').next().unwrap_or("")
                ));
            }
        }
    });
    out
}

fn expand(
    root: &Value,
    node: &Value,
    pointer: &str,
    source: &str,
    stack: &mut Vec<String>,
    kept: &mut Vec<String>,
) -> Result<Value, String> {
    match node {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                let Some(target) = reference.strip_prefix('#') else {
                    return Err(format!("{pointer}: {reference} is not a local reference"));
                };
                if stack.iter().any(|t| t == target) {
                    kept.push(pointer.to_string());
                    return Ok(node.clone());
                }
                let Some(found) = root.pointer(target) else {
                    return Err(format!("{pointer}: {reference} names nothing"));
                };
                let mut expanded = expand(root, found, pointer, target, stack, kept)?;
                if let Value::Object(out) = &mut expanded {
                    for (key, value) in map.iter().filter(|(k, _)| *k != "$ref") {
                        out.insert(key.clone(), value.clone());
                    }
                }
                return Ok(expanded);
            }
            stack.push(source.to_string());
            let mut out = serde_json::Map::new();
            for (key, value) in map {
                let segment = snapspec_codegen::spec::pointer_segment(key);
                let (child, child_source) = (
                    format!("{pointer}/{segment}"),
                    format!("{source}/{segment}"),
                );
                match expand(root, value, &child, &child_source, stack, kept) {
                    Ok(v) => {
                        out.insert(key.clone(), v);
                    }
                    Err(e) => {
                        stack.pop();
                        return Err(e);
                    }
                }
            }
            stack.pop();
            Ok(Value::Object(out))
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let (child, child_source) = (format!("{pointer}/{i}"), format!("{source}/{i}"));
                expand(root, v, &child, &child_source, stack, kept)
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        other => Ok(other.clone()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn references_become_copies_of_their_targets() {
        let doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {"schemas": {
                "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B", "x-doc-decision": "why"}}},
                "B": {"type": "string", "x-doc-decision": "own"}
            }}
        });
        let out = super::dereference(&doc).unwrap();
        let a = json!({"type": "object", "properties": {"b": {"type": "string", "x-doc-decision": "why"}}});
        assert_eq!(
            out["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
            a
        );
        assert!(
            out["components"].is_null(),
            "nothing refers to the schemas any more"
        );
        assert!(out["info"].is_null(), "no recursion, no note");
    }

    #[test]
    fn a_recursive_schema_keeps_its_inner_reference_and_is_noted() {
        let doc = json!({
            "info": {},
            "components": {"schemas": {
                "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}
            }},
            "x": {"$ref": "#/components/schemas/Node"}
        });
        let out = super::dereference(&doc).unwrap();
        assert_eq!(
            out["x"]["properties"]["next"],
            json!({"$ref": "#/components/schemas/Node"})
        );
        assert_eq!(
            out["info"]["x-dereferenced-recursive-refs"],
            json!([
                "/components/schemas/Node/properties/next",
                "/x/properties/next"
            ])
        );
    }

    #[test]
    fn a_reference_to_nothing_is_an_error() {
        let doc = json!({"x": {"$ref": "#/components/schemas/Missing"}});
        assert!(super::dereference(&doc).unwrap_err().contains("/x"));
    }
}
