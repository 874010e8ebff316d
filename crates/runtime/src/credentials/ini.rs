//! The ini files the SDKs read with Python's `configparser`: `[section]` headers, `key = value`
//! or `key: value` lines, whole-line comments starting with `#` or `;`, keys case-insensitive
//! (kept in lower case), values trimmed, indented lines continuing the value above, and a
//! `[DEFAULT]` section whose keys every section inherits.

use std::collections::BTreeMap;

/// Sections by name (case-sensitive), each a map from lower-case key to value.
pub(crate) type Sections = BTreeMap<String, BTreeMap<String, String>>;

/// Parses `text`; the error names the line (never its value, which may be a secret).
pub(crate) fn parse(text: &str) -> Result<Sections, String> {
    let mut sections = Sections::new();
    let mut defaults = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut last_key: Option<String> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            last_key = None;
            continue;
        }
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if indented && let (Some(section), Some(key)) = (&current, &last_key) {
            let values = if section == "DEFAULT" {
                &mut defaults
            } else {
                sections
                    .get_mut(section)
                    .expect("the current section exists")
            };
            let value = values.get_mut(key).expect("the last key exists");
            value.push('\n');
            value.push_str(trimmed);
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            if name.is_empty() {
                return Err(format!("line {number}: a section header without a name"));
            }
            if name != "DEFAULT" && sections.contains_key(name) {
                return Err(format!("line {number}: section [{name}] appears twice"));
            }
            if name != "DEFAULT" {
                sections.insert(name.to_string(), BTreeMap::new());
            }
            current = Some(name.to_string());
            last_key = None;
            continue;
        }
        let Some(section) = &current else {
            return Err(format!(
                "line {number}: a setting before any [section] header"
            ));
        };
        let Some(split) = trimmed.find(['=', ':']) else {
            return Err(format!(
                "line {number}: neither a [section], a `key = value` setting nor a comment"
            ));
        };
        let key = trimmed[..split].trim().to_lowercase();
        let value = trimmed[split + 1..].trim().to_string();
        let values = if section == "DEFAULT" {
            &mut defaults
        } else {
            sections
                .get_mut(section)
                .expect("the current section exists")
        };
        if values.insert(key.clone(), value).is_some() {
            return Err(format!(
                "line {number}: `{key}` is set twice in section [{section}]"
            ));
        }
        last_key = Some(key);
    }
    for values in sections.values_mut() {
        for (key, value) in &defaults {
            values.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_keys_and_values_as_configparser_does() {
        let text = "# comment\n[DEFAULT]\nregion = r1\n\n[basic]\nAK = a1\nsk: s1\n; note\nproject_id=p1\n  more\n[Other]\nak = a2\nregion = r2\n";
        let sections = parse(text).unwrap();
        let basic = &sections["basic"];
        assert_eq!(basic["ak"], "a1");
        assert_eq!(basic["sk"], "s1");
        assert_eq!(basic["project_id"], "p1\nmore");
        assert_eq!(basic["region"], "r1");
        assert_eq!(sections["Other"]["region"], "r2");
        assert!(!sections.contains_key("DEFAULT"));
        assert!(!sections.contains_key("other"));
    }

    #[test]
    fn malformed_files_name_the_line_not_the_value() {
        for (text, line) in [
            ("ak = secret-value\n", "line 1"),
            ("[basic]\nsecret-value\n", "line 2"),
            ("[basic]\nak = 1\nak = secret-value\n", "line 3"),
            ("[a]\n[a]\n", "line 2"),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.starts_with(line), "{e}");
            assert!(!e.contains("secret-value"), "{e}");
        }
    }
}
