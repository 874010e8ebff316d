#!/usr/bin/env bash
# The vendors' official Python SDKs against the snapspec emulator: installs them into a throw-away
# virtual environment, starts `snapspec emulate` with credentials on a free loopback port, runs
# check_official_sdks.py, and stops the emulator. Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
venv="$(mktemp -d)/venv"
log="$(mktemp)"
cleanup() { [ -n "${emulator_pid:-}" ] && kill "$emulator_pid" 2>/dev/null; rm -rf "$(dirname "$venv")" "$log"; }
trap cleanup EXIT

python3 -m venv "$venv"
# Pinned: the versions the specs, facts and signing vectors were checked against. A vendor release
# changes CI only through a commit that moves these pins.
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    huaweicloudsdkcore==3.1.219 huaweicloudsdkcss==3.1.219 huaweicloudsdkdws==3.1.219 \
    alibabacloud-tea-openapi==0.4.6 alibabacloud-elasticsearch20170613==5.4.1 \
    aliyun-python-sdk-core==2.16.1 aliyun-python-sdk-elasticsearch==3.1.2
"$venv/bin/pip" list 2>/dev/null | grep -Ei '^(huaweicloudsdk|alibabacloud-(tea-openapi|elasticsearch)|aliyun-python-sdk-(core|elasticsearch))' || true

cargo build --quiet -p snapspec-cli --manifest-path "$root/Cargo.toml"
# shellcheck source=../emulator.sh
. "$here/../emulator.sh"
HUAWEICLOUD_SDK_AK=OFFICIALSDKTESTAK001 HUAWEICLOUD_SDK_SK=official-sdk-test-secret \
ALIBABA_CLOUD_ACCESS_KEY_ID=LTAIofficialSdkTest01 ALIBABA_CLOUD_ACCESS_KEY_SECRET=official-sdk-test-alibaba-secret \
    start_emulator "$log"
status=0
"$venv/bin/python" "$here/check_official_sdks.py" "http://127.0.0.1:$port" || status=$?
"$venv/bin/python" "$here/check_css_lifecycle.py" "http://127.0.0.1:$port" || status=$?
"$venv/bin/python" "$here/check_alibaba_lifecycle.py" "http://127.0.0.1:$port" || status=$?
"$venv/bin/python" "$here/check_dws_lifecycle.py" "http://127.0.0.1:$port" || status=$?
"$venv/bin/python" "$here/check_alibaba_roa.py" "http://127.0.0.1:$port" || status=$?
if grep -q -e official-sdk-test-secret -e official-sdk-test-alibaba-secret "$log"; then
    echo "FAIL the emulator's log contains a secret"; status=1
fi
[ "$status" -eq 0 ] || { echo "--- emulator log"; cat "$log"; }
exit "$status"
