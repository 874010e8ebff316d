//! `cargo xtask publish` as a process: the layout and index, byte-for-byte determinism,
//! atomicity on a broken spec, documentation pointers turned into URLs, and earlier versions
//! kept.

mod common;
use common::workspace_root;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::Digest;

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(workspace_root())
        .output()
        .unwrap()
}

fn publish(out: &Path, spec_dir: Option<&Path>) -> Output {
    let mut args = vec!["publish", "--out", out.to_str().unwrap()];
    if let Some(dir) = spec_dir {
        args.extend(["--spec-dir", dir.to_str().unwrap()]);
    }
    xtask(&args)
}

fn publish_ok(out: &Path, spec_dir: Option<&Path>) {
    let output = publish(out, spec_dir);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file under `dir`, by path relative to it (with `/`), sorted.
fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                out.push((rel.replace('\\', "/"), std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort();
    files
}

/// A copy of the repository's spec folder, to break or extend.
fn copy_of_specs(to: &Path) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = to.join("spec");
    copy(&workspace_root().join("spec"), &dir);
    dir
}

fn version_of(spec: &str) -> String {
    let text = std::fs::read_to_string(workspace_root().join("spec").join(spec)).unwrap();
    let doc = snapspec_codegen::yaml::parse(&text).unwrap().value;
    doc["info"]["version"].as_str().unwrap().to_string()
}

#[test]
fn each_api_gets_a_version_folder_a_latest_file_and_index_entries_with_digests() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("published");
    publish_ok(&out, None);
    let files = read_tree(&out);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("index.json")).unwrap()).unwrap();
    let apis = index["apis"].as_array().unwrap();
    assert_eq!(
        apis.iter()
            .map(|a| a["api"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["css", "dws", "alibaba-es"]
    );
    let mut listed = vec!["index.json".to_string()];
    for api in apis {
        let name = api["api"].as_str().unwrap();
        let version = version_of(&format!("{name}.yaml"));
        // `latest` is a one-line text file naming the maintained spec's version.
        assert_eq!(api["latest"]["version"], version.as_str());
        assert_eq!(
            std::fs::read_to_string(out.join(name).join("latest")).unwrap(),
            format!("{version}\n")
        );
        let versions = api["versions"].as_array().unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0]["version"], version.as_str());
        let version_files = versions[0]["files"].as_array().unwrap();
        let expected = [
            ("yaml", "application/yaml", "3.0.3", "maintained"),
            ("json", "application/json", "3.0.3", "maintained"),
            ("3.1.yaml", "application/yaml", "3.1.0", "openapi-3.1"),
            ("3.1.json", "application/json", "3.1.0", "openapi-3.1"),
            ("deref.yaml", "application/yaml", "3.0.3", "dereferenced"),
            ("deref.json", "application/json", "3.0.3", "dereferenced"),
            // The reference page is written from the dereferenced 3.0.3 document.
            ("html", "text/html", "3.0.3", "reference-page"),
        ];
        assert_eq!(version_files.len(), expected.len());
        for (suffix, media_type, openapi, variant) in expected {
            let path = format!("{name}/{version}/{name}.{suffix}");
            let entry = version_files
                .iter()
                .find(|f| f["path"] == path.as_str())
                .unwrap_or_else(|| panic!("{path} is not in the index"));
            assert_eq!(entry["media_type"], media_type);
            assert_eq!(entry["openapi"], openapi);
            assert_eq!(entry["variant"], variant);
            // Each YAML file says what its JSON twin says, and declares the version it is listed as.
            let bytes = &files.iter().find(|(n, _)| *n == path).unwrap().1;
            let text = String::from_utf8(bytes.clone()).unwrap();
            if suffix == "html" {
                assert!(text.starts_with("<!DOCTYPE html>"), "{path}");
                continue;
            }
            let value = snapspec_codegen::yaml::parse(&text).unwrap().value;
            assert_eq!(value["openapi"], openapi, "{path}");
            if let Some(json_path) = path.strip_suffix(".yaml") {
                let json_path = format!("{json_path}.json");
                let json = &files.iter().find(|(n, _)| *n == json_path).unwrap().1;
                assert_eq!(
                    value,
                    serde_json::from_slice::<serde_json::Value>(json).unwrap(),
                    "{path}"
                );
            }
        }
        let mut all = version_files.clone();
        all.push(api["latest"].clone());
        for file in all {
            let path = file["path"].as_str().unwrap();
            let bytes = &files.iter().find(|(n, _)| n == path).unwrap().1;
            assert_eq!(
                file["sha256"],
                hex::encode(sha2::Sha256::digest(bytes)),
                "{path}"
            );
            listed.push(path.to_string());
        }
    }
    listed.sort();
    assert_eq!(names, listed, "every file is in the index, and only those");
}

