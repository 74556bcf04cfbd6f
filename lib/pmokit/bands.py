"""Colour bands: the one place where a figure's value becomes its colour, its reason and its note.

A :class:`Band` holds the thresholds of one metric and the direction in which it gets worse. The same
band object gives the report's tile colour, the verdict colour, the sentence of the method notes
that states the threshold and - through the ``<metric>_rag`` entry recorded in ``metrics.json`` -
the colour the status deck shows. Nothing else compares a metric with a threshold.

Five states (:data:`STATES`):

- ``green``, ``amber``, ``red``: the value against the thresholds;
- ``grey``: not measurable (no finished items, no history, no baseline), always with the reason;
- ``done``: nothing remains to do (every item finished, every site rolled out).

Neither grey nor done can come out of a comparison: a missing value is grey, never green, and only
the workbook's own evidence (nothing remaining) makes a figure done.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from dataclasses import dataclass
from typing import Any, Iterable, Literal

from pmokit import fmt

#: Every state a rated figure can take.
STATES = ("green", "amber", "red", "grey", "done")

#: RAG colours mean the same in every report. A word always accompanies the colour (red and green
#: alone fail for red-green colour-blind readers). Done is blue: finished, neither good nor bad news.
RAG_COLOURS = {"green": "#1B7837", "amber": "#E08214", "red": "#B2182B", "grey": "#8C8C8C", "done": "#2166AC"}

#: Words shown with a state (tiles, tables, the deck).
LABELS = {"green": "GREEN", "amber": "AMBER", "red": "RED", "grey": "NO DATA", "done": "DONE"}

#: Severity for "the worst of several": grey is not ranked, done counts as good news.
SEVERITY = {"done": 0, "green": 0, "amber": 1, "red": 2}

Direction = Literal["higher_is_better", "lower_is_better"]

#: A "noun(s)" in a band's format: written as the singular or the plural the value needs.
_PLURAL_MARK = re.compile(r"(\w+)\(s\)")


@dataclass(frozen=True)
class Rating:
    """The state of one figure and the reason, in words a reader follows."""

    rag: str
    reason: str

    @property
    def label(self) -> str:
        """The word shown beside the colour (``GREEN``, ``NO DATA``, ``DONE``...)."""
        return LABELS.get(self.rag, self.rag.upper())

    @property
    def colour(self) -> str:
        """The state's colour."""
        return RAG_COLOURS.get(self.rag, RAG_COLOURS["grey"])


def grey(reason: str) -> Rating:
    """A figure that cannot be measured, with the reason (``no finished item in the window``)."""
    return Rating("grey", reason)


def done(reason: str) -> Rating:
    """A figure of work that is finished (``nothing remains``)."""
    return Rating("done", reason)


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT, empty text and ``pd.NA``.

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), "", 0, "x")]
    [True, True, True, False, False]
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(value != value)  # NaN, NaT and pd.NA are not equal to themselves
    except (TypeError, ValueError):
        return True


