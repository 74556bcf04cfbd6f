"""RAG status from readable rules such as ``"p85_days_late > 0"``.

A rule is ``{"rag": "red", "when": "<metric> <op> <number>", "why": "<plain words>"}``. Rules are
tried in order; the first whose metric is known and whose condition holds gives the status, and
the report shows that rule and the evidence (the metric's value). When none holds and every rule
could be tested, the status is green and the evidence lists the values tested; when none holds but
some rule could not be tested (no due date, no finished item to forecast from), it is grey and
the evidence names what is missing: a status is never green or red without evidence.
"""

from __future__ import annotations

import operator
import re
from typing import Any, Mapping, Sequence

from pmokit import fmt
from pmokit.bands import is_missing
from pmokit.errors import InputError

#: Metrics a rule can test (computed per project by :func:`pmokit.delivery.summary.project_outlook`).
RULE_METRICS = {
    "p85_days_late": "days between the due date and the P85 forecast (positive = after the due date)",
    "p50_days_late": "days between the due date and the P50 forecast",
    "aging_share": "share of WIP older than the SLE (0..1)",
    "overdue_items": "open items past their own due date",
    "wip": "items in progress",
    "throughput_per_week": "mean items done per week",
}

DEFAULT_RULES: list[dict[str, Any]] = [
    {"rag": "red", "when": "p85_days_late > 0", "why": "the 85% forecast lands after the due date"},
    {
        "rag": "amber",
        "when": "p50_days_late > -14",
        "why": "the median forecast is less than 2 weeks before the due date",
    },
    {"rag": "amber", "when": "aging_share > 0.25", "why": "over a quarter of WIP is older than the SLE"},
]

_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne}
_RULE = re.compile(r"^\s*([a-z_0-9]+)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")


def parse_rule(rule: Mapping[str, Any]) -> tuple[str, str, float]:
    """Split a rule's ``when`` into (metric, operator, threshold), checking each part.

    Examples
    --------
    >>> parse_rule({"rag": "red", "when": "p85_days_late > 0"})
    ('p85_days_late', '>', 0.0)
    """
    when = str(rule.get("when", ""))
    match = _RULE.match(when)
    if not match or str(rule.get("rag", "")).lower() not in ("red", "amber", "green"):
        raise InputError(None, "rag_rules", "rules like {rag: red, when: 'p85_days_late > 0'}", repr(dict(rule)))
    metric, op, value = match.groups()
    if metric not in RULE_METRICS:
        raise InputError(None, "rag_rules", f"a metric among {', '.join(RULE_METRICS)}", repr(metric))
    return metric, op, float(value)


def evaluate(evidence: Mapping[str, Any], rules: Sequence[Mapping[str, Any]]) -> tuple[str, str, str]:
    """Return (rag, rule in words, evidence in words) for one project's metrics.

    The report shows both texts, so they read as sentences (never a metric key): see :func:`condition_text`
    and :func:`value_text`.

    Examples
    --------
    >>> evaluate({"p85_days_late": 5, "p50_days_late": -3}, DEFAULT_RULES)
    ('red', 'P85 forecast later than the due date', 'P85 forecast 5 days after the due date')
    >>> evaluate({"p85_days_late": -30, "p50_days_late": -40, "aging_share": 0.1}, DEFAULT_RULES)[2]
    'P85 forecast 30 days before the due date; P50 forecast 40 days before the due date; 10% of items in progress older than the SLE'
    >>> evaluate({"p85_days_late": None, "p50_days_late": None, "aging_share": 0.1}, DEFAULT_RULES)
    ('grey', 'not every rule could be tested', 'missing: P50 forecast against the due date, P85 forecast against the due date')
    """
    tested: dict[str, str] = {}
    missing: set[str] = set()
    for rule in rules:
        metric, op, threshold = parse_rule(rule)
        value = evidence.get(metric)
        if is_missing(value):
            missing.add(metric)
            continue
        tested[metric] = value_text(metric, value)
        if _OPS[op](float(value), threshold):
            return str(rule["rag"]).lower(), condition_text(metric, op, threshold), tested[metric]
    if not tested:
        return "grey", "no rule could be tested", missing_text(missing)
    if missing:
        return "grey", "not every rule could be tested", missing_text(missing)
    return "green", "no rule matched", "; ".join(tested.values())


