"""Errors: packs and configs name file:line:col; usage errors are Python's."""

from __future__ import annotations

import re

import pytest

import listlint

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


def test_a_good_pack_given_as_a_path_runs(tmp_path):
    pack = tmp_path / "acme.yaml"
    pack.write_text(PACK, encoding="utf-8")
    linter = listlint.Linter(rules=[pack], select=["acme/"])
    assert linter.enabled_rules == ["acme/discount-wording"]
    found = linter.check({"id": "A", "title": "跳楼价 纯棉T恤"})
    assert [(f["rule"], f["start"], f["end"], f["text"]) for f in found] == [
        ("acme/discount-wording", 0, 3, "跳楼价")
    ]


def test_an_invalid_pack_raises_pack_error_with_its_place(tmp_path):
    pack = tmp_path / "bad.yaml"
    pack.write_text(PACK.replace("    terms:", "    termz:"), encoding="utf-8")
    with pytest.raises(listlint.PackError) as raised:
        listlint.Linter(rules=[str(pack)])
    message = str(raised.value)
    assert re.search(re.escape(str(pack)) + r":9:\d+: ", message), message
    assert raised.value.problems[0]["file"] == str(pack)
    assert raised.value.problems[0]["line"] == 9
    assert isinstance(raised.value, listlint.ListlintError)


def test_every_problem_of_every_pack_is_named(tmp_path):
    bad = PACK.replace("kind: lexicon", "kind: lexicn").replace("severity: warning", "severity: loud")
    (tmp_path / "a.yaml").write_text(bad, encoding="utf-8")
    (tmp_path / "b.yaml").write_text("pack: b\nversion: 1\nrules: [oops\n", encoding="utf-8")
    with pytest.raises(listlint.PackError) as raised:
        listlint.Linter(rules=[tmp_path])
    files = {p["file"] for p in raised.value.problems}
    assert files == {str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")}, raised.value.problems
    for p in raised.value.problems:
        assert f"{p['file']}:{p['line']}:{p['column']}: " in str(raised.value)


def test_a_missing_pack_path_is_a_pack_error(tmp_path):
    with pytest.raises(listlint.PackError, match="nowhere.yaml"):
        listlint.Linter(rules=[tmp_path / "nowhere.yaml"])


def test_an_invalid_config_raises_config_error_with_its_place(tmp_path):
    config = tmp_path / "listlint.yaml"
    config.write_text("fail_on: error\nselectt: [absolute/]\n", encoding="utf-8")
    with pytest.raises(listlint.ConfigError) as raised:
        listlint.Linter(config=config)
    assert re.search(re.escape(str(config)) + r":2:1: ", str(raised.value)), str(raised.value)
    assert raised.value.problems[0]["line"] == 2


def test_config_severity_of_an_unknown_rule_is_a_config_error(tmp_path):
    config = tmp_path / "listlint.yaml"
    config.write_text("severity:\n  acme/nothing: error\n", encoding="utf-8")
    with pytest.raises(listlint.ConfigError, match="acme/nothing"):
        listlint.Linter(config=config)


def test_a_config_is_applied_as_check_applies_it(tmp_path):
    pack = tmp_path / "acme.yaml"
    pack.write_text(PACK, encoding="utf-8")
    config = tmp_path / "listlint.yaml"
    config.write_text(
        "rules: [acme.yaml]\nselect: [acme/]\nseverity:\n  acme/discount-wording: error\n",
        encoding="utf-8",
    )
    linter = listlint.Linter(config=config)
    [finding] = linter.check({"id": "A", "title": "跳楼价"})
    assert (finding["rule"], finding["severity"]) == ("acme/discount-wording", "error")


def test_usage_errors(tmp_path):
    with pytest.raises(ValueError, match="matches no loaded rule"):
        listlint.Linter(select=["absolutee/"])
    with pytest.raises(ValueError, match="not a date"):
        listlint.Linter(as_of="01/12/2026")
    with pytest.raises(ValueError, match="unknown profile"):
        listlint.Linter(profile="amazon")
    linter = listlint.Linter()
    with pytest.raises(TypeError, match="dict"):
        linter.check("最好的")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="dict"):
        linter.check_many([{"title": "x"}, ["not", "a", "dict"]])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="RecordBatch or Table"):
        linter.check_arrow({"title": ["x"]})  # type: ignore[arg-type]
    with pytest.raises(OSError, match="missing.csv"):
        listlint.Linter(price_history=tmp_path / "missing.csv")


def test_hostile_listings_are_findings_not_errors():
    linter = listlint.Linter()
    deep: dict = {"title": "x"}
    for _ in range(200):
        deep = {"a": deep}
    with pytest.raises(TypeError, match="nests"):
        linter.check(deep)
    # Keys that map to one field are reported, as the JSON Lines reader does.
    found = linter.check({"id": "C", "title": "最好", "商品标题": "最佳"})
    assert any(f["rule"] == "input/column-collision" for f in found)
    assert linter.check({}) == []
