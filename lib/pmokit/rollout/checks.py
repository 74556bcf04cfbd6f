"""Explain why a rollout cannot be planned, instead of letting the solver say 'infeasible'."""

from __future__ import annotations

import graphlib

import pandas as pd

from pmokit.errors import InputError
from pmokit.rollout.calendar import supported_countries

PROBLEM_COLUMNS = ["site_id", "problem", "detail"]


class InfeasiblePlan(InputError):
    """The inputs cannot give a plan; ``problems`` lists every reason found (one row each)."""

    def __init__(self, problems: pd.DataFrame):
        self.problems = problems
        first = problems.iloc[0]
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(None, "plan", "inputs that can be scheduled",
                         f"{first['problem']}: {first['detail']}{more}")


def dependency_cycle(sites: pd.DataFrame) -> list[str]:
    """Return one dependency cycle as ``[a, b, ..., a]``, or ``[]`` when there is none.

    Examples
    --------
    >>> s = pd.DataFrame({"site_id": ["A", "B", "C"], "depends_on": [["C"], ["A"], ["B"]]})
    >>> len(dependency_cycle(s))
    4
    """
    known = set(sites["site_id"])
    graph = {sid: [d for d in deps if d in known] for sid, deps in zip(sites["site_id"], sites["depends_on"])}
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return []


def diagnose(
    sites: pd.DataFrame,
    technicians: dict[str, int],
    crew_size: int,
    pilot_ids: list[str] | None = None,
) -> pd.DataFrame:
    """List every reason the sites cannot be planned (empty frame when none).

    Parameters
    ----------
    sites : DataFrame
        Canonical sites table (``pmokit.sources.sites.read_sites``).
    technicians : dict
        Region -> the most technicians the region ever has.
    crew_size : int
        Technicians working one site together.
    pilot_ids : list of str, optional
        An explicit pilot wave; its sites must exist and may depend only on other pilot sites.

    Returns
    -------
    DataFrame with ``site_id``, ``problem`` and ``detail``.
    """
    rows: list[dict] = []
    known = set(sites["site_id"])
    for region, group in sites.groupby("region", sort=True):
        techs = technicians.get(region, 0)
        if techs <= 0:
            rows.append({"site_id": ", ".join(group["site_id"].head(3)) + ("..." if len(group) > 3 else ""),
                         "problem": "region without capacity",
                         "detail": f"region {region!r} has {len(group)} site(s) but no technicians"})
        elif crew_size > techs:
            for sid in group["site_id"]:
                rows.append({"site_id": sid, "problem": "crew exceeds the region's technicians",
                             "detail": f"a crew of {crew_size} is needed but region {region!r} has {techs} technician(s)"})
    supported = supported_countries()
    for country, group in sites.groupby("country", sort=True):
        if country not in supported:
            rows.append({"site_id": ", ".join(group["site_id"].head(3)) + ("..." if len(group) > 3 else ""),
                         "problem": "unknown country",
                         "detail": f"{country!r} has no public-holiday calendar in the holidays package"})
    for sid, deps in zip(sites["site_id"], sites["depends_on"]):
        for dep in deps:
            if dep not in known:
                rows.append({"site_id": sid, "problem": "unknown dependency",
                             "detail": f"depends on {dep!r}, which is not in the sites list"})
    cycle = dependency_cycle(sites)
    if cycle:
        rows.append({"site_id": cycle[0], "problem": "dependency cycle", "detail": " -> ".join(cycle)})
    if pilot_ids:
        pilot = set(pilot_ids)
        for sid in pilot - known:
            rows.append({"site_id": sid, "problem": "unknown pilot site", "detail": "listed in pilot but not in the sites list"})
        deps_of = dict(zip(sites["site_id"], sites["depends_on"]))
        for sid in sorted(pilot & known):
            outside = [d for d in deps_of[sid] if d in known and d not in pilot]
            if outside:
                rows.append({"site_id": sid, "problem": "pilot site depends on a later site",
                             "detail": f"depends on {', '.join(outside)}, which are not in the pilot wave"})
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