#[test]
fn publishing_twice_gives_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    publish_ok(&a, None);
    publish_ok(&b, None);
    assert_eq!(read_tree(&a), read_tree(&b));
    // Publishing over an earlier publication of the same specs changes nothing either.
    publish_ok(&a, None);
    assert_eq!(read_tree(&a), read_tree(&b));
}

#[test]
fn a_failing_check_leaves_the_output_folder_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("published");
    publish_ok(&out, None);
    let before = read_tree(&out);
    let output = publish(
        &out,
        Some(&workspace_root().join("xtask/tests/corpus/broken-ref")),
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("structure/broken-ref"), "{stderr}");
    assert!(stderr.contains("nothing was published"), "{stderr}");
    assert!(
        stderr.contains("css.yaml"),
        "the broken spec is named: {stderr}"
    );
    assert_eq!(read_tree(&out), before);
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no staging folder is left: {leftovers:?}"
    );
}

/// The relative paths into the spec folder left in `text` (`docs/...`, `facts/...`, not inside
/// a URL).
fn relative_pointers(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for prefix in ["docs/", "facts/"] {
        for (i, _) in text.match_indices(prefix) {
            let before = text[..i].chars().next_back();
            let inside_word =
                before.is_some_and(|c| c.is_ascii_alphanumeric() || "_-./".contains(c));
            let after_spec = text[..i].ends_with("spec/")
                && text[..i - 5]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !(c.is_ascii_alphanumeric() || "_-./".contains(c)));
            if !inside_word || after_spec {
                found.push(text[i..].chars().take(60).collect());
            }
        }
    }
    found
}

#[test]
fn published_documents_point_at_source_urls_not_at_unpublished_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("published");
    publish_ok(&out, None);
    for (path, bytes) in read_tree(&out) {
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(relative_pointers(&text), Vec::<String>::new(), "{path}");
        if !path.ends_with(".json") || path == "index.json" {
            continue;
        }
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        for (route, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let pages = operation["x-doc-pages"].as_array().unwrap();
                assert!(!pages.is_empty(), "{path} {method} {route}");
                for page in pages {
                    assert!(
                        page.as_str().unwrap().starts_with("https://"),
                        "{path} {method} {route}: {page}"
                    );
                }
            }
        }
    }
    let dws = std::fs::read_to_string(out.join("dws/1.0/dws.json")).unwrap();
    // A facts file becomes the definition it was read from (its source.url) ...
    let facts: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("spec/facts/dws/ListSnapshots.json"))
            .unwrap(),
    )
    .unwrap();
    assert!(dws.contains(facts["source"]["url"].as_str().unwrap()));
    // ... and a captured page the URL recorded for it in spec/docs/sources.json.
    let sources: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("spec/docs/sources.json")).unwrap(),
    )
    .unwrap();
    let page_url = sources["pages"]["dws-create-snapshot.en.txt"]["url"]
        .as_str()
        .unwrap();
    assert!(dws.contains(page_url));
}

