"""Chart alt text states the chart's message, not only its title (issue 14, item 6).

Each figure function of the six areas gets a tiny hand-made frame in the shape its assessment passes
(a few rows, numbers chosen so the message can be worked out on paper); its alt text
(:func:`pmokit.report.figure_alt_text`) must contain the figure worked out by hand in the comment
beside it. Then every ``<img>`` of every bundled report must say more than its title: after
"<title>:" comes a number or a verb.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402

from pmokit import charts, report  # noqa: E402
from pmokit.bands import Band  # noqa: E402
from pmokit.compliance import figures as compliance  # noqa: E402
from pmokit.delivery import figures as delivery  # noqa: E402
from pmokit.rollout import figures as rollout  # noqa: E402
from pmokit.status import figures as status  # noqa: E402
from pmokit.survey import figures as survey  # noqa: E402
from pmokit.workspace import figures as workspace  # noqa: E402

T = pd.Timestamp
DAYS = pd.date_range("2027-01-04", periods=3, freq="D")  # 4, 5, 6 January 2027
WEEKS = pd.date_range("2027-01-04", periods=2, freq="7D")  # weeks of 4 and 11 January 2027


def alt(fig) -> str:
    """The figure's alt text, the figure closed (a test draws dozens)."""
    text = report.figure_alt_text(fig)
    plt.close(fig)
    return text


# --------------------------------------------------------------------------------------- the spine
def test_describe_adds_the_message_after_the_title() -> None:
    fig, ax = plt.subplots()
    ax.set_title("Sites per reason (sites)")
    assert report.figure_alt_text(fig) == "Sites per reason (sites)"  # no message: the title alone
    assert charts.describe(fig, "Top signal:\n inactive (41 sites)") is fig
    assert alt(fig) == "Sites per reason (sites): Top signal: inactive (41 sites)"


# --------------------------------------------------------------------------------------- workspace
def test_workspace_signals() -> None:
    # inactive on 2 of 3 queued sites, every other signal on at most 1 -> top signal inactive (2 sites)
    queue = pd.DataFrame({"signals": [["inactive", "ownerless"], ["inactive"], ["guest_links"]]})
    assert "Top signal: inactive (2 sites)" in alt(workspace.signals_chart(queue, {}))


def test_workspace_trend() -> None:
    # 10 last run - 4 fixed + 3 new = 9 now
    metrics = {"queue_previous_size": 10, "queue_fixed_since_last": 4, "queue_new": 3, "queue_size": 9}
    assert "from 10 sites to 9: 4 fixed, 3 new" in alt(workspace.trend_chart(metrics))


def test_workspace_idle() -> None:
    # inactive after 90 days: 100 and 200 days idle, plus 1 never active = 3 of 4 live sites
    flagged = pd.DataFrame({"days_idle": [5.0, 100.0, 200.0, None]})
    assert "3 live sites of 4 inactive" in alt(workspace.idle_chart(flagged, 90))


def test_workspace_templates() -> None:
    # Communication holds the most storage: 40.6 GB -> "41 GB", on 2 sites
    summary = pd.DataFrame({"Template": ["Team", "Communication"], "Storage used (GB)": [12.4, 40.6], "Sites": [3, 2]})
    assert "Most storage: Communication (41 GB, 2 sites)" in alt(workspace.template_chart(summary))


# --------------------------------------------------------------------------------------- compliance
def test_compliance_by_unit() -> None:
    table = pd.DataFrame(
        {"business_unit": ["Sales", "IT"], "compliance_pct": [80.0, 95.5], "adjusted_compliance_pct": [85.0, 96.0]}
    )
    assert "Lowest: Sales at 80.0%; highest: IT at 95.5%" in alt(compliance.by_unit(table, target=90))


def test_compliance_trend() -> None:
    # 81.0 -> 83.5 -> 86.0: rose from the first to the last of 3 snapshots
    table = pd.DataFrame(
        {"snapshot": [T("2026-11-02"), T("2026-11-09"), T("2026-11-16")], "compliance_pct": [81, 83.5, 86]}
    )
    text = alt(compliance.trend(table))
    assert "Compliance rose from 81.0% to 86.0% over 3 snapshots" in text
    assert "(s)" not in text  # the title counts its snapshots in words too


