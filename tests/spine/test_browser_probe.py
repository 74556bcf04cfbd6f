"""The probe's report in a real headless browser: the injected markup in its data shows as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import browser  # noqa: F401

from pmokit import cli

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_probe_report_offline_and_payload_inert(probe_project: Path, browser) -> None:  # noqa: F811
    out = probe_project / "out"
    assert (
        cli.main(
            [
                "run",
                "-q",
                "--pdf",
                "--notebooks",
                str(probe_project / "notebooks"),
                "--out",
                str(out),
                str(probe_project / "params" / "runner_probe" / "ok.yaml"),
            ]
        )
        == 0
    )
    seen = browser.open(out / "runner_probe" / "ok" / "report.html")
    assert seen.console_errors == [] and seen.requests == [] and seen.broken_images == 0 and seen.images == 1
    assert not seen.xss_ran
    assert "<script>window.__xss=1</script>" in seen.text  # shown as text, not executed
    assert '<img src=x onerror="window.__xss=1">' in seen.text
    pdf = out / "runner_probe" / "ok" / "report.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