#[test]
fn a_page_without_a_recorded_source_url_is_an_error_naming_it_and_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let spec_dir = copy_of_specs(tmp.path());
    let sources_path = spec_dir.join("docs/sources.json");
    let mut sources: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sources_path).unwrap()).unwrap();
    sources["pages"]
        .as_object_mut()
        .unwrap()
        .remove("css-create-index-snapshot.zh.md");
    std::fs::write(&sources_path, sources.to_string()).unwrap();
    let out = tmp.path().join("published");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("index.json"), "the previous release").unwrap();
    let output = publish(&out, Some(&spec_dir));
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("css.yaml at /paths/"), "{stderr}");
    assert!(
        stderr.contains("docs/css-create-index-snapshot.zh.md"),
        "{stderr}"
    );
    assert!(stderr.contains("docs/sources.json"), "{stderr}");
    assert_eq!(
        read_tree(&out),
        [("index.json".to_string(), b"the previous release".to_vec())]
    );
}

#[test]
fn versions_published_earlier_stay_beside_the_new_one() {
    let tmp = tempfile::tempdir().unwrap();
    let spec_dir = copy_of_specs(tmp.path());
    let out = tmp.path().join("published");
    publish_ok(&out, Some(&spec_dir));
    let first_css = std::fs::read(out.join("css/1.0/css.json")).unwrap();
    // The next release of the CSS spec.
    let css = std::fs::read_to_string(spec_dir.join("css.yaml")).unwrap();
    assert_eq!(css.matches("  version: \"1.0\"\n").count(), 1);
    std::fs::write(
        spec_dir.join("css.yaml"),
        css.replace("  version: \"1.0\"\n", "  version: \"1.1\"\n"),
    )
    .unwrap();
    publish_ok(&out, Some(&spec_dir));
    assert_eq!(
        std::fs::read(out.join("css/1.0/css.json")).unwrap(),
        first_css
    );
    assert_eq!(
        std::fs::read_to_string(out.join("css/latest")).unwrap(),
        "1.1\n"
    );
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("index.json")).unwrap()).unwrap();
    let versions = &index["apis"][0]["versions"];
    assert_eq!(versions[0]["version"], "1.0");
    assert_eq!(versions[1]["version"], "1.1");
    // What the earlier index said about the kept files is kept; the digests still match.
    let kept = versions[0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "css/1.0/css.json")
        .unwrap();
    assert_eq!(kept["openapi"], "3.0.3");
    let bytes = std::fs::read(out.join(kept["path"].as_str().unwrap())).unwrap();
    assert_eq!(kept["sha256"], hex::encode(sha2::Sha256::digest(bytes)));
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Every `$ref` in `value`: the pointer of the node holding it, the target pointer, and the
/// node's other keys.
fn refs(
    value: &serde_json::Value,
    pointer: &str,
    out: &mut Vec<(String, String, serde_json::Value)>,
) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(|r| r.as_str()) {
                let mut rest = map.clone();
                rest.remove("$ref");
                out.push((
                    pointer.to_string(),
                    target.trim_start_matches('#').to_string(),
                    rest.into(),
                ));
            }
            for (k, v) in map {
                refs(
                    v,
                    &format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                refs(v, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_dereferenced_variant_has_no_ref_and_holds_what_each_ref_named() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("published");
    publish_ok(&out, None);
    for (api, version) in [("css", "1.0"), ("dws", "1.0"), ("alibaba-es", "2017-06-13")] {
        let maintained = read_json(&out.join(format!("{api}/{version}/{api}.json")));
        let deref = read_json(&out.join(format!("{api}/{version}/{api}.deref.json")));
        let mut left = Vec::new();
        refs(&deref, "", &mut left);
        assert!(left.is_empty(), "{api}: {left:?}");
        let mut sites = Vec::new();
        refs(&maintained, "", &mut sites);
        assert!(sites.len() > 10, "{api} uses references");
        // Following every reference by hand gives the same document, less the components
        // nothing names any more.
        let mut expected = follow(&maintained, &maintained);
        let components = expected["components"].as_object_mut().unwrap();
        components.retain(|section, _| section == "securitySchemes");
        assert_eq!(deref, expected, "{api}");
    }
}

/// `node` with each `$ref` replaced by what it names (followed again), the keys beside it kept.
fn follow(root: &serde_json::Value, node: &serde_json::Value) -> serde_json::Value {
    match node {
        serde_json::Value::Object(map) => {
            let mut out = match map.get("$ref").and_then(|r| r.as_str()) {
                Some(r) => follow(root, root.pointer(r.trim_start_matches('#')).unwrap()),
                None => serde_json::Value::Object(serde_json::Map::new()),
            };
            for (k, v) in map.iter().filter(|(k, _)| *k != "$ref") {
                out[k] = follow(root, v);
            }
            out
        }
        serde_json::Value::Array(items) => items.iter().map(|v| follow(root, v)).collect(),
        other => other.clone(),
    }
}

#[test]
fn the_3_1_variant_has_no_3_0_keywords_left() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("published");
    publish_ok(&out, None);
    let css = std::fs::read_to_string(out.join("css/1.0/css.3.1.json")).unwrap();
    assert!(css.contains("\"openapi\": \"3.1.0\""));
    assert!(!css.contains("\"nullable\""), "nullable is 3.0 only");
    assert!(
        css.contains("\"null\""),
        "the CSS spec has nullable fields: they allow null in 3.1"
    );
}

/// Validates every published document with openapi-spec-validator (PyPI, pinned in
/// xtask/lint/run.sh, which runs this test with SNAPSPEC_OPENAPI_SPEC_VALIDATOR set to it).
#[test]
#[ignore = "needs openapi-spec-validator; xtask/lint/run.sh installs it and runs this test"]
fn every_published_document_is_valid_for_openapi_spec_validator() {
    let validator = std::env::var("SNAPSPEC_OPENAPI_SPEC_VALIDATOR")
        .expect("set SNAPSPEC_OPENAPI_SPEC_VALIDATOR to the openapi-spec-validator executable");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("published");
    publish_ok(&out, None);
    let documents: Vec<String> = read_tree(&out)
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n != "index.json" && (n.ends_with(".yaml") || n.ends_with(".json")))
        .collect();
    assert_eq!(documents.len(), 18);
    let output = Command::new(validator)
        .args(&documents)
        .current_dir(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for document in &documents {
        assert!(
            stdout.contains(&format!("{document}: OK")),
            "{document}: {stdout}"
        );
    }
}

#[test]
fn a_source_url_with_yaml_sensitive_characters_still_gives_yaml_equal_to_the_json() {
    // A `#` fragment after the URL could read as a comment in some places of the maintained text;
    // the YAML is then written from the value instead of edited in place.
    let tmp = tempfile::tempdir().unwrap();
    let spec_dir = copy_of_specs(tmp.path());
    let sources_path = spec_dir.join("docs/sources.json");
    let mut sources: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sources_path).unwrap()).unwrap();
    let url = "https://example.com/css page, #section [1]";
    sources["pages"]["css-create-index-snapshot.zh.md"]["url"] = url.into();
    std::fs::write(&sources_path, sources.to_string()).unwrap();
    let out = tmp.path().join("published");
    publish_ok(&out, Some(&spec_dir));
    let yaml = std::fs::read_to_string(out.join("css/1.0/css.yaml")).unwrap();
    let json = read_json(&out.join("css/1.0/css.json"));
    assert_eq!(snapspec_codegen::yaml::parse(&yaml).unwrap().value, json);
    assert!(json.to_string().contains(url));
}

