"""History of Intune snapshots: earlier exports plus a Parquet store that keeps them fast and forever.

Intune's own trend view keeps 60 days. Each run adds its snapshot (device, user, state, last check-in)
to a store folder, so later runs read history from compact Parquet files instead of re-parsing every
weekly CSV, and history survives when old exports are deleted.

Store layout (one folder)::

    manifest.json                  {date: {file, source, size, rows}}
    devices.parquet, users.parquet every device ID / UPN ever seen (append-only; row number = code)
    snapshot_2026-11-23.parquet    device, user (int32 codes into those), state (text), last_checkin

The IDs are stored once, not once per snapshot (Parquet's dictionary encoding, shared by every
file): a snapshot of 500,000 devices is about 5 MB, and 13 of them load into one frame in about
1.5 s, where files carrying their own 500,000 IDs took 0.25 s each to read and 6 s to merge. History
comes back with categorical ``device_id`` and ``upn`` over those dictionaries, so 13 x 500,000
rows take tens of megabytes. Join the files on the codes to read the store with other tools
(Power BI, DuckDB).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import arrow_text
from pmokit.sources.intune import DEFAULT_DATE_PATTERN, STATES_WORST_FIRST, list_snapshots, read_devices

#: Columns kept per device per snapshot.
SNAPSHOT_COLUMNS = ["snapshot", "device_id", "upn", "state", "last_checkin"]
#: The canonical device fields history needs (the reader parses only these).
HISTORY_FIELDS = ("device_id", "upn", "state", "last_checkin")
MANIFEST = "manifest.json"
#: Text column -> (dictionary file, code column in the snapshot files).
_DICTIONARIES = {"device_id": ("devices.parquet", "device"), "upn": ("users.parquet", "user")}
_SNAPSHOT_SCHEMA = pa.schema(
    [("device", pa.int32()), ("user", pa.int32()), ("state", pa.string()), ("last_checkin", pa.timestamp("us"))]
)


# ----------------------------------------------------------------------------- dictionaries
class _Dictionary:
    """Append-only list of distinct texts; a snapshot stores codes (row numbers) into it."""

    def __init__(self, values: pa.Array | None = None):
        self.values = values if values is not None else pa.array([], pa.string())
        self.saved = len(self.values)

    def encode(self, texts: pd.Series) -> pa.Array:
        """int32 codes of ``texts`` (blank or missing -> null), adding unseen texts to the dictionary.

        Lookups are Arrow hash joins (``index_in``), not a Python loop.
        """
        text = arrow_text(texts)
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        codes = pc.index_in(text, value_set=self.values)
        unseen = pc.and_(pc.is_null(codes), pc.is_valid(text))
        if pc.any(unseen).as_py():
            self.values = pa.concat_arrays([self.values, pc.unique(pc.filter(text, unseen))])
            codes = pc.index_in(text, value_set=self.values)
        return codes.cast(pa.int32())

    def categories(self) -> pd.Index:
        return pd.Index(self.values.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get))


def _load_dicts(store: Path | None) -> dict[str, _Dictionary]:
    out = {}
    for column, (file, _) in _DICTIONARIES.items():
        path = store / file if store else None
        if path is not None and path.exists():
            table = _read_parquet(path, [column])
            out[column] = _Dictionary(table[column].combine_chunks().cast(pa.string()))
        else:
            out[column] = _Dictionary()
    return out


def _save_dicts(store: Path, dicts: dict[str, _Dictionary]) -> None:
    for column, dictionary in dicts.items():
        path = store / _DICTIONARIES[column][0]
        if dictionary.saved == len(dictionary.values) and path.exists():
            continue
        tmp = path.with_suffix(".tmp.parquet")
        pq.write_table(pa.table({column: dictionary.values}), tmp, compression="zstd")
        tmp.replace(path)
        dictionary.saved = len(dictionary.values)


# ----------------------------------------------------------------------------- snapshot files
def _encode(devices: pd.DataFrame, dicts: dict[str, _Dictionary]) -> pa.Table:
    """One snapshot as an Arrow table of :data:`_SNAPSHOT_SCHEMA` (codes into the dictionaries)."""
    return pa.table(
        {
            "device": dicts["device_id"].encode(devices["device_id"]),
            "user": dicts["upn"].encode(devices["upn"]),
            "state": arrow_text(devices["state"]),
            "last_checkin": pa.array(devices["last_checkin"].astype("datetime64[us]"), type=pa.timestamp("us")),
        },
        schema=_SNAPSHOT_SCHEMA,
    )


def _read_parquet(path: Path, columns: list[str], schema: pa.Schema | None = None) -> pa.Table:
    """Read (and cast to ``schema``) a store file; a damaged one names itself and the way out."""
    try:
        table = pq.read_table(path, columns=columns)
        return table.cast(schema) if schema is not None else table
    except (OSError, pa.ArrowException) as exc:
        raise InputError(
            path,
            "(history store)",
            f"a Parquet file with columns {columns} written by pmokit",
            f"{str(exc).splitlines()[0]}; delete the store folder to rebuild it from the exports",
        ) from None


def _manifest(store: Path | None) -> dict:
    """The store's manifest, without entries of other formats (an older store is rebuilt from exports)."""
    path = store / MANIFEST if store else None
    if path is None or not path.exists():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        raise InputError(
            path,
            "(manifest)",
            "the JSON written by pmokit",
            "an unreadable file; delete the store folder to rebuild it from the exports",
        ) from None
    return {k: v for k, v in entries.items() if str(v.get("file", "")).endswith(".parquet")}


