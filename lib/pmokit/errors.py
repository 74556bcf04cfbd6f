"""Errors that reach the analyst: each names the file, the field and what was expected."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """A problem with an input file or a parameter, told in one line.

    Parameters
    ----------
    file : str or Path or None
        The file at fault (its name is shown), or None for a parameter.
    field : str
        The column, key or canonical field that is wrong or missing.
    expected : str
        What was expected, in words an analyst understands.
    got : str, optional
        What was found instead.

    Examples
    --------
    >>> str(InputError("/x/sites.csv", "devices", "an integer > 0", "'abc' on row 4"))
    "sites.csv: field 'devices': expected an integer > 0, got 'abc' on row 4"
    """

    def __init__(self, file: str | Path | None, field: str, expected: str, got: str = ""):
        self.file = str(file) if file is not None else None
        self.field = field
        self.expected = expected
        self.got = got
        super().__init__(self.message())

    def message(self) -> str:
        """Return the one-line message."""
        where = f"{Path(self.file).name}: " if self.file else ""
        text = f"{where}field '{self.field}': expected {self.expected}"
        return f"{text}, got {self.got}" if self.got else text
