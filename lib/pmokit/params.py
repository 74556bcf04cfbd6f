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

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import PydanticUndefined

from pmokit.errors import InputError
from pmokit.sources import load_yaml, screen_file

INPUT_FILE = "input_file"
INPUT_DIR = "input_dir"
INPUT_PATH = "input_path"
STATE_DIR = "state_dir"

#: A path to an input file; relative paths in YAML are relative to the YAML file.
InputFile = Annotated[str, Field(json_schema_extra={INPUT_FILE: True})]
#: An optional input file (``None`` when not given).
OptionalInputFile = Annotated[str | None, Field(json_schema_extra={INPUT_FILE: True})]
#: One input file or several (e.g. exports of several Jira projects).
InputFiles = Annotated[str | list[str], Field(json_schema_extra={INPUT_FILE: True})]
#: One or more input files or folders (a folder is read whole), e.g. a folder of attendance reports.
InputPaths = Annotated[str | list[str], Field(json_schema_extra={INPUT_PATH: True})]
#: An optional folder of inputs (e.g. earlier snapshots).
OptionalInputDir = Annotated[str | None, Field(json_schema_extra={INPUT_DIR: True})]
#: An optional folder a workbook keeps between runs (e.g. a history store): relative to the YAML
#: file like inputs, but created when missing.
OptionalStateDir = Annotated[str | None, Field(json_schema_extra={STATE_DIR: True})]

#: Fields the runner sets; not shown as keys a params file may hold.
RUNNER_FIELDS = ("output_dir", "interactive")
#: A params file is a few dozen lines; anything over this is not one (and is not parsed).
MAX_PARAMS_BYTES = 256 << 10
#: Characters of a refused value shown in a problem line.
SHOWN_VALUE_CHARS = 80


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
            if is_input_field(info) in ("file", "dir", "path"):
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
    """Return ``"file"``, ``"dir"``, ``"path"`` (a file or a folder), ``"state"`` (a folder kept between
    runs) or None for a model field."""
    extra = info.json_schema_extra or {}
    if not isinstance(extra, dict):
        return None
    if extra.get(INPUT_FILE):
        return "file"
    if extra.get(INPUT_DIR):
        return "dir"
    if extra.get(INPUT_PATH):
        return "path"
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
    """Read a params YAML file into a mapping; one clear error when it is not one.

    The file is untrusted: over :data:`MAX_PARAMS_BYTES` it is refused unread, and aliases are
    capped (:func:`pmokit.sources.load_yaml`) so that a "billion laughs" file cannot expand.
    """
    if not path.exists():
        raise ParamsError([f"{shown}: no such params file"])
    size = path.stat().st_size
    if size > MAX_PARAMS_BYTES:
        raise ParamsError(
            [f"{shown}: expected a params file of at most {MAX_PARAMS_BYTES >> 10} KB, got {size:,} bytes"]
        )
    try:
        raw = load_yaml(path.read_bytes().decode("utf-8-sig"), path) or {}
    except UnicodeDecodeError as exc:
        raise ParamsError([f"{shown}: expected YAML in UTF-8, got byte 0x{exc.object[exc.start]:02x}"]) from None
    except InputError as exc:
        raise ParamsError([f"{shown}: not a usable params file: expected {exc.expected}, got {exc.got}"]) from None
    if not isinstance(raw, dict):
        raise ParamsError([f"{shown}: expected a mapping of parameter names to values, got {type(raw).__name__}"])
    return raw


def shown_value(value: Any) -> str:
    """A refused value for a problem line: its repr, cut to :data:`SHOWN_VALUE_CHARS` characters.

    Examples
    --------
    >>> shown_value("x" * 200)[-11:]
    '(202 chars)'
    """
    try:
        text = repr(value)
    except RecursionError:
        return f"a deeply nested {type(value).__name__}"
    if len(text) <= SHOWN_VALUE_CHARS:
        return text
    return f"{text[:SHOWN_VALUE_CHARS]}... ({len(text):,} chars)"


def describe_error(file: str, error: dict[str, Any], model: type[WorkbookParams], workbook: str) -> str:
    """One line for one pydantic error: file, key, expected, got."""
    key = ".".join(str(p) for p in error["loc"]) or "(file)"
    kind = error["type"]
    if kind == "extra_forbidden":
        known = ", ".join(n for n in model.model_fields if n not in RUNNER_FIELDS)
        return f"{file}: key '{key}': unknown key for workbook '{workbook}' (known: {known})"
    if kind == "missing":
        return f"{file}: key '{key}': required, but missing"
    if kind == "secret":  # a value that may hold a credential is never shown, not even cut
        return f"{file}: key '{key}': {error['msg']}"
    expected = error["msg"]
    for prefix in ("Input should be ", "Value error, ", "Input "):
        if expected.startswith(prefix):
            expected = expected[len(prefix) :]
            break
    expected = expected.splitlines()[0][:200] if expected else "a valid value"
    return f"{file}: key '{key}': expected {expected}, got {shown_value(error.get('input'))}"


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
    problems = missing_inputs(params, shown) or unreadable_inputs(params, shown)
    if not problems:
        problems = [f"{shown}: {msg}" for msg in guarded_check_inputs(params, shown)]
    if problems:
        raise ParamsError(problems)
    return params


