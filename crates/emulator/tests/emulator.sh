# Shared by the scripts that run a tool against `snapspec emulate` (official_sdks/run.sh,
# conformance/run.sh, xtask/consumers/openapi_generator/run.sh): source it, then
#   start_emulator LOG [emulate flags...]
# starts the emulator on a free loopback port with the environment as it is, waits until it
# listens, and sets `port` and `emulator_pid` (the caller's EXIT trap kills it).

start_emulator() {
    local log="$1"
    shift
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${SNAPSPEC_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/snapspec}" emulate --listen "127.0.0.1:$port" "$@" \
        >"$log" 2>&1 &
    emulator_pid=$!
    for _ in $(seq 1 100); do
        (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        kill -0 "$emulator_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "the emulator did not start listening on 127.0.0.1:$port; its log:" >&2
    cat "$log" >&2
    return 1
}
