//! `cargo xtask refresh`: downloads every captured documentation page and every machine-readable
//! definition again, turns each into the stored form the check reads, shows what changed, and
//! writes the changes only when every source could be downloaded and read.
//!
//! What each source needs is recorded with it:
//! - a page, in `docs/sources.json`: `url` (the page, shown to readers), `download` (what to
//!   download, when it is not `url`) and `capture`: `markdown` or `text` (stored as downloaded),
//!   or `html-text` (an HTML page turned into the text shape `pages.rs` reads);
//! - a facts file, in its `source`: `download` (the raw definition), `format`, and the file's
//!   `operation`. A facts file without `source.download` (one written from an SDK model) is kept
//!   as it is and named in the summary.

mod html;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use xtask::facts::{self, DefinitionFormat};
use xtask::pages::read_page;

/// How a downloaded page becomes its capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Capture {
    /// Stored as downloaded; read as Markdown with HTML tables (`*.md`).
    Markdown,
    /// Stored as downloaded; read as a plain-text export (`*.txt`).
    Text,
    /// An HTML page turned into a plain-text export (`*.txt`).
    HtmlText,
}

impl Capture {
    fn from_name(name: &str) -> Option<Capture> {
        match name {
            "markdown" => Some(Capture::Markdown),
            "text" => Some(Capture::Text),
            "html-text" => Some(Capture::HtmlText),
            _ => None,
        }
    }
}

enum Kind {
    Page(Capture),
    Facts {
        format: DefinitionFormat,
        operation: String,
        url: String,
        retrieved: String,
    },
}

/// One stored capture and where it comes from.
struct Source {
    /// Relative to the spec folder: `docs/<page>` or `facts/<api>/<Operation>.json`.
    stored: String,
    download: String,
    kind: Kind,
}

pub struct Options<'a> {
    pub spec_dir: &'a Path,
    /// How the spec folder is shown (`spec`).
    pub display_prefix: &'a str,
    /// Only the sources of this API (`css`, `dws`, `alibaba-es`).
    pub only: Option<&'a str>,
    /// The date written into changed facts files, YYYY-MM-DD.
    pub retrieved: &'a str,
}

/// What a refresh found, before anything is written.
pub struct Outcome {
    /// Sources looked at (downloaded).
    pub sources: usize,
    /// (stored path, new text, unified diff) of each changed source.
    pub changed: Vec<(PathBuf, String, String)>,
    /// Facts files kept because they record no download URL.
    pub not_downloadable: Vec<String>,
}

/// Downloads, converts and compares every source. Any failure is returned (all of them, one per
/// line), and nothing has been written.
pub fn collect(options: &Options<'_>) -> Result<Outcome, String> {
    let (sources, not_downloadable) = sources(options)?;
    let mut urls: Vec<&str> = sources.iter().map(|s| s.download.as_str()).collect();
    urls.sort();
    urls.dedup();
    let downloaded = download_all(&urls);
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    for source in &sources {
        let shown = format!("{}/{}", options.display_prefix, source.stored);
        let body = match &downloaded[source.download.as_str()] {
            Ok(body) => body,
            Err(e) => {
                errors.push(format!("{shown}: cannot download {}: {e}", source.download));
                continue;
            }
        };
        let path = options.spec_dir.join(&source.stored);
        let old = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                errors.push(format!("{shown}: cannot read the stored copy: {e}"));
                continue;
            }
        };
        match convert(source, body, &old, options.retrieved) {
            Ok(new) if new == old => {}
            Ok(new) => {
                let diff = similar::TextDiff::from_lines(&old, &new)
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{shown}"), &format!("b/{shown}"))
                    .to_string();
                changed.push((path, new, diff));
            }
            Err(e) => errors.push(format!(
                "{shown}: what {} serves cannot be used: {e}",
                source.download
            )),
        }
    }
    if errors.is_empty() {
        Ok(Outcome {
            sources: sources.len(),
            changed,
            not_downloadable,
        })
    } else {
        Err(errors.join("\n"))
    }
}

