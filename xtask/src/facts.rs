//! Facts files: what a vendor's machine-readable definition documents about one operation
//! (method, path, parameters and fields with location, type and required flag, enums and
//! constraints, status codes, examples), reduced to facts and recorded with the source's URL and
//! the date it was read. `cargo xtask facts` writes them from a downloaded definition;
//! `cargo xtask check` compares each operation with the facts files listed in its `x-doc-pages`
//! exactly as it compares it with a documentation page.
//!
//! Two definition formats are read:
//! - Huawei Cloud API Explorer definitions (one Swagger 2.0-like JSON document per operation);
//! - Alibaba Cloud API metadata (`api-docs`, every operation of a product), as JSON or as the PHP
//!   array the PHP SDK ships it as.

use serde_json::{Map, Value, json};
use snapspec_codegen::spec::SpecDocument;

use crate::pages::{
    ExampleKind, Location, Page, PageEndpoint, PageExample, PageParameter, PageStatus,
};

/// The version of the facts file layout; a reader refuses other versions.
pub const FACTS_VERSION: u64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DefinitionFormat {
    /// A Huawei Cloud API Explorer definition (one operation).
    HuaweiApiExplorer,
    /// The same shape, written from the official Python SDK by
    /// `spec/facts/huawei_sdk_definition.py` where no API Explorer definition is available.
    HuaweiSdkModel,
    /// Alibaba Cloud API metadata (`api-docs.json`, or the PHP SDK's `api-docs.php`).
    AlibabaApiMetadata,
}

impl DefinitionFormat {
    pub fn name(self) -> &'static str {
        match self {
            DefinitionFormat::HuaweiApiExplorer => "huawei-api-explorer",
            DefinitionFormat::HuaweiSdkModel => "huawei-sdk-model",
            DefinitionFormat::AlibabaApiMetadata => "alibaba-api-metadata",
        }
    }

    /// The format a facts file's `source.format` names.
    pub fn from_name(name: &str) -> Option<DefinitionFormat> {
        <DefinitionFormat as clap::ValueEnum>::value_variants()
            .iter()
            .copied()
            .find(|format| format.name() == name)
    }
}

/// Where the facts come from.
pub struct Source<'a> {
    pub url: &'a str,
    /// `YYYY-MM-DD`.
    pub retrieved: &'a str,
    /// Where `cargo xtask refresh` downloads the definition (the raw file behind `url`), when it
    /// can be downloaded at all.
    pub download: Option<&'a str>,
}

/// The facts of `operation` (required for Alibaba metadata, which holds every operation; for a
/// Huawei definition, checked against the definition's own name when given).
pub fn import(
    format: DefinitionFormat,
    text: &str,
    operation: Option<&str>,
    source: &Source<'_>,
) -> Result<Value, String> {
    if !is_date(source.retrieved) {
        return Err(format!(
            "--retrieved `{}` is not a date: write it as YYYY-MM-DD",
            source.retrieved
        ));
    }
    let mut facts = match format {
        DefinitionFormat::HuaweiApiExplorer | DefinitionFormat::HuaweiSdkModel => {
            let definition: Value = serde_json::from_str(text).map_err(|e| {
                format!(
                    "not JSON at line {}, column {}: {e}; expected a Huawei API Explorer definition",
                    e.line(),
                    e.column()
                )
            })?;
            huawei(&definition, operation)?
        }
        DefinitionFormat::AlibabaApiMetadata => {
            let operation = operation.ok_or(
                "Alibaba metadata describes every operation of a product: name one with --operation",
            )?;
            let metadata = if text.trim_start().starts_with("<?php") {
                php::parse(text)?
            } else {
                serde_json::from_str(text).map_err(|e| {
                    format!(
                        "not JSON at line {}, column {}: {e}; expected Alibaba API metadata",
                        e.line(),
                        e.column()
                    )
                })?
            };
            alibaba(&metadata, operation)?
        }
    };
    facts["facts_version"] = json!(FACTS_VERSION);
    facts["source"] = json!({
        "url": source.url,
        "retrieved": source.retrieved,
        "format": format.name(),
    });
    if let Some(download) = source.download {
        facts["source"]["download"] = json!(download);
    }
    Ok(facts)
}

/// The facts file as written: pretty JSON with a final newline, the same bytes for the same input.
pub fn render(facts: &Value) -> String {
    let mut text = serde_json::to_string_pretty(facts).unwrap_or_default();
    text.push('\n');
    text
}

