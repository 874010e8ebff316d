//! Each operation against the vendor pages it names in `x-doc-pages`: documented examples both
//! ways, parameter tables (name, type, required), status-code tables both ways, and recorded
//! deviations that must still excuse something.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde_json::Value;
use snapspec_codegen::diag::Diagnostic;
use snapspec_codegen::spec::{
    Operation, SpecDocument, pointer_segment, resolve, resolve_pointer, walk,
};

use super::examples::{ExampleRole, site_examples, sites};
use super::{Defects, is_within, operation_reach};
use crate::facts::read_facts;
use crate::pages::{ExampleKind, Location, Page, PageParameter, read_page};

/// A page as read once for all the operations that name it.
pub struct LoadedPage {
    /// The name the spec uses (`docs/css-create-index-snapshot.zh.md`).
    pub name: String,
    /// The path shown in diagnostics.
    pub display: String,
    pub page: Page,
    pub text: String,
}

/// The pages of one spec folder, each read and parsed at most once.
pub struct PageStore {
    spec_dir: PathBuf,
    display_prefix: String,
    loaded: RefCell<HashMap<String, Rc<LoadedPage>>>,
}

impl PageStore {
    pub fn new(spec_dir: &Path, display_prefix: &str) -> PageStore {
        PageStore {
            spec_dir: spec_dir.to_path_buf(),
            display_prefix: display_prefix.to_string(),
            loaded: RefCell::new(HashMap::new()),
        }
    }

    /// The page, or why it cannot be read. A `.json` page is a facts file (`cargo xtask facts`).
    fn get(&self, name: &str) -> Result<Rc<LoadedPage>, String> {
        if let Some(page) = self.loaded.borrow().get(name) {
            return Ok(page.clone());
        }
        let text = std::fs::read_to_string(self.spec_dir.join(name)).map_err(|e| e.to_string())?;
        let display = format!("{}/{name}", self.display_prefix);
        let page = if name.ends_with(".json") {
            read_facts(&text, &display)?
        } else {
            read_page(&text, name.ends_with(".md"))
        };
        let page = Rc::new(LoadedPage {
            name: name.to_string(),
            display,
            page,
            text,
        });
        self.loaded
            .borrow_mut()
            .insert(name.to_string(), page.clone());
        Ok(page)
    }

    /// The text of every page read, by displayed path, for the renderer.
    pub fn into_sources(self) -> impl Iterator<Item = (String, String)> {
        self.loaded
            .into_inner()
            .into_values()
            .map(|page| (page.display.clone(), page.text.clone()))
    }
}

/// What the checks of all operations learnt, for the spec-wide stale-deviation check.
#[derive(Default)]
struct Findings {
    /// Pointers of the deviations that excused a difference.
    used_deviations: BTreeSet<String>,
    /// Nodes reachable from operations whose pages were compared / not compared.
    checked_reach: BTreeSet<String>,
    skipped_reach: BTreeSet<String>,
}

/// `invalid_examples` are the pointers at which the example check found an example invalid:
/// their comparison with the pages would repeat that finding.
pub fn check(
    spec: &SpecDocument,
    pages: &PageStore,
    defects: &Defects,
    invalid_examples: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    let root = &spec.value;
    let mut out = Vec::new();
    let mut findings = Findings::default();
    for operation in spec.operations() {
        let operation_reach = operation_reach(root, &operation);
        if defects.touch_reach(&operation_reach) {
            findings.skipped_reach.extend(operation_reach);
            continue;
        }
        findings.checked_reach.extend(operation_reach);
        let Some(loaded) = operation_pages(spec, &operation, pages, &mut out) else {
            continue;
        };
        let context = OperationContext::new(spec, &operation);
        endpoints(&context, &loaded, &mut out);
        examples_both_ways(&context, &loaded, invalid_examples, &mut findings, &mut out);
        parameters(&context, &loaded, &mut findings, &mut out);
        statuses_both_ways(&context, &loaded, &mut findings, &mut out);
    }
    stale_deviations(spec, &findings, &mut out);
    out
}

