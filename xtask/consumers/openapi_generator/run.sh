#!/usr/bin/env bash
# Another generator consumes the published specs: publishes them (cargo xtask publish), generates a
# Python client from each maintained OpenAPI 3.0.3 YAML with openapi-generator (the PyPI package
# openapi-generator-cli, which ships the generator's jar and runs it with Java), installs the
# clients into a throw-away virtual environment, starts `snapspec emulate` without credentials (it
# then accepts unsigned requests; the generated clients cannot sign), and runs call_emulator.py,
# which calls every operation through the generated clients with each documented request example
# and requires each answer to parse into the generated models. Exits non-zero on any failure.
#
# Java comes from Debian's packages when the machine lacks it. SNAPSPEC_BIN and XTASK_BIN, when
# set, name already built snapspec and xtask binaries to use instead of the cargo calls.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"

# Pinned: the generator, and the client's runtime dependencies the generated setup asks for
# (urllib3 >= 2.7, < 3; pydantic >= 2.11; python-dateutil >= 2.8.2; typing-extensions >= 4.7.1),
# with theirs, and setuptools to build the generated packages without fetching a build backend.
GENERATOR_VERSION=7.26.0
pins=(
    urllib3==2.8.0 pydantic==2.14.4 pydantic-core==2.50.5 annotated-types==0.8.0 typing-inspection==0.4.5
    python-dateutil==4.0.0 typing-extensions==4.16.0 tzdata==2026.6 setuptools==84.2.1
)
apis=(css dws alibaba-es)
snapshot_duration=1

work="$(mktemp -d)"
cleanup() {
    if [ -n "${emulator_pid:-}" ]; then kill "$emulator_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

if ! command -v java >/dev/null; then
    apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null
fi

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check \
    "openapi-generator-cli==$GENERATOR_VERSION" "${pins[@]}"

if [ -n "${XTASK_BIN:-}" ]; then
    "$XTASK_BIN" publish --out "$work/published"
else
    cargo xtask publish --out "$work/published"
fi

for api in "${apis[@]}"; do
    version="$(cat "$work/published/$api/latest")"
    spec="$work/published/$api/$version/$api.yaml"
    package="snapspec_${api//-/_}_client"
    log="$work/generate-$api.log"
    # An error fails, whether or not the generator's exit status says so; warnings are shown.
    if ! "$work/venv/bin/openapi-generator-cli" generate -g python -i "$spec" \
            -o "$work/clients/$api" --package-name "$package" >"$log" 2>&1 || grep -q ' ERROR ' "$log"; then
        cat "$log"
        echo "error: openapi-generator $GENERATOR_VERSION could not generate a Python client from $api/$version/$api.yaml" >&2
        exit 1
    fi
    echo "openapi-generator $GENERATOR_VERSION: $package from $api/$version/$api.yaml" \
        "($(grep -c ' WARN ' "$log" || true) warnings)"
    grep ' WARN ' "$log" | sed 's/^/    /' || true
done
# The generated packages' dependencies are the pins above: installed without resolving again.
"$work/venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
    "${apis[@]/#/$work/clients/}"

[ -n "${SNAPSPEC_BIN:-}" ] || cargo build --quiet -p snapspec-cli
# shellcheck source=../../../crates/emulator/tests/emulator.sh
. "$root/crates/emulator/tests/emulator.sh"
# No credentials: the emulator then serves unsigned requests (the generated client cannot sign).
unset HUAWEICLOUD_SDK_AK HUAWEICLOUD_SDK_SK ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET
RUST_LOG=warn start_emulator "$work/emulator.log" --snapshot-duration "${snapshot_duration}s"

status=0
NO_PROXY="127.0.0.1${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1${no_proxy:+,$no_proxy}" \
    "$work/venv/bin/python" "$here/call_emulator.py" "$work/published" "http://127.0.0.1:$port" \
    "$snapshot_duration" || status=$?
if [ "$status" -ne 0 ]; then
    echo "--- emulator log"
    cat "$work/emulator.log"
fi
exit "$status"
