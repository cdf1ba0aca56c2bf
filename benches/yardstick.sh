#!/usr/bin/env bash
# The throughput yardstick (issue #21): `listlint check --format jsonl` with
# all default packs over the shared generator's corpus, paired with
# `rg -jJ -o -F -f terms.txt CORPUS | wc -l` over the same bytes, round after
# round, alternating the order of the commands. Prints, per command, the
# median wall time, CPU time (user + sys), peak RSS and the ratio
# rg wall / listlint wall (the yardstick: higher is better, 1 = as fast as
# the raw scan), with the load average before and after.
#
#   benches/yardstick.sh [-r ROUNDS] [-j "2 1"] [-n LISTINGS] [-c CORPUS]
#                        [-t generator|packs] [--clean] BINARY [BASELINE]
#
#   BINARY, BASELINE  listlint binaries (BASELINE: an older build, timed in
#                     the same rounds; both must be given as paths)
#   -r ROUNDS         rounds (default 5); each runs every command once per
#                     --jobs value
#   -j JOBS           --jobs values, space-separated (default "2 1")
#   -n LISTINGS       corpus size (default 200000, seed 7: the yardstick)
#   -c CORPUS         time this JSON Lines file instead of generating one
#   -t TERMS          generator: the generator's canonical term list
#                     (`gen_listings.py --emit-terms`, what the yardstick's
#                     README names terms.txt; the default); packs: every
#                     `terms` entry of the default packs' rules
#   --clean           delete the generated corpus and term files at the end
#
# The corpus and terms go to $YARDSTICK_DIR (default /tmp/listlint-yardstick),
# never into the repository; the generator is found in $SHARED (default: the
# `shared` folder beside the repository). Needs python3 (and PyYAML for
# `-t packs`), ripgrep and GNU time (/usr/bin/time). Extra arguments for
# listlint can be given in $LISTLINT_ARGS (e.g. "--select input").
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=5
jobs_list="2 1"
listings=200000
corpus=
terms_from=generator
clean=false
while [ $# -gt 0 ]; do
    case $1 in
    -r) rounds=$2; shift 2 ;;
    -j) jobs_list=$2; shift 2 ;;
    -n) listings=$2; shift 2 ;;
    -c) corpus=$2; shift 2 ;;
    -t) terms_from=$2; shift 2 ;;
    --clean) clean=true; shift ;;
    -h | --help) sed -n '2,31p' "$0"; exit 0 ;;
    *) break ;;
    esac
done
new=${1:?usage: benches/yardstick.sh [options] BINARY [BASELINE]}
old=${2:-}
for bin in "$new" $old; do
    [ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 2; }
done
command -v rg >/dev/null || { echo "needs ripgrep (apt-get install ripgrep)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }

dir=${YARDSTICK_DIR:-/tmp/listlint-yardstick}
mkdir -p "$dir"
shared=${SHARED:-}
if [ -z "$shared" ]; then
    for candidate in ../shared ../../shared /work/shared; do
        [ -f "$candidate/bench/gen_listings.py" ] && { shared=$candidate; break; }
    done
fi
generator=$shared/bench/gen_listings.py
if [ -z "$corpus" ]; then
    corpus=$dir/corpus-$listings-seed7.jsonl
    if [ ! -s "$corpus" ]; then
        [ -f "$generator" ] || { echo "generator not found: set SHARED" >&2; exit 2; }
        echo "generating $corpus ..." >&2
        python3 "$generator" --n "$listings" --seed 7 --format jsonl --out "$corpus.part"
        mv "$corpus.part" "$corpus"
    fi
fi
terms=$dir/terms-$terms_from.txt
case $terms_from in
generator)
    python3 "$generator" --emit-terms "$terms" 2>/dev/null ;;
