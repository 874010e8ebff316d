//! `cargo xtask` as a process: the corpus of broken specs and changed pages (diagnostics compared
//! with golden files) and diff on revisions made here. Publishing is tested in publish.rs.

mod common;
use common::{git, workspace_root};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(workspace_root())
        .output()
        .unwrap()
}

/// Each case: its folder (under xtask/tests/corpus, made by make_corpus.py), the one diagnostic
/// code it must produce, and where (file:line).
const CASES: [(&str, &str, &str); 19] = [
    ("example-wrong-type", "examples/invalid", "css.yaml:66:25"),
    (
        "example-missing-required-field",
        "examples/invalid",
        "css.yaml:66:",
    ),
    (
        "example-undeclared-property",
        "examples/invalid",
        "css.yaml:66:",
    ),
    (
        "example-violates-pattern",
        "examples/invalid",
        "css.yaml:66:",
    ),
    ("broken-ref", "structure/broken-ref", "css.yaml:"),
    ("duplicate-operation-id", "generation/shape", "css.yaml:"),
    (
        "undeclared-path-parameter",
        "structure/undeclared-path-parameter",
        "css.yaml:",
    ),
    ("not-generatable", "generation/shape", "css.yaml:"),
    ("two-request-media-types", "generation/shape", "css.yaml:"),
    ("malformed-yaml", "structure/malformed-yaml", "css.yaml:"),
    ("duplicate-key", "structure/malformed-yaml", "css.yaml:"),
    ("not-openapi", "structure/not-openapi", "css.yaml:"),
    (
        "spec-status-undocumented",
        "pages/status-undocumented",
        "css.yaml:",
    ),
    (
        "page-new-status",
        "pages/status-missing",
        "dws-create-snapshot.en.txt:",
    ),
    (
        "page-new-parameter",
        "pages/parameter-missing",
        "css-create-index-snapshot.zh.md:",
    ),
    (
        "page-example-changed",
        "pages/example-differs",
        "css-create-index-snapshot.zh.md:",
    ),
    ("stale-deviation", "pages/stale-deviation", "css.yaml:"),
    (
        "second-operation-broken-ref",
        "structure/broken-ref",
        "css.yaml:",
    ),
    (
        "second-operation-lacks-a-status",
        "pages/status-missing",
        "css-create-index-snapshot.zh.md:",
    ),
];

