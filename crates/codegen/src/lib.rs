//! How a snapspec OpenAPI spec becomes Rust.
//!
//! This crate is the one place that defines the path from `spec/*.yaml` to generated client code:
//! parsing the spec, refusing shapes progenitor cannot generate (it would panic), the progenitor
//! settings, and formatting. `cargo xtask generate` calls [`generate_source`] and commits its
//! output in each client crate (`src/generated/client.rs`); `cargo xtask check` calls
//! [`generation_problems`] and [`generate_source`], the same steps, so that a spec that would not
//! generate is reported with file, line and column, and a committed file that is no longer what
//! generation gives is reported as stale. Published clients do not depend on this crate: only
//! their `regenerate` feature makes it their build dependency ([`build_client`]).
//!
//! It also holds what both of them need to talk about a spec: reading it once with positions
//! ([`yaml`], [`spec`]), the diagnostics they print ([`diag`]), and the registry of APIs
//! ([`apis`]).

#![deny(missing_docs)]

pub use snapspec_build::apis;
pub mod diag;
pub mod spec;
pub mod structure;
pub mod yaml;

pub use snapspec_build::{GENERATED_FILE, read_header, sha256_hex};
pub use spec::pointer_segment;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use openapiv3::{OpenAPI, ReferenceOr, StatusCode};

use crate::diag::Diagnostic;
use crate::spec::SpecDocument;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};

/// The Rust type every generated `Client` carries as its inner value: it signs each request in
/// the `ClientHooks::pre` hook that the client crates implement with
/// `snapspec_runtime::huawei_client!` or `alibaba_client!`.
pub const CLIENT_INNER_TYPE: &str = "snapspec_runtime::Transport";

/// Why a spec could not be turned into Rust.
#[derive(Debug)]
pub enum CodegenError {
    /// The text is not YAML/JSON, or not an OpenAPI 3.0 document.
    Parse {
        /// What the parser said, with its line and column where it gave one.
        message: String,
    },
    /// The spec parsed but has a shape progenitor cannot generate.
    Shape(Vec<ShapeProblem>),
    /// progenitor refused the spec (or panicked on it).
    Generator {
        /// progenitor's own message.
        message: String,
    },
    /// The generated tokens are not valid Rust (a progenitor bug).
    Format {
        /// syn's message.
        message: String,
    },
    /// Reading the spec or writing the generated file failed.
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodegenError::Parse { message } => {
                write!(f, "the spec is not valid OpenAPI 3.0: {message}")
            }
            CodegenError::Shape(problems) => {
                write!(
                    f,
                    "the spec has {} shape problem(s) progenitor cannot generate:",
                    problems.len()
                )?;
                for problem in problems {
                    write!(f, "\n  - {problem}")?;
                }
                Ok(())
            }
            CodegenError::Generator { message } => {
                write!(f, "progenitor refused the spec: {message}")
            }
            CodegenError::Format { message } => {
                write!(
                    f,
                    "progenitor produced code that does not parse as Rust: {message}"
                )
            }
            CodegenError::Io { path, message } => write!(f, "{}: {message}", path.display()),
        }
    }
}

impl std::error::Error for CodegenError {}

/// One place where a spec leaves the shapes progenitor can generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeProblem {
    /// JSON pointer into the spec (`/paths/~1v1.0~1{project_id}~1snapshots/post/responses`).
    pub pointer: String,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What progenitor needs there.
    pub expected: String,
    /// What the spec has there.
    pub found: String,
}

impl fmt::Display for ShapeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {} (expected {}, found {})",
            self.message, self.pointer, self.expected, self.found
        )
    }
}

/// Parses a spec from YAML (or JSON, which is YAML) into an OpenAPI 3.0 document.
pub fn load_spec(text: &str) -> Result<OpenAPI, CodegenError> {
    let located = yaml::parse(text).map_err(|e| CodegenError::Parse {
        message: e.to_string(),
    })?;
    parse_openapi(&located.value).map_err(|refusal| CodegenError::Parse {
        message: if refusal.pointer.is_empty() {
            refusal.message
        } else {
            format!("at {}: {}", refusal.pointer, refusal.message)
        },
    })
}

