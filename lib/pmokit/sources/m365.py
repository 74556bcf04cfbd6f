"""Microsoft 365 usage reports: SharePoint site usage detail, a staff list, last week's queue.

The SharePoint admin centre (and Graph ``getSharePointSiteUsageDetail``) exports one row per site,
UTF-8 with a BOM, in two layouts: the classic 15 columns and a newer 23-column one that adds the
sensitivity label, the sharing setting and link counts. ``Is Deleted`` is ``True``/``False``;
``Last Activity Date`` is empty for sites that were never used. Since 2021 tenants conceal names by
default: the site URL is blank and the owner's name and UPN are 32-hex hashes. The readers here keep
those hashes as the identifiers (they are stable within a tenant) and flag the rows as concealed.

All file I/O of these inputs lives here; :mod:`pmokit.workspace` works on the frames returned.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from pmokit.errors import InputError
from pmokit.quality import DataQuality
from pmokit.sources import map_columns, parse_dates, parse_numbers, read_table

__all__ = [
    "SHAREPOINT_SITE_COLUMNS",
    "read_site_usage",
    "read_staff_list",
    "read_previous_queue",
    "read_teams_activity",
    "is_hashed",
]

#: Canonical site fields -> the headers Microsoft uses (first 15: classic layout; rest: newer layout).
SITE_ALIASES: dict[str, list[str]] = {
    "refresh_date": ["Report Refresh Date"],
    "site_id": ["Site Id"],
    "site_url": ["Site URL"],
    "owner_name": ["Owner Display Name"],
    "is_deleted": ["Is Deleted"],
    "last_activity": ["Last Activity Date"],
    "file_count": ["File Count"],
    "active_file_count": ["Active File Count"],
    "page_views": ["Page View Count"],
    "visited_pages": ["Visited Page Count"],
    "storage_used": ["Storage Used (Byte)"],
    "storage_allocated": ["Storage Allocated (Byte)"],
    "template": ["Root Web Template"],
    "owner_upn": ["Owner Principal Name"],
    "report_period": ["Report Period"],
    "sensitivity_label": ["Site Sensitivity Label Id"],
    "external_sharing": ["External Sharing"],
    "unmanaged_device_policy": ["Unmanaged Device Policy"],
    "geo_location": ["Geo Location"],
    "anonymous_links": ["Anonymous Link Count"],
    "company_links": ["Company Link Count"],
    "guest_links": ["Secure Link For Guest Count"],
    "member_links": ["Secure Link For Member Count"],
}
SITE_REQUIRED = [
    "refresh_date",
    "site_id",
    "owner_name",
    "is_deleted",
    "last_activity",
    "storage_used",
    "storage_allocated",
    "template",
    "owner_upn",
]
SITE_OPTIONAL = [f for f in SITE_ALIASES if f not in SITE_REQUIRED]
COUNT_FIELDS = ["file_count", "active_file_count", "page_views", "visited_pages"]
LINK_FIELDS = ["anonymous_links", "company_links", "guest_links", "member_links"]

#: Columns of the canonical site table, in order.
SHAREPOINT_SITE_COLUMNS = [
    "site_id",
    "site_url",
    "site",
    "owner_name",
    "owner_upn",
    "owner_key",
    "concealed",
    "is_deleted",
    "last_activity",
    "refresh_date",
    "template",
    "storage_used",
    "storage_allocated",
    *COUNT_FIELDS,
    "report_period",
    "external_sharing",
    *LINK_FIELDS,
    "sensitivity_label",
    "geo_location",
    "layout",
    "file",
]

_HASH = re.compile(r"^[0-9a-f]{32}$", re.IGNORECASE)
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


def is_hashed(values: pd.Series) -> pd.Series:
    """True where a value is a 32-hex hash, as the M365 reports write concealed names.

    Examples
    --------
    >>> is_hashed(pd.Series(["0123456789ABCDEF0123456789abcdef", "ann@contoso.com", ""])).tolist()
    [True, False, False]
    """
    return values.astype("string").fillna("").str.strip().str.match(_HASH).astype(bool)


def parse_flags(values: pd.Series, file: str | Path, field: str) -> pd.Series:
    """Parse ``True``/``False`` (also ``Yes``/``No``, ``1``/``0``; blank is False) or raise.

    Examples
    --------
    >>> parse_flags(pd.Series(["True", "FALSE", ""]), "x.csv", "Is Deleted").tolist()
    [True, False, False]
    """
    text = values.astype("string").fillna("").str.strip().str.lower()
    bad = ~text.isin(_TRUE | _FALSE)
    if bad.any():
        pos = int(bad.to_numpy().argmax())
        raise InputError(file, field, "True or False", f"{values.iloc[pos]!r} (row {pos + 2})")
    return text.isin(_TRUE).astype(bool)


# ----------------------------------------------------------------------------- site usage detail
def read_site_usage(
    paths: str | Path | Iterable[str | Path],
    *,
    columns: Mapping[str, str] | None = None,
    dq: DataQuality | None = None,
) -> pd.DataFrame:
    """Read one or more SharePoint site usage detail exports into one canonical site table.

    Parameters
    ----------
    paths : path or list of paths
        ``.csv`` or ``.xlsx`` exports (several files, e.g. one per geo, are stacked).
    dq : DataQuality, optional
        Receives notes on dropped rows, duplicates, concealed names and Excel re-saves.
    columns : mapping, optional
        Canonical field -> header, for exports whose headers differ (see ``SITE_ALIASES``).

    Returns
    -------
    DataFrame
        Columns ``SHAREPOINT_SITE_COLUMNS``; one row per site id. ``storage_*`` in bytes (float), counts as
        nullable integers, link counts NA in the 15-column layout, ``last_activity`` NaT when the site
        was never active, ``owner_key`` the lower-cased UPN (or hash; '' when the site has no owner).

    Raises
    ------
    InputError
        A required column is missing, ``Is Deleted`` is not True/False, a ``Site Id`` is blank in
        every row, or the refresh date cannot be read.
    """
    files = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not files:
        raise InputError(None, "sites_path", "at least one SharePoint site usage export", "no file")
    frames = [_read_one_site_file(Path(f), dq, columns) for f in files]
    sites = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    dup = sites["site_id"].str.lower().duplicated(keep="first")
    if dq is not None:
        dq.add(
            ", ".join(Path(f).name for f in files),
            "Site Id",
            "site listed more than once",
            "first row kept",
            rows=int(dup.sum()),
        )
    return sites.loc[~dup].reset_index(drop=True)


def _read_one_site_file(path: Path, dq: DataQuality | None, columns: Mapping[str, str] | None) -> pd.DataFrame:
    raw, _ = read_table(path, dq=dq)
    mapped = map_columns(raw, path, SITE_REQUIRED, SITE_OPTIONAL, mapping=columns, aliases=SITE_ALIASES)
    layout = "23-column" if "anonymous_links" in mapped.columns else "15-column"
    text = mapped.astype("string").fillna("").apply(lambda col: col.str.strip())
    if text.empty:
        raise InputError(path, "(rows)", "at least one site below the header", "only a header row")

    no_id = text["site_id"] == ""
    if no_id.all():
        raise InputError(path, "Site Id", "a site id on every row", "blank in every row")
    if dq is not None:
        dq.add(path, "Site Id", "blank site id", "row dropped", rows=int(no_id.sum()))
    text = text.loc[~no_id]

    out = pd.DataFrame(index=text.index)
    out["site_id"] = text["site_id"].str.lower()  # GUIDs: case carries no meaning, matching needs one
    out["site_url"] = text["site_url"] if "site_url" in text else ""
    out["owner_name"] = text["owner_name"]
    out["owner_upn"] = text["owner_upn"]
    out["owner_key"] = text["owner_upn"].str.lower()
    hashed = is_hashed(text["owner_upn"]) | is_hashed(text["owner_name"])
    out["concealed"] = (hashed | (out["site_url"] == "")).astype(bool)
    out["site"] = out["site_url"].where(out["site_url"] != "", "site " + out["site_id"])
    out["is_deleted"] = parse_flags(text["is_deleted"], path, "Is Deleted")
    out["last_activity"] = parse_dates(text["last_activity"], path, "Last Activity Date", dq=dq)
    out["refresh_date"] = parse_dates(text["refresh_date"], path, "Report Refresh Date", required=True)
    out["template"] = text["template"].where(text["template"] != "", "(blank)")
    out["storage_used"] = _bytes(text["storage_used"], path, "Storage Used (Byte)", dq)
    out["storage_allocated"] = _bytes(text["storage_allocated"], path, "Storage Allocated (Byte)", dq)
    for field in COUNT_FIELDS + LINK_FIELDS + ["report_period"]:
        header = SITE_ALIASES[field][0]
        out[field] = (
            parse_numbers(text[field], path, header, dq=dq).round().astype("Int64")
            if field in text
            else pd.Series(pd.NA, index=text.index, dtype="Int64")
        )
    for field in ["external_sharing", "sensitivity_label", "geo_location"]:
        out[field] = text[field] if field in text else ""
    out["layout"] = layout
    out["file"] = path.name
    _note_site_quirks(out, path, dq)
    _note_blank_columns(out, text, path, dq)
    return out[SHAREPOINT_SITE_COLUMNS].reset_index(drop=True)


#: Field -> (header, what the report does when the column is blank on every row of a file).
BLANK_COLUMN_ACTIONS = {
    "storage_used": ("Storage Used (Byte)", "storage not measured: shown as — (not 0 TB), storage signals not checked"),
    "storage_allocated": ("Storage Allocated (Byte)", "share of allocation not measured: no storage hotspot flagged"),
    "last_activity": ("Last Activity Date", "activity not measured: shown as — (no site called never used)"),
    "anonymous_links": ("Anonymous Link Count", "sharing not measured: shown as — (not 0 sites)"),
    "guest_links": ("Secure Link For Guest Count", "guest links not measured: shown as — (not 0 sites)"),
}


def _note_blank_columns(sites: pd.DataFrame, text: pd.DataFrame, path: Path, dq: DataQuality | None) -> None:
    """One finding per column present in the file but blank on every row (an export with a column
    emptied, or a report whose figures were not computed): a blank column is not a column of zeros."""
    if dq is None or sites.empty:
        return
    for field, (header, action) in BLANK_COLUMN_ACTIONS.items():
        if field in text.columns and (text[field] == "").all():
            dq.add(path, header, "blank in every row", action, rows=len(sites))
    storage_blank = sites["storage_used"].isna()
    if not storage_blank.all():
        dq.add(
            path,
            "Storage Used (Byte)",
            "blank storage figure",
            "site left out of storage used (the total is a lower bound)",
            rows=int(storage_blank.sum()),
        )


def _bytes(values: pd.Series, path: Path, header: str, dq: DataQuality | None) -> pd.Series:
    """Byte counts as floats (blank stays NaN); values Excel turned into ``1.07374E+09`` are noted."""
    sci = values.str.contains(r"^\d(?:\.\d+)?E\+\d+$", case=False, regex=True)
    if dq is not None:
        dq.add(
            path,
            header,
            "byte count in scientific notation (file re-saved in Excel)",
            "read with the precision left (a few MB at most)",
            rows=int(sci.sum()),
        )
    return parse_numbers(values, path, header, dq=dq).astype("float64")


def _note_site_quirks(sites: pd.DataFrame, path: Path, dq: DataQuality | None) -> None:
    if dq is None:
        return
    dq.add(
        path,
        "Owner Principal Name",
        "names concealed by the tenant (32-hex hashes, blank URL)",
        "worked on the hashed identifiers",
        rows=int(sites["concealed"].sum()),
    )
    never = sites["last_activity"].isna()
    if not never.all():  # blank on every row is a column without figures, noted by _note_blank_columns
        dq.add(
            path,
            "Last Activity Date",
            "blank: site never active",
            "counted as inactive (never used)",
            rows=int(never.sum()),
        )
    dq.add(
        path, "Owner Principal Name", "blank owner", "flagged as ownerless", rows=int((sites["owner_key"] == "").sum())
    )
    dates = sites["refresh_date"].dt.normalize().nunique()
    if dates > 1:
        dq.add(
            path,
            "Report Refresh Date",
            f"{dates} different refresh dates in one export",
            "latest used as the report date",
            rows=len(sites),
        )


# ----------------------------------------------------------------------------- staff list
STAFF_ALIASES = {
    "upn": ["User Principal Name", "UserPrincipalName", "UPN", "Email", "Mail", "Email Address"],
    "name": ["Display Name", "DisplayName", "Name", "Full Name"],
    "status": ["Status", "Employment Status", "Account Enabled", "AccountEnabled", "Active"],
    "department": ["Department", "Dept", "Team", "Business Unit"],
}
_ACTIVE = {"active", "current", "employed", "true", "yes", "enabled", "1"}
_LEFT = {"left", "leaver", "inactive", "terminated", "disabled", "false", "no", "departed", "0", "offboarded"}


def read_staff_list(
    path: str | Path, *, columns: Mapping[str, str] | None = None, dq: DataQuality | None = None
) -> pd.DataFrame:
    """Read the current staff list: UPN -> active/left and department.

    ``Status`` may be worded as HR systems do (``Active``/``Left``/``Leaver``/``Terminated``) or as
    Entra ID does (``Account Enabled`` ``True``/``False``). A missing status column means everyone
    listed is active (a plain list of current staff).

    Returns
    -------
    DataFrame
        ``upn`` (lower case), ``name``, ``active`` (bool), ``department`` ('' when unknown).
    """
    path = Path(path)
    raw, _ = read_table(path, dq=dq)
    mapped = map_columns(raw, path, ["upn"], ["name", "status", "department"], mapping=columns, aliases=STAFF_ALIASES)
    text = mapped.astype("string").fillna("").apply(lambda col: col.str.strip())
    blank = text["upn"] == ""
    if dq is not None:
        dq.add(path, "upn", "blank user principal name", "row dropped", rows=int(blank.sum()))
    text = text.loc[~blank]
    if text.empty:
        # An empty staff list would make every site owner look unknown: say so instead.
        raise InputError(path, "upn", "at least one person in the staff list", "no row with a user principal name")
    out = pd.DataFrame({"upn": text["upn"].str.lower()})
    out["name"] = text["name"] if "name" in text else ""
    out["department"] = text["department"] if "department" in text else ""
    if "status" in text:
        status = text["status"].str.lower()
        unknown = ~status.isin(_ACTIVE | _LEFT)
        if unknown.any():
            first = text["status"][unknown].iloc[0]
            raise InputError(
                path,
                "status",
                "Active or Left (or True/False for Account Enabled)",
                f"{first!r} on {int(unknown.sum())} row(s)",
            )
        out["active"] = status.isin(_ACTIVE).astype(bool)
    else:
        out["active"] = True
    dup = out["upn"].duplicated(keep="last")
    if dq is not None:
        dq.add(path, "upn", "person listed more than once", "last row kept", rows=int(dup.sum()))
    return out.loc[~dup].reset_index(drop=True)


# ----------------------------------------------------------------------------- previous queue
QUEUE_ALIASES = {
    "site_id": ["Site Id", "site_id"],
    "rank": ["Rank", "rank"],
    "score": ["Score", "score"],
    "site": ["Site", "site"],
    "reasons": ["Reasons", "Reason", "reasons"],
}


def read_previous_queue(path: str | Path, *, dq: DataQuality | None = None) -> pd.DataFrame:
    """Read last run's queue: the ``Queue`` sheet of ``remediation_queue.xlsx`` or a CSV of it.

    Returns
    -------
    DataFrame
        ``site_id`` (lower case), ``rank`` (Int64, NA when absent), ``score`` (float), ``site``, ``reasons``.
    """
    path = Path(path)
    sheet: str | int = 0
    if path.suffix.lower() in {".xlsx", ".xlsm"} and path.exists():
        names = pd.ExcelFile(path, engine="calamine").sheet_names
        sheet = "Queue" if "Queue" in names else 0
    raw, _ = read_table(path, sheet=sheet, dq=dq)
    mapped = map_columns(raw, path, ["site_id"], ["rank", "score", "site", "reasons"], aliases=QUEUE_ALIASES)
    text = mapped.astype("string").fillna("").apply(lambda col: col.str.strip())
    # A neutralised cell written by report.write_excel starts with an apostrophe: undo that.
    text = text.apply(lambda col: col.str.replace(r"^'(?=[=+\-@])", "", regex=True))
    blank = text["site_id"] == ""
    if dq is not None:
        dq.add(path, "Site Id", "blank site id in last run's queue", "row dropped", rows=int(blank.sum()))
    text = text.loc[~blank]
    out = pd.DataFrame({"site_id": text["site_id"].str.lower()})
    out["rank"] = (
        parse_numbers(text["rank"], path, "Rank", dq=dq).round().astype("Int64")
        if "rank" in text
        else pd.Series(pd.NA, index=text.index, dtype="Int64")
    )
    out["score"] = (
        parse_numbers(text["score"], path, "Score", dq=dq).astype("float64") if "score" in text else float("nan")
    )
    out["site"] = text["site"] if "site" in text else out["site_id"]
    out["reasons"] = text["reasons"] if "reasons" in text else ""
    return out.drop_duplicates("site_id").reset_index(drop=True)


# ----------------------------------------------------------------------------- Teams team activity
TEAMS_ALIASES = {
    "refresh_date": ["Report Refresh Date"],
    "team_id": ["Team Id"],
    "team_name": ["Team Name"],
    "team_type": ["Team Type"],
    "is_deleted": ["Is Deleted"],
    "last_activity": ["Last Activity Date"],
    "active_users": ["Active Users"],
    "active_external_users": ["Active External Users"],
    "guests": ["Guests"],
    "active_channels": ["Active Channels"],
}
TEAMS_COUNTS = ["active_users", "active_external_users", "guests", "active_channels"]


def read_teams_activity(path: str | Path, *, dq: DataQuality | None = None) -> pd.DataFrame:
    """Read the Teams team activity detail export (one row per team; optional input).

    The export names no SharePoint site, so teams are reviewed beside the sites, not joined to them.
    Concealed tenants hash ``Team Name`` like owner names.

    Returns
    -------
    DataFrame
        ``team_id``, ``team_name``, ``team_type``, ``concealed``, ``is_deleted``, ``last_activity``
        (NaT when never active), ``refresh_date`` and the counts ``active_users``,
        ``active_external_users``, ``guests``, ``active_channels`` (Int64, NA when absent).
    """
    path = Path(path)
    raw, _ = read_table(path, dq=dq)
    mapped = map_columns(
        raw,
        path,
        ["team_name", "last_activity", "refresh_date"],
        [k for k in TEAMS_ALIASES if k not in {"team_name", "last_activity", "refresh_date"}],
        aliases=TEAMS_ALIASES,
    )
    text = mapped.astype("string").fillna("").apply(lambda col: col.str.strip())
    out = pd.DataFrame(index=text.index)
    out["team_id"] = text["team_id"].str.lower() if "team_id" in text else ""
    out["team_name"] = text["team_name"]
    out["team_type"] = text["team_type"] if "team_type" in text else ""
    out["concealed"] = is_hashed(text["team_name"])
    out["is_deleted"] = (
        parse_flags(text["is_deleted"], path, "Is Deleted")
        if "is_deleted" in text
        else pd.Series(False, index=text.index)
    )
    out["last_activity"] = parse_dates(text["last_activity"], path, "Last Activity Date", dq=dq)
    out["refresh_date"] = parse_dates(text["refresh_date"], path, "Report Refresh Date", required=True)
    for field in TEAMS_COUNTS:
        out[field] = (
            parse_numbers(text[field], path, TEAMS_ALIASES[field][0], dq=dq).round().astype("Int64")
            if field in text
            else pd.Series(pd.NA, index=text.index, dtype="Int64")
        )
    if dq is not None:
        dq.add(
            path,
            "Team Name",
            "team names concealed by the tenant (32-hex hashes)",
            "worked on the hashed names",
            rows=int(out["concealed"].sum()),
        )
    return out.reset_index(drop=True)
