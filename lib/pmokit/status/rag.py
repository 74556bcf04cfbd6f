"""RAG rules: each cell of the deck's dashboard shows the colour a workbook recorded for one figure.

A rule names one metric, ``"<workbook>.<metric>"`` (``"status.<metric>"`` for this workbook's own
RAID and milestone counts), and the workstream and dimension it colours::

    RagRule(workstream="Device compliance", dimension="quality", metric="compliance_report.compliance_pct")

**One colour per figure.** A rule without thresholds (every built-in rule: the registry's deck rules
and the deck's own PMO rules) shows the colour the workbook recorded in ``metrics.json`` as
``<metric>_rag`` (for the metric ``verdict``: ``verdict_rag``): the deck never compares the value
again, so the report of that workbook and the deck show the same colour. A workbook that recorded no
colour gives GREY with the reason; a metric that is itself a RAG word (``delivery_kpis.rag``) is
still accepted. ``done`` (nothing remains) is shown as DONE and ranks like green in the worst-of.

**The PMO's explicit thresholds.** A rule given in the params *with* thresholds is the PMO's own
choice and is evaluated here, as written::

    RagRule(workstream="Device compliance", dimension="quality",
            metric="compliance_report.compliance_pct", amber_below=90, red_below=80)

``*_below`` thresholds mean lower is worse (red when value < red_below), ``*_above`` mean higher is
worse (red when value > red_above). Thresholds may be dates, compared with an ISO date metric
(``forecast_p85_date`` after a deadline). A metric that is missing gives GREY ("no data"), never green.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Mapping

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from pmokit import fmt
from pmokit.bands import LABELS, STATES, worst

DIMENSIONS = ("schedule", "scope", "quality", "people")
#: Words a metric that is itself a colour may hold (``delivery_kpis.rag``).
RAG_WORDS = ("green", "amber", "red", "done")
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


#: The deck's own rules (its RAID and milestone counts), without thresholds: their colours come from
#: the bands of :func:`pmokit.status.assess.bands`, recorded as ``<metric>_rag`` like any workbook's.
PMO_RULES: list[dict] = [
    {"workstream": "PMO", "dimension": "schedule", "metric": "status.milestones_slipped"},
    {"workstream": "PMO", "dimension": "scope", "metric": "status.decisions_needed"},
    {"workstream": "PMO", "dimension": "quality", "metric": "status.overdue_actions"},
]


def default_rules(deck_rules: list[dict] | None = None) -> list[RagRule]:
    """The rules used when the params give none: the workbooks' deck rules, then the PMO rules.

    Parameters
    ----------
    deck_rules : list of dict, optional
        ``{workstream, dimension, metric: "<workbook>.<metric>"}`` without thresholds, handed in by
        the notebook from the workbook registry (this package never imports the registry).
    """
    return [RagRule.model_validate(r) for r in [*(deck_rules or []), *PMO_RULES]]


def has_thresholds(rule: RagRule) -> bool:
    """True for a rule that carries its own thresholds (the PMO's explicit choice)."""
    return any(t is not None for t in (rule.amber_below, rule.red_below, rule.amber_above, rule.red_above))


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
    """A metric value or threshold in a sentence: dates ISO, numbers rounded (:func:`pmokit.fmt.value`)."""
    return fmt.value(value)


def _named(metric: str) -> tuple[str, str]:
    """(workbook, the metric's name in words) of ``"<workbook>.<metric>"``."""
    workbook, key = metric.split(".", 1)
    if key.endswith("_pct") and len(key) > 4:  # the value carries the % sign (:func:`_shown`)
        key = key[:-4]
    return workbook, fmt.label(key)


def _shown(metric: str, value: Any) -> str:
    """A metric's value as its report shows it: ``_pct`` metrics as a percentage."""
    if metric.endswith("_pct") and not isinstance(value, str):
        return fmt.pct(value)
    return _show(value)


def _recorded(rule: RagRule, values: Mapping[str, Any], reasons: Mapping[str, str], raw: Any) -> dict:
    """The colour the workbook recorded for the rule's metric (``<metric>_rag``), with the reason."""
    workbook, name = _named(rule.metric)
    report = f"the {fmt.label(workbook).lower()}"
    state = values.get(f"{rule.metric}_rag")
    word = str(state).strip().lower() if state is not None else ""
    if word == "grey":
        return {"rag": word, "reason": reasons.get(rule.metric) or f"{name}: no data in {report}"}
    if word in STATES:
        if rule.metric.endswith(".verdict"):
            return {"rag": word, "reason": reasons.get(rule.metric) or f"verdict of {report}: {LABELS[word]}"}
        shown = f" {_shown(rule.metric, raw)}" if raw not in (None, "") else ""
        reason = reasons.get(rule.metric) or f"{name}{shown} ({LABELS[word]} in {report})"
        return {"rag": word, "reason": reason}
    if raw is not None and str(raw).strip().lower() in RAG_WORDS:  # the metric is itself a colour
        word = str(raw).strip().lower()
        return {"rag": word, "reason": f"{name}: {LABELS[word]} (as recorded in {report})"}
    if workbook in reasons:  # no run of that workbook: say why
        return {"rag": "grey", "reason": reasons[workbook]}
    if word:
        return {"rag": "grey", "reason": f"{report} recorded {state!r} as the colour of {name}, not a colour"}
    return {"rag": "grey", "reason": f"{report} recorded no colour for {name}"}


def evaluate(rule: RagRule, values: Mapping[str, Any], reasons: Mapping[str, str] | None = None) -> dict:
    """Apply one rule to the metric values (``{"workbook.metric": value}``, colours as ``workbook.metric_rag``).

    Parameters
    ----------
    rule : RagRule
    values : mapping
        Every recorded metric, flattened (:func:`metric_values`).
    reasons : mapping, optional
        ``{"workbook.metric": reason}`` of a recorded colour (the deck's own bands give theirs), and
        ``{workbook: reason}`` for a workbook without a run (shown with its grey cells).

    Returns
    -------
    dict
        The keys of ``RESULT_COLUMNS``; ``reason`` says where the colour came from, in words.

    Examples
    --------
    >>> r = RagRule(workstream="W", dimension="quality", metric="c.pct", amber_below=90, red_below=80)
    >>> evaluate(r, {"c.pct": 85.0})["rag"], evaluate(r, {"c.pct": 79.9})["rag"], evaluate(r, {})["rag"]
    ('amber', 'red', 'grey')
    >>> recorded = RagRule(workstream="W", dimension="quality", metric="compliance_report.compliance_pct")
    >>> evaluate(recorded, {"compliance_report.compliance_pct": 79.94, "compliance_report.compliance_pct_rag": "amber"})[
    ...     "reason"]
    'Compliance 79.9% (AMBER in the compliance report)'
    >>> evaluate(recorded, {"compliance_report.compliance_pct": 79.9})["reason"]
    'the compliance report recorded no colour for Compliance'
    >>> s = RagRule(workstream="D", dimension="schedule", metric="compliance_report.sla_breaches", red_above=25)
    >>> evaluate(s, {"compliance_report.sla_breaches": 132})["reason"]
    'SLA breaches 132 (red above 25)'
    """
    reasons = reasons or {}
    out = {"workstream": rule.workstream, "dimension": rule.dimension, "metric": rule.metric}
    raw = values.get(rule.metric)
    out["value"] = raw
    if not has_thresholds(rule):
        return {**out, **_recorded(rule, values, reasons, raw)}
    workbook, name = _named(rule.metric)
    if raw is None or raw == "":
        return {**out, "rag": "grey", "reason": reasons.get(workbook) or f"{name}: no value recorded"}
    thresholds = [
        ("red", "below", rule.red_below),
        ("amber", "below", rule.amber_below),
        ("red", "above", rule.red_above),
        ("amber", "above", rule.amber_above),
    ]
    given = [(rag, side, t) for rag, side, t in thresholds if t is not None]
    for rag, side, threshold in given:  # red thresholds first: the worst that applies wins
        value = _as_comparable(raw, threshold)
        if value is None:
            reason = f"{name}: {_show(raw)} cannot be compared with {_show(threshold)}"
            return {**out, "rag": "grey", "reason": reason}
        if (side == "below" and value < threshold) or (side == "above" and value > threshold):
            shown = f"{_shown(rule.metric, raw)} ({rag} {side} {_shown(rule.metric, threshold)})"
            return {**out, "rag": rag, "reason": f"{name} {shown}"}
    _, side, laxest = given[-1]  # the amber threshold when given: the one a green value clears
    shown = f"{_shown(rule.metric, raw)}, not {side} {_shown(rule.metric, laxest)}"
    return {**out, "rag": "green", "reason": f"{name} {shown}"}


def evaluate_all(
    rules: list[RagRule], values: Mapping[str, Any], reasons: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Apply every rule; one row per rule with the columns of ``RESULT_COLUMNS``."""
    rows = [evaluate(rule, values, reasons) for rule in rules]
    frame = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    frame["value"] = [("" if v is None or (isinstance(v, float) and v != v) else _show(v)) for v in frame["value"]]
    frame["value"] = frame["value"].astype("string")
    return frame


def dashboard(results: pd.DataFrame) -> pd.DataFrame:
    """Workstream x dimension grid of states (the worst rule of each cell; '' where no rule).

    Workstreams keep the order in which the rules name them; dimensions follow ``DIMENSIONS``. The
    worst-of is :func:`pmokit.bands.worst`: grey is ignored, done ranks like green, and a cell is
    done only when every rule with data in it is done.
    """
    workstreams = list(dict.fromkeys(results["workstream"]))
    grid = pd.DataFrame("", index=pd.Index(workstreams, name="workstream"), columns=list(DIMENSIONS), dtype=object)
    for (ws, dim), group in results.groupby(["workstream", "dimension"], sort=False):
        grid.loc[ws, dim] = worst(group["rag"].tolist())
    return grid


def overall(results: pd.DataFrame, override: RagOverride | None = None) -> dict:
    """The overall state: the worst dimension (:func:`pmokit.bands.worst`), unless an override with
    a written reason is given.

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
    elif computed == "done":
        rule = f"every rule with data is done ({fmt.count(len(results) - unknown, 'rule')})"
    elif computed == "green":
        done = int((results["rag"] == "done").sum())
        rules = fmt.count(len(results) - unknown, "rule")
        rule = (
            f"every rule with data is green ({rules})"
            if not done
            else f"every rule with data is green or done ({rules}, {done} done)"
        )
    else:
        first = deciding.iloc[0]
        more = f"; {fmt.count(len(deciding) - 1, 'more dimension')} {computed}" if len(deciding) > 1 else ""
        rule = f"{first['workstream']} ({first['dimension']}): {first['reason']}{more}"
    if unknown and computed != "grey":
        rule += f"; {fmt.count(unknown, 'rule')} had no data"
    if override is not None:
        return {
            "rag": override.rag,
            "computed": computed,
            "overridden": True,
            "rule": f"override by the PMO (rules gave {LABELS.get(computed, computed.upper())}): {override.reason}",
        }
    return {"rag": computed, "computed": computed, "overridden": False, "rule": rule}


def metric_values(runs: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten run metrics into ``{"workbook.metric": value}`` plus ``{"status.<name>": value}``.

    Parameters
    ----------
    runs : mapping
        workbook -> object with a ``metrics`` dict (a :class:`~pmokit.sources.status_inputs.WorkbookRun`) or a dict.
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
