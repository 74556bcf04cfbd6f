"""Parameters of the compliance_report workbook: the pydantic model (the single declaration of every parameter)
and its input checks, run before any kernel starts."""

from __future__ import annotations

import datetime as dt
import re

from pydantic import Field

from pmokit.errors import InputError
from pmokit.params import InputFile, OptionalInputDir, OptionalInputFile, OptionalStateDir, WorkbookParams
from pmokit.sources import intune


# ---------------------------------------------------------------------------- compliance_report
class ComplianceReportParams(WorkbookParams):
    """Parameters of notebooks/compliance_report.ipynb (device compliance from Intune exports)."""

    title: str = Field("Device compliance", description="report title")
    devices_path: InputFile = Field(
        description="Intune All devices export (DevicesWithInventory_*.csv or its .zip), or the Graph "
        "non-compliant devices report (with _loc columns)",
    )
    settings_path: OptionalInputFile = Field(
        None,
        description="per-device per-setting report: which settings fail (optional)",
    )
    org_path: OptionalInputFile = Field(
        None,
        description="org mapping: UPN -> business unit, site, manager (optional)",
    )
    exceptions_path: OptionalInputFile = Field(
        None,
        description="approved exceptions: device ID or UPN, setting or *, reason, approver, expires (optional)",
    )
    history_dir: OptionalInputDir = Field(None, description="folder of earlier exports (optional)")
    history_pattern: str = Field(
        r"(?P<date>\d{4}-\d{2}-\d{2})",
        description="regex finding a snapshot's date in a file name (group 'date': YYYY-MM-DD or YYYYMMDD)",
    )
    history_store: OptionalStateDir = Field(
        None,
        description="folder of the Parquet history store each run adds its snapshot to, created when missing "
        "(None: history_store/ beside the run folders of this workbook); use one folder per tenant",
    )
    as_of: dt.date | None = Field(
        None, description="report date (default: the date in the export's file name, else its latest check-in)"
    )
    stale_after_days: int = Field(30, ge=1, description="a device not checked in for more days than this is stale")
    sla_days: int = Field(14, ge=0, description="non-compliant for more days than this breaches the SLA")
    min_os_versions: dict[str, str] = Field(
        {},
        description="OS -> minimum version, e.g. {Windows: 10.0.22631} (none by default) (compared as versions: 10.0.9 < 10.0.10)",
    )
    require_encryption: bool = Field(True, description="an unencrypted device fails the baseline")
    housekeeping_settings: list[str] = Field(
        ["Is active", "Has a compliance policy assigned", "Enrolled user exists", "*check-in*", "*sync*"],
        description="patterns (shell-style, case-insensitive) of settings that are hygiene, not security controls",
    )
    expiring_within_days: int = Field(30, ge=1, description="list exceptions expiring within this many days")
    dayfirst: bool = Field(False, description="read ambiguous dates like 03/04/2026 as 3 April")
    columns: dict[str, str] = Field({}, description="device export: canonical field -> header, when headers differ")
    settings_columns: dict[str, str] = Field(
        {}, description="settings report: canonical field (device_id, setting, policy, state) -> header"
    )
    org_columns: dict[str, str] = Field(
        {}, description="org mapping: canonical field (upn, business_unit, site, manager) -> header"
    )
    exceptions_columns: dict[str, str] = Field(
        {}, description="exceptions: canonical field (subject, setting, reason, approver, expires) -> header"
    )

    def check_inputs(self) -> list[str]:
        """Read the headers of every input and report what is wrong, before any kernel starts."""
        problems = []
        checks = [lambda: intune.check_devices(self.devices_path, self.columns)]
        if self.settings_path:
            checks.append(lambda: intune.read_settings(self.settings_path, columns=self.settings_columns))
        if self.org_path:
            checks.append(lambda: intune.read_org(self.org_path, columns=self.org_columns))
        if self.exceptions_path:
            checks.append(
                lambda: intune.read_exceptions(
                    self.exceptions_path, columns=self.exceptions_columns, dayfirst=self.dayfirst
                )
            )
        if self.history_dir:
            checks.append(lambda: intune.list_snapshots(self.history_dir, self.history_pattern))
        for check in checks:
            try:
                check()
            except InputError as exc:
                problems.append(str(exc))
            except re.error as exc:
                problems.append(f"history_pattern: expected a regular expression, got {self.history_pattern!r} ({exc})")
        return problems