/// Writes every changed file, all or none ([`xtask::files::write_all_or_none`]).
pub fn write(outcome: &Outcome) -> Result<(), String> {
    xtask::files::write_all_or_none(
        outcome
            .changed
            .iter()
            .map(|(path, text, _)| (path.as_path(), text.as_str())),
        "refresh-partial",
    )
}

/// The sources under the spec folder, in a stable order, and the facts files that cannot be
/// downloaded.
fn sources(options: &Options<'_>) -> Result<(Vec<Source>, Vec<String>), String> {
    let apis = snapshot_apis();
    if let Some(only) = options.only
        && !apis.contains(&only)
    {
        return Err(format!("--only {only}: no such API; one of {apis:?}"));
    }
    let in_scope = |api: &str| options.only.is_none_or(|only| only == api);
    let mut out = Vec::new();
    let mut not_downloadable = Vec::new();
    let mut errors = Vec::new();

    let sources_path = options
        .spec_dir
        .join(xtask::publish::pointers::PAGE_SOURCES);
    let shown = format!(
        "{}/{}",
        options.display_prefix,
        xtask::publish::pointers::PAGE_SOURCES
    );
    let text =
        std::fs::read_to_string(&sources_path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let recorded: Value =
        serde_json::from_str(&text).map_err(|e| format!("{shown} is not JSON: {e}"))?;
    let pages: BTreeMap<&String, &Value> = recorded["pages"]
        .as_object()
        .ok_or(format!("{shown} has no \"pages\" object"))?
        .iter()
        .collect();
    for (name, entry) in pages {
        let api = apis
            .iter()
            .filter(|api| name.starts_with(&format!("{api}-")))
            .max_by_key(|api| api.len());
        if !api.is_some_and(|api| in_scope(api)) && options.only.is_some() {
            continue;
        }
        let url = entry["download"].as_str().or(entry["url"].as_str());
        let capture = entry["capture"].as_str().and_then(Capture::from_name);
        let (Some(url), Some(capture)) = (url, capture) else {
            errors.push(format!(
                "{shown}: page {name} must record \"url\" (and \"download\" when the file to download is another) and \"capture\": \"markdown\", \"text\" or \"html-text\""
            ));
            continue;
        };
        if (capture == Capture::Markdown) != name.ends_with(".md") {
            errors.push(format!(
                "{shown}: page {name}: a `markdown` capture is read as Markdown only when named *.md, any other only when not"
            ));
            continue;
        }
        out.push(Source {
            stored: format!("docs/{name}"),
            download: url.to_string(),
            kind: Kind::Page(capture),
        });
    }

    for api in apis.iter().filter(|api| in_scope(api)) {
        let dir = options.spec_dir.join("facts").join(api);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json"))
            .collect();
        names.sort();
        for name in names {
            let stored = format!("facts/{api}/{name}");
            let shown = format!("{}/{stored}", options.display_prefix);
            let facts: Value = match std::fs::read_to_string(dir.join(&name))
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
            {
                Ok(facts) => facts,
                Err(e) => {
                    errors.push(format!("{shown}: cannot be read: {e}"));
                    continue;
                }
            };
            let source = &facts["source"];
            let Some(download) = source["download"].as_str() else {
                not_downloadable.push(shown);
                continue;
            };
            let format = source["format"]
                .as_str()
                .and_then(DefinitionFormat::from_name);
            let (Some(format), Some(operation), Some(url), Some(retrieved)) = (
                format,
                facts["operation"].as_str(),
                source["url"].as_str(),
                source["retrieved"].as_str(),
            ) else {
                errors.push(format!(
                    "{shown}: records source.download but not a known source.format, source.url, source.retrieved and operation; write it again with `cargo xtask facts`"
                ));
                continue;
            };
            out.push(Source {
                stored,
                download: download.to_string(),
                kind: Kind::Facts {
                    format,
                    operation: operation.to_string(),
                    url: url.to_string(),
                    retrieved: retrieved.to_string(),
                },
            });
        }
    }
    if errors.is_empty() {
        Ok((out, not_downloadable))
    } else {
        Err(errors.join("\n"))
    }
}

fn snapshot_apis() -> Vec<&'static str> {
    snapspec_codegen::apis::APIS
        .iter()
        .map(|api| api.name)
        .collect()
}