def test_compliance_aging() -> None:
    # 10 + 5 + 7 + 3 + 2 = 27 non-compliant; past the SLA: 7 + 3 = 10
    table = pd.DataFrame(
        {
            "age_days": ["0-7", "8-14", "15-30", "31+", "unknown"],
            "devices": [10, 5, 7, 3, 2],
            "past_sla": [False, False, True, True, False],
        }
    )
    assert "27 devices non-compliant; 10 in buckets reaching past the 14-day SLA" in alt(compliance.aging(table, 14))


def test_compliance_settings() -> None:
    table = pd.DataFrame(
        {"setting": ["BitLocker", "Wallpaper"], "devices": [12, 30], "kind": ["security control", "housekeeping"]}
    )
    assert "Most failed: Wallpaper (30 devices, housekeeping)" in alt(compliance.settings(table))


# --------------------------------------------------------------------------------------- status
def test_status_rag_grid() -> None:
    # cells: red, green, amber, green -> 1 red, 1 amber, 2 green of 4; the red one is Finance's schedule
    grid = pd.DataFrame([["red", "green"], ["amber", "green"]], index=["Finance", "HR"], columns=["schedule", "budget"])
    assert "1 red, 1 amber, 2 green of 4 cells; red: Finance schedule" in alt(status.rag_grid(grid))


def test_status_milestones() -> None:
    # A slipped 10 days, B 3 days, C on time -> 2 of 3 slipped, the most A by 10 days
    table = pd.DataFrame(
        {
            "milestone": ["A", "B", "C"],
            "baseline": [T("2027-01-04"), T("2027-01-11"), T("2027-01-18")],
            "expected": [T("2027-01-14"), T("2027-01-14"), T("2027-01-18")],
            "actual": [pd.NaT, pd.NaT, pd.NaT],
            "slipped": [True, True, False],
            "overdue": [False, False, False],
            "slip_days": [10, 3, 0],
        }
    )
    text = alt(status.milestone_chart(table, T("2027-01-08")))
    assert "2 of 3 milestones slipped, 0 overdue; most: A by 10 days" in text


# --------------------------------------------------------------------------------------- survey
def test_survey_items() -> None:
    # Q1: (3 + 3) / 10 favourable = 60%; Q2: (1 + 1) / 10 = 20%
    table = pd.DataFrame(
        {
            "item": ["Q1", "Q2"],
            "p1": [1, 4],
            "p2": [1, 3],
            "p3": [2, 1],
            "p4": [3, 1],
            "p5": [3, 1],
            "n": [10, 10],
            "favourable_pct": [60.0, 20.0],
        }
    )
    text = alt(survey.diverging_items(table, ["1", "2", "3", "4", "5"]))
    assert "Lowest favourable: Q2 (20%); highest: Q1 (60%)" in text


def test_survey_heatmap() -> None:
    # shown cells 70, 45, 80 -> lowest 45 (Ops on Q1); the hidden cell is counted
    pct = pd.DataFrame([[70.0, np.nan], [45.0, 80.0]], index=["IT", "Ops"], columns=["Q1", "Q2"])
    assert "Lowest: Ops on Q1 (45% favourable); 1 cell hidden" in alt(survey.group_heatmap(pct, "Favourable %"))


def test_survey_response_rates() -> None:
    # B at 40% is the lowest shown and the one group flagged low (below the 50% amber line); C is hidden
    rates = pd.DataFrame(
        {
            "group": ["A", "B", "C"],
            "response_rate_pct": [80.0, 40.0, np.nan],
            "status": ["ok", "low", "hidden"],
            "rag": ["green", "amber", "grey"],
        }
    )
    band = Band("response_rate_pct", "Response rate", "higher_is_better", amber=50, red=30, fmt="{:.0f}%")
    text = alt(survey.response_rates(rates, band))
    assert "Lowest response rate: B (40%); highest: A (80%); 1 group below 50%" in text


def test_survey_drivers() -> None:
    # medians: correlation 0.4, favourable 60; Pay (0.6, 40%) is the strongest link and the one priority
    drivers = pd.DataFrame(
        {"item": ["Pay", "Team", "Tools"], "correlation": [0.6, 0.2, 0.4], "favourable_pct": [40, 80, 60]}
    )
    text = alt(survey.driver_quadrant(drivers, "eNPS"))
    assert "Strongest link with eNPS: Pay (correlation 0.60, 40% favourable); 1 priority item" in text


