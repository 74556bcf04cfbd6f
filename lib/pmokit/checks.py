"""Checks every produced report must pass (used by the tests and available to maintainers)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pmokit import runfolder

EXTERNAL_REF = re.compile(
    r"<(script|link|img|iframe|source|video|audio)\b[^>]*\b(src|href)\s*=\s*[\"']?\s*(https?:)?//", re.I
)
CSS_IMPORT = re.compile(r"@import\s+(url\()?[\"']?(https?:)?//", re.I)
REQUIRED_RUN_KEYS = {
    "workbook",
    "run",
    "params",
    "inputs",
    "versions",
    "git_commit",
    "start",
    "end",
    "duration_s",
    "status",
    "error",
}


def external_references(markup: str) -> list[str]:
    """Return tags that would load something over the network (script/link/img... src/href, CSS @import)."""
    found = [m.group(0)[:120] for m in EXTERNAL_REF.finditer(markup)]
    found += [m.group(0) for m in CSS_IMPORT.finditer(markup)]
    return found


def run_folder_problems(folder: Path) -> list[str]:
    """Return what is wrong with a succeeded run folder (empty when it meets the contract)."""
    problems = []
    for name in (runfolder.REPORT_HTML, runfolder.REPORT_IPYNB, runfolder.METRICS_FILE, runfolder.RUN_FILE):
        if not (folder / name).is_file():
            problems.append(f"{name} missing")
    if problems:
        return problems
    markup = (folder / runfolder.REPORT_HTML).read_text(encoding="utf-8")
    problems += [f"external reference: {ref}" for ref in external_references(markup)]
    if re.search(r"class=\"[^\"]*\b(jp-InputArea-editor|highlight hl-ipython3)\b", markup):
        problems.append("code is shown in report.html")
    metrics = json.loads((folder / runfolder.METRICS_FILE).read_text(encoding="utf-8"))
    if not isinstance(metrics, dict) or not metrics:
        problems.append("metrics.json is not a non-empty object")
    else:
        bad = [k for k, v in metrics.items() if not (v is None or isinstance(v, (int, float, str)))]
        problems += [f"metric {k} is not a number or string" for k in bad]
    run = json.loads((folder / runfolder.RUN_FILE).read_text(encoding="utf-8"))
    missing = REQUIRED_RUN_KEYS - set(run)
    if missing:
        problems.append(f"run.json lacks {sorted(missing)}")
    for item in run.get("inputs", []):
        if item.get("bytes") is not None and len(item.get("sha256", "")) != 64:
            problems.append(f"input {item.get('name')} has no SHA-256")
    return problems
