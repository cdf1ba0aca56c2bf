"""listlint: the compliance linter's engine for Python.

A :class:`Linter` compiles rule packs once and checks listings held in
memory: dicts (:meth:`Linter.check`, :meth:`Linter.check_many`) or Arrow
data (:meth:`Linter.check_arrow`). Findings are the ``--format json``
finding objects of the ``listlint`` command line. ``listlint.spark``
checks a Spark DataFrame on the executors.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Dict

from ._listlint import (
    ConfigError,
    Linter,
    ListlintError,
    PackError,
    __version__,
    explain,
    rules,
)

__all__ = [
    "ConfigError",
    "Linter",
    "ListlintError",
    "PackError",
    "__version__",
    "explain",
    "rules",
]


@functools.lru_cache(maxsize=16)
def _cached(key: str) -> Linter:
    return Linter(**json.loads(key))


def _rebuild(settings: Dict[str, Any]) -> Linter:
    """Builds a linter again from its settings (unpickling): one per
    distinct settings in a process, so a Spark or Ray worker that receives
    the same linter with every task compiles its packs once."""
    return _cached(json.dumps(settings, sort_keys=True))
