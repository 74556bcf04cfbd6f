"""One look for every report: theme, colour-blind-safe palette and fixed RAG colours."""

from __future__ import annotations

import matplotlib.pyplot as plt
import seaborn as sns

from pmokit import bands

#: Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

#: RAG colours mean the same in every report (defined with the bands that produce them).
RAG_COLOURS = bands.RAG_COLOURS

#: Sequential diverging colours for Likert-like scales (unfavourable -> favourable).
DIVERGING = ["#B2182B", "#EF8A62", "#D9D9D9", "#67A9CF", "#2166AC"]


def set_theme() -> None:
    """Apply the report theme (seaborn whitegrid, Okabe-Ito palette, readable sizes)."""
    sns.set_theme(style="whitegrid", palette=PALETTE, font_scale=1.0)
    plt.rcParams.update(
        {
            "figure.figsize": (9, 4.2),
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.autolayout": True,
        }
    )


def rag_colour(status: str | None) -> str:
    """Return the colour of a RAG status (case-insensitive); grey when unknown."""
    return RAG_COLOURS.get(str(status or "").strip().lower(), RAG_COLOURS["grey"])