pub fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
        && matches!(text[5..7].parse::<u8>(), Ok(1..=12))
        && matches!(text[8..10].parse::<u8>(), Ok(1..=31))
}

/// One parameter or field as a facts entry.
fn field(name: &str, location: &str, schema: &Value, required: bool) -> Value {
    let mut entry = Map::new();
    entry.insert("name".into(), json!(name));
    entry.insert("in".into(), json!(location));
    let type_name = schema.get("type").and_then(Value::as_str).unwrap_or(
        if schema.get("properties").is_some() || schema.get("$ref").is_some() {
            "object"
        } else {
            "any"
        },
    );
    entry.insert("type".into(), json!(type_name));
    entry.insert("required".into(), json!(required));
    for key in [
        "format",
        "enum",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "pattern",
        "default",
    ] {
        if let Some(value) = schema.get(key) {
            entry.insert(key.into(), value.clone());
        }
    }
    for (key, name) in [("x-example", "example"), ("example", "example")] {
        if let Some(value) = schema.get(key) {
            entry.insert(name.into(), value.clone());
        }
    }
    Value::Object(entry)
}

/// A Swagger 2.0 `#/definitions/...` reference followed once.
fn follow<'a>(definition: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#/definitions/")
            .and_then(|name| definition["definitions"].get(name))
            .unwrap_or(&Value::Null),
        None => schema,
    }
}

/// Every property under `schema`, depth first, as facts entries at `location`. A definition seen
/// on the way down is not entered again (recursive schemas).
fn flatten(
    definition: &Value,
    schema: &Value,
    location: &str,
    seen: &mut Vec<String>,
    out: &mut Vec<Value>,
) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        if seen.iter().any(|s| s == reference) {
            return;
        }
        seen.push(reference.to_string());
        flatten(definition, follow(definition, schema), location, seen, out);
        seen.pop();
        return;
    }
    if let Some(items) = schema.get("items") {
        flatten(definition, items, location, seen, out);
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let resolved = follow(definition, property);
        let mut entry = field(name, location, resolved, required.contains(&name.as_str()));
        if property.get("$ref").is_some() && resolved.get("type").is_none() {
            entry["type"] = json!("object");
        }
        out.push(entry);
        flatten(definition, property, location, seen, out);
    }
}

fn huawei(definition: &Value, expected_name: Option<&str>) -> Result<Value, String> {
    let paths = definition["paths"]
        .as_object()
        .filter(|p| p.len() == 1)
        .ok_or("`paths` must hold exactly one path: is this an API Explorer definition?")?;
    let (path, item) = paths.iter().next().ok_or("`paths` is empty")?;
    let methods = item.as_object().filter(|m| m.len() == 1).ok_or(format!(
        "path `{path}` must hold exactly one method: is this an API Explorer definition?"
    ))?;
    let (method, operation) = methods.iter().next().ok_or("no method")?;
    let name = operation["operationId"]
        .as_str()
        .or(definition["name"].as_str())
        .ok_or("the definition names no operation (operationId)")?;
    if let Some(expected) = expected_name
        && expected != name
    {
        return Err(format!(
            "the definition describes operation `{name}`, not `{expected}`"
        ));
    }
    let mut parameters = Vec::new();
    let mut examples = Vec::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let location = parameter["in"].as_str().unwrap_or("?");
        let required = parameter["required"] == true;
        if location == "body" {
            // The body itself, then its fields.
            let schema = &parameter["schema"];
            parameters.push(json!({
                "name": "",
                "in": "body",
                "type": "object",
                "required": required,
            }));
            flatten(definition, schema, "body", &mut Vec::new(), &mut parameters);
        } else {
            let name = parameter["name"].as_str().unwrap_or("");
            parameters.push(field(name, location, parameter, required));
        }
    }
    // Request examples: the text a page shows (`x-request-examples-text-N`) is the wire form;
    // the structured variant (`x-request-examples-N`) is used only where no text is given.
    let mut numbered: Vec<(u64, &str)> = operation
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(key, _)| {
            let number = key.strip_prefix("x-request-examples-")?;
            let number = number.strip_prefix("text-").unwrap_or(number);
            Some((number.parse().ok()?, key.as_str()))
        })
        .collect();
    numbered.sort();
    numbered.dedup_by_key(|(n, _)| *n);
    for (number, _) in numbered {
        let text_key = format!("x-request-examples-text-{number}");
        let (key, value) = match operation.get(&text_key) {
            Some(value) => (text_key, value),
            None => {
                let key = format!("x-request-examples-{number}");
                let value = &operation[&key];
                (key, value)
            }
        };
        let value = match value {
            // Some definitions hold the body as a JSON string.
            Value::String(text) => serde_json::from_str(text).unwrap_or(value.clone()),
            other => other.clone(),
        };
        if value.is_object() || value.is_array() {
            examples.push(json!({"kind": "request", "from": key, "value": value}));
        }
    }
    let mut statuses = Vec::new();
    for (status, response) in operation["responses"].as_object().into_iter().flatten() {
        // `default` (the success model of a definition written from an SDK, which does not
        // know the status) gives fields but no status.
        let code = status.parse::<u16>().ok();
        if status != "default" && code.is_none() {
            continue;
        }
        if let Some(code) = code {
            statuses.push(json!(code));
        }
        if let Some(schema) = response.get("schema")
            && code.is_none_or(|code| (200..300).contains(&code))
        {
            flatten(
                definition,
                schema,
                "response",
                &mut Vec::new(),
                &mut parameters,
            );
        }
        let Some(code) = code else { continue };
        for (media_type, value) in response["examples"].as_object().into_iter().flatten() {
            examples.push(json!({
                "kind": "response",
                "status": code,
                "media_type": media_type,
                "value": value,
            }));
        }
    }
    Ok(json!({
        "operation": name,
        "method": method.to_lowercase(),
        "path": path,
        "parameters": parameters,
        "statuses": statuses,
        "examples": examples,
    }))
}

