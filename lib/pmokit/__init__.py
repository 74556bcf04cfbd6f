"""pmokit."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """A module that is imported on first attribute access (the ``importlib.util.LazyLoader`` recipe).

    For heavy libraries that a module every kernel imports needs only in a few functions: the workbook
    registry imports every workbook's params module, so a top-level ``from ortools.sat.python import cp_model``
    would cost every report the solver's import, not only the rollout plan.

    Parameters
    ----------
    name : str
        Full module name, e.g. ``"ortools.sat.python.cp_model"``.
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None:
        raise ModuleNotFoundError(f"No module named '{name}'", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
