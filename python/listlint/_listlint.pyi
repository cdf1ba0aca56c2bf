"""Type stubs of the native module (re-exported by ``listlint``)."""

from os import PathLike
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, TypedDict, Union

import pyarrow

__version__: str

StrPath = Union[str, "PathLike[str]"]

class Finding(TypedDict):
    """One finding: the ``--format json`` / ``--format jsonl`` object."""

    rule: str
    pack: str
    category: str
    severity: str  # "error" | "warning" | "info"
    message: str
    help: Optional[str]
    suggestion: Optional[str]
    file: str
    line: int
    record: int
    listing_id: Optional[str]
    field: Optional[str]
    start: Optional[int]
    end: Optional[int]
    text: Optional[str]
    fingerprint: str

class Problem(TypedDict):
    file: str
    line: int
    column: int
    message: str

class ListlintError(Exception):
    """Base class of the errors listlint raises."""

    problems: List[Problem]

class PackError(ListlintError):
    """A rule pack cannot be read or is invalid (message: file:line:col)."""

class ConfigError(ListlintError):
    """The config file cannot be read or is invalid (message: file:line:col)."""

class Linter:
    """A compiled rule set and the settings it was built from.

    Settings resolve as ``listlint check`` resolves its flags: the built-in
    packs (unless ``default_rules=False``), then ``rules`` (pack files or
    folders); ``config`` is a listlint.yaml (not discovered); ``select`` /
    ``ignore`` take rule ids, id prefixes, categories or pack names;
    ``as_of`` (YYYY-MM-DD) is the date time-based checks take as today;
    ``price_history`` is a CSV or JSON Lines file of id, date, price;
    ``profile`` is generic, shopify or taobao; ``map`` is
    ``{field: header}``. Thread-safe (checks release the GIL) and
    picklable (rebuilt from its settings).
    """

    def __init__(
        self,
        rules: Optional[Sequence[StrPath]] = None,
        config: Optional[StrPath] = None,
        default_rules: bool = True,
        select: Optional[Sequence[str]] = None,
        ignore: Optional[Sequence[str]] = None,
        as_of: Optional[str] = None,
        price_history: Optional[StrPath] = None,
        profile: Optional[str] = None,
        map: Optional[Mapping[str, str]] = None,
    ) -> None: ...
    def check(self, listing: Mapping[str, Any]) -> List[Finding]:
        """Findings of one listing (a dict named like a JSON Lines record)."""
    def check_many(self, listings: Iterable[Mapping[str, Any]]) -> List[Finding]:
        """Findings of many listings, in input order."""
    def check_arrow(
        self,
        data: Union[pyarrow.RecordBatch, pyarrow.Table, Any],
        *,
        id_column: str = "id",
        mapping: Optional[Mapping[str, str]] = None,
    ) -> pyarrow.Table:
        """Findings of each row, as a table with the columns listing_id,
        rule, category, severity, field, start, end, text, message,
        suggestion, fingerprint."""
    @property
    def rule_ids(self) -> List[str]:
        """Every loaded rule's id, enabled or not."""
    @property
    def enabled_rules(self) -> List[str]:
        """The ids of the rules that run."""
    @property
    def history_findings(self) -> List[Finding]:
        """Findings about unreadable rows of the price-history file."""
    @property
    def settings(self) -> Dict[str, Any]:
        """The keyword arguments the linter was built from."""
    def __reduce__(self) -> Tuple[Any, Tuple[Dict[str, Any]]]: ...

class RuleInfo(TypedDict):
    id: str
    pack: str
    pack_version: str
    kind: str
    category: str
    severity: str
    enabled: bool
    summary: Optional[str]
    references: List[str]

class RuleDescription(RuleInfo):
    pack_file: str
    message: str
    help: Optional[str]
    docs: Optional[str]
    fields: Optional[List[str]]
    terms: Optional[List[str]]
    allow: List[str]
    keywords: List[str]
    pattern: Optional[str]

def rules(
    *,
    rules: Optional[Sequence[StrPath]] = None,
    config: Optional[StrPath] = None,
    default_rules: bool = True,
) -> List[RuleInfo]:
    """Every rule of the packs ``check`` loads with these settings."""

def explain(
    rule_id: str,
    *,
    rules: Optional[Sequence[StrPath]] = None,
    config: Optional[StrPath] = None,
    default_rules: bool = True,
) -> RuleDescription:
    """One rule described; ``KeyError`` for an unknown id."""
