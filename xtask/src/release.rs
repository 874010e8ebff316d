//! `cargo xtask release [--dry-run]`: versions and changelogs from the spec diff.
//!
//! - The last release of an API is the git tag `<crate>-v<version>` of its client crate's current
//!   version (`snapspec-css-v0.1.0`); an API whose spec is byte-for-byte the same as at that tag,
//!   or whose diff reaches no user (comments, layout), is not released.
//! - The crate's version moves by the diff's **Rust** verdict. Before 1.0 (cargo's rule that the
//!   first non-zero component is the compatibility one): breaking -> `0.(y+1).0`, anything else
//!   -> `0.y.(z+1)`; from 1.0: major, minor, patch as usual. Every version requirement on the
//!   crate in the workspace manifests and its entry in Cargo.lock move with it.
//! - The spec's `info.version` moves by the **wire** verdict, edited in place in the YAML text
//!   (comments and layout kept), keeping its number of components (`1.0` -> `1.1` or `2.0`; a
//!   patch adds the third: `1.0.1`). An `info.version` already changed by hand since the tag is
//!   kept, and so is one that is not dotted numbers (Alibaba's `2017-06-13` is the vendor's API
//!   version, which the spec follows).
//! - `crates/<api>/CHANGELOG.md` gets the entry on top, its lines from the diff.
//! - The check runs first: while `cargo xtask check` reports an error nothing is written. All files
//!   are staged beside their targets and renamed over them only when every one was written.
//! - No commit or tag is made: the release is a diff to review like any other; the report ends
//!   with the commands that commit and tag it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use snapspec_codegen::apis::APIS;

use crate::diff::{self, Change, Level};

/// A `major.minor.patch` version, as cargo uses for crates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version(pub u64, pub u64, pub u64);

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.split('.').map(|p| p.parse::<u64>().ok());
        let v = Version(parts.next()??, parts.next()??, parts.next()??);
        parts.next().is_none().then_some(v)
    }

    /// The next version for a change of `level` (cargo's pre-1.0 rule below 1.0).
    pub fn bump(self, level: Level) -> Version {
        let Version(x, y, z) = self;
        match (x, level) {
            (_, Level::None) => self,
            (0, Level::Major) => Version(0, y + 1, 0),
            (0, _) => Version(0, y, z + 1),
            (_, Level::Major) => Version(x + 1, 0, 0),
            (_, Level::Minor) => Version(x, y + 1, 0),
            (_, Level::Patch) => Version(x, y, z + 1),
        }
    }
}

/// The next `info.version` for a wire change of `level`, keeping the number of components.
pub fn bump_spec_version(version: &str, level: Level) -> Result<String, String> {
    let mut parts: Vec<u64> = version
        .split('.')
        .map(|p| p.parse::<u64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("info.version `{version}` is not dotted numbers"))?;
    let index = match level {
        Level::None => return Ok(version.to_string()),
        Level::Major => 0,
        Level::Minor => 1,
        Level::Patch => 2,
    };
    while parts.len() <= index {
        parts.push(0);
    }
    parts[index] += 1;
    parts[index + 1..].iter_mut().for_each(|p| *p = 0);
    Ok(parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join("."))
}

/// Replaces the value of `info.version` in the YAML text, leaving every other byte alone.
pub fn set_info_version(yaml: &str, version: &str) -> Result<String, String> {
    let lines: Vec<&str> = yaml.split_inclusive('\n').collect();
    let top = |l: &str| {
        !l.starts_with([' ', '\t', '#', '\n', '\r'])
            && !l.trim().is_empty()
            && !l.starts_with("---")
    };
    let start = lines
        .iter()
        .position(|l| l.trim_end() == "info:")
        .ok_or("no top-level `info:` mapping")?;
    let mut child_indent = None;
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        if top(line) {
            break;
        }
        let trimmed = line.trim_start_matches(' ');
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let child = *child_indent.get_or_insert(indent);
        if indent != child {
            continue;
        }
        let Some(rest) = trimmed.strip_prefix("version:") else {
            continue;
        };
        let value = rest.trim_start_matches(' ');
        let before_value = &line[..line.len() - value.len()];
        // The scalar's end: its closing quote, or a comment, or the line's end.
        let (quote, end) = match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let close = value[1..]
                    .find(q)
                    .ok_or("unterminated quoted info.version")?;
                (q, close + 2)
            }
            _ => (
                '"',
                value
                    .find(" #")
                    .unwrap_or(value.trim_end_matches(['\n', '\r']).len()),
            ),
        };
        let mut out = String::with_capacity(yaml.len() + 8);
        lines[..i].iter().for_each(|l| out.push_str(l));
        let _ = write!(
            out,
            "{before_value}{quote}{version}{quote}{}",
            &value[end..]
        );
        lines[i + 1..].iter().for_each(|l| out.push_str(l));
        return Ok(out);
    }
    Err("no `version:` in the `info:` mapping".to_string())
}

