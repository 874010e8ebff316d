#!/usr/bin/env bash
# Differential signing against the vendors' official Python SDKs: installs the pinned SDKs into a
# throw-away virtual environment and runs the ignored test `differential` of snapspec-auth with
# SNAPSPEC_SDK_PYTHON naming its interpreter. Exits non-zero on any difference.
# SNAPSPEC_DIFFERENTIAL_COUNT (default 10000 per scheme) and SNAPSPEC_DIFFERENTIAL_SEED pass through.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT

python3 -m venv "$venv"
# Pinned: the versions our signers are checked against (the same pins as the emulator's
# official-SDK check, crates/emulator/tests/official_sdks/run.sh).
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    huaweicloudsdkcore==3.1.219 alibabacloud-tea-openapi==0.4.6 aliyun-python-sdk-core==2.16.1

SNAPSPEC_SDK_PYTHON="$venv/bin/python" cargo test --quiet --locked --manifest-path "$root/Cargo.toml" \
    -p snapspec-auth --test differential -- --ignored --nocapture
