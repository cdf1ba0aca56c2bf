#!/usr/bin/env bash
# Start-up benchmark: the whole `listlint check` process on a one-listing
# file with the default packs, as a pre-commit hook or an editor runs it.
# Two binaries are run alternately in the same loop (old, new, old, new …)
# so that both see the same machine; for each it prints the best and the
# median wall time, the median CPU time (user + system) and the load
# average before and after. Not a test: nothing fails on a slow machine.
#
#   cargo build --release --bin listlint
#   benches/startup.sh OLD_BINARY [NEW_BINARY] [RUNS] [LISTING_FILE]
#
# RUNS defaults to 20 per binary; LISTING_FILE to the first listing of
# fixtures/listings.jsonl. Extra `check` flags come from CHECK_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."

old=${1:?usage: startup.sh OLD_BINARY [NEW_BINARY] [RUNS] [LISTING_FILE]}
new=${2:-}
runs=${3:-20}
listing=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$listing" ]; then
    listing=$work/one.jsonl
    head -n 1 fixtures/listings.jsonl > "$listing"
fi
# Runs from an empty folder, so no listlint.yaml is picked up.
cd "$work"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$runs" "$listing" "${CHECK_ARGS:-}" "$old" ${new:+"$new"} <<'PY'
import os, shlex, statistics, sys, time

runs, listing, extra = int(sys.argv[1]), sys.argv[2], shlex.split(sys.argv[3])
binaries = sys.argv[4:]
devnull = os.open(os.devnull, os.O_WRONLY)

def once(binary):
    argv = [binary, "check", "--fail-on", "never", *extra, listing]
    start = time.perf_counter()
    pid = os.posix_spawn(binary, argv, dict(os.environ),
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                       (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{binary} exited with {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime

for binary in binaries:  # warm the page cache
    once(binary)
samples = {b: [] for b in binaries}
for _ in range(runs):
    for binary in binaries:
        samples[binary].append(once(binary))
for binary in binaries:
    walls = [w for w, _ in samples[binary]]
    cpus = [c for _, c in samples[binary]]
    print(f"{binary}: best {min(walls) * 1e3:.1f} ms, median {statistics.median(walls) * 1e3:.1f} ms, "
          f"CPU (user+sys) median {statistics.median(cpus) * 1e3:.1f} ms, best {min(cpus) * 1e3:.1f} ms "
          f"({runs} runs)")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