/// The pages an operation names, read; a missing list or an unreadable page is a diagnostic.
/// `None` when the operation names no page at all.
fn operation_pages(
    spec: &SpecDocument,
    operation: &Operation<'_>,
    pages: &PageStore,
    out: &mut Vec<Diagnostic>,
) -> Option<Vec<Rc<LoadedPage>>> {
    let at = operation.pointer();
    let listed: Vec<&str> = operation.value["x-doc-pages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if listed.is_empty() {
        out.push(
            spec.diagnostic(
                "pages/none",
                format!(
                    "operation `{}` names no documentation page",
                    operation.name()
                ),
                &at,
            )
            .expected("x-doc-pages: [docs/<page>] on the operation")
            .help(
                "copy the vendor page under spec/docs/ and list it in the operation's x-doc-pages",
            ),
        );
        return None;
    }
    let mut loaded = Vec::new();
    for (i, name) in listed.iter().enumerate() {
        match pages.get(name) {
            Ok(page) => loaded.push(page),
            Err(e) => out.push(
                spec.diagnostic(
                    "pages/unreadable",
                    format!("cannot read page `{name}`: {e}"),
                    &format!("{at}/x-doc-pages/{i}"),
                )
                .help("copy the vendor page under spec/docs/ or write the facts file with `cargo xtask facts`, or fix the name"),
            ),
        }
    }
    Some(loaded)
}

/// The method and path a facts file gives, against the operation's.
fn endpoints(context: &OperationContext<'_>, pages: &[Rc<LoadedPage>], out: &mut Vec<Diagnostic>) {
    let operation = &context.operation;
    for loaded in pages {
        let Some(endpoint) = &loaded.page.endpoint else {
            continue;
        };
        if endpoint.method != operation.method || endpoint.path != operation.path {
            out.push(
                Diagnostic::error(
                    "pages/endpoint-differs",
                    format!(
                        "`{}` is {} {} in the spec, but {} {} in {}",
                        operation.name(),
                        operation.method.to_uppercase(),
                        operation.path,
                        endpoint.method.to_uppercase(),
                        endpoint.path,
                        loaded.name
                    ),
                )
                .at(&loaded.display, endpoint.line, endpoint.column)
                .pointer(operation.pointer())
                .help("move the operation to the documented method and path, or list the facts file of the right operation"),
            );
        }
    }
}

/// Where an operation's request and success bodies are described.
struct OperationContext<'a> {
    spec: &'a SpecDocument,
    operation: Operation<'a>,
    /// Pointers of the request body's schemas, one per media type.
    request_schemas: Vec<String>,
    /// Pointers of the 2xx responses' schemas, one per status and media type.
    success_schemas: Vec<String>,
}

impl<'a> OperationContext<'a> {
    fn new(spec: &'a SpecDocument, operation: &Operation<'a>) -> OperationContext<'a> {
        let mut context = OperationContext {
            spec,
            operation: *operation,
            request_schemas: Vec::new(),
            success_schemas: Vec::new(),
        };
        for site in sites(operation) {
            let schema = format!("{}/schema", site.pointer);
            match site.role {
                ExampleRole::Request => context.request_schemas.push(schema),
                ExampleRole::Success => context.success_schemas.push(schema),
                ExampleRole::Parameter | ExampleRole::Error => {}
            }
        }
        context
    }

    fn root(&self) -> &'a Value {
        &self.spec.value
    }

    fn listed(&self, page: &str) -> bool {
        self.operation.value["x-doc-pages"]
            .as_array()
            .is_some_and(|l| l.iter().any(|p| p == page))
    }
}

fn kind_name(kind: ExampleKind) -> &'static str {
    match kind {
        ExampleKind::Request => "request",
        ExampleKind::Response => "response",
    }
}