#[test]
fn the_repository_specs_pass_the_check() {
    let output = xtask(&["check"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("check passed"), "{stdout}");
}

/// One defect, one diagnostic: each case fails the check with exactly the diagnostic it is
/// about, at its place, and the whole output matches the case's golden file
/// (`EXPECTORATE=overwrite cargo test -p xtask` accepts a change).
#[test]
fn each_broken_case_gives_one_located_diagnostic() {
    for (case, code, location) in CASES {
        let dir = format!("xtask/tests/corpus/{case}");
        let output = xtask(&["check", "--spec-dir", &dir]);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert_eq!(
            output.status.code(),
            Some(1),
            "{case} must fail the check:\n{stdout}"
        );
        assert_eq!(
            stdout.matches("\nerror[").count() + usize::from(stdout.starts_with("error[")),
            1,
            "{case}: one defect must give one diagnostic:\n{stdout}"
        );
        assert!(
            stdout.contains(&format!("error[{code}]")),
            "{case}: expected {code}:\n{stdout}"
        );
        assert!(
            stdout.contains(location),
            "{case}: expected a location {location}:\n{stdout}"
        );
        expectorate::assert_contents(workspace_root().join(&dir).join("expected.txt"), &stdout);
    }
}

/// A client crate whose committed generated code was made from another version of its spec
/// (xtask/tests/corpus/stale-generated, made by make_stale_generated.py, laid out as the
/// workspace: spec/ beside crates/) fails the check with one diagnostic that names the generated
/// file and says to run `cargo xtask generate`; the output matches the golden file.
#[test]
fn a_stale_generated_file_is_one_diagnostic_naming_the_file_and_the_fix() {
    let case = "xtask/tests/corpus/stale-generated";
    let output = xtask(&["check", "--spec-dir", &format!("{case}/spec")]);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert_eq!(stdout.matches("error[").count(), 1, "{stdout}");
    assert!(stdout.contains("error[generation/stale]"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "--> {case}/crates/css/src/generated/client.rs:2:17"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("run `cargo xtask generate`"), "{stdout}");
    expectorate::assert_contents(workspace_root().join(case).join("expected.txt"), &stdout);
}

/// A copy of the workspace's CSS spec, its pages and facts and its client crate's generated code, laid out
/// as the workspace is, in `dir`; returns the spec folder.
fn css_workspace_copy(dir: &Path) -> PathBuf {
    let root = workspace_root();
    let spec_dir = dir.join("spec");
    std::fs::create_dir_all(spec_dir.join("docs")).unwrap();
    std::fs::copy(root.join("spec/css.yaml"), spec_dir.join("css.yaml")).unwrap();
    for pages in ["docs", "facts/css"] {
        std::fs::create_dir_all(spec_dir.join(pages)).unwrap();
        for page in std::fs::read_dir(root.join("spec").join(pages)).unwrap() {
            let page = page.unwrap();
            std::fs::copy(page.path(), spec_dir.join(pages).join(page.file_name())).unwrap();
        }
    }
    let generated = dir.join("crates/css/src/generated");
    std::fs::create_dir_all(&generated).unwrap();
    std::fs::copy(
        root.join("crates/css/src/generated/client.rs"),
        generated.join("client.rs"),
    )
    .unwrap();
    spec_dir
}

/// The committed code is what generation gives (the repository passes the check); a spec edit
/// makes it stale until `cargo xtask generate` runs, which rewrites only that file, and a second
/// run leaves it alone.
#[test]
fn a_spec_edit_makes_the_generated_code_stale_until_generate_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let spec_dir = css_workspace_copy(tmp.path());
    let spec_arg = spec_dir.to_str().unwrap();
    let generated = tmp.path().join("crates/css/src/generated/client.rs");
    let committed = std::fs::read_to_string(&generated).unwrap();

    let passes = xtask(&["check", "--spec-dir", spec_arg]);
    assert!(
        passes.status.success(),
        "{}",
        String::from_utf8_lossy(&passes.stdout)
    );

    let spec = spec_dir.join("css.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    let edited = text.replacen(
        "summary: Create a snapshot manually",
        "summary: Create a snapshot by hand",
        1,
    );
    assert_ne!(edited, text, "the edit must apply");
    std::fs::write(&spec, &edited).unwrap();
    let stale = xtask(&["check", "--spec-dir", spec_arg]);
    let stdout = String::from_utf8_lossy(&stale.stdout);
    assert_eq!(stale.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error[generation/stale]"), "{stdout}");
    assert!(
        stdout.contains("crates/css/src/generated/client.rs:2:17"),
        "{stdout}"
    );
    assert!(stdout.contains("run `cargo xtask generate`"), "{stdout}");

    let generate = xtask(&["generate", "--spec-dir", spec_arg]);
    let stdout = String::from_utf8_lossy(&generate.stdout);
    assert!(
        generate.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&generate.stderr)
    );
    assert!(stdout.starts_with("wrote "), "{stdout}");
    let regenerated = std::fs::read_to_string(&generated).unwrap();
    assert_ne!(regenerated, committed);
    assert!(regenerated.contains("Create a snapshot by hand"));
    assert!(xtask(&["check", "--spec-dir", spec_arg]).status.success());

    let modified = std::fs::metadata(&generated).unwrap().modified().unwrap();
    let again = xtask(&["generate", "--spec-dir", spec_arg]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("unchanged "));
    assert_eq!(
        std::fs::metadata(&generated).unwrap().modified().unwrap(),
        modified
    );

    // A hand edit below the header, with the digest still right, is stale too.
    std::fs::write(
        &generated,
        regenerated.replacen("pub struct Client", "pub struct Klient", 1),
    )
    .unwrap();
    let edited_by_hand = xtask(&["check", "--spec-dir", spec_arg]);
    let stdout = String::from_utf8_lossy(&edited_by_hand.stdout);
    assert_eq!(edited_by_hand.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("is not what generation gives"), "{stdout}");
}

/// A spec that does not generate: `cargo xtask generate` prints the located diagnostics the build
/// printed, exits 1 and leaves the committed code as it was.
#[test]
fn generate_writes_nothing_when_a_spec_does_not_generate() {
    let tmp = tempfile::tempdir().unwrap();
    let spec_dir = css_workspace_copy(tmp.path());
    let generated = tmp.path().join("crates/css/src/generated/client.rs");
    let committed = std::fs::read_to_string(&generated).unwrap();
    let spec = spec_dir.join("css.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    let broken = text.replacen(
        "$ref: \"#/components/schemas/BackupDatastore\"",
        "$ref: \"#/components/schemas/Datastore\"",
        1,
    );
    assert_ne!(broken, text, "the edit must apply");
    std::fs::write(&spec, broken).unwrap();
    let output = xtask(&["generate", "--spec-dir", spec_dir.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[structure/broken-ref]"), "{stderr}");
    assert!(stderr.contains("/spec/css.yaml:"), "{stderr}");
    assert!(stderr.contains("help: run `cargo xtask check`"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&generated).unwrap(), committed);
}

#[test]
fn json_output_carries_file_line_pointer_expected_and_found() {
    let output = xtask(&[
        "check",
        "--format",
        "json",
        "--spec-dir",
        "xtask/tests/corpus/example-wrong-type",
    ]);
    let diagnostics: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let first = &diagnostics[0];
    assert_eq!(first["code"], "examples/invalid");
    assert_eq!(
        first["file"],
        "xtask/tests/corpus/example-wrong-type/css.yaml"
    );
    assert_eq!(first["line"], 66);
    assert_eq!(
        first["pointer"],
        "/paths/~1v1.0~1{project_id}~1clusters~1{cluster_id}~1index_snapshot/post/requestBody/content/application~1json/examples/documented/value/name"
    );
    assert!(first["found"].as_str().unwrap().contains("1"));
    assert!(first["expected"].is_string());
}

#[test]
fn diff_reports_added_removed_and_breaking_changes_between_revisions() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    std::fs::create_dir(repo.join("spec")).unwrap();
    let original = std::fs::read_to_string(workspace_root().join("spec/css.yaml")).unwrap();
    std::fs::write(repo.join("spec/css.yaml"), &original).unwrap();
    git(repo, &["init", "-q"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-qm", "v1"]);
    let changed = original
        .replace("          maxLength: 64\n          pattern: \"^[a-z][a-z0-9_-]*$\"", "          maxLength: 32\n          pattern: \"^[a-z][a-z0-9_-]*$\"")
        .replace("        bucketName:\n          type: string\n          description: OBS bucket holding the snapshot data (保存快照数据的桶).\n", "")
        .replace("        indices:\n          type: string\n          description: >-\n            Indices to back up", "        compress:\n          type: boolean\n          description: Compress the snapshot.\n        indices:\n          type: string\n          description: >-\n            Indices to back up");
    assert_ne!(changed, original);
    std::fs::write(repo.join("spec/css.yaml"), &changed).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "HEAD", "--spec-dir", "spec"])
        .current_dir(repo)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        report.contains(
            "~ field CreateSnapshotReq.name: maxLength 64 -> 32 (tighter)  [BREAKING: wire major, Rust patch]"
        ),
        "{report}"
    );
    assert!(
        report.contains("- field BackupRsp.bucketName removed  [BREAKING: wire major, Rust major]"),
        "{report}"
    );
    assert!(
        report.contains("+ field CreateSnapshotReq.compress added, optional (struct literals need it; builders do not)  [BREAKING: wire minor, Rust major]"),
        "{report}"
    );
    assert!(
        report.contains("spec/css.yaml (HEAD -> working tree): wire major, Rust major"),
        "{report}"
    );
    assert!(report.contains("3 breaking change(s)"), "{report}");
    // The same verdicts for tools.
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "HEAD", "--format", "json"])
        .current_dir(repo)
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let css = &json["apis"][0];
    assert_eq!(
        (&css["api"], &css["wire"], &css["rust"]),
        (&"css".into(), &"major".into(), &"major".into()),
        "{json}"
    );
    assert_eq!(css["changes"].as_array().unwrap().len(), 3, "{json}");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "no-such-rev"])
        .current_dir(repo)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("`no-such-rev` is not a git revision")
    );
}

