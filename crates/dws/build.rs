//! The client is committed in `src/generated/client.rs`, written by `cargo xtask generate` from
//! `spec.yaml` (a link to the workspace's `spec/` file that `cargo package` copies into the
//! package), so building this crate does not need the code generator. This script checks that
//! the spec is the one the committed code was generated from (the digest in its header) and
//! stops the build if it is not. With the `regenerate` feature it regenerates the client into
//! `OUT_DIR` instead, and the crate includes that (cfg `snapspec_regenerated`).
fn main() {
    #[cfg(not(feature = "regenerate"))]
    snapspec_build::check_client("spec.yaml");
    #[cfg(feature = "regenerate")]
    snapspec_codegen::build_client("spec.yaml");
}