/// Every example of the operation's pages is in the spec with `x-doc-page`, and every spec
/// example that claims a page is on that page.
fn examples_both_ways(
    context: &OperationContext<'_>,
    pages: &[Rc<LoadedPage>],
    invalid_examples: &BTreeSet<String>,
    findings: &mut Findings,
    out: &mut Vec<Diagnostic>,
) {
    let spec = context.spec;
    // (kind, page, value, pointer) of every example that claims a page.
    let mut claimed = Vec::new();
    for site in sites(&context.operation) {
        let kind = match site.role {
            ExampleRole::Parameter => None,
            ExampleRole::Request => Some(ExampleKind::Request),
            ExampleRole::Success | ExampleRole::Error => Some(ExampleKind::Response),
        };
        for example in site_examples(context.root(), &site.pointer) {
            let Some(page) = example.page else { continue };
            if !context.listed(&page) {
                out.push(
                    spec.diagnostic(
                        "pages/unknown-page",
                        format!("the example claims page `{page}`, which the operation's x-doc-pages does not list"),
                        &example.pointer,
                    )
                    .expected(format!("one of {:?}", pages.iter().map(|p| p.name.as_str()).collect::<Vec<_>>()))
                    .help("add the page to the operation's x-doc-pages, or fix the name"),
                );
                continue;
            }
            claimed.push((kind, page, example.value, example.pointer));
        }
    }
    // Page examples with no equal copy in the spec, and spec copies equal to no page example.
    let mut unmatched_on_pages = Vec::new();
    for loaded in pages {
        for documented in &loaded.page.examples {
            let present = claimed.iter().any(|(kind, page, value, _)| {
                *kind == Some(documented.kind) && *page == loaded.name && *value == documented.value
            });
            if !present {
                unmatched_on_pages.push((loaded, documented));
            }
        }
    }
    let mut unmatched_in_spec = Vec::new();
    for (kind, page, value, pointer) in &claimed {
        let Some(loaded) = pages.iter().find(|p| p.name == *page) else {
            continue;
        };
        let on_page = match (kind, value) {
            (Some(kind), _) => loaded
                .page
                .examples
                .iter()
                .any(|e| e.kind == *kind && e.value == *value),
            // A parameter example is a value quoted in the page's text.
            (None, Value::String(s)) => loaded.text.contains(s.as_str()),
            (None, other) => loaded.text.contains(&other.to_string()),
        };
        if !on_page {
            unmatched_in_spec.push((*kind, page.as_str(), value, pointer.as_str()));
        }
    }
    // A page example and a spec copy of the same kind, both unmatched, are one difference: the
    // page changed or the copy was edited. An invalid copy was reported by the example check.
    for (loaded, documented) in unmatched_on_pages {
        let copy = unmatched_in_spec
            .iter()
            .position(|(kind, page, _, _)| *kind == Some(documented.kind) && *page == loaded.name);
        let Some(copy) = copy else {
            out.push(
                Diagnostic::error(
                    "pages/example-missing",
                    format!(
                        "this documented {} example is not in the spec",
                        kind_name(documented.kind)
                    ),
                )
                .at(&loaded.display, documented.line, 1)
                .expected(format!(
                    "an example of `{}` with `x-doc-page: {}` and this value in {}",
                    context.operation.name(),
                    loaded.name,
                    spec.display
                ))
                .found(serde_json::to_string(&documented.value).unwrap_or_default())
                .help("copy the page's example into the spec"),
            );
            continue;
        };
        let (_, _, value, pointer) = unmatched_in_spec.remove(copy);
        if invalid_examples
            .iter()
            .any(|invalid| is_within(invalid, pointer))
        {
            continue;
        }
        let (difference_at, difference) =
            first_difference(&documented.value, value, "").unwrap_or_default();
        // A copy corrected on purpose (the source's example is malformed there) records the
        // place it differs, with a reason, on the example: aspect `value`.
        let holder = pointer.strip_suffix("/value").unwrap_or(pointer);
        if let Some((recorded, deviation)) = recorded_deviation(
            context.root(),
            holder,
            &loaded.name,
            "value",
            Some(&difference_at),
        ) && deviation["reason"]
            .as_str()
            .is_some_and(|r| !r.trim().is_empty())
        {
            findings.used_deviations.insert(recorded);
            continue;
        }
        let (line, column) = spec.locate(pointer);
        out.push(
            Diagnostic::error(
                "pages/example-differs",
                format!(
                    "this documented {} example differs from the spec's copy",
                    kind_name(documented.kind)
                ),
            )
            .at(&loaded.display, documented.line, 1)
            .pointer(pointer)
            .expected(format!("the page's value: {difference}"))
            .found(format!("the copy in {}:{line}:{column}", spec.display))
            .help(format!("make the spec's copy equal to the page's example (the page is the source), or, if the page's example is itself wrong there, record it on the example in x-doc-deviations (page: {}, aspect: value, documented: {difference_at}, reason)", loaded.name)),
        );
    }
    for (_, page, value, pointer) in unmatched_in_spec {
        if invalid_examples
            .iter()
            .any(|invalid| is_within(invalid, pointer))
        {
            continue;
        }
        out.push(
            spec.diagnostic("pages/example-not-on-page", format!("the example claims page `{page}`, but the page has no such example"), pointer)
                .found(serde_json::to_string(value).unwrap_or_default())
                .help("make the value equal to the page's example, or remove x-doc-page if the example is ours"),
        );
    }
}

