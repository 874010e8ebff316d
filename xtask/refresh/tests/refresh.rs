//! `cargo xtask refresh` against a loopback HTTP server that holds the vendor sources: changed
//! copies are written and shown as diffs, unchanged ones are left alone, the check runs; and any
//! failed download, HTTP error or unreadable body leaves every stored file as it was.
//!
//! The two definitions under tests/refresh/ are Huawei Cloud API Explorer definitions of
//! `DeleteSnapshot` (CSS and DWS) as mirrored in github.com/mingyang91/huawei-cloud-api-definitions
//! at commit e05e9a02eed3a8449e77f61895b1971900ea0091, the commit the facts files were read from.

#[path = "../../tests/common/mod.rs"]
mod common;
use common::{copy_dir, workspace_root};

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use serde_json::Value;

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

/// A loopback HTTP server answering each path with (status, body); any other path is a 404.
fn serve(routes: HashMap<String, (u16, Vec<u8>)>) -> String {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let address = server.server_addr().to_ip().unwrap();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let (status, body) = routes
                .get(request.url())
                .cloned()
                .unwrap_or((404, b"not here".to_vec()));
            let _ = request.respond(tiny_http::Response::from_data(body).with_status_code(status));
        }
    });
    format!("http://{address}")
}

fn definition(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/refresh")
            .join(name),
    )
    .unwrap()
}

/// The CSS definition with one more documented status, 404.
fn css_definition_with_404() -> Vec<u8> {
    let mut value: Value =
        serde_json::from_slice(&definition("css-DeleteSnapshot.definition.json")).unwrap();
    let operation = value["paths"]["/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/{snapshot_id}"]
        ["delete"]
        .as_object_mut()
        .unwrap();
    operation["responses"]["404"] = serde_json::json!({"description": "Not Found"});
    serde_json::to_vec(&value).unwrap()
}

/// A copy of spec/ whose every page, and the two DeleteSnapshot facts files, are downloaded from
/// `base` (the other facts files record no download and are kept); and the routes serving each
/// page as stored and each definition as it was read.
fn spec_copy(dir: &Path, base: &str) -> (PathBuf, HashMap<String, (u16, Vec<u8>)>) {
    let spec = dir.join("spec");
    copy_dir(&workspace_root().join("spec"), &spec);
    let mut routes = HashMap::new();
    let sources_path = spec.join("docs/sources.json");
    let mut sources: Value =
        serde_json::from_str(&std::fs::read_to_string(&sources_path).unwrap()).unwrap();
    for (name, entry) in sources["pages"].as_object_mut().unwrap() {
        let route = format!("/docs/{name}");
        entry["download"] = Value::String(format!("{base}{route}"));
        entry["capture"] = Value::String(
            if name.ends_with(".md") {
                "markdown"
            } else {
                "text"
            }
            .into(),
        );
        routes.insert(
            route,
            (200, std::fs::read(spec.join("docs").join(name)).unwrap()),
        );
    }
    std::fs::write(
        &sources_path,
        serde_json::to_string_pretty(&sources).unwrap(),
    )
    .unwrap();
    for facts_path in tree(&spec.join("facts")).into_keys() {
        if facts_path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let path = spec.join("facts").join(&facts_path);
        let mut facts: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let source = facts["source"].as_object_mut().unwrap();
        let api = facts_path.parent().unwrap().to_str().unwrap().to_string();
        if facts_path.ends_with("DeleteSnapshot.json") {
            let route = format!("/definitions/{api}/DeleteSnapshot.json");
            source.insert("download".into(), Value::String(format!("{base}{route}")));
            routes.insert(
                route,
                (
                    200,
                    definition(&format!("{api}-DeleteSnapshot.definition.json")),
                ),
            );
        } else {
            source.remove("download");
        }
        let mut text = serde_json::to_string_pretty(&facts).unwrap();
        text.push('\n');
        std::fs::write(&path, text).unwrap();
    }
    (spec, routes)
}

fn refresh(spec: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask-refresh"))
        .args(["--retrieved", "2026-12-03", "--spec-dir"])
        .arg(spec)
        .args(extra)
        .current_dir(workspace_root())
        .output()
        .unwrap()
}

