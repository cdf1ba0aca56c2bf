"""`listlint.spark.check_dataframe` in Spark local mode over 20,000
generated listings read from Parquet: the CLI's findings.

Needs pyspark and a Java runtime. Skipped (with the reason) when either is
missing, unless LISTLINT_REQUIRE_SPARK=1 (as CI sets it): then it fails.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections import Counter

import pytest

from conftest import AS_OF, arrow_table, cli_findings, generate, key, read_jsonl, row


def _spark_missing() -> str:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "no Java runtime (java not on PATH, JAVA_HOME unset)"
    return ""


MISSING = _spark_missing()
if MISSING and os.environ.get("LISTLINT_REQUIRE_SPARK") == "1":
    pytest.fail(f"LISTLINT_REQUIRE_SPARK=1 but {MISSING}", pytrace=False)
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"Spark test skipped: {MISSING}")


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # The executors' Python workers run this interpreter (with listlint).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("listlint-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "2000")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_check_dataframe_from_parquet_gives_the_cli_findings(spark, tmp_path, cli):
    import pyarrow.parquet as pq

    import listlint
    from listlint.spark import check_dataframe

    path, _ = generate(tmp_path, 20_000, 42)
    expected = [f for f in cli_findings(cli, path) if f["listing_id"] is not None]
    parquet = tmp_path / "listings.parquet"
    pq.write_table(arrow_table(read_jsonl(path)), parquet, row_group_size=5000)

    df = spark.read.parquet(str(parquet)).repartition(4)
    findings = check_dataframe(df, as_of=AS_OF)
    assert findings.schema.simpleString().startswith("struct<listing_id:string,rule:string")
    got = [r.asDict() for r in findings.collect()]
    assert len(got) > 10_000
    assert {key(f) for f in got} == {key(f) for f in expected}
    assert Counter(row(f) for f in got) == Counter(row(f) for f in expected)

    # A linter built on the driver is shipped (pickled) to the executors.
    linter = listlint.Linter(as_of=AS_OF, select=["absolute/"])
    some = check_dataframe(df, linter=linter).groupBy("rule").count().collect()
    assert some and all(r["rule"].startswith("absolute/") for r in some)
    with pytest.raises(TypeError):
        check_dataframe(df, linter=linter, select=["x"])
