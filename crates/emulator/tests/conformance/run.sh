#!/usr/bin/env bash
# The emulator's answers against the specs, whatever the request: Schemathesis (pinned) generates
# requests from each spec in `spec/` (the documented examples, then boundary and invalid values of
# every parameter and body field, then random ones, shrinking any failure) and checks that every
# answer has a status the operation documents, the declared content type, a body valid against
# the spec's schema for that status, and is not a 5xx.
#
# The emulator runs without credentials, so it serves unsigned requests (Schemathesis cannot sign):
# signature checking has its own tests (crates/emulator/tests/*.rs, the differential run).
#
#   bash crates/emulator/tests/conformance/run.sh            # CI: 100 examples per operation and phase
#   SNAPSPEC_CONFORMANCE_EXAMPLES=2000 bash crates/emulator/tests/conformance/run.sh   # the long run
#
# The seed is fixed so that CI changes only when the code or the specs do; SNAPSPEC_CONFORMANCE_SEED
# picks another. Exits non-zero on any failure, printing Schemathesis's reproduction for each.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
examples="${SNAPSPEC_CONFORMANCE_EXAMPLES:-100}"
seed="${SNAPSPEC_CONFORMANCE_SEED:-20261202}"
work="$(mktemp -d)"
cleanup() { [ -n "${emulator_pid:-}" ] && kill "$emulator_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5

cargo build --quiet -p snapspec-cli --manifest-path "$root/Cargo.toml"
# shellcheck source=../emulator.sh
. "$here/../emulator.sh"
# No credentials: the emulator then serves unsigned requests.
unset HUAWEICLOUD_SDK_AK HUAWEICLOUD_SDK_SK ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET
start_emulator "$work/emulator.log" --snapshot-duration 1s
status=0
# Schemathesis keeps a cache of crashes in the current folder: keep it in the temporary one.
cd "$work"
for spec in "$root"/spec/*.yaml; do
    echo "== $(basename "$spec"): $examples examples per operation and phase, seed $seed"
    "$work/venv/bin/schemathesis" run "$spec" --url "http://127.0.0.1:$port" \
        --checks status_code_conformance,content_type_conformance,response_schema_conformance,not_a_server_error \
        --phases examples,coverage,fuzzing --max-examples "$examples" --seed "$seed" \
        --generation-database none --no-color --warnings off \
        >"$work/report.txt" 2>&1 || status=$?
    # The summary; the whole report when something failed.
    if [ "$status" -ne 0 ]; then cat "$work/report.txt"; else grep -E "generated|passed|failure" "$work/report.txt" | tail -3; fi
done
exit "$status"
