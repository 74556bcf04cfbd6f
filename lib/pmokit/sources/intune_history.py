"""History of Intune snapshots: earlier exports plus a columnar store that keeps them fast and forever.

Intune's own trend view keeps 60 days. Each run adds its snapshot (device, user, state, last check-in)
to a store folder, so later runs read history from a few compact column files instead of re-parsing
every weekly CSV, and history survives when old exports are deleted.

Store layout (one folder)::

    manifest.json                    {date: {file, source, size, rows}}
    dict_device_id.npy, dict_upn.npy every device ID / UPN ever seen (UTF-8 bytes, append-only)
    snapshot_2026-11-23.npz          per device: int32 codes into the dictionaries, int8 state code,
                                     int64 check-in time (numpy, loaded with allow_pickle=False)

This is Parquet's own idea (dictionary-encoded columns) without pyarrow, which is not a pmokit
dependency: a snapshot of 500,000 devices is about 9 MB and loads in milliseconds, and the text of
the IDs is decoded once per run, not once per snapshot. History comes back with categorical columns
(codes into those dictionaries), so 12 x 500,000 rows take tens of megabytes, not gigabytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources.intune import DEFAULT_DATE_PATTERN, STATES_WORST_FIRST, list_snapshots, read_devices

#: Columns kept per device per snapshot.
SNAPSHOT_COLUMNS = ["snapshot", "device_id", "upn", "state", "last_checkin"]
MANIFEST = "manifest.json"
_TEXT = ("device_id", "upn")
_STATE_CODE = {s: i for i, s in enumerate(STATES_WORST_FIRST)}


def slim(devices: pd.DataFrame, when: pd.Timestamp) -> pd.DataFrame:
    """The columns of a device table that history needs, tagged with the snapshot date."""
    out = devices[["device_id", "upn", "state", "last_checkin"]].copy()
    out.insert(0, "snapshot", pd.Timestamp(when).normalize())
    out["snapshot"] = out["snapshot"].astype("datetime64[us]")
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------- dictionaries
class _Dictionary:
    """Append-only list of distinct texts and their codes (the store's dictionary encoding)."""

    def __init__(self, values=None):
        self.values = list(values) if values is not None else []
        self.saved = len(self.values)
        self._index = None

    def encode(self, texts: pd.Series) -> np.ndarray:
        """Codes of ``texts`` (blank or missing -> -1), adding unseen texts to the dictionary.

        Lookups go through a hash index in C (``Index.get_indexer``), not a Python loop.
        """
        codes, uniques = pd.factorize(texts.fillna("").astype(object).to_numpy())
        uniques = np.asarray(uniques, dtype=object)
        found = self.categories().get_indexer(uniques) if self.values else np.full(len(uniques), -1)
        new = (found < 0) & (uniques != "")
        if new.any():
            start = len(self.values)
            self.values.extend(uniques[new].tolist())
            found[new] = np.arange(start, len(self.values))
            self._index = None
        found[uniques == ""] = -1
        return np.where(codes >= 0, found[codes] if len(found) else -1, -1).astype(np.int32)

    def categories(self) -> pd.Index:
        if self._index is None or len(self._index) != len(self.values):
            self._index = pd.Index(self.values, dtype=object)
        return self._index


def _dict_path(store: Path, column: str) -> Path:
    return store / f"dict_{column}.npy"


def _load_dicts(store: Path | None) -> dict[str, _Dictionary]:
    out = {}
    for column in _TEXT:
        path = _dict_path(store, column) if store else None
        if path is not None and path.exists():
            raw = np.load(path, allow_pickle=False)
            out[column] = _Dictionary(np.char.decode(raw, "utf-8").tolist() if len(raw) else None)
        else:
            out[column] = _Dictionary()
    return out


def _save_dicts(store: Path, dicts: dict[str, _Dictionary]) -> None:
    for column, dictionary in dicts.items():
        if dictionary.saved == len(dictionary.values) and _dict_path(store, column).exists():
            continue
        data = np.array([v.encode("utf-8") for v in dictionary.values], dtype="S") if dictionary.values \
            else np.array([], dtype="S1")
        tmp = store / f"dict_{column}.tmp.npy"
        np.save(tmp, data, allow_pickle=False)
        tmp.replace(_dict_path(store, column))
        dictionary.saved = len(dictionary.values)


# ----------------------------------------------------------------------------- snapshot files
def _encode(frame: pd.DataFrame, dicts: dict[str, _Dictionary]) -> dict[str, np.ndarray]:
    return {
        "device_id": dicts["device_id"].encode(frame["device_id"]),
        "upn": dicts["upn"].encode(frame["upn"]),
        "state": frame["state"].map(_STATE_CODE).fillna(_STATE_CODE["unknown"]).to_numpy(dtype=np.int8),
        "last_checkin": frame["last_checkin"].astype("datetime64[us]").to_numpy().view("int64"),
    }


def _manifest(store: Path | None) -> dict:
    path = store / MANIFEST if store else None
    if path is None or not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        raise InputError(path, "(manifest)", "the JSON written by pmokit", "an unreadable file; delete the store "
                         "folder to rebuild it from the exports") from None


def _save_manifest(store: Path, manifest: dict) -> None:
    tmp = store / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(store / MANIFEST)


def _write_snapshot(store: Path, key: str, columns: dict[str, np.ndarray]) -> str:
    name = f"snapshot_{key}.npz"
    tmp = store / f"snapshot_{key}.tmp.npz"
    with open(tmp, "wb") as handle:
        np.savez(handle, **columns)
    tmp.replace(store / name)
    return name


def _read_snapshot(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {c: data[c] for c in ("device_id", "upn", "state", "last_checkin")}


def _signature(source: str | Path) -> dict:
    path = Path(source)
    return {"source": path.name, "size": path.stat().st_size if path.exists() else None}


def _is_stored(store: Path | None, manifest: dict, key: str, signature: dict) -> bool:
    entry = manifest.get(key)
    return bool(store and entry and entry.get("source") == signature["source"]
                and entry.get("size") == signature["size"] and (store / entry["file"]).exists())


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
    columns = _encode(slim(devices, when), dicts)
    _save_dicts(store, dicts)  # dictionaries first: a snapshot never points past them
    manifest[key] = {"file": _write_snapshot(store, key, columns), **signature, "rows": int(len(devices))}
    _save_manifest(store, manifest)
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
    parsed once and added, by ``workers`` processes at a time (parsing is CPU-bound, so threads
    would not help). Snapshots kept in the store whose export files were deleted still count.

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
    encoded: dict[str, dict[str, np.ndarray]] = {}
    catalogue: dict[str, dict] = {}
    todo = [(when, path) for when, path in (list_snapshots(history_dir, pattern, dq) if history_dir else [])
            if not _is_stored(store, manifest, when.date().isoformat(), _signature(path))]
    for when, path, devices, found in _read_exports(todo, columns, dayfirst, workers):
        if devices is None:
            raise InputError(*found)
        key = when.date().isoformat()
        signature = _signature(path)
        if dq is not None:
            dq.findings.extend(found)
        encoded[key] = _encode(devices, dicts)
        catalogue[key] = {"snapshot": when, "source": path.name, "rows": len(devices), "read_from": "export"}
        if store:
            _save_dicts(store, dicts)
            manifest[key] = {"file": _write_snapshot(store, key, encoded[key]), **signature, "rows": len(devices)}
            _save_manifest(store, manifest)
    for key, entry in manifest.items():
        if key not in encoded:
            encoded[key] = _read_snapshot(store / entry["file"])
            catalogue[key] = {"snapshot": pd.Timestamp(key), "source": entry.get("source", ""),
                              "rows": entry.get("rows"), "read_from": "store"}
    keys = sorted(encoded)
    history = _assemble([(pd.Timestamp(k), encoded[k]) for k in keys], dicts)
    cat = pd.DataFrame([catalogue[k] for k in keys], columns=["snapshot", "source", "rows", "read_from"])
    cat["snapshot"] = pd.to_datetime(cat["snapshot"])
    return history, cat


HISTORY_FIELDS = ("device_id", "upn", "state", "last_checkin")


def _read_one(when: pd.Timestamp, path: Path, columns: dict | None, dayfirst: bool):
    """Read one export into the history columns; runs in a worker process."""
    found = DataQuality()
    try:
        devices = read_devices(path, columns=columns, dayfirst=dayfirst, dq=found, fields=HISTORY_FIELDS)
    except InputError as exc:  # InputError does not survive pickling: send its parts back instead
        return when, path, None, (exc.file, exc.field, exc.expected, exc.got)
    return when, path, slim(devices, when), found.findings


def _read_exports(todo: list, columns: dict | None, dayfirst: bool, workers: int):
    """Yield (date, path, slim frame, data-quality findings) per export, oldest first."""
    if workers <= 1 or len(todo) < 2:
        for when, path in todo:
            yield _read_one(when, path, columns, dayfirst)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_read_one, when, path, columns, dayfirst) for when, path in todo]
        for future in futures:  # in date order; InputError from a worker is raised here as is
            yield future.result()


def _assemble(parts: list[tuple[pd.Timestamp, dict[str, np.ndarray]]], dicts: dict[str, _Dictionary]) -> pd.DataFrame:
    """One long frame from encoded snapshots: text columns as categoricals over the dictionaries."""
    def stack(column, dtype):
        return np.concatenate([p[column] for _, p in parts]).astype(dtype) if parts else np.array([], dtype=dtype)

    sizes = [len(p["device_id"]) for _, p in parts]
    stamps = np.array([t.to_datetime64() for t, _ in parts], dtype="datetime64[us]")
    return pd.DataFrame({
        "snapshot": np.repeat(stamps, sizes),
        "device_id": pd.Categorical.from_codes(stack("device_id", np.int32), categories=dicts["device_id"].categories()),
        "upn": pd.Categorical.from_codes(stack("upn", np.int32), categories=dicts["upn"].categories()),
        "state": pd.Categorical.from_codes(stack("state", np.int8), categories=list(STATES_WORST_FIRST)),
        "last_checkin": stack("last_checkin", np.int64).view("datetime64[us]"),
    })
