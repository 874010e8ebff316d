#!/usr/bin/env bash
# The emulator's memory over a long run against a bounded store: TOTAL CSS creates, each with a
# new snapshot name, against `snapspec emulate --max-snapshots MAX`, reporting the emulator's
# resident memory (VmRSS in /proc/<pid>/status) after 100,000, 500,000 and TOTAL creates. The
# first MAX creates are stored (201); every later one gets the quota answer (400 CSS.0030), so
# the store, and the memory, should stay flat once it is full.
# Needs wrk (apt-get install wrk) and Linux (/proc).
# Usage: crates/emulator/bench/memory.sh [TOTAL] [MAX]   (defaults: 1000000 10000)
# KNOWN ISSUE (unfinished): wrk.thread:stop() in response() does not end a stage early here, so
# each stage runs its full -d600s; the stages need another way to stop at their count.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
total=${1:-1000000}
max=${2:-10000}
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

# NO_BUILD=1: use the release binary already built.
[ -n "${NO_BUILD:-}" ] || cargo build --quiet --release -p snapspec-cli --manifest-path "$root/Cargo.toml"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
env -u HUAWEICLOUD_SDK_AK -u HUAWEICLOUD_SDK_SK -u ALIBABA_CLOUD_ACCESS_KEY_ID -u ALIBABA_CLOUD_ACCESS_KEY_SECRET \
    RUST_LOG=error "$target/release/snapspec" emulate --listen "127.0.0.1:$port" --max-snapshots "$max" \
    >/dev/null 2>"$work/emulator.log" &
pid=$!
for _ in $(seq 1 300); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

# Each wrk thread sends its share of a stage's creates, names prefixed by the stage so that no
# name repeats, and stops once its share is answered.
cat >"$work/create.lua" <<'LUA'
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  share = tonumber(os.getenv("SHARE"))
  stage = os.getenv("STAGE")
  sent, answered = 0, 0
end
function request()
  sent = sent + 1
  local body = string.format('{"name":"m-%s-%d-%d","indices":"index-a"}', stage, id, sent)
  return wrk.format("POST", "/v1.0/memory-project/clusters/memory-cluster/index_snapshot",
    {["content-type"] = "application/json"}, body)
end
function response(status, headers, body)
  answered = answered + 1
  if answered >= share then wrk.thread:stop() end
end
LUA

rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
echo "emulator pid $pid, --max-snapshots $max; RSS before any request: $(rss) kB"
done_so_far=0
stage=0
for mark in 100000 500000 "$total"; do
    [ "$mark" -le "$done_so_far" ] && continue
    count=$((mark - done_so_far))
    stage=$((stage + 1))
    started=$(date +%s.%N)
    SHARE=$((count / 2)) STAGE=$stage wrk -t2 -c32 -d600s -s "$work/create.lua" "http://127.0.0.1:$port" >"$work/stage$stage.txt"
    ended=$(date +%s.%N)
    sent=$(awk '/requests in/ {print $1}' "$work/stage$stage.txt")
    done_so_far=$((done_so_far + sent))
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/stage$stage.txt")
    printf 'after %9d creates (%5.1f s for this stage, %s refused): VmRSS %8s kB\n' \
        "$done_so_far" "$(python3 -c "print($ended - $started)")" "${non2xx:-0}" "$(rss)"
done
# What the store holds: exactly MAX snapshots, whatever the number of creates.
held=$(python3 - "$port" <<'PY'
import json, sys, urllib.request
port = sys.argv[1]
with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1.0/memory-project/clusters/memory-cluster/index_snapshots") as answer:
    print(len(json.load(answer)["backups"]))
PY
)
echo "snapshots held at the end: $held (maximum $max)"
[ "$held" = "$max" ] || { echo "the store does not hold exactly the maximum" >&2; exit 1; }