/// The first place where `page` and `copy` differ: its JSON pointer and
/// `at /path: X on the page, Y in the spec`.
fn first_difference(page: &Value, copy: &Value, path: &str) -> Option<(String, String)> {
    let at = |path: &str| {
        if path.is_empty() {
            "/".to_string()
        } else {
            path.to_string()
        }
    };
    match (page, copy) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|key| {
                let here = format!("{path}/{}", pointer_segment(key));
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => first_difference(x, y, &here),
                    (Some(x), None) => Some((
                        here.clone(),
                        format!("at {here}: {x} on the page, absent in the spec"),
                    )),
                    (None, Some(y)) => Some((
                        here.clone(),
                        format!("at {here}: absent on the page, {y} in the spec"),
                    )),
                    (None, None) => None,
                }
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}/{i}"))),
        _ if page == copy => None,
        _ => Some((
            at(path),
            format!("at {}: {page} on the page, {copy} in the spec", at(path)),
        )),
    }
}

/// A node of the spec that a page parameter corresponds to.
struct SpecNode {
    /// Where deviations are recorded and where diagnostics point.
    pointer: String,
    type_name: String,
    required: bool,
    /// The schema's `enum`, if any.
    allowed: Option<Vec<Value>>,
}

fn schema_type(root: &Value, schema: &Value) -> String {
    let schema = resolve(root, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => t.to_string(),
        None if schema.get("properties").is_some() => "object".to_string(),
        None => "any".to_string(),
    }
}

fn schema_enum(root: &Value, schema: &Value) -> Option<Vec<Value>> {
    resolve(root, schema).get("enum")?.as_array().cloned()
}

/// An enum as the diagnostics and deviations write it: its values in JSON, sorted, so that order
/// does not count.
fn enum_text(values: Option<&Vec<Value>>) -> String {
    let mut texts: Vec<String> = values.into_iter().flatten().map(Value::to_string).collect();
    texts.sort();
    format!("[{}]", texts.join(", "))
}

/// Breadth-first search for property `name` in the schema trees under `schema_pointers`.
fn find_property(root: &Value, schema_pointers: &[String], name: &str) -> Option<SpecNode> {
    let mut queue = schema_pointers.to_vec();
    let mut seen = BTreeSet::new();
    while !queue.is_empty() {
        let mut next = Vec::new();
        for pointer in queue {
            let Some((pointer, schema)) = resolve_pointer(root, &pointer) else {
                continue;
            };
            if !seen.insert(pointer.clone()) {
                continue;
            }
            let required = schema["required"]
                .as_array()
                .is_some_and(|r| r.iter().any(|n| n == name));
            if let Some(properties) = schema["properties"].as_object() {
                if let Some(property) = properties.get(name) {
                    // Deviations are recorded where the property is used, even if it is a `$ref`.
                    return Some(SpecNode {
                        pointer: format!("{pointer}/properties/{}", pointer_segment(name)),
                        type_name: schema_type(root, property),
                        required,
                        allowed: schema_enum(root, property),
                    });
                }
                for key in properties.keys() {
                    next.push(format!("{pointer}/properties/{}", pointer_segment(key)));
                }
            }
            if schema.get("items").is_some() {
                next.push(format!("{pointer}/items"));
            }
        }
        queue = next;
    }
    None
}

fn normalized_page_type(page_type: &str) -> String {
    let lower = page_type.trim().to_lowercase();
    match lower.as_str() {
        "string" => "string".into(),
        "integer" | "int" | "long" | "int32" | "int64" => "integer".into(),
        "number" | "float" | "double" => "number".into(),
        "boolean" | "bool" => "boolean".into(),
        "object" => "object".into(),
        "array" | "list" => "array".into(),
        other if other.ends_with(" object") => "object".into(),
        other if other.ends_with("[]") || other.starts_with("array of") => "array".into(),
        other => other.to_string(),
    }
}

