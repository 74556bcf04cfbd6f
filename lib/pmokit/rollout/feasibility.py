"""Explain why a rollout cannot be planned, instead of letting the solver say 'infeasible'."""

from __future__ import annotations

import graphlib

import pandas as pd

from pmokit.errors import InputError
from pmokit.rollout.calendar import supported_countries

#: ``value`` is what is wrong (a region, country, site id or cycle), for the check messages.
PROBLEM_COLUMNS = ["site_id", "problem", "detail", "value"]


def problem_line(row) -> str:
    """One problem row as one line: ``<problem>: <detail> (site(s) <ids>)``."""
    sites = f" (site(s) {row['site_id']})" if row["site_id"] else ""
    return f"{row['problem']}: {row['detail']}{sites}"


class InfeasiblePlan(InputError):
    """The inputs cannot give a plan; ``problems`` lists every reason found (one row each).

    The message lists every problem, one line each, after a one-line summary.
    """

    def __init__(self, problems: pd.DataFrame):
        self.problems = problems
        lines = [problem_line(row) for row in problems.to_dict("records")]
        super().__init__(
            None,
            "plan",
            "inputs that can be scheduled",
            f"{len(lines)} problem(s):\n" + "\n".join(f"- {line}" for line in lines),
        )


def input_messages(problems: pd.DataFrame, sites_path=None, capacity_path=None) -> list[str]:
    """Turn :func:`diagnose` rows into one check message per problem, naming file, field and expectation.

    ``sites_path`` / ``capacity_path`` are the files at fault (``None``: the parameter is named
    instead, e.g. ``technicians`` given inline). Used by ``pmokit check`` before any kernel starts.

    Examples
    --------
    >>> rows = pd.DataFrame([{"site_id": "A", "problem": "unknown dependency", "value": "'Z9'",
    ...                       "detail": "depends on 'Z9', which is not in the sites list"}])
    >>> input_messages(rows, "/x/sites.csv")
    ["sites.csv: field 'depends_on': expected site ids from the sites list, got 'Z9' (site A)"]
    """
    files = {"sites": sites_path, "capacity": capacity_path, None: None}
    out = []
    for row in problems.to_dict("records"):
        file, field, expected, got = _CHECKS.get(row["problem"], (None, "plan", "inputs that can be scheduled", None))
        shown = got.format(**row) if got else problem_line(row)
        out.append(str(InputError(files[file], field, expected, shown)))
    return out


#: problem -> (file at fault, field, what is expected, how the found value reads in a check message)
_CHECKS = {
    "region without capacity": (
        "capacity",
        "technicians",
        "technicians for every region that has sites",
        "{detail} (site(s) {site_id})",
    ),
    "crew exceeds the region's technicians": (
        "capacity",
        "technicians",
        "at least crew_size technicians in every region with sites",
        "{detail} (site {site_id})",
    ),
    "unknown country": (
        "sites",
        "country",
        "a country the holidays package has public holidays for",
        "{value} (site(s) {site_id})",
    ),
    "unknown dependency": ("sites", "depends_on", "site ids from the sites list", "{value} (site {site_id})"),
    "dependency cycle": ("sites", "depends_on", "dependencies without a cycle", "the cycle {value}"),
    "unknown pilot site": (None, "pilot", "site ids from the sites list", "{value}"),
    "pilot site depends on a later site": (
        None,
        "pilot",
        "pilot sites that depend only on other pilot sites",
        "{value} {detail}",
    ),
}


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
    DataFrame with ``site_id``, ``problem``, ``detail`` and ``value`` (what is wrong).
    """
    rows: list[dict] = []
    known = set(sites["site_id"])
    for region, group in sites.groupby("region", sort=True):
        techs = technicians.get(region, 0)
        if techs <= 0:
            rows.append(
                {
                    "site_id": ", ".join(group["site_id"].head(3)) + ("..." if len(group) > 3 else ""),
                    "problem": "region without capacity",
                    "value": repr(region),
                    "detail": f"region {region!r} has {len(group)} site(s) but no technicians",
                }
            )
        elif crew_size > techs:
            for sid in group["site_id"]:
                rows.append(
                    {
                        "site_id": sid,
                        "problem": "crew exceeds the region's technicians",
                        "value": repr(region),
                        "detail": f"a crew of {crew_size} is needed but region {region!r} has {techs} technician(s)",
                    }
                )
    supported = supported_countries()
    for country, group in sites.groupby("country", sort=True):
        if country not in supported:
            rows.append(
                {
                    "site_id": ", ".join(group["site_id"].head(3)) + ("..." if len(group) > 3 else ""),
                    "problem": "unknown country",
                    "value": repr(country),
                    "detail": f"{country!r} has no public-holiday calendar in the holidays package",
                }
            )
    for sid, deps in zip(sites["site_id"], sites["depends_on"]):
        for dep in deps:
            if dep not in known:
                rows.append(
                    {
                        "site_id": sid,
                        "problem": "unknown dependency",
                        "value": repr(dep),
                        "detail": f"depends on {dep!r}, which is not in the sites list",
                    }
                )
    cycle = dependency_cycle(sites)
    if cycle:
        rows.append(
            {
                "site_id": cycle[0],
                "problem": "dependency cycle",
                "detail": " -> ".join(cycle),
                "value": " -> ".join(cycle),
            }
        )
    if pilot_ids:
        pilot = set(pilot_ids)
        for sid in pilot - known:
            rows.append(
                {
                    "site_id": sid,
                    "problem": "unknown pilot site",
                    "detail": "listed in pilot but not in the sites list",
                    "value": repr(sid),
                }
            )
        deps_of = dict(zip(sites["site_id"], sites["depends_on"]))
        for sid in sorted(pilot & known):
            outside = [d for d in deps_of[sid] if d in known and d not in pilot]
            if outside:
                rows.append(
                    {
                        "site_id": sid,
                        "problem": "pilot site depends on a later site",
                        "value": sid,
                        "detail": f"depends on {', '.join(outside)}, which are not in the pilot wave",
                    }
                )
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
