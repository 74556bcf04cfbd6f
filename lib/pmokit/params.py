"""Parameters: the base model every workbook's params model extends, and reading params files.

A workbook's pydantic model (``lib/pmokit/<area>/params.py``) is the single declaration of its
parameters: the notebook's cell tagged ``parameters`` is generated from it
(:func:`parameters_cell`, papermill's typed form ``name: type = value  # help``) and a test compares
the whole cell. Optional inputs default to ``None``: no default names a bundled file or carries
sample content; the samples live in ``params/<workbook>/sample.yaml``.

Input files are marked with :data:`InputFile` (and its siblings) so that paths in a params file are
resolved relative to that file and checked before any kernel starts. This module knows no workbook:
the registry (:mod:`pmokit.workbooks`) maps workbook ids to models.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import PydanticUndefined

INPUT_FILE = "input_file"
INPUT_DIR = "input_dir"
STATE_DIR = "state_dir"

#: A path to an input file; relative paths in YAML are relative to the YAML file.
InputFile = Annotated[str, Field(json_schema_extra={INPUT_FILE: True})]
#: An optional input file (``None`` when not given).
OptionalInputFile = Annotated[str | None, Field(json_schema_extra={INPUT_FILE: True})]
#: One input file or several (e.g. exports of several Jira projects).
InputFiles = Annotated[str | list[str], Field(json_schema_extra={INPUT_FILE: True})]
#: An optional folder of inputs (e.g. earlier snapshots).
OptionalInputDir = Annotated[str | None, Field(json_schema_extra={INPUT_DIR: True})]
#: An optional folder a workbook keeps between runs (e.g. a history store): relative to the YAML
#: file like inputs, but created when missing.
OptionalStateDir = Annotated[str | None, Field(json_schema_extra={STATE_DIR: True})]

#: Fields the runner sets; not shown as keys a params file may hold.
RUNNER_FIELDS = ("output_dir", "interactive")


class ParamsError(Exception):
    """Invalid params files or inputs: one line per problem (file, key, expected, got)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class WorkbookParams(BaseModel):
    """Fields every workbook has.

    ``output_dir`` and ``interactive`` are injected by the runner (the run folder, and ``False``).
    In JupyterLab ``output_dir`` stays ``None``: :func:`pmokit.workbooks.load` then reads the
    workbook's sample params file and writes to ``outputs/<workbook>/lab/``.
    """

    model_config = ConfigDict(extra="forbid", validate_default=True)

    title: str = Field("Report", description="report title")
    output_dir: str | None = Field(None, description="run folder (set by the runner; None in JupyterLab)")
    interactive: bool = Field(True, description="live widgets in JupyterLab (the runner sets False)")

    def input_fields(self) -> dict[str, list[str]]:
        """Return ``{field: [paths]}`` for every input file or folder given."""
        found = {}
        for name, info in type(self).model_fields.items():
            if is_input_field(info) in ("file", "dir"):
                value = getattr(self, name)
                if value:
                    found[name] = [value] if isinstance(value, str) else list(value)
        return found

    def check_inputs(self) -> list[str]:
        """Deeper checks of the inputs before any kernel starts (read headers, say what is wrong).

        Returns one message per problem; the base class checks nothing beyond existence, which
        :func:`validate` does. Workbooks override this to call their readers.
        """
        return []


def is_input_field(info) -> str | None:
    """Return ``"file"``, ``"dir"``, ``"state"`` (a folder kept between runs) or None for a model field."""
    extra = info.json_schema_extra or {}
    if not isinstance(extra, dict):
        return None
    if extra.get(INPUT_FILE):
        return "file"
    if extra.get(INPUT_DIR):
        return "dir"
    if extra.get(STATE_DIR):
        return "state"
    return None


# ----------------------------------------------------------------------------- params files
def resolve_paths(model: type[WorkbookParams], values: dict[str, Any], base: Path) -> dict[str, Any]:
    """Make input and state paths absolute, relative to ``base`` (the YAML file's folder)."""
    out = dict(values)
    for name, info in model.model_fields.items():
        if name not in out or not is_input_field(info) or out[name] in (None, ""):
            continue
        value = out[name]
        if isinstance(value, str):
            out[name] = str((base / Path(value).expanduser()).resolve())
        elif isinstance(value, list):
            out[name] = [str((base / Path(v).expanduser()).resolve()) if isinstance(v, str) else v for v in value]
    return out


def read_params_file(path: Path, shown: str) -> dict[str, Any]:
    """Read a params YAML file into a mapping; one clear error when it is not one."""
    if not path.exists():
        raise ParamsError([f"{shown}: no such params file"])
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ParamsError([f"{shown}: not valid YAML ({str(exc).splitlines()[0]})"]) from None
    if not isinstance(raw, dict):
        raise ParamsError([f"{shown}: expected a mapping of parameter names to values, got {type(raw).__name__}"])
    return raw


