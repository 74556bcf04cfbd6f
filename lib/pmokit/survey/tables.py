"""Display-ready tables and the verdict sentence (plain frames; the notebook shows them escaped)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pmokit.fmt import count as count_of
from pmokit.survey.comments import sentiment, sentiment_label, tag_themes


def verdict_text(
    responses: int,
    favourability: float,
    enps: dict | None,
    rate_pct: float | None,
    significant_groups: int,
    items: pd.DataFrame,
    has_groups: bool = True,
) -> str:
    """One sentence: how many answered, how favourable, eNPS, the weakest item and real group differences.

    ``items`` holds the items with at least one valid answer (an item nobody answered is not the
    weakest); a survey without a grouping column says nothing about group differences.

    Examples
    --------
    >>> verdict_text(12, float("nan"), None, None, 0, pd.DataFrame(columns=["item", "favourable_pct"]), False)
    '12 responses: no valid answer to rate.'
    """
    parts = [f"{responses:,} responses"]
    if rate_pct is not None and not math.isnan(rate_pct):
        parts[0] += f" ({rate_pct:.0f}% response rate)"
    if math.isnan(favourability):
        text = f"{parts[0]}: no valid answer to rate"
    else:
        text = f"{parts[0]}: {favourability:.0f}% favourable across {count_of(len(items), 'item')}"
    if enps and not math.isnan(enps["enps"]):
        text += f", eNPS {enps['enps']:+.0f} (95% CI {enps['ci_low']:+.0f} to {enps['ci_high']:+.0f})"
    valid = items.dropna(subset=["favourable_pct"]).sort_values("favourable_pct", kind="stable")
    if len(valid) > 1:
        weakest = valid.iloc[0]
        text += f"; weakest item '{weakest['item']}' at {weakest['favourable_pct']:.0f}%"
    if has_groups:
        verb = "result differs" if significant_groups == 1 else "results differ"
        text += f"; {significant_groups} group {verb} significantly from the rest of the organisation"
    return text + "."


def item_display(items: pd.DataFrame) -> pd.DataFrame:
    """Item table with readable headers and the interval as text."""
    out = items[["item", "theme", "n", "favourable_pct", "neutral_pct", "unfavourable_pct"]].copy()
    out["95% interval (favourable)"] = [
        f"{lo:.0f}–{hi:.0f}%" if n else None  # no valid answer: no interval ("—")
        for lo, hi, n in zip(items["fav_ci_low"], items["fav_ci_high"], items["n"])
    ]
    return out.rename(
        columns={
            "item": "Item",
            "theme": "Theme",
            "n": "Valid answers",
            "favourable_pct": "Favourable %",
            "neutral_pct": "Neutral %",
            "unfavourable_pct": "Unfavourable %",
        }
    )


def rates_display(rates: pd.DataFrame, group_name: str) -> pd.DataFrame:
    """Response-rate table with readable headers and the colour word (hidden figures stay blank)."""
    return rates.rename(
        columns={
            "group": group_name,
            "headcount": "Headcount",
            "responses": "Responses",
            "response_rate_pct": "Response rate %",
            "status": "Status",
            "rag": "Colour",
        }
    )


def significant_display(table: pd.DataFrame) -> pd.DataFrame:
    """Only the comparisons that survive the Benjamini-Hochberg correction, largest gaps first."""
    kept = table[table["significant"]].copy()
    kept = kept.reindex(kept["difference_pts"].abs().sort_values(ascending=False).index)
    columns = ["group", "versus", "item", "n", "favourable_pct", "rest_pct", "difference_pts", "q_value"]
    return kept[columns].rename(
        columns={
            "group": "Group",
            "versus": "Compared with",
            "item": "Item",
            "n": "Valid answers",
            "favourable_pct": "Group favourable %",
            "rest_pct": "Rest favourable %",
            "difference_pts": "Difference (points)",
            "q_value": "Adjusted p (BH)",
        }
    )


def waves_display(table: pd.DataFrame) -> pd.DataFrame:
    """Wave-over-wave table with a plain-words verdict per item."""
    out = table.copy()
    out["Change"] = [
        ("up" if c > 0 else "down") if s else "no real change" for c, s in zip(out["change_pts"], out["significant"])
    ]
    return out[["item", "previous_pct", "favourable_pct", "change_pts", "q_value", "Change"]].rename(
        columns={
            "item": "Item",
            "previous_pct": "Previous favourable %",
            "favourable_pct": "Now favourable %",
            "change_pts": "Change (points)",
            "q_value": "Adjusted p (BH)",
        }
    )


def comment_examples(shown: pd.DataFrame, themes: dict[str, list[str]]) -> pd.DataFrame:
    """Distinct comments per question with how often each was given and its themes (no group shown)."""
    if shown.empty:
        return pd.DataFrame(columns=["Question", "Comment", "Times given", "Themes"])
    grouped = (
        shown.groupby(["question", "text"], sort=False)
        .size()
        .rename("times")
        .reset_index()
        .sort_values(["question", "times"], ascending=[True, False], kind="stable")
    )
    tags = tag_themes(grouped["text"], themes)
    names = np.array(list(tags.columns), dtype=object)
    grouped["themes"] = [", ".join(names[row]) for row in tags.to_numpy(dtype=bool)] if len(names) else ""
    return grouped.rename(
        columns={"question": "Question", "text": "Comment", "times": "Times given", "themes": "Themes"}
    )


def comment_sentiment(shown: pd.DataFrame) -> pd.DataFrame:
    """Per question: comments, mean VADER score and the share read as positive, neutral, negative."""
    columns = ["Question", "Comments", "Mean sentiment (-1..1)", "Positive %", "Neutral %", "Negative %"]
    if shown.empty:
        return pd.DataFrame(columns=columns)
    frame = shown.assign(score=sentiment(shown["text"]))
    frame["label"] = sentiment_label(frame["score"])
    rows = []
    for question, part in frame.groupby("question", sort=False):
        share = part["label"].value_counts(normalize=True) * 100
        rows.append(
            [
                question,
                len(part),
                part["score"].mean(),
                *(float(share.get(k, 0.0)) for k in ("positive", "neutral", "negative")),
            ]
        )
    return pd.DataFrame(rows, columns=columns)
