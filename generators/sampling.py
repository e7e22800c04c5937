"""The copy filter: draw synthetic rows and discard any that exactly equals a training row."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from synthgate.generators import _frames
from synthgate.generators._seeding import check_seed, derive_seed
from synthgate.generators.base import Generator, TableSchema
from synthgate.generators.errors import GeneratorError, SchemaError

Transform = Callable[[pd.DataFrame], pd.DataFrame]


def _comparable(column: pd.Series, name: str, kind: str) -> pd.Series:
    """One column in a form where equal values hash equally whatever the dtype they came in."""
    if kind == "categorical":
        return _frames.as_category_strings(column)
    if kind == "datetime":
        values = _frames.to_canonical(column, name, kind)
        return pd.Series(values.to_numpy(dtype="datetime64[ns]").view("int64"))  # NaT → one sentinel
    if kind == "boolean" and column.dtype == object:
        column = _frames.to_canonical(column, name, kind)
    try:
        values = column.astype("Float64").astype("float64")  # int 3 == float 3.0; pd.NA → NaN
    except (TypeError, ValueError):
        raise SchemaError(name, f"kind {kind!r} cannot be compared as numbers (dtype {column.dtype})") from None
    return values.where(values.notna(), np.nan) + 0.0  # one NaN bit pattern; -0.0 becomes 0.0


def row_hashes(frame: pd.DataFrame, schema: TableSchema) -> np.ndarray:
    """64-bit hash of each row over the schema columns, NaN equal to NaN, robust to dtype drift.

    A hash collision can only make a row look like a copy, so it costs a discarded row and
    never lets a real copy through.
    """
    _frames.check_columns(frame, schema, extra_ok=True)
    comparable = pd.DataFrame({name: _comparable(frame[name], name, kind) for name, kind in schema.columns})
    return pd.util.hash_pandas_object(comparable, index=False).to_numpy()


class CopyFreeSample(NamedTuple):
    """The rows kept, and how many drawn rows were exact training copies."""

    rows: pd.DataFrame
    discarded: int
    drawn: int


def sample_without_copies(
    generator: Generator,
    n: int,
    *,
    seed: int,
    training: pd.DataFrame,
    max_rounds: int = 20,
    transform: Transform | None = None,
    common: int | None = None,
) -> CopyFreeSample:
    """Draw ``n`` rows none of which equals a training row over all schema columns.

    Round 0 draws with ``seed`` itself (so with no copies the result is ``generator.sample(n,
    seed=seed)``); later rounds top up with seeds derived from (seed, round), a little larger than
    what is missing, in proportion to the share of copies seen so far.

    Args:
        generator: A fitted generator.
        n: Rows wanted, at least 1.
        seed: Seed of the whole draw; the same seed gives the same rows and count.
        training: The table the generator learned (extra columns are ignored).
        max_rounds: Draws allowed before giving up.
        transform: Applied to each draw before the comparison (e.g. coarsening to the released
            granularity); must return the schema columns. Rows it drops are not counted as copies.
        common: None: every copy is discarded. k: a drawn row equal to a combination that at least
            k training rows share is kept (it points at no one: k-anonymity's own standard); only
            copies of rarer combinations are discarded. For tables of a few categorical columns,
            where every plausible row is some real row (military: 1,646 combinations in 1.4M rows).

    Returns:
        The rows (RangeIndex), the number of drawn rows discarded as copies and the number drawn:
        ``discarded / drawn`` is the generator's raw copy rate, a privacy figure of its own (the
        evaluation compares it with the rate at which unseen real rows coincide with training rows).

    Raises:
        GeneratorError: ``n`` rows could not be collected in ``max_rounds`` (counts only).
    """
    seed = check_seed(seed)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise GeneratorError("n must be an integer ≥ 1")
    if isinstance(max_rounds, bool) or not isinstance(max_rounds, int) or max_rounds < 1:
        raise GeneratorError("max_rounds must be an integer ≥ 1")
    schema = generator.schema
    if common is not None and (isinstance(common, bool) or not isinstance(common, int) or common < 2):
        raise GeneratorError("common must be None or an integer ≥ 2")
    hashes = pd.Series(row_hashes(training, schema))
    if common is None:
        seen = pd.Index(hashes).unique()
    else:
        counts = hashes.value_counts()
        seen = pd.Index(counts.index[counts < common])
    kept: list[pd.DataFrame] = []
    have = drawn = discarded = 0
    for round_ in range(max_rounds):
        missing = n - have
        keep_rate = (drawn - discarded) / drawn if drawn else 1.0
        size = missing if round_ == 0 else math.ceil(missing / max(keep_rate, 0.05) * 1.1) + 1
        batch = generator.sample(size, seed=seed if round_ == 0 else derive_seed(seed, round_))
        if transform is not None:
            batch = _frames.conform_output(transform(batch), schema, generator.output_dtypes)
        copies = np.asarray(seen.get_indexer(row_hashes(batch, schema)) >= 0)
        drawn, discarded = drawn + len(batch), discarded + int(copies.sum())
        kept.append(batch[~copies])
        have += int((~copies).sum())
        if have >= n:
            rows = pd.concat(kept, ignore_index=True).iloc[:n].reset_index(drop=True)
            return CopyFreeSample(rows, discarded, drawn)
    raise GeneratorError(
        f"could collect only {have} of {n} rows without exact training copies in {max_rounds} rounds "
        f"({discarded} of {drawn} drawn rows were copies)"
    )
