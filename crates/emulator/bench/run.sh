#!/usr/bin/env bash
# Requests per second for the CSS operation on this machine, all in one run and with the load
# generator (wrk, 2 threads) on the same cores:
#   1. the snapspec emulator with signature checking on, every request signed and creating a
#      snapshot with a new name;
#   2. a bare axum handler returning a fixed 201 (the ceiling);
#   3. Prism (`prism mock spec/css.yaml`), the generic mock server;
#   4. the emulator answering a signed ListSnapshots of a cluster holding 1,000 snapshots.
# Needs wrk (apt-get install wrk) and node/npm (Prism is installed into a local prefix).
# Usage: crates/emulator/bench/run.sh [SECONDS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
bench="$root/crates/emulator/bench"
seconds=${1:-3}
target="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
prism_dir="${PRISM_DIR:-$HOME/.cache/snapspec-bench-npm}"
if [ ! -x "$prism_dir/node_modules/.bin/prism" ]; then
    mkdir -p "$prism_dir"
    (cd "$prism_dir" && npm install --silent --no-audit --no-fund @stoplight/prism-cli >/dev/null)
fi

cargo build --quiet --release -p snapspec-cli --manifest-path "$root/Cargo.toml"
cargo build --quiet --release -p snapspec-emulator --examples --manifest-path "$root/Cargo.toml"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 1 300); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
    echo "nothing listens on port $1 after 30 s" >&2; return 1
}
export HUAWEICLOUD_SDK_AK=BENCHLOADAK000000001 HUAWEICLOUD_SDK_SK=bench-load-secret

# Enough requests that none repeats within the measured window (a repeat would be refused as a
# duplicate name, which the check below catches).
count=$((seconds * 220000))
run_wrk() { # id label url requests-file
    REQUESTS_FILE="$4" wrk -t2 -c64 -d"${seconds}s" -s "$bench/load.lua" "$3" > "$work/$1.txt"
    local rps non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.txt")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/$1.txt"); non2xx=${non2xx:-0}
    printf '%-44s %10.0f req/s  (non-2xx answers: %s)\n' "$2" "$rps" "$non2xx"
    echo "$rps" > "$work/$1.rps"
    echo "$non2xx" > "$work/$1.non2xx"
}

port=$(free_port)
# With the limits on (bounded store, body limit, header read timeout): the store is bounded at
# the number of pre-signed requests, so that the measured creates are all stored, and the bound
# is checked on each of them.
RUST_LOG=warn "$target/release/snapspec" emulate --listen "127.0.0.1:$port" --max-snapshots "$count" \
    --max-body-bytes 1048576 --header-read-timeout 10s 2>"$work/emulator.log" &
pids+=($!); wait_port "$port"
"$target/release/examples/presign" "127.0.0.1:$port" "$count" 2 "$work/emulator.requests"
run_wrk emulator "snapspec emulator (signatures checked)" "http://127.0.0.1:$port" "$work/emulator.requests"
if [ "$(cat "$work/emulator.non2xx")" != 0 ]; then
    echo "the emulator refused requests: the measurement is not of successful creations" >&2
    grep -m3 -i warn "$work/emulator.log" >&2 || true
    exit 1
fi
kill "${pids[-1]}"

port=$(free_port)
"$target/release/examples/fixed_201" "127.0.0.1:$port" &
pids+=($!); wait_port "$port"
run_wrk ceiling "bare axum, fixed 201 (ceiling)" "http://127.0.0.1:$port" "$work/emulator.requests"
kill "${pids[-1]}"

port=$(free_port)
"$prism_dir/node_modules/.bin/prism" mock -p "$port" "$root/spec/css.yaml" >"$work/prism.log" 2>&1 &
pids+=($!); wait_port "$port" || { echo "prism did not start"; cat "$work/prism.log"; exit 1; }
run_wrk prism "prism mock spec/css.yaml" "http://127.0.0.1:$port" "$work/emulator.requests"

# ListSnapshots with 1,000 snapshots stored: a fresh emulator, 1,000 signed creates sent one by
# one (each must answer 201), then one signed list request repeated by every connection.
port=$(free_port)
RUST_LOG=warn "$target/release/snapspec" emulate --listen "127.0.0.1:$port" 2>"$work/list.log" &
pids+=($!); wait_port "$port"
"$target/release/examples/presign" "127.0.0.1:$port" 1000 1 "$work/fill.requests"
python3 - "$port" "$work/fill.requests.0" <<'PY'
import socket, sys
port, path = int(sys.argv[1]), sys.argv[2]
requests = [r for r in open(path, "rb").read().split(b"\0") if r]
with socket.create_connection(("127.0.0.1", port)) as s:
    reader = s.makefile("rb")
    for request in requests:
        s.sendall(request)
        status = reader.readline().split()[1]
        length = 0
        while (line := reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        reader.read(length)
        if status != b"201":
            sys.exit(f"a create was answered {status.decode()}")
print(f"stored {len(requests)} snapshots")
PY
"$target/release/examples/presign" "127.0.0.1:$port" 1 2 "$work/list.requests" list
answered=$(python3 - "$port" "$work/list.requests.0" "$work/list.body" <<'PY'
import json, socket, sys
port, path = int(sys.argv[1]), sys.argv[2]
request = open(path, "rb").read().split(b"\0")[0].replace(b"HTTP/1.1\r\n", b"HTTP/1.1\r\nconnection: close\r\n", 1)
with socket.create_connection(("127.0.0.1", port)) as s:
    s.sendall(request)
    answer = b"".join(iter(lambda: s.recv(65536), b""))
body = answer.split(b"\r\n\r\n", 1)[1]
open(sys.argv[3], "wb").write(body)
print(len(json.loads(body)["backups"]))
PY
)
[ "$answered" = 1000 ] || { echo "the list answered $answered snapshots, not 1000" >&2; exit 1; }
run_wrk list "snapspec emulator, list of 1,000 (signed)" "http://127.0.0.1:$port" "$work/list.requests"
[ "$(cat "$work/list.non2xx")" = 0 ] || { echo "the emulator refused list requests" >&2; exit 1; }
kill "${pids[-1]}"

# The list's ceiling: the same answer bytes from a bare axum handler (no verifying, no lookup, no
# serializing), so that what the answer's size alone costs on this machine is known.
port=$(free_port)
"$target/release/examples/fixed_201" "127.0.0.1:$port" "$work/list.body" &
pids+=($!); wait_port "$port"
run_wrk list_ceiling "bare axum, the same list answer (ceiling)" "http://127.0.0.1:$port" "$work/list.requests"
kill "${pids[-1]}"

emulator=$(cat "$work/emulator.rps")
ceiling=$(cat "$work/ceiling.rps")
prism=$(cat "$work/prism.rps")
list=$(cat "$work/list.rps")
list_ceiling=$(cat "$work/list_ceiling.rps")
python3 -c "e,c,p,l,lc=$emulator,$ceiling,$prism,$list,$list_ceiling; print(f'emulator / Prism: {e/p:.1f}x; emulator / bare axum: {e/c:.2f}; list / its bare axum ceiling: {l/lc:.2f}; list answer: {$(stat -c %s "$work/list.body")} bytes')"