/// The `version = "..."` of a manifest's `[package]` table.
fn package_version(manifest: &str) -> Option<(usize, String)> {
    let mut in_package = false;
    for (i, line) in manifest.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            in_package = t == "[package]";
        } else if in_package && let Some(rest) = t.strip_prefix("version") {
            let rest = rest.trim_start();
            if let Some(value) = rest.strip_prefix('=') {
                return Some((i, value.trim().trim_matches('"').to_string()));
            }
            if rest.starts_with(".workspace") {
                return Some((i, "workspace".to_string()));
            }
        }
    }
    None
}

fn replace_line(text: &str, index: usize, line: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i == index {
            out.push_str(line);
            if l.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(l);
        }
    }
    out
}

/// Moves every `version = "old"` requirement on `crate_name` in a manifest's dependency lines.
fn bump_requirements(manifest: &str, crate_name: &str, old: &str, new: &str) -> String {
    let from = format!("version = \"{old}\"");
    let to = format!("version = \"{new}\"");
    let mut out = String::with_capacity(manifest.len() + 8);
    for line in manifest.split_inclusive('\n') {
        let is_dependency = line
            .trim_start()
            .strip_prefix(crate_name)
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if is_dependency && line.contains(&from) {
            out.push_str(&line.replacen(&from, &to, 1));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Moves the crate's own entry in Cargo.lock.
fn bump_lock(lock: &str, crate_name: &str, old: &str, new: &str) -> String {
    lock.replacen(
        &format!("name = \"{crate_name}\"\nversion = \"{old}\"\n"),
        &format!("name = \"{crate_name}\"\nversion = \"{new}\"\n"),
        1,
    )
}

/// The CHANGELOG.md entry of one release.
pub fn changelog_entry(
    version: Version,
    spec_path: &str,
    info_version: &str,
    tag: &str,
    changes: &[Change],
    rust: Level,
    wire: Level,
) -> String {
    let mut entry = format!(
        "## {version}\n\nSpec `{spec_path}` (`info.version` {info_version}) since `{tag}`. Rust \
         verdict: {}; wire verdict: {}.\n",
        rust.as_str(),
        wire.as_str()
    );
    let sections = [
        (Level::Major, "Breaking for users of this crate"),
        (Level::Minor, "Added"),
        (Level::Patch, "Fixed or documented"),
    ];
    for (level, heading) in sections {
        let lines: Vec<&Change> = changes.iter().filter(|c| c.rust == level).collect();
        if lines.is_empty() {
            continue;
        }
        let _ = write!(entry, "\n### {heading}\n\n");
        for c in lines {
            let text = c.text.trim_start_matches(['+', '-', '~', ' ']);
            let wire_note = if c.wire == Level::Major {
                " (breaking on the wire)"
            } else {
                ""
            };
            let _ = writeln!(entry, "- {text}{wire_note}");
        }
    }
    entry
}

const CHANGELOG_HEADER: &str = "# Changelog\n\nReleases of this crate, newest first, written by `cargo xtask release` from\n`cargo xtask diff`.\n";

fn prepend_entry(changelog: Option<&str>, entry: &str) -> String {
    let existing = changelog.unwrap_or(CHANGELOG_HEADER);
    // After the header (everything before the first entry), the new entry.
    match existing.find("\n## ") {
        Some(at) => format!("{}\n{entry}{}", &existing[..at + 1], &existing[at..]),
        None => format!(
            "{}\n{entry}",
            existing.trim_end_matches('\n').to_string() + "\n"
        ),
    }
}

fn tag_exists(root: &Path, tag: &str) -> Result<bool, String> {
    let status = Command::new("git")
        .args([
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("refs/tags/{tag}"),
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?
        .status;
    Ok(status.success())
}

fn git_show(root: &Path, rev: &str, path: &str) -> Option<String> {
    let output = Command::new("git")
        .args(["show", &format!("{rev}:{path}")])
        .current_dir(root)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}\n", path.display()))
}

/// The files of the release, by path, with their new text (later edits of one file see earlier ones).
#[derive(Default)]
struct Staged(Vec<(PathBuf, String)>);

impl Staged {
    fn current(&self, path: &Path) -> Result<String, String> {
        match self.0.iter().rev().find(|(p, _)| p == path) {
            Some((_, text)) => Ok(text.clone()),
            None => read(path),
        }
    }

    fn set(&mut self, path: PathBuf, text: String) {
        match self.0.iter_mut().find(|(p, _)| *p == path) {
            Some(slot) => slot.1 = text,
            None => self.0.push((path, text)),
        }
    }

    /// Writes every file, all or none ([`crate::files::write_all_or_none`]).
    fn commit(&self) -> Result<(), String> {
        crate::files::write_all_or_none(
            self.0
                .iter()
                .map(|(path, text)| (path.as_path(), text.as_str())),
            "release-partial",
        )
    }
}

pub fn release(root: &Path, spec_dir: &Path, dry_run: bool) -> Result<String, String> {
    let cache = crate::cache::GenerationCache::beside_binary();
    let check = crate::check::check_all(
        &root.join(spec_dir),
        &spec_dir.display().to_string(),
        cache.as_ref(),
    );
    if !check.passed() {
        return Err(format!(
            "release refused: `cargo xtask check` reports errors; nothing was written\n{}",
            check.render_human()
        ));
    }
    let mut report = String::new();
    let mut staged = Staged::default();
    let mut tags = Vec::new();
    let workspace_manifests: Vec<PathBuf> = std::iter::once(root.join("Cargo.toml"))
        .chain(
            std::fs::read_dir(root.join("crates"))
                .map_err(|e| format!("cannot list crates/: {e}\n"))?
                .filter_map(|e| e.ok().map(|e| e.path().join("Cargo.toml")))
                .filter(|p| p.is_file()),
        )
        .collect();
    for api in &APIS {
        let crate_dir = root.join("crates").join(api.name);
        let manifest_path = crate_dir.join("Cargo.toml");
        let manifest = staged.current(&manifest_path)?;
        let Some((line, version_text)) = package_version(&manifest) else {
            return Err(format!(
                "{}: no [package] version\n",
                manifest_path.display()
            ));
        };
        let version = Version::parse(&version_text).ok_or_else(|| {
            format!(
                "{}: the release needs the crate's own `version = \"x.y.z\"`, found `{version_text}`\n",
                manifest_path.display()
            )
        })?;
        let tag = format!("{}-v{version}", api.crate_name);
        if !tag_exists(root, &tag)? {
            return Err(format!(
                "no tag `{tag}` for the current release of {}: tag the commit it was released from \
                 (`git tag {tag} <commit>`); nothing was written\n",
                api.crate_name
            ));
        }
        let spec_rel = spec_dir.join(api.spec_file);
        let spec_rel_text = spec_rel.to_string_lossy().replace('\\', "/");
        let spec_path = root.join(&spec_rel);
        let spec_text = read(&spec_path)?;
        if git_show(root, &tag, &spec_rel_text).as_deref() == Some(spec_text.as_str()) {
            let _ = writeln!(
                report,
                "{}: {spec_rel_text} unchanged since {tag}",
                api.crate_name
            );
            continue;
        }
        let d = diff::diff_api(root, spec_dir, &tag, api)?;
        let (rust, wire) = (d.rust(), d.wire());
        if rust == Level::None && wire == Level::None {
            let _ = writeln!(
                report,
                "{}: {spec_rel_text} differs from {tag} only in comments or layout; not released",
                api.crate_name
            );
            continue;
        }
        let next = version.bump(rust.max(Level::Patch));
        // info.version: from the tag's value by the wire verdict, unless changed by hand since.
        let info_version = |text: &str| -> Option<String> {
            let value = snapspec_codegen::yaml::parse(text).ok()?.value;
            value["info"]["version"].as_str().map(str::to_string)
        };
        let current_info = info_version(&spec_text)
            .ok_or_else(|| format!("{spec_rel_text}: no string info.version\n"))?;
        let tagged_info = git_show(root, &tag, &spec_rel_text)
            .as_deref()
            .and_then(info_version);
        // A date (Alibaba's `2017-06-13`) names the vendor's API version, not ours: kept.
        let numbered = current_info
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let next_info = if numbered && tagged_info.as_deref() == Some(current_info.as_str()) {
            bump_spec_version(&current_info, wire).map_err(|e| format!("{spec_rel_text}: {e}\n"))?
        } else {
            current_info.clone()
        };
        if next_info != current_info {
            let edited = set_info_version(&spec_text, &next_info)
                .map_err(|e| format!("{spec_rel_text}: {e}\n"))?;
            if info_version(&edited).as_deref() != Some(next_info.as_str()) {
                return Err(format!(
                    "{spec_rel_text}: could not set info.version to {next_info} in place\n"
                ));
            }
            // The generated client's header carries the spec's digest (and progenitor writes
            // `info.version` into the code), so the committed client is regenerated with it.
            let generated = crate_dir.join(snapspec_codegen::GENERATED_FILE);
            if generated.is_file() {
                let source = snapspec_codegen::generate_source_from_text(
                    edited.clone(),
                    &spec_rel_text,
                    &api.spec_name(),
                )?;
                staged.set(generated, source);
            }
            staged.set(spec_path, edited);
        }
        let (old_s, new_s) = (version.to_string(), next.to_string());
        staged.set(
            manifest_path.clone(),
            replace_line(&manifest, line, &format!("version = \"{new_s}\"")),
        );
        for path in &workspace_manifests {
            let text = staged.current(path)?;
            let bumped = bump_requirements(&text, api.crate_name, &old_s, &new_s);
            if bumped != text {
                staged.set(path.clone(), bumped);
            }
        }
        let lock_path = root.join("Cargo.lock");
        if lock_path.is_file() {
            let lock = staged.current(&lock_path)?;
            staged.set(lock_path, bump_lock(&lock, api.crate_name, &old_s, &new_s));
        }
        let changelog_path = crate_dir.join("CHANGELOG.md");
        let changelog = changelog_path
            .is_file()
            .then(|| read(&changelog_path))
            .transpose()?;
        let entry = changelog_entry(
            next,
            &spec_rel_text,
            &next_info,
            &tag,
            &d.changes,
            rust,
            wire,
        );
        staged.set(changelog_path, prepend_entry(changelog.as_deref(), &entry));
        let _ = writeln!(
            report,
            "{}: {version} -> {next} (Rust {}), {spec_rel_text} info.version {current_info} -> {next_info} (wire {})",
            api.crate_name,
            rust.as_str(),
            wire.as_str()
        );
        tags.push(format!("{}-v{next}", api.crate_name));
    }
    if tags.is_empty() {
        report.push_str("nothing to release\n");
        return Ok(report);
    }
    let files: Vec<String> = staged
        .0
        .iter()
        .map(|(p, _)| {
            p.strip_prefix(root)
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    if dry_run {
        let _ = writeln!(report, "dry run: would write {}", files.join(", "));
        return Ok(report);
    }
    staged.commit()?;
    let _ = writeln!(report, "wrote {}", files.join(", "));
    let _ = writeln!(
        report,
        "review, then: git commit -am 'Release {}' && {}",
        tags.join(", "),
        tags.iter()
            .map(|t| format!("git tag {t}"))
            .collect::<Vec<_>>()
            .join(" && ")
    );
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_versions_follow_the_pre_1_0_rule() {
        let v = Version(0, 1, 0);
        assert_eq!(v.bump(Level::Major), Version(0, 2, 0));
        assert_eq!(v.bump(Level::Minor), Version(0, 1, 1));
        assert_eq!(v.bump(Level::Patch), Version(0, 1, 1));
        let v = Version(1, 2, 3);
        assert_eq!(v.bump(Level::Major), Version(2, 0, 0));
        assert_eq!(v.bump(Level::Minor), Version(1, 3, 0));
        assert_eq!(v.bump(Level::Patch), Version(1, 2, 4));
        assert_eq!(Version::parse("0.1.0"), Some(Version(0, 1, 0)));
        assert_eq!(Version::parse("0.1"), None);
        assert_eq!(Version::parse("0.1.0-rc1"), None);
    }

    #[test]
    fn spec_versions_keep_their_components() {
        assert_eq!(bump_spec_version("1.0", Level::Major).unwrap(), "2.0");
        assert_eq!(bump_spec_version("1.0", Level::Minor).unwrap(), "1.1");
        assert_eq!(bump_spec_version("1.0", Level::Patch).unwrap(), "1.0.1");
        assert_eq!(bump_spec_version("1.4.2", Level::Minor).unwrap(), "1.5.0");
        assert_eq!(bump_spec_version("1.0", Level::None).unwrap(), "1.0");
        assert!(bump_spec_version("2017-06-13", Level::Minor).is_err());
    }

    #[test]
    fn info_version_is_edited_in_place() {
        let yaml = "openapi: 3.0.3\n# top comment\ninfo:\n  title: t\n  contact:\n    version: keep\n  version: \"1.0\"  # the spec's version\n  license:\n    name: MIT\npaths: {}\n";
        let out = set_info_version(yaml, "1.1").unwrap();
        assert_eq!(
            out,
            yaml.replace("version: \"1.0\"  #", "version: \"1.1\"  #")
        );
        let plain = "info:\n  version: 1.0\n  title: t\n";
        assert_eq!(
            set_info_version(plain, "2.0").unwrap(),
            "info:\n  version: \"2.0\"\n  title: t\n"
        );
        let single = "info:\n  version: '1.0'\n";
        assert_eq!(
            set_info_version(single, "1.0.1").unwrap(),
            "info:\n  version: '1.0.1'\n"
        );
        assert!(set_info_version("paths: {}\n", "1.0").is_err());
    }

    #[test]
    fn requirements_and_lock_entries_move_with_the_crate() {
        let manifest = "[workspace.dependencies]\nsnapspec-css = { path = \"crates/css\", version = \"0.1.0\" }\nsnapspec-css-extra = { version = \"0.1.0\" }\nsnapspec-dws = { path = \"crates/dws\", version = \"0.1.0\" }\n";
        let out = bump_requirements(manifest, "snapspec-css", "0.1.0", "0.2.0");
        assert!(out.contains("snapspec-css = { path = \"crates/css\", version = \"0.2.0\" }"));
        assert!(out.contains("snapspec-css-extra = { version = \"0.1.0\" }"));
        assert!(out.contains("snapspec-dws = { path = \"crates/dws\", version = \"0.1.0\" }"));
        let lock = "[[package]]\nname = \"snapspec-css\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"snapspec-dws\"\nversion = \"0.1.0\"\n";
        let out = bump_lock(lock, "snapspec-css", "0.1.0", "0.2.0");
        assert_eq!(out, lock.replacen("0.1.0", "0.2.0", 1));
    }

    #[test]
    fn changelog_entries_go_on_top_under_the_header() {
        let change = |text: &str, wire, rust| Change {
            text: text.to_string(),
            wire,
            rust,
        };
        let first = changelog_entry(
            Version(0, 2, 0),
            "spec/css.yaml",
            "1.1",
            "snapspec-css-v0.1.0",
            &[
                change("+ field A.b added, optional", Level::Minor, Level::Major),
                change("+ operation X (GET /x) added", Level::Minor, Level::Minor),
            ],
            Level::Major,
            Level::Minor,
        );
        assert!(first.starts_with("## 0.2.0\n"));
        assert!(
            first.contains("### Breaking for users of this crate\n\n- field A.b added, optional\n")
        );
        assert!(first.contains("### Added\n\n- operation X (GET /x) added\n"));
        let one = prepend_entry(None, &first);
        assert!(one.starts_with("# Changelog\n"));
        let second = "## 0.2.1\n\nlater\n";
        let two = prepend_entry(Some(&one), second);
        let (a, b) = (two.find("## 0.2.1").unwrap(), two.find("## 0.2.0").unwrap());
        assert!(two.starts_with("# Changelog\n") && a < b, "{two}");
    }
}
