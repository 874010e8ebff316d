//! Generates this crate's client from its spec (`spec.yaml`, a link to the workspace's
//! `spec/` file that `cargo package` copies into the package) with the shared snapspec codegen.
fn main() {
    snapspec_codegen::build_client("spec.yaml");
}
