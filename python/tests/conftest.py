"""Shared fixtures: the `listlint` binary, generated corpora, and the CLI's
findings on them (`listlint check --format jsonl`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from corpus import write_corpus

ROOT = Path(__file__).resolve().parents[2]
#: The date time-based checks take as today, in every run of the tests.
AS_OF = "2026-12-01"


def generate(tmp: Path, n: int, seed: int, history: bool = False) -> Tuple[Path, Path]:
    """`n` generated listings as JSON Lines (and their price history)."""
    out = tmp / f"listings-{n}-{seed}.jsonl"
    hist = tmp / f"history-{n}-{seed}.csv"
    write_corpus(out, hist, n, seed, AS_OF)
    if not history:
        hist.unlink()
    return out, hist


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `listlint` binary: $LISTLINT_BIN, else built with cargo."""
    given = os.environ.get("LISTLINT_BIN")
    if given:
        return Path(given)
    subprocess.run(["cargo", "build", "-q", "--bin", "listlint"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "listlint"


def run_cli(cli: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([str(cli), *args], capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return done


def cli_findings(cli: Path, path: Path, *flags: str) -> List[Dict]:
    """The findings of `listlint check --format jsonl` on a file."""
    done = run_cli(cli, "check", "--format", "jsonl", "--fail-on", "never",
                   "--as-of", AS_OF, *flags, str(path))
    return [json.loads(line) for line in done.stdout.splitlines()]


def read_jsonl(path: Path) -> List[Dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def key(f: Dict) -> Tuple:
    """What the issue compares: listing id, rule, field, start, end."""
    return (f["listing_id"], f["rule"], f["field"], f["start"], f["end"])


#: A finding without where it was read from (file, line, record), which
#: differ between a file and memory.
FINDING_COLUMNS = ("listing_id", "rule", "category", "severity", "field", "start",
                   "end", "text", "message", "suggestion", "fingerprint")


def row(f: Dict) -> Tuple:
    return tuple(f[c] for c in FINDING_COLUMNS)


def json_text(value):
    """A JSON scalar as a JSON Lines file holds it (strings as they are)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def arrow_table(listings: List[Dict]):
    """The listings as a pyarrow table, one column per key: a column whose
    values are all of one type keeps it (prices stay float64), a column
    of mixed types holds each value's JSON text."""
    import pyarrow as pa

    columns: Dict[str, List] = {}
    for i, listing in enumerate(listings):
        for k in listing:
            columns.setdefault(k, [None] * len(listings))
    for i, listing in enumerate(listings):
        for k, v in listing.items():
            columns[k][i] = v
    arrays = {}
    for k, values in columns.items():
        kinds = {type(v) for v in values if v is not None}
        if len(kinds) > 1:
            values = [None if v is None else json_text(v) for v in values]
        arrays[k] = pa.array(values)
    return pa.table(arrays)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory, cli):
    """2,000 generated listings, their price history, and the CLI's
    findings on them."""
    tmp = tmp_path_factory.mktemp("corpus")
    path, history = generate(tmp, 2000, 18, history=True)
    return {
        "path": path,
        "history": history,
        "listings": read_jsonl(path),
        "cli": cli_findings(cli, path, "--price-history", str(history)),
    }
