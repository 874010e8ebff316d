//! Reading the vendor documentation pages: their JSON examples and their parameter tables.
//!
//! Three formats occur: Markdown with HTML `<table>`s (`*.md`), plain-text exports whose tables
//! are `|`-separated (cells one per line, or rows one per line), and a plain-text export whose
//! tables lost their separators (a caption line `Table N ... Parameter`, then one line per cell).
//! Examples are JSON objects anywhere in the page, on one line or several; a table cell holding
//! JSON counts too. Whether an example is a request or a response comes from the nearest
//! preceding line that says so (`请求样例`, `Sample success responses`, `STATUS CODE 200`, ...).
//! Status codes come from the status-code or error-code section (a table or a list, in any of the
//! three formats) and from the status lines of response examples (`HTTP/1.1 200 OK`).

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleKind {
    Request,
    Response,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PageExample {
    pub kind: ExampleKind,
    pub value: Value,
    /// 1-based line where the JSON starts.
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
    Body,
    Response,
}

impl Location {
    pub fn name(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Body => "body",
            Location::Response => "response",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageParameter {
    /// Empty for the unnamed body parameter some pages document.
    pub name: String,
    pub location: Location,
    /// `Some("Yes")`/`Some("No")` as the page states it; `None` when the table has no such column.
    pub required: Option<String>,
    /// The type as the page writes it (`String`, `Snapshot object`, ...).
    pub type_name: String,
    pub line: usize,
    /// 1-based column (in characters) of the name on its line; 1 when it is not on that line.
    pub column: usize,
}

/// A status code the page documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageStatus {
    pub code: u16,
    pub line: usize,
    pub column: usize,
}

/// The method and path template a machine-readable source gives the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageEndpoint {
    pub method: String,
    pub path: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Default)]
pub struct Page {
    /// Only facts files state it; pages are matched to operations by the spec's `x-doc-pages`.
    pub endpoint: Option<PageEndpoint>,
    pub examples: Vec<PageExample>,
    pub parameters: Vec<PageParameter>,
    /// Each documented status once, at its first mention.
    pub statuses: Vec<PageStatus>,
}

pub fn read_page(text: &str, is_markdown: bool) -> Page {
    let mut parameters = if is_markdown {
        html_tables(text)
    } else {
        text_tables(text)
    };
    let lines: Vec<&str> = text.lines().collect();
    for parameter in &mut parameters {
        parameter.column = lines
            .get(parameter.line.wrapping_sub(1))
            .and_then(|line| char_column(line, &parameter.name))
            .unwrap_or(1);
    }
    Page {
        endpoint: None,
        examples: examples(text),
        parameters,
        statuses: statuses(&lines),
    }
}

