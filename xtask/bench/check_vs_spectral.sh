#!/usr/bin/env bash
# Wall time of the xtask binary's `check` over the three specs (warm), next to Spectral's
# `spectral lint` with the `spectral:oas` ruleset on the same specs, in the same run (hyperfine).
# Needs hyperfine (apt-get install hyperfine) and node/npm (Spectral goes into a local prefix).
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
cargo build --quiet --release -p xtask
# Spectral reports style findings (exit 1) on most specs; the comparison is of time only.
hyperfine --warmup 3 --runs 20 --ignore-failure --export-json /tmp/check_vs_spectral.json \
    -n "xtask check (3 specs)" "$root/target/release/xtask check" \
    -n "spectral lint spectral:oas (3 specs)" "$tools/node_modules/.bin/spectral lint --quiet --ruleset $ruleset spec/css.yaml spec/dws.yaml spec/alibaba-es.yaml"
python3 - <<'PY'
import json
results = {r["command"]: r for r in json.load(open("/tmp/check_vs_spectral.json"))["results"]}
xtask = results["xtask check (3 specs)"]["median"]
spectral = results["spectral lint spectral:oas (3 specs)"]["median"]
print(f"median: xtask check {xtask*1000:.1f} ms, spectral lint {spectral*1000:.0f} ms; xtask is {spectral/xtask:.1f}x faster")
PY
