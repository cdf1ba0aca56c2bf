"""Benchmark (not a test) for docs/scale.md: `Linter.check_arrow` on one
core next to `listlint check --jobs 1 --format jsonl` on the same
listings, and Spark local[2] end to end (read, check, write).

    python python/bench/scale.py --listings corpus.jsonl --cli target/release/listlint \
        --work /tmp/scale [--pairs 3] [--spark]

Both single-core runs are pinned to one CPU with `taskset -c 0`; each pair
runs the CLI and then check_arrow, with the load average before each,
since other work on the machine slows both.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

AS_OF = "2026-12-01"


def load() -> str:
    return "%.2f" % os.getloadavg()[0]


def to_parquet(listings: Path, parquet: Path, chunk: int = 100_000) -> int:
    """The JSON Lines file as Parquet, one column per key (a column of
    mixed types holds each value's JSON text), in row groups of `chunk`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from conftest import json_text

    keys = []
    with open(listings, encoding="utf-8") as f:
        for i, line in enumerate(f):
            for k in json.loads(line):
                if k not in keys:
                    keys.append(k)
            if i > 10_000:
                break
    writer = None
    rows = 0
    with open(listings, encoding="utf-8") as f:
        while True:
            batch = [json.loads(line) for _, line in zip(range(chunk), f)]
            if not batch:
                break
            columns = {k: [None if r.get(k) is None else json_text(r[k]) for r in batch] for k in keys}
            table = pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})
            if writer is None:
                writer = pq.ParquetWriter(parquet, table.schema)
            writer.write_table(table)
            rows += len(batch)
    writer.close()
    return rows


def one_core(args, parquet: Path) -> None:
    import pyarrow.parquet as pq

    code = (
        "import sys,time,pyarrow.parquet as pq,listlint;"
        f"t=pq.read_table({str(parquet)!r});"
        f"l=listlint.Linter(as_of={AS_OF!r});"
        "s=time.perf_counter();c=time.process_time();f=l.check_arrow(t);"
        "e=time.perf_counter()-s;c=time.process_time()-c;"
        "print(t.num_rows,f.num_rows,e,c)"
    )
    rows = pq.read_metadata(parquet).num_rows
    for pair in range(args.pairs):
        before = load()
        started = time.perf_counter()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(os.devnull, "wb") as null:
            subprocess.run(["taskset", "-c", "0", str(args.cli), "check", "--jobs", "1",
                            "--format", "jsonl", "--fail-on", "never", "--as-of", AS_OF,
                            str(args.listings)], stdout=null, check=True)
        cli = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cli_cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
        before_arrow = load()
        out = subprocess.run(["taskset", "-c", "0", sys.executable, "-c", code],
                             capture_output=True, text=True, check=True).stdout.split()
        n, findings, arrow, arrow_cpu = int(out[0]), int(out[1]), float(out[2]), float(out[3])
        assert n == rows
        print(f"pair {pair + 1}: cli --jobs 1: wall {cli:.1f} s, cpu {cli_cpu:.1f} s "
              f"({rows / cli_cpu:,.0f} listings per cpu-second, load {before}); "
              f"check_arrow: wall {arrow:.1f} s, cpu {arrow_cpu:.1f} s "
              f"({rows / arrow_cpu:,.0f} per cpu-second, load {before_arrow}, {findings:,} findings); "
              f"arrow/cli per cpu-second {cli_cpu / arrow_cpu:.2f}, wall {cli / arrow:.2f}", flush=True)


def spark(args, parquet: Path) -> None:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    from listlint.spark import check_dataframe

    session = (SparkSession.builder.master("local[2]").appName("listlint-scale")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.ui.enabled", "false")
               .config("spark.driver.memory", "4g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    out = args.work / "findings.parquet"
    for run in range(args.pairs):
        print(f"spark run {run + 1}, load {load()}", flush=True)
        t0 = time.perf_counter()
        df = session.read.parquet(str(parquet)).repartition(8).cache()
        rows = df.count()
        t1 = time.perf_counter()
        findings = check_dataframe(df, as_of=AS_OF).cache()
        count = findings.count()
        t2 = time.perf_counter()
        findings.write.mode("overwrite").parquet(str(out))
        t3 = time.perf_counter()
        print(f"  read {t1 - t0:.2f} s, check {t2 - t1:.2f} s ({rows / (t2 - t1):,.0f}/s), "
              f"write {t3 - t2:.2f} s; total {t3 - t0:.2f} s for {rows:,} listings, "
              f"{count:,} findings; load {load()}", flush=True)
        df.unpersist()
        findings.unpersist()
    session.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listings", type=Path, required=True)
    parser.add_argument("--cli", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--spark", action="store_true")
    parser.add_argument("--skip-one-core", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    parquet = args.work / "listings.parquet"
    if not parquet.exists():
        started = time.perf_counter()
        rows = to_parquet(args.listings, parquet)
        print(f"wrote {rows:,} listings to {parquet} in {time.perf_counter() - started:.1f} s")
    if not args.skip_one_core:
        one_core(args, parquet)
    if args.spark:
        spark(args, parquet)


if __name__ == "__main__":
    main()
