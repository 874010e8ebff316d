//! The HTML reference page of one API: every operation with its parameters, request and
//! response bodies (field by field, with their rules) and every documented example. One file,
//! styles inline, no script and no network at view time, so that it reads the same from a disk,
//! an archive or any web server. Written from the dereferenced document (deref.rs), so that no
//! `$ref` is left to follow; the few recursive ones that remain are shown by name.
//!
//! Elements carry `data-*` attributes (operation id, parameter name, example name) so that a
//! browser test, or a consumer's script, can find each part without reading the prose.

use std::fmt::Write;

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 2rem;color:#1b1f24}\
h1{margin-bottom:.2rem}h2{margin-top:2.5rem;border-top:1px solid #d0d7de;padding-top:1rem}\
h2 code{font-size:1.05rem}.method{display:inline-block;min-width:4.2rem;text-transform:uppercase;font-weight:700}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f6f8fa}pre{background:#f6f8fa;padding:.6rem;overflow:auto}.prose{white-space:pre-wrap}\
code{font-family:ui-monospace,monospace}.rules{color:#57606a;font-size:.9em}";

/// The page for the dereferenced `document`.
pub fn render(document: &Value) -> String {
    let info = &document["info"];
    let title = info["title"].as_str().unwrap_or("API");
    let version = info["version"].as_str().unwrap_or("");
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        text(title),
        text(version)
    );
    let _ = writeln!(
        page,
        "<header><h1>{}</h1><p>Version <code>{}</code>, OpenAPI {}</p>",
        text(title),
        text(version),
        text(document["openapi"].as_str().unwrap_or(""))
    );
    prose(&mut page, &info["description"]);
    servers(&mut page, &document["servers"]);
    page.push_str("</header>\n");

    let operations = operations(document);
    page.push_str("<nav><h2>Operations</h2><ul>\n");
    for op in &operations {
        let _ = writeln!(
            page,
            "<li><a href=\"#{}\"><span class=\"method\">{}</span> <code>{}</code></a> {}</li>",
            attr(&op.id),
            text(op.method),
            text(op.path),
            text(op.value["summary"].as_str().unwrap_or(""))
        );
    }
    page.push_str("</ul></nav>\n<main>\n");
    for op in &operations {
        operation(&mut page, op);
    }
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

struct Op<'a> {
    id: String,
    method: &'a str,
    path: &'a str,
    value: &'a Value,
    /// Parameters declared on the path item and on the operation (the operation's win).
    parameters: Vec<&'a Value>,
}

/// The operations in the document's path order, methods in a fixed order.
fn operations(document: &Value) -> Vec<Op<'_>> {
    let mut out = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(value) = item.get(method) else {
                continue;
            };
            let own: Vec<&Value> = value["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .collect();
            let mut parameters: Vec<&Value> = item["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| {
                    !own.iter()
                        .any(|o| o["name"] == p["name"] && o["in"] == p["in"])
                })
                .collect();
            parameters.extend(own);
            out.push(Op {
                id: value["operationId"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{method}-{path}")),
                method,
                path,
                value,
                parameters,
            });
        }
    }
    out
}