def reader_problems(checks) -> list[str]:
    """Run each ``(reader, path, kwargs)`` whose path is given; one message per input the reader refuses.

    What a workbook's :meth:`WorkbookParams.check_inputs` returns when its checks are its readers.
    """
    problems = []
    for reader, path, kwargs in checks:
        if path:
            try:
                reader(path, **kwargs)
            except InputError as exc:
                problems.append(str(exc))
    return problems


def unreadable_inputs(params: WorkbookParams, shown: str) -> list[str]:
    """One line per input file that no reader could read (binary, empty, an .xlsx named .csv, a zip
    bomb, a sheet spanning billions of cells...), judged on its first bytes before any reader runs."""
    problems = []
    for name, paths in params.input_fields().items():
        for value in paths:
            found = screen_file(value)
            if found is not None:
                problems.append(f"{shown}: key '{name}': {found}")
    return problems


def guarded_check_inputs(params: WorkbookParams, shown: str) -> list[str]:
    """``params.check_inputs()``, with any unexpected failure of a reader turned into one line.

    Readers raise :class:`~pmokit.errors.InputError` for what they foresee; anything else (a
    parser's ``RecursionError``, a ``MemoryError``, a bug meeting an odd file) would otherwise end
    ``pmokit check`` with a traceback. The line names the input being read when it happened.
    """
    try:
        return params.check_inputs()
    except Exception as exc:  # noqa: BLE001 - the safety net itself (RecursionError and MemoryError included)
        field, file = _culprit(params, exc)
        reason = _short_reason(exc)
        what = _format_name(file) if file else "an input"
        where = f"key '{field}': {Path(file).name}" if file else "inputs"
        return [f"{where}: could not be read as {what}: {reason}"]


def _short_reason(exc: BaseException) -> str:
    """An unexpected reader failure in a few words an analyst can act on."""
    if isinstance(exc, RecursionError):
        return "nested deeper than it can be read (a damaged or hostile file)"
    if isinstance(exc, MemoryError):
        return "too large to read into memory"
    detail = str(exc).splitlines()[0][:160] if str(exc).strip() else "no detail"
    return f"{type(exc).__name__}: {detail}"


def _culprit(params: WorkbookParams, exc: BaseException) -> tuple[str, str | None]:
    """(field, file) of the input a reader was reading when ``exc`` was raised, else ('inputs', None).

    Readers name their file ``path``: the innermost frame holding a local equal to one of the
    params' input paths tells which input failed.
    """
    owners = {str(Path(p).resolve()): field for field, paths in params.input_fields().items() for p in paths}
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        for value in list(frame.f_locals.values()):
            if isinstance(value, (str, Path)) and len(str(value)) < 4096:
                try:
                    key = str(Path(value).resolve())
                except (OSError, ValueError):
                    continue
                if key in owners:
                    return owners[key], key
    return "inputs", None


def _format_name(file: str) -> str:
    """The format a file's name promises, for a message: ``CSV``, ``an Excel workbook``..."""
    suffix = Path(file).suffix.lower()
    return {
        ".csv": "CSV",
        ".tsv": "TSV",
        ".txt": "text",
        ".xlsx": "an Excel workbook",
        ".xlsm": "an Excel workbook",
        ".xls": "an Excel workbook",
        ".json": "JSON",
        ".zip": "a zip archive",
        ".yaml": "YAML",
        ".yml": "YAML",
    }.get(suffix, "an export")


def missing_inputs(params: WorkbookParams, shown: str) -> list[str]:
    """One line per input file or folder that does not exist."""
    problems = []
    for name, info in type(params).model_fields.items():
        kind = is_input_field(info)
        if kind not in ("file", "dir", "path"):  # a state folder is created by the workbook when missing
            continue
        for value in params.input_fields().get(name, []):
            target = Path(value)
            ok = {"file": target.is_file, "dir": target.is_dir, "path": target.exists}[kind]()
            if not ok:
                what = {"file": "an existing file", "dir": "an existing folder", "path": "an existing file or folder"}[
                    kind
                ]
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
