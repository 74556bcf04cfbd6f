"""Notebook files: the generated ``parameters`` cell (the model is the only declaration)."""

from __future__ import annotations

from pathlib import Path

import nbformat

from pmokit.params import WorkbookParams, parameters_cell

PARAMETERS_TAG = "parameters"


def parameters_cell_source(path: Path) -> str | None:
    """The source of a notebook's cell tagged ``parameters`` (None when it has none)."""
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            return cell.source
    return None


def write_parameters_cell(path: Path, model: type[WorkbookParams]) -> bool:
    """Replace the notebook's ``parameters`` cell with the one generated from ``model``.

    Returns whether the file changed. The notebook keeps its other cells, metadata and kernelspec.
    """
    nb = nbformat.read(str(path), as_version=4)
    source = parameters_cell(model)
    for cell in nb.cells:
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            if cell.source == source:
                return False
            cell.source = source
            break
    else:
        raise ValueError(f"{path.name}: no cell tagged '{PARAMETERS_TAG}'")
    nbformat.write(nb, str(path))
    return True
