"""Assessment of the throwaway team_pulse workbook: mean score, coloured by one band."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pmokit.assessment import Assessment, Tile
from pmokit.bands import Band


def bands(p) -> dict[str, Band]:
    """The one threshold of this workbook."""
    return {"mean_score": Band("mean_score", "Mean score", "higher_is_better", amber=3.5, red=3.0, fmt="{:.2f}")}


@dataclass
class PulseResult(Assessment):
    by_team: pd.DataFrame | None = None


def assess(scores: pd.DataFrame, p) -> PulseResult:
    """Mean score overall and per team."""
    mean = float(scores["score"].mean())
    band = bands(p)["mean_score"]
    rating = band.rate(mean)
    by_team = scores.groupby("team", as_index=False)["score"].mean().rename(columns={"score": "mean score"})
    return PulseResult(
        metrics={"mean_score": mean, "answers": len(scores)},
        verdict=f"Mean score {mean:.2f} from {len(scores)} answers.",
        rating=rating,
        ratings={"mean_score": rating},
        bands={"mean_score": band},
        tiles=[Tile("Mean score", f"{mean:.2f}", rating)],
        notes={"Mean score": "Mean of every answer (1-5)."} | {f"Colour of {band.label}": band.note()},
        by_team=by_team,
    )
