//! The one place snapspec reads YAML: a single parse that yields the document as a JSON value
//! and, for every node, where it starts, so that a JSON pointer can be shown as `file:line:column`.
//!
//! yaml-rust2's event parser gives positions that serde-based YAML readers throw away; scalars
//! are resolved as YAML 1.2's core schema says (the same rules serde_yaml applies), so the value
//! equals what a serde-based reader would give for the specs' subset of YAML (no merge keys, no
//! non-string keys other than plain scalars).

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::spec::pointer_segment;

/// Where a node starts: 1-based line, 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters (not bytes) so that CJK text counts as people see it.
    pub column: usize,
}

impl Position {
    fn of(mark: Marker) -> Position {
        Position {
            line: mark.line(),
            column: mark.col() + 1,
        }
    }
}

/// A YAML document read once: its value and the position of each node by JSON pointer.
#[derive(Debug, Clone)]
pub struct LocatedValue {
    /// The document as JSON.
    pub value: Value,
    /// Where each node starts; a mapping value is placed at its key, which is where a person looks.
    pub positions: HashMap<String, Position>,
}

/// Why a text is not a YAML document snapspec can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What is wrong, in the parser's words or ours.
    pub message: String,
    /// Where.
    pub position: Position,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.position.line, self.position.column, self.message
        )
    }
}

impl std::error::Error for YamlError {}

/// Parses `text` (YAML or JSON) into a value with positions. A syntax error, a duplicate key, an
/// alias to an unknown anchor or a mapping used as a key is an error with its position.
pub fn parse(text: &str) -> Result<LocatedValue, YamlError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, false) {
        let mark = *e.marker();
        return Err(YamlError {
            message: e.info().to_string(),
            position: Position::of(mark),
        });
    }
    if let Some(error) = builder.error {
        return Err(error);
    }
    Ok(LocatedValue {
        value: builder.root.unwrap_or(Value::Null),
        positions: builder.positions,
    })
}

enum Frame {
    Mapping {
        pointer: String,
        anchor: usize,
        map: Map<String, Value>,
        pending_key: Option<(String, Marker)>,
    },
    Sequence {
        pointer: String,
        anchor: usize,
        items: Vec<Value>,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Value>,
    anchors: HashMap<usize, Value>,
    positions: HashMap<String, Position>,
    /// The first semantic error; the parser itself stops at the first syntax error.
    error: Option<YamlError>,
}

impl Builder {
    fn fail(&mut self, message: String, mark: Marker) {
        if self.error.is_none() {
            self.error = Some(YamlError {
                message,
                position: Position::of(mark),
            });
        }
    }

    /// The pointer of a node starting now and where to record it; `None` while a mapping waits
    /// for its key (the node is the key).
    fn place(&mut self, mark: Marker) -> Option<(String, Marker)> {
        match self.stack.last_mut() {
            None => Some((String::new(), mark)),
            Some(Frame::Mapping {
                pointer,
                pending_key,
                ..
            }) => {
                let (key, key_mark) = pending_key.as_ref()?;
                Some((format!("{pointer}/{}", pointer_segment(key)), *key_mark))
            }
            Some(Frame::Sequence { pointer, items, .. }) => {
                Some((format!("{pointer}/{}", items.len()), mark))
            }
        }
    }

    /// Puts a finished node into its parent (or makes it the root).
    fn attach(&mut self, value: Value, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Mapping {
                map, pending_key, ..
            }) => {
                if let Some((key, _)) = pending_key.take() {
                    map.insert(key, value);
                }
            }
            Some(Frame::Sequence { items, .. }) => items.push(value),
        }
    }

    fn open(&mut self, mark: Marker, anchor: usize, mapping: bool) {
        if self.awaiting_key() {
            self.fail(
                "a mapping or sequence used as a key; keys must be plain strings".into(),
                mark,
            );
        }
        let (pointer, at) = self.place(mark).unwrap_or((String::new(), mark));
        self.positions
            .entry(pointer.clone())
            .or_insert(Position::of(at));
        self.stack.push(if mapping {
            Frame::Mapping {
                pointer,
                anchor,
                map: Map::new(),
                pending_key: None,
            }
        } else {
            Frame::Sequence {
                pointer,
                anchor,
                items: Vec::new(),
            }
        });
    }

    fn awaiting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Mapping {
                pending_key: None,
                ..
            })
        )
    }

    fn close(&mut self) {
        let (value, anchor) = match self.stack.pop() {
            Some(Frame::Mapping { map, anchor, .. }) => (Value::Object(map), anchor),
            Some(Frame::Sequence { items, anchor, .. }) => (Value::Array(items), anchor),
            None => return,
        };
        self.attach(value, anchor);
    }

    fn node(&mut self, value: Value, anchor: usize, mark: Marker) {
        if let Some((pointer, at)) = self.place(mark) {
            self.positions.entry(pointer).or_insert(Position::of(at));
        }
        self.attach(value, anchor);
    }

    fn key(&mut self, key: String, mark: Marker) {
        let duplicate =
            matches!(self.stack.last(), Some(Frame::Mapping { map, .. }) if map.contains_key(&key));
        if duplicate {
            self.fail(
                format!("duplicate key `{key}`: a mapping may name each key once"),
                mark,
            );
        }
        if let Some(Frame::Mapping { pending_key, .. }) = self.stack.last_mut() {
            *pending_key = Some((key, mark));
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::MappingStart(anchor, _) => self.open(mark, anchor, true),
            Event::SequenceStart(anchor, _) => self.open(mark, anchor, false),
            Event::MappingEnd | Event::SequenceEnd => self.close(),
            Event::Scalar(text, style, anchor, tag) => {
                // A key is always text: `201:` names the key "201", as in JSON.
                if self.awaiting_key() {
                    return self.key(text, mark);
                }
                let explicit_string = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if style == TScalarStyle::Plain && !explicit_string {
                    plain_scalar(&text)
                } else {
                    Value::String(text)
                };
                self.node(value, anchor, mark);
            }
            Event::Alias(anchor) => {
                let Some(value) = self.anchors.get(&anchor).cloned() else {
                    return self.fail("an alias to an anchor not yet defined".into(), mark);
                };
                if self.awaiting_key() {
                    let key = value.as_str().map(str::to_string).unwrap_or_default();
                    return self.key(key, mark);
                }
                self.node(value, 0, mark);
            }
            _ => {}
        }
    }
}

