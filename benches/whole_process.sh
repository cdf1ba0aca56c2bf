#!/usr/bin/env bash
# Whole-process benchmark: `listlint check --format jsonl` over a generated
# corpus, side by side with `rg -o -F -f terms.txt FILE | wc -l` over the same
# bytes and the same terms (every match listed, as listlint must list every
# finding). Needs hyperfine and ripgrep (Debian: apt-get install hyperfine
# ripgrep) and python3 with PyYAML to extract the terms.
#
#   benches/whole_process.sh [LISTINGS]     # default 100000
set -euo pipefail
cd "$(dirname "$0")/.."

listings=${1:-100000}
dir=target/bench
mkdir -p "$dir"
corpus=$dir/corpus-$listings.jsonl
terms=$dir/terms.txt

cargo build --release --quiet --bin listlint --example gen_corpus
if [ ! -f "$corpus" ]; then
  target/release/examples/gen_corpus --listings "$listings" --seed 42 --format jsonl --output "$corpus"
fi
python3 - "$terms" rules/*.yaml <<'PY'
import sys, yaml
out = sys.argv[1]
terms = []
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        pack = yaml.safe_load(f)
    for rule in pack.get("rules", []):
        terms.extend(rule.get("terms", []) or [])
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(dict.fromkeys(terms)) + "\n")
PY

bytes=$(stat -c %s "$corpus")
echo "corpus: $corpus ($bytes bytes, $listings listings); terms: $(wc -l < "$terms")"
echo "listlint findings: $(target/release/listlint check --format jsonl --fail-on never "$corpus" | wc -l)"
echo "rg matches:        $(rg -o -F -f "$terms" "$corpus" | wc -l)"
check="target/release/listlint check --format jsonl --fail-on never"
hyperfine --warmup 1 --runs 10 \
  -n "listlint --jobs 2" "$check --jobs 2 $corpus > /dev/null" \
  -n "listlint --jobs 1" "$check --jobs 1 $corpus > /dev/null" \
  -n "listlint --jobs 2, wording packs" "$check --jobs 2 --select absolute-terms,claims $corpus > /dev/null" \
  -n "listlint --jobs 2, no rules (reading and normalising only)" "$check --jobs 2 --select input $corpus > /dev/null" \
  -n rg "rg -o -F -f $terms $corpus | wc -l"

# Peak resident memory of one run each (GNU time's maximum RSS).
if [ -x /usr/bin/time ]; then
  for jobs in 2 1; do
    /usr/bin/time -f "listlint --jobs $jobs: peak RSS %M KiB" $check --jobs "$jobs" "$corpus" > /dev/null
  done
fi
