#!/usr/bin/env bash
# Checks that two listlint binaries write byte-identical output, format by
# format, on the shipped fixtures and (optionally) a large corpus.
#
#   benches/same_output.sh OLD_BINARY NEW_BINARY [CORPUS.jsonl]
#
# Used when a change should not change behaviour (a refactor): every
# output format, the exit status and standard error must match. Run it
# from the repository root. Exits 1 and names the first differences.
set -uo pipefail

old=${1:?usage: same_output.sh OLD_BINARY NEW_BINARY [CORPUS]}
new=${2:?usage: same_output.sh OLD_BINARY NEW_BINARY [CORPUS]}
corpus=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NO_COLOR=1
formats=(human json jsonl sarif github junit)
cases=0
failed=0

# One case: a name and the arguments after the binary.
compare() {
    local name=$1
    shift
    cases=$((cases + 1))
    for side in old new; do
        local bin=$old
        [ "$side" = new ] && bin=$new
        (cd "$work/run" && "$bin" "$@" >"$work/$side.out" 2>"$work/$side.err"
         echo "exit $?" >>"$work/$side.err")
    done
    if ! cmp -s "$work/old.out" "$work/new.out" || ! cmp -s "$work/old.err" "$work/new.err"; then
        failed=$((failed + 1))
        echo "DIFFERENT: $name"
        diff <(head -c 200000 "$work/old.out") <(head -c 200000 "$work/new.out") | head -20
        diff "$work/old.err" "$work/new.err" | head -10
    fi
}

# Runs from a copy of the fixtures so relative paths in reports match and
# no listlint.yaml above the repository is picked up.
mkdir -p "$work/run"
cp -r fixtures rules tests/data "$work/run/"
inputs=(fixtures/listings.csv fixtures/listings.jsonl fixtures/listings.json
        fixtures/certificates.csv fixtures/certificates.jsonl fixtures/promotions.csv
        fixtures/catalog fixtures/encodings fixtures/bad fixtures/xlsx)
for format in "${formats[@]}"; do
    for input in "${inputs[@]}"; do
        compare "check --format $format $input" check --as-of 2026-11-11 --format "$format" "$input"
    done
    compare "pricing --format $format" check --as-of 2026-11-11 --format "$format" \
        --price-history fixtures/price-history.csv fixtures/pricing.csv
    compare "shopify --format $format" check --as-of 2026-11-11 --format "$format" --profile shopify fixtures/shopify
    compare "taobao --format $format" check --as-of 2026-11-11 --format "$format" --profile taobao fixtures/taobao
    compare "statistics --format $format" check --as-of 2026-11-11 --statistics --format "$format" fixtures/listings.csv
done
compare "rules list" rules list --format json
compare "rules show" rules show --resolved absolute/superlative
compare "explain" explain absolute/superlative
compare "rules test" rules test rules/
compare "rules validate" rules validate rules/
compare "pack test-pack" check --as-of 2026-11-11 --format json --rules data/test-pack.yaml fixtures/listings.csv
if [ -n "$corpus" ]; then
    for format in "${formats[@]}"; do
        compare "corpus --format $format" check --as-of 2026-11-11 --jobs 2 --format "$format" "$corpus"
    done
fi
echo "$cases cases, $failed different"
[ "$failed" -eq 0 ]