packs)
    python3 - "$terms" rules/*.yaml <<'PY'
import sys, yaml
terms = []
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        pack = yaml.safe_load(f)
    for rule in pack.get("rules", []) or []:
        terms.extend(rule.get("terms", []) or [])
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("\n".join(dict.fromkeys(terms)) + "\n")
PY
    ;;
*) echo "-t generator or -t packs" >&2; exit 2 ;;
esac

results=$dir/results.$$
: >"$results"
trap 'rm -f "$results" "$results.one"' EXIT

# Runs one command under GNU time and appends "name jobs round wall cpu rss".
measure() {
    local name=$1 jobs=$2 round=$3
    shift 3
    /usr/bin/time -f "%e %U %S %M" -o "$results.one" "$@" >/dev/null
    read -r wall user sys rss <"$results.one"
    echo "$name $jobs $round $wall $(echo "$user + $sys" | bc) $rss" >>"$results"
}
run_rg() {
    measure rg "$1" "$2" sh -c "rg -j$1 -o -F -f '$terms' '$corpus' | wc -l"
}
run_listlint() {
    # shellcheck disable=SC2086
    measure "$1" "$2" "$3" "$4" check "$corpus" --format jsonl --fail-on never --jobs "$2" \
        ${LISTLINT_ARGS:-}
}

echo "corpus: $corpus ($(stat -c %s "$corpus") bytes, $(wc -l <"$corpus") lines)"
echo "terms:  $terms ($(wc -l <"$terms") terms, from $terms_from)"
echo "new:    $new"
[ -n "$old" ] && echo "old:    $old"
echo "rounds: $rounds, --jobs: $jobs_list${LISTLINT_ARGS:+, listlint arguments: $LISTLINT_ARGS}"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Warm the page cache and both binaries.
cat "$corpus" >/dev/null
"$new" check "$corpus" --format jsonl --fail-on never --jobs 2 >/dev/null
[ -n "$old" ] && "$old" check "$corpus" --format jsonl --fail-on never --jobs 2 >/dev/null
for round in $(seq 1 "$rounds"); do
    for jobs in $jobs_list; do
        # Alternate the order so that drift in the machine's load falls on
        # every command alike.
        if [ $((round % 2)) = 1 ]; then
            run_rg "$jobs" "$round"
            [ -n "$old" ] && run_listlint old "$jobs" "$round" "$old"
            run_listlint new "$jobs" "$round" "$new"
        else
            run_listlint new "$jobs" "$round" "$new"
            [ -n "$old" ] && run_listlint old "$jobs" "$round" "$old"
            run_rg "$jobs" "$round"
        fi
    done
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
echo
# Medians per command; the ratio is the median of each round's
# rg wall / listlint wall (the two ran back to back).
awk -v bytes="$(stat -c %s "$corpus")" '
function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    key = $1 " " $2
    wall[key] = wall[key] " " $4; cpu[key] = cpu[key] " " $5; rss[key] = rss[key] " " $6
    if ($6 > maxrss[key]) maxrss[key] = $6
    w[$1, $2, $3] = $4
    if (!(key in seen)) { seen[key] = 1; order[++count] = key }
    rounds[$2] = ($3 > rounds[$2]) ? $3 : rounds[$2]
}
END {
    printf "%-10s %5s %9s %9s %9s %11s %11s %8s\n", "command", "jobs", "wall", "cpu", "MB/s", "RSS median", "RSS max", "ratio"
    for (k = 1; k <= count; k++) {
        key = order[k]; split(key, parts, " ")
        ratios = ""
        if (parts[1] != "rg")
            for (r = 1; r <= rounds[parts[2]]; r++)
                if ((parts[1], parts[2], r) in w && ("rg", parts[2], r) in w)
                    ratios = ratios " " w["rg", parts[2], r] / w[parts[1], parts[2], r]
        m = median(wall[key])
        printf "%-10s %5s %8.2fs %8.2fs %9.0f %8.1f MiB %7.1f MiB %8s\n", parts[1], parts[2], m,
            median(cpu[key]), bytes / m / 1e6, median(rss[key]) / 1024, maxrss[key] / 1024,
            ratios == "" ? "-" : sprintf("%.3f", median(ratios))
    }
}' "$results"
if $clean; then
    case $corpus in "$dir"/*) rm -f "$corpus" ;; esac
    rm -f "$terms"
fi