/// The stored form of what `source` downloaded.
fn convert(source: &Source, body: &str, old: &str, today: &str) -> Result<String, String> {
    match &source.kind {
        Kind::Page(capture) => {
            let text = match capture {
                Capture::HtmlText => html::to_text(body)?,
                Capture::Markdown | Capture::Text => {
                    let start = body.trim_start().to_ascii_lowercase();
                    if start.starts_with("<!doctype html") || start.starts_with("<html") {
                        return Err("an HTML page, where a capture stored as downloaded was expected (record \"capture\": \"html-text\" if the page is HTML)".to_string());
                    }
                    body.to_string()
                }
            };
            let page = read_page(&text, *capture == Capture::Markdown);
            if page.parameters.is_empty() && page.examples.is_empty() && page.statuses.is_empty() {
                return Err(
                    "it documents no parameter, example or status code: not the documentation page (an error or sign-in page?)"
                        .to_string(),
                );
            }
            Ok(text)
        }
        Kind::Facts {
            format,
            operation,
            url,
            retrieved,
        } => {
            let import = |retrieved: &str| {
                facts::import(
                    *format,
                    body,
                    Some(operation),
                    &facts::Source {
                        url,
                        retrieved,
                        download: Some(&source.download),
                    },
                )
                .map(|facts| facts::render(&facts))
            };
            // The same facts under the recorded date mean no change: the date moves only with
            // the content.
            let same_date = import(retrieved)?;
            if same_date == old {
                Ok(same_date)
            } else {
                import(today)
            }
        }
    }
}

/// Every URL's body or why it could not be had, downloading a few at a time.
fn download_all<'a>(urls: &[&'a str]) -> BTreeMap<&'a str, Result<String, String>> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .user_agent("snapspec-xtask-refresh")
        .build()
        .into();
    let mut out = BTreeMap::new();
    for chunk in urls.chunks(8) {
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|url| {
                    let agent = agent.clone();
                    scope.spawn(move || (*url, download(&agent, url)))
                })
                .collect();
            for handle in handles {
                if let Ok((url, result)) = handle.join() {
                    out.insert(url, result);
                }
            }
        });
    }
    for url in urls {
        out.entry(*url)
            .or_insert_with(|| Err("the download thread failed".to_string()));
    }
    out
}

fn download(agent: &ureq::Agent, url: &str) -> Result<String, String> {
    let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("HTTP status {status}"));
    }
    response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .map_err(|e| format!("cannot read the body: {e}"))
}

/// Today's date (UTC), YYYY-MM-DD.
pub fn today() -> String {
    date_of(std::time::SystemTime::now())
}

/// The UTC date of `at`, YYYY-MM-DD: the date part of its RFC 3339 form.
fn date_of(at: std::time::SystemTime) -> String {
    let mut text = humantime::format_rfc3339_seconds(at).to_string();
    text.truncate("YYYY-MM-DD".len());
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_counted_across_leap_years_and_centuries() {
        let day = |n: u64| date_of(std::time::UNIX_EPOCH + Duration::from_secs(n * 86_400));
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(59), "1970-03-01");
        // 2000 is a leap year (divisible by 400).
        assert_eq!(day(11_016), "2000-02-29");
        assert_eq!(day(11_017), "2000-03-01");
        assert_eq!(day(20_788), "2026-12-01");
        // 2100 is not.
        assert_eq!(day(47_540), "2100-02-28");
        assert_eq!(day(47_541), "2100-03-01");
        assert!(xtask::facts::is_date(&today()));
    }
}