/// A one-operation Alibaba spec whose operation is written from a facts file.
const FACTS_SPEC: &str = r##"openapi: 3.0.3
info: {title: t, version: "2017-06-13"}
servers: [{url: "https://elasticsearch.cn-hangzhou.aliyuncs.com"}]
paths:
  /openapi/instances/{InstanceId}/things:
    post:
      operationId: CreateThing
      x-doc-pages: [facts/alibaba-es/CreateThing.json]
      parameters:
        - {name: InstanceId, in: path, required: true, schema: {type: string}}
        - {name: ClientToken, in: query, required: true, schema: {type: string}}
        - {name: Mode, in: query, required: false, schema: {type: string, enum: [fast, full]}}
      responses:
        "200":
          description: OK
          x-doc-decision: the metadata documents no status; 200 is what the SDK reads.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Answer"}
components:
  schemas:
    Answer:
      type: object
      properties:
        Result: {type: boolean, x-doc-decision: from the SDK model}
"##;

fn alibaba_metadata(path: &str, client_token_in: &str) -> String {
    alibaba_metadata_with_modes(path, client_token_in, "'full', 'fast'")
}

fn alibaba_metadata_with_modes(path: &str, client_token_in: &str, modes: &str) -> String {
    format!(
        "<?php return ['apis' => ['CreateThing' => ['path' => '{path}', 'methods' => ['post'], 'parameters' => [\
         ['name' => 'InstanceId', 'in' => 'path', 'schema' => ['type' => 'string', 'required' => true]],\
         ['name' => 'ClientToken', 'in' => '{client_token_in}', 'schema' => ['type' => 'string', 'required' => true]],\
         ['name' => 'Mode', 'in' => 'query', 'schema' => ['type' => 'string', 'required' => false, 'enum' => [{modes}]]]]]]];"
    )
}

