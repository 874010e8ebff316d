//! Remembers which spec texts generated a client, so that `cargo xtask check` does not run
//! progenitor again on a spec that has not changed since it last generated.
//!
//! An entry is an empty file named by the sha256 of the spec text and of the xtask binary's
//! identity (its size and modification time): rebuilding the xtask, which happens whenever
//! codegen or progenitor changes, starts a new cache. Only successes are remembered; a failing
//! spec is generated again on every run, so its diagnostic is always current.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

pub struct GenerationCache {
    dir: PathBuf,
    binary_identity: String,
}

impl GenerationCache {
    /// The cache beside the running xtask binary (`target/debug/xtask-cache/`), if it can be made.
    pub fn beside_binary() -> Option<GenerationCache> {
        let exe = std::env::current_exe().ok()?;
        let metadata = std::fs::metadata(&exe).ok()?;
        let modified = metadata
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let dir = exe.parent()?.join("xtask-cache").join("generated");
        std::fs::create_dir_all(&dir).ok()?;
        Some(GenerationCache {
            dir,
            binary_identity: format!("{}:{}", metadata.len(), modified.as_nanos()),
        })
    }

    /// The key of a spec text.
    pub fn key(&self, spec_text: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.binary_identity.as_bytes());
        hasher.update([0]);
        hasher.update(spec_text.as_bytes());
        hex::encode(hasher.finalize())
    }

    pub fn contains(&self, key: &str) -> bool {
        self.dir.join(key).exists()
    }

    /// Records a success. A failure to write only costs the next run a generation.
    pub fn insert(&self, key: &str) {
        let temporary = self.dir.join(format!("{key}.{}.tmp", std::process::id()));
        if std::fs::write(&temporary, b"").is_ok() {
            let _ = std::fs::rename(&temporary, self.dir.join(key));
        }
    }
}