/// Text as an HTML serializer writes it inside an element (the page's own escaping and a
/// browser's `--dump-dom` agree on these three).
fn as_html_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Every operation of every published API has its section in `dom` (the page as `dom_of` reads
/// it), and each section names every parameter and shows every example of the operation.
fn every_operation_parameter_and_example_is_on_the_page(dom_of: impl Fn(&Path) -> String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("published");
    publish_ok(&out, None);
    let mut checked = (0, 0, 0);
    for (api, version) in [("css", "1.0"), ("dws", "1.0"), ("alibaba-es", "2017-06-13")] {
        let document = read_json(&out.join(format!("{api}/{version}/{api}.deref.json")));
        let dom = dom_of(&out.join(format!("{api}/{version}/{api}.html")));
        assert!(
            !dom.contains("<script") && !dom.contains("http-equiv"),
            "{api}: the page is self-contained, without script"
        );
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let Some(id) = operation["operationId"].as_str() else {
                    continue;
                };
                let start = dom
                    .find(&format!("data-operation-id=\"{id}\""))
                    .unwrap_or_else(|| panic!("{api}: no section for {id} ({method} {path})"));
                let end = dom[start..]
                    .find("</section>")
                    .map_or(dom.len(), |e| start + e);
                let section = &dom[start..end];
                assert!(
                    section.contains(&as_html_text(path)),
                    "{api} {id}: path {path}"
                );
                checked.0 += 1;
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    let name = parameter["name"].as_str().unwrap();
                    assert!(
                        section.contains(&format!("data-parameter=\"{name}\"")),
                        "{api} {id}: parameter {name}"
                    );
                    checked.1 += 1;
                }
                let mut examples = Vec::new();
                let holders = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .chain(
                        operation["requestBody"]["content"]
                            .as_object()
                            .into_iter()
                            .flat_map(|c| c.values()),
                    )
                    .chain(
                        operation["responses"]
                            .as_object()
                            .into_iter()
                            .flat_map(|r| r.values())
                            .flat_map(|r| {
                                r["content"]
                                    .as_object()
                                    .into_iter()
                                    .flat_map(|c| c.values())
                            }),
                    );
                for holder in holders {
                    examples.extend(holder.get("example"));
                    examples.extend(
                        holder["examples"]
                            .as_object()
                            .into_iter()
                            .flat_map(|e| e.values())
                            .filter_map(|e| e.get("value")),
                    );
                }
                for example in examples {
                    let shown = match example {
                        serde_json::Value::String(s) => s.clone(),
                        other => serde_json::to_string_pretty(other).unwrap(),
                    };
                    assert!(
                        section.contains(&as_html_text(&shown)),
                        "{api} {id}: example not shown:\n{shown}"
                    );
                    checked.2 += 1;
                }
            }
        }
    }
    // The specs hold 18 operations, with parameters and examples on most of them.
    assert!(
        checked.0 >= 18 && checked.1 >= 30 && checked.2 >= 30,
        "{checked:?}"
    );
}