/// 1-based character column of the first `needle` in `line` that stands alone (not inside a
/// longer word), if any.
fn char_column(line: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    line.match_indices(needle)
        .find(|(at, _)| {
            let before = line[..*at].chars().next_back();
            let after = line[at + needle.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
        .map(|(at, _)| line[..at].chars().count() + 1)
}

// ---------------------------------------------------------------- status codes

/// A heading or caption that opens the page's status-code or error-code section.
fn opens_status_section(line: &str) -> bool {
    section_location(line) == Some(None)
}

/// The status code a response example's status line gives (`STATUS CODE 200`,
/// `HTTP/1.1 200 OK`, `状态码:200`), if the line has one.
fn example_status(line: &str) -> Option<u16> {
    let lower = line.to_lowercase();
    ["status code", "http/1.1", "http/1.0", "状态码:", "状态码："]
        .iter()
        .find_map(|marker| {
            let at = lower.find(marker)?;
            let rest = lower[at + marker.len()..].trim_start();
            let code = rest.get(..3).filter(|c| is_status_code(c))?;
            let ends = rest[3..].chars().next().is_none_or(|c| !c.is_ascii_digit());
            ends.then(|| code.parse().ok()).flatten()
        })
}

fn is_status_code(text: &str) -> bool {
    text.len() == 3
        && text.bytes().all(|b| b.is_ascii_digit())
        && (b'1'..=b'5').contains(&text.as_bytes()[0])
}

/// The status code a line of a status table or list starts with: `400`, `- 200`, `200 |`,
/// `400 Bad Request`, `400 | InstanceActivating | ...`.
fn leading_status(line: &str) -> Option<u16> {
    let text = line.trim();
    let text = text.strip_prefix(['-', '*']).map_or(text, str::trim_start);
    let code = text.get(..3).filter(|c| is_status_code(c))?;
    let rest = &text[3..];
    let reason = rest.split('|').next().unwrap_or("");
    let reason_is_words = reason
        .chars()
        .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '-');
    let starts_apart = rest.is_empty() || rest.starts_with([' ', '\t', '|']);
    (starts_apart && reason_is_words)
        .then(|| code.parse().ok())
        .flatten()
}

/// Status codes of a page: every code that a line of the status section starts with (a list
/// item, a `|` row or an HTML table cell, `400 Bad Request` included), and the status of each
/// response example's status line, anywhere.
fn statuses(lines: &[&str]) -> Vec<PageStatus> {
    let mut out: Vec<PageStatus> = Vec::new();
    let mut push = |code: u16, line_index: usize, line: &str| {
        if out.iter().any(|s| s.code == code) {
            return;
        }
        out.push(PageStatus {
            code,
            line: line_index + 1,
            column: char_column(line, &code.to_string()).unwrap_or(1),
        });
    };
    let mut in_section = false;
    for (i, line) in lines.iter().enumerate() {
        if opens_status_section(line) {
            in_section = true;
            continue;
        }
        // Another Markdown heading ends the section. The text exports have no reliable headings
        // (`Request error.` is a table cell); their status sections run to the end of the page.
        if line.trim_start().starts_with('#') {
            in_section = false;
        }
        if let Some(code) = example_status(line) {
            push(code, i, line);
        }
        if in_section {
            let text = if line.contains('<') {
                html_text(line)
            } else {
                line.to_string()
            };
            if let Some(code) = leading_status(&text) {
                push(code, i, line);
            }
        }
    }
    out
}

// ---------------------------------------------------------------- examples

fn kind_hint(line: &str) -> Option<ExampleKind> {
    let lower = line.to_lowercase();
    const REQUEST: [&str; 6] = [
        "请求样例",
        "请求示例",
        "request example",
        "sample request",
        "post ",
        "sample code",
    ];
    const RESPONSE: [&str; 6] = [
        "响应样例",
        "响应示例",
        "example response",
        "sample success response",
        "status code",
        "http/1.1 200",
    ];
    if RESPONSE.iter().any(|w| lower.contains(w)) || lower.starts_with("状态码:") {
        Some(ExampleKind::Response)
    } else if REQUEST.iter().any(|w| lower.contains(w)) || lower.starts_with("request parameters") {
        Some(ExampleKind::Request)
    } else {
        None
    }
}

/// The first JSON value starting at `text`, if `text` starts one (trailing text is ignored).
fn json_at(text: &str) -> Result<Value, bool> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    match values.next() {
        Some(Ok(value)) => Ok(value),
        // `true` means: the JSON may continue on the next line.
        Some(Err(e)) => Err(e.is_eof()),
        None => Err(true),
    }
}

fn examples(text: &str) -> Vec<PageExample> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut kind = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let brace = line.find('{');
        let before = &line[..brace.unwrap_or(line.len())];
        if let Some(hint) = kind_hint(before) {
            kind = Some(hint);
        }
        // Any `{` of the line may open the JSON (`POST https://{Endpoint}/... {"snapshot": ...}`).
        for (start, _) in line.match_indices('{') {
            let mut candidate = line[start..].to_string();
            let mut end = i;
            let parsed = loop {
                match json_at(&candidate) {
                    Ok(value) => break Some(value),
                    Err(true) if end + 1 < lines.len() && end - i < 80 => {
                        end += 1;
                        candidate.push('\n');
                        candidate.push_str(lines[end]);
                    }
                    Err(_) => break None,
                }
            };
            // `{}` occurs in SDK sample code (`&model.CreateSnapshotRequest{}`); no example is empty.
            let is_example = matches!(&parsed, Some(Value::Object(map)) if !map.is_empty());
            if let (true, Some(value), Some(kind)) = (is_example, parsed, kind) {
                out.push(PageExample {
                    kind,
                    value,
                    line: i + 1,
                });
                i = end;
                break;
            }
        }
        i += 1;
    }
    out
}

// ---------------------------------------------------------------- tables