fn spec_node(context: &OperationContext<'_>, parameter: &PageParameter) -> Option<SpecNode> {
    let root = context.root();
    let at = context.operation.pointer();
    match parameter.location {
        Location::Path | Location::Query | Location::Header => {
            let sources = [
                (
                    &context.operation.value["parameters"],
                    format!("{at}/parameters"),
                ),
                (
                    &context.operation.path_item["parameters"],
                    format!(
                        "/paths/{}/parameters",
                        pointer_segment(context.operation.path)
                    ),
                ),
            ];
            sources.into_iter().find_map(|(list, base)| {
                let list = list.as_array()?;
                let i = list.iter().position(|p| {
                    let p = resolve(root, p);
                    p["name"] == parameter.name.as_str() && p["in"] == parameter.location.name()
                })?;
                let p = resolve(root, &list[i]);
                Some(SpecNode {
                    pointer: format!("{base}/{i}"),
                    type_name: schema_type(root, &p["schema"]),
                    required: p["required"] == true,
                    allowed: schema_enum(root, &p["schema"]),
                })
            })
        }
        Location::Body if parameter.name.is_empty() => {
            let body = root.pointer(&format!("{at}/requestBody"))?;
            let schema = root.pointer(context.request_schemas.first()?)?;
            Some(SpecNode {
                pointer: format!("{at}/requestBody"),
                type_name: schema_type(root, schema),
                required: body["required"] == true,
                allowed: None,
            })
        }
        Location::Body => find_property(root, &context.request_schemas, &parameter.name),
        Location::Response => find_property(root, &context.success_schemas, &parameter.name),
    }
}

/// A recorded deviation of `aspect` for `documented` on `page`, listed at `holder`, if any:
/// its pointer.
fn recorded_deviation(
    root: &Value,
    holder: &str,
    page: &str,
    aspect: &str,
    documented: Option<&str>,
) -> Option<(String, Value)> {
    let list = root
        .pointer(&format!("{holder}/x-doc-deviations"))?
        .as_array()?;
    list.iter().enumerate().find_map(|(i, deviation)| {
        let matches = deviation["page"] == page
            && deviation["aspect"] == aspect
            && documented.is_none_or(|d| deviation["documented"] == d);
        matches.then(|| (format!("{holder}/x-doc-deviations/{i}"), deviation.clone()))
    })
}

