//! Embeds the spec of every enabled client, with its sha256 digest, so that `snapspec::specs()`
//! hands a consumer the exact document the client was generated from. Its one build dependency,
//! `snapspec-build`, needs only `sha2` and `hex` (the code generator is not built for this crate).

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("run by cargo"));
    let mut code = String::from(
        "/// The specs of the enabled clients.\npub static SPECS: &[EmbeddedSpec] = &[\n",
    );
    // The registry's API names are the crate's feature names.
    for entry in snapspec_build::apis::APIS {
        let (file, api) = (entry.spec_file, entry.name);
        if std::env::var_os(entry.feature_env()).is_none() {
            continue;
        }
        let path = manifest_dir.join("spec").join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!(
                    "error: cannot read {}: {e}\n  help: the `{api}` feature needs spec/{file}",
                    path.display()
                );
                std::process::exit(1);
            }
        };
        let digest = snapspec_build::sha256_hex(&bytes);
        writeln!(
            code,
            "    EmbeddedSpec {{ api: {api:?}, file_name: {file:?}, sha256: {digest:?}, yaml: include_str!({path:?}) }},",
            path = path.display().to_string()
        )
        .expect("writing to a String");
    }
    code.push_str("];\n");
    let out = out_dir.join("specs.rs");
    if let Err(e) = std::fs::write(&out, code) {
        eprintln!("error: cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
}
