"""Capacity-constrained wave planning with OR-Tools CP-SAT.

Each site is one task of one crew lasting ``ceil(devices / (crew * devices_per_technician_day))``
working days of its country's calendar. Its start is chosen among working days; its last day is the
working day ``duration - 1`` working days later (CP-SAT element constraints on the calendar), so the
span stretches over week-ends, public holidays and change freezes. The crew is reserved for the
whole span (a cumulative constraint per region); the objective is the earliest finish, then the
least lateness against target dates.

A serial schedule (place sites one by one at the earliest day that fits), justified forward and
backward, seeds the solver with a complete feasible plan and bounds the horizon. The solver improves
it slice by slice in deterministic time and stops when the plan meets the lower bound, stops
improving, or the effort is spent (:func:`solve`), so the same inputs give the same plan on any
machine, however loaded.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmokit import lazy_module
from pmokit.rollout.calendar import WorkCalendar, parse_workdays
from pmokit.rollout.feasibility import InfeasiblePlan, diagnose

# imported on first use: every kernel imports this module through the workbook registry (rollout params)
cp_model = lazy_module("ortools.sat.python.cp_model")

MAX_HORIZON_DAYS = 365 * 25


@dataclass
class Settings:
    """Everything the planner needs besides the sites and the capacity."""

    start_date: dt.date
    crew_size: int = 2
    devices_per_technician_day: float = 10.0
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    blackouts: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    pilot_soak_days: int = 10
    wave_length_days: int = 14
    solver_effort: float = 0.5
    solver_workers: int = 1
    random_seed: int = 7

    @classmethod
    def from_params(cls, p, start_date: dt.date) -> "Settings":
        """Build settings from the workbook's params model."""
        return cls(
            start_date=start_date,
            crew_size=p.crew_size,
            devices_per_technician_day=p.devices_per_technician_day,
            workdays=parse_workdays(p.workdays),
            blackouts=[(b.start, b.end) for b in p.blackouts],
            pilot_soak_days=p.pilot_soak_days,
            wave_length_days=p.wave_length_days,
            solver_effort=p.solver_effort,
            random_seed=p.random_seed,
        )


@dataclass
class PlanResult:
    """A solved plan and what the report says about it."""

    plan: pd.DataFrame  # one row per site (see ``plan_frame``)
    status: str  # optimal / feasible / hint only
    finish: dt.date
    solver_bound_finish: dt.date  # the solver's proven lower bound on the finish
    lower_bound_finish: dt.date  # capacity / critical-path bound worked out independently
    gap_days: int  # finish - best lower bound, in calendar days
    broad_start: dt.date | None  # first day broad waves may start (None without a pilot)
    calendar: WorkCalendar
    capacity: dict[str, np.ndarray]
    solve_seconds: float  # wall clock of the solver, for information only
    late_sites: int
    lateness_days: int
    tasks: pd.DataFrame | None = None  # the model's integer view of the sites (day offsets)
    solve_effort: float = 0.0  # deterministic time the solver used (reproducible, unlike the seconds)


# ---------------------------------------------------------------------------------- capacity
def technicians_table(capacity: pd.DataFrame | None, technicians: dict[str, int] | None) -> pd.DataFrame:
    """Combine a capacity file and a ``technicians`` mapping (the mapping sets the usual numbers).

    Returns a frame like :func:`pmokit.sources.sites.read_capacity`: ``region, technicians, start, end``.
    """
    frame = (
        capacity.copy()
        if capacity is not None
        else pd.DataFrame(
            {
                "region": pd.Series(dtype="string"),
                "technicians": pd.Series(dtype="int64"),
                "start": pd.Series(dtype="datetime64[ns]"),
                "end": pd.Series(dtype="datetime64[ns]"),
            }
        )
    )
    if technicians:
        frame = frame[~(frame["start"].isna() & frame["region"].isin(list(technicians)))]
        extra = pd.DataFrame(
            {
                "region": list(technicians),
                "technicians": [int(v) for v in technicians.values()],
                "start": pd.NaT,
                "end": pd.NaT,
            }
        )
        frame = pd.concat([frame, extra.astype(frame.dtypes.to_dict())], ignore_index=True)
    return frame.reset_index(drop=True)


def peak_technicians(table: pd.DataFrame) -> dict[str, int]:
    """Region -> the most technicians it has on any day (used to explain infeasibility)."""
    return {str(r): int(v) for r, v in table.groupby("region")["technicians"].max().items()}


def daily_capacity(table: pd.DataFrame, calendar: WorkCalendar, regions) -> dict[str, np.ndarray]:
    """Region -> technicians available on each day of the calendar (dated rows override the usual)."""
    caps = {}
    for region in regions:
        rows = table[table["region"] == region]
        usual = rows[rows["start"].isna()]["technicians"]
        cap = np.full(calendar.horizon, int(usual.iloc[-1]) if len(usual) else 0, dtype=np.int64)
        for row in rows[rows["start"].notna()].itertuples(index=False):
            lo = max(calendar.offset(row.start), 0)
            hi = min(calendar.offset(row.end), calendar.horizon - 1)
            if lo <= hi:
                cap[lo : hi + 1] = int(row.technicians)
        caps[region] = cap
    return caps


