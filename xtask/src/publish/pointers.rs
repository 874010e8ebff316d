//! The documentation pointers of a spec made resolvable for people who only have the published
//! files: `docs/<page>` and `facts/<api>/<Operation>.json` (in `x-doc-pages`, `x-doc-page`,
//! `x-doc-deviations[].page` and in free text) become the URL each source was captured from.
//!
//! Facts files record their URL (`source.url`); the captured vendor pages record theirs in
//! `docs/sources.json`. Any other path under the spec folder (a helper script, say) becomes its
//! address in the project's repository. A pointer that cannot be resolved is an error naming
//! the place and what to add: a published file never points at a file that is not published.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use snapspec_codegen::spec::pointer_segment;

/// Where the captured vendor pages record the URL they were captured from.
pub const PAGE_SOURCES: &str = "docs/sources.json";

/// The project's repository (Cargo's `repository`), for paths that are part of the project.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// Resolves pointers found in one spec folder, reading each source at most once.
pub struct Resolver<'a> {
    spec_dir: &'a Path,
    display_prefix: &'a str,
    page_sources: Option<Value>,
    resolved: BTreeMap<String, String>,
}

impl<'a> Resolver<'a> {
    pub fn new(spec_dir: &'a Path, display_prefix: &'a str) -> Resolver<'a> {
        Resolver {
            spec_dir,
            display_prefix,
            page_sources: None,
            resolved: BTreeMap::new(),
        }
    }

    /// The URL for the path `token` (`docs/x.md`, `spec/facts/css/X.json`, ...).
    fn url(&mut self, token: &str) -> Result<String, String> {
        if let Some(url) = self.resolved.get(token) {
            return Ok(url.clone());
        }
        let name = token.strip_prefix("spec/").unwrap_or(token);
        let path = self.spec_dir.join(name);
        let shown = format!("{}/{name}", self.display_prefix);
        let url = if let Some(page) = name
            .strip_prefix("docs/")
            .filter(|p| !p.contains('/') && !p.is_empty() && *p != "sources.json")
        {
            self.page_url(page)?
        } else if name.starts_with("facts/") && name.ends_with(".json") {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("it names {shown}, which cannot be read ({e}); write it with `cargo xtask facts` or fix the name"))?;
            let facts: Value = serde_json::from_str(&text)
                .map_err(|e| format!("it names {shown}, which is not JSON ({e}); write it again with `cargo xtask facts`"))?;
            match facts["source"]["url"].as_str() {
                Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                    url.to_string()
                }
                _ => {
                    return Err(format!(
                        "it names {shown}, which records no source.url; write it again with `cargo xtask facts --source-url URL`"
                    ));
                }
            }
        } else if path.is_file() {
            format!("{REPOSITORY}/blob/main/spec/{name}")
        } else if path.is_dir() {
            format!("{REPOSITORY}/tree/main/spec/{}", name.trim_end_matches('/'))
        } else {
            return Err(format!(
                "it names {shown}, which does not exist; fix the name or remove the pointer"
            ));
        };
        self.resolved.insert(token.to_string(), url.clone());
        Ok(url)
    }

    fn page_url(&mut self, page: &str) -> Result<String, String> {
        let sources_display = format!("{}/{PAGE_SOURCES}", self.display_prefix);
        if self.page_sources.is_none() {
            let text = std::fs::read_to_string(self.spec_dir.join(PAGE_SOURCES)).map_err(|e| {
                format!("it names the page docs/{page}, whose source URL is recorded in {sources_display}, which cannot be read ({e}); create it as {{\"pages\": {{\"{page}\": {{\"url\": \"https://...\"}}}}}}")
            })?;
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{sources_display} is not JSON: {e}; fix it"))?;
            self.page_sources = Some(value);
        }
        let sources = self.page_sources.as_ref().unwrap_or(&Value::Null);
        if !self.spec_dir.join("docs").join(page).is_file() {
            return Err(format!(
                "it names {}/docs/{page}, which does not exist; fix the name",
                self.display_prefix
            ));
        }
        match sources["pages"][page]["url"].as_str() {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                Ok(url.to_string())
            }
            _ => Err(format!(
                "it names the page docs/{page}, whose source URL is not recorded; add \"{page}\": {{\"url\": \"https://...\"}} under \"pages\" in {sources_display}"
            )),
        }
    }

    /// Whether every URL given so far is made of characters that are plain text wherever a
    /// YAML scalar holds them.
    pub fn urls_are_yaml_inert(&self) -> bool {
        self.resolved.values().all(|url| {
            url.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(
                        c,
                        '.' | '_' | '~' | ':' | '/' | '?' | '=' | '&' | '%' | '+' | '-'
                    )
            })
        })
    }

    /// `value` with every pointer in every string replaced by its URL. Errors name the spec
    /// (`spec_display`) and the JSON pointer of each string that holds an unresolvable one.
    pub fn resolve_value(&mut self, value: &Value, spec_display: &str) -> Result<Value, String> {
        let mut errors = Vec::new();
        let out = self.rewrite(value, "", spec_display, &mut errors);
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors.join("\n"))
        }
    }

    fn rewrite(
        &mut self,
        value: &Value,
        pointer: &str,
        spec_display: &str,
        errors: &mut Vec<String>,
    ) -> Value {
        match value {
            Value::String(s) => match self.replace_in(s) {
                Ok(s) => Value::String(s),
                Err(e) => {
                    errors.push(format!("error: {spec_display} at {pointer}: {e}"));
                    value.clone()
                }
            },
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.rewrite(v, &format!("{pointer}/{i}"), spec_display, errors))
                    .collect(),
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let child = format!("{pointer}/{}", pointer_segment(k));
                        (k.clone(), self.rewrite(v, &child, spec_display, errors))
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// The maintained YAML text with every pointer replaced (comments included), keeping its
    /// layout. Errors name the line.
    pub fn resolve_text(&mut self, text: &str, spec_display: &str) -> Result<String, String> {
        let mut out = String::with_capacity(text.len() + 1024);
        let mut errors = Vec::new();
        for (n, line) in text.split_inclusive('\n').enumerate() {
            match self.replace_in(line) {
                Ok(line) => out.push_str(&line),
                Err(e) => errors.push(format!("error: {spec_display}:{}: {e}", n + 1)),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors.join("\n"))
        }
    }

    fn replace_in(&mut self, s: &str) -> Result<String, String> {
        let tokens = pointer_tokens(s);
        if tokens.is_empty() {
            return Ok(s.to_string());
        }
        let mut out = String::with_capacity(s.len() + 64 * tokens.len());
        let mut last = 0;
        for (start, end) in tokens {
            out.push_str(&s[last..start]);
            out.push_str(&self.url(&s[start..end])?);
            last = end;
        }
        out.push_str(&s[last..]);
        Ok(out)
    }
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')
}

