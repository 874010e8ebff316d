#!/usr/bin/env bash
# What a maintainer types, `cargo xtask check` (the alias: dev profile, cargo's own start-up and
# freshness check included), and the xtask binary of that profile alone, next to Spectral's
# `spectral lint` with the `spectral:oas` ruleset on the same three specs, in the same run
# (hyperfine, warm). Needs hyperfine (apt-get install hyperfine) and node/npm (Spectral goes into
# a local prefix).
# Usage: xtask/bench/check_vs_spectral.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
tools="${SPECTRAL_DIR:-$HOME/.cache/snapspec-bench-npm}"
if [ ! -x "$tools/node_modules/.bin/spectral" ]; then
    mkdir -p "$tools"
    (cd "$tools" && npm install --silent --no-audit --no-fund @stoplight/spectral-cli >/dev/null)
fi
command -v hyperfine >/dev/null || { echo "hyperfine is missing: apt-get install -y hyperfine" >&2; exit 1; }
ruleset="$(mktemp --suffix=.yaml)"
trap 'rm -f "$ruleset"' EXIT
echo 'extends: ["spectral:oas"]' > "$ruleset"
# Built and run once, so that the runs below are warm (and the generation cache is filled).
cargo xtask check >/dev/null
# Spectral reports style findings (exit 1) on most specs; the comparison is of time only.
hyperfine -N --warmup 3 --runs 30 --ignore-failure --export-json /tmp/check_vs_spectral.json \
    -n "cargo xtask check" "cargo xtask check" \
    -n "target/debug/xtask check" "$root/target/debug/xtask check" \
    -n "spectral lint" "$tools/node_modules/.bin/spectral lint --quiet --ruleset $ruleset spec/css.yaml spec/dws.yaml spec/alibaba-es.yaml"
python3 - <<'PY'
import json
results = {r["command"]: r["median"] for r in json.load(open("/tmp/check_vs_spectral.json"))["results"]}
typed, binary, spectral = results["cargo xtask check"], results["target/debug/xtask check"], results["spectral lint"]
print(f"median: cargo xtask check {typed*1000:.0f} ms, its binary {binary*1000:.1f} ms, spectral lint {spectral*1000:.0f} ms")
print(f"as typed: {spectral/typed:.1f}x faster than Spectral; binary alone: {spectral/binary:.1f}x")
PY
