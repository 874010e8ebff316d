#!/usr/bin/env bash
# Cold build of a program that depends on one packaged client (issue 14, item 5).
#
# Packages the publishable crates of the tree at the repository root as the CI step "every
# publishable crate packages and builds from its .crate file alone" does (a copy of the tracked
# files, workspace-hack lines removed, `cargo package --workspace`), unpacks the .crate files, makes
# a throw-away binary crate in a temporary folder that depends on the umbrella crate `snapspec`
# with `default-features = false, features = ["dws"]` through `[patch.crates-io]` pointing at the
# unpacked packages, fetches its dependencies, then times `cargo build` (dev profile) into an empty
# CARGO_TARGET_DIR, RUNS times (default 1). It prints each run's wall and user time, the load
# average before it, and whether the code generator's stack (syn, typify, progenitor) was built.
#
# Usage: bash crates/bench/consumer/run.sh [RUNS]
set -euo pipefail
runs="${1:-1}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tree="$work/tree"
mkdir -p "$tree"
(cd "$root" && git ls-files -z | xargs -0 cp -P --parents -t "$tree")
sed -i '/^snapspec-workspace-hack = /d' "$tree"/Cargo.toml "$tree"/crates/*/Cargo.toml
# Packaging only: verifying would build every crate (the CI step does that).
(cd "$tree" && CARGO_TARGET_DIR="$work/package-target" cargo package --workspace --no-verify \
    --exclude snapspec-testkit --exclude snapspec-workspace-hack --quiet --allow-dirty)

mkdir -p "$work/crates"
patches=""
for crate in "$work"/package-target/package/*.crate; do
    tar -xzf "$crate" -C "$work/crates"
    dir="$(basename "$crate" .crate)"
    name="${dir%-*}"
    patches+="$name = { path = \"$work/crates/$dir\" }"$'\n'
done

consumer="$work/consumer"
mkdir -p "$consumer/src"
cat >"$consumer/Cargo.toml" <<TOML
[package]
name = "consumer"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
snapspec = { version = "0.1.0", default-features = false, features = ["dws"] }

[patch.crates-io]
$patches
TOML
cat >"$consumer/src/main.rs" <<'RS'
fn main() {
    println!("{}", snapspec::dws::SERVICE);
}
RS
(cd "$consumer" && cargo fetch --quiet)

for run in $(seq 1 "$runs"); do
    target="$work/target-$run"
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    start="$(date +%s.%N)"
    (cd "$consumer" && CARGO_TARGET_DIR="$target" CARGO_INCREMENTAL=0 \
        /usr/bin/time -f '%e %U %S' -o "$work/time" cargo build --quiet)
    read -r wall user sys <"$work/time"
    generator="no"
    if ls "$target"/debug/deps/ | grep -qE '^lib(typify|progenitor_impl|openapiv3|snapspec_codegen)[-_]'; then
        generator="yes"
    fi
    echo "run $run: wall ${wall} s, user ${user} s, sys ${sys} s, load before ${load}, generator built: ${generator}"
    rm -rf "$target"
done