/// Why a value is not an OpenAPI 3.0 document progenitor can read.
struct NotOpenApi {
    code: &'static str,
    pointer: String,
    message: String,
}

fn parse_openapi(value: &serde_json::Value) -> Result<OpenAPI, NotOpenApi> {
    let spec: OpenAPI = serde_path_to_error::deserialize(value).map_err(|e| {
        let message = e.inner().to_string();
        let pointer = error_pointer(e.path());
        NotOpenApi {
            code: "structure/not-openapi",
            pointer: narrow_pointer(value, &pointer, &message),
            message,
        }
    })?;
    if !spec.openapi.starts_with("3.0.") {
        return Err(NotOpenApi {
            code: "structure/version",
            pointer: "/openapi".into(),
            message: format!(
                "`openapi: {}` is not supported: progenitor generates OpenAPI 3.0.x only; write `openapi: 3.0.3`",
                spec.openapi
            ),
        });
    }
    Ok(spec)
}

/// Media types progenitor serializes as JSON. `+json` suffixes are not among them.
fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// A comparable description of a response's body: its schema as JSON, or `no body`.
fn response_body_key(spec: &OpenAPI, response: &ReferenceOr<openapiv3::Response>) -> String {
    let resolved = match response {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/responses/")
            .and_then(|name| spec.components.as_ref()?.responses.get(name))
            .and_then(|r| match r {
                ReferenceOr::Item(item) => Some(item),
                ReferenceOr::Reference { .. } => None,
            }),
    };
    match resolved {
        None => "an unresolved response reference".to_string(),
        Some(resp) => match resp.content.values().next().and_then(|m| m.schema.as_ref()) {
            None => "no body".to_string(),
            Some(ReferenceOr::Reference { reference }) => reference.clone(),
            Some(schema) => serde_json::to_string(schema).unwrap_or_default(),
        },
    }
}

/// Lists every place where `spec` has a shape progenitor 0.15 cannot generate: a missing or
/// duplicate operationId, more than one request media type or a non-JSON one, success responses
/// with different bodies, error responses with different bodies.
pub fn shape_problems(spec: &OpenAPI) -> Vec<ShapeProblem> {
    let mut problems = Vec::new();
    let mut seen_ids: BTreeMap<&str, String> = BTreeMap::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            problems.push(ShapeProblem {
                pointer: format!("/paths/{}", pointer_segment(path)),
                message: "path item is a reference".into(),
                expected: "an inline path item".into(),
                found: "a $ref".into(),
            });
            continue;
        };
        for (method, op) in item.iter() {
            let at = format!("/paths/{}/{method}", pointer_segment(path));
            match op.operation_id.as_deref() {
                None => problems.push(ShapeProblem {
                    pointer: at.clone(),
                    message: "operation has no operationId".into(),
                    expected: "an operationId (it names the generated method)".into(),
                    found: "none".into(),
                }),
                Some(id) => {
                    if let Some(first) = seen_ids.get(id) {
                        problems.push(ShapeProblem {
                            pointer: format!("{at}/operationId"),
                            message: format!("operationId `{id}` is used twice"),
                            expected: "a unique operationId".into(),
                            found: format!("the same id as {first}"),
                        });
                    } else {
                        seen_ids.insert(id, format!("{at}/operationId"));
                    }
                }
            }
            if let Some(ReferenceOr::Item(body)) = &op.request_body {
                let types: Vec<&String> = body.content.keys().collect();
                if types.len() != 1 {
                    problems.push(ShapeProblem {
                        pointer: format!("{at}/requestBody/content"),
                        message: "request body must have exactly one media type".into(),
                        expected: "1 media type".into(),
                        found: format!("{} ({})", types.len(), join(&types)),
                    });
                } else if !is_json_media_type(types[0]) {
                    problems.push(ShapeProblem {
                        pointer: format!("{at}/requestBody/content/{}", pointer_segment(types[0])),
                        message: "request media type is not JSON".into(),
                        expected: "application/json".into(),
                        found: types[0].clone(),
                    });
                }
            }
            let mut success: Vec<(String, String)> = Vec::new();
            let mut failure: Vec<(String, String)> = Vec::new();
            for (status, response) in &op.responses.responses {
                let (label, class) = match status {
                    StatusCode::Code(code) => (code.to_string(), code / 100),
                    StatusCode::Range(range) => (format!("{range}XX"), *range),
                };
                let entry = (label, response_body_key(spec, response));
                match class {
                    2 => success.push(entry),
                    4 | 5 => failure.push(entry),
                    _ => {}
                }
            }
            for (kind, group) in [("success", &success), ("error", &failure)] {
                if let Some((first_status, first_body)) = group.first() {
                    for (status, body) in &group[1..] {
                        if body != first_body {
                            problems.push(ShapeProblem {
                                pointer: format!("{at}/responses/{status}"),
                                message: format!(
                                    "{kind} responses of one operation must share one body type"
                                ),
                                expected: format!("{first_body} (as in response {first_status})"),
                                found: body.clone(),
                            });
                        }
                    }
                }
            }
        }
    }
    problems
}