def describe_error(file: str, error: dict[str, Any], model: type[WorkbookParams], workbook: str) -> str:
    """One line for one pydantic error: file, key, expected, got."""
    key = ".".join(str(p) for p in error["loc"]) or "(file)"
    kind = error["type"]
    if kind == "extra_forbidden":
        known = ", ".join(n for n in model.model_fields if n not in RUNNER_FIELDS)
        return f"{file}: key '{key}': unknown key for workbook '{workbook}' (known: {known})"
    if kind == "missing":
        return f"{file}: key '{key}': required, but missing"
    expected = error["msg"]
    for prefix in ("Input should be ", "Value error, ", "Input "):
        if expected.startswith(prefix):
            expected = expected[len(prefix) :]
            break
    return f"{file}: key '{key}': expected {expected}, got {error.get('input')!r}"


def validate(model: type[WorkbookParams], values: dict[str, Any], shown: str, workbook: str) -> WorkbookParams:
    """Validate values (paths already absolute) and check that every input exists and reads.

    Raises
    ------
    ParamsError
        One line per problem; nothing is run.
    """
    try:
        params = model.model_validate(values)
    except ValidationError as exc:
        raise ParamsError([describe_error(shown, e, model, workbook) for e in exc.errors()]) from None
    problems = missing_inputs(params, shown)
    if not problems:
        problems = [f"{shown}: {msg}" for msg in params.check_inputs()]
    if problems:
        raise ParamsError(problems)
    return params


def missing_inputs(params: WorkbookParams, shown: str) -> list[str]:
    """One line per input file or folder that does not exist."""
    problems = []
    for name, info in type(params).model_fields.items():
        kind = is_input_field(info)
        if kind not in ("file", "dir"):  # a state folder is created by the workbook when missing
            continue
        for value in params.input_fields().get(name, []):
            target = Path(value)
            ok = target.is_file() if kind == "file" else target.is_dir()
            if not ok:
                what = "an existing file" if kind == "file" else "an existing folder"
                problems.append(f"{shown}: key '{name}': expected {what}, got {value!r} (not found)")
    return problems


# ----------------------------------------------------------------------------- the parameters cell
def type_text(annotation: Any, notebook: bool = False) -> str:
    """A readable type for a field: ``str | None``, ``list[str]``, ``date``.

    With ``notebook=True`` the text is a Python expression the notebook can evaluate (annotations
    of top-level assignments are evaluated) and papermill can parse (no ``|``): dates become ``str``
    (ISO text), nested models ``dict``, ``Any`` becomes ``object``, unions ``Optional``/``Union``.

    Examples
    --------
    >>> type_text(int), type_text(dt.date | None), type_text(dict[str, dt.date] | None, notebook=True)
    ('int', 'date | None', 'Optional[dict[str, str]]')
    """
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return type_text(typing.get_args(annotation)[0], notebook)
    if origin in (typing.Union, types.UnionType):
        parts = list(dict.fromkeys(type_text(a, notebook) for a in typing.get_args(annotation)))
        if not notebook:
            return " | ".join(parts)
        # papermill's parser reads only names, brackets and commas in a type: no "|"
        if parts[-1] == "None" and len(parts) == 2:
            return f"Optional[{parts[0]}]"
        return f"Union[{', '.join(parts)}]"
    if origin is typing.Literal:
        return "str"
    if origin is not None:
        args = ", ".join(type_text(a, notebook) for a in typing.get_args(annotation))
        return f"{getattr(origin, '__name__', str(origin))}[{args}]"
    if annotation is type(None):
        return "None"
    if annotation is dt.date:
        return "str" if notebook else "date"
    if annotation is Any:
        return "object" if notebook else "Any"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "dict" if notebook else annotation.__name__
    return getattr(annotation, "__name__", str(annotation).replace("typing.", ""))


def default_literal(info) -> Any:
    """A field's default as the notebook writes it (JSON-like: dates as ISO text); None if required."""
    if info.default is PydanticUndefined and info.default_factory is None:
        return None
    value = info.get_default(call_default_factory=True)
    return None if value is None else TypeAdapter(type(value)).dump_python(value, mode="json")


def literal(value: Any) -> str:
    """Python source for a JSON-like value, strings in double quotes (as the formatter writes them).

    Examples
    --------
    >>> print(literal({"a": [1, 2.5, None, True], "b": "it's"}))
    {"a": [1, 2.5, None, True], "b": "it's"}
    """
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return repr(value)


def parameters_cell(model: type[WorkbookParams], source: str = "") -> str:
    """The source of a notebook's ``parameters`` cell, generated from its model.

    One line per field in papermill's typed form, ``name: type = value  # help``; a required field
    is ``None`` in the cell (JupyterLab runs read the sample params file instead). ``# fmt: off``
    keeps the formatter from rewrapping the generated lines.
    """
    lines = []
    for name, info in model.model_fields.items():
        help_text = info.description or ""
        if info.is_required():
            help_text = f"required: {help_text}"
        value = literal(default_literal(info))
        line = f"{name}: {type_text(info.annotation, notebook=True)} = {value}  # {help_text}"
        if line.count("=") > 1:  # papermill skips such a line: the parameter would be lost silently
            raise ValueError(f"{model.__name__}.{name}: no '=' allowed in a default or help text: {line}")
        lines.append(line)
    used = sorted(t for t in ("Optional", "Union") if any(f"{t}[" in line for line in lines))
    header = [
        f"# Generated from {source or model.__module__} (pmokit params WORKBOOK --cell): edit the model, not this cell.",
        "# fmt: off",
    ]
    if used:
        header += [f"from typing import {', '.join(used)}", ""]
    return "\n".join(header + lines)
