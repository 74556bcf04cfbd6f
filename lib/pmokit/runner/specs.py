"""Run specs: which params files a target names, their validation, and the records of a run.

Every problem is collected before anything runs: one line per problem (file, key, expected, got).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from pmokit import workbooks
from pmokit.errors import InputError
from pmokit.params import ParamsError, WorkbookParams, read_params_file, resolve_paths, validate
from pmokit.sources import load_yaml

ROOT = Path(os.environ.get("PMOKIT_ROOT", Path(__file__).resolve().parents[3]))


@dataclass
class RunSpec:
    """One report to produce: a workbook, its validated parameters and where they came from."""

    workbook: str
    name: str
    params: WorkbookParams
    params_file: Path | None = None

    @property
    def label(self) -> str:
        return f"{self.workbook}/{self.name}"


@dataclass
class RunResult:
    """What happened to one run."""

    spec: RunSpec
    status: str  # "succeeded" | "failed"
    folder: Path
    duration_s: float
    metrics: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    pdf_error: str | None = None


def find_params_files(targets: Iterable[str], params_dir: Path | None = None) -> list[Path]:
    """Expand targets: a YAML file, a workbook name (all its YAML files), a folder, or nothing (everything).

    A folder holding YAML files is one workbook's folder (``params/delivery_kpis/``); a folder holding
    none but folders of YAML files is laid out like ``params/`` (one folder per workbook) and runs them all.
    """
    params_dir = params_dir or ROOT / "params"
    targets = list(targets)
    if not targets:
        return _yaml_files(params_dir, "[!.]*/*")
    found: list[Path] = []
    for target in targets:
        path = Path(target)
        if path.suffix in {".yaml", ".yml"}:
            found.append(path.resolve())
        elif path.is_dir():
            found.extend(_yaml_files(path, "*") or _yaml_files(path, "[!.]*/*"))
        elif (params_dir / target).is_dir():
            found.extend(_yaml_files(params_dir / target, "*"))
        else:
            raise ParamsError([f"{target}: not a params file, a folder or a workbook with params under {params_dir}"])
    return found


def _yaml_files(folder: Path, pattern: str) -> list[Path]:
    """The ``.yaml``/``.yml`` files matching ``<pattern>.y*ml`` under ``folder``, sorted."""
    return sorted(p for p in folder.glob(f"{pattern}.y*ml") if p.suffix in {".yaml", ".yml"} and p.is_file())


def parse_overrides(pairs: Iterable[str]) -> dict[str, Any]:
    """Parse ``KEY=VALUE`` strings; values are read as YAML (``12`` is a number), with the limits
    of :func:`pmokit.sources.load_yaml`."""
    overrides: dict[str, Any] = {}
    problems = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            problems.append(f"-p {pair}: expected KEY=VALUE")
            continue
        try:
            overrides[key.strip()] = load_yaml(value) if value.strip() else ""
        except InputError as exc:
            if exc.expected == "valid YAML":
                overrides[key.strip()] = value  # not YAML: the text as given
            else:  # an alias bomb or deep nesting on the command line
                problems.append(f"-p {key.strip()}: expected {exc.expected}, got {exc.got}")
    if problems:
        raise ParamsError(problems)
    return overrides


def load_spec(path: Path, overrides: dict[str, Any] | None = None) -> RunSpec:
    """Read and validate one params file (workbook = the name of its folder).

    Raises
    ------
    ParamsError
        With one line per problem; nothing is run.
    """
    path = Path(path).resolve()
    shown = _shown_path(path)
    workbook = path.parent.name
    try:
        model = workbooks.get(workbook).params
    except KeyError as exc:
        raise ParamsError([f"{shown}: {exc.args[0]} (the folder holding a params file names its workbook)"]) from None
    raw = read_params_file(path, shown)
    values = resolve_paths(model, raw, path.parent)
    values.update(resolve_paths(model, dict(overrides or {}), Path.cwd()))
    values.setdefault("output_dir", str(path.parent))  # replaced by the run folder at run time
    return _validate(workbook, values, shown, path.stem, path)


def spec_from_values(workbook: str, values: dict[str, Any], name: str = "run", base: Path | None = None) -> RunSpec:
    """Validate parameters given as a mapping (tests, the API) into a run spec."""
    model = workbooks.get(workbook).params
    values = resolve_paths(model, values, base or Path.cwd())
    values.setdefault("output_dir", ".")
    return _validate(workbook, values, f"{workbook} parameters", name, None)


def _validate(workbook: str, values: dict[str, Any], shown: str, name: str, path: Path | None) -> RunSpec:
    params = validate(workbooks.get(workbook).params, values, shown, workbook)
    return RunSpec(workbook, name, params, path)


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def validate_all(paths: Iterable[Path], overrides: dict[str, Any] | None = None) -> list[RunSpec]:
    """Validate every params file first; raise one :class:`ParamsError` listing every problem.

    An unexpected failure while checking one file becomes one line about that file (the
    readers' own failures are already turned into lines by :func:`pmokit.params.validate`).
    """
    specs, problems = [], []
    for path in paths:
        try:
            specs.append(load_spec(path, overrides))
        except ParamsError as exc:
            problems.extend(exc.problems)
        except Exception as exc:  # noqa: BLE001 - one bad file must not hide the others behind a traceback
            detail = str(exc).splitlines()[0][:160] if str(exc).strip() else "no detail"
            problems.append(
                f"{_shown_path(Path(path).resolve())}: could not be checked: {type(exc).__name__}: {detail}"
            )
    if problems:
        raise ParamsError(problems)
    return specs


def notebook_path(workbook: str, notebooks_dir: Path | None = None) -> Path:
    """The notebook of a workbook (``notebooks_dir`` overrides the project's ``notebooks/``)."""
    return workbooks.get(workbook).notebook_path(notebooks_dir)