fn join(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The progenitor settings every snapspec client is generated with: builder-style calls, one
/// `Client` per API, a [`CLIENT_INNER_TYPE`] inner value, and `ClientHooks` implemented by hand
/// in the client crate (it signs every request).
pub fn generation_settings() -> GenerationSettings {
    let inner: syn::Type =
        syn::parse_str(CLIENT_INNER_TYPE).expect("CLIENT_INNER_TYPE is a Rust type");
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote::quote!(#inner))
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq");
    settings
}

/// Generates the formatted Rust source of a client for `spec`.
///
/// Shape problems are reported before progenitor sees the spec; a progenitor panic is caught and
/// returned as [`CodegenError::Generator`].
pub fn generate(spec: &OpenAPI) -> Result<String, CodegenError> {
    let problems = shape_problems(spec);
    if !problems.is_empty() {
        return Err(CodegenError::Shape(problems));
    }
    let settings = generation_settings();
    // progenitor and typify panic on some specs; the panic becomes our error. The panic hook is
    // left alone: it is the process's, and swapping it would race with other threads.
    let tokens = std::panic::catch_unwind(|| {
        let mut generator = Generator::new(&settings);
        generator.generate_tokens(spec)
    });
    let tokens = match tokens {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => {
            return Err(CodegenError::Generator {
                message: e.to_string(),
            });
        }
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "progenitor panicked".to_string());
            return Err(CodegenError::Generator { message });
        }
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| CodegenError::Format {
        message: e.to_string(),
    })?;
    Ok(prettyplease::unparse(&file))
}

