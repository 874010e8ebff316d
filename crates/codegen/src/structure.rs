//! The spec's own consistency, before any generation: the OpenAPI version, `$ref`s that point at
//! something, and path templates whose parameters are declared, required and spelled alike.
//! progenitor fails on each of these without saying where; here each is one located diagnostic.

use std::collections::BTreeSet;

use crate::diag::Diagnostic;
use crate::spec::{SpecDocument, pointer_segment, resolve, walk};
use serde_json::Value;

/// Every structural defect of `spec`.
pub fn check(spec: &SpecDocument) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let root = &spec.value;
    // Other 3.x versions are refused by the generation check, which says why.
    if let Some(version) = root["openapi"].as_str()
        && version.starts_with("3.0.")
        && version != "3.0.3"
    {
        out.push(
            spec.diagnostic(
                "structure/version",
                "the specs are written in OpenAPI 3.0.3",
                "/openapi",
            )
            .expected("openapi: 3.0.3")
            .found(format!("openapi: {version}")),
        );
    }
    references(spec, &mut out);
    path_parameters(spec, &mut out);
    out
}

fn references(spec: &SpecDocument, out: &mut Vec<Diagnostic>) {
    let root = &spec.value;
    walk(root, "", &mut |pointer, value| {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return;
        };
        let at = format!("{pointer}/$ref");
        match reference.strip_prefix('#') {
            Some(target) if root.pointer(target).is_some() => {}
            Some(_) => out.push(
                spec.diagnostic(
                    "structure/broken-ref",
                    format!("`$ref: {reference}` points at nothing"),
                    &at,
                )
                .expected("a path to a definition in this file")
                .found(reference.to_string())
                .help("fix the name, or add the definition under components; the checks of what uses it run once it resolves"),
            ),
            None => out.push(
                spec.diagnostic(
                    "structure/external-ref",
                    "references to other files are not supported",
                    &at,
                )
                .found(reference.to_string())
                .help("copy the definition under components and point at it with `#/components/...`"),
            ),
        }
    });
}

fn path_parameters(spec: &SpecDocument, out: &mut Vec<Diagnostic>) {
    let root = &spec.value;
    for operation in spec.operations() {
        let at = operation.pointer();
        let in_template = template_parameters(operation.path);
        let mut declared = BTreeSet::new();
        // (pointer, name) of path parameters the template does not have.
        let mut strangers = Vec::new();
        let sources = [
            (
                &operation.path_item["parameters"],
                format!("/paths/{}/parameters", pointer_segment(operation.path)),
            ),
            (&operation.value["parameters"], format!("{at}/parameters")),
        ];
        for (parameters, base) in sources {
            for (i, parameter) in parameters.as_array().into_iter().flatten().enumerate() {
                let parameter = resolve(root, parameter);
                if parameter["in"] != "path" {
                    continue;
                }
                let name = parameter["name"].as_str().unwrap_or_default();
                if !in_template.contains(name) {
                    strangers.push((format!("{base}/{i}/name"), name));
                    continue;
                }
                if parameter["required"] != true {
                    out.push(
                        spec.diagnostic(
                            "structure/optional-path-parameter",
                            format!("path parameter `{name}` must be required"),
                            &format!("{base}/{i}"),
                        )
                        .expected("required: true"),
                    );
                }
                declared.insert(name);
            }
        }
        let missing: Vec<&str> = in_template.difference(&declared).copied().collect();
        for (pointer, name) in &strangers {
            out.push(
                spec.diagnostic(
                    "structure/undeclared-path-parameter",
                    format!("path parameter `{name}` is not in the path template"),
                    pointer,
                )
                .expected(match missing.as_slice() {
                    [] => format!("one of {in_template:?}"),
                    [one] => format!("`{one}`, which the template has and no parameter declares"),
                    many => format!("one of {many:?}, which no parameter declares"),
                })
                .found(name.to_string())
                .help(format!(
                    "rename it to match `{}`, or remove it",
                    operation.path
                )),
            );
        }
        // A misspelled parameter explains the template's missing one: say it once.
        for name in missing.iter().skip(strangers.len()) {
            out.push(
                spec.diagnostic(
                    "structure/missing-path-parameter",
                    format!("`{{{name}}}` in the path template has no parameter"),
                    &at,
                )
                .expected(format!("a parameter `{name}` with `in: path`"))
                .found(format!("declared: {declared:?}"))
                .help("declare it under parameters"),
            );
        }
    }
}

/// The names in braces of a path template: `/v1.0/{project_id}/x/{id}` gives `project_id`, `id`.
fn template_parameters(path: &str) -> BTreeSet<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .filter(|name| !name.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn template_parameters_are_the_names_in_braces() {
        let names = super::template_parameters("/v1.0/{project_id}/clusters/{cluster_id}/x{}");
        assert_eq!(
            names.into_iter().collect::<Vec<_>>(),
            ["cluster_id", "project_id"]
        );
    }
}