# ---------------------------------------------------------------------------------- tasks
def site_duration(devices, crew_size: int, devices_per_technician_day: float):
    """Working days one crew needs: ``ceil(devices / (crew_size * devices_per_technician_day))``.

    Examples
    --------
    >>> int(site_duration(45, 2, 10))  # 45 / 20 = 2.25 -> 3 days
    3
    """
    return np.ceil(np.asarray(devices, dtype=float) / (crew_size * devices_per_technician_day) - 1e-9).astype(int)


def build_tasks(sites: pd.DataFrame, calendar: WorkCalendar, settings: Settings, pilot_ids) -> pd.DataFrame:
    """One row per site with the integers the model uses (offsets from the calendar's origin).

    Optional columns of ``sites`` respected: ``duration`` (overrides the device-based duration,
    used for replans), ``ready_date``, ``target_date``.
    """
    tasks = pd.DataFrame(
        {
            "site_id": sites["site_id"].astype(str).to_numpy(),
            "region": sites["region"].astype(str).to_numpy(),
            "country": sites["country"].astype(str).to_numpy(),
        }
    )
    if "duration" in sites.columns:
        tasks["duration"] = sites["duration"].astype(int).to_numpy()
    else:
        tasks["duration"] = site_duration(sites["devices"], settings.crew_size, settings.devices_per_technician_day)
    tasks["crew"] = settings.crew_size
    ready = sites["ready_date"] if "ready_date" in sites.columns else pd.Series(pd.NaT, index=sites.index)
    target = sites["target_date"] if "target_date" in sites.columns else pd.Series(pd.NaT, index=sites.index)
    tasks["ready"] = [max(calendar.offset(d), 0) if pd.notna(d) else 0 for d in ready]
    tasks["target"] = [calendar.offset(d) if pd.notna(d) else None for d in target]
    tasks["target"] = tasks["target"].astype("Int64")
    position = {sid: i for i, sid in enumerate(tasks["site_id"])}
    tasks["deps"] = [[position[d] for d in deps if d in position] for deps in sites["depends_on"]]
    tasks["pilot"] = tasks["site_id"].isin(set(pilot_ids or []))
    return tasks