/// Reads and generates the client for the spec at `path`.
pub fn generate_file(path: &Path) -> Result<String, CodegenError> {
    let text = std::fs::read_to_string(path).map_err(|e| CodegenError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    generate(&load_spec(&text)?)
}

/// What keeps `document` from becoming a client, as located diagnostics: structural defects
/// (`structure/...`: version, broken `$ref`s, path parameters), not an OpenAPI 3.0 document
/// (`structure/not-openapi`, at the field serde names), or shapes progenitor cannot generate
/// (`generation/shape`, one per place). Returns the OpenAPI document when there are none.
pub fn generation_problems(document: &SpecDocument) -> Result<OpenAPI, Vec<Diagnostic>> {
    let mut problems = structure::check(document);
    let openapi = match parse_openapi(&document.value) {
        Ok(openapi) => openapi,
        Err(refusal) => {
            problems.push(
                document
                    .diagnostic(
                        refusal.code,
                        "the spec is not an OpenAPI 3.0 document progenitor can read",
                        &refusal.pointer,
                    )
                    .found(refusal.message)
                    .help("give this field the shape OpenAPI 3.0.3 defines for it"),
            );
            return Err(problems);
        }
    };
    problems.extend(shape_problems(&openapi).into_iter().map(|problem| {
            document
                .diagnostic("generation/shape", problem.message, &problem.pointer)
                .expected(problem.expected)
                .found(problem.found)
                .help("progenitor generates one JSON request media type, one success type and one error type per operation, each operation with its own operationId")
    }));
    if problems.is_empty() {
        Ok(openapi)
    } else {
        Err(problems)
    }
}

/// The diagnostic for a spec that passed [`generation_problems`] but that progenitor still refused.
pub fn generation_failure(document: &SpecDocument, error: &CodegenError) -> Diagnostic {
    document
        .diagnostic(
            "generation/failed",
            "the client cannot be generated from this spec",
            "",
        )
        .found(error.to_string())
        .help("simplify the schema progenitor refuses; the build fails the same way")
}

/// serde's path to a failing field as a JSON pointer.
fn error_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer.push_str(&format!("/{}", pointer_segment(key))),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// serde loses the path inside flattened maps (`paths` in openapiv3): where it does, the unique
/// node below `pointer` that the message quotes (`invalid type: string "x"`, `unknown field
/// `x``) is the better place to point at.
fn narrow_pointer(root: &serde_json::Value, pointer: &str, message: &str) -> String {
    let quoted = |open: &str, close: char| {
        let start = message.find(open)? + open.len();
        let end = message[start..].find(close)? + start;
        Some(message[start..end].to_string())
    };
    let Some(node) = root.pointer(pointer) else {
        return pointer.to_string();
    };
    let mut found = Vec::new();
    if let Some(text) = quoted("invalid type: string \"", '"') {
        spec::walk(node, pointer, &mut |at, value| {
            if value.as_str() == Some(text.as_str()) {
                found.push(at.to_string());
            }
        });
    } else if let Some(key) = quoted("unknown field `", '`') {
        spec::walk(node, pointer, &mut |at, value| {
            if value.get(&key).is_some() {
                found.push(format!("{at}/{}", pointer_segment(&key)));
            }
        });
    }
    match found.as_slice() {
        [one] => one.clone(),
        _ => pointer.to_string(),
    }
}

/// How a build script shows `spec`: relative to the workspace root when it is in one
/// (`spec/css.yaml`, even when the crate's `spec.yaml` is a link to it), else as it is.
fn display_path(spec: &Path) -> String {
    let real = std::fs::canonicalize(spec).unwrap_or_else(|_| spec.to_path_buf());
    for dir in real.ancestors().skip(1) {
        let is_workspace_root = std::fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|manifest| manifest.contains("[workspace]"));
        if is_workspace_root && let Ok(relative) = real.strip_prefix(dir) {
            return relative.display().to_string();
        }
    }
    real.display().to_string()
}

/// The job of a client crate's `build.rs` with the crate's `regenerate` feature (a maintainer
/// iterating on a spec without running `cargo xtask generate`). When the spec at `spec_path`
/// (relative to the crate's folder) still has the digest the committed
/// [`snapspec_build::GENERATED_FILE`] was generated from, the committed code is used and nothing
/// runs. Otherwise the client is generated into `$OUT_DIR/client.rs` and the build script sets
/// the cfg [`snapspec_build::REGENERATED_CFG`], which makes the crate include that file instead.
/// On failure it prints every problem with its file, line and column (the workspace's
/// `spec/<api>.yaml`), and exits non-zero.
pub fn build_client(spec_path: &str) {
    snapspec_build::declare_inputs(spec_path);
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"));
    match snapspec_build::freshness(&manifest_dir, spec_path) {
        Ok(snapspec_build::Freshness::Current | snapspec_build::Freshness::NoSpec) => return,
        // A committed file without its header is regenerated over too.
        Ok(snapspec_build::Freshness::Stale { .. }) | Err(_) => {}
    }
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("run by cargo"));
    if let Err(report) = generate_into(&manifest_dir.join(spec_path), &out_dir) {
        eprint!("{report}");
        std::process::exit(1);
    }
    println!("cargo:rustc-cfg={}", snapspec_build::REGENERATED_CFG);
}

/// Generates the client for the spec at `spec` into `out_dir/client.rs`, the file
/// [`build_client`] makes the crate include; on failure returns the report a build script prints
/// (see [`generate_source`]) and writes nothing.
pub fn generate_into(spec: &Path, out_dir: &Path) -> Result<(), String> {
    let code = generate_source(spec, &display_path(spec))?;
    let out = out_dir.join("client.rs");
    write_atomically(&out, code.as_bytes())
        .map_err(|e| format!("error: cannot write {}: {e}\n", out.display()))
}

