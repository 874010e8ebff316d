//! An HTML documentation page as the plain text `pages.rs` reads from a `*.txt` capture: one
//! line per block (heading, paragraph, list item), code blocks line by line as written, and each
//! table as a `|` table with its header cells one per line (`Parameter |`), a `---|` rule, then
//! one line per row (`project_id | Yes | String | Project ID. |`).
//!
//! Parsing is html5ever's (through `scraper`), so the implicit ends real pages rely on
//! (`<td>` without `</td>`, `<p>` closed by the next block) come out as a browser sees them.

use scraper::node::Node;
use scraper::{ElementRef, Html};

type NodeRef<'a> = ego_tree::NodeRef<'a, Node>;

/// The text of an HTML page, or why it is not one.
pub fn to_text(html: &str) -> Result<String, String> {
    let start = html.trim_start_matches('\u{feff}').trim_start();
    if !start.starts_with('<') {
        return Err("it does not start with an HTML tag: not an HTML page".to_string());
    }
    let document = Html::parse_document(html);
    let mut out = Writer::default();
    walk(*document.root_element(), &mut out);
    out.end_line();
    if out.lines.is_empty() {
        return Err("the HTML holds no text".to_string());
    }
    let mut text = out.lines.join("\n");
    text.push('\n');
    Ok(text)
}

#[derive(Default)]
struct Writer {
    lines: Vec<String>,
    current: String,
}

impl Writer {
    /// Running text: any whitespace run becomes one space.
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                if !self.current.is_empty() && !self.current.ends_with(' ') {
                    self.current.push(' ');
                }
            } else {
                self.current.push(c);
            }
        }
    }

    /// Ends the line being written, if it holds any text.
    fn end_line(&mut self) {
        let line = self.current.trim();
        if !line.is_empty() {
            self.lines.push(line.to_string());
        }
        self.current.clear();
    }
}

const SKIPPED: [&str; 8] = [
    "head", "script", "style", "noscript", "template", "svg", "iframe", "button",
];

const BLOCKS: [&str; 28] = [
    "html",
    "body",
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "figure",
    "figcaption",
    "caption",
    "hr",
    "form",
];

fn walk(node: NodeRef<'_>, out: &mut Writer) {
    match node.value() {
        Node::Text(text) => out.text(&text.text),
        Node::Element(element) => {
            let name = element.name();
            if SKIPPED.contains(&name) {
                return;
            }
            match name {
                "br" => out.end_line(),
                "pre" => {
                    out.end_line();
                    let text = raw_text(node);
                    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
                    let first = lines.iter().position(|l| !l.is_empty());
                    let last = lines.iter().rposition(|l| !l.is_empty());
                    if let (Some(first), Some(last)) = (first, last) {
                        out.lines
                            .extend(lines[first..=last].iter().map(|l| l.to_string()));
                    }
                }
                "table" => {
                    out.end_line();
                    table(node, out);
                }
                "li" => {
                    out.end_line();
                    out.current.push_str("- ");
                    children(node, out);
                    out.end_line();
                }
                _ if BLOCKS.contains(&name) => {
                    out.end_line();
                    children(node, out);
                    out.end_line();
                }
                _ => children(node, out),
            }
        }
        _ => {}
    }
}

fn children(node: NodeRef<'_>, out: &mut Writer) {
    for child in node.children() {
        walk(child, out);
    }
}

/// Every text under `node`, as written (for `<pre>`).
fn raw_text(node: NodeRef<'_>) -> String {
    ElementRef::wrap(node)
        .map(|element| element.text().collect())
        .unwrap_or_default()
}

/// The rows of `table` (through thead, tbody, tfoot), not those of tables nested in its cells.
fn rows<'a>(node: NodeRef<'a>, out: &mut Vec<NodeRef<'a>>) {
    for child in node.children() {
        if let Node::Element(element) = child.value() {
            match element.name() {
                "tr" => out.push(child),
                "table" => {}
                _ => rows(child, out),
            }
        }
    }
}

/// A cell's text on one line. `pages.rs` splits rows at `|`, which has no escape there, so a
/// `|` inside a cell becomes `/`.
fn cell_text(cell: NodeRef<'_>) -> String {
    let mut inner = Writer::default();
    children(cell, &mut inner);
    inner.end_line();
    inner.lines.join(" ").replace('|', "/")
}

