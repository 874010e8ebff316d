//! Test helpers shared by the snapspec client crates.
//!
//! Tests read the documented examples from the spec itself (never from a copy in the test), so a
//! test follows the spec when a maintainer edits an example.

#![deny(missing_docs)]

pub mod scripted;

use serde_json::Value;
use snapspec_codegen::spec::SpecDocument;

/// A spec loaded as a JSON value, with accessors for its operations.
pub struct Spec {
    root: Value,
}

/// One named example of a spec.
#[derive(Debug, Clone)]
pub struct Example {
    /// The example's key in its `examples` map.
    pub name: String,
    /// The example value.
    pub value: Value,
}

/// One operation of a spec, found by its operationId.
pub struct Operation<'a> {
    spec: &'a Spec,
    /// The operation object.
    pub value: &'a Value,
}

impl Spec {
    /// Parses a spec with the project's one YAML reader. Panics with the place and the reason: a
    /// test input, not user input.
    pub fn parse(yaml: &str) -> Spec {
        let document = SpecDocument::parse(yaml.to_string(), "spec")
            .unwrap_or_else(|d| panic!("{}: {}", d.location(), d.message));
        Spec {
            root: document.value,
        }
    }

    /// The whole document.
    pub fn root(&self) -> &Value {
        &self.root
    }

    /// The operation whose operationId is `id`. Panics when there is none.
    pub fn operation(&self, id: &str) -> Operation<'_> {
        let found = snapspec_codegen::spec::operations(&self.root)
            .into_iter()
            .find(|o| o.value["operationId"] == id)
            .unwrap_or_else(|| panic!("the spec has no operation {id}"));
        Operation {
            spec: self,
            value: found.value,
        }
    }

    /// Follows a local `$ref` (`#/components/schemas/X`) to the schema it names.
    pub fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        snapspec_codegen::spec::resolve(&self.root, schema)
    }

    /// Compares `expected` (a documented example) with `actual` (the same value after a round
    /// trip through the generated types) key by key, and returns one line per difference, naming
    /// its JSON path.
    ///
    /// One equivalence is allowed, and only where `schema` makes it meaningless to tell apart: a
    /// property that is both `nullable` and optional may be `null` on one side and absent on the
    /// other, since the generated `Option<T>` (typify) stands for both.
    pub fn json_differences(
        &self,
        expected: &Value,
        actual: &Value,
        schema: &Value,
    ) -> Vec<String> {
        let mut out = Vec::new();
        self.compare("", expected, actual, self.resolve(schema), &mut out);
        out
    }

    fn compare(
        &self,
        path: &str,
        expected: &Value,
        actual: &Value,
        schema: &Value,
        out: &mut Vec<String>,
    ) {
        match (expected, actual) {
            (Value::Object(e), Value::Object(a)) => {
                let required: Vec<&str> = schema["required"]
                    .as_array()
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let mut keys: Vec<&String> = e.keys().chain(a.keys()).collect();
                keys.sort();
                keys.dedup();
                for key in keys {
                    let here = format!("{path}/{key}");
                    let property = self.resolve(&schema["properties"][key.as_str()]);
                    let null_means_absent =
                        property["nullable"] == true && !required.contains(&key.as_str());
                    match (e.get(key), a.get(key)) {
                        (Some(ev), Some(av)) => self.compare(&here, ev, av, property, out),
                        (Some(Value::Null), None) | (None, Some(Value::Null))
                            if null_means_absent => {}
                        (Some(ev), None) => {
                            out.push(format!("{here}: expected {ev}, found no such key"))
                        }
                        (None, Some(av)) => {
                            out.push(format!("{here}: expected no such key, found {av}"))
                        }
                        (None, None) => unreachable!("key comes from one side"),
                    }
                }
            }
            (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
                for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                    self.compare(
                        &format!("{path}/{i}"),
                        ev,
                        av,
                        self.resolve(&schema["items"]),
                        out,
                    );
                }
            }
            _ if expected == actual => {}
            // JSON has one number type: 500 and 500.0 are the same value (a `double` field
            // parses the first and serializes the second).
            (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => {}
            _ => out.push(format!(
                "{}: expected {expected}, found {actual}",
                if path.is_empty() { "/" } else { path }
            )),
        }
    }
}