/// Which part of the request a section heading introduces: `Some(None)` for the status-code or
/// error-code section, which introduces no parameters.
fn section_location(line: &str) -> Option<Option<Location>> {
    let heading = line.trim().trim_start_matches('#').trim().to_lowercase();
    let heading = heading.split('<').next().unwrap_or("").trim().to_string();
    if heading.len() > 40 {
        return None;
    }
    if heading == "uri" || heading.starts_with("uri ") {
        Some(Some(Location::Path))
    } else if heading.starts_with("请求") || heading.starts_with("request") {
        Some(Some(Location::Body))
    } else if heading.starts_with("响应") || heading.starts_with("response") {
        Some(Some(Location::Response))
    } else if matches!(
        heading.as_str(),
        "状态码" | "status code" | "status codes" | "error codes" | "错误码"
    ) {
        Some(None)
    } else {
        None
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Required,
    Type,
    Position,
    Other,
}

fn column_of(header: &str) -> Option<Column> {
    let h = header.trim().to_lowercase();
    Some(match h.as_str() {
        "参数" | "parameter" | "header" | "name" => Column::Name,
        "是否必选" | "是否为必选" | "required" | "mandatory" => Column::Required,
        "类型" | "参数类型" | "type" => Column::Type,
        "position" => Column::Position,
        "说明" | "描述" | "description" | "example" | "示例" => Column::Other,
        _ => return None,
    })
}

fn location_of_position(position: &str) -> Option<Location> {
    match position.trim().to_lowercase().as_str() {
        "path" => Some(Location::Path),
        "query" => Some(Location::Query),
        "header" => Some(Location::Header),
        "body" => Some(Location::Body),
        _ => None,
    }
}

fn yes_no(value: &str) -> String {
    match value.trim() {
        "是" | "Yes" | "yes" | "true" => "Yes".to_string(),
        "否" | "No" | "no" | "false" => "No".to_string(),
        other => other.to_string(),
    }
}

/// Turns header + rows into parameters, if the table is a parameter table (has name and type).
fn table_parameters(
    headers: &[Column],
    rows: Vec<(Vec<String>, usize)>,
    section: Option<Location>,
    out: &mut Vec<PageParameter>,
) {
    let find = |c: Column| headers.iter().position(|h| *h == c);
    let (Some(name_col), Some(type_col)) = (find(Column::Name), find(Column::Type)) else {
        return;
    };
    for (mut cells, line) in rows {
        if cells.len() + 1 == headers.len() && name_col == 0 {
            // A row without its name cell: the page's unnamed body parameter.
            cells.insert(0, String::new());
        }
        if cells.len() != headers.len() {
            continue;
        }
        let location = match find(Column::Position) {
            Some(p) => location_of_position(&cells[p]),
            None => section,
        };
        let Some(location) = location else { continue };
        out.push(PageParameter {
            name: cells[name_col].trim().to_string(),
            location,
            required: find(Column::Required).map(|r| yes_no(&cells[r])),
            type_name: cells[type_col].trim().to_string(),
            line,
            column: 1,
        });
    }
}

/// The elements `<name ...>inner</name>` in `text`, each as (offset of its `<`, inner text).
/// `names` lists the tag names that count (`["td", "th"]`); the pages' tables do not nest.
fn elements<'a>(text: &'a str, names: &[&str]) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find('<') {
        let start = from + found;
        let after = &text[start + 1..];
        let name = names.iter().find(|name| {
            after.starts_with(**name)
                && after[name.len()..].starts_with(|c: char| c == '>' || c.is_whitespace())
        });
        let Some(name) = name else {
            from = start + 1;
            continue;
        };
        let Some(open_end) = after.find('>') else {
            break;
        };
        let inner_start = start + 1 + open_end + 1;
        let close = format!("</{name}>");
        let Some(inner_len) = text[inner_start..].find(&close) else {
            break;
        };
        out.push((start, &text[inner_start..inner_start + inner_len]));
        from = inner_start + inner_len + close.len();
    }
    out
}

