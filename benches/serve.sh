#!/usr/bin/env bash
# Load test of `listlint serve` on loopback with wrk (Debian's `wrk`):
# single-listing `POST /v1/check`, then `POST /v2/check` (LanguageTool
# API) with a 500-character text; each for DURATION at CONNECTIONS
# connections. Prints requests/s, p50/p99/max latency, non-2xx responses
# and socket errors, the server's RSS (now and peak) and the load average
# before and after each run (the machine may be shared: read figures with
# it). Not a test: nothing fails on a slow machine.
#
#   cargo build --release --bin listlint
#   benches/serve.sh [BINARY] [DURATION]
#
# BINARY defaults to target/release/listlint (or $CARGO_TARGET_DIR's),
# DURATION to 30s. CONNECTIONS (32), THREADS (2), PORT (18787) and
# SERVE_ARGS (more `listlint serve` flags, e.g. --no-access-log) are read
# from the environment.
set -euo pipefail

target=${CARGO_TARGET_DIR:-target}
bin=${1:-$target/release/listlint}
duration=${2:-30s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
port=${PORT:-18787}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release --bin listlint)" >&2; exit 2; }
bin=$(realpath "$bin") # the server starts in a scratch folder

work=$(mktemp -d)
server=
pid=
cleanup() {
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# The access log stays on (one JSON line per request, as in production),
# written to /dev/null.
# shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
(cd "$work" && exec "$bin" serve --addr "127.0.0.1:$port" ${SERVE_ARGS:-} 2>/dev/null) &
server=$!
for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        break
    fi
    sleep 0.1
done
# The subshell may fork before it execs: read the server's own pid.
pid=$(pgrep -n -f -- "serve --addr 127.0.0.1:$port" || true)
[ -n "$pid" ] || { echo "the server did not start on port $port" >&2; exit 1; }

cat >"$work/report.lua" <<'LUA'
function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local socket = summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "requests %d in %.1f s: %.0f requests/s; latency p50 %.3f ms, p99 %.3f ms, max %.3f ms; non-2xx %d; socket errors %d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status, socket))
end
LUA

cat >"$work/check.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"id":"SKU-1","title":"全网最好的蚕丝被 第一时间发货 100%桑蚕丝","description":"<p>国家级品质，夏凉被</p>","category":"家居/床上用品","price":"199"}'
LUA
cat "$work/report.lua" >>"$work/check.lua"

cat >"$work/languagetool.lua" <<'LUA'
local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
-- 50 characters, ten times: 500 characters with wording to report.
local sentence = "本店蚕丝被采用优质桑蚕丝填充，全网最好的睡眠体验，国家级品质，第一时间发货，全国包邮七天无理由退换。"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "language=zh-CN&text=" .. urlencode(string.rep(sentence, 10))
LUA
cat "$work/report.lua" >>"$work/languagetool.lua"

rss() {
    awk '/^VmRSS|^VmHWM/ {printf "%s %d MiB  ", $1, $2 / 1024}' "/proc/$pid/status"
    echo
}

run() {
    local name=$1 path=$2 script=$3
    echo "== $name: $connections connections, $threads wrk threads, $duration"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    timeout 120 wrk -t "$threads" -c "$connections" -d "$duration" --timeout 5s \
        -s "$script" "http://127.0.0.1:$port$path" | tail -n 1
    echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "server: $(rss)"
}

echo "listlint serve ($bin) on $(nproc) cores"
echo "server at start: $(rss)"
run "POST /v1/check (one listing)" /v1/check "$work/check.lua"
run "POST /v2/check (500 characters)" /v2/check "$work/languagetool.lua"