fn operation(page: &mut String, op: &Op<'_>) {
    let _ = writeln!(
        page,
        "<section class=\"operation\" id=\"{id}\" data-operation-id=\"{id}\">\n\
         <h2><span class=\"method\">{}</span> <code>{}</code></h2>\n<p><strong>{}</strong> \
         (<code>{}</code>)</p>",
        text(op.method),
        text(op.path),
        text(op.value["summary"].as_str().unwrap_or("")),
        text(&op.id),
        id = attr(&op.id),
    );
    prose(page, &op.value["description"]);
    if op.value["deprecated"] == Value::Bool(true) {
        page.push_str("<p><strong>Deprecated.</strong></p>\n");
    }

    if !op.parameters.is_empty() {
        page.push_str("<h3>Parameters</h3>\n<table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Required</th><th>Description and rules</th></tr></thead><tbody>\n");
        for parameter in &op.parameters {
            let name = parameter["name"].as_str().unwrap_or("");
            let schema = &parameter["schema"];
            let _ = write!(
                page,
                "<tr data-parameter=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>",
                attr(name),
                text(name),
                text(parameter["in"].as_str().unwrap_or("")),
                text(&type_of(schema)),
                if parameter["required"] == Value::Bool(true) {
                    "yes"
                } else {
                    "no"
                }
            );
            inline_prose(
                page,
                parameter["description"]
                    .as_str()
                    .or(schema["description"].as_str()),
            );
            rules(page, schema);
            page.push_str("</td></tr>\n");
        }
        page.push_str("</tbody></table>\n");
        for parameter in &op.parameters {
            examples(
                page,
                parameter,
                &format!("parameter {}", parameter["name"].as_str().unwrap_or("")),
            );
        }
    }

    let body = &op.value["requestBody"];
    if let Some(content) = body["content"].as_object() {
        let required = if body["required"] == Value::Bool(true) {
            "required"
        } else {
            "optional"
        };
        let _ = writeln!(page, "<h3>Request body ({required})</h3>");
        prose(page, &body["description"]);
        for (media_type, media) in content {
            let _ = writeln!(page, "<h4><code>{}</code></h4>", text(media_type));
            fields(page, &media["schema"]);
            examples(page, media, "request");
        }
    }

    if let Some(responses) = op.value["responses"].as_object() {
        page.push_str("<h3>Responses</h3>\n");
        for (status, response) in responses {
            let _ = writeln!(
                page,
                "<h4 data-status=\"{}\">{} <span class=\"prose\">{}</span></h4>",
                attr(status),
                text(status),
                text(response["description"].as_str().unwrap_or(""))
            );
            for (media_type, media) in response["content"].as_object().into_iter().flatten() {
                let _ = writeln!(page, "<p><code>{}</code></p>", text(media_type));
                fields(page, &media["schema"]);
                examples(page, media, &format!("response {status}"));
            }
        }
    }
    page.push_str("</section>\n");
}

/// A schema's fields as a table, one row per property at any depth (`a.b`, `items[]`).
fn fields(page: &mut String, schema: &Value) {
    let mut rows = Vec::new();
    collect_fields(schema, "", &mut rows, 0);
    if rows.is_empty() {
        let _ = writeln!(page, "<p>{}</p>", text(&type_of(schema)));
        return;
    }
    page.push_str("<table><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Description and rules</th></tr></thead><tbody>\n");
    for (name, field, required) in rows {
        let _ = write!(
            page,
            "<tr data-field=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td><td>",
            attr(&name),
            text(&name),
            text(&type_of(field)),
            if required { "yes" } else { "no" }
        );
        inline_prose(page, field["description"].as_str());
        rules(page, field);
        page.push_str("</td></tr>\n");
    }
    page.push_str("</tbody></table>\n");
}

/// Depth-limited, as a recursive schema left as `$ref` ends the walk anyway.
fn collect_fields<'a>(
    schema: &'a Value,
    prefix: &str,
    rows: &mut Vec<(String, &'a Value, bool)>,
    depth: usize,
) {
    if depth > 12 {
        return;
    }
    for combinator in ["allOf", "oneOf", "anyOf"] {
        for member in schema[combinator].as_array().into_iter().flatten() {
            collect_fields(member, prefix, rows, depth + 1);
        }
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        rows.push((path.clone(), property, required.contains(&name.as_str())));
        collect_fields(property, &path, rows, depth + 1);
    }
    if let Some(items) = schema.get("items") {
        collect_fields(items, &format!("{prefix}[]"), rows, depth + 1);
    }
}

