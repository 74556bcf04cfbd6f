"""Spreadsheet formula injection (OWASP "CSV injection"): untrusted text that a spreadsheet would run.

Shared by the CSV writer (:func:`pmokit.report.write_csv`) and the Excel writer (:mod:`pmokit.excel`),
which both import it from here so that neither imports the other.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

#: A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Neutralise a spreadsheet cell against formula injection (OWASP): prefix ``'`` to text
    starting with ``= + - @``, tab or carriage return; other values pass unchanged.

    Examples
    --------
    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise(-5)
    -5
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every text cell (and header) neutralised."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.StringDtype):
            # vectorised for text columns (one Python call per cell took 5 s on 400,000 work items)
            text = out[col]
            risky = text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
            out[col] = text.where(~risky, "'" + text).astype(object)
        elif out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise).astype(object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out