/// The whole generated file of a client, as `cargo xtask generate` commits it: the header
/// ([`snapspec_build::header`]: `spec_name` and the sha256 of the spec's bytes), the client
/// progenitor generates, and the operation table ([`operation_table`]).
///
/// On failure returns the report a build script prints: every problem, located in the spec as
/// the workspace names it, and the way to `cargo xtask check`.
pub fn generate_source(spec: &Path, spec_name: &str) -> Result<String, String> {
    let display = display_path(spec);
    generate_source_from(SpecDocument::load(spec, &display), &display, spec_name)
}

/// [`generate_source`] for a spec's text that is not (yet) on disk, shown as `display`: the text
/// a release is about to write, whose generated file must be written with it.
pub fn generate_source_from_text(
    text: String,
    display: &str,
    spec_name: &str,
) -> Result<String, String> {
    generate_source_from(SpecDocument::parse(text, display), display, spec_name)
}

fn generate_source_from(
    document: Result<SpecDocument, Box<Diagnostic>>,
    display: &str,
    spec_name: &str,
) -> Result<String, String> {
    let result = document.map_err(|d| (None, vec![*d])).and_then(|document| {
        let openapi =
            generation_problems(&document).map_err(|found| (Some(document.text.clone()), found))?;
        client_source(spec_name, &document.text, &openapi).map_err(|e| {
            (
                Some(document.text.clone()),
                vec![generation_failure(&document, &e)],
            )
        })
    });
    result.map_err(|(text, diagnostics)| {
        let source = |file: &str| (file == display).then(|| text.clone()).flatten();
        format!(
            "error: cannot generate the client from {display}\n\n{}help: run `cargo xtask check`: it builds without the clients and reports every problem of every spec\n",
            diag::render_human(&diagnostics, &source)
        )
    })
}

/// The generated file of a client from a spec that passed [`generation_problems`]: the header
/// naming `spec_name` and the sha256 of `spec_text` (the spec's bytes), the client, and the
/// operation table.
pub fn client_source(
    spec_name: &str,
    spec_text: &str,
    openapi: &OpenAPI,
) -> Result<String, CodegenError> {
    let code = generate(openapi)?;
    let digest = snapspec_build::sha256_hex(spec_text.as_bytes());
    Ok(format!(
        "{}\n{code}\n{}",
        snapspec_build::header(spec_name, &digest),
        operation_table(openapi)
    ))
}

/// Rust source of `OPERATION_IDS`: for each operation, the snake_case name progenitor gives it
/// in `OperationInfo::operation_id`, and the spec's own operationId (Alibaba's signer sends the
/// latter as `x-acs-action`).
pub fn operation_table(spec: &OpenAPI) -> String {
    use heck::ToSnakeCase;
    let mut code = String::from(
        "/// (progenitor's snake_case operation name, the spec's operationId) of every operation.\n\
         pub(crate) const OPERATION_IDS: &[(&str, &str)] = &[\n",
    );
    for (_, _, op) in spec.operations() {
        if let Some(id) = &op.operation_id {
            code.push_str(&format!("    ({:?}, {:?}),\n", id.to_snake_case(), id));
        }
    }
    code.push_str("];\n");
    code.push_str(
        "/// (progenitor's snake_case operation name, query parameter) of every operation that takes an\n\
         /// idempotency token (`ClientToken`, `clientToken`): the client sends one token on every\n\
         /// attempt, so it may retry the operation after an ambiguous failure.\n\
         pub(crate) const CLIENT_TOKEN_OPERATIONS: &[(&str, &str)] = &[\n",
    );
    for (_, _, op) in spec.operations() {
        let Some(id) = &op.operation_id else { continue };
        let token = op.parameters.iter().find_map(|parameter| match parameter {
            openapiv3::ReferenceOr::Item(openapiv3::Parameter::Query {
                parameter_data, ..
            }) if parameter_data.name.eq_ignore_ascii_case("clienttoken") => {
                Some(parameter_data.name.clone())
            }
            _ => None,
        });
        if let Some(name) = token {
            code.push_str(&format!("    ({:?}, {:?}),\n", id.to_snake_case(), name));
        }
    }
    code.push_str("];\n");
    code
}

/// Writes `bytes` to `path` through a temporary file in the same folder, so that a reader never
/// sees half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_SUCCESS_TYPES: &str = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    post:
      operationId: A
      requestBody:
        content:
          application/json: {schema: {type: object}}
          text/plain: {schema: {type: string}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: string}}}}
        "201": {description: ok, content: {application/json: {schema: {type: integer}}}}
  /b:
    get:
      operationId: A
      responses:
        "200": {description: ok}