/// `string (date-time)`, `array of integer`, `object`, or the name a recursive `$ref` keeps.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        return format!("see {}", reference.rsplit('/').next().unwrap_or(reference));
    }
    let mut out = match schema["type"].as_str() {
        Some("array") => format!("array of {}", type_of(&schema["items"])),
        Some(t) => t.to_string(),
        None if schema.get("properties").is_some() => "object".to_string(),
        None if schema.get("oneOf").is_some() => "one of several".to_string(),
        None if schema.get("anyOf").is_some() => "any of several".to_string(),
        None if schema.get("allOf").is_some() => "object".to_string(),
        None => "any".to_string(),
    };
    if let Some(format) = schema["format"].as_str() {
        let _ = write!(out, " ({format})");
    }
    if schema["nullable"] == Value::Bool(true) {
        out.push_str(", nullable");
    }
    out
}

/// A schema's rules, as the generated clients and the emulator enforce them.
fn rules(page: &mut String, schema: &Value) {
    let mut parts = Vec::new();
    if let Some(values) = schema["enum"].as_array() {
        let values: Vec<String> = values.iter().map(Value::to_string).collect();
        parts.push(format!("one of {}", values.join(", ")));
    }
    for (keyword, label) in [
        ("minLength", "at least {} characters"),
        ("maxLength", "at most {} characters"),
        ("minimum", "minimum {}"),
        ("maximum", "maximum {}"),
        ("minItems", "at least {} items"),
        ("maxItems", "at most {} items"),
        ("pattern", "matches {}"),
        ("default", "default {}"),
    ] {
        if let Some(value) = schema.get(keyword) {
            let shown = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            parts.push(label.replace("{}", &shown));
        }
    }
    if !parts.is_empty() {
        let _ = write!(
            page,
            "<div class=\"rules\">{}</div>",
            text(&parts.join("; "))
        );
    }
}

/// The `example` and `examples` of a parameter or media type, each in its own block.
fn examples(page: &mut String, holder: &Value, role: &str) {
    let mut found: Vec<(String, Option<&str>, &Value)> = Vec::new();
    if let Some(example) = holder.get("example") {
        found.push(("example".to_string(), None, example));
    }
    for (name, example) in holder["examples"].as_object().into_iter().flatten() {
        if let Some(value) = example.get("value") {
            found.push((name.clone(), example["summary"].as_str(), value));
        }
    }
    for (name, summary, value) in found {
        let shown = match value {
            Value::String(s) => s.clone(),
            other => serde_json::to_string_pretty(other).unwrap_or_default(),
        };
        let _ = writeln!(
            page,
            "<figure class=\"example\" data-example=\"{}\" data-role=\"{}\"><figcaption>Example <code>{}</code>, {}{}</figcaption><pre>{}</pre></figure>",
            attr(&name),
            attr(role),
            text(&name),
            text(role),
            summary
                .map(|s| format!(": {}", text(s)))
                .unwrap_or_default(),
            text(&shown)
        );
    }
}

fn prose(page: &mut String, value: &Value) {
    if let Some(description) = value.as_str() {
        let _ = writeln!(page, "<p class=\"prose\">{}</p>", text(description.trim()));
    }
}

fn inline_prose(page: &mut String, description: Option<&str>) {
    if let Some(description) = description {
        let _ = write!(
            page,
            "<span class=\"prose\">{}</span>",
            text(description.trim())
        );
    }
}

fn servers(page: &mut String, servers: &Value) {
    let Some(list) = servers.as_array() else {
        return;
    };
    page.push_str("<h2>Servers</h2>\n<ul>\n");
    for server in list {
        let _ = write!(
            page,
            "<li><code>{}</code>",
            text(server["url"].as_str().unwrap_or(""))
        );
        if let Some(description) = server["description"].as_str() {
            page.push_str(": ");
            inline_prose(page, Some(description));
        }
        for (name, variable) in server["variables"].as_object().into_iter().flatten() {
            let _ = write!(
                page,
                "<div class=\"rules\"><code>{{{}}}</code>: default <code>{}</code>",
                text(name),
                text(variable["default"].as_str().unwrap_or(""))
            );
            if let Some(values) = variable["enum"].as_array() {
                let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
                let _ = write!(page, ", one of {}", text(&values.join(", ")));
            }
            page.push_str("</div>");
        }
        page.push_str("</li>\n");
    }
    page.push_str("</ul>\n");
}
