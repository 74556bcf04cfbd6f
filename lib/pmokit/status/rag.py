"""RAG rules: each dimension's Red/Amber/Green follows from recorded metrics by written thresholds.

A rule reads one metric, ``"<workbook>.<metric>"`` (``"status.<metric>"`` for this workbook's own
RAID and milestone counts), and compares it with thresholds::

    RagRule(workstream="Device compliance", dimension="quality",
            metric="compliance_report.compliance_pct", amber_below=90, red_below=80)

``*_below`` thresholds mean lower is worse (red when value < red_below), ``*_above`` mean higher is
worse (red when value > red_above). Thresholds may be dates, compared with an ISO date metric
(``forecast_p85_date`` after a deadline). A rule without thresholds expects the metric to be a RAG word
itself (e.g. ``delivery_kpis.rag``). A metric that is missing gives GREY ("no data"), never green.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Mapping

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

DIMENSIONS = ("schedule", "scope", "quality", "people")
#: Severity order: a higher number is worse. Grey (no data) is not ranked against the others.
SEVERITY = {"green": 0, "amber": 1, "red": 2}
RESULT_COLUMNS = ["workstream", "dimension", "metric", "value", "rag", "reason"]

Threshold = float | dt.date | None


class RagRule(BaseModel):
    """One rule: a metric, compared with thresholds, gives one workstream-dimension its RAG."""

    model_config = ConfigDict(extra="forbid")

    workstream: str = Field(description="row of the RAG dashboard, e.g. 'Device compliance'")
    dimension: Literal["schedule", "scope", "quality", "people"]
    metric: str = Field(pattern=r"^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$", description="'<workbook>.<metric>'")
    amber_below: Threshold = None
    red_below: Threshold = None
    amber_above: Threshold = None
    red_above: Threshold = None

    @model_validator(mode="after")
    def _consistent(self) -> "RagRule":
        below = (self.amber_below, self.red_below)
        above = (self.amber_above, self.red_above)
        if any(v is not None for v in below) and any(v is not None for v in above):
            raise ValueError(f"rule for {self.metric}: use either *_below or *_above thresholds, not both")
        if self.amber_below is not None and self.red_below is not None and self.red_below > self.amber_below:
            raise ValueError(f"rule for {self.metric}: red_below must be <= amber_below")
        if self.amber_above is not None and self.red_above is not None and self.red_above < self.amber_above:
            raise ValueError(f"rule for {self.metric}: red_above must be >= amber_above")
        return self


class RagOverride(BaseModel):
    """A PMO judgement that replaces the computed overall RAG; the written reason is shown with it."""

    model_config = ConfigDict(extra="forbid")

    rag: Literal["red", "amber", "green"]
    reason: str = Field(min_length=10, description="why the rules' answer is overridden (shown in the deck)")


#: Rules used when the params give none. Thresholds are PMO conventions; change them in the params.
DEFAULT_RULES: list[dict] = [
    {
        "workstream": "Device rollout",
        "dimension": "schedule",
        "metric": "rollout_plan.spi",
        "amber_below": 0.95,
        "red_below": 0.85,
    },
    {
        "workstream": "Device rollout",
        "dimension": "scope",
        "metric": "rollout_plan.percent_complete",
        "amber_below": 25,
        "red_below": 10,
    },
    {
        "workstream": "Device compliance",
        "dimension": "quality",
        "metric": "compliance_report.compliance_pct",
        "amber_below": 90,
        "red_below": 80,
    },
    {
        "workstream": "Device compliance",
        "dimension": "schedule",
        "metric": "compliance_report.sla_breaches",
        "amber_above": 0,
        "red_above": 25,
    },
    {
        "workstream": "Employee survey",
        "dimension": "people",
        "metric": "survey_analysis.favourability_pct",
        "amber_below": 70,
        "red_below": 60,
    },
    {
        "workstream": "Employee survey",
        "dimension": "quality",
        "metric": "survey_analysis.response_rate_pct",
        "amber_below": 60,
        "red_below": 40,
    },
    {"workstream": "Delivery", "dimension": "schedule", "metric": "delivery_kpis.rag"},
    {"workstream": "Delivery", "dimension": "scope", "metric": "delivery_kpis.wip", "amber_above": 40, "red_above": 60},
    {
        "workstream": "Workspace hygiene",
        "dimension": "scope",
        "metric": "workspace_hygiene.queue_size",
        "amber_above": 50,
        "red_above": 150,
    },
    {
        "workstream": "PMO",
        "dimension": "schedule",
        "metric": "status.milestones_slipped",
        "amber_above": 0,
        "red_above": 2,
    },
    {"workstream": "PMO", "dimension": "scope", "metric": "status.decisions_needed", "amber_above": 1, "red_above": 3},
    {"workstream": "PMO", "dimension": "quality", "metric": "status.overdue_actions", "amber_above": 2, "red_above": 5},
]


def default_rules() -> list[RagRule]:
    """The built-in rules as models (a fresh list each call)."""
    return [RagRule.model_validate(r) for r in DEFAULT_RULES]


def _as_comparable(value: Any, threshold: Any) -> Any:
    """Turn a metric value into the threshold's kind (date or number); None if impossible."""
    if isinstance(threshold, dt.date):
        stamp = pd.to_datetime(str(value), errors="coerce")
        return None if pd.isna(stamp) else stamp.date()
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number  # NaN


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def evaluate(rule: RagRule, values: Mapping[str, Any]) -> dict:
    """Apply one rule to the metric values (``{"workbook.metric": value}``).

    Returns
    -------
    dict
        The keys of ``RESULT_COLUMNS``; ``reason`` says which threshold decided, in words.

    Examples
    --------
    >>> r = RagRule(workstream="W", dimension="quality", metric="c.pct", amber_below=90, red_below=80)
    >>> evaluate(r, {"c.pct": 85.0})["rag"], evaluate(r, {"c.pct": 79.9})["rag"], evaluate(r, {})["rag"]
    ('amber', 'red', 'grey')
    """
    out = {"workstream": rule.workstream, "dimension": rule.dimension, "metric": rule.metric}
    raw = values.get(rule.metric)
    out["value"] = raw
    if raw is None or raw == "":
        return {**out, "rag": "grey", "reason": f"{rule.metric} not available"}
    thresholds = [
        ("red", "below", rule.red_below),
        ("amber", "below", rule.amber_below),
        ("red", "above", rule.red_above),
        ("amber", "above", rule.amber_above),
    ]
    given = [(rag, side, t) for rag, side, t in thresholds if t is not None]
    if not given:  # the metric is itself a RAG word
        word = str(raw).strip().lower()
        if word not in SEVERITY:
            return {**out, "rag": "grey", "reason": f"{rule.metric} = {raw!r} is not Red/Amber/Green"}
        return {**out, "rag": word, "reason": f"{rule.metric} = {word.upper()} (as recorded)"}
    for rag, side, threshold in given:  # red thresholds first: the worst that applies wins
        value = _as_comparable(raw, threshold)
        if value is None:
            return {**out, "rag": "grey", "reason": f"{rule.metric} = {raw!r} cannot be compared with {threshold}"}
        if (side == "below" and value < threshold) or (side == "above" and value > threshold):
            word = "<" if side == "below" else ">"
            return {
                **out,
                "rag": rag,
                "reason": f"{rule.metric} = {_show(raw)} {word} {_show(threshold)} ({rag} {side} {_show(threshold)})",
            }
    _, side, laxest = given[-1]  # the amber threshold when given: the one a green value clears
    return {**out, "rag": "green", "reason": f"{rule.metric} = {_show(raw)}, not {side} {_show(laxest)}"}