fn parameters(
    context: &OperationContext<'_>,
    pages: &[Rc<LoadedPage>],
    findings: &mut Findings,
    out: &mut Vec<Diagnostic>,
) {
    let spec = context.spec;
    let root = context.root();
    let at = context.operation.pointer();
    let mut documented_names: BTreeSet<&str> = BTreeSet::new();
    for loaded in pages {
        for parameter in &loaded.page.parameters {
            documented_names.insert(&parameter.name);
            let Some(node) = spec_node(context, parameter) else {
                match recorded_deviation(root, &at, &loaded.name, "presence", Some(&parameter.name)) {
                    Some((pointer, _)) => {
                        findings.used_deviations.insert(pointer);
                    }
                    None => out.push(
                        Diagnostic::error("pages/parameter-missing", format!("the page documents {} parameter `{}`, which the spec does not have", parameter.location.name(), parameter.name))
                            .at(&loaded.display, parameter.line, parameter.column)
                            .expected(format!("`{}` in `{}` of {}", parameter.name, context.operation.name(), spec.display))
                            .found(format!("`{}` ({}) on the page only", parameter.name, parameter.type_name))
                            .help("add it to the spec, or record why not in the operation's x-doc-deviations (aspect: presence)"),
                    ),
                }
                continue;
            };
            let page_type = normalized_page_type(&parameter.type_name);
            let comparisons = [
                Some((
                    "type",
                    parameter.type_name.clone(),
                    page_type == node.type_name,
                    node.type_name.clone(),
                )),
                parameter.allowed.as_ref().map(|allowed| {
                    let documented = enum_text(Some(allowed));
                    let in_spec = enum_text(node.allowed.as_ref());
                    ("enum", documented.clone(), documented == in_spec, in_spec)
                }),
                parameter.required.as_ref().map(|required| {
                    let in_spec = if node.required { "Yes" } else { "No" };
                    (
                        "required",
                        required.clone(),
                        required == in_spec,
                        in_spec.to_string(),
                    )
                }),
            ];
            for (aspect, documented, agrees, in_spec) in comparisons.into_iter().flatten() {
                let recorded = recorded_deviation(root, &node.pointer, &loaded.name, aspect, None);
                match recorded {
                    // A deviation excuses a difference only with the page's current value and a reason.
                    Some((pointer, deviation))
                        if !agrees
                            && deviation["documented"].as_str() == Some(documented.as_str())
                            && deviation["reason"]
                                .as_str()
                                .is_some_and(|r| !r.trim().is_empty()) =>
                    {
                        findings.used_deviations.insert(pointer);
                    }
                    // Reported as stale by `stale_deviations`.
                    Some(_) => {}
                    None if !agrees => {
                        let (line, column) = spec.locate(&node.pointer);
                        out.push(
                            Diagnostic::error("pages/parameter-differs", format!("the {aspect} of {} parameter `{}` differs from the page", parameter.location.name(), parameter.name))
                                .at(&loaded.display, parameter.line, parameter.column)
                                .pointer(node.pointer.clone())
                                .expected(format!("{aspect} `{documented}`, as {} says", loaded.name))
                                .found(format!("{aspect} `{in_spec}` in {}:{line}:{column}", spec.display))
                                .help(format!("follow the page, or record the deviation with its reason in x-doc-deviations (page: {}, aspect: {aspect}, documented: {documented})", loaded.name)),
                        );
                    }
                    None => {}
                }
            }
        }
    }
    // Every request and success-response property is documented somewhere, or explained.
    for schema_root in context
        .request_schemas
        .iter()
        .chain(&context.success_schemas)
    {
        for (pointer, name, has_decision) in all_properties(root, schema_root) {
            if !documented_names.contains(name.as_str()) && !has_decision {
                out.push(
                    spec.diagnostic(
                        "pages/undocumented-property",
                        format!(
                            "property `{name}` is on none of the pages of `{}`",
                            context.operation.name()
                        ),
                        &pointer,
                    )
                    .help("remove it, or say why it is there in x-doc-decision"),
                );
            }
        }
    }
}

/// Every property in the schema tree under `schema_pointer`: (pointer, name, has x-doc-decision).
fn all_properties(root: &Value, schema_pointer: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let mut queue = vec![schema_pointer.to_string()];
    let mut seen = BTreeSet::new();
    while let Some(pointer) = queue.pop() {
        let Some((pointer, schema)) = resolve_pointer(root, &pointer) else {
            continue;
        };
        if !seen.insert(pointer.clone()) {
            continue;
        }
        for (name, property) in schema["properties"].as_object().into_iter().flatten() {
            let at = format!("{pointer}/properties/{}", pointer_segment(name));
            out.push((
                at.clone(),
                name.clone(),
                property.get("x-doc-decision").is_some(),
            ));
            queue.push(at);
        }
        if schema.get("items").is_some() {
            queue.push(format!("{pointer}/items"));
        }
    }
    out
}