@dataclass(frozen=True)
class Band:
    """Thresholds of one metric, with the direction in which it gets worse.

    Parameters
    ----------
    metric : str
        The metric's name in ``metrics.json``.
    label : str
        How the report names it ("Compliance").
    direction : {"higher_is_better", "lower_is_better"}
    amber, red : float or date
        Higher is better: green at ``amber`` or above, amber from ``red`` up to below ``amber``, red
        below ``red``. Lower is better: green at ``amber`` or below, amber above ``amber`` up to
        ``red``, red above ``red``. Dates compare with ISO date values (later is worse).
    fmt : str
        Format of values and thresholds in sentences (``"{:.0f}%"``).

    Examples
    --------
    >>> b = Band("compliance_pct", "Compliance", "higher_is_better", amber=90, red=80, fmt="{:.0f}%")
    >>> [b.rate(v).rag for v in (90, 89.9, 80, 79.9, None)]
    ['green', 'amber', 'amber', 'red', 'grey']
    >>> b.note()
    'Compliance: green at 90% or more, amber from 80% to below 90%, red below 80%.'
    >>> s = Band("sla_breaches", "SLA breaches", "lower_is_better", amber=0, red=25)
    >>> [s.rate(v).rag for v in (0, 1, 25, 26)]
    ['green', 'amber', 'amber', 'red']
    """

    metric: str
    label: str
    direction: Direction
    amber: float | dt.date
    red: float | dt.date
    fmt: str = "{:g}"

    def __post_init__(self) -> None:
        worse_first = self.red <= self.amber if self.direction == "higher_is_better" else self.red >= self.amber
        if not worse_first:
            raise ValueError(f"band {self.metric}: red must lie beyond amber in the worse direction")

    def show(self, value: Any) -> str:
        """A value or threshold in this band's format; a ``noun(s)`` in the format agrees with the value.

        Examples
        --------
        >>> b = Band("late", "Late", "lower_is_better", amber=0, red=14, fmt="{:.0f} day(s)")
        >>> b.show(1), b.show(14), b.show(dt.date(2026, 1, 2))
        ('1 day', '14 days', '2026-01-02')
        """
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            text = self.fmt.format(value)
        except (TypeError, ValueError):
            return fmt.value(value)
        one = isinstance(value, numbers.Real) and value == 1
        return _PLURAL_MARK.sub(lambda m: m.group(1) if one else fmt.plural(m.group(1)), text)

    def _comparable(self, value: Any) -> Any:
        if isinstance(self.amber, dt.date):
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            try:
                return dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                return None
        if isinstance(value, bool) or not isinstance(value, numbers.Real | str):
            return None
        try:
            return float(value)
        except ValueError:
            return None

    def rate(self, value: Any, *, missing: str = "") -> Rating:
        """The state of ``value``: green, amber or red by the thresholds; grey when it is missing.

        Parameters
        ----------
        value : number, date or None
        missing : str
            Why the value is missing (shown with the grey state); default "no data".
        """
        if is_missing(value):
            return grey(f"{self.label}: {missing or 'no data'}")
        x = self._comparable(value)
        if x is None:
            return grey(f"{self.label}: {value!r} is not a {'date' if isinstance(self.amber, dt.date) else 'number'}")
        shown = self.show(value)
        if self.direction == "higher_is_better":
            if x < self.red:
                return Rating("red", f"{self.label} {shown}, below {self.show(self.red)}")
            if x < self.amber:
                return Rating("amber", f"{self.label} {shown}, below {self.show(self.amber)}")
            return Rating("green", f"{self.label} {shown}, at or above {self.show(self.amber)}")
        if x > self.red:
            return Rating("red", f"{self.label} {shown}, above {self.show(self.red)}")
        if x > self.amber:
            return Rating("amber", f"{self.label} {shown}, above {self.show(self.amber)}")
        return Rating("green", f"{self.label} {shown}, at or below {self.show(self.amber)}")

    def note(self) -> str:
        """The method-note sentence stating the thresholds (the same numbers as :meth:`rate`)."""
        a, r = self.show(self.amber), self.show(self.red)
        if self.direction == "higher_is_better":
            return f"{self.label}: green at {a} or more, amber from {r} to below {a}, red below {r}."
        return f"{self.label}: green at {a} or less, amber above {a} up to {r}, red above {r}."


def worst(ratings: Iterable[Rating | str]) -> str:
    """The worst state of several, ignoring grey; done only when everything known is done.

    Examples
    --------
    >>> worst(["green", "grey", "amber"]), worst(["done", "green"]), worst(["done"]), worst(["grey"])
    ('amber', 'green', 'done', 'grey')
    """
    states = [r.rag if isinstance(r, Rating) else str(r).lower() for r in ratings]
    known = [s for s in states if s in SEVERITY]
    if not known:
        return "grey"
    if all(s == "done" for s in known):
        return "done"
    return max((s for s in known if s != "done"), key=SEVERITY.__getitem__, default="green")


def rag_metrics(ratings: dict[str, Rating]) -> dict[str, str]:
    """``{"<metric>_rag": state}`` for ``metrics.json``: the colour the deck shows for each figure.

    Examples
    --------
    >>> rag_metrics({"wip": Rating("amber", "WIP 45, above 40")})
    {'wip_rag': 'amber'}
    """
    return {f"{metric}_rag": rating.rag for metric, rating in ratings.items()}
