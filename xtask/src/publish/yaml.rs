//! Writing a JSON value as YAML, for the published variants that are computed rather than
//! maintained (the 3.1 and dereferenced documents).
//!
//! yaml-rust2 (the project's YAML library) emits; what it wrote is read back with the project's
//! reader and must equal the value, so a quoting mistake is an error, never a wrong file.

use serde_json::Value;
use yaml_rust2::yaml::Hash;
use yaml_rust2::{Yaml, YamlEmitter};

/// The top-level keys in the order OpenAPI documents usually show them; other keys (and every
/// key below the top level) come in sorted order, as in the JSON files.
const TOP_LEVEL_ORDER: [&str; 9] = [
    "openapi",
    "info",
    "jsonSchemaDialect",
    "servers",
    "security",
    "tags",
    "externalDocs",
    "paths",
    "components",
];

/// The YAML text of `value`: block style, multi-line strings as literal blocks, ending in a
/// newline. Errors when the text would not read back as `value`.
pub fn to_yaml(value: &Value) -> Result<String, String> {
    let mut text = String::new();
    let mut emitter = YamlEmitter::new(&mut text);
    emitter.multiline_strings(true);
    emitter
        .dump(&to_node(value, true))
        .map_err(|e| format!("cannot write YAML: {e}"))?;
    let text = text
        .strip_prefix("---\n")
        .unwrap_or(&text)
        .trim_end()
        .to_string()
        + "\n";
    let back = snapspec_codegen::yaml::parse(&text)
        .map_err(|e| format!("the YAML written does not read back: {e}"))?;
    if back.value != *value {
        return Err("the YAML written reads back as a different value".to_string());
    }
    Ok(text)
}

fn to_node(value: &Value, top: bool) -> Yaml {
    match value {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s.clone()),
        Value::Array(items) => Yaml::Array(items.iter().map(|v| to_node(v, false)).collect()),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            if top {
                let rank = |k: &str| {
                    TOP_LEVEL_ORDER
                        .iter()
                        .position(|t| *t == k)
                        .unwrap_or(TOP_LEVEL_ORDER.len())
                };
                keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
            }
            let mut hash = Hash::new();
            for key in keys {
                hash.insert(Yaml::String(key.clone()), to_node(&map[key], false));
            }
            Yaml::Hash(hash)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn strings_that_look_like_other_scalars_stay_strings() {
        let value = json!({
            "info": {"version": "1.0", "date": "2017-06-13"},
            "openapi": "3.1.0",
            "paths": {"/a": {"get": {"responses": {"200": {"description": "a: b # c"}}}}},
            "x": ["true", "null", "~", "", " padded ", "*", "- dash", 1.5, 7, null, false],
            "multi": "line one\nline two\n",
            "unicode": "手动创建快照",
        });
        let text = super::to_yaml(&value).unwrap();
        assert!(text.starts_with("openapi: 3.1.0\ninfo:"), "{text}");
    }
}