def priority_order(tasks: pd.DataFrame, rule: str = "ready") -> list[int]:
    """Topological order of the tasks: pilot first, then by ready day and longest first (``"ready"``)
    or longest first whatever the ready day (``"longest"``, the classic rule for an early finish)."""
    indegree = [len(d) for d in tasks["deps"]]
    children: list[list[int]] = [[] for _ in range(len(tasks))]
    for i, deps in enumerate(tasks["deps"]):
        for j in deps:
            children[j].append(i)
    pilot, ready, duration = tasks["pilot"].to_numpy(), tasks["ready"].to_numpy(), tasks["duration"].to_numpy()
    if rule == "longest":
        key = lambda i: (not pilot[i], -int(duration[i]), int(ready[i]), i)  # noqa: E731
    else:
        key = lambda i: (not pilot[i], int(ready[i]), -int(duration[i]), i)  # noqa: E731
    heap = [key(i) for i in range(len(tasks)) if indegree[i] == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        i = heapq.heappop(heap)[-1]
        order.append(i)
        for c in children[i]:
            indegree[c] -= 1
            if indegree[c] == 0:
                heapq.heappush(heap, key(c))
    return order


def serial_schedule(
    tasks: pd.DataFrame,
    calendar: WorkCalendar,
    caps: dict[str, np.ndarray],
    order: list[int],
    soak: int,
    durations=None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Place tasks one by one, in ``order``, at the earliest working day where the crew fits.

    Used to seed CP-SAT (and by the Monte Carlo forecast with resampled ``durations``). Returns
    ``(start, end)`` day offsets, or None when the calendar's horizon is too short.
    """
    n = len(tasks)
    durations = tasks["duration"].to_numpy() if durations is None else np.asarray(durations)
    start, end = np.full(n, -1), np.full(n, -1)
    usage = {r: np.zeros(calendar.horizon, dtype=np.int64) for r in caps}
    work_days = {c: calendar.working_days(c) for c in tasks["country"].unique()}
    pilot = tasks["pilot"].to_numpy()
    pilot_end = None
    region, country, crew, ready = (tasks[c].to_numpy() for c in ("region", "country", "crew", "ready"))
    deps = tasks["deps"].tolist()
    for i in order:
        est = int(ready[i])
        for j in deps[i]:
            est = max(est, int(end[j]) + 1)
        if pilot.any() and not pilot[i]:
            if pilot_end is None:
                pilot_end = int(end[pilot].max())
            est = max(est, pilot_end + soak + 1)
        days, d = work_days[country[i]], int(durations[i])
        k0 = int(np.searchsorted(days, est))
        count = len(days) - d - k0 + 1
        if count <= 0:
            return None
        starts, ends = days[k0 : k0 + count], days[k0 + d - 1 : k0 + d - 1 + count]
        blocked = np.concatenate(([0], np.cumsum(usage[region[i]] + crew[i] > caps[region[i]])))
        fits = blocked[ends + 1] - blocked[starts] == 0
        k = int(np.argmax(fits))
        if not fits[k]:
            return None
        start[i], end[i] = starts[k], ends[k]
        usage[region[i]][starts[k] : ends[k] + 1] += crew[i]
    return start, end


def justify(
    tasks: pd.DataFrame,
    calendar: WorkCalendar,
    caps: dict[str, np.ndarray],
    schedule: tuple[np.ndarray, np.ndarray],
    soak: int,
    rounds: int = 3,
) -> tuple[np.ndarray, np.ndarray]:
    """Forward-backward improvement of a feasible schedule (double justification).

    Each round shifts every site as late as it can go without passing the finish (latest end
    first), then as early as it can go (earliest start first). A site only ever moves to a slot
    that is free, so the schedule stays feasible, and the finish never gets later; a site that
    was last can move into a gap the others left, which shortens the tail of a list schedule.
    Stops after ``rounds`` rounds or when a round no longer shortens the finish.
    """
    start, end = schedule[0].copy(), schedule[1].copy()
    for _ in range(rounds):
        finish = int(end.max())
        start, end = _shift(tasks, calendar, caps, start, end, soak, late=True, deadline=finish)
        start, end = _shift(tasks, calendar, caps, start, end, soak, late=False, deadline=finish)
        if int(end.max()) >= finish:
            break
    return start, end


def _shift(tasks, calendar, caps, start, end, soak, *, late: bool, deadline: int):
    """Move every site, one at a time, to its latest (``late``) or earliest free slot."""
    start, end = start.copy(), end.copy()
    region, country, crew, ready, duration = (
        tasks[c].to_numpy() for c in ("region", "country", "crew", "ready", "duration")
    )
    deps = tasks["deps"].tolist()
    children: list[list[int]] = [[] for _ in range(len(tasks))]
    for i, parents in enumerate(deps):
        for j in parents:
            children[j].append(i)
    pilot = tasks["pilot"].to_numpy()
    has_pilot = bool(pilot.any() and not pilot.all())
    usage = {r: np.zeros(calendar.horizon, dtype=np.int64) for r in caps}
    for i in range(len(tasks)):
        usage[region[i]][start[i] : end[i] + 1] += crew[i]
    work_days = {c: calendar.working_days(c) for c in np.unique(country)}
    # latest end first when shifting late, earliest start first when shifting early: the sites
    # already moved never stand in the way of the one being moved (they moved away from it)
    order = np.lexsort((np.arange(len(tasks)), -end)) if late else np.lexsort((np.arange(len(tasks)), start))
    for i in order.tolist():
        use = usage[region[i]]
        use[start[i] : end[i] + 1] -= crew[i]
        days, d = work_days[country[i]], int(duration[i])
        if late:
            limit = min([deadline] + [int(start[c]) - 1 for c in children[i]])
            if has_pilot and pilot[i]:
                limit = min(limit, int(start[~pilot].min()) - soak - 1)
            hi = int(np.searchsorted(days, limit, side="right")) - 1  # index of the latest possible end
            lo = int(np.searchsorted(days, int(ready[i]))) + d - 1  # index of the earliest possible end
        else:
            est = max([int(ready[i])] + [int(end[j]) + 1 for j in deps[i]])
            if has_pilot and not pilot[i]:
                est = max(est, int(end[pilot].max()) + soak + 1)
            lo = int(np.searchsorted(days, est)) + d - 1
            hi = int(np.searchsorted(days, int(end[i]), side="right")) - 1
        if lo <= hi:
            ends = days[lo : hi + 1]
            starts = days[lo - d + 1 : hi - d + 2]
            blocked = np.concatenate(([0], np.cumsum(use + crew[i] > caps[region[i]])))
            fits = np.flatnonzero(blocked[ends + 1] - blocked[starts] == 0)
            if len(fits):
                k = int(fits[-1] if late else fits[0])
                start[i], end[i] = int(starts[k]), int(ends[k])
        use[start[i] : end[i] + 1] += crew[i]
    return start, end


# ---------------------------------------------------------------------------------- bounds
def earliest_finish(tasks: pd.DataFrame, calendar: WorkCalendar, soak: int) -> tuple[np.ndarray, np.ndarray]:
    """Earliest start and last day of every site through ready days, dependencies and the pilot
    soak, with unlimited technicians (day offsets; the horizon where the calendar is too short)."""
    n = len(tasks)
    est, finish = np.zeros(n, dtype=np.int64), np.full(n, -1, dtype=np.int64)
    pilot = tasks["pilot"].to_numpy()
    has_pilot = bool(pilot.any())
    ready, country, duration = (tasks[c].to_numpy() for c in ("ready", "country", "duration"))
    deps = tasks["deps"].tolist()
    work_days = {c: calendar.working_days(c) for c in np.unique(country)}
    pilot_end = None
    for i in priority_order(tasks):
        first = max([int(ready[i])] + [int(finish[j]) + 1 for j in deps[i]])
        if has_pilot and not pilot[i]:
            pilot_end = int(finish[pilot].max()) if pilot_end is None else pilot_end
            first = max(first, pilot_end + soak + 1)
        days = work_days[country[i]]
        k = int(np.searchsorted(days, first)) + int(duration[i]) - 1
        est[i] = days[k - int(duration[i]) + 1] if k < len(days) else calendar.horizon
        finish[i] = days[k] if k < len(days) else calendar.horizon
    return est, finish


def lower_bound(tasks: pd.DataFrame, calendar: WorkCalendar, caps: dict[str, np.ndarray], soak: int) -> int:
    """A lower bound on the last day of any plan (day offset), worked out without the solver.

    The larger of (a) the earliest finish through ready days, dependencies and the pilot soak,
    ignoring capacity (:func:`earliest_finish`), and (b) per region and per earliest start ``r``
    of its sites: the first day by which the region's technician-days from ``r`` on (on days any
    of its countries works) add up to the crew-days of the sites that cannot start before ``r``.
    With ``r`` the first day, (b) is the plain capacity bound; later ``r`` count the sites held
    back by the pilot soak or by their ready dates, which no technician can work on before then.
    """
    if not len(tasks):
        return 0
    est, finish = earliest_finish(tasks, calendar, soak)
    bound = int(finish.max())
    regions = tasks["region"].to_numpy()
    work = (tasks["duration"] * tasks["crew"]).to_numpy()
    for region in np.unique(regions):
        members = np.flatnonzero(regions == region)
        any_work = np.zeros(calendar.horizon, dtype=bool)
        for country in np.unique(tasks["country"].to_numpy()[members]):
            any_work |= calendar.working(country)
        # supply[k] = technician-days before day k
        supply = np.concatenate(([0], np.cumsum(np.where(any_work, caps[region], 0))))
        release = np.minimum(est[members], calendar.horizon)
        order = np.argsort(-release, kind="stable")
        released, need = release[order], np.cumsum(work[members][order])
        # for each release day r, the crew-days of the sites released on r or later
        last = np.r_[released[1:] != released[:-1], True]
        target = need[last] + supply[released[last]]
        reached = np.searchsorted(supply, target)  # supply[reached] >= target: the last day is reached - 1
        bound = max(bound, int(reached.max()) - 1)
    return min(bound, calendar.horizon)


# ---------------------------------------------------------------------------------- solver
@dataclass
class _Model:
    model: cp_model.CpModel
    axis: np.ndarray  # calendar offset of each common working day (the model's time unit)
    start: list
    end: list
    makespan: cp_model.IntVar
    lateness: list
    spans: list = field(default_factory=list)  # span length variable per site
    switches: list = field(default_factory=list)  # per site: [(holiday, started after it, ended after it)]
    pilot_end: cp_model.IntVar | None = None  # last day of the pilot (None without a pilot)
    broad: cp_model.IntVar | None = None  # first day broad waves may start
    after_soak: list = field(default_factory=list)  # axis day -> first axis day after it plus the soak
    dues: list = field(default_factory=list)  # (site position, due axis day) of each lateness variable
    pilot_sites: np.ndarray | None = None  # positions of the pilot's sites


def _build_model(
    tasks: pd.DataFrame, calendar: WorkCalendar, caps: dict[str, np.ndarray], soak: int, horizon: int
) -> _Model:
    """CP-SAT model on the axis of common working days (workdays minus freezes, up to ``horizon``).

    Week-ends and freezes are not on the axis, so a site's span on it is its working days plus
    the public holidays of its country that fall inside: ``end - start + 1 = duration +
    #(holidays before end) - #(holidays before start)``, counted with two Booleans per holiday.
    Starts and ends never fall on the country's holidays. This keeps the model linear and small
    where a calendar lookup table would add one Boolean per possible start day.
    """
    model = cp_model.CpModel()
    common = calendar.common_working_days
    axis = common[common < horizon]
    size_axis = len(axis)
    holidays = {c: np.flatnonzero(~calendar.working(c)[axis]) for c in tasks["country"].unique()}
    starts, ends, intervals, spans, switches = [], [], [], [], []
    for row in tasks.itertuples(index=False):
        d, hol = int(row.duration), holidays[row.country]
        first = int(np.searchsorted(axis, row.ready))
        allowed = cp_model.Domain(first, size_axis - 1)
        if len(hol):
            allowed = allowed.intersection_with(cp_model.Domain.from_values(hol.tolist()).complement())
        s = model.new_int_var_from_domain(allowed, f"s_{row.site_id}")
        e = model.new_int_var_from_domain(allowed, f"e_{row.site_id}")
        # holidays before the start and before the end; their difference is the holidays inside
        before_start, before_end, mine = [], [], []
        for h in hol[hol > first].tolist():
            started, ended = model.new_bool_var(f"a_{row.site_id}_{h}"), model.new_bool_var(f"b_{row.site_id}_{h}")
            model.add(s > h).only_enforce_if(started)
            model.add(s < h).only_enforce_if(~started)
            model.add(e > h).only_enforce_if(ended)
            model.add(e < h).only_enforce_if(~ended)
            model.add_implication(started, ended)
            before_start.append(started)
            before_end.append(ended)
            mine.append((h, started, ended))
        span = model.new_int_var(d, d + len(mine), f"len_{row.site_id}")
        model.add(span == d + sum(before_end) - sum(before_start))
        model.add(e == s + span - 1)
        intervals.append(model.new_interval_var(s, span, e + 1, f"span_{row.site_id}"))
        starts.append(s)
        ends.append(e)
        spans.append(span)
        switches.append(mine)
    for i, deps in enumerate(tasks["deps"]):
        for j in deps:
            model.add(starts[i] >= ends[j] + 1)
    pilot = tasks["pilot"].to_numpy()
    pilot_end = broad = None
    after_soak: list = []
    if pilot.any() and not pilot.all():
        pilot_end = model.new_int_var(0, size_axis - 1, "pilot_end")
        model.add_max_equality(pilot_end, [ends[i] for i in np.flatnonzero(pilot)])
        # the soak is in calendar days: look up the first axis day after pilot end + soak
        after_soak = np.searchsorted(axis, axis + soak + 1).tolist()
        broad = model.new_int_var(0, size_axis, "broad_start")
        model.add_element(pilot_end, after_soak, broad)
        for i in np.flatnonzero(~pilot):
            model.add(starts[i] >= broad)
    regions = tasks["region"].to_numpy()
    for region, cap in caps.items():
        members = np.flatnonzero(regions == region)
        if not len(members):
            continue
        on_axis = cap[axis]
        peak = int(on_axis.max())
        # days with fewer technicians than the peak become fixed 'busy' blocks
        blocks, demands = [], []
        for lo, hi, value in _runs(on_axis):
            if value < peak:
                blocks.append(model.new_fixed_size_interval_var(lo, hi - lo + 1, f"busy_{region}_{lo}"))
                demands.append(peak - value)
        model.add_cumulative(
            [intervals[i] for i in members] + blocks, [int(tasks["crew"].iat[i]) for i in members] + demands, peak
        )
    makespan = model.new_int_var(0, size_axis - 1, "finish")
    model.add_max_equality(makespan, ends)
    lateness, dues = [], []
    for i, target in enumerate(tasks["target"]):
        if pd.notna(target):
            # lateness counted in common working days after the target (monotone in calendar days)
            due = int(np.searchsorted(axis, int(target), side="right")) - 1
            late = model.new_int_var(0, size_axis, f"late_{i}")
            model.add(late >= ends[i] - due)
            lateness.append(late)
            dues.append((i, due))
    return _Model(
        model,
        axis,
        starts,
        ends,
        makespan,
        lateness,
        spans,
        switches,
        pilot_end,
        broad,
        after_soak,
        dues,
        np.flatnonzero(pilot),
    )


def _add_hint(built: _Model, start, end) -> None:
    """Hint every variable from a plan given as positions on the model's axis, so CP-SAT starts from it.

    Only a complete hint is taken as the first solution at once (CP-SAT otherwise searches for it).
    """
    model = built.model
    s_pos, e_pos = np.asarray(start), np.asarray(end)
    for i, (sp, ep) in enumerate(zip(s_pos.tolist(), e_pos.tolist())):
        model.add_hint(built.start[i], sp)
        model.add_hint(built.end[i], ep)
        model.add_hint(built.spans[i], ep - sp + 1)
        for h, started, ended in built.switches[i]:
            model.add_hint(started, sp > h)
            model.add_hint(ended, ep > h)
    model.add_hint(built.makespan, int(e_pos.max()))
    if built.pilot_end is not None:
        last = int(e_pos[built.pilot_sites].max())
        model.add_hint(built.pilot_end, last)
        model.add_hint(built.broad, built.after_soak[last])
    for (i, due), late in zip(built.dues, built.lateness):
        model.add_hint(late, max(int(e_pos[i]) - due, 0))


def _runs(values: np.ndarray):
    """Yield ``(first, last, value)`` for each run of equal values."""
    change = np.flatnonzero(np.diff(values)) + 1
    bounds = np.concatenate(([0], change, [len(values)]))
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        yield int(lo), int(hi - 1), int(values[lo])


#: Wall-clock guard of one solve, in seconds per unit of deterministic effort, and its floor: loading
#: a 4,000-site model takes about 30 s on a busy machine whatever the effort. Only a machine far
#: slower than usual reaches it (then the plan may differ between runs); the effort is the real limit.
WALL_GUARD_S_PER_EFFORT = 60.0
WALL_GUARD_FLOOR_S = 300.0
#: Deterministic effort of the first search slice (each next slice doubles it). The search goes on
#: slice by slice from the best plan so far and stops after a slice that did not improve it.
FIRST_SLICE_EFFORT = 0.05


def _solver(effort: float, settings: Settings) -> cp_model.CpSolver:
    """A CP-SAT solver bounded in deterministic time, seeded, with ``settings.solver_workers`` workers.

    Interleaved search (CP-SAT's subsolvers, LNS included, run in fixed batches), one worker and a
    deterministic-time limit make the search reproducible: the same model, seed, effort and
    OR-Tools version give the same plan on any machine, however busy. A wall-clock limit would stop
    the search after whatever work the machine managed in that time.
    """
    solver = cp_model.CpSolver()
    effort = max(float(effort), 0.01)
    solver.parameters.max_deterministic_time = effort
    solver.parameters.max_time_in_seconds = max(WALL_GUARD_S_PER_EFFORT * effort, WALL_GUARD_FLOOR_S)
    solver.parameters.num_workers = settings.solver_workers
    solver.parameters.random_seed = settings.random_seed
    # the whole portfolio (LNS included) interleaved in fixed batches: deterministic, even with one worker
    solver.parameters.interleave_search = True
    # probing the holiday Booleans costs seconds per thousand sites and gains little here
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    return solver


@dataclass
class _Search:
    """What the slices of one objective found: the best plan (axis positions) and the effort spent."""

    start: np.ndarray
    end: np.ndarray
    value: int
    proven: bool = False
    bound: int = 0  # the solver's best bound on the objective
    effort: float = 0.0
    seconds: float = 0.0


def _search(built: _Model, objective, value_of, start, end, budget: float, settings: Settings) -> _Search:
    """Minimise ``objective`` from the plan ``start, end`` (axis positions), slice by slice.

    Each slice is one deterministic solve hinted with the best plan so far, of
    :data:`FIRST_SLICE_EFFORT` units and then twice the previous slice. The search stops when the
    solver proves the best value (it met its bound, the independent lower bound included), after a
    slice that found nothing better (the plan stopped improving), or when ``budget`` units are spent. Every stop is a count of work, never of
    seconds, so the same inputs give the same plan on any machine.
    """
    model = built.model
    model.minimize(objective)
    best = _Search(start, end, value_of(start, end))
    slice_effort = FIRST_SLICE_EFFORT
    while best.effort < budget - 1e-9:
        model.clear_hints()
        _add_hint(built, best.start, best.end)
        solver = _solver(min(slice_effort, budget - best.effort), settings)
        code = solver.solve(model)
        best.effort += solver.deterministic_time
        best.seconds += solver.wall_time
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        best.bound = max(best.bound, int(math.ceil(solver.best_objective_bound - 1e-9)))
        value = int(round(solver.objective_value))
        improved = value < best.value
        if improved or code == cp_model.OPTIMAL:
            best.start = np.array([solver.value(v) for v in built.start])
            best.end = np.array([solver.value(v) for v in built.end])
            best.value = value
        if code == cp_model.OPTIMAL:
            best.proven = True
            break
        if not improved:
            break
        # each slice twice the last: a search that keeps improving gets room without a restart every step
        slice_effort *= 2
    return best


def solve(
    tasks: pd.DataFrame,
    calendar: WorkCalendar,
    caps: dict[str, np.ndarray],
    settings: Settings,
    hint: tuple[np.ndarray, np.ndarray],
    bound: int | None = None,
) -> dict:
    """Improve the plan ``hint`` in two phases: earliest finish, then least total lateness at that finish.

    Parameters
    ----------
    hint : (start, end)
        A feasible plan (calendar day offsets), e.g. a justified serial schedule.
    bound : int, optional
        A lower bound on the finish (day offset, :func:`lower_bound`). The finish search is
        skipped when the hint already meets it, and the solver stops as soon as it does.

    Returns
    -------
    dict
        ``start``, ``end`` (calendar day offsets), ``status`` ("optimal" when the finish is proven
        the earliest, else "feasible"), ``bound`` (the solver's lower bound on the finish, a day
        offset, 0 when the solver did not run), ``seconds`` (wall clock, for information) and
        ``effort`` (deterministic units used). At most ``settings.solver_effort`` units per plan, 70 %
        for the finish and the rest, with what the finish left, for the lateness.
    """
    if bound is not None and int(hint[1].max()) <= bound and not tasks["target"].notna().any():
        # the seed meets the lower bound and no site has a target: nothing left to search for
        return {"start": hint[0], "end": hint[1], "status": "optimal", "bound": 0, "seconds": 0.0, "effort": 0.0}
    horizon = int(max(hint[1])) + 1
    built = _build_model(tasks, calendar, caps, settings.pilot_soak_days, horizon)
    axis = built.axis
    start, end = np.searchsorted(axis, hint[0]), np.searchsorted(axis, hint[1])
    floor = int(np.searchsorted(axis, bound)) if bound is not None else 0
    # a valid cut: no plan finishes before the lower bound, so the solver can prove the best finish
    built.model.add(built.makespan >= floor)
    budget = settings.solver_effort * (0.7 if built.lateness else 1.0)
    status, solver_bound, effort, seconds = "optimal", 0, 0.0, 0.0
    if int(end.max()) > floor:
        found = _search(built, built.makespan, lambda s, e: int(e.max()), start, end, budget, settings)
        start, end, effort, seconds = found.start, found.end, found.effort, found.seconds
        status = "optimal" if found.proven or found.value <= found.bound else "feasible"
        solver_bound = int(axis[min(max(found.bound, floor), len(axis) - 1)])
    if built.lateness:
        model = built.model
        model.add(built.makespan <= int(end.max()))
        dues = np.array([due for _, due in built.dues])
        positions = np.array([i for i, _ in built.dues])

        def lateness(s, e):
            return int(np.maximum(e[positions] - dues, 0).sum())

        if lateness(start, end) > 0:
            found = _search(built, sum(built.lateness), lateness, start, end, settings.solver_effort - effort, settings)
            start, end = found.start, found.end
            effort, seconds = effort + found.effort, seconds + found.seconds
    return {
        "start": axis[start],
        "end": axis[end],
        "status": status,
        "bound": solver_bound,
        "seconds": seconds,
        "effort": effort,
    }


# ---------------------------------------------------------------------------------- pilot
def choose_pilot(sites: pd.DataFrame, seed: int = 7, effort: float = 2.0, ready_by: dt.date | None = None) -> list[str]:
    """Smallest set of sites (by devices) covering every site type and hardware model (CP-SAT).

    Only sites without dependencies are candidates, so the pilot can always go first. Sites
    ready after ``ready_by`` (the start date) are taken only when nothing else covers an item,
    since a late pilot holds back every broad wave. A type or model found only on dependent
    sites is left uncovered (:func:`pilot_coverage` shows it).

    Returns
    -------
    list of str
        The pilot's site ids, in the sites' order.
    """
    free = sites[sites["depends_on"].map(len) == 0]
    if free.empty:
        return []
    late = np.zeros(len(free), dtype=bool)
    if ready_by is not None and "ready_date" in free.columns:
        late = (free["ready_date"].notna() & (free["ready_date"] > pd.Timestamp(ready_by))).to_numpy()
    model = cp_model.CpModel()
    pick = [model.new_bool_var(f"pilot_{sid}") for sid in free["site_id"]]
    for items in _coverage_sets(free).values():
        model.add_bool_or([pick[i] for i in items])
    # lexicographic by weights: late-ready sites first, then devices, then the number of sites
    total = int(free["devices"].sum()) + 1
    weight = [(int(d) + total * int(lt)) * (len(free) + 1) + 1 for d, lt in zip(free["devices"], late)]
    model.minimize(sum(w * v for w, v in zip(weight, pick)))
    solver = cp_model.CpSolver()
    # deterministic: one worker, bounded in deterministic time (see _solver)
    solver.parameters.max_deterministic_time = effort
    solver.parameters.max_time_in_seconds = max(WALL_GUARD_S_PER_EFFORT * effort, 60.0)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return []
    return [sid for sid, v in zip(free["site_id"], pick) if solver.value(v)]


def _coverage_sets(sites: pd.DataFrame) -> dict[str, list[int]]:
    """'type: X' / 'model: Y' -> positions of the sites that have it."""
    sets: dict[str, list[int]] = {}
    for pos, (kind, models) in enumerate(zip(sites["site_type"], sites["hardware_models"])):
        sets.setdefault(f"type: {kind}", []).append(pos)
        for m in models:
            sets.setdefault(f"model: {m}", []).append(pos)
    return sets


def pilot_coverage(sites: pd.DataFrame, pilot_ids: list[str]) -> pd.DataFrame:
    """Each site type and hardware model, how many sites have it, and which pilot site covers it."""
    rows = []
    pilot = set(pilot_ids)
    for key, positions in sorted(_coverage_sets(sites).items()):
        kind, name = key.split(": ", 1)
        ids = [sites["site_id"].iat[p] for p in positions]
        covered = [s for s in ids if s in pilot]
        rows.append({"kind": kind, "name": name, "sites": len(ids), "pilot_sites": ", ".join(covered) or "NOT COVERED"})
    return pd.DataFrame(rows, columns=["kind", "name", "sites", "pilot_sites"])


# ---------------------------------------------------------------------------------- orchestration
def plan_rollout(
    sites: pd.DataFrame, capacity: pd.DataFrame, settings: Settings, pilot_ids: list[str], origin: dt.date | None = None
) -> PlanResult:
    """Plan every site of ``sites`` from ``origin`` (default ``settings.start_date``).

    Parameters
    ----------
    sites : DataFrame
        Canonical sites (optionally with a ``duration`` column that overrides the device count).
    capacity : DataFrame
        ``region, technicians, start, end`` (see :func:`technicians_table`).
    settings : Settings
    pilot_ids : list of str
        The pilot wave (may be empty).

    Raises
    ------
    InfeasiblePlan
        With every reason found (see :func:`pmokit.rollout.feasibility.diagnose`).
    """
    problems = diagnose(sites, peak_technicians(capacity), settings.crew_size, pilot_ids)
    if len(problems):
        raise InfeasiblePlan(problems)
    origin = origin or settings.start_date
    horizon = _initial_horizon(sites, settings, capacity, origin)
    while True:
        calendar = WorkCalendar(origin, horizon, settings.workdays, settings.blackouts)
        caps = daily_capacity(capacity, calendar, sorted(sites["region"].unique()))
        tasks = build_tasks(sites, calendar, settings, pilot_ids)
        # two cheap priority rules; the better serial schedule seeds the solver
        seeds = [
            serial_schedule(tasks, calendar, caps, priority_order(tasks, rule), settings.pilot_soak_days)
            for rule in ("ready", "longest")
        ]
        seeds = [s for s in seeds if s is not None]
        if seeds:
            seed = min(seeds, key=lambda s: int(s[1].max()))
            break
        if horizon >= MAX_HORIZON_DAYS:
            raise InfeasiblePlan(
                pd.DataFrame(
                    [
                        {
                            "site_id": "",
                            "problem": "no window long enough",
                            "detail": "capacity never allows some sites within 25 years; check dated capacity rows",
                        }
                    ]
                )
            )
        horizon = min(horizon * 2, MAX_HORIZON_DAYS)
    # justifying the seed closes most of a list schedule's tail before the solver sees it
    seed = justify(tasks, calendar, caps, seed, settings.pilot_soak_days)
    bound = lower_bound(tasks, calendar, caps, settings.pilot_soak_days)
    solved = solve(tasks, calendar, caps, settings, hint=seed, bound=bound)
    plan = plan_frame(sites, tasks, solved["start"], solved["end"], calendar, settings)
    finish = int(solved["end"].max())
    best_bound = max(bound, solved["bound"])
    pilot = tasks["pilot"].to_numpy()
    broad = int(solved["end"][pilot].max()) + settings.pilot_soak_days + 1 if pilot.any() else None
    return PlanResult(
        plan=plan,
        status=solved["status"],
        finish=calendar.date(finish),
        solver_bound_finish=calendar.date(solved["bound"] or bound),
        lower_bound_finish=calendar.date(bound),
        gap_days=finish - best_bound,
        broad_start=calendar.date(broad) if broad is not None else None,
        calendar=calendar,
        capacity=caps,
        solve_seconds=solved["seconds"],
        solve_effort=solved["effort"],
        late_sites=int((plan["late_days"] > 0).sum()),
        lateness_days=int(plan["late_days"].sum()),
        tasks=tasks,
    )


def _initial_horizon(sites, settings, capacity, origin) -> int:
    durations = site_duration(sites["devices"], settings.crew_size, settings.devices_per_technician_day)
    peaks = peak_technicians(capacity)
    need = 0.0
    for region, total in pd.Series(durations * settings.crew_size).groupby(sites["region"].to_numpy()).sum().items():
        need = max(need, total / max(peaks.get(region, 1), 1))
    ready = sites["ready_date"].dropna() if "ready_date" in sites.columns else pd.Series([], dtype="datetime64[ns]")
    latest = max(((d.date() - origin).days for d in ready), default=0)
    return int(max(latest, 0) + need * 7 / max(len(settings.workdays), 1) * 1.6 + 120 + settings.pilot_soak_days)


def plan_frame(
    sites, tasks, start, end, calendar: WorkCalendar, settings: Settings, broad_start: int | None = None
) -> pd.DataFrame:
    """The plan, one row per site: ``plan.csv`` columns first, then what the report shows."""
    pilot = tasks["pilot"].to_numpy()
    if broad_start is None:
        broad_start = int(end[pilot].max()) + settings.pilot_soak_days + 1 if pilot.any() else int(start.min())
    wave = np.where(pilot, 0, 1 + np.maximum(start - broad_start, 0) // settings.wave_length_days)
    frame = pd.DataFrame(
        {
            "site_id": tasks["site_id"].to_numpy(),
            "wave": wave.astype("int64"),
            "start_date": pd.to_datetime(calendar.dates(start)),
            "end_date": pd.to_datetime(calendar.dates(end)),
            "working_days": tasks["duration"].astype("int64").to_numpy(),
            "crew": tasks["crew"].astype("int64").to_numpy(),
        }
    )
    for col in ("site_name", "region", "country", "devices", "site_type", "ready_date", "target_date"):
        if col in sites.columns:
            frame[col] = sites[col].to_numpy()
    target = tasks["target"]
    frame["late_days"] = [max(0, int(e) - int(t)) if pd.notna(t) else 0 for e, t in zip(end, target)]
    return frame


def wave_summary(plan: pd.DataFrame) -> pd.DataFrame:
    """Sites, devices, first start and last finish per wave (wave 0 is the pilot)."""
    summary = (
        plan.groupby("wave")
        .agg(
            sites=("site_id", "size"),
            devices=("devices", "sum"),
            start=("start_date", "min"),
            finish=("end_date", "max"),
            regions=("region", lambda r: ", ".join(sorted(set(r)))),
            late_sites=("late_days", lambda s: int((s > 0).sum())),
        )
        .reset_index()
    )
    summary.insert(1, "name", ["Pilot" if w == 0 else f"Wave {w}" for w in summary["wave"]])
    return summary


def utilisation(plan: pd.DataFrame, result: PlanResult) -> pd.DataFrame:
    """Technician utilisation per region and ISO week: crew-days booked / technician-days on working days.

    Returns a region x week-start table of fractions (NaN where no technician-day exists).
    """
    cal = result.calendar
    last = int(cal.offset(plan["end_date"].max().date())) + 1
    days = pd.to_datetime(cal.dates(range(last)))
    week = days - pd.to_timedelta(days.day_of_week, unit="D")
    rows = {}
    for region, group in plan.groupby("region"):
        booked = np.zeros(last)
        any_work = np.zeros(last, dtype=bool)
        for row in group.itertuples(index=False):
            lo, hi = cal.offset(row.start_date.date()), cal.offset(row.end_date.date())
            work = cal.working(row.country)[lo : hi + 1]
            booked[lo : hi + 1] += row.crew * work
        for country in group["country"].unique():
            any_work |= cal.working(country)[:last]
        supply = np.where(any_work, result.capacity[region][:last], 0)
        frame = pd.DataFrame({"week": week, "booked": booked, "supply": supply}).groupby("week").sum()
        rows[region] = frame["booked"] / frame["supply"].replace(0, np.nan)
    return pd.DataFrame(rows).T
