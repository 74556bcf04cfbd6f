"""Workspace hygiene: SharePoint and Teams sites that need an owner, a clean-up or a review.

Pure functions on the canonical frames of :mod:`pmokit.sources.m365`: no file I/O, no display.
:mod:`.signals` flags each site and team, :mod:`.queue` ranks the flagged sites, groups them into action
lists and compares the queue with last run's, :mod:`.summary` counts the headline figures;
:mod:`.assess` ties them together into the report's one result (with the bands that colour it) and
:mod:`.figures` draws.

The package imports none of its modules: the names below are looked up on first use (PEP 562), so
that the modules, which import each other, never import this package's ``__init__`` in a cycle.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> the module defining it.
_EXPORTS = {
    "ACTIONS": "queue",
    "DEFAULT_WEIGHTS": "queue",
    "action_sheets": "queue",
    "build_queue": "queue",
    "owner_actions": "queue",
    "queue_trend": "queue",
    "queue_workbook": "queue",
    "GB": "signals",
    "TB": "signals",
    "flag_sites": "signals",
    "flag_teams": "signals",
    "sharing_summary": "signals",
    "storage_hotspots": "signals",
    "teams_metrics": "signals",
    "teams_review": "signals",
    "template_family": "signals",
    "template_summary": "signals",
    "headline_metrics": "summary",
    "metric_definitions": "summary",
}
_MODULES = ("assess", "figures", "params", "queue", "signals", "summary")

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
