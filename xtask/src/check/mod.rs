//! `cargo xtask check`: every check over every operation of every spec, all findings in one run.
//!
//! The order of the checks is also how a defect is kept from cascading: a spec that is not YAML
//! gets one diagnostic; structural defects (a broken `$ref`, a path parameter that does not match
//! the template, a shape progenitor cannot generate; found by `snapspec_codegen`, which the build
//! scripts run too) are reported, and the operations they touch
//! (the operation itself and every schema it reaches) get no example or page checks until the
//! defect is fixed, since those would only repeat it. Every other operation gets every check.

mod documentation;
mod examples;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde_json::Value;
use snapspec_codegen::apis::{APIS, Api};
use snapspec_codegen::diag::Diagnostic;
use snapspec_codegen::spec::{Operation, SpecDocument, pointer_segment, ref_target, walk};

use crate::cache::GenerationCache;

/// A spec that parsed, ready for publishing.
pub struct CheckedSpec {
    pub api: &'static Api,
    pub document: SpecDocument,
}

/// What one run of the check found.
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub specs: Vec<CheckedSpec>,
    /// The text of every file a diagnostic may name, by its displayed path.
    pub sources: HashMap<String, String>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.diagnostics.is_empty()
    }

    /// The diagnostics for a person, with a closing line.
    pub fn render_human(&self) -> String {
        let mut out = snapspec_codegen::diag::render_human(&self.diagnostics, &|file| {
            self.sources.get(file).cloned()
        });
        if self.passed() {
            let operations: usize = self
                .specs
                .iter()
                .map(|s| s.document.operations().len())
                .sum();
            out.push_str(&format!(
                "check passed: {} spec(s), {operations} operation(s) agree with their documentation pages\n",
                self.specs.len()
            ));
        } else {
            out.push_str(&format!(
                "check found {} error(s)\n",
                self.diagnostics.len()
            ));
        }
        out
    }
}

/// Runs every check on every spec of the registry found under `spec_dir` (at least one must be).
/// `display_prefix` is how the folder is shown in diagnostics (`spec`). `cache`, when given,
/// remembers which spec texts generate, so that an unchanged spec is not generated again.
pub fn check_all(spec_dir: &Path, display_prefix: &str, cache: Option<&GenerationCache>) -> Report {
    let mut report = Report {
        diagnostics: Vec::new(),
        specs: Vec::new(),
        sources: HashMap::new(),
    };
    let present: Vec<&'static Api> = APIS
        .iter()
        .filter(|api| spec_dir.join(api.spec_file).exists())
        .collect();
    if present.is_empty() {
        report.diagnostics.push(
            Diagnostic::error(
                "structure/no-spec",
                format!("no spec found in {display_prefix}"),
            )
            .at(display_prefix, 0, 0)
            .expected(format!("one of {:?}", APIS.map(|api| api.spec_file))),
        );
    }
    for api in present {
        let display = format!("{display_prefix}/{}", api.spec_file);
        let path = spec_dir.join(api.spec_file);
        // Read once: the renderer shows its lines even when it does not parse.
        let parsed = SpecDocument::read(&path, &display).and_then(|text| {
            report.sources.insert(display.clone(), text.clone());
            SpecDocument::parse(text, &display)
        });
        match parsed {
            Err(d) => report.diagnostics.push(*d),
            Ok(document) => {
                let pages = documentation::PageStore::new(spec_dir, display_prefix);
                report
                    .diagnostics
                    .extend(check_spec(&document, &pages, cache));
                report.sources.extend(pages.into_sources());
                report.specs.push(CheckedSpec { api, document });
            }
        }
    }
    report
}

/// Every check of one spec.
fn check_spec(
    spec: &SpecDocument,
    pages: &documentation::PageStore,
    cache: Option<&GenerationCache>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let generatable = match snapspec_codegen::generation_problems(spec) {
        Ok(openapi) => Some(openapi),
        Err(problems) => {
            out.extend(problems);
            None
        }
    };
    let defects = Defects::new(&out);
    let example_findings = examples::check(spec, &defects);
    let invalid_examples: BTreeSet<String> = example_findings
        .iter()
        .filter_map(|d| d.pointer.clone())
        .collect();
    out.extend(example_findings);
    out.extend(documentation::check(
        spec,
        pages,
        &defects,
        &invalid_examples,
    ));
    // Generation runs only on a spec free of structural defects: they would fail it for the
    // reason already given.
    if let (Some(openapi), true) = (generatable, defects.is_empty()) {
        let key = cache.map(|c| c.key(&spec.text));
        let known_good = cache
            .zip(key.as_deref())
            .is_some_and(|(c, k)| c.contains(k));
        if !known_good {
            match snapspec_codegen::generate(&openapi) {
                Ok(_) => {
                    if let (Some(cache), Some(key)) = (cache, &key) {
                        cache.insert(key);
                    }
                }
                Err(e) => out.push(snapspec_codegen::generation_failure(spec, &e)),
            }
        }
    }
    out
}

/// Where the structural defects of a spec are, so that later checks can leave alone what they
/// touch.
pub struct Defects {
    pointers: Vec<String>,
}

impl Defects {
    fn new(found: &[Diagnostic]) -> Defects {
        let mut pointers: Vec<String> = found.iter().filter_map(|d| d.pointer.clone()).collect();
        // A finding without a pointer (a spec that is not OpenAPI at all) touches everything.
        if found.iter().any(|d| d.pointer.is_none()) {
            pointers.push(String::new());
        }
        Defects { pointers }
    }

    pub fn is_empty(&self) -> bool {
        self.pointers.is_empty()
    }

    /// Whether a defect lies inside the node at `pointer` or inside anything it references.
    pub fn touch(&self, root: &Value, pointer: &str) -> bool {
        !self.is_empty() && self.touch_reach(&reach(root, &[pointer.to_string()]))
    }

    /// Whether a defect touches `operation`.
    pub fn touch_operation(&self, root: &Value, operation: &Operation<'_>) -> bool {
        !self.is_empty() && self.touch_reach(&operation_reach(root, operation))
    }

    /// Whether a defect lies inside one of the nodes of `reach` (from [`reach`]).
    pub fn touch_reach(&self, reach: &BTreeSet<String>) -> bool {
        self.pointers
            .iter()
            .any(|defect| reach.iter().any(|node| is_within(defect, node)))
    }
}

/// Whether `pointer` is `ancestor` or lies below it.
pub fn is_within(pointer: &str, ancestor: &str) -> bool {
    pointer == ancestor
        || (pointer.starts_with(ancestor) && pointer.as_bytes().get(ancestor.len()) == Some(&b'/'))
}

/// The nodes `starts` and every node their local `$ref`s lead to, transitively.
pub fn reach(root: &Value, starts: &[String]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue = starts.to_vec();
    while let Some(next) = queue.pop() {
        if !seen.insert(next.clone()) {
            continue;
        }
        let Some(node) = root.pointer(&next) else {
            continue;
        };
        walk(node, "", &mut |_, child| {
            if let Some(target) = ref_target(child) {
                queue.push(target.to_string());
            }
        });
    }
    seen
}

/// What an operation reaches: the operation, its path item's parameters, and what they reference.
pub fn operation_reach(root: &Value, operation: &Operation<'_>) -> BTreeSet<String> {
    reach(
        root,
        &[
            operation.pointer(),
            format!("/paths/{}/parameters", pointer_segment(operation.path)),
        ],
    )
}