#[test]
fn the_reference_pages_hold_every_operation_parameter_and_example() {
    every_operation_parameter_and_example_is_on_the_page(|page| {
        std::fs::read_to_string(page).unwrap()
    });
}

/// Chromium's command, from `SNAPSPEC_CHROMIUM` or `chromium` on the PATH.
fn chromium() -> String {
    std::env::var("SNAPSPEC_CHROMIUM").unwrap_or_else(|_| "chromium".to_string())
}

#[test]
#[ignore = "needs Chromium (Debian's package); .ci/run installs it and runs this test"]
fn the_reference_pages_load_in_a_headless_browser_with_every_operation_parameter_and_example() {
    every_operation_parameter_and_example_is_on_the_page(|page| {
        let profile = tempfile::tempdir().unwrap();
        let output = Command::new(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                // No network at view time: a page that fetched anything would fail to load it.
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("file://{}", page.display()))
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {}: {e}; install Chromium or set SNAPSPEC_CHROMIUM",
                    chromium()
                )
            });
        assert!(
            output.status.success(),
            "chromium failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let dom = String::from_utf8(output.stdout).unwrap();
        // The DOM the browser built, not the file echoed: a parsed page has a <head> and <body>.
        assert!(
            dom.contains("<head>") && dom.contains("</body>"),
            "{dom:.200}"
        );
        dom
    });
}
