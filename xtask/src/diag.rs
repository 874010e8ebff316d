//! Diagnostics in the style of rustc: what, where (file:line:column and JSON pointer), expected
//! and found, and how to fix it; or as JSON for other tools.

use std::fmt::Write as _;

use serde::Serialize;

/// How bad a finding is. Every finding is an error today; the field keeps the JSON stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
}

/// One finding of `cargo xtask check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable code per kind of finding (`structure/broken-ref`, `pages/example-missing`, ...).
    pub code: &'static str,
    pub message: String,
    /// The file, relative to the repository root where possible.
    pub file: String,
    /// 1-based line and column; 0 when the finding concerns the whole file.
    pub line: usize,
    pub column: usize,
    /// JSON pointer into the spec, when the finding is in a spec.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: String::new(),
            line: 0,
            column: 0,
            pointer: None,
            expected: None,
            found: None,
            help: None,
        }
    }

    pub fn at(mut self, file: &str, line: usize, column: usize) -> Diagnostic {
        self.file = file.to_string();
        self.line = line;
        self.column = column;
        self
    }

    pub fn pointer(mut self, pointer: impl Into<String>) -> Diagnostic {
        self.pointer = Some(pointer.into());
        self
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Diagnostic {
        self.expected = Some(expected.into());
        self
    }

    pub fn found(mut self, found: impl Into<String>) -> Diagnostic {
        self.found = Some(found.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// Renders diagnostics for a person, with the source line under each one. `source_of` returns the
/// text of a file named in a diagnostic.
pub fn render_human(
    diagnostics: &[Diagnostic],
    source_of: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let label = match d.severity {
            Severity::Error => "error",
        };
        let _ = writeln!(out, "{label}[{}]: {}", d.code, d.message);
        if d.line > 0 {
            let _ = writeln!(out, "  --> {}:{}:{}", d.file, d.line, d.column);
            if let Some(text) =
                source_of(&d.file).and_then(|t| t.lines().nth(d.line - 1).map(str::to_string))
            {
                let number = d.line.to_string();
                let pad = " ".repeat(number.len());
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{number} | {text}");
                let _ = writeln!(out, "{pad} | {}^", " ".repeat(d.column.saturating_sub(1)));
            }
        } else {
            let _ = writeln!(out, "  --> {}", d.file);
        }
        if let Some(pointer) = &d.pointer {
            let _ = writeln!(out, "   = pointer: {pointer}");
        }
        if let Some(expected) = &d.expected {
            let _ = writeln!(out, "   = expected: {expected}");
        }
        if let Some(found) = &d.found {
            let _ = writeln!(out, "   = found: {found}");
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "   = help: {help}");
        }
        out.push('\n');
    }
    if diagnostics.is_empty() {
        out.push_str("check passed: the specs agree with their documentation pages\n");
    } else {
        let _ = writeln!(out, "check found {} error(s)", diagnostics.len());
    }
    out
}

/// Renders diagnostics as a JSON array.
pub fn render_json(diagnostics: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(diagnostics).expect("diagnostics serialize") + "\n"
}