def test_survey_enps() -> None:
    overall = {"enps": 12.0, "ci_low": -3.0, "ci_high": 27.0}
    groups = pd.DataFrame(
        {"group": ["Ops", "IT"], "enps": [-20.0, 30.0], "ci_low": [-40.0, 10.0], "ci_high": [0.0, 50.0]}
    )
    text = alt(survey.enps_chart(overall, groups))
    assert "eNPS +12 overall (95% interval -3 to +27); lowest group: Ops (-20)" in text


# --------------------------------------------------------------------------------------- rollout
def test_rollout_gantt() -> None:
    # bars from 4 January to 26 February 2027, regions North and South; S-1 ends 2 days after its baseline
    rows = pd.DataFrame(
        {
            "label": ["S-1", "S-2", "S-3"],
            "region": ["North", "North", "South"],
            "start": [T("2027-01-04"), T("2027-01-18"), T("2027-02-01")],
            "end": [T("2027-01-15"), T("2027-01-29"), T("2027-02-26")],
            "base_start": [T("2027-01-04"), T("2027-01-18"), pd.NaT],
            "base_end": [T("2027-01-13"), T("2027-01-29"), pd.NaT],
        }
    )
    text = alt(rollout.gantt(rows, "Rollout plan per site (dates)"))
    assert "from 2027-01-04 to 2027-02-26 in 3 bars across 2 regions; 1 end later than the baseline" in text


def test_rollout_utilisation() -> None:
    # North's second week 0.9 -> 90%; mean of 50, 90, 70, 30 = 60%
    util = pd.DataFrame([[0.5, 0.9], [0.7, 0.3]], index=["North", "South"], columns=list(WEEKS))
    assert "Busiest: North in the week of 2027-01-11 at 90%; mean 60%" in alt(rollout.utilisation_heatmap(util))


def test_rollout_s_curves() -> None:
    # plan 10 + 20 = 30 devices by 5 January (nothing after); actual 4 + 6 = 10 by 6 January
    curves = {"plan": pd.Series([10, 20, 0], index=DAYS), "actual": pd.Series([0, 4, 6], index=DAYS)}
    text = alt(rollout.s_curves(curves, "Devices deployed (devices)", 30))
    assert "Of 30 devices: plan 30 by 2027-01-05; actual 10 by 2027-01-06" in text


def test_rollout_forecast_fan() -> None:
    fan = pd.DataFrame({q: [0.0, 20.0, 40.0] for q in (5, 15, 50, 85, 95)}, index=DAYS)
    percentiles = {"p50": dt_date("2027-03-03"), "p85": dt_date("2027-03-17")}
    actual = pd.Series([2, 3], index=DAYS[:2])  # 2 + 3 = 5 devices done
    text = alt(rollout.forecast_fan(fan, actual, percentiles, "Forecast (devices)", 40))
    assert "Finish P50 2027-03-03, P85 2027-03-17; 5 of 40 devices done so far" in text


def dt_date(text: str):
    return pd.Timestamp(text).date()


# --------------------------------------------------------------------------------------- delivery
def test_delivery_xmr() -> None:
    # mean of 3, 5, 4, 12 = 6.0; the 12 is the one week flagged outside the limits given
    throughput = pd.Series([3, 5, 4, 12], index=pd.date_range("2027-01-04", periods=4, freq="7D"))
    limits = {"centre": 6.0, "lower": 0.0, "upper": 11.5}
    signals = pd.Series([False, False, False, True], index=throughput.index)
    text = alt(delivery.throughput_xmr(throughput, limits, signals))
    assert "Mean 6.0 items a week over 4 weeks; 1 week outside the limits (0.0 to 11.5)" in text


CYCLE = pd.DataFrame(
    {"done_at": [T("2027-01-04"), T("2027-01-05"), T("2027-01-06"), T("2027-01-07")], "days": [2, 3, 8, 10]}
)
PERCENTILES = {50: 3.0, 85: 8.0, 95: 10.0}


@pytest.mark.parametrize("draw", [delivery.cycle_scatter, delivery.cycle_histogram])
def test_delivery_cycle_times(draw) -> None:
    text = alt(draw(CYCLE, PERCENTILES, "cycle time"))
    assert "4 done items: cycle time P50 3 days, P85 8 days, P95 10 days" in text


