//! Byte-level mutations of a seed text, as a proptest strategy that shrinks towards fewer and
//! smaller edits. Shared by the no-panic property tests of several crates, each of which
//! includes this file with `#[path = ...] mod mutation;` (a test-only helper, not a crate).
//!
//! A mutation works on bytes, so it can cut a multi-byte character in half; [`mutated_text`]
//! turns the result into a `String` with `from_utf8_lossy`, which keeps such cuts visible as
//! U+FFFD, and [`mutated_bytes`] hands the raw bytes to parsers that take bytes.

#![allow(dead_code)]

use proptest::prelude::*;
use proptest::sample::Index;

/// One edit of a byte buffer. Positions are [`Index`]es, scaled to the buffer's length when the
/// edit is applied, so the same edit applies to any seed.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Remove up to `len` bytes at `at`.
    Delete { at: Index, len: usize },
    /// Copy up to `len` bytes at `from` to `to`.
    Duplicate { from: Index, len: usize, to: Index },
    /// Replace up to `len` bytes at `at` with `with`.
    Replace { at: Index, len: usize, with: String },
    /// Insert `with` at `at`.
    Insert { at: Index, with: String },
    /// Cut the buffer at `at`.
    Truncate { at: Index },
}

/// Text worth inserting: control characters, CJK, characters that are several bytes long, the
/// punctuation YAML, JSON, INI, URLs and headers are made of, printable ASCII, and anything.
pub fn insertion() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            ":", ": ", "\n", "\r\n", "  ", "\t", "- ", "-", "{", "}", "[", "]", "'", "\"", "&",
            "*", "!", "#", "%", "%2", "%ZZ", "%C3", "=", ",", ";", "?", "/", "\\", "|", ">", "~",
            "$ref", "#/", "@", "`", "\u{0}", "\u{7f}", "\u{85}", "\u{feff}", "\u{2028}", "é",
            "€", "𝄞", "中", "\u{fffd}",
        ])
        .prop_map(str::to_string),
        1 => "[\\x00-\\x1f\\x7f]{1,4}",
        1 => "[\u{4e00}-\u{9fa5}\u{3000}-\u{303f}]{1,4}",
        2 => "[ -~]{1,12}",
        1 => any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

/// One [`Edit`], lengths kept small so that an edit rarely wipes the structure out.
pub fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => (any::<Index>(), 1..64usize).prop_map(|(at, len)| Edit::Delete { at, len }),
        1 => (any::<Index>(), 1..64usize, any::<Index>())
            .prop_map(|(from, len, to)| Edit::Duplicate { from, len, to }),
        3 => (any::<Index>(), 0..8usize, insertion())
            .prop_map(|(at, len, with)| Edit::Replace { at, len, with }),
        3 => (any::<Index>(), insertion()).prop_map(|(at, with)| Edit::Insert { at, with }),
        1 => any::<Index>().prop_map(|at| Edit::Truncate { at }),
    ]
}

/// The position `at` stands for in a buffer of `len` bytes (`0..=len`).
fn position(at: &Index, len: usize) -> usize {
    at.index(len + 1)
}

/// `bytes` with `edits` applied in order.
pub fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        let n = bytes.len();
        match edit {
            Edit::Delete { at, len } => {
                let start = position(at, n);
                let end = (start + len).min(n);
                bytes.drain(start..end);
            }
            Edit::Duplicate { from, len, to } => {
                let start = position(from, n);
                let end = (start + len).min(n);
                let copy = bytes[start..end].to_vec();
                let to = position(to, n);
                bytes.splice(to..to, copy);
            }
            Edit::Replace { at, len, with } => {
                let start = position(at, n);
                let end = (start + len).min(n);
                bytes.splice(start..end, with.bytes());
            }
            Edit::Insert { at, with } => {
                let at = position(at, n);
                bytes.splice(at..at, with.bytes());
            }
            Edit::Truncate { at } => bytes.truncate(position(at, n)),
        }
    }
    bytes
}

/// One of `seeds` with 1 to `max_edits` edits applied, as bytes.
pub fn mutated_bytes(seeds: Vec<String>, max_edits: usize) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(seeds),
        prop::collection::vec(edit(), 1..=max_edits),
    )
        .prop_map(|(seed, edits)| apply(seed.into_bytes(), &edits))
}

/// One of `seeds` with 1 to `max_edits` edits applied, as text (cut characters become U+FFFD).
pub fn mutated_text(seeds: Vec<String>, max_edits: usize) -> impl Strategy<Value = String> {
    mutated_bytes(seeds, max_edits).prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

/// Arbitrary text for a parser of short values: anything, mostly-ASCII runs, and mutations of
/// the `seeds` (valid values, so that the parser gets past its first checks).
pub fn short_text(seeds: &[&str]) -> impl Strategy<Value = String> {
    let seeds: Vec<String> = seeds.iter().map(|s| s.to_string()).collect();
    prop_oneof![
        1 => any::<String>(),
        1 => "[ -~]{0,40}",
        4 => mutated_text(seeds, 4),
    ]
}