"#;

    #[test]
    fn shape_problems_names_each_defect_with_its_pointer() {
        let spec = load_spec(TWO_SUCCESS_TYPES).unwrap();
        let problems = shape_problems(&spec);
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1a/post/requestBody/content",
                "/paths/~1a/post/responses/201",
                "/paths/~1b/get/operationId"
            ]
        );
        assert!(matches!(generate(&spec), Err(CodegenError::Shape(p)) if p.len() == 3));
    }

    #[test]
    fn openapi_31_is_refused_with_a_fix() {
        let err =
            load_spec("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
        assert!(err.to_string().contains("write `openapi: 3.0.3`"), "{err}");
    }

    #[test]
    fn yaml_errors_carry_line_and_column() {
        let err = load_spec("openapi: 3.0.3\ninfo: [\n").unwrap_err();
        assert!(err.to_string().contains("line "), "{err}");
    }

    #[test]
    fn operation_table_maps_progenitor_names_to_vendor_ids() {
        let spec = load_spec(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: AddSnapshotRepo\n      responses: {'200': {description: ok}}\n",
        )
        .unwrap();
        assert!(operation_table(&spec).contains(r#"("add_snapshot_repo", "AddSnapshotRepo"),"#));
    }

    #[test]
    fn operations_with_an_idempotency_token_are_listed_with_its_name() {
        let spec = load_spec(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: CreateSnapshot\n      parameters: [{name: ClientToken, in: query, schema: {type: string}}]\n      responses: {'200': {description: ok}}\n  /b:\n    post:\n      operationId: Other\n      parameters: [{name: Token, in: query, schema: {type: string}}]\n      responses: {'200': {description: ok}}\n",
        )
        .unwrap();
        let table = operation_table(&spec);
        let tokens = &table[table.find("CLIENT_TOKEN_OPERATIONS").unwrap()..];
        assert!(
            tokens.contains(r#"("create_snapshot", "ClientToken"),"#),
            "{tokens}"
        );
        assert!(!tokens.contains("other"), "{tokens}");
    }

    #[test]
    fn a_generatable_spec_becomes_formatted_rust() {
        let spec = load_spec(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: GetA\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {type: string}}}}\n",
        )
        .unwrap();
        let code = generate(&spec).unwrap();
        assert!(code.contains("pub fn get_a(&self)"), "{code}");
        assert!(code.contains("snapspec_runtime::Transport"));
    }
}

#[cfg(test)]
mod workspace_specs {
    /// A build script's report names the spec as the workspace does, with line and column, and
    /// sends the maintainer to `cargo xtask check`; nothing is written.
    #[test]
    fn a_broken_spec_fails_the_build_with_a_located_report() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let out =
            std::env::temp_dir().join(format!("snapspec-codegen-test-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        for (case, located) in [
            (
                "broken-ref",
                "xtask/tests/corpus/broken-ref/css.yaml:235:11",
            ),
            (
                "undeclared-path-parameter",
                "xtask/tests/corpus/undeclared-path-parameter/css.yaml:46:11",
            ),
            (
                "malformed-yaml",
                "xtask/tests/corpus/malformed-yaml/css.yaml:33:",
            ),
        ] {
            let spec = root.join(format!("xtask/tests/corpus/{case}/css.yaml"));
            let report = super::generate_into(&spec, &out).unwrap_err();
            assert!(
                report.contains(&format!("--> {located}")),
                "{case}:\n{report}"
            );
            assert!(report.contains("help: run `cargo xtask check`"), "{report}");
        }
        assert!(!out.join("client.rs").exists());
        std::fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn the_workspace_specs_generate() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec");
        for api in ["css", "dws", "alibaba-es"] {
            let path = root.join(format!("{api}.yaml"));
            let code =
                super::generate_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if let Some(dir) = std::env::var_os("SNAPSPEC_DUMP_CODEGEN") {
                std::fs::write(std::path::Path::new(&dir).join(format!("{api}.rs")), &code)
                    .unwrap();
            }
        }
    }
}
