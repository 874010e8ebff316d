//! A spec as text, as a JSON value, and with the line and column of every node, so that a JSON
//! pointer can be shown as `file:line:column`.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diag::Diagnostic;

pub struct SpecFile {
    /// Path as shown in diagnostics.
    pub display: String,
    pub text: String,
    pub value: Value,
    positions: HashMap<String, (usize, usize)>,
}

impl SpecFile {
    /// Reads and parses a spec. Malformed YAML is a diagnostic with its line and column.
    pub fn load(path: &Path, display: &str) -> Result<SpecFile, Box<Diagnostic>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostic::error("structure/unreadable", format!("cannot read the spec: {e}"))
                .at(display, 0, 0)
        })?;
        SpecFile::parse(text, display)
    }

    pub fn parse(text: String, display: &str) -> Result<SpecFile, Box<Diagnostic>> {
        let value: Value = serde_yaml::from_str(&text).map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((0, 0));
            Box::new(
                Diagnostic::error("structure/malformed-yaml", "the spec is not valid YAML")
                    .at(display, line, column)
                    .found(e.to_string())
                    .help("fix the YAML syntax at this place"),
            )
        })?;
        let positions = index_positions(&text);
        Ok(SpecFile {
            display: display.to_string(),
            text,
            value,
            positions,
        })
    }

    /// Line and column of the node at `pointer`, or of its nearest ancestor that has one.
    pub fn locate(&self, pointer: &str) -> (usize, usize) {
        let mut current = pointer.to_string();
        loop {
            if let Some(position) = self.positions.get(&current) {
                return *position;
            }
            match current.rfind('/') {
                Some(i) => current.truncate(i),
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
}

pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Walks the YAML events and records, for each node's JSON pointer, where it starts (for a
/// mapping value: where its key starts, which is where a person looks).
fn index_positions(text: &str) -> HashMap<String, (usize, usize)> {
    struct Frame {
        pointer: String,
        is_mapping: bool,
        next_index: usize,
        pending_key: Option<(String, Marker)>,
    }
    struct Indexer {
        stack: Vec<Frame>,
        positions: HashMap<String, (usize, usize)>,
    }
    impl Indexer {
        /// The pointer and position of a node that starts now, in the current container.
        fn child(&mut self, mark: Marker) -> Option<(String, Marker)> {
            let frame = self.stack.last_mut()?;
            if frame.is_mapping {
                let (key, key_mark) = frame.pending_key.take()?;
                Some((format!("{}/{}", frame.pointer, escape(&key)), key_mark))
            } else {
                let index = frame.next_index;
                frame.next_index += 1;
                Some((format!("{}/{index}", frame.pointer), mark))
            }
        }
        fn record(&mut self, pointer: &str, mark: Marker) {
            self.positions
                .entry(pointer.to_string())
                .or_insert((mark.line(), mark.col() + 1));
        }
        fn open(&mut self, mark: Marker, is_mapping: bool) {
            let (pointer, at) = match self.stack.is_empty() {
                true => (String::new(), mark),
                false => self.child(mark).unwrap_or((String::new(), mark)),
            };
            self.record(&pointer, at);
            self.stack.push(Frame {
                pointer,
                is_mapping,
                next_index: 0,
                pending_key: None,
            });
        }
    }
    impl MarkedEventReceiver for Indexer {
        fn on_event(&mut self, event: Event, mark: Marker) {
            match event {
                Event::MappingStart(..) => self.open(mark, true),
                Event::SequenceStart(..) => self.open(mark, false),
                Event::MappingEnd | Event::SequenceEnd => {
                    self.stack.pop();
                }
                Event::Scalar(value, ..) => {
                    let awaiting_key = self
                        .stack
                        .last()
                        .is_some_and(|f| f.is_mapping && f.pending_key.is_none());
                    if awaiting_key {
                        if let Some(frame) = self.stack.last_mut() {
                            frame.pending_key = Some((value, mark));
                        }
                    } else if let Some((pointer, at)) = self.child(mark) {
                        self.record(&pointer, at);
                    }
                }
                Event::Alias(_) => {
                    if let Some((pointer, at)) = self.child(mark) {
                        self.record(&pointer, at);
                    }
                }
                _ => {}
            }
        }
    }
    let mut indexer = Indexer {
        stack: Vec::new(),
        positions: HashMap::new(),
    };
    let mut parser = Parser::new_from_str(text);
    // A YAML error here was already reported by serde_yaml; positions are best effort.
    let _ = parser.load(&mut indexer, false);
    indexer.positions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_map_to_the_line_and_column_of_their_key() {
        let text = "openapi: 3.0.3\npaths:\n  /a/{b}:\n    post:\n      tags: [x, y]\n      operationId: A\n";
        let spec = SpecFile::parse(text.to_string(), "t.yaml").unwrap();
        assert_eq!(spec.locate("/openapi"), (1, 1));
        assert_eq!(spec.locate("/paths/~1a~1{b}/post"), (4, 5));
        assert_eq!(spec.locate("/paths/~1a~1{b}/post/operationId"), (6, 7));
        assert_eq!(spec.locate("/paths/~1a~1{b}/post/tags/1"), (5, 17));
        assert_eq!(spec.locate("/paths/~1a~1{b}/post/missing/deeper"), (4, 5));
    }

    #[test]
    fn malformed_yaml_is_a_located_diagnostic() {
        let e = SpecFile::parse("a: [1, 2\nb: 3\n".to_string(), "bad.yaml")
            .err()
            .unwrap();
        assert_eq!(e.code, "structure/malformed-yaml");
        assert!(e.line > 0);
    }
}