fn table(node: NodeRef<'_>, out: &mut Writer) {
    for child in node.children() {
        if matches!(child.value(), Node::Element(e) if e.name() == "caption") {
            walk(child, out);
        }
    }
    let mut found = Vec::new();
    rows(node, &mut found);
    let rows: Vec<Vec<String>> = found
        .into_iter()
        .map(|row| {
            row.children()
                .filter(|c| matches!(c.value(), Node::Element(e) if e.name() == "td" || e.name() == "th"))
                .map(cell_text)
                .collect::<Vec<String>>()
        })
        .filter(|cells| !cells.is_empty())
        .collect();
    let Some((header, body)) = rows.split_first() else {
        return;
    };
    for cell in header {
        out.lines.push(format!("{cell} |"));
    }
    out.lines.push("---|".repeat(header.len()));
    for row in body {
        let mut line = String::new();
        for cell in row {
            line.push_str(cell);
            line.push_str(" | ");
        }
        out.lines.push(line.trim_end().to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xtask::pages::{ExampleKind, Location, read_page};

    /// A vendor page in the shape the Huawei and Alibaba help sites serve: navigation, headings,
    /// a parameter table whose cells are left unclosed and hold markup, a JSON example in a
    /// `<pre>`, a status table.
    const PAGE: &str = r#"<!DOCTYPE html>
<html><head><title>Create snapshot</title><script>var x = "<table>";</script></head>
<body>
<nav><a href="/">Home</a> &gt; <a href="/api">API</a></nav>
<h1>Creating a Snapshot</h1>
<p>This API is used to create
   a snapshot.</p>
<h2>URI</h2>
<pre>POST /v1.0/{project_id}/snapshots</pre>
<h2>Request Parameters</h2>
<table>
<caption>Table 2 Request parameters</caption>
<thead><tr><th>Parameter</th><th>Mandatory</th><th>Type</th><th>Description</th></tr></thead>
<tbody>
<tr><td>name<td>Yes<td>String<td>Snapshot <b>name</b>.<br>Either a|b.
<tr><td><p>description</p></td><td>No</td><td>String</td><td><p>Description.</p><p>Up to 256 characters.</p></td></tr>
</tbody>
</table>
<h2>Example Request</h2>
<pre>
POST https://{Endpoint}/v1.0/{project_id}/snapshots

{
  "snapshot" : {
    "name" : "snap-01"
  }
}
</pre>
<h2>Status Codes</h2>
<table>
<tr><th>Status Code</th><th>Description</th></tr>
<tr><td>200</td><td>OK</td></tr>
<tr><td>400</td><td>Bad Request</td></tr>
</table>
</body></html>
"#;

    #[test]
    fn an_html_page_becomes_text_whose_tables_and_examples_the_page_reader_reads() {
        let text = to_text(PAGE).unwrap();
        // Blocks are lines; scripts, the head and whitespace runs are gone.
        assert!(
            text.contains("\nThis API is used to create a snapshot.\n"),
            "{text}"
        );
        assert!(!text.contains("var x"), "{text}");
        assert!(!text.contains("Create snapshot\n"), "{text}");
        // The table in the `|` shape, one row per line, a `|` inside a cell replaced.
        assert!(
            text.contains("Parameter |\nMandatory |\nType |\nDescription |\n---|---|---|---|\n"),
            "{text}"
        );
        assert!(
            text.contains("name | Yes | String | Snapshot name. Either a/b. |\n"),
            "{text}"
        );
        assert!(
            text.contains("description | No | String | Description. Up to 256 characters. |\n"),
            "{text}"
        );
        let page = read_page(&text, false);
        let parameters: Vec<(&str, Location, Option<&str>, &str)> = page
            .parameters
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.location,
                    p.required.as_deref(),
                    p.type_name.as_str(),
                )
            })
            .collect();
        assert_eq!(
            parameters,
            [
                ("name", Location::Body, Some("Yes"), "String"),
                ("description", Location::Body, Some("No"), "String"),
            ]
        );
        assert_eq!(page.examples.len(), 1, "{text}");
        assert_eq!(page.examples[0].kind, ExampleKind::Request);
        assert_eq!(page.examples[0].value["snapshot"]["name"], "snap-01");
        let codes: Vec<u16> = page.statuses.iter().map(|s| s.code).collect();
        assert_eq!(codes, [200, 400], "{text}");
    }

    #[test]
    fn what_is_not_html_is_refused() {
        assert!(
            to_text("{\"not\": \"html\"}")
                .unwrap_err()
                .contains("not an HTML page")
        );
        assert!(
            to_text("<html><body>  </body></html>")
                .unwrap_err()
                .contains("no text")
        );
    }
}