/// The operation's responses and its pages' status codes, compared both ways: a status a page
/// documents must be a response (or a recorded deviation, aspect `status`); a response must be
/// documented by one of the pages (or explain itself in `x-doc-decision`).
fn statuses_both_ways(
    context: &OperationContext<'_>,
    pages: &[Rc<LoadedPage>],
    findings: &mut Findings,
    out: &mut Vec<Diagnostic>,
) {
    let spec = context.spec;
    let root = context.root();
    let at = context.operation.pointer();
    let responses = context.operation.value["responses"].as_object();
    let answers = |code: u16| responses.is_some_and(|r| r.contains_key(&code.to_string()));
    let mut documented: BTreeSet<u16> = BTreeSet::new();
    for loaded in pages {
        for status in &loaded.page.statuses {
            documented.insert(status.code);
            if answers(status.code) {
                continue;
            }
            let code = status.code.to_string();
            match recorded_deviation(root, &at, &loaded.name, "status", Some(&code)) {
                Some((pointer, _)) => {
                    findings.used_deviations.insert(pointer);
                }
                None => out.push(
                    Diagnostic::error("pages/status-missing", format!("the page documents status {code}, which `{}` does not answer in the spec", context.operation.name()))
                        .at(&loaded.display, status.line, status.column)
                        .expected(format!("a response `\"{code}\"` under {at}/responses in {}", spec.display))
                        .found(format!("responses {:?}", responses.map(|r| r.keys().collect::<Vec<_>>()).unwrap_or_default()))
                        .help("add the response, or record why not in the operation's x-doc-deviations (aspect: status)"),
                ),
            }
        }
    }
    for (status, response) in responses.into_iter().flatten() {
        let Ok(code) = status.parse::<u16>() else {
            continue; // `default` and ranges (`4XX`) stand for what the pages list.
        };
        if documented.contains(&code) || response.get("x-doc-decision").is_some() {
            continue;
        }
        out.push(
            spec.diagnostic(
                "pages/status-undocumented",
                format!(
                    "status {code} of `{}` is on none of its pages",
                    context.operation.name()
                ),
                &format!("{at}/responses/{}", pointer_segment(status)),
            )
            .expected(format!(
                "one of the statuses the pages document: {documented:?}"
            ))
            .help("remove the response, or say why it is there in x-doc-decision"),
        );
    }
}

/// Every recorded deviation in the parts of the spec whose operations were compared with their
/// pages must have excused something.
fn stale_deviations(spec: &SpecDocument, findings: &Findings, out: &mut Vec<Diagnostic>) {
    let judged = |pointer: &str| {
        let within = |set: &BTreeSet<String>| set.iter().any(|node| is_within(pointer, node));
        within(&findings.checked_reach) && !within(&findings.skipped_reach)
    };
    walk(&spec.value, "", &mut |pointer, value| {
        for (i, deviation) in value
            .get("x-doc-deviations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let at = format!("{pointer}/x-doc-deviations/{i}");
            if findings.used_deviations.contains(&at) || !judged(&at) {
                continue;
            }
            out.push(
                spec.diagnostic(
                    "pages/stale-deviation",
                    "this recorded deviation no longer matches the page",
                    &at,
                )
                .expected(format!(
                    "the page `{}` to say {} `{}`",
                    deviation["page"].as_str().unwrap_or("?"),
                    deviation["aspect"].as_str().unwrap_or("?"),
                    deviation["documented"].as_str().unwrap_or("?")
                ))
                .found("the page says otherwise, or now agrees with the spec")
                .help("update `documented` to what the page says now, or remove the deviation"),
            );
        }
    });
}

/// No panic on any page: the real documentation pages and facts files, mutated (byte ranges
/// deleted, duplicated or replaced, text inserted, control characters and CJK among it,
/// truncated), are read and compared with the specs that list them. A mutated page or facts
/// file yields diagnostics, each placed in a file (a line, or a JSON pointer), never a panic.
///
/// Cases per property: `PROPTEST_CASES`, 256 when unset. The dedicated run (see
/// RELIABILITY.md): `PROPTEST_CASES=100000 cargo test -p xtask no_panic` (the xtask and codegen
/// are optimised in the dev profile already).
#[cfg(test)]
mod no_panic {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;

    use proptest::prelude::*;
    use snapspec_codegen::spec::SpecDocument;

    use super::{PageStore, check};
    use crate::check::Defects;
    use crate::facts::read_facts;
    use crate::mutation::mutated_text;
    use crate::pages::read_page;