fn alibaba(metadata: &Value, name: &str) -> Result<Value, String> {
    let apis = metadata
        .get("apis")
        .and_then(Value::as_object)
        .ok_or("no `apis` table: is this Alibaba API metadata (api-docs)?")?;
    let api = apis.get(name).ok_or_else(|| {
        let mut near: Vec<&str> = apis
            .keys()
            .map(String::as_str)
            .filter(|k| k.to_lowercase().contains(&name.to_lowercase()))
            .collect();
        near.truncate(5);
        format!(
            "the metadata has no operation `{name}`{}",
            if near.is_empty() {
                String::new()
            } else {
                format!(" (similar: {})", near.join(", "))
            }
        )
    })?;
    let path = api["path"].as_str().ok_or("the operation has no path")?;
    let methods: Vec<&str> = api["methods"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let method = methods.first().ok_or("the operation has no method")?;
    let mut parameters = Vec::new();
    for parameter in api["parameters"].as_array().into_iter().flatten() {
        let location = parameter["in"].as_str().unwrap_or("?");
        let schema = &parameter["schema"];
        let required = schema["required"] == true;
        let name = parameter["name"].as_str().unwrap_or("");
        if location == "body" {
            parameters.push(field("", "body", schema, required));
        } else {
            parameters.push(field(name, location, schema, required));
        }
    }
    let mut facts = json!({
        "operation": name,
        "method": method.to_lowercase(),
        "path": path,
        "parameters": parameters,
        "statuses": [],
        "examples": [],
    });
    if methods.len() > 1 {
        facts["other_methods"] = json!(methods[1..]);
    }
    Ok(facts)
}

/// Reads a facts file into the same shape as a documentation page, with line and column of each
/// entry in the file, so that every page comparison applies to it.
pub fn read_facts(text: &str, display: &str) -> Result<Page, String> {
    let document = SpecDocument::parse(text.to_string(), display)
        .map_err(|d| format!("{}: {}", d.location(), d.message))?;
    let facts = &document.value;
    let at = |pointer: &str| document.locate(pointer);
    let version = facts["facts_version"].as_u64();
    if version != Some(FACTS_VERSION) {
        return Err(format!(
            "{display}: facts_version is {}, this xtask reads version {FACTS_VERSION}: regenerate the file with `cargo xtask facts`",
            version.map_or("missing".to_string(), |v| v.to_string())
        ));
    }
    let mut page = Page::default();
    if let (Some(method), Some(path)) = (facts["method"].as_str(), facts["path"].as_str()) {
        let (line, column) = at("/path");
        page.endpoint = Some(PageEndpoint {
            method: method.to_lowercase(),
            path: path.to_string(),
            line,
            column,
        });
    }
    for (i, parameter) in facts["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let location = match parameter["in"].as_str() {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") => Location::Header,
            Some("body") => Location::Body,
            Some("response") => Location::Response,
            // formData and the like: nothing in the spec corresponds; not compared.
            _ => continue,
        };
        let (line, column) = at(&format!("/parameters/{i}/name"));
        page.parameters.push(PageParameter {
            name: parameter["name"].as_str().unwrap_or("").to_string(),
            location,
            required: parameter["required"]
                .as_bool()
                .map(|r| if r { "Yes" } else { "No" }.to_string()),
            type_name: parameter["type"].as_str().unwrap_or("any").to_string(),
            line,
            column,
            allowed: parameter["enum"].as_array().cloned(),
        });
    }
    for (i, status) in facts["statuses"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(code) = status.as_u64().and_then(|c| u16::try_from(c).ok()) else {
            continue;
        };
        let (line, column) = at(&format!("/statuses/{i}"));
        page.statuses.push(PageStatus { code, line, column });
    }
    for (i, example) in facts["examples"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let kind = match example["kind"].as_str() {
            Some("request") => ExampleKind::Request,
            Some("response") => ExampleKind::Response,
            _ => continue,
        };
        let (line, _) = at(&format!("/examples/{i}/value"));
        page.examples.push(PageExample {
            kind,
            value: example["value"].clone(),
            line,
        });
    }
    Ok(page)
}