impl Operation<'_> {
    /// The value of the first named example of parameter `name`.
    pub fn parameter_example(&self, name: &str) -> String {
        let param = self.value["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| self.spec.resolve(p))
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no parameter {name}"));
        let examples = param["examples"]
            .as_object()
            .expect("parameter has examples");
        examples.values().next().unwrap()["value"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Every named request-body example, of every media type.
    pub fn request_examples(&self) -> Vec<Example> {
        examples_of_content(&self.value["requestBody"]["content"])
    }

    /// Every named example of response `status`, of every media type.
    pub fn response_examples(&self, status: &str) -> Vec<Example> {
        examples_of_content(&self.value["responses"][status]["content"])
    }

    /// The documented statuses of the operation, in ascending order.
    pub fn statuses(&self) -> Vec<u16> {
        self.value["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, _)| k.parse().ok())
            .collect()
    }

    /// The documented error statuses (4xx and 5xx).
    pub fn error_statuses(&self) -> Vec<u16> {
        self.statuses().into_iter().filter(|s| *s >= 400).collect()
    }

    /// The schema of response `status`'s body (its first media type), references resolved.
    pub fn response_schema(&self, status: &str) -> &Value {
        let content = &self.value["responses"][status]["content"];
        let media = content
            .as_object()
            .and_then(|c| c.values().next())
            .unwrap_or_else(|| panic!("response {status} has no body"));
        self.spec.resolve(&media["schema"])
    }
}

fn examples_of_content(content: &Value) -> Vec<Example> {
    content
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(_, media_type)| examples_of(media_type))
        .collect()
}

fn examples_of(media_type: &Value) -> Vec<Example> {
    media_type["examples"]
        .as_object()
        .map(|examples| {
            examples
                .iter()
                .map(|(name, example)| Example {
                    name: name.clone(),
                    value: example["value"].clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SPEC: &str = r##"
paths: {}
components:
  schemas:
    Outer:
      type: object
      required: [id, must]
      properties:
        id: {type: string}
        must: {type: string, nullable: true}
        maybe: {type: string, nullable: true}
        inner: {$ref: "#/components/schemas/Inner"}
    Inner:
      type: object
      properties:
        count: {type: integer}
"##;

    #[test]
    fn differences_name_the_json_path() {
        let spec = Spec::parse(SPEC);
        let schema = json!({"$ref": "#/components/schemas/Outer"});
        let expected = json!({"id": "a", "must": null, "inner": {"count": 1}});
        let actual = json!({"id": "a", "inner": {"count": 2}, "extra": true});
        assert_eq!(
            spec.json_differences(&expected, &actual, &schema),
            [
                "/extra: expected no such key, found true",
                "/inner/count: expected 1, found 2",
                "/must: expected null, found no such key",
            ]
        );
    }

    #[test]
    fn numbers_compare_by_value_not_by_spelling() {
        let spec = Spec::parse(SPEC);
        let schema = json!({"$ref": "#/components/schemas/Inner"});
        assert!(
            spec.json_differences(&json!({"count": 500}), &json!({"count": 500.0}), &schema)
                .is_empty()
        );
        assert_eq!(
            spec.json_differences(&json!({"count": 500}), &json!({"count": 500.5}), &schema),
            ["/count: expected 500, found 500.5"]
        );
    }

    #[test]
    fn null_and_absent_are_equal_only_for_optional_nullable_properties() {
        let spec = Spec::parse(SPEC);
        let schema = json!({"$ref": "#/components/schemas/Outer"});
        let expected = json!({"id": "a", "must": null, "maybe": null});
        let actual = json!({"id": "a", "must": null});
        assert!(
            spec.json_differences(&expected, &actual, &schema)
                .is_empty()
        );
        let not_nullable = json!({"id": null});
        assert_eq!(
            spec.json_differences(&not_nullable, &json!({}), &schema),
            ["/id: expected null, found no such key"]
        );
    }
}
