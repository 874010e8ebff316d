//! `cargo xtask check`: every check over every operation of every spec, all findings in one run.
//!
//! The order of the checks is also how a defect is kept from cascading: a spec that is not YAML
//! gets one diagnostic; structural defects (a broken `$ref`, a path parameter that does not match
//! the template, a shape progenitor cannot generate; found by `snapspec_codegen`, which the build
//! scripts run too) are reported, and the operations they touch
//! (the operation itself and every schema it reaches) get no example or page checks until the
//! defect is fixed, since those would only repeat it. Every other operation gets every check.
//! Last, a spec that generates is compared with its client crate's committed generated code
//! (`crates/<api>/src/generated/client.rs`, written by `cargo xtask generate`): a file that is
//! not what generation gives now is reported as stale (`generation/stale`).

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
    let targets = crate::generate::targets(spec_dir, display_prefix);
    // The specs share nothing, so each is checked on its own thread (most of a run is spent in
    // them); the results are gathered in registry order, so the output does not depend on timing.
    let outcomes: Vec<SpecOutcome> = std::thread::scope(|scope| {
        let running: Vec<_> = present
            .into_iter()
            .map(|api| {
                let target = targets.iter().find(|target| target.api == api);
                scope.spawn(move || check_one(api, spec_dir, display_prefix, target, cache))
            })
            .collect();
        running
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    for outcome in outcomes {
        report.sources.extend(outcome.sources);
        report.diagnostics.extend(outcome.diagnostics);
        report.specs.extend(outcome.spec);
    }
    report
}

/// What checking one spec found, and the texts its diagnostics may show.
struct SpecOutcome {
    sources: HashMap<String, String>,
    diagnostics: Vec<Diagnostic>,
    spec: Option<CheckedSpec>,
}

/// Every check of the spec of `api` under `spec_dir`; `target`, its client crate's generated file,
/// if it has a client crate.
fn check_one(
    api: &'static Api,
    spec_dir: &Path,
    display_prefix: &str,
    target: Option<&crate::generate::Target>,
    cache: Option<&GenerationCache>,
) -> SpecOutcome {
    let mut outcome = SpecOutcome {
        sources: HashMap::new(),
        diagnostics: Vec::new(),
        spec: None,
    };
    let display = format!("{display_prefix}/{}", api.spec_file);
    let committed = target.map(|target| Committed {
        text: std::fs::read_to_string(&target.file).ok(),
        display: target.display.clone(),
        spec_name: api.spec_name(),
    });
    if let Some(Committed {
        text: Some(text),
        display,
        ..
    }) = &committed
    {
        outcome.sources.insert(display.clone(), text.clone());
    }
    let path = spec_dir.join(api.spec_file);
    // Read once: the renderer shows its lines even when it does not parse.
    let parsed = SpecDocument::read(&path, &display).and_then(|text| {
        outcome.sources.insert(display.clone(), text.clone());
        SpecDocument::parse(text, &display)
    });
    match parsed {
        Err(d) => outcome.diagnostics.push(*d),
        Ok(document) => {
            let pages = documentation::PageStore::new(spec_dir, display_prefix);
            outcome
                .diagnostics
                .extend(check_spec(&document, &pages, committed.as_ref(), cache));
            outcome.sources.extend(pages.into_sources());
            outcome.spec = Some(CheckedSpec { api, document });
        }
    }
    outcome
}

/// A client crate's committed generated file.
struct Committed {
    /// Its text; `None` when it cannot be read (missing).
    text: Option<String>,
    /// The file as diagnostics show it.
    display: String,
    /// The spec as its header must name it.
    spec_name: String,
}

/// Every check of one spec; `committed`, the generated file of its client crate, if it has one.
fn check_spec(
    spec: &SpecDocument,
    pages: &documentation::PageStore,
    committed: Option<&Committed>,
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
    // A remembered success covers the spec text together with the committed file it was compared
    // with: a change to either generates again.
    if let (Some(openapi), true) = (generatable, defects.is_empty()) {
        let key = cache.map(|c| {
            let committed_text = committed.and_then(|c| c.text.as_deref());
            c.key(&format!(
                "{}\0{}",
                spec.text,
                committed_text.unwrap_or("\0no committed file")
            ))
        });
        let known_good = cache
            .zip(key.as_deref())
            .is_some_and(|(c, k)| c.contains(k));
        if !known_good {
            let spec_name = committed.map_or(String::new(), |c| c.spec_name.clone());
            match snapspec_codegen::client_source(&spec_name, &spec.text, &openapi) {
                Ok(source) => match committed.and_then(|c| stale(c, spec, &source)) {
                    Some(diagnostic) => out.push(diagnostic),
                    None => {
                        if let (Some(cache), Some(key)) = (cache, &key) {
                            cache.insert(key);
                        }
                    }
                },
                Err(e) => out.push(snapspec_codegen::generation_failure(spec, &e)),
            }
        }
    }
    out
}

/// Why the committed generated file is not `expected` (what generation gives from `spec` now),
/// if it is not: missing, without its header, generated from another spec text (the digests
/// differ), or with other content (edited by hand, or the generator changed).
fn stale(committed: &Committed, spec: &SpecDocument, expected: &str) -> Option<Diagnostic> {
    const HELP: &str = "run `cargo xtask generate`, and commit the file it writes";
    let file = &committed.display;
    let Some(text) = &committed.text else {
        return Some(
            Diagnostic::error(
                "generation/stale",
                format!("{file} is missing: the client crate has no generated code"),
            )
            .at(file, 0, 0)
            .expected(format!("the client generated from {}", spec.display))
            .help(HELP),
        );
    };
    if text == expected {
        return None;
    }
    let spec_now = snapspec_codegen::sha256_hex(spec.text.as_bytes());
    let diagnostic = match snapspec_codegen::read_header(text) {
        None => Diagnostic::error(
            "generation/stale",
            format!("{file} does not start with the header `cargo xtask generate` writes"),
        )
        .at(file, 1, 1)
        .expected(format!(
            "`// Generated by `cargo xtask generate` from {}; do not edit.` and the spec's sha256",
            committed.spec_name
        )),
        Some((_, generated_from)) if generated_from != spec_now => Diagnostic::error(
            "generation/stale",
            format!(
                "{file} was generated from another version of {}",
                spec.display
            ),
        )
        .at(file, 2, 17)
        .expected(format!("sha256 {spec_now} (the spec now)"))
        .found(format!("sha256 {generated_from}")),
        Some(_) => {
            let (line, found) = first_difference(text, expected);
            Diagnostic::error(
                "generation/stale",
                format!(
                    "{file} is not what generation gives from {} (edited by hand, or the generator changed)",
                    spec.display
                ),
            )
            .at(file, line, 1)
            .found(found)
        }
    };
    Some(diagnostic.help(HELP))
}

/// The 1-based line where `text` first differs from `expected`, and what `expected` has there.
fn first_difference(text: &str, expected: &str) -> (usize, String) {
    let mut ours = text.lines();
    let mut theirs = expected.lines();
    let mut line = 1;
    loop {
        match (ours.next(), theirs.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (_, Some(b)) => return (line, format!("generation gives `{}` here", b.trim())),
            (Some(_), None) => return (line, "generation ends before this line".into()),
            (None, None) => return (line, "the files differ in their line endings".into()),
        }
    }
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