/// A plain (unquoted) scalar under YAML 1.2's core schema: null, booleans, integers (decimal,
/// `0o` octal, `0x` hex), floats; anything else is a string. `.inf` and `.nan` stay strings,
/// since JSON has no such numbers.
fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if digits(unsigned, 10) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::Number(n.into());
        }
        if let Ok(n) = text.trim_start_matches('+').parse::<u64>() {
            return Value::Number(n.into());
        }
    }
    for (prefix, radix) in [("0o", 8), ("0x", 16)] {
        if let Some(rest) = text.strip_prefix(prefix)
            && digits(rest, radix)
            && let Ok(n) = i64::from_str_radix(rest, radix)
        {
            return Value::Number(n.into());
        }
    }
    if is_core_float(unsigned)
        && let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64)
    {
        return Value::Number(n);
    }
    Value::String(text.to_string())
}

/// `( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`, the core schema's float
/// (without its sign, which the caller strips).
fn is_core_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = all_digits(whole)
        && fraction.is_none_or(all_digits)
        && (!whole.is_empty() || fraction.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_follow_the_core_schema() {
        let doc = parse(
            "a: 1\nb: -2\nc: 1.5\nd: true\ne: ~\nf: \"1\"\ng: 1.0.3\nh: 0x1F\ni: .inf\nj: !!str 12\nk: 2017-06-13\nl: 1e3\n",
        )
        .unwrap();
        assert_eq!(
            doc.value,
            json!({"a": 1, "b": -2, "c": 1.5, "d": true, "e": null, "f": "1", "g": "1.0.3",
                   "h": 31, "i": ".inf", "j": "12", "k": "2017-06-13", "l": 1000.0})
        );
    }

    #[test]
    fn keys_are_text_and_positions_point_at_keys() {
        let text = "openapi: 3.0.3\npaths:\n  /a/{b}:\n    post:\n      tags: [x, y]\n      responses:\n        201: {description: 项目, x: 1}\n";
        let doc = parse(text).unwrap();
        assert_eq!(
            doc.value["paths"]["/a/{b}"]["post"]["responses"]["201"]["x"],
            1
        );
        let at = |p: &str| doc.positions.get(p).map(|p| (p.line, p.column));
        assert_eq!(at("/openapi"), Some((1, 1)));
        assert_eq!(at("/paths/~1a~1{b}/post"), Some((4, 5)));
        assert_eq!(at("/paths/~1a~1{b}/post/tags/1"), Some((5, 17)));
        // Columns count characters: the two CJK characters before `x` count one each.
        assert_eq!(at("/paths/~1a~1{b}/post/responses/201/x"), Some((7, 32)));
    }

    #[test]
    fn anchors_and_aliases_copy_the_value() {
        let doc = parse("a: &one {x: 1}\nb: *one\n").unwrap();
        assert_eq!(doc.value["b"], json!({"x": 1}));
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_are_located() {
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.position.line >= 1, "{e}");
        let e = parse("a: 1\nb:\n  c: 1\n  c: 2\n").unwrap_err();
        assert_eq!((e.position.line, e.position.column), (4, 3));
        assert!(e.message.contains("duplicate key `c`"), "{e}");
    }
}

/// serde_yaml, the YAML crate the project used before it needed positions, is kept as the
/// oracle: on every spec of the repository, this reader must give exactly its values.
#[cfg(test)]
mod same_values_as_serde_yaml {
    #[test]
    fn on_every_spec_and_corpus_case() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = vec![];
        for dir in ["spec", "xtask/tests/corpus"] {
            let mut stack = vec![root.join(dir)];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "yaml") {
                        files.push(path);
                    }
                }
            }
        }
        assert!(files.len() >= 3, "{files:?}");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let theirs: Result<serde_json::Value, _> = serde_yaml::from_str(&text);
            match (super::parse(&text), theirs) {
                (Ok(ours), Ok(theirs)) => assert_eq!(ours.value, theirs, "{}", file.display()),
                (Err(_), Err(_)) => {}
                // serde_json's map keeps the last of two equal keys; a spec that says one thing
                // twice is refused here on purpose.
                (Err(e), Ok(_)) if e.message.starts_with("duplicate key") => {}
                (ours, theirs) => panic!(
                    "{}: this reader says {:?}, serde_yaml says {:?}",
                    file.display(),
                    ours.map(|_| "valid"),
                    theirs.map(|_| "valid")
                ),
            }
        }
    }
}
