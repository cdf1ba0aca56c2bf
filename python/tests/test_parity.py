"""The same findings from `Linter.check`, `check_many`, `check_arrow` and
`listlint check --format jsonl` on 2,000 generated listings."""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
import pytest

import listlint
from conftest import AS_OF, FINDING_COLUMNS, arrow_table, key, row


@pytest.fixture(scope="module")
def linter(corpus):
    return listlint.Linter(as_of=AS_OF, price_history=str(corpus["history"]))


def test_the_corpus_has_findings_of_many_rules(corpus):
    rules = Counter(f["rule"] for f in corpus["cli"])
    assert len(corpus["cli"]) > 1000
    assert len(rules) > 10, rules


def test_check_gives_the_cli_findings(corpus, linter):
    got = list(linter.history_findings)
    for listing in corpus["listings"]:
        got.extend(linter.check(listing))
    assert {key(f) for f in got} == {key(f) for f in corpus["cli"]}
    # Whole findings, not only their places: the same schema and values
    # (file, line and record say where a listing was read from).
    assert Counter(row(f) for f in got) == Counter(row(f) for f in corpus["cli"])
    assert list(got[0]) == list(corpus["cli"][0])


def test_check_many_gives_the_cli_findings_in_order(corpus, linter):
    got = linter.history_findings + linter.check_many(iter(corpus["listings"]))
    assert [row(f) for f in got] == [row(f) for f in corpus["cli"]]
    # Each listing's record is its position, as the CLI's is in the file.
    assert [f["record"] for f in got] == [f["record"] for f in corpus["cli"]]


def test_check_arrow_gives_the_cli_findings(corpus, linter):
    table = arrow_table(corpus["listings"])
    assert table.schema.field("price").type == pa.float64()
    got = linter.check_arrow(table)
    assert isinstance(got, pa.Table)
    assert got.column_names == list(FINDING_COLUMNS)
    rows = got.to_pylist()
    expected = [f for f in corpus["cli"] if f["listing_id"] is not None]
    assert {key(f) for f in rows} == {key(f) for f in expected}
    assert Counter(row(f) for f in rows) == Counter(row(f) for f in expected)


@pytest.mark.parametrize("shape", ["batches", "record_batch", "large_string", "string_view", "struct"])
def test_check_arrow_reads_every_layout_alike(corpus, linter, shape):
    listings = corpus["listings"][:400]
    table = arrow_table(listings)
    if shape == "batches":
        data = pa.Table.from_batches(table.to_batches(max_chunksize=97))
    elif shape == "record_batch":
        data = table.combine_chunks().to_batches()[0]
    elif shape in ("large_string", "string_view"):
        kind = pa.large_string() if shape == "large_string" else pa.string_view()
        data = table.cast(pa.schema([
            pa.field(f.name, kind if f.type == pa.string() else f.type) for f in table.schema
        ]))
    else:
        # `cert.*` columns as one struct column, as Spark or Parquet hold
        # nested records: its children are the fields `cert.ccc` …
        certs = [c for c in table.column_names if c.startswith("cert.")]
        struct = pa.StructArray.from_arrays(
            [table.column(c).combine_chunks() for c in certs],
            [c[len("cert."):] for c in certs],
        )
        data = table.drop_columns(certs).append_column("cert", struct)
    expected = linter.check_many(listings)
    got = linter.check_arrow(data).to_pylist()
    assert Counter(row(f) for f in got) == Counter(row(f) for f in expected)
    assert len(got) > 100


def test_check_arrow_id_column_and_mapping(linter):
    table = pa.table({
        "sku_code": ["A-1", "A-2"],
        "product_name": ["全网最好的蚕丝被", "纯棉T恤"],
    })
    got = linter.check_arrow(table, id_column="sku_code", mapping={"title": "product_name"})
    rows = got.to_pylist()
    assert [(r["listing_id"], r["rule"], r["field"], r["start"], r["end"]) for r in rows] == [
        ("A-1", "absolute/superlative", "title", 0, 3)
    ]
    assert rows == [
        {c: f[c] for c in FINDING_COLUMNS}
        for f in linter.check({"id": "A-1", "title": "全网最好的蚕丝被"})
        + linter.check({"id": "A-2", "title": "纯棉T恤"})
    ]


def test_check_arrow_of_no_findings_has_the_schema(linter):
    got = linter.check_arrow(pa.table({"id": ["A"], "title": ["纯棉T恤"]}))
    assert got.num_rows == 0
    assert got.column_names == list(FINDING_COLUMNS)
    assert got.schema.field("start").type == pa.int64()


def test_dicts_are_read_as_json_lines_are(linter):
    nested = linter.check({"sku": "N-1", "商品标题": "最好的", "cert": {"ccc": "x"}, "price": 12.5,
                           "subtitle": ["最佳", None, 3], "gone": None})
    flat = linter.check({"id": "N-1", "title": "最好的", "cert.ccc": "x", "price": "12.5",
                         "subtitle": "最佳, 3"})
    assert [row(f) for f in nested] == [row(f) for f in flat]
    assert any(f["field"] == "subtitle" for f in nested)
    assert any(f["field"] == "cert.ccc" or f["field"] == "title" for f in nested)


def test_rules_and_explain_match_the_cli(cli):
    import json

    from conftest import run_cli

    listed = json.loads(run_cli(cli, "rules", "list", "--format", "json").stdout)
    assert listlint.rules() == listed
    rule = listed[0]["id"]
    described = listlint.explain(rule)
    assert described["id"] == rule and described["message"]
    assert rule in run_cli(cli, "explain", rule).stdout
    with pytest.raises(KeyError, match="did you mean"):
        listlint.explain(rule[:-1])


def test_version():
    assert listlint.__version__ == "0.1.0"
