//! Every example in a spec validates against the schema beside it: parameter examples, request and
//! response examples of every media type and status, and examples on component schemas.

use serde_json::{Map, Value, json};
use snapspec_codegen::diag::Diagnostic;
use snapspec_codegen::spec::{Operation, SpecDocument, pointer_segment, resolve};

use super::Defects;

/// Which part of an operation an example illustrates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleRole {
    /// A parameter's value.
    Parameter,
    /// A request body.
    Request,
    /// The body of a 2xx response.
    Success,
    /// The body of any other response.
    Error,
}

/// A place where examples sit next to the schema they illustrate: a parameter or a media type.
pub struct ExampleSite {
    /// Pointer to the object holding `schema` and `example(s)`.
    pub pointer: String,
    pub role: ExampleRole,
}

/// One example of a site.
pub struct SiteExample {
    /// Pointer to the value.
    pub pointer: String,
    pub value: Value,
    /// Its `x-doc-page`, if it claims one.
    pub page: Option<String>,
}

/// Every example site of an operation: its parameters, each request media type, each media
/// type of each response.
pub fn sites(operation: &Operation<'_>) -> Vec<ExampleSite> {
    let at = operation.pointer();
    let op = operation.value;
    let mut sites = Vec::new();
    for i in 0..op["parameters"].as_array().map_or(0, Vec::len) {
        sites.push(ExampleSite {
            pointer: format!("{at}/parameters/{i}"),
            role: ExampleRole::Parameter,
        });
    }
    for media in op["requestBody"]["content"]
        .as_object()
        .into_iter()
        .flatten()
    {
        sites.push(ExampleSite {
            pointer: format!("{at}/requestBody/content/{}", pointer_segment(media.0)),
            role: ExampleRole::Request,
        });
    }
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        let role = if status.starts_with('2') {
            ExampleRole::Success
        } else {
            ExampleRole::Error
        };
        for media in response["content"].as_object().into_iter().flatten() {
            sites.push(ExampleSite {
                pointer: format!(
                    "{at}/responses/{}/content/{}",
                    pointer_segment(status),
                    pointer_segment(media.0)
                ),
                role,
            });
        }
    }
    sites
}

/// The examples of the site at `site`: its `example` and each entry of its `examples`.
pub fn site_examples(root: &Value, site: &str) -> Vec<SiteExample> {
    let Some(holder) = root.pointer(site) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(example) = holder.get("example") {
        out.push(SiteExample {
            pointer: format!("{site}/example"),
            value: example.clone(),
            page: None,
        });
    }
    for (name, example) in holder["examples"].as_object().into_iter().flatten() {
        let example = resolve(root, example);
        if let Some(value) = example.get("value") {
            out.push(SiteExample {
                pointer: format!("{site}/examples/{}/value", pointer_segment(name)),
                value: value.clone(),
                page: example["x-doc-page"].as_str().map(str::to_string),
            });
        }
    }
    out
}

/// An OpenAPI 3.0 Schema Object as draft-4 JSON Schema: `nullable` becomes a `null` type, integer
/// formats become bounds, objects that list properties accept no others (so that an example's
/// undeclared property is reported), and component references point at `definitions` under
/// `definitions_base` (empty inside the document of definitions, [`DEFINITIONS_URI`] outside it).
fn to_json_schema(schema: &Value, definitions_base: &str) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "$ref" => {
                let reference = value.as_str().unwrap_or_default().replace(
                    "#/components/schemas/",
                    &format!("{definitions_base}#/definitions/"),
                );
                out.insert(key.clone(), Value::String(reference));
            }
            "properties" => {
                let properties = value
                    .as_object()
                    .map(|p| {
                        p.iter()
                            .map(|(k, v)| (k.clone(), to_json_schema(v, definitions_base)))
                            .collect::<Map<_, _>>()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(properties));
            }
            "items" | "not" | "additionalProperties" => {
                out.insert(key.clone(), to_json_schema(value, definitions_base));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let list = value
                    .as_array()
                    .map(|l| {
                        l.iter()
                            .map(|item| to_json_schema(item, definitions_base))
                            .collect()
                    })
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

/// Where the validators find the spec's component schemas. They are indexed once per spec, in a
/// prepared registry, rather than copied into every validator's document (which made jsonschema
/// index all of them again for each example site).
const DEFINITIONS_URI: &str = "urn:snapspec:components";

pub fn check(spec: &SpecDocument, defects: &Defects) -> Vec<Diagnostic> {
    let root = &spec.value;
    let definitions: Map<String, Value> = root["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, schema)| (name.clone(), to_json_schema(schema, "")))
        .collect();
    let registry = match jsonschema::Registry::new()
        .draft(jsonschema::Draft::Draft4)
        .add(
            DEFINITIONS_URI,
            jsonschema::Draft::Draft4.create_resource(json!({ "definitions": definitions })),
        )
        .and_then(|builder| builder.prepare())
    {
        Ok(registry) => registry,
        Err(e) => {
            return vec![
                spec.diagnostic(
                    "examples/invalid-schema",
                    "the component schemas cannot be compiled",
                    "/components/schemas",
                )
                .found(e.to_string())
                .help("fix the component schemas: they are not valid JSON Schema once OpenAPI's keywords are translated"),
            ];
        }
    };
    // (pointer of the schema, its examples)
    let mut groups: Vec<(String, Vec<SiteExample>)> = Vec::new();
    for operation in spec.operations() {
        if defects.touch_operation(root, &operation) {
            continue;
        }
        for site in sites(&operation) {
            groups.push((
                format!("{}/schema", site.pointer),
                site_examples(root, &site.pointer),
            ));
        }
    }
    for (name, schema) in root["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let at = format!("/components/schemas/{}", pointer_segment(name));
        if let Some(example) = schema.get("example")
            && !defects.touch(root, &at)
        {
            groups.push((
                at.clone(),
                vec![SiteExample {
                    pointer: format!("{at}/example"),
                    value: example.clone(),
                    page: None,
                }],
            ));
        }
    }
    let mut out = Vec::new();
    for (schema_pointer, examples) in groups {
        let Some(schema) = root.pointer(&schema_pointer) else {
            continue;
        };
        if examples.is_empty() {
            continue;
        }
        let document = to_json_schema(schema, DEFINITIONS_URI);
        let validator = match jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .with_registry(&registry)
            .build(&document)
        {
            Ok(v) => v,
            Err(e) => {
                out.push(
                    spec.diagnostic(
                        "examples/invalid-schema",
                        "the schema cannot be compiled",
                        &schema_pointer,
                    )
                    .found(e.to_string())
                    .help("fix the schema: it is not a valid JSON Schema once OpenAPI's keywords are translated"),
                );
                continue;
            }
        };
        for example in examples {
            for error in validator.iter_errors(&example.value) {
                let at = format!("{}{}", example.pointer, error.instance_path());
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
