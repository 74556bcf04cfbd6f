"""Workspace hygiene: SharePoint and Teams sites that need an owner, a clean-up or a review.

Pure functions on the canonical frames of :mod:`pmokit.sources.m365`: no file I/O, no display.
:mod:`.signals` flags each site, :mod:`.queue` ranks the flagged sites, groups them into action lists
and compares the queue with last run's.
"""

from pmokit.workspace.queue import (
    ACTIONS,
    DEFAULT_WEIGHTS,
    action_sheets,
    build_queue,
    owner_actions,
    queue_trend,
    queue_workbook,
)
from pmokit.workspace.signals import (
    GB,
    TB,
    flag_sites,
    sharing_summary,
    storage_hotspots,
    teams_review,
    template_family,
    template_summary,
)
from pmokit.workspace.summary import headline_metrics, metric_definitions, verdict

__all__ = [
    "ACTIONS",
    "DEFAULT_WEIGHTS",
    "GB",
    "TB",
    "action_sheets",
    "build_queue",
    "flag_sites",
    "owner_actions",
    "queue_trend",
    "queue_workbook",
    "headline_metrics",
    "metric_definitions",
    "verdict",
    "sharing_summary",
    "storage_hotspots",
    "teams_review",
    "template_family",
    "template_summary",
]