#: The forecast each "days late" metric compares with the due date.
_FORECASTS = {"p85_days_late": "P85", "p50_days_late": "P50"}

#: Each count-like metric as a noun (singular) and what follows the count.
_COUNTS = {
    "overdue_items": ("overdue open item", ""),
    "wip": ("item", " in progress"),
    "throughput_per_week": ("item", " done per week"),
}

#: A metric's name in the "missing: ..." evidence.
_NAMES = {
    "p85_days_late": "P85 forecast against the due date",
    "p50_days_late": "P50 forecast against the due date",
    "aging_share": "share of items in progress older than the SLE",
    "overdue_items": "overdue open items",
    "wip": "items in progress",
    "throughput_per_week": "items done per week",
}

#: Comparisons in words: for a date ("later than the due date"), for an amount ("more than 3 items").
_DATE_WORDS = {
    ">": "later than",
    ">=": "on or after",
    "<": "earlier than",
    "<=": "on or before",
    "==": "on",
    "!=": "not on",
}
_AMOUNT_WORDS = {
    ">": "more than",
    ">=": "at least",
    "<": "less than",
    "<=": "at most",
    "==": "exactly",
    "!=": "other than",
}


def value_text(metric: str, value: Any) -> str:
    """One tested metric value in words.

    Examples
    --------
    >>> value_text("p85_days_late", 7), value_text("p50_days_late", -12), value_text("p85_days_late", 0)
    ('P85 forecast 7 days after the due date', 'P50 forecast 12 days before the due date', 'P85 forecast on the due date')
    >>> value_text("aging_share", 0.1), value_text("overdue_items", 1), value_text("throughput_per_week", 2.5)
    ('10% of items in progress older than the SLE', '1 overdue open item', '2.5 items done per week')
    """
    if metric in _FORECASTS:
        return f"{_FORECASTS[metric]} forecast {'on ' if round(float(value)) == 0 else ''}{_from_due(value)}"
    if metric == "aging_share":
        return f"{_share(value)} of items in progress older than the SLE"
    noun, tail = _COUNTS[metric]
    return f"{fmt.count(value, noun)}{tail}"


def condition_text(metric: str, op: str, threshold: float) -> str:
    """A rule's condition in words.

    Examples
    --------
    >>> condition_text("p85_days_late", ">", 0), condition_text("p50_days_late", ">", -14)
    ('P85 forecast later than the due date', 'P50 forecast later than 14 days before the due date')
    >>> condition_text("aging_share", ">", 0.25), condition_text("wip", ">=", 20)
    ('more than 25% of items in progress older than the SLE', 'at least 20 items in progress')
    """
    if metric in _FORECASTS:
        return f"{_FORECASTS[metric]} forecast {_DATE_WORDS[op]} {_from_due(threshold)}"
    if metric == "aging_share":
        return f"{_AMOUNT_WORDS[op]} {_share(threshold)} of items in progress older than the SLE"
    noun, tail = _COUNTS[metric]
    return f"{_AMOUNT_WORDS[op]} {fmt.count(threshold, noun)}{tail}"


def missing_text(metrics: set[str]) -> str:
    """The metrics no rule could test, named in words (in a fixed order)."""
    return "missing: " + ", ".join(_NAMES[m] for m in sorted(metrics))


def _from_due(days: Any) -> str:
    """A whole number of days relative to the due date: "the due date", "7 days after the due date"."""
    whole = round(float(days))
    if whole == 0:
        return "the due date"
    return f"{fmt.duration_days(abs(whole))} {'after' if whole > 0 else 'before'} the due date"


def _share(fraction: Any) -> str:
    """A share (0..1) as a whole percentage, one decimal when whole would hide it (0.125 -> 12.5%)."""
    percent = float(fraction) * 100
    return fmt.pct(percent, 0 if round(percent, 1).is_integer() else 1)