/// The subset of PHP that the PHP SDK's metadata files are written in: `<?php return <value>;`
/// where a value is a short array (`[...]`, entries optionally `key => value`), a single- or
/// double-quoted string, a number, `true`, `false` or `null`.
mod php {
    use serde_json::{Map, Value};

    pub fn parse(text: &str) -> Result<Value, String> {
        let start = text
            .find("return")
            .ok_or("no `return` statement: not a PHP metadata file")?;
        let text = &text[start + "return".len()..];
        Parser {
            chars: text.char_indices().peekable(),
            text,
        }
        .value()
    }

    struct Parser<'a> {
        chars: std::iter::Peekable<std::str::CharIndices<'a>>,
        text: &'a str,
    }

    impl Parser<'_> {
        fn position(&mut self) -> String {
            let offset = self.chars.peek().map_or(self.text.len(), |(i, _)| *i);
            let before = &self.text[..offset];
            let line = before.matches('\n').count() + 1;
            format!("after `return`, line {line}")
        }

        fn skip_space(&mut self) {
            while self.chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                self.chars.next();
            }
        }

        fn value(&mut self) -> Result<Value, String> {
            self.skip_space();
            match self.chars.peek().map(|(_, c)| *c) {
                Some('[') => self.array(),
                Some('\'') | Some('"') => self.string().map(Value::String),
                Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
                Some(c) if c.is_ascii_alphabetic() => {
                    let word = self.word();
                    match word.to_lowercase().as_str() {
                        "true" => Ok(Value::Bool(true)),
                        "false" => Ok(Value::Bool(false)),
                        "null" => Ok(Value::Null),
                        _ => Err(format!(
                            "unexpected `{word}` ({}): only arrays, strings, numbers, true, false and null are read",
                            self.position()
                        )),
                    }
                }
                Some(c) => Err(format!("unexpected `{c}` ({})", self.position())),
                None => Err("the file ends inside a value".to_string()),
            }
        }

        fn word(&mut self) -> String {
            let mut word = String::new();
            while let Some((_, c)) = self.chars.peek() {
                if c.is_ascii_alphanumeric() || *c == '_' {
                    word.push(*c);
                    self.chars.next();
                } else {
                    break;
                }
            }
            word
        }

        fn number(&mut self) -> Result<Value, String> {
            let mut text = String::new();
            while let Some((_, c)) = self.chars.peek() {
                if c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E') {
                    text.push(*c);
                    self.chars.next();
                } else {
                    break;
                }
            }
            if let Ok(n) = text.parse::<i64>() {
                return Ok(Value::from(n));
            }
            text.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| format!("`{text}` is not a number ({})", self.position()))
        }

        fn string(&mut self) -> Result<String, String> {
            let (_, quote) = self.chars.next().ok_or("expected a string")?;
            let mut out = String::new();
            loop {
                match self.chars.next() {
                    None => return Err("the file ends inside a string".to_string()),
                    Some((_, c)) if c == quote => return Ok(out),
                    Some((_, '\\')) => match self.chars.next() {
                        Some((_, c)) if c == quote || c == '\\' => out.push(c),
                        Some((_, 'n')) if quote == '"' => out.push('\n'),
                        Some((_, 't')) if quote == '"' => out.push('\t'),
                        Some((_, c)) => {
                            out.push('\\');
                            out.push(c);
                        }
                        None => return Err("the file ends inside a string".to_string()),
                    },
                    Some((_, c)) => out.push(c),
                }
            }
        }

        fn expect(&mut self, wanted: char) -> Result<(), String> {
            self.skip_space();
            match self.chars.next() {
                Some((_, c)) if c == wanted => Ok(()),
                Some((_, c)) => Err(format!(
                    "expected `{wanted}`, found `{c}` ({})",
                    self.position()
                )),
                None => Err(format!("expected `{wanted}`, found the end of the file")),
            }
        }

        /// `[a, b]` becomes a JSON array, `['k' => v]` an object (integer keys as strings).
        fn array(&mut self) -> Result<Value, String> {
            self.expect('[')?;
            let mut items = Vec::new();
            let mut entries = Map::new();
            loop {
                self.skip_space();
                if self.chars.peek().is_some_and(|(_, c)| *c == ']') {
                    self.chars.next();
                    break;
                }
                let first = self.value()?;
                self.skip_space();
                if self.text[self.chars.peek().map_or(self.text.len(), |(i, _)| *i)..]
                    .starts_with("=>")
                {
                    self.chars.next();
                    self.chars.next();
                    let key = match first {
                        Value::String(s) => s,
                        Value::Number(n) => n.to_string(),
                        other => return Err(format!("`{other}` cannot be an array key")),
                    };
                    let value = self.value()?;
                    entries.insert(key, value);
                } else {
                    items.push(first);
                }
                self.skip_space();
                match self.chars.next() {
                    Some((_, ',')) => continue,
                    Some((_, ']')) => break,
                    Some((_, c)) => {
                        return Err(format!(
                            "expected `,` or `]`, found `{c}` ({})",
                            self.position()
                        ));
                    }
                    None => return Err("the file ends inside an array".to_string()),
                }
            }
            match (items.is_empty(), entries.is_empty()) {
                (_, true) => Ok(Value::Array(items)),
                (true, false) => Ok(Value::Object(entries)),
                (false, false) => Err(format!(
                    "an array mixes keyed and unkeyed entries ({})",
                    self.position()
                )),
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::parse;
        use serde_json::json;

        #[test]
        fn php_arrays_become_json() {
            let text = "<?php return [\n  'apis' => [\n    'A' => ['methods' => ['post', 'put'], 'n' => -3, 'ok' => true, 'q' => 'it\\'s'],\n  ],\n  'empty' => [],\n];\n";
            assert_eq!(
                parse(text).unwrap(),
                json!({"apis": {"A": {"methods": ["post", "put"], "n": -3, "ok": true, "q": "it's"}}, "empty": []})
            );
        }

        #[test]
        fn broken_php_says_where() {
            let error = parse("<?php return [\n 'a' => [1, 2\n 'b' => 3];").unwrap_err();
            assert!(error.contains("line 3"), "{error}");
            assert!(parse("<?php echo 1;").is_err());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> Source<'static> {
        Source {
            url: "https://example.invalid/definition.json",
            retrieved: "2026-12-02",
            download: None,
        }
    }

    #[test]
    fn a_huawei_definition_becomes_facts_with_body_response_statuses_and_examples() {
        let definition = json!({
            "name": "RestoreThing",
            "definitions": {
                "Req": {"properties": {"target": {"type": "string", "example": "c1"}, "mode": {"type": "string", "enum": ["a", "b"]}}, "required": ["target"]},
                "Resp": {"properties": {"items": {"type": "array", "items": {"$ref": "#/definitions/Item"}}}},
                "Item": {"properties": {"id": {"type": "string"}}}
            },
            "paths": {"/v1/{project_id}/things/{id}/restore": {"post": {
                "operationId": "RestoreThing",
                "parameters": [
                    {"in": "path", "name": "project_id", "required": true, "type": "string", "x-example": "p1"},
                    {"in": "body", "name": "Req", "required": true, "schema": {"$ref": "#/definitions/Req"}}
                ],
                "responses": {
                    "200": {"schema": {"$ref": "#/definitions/Resp"}, "examples": {"application/json": {"items": [{"id": "x"}]}}},
                    "400": {"description": "bad"}
                },
                "x-request-examples-1": {"Target": "camel"},
                "x-request-examples-text-1": {"target": "c1"}
            }}}
        });
        let facts = import(
            DefinitionFormat::HuaweiApiExplorer,
            &definition.to_string(),
            Some("RestoreThing"),
            &source(),
        )
        .unwrap();
        assert_eq!(facts["method"], "post");
        assert_eq!(facts["statuses"], json!([200, 400]));
        let names: Vec<(String, String, bool)> = facts["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_string(),
                    p["in"].as_str().unwrap().to_string(),
                    p["required"] == true,
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("project_id", "path", true),
                ("", "body", true),
                ("mode", "body", false),
                ("target", "body", true),
                ("items", "response", false),
                ("id", "response", false),
            ]
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c))
        );
        assert_eq!(facts["parameters"][2]["enum"], json!(["a", "b"]));
        assert_eq!(facts["parameters"][0]["example"], "p1");
        // The text variant of the request example is the wire form; the structured one is not used.
        assert_eq!(facts["examples"][0]["value"], json!({"target": "c1"}));
        assert_eq!(facts["examples"][1]["status"], 200);
        assert_eq!(facts["source"]["retrieved"], "2026-12-02");

        let page = read_facts(&render(&facts), "facts/x.json").unwrap();
        assert_eq!(page.parameters.len(), 6);
        assert_eq!(page.parameters[3].required.as_deref(), Some("Yes"));
        assert!(page.parameters[3].line > 1);
        assert_eq!(
            page.statuses.iter().map(|s| s.code).collect::<Vec<_>>(),
            [200, 400]
        );
        assert_eq!(page.examples.len(), 2);
        assert_eq!(page.examples[1].kind, ExampleKind::Response);
    }

    #[test]
    fn a_definition_of_another_operation_or_a_bad_date_is_refused() {
        let definition = json!({"paths": {"/a": {"get": {"operationId": "ListA"}}}}).to_string();
        let error = import(
            DefinitionFormat::HuaweiApiExplorer,
            &definition,
            Some("ListB"),
            &source(),
        )
        .unwrap_err();
        assert!(error.contains("`ListA`, not `ListB`"), "{error}");
        let error = import(
            DefinitionFormat::HuaweiApiExplorer,
            &definition,
            None,
            &Source {
                url: "u",
                retrieved: "2026-13-01",
                download: None,
            },
        )
        .unwrap_err();
        assert!(error.contains("YYYY-MM-DD"), "{error}");
        let error = import(
            DefinitionFormat::HuaweiApiExplorer,
            "{\"paths\": ",
            None,
            &source(),
        )
        .unwrap_err();
        assert!(error.contains("line 1"), "{error}");
    }

    #[test]
    fn alibaba_metadata_gives_the_named_operation() {
        let metadata = "<?php return ['apis' => ['CreateThing' => ['path' => '/openapi/instances/{InstanceId}/things', 'methods' => ['post'], 'parameters' => [['name' => 'ClientToken', 'in' => 'query', 'schema' => ['type' => 'string', 'required' => true]], ['name' => 'body', 'in' => 'body', 'schema' => ['type' => 'string', 'required' => false]]]]]];";
        let facts = import(
            DefinitionFormat::AlibabaApiMetadata,
            metadata,
            Some("CreateThing"),
            &source(),
        )
        .unwrap();
        assert_eq!(facts["method"], "post");
        assert_eq!(facts["parameters"][0]["name"], "ClientToken");
        assert_eq!(facts["parameters"][0]["required"], true);
        assert_eq!(facts["parameters"][1]["name"], "");
        assert_eq!(facts["parameters"][1]["type"], "string");
        let error = import(
            DefinitionFormat::AlibabaApiMetadata,
            metadata,
            Some("Thing"),
            &source(),
        )
        .unwrap_err();
        assert!(error.contains("similar: CreateThing"), "{error}");
    }

    #[test]
    fn a_facts_file_of_another_version_is_refused() {
        let error = read_facts("{\"facts_version\": 99}", "facts/x.json").unwrap_err();
        assert!(error.contains("cargo xtask facts"), "{error}");
    }
}