def _save_manifest(store: Path, manifest: dict) -> None:
    tmp = store / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(store / MANIFEST)


def _write_snapshot(store: Path, key: str, table: pa.Table) -> str:
    """Write one snapshot file atomically (a temporary name, then a rename)."""
    name = f"snapshot_{key}.parquet"
    tmp = store / f"snapshot_{key}.tmp.parquet"
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(store / name)
    return name


def _read_snapshot(path: Path, dicts: dict[str, _Dictionary]) -> pa.Table:
    table = _read_parquet(path, list(_SNAPSHOT_SCHEMA.names), _SNAPSHOT_SCHEMA)
    for column, (file, code) in _DICTIONARIES.items():  # a code past its dictionary: files out of step
        top = pc.max(table[code]).as_py()
        if top is not None and top >= len(dicts[column].values):
            raise InputError(
                path,
                code,
                f"codes into {file} ({len(dicts[column].values)} entries)",
                f"code {top}; delete the store folder to rebuild it from the exports",
            )
    return table


def _signature(source: str | Path) -> dict:
    path = Path(source)
    return {"source": path.name, "size": path.stat().st_size if path.exists() else None}


def _is_stored(store: Path | None, manifest: dict, key: str, signature: dict) -> bool:
    entry = manifest.get(key)
    return bool(
        store
        and entry
        and entry.get("source") == signature["source"]
        and entry.get("size") == signature["size"]
        and (store / entry["file"]).exists()
    )


def _add(
    store: Path, manifest: dict, key: str, table: pa.Table, signature: dict, dicts: dict[str, _Dictionary]
) -> None:
    """Write the dictionaries, the snapshot file, then its manifest entry: a snapshot never points
    past its dictionaries, and a crash in between leaves an unlisted file only."""
    _save_dicts(store, dicts)
    manifest[key] = {"file": _write_snapshot(store, key, table), **signature, "rows": table.num_rows}
    _save_manifest(store, manifest)


def store_snapshot(store: str | Path, when: pd.Timestamp, devices: pd.DataFrame, source: str | Path) -> bool:
    """Add (or replace) the snapshot of ``when`` in the store; return False when it was already there.

    A snapshot is identified by its date and the source file's name and size, so a re-exported file
    for the same date replaces the old one.
    """
    store = Path(store)
    store.mkdir(parents=True, exist_ok=True)
    manifest = _manifest(store)
    key = pd.Timestamp(when).date().isoformat()
    signature = _signature(source)
    if _is_stored(store, manifest, key, signature):
        return False
    dicts = _load_dicts(store)
    _add(store, manifest, key, _encode(devices, dicts), signature, dicts)
    return True


