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
    """Return (rag, rule text, evidence text) for one project's metrics.

    Examples
    --------
    >>> evaluate({"p85_days_late": 5, "p50_days_late": -3}, DEFAULT_RULES)
    ('red', 'p85_days_late > 0', 'p85_days_late = 5')
    >>> evaluate({"p85_days_late": -30, "p50_days_late": -40, "aging_share": 0.1}, DEFAULT_RULES)
    ('green', 'no rule matched', 'p85_days_late = -30; p50_days_late = -40; aging_share = 0.10')
    >>> evaluate({"p85_days_late": None, "p50_days_late": None, "aging_share": 0.1}, DEFAULT_RULES)
    ('grey', 'not every rule could be tested', 'missing: p50_days_late, p85_days_late')
    """
    tested: dict[str, str] = {}
    missing: set[str] = set()
    for rule in rules:
        metric, op, threshold = parse_rule(rule)
        value = evidence.get(metric)
        if is_missing(value):
            missing.add(metric)
            continue
        tested[metric] = _show(value)
        if _OPS[op](float(value), threshold):
            return str(rule["rag"]).lower(), f"{metric} {op} {threshold:g}", f"{metric} = {tested[metric]}"
    if not tested:
        return "grey", "no rule could be tested", "missing: " + ", ".join(sorted(missing))
    if missing:
        return "grey", "not every rule could be tested", "missing: " + ", ".join(sorted(missing))
    return "green", "no rule matched", "; ".join(f"{m} = {v}" for m, v in tested.items())


def _show(value: Any) -> str:
    """A metric value as the evidence shows it (two decimals for fractions, else as is)."""
    if isinstance(value, float) and not float(value).is_integer():
        return f"{value:.2f}"
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)
