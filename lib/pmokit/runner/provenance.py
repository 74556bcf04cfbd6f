"""Provenance of a run: package versions, the git commit, and every input file with its SHA-256."""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pmokit.params import WorkbookParams
from pmokit.runner.specs import ROOT
from pmokit.sources import file_sha256


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for dist in ("pmokit", "pandas", "numpy", "papermill", "nbconvert", "matplotlib", "seaborn", "pydantic"):
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            pass
    return found


def git_commit(root: Path = ROOT) -> str | None:
    """The project's git commit (with ``+dirty`` for uncommitted changes), or None."""
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def _file_record(field_name: str, value: str, rows_by_path: dict[str, Any]) -> dict[str, Any]:
    path = Path(value)
    record = {"field": field_name, "path": str(path), "name": path.name, "rows": rows_by_path.get(str(path.resolve()))}
    if path.is_file():
        record.update(bytes=path.stat().st_size, sha256=file_sha256(path))
    elif path.is_dir():
        record.update(files=sum(1 for p in path.rglob("*") if p.is_file()))
    return record


def input_records(params: WorkbookParams, sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every input file with its SHA-256; row counts from what the notebook recorded."""
    rows_by_path = {s["path"]: s.get("rows") for s in sources}
    records = []
    seen = set()
    for field_name, values in params.input_fields().items():
        for value in values:
            rec = _file_record(field_name, value, rows_by_path)
            records.append(rec)
            seen.add(str(Path(value).resolve()))
    for extra in sources:  # files the notebook read that are not params (e.g. snapshots in a folder)
        if extra["path"] not in seen and Path(extra["path"]).is_file():
            records.append(_file_record(extra.get("label") or "(read by notebook)", extra["path"], rows_by_path))
            seen.add(extra["path"])
    return disambiguate_names(records)


def disambiguate_names(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Files that share a name (five ``metrics.json``) are shown with their last folders.

    Examples
    --------
    >>> [r["name"] for r in disambiguate_names([{"path": "/o/a/x/m.json", "name": "m.json"},
    ...                                         {"path": "/o/b/x/m.json", "name": "m.json"},
    ...                                         {"path": "/d/raid.csv", "name": "raid.csv"}])]
    ['a/x/m.json', 'b/x/m.json', 'raid.csv']
    """
    counts: dict[str, int] = {}
    for record in records:
        counts[record["name"]] = counts.get(record["name"], 0) + 1
    for record in records:
        if counts[record["name"]] > 1:
            record["name"] = "/".join(Path(record["path"]).parts[-3:])
    return records
