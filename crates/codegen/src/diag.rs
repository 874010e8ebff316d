//! Findings about a spec or a documentation page: what, where (file:line:column and JSON
//! pointer), expected and found, how to fix it. Rendered for people by annotate-snippets (rustc's
//! renderer, which places carets by display width, so CJK text lines up) or as JSON for tools.
//! The build scripts and `cargo xtask check` print the same diagnostics.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;

/// How bad a finding is. Every finding is an error today; the field keeps the JSON stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The check fails.
    Error,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// A stable code per kind of finding (`structure/broken-ref`, `pages/example-missing`, ...).
    pub code: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file, relative to the repository root where possible.
    pub file: String,
    /// 1-based line; 0 when the finding concerns the whole file.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// JSON pointer into the spec, when the finding is in a spec.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// What the check expected there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What it found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with a code and a message, not yet placed.
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

    /// Places it in `file` at `line`:`column` (0, 0 for the whole file).
    pub fn at(mut self, file: &str, line: usize, column: usize) -> Diagnostic {
        self.file = file.to_string();
        self.line = line;
        self.column = column;
        self
    }

    /// Names the JSON pointer of the spec node concerned.
    pub fn pointer(mut self, pointer: impl Into<String>) -> Diagnostic {
        self.pointer = Some(pointer.into());
        self
    }

    /// Says what was expected.
    pub fn expected(mut self, expected: impl Into<String>) -> Diagnostic {
        self.expected = Some(expected.into());
        self
    }

    /// Says what was found.
    pub fn found(mut self, found: impl Into<String>) -> Diagnostic {
        self.found = Some(found.into());
        self
    }

    /// Says how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// `file:line:column`, or the file alone for a whole-file finding.
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.column)
        }
    }
}

/// The byte range of the token that starts at 1-based character `column` of `line`: up to the
/// next space or punctuation that ends a YAML key, a table cell or an HTML text.
fn token_span(line: &str, column: usize) -> std::ops::Range<usize> {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let mut end = start;
    for (i, c) in rest.char_indices() {
        let stops = c.is_whitespace() || matches!(c, ':' | ',' | '<' | '|' | '}' | ']');
        if stops && i > 0 {
            break;
        }
        end = start + i + c.len_utf8();
    }
    start..end.max(start)
}

/// Renders diagnostics for a person, with the source line under each. `source_of` returns the
/// text of a file a diagnostic names.
pub fn render_human(
    diagnostics: &[Diagnostic],
    source_of: &dyn Fn(&str) -> Option<String>,
) -> String {
    let renderer = Renderer::plain();
    let mut out = String::new();
    for d in diagnostics {
        let source_line = (d.line > 0)
            .then(|| source_of(&d.file))
            .flatten()
            .and_then(|text| text.lines().nth(d.line - 1).map(str::to_string));
        let title = Level::ERROR.primary_title(d.message.as_str()).id(d.code);
        let mut group = match &source_line {
            Some(text) => title.element(
                Snippet::source(text.as_str())
                    .line_start(d.line)
                    .path(d.file.as_str())
                    .annotation(AnnotationKind::Primary.span(token_span(text, d.column))),
            ),
            None if d.line > 0 => title.element(
                Origin::path(d.file.as_str())
                    .line(d.line)
                    .char_column(d.column),
            ),
            None => title.element(Origin::path(d.file.as_str())),
        };
        let notes = [
            ("pointer", &d.pointer),
            ("expected", &d.expected),
            ("found", &d.found),
        ];
        for (name, value) in notes {
            if let Some(value) = value {
                group = group.element(Level::NOTE.no_name().message(format!("{name}: {value}")));
            }
        }
        if let Some(help) = &d.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let report: [Group<'_>; 1] = [group];
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out
}

/// Renders diagnostics as a JSON array.
pub fn render_json(diagnostics: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(diagnostics).unwrap_or_else(|_| "[]".to_string()) + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carets_line_up_under_wide_characters() {
        let text = "description: 项目编号 name: x\n";
        let d = Diagnostic::error("test/code", "a finding")
            .at("spec/t.yaml", 1, 19)
            .help("do this");
        let rendered = render_human(&[d], &|_| Some(text.to_string()));
        let lines: Vec<&str> = rendered.lines().collect();
        let source = lines.iter().find(|l| l.contains("项目编号")).unwrap();
        let caret = lines.iter().find(|l| l.contains('^')).unwrap();
        // Four CJK characters are eight columns wide: the caret sits under `name`.
        let width = |s: &str| {
            s.chars()
                .map(|c| if c.is_ascii() { 1 } else { 2 })
                .sum::<usize>()
        };
        let name_at = width(&source[..source.find("name").unwrap()]);
        assert_eq!(width(&caret[..caret.find('^').unwrap()]), name_at);
        assert_eq!(caret.matches('^').count(), 4, "{rendered}");
        assert!(
            rendered.contains("error[test/code]: a finding"),
            "{rendered}"
        );
        assert!(rendered.contains("--> spec/t.yaml:1:19"), "{rendered}");
        assert!(rendered.contains("help: do this"), "{rendered}");
    }

    #[test]
    fn a_whole_file_finding_names_the_file() {
        let d = Diagnostic::error("pages/unreadable", "cannot read").at("spec/docs/x.md", 0, 0);
        let rendered = render_human(&[d], &|_| None);
        assert!(rendered.contains("--> spec/docs/x.md"), "{rendered}");
    }
}