/// Points the two DeleteSnapshot facts files' download URLs from `base` to the server at `live`.
fn download_facts_from(spec: &Path, base: &str, live: &str) {
    for api in ["css", "dws"] {
        let path = spec.join(format!("facts/{api}/DeleteSnapshot.json"));
        let facts = std::fs::read_to_string(&path).unwrap().replace(base, live);
        std::fs::write(&path, facts).unwrap();
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const CSS_PAGE: &str = "docs/css-create-index-snapshot.zh.md";
const NEW_ROW: &str =
    "<tr id=\"rowNEW\"><td>compress</td><td>否</td><td>Boolean</td><td>是否压缩快照。</td></tr>\n";

/// Reserves a loopback port and closes it again: nothing listens there.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

#[test]
fn changed_sources_are_written_and_shown_unchanged_ones_are_left_and_the_check_runs() {
    let dir = tempfile::tempdir().unwrap();
    // The server's address is needed before the routes: bind first, fill the routes after.
    let routes = Arc::new(std::sync::Mutex::new(HashMap::new()));
    let base = {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let address = server.server_addr().to_ip().unwrap();
        let routes = routes.clone();
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let answer: Option<(u16, Vec<u8>)> =
                    routes.lock().unwrap().get(request.url()).cloned();
                let (status, body) = answer.unwrap_or((404, b"not here".to_vec()));
                let _ =
                    request.respond(tiny_http::Response::from_data(body).with_status_code(status));
            }
        });
        format!("http://{address}")
    };
    let (spec, mut served) = spec_copy(dir.path(), &base);
    // The vendor added a request parameter to the CSS page and a status to the CSS definition.
    let page = text(&served[&format!("/{CSS_PAGE}")].1);
    let changed_page = page.replacen(
        "<tr id=\"row1795115595819\">",
        &format!("{NEW_ROW}<tr id=\"row1795115595819\">"),
        1,
    );
    assert_ne!(page, changed_page);
    served.insert(
        format!("/{CSS_PAGE}"),
        (200, changed_page.clone().into_bytes()),
    );
    served.insert(
        "/definitions/css/DeleteSnapshot.json".into(),
        (200, css_definition_with_404()),
    );
    *routes.lock().unwrap() = served;
    let before = tree(&spec);

    let output = refresh(&spec, &[]);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);

    // The changed page is stored as served; the facts file gains the status and today's date.
    assert_eq!(
        std::fs::read_to_string(spec.join(CSS_PAGE)).unwrap(),
        changed_page
    );
    let facts: Value = serde_json::from_str(
        &std::fs::read_to_string(spec.join("facts/css/DeleteSnapshot.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(facts["statuses"], serde_json::json!([200, 400, 403, 404]));
    assert_eq!(facts["source"]["retrieved"], "2026-12-03");
    // Each change is shown as a diff of its source.
    let shown = spec.display().to_string();
    assert!(
        stdout.contains(&format!("--- a/{shown}/{CSS_PAGE}")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("+{}", NEW_ROW.trim_end())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("+++ b/{shown}/facts/css/DeleteSnapshot.json")),
        "{stdout}"
    );
    assert!(stdout.contains("+    404"), "{stdout}");
    assert!(
        stdout.contains("-    \"retrieved\": \"2026-12-02\","),
        "{stdout}"
    );
    // Nothing else changed: the unchanged page copies, the unchanged DWS definition (same facts,
    // so not even its date moves), and the facts files that record no download.
    let after = tree(&spec);
    let differing: Vec<&PathBuf> = after
        .keys()
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    assert_eq!(
        differing,
        [
            Path::new(CSS_PAGE),
            Path::new("facts/css/DeleteSnapshot.json")
        ],
        "{stdout}"
    );
    assert!(
        stdout.contains("refresh: 7 sources, 2 changed, 5 unchanged"),
        "{stdout}"
    );
    assert!(
        stdout.contains("kept ") && stdout.contains("facts/dws/RestoreCluster.json"),
        "{stdout}"
    );
    // Then the check ran on the refreshed copy, and its verdict is the command's: the page's new
    // parameter is not in the spec.
    assert!(stdout.contains("refresh: running the check"), "{stdout}");
    assert!(stdout.contains("pages/parameter-missing"), "{stdout}");
    assert!(stdout.contains("compress"), "{stdout}");
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");

    // A second run finds nothing new and passes the check's verdict through unchanged.
    let again = refresh(&spec, &["--only", "dws"]);
    let again_out = text(&again.stdout);
    assert!(
        again_out.contains("refresh: 4 sources, 0 changed, 4 unchanged"),
        "{again_out}"
    );
    assert_eq!(tree(&spec), after);
}

#[test]
fn an_http_error_or_a_closed_port_changes_no_stored_file() {
    let dir = tempfile::tempdir().unwrap();
    let base = closed_port();
    // Built against a closed port, then the routes go to a live server for all but one source.
    let (spec, mut routes) = spec_copy(dir.path(), &base);
    let page = format!("/{CSS_PAGE}");
    let changed = text(&routes[&page].1).replacen(
        "<tr id=\"row1795115595819\">",
        &format!("{NEW_ROW}<tr id=\"row1795115595819\">"),
        1,
    );
    routes.insert(page.clone(), (200, changed.into_bytes()));
    routes.insert(
        "/definitions/dws/DeleteSnapshot.json".into(),
        (500, b"internal error".to_vec()),
    );
    let live = serve(routes);
    let sources_path = spec.join("docs/sources.json");
    let sources = std::fs::read_to_string(&sources_path).unwrap();
    // Every page on the live server but one, which stays on the closed port.
    let moved = sources.replace(&base, &live).replacen(
        &format!("{live}/docs/dws-create-snapshot.en.txt"),
        &format!("{base}/docs/dws-create-snapshot.en.txt"),
        1,
    );
    std::fs::write(&sources_path, moved).unwrap();
    download_facts_from(&spec, &base, &live);
    let before = tree(&spec);

    let output = refresh(&spec, &[]);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(1), "{stderr}");
    // Each failure names the stored file and the URL; the changed page was not written either.
    assert!(stderr.contains(&format!("facts/dws/DeleteSnapshot.json: cannot download {live}/definitions/dws/DeleteSnapshot.json: HTTP status 500")), "{stderr}");
    assert!(stderr.contains(&format!("docs/dws-create-snapshot.en.txt: cannot download {base}/docs/dws-create-snapshot.en.txt")), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!text(&output.stdout).contains("running the check"));
    assert_eq!(tree(&spec), before);
}

#[test]
fn a_body_that_cannot_be_read_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let base = closed_port();
    let (spec, mut routes) = spec_copy(dir.path(), &base);
    // A definition that is not JSON, and a sign-in page served where the Markdown page was.
    routes.insert(
        "/definitions/css/DeleteSnapshot.json".into(),
        (200, b"<html>rate limited</html>".to_vec()),
    );
    routes.insert(
        format!("/{CSS_PAGE}"),
        (
            200,
            b"<!DOCTYPE html><html><body>Sign in</body></html>".to_vec(),
        ),
    );
    // And an HTML page whose text documents nothing at all.
    let sources_path = spec.join("docs/sources.json");
    let mut sources: Value =
        serde_json::from_str(&std::fs::read_to_string(&sources_path).unwrap()).unwrap();
    sources["pages"]["dws-create-snapshot.en.txt"]["capture"] = "html-text".into();
    std::fs::write(
        &sources_path,
        serde_json::to_string_pretty(&sources).unwrap(),
    )
    .unwrap();
    routes.insert(
        "/docs/dws-create-snapshot.en.txt".into(),
        (
            200,
            b"<html><body><p>Page moved.</p></body></html>".to_vec(),
        ),
    );
    let live = serve(routes);
    let sources = std::fs::read_to_string(&sources_path)
        .unwrap()
        .replace(&base, &live);
    std::fs::write(&sources_path, sources).unwrap();
    download_facts_from(&spec, &base, &live);
    let before = tree(&spec);

    let output = refresh(&spec, &[]);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("facts/css/DeleteSnapshot.json: what {live}/definitions/css/DeleteSnapshot.json serves cannot be used: not JSON")), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{CSS_PAGE}: what {live}/{CSS_PAGE} serves cannot be used: an HTML page"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("docs/dws-create-snapshot.en.txt: what")
            && stderr.contains("documents no parameter, example or status code"),
        "{stderr}"
    );
    assert_eq!(tree(&spec), before);
}
