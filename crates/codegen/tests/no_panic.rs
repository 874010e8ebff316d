//! No panic on any spec text: the real specs (`spec/*.yaml`), mutated (byte ranges deleted,
//! duplicated or replaced, text inserted, control characters and CJK among it, truncated), go
//! through everything that reads a spec before generation: the YAML reader with positions,
//! `SpecDocument::parse`, the structure check, `generation_problems` and `load_spec`, and the
//! diagnostics are rendered. Every mutated spec either parses or gives diagnostics, each placed
//! in the file (a line, or a JSON pointer).
//!
//! Cases per property: `PROPTEST_CASES` (proptest's own variable), 256 when unset. The dedicated
//! run (see RELIABILITY.md): `PROPTEST_CASES=100000 cargo test --release -p snapspec-codegen --test no_panic`.

#[path = "../../../testsupport/mutation.rs"]
mod mutation;

use proptest::prelude::*;
use snapspec_codegen::diag::{Diagnostic, render_human, render_json};
use snapspec_codegen::spec::SpecDocument;
use snapspec_codegen::{generation_problems, load_spec, structure};

const DISPLAY: &str = "spec/mutated.yaml";

fn specs() -> Vec<String> {
    ["css", "dws", "alibaba-es"]
        .iter()
        .map(|name| {
            let path = format!("{}/../../spec/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
        })
        .collect()
}

/// A diagnostic that says where: in the file, at a line (1-based) or at a JSON pointer.
fn assert_located(diagnostic: &Diagnostic) -> Result<(), TestCaseError> {
    prop_assert_eq!(&diagnostic.file, DISPLAY);
    prop_assert!(
        diagnostic.line >= 1 || diagnostic.pointer.is_some(),
        "not located: {:?}",
        diagnostic
    );
    prop_assert!(
        diagnostic.line == 0 || diagnostic.column >= 1,
        "{:?}",
        diagnostic
    );
    Ok(())
}

/// A spec that generation accepts has no structural finding either.
fn prop_assert_no_structure_problem(
    document: &SpecDocument,
) -> Result<Vec<Diagnostic>, TestCaseError> {
    let found = structure::check(document);
    prop_assert!(found.is_empty(), "{:?}", found);
    Ok(found)
}

fn check_text(text: String) -> Result<(), TestCaseError> {
    let source = text.clone();
    let source_of = |_: &str| Some(source.clone());
    let diagnostics = match SpecDocument::parse(text, DISPLAY) {
        Err(diagnostic) => vec![*diagnostic],
        // `generation_problems` runs the structure check first and includes its findings.
        Ok(document) => match generation_problems(&document) {
            Ok(_) => prop_assert_no_structure_problem(&document)?,
            Err(problems) => {
                prop_assert!(!problems.is_empty());
                problems
            }
        },
    };
    for diagnostic in &diagnostics {
        assert_located(diagnostic)?;
    }
    let _ = render_human(&diagnostics, &source_of);
    let _ = render_json(&diagnostics);
    // The plain loader (the build scripts' path) answers with a value too.
    let _ = load_spec(&source);
    Ok(())
}

proptest! {
    #[test]
    fn mutated_specs_parse_or_give_located_diagnostics(text in mutation::mutated_text(specs(), 8)) {
        check_text(text)?;
    }

    #[test]
    fn arbitrary_text_is_not_a_spec_but_no_crash(text in prop_oneof![
        any::<String>(),
        "[ -~\n\t]{0,200}",
        "(openapi: 3.0.3\n|paths:\n|  /a/\\{b\\}:\n|    get:\n|      \\$ref: '#/x'\n|- |: |&a |\\*a |\\{|\\}|\\[|\\]|!!binary |\u{4e2d}|\u{0}|\t){0,40}",
    ]) {
        check_text(text)?;
    }
}
