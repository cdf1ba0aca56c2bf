#!/bin/sh
# Times `check` on a generated catalog repository (one YAML or Markdown
# file per listing, last modified an hour before, as in a repository)
# without the result cache, with a cold cache, with a warm one (twice: the
# first warm run writes the report the cold run saved, as does the second)
# and with a warm one after every file was touched (each file read and
# found by its bytes), and checks that the outputs are identical. With
# AGE=0 in the environment the files keep the time they were written: the
# files written less than two seconds before the cold run are read again
# once by the first warm run (see docs/ci.md).
#
#   benches/catalog_cache.sh [BINARY] [FILES] [FORMAT]
#
# Defaults: target/release/listlint, 20000 files, jsonl. Needs python3.
set -eu
bin=${1:-target/release/listlint}
files=${2:-20000}
format=${3:-jsonl}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/.git"
python3 - "$work" "$files" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
random.seed(42)
nouns = "保温杯 坚果礼盒 羊毛围巾 蓝牙耳机 面霜 连衣裙 电饭煲 儿童鞋 茶叶 充电宝".split()
words = "新款 加厚 简约 韩版 大容量 便携 家用 正品 原装 进口 纯棉 防水".split()
claims = ["最好的选择", "国家级品质", "限时特惠 今晚截止", "第一时间发货", "顶级面料",
          "纯天然无添加", "全网最低价", "买一送一", "", "", ""]
for i in range(n):
    d = os.path.join(root, "shop%03d" % (i // 200))
    os.makedirs(d, exist_ok=True)
    title = " ".join(random.sample(words, 3)) + random.choice(nouns) + " " + random.choice(claims)
    desc = " ".join(random.sample(words, 5)) + " " + random.choice(claims)
    body = "id: SKU-%05d\ntitle: %s\ndescription: \"%s\"\nprice: %d\n" % (i, title, desc, random.randint(10, 999))
    if i % 4 == 0:
        open(os.path.join(d, "item%05d.md" % i), "w").write("---\n" + body + "---\n\n详情：" + desc + "\n")
    else:
        open(os.path.join(d, "item%05d.yaml" % i), "w").write(body)
PY
cd "$work"
if [ "${AGE:-1}" != 0 ]; then
    find . -type f -exec touch -d '1 hour ago' {} +
fi
# Wall time, CPU time (user + system) and the 1-minute load average.
run() {
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%e %U %S" -o "$work/time" \
        "$bin" check --format "$format" --fail-on never "$@" . > "$out"
    read -r wall user sys < "$work/time"
    echo "${wall}s wall, $(echo "$user + $sys" | bc)s CPU (load $load)"
}
out=$work/no-cache.out; t0=$(run --no-cache)
out=$work/cold.out; t1=$(run)
out=$work/warm.out; t2=$(run)
out=$work/warm2.out; t3=$(run)
# A fresh checkout with a cache restored, as in CI: every file's times
# are new, so every file is read and found by its bytes, and the bundle is
# written again with the new times (an hour old: settled).
find . -path ./.listlint_cache -prune -o -type f -exec touch -d '1 hour ago' {} +
out=$work/touched.out; t4=$(run)
for o in cold warm warm2 touched; do
    cmp -s "$work/no-cache.out" "$work/$o.out" || { echo "outputs differ: $o" >&2; exit 1; }
done
echo "files: $files ($format, $(wc -l < "$work/warm.out") output lines)"
echo "no cache:            $t0"
echo "cold cache:          $t1"
echo "warm cache:          $t2"
echo "warm again:          $t3"
echo "warm, files touched: $t4"
echo "cache size: $(du -sh .listlint_cache | cut -f1)"
