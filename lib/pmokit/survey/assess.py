"""The survey_analysis assessment: every figure, colour, table and sentence of the report, computed once.

:func:`bands` holds the thresholds of every figure this workbook colours (the favourability tile and
verdict, the response-rate tile, the group response-rate bars and the status deck's two cells);
:func:`assess` ties the analysis modules (:mod:`~pmokit.survey.likert`, :mod:`~pmokit.survey.nps`,
:mod:`~pmokit.survey.compare`, :mod:`~pmokit.survey.drivers`, :mod:`~pmokit.survey.comments`,
:mod:`~pmokit.survey.anonymity`, :mod:`~pmokit.survey.summary`) together and returns a
:class:`SurveyResult` whose attributes the notebook shows, one per section.

Anonymity is applied here, before anything reaches the result: every group table, chart input,
Excel sheet and metric holds only figures of groups large enough to stay anonymous, and comments
are thresholded and redacted (:func:`pmokit.survey.anonymity.safe_comments`).

Pure: no file is read, nothing is displayed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pmokit import fmt
from pmokit.assessment import Assessment, Tile
from pmokit.bands import Band, Rating, grey
from pmokit.survey import anonymity, compare, drivers, likert, nps, summary, tables
from pmokit.survey.comments import frequent_terms, theme_counts

#: Favourability (% favourable of all valid Likert answers): green from 70%, amber from 50%, red below.
FAVOURABILITY_AMBER_BELOW, FAVOURABILITY_RED_BELOW = 70.0, 50.0
#: Response rate: amber below ``response_rate_threshold_pct`` (a parameter), red below 40%.
RESPONSE_RATE_RED_BELOW = 40.0

#: Columns of the significant-differences table (every grouping column in one table).
SIGNIFICANT_COLUMNS = [
    "Grouping",
    "Group",
    "Compared with",
    "Item",
    "Valid answers",
    "Group favourable %",
    "Rest favourable %",
    "Difference (points)",
    "Adjusted p (BH)",
]


def bands(p) -> dict[str, Band]:
    """The thresholds of every figure survey_analysis colours, with their direction.

    ``favourability_pct`` colours the Favourable tile, the verdict and the deck's "people" cell;
    ``response_rate_pct`` colours the Response rate tile, each group's response-rate bar (a group is
    flagged low when its rate is amber or red) and the deck's "quality" cell. The amber threshold of
    the response rate is the parameter ``response_rate_threshold_pct``; red stays at or below it.

    Examples
    --------
    >>> from pmokit.survey.params import SurveyAnalysisParams
    >>> b = bands(SurveyAnalysisParams.model_construct())
    >>> [b["favourability_pct"].rate(v).rag for v in (70, 55, 49.9)]
    ['green', 'amber', 'red']
    >>> [b["response_rate_pct"].rate(v).rag for v in (60, 59.9, 39.9, None)]
    ['green', 'amber', 'red', 'grey']
    """
    threshold = float(p.response_rate_threshold_pct)
    return {
        "favourability_pct": Band(
            "favourability_pct",
            "Favourability",
            "higher_is_better",
            amber=FAVOURABILITY_AMBER_BELOW,
            red=FAVOURABILITY_RED_BELOW,
            fmt="{:g}%",
        ),
        "response_rate_pct": Band(
            "response_rate_pct",
            "Response rate",
            "higher_is_better",
            amber=threshold,
            red=min(RESPONSE_RATE_RED_BELOW, threshold),
            fmt="{:g}%",
        ),
    }


@dataclass
class SurveyResult(Assessment):
    """What :func:`assess` returns: the headline (see :class:`~pmokit.assessment.Assessment`) and every section.

    Every frame here is safe to show and to export: hidden figures are NaN (blank), comments are
    thresholded and redacted.

    Attributes
    ----------
    text : dict
        Section -> the sentence shown under its heading (plain text; the notebook escapes it).
    reasons : dict
        Section -> why it shows no figure or chart (``items``, ``rates``, ``groups``, ``waves``,
        ``drivers``, ``enps``, ``comments``): a section named here is shown as that sentence, never
        as an empty chart, an empty table or a placeholder value.
    scale : list of str
        Answer labels, least to most favourable (the item chart's legend).
    items : DataFrame
        :func:`pmokit.survey.likert.item_table` (counts, shares, Wilson interval per item).
    item_table : DataFrame
        The items with readable headers.
    rate_group : str or None
        The grouping column the headcounts are given for.
    rates : DataFrame or None
        :func:`pmokit.survey.summary.response_rates` with a ``rag`` column (None without headcounts).
    rates_table : DataFrame or None
        The response rates with readable headers.
    breakdowns : dict
        Grouping column -> :class:`pmokit.survey.summary.GroupBreakdown`.
    heatmaps : dict
        PNG name -> (favourable % per group x item, chart title); only groupings with a shown figure.
    group_tests : dict
        Grouping column -> every group x item comparison (shown groups only).
    group_test_counts : DataFrame
        Per grouping column: comparisons made and how many differ significantly.
    significant : DataFrame
        The comparisons that survive Benjamini-Hochberg, every grouping column, largest gaps first.
    waves, waves_table : DataFrame or None
        Wave-over-wave comparison per item (None without a previous wave) and its readable form.
    outcome_name : str
        What the drivers are correlated with.
    drivers, drivers_table : DataFrame
        Driver table and its readable form.
    enps : dict or None
        Overall eNPS with interval (None without a 0-10 question).
    enps_tables : dict
        Grouping column -> eNPS per group (hidden groups blank).
    enps_groups : DataFrame or None
        eNPS per group of the first grouping column (the eNPS chart).
    comments : DataFrame
        Shown comments ``question, group, text``: from large-enough groups, redacted.
    comment_themes, comment_terms, comment_sentiment, comment_examples : DataFrame
        The tables of the Comments section.
    excel_sheets : dict
        Sheets of ``results.xlsx``.
    comments_sheet : DataFrame
        Rows of ``comments.xlsx``.
    comments_csv : DataFrame or None
        Every shown comment for ``comments.csv`` when ``comments.xlsx`` cannot hold them all, else None.
    """

    text: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    scale: list[str] = field(default_factory=list)
    items: pd.DataFrame | None = None
    item_table: pd.DataFrame | None = None
    rate_group: str | None = None
    rates: pd.DataFrame | None = None
    rates_table: pd.DataFrame | None = None
    breakdowns: dict[str, summary.GroupBreakdown] = field(default_factory=dict)
    heatmaps: dict[str, tuple[pd.DataFrame, str]] = field(default_factory=dict)
    group_tests: dict[str, pd.DataFrame] = field(default_factory=dict)
    group_test_counts: pd.DataFrame | None = None
    significant: pd.DataFrame | None = None
    waves: pd.DataFrame | None = None
    waves_table: pd.DataFrame | None = None
    outcome_name: str = ""
    drivers: pd.DataFrame | None = None
    drivers_table: pd.DataFrame | None = None
    enps: dict[str, Any] | None = None
    enps_tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    enps_groups: pd.DataFrame | None = None
    comments: pd.DataFrame | None = None
    comment_themes: pd.DataFrame | None = None
    comment_terms: pd.DataFrame | None = None
    comment_sentiment: pd.DataFrame | None = None
    comment_examples: pd.DataFrame | None = None
    excel_sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    comments_sheet: pd.DataFrame | None = None
    comments_csv: pd.DataFrame | None = None


def _round(value: float | None, digits: int = 1) -> float | None:
    """A figure as recorded: rounded, None when missing (never NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def rate_groups(rates: pd.DataFrame, band: Band) -> pd.DataFrame:
    """Add each group's response-rate colour (``rag``) and flag ``low`` the groups rated amber or red.

    Hidden groups and groups not in the headcount file stay as they are (``rag`` grey): their rate is
    not shown, so it is not rated either.

    Examples
    --------
    >>> from pmokit.bands import Band
    >>> b = Band("response_rate_pct", "Response rate", "higher_is_better", amber=60, red=40)
    >>> t = pd.DataFrame({"group": list("ABCD"), "response_rate_pct": [60.0, 59.0, 39.0, float("nan")],
    ...                   "status": ["ok", "ok", "ok", "hidden"]})
    >>> rate_groups(t, b)[["rag", "status"]].to_numpy().tolist()
    [['green', 'ok'], ['amber', 'low'], ['red', 'low'], ['grey', 'hidden']]
    """
    out = rates.copy()
    rated = out["status"].eq("ok") | out["status"].eq("low")
    out["rag"] = [band.rate(value).rag if shown else "grey" for value, shown in zip(out["response_rate_pct"], rated)]
    out.loc[rated, "status"] = ["low" if rag in ("amber", "red") else "ok" for rag in out.loc[rated, "rag"]]
    return out


def assess(definition, current, p, *, previous=None, population: pd.DataFrame | None = None, rate_group=None):
    """Compute the whole survey report once.

    Parameters
    ----------
    definition : SurveyDefinition
        :func:`pmokit.sources.surveys.read_definition`.
    current : SurveyResponses
        This wave (:func:`pmokit.sources.surveys.read_survey`).
    p : SurveyAnalysisParams
        ``min_group_size``, ``min_comment_group_size``, ``response_rate_threshold_pct``, ``alpha``.
    previous : SurveyResponses, optional
        The previous wave (same definition).
    population : DataFrame, optional
        ``value, headcount`` per group of ``rate_group`` (:func:`pmokit.sources.surveys.read_population`).
    rate_group : str, optional
        The grouping column the headcounts are given for.

    Returns
    -------
    SurveyResult

    Raises
    ------
    InputError
        Fewer complete responses than ``min_group_size`` (the total itself would expose people), or
        no outcome for the driver analysis.
    """
    summary.require_reportable(current.responses, p.min_group_size, current.file)
    if population is not None and rate_group not in current.groups.columns:
        raise ValueError(f"rate_group must name a grouping column of the responses, got {rate_group!r}")
    b = bands(p)
    points, top = definition.points, definition.favourable_top
    text: dict[str, str] = {}

    # ------------------------------------------------------------------ items and favourability
    reasons: dict[str, str] = {}
    items = likert.item_table(current.likert, points, top, definition.bottom, current.items)
    favourability_raw = likert.favourability_pct(current.likert, points, top)
    favourability = _round(favourability_raw)  # recorded and rated: the deck shows this value and colour
    if favourability is None:
        reasons["items"] = (
            f"none of the {fmt.count(len(items), 'item')} has a valid answer: every answer is blank or not applicable"
        )
    answered = items[items["n"] > 0].sort_values("favourable_pct", kind="stable")
    overall_enps = nps.enps(current.nps) if current.nps is not None else None
    if overall_enps is not None and overall_enps["n"] == 0:
        reasons["enps"] = f"the recommendation question '{definition.nps}' has no valid 0-10 answer"
        overall_enps = None
    elif overall_enps is None:
        reasons["enps"] = "the survey has no recommendation (0-10) question"

    # ------------------------------------------------------------------ groups (suppressed)
    breakdowns = {
        name: summary.group_breakdown(current.likert, current.groups[name], points, top, p.min_group_size)
        for name in current.groups.columns
    }
    # ------------------------------------------------------------------ response rates
    rates = rates_table = None
    rate_pct = rate_raw = None
    if population is None:
        reasons["rates"] = "no headcount file was given, so response rates are not computed"
    else:
        rate_raw = 100 * current.responses / population["headcount"].sum()
        rate_pct = _round(rate_raw)
        # the breakdown's own decision: the rates table and the group tables hide the same groups
        rates = summary.response_rates(current.groups[rate_group], population, breakdowns[rate_group].group_hidden)
        rates = rate_groups(rates, b["response_rate_pct"])
        rates_table = tables.rates_display(rates, rate_group)
        text["rates"] = (
            f"Response rate by {rate_group}, coloured by the response-rate band (groups below "
            f"{b['response_rate_pct'].show(b['response_rate_pct'].amber)} of headcount are flagged low); hidden groups "
            f"have fewer than {p.min_group_size} responses, or are hidden with them (the same groups as in every "
            f"table of {rate_group})."
        )

    heatmaps = {
        f"heatmap_{name.lower().replace(' ', '_')}.png": (
            bd.pct,
            f"Favourable % by {name} and item (hidden: fewer than {p.min_group_size})",
        )
        for name, bd in breakdowns.items()
        if bd.pct.notna().any().any()
    }
    unshown = [name for name, bd in breakdowns.items() if not bd.pct.notna().any().any()]
    if not breakdowns:
        reasons["groups"] = "the survey definition names no grouping column"
    elif unshown:
        reasons["groups"] = (
            f"no figure of {', '.join(unshown)} can be shown: every group or group x item cell has fewer than "
            f"{p.min_group_size} answers (or is hidden with one that has)"
        )
    groups_hidden = sum(int(bd.group_hidden.sum()) for bd in breakdowns.values())
    text["groups"] = (
        f"{fmt.count(groups_hidden, 'group')} hidden in total: fewer than {p.min_group_size} respondents, or hidden with "
        f"them so that what is hidden in a breakdown adds up to at least {p.min_group_size} respondents."
    )
    group_tests = {
        name: compare.compare_groups(current.likert, current.groups[name], points, top, ~bd.hidden, p.alpha)
        for name, bd in breakdowns.items()
    }
    significant_count = sum(int(t["significant"].sum()) for t in group_tests.values())
    group_test_counts = pd.DataFrame(
        [
            {"Grouping": name, "Comparisons": len(t), "Significant": int(t["significant"].sum())}
            for name, t in group_tests.items()
        ],
        columns=["Grouping", "Comparisons", "Significant"],
    )
    parts = [tables.significant_display(t).assign(Grouping=name) for name, t in group_tests.items()]
    significant = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=SIGNIFICANT_COLUMNS)
    significant = significant[SIGNIFICANT_COLUMNS]
    text["significant"] = significance_text(significant_count, group_tests)

    # ------------------------------------------------------------------ waves
    waves = waves_table = None
    if previous is None:
        reasons["waves"] = "no previous wave was given"
    else:
        waves = compare.compare_waves(current.likert, previous.likert, points, top, p.alpha)
        waves_table = tables.waves_display(waves)
        if waves.empty:
            reasons["waves"] = "no item has valid answers in both this wave and the previous one"
        text["waves"] = (
            f"{int(waves['significant'].sum())} of {len(waves)} items changed significantly since the previous wave "
            f"({previous.responses} responses)."
        )

    # ------------------------------------------------------------------ drivers
    outcome_name, outcome = summary.outcome_series(current, definition)
    driver_items = current.likert.drop(columns=[definition.outcome] if definition.outcome in current.likert else [])
    driver_table = None
    if outcome is not None and driver_items.shape[1]:
        favourable = items.set_index("item")["favourable_pct"]
        driver_table = drivers.driver_table(driver_items, outcome, favourable, summary.DRIVER_MIN_PAIRS)
    why = summary.drivers_unmeasurable(driver_items, outcome_name, outcome, driver_table)
    if why:
        reasons["drivers"] = why
    if driver_table is None:
        driver_table = drivers.driver_table(driver_items.iloc[:, :0], pd.Series(dtype="float64"), pd.Series())
    priorities = driver_table[driver_table["quadrant"].str.startswith("Priority")].sort_values(
        "correlation", ascending=False
    )
    text["drivers"] = (
        f"Spearman correlation of each item with {outcome_name}; priorities: {', '.join(priorities['item']) or 'none'}."
        if not why
        else ""
    )
    drivers_table = driver_table.rename(
        columns={
            "item": "Item",
            "pairs": "Answer pairs",
            "correlation": "Correlation",
            "favourable_pct": "Favourable %",
            "quadrant": "Quadrant",
        }
    )

    # ------------------------------------------------------------------ eNPS
    enps_tables: dict[str, pd.DataFrame] = {}
    if overall_enps is not None:
        enps_tables = {
            name: summary.enps_groups(current.nps, current.groups[name], bd.group_hidden, p.min_group_size)
            for name, bd in breakdowns.items()
        }
        text["enps"] = (
            f"eNPS {overall_enps['enps']:+.0f} from {overall_enps['n']} answers: "
            f"{overall_enps['promoters_pct']:.0f}% promoters, {overall_enps['detractors_pct']:.0f}% detractors."
        )

    # ------------------------------------------------------------------ comments (thresholded, redacted)
    shown, withheld = anonymity.safe_comments(
        current.comments, current.groups, p.min_comment_group_size, names=current.names
    )
    if not definition.comments:
        reasons["comments"] = "the survey definition names no comment question"
    elif shown.empty:
        reasons["comments"] = (
            "no comment was written"
            if current.comments.empty
            else f"all {fmt.count(withheld, 'comment')} come from groups under {p.min_comment_group_size} people (or hidden "
            "with them) and are withheld"
        )
    text["comments"] = f"{len(shown)} of {len(current.comments)} comments are shown" + (
        f"; {withheld} are withheld: they come from groups under {p.min_comment_group_size} people or the groups "
        f"hidden with them, at least {p.min_comment_group_size} people in all."
        if withheld
        else "."
    )
    comments_sheet, too_many = summary.comment_artefacts(shown)
    text["downloads"] = (
        f"comments.xlsx holds the first {len(comments_sheet)} of {len(shown)} shown comments; all of them are in comments.csv."
        if too_many
        else "Written to the run folder: results.xlsx and comments.xlsx."
    )

    # ------------------------------------------------------------------ metrics, ratings, verdict, tiles
    metrics: dict[str, Any] = {
        "responses": current.responses,
        "excluded_incomplete": current.excluded_incomplete,
        "duplicates_dropped": current.duplicates,
        "response_rate_pct": rate_pct,
        "favourability_pct": favourability,
        "items": len(items),
        "lowest_item": str(answered["item"].iloc[0]) if len(answered) else None,
        "lowest_item_favourable_pct": _round(answered["favourable_pct"].min()) if len(answered) else None,
        "highest_item": str(answered["item"].iloc[-1]) if len(answered) else None,
        "significant_group_differences": significant_count if breakdowns else None,  # no grouping: not measured
        "enps": None,
        "enps_ci_low": None,
        "enps_ci_high": None,
        "enps_answers": None,
        "promoters_pct": None,
        "detractors_pct": None,
        "groups_below_response_threshold": int(rates["status"].eq("low").sum()) if rates is not None else None,
        "groups_hidden": groups_hidden,
        "significant_wave_changes": int(waves["significant"].sum()) if waves is not None else None,
        "top_priority_driver": None if why else str(priorities["item"].iloc[0]) if len(priorities) else "none",
        "comments": len(current.comments),
        "comments_shown": len(shown),
        "comments_withheld": withheld,
    }
    if overall_enps is not None:
        metrics.update(
            enps=_round(overall_enps["enps"]),
            enps_ci_low=_round(overall_enps["ci_low"]),
            enps_ci_high=_round(overall_enps["ci_high"]),
            enps_answers=int(overall_enps["n"]),
            promoters_pct=_round(overall_enps["promoters_pct"]),
            detractors_pct=_round(overall_enps["detractors_pct"]),
        )

    ratings = {
        "favourability_pct": b["favourability_pct"].rate(favourability, missing="no valid Likert answer"),
        "response_rate_pct": b["response_rate_pct"].rate(rate_pct, missing="no headcount file given"),
    }
    rating = verdict_rating(ratings)
    verdict = tables.verdict_text(
        current.responses, favourability_raw, overall_enps, rate_raw, significant_count, answered, bool(breakdowns)
    )
    tiles = headline_tiles(
        current,
        favourability_raw,
        rate_raw,
        metrics,
        overall_enps,
        ratings,
        nps_unanswered=current.nps is not None and overall_enps is None,
        has_groups=bool(breakdowns),
    )

    notes = summary.method_notes(definition, p)
    result = SurveyResult(
        metrics=metrics,
        verdict=verdict,
        rating=rating,
        ratings=ratings,
        bands=b,
        tiles=tiles,
        text=text,
        reasons=reasons,
        scale=list(definition.scale),
        items=items,
        item_table=tables.item_display(items),
        rate_group=rate_group,
        rates=rates,
        rates_table=rates_table,
        breakdowns=breakdowns,
        heatmaps=heatmaps,
        group_tests=group_tests,
        group_test_counts=group_test_counts,
        significant=significant,
        waves=waves,
        waves_table=waves_table,
        outcome_name=outcome_name,
        drivers=driver_table,
        drivers_table=drivers_table,
        enps=overall_enps,
        enps_tables=enps_tables,
        enps_groups=next(iter(enps_tables.values()), None),
        comments=shown,
        comment_themes=theme_counts(shown["text"], definition.comment_themes),
        comment_terms=frequent_terms(shown["text"]),
        comment_sentiment=tables.comment_sentiment(shown),
        comment_examples=tables.comment_examples(shown, definition.comment_themes),
        excel_sheets=summary.excel_sheets(items, breakdowns, group_tests, waves, enps_tables),
        comments_sheet=comments_sheet,
        comments_csv=shown if too_many else None,
    )
    result.notes = {**result.threshold_notes(), **notes}
    return result


def significance_text(significant: int, group_tests: dict[str, pd.DataFrame]) -> str:
    """The sentence of the group-differences section: how many distinct tests, how many survive.

    Examples
    --------
    >>> significance_text(0, {})
    'The survey definition names no grouping column: no group is compared.'
    >>> significance_text(1, {"Team": pd.DataFrame({"versus": ["the rest", "B", "B"]})})
    '1 of 3 group x item comparisons differ significantly; 2 of them compare the only two groups that answered an item, tested once, not once per group.'
    """
    if not group_tests:
        return "The survey definition names no grouping column: no group is compared."
    versus = pd.concat([t["versus"] for t in group_tests.values()], ignore_index=True)
    if versus.empty:
        return "No group x item comparison could be made: no shown group has answers to compare with the others."
    text = f"{significant} of {len(versus)} group x item comparisons differ significantly"
    pairs = int((versus != compare.THE_REST).sum())
    if not pairs:
        return text + " from the rest of the organisation."
    return (
        f"{text}; {pairs} of them compare the only two groups that answered an item, tested once, not once per group."
    )


def verdict_rating(ratings: dict[str, Rating]) -> Rating:
    """The verdict's colour: favourability's rating, the one figure the verdict answers.

    The response rate is rated on its own tile (and deck cell); it does not colour the verdict,
    which says how people feel about the change, not how many answered.

    Examples
    --------
    >>> verdict_rating({"favourability_pct": Rating("amber", "Favourability 57.5%, below 70%")}).rag
    'amber'
    >>> verdict_rating({}).rag
    'grey'
    """
    rating = ratings.get("favourability_pct")
    if rating is None:
        return grey("Favourability: not measured")
    return rating


def responses_note(current) -> str:
    """The Responses tile's note: incomplete responses excluded and responses sent twice counted once.

    >>> from types import SimpleNamespace
    >>> responses_note(SimpleNamespace(excluded_incomplete=2, duplicates=1))
    '2 incomplete excluded; 1 sent twice counted once'
    """
    parts = []
    if current.excluded_incomplete:
        parts.append(f"{current.excluded_incomplete} incomplete excluded")
    if getattr(current, "duplicates", 0):
        parts.append(f"{current.duplicates} sent twice counted once")
    return "; ".join(parts)


def headline_tiles(
    current,
    favourable: float | None,
    rate: float | None,
    metrics: dict[str, Any],
    enps: dict | None,
    ratings: dict[str, Rating],
    *,
    nps_unanswered: bool = False,
    has_groups: bool = True,
) -> list[Tile]:
    """KPI tiles of the headline: responses, response rate, favourable, eNPS, real group differences.

    The response-rate tile is always shown: grey with the reason when no headcount file was given.
    A survey with a 0-10 question nobody answered (``nps_unanswered``) shows the eNPS tile as "—"
    with the reason; one without a grouping column shows no count of group differences.
    """
    favourable = None if favourable is None or math.isnan(favourable) else favourable
    tiles = [
        Tile("Responses", f"{current.responses:,}", note=responses_note(current)),
        Tile(
            "Response rate",
            f"{rate:.0f}%" if rate is not None else "—",
            rag=ratings["response_rate_pct"],
            note="of headcount" if rate is not None else "",
        ),
        Tile("Favourable", f"{favourable:.0f}%" if favourable is not None else "—", rag=ratings["favourability_pct"]),
    ]
    if enps is not None:
        tiles.append(
            Tile("eNPS", f"{enps['enps']:+.0f}", note=f"95% CI {enps['ci_low']:+.0f} to {enps['ci_high']:+.0f}")
        )
    elif nps_unanswered:
        tiles.append(Tile("eNPS", "—", note="no valid 0-10 answer"))
    if not has_groups:
        tiles.append(Tile("Real group differences", "—", note="no grouping column"))
    else:
        tiles.append(
            Tile(
                "Real group differences", str(metrics["significant_group_differences"]), note="after Benjamini-Hochberg"
            )
        )
    return tiles