/// The text of an HTML fragment: tags dropped, whitespace collapsed, entities decoded.
fn html_text(fragment: &str) -> String {
    let mut text = String::with_capacity(fragment.len());
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    decode_entities(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn html_tables(text: &str) -> Vec<PageParameter> {
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut out = Vec::new();
    for (table_start, table) in elements(text, &["table"]) {
        let section = text[..table_start]
            .lines()
            .rev()
            .find_map(section_location)
            .flatten();
        // The table's own offset within `text`, to turn a row's offset into a line.
        let inner_offset = table.as_ptr() as usize - text.as_ptr() as usize;
        let mut rows = elements(table, &["tr"])
            .into_iter()
            .map(|(row_start, row)| {
                let cells: Vec<String> = elements(row, &["td", "th"])
                    .into_iter()
                    .map(|(_, cell)| html_text(cell))
                    .collect();
                (cells, line_of(inner_offset + row_start))
            });
        let Some((header, _)) = rows.next() else {
            continue;
        };
        let Some(columns) = header
            .iter()
            .map(|h| column_of(h))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        table_parameters(&columns, rows.collect(), section, &mut out);
    }
    out
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Tables of the plain-text exports.
fn text_tables(text: &str) -> Vec<PageParameter> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut section = None;
    let mut i = 0;
    while i < lines.len() {
        if let Some(location) = section_location(lines[i]) {
            section = location;
        }
        // A caption that lost its separators: `Table 3 Snapshot Parameter`, then a cell per line.
        let caption_column = lines[i]
            .strip_prefix("Table ")
            .and_then(|rest| rest.trim_end().rsplit(' ').next())
            .and_then(column_of);
        if caption_column == Some(Column::Name) {
            {
                let mut columns = vec![Column::Name];
                let mut j = i + 1;
                while j < lines.len() {
                    match column_of(lines[j]) {
                        Some(c) if c != Column::Name => columns.push(c),
                        _ => break,
                    }
                    j += 1;
                }
                let mut rows = Vec::new();
                while j + columns.len() <= lines.len() {
                    let cells: Vec<String> = lines[j..j + columns.len()]
                        .iter()
                        .map(|s| s.trim().to_string())
                        .collect();
                    if cells.iter().any(|c| {
                        c.starts_with("Table ")
                            || c.starts_with("- ")
                            || section_location(c).is_some()
                    }) {
                        break;
                    }
                    rows.push((cells, j + 1));
                    j += columns.len();
                }
                table_parameters(&columns, rows, section, &mut out);
                i = j;
                continue;
            }
        }
        // A `|` table: header cells one per line (`参数 |`).
        let header_cell = |s: &str| s.trim_end().strip_suffix('|').and_then(column_of);
        if header_cell(lines[i]).is_some() {
            let mut columns = Vec::new();
            let mut j = i;
            while j < lines.len() {
                match header_cell(lines[j]) {
                    Some(c) => columns.push(c),
                    None => break,
                }
                j += 1;
            }
            if j < lines.len() && lines[j].trim_start().starts_with("---") {
                j += 1;
            }
            let mut rows = Vec::new();
            while j < lines.len() {
                let line = lines[j];
                if line.matches('|').count() >= 2 {
                    // One row per line; a row may end on the next line with a lone `|`.
                    let mut row = line.to_string();
                    if !row.trim_end().ends_with('|')
                        && lines.get(j + 1).is_some_and(|n| n.trim() == "|")
                    {
                        row.push('|');
                        j += 1;
                    }
                    let cells: Vec<String> = row
                        .trim_end()
                        .trim_end_matches('|')
                        .split('|')
                        .map(|c| c.trim().to_string())
                        .collect();
                    rows.push((cells, j + 1));
                    j += 1;
                } else if line.trim_end().ends_with('|') && j + columns.len() <= lines.len() {
                    // One cell per line.
                    let cells: Vec<String> = lines[j..j + columns.len()]
                        .iter()
                        .map(|s| s.trim_end().trim_end_matches('|').trim().to_string())
                        .collect();
                    rows.push((cells, j + 1));
                    j += columns.len();
                } else {
                    break;
                }
            }
            table_parameters(&columns, rows, section, &mut out);
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(name: &str) -> Page {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../spec/docs")
            .join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        read_page(&text, name.ends_with(".md"))
    }

    fn codes(page: &Page) -> Vec<u16> {
        let mut codes: Vec<u16> = page.statuses.iter().map(|s| s.code).collect();
        codes.sort();
        codes
    }

    #[test]
    fn status_tables_are_read_in_every_page_format() {
        // An HTML table with a status column.
        assert_eq!(
            codes(&page("css-create-index-snapshot.zh.md")),
            [201, 400, 403, 406, 500, 501]
        );
        // A list item for the success, an HTML table of `400 Bad Request` cells for the errors.
        assert_eq!(
            codes(&page("dws-create-snapshot.zh.md")),
            [200, 400, 401, 403, 404, 500, 503]
        );
        // A separator-less text export: the success comes from the example's status line.
        assert_eq!(
            codes(&page("dws-create-snapshot.en.txt")),
            [200, 400, 401, 403, 404, 500, 503]
        );
        // A `|` table, one cell per line.
        assert_eq!(
            codes(&page("dws-create-snapshot-sdk.zh.txt")),
            [200, 400, 401, 403, 404, 500, 503]
        );
        // An error-code table and `HTTP/1.1 200 OK`.
        assert_eq!(
            codes(&page("alibaba-es-add-snapshot-repo.en.txt")),
            [200, 400]
        );
    }

    #[test]
    fn a_status_is_placed_at_its_code() {
        let text = "Status Code\n- Normal\nTable 6 Returned values\n409 Conflict\n";
        let statuses = read_page(text, false).statuses;
        assert_eq!(
            statuses,
            [PageStatus {
                code: 409,
                line: 4,
                column: 1
            }]
        );
    }

    #[test]
    fn parameters_are_placed_at_their_name() {
        let page = page("css-create-index-snapshot.zh.md");
        let backup = page.parameters.iter().find(|p| p.name == "backup").unwrap();
        assert!(backup.column > 1, "{backup:?}");
    }
}
