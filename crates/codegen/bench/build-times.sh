#!/usr/bin/env bash
# Build-time figures for BENCHMARKS.md (debug profile, this machine):
#   (a) warm: a one-line description change in spec/css.yaml, then
#       `cargo build -p snapspec-css` and, after the same change, `cargo build --workspace`;
#   (b) cold: `cargo build --workspace` from an empty target directory.
# The spec is restored on exit. Usage: crates/codegen/bench/build-times.sh [RUNS]
# The warm builds enable snapspec-css's `regenerate` feature: without it a spec edit stops the
# build until `cargo xtask generate` runs (the generated code is committed, issue 14).
set -euo pipefail
cd "$(dirname "$0")/../../.."
runs=${1:-3}
spec=spec/css.yaml
backup=$(mktemp)
cp "$spec" "$backup"
trap 'cp "$backup" "$spec"; rm -f "$backup"' EXIT

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }

# One-line description change: a counter in the CSS info.description's first line.
touch_description() {
    sed -i "s/^\(    Huawei Cloud CSS (Cloud Search Service, managed Elasticsearch): create a manual snapshot of a\)\( *(rev [0-9]*)\)\?$/\1 (rev $1)/" "$spec"
    grep -q "(rev $1)" "$spec" || { echo "could not edit $spec" >&2; exit 1; }
}

target=target/bench-build
echo "warming $target ..."
# `-p` alone unifies features differently from `--workspace`, so each is warmed on its own.
CARGO_TARGET_DIR=$target cargo build --workspace --features snapspec-css/regenerate --quiet
CARGO_TARGET_DIR=$target cargo build -p snapspec-css --features regenerate --quiet

for i in $(seq 1 "$runs"); do
    touch_description "$i"
    t=$(now); CARGO_TARGET_DIR=$target cargo build -p snapspec-css --features regenerate --quiet; one=$(elapsed "$t")
    touch_description "$((i + 100))"
    t=$(now); CARGO_TARGET_DIR=$target cargo build --workspace --features snapspec-css/regenerate --quiet; all=$(elapsed "$t")
    printf 'run %d: spec edit -> cargo build -p snapspec-css: %.2f s; spec edit -> cargo build --workspace: %.2f s\n' "$i" "$one" "$all"
done

cold=target/bench-cold
rm -rf "$cold"
t=$(now); CARGO_TARGET_DIR=$cold cargo build -p snapspec-css --quiet; c=$(elapsed "$t")
printf 'cold cargo build -p snapspec-css (one client alone): %.1f s\n' "$c"
rm -rf "$cold"
t=$(now); CARGO_TARGET_DIR=$cold cargo build --workspace --quiet; c=$(elapsed "$t")
printf 'cold cargo build --workspace: %.1f s\n' "$c"
rm -rf "$cold"