def evaluate_all(rules: list[RagRule], values: Mapping[str, Any]) -> pd.DataFrame:
    """Apply every rule; one row per rule with the columns of ``RESULT_COLUMNS``."""
    rows = [evaluate(rule, values) for rule in rules]
    frame = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    frame["value"] = [("" if v is None or (isinstance(v, float) and v != v) else _show(v)) for v in frame["value"]]
    frame["value"] = frame["value"].astype("string")
    return frame


def worst(rags: list[str]) -> str:
    """The worst RAG of a list, ignoring grey; grey when nothing is known.

    Examples
    --------
    >>> worst(["green", "grey", "amber"]), worst(["grey"]), worst([])
    ('amber', 'grey', 'grey')
    """
    known = [r for r in rags if r in SEVERITY]
    return max(known, key=SEVERITY.__getitem__) if known else "grey"


def dashboard(results: pd.DataFrame) -> pd.DataFrame:
    """Workstream x dimension grid of RAG words (the worst rule of each cell; '' where no rule).

    Workstreams keep the order in which the rules name them; dimensions follow ``DIMENSIONS``.
    """
    workstreams = list(dict.fromkeys(results["workstream"]))
    grid = pd.DataFrame("", index=pd.Index(workstreams, name="workstream"), columns=list(DIMENSIONS), dtype=object)
    for (ws, dim), group in results.groupby(["workstream", "dimension"], sort=False):
        grid.loc[ws, dim] = worst(group["rag"].tolist())
    return grid


def overall(results: pd.DataFrame, override: RagOverride | None = None) -> dict:
    """The overall RAG: the worst dimension, unless an override with a written reason is given.

    Returns
    -------
    dict
        ``rag`` (the RAG shown), ``computed`` (what the rules gave), ``overridden`` (bool) and
        ``rule`` (a sentence saying what produced the shown RAG).
    """
    computed = worst(results["rag"].tolist()) if len(results) else "grey"
    deciding = results[results["rag"] == computed] if computed != "grey" else results.iloc[0:0]
    unknown = int((results["rag"] == "grey").sum())
    if computed == "grey":
        rule = "no rule had data: overall status unknown"
    elif computed == "green":
        rule = f"every rule with data is green ({len(results) - unknown} rule(s))"
    else:
        first = deciding.iloc[0]
        more = f" and {len(deciding) - 1} more" if len(deciding) > 1 else ""
        rule = f"worst dimension: {first['workstream']} {first['dimension']}: {first['reason']}{more}"
    if unknown and computed != "grey":
        rule += f"; {unknown} rule(s) had no data"
    if override is not None:
        return {
            "rag": override.rag,
            "computed": computed,
            "overridden": True,
            "rule": f"override by the PMO (rules gave {computed.upper()}): {override.reason}",
        }
    return {"rag": computed, "computed": computed, "overridden": False, "rule": rule}


def metric_values(runs: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten run metrics into ``{"workbook.metric": value}`` plus ``{"status.<name>": value}``.

    Parameters
    ----------
    runs : mapping
        workbook -> object with a ``metrics`` dict (a :class:`~pmokit.sources.status.WorkbookRun`) or a dict.
    own : mapping
        This workbook's own metrics (open_risks, milestones_slipped...).
    """
    values = {}
    for workbook, run in runs.items():
        metrics = run if isinstance(run, Mapping) else getattr(run, "metrics", {})
        for name, value in metrics.items():
            values[f"{workbook}.{name}"] = value
    for name, value in own.items():
        values[f"status.{name}"] = value
    return values
