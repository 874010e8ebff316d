//! Writing several files as one change, for the commands that must write all of them or none
//! (`release`, `refresh`).

use std::path::{Path, PathBuf};

/// Writes each `(path, text)` beside its target first (`<file name>.<suffix>`, creating missing
/// folders), then renames each over its target, so that no file is ever half written. A failure
/// while writing removes what was staged and leaves every target as it was. The error names the
/// file and ends with a newline.
pub fn write_all_or_none<'a>(
    files: impl IntoIterator<Item = (&'a Path, &'a str)>,
    suffix: &str,
) -> Result<(), String> {
    let mut staged: Vec<(PathBuf, &Path)> = Vec::new();
    for (path, text) in files {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".");
        name.push(suffix);
        let staging = path.with_file_name(name);
        let written = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&staging, text));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&staging);
            for (staging, _) in &staged {
                let _ = std::fs::remove_file(staging);
            }
            return Err(format!(
                "cannot write {}: {e}; nothing was changed\n",
                path.display()
            ));
        }
        staged.push((staging, path));
    }
    for (staging, path) in &staged {
        std::fs::rename(staging, path)
            .map_err(|e| format!("cannot replace {}: {e}\n", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_is_replaced_and_nothing_is_left_beside_them() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.json"), dir.path().join("new/b.md"));
        std::fs::write(&a, "old").unwrap();
        write_all_or_none([(a.as_path(), "one"), (b.as_path(), "two")], "partial").unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "one");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "two");
        assert!(!dir.path().join("a.json.partial").exists());
    }

    #[test]
    fn a_file_that_cannot_be_written_leaves_every_target_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.json");
        std::fs::write(&a, "old").unwrap();
        // A folder where the second file's folder should be: its staging file cannot be written.
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, "a file, not a folder").unwrap();
        let b = blocked.join("b.json");
        let error =
            write_all_or_none([(a.as_path(), "new"), (b.as_path(), "x")], "partial").unwrap_err();
        assert!(error.contains(&b.display().to_string()), "{error}");
        assert!(error.contains("nothing was changed"), "{error}");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old");
        assert!(!dir.path().join("a.json.partial").exists());
    }
}
