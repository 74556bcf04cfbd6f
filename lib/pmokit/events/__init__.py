"""Event attendance: who registered, who came, who still must attend, and the invitations to the next sessions.

Pure functions on the canonical frames of :mod:`pmokit.sources.attendance` and :mod:`pmokit.sources.people`:
:mod:`.attendance` identifies people, measures time in each meeting and completion, :mod:`.invite` assigns
people to upcoming sessions and writes the invitations, :mod:`.assess` ties them into the report's one
result (with the bands that colour it) and :mod:`.figures` draws.

The package imports none of its modules: they are looked up on first use (PEP 562), so that importing
the params model for the registry does not import the analysis.
"""

from __future__ import annotations

import importlib
from typing import Any

_MODULES = ("assess", "attendance", "figures", "invite", "params")

__all__ = list(_MODULES)


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
