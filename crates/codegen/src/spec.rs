//! A spec as its maintainer wrote it: the text, the value, where each node is, and the walks
//! over it that every reader of specs needs (operations, `$ref`s, JSON pointers).

use std::collections::HashMap;

use serde_json::Value;

use crate::diag::Diagnostic;
use crate::yaml::{self, Position};

/// The operation keys of an OpenAPI 3.0 path item, in the order OpenAPI lists them.
pub const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Escapes one JSON pointer segment (RFC 6901).
pub fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A spec read from a file: text, JSON value and node positions, from one YAML parse.
#[derive(Debug, Clone)]
pub struct SpecDocument {
    /// The file as shown in diagnostics (`spec/css.yaml`).
    pub display: String,
    /// The text as read.
    pub text: String,
    /// The document as JSON.
    pub value: Value,
    positions: HashMap<String, Position>,
}

impl SpecDocument {
    /// Parses `text`. Malformed YAML is one diagnostic, at the place the parser stopped.
    pub fn parse(text: String, display: &str) -> Result<SpecDocument, Box<Diagnostic>> {
        match yaml::parse(&text) {
            Ok(located) => Ok(SpecDocument {
                display: display.to_string(),
                text,
                value: located.value,
                positions: located.positions,
            }),
            Err(e) => Err(Box::new(
                Diagnostic::error("structure/malformed-yaml", "the spec is not valid YAML")
                    .at(display, e.position.line, e.position.column)
                    .found(e.message)
                    .help("fix the YAML at this place; `cargo xtask check` reads the rest once it parses"),
            )),
        }
    }

    /// Reads and parses the file at `path`.
    pub fn load(path: &std::path::Path, display: &str) -> Result<SpecDocument, Box<Diagnostic>> {
        SpecDocument::parse(SpecDocument::read(path, display)?, display)
    }

    /// Reads the text of the spec at `path`; a file that cannot be read is a diagnostic.
    pub fn read(path: &std::path::Path, display: &str) -> Result<String, Box<Diagnostic>> {
        std::fs::read_to_string(path).map_err(|e| {
            Box::new(
                Diagnostic::error("structure/unreadable", format!("cannot read the spec: {e}"))
                    .at(display, 0, 0),
            )
        })
    }

    /// Line and column of the node at `pointer`, or of its nearest ancestor that has one.
    pub fn locate(&self, pointer: &str) -> (usize, usize) {
        let mut current = pointer;
        loop {
            if let Some(position) = self.positions.get(current) {
                return (position.line, position.column);
            }
            match current.rfind('/') {
                Some(i) => current = &current[..i],
                None => return (1, 1),
            }
        }
    }

    /// A diagnostic placed at `pointer` in this spec.
    pub fn diagnostic(
        &self,
        code: &'static str,
        message: impl Into<String>,
        pointer: &str,
    ) -> Diagnostic {
        let (line, column) = self.locate(pointer);
        let diagnostic = Diagnostic::error(code, message).at(&self.display, line, column);
        if pointer.is_empty() {
            diagnostic
        } else {
            diagnostic.pointer(pointer)
        }
    }

    /// The operations of the spec: paths sorted, methods in [`HTTP_METHODS`] order.
    pub fn operations(&self) -> Vec<Operation<'_>> {
        operations(&self.value)
    }
}

/// One operation of a spec.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'a> {
    /// The path template (`/v1.0/{project_id}/snapshots`).
    pub path: &'a str,
    /// The lower-case method key (`post`).
    pub method: &'static str,
    /// The operation object.
    pub value: &'a Value,
    /// The path item holding it (for path-level parameters).
    pub path_item: &'a Value,
}

impl Operation<'_> {
    /// The JSON pointer of the operation object.
    pub fn pointer(&self) -> String {
        format!("/paths/{}/{}", pointer_segment(self.path), self.method)
    }

    /// `operationId`, or `METHOD path` when it has none.
    pub fn name(&self) -> String {
        match self.value["operationId"].as_str() {
            Some(id) => id.to_string(),
            None => format!("{} {}", self.method.to_uppercase(), self.path),
        }
    }
}

/// Every operation under `paths`: paths sorted (serde_json's map is ordered by key), methods in
/// [`HTTP_METHODS`] order, so that diagnostics come out in the same order on every run.
pub fn operations(root: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    for (path, item) in root["paths"].as_object().into_iter().flatten() {
        for method in HTTP_METHODS {
            if let Some(op) = item.get(method) {
                out.push(Operation {
                    path,
                    method,
                    value: op,
                    path_item: item,
                });
            }
        }
    }
    out
}

/// The JSON pointer a local `$ref` names (`#/components/schemas/X` gives `/components/schemas/X`).
pub fn ref_target(node: &Value) -> Option<&str> {
    node.get("$ref")?.as_str()?.strip_prefix('#')
}

/// Follows local `$ref`s from the node at `pointer`: the final pointer and node, or `None` when
/// a reference points at nothing or references loop.
pub fn resolve_pointer<'a>(root: &'a Value, pointer: &str) -> Option<(String, &'a Value)> {
    let mut pointer = pointer.to_string();
    for _ in 0..32 {
        let node = root.pointer(&pointer)?;
        match ref_target(node) {
            Some(target) => pointer = target.to_string(),
            None => return Some((pointer, node)),
        }
    }
    None
}

/// Follows local `$ref`s from `node` to what they name; a reference that points at nothing
/// resolves to itself (the structure check reports it).
pub fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut current = node;
    for _ in 0..32 {
        match ref_target(current).and_then(|p| root.pointer(p)) {
            Some(target) => current = target,
            None => return current,
        }
    }
    current
}

/// Visits every node of `value` with its JSON pointer, parents before children.
pub fn walk(value: &Value, pointer: &str, visit: &mut dyn FnMut(&str, &Value)) {
    visit(pointer, value);
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                walk(child, &format!("{pointer}/{}", pointer_segment(key)), visit);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_come_in_a_stable_order_with_their_pointers() {
        let spec = SpecDocument::parse(
            "paths:\n  /b:\n    post: {operationId: B}\n    get: {operationId: A}\n  /a/{x}:\n    delete: {}\n"
                .into(),
            "t.yaml",
        )
        .unwrap();
        let found: Vec<(String, String)> = spec
            .operations()
            .iter()
            .map(|o| (o.pointer(), o.name()))
            .collect();
        assert_eq!(
            found,
            [
                ("/paths/~1a~1{x}/delete".into(), "DELETE /a/{x}".into()),
                ("/paths/~1b/get".into(), "A".into()),
                ("/paths/~1b/post".into(), "B".into()),
            ]
        );
        assert_eq!(spec.locate("/paths/~1a~1{x}/delete/missing"), (6, 5));
    }

    #[test]
    fn references_resolve_through_chains_and_stop_at_loops() {
        let root = serde_json::json!({
            "a": {"$ref": "#/b"}, "b": {"$ref": "#/c"}, "c": {"type": "string"},
            "x": {"$ref": "#/y"}, "y": {"$ref": "#/x"}, "broken": {"$ref": "#/nothing"}
        });
        assert_eq!(resolve_pointer(&root, "/a").unwrap().0, "/c");
        assert!(resolve_pointer(&root, "/x").is_none());
        assert!(resolve_pointer(&root, "/broken").is_none());
        assert_eq!(resolve(&root, &root["broken"]), &root["broken"]);
    }
}
