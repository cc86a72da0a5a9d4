"""Beyond one machine: extraction as a pure function of one file, and a Dask recipe over it.

``file_records`` gives exactly the JSONL records ``policyscan extract --format jsonl`` writes
for a file, depending on nothing but the file's content, the rule packs and the options. Any
engine that maps a function over files can run it (Dask, Ray, Spark, a job queue); each
worker loads the packs once (from the compiled-pack cache). ``dask_bag`` is the recipe for
Dask (``pip install 'policyscan[dask]'``): a bag of those records, one partition per group of
files, which Dask writes as JSON lines, or ``write_parquet`` as a Parquet table of facts
(``policyscan[parquet]``). See README, "Beyond one machine".
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .load import plan_inputs
from .model import InputError
from .pipeline import Options, analyse_file
from .render.common import FACT_TABLE_TYPES, fact_table_row
from .rules import load_pack

if TYPE_CHECKING:
    import dask.bag


def file_records(path: str, rules: tuple[str, ...] = (), disable: tuple[str, ...] = (),
                 options: Options = Options()) -> list[dict[str, Any]]:
    """The JSONL records of one file: its ``document`` record, then its facts. A file that
    cannot be read gives one record of kind ``error`` (``doc``, ``error``), so that nothing
    is lost in a distributed run."""
    result = analyse_file(path, load_pack(rules, disable), options)
    if isinstance(result, InputError):
        return [{"doc": path, "kind": "error", "error": str(result)}]
    return result.to_records(options.kinds)


def dask_bag(paths: Sequence[str], glob: str | None = None, rules: tuple[str, ...] = (),
             disable: tuple[str, ...] = (), options: Options = Options(),
             files_per_partition: int = 50) -> dask.bag.Bag:
    """A Dask bag of the JSONL records of every file under ``paths`` (folders expanded,
    narrowed by ``glob``), in the order ``policyscan extract`` gives them; a folder with no
    file to read gives an ``error`` record in its place."""
    import dask.bag

    load_pack(rules, disable)  # a malformed pack fails here, before any task is scheduled
    planned: list[str | dict[str, Any]] = []
    for given in paths:
        planned += [{"doc": given, "kind": "error", "error": str(item)} if isinstance(item, InputError) else item
                    for item in plan_inputs([given], glob)]
    return dask.bag.from_sequence(planned, partition_size=files_per_partition).map(
        _records_of, rules=rules, disable=disable, options=options).flatten()


def _records_of(item: str | dict[str, Any], rules: tuple[str, ...], disable: tuple[str, ...],
                options: Options) -> list[dict[str, Any]]:
    """A planned input's records: a file's, or the error record that stands for a folder."""
    return [item] if isinstance(item, dict) else file_records(item, rules, disable, options)


def write_parquet(records: dask.bag.Bag, folder: str) -> None:
    """Write the facts among ``records`` (document and error records are left out) as a
    Parquet dataset with the results store's fact columns; needs ``policyscan[parquet]``."""
    import pandas

    meta = pandas.DataFrame({column: pandas.Series(dtype="Int64" if kind is int else "float64" if kind is float
                                                   else "string") for column, kind in FACT_TABLE_TYPES.items()})
    facts = records.filter(lambda r: r["kind"] not in ("document", "error")).map(fact_table_row)
    facts.to_dataframe(meta=meta).to_parquet(folder, write_index=False)