def test_delivery_aging() -> None:
    # A 12 days > SLE 8; B 3 days -> 1 of 2 over, the oldest A
    aging = pd.DataFrame(
        {"id": ["A", "B"], "status": ["Doing", "Review"], "age_days": [12, 3], "over_sle": [True, False]}
    )
    text = alt(delivery.aging_chart(aging, 8.0))
    assert "1 of 2 items in progress older than the SLE (8 days); oldest A at 12 days" in text


def test_delivery_run_chart() -> None:
    series = pd.Series([2, 5, 3], index=DAYS)
    text = alt(delivery.run_chart(series, "Work in progress per day (items)", "items in progress"))
    assert "3 items in progress on 2027-01-06; peak 5 on 2027-01-05" in text


def test_delivery_cumulative_flow() -> None:
    table = pd.DataFrame({"done": [1, 3, 5], "in progress": [2, 2, 2], "to do": [7, 5, 3]}, index=DAYS)
    assert "On 2027-01-06: 5 done, 2 in progress, 3 to do" in alt(delivery.cumulative_flow(table))


def test_delivery_burn_up() -> None:
    burn = pd.DataFrame({"scope": [18, 19, 20], "done": [8, 10, 12]}, index=DAYS)
    text = alt(delivery.burn_up(burn, {50: "2027-01-10", 85: "2027-01-17"}))
    assert "12 of 20 items created are done; forecast P50 2027-01-10, P85 2027-01-17" in text


def test_delivery_created_resolved() -> None:
    # created 3 + 4 = 7, done 2 + 5 = 7 over the 2 weeks
    weekly = pd.DataFrame({"created": [3, 4], "done": [2, 5]}, index=WEEKS)
    assert "7 created and 7 done over 2 weeks" in alt(delivery.created_resolved(weekly))


def test_delivery_forecast() -> None:
    weeks = np.array([1] * 86 + [2] * 14)
    dates = {50: "2026-12-18", 85: "2026-12-18", 95: "2026-12-25"}
    text = alt(delivery.forecast_fan(weeks, T("2026-12-11"), dates, remaining=113))
    assert "113 items: P50 2026-12-18, P85 2026-12-18, P95 2026-12-25" in text


def test_delivery_throughput_by_project() -> None:
    # A: (2 + 4) / 2 = 3.0 a week, B: 1.0
    table = pd.DataFrame({"A": [2, 4], "B": [1, 1]}, index=WEEKS)
    assert "2 projects; highest mean: A at 3.0 items a week" in alt(delivery.throughput_by_project(table))


# --------------------------------------------------------------------------------------- the reports
class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alts: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))


#: After "<title>: " the message holds a number or a verb (what a title alone never has).
MESSAGE = re.compile(r":\s+.*(\d|\b(is|are|was|were|rose|fell|held|runs|went|has|have|done|slipped)\b)")


def says_more_than_a_title(alt_text: str | None) -> bool:
    """True when the alt text has a message after its title (see :data:`MESSAGE`).

    Examples
    --------
    >>> says_more_than_a_title("Response rate by group (%)"), says_more_than_a_title(None)
    (False, False)
    >>> says_more_than_a_title("Response rate by group (%): Lowest response rate: B (40%)")
    True
    """
    return bool(alt_text and MESSAGE.search(alt_text))


def report_images(markup: str) -> list[str | None]:
    scan = _Images()
    scan.feed(markup)
    return scan.alts


def test_scan_can_fail() -> None:
    """A hand-made page with one image titled only and one without alt: both are caught."""
    alts = report_images('<img alt="Compliance by unit (%)" src="x"><img src="y"><img alt="T (%): 3 red" src="z">')
    assert [says_more_than_a_title(a) for a in alts] == [False, False, True]


def test_every_report_image_states_its_message(bundled_batch) -> None:
    """Every <img> of every bundled report has alt text with a message after its title."""
    reports = sorted(bundled_batch.out.glob("*/*/report.html"))
    assert reports, "the batch produced no report"
    bare = []
    for path in reports:
        alts = report_images(path.read_text(encoding="utf-8"))
        bare += [f"{path.parent.parent.name}/{path.parent.name}: {a!r}" for a in alts if not says_more_than_a_title(a)]
    assert not bare, f"{len(bare)} images say only their title:\n" + "\n".join(bare[:30])
