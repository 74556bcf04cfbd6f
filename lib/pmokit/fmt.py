"""The one formatting layer: how numbers, percentages, counts, dates, durations and p-values read.

Tiles, tables, verdict sentences, the index, the deck and ``summary.md`` all format through these
functions, so the same figure reads the same everywhere: ``84.8%`` (never ``84.8 %`` beside
``33 %``), ``3 sites`` and ``1 site`` (never ``site(s)``), ``< 0.001`` (never ``0.000``) and no
unrounded float. Every function returns "—" for a missing value (None, NaN, NaT, empty text).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from typing import Any

MISSING = "—"

#: Plurals that do not follow the spelling rules of :func:`plural`.
IRREGULAR = {
    "person": "people",
    "child": "children",
    "analysis": "analyses",
    "criterion": "criteria",
    "datum": "data",
    "data": "data",
    "staff": "staff",
    "feedback": "feedback",
    "status": "statuses",
    "day off": "days off",
}


def _missing(value: Any) -> bool:
    """True for None, NaN, NaT, ``pd.NA`` and empty text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(value != value)  # NaN, NaT and pd.NA are not equal to themselves
    except (TypeError, ValueError):
        return True


def _real(value: Any) -> float | None:
    """The value as a float, or None when it is not a number (text, bool, date)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    return float(value)


def number(value: Any, places: int | None = None) -> str:
    """A number with thousands separators; ``places`` decimals, or as many as its size needs.

    Without ``places``: whole values show whole, 100 and above round to whole, 10 to 100 show one
    decimal, smaller values two significant decimals (trailing zeros dropped). Text is returned as it is.

    Examples
    --------
    >>> number(1234567.8), number(12.345), number(0.97), number(1.0), number(0.5), number(3.14159, 2)
    ('1,234,568', '12.3', '0.97', '1', '0.5', '3.14')
    >>> number(None), number(float("nan")), number(7), number(-2.5, 0), number("n/a")
    ('—', '—', '7', '-2', 'n/a')
    """
    if _missing(value):
        return MISSING
    x = _real(value)
    if x is None:
        return str(value)
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if places is not None:
        return f"{x:,.{places}f}"
    if isinstance(value, numbers.Integral) or x.is_integer() or abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:,.1f}"
    if abs(x) < 0.01:
        return f"{x:.2g}"
    return f"{x:.2f}".rstrip("0").rstrip(".")


def pct(value: Any, places: int = 1, *, ratio: bool = False) -> str:
    """A percentage, no space before the sign, always ``places`` decimals.

    Parameters
    ----------
    value : number
        Percent points (84.76), or a ratio (0.8476) when ``ratio`` is true.
    places : int
        Decimals shown (the same for every percentage of one table or sentence).

    Examples
    --------
    >>> pct(84.759), pct(33), pct(0.33, 0, ratio=True), pct(None), pct(100.0, 0)
    ('84.8%', '33.0%', '33%', '—', '100%')
    """
    if _missing(value):
        return MISSING
    x = _real(value)
    if x is None:
        return str(value)
    return f"{x * 100 if ratio else x:,.{places}f}%"


def plural(noun: str) -> str:
    """The plural of an English noun: the irregular ones, then -y, -s/-x/-ch/-sh, then -s.

    The last word of a phrase takes the plural ("overdue action" -> "overdue actions").

    Examples
    --------
    >>> [plural(w) for w in ("site", "activity", "day", "box", "match", "person", "overdue action")]
    ['sites', 'activities', 'days', 'boxes', 'matches', 'people', 'overdue actions']
    """
    if noun in IRREGULAR:
        return IRREGULAR[noun]
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last in IRREGULAR:
        return prefix + IRREGULAR[last]
    if len(last) > 1 and last.endswith("y") and last[-2] not in "aeiou":
        return prefix + last[:-1] + "ies"
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return prefix + last + "es"
    return prefix + last + "s"


def count(n: Any, noun: str, plural_form: str | None = None) -> str:
    """A count with its noun in the right number: ``1 site``, ``3 sites``, ``0 sites``, ``1,204 devices``.

    Examples
    --------
    >>> count(1, "site"), count(3, "site"), count(0, "activity"), count(2, "person"), count(1204, "device")
    ('1 site', '3 sites', '0 activities', '2 people', '1,204 devices')
    >>> count(None, "site"), count(2, "criterion", "criteria")
    ('— sites', '2 criteria')
    """
    many = plural_form or plural(noun)
    if _missing(n):
        return f"{MISSING} {many}"
    x = _real(n)
    if x is None:
        return f"{n} {many}"
    return f"{number(x)} {noun if x == 1 else many}"


def date(value: Any) -> str:
    """A date as ISO ``YYYY-MM-DD`` (the time of day dropped); text that is not a date stays as it is.

    Examples
    --------
    >>> date(dt.datetime(2026, 11, 23, 14, 5)), date("2026-11-23T00:00:00"), date(None), date("soon")
    ('2026-11-23', '2026-11-23', '—', 'soon')
    """
    if _missing(value):
        return MISSING
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "date") and callable(value.date):  # pandas Timestamp
        return value.date().isoformat()
    text = str(value)
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return text


def duration_days(days: Any) -> str:
    """A duration in whole days (``1 day``, ``12 days``); weeks from 4 weeks on (``6 weeks``).

    Examples
    --------
    >>> duration_days(1), duration_days(12.4), duration_days(0.4), duration_days(42), duration_days(None)
    ('1 day', '12 days', '0 days', '6 weeks', '—')
    """
    if _missing(days):
        return MISSING
    x = _real(days)
    if x is None:
        return str(days)
    whole = round(x)
    if abs(whole) >= 28 and whole % 7 == 0:
        return count(whole // 7, "week")
    return count(whole, "day")


def p_value(p: Any) -> str:
    """A p-value with three decimals, ``< 0.001`` below that (never ``0.000``).

    Examples
    --------
    >>> p_value(0.0000123), p_value(0.01234), p_value(0.5), p_value(1.0), p_value(None)
    ('< 0.001', '0.012', '0.500', '1.000', '—')
    """
    if _missing(p):
        return MISSING
    x = _real(p)
    if x is None:
        return str(p)
    shown = f"{x:.3f}"
    return "< 0.001" if shown in ("0.000", "-0.000") else shown


def value(x: Any, fmt: str = "") -> str:
    """Any recorded value for display: a number by :func:`number` (or ``fmt``), a date by :func:`date`,
    a bool as yes/no, text as it is.

    Examples
    --------
    >>> value(84.759, "{:.1f}%"), value(True), value(0.123456), value(dt.date(2026, 1, 2)), value("on track")
    ('84.8%', 'yes', '0.12', '2026-01-02', 'on track')
    """
    if _missing(x):
        return MISSING
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, dt.date):
        return date(x)
    if _real(x) is not None and fmt:
        try:
            return fmt.format(x)
        except (TypeError, ValueError):
            pass
    return number(x)


#: Key words written as readers write them (``sla`` -> ``SLA``).
WORDS = {"rag": "RAG", "spi": "SPI", "sla": "SLA", "wip": "WIP", "enps": "eNPS", "tb": "TB", "id": "ID", "pct": "%"}
WORDS.update({p: p.upper() for p in ("p50", "p80", "p85", "p90", "p95")})


def label(key: str) -> str:
    """A reader's name for a metric key that no band or registry entry names.

    Examples
    --------
    >>> label("throughput_per_week"), label("forecast_p85_finish"), label("sla_breaches"), label("")
    ('Throughput per week', 'Forecast P85 finish', 'SLA breaches', '')
    """
    words = [WORDS.get(w, w) for w in key.split("_") if w]
    if not words:
        return key
    words[0] = words[0][:1].upper() + words[0][1:] if words[0].islower() else words[0]
    return " ".join(words)
