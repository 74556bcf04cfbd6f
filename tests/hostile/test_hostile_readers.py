"""Reader-level cases of the hostile corpus that the check matrix accepts either way but whose
reading must be exact (empty lists that would mislead a headline)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmokit.errors import InputError
from pmokit.sources import m365


def test_staff_list_with_only_a_header_is_refused(tmp_path: Path) -> None:
    """An HR export of an empty filter: with nobody listed, every site owner would look unknown
    (a queue full of false 'owner unknown' flags), so the reader refuses it in one line."""
    path = tmp_path / "staff.csv"
    path.write_text("User Principal Name,Status,Department\n", encoding="utf-8")
    with pytest.raises(InputError, match="staff.csv: field 'upn': expected at least one person"):
        m365.read_staff_list(path)


def test_site_usage_with_only_a_header_is_refused(tmp_path: Path) -> None:
    header = (
        "Report Refresh Date,Site Id,Site URL,Owner Display Name,Is Deleted,Last Activity Date,"
        "File Count,Active File Count,Page View Count,Visited Page Count,Storage Used (Byte),"
        "Storage Allocated (Byte),Root Web Template,Owner Principal Name,Report Period\n"
    )
    path = tmp_path / "usage.csv"
    path.write_text(header, encoding="utf-8")
    with pytest.raises(InputError, match="usage.csv: field '\\(rows\\)': expected at least one site"):
        m365.read_site_usage(path)