# ----------------------------------------------------------------------------- loading
def load_history(
    history_dir: str | Path | None,
    store: str | Path | None = None,
    *,
    pattern: str = DEFAULT_DATE_PATTERN,
    columns: dict | None = None,
    dayfirst: bool = False,
    dq: DataQuality | None = None,
    workers: int = 2,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read every earlier snapshot: the exports in ``history_dir`` and whatever the store holds.

    Exports already in the store (same date, file name and size) are not parsed again; new ones are
    parsed once and added, ``workers`` at a time. Snapshots kept in the store whose export files
    were deleted still count.

    Returns
    -------
    history : DataFrame
        :data:`SNAPSHOT_COLUMNS`, one row per device per snapshot; ``device_id`` (lower case),
        ``upn`` and ``state`` are categoricals.
    catalogue : DataFrame
        ``snapshot, source, rows, read_from`` ("export" or "store"): one row per snapshot.
    """
    store = Path(store) if store else None
    if store:
        store.mkdir(parents=True, exist_ok=True)
    manifest = _manifest(store)
    dicts = _load_dicts(store)
    tables: dict[str, pa.Table] = {}
    catalogue: dict[str, dict] = {}
    todo = [
        (when, path)
        for when, path in (list_snapshots(history_dir, pattern, dq) if history_dir else [])
        if not _is_stored(store, manifest, when.date().isoformat(), _signature(path))
    ]
    for when, path, devices, found in _read_exports(todo, columns, dayfirst, workers):
        key = when.date().isoformat()
        if dq is not None:
            dq.findings.extend(found)
        tables[key] = _encode(devices, dicts)  # in date order: codes never depend on thread timing
        catalogue[key] = {"snapshot": when, "source": path.name, "rows": len(devices), "read_from": "export"}
        if store:
            _add(store, manifest, key, tables[key], _signature(path), dicts)
    for key, entry in manifest.items():
        if key not in tables:
            tables[key] = _read_snapshot(store / entry["file"], dicts)
            catalogue[key] = {
                "snapshot": pd.Timestamp(key),
                "source": entry.get("source", ""),
                "rows": entry.get("rows"),
                "read_from": "store",
            }
    keys = sorted(tables)
    history = _assemble([(pd.Timestamp(k), tables[k]) for k in keys], dicts)
    cat = pd.DataFrame([catalogue[k] for k in keys], columns=["snapshot", "source", "rows", "read_from"])
    cat["snapshot"] = pd.to_datetime(cat["snapshot"])
    return history, cat


def _read_one(when: pd.Timestamp, path: Path, columns: dict | None, dayfirst: bool):
    """Read one export's history fields; runs in a worker thread."""
    found = DataQuality()
    devices = read_devices(path, columns=columns, dayfirst=dayfirst, dq=found, fields=HISTORY_FIELDS)
    return when, path, devices[list(HISTORY_FIELDS)], found.findings


def _read_exports(todo: list, columns: dict | None, dayfirst: bool, workers: int):
    """Yield (date, path, frame of :data:`HISTORY_FIELDS`, data-quality findings) per export, oldest first.

    Threads suffice: Arrow parses CSV and cleans the keys without holding the GIL.
    """
    if workers <= 1 or len(todo) < 2:
        for when, path in todo:
            yield _read_one(when, path, columns, dayfirst)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_read_one, when, path, columns, dayfirst) for when, path in todo]
        for future in futures:  # in date order; an InputError is raised here as is
            yield future.result()


def _assemble(parts: list[tuple[pd.Timestamp, pa.Table]], dicts: dict[str, _Dictionary]) -> pd.DataFrame:
    """One long frame from encoded snapshots: text columns as categoricals over the dictionaries."""
    table = pa.concat_tables([t for _, t in parts]) if parts else _SNAPSHOT_SCHEMA.empty_table()
    stamps = np.array([when.to_datetime64() for when, _ in parts], dtype="datetime64[us]")

    def codes(column: str) -> np.ndarray:
        return table[column].fill_null(-1).to_numpy().astype(np.int32)

    return pd.DataFrame(
        {
            "snapshot": np.repeat(stamps, [t.num_rows for _, t in parts]),
            "device_id": pd.Categorical.from_codes(codes("device"), categories=dicts["device_id"].categories()),
            "upn": pd.Categorical.from_codes(codes("user"), categories=dicts["upn"].categories()),
            "state": _state_categorical(table["state"]),
            "last_checkin": table["last_checkin"].to_pandas().astype("datetime64[us]").to_numpy(),
        }
    )


def _state_categorical(states: pa.ChunkedArray) -> pd.Categorical:
    """States as a categorical over :data:`STATES_WORST_FIRST`, mapped per distinct value, not per row."""
    order = {s: i for i, s in enumerate(STATES_WORST_FIRST)}
    codes = []
    for chunk in states.chunks:
        encoded = chunk.dictionary_encode()
        lookup = np.array([order.get(s, order["unknown"]) for s in encoded.dictionary.to_pylist()] + [-1], np.int8)
        codes.append(lookup[encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)])
    return pd.Categorical.from_codes(
        np.concatenate(codes) if codes else np.array([], np.int8), categories=list(STATES_WORST_FIRST)
    )
