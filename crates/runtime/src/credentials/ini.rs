//! The ini files the SDKs read with Python's `configparser`, read with the `configparser` crate
//! (which follows Python's): `[section]` headers, `key = value` or `key: value`, `#` and `;`
//! comments, indented lines continuing the value above. What Python adds on top is done here:
//! keys are case-insensitive (kept in lower case), section names are not, and every section
//! inherits the keys of `[DEFAULT]`.

use std::collections::BTreeMap;

/// Sections by name (case-sensitive), each a map from lower-case key to value.
pub(crate) type Sections = BTreeMap<String, BTreeMap<String, String>>;

/// The section Python's `configparser` shares with every other one.
const DEFAULT_SECTION: &str = "DEFAULT";

/// Parses `text`; the error names the line (never its value, which may be a secret).
pub(crate) fn parse(text: &str) -> Result<Sections, String> {
    let mut reader = configparser::ini::Ini::new_cs();
    reader.set_multiline(true);
    reader.set_default_section(DEFAULT_SECTION);
    let raw = reader.read(text.to_string())?;
    let mut defaults = BTreeMap::new();
    let mut sections = Sections::new();
    for (name, values) in raw {
        let values: BTreeMap<String, String> = values
            .into_iter()
            .map(|(key, value)| (key.to_lowercase(), value.unwrap_or_default()))
            .collect();
        if name == DEFAULT_SECTION {
            defaults = values;
        } else {
            sections.insert(name, values);
        }
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
            ("[basic\nak = secret-value\n", "line 1"),
            ("[basic]\n = secret-value\n", "line 2"),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.starts_with(line), "{e}");
            assert!(!e.contains("secret-value"), "{e}");
        }
    }
}

/// No panic on any input: a mutated credentials file parses or gives an error that names a line.
/// Cases: `PROPTEST_CASES`, 256 when unset (see RELIABILITY.md for the dedicated run).
#[cfg(test)]
mod no_panic {
    use crate::mutation;

    use proptest::prelude::*;

    const SEED: &str = "# comment\n[DEFAULT]\nregion = r1\n\n[basic]\nAK = a1\nsk: s1\n; note\nproject_id=p1\n  more\n\n  after a blank\n[Other]\nak = a2\nregion = r2\n";

    proptest! {
        #[test]
        fn mutated_files_parse_or_name_a_line(text in mutation::mutated_text(vec![SEED.to_string()], 8)) {
            match super::parse(&text) {
                Ok(sections) => prop_assert!(!sections.contains_key("DEFAULT")),
                Err(error) => prop_assert!(error.starts_with("line "), "{}", error),
            }
        }
    }
}
