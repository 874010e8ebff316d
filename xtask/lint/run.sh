#!/usr/bin/env bash
# Publishes the specs into a temporary folder (cargo xtask publish) and checks every published
# OpenAPI document with three consumers' tools: Spectral (spectral:oas, xtask/lint/spectral.yaml)
# and Redocly CLI (recommended, xtask/lint/redocly.yaml) must report no error and no warning, and
# openapi-spec-validator must accept each document (the ignored test in xtask/tests/publish.rs).
#
# The tools are installed once, pinned, under $SNAPSPEC_LINT_CACHE (default ~/.cache/snapspec-lint);
# later runs reuse them. Needs node/npm and python3 (venv).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

SPECTRAL_VERSION=6.16.3
REDOCLY_VERSION=2.77.0
VALIDATOR_VERSION=0.9.0
cache="${SNAPSPEC_LINT_CACHE:-$HOME/.cache/snapspec-lint}"
node_dir="$cache/node-spectral-$SPECTRAL_VERSION-redocly-$REDOCLY_VERSION"
venv="$cache/venv-openapi-spec-validator-$VALIDATOR_VERSION"

if [ ! -x "$node_dir/node_modules/.bin/spectral" ] || [ ! -x "$node_dir/node_modules/.bin/redocly" ]; then
    echo "installing @stoplight/spectral-cli@$SPECTRAL_VERSION and @redocly/cli@$REDOCLY_VERSION into $node_dir"
    rm -rf "$node_dir"
    mkdir -p "$node_dir"
    npm install --prefix "$node_dir" --no-audit --no-fund --loglevel=error \
        "@stoplight/spectral-cli@$SPECTRAL_VERSION" "@redocly/cli@$REDOCLY_VERSION"
fi
if [ ! -x "$venv/bin/openapi-spec-validator" ]; then
    echo "installing openapi-spec-validator==$VALIDATOR_VERSION into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "openapi-spec-validator==$VALIDATOR_VERSION"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo xtask publish --out "$work/published"
cd "$work/published"
mapfile -t documents < <(find . -type f \( -name '*.yaml' -o -name '*.json' \) ! -name index.json | sed 's|^\./||' | sort)
if [ "${#documents[@]}" -eq 0 ]; then
    echo "error: cargo xtask publish wrote no document" >&2
    exit 1
fi
echo "linting ${#documents[@]} published documents"

status=0
echo "--- spectral (spectral:oas)"
if ! "$node_dir/node_modules/.bin/spectral" lint --ruleset "$root/xtask/lint/spectral.yaml" \
        --fail-severity=warn --format=text "${documents[@]}"; then
    status=1
fi

echo "--- redocly (recommended)"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
redocly_log="$work/redocly.log"
if ! "$node_dir/node_modules/.bin/redocly" lint --config "$root/xtask/lint/redocly.yaml" \
        --format=stylish "${documents[@]}" >"$redocly_log" 2>&1; then
    status=1
fi
# Redocly fails only on errors; a warning fails here too.
if grep -E '^ *[0-9]+:[0-9]+ +(error|warning) ' "$redocly_log"; then
    status=1
fi
grep -E 'Your API description|You have [0-9]+ (warning|error)' "$redocly_log" || true

echo "--- openapi-spec-validator"
cd "$root"
if ! SNAPSPEC_OPENAPI_SPEC_VALIDATOR="$venv/bin/openapi-spec-validator" \
        cargo test --quiet -p xtask --test publish -- --ignored every_published_document_is_valid; then
    status=1
fi

if [ "$status" -ne 0 ]; then
    echo "error: a linter reported a problem in a published document (above); fix the spec, or disable the rule in xtask/lint/ with a one-line reason" >&2
fi
exit "$status"