/// Byte ranges of the relative paths into the spec folder in `s`: `docs/...`, `facts/...`,
/// optionally prefixed by `spec/`, starting at a word boundary (so never inside a URL), without
/// a trailing sentence period.
pub fn pointer_tokens(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let boundary = s[..i].chars().next_back().is_none_or(|c| !is_path_char(c));
        let starts = ["spec/docs/", "spec/facts/", "docs/", "facts/"]
            .iter()
            .any(|p| rest.starts_with(p));
        if boundary && starts {
            let len = rest.find(|c: char| !is_path_char(c)).unwrap_or(rest.len());
            let token = rest[..len].trim_end_matches('.');
            out.push((i, i + token.len()));
            i += len.max(1);
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::pointer_tokens;

    fn tokens(s: &str) -> Vec<&str> {
        pointer_tokens(s)
            .into_iter()
            .map(|(a, b)| &s[a..b])
            .collect()
    }

    #[test]
    fn finds_relative_paths_but_not_url_paths() {
        assert_eq!(
            tokens(
                "from `docs/a.zh.md` and spec/facts/x.py. See https://h/docs/b.html, facts/css/X.json."
            ),
            ["docs/a.zh.md", "spec/facts/x.py", "facts/css/X.json"]
        );
        assert_eq!(tokens("- docs/a.txt\n"), ["docs/a.txt"]);
        assert_eq!(
            tokens("[docs/a.txt, facts/b.json]"),
            ["docs/a.txt", "facts/b.json"]
        );
        assert!(tokens("mydocs/a and xfacts/b and 手动创建快照").is_empty());
    }
}