/// Writes the facts file with `cargo xtask facts` from `metadata`, then checks the spec folder.
fn check_against_facts(dir: &Path, metadata: &str) -> (bool, String) {
    let definition = dir.join("api-docs.php");
    std::fs::write(&definition, metadata).unwrap();
    let out = dir.join("spec/facts/alibaba-es/CreateThing.json");
    let written = xtask(&[
        "facts",
        "--format",
        "alibaba-api-metadata",
        "--definition",
        definition.to_str().unwrap(),
        "--operation",
        "CreateThing",
        "--source-url",
        "https://example.invalid/api-docs.php",
        "--retrieved",
        "2026-12-02",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(written.status.success(), "{written:?}");
    let output = xtask(&["check", "--spec-dir", dir.join("spec").to_str().unwrap()]);
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn an_operation_is_compared_with_its_facts_file() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("spec")).unwrap();
    std::fs::write(tmp.path().join("spec/alibaba-es.yaml"), FACTS_SPEC).unwrap();

    let (passed, stdout) = check_against_facts(
        tmp.path(),
        &alibaba_metadata("/openapi/instances/{InstanceId}/things", "query"),
    );
    assert!(passed, "facts that agree with the spec pass:\n{stdout}");

    // The vendor moves the operation: the facts file says so, the check points at it.
    let (passed, stdout) = check_against_facts(
        tmp.path(),
        &alibaba_metadata("/openapi/instances/{InstanceId}/things/create", "query"),
    );
    assert!(!passed);
    assert!(stdout.contains("pages/endpoint-differs"), "{stdout}");
    assert!(
        stdout.contains("facts/alibaba-es/CreateThing.json:"),
        "{stdout}"
    );

    // The vendor moves a parameter from the query to a header.
    let (passed, stdout) = check_against_facts(
        tmp.path(),
        &alibaba_metadata("/openapi/instances/{InstanceId}/things", "header"),
    );
    assert!(!passed);
    assert!(stdout.contains("pages/parameter-missing"), "{stdout}");
    assert!(
        stdout.contains("header parameter `ClientToken`"),
        "{stdout}"
    );

    // The vendor allows a new value: the enum differs, in whichever order either lists it.
    let (passed, stdout) = check_against_facts(
        tmp.path(),
        &alibaba_metadata_with_modes(
            "/openapi/instances/{InstanceId}/things",
            "query",
            "'incremental', 'full', 'fast'",
        ),
    );
    assert!(!passed);
    assert!(
        stdout.contains("the enum of query parameter `Mode` differs"),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#"["fast", "full", "incremental"]"#),
        "{stdout}"
    );
}

#[test]
fn a_definition_that_cannot_be_read_leaves_the_facts_file_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("facts.json");
    std::fs::write(&out, "previous").unwrap();
    let definition = tmp.path().join("definition.json");
    std::fs::write(&definition, "{\"paths\": {").unwrap();
    let output = xtask(&[
        "facts",
        "--format",
        "huawei-api-explorer",
        "--definition",
        definition.to_str().unwrap(),
        "--source-url",
        "u",
        "--retrieved",
        "2026-12-02",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("definition.json: not JSON at line 1"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous");
}

/// A one-operation Huawei spec whose answer example corrects the definition's at one place.
fn corrected_example_spec(recorded_at: &str) -> String {
    format!(
        r##"openapi: 3.0.3
info: {{title: t, version: "1"}}
servers: [{{url: "https://css.cn-north-4.myhuaweicloud.com"}}]
paths:
  /v1.0/{{project_id}}/things:
    get:
      operationId: ListThings
      x-doc-pages: [facts/css/ListThings.json]
      parameters:
        - {{name: project_id, in: path, required: true, schema: {{type: string}}}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/Things"}}
              examples:
                documented:
                  x-doc-page: facts/css/ListThings.json
                  x-doc-deviations:
                    - page: facts/css/ListThings.json
                      aspect: value
                      documented: {recorded_at}
                      reason: the definition writes the size as the text "500,"
                  value: {{"things": [{{"size": 1}}, {{"size": 500}}]}}
components:
  schemas:
    Things:
      type: object
      properties:
        things:
          type: array
          items: {{$ref: "#/components/schemas/Thing"}}
    Thing:
      type: object
      properties:
        size: {{type: number}}
"##
    )
}

#[test]
fn a_recorded_correction_of_a_documented_example_excuses_exactly_that_place() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("spec/facts/css")).unwrap();
    let definition = serde_json::json!({
        "definitions": {
            "Things": {"properties": {"things": {"type": "array", "items": {"$ref": "#/definitions/Thing"}}}},
            "Thing": {"properties": {"size": {"type": "number"}}}
        },
        "paths": {"/v1.0/{project_id}/things": {"get": {
            "operationId": "ListThings",
            "parameters": [{"in": "path", "name": "project_id", "required": true, "type": "string"}],
            "responses": {"200": {
                "schema": {"$ref": "#/definitions/Things"},
                "examples": {"application/json": {"things": [{"size": 1}, {"size": "500,"}]}}
            }}
        }}}
    });
    let definition_file = tmp.path().join("ListThings.json");
    std::fs::write(&definition_file, definition.to_string()).unwrap();
    let written = xtask(&[
        "facts",
        "--format",
        "huawei-api-explorer",
        "--definition",
        definition_file.to_str().unwrap(),
        "--source-url",
        "https://example.invalid/ListThings.json",
        "--retrieved",
        "2026-12-02",
        "--out",
        tmp.path()
            .join("spec/facts/css/ListThings.json")
            .to_str()
            .unwrap(),
    ]);
    assert!(written.status.success(), "{written:?}");
    let check = |recorded_at: &str| {
        std::fs::write(
            tmp.path().join("spec/css.yaml"),
            corrected_example_spec(recorded_at),
        )
        .unwrap();
        let output = xtask(&[
            "check",
            "--spec-dir",
            tmp.path().join("spec").to_str().unwrap(),
        ]);
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (passed, stdout) = check("/things/1/size");
    assert!(passed, "the correction is recorded where it is:\n{stdout}");
    let (passed, stdout) = check("/things/0/size");
    assert!(!passed);
    assert!(stdout.contains("pages/example-differs"), "{stdout}");
    assert!(stdout.contains("documented: /things/1/size"), "{stdout}");
    assert!(stdout.contains("pages/stale-deviation"), "{stdout}");
}
