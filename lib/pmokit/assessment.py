"""The shape of every workbook's result: what ``<area>.assess.assess(...)`` returns.

A workbook computes everything once; the notebook then shows one attribute per section. The
fields common to every workbook live here so that the report's headline, the recorded metrics and
the method notes are produced the same way everywhere (:func:`pmokit.report.headline`); each
workbook subclasses :class:`Assessment` to add the tables and figures its sections show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pmokit.bands import Band, Rating, rag_metrics


@dataclass
class Tile:
    """A headline KPI tile: a label, a formatted value, an optional state and a note.

    ``rag`` is a :class:`~pmokit.bands.Rating` (its reason becomes the note when none is given) or a
    state word; ``None`` for a figure that is not rated.
    """

    label: str
    value: str
    rag: Rating | str | None = None
    note: str = ""


@dataclass
class Assessment:
    """What every workbook's ``assess`` returns.

    Attributes
    ----------
    metrics : dict
        Flat ``{name: number | text | None}`` for ``metrics.json`` (None is JSON null, shown "—").
    verdict : str
        The one-sentence verdict.
    rating : Rating
        The verdict's state and the reason; recorded as ``verdict_rag``.
    ratings : dict
        ``{metric: Rating}`` for every figure the workbook colours; recorded as ``<metric>_rag``.
    bands : dict
        ``{metric: Band}`` used for the ratings; their sentences open the method notes.
    tiles : list of Tile
    notes : dict
        Method notes, term -> definition.
    """

    metrics: dict[str, Any]
    verdict: str
    rating: Rating
    ratings: dict[str, Rating] = field(default_factory=dict)
    bands: dict[str, Band] = field(default_factory=dict)
    tiles: list[Tile] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)

    def recorded_metrics(self) -> dict[str, Any]:
        """The metrics with the verdict and every colour: what ``metrics.json`` holds."""
        return {
            **self.metrics,
            **rag_metrics(self.ratings),
            "verdict": self.verdict,
            "verdict_rag": self.rating.rag,
        }

    def threshold_notes(self) -> dict[str, str]:
        """One method-note sentence per band, in the words that produced the colours."""
        return {f"Colour of {band.label}": band.note() for band in self.bands.values()}
