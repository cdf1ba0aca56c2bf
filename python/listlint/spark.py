"""Checking a Spark DataFrame with listlint, on the executors.

``check_dataframe(df)`` runs :meth:`listlint.Linter.check_arrow` over each
Arrow batch of each partition through ``DataFrame.mapInArrow`` (Spark 3.3
or later) and returns a DataFrame of findings with :data:`FINDINGS_DDL`'s
columns. The linter is pickled with the function and built again on each
Python worker (once per worker process and settings), so the packs,
config and price-history paths it names must exist on the executors (see
docs/scale.md for shipping the wheel and files).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Optional

from . import Linter

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow
    from pyspark.sql import DataFrame

#: The findings' schema, as Spark DDL.
FINDINGS_DDL = (
    "listing_id string, rule string, category string, severity string, "
    "field string, start bigint, end bigint, text string, message string, "
    "suggestion string, fingerprint string"
)


def findings_schema() -> Any:
    """The findings' schema as a ``pyspark.sql.types.StructType``."""
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    def text(name: str, nullable: bool) -> StructField:
        return StructField(name, StringType(), nullable)

    return StructType(
        [
            text("listing_id", True),
            text("rule", False),
            text("category", False),
            text("severity", False),
            text("field", True),
            StructField("start", LongType(), True),
            StructField("end", LongType(), True),
            text("text", True),
            text("message", False),
            text("suggestion", True),
            text("fingerprint", False),
        ]
    )


def check_dataframe(
    df: "DataFrame",
    linter: Optional[Linter] = None,
    id_column: str = "id",
    mapping: Optional[dict] = None,
    **linter_settings: Any,
) -> "DataFrame":
    """The findings of every row of ``df`` (one listing per row), as a
    DataFrame with the columns listing_id, rule, category, severity,
    field, start, end, text, message, suggestion, fingerprint.

    Pass a ``linter``, or the keyword arguments of :class:`listlint.Linter`
    (``rules=``, ``config=``, ``select=`` …) to build one. ``id_column``
    names the listing id's column and ``mapping`` maps more fields to
    columns (``{"title": "product_name"}``), as in ``check_arrow``. Columns
    of any type are read (strings in place, others as their text); select
    the ones the rules read to move less data to Python. A column whose
    name holds a dot (``cert.ccc``) is read as that field.
    """
    if linter is None:
        linter = Linter(**linter_settings)
    elif linter_settings:
        raise TypeError("pass either a linter or settings to build one, not both")
    # Spark cannot hand columns whose names hold a dot (`cert.ccc`, SPEC
    # §1's nested fields) to mapInArrow: they travel under other names and
    # are mapped back to their fields.
    mapping = dict(mapping or {})
    names = []
    for i, name in enumerate(df.columns):
        if "." in name:
            safe = f"_listlint_column_{i}"
            mapping.setdefault(name, safe)
            names.append(safe)
        else:
            names.append(name)
    if names != df.columns:
        df = df.toDF(*names)

    def check(batches: Iterator["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        for batch in batches:
            table = linter.check_arrow(batch, id_column=id_column, mapping=mapping)
            yield from table.to_batches()

    return df.mapInArrow(check, findings_schema())