    fn spec_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
    }

    /// Every page and facts file the specs name, as `(name relative to spec/, text)`.
    fn pages() -> &'static [(String, String)] {
        static PAGES: OnceLock<Vec<(String, String)>> = OnceLock::new();
        PAGES.get_or_init(|| {
            let mut pages = Vec::new();
            for dir in ["docs", "facts/css", "facts/dws", "facts/alibaba-es"] {
                for entry in std::fs::read_dir(spec_dir().join(dir)).unwrap() {
                    let path = entry.unwrap().path();
                    let name = path.file_name().unwrap().to_str().unwrap();
                    if name.ends_with(".md") || name.ends_with(".txt") || name.ends_with(".json") {
                        let text = std::fs::read_to_string(&path).unwrap();
                        pages.push((format!("{dir}/{name}"), text));
                    }
                }
            }
            pages.sort();
            pages
        })
    }

    /// The three specs, parsed once.
    fn specs() -> &'static [SpecDocument] {
        static SPECS: OnceLock<Vec<SpecDocument>> = OnceLock::new();
        SPECS.get_or_init(|| {
            ["css", "dws", "alibaba-es"]
                .iter()
                .map(|api| {
                    let display = format!("spec/{api}.yaml");
                    SpecDocument::load(&spec_dir().join(format!("{api}.yaml")), &display).unwrap()
                })
                .collect()
        })
    }

    /// A copy of spec/docs and spec/facts in which one page can be replaced, written once per
    /// test thread: each case puts its mutated page in and the original back, since writing the
    /// whole copy per case cost more than the check it feeds.
    fn with_page_replaced<T>(name: &str, text: &str, run: impl FnOnce(&Path) -> T) -> T {
        thread_local! {
            static COPY: tempfile::TempDir = {
                let dir = tempfile::tempdir().unwrap();
                for (name, text) in pages() {
                    let path = dir.path().join(name);
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(path, text).unwrap();
                }
                dir
            };
        }
        /// Puts the original page back even when the check panics, so that shrinking after a
        /// failure starts from the real pages.
        struct Restore(PathBuf, Vec<u8>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let _ = std::fs::write(&self.0, &self.1);
            }
        }
        COPY.with(|copy| {
            let path = copy.path().join(name);
            let _restore = Restore(path.clone(), std::fs::read(&path).unwrap());
            std::fs::write(&path, text).unwrap();
            run(copy.path())
        })
    }

    /// The specs that name `page`: only they read it, so only their findings can change with it
    /// (the others were checked clean on the unmutated pages).
    fn specs_naming(page: &str) -> impl Iterator<Item = &'static SpecDocument> {
        let page = page.to_string();
        specs()
            .iter()
            .filter(move |spec| spec.text.contains(page.as_str()))
    }

    /// A page chosen by `index`, mutated.
    fn mutated_page() -> impl Strategy<Value = (usize, String)> {
        (0..pages().len())
            .prop_flat_map(|index| (Just(index), mutated_text(vec![pages()[index].1.clone()], 8)))
    }

    proptest! {
        #[test]
        fn mutated_pages_and_facts_are_read_without_panic((index, text) in mutated_page()) {
            let name = &pages()[index].0;
            if name.ends_with(".json") {
                if let Err(error) = read_facts(&text, name) {
                    // A facts file that cannot be read says which file.
                    prop_assert!(error.starts_with(name.as_str()), "{}", error);
                }
            } else {
                let _ = read_page(&text, name.ends_with(".md"));
            }
        }

        #[test]
        fn mutated_pages_give_located_diagnostics((index, text) in mutated_page()) {
            let (name, original) = &pages()[index];
            if specs_naming(name).next().is_none() {
                // `docs/sources.json`: no spec names it and the check does not read it.
                return Ok(());
            }
            let (diagnostics, sources) = with_page_replaced(name, &text, |copy| {
                let store = PageStore::new(copy, "spec");
                let mut diagnostics = Vec::new();
                for spec in specs_naming(name) {
                    diagnostics.extend(check(spec, &store, &Defects::new(&[]), &BTreeSet::new()));
                }
                let sources: std::collections::HashMap<String, String> =
                    store.into_sources().collect();
                (diagnostics, sources)
            });
            for diagnostic in &diagnostics {
                prop_assert!(!diagnostic.file.is_empty(), "{:?}", diagnostic);
                prop_assert!(
                    diagnostic.line >= 1 || diagnostic.pointer.is_some(),
                    "not located: {:?}",
                    diagnostic
                );
            }
            let _ = snapspec_codegen::diag::render_human(&diagnostics, &|file| sources.get(file).cloned());
            // The unmutated copy gives none of them: the findings come from the mutation.
            if text == *original {
                prop_assert!(diagnostics.is_empty(), "{:?}", diagnostics);
            }
        }
    }
}
