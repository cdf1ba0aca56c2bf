"""A linter is picklable (rebuilt from its settings) and shared by threads
(checks release the GIL)."""

from __future__ import annotations

import pickle
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa

import listlint
from conftest import AS_OF, arrow_table, row

PACK = """\
pack: acme
version: "1"
category: company
rules:
  - id: acme/discount-wording
    kind: lexicon
    severity: warning
    message: "「{term}」 is not our wording"
    terms: [便宜货, 跳楼价]
"""


def test_a_pickled_linter_is_rebuilt_from_its_settings(tmp_path, corpus):
    pack = tmp_path / "acme.yaml"
    pack.write_text(PACK, encoding="utf-8")
    linter = listlint.Linter(rules=[pack], ignore=["cn-ip-risk"], as_of=AS_OF,
                             map={"title": "商品名"})
    data = pickle.dumps(linter)
    # The settings travel, not the compiled rules.
    assert len(data) < 2000
    copy = pickle.loads(data)
    assert copy.settings == linter.settings
    assert copy.settings["rules"] == [str(pack)]
    assert copy.enabled_rules == linter.enabled_rules
    assert "acme/discount-wording" in copy.enabled_rules
    assert not any(r.startswith("ip/") for r in copy.enabled_rules)
    listings = corpus["listings"][:300] + [{"id": "Z", "商品名": "跳楼价"}]
    assert copy.check_many(listings) == linter.check_many(listings)
    # One linter per settings in a process.
    assert pickle.loads(data) is copy


def test_threads_share_one_linter(corpus):
    linter = listlint.Linter(as_of=AS_OF)
    table = arrow_table(corpus["listings"])
    expected = Counter(row(f) for f in linter.check_arrow(table).to_pylist())
    slices = [table.slice(i, 250) for i in range(0, table.num_rows, 250)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parts = list(pool.map(linter.check_arrow, slices))
        dict_parts = list(pool.map(linter.check_many, [s.to_pylist() for s in slices]))
    got = Counter(row(f) for part in parts for f in part.to_pylist())
    assert got == expected
    from_dicts = Counter(row(f) for part in dict_parts for f in part)
    assert from_dicts == Counter(row(f) for f in linter.check_many(table.to_pylist()))


def test_checking_releases_the_gil(corpus):
    linter = listlint.Linter(as_of=AS_OF)
    table = pa.concat_tables([arrow_table(corpus["listings"])] * 20)
    started = time.perf_counter()
    linter.check_arrow(table)
    alone = time.perf_counter() - started
    # While another thread checks, this one keeps running Python: the
    # longest pause between its steps is far shorter than the check.
    done = threading.Event()
    worker = threading.Thread(target=lambda: (linter.check_arrow(table), done.set()))
    gaps = []
    last = time.perf_counter()
    worker.start()
    while not done.is_set():
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    worker.join()
    assert alone > 0.05, alone
    assert max(gaps) < alone / 2, (max(gaps), alone)
