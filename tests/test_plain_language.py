"""Reports read as plain language: no metric key, ``(s)``, backslash escape or unrounded float (issue 14).

Every report.html (its visible text), summary.md, index.html and deck of the bundled batch is scanned
for the marks of engineering text that reached a reader: ``site(s)``, a ``metrics.json`` key such
as ``compliance_report.sla_breaches``, ``\\(`` in a Teams post, ``84.8 %`` with a space, a p-value
shown as ``0.000``, ``RED / RED`` and floats with more than three decimals.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from report_scan import _pptx_texts, visible_html_text

#: Checks that apply to every text a reader sees: (what is wrong, pattern).
PATTERNS = [
    ("'(s)' plural", re.compile(r"\w\(s\)")),
    ("space before %", re.compile(r"\d %")),
    ("p-value 0.000", re.compile(r"\bp\s*[=<>]?\s*0\.000\b|\b0\.000\b")),
    ("state word twice", re.compile(r"\b(RED|AMBER|GREEN|DONE|NO DATA) / \1\b")),
    ("unrounded float", re.compile(r"(?<![\w.])-?\d+\.\d{4,}(?![\w.])")),
]
#: Backslash escapes that show when a summary.md is pasted as text.
MD_ESCAPE = re.compile(r"\\[\\`*_{}\[\]()#+!|~>.-]")
#: A snake_case word (two parts or more): the shape of a metric key.
KEY_WORD = re.compile(r"(?<![\w./-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?:\.([a-z][a-z0-9]*(?:_[a-z0-9]+)*))?(?![\w/-])")
#: The report section that deliberately names the params fields and recorded metrics.
NOTES_HEADING = re.compile(r"Method notes\s*¶")  # the heading (with its anchor), not the contents list


def metric_keys(out: Path) -> set[str]:
    """Every key of every metrics.json of the batch (``sla_breaches``, ``compliance_pct_rag``...) and
    every ``workbook.metric`` name."""
    keys: set[str] = set()
    for path in out.glob("*/*/metrics.json"):
        workbook = path.parents[1].name
        data = json.loads(path.read_text(encoding="utf-8"))
        for key in data:
            if "_" in key:
                keys.add(key)
            keys.add(f"{workbook}.{key}")
    return keys


def key_words(text: str, keys: set[str]) -> list[str]:
    """The metric keys that appear as words in ``text``.

    Examples
    --------
    >>> key_words("132 devices past the SLA; compliance_report.sla_breaches = 132", {"sla_breaches",
    ...     "compliance_report.sla_breaches"})
    ['compliance_report.sla_breaches']
    """
    found = []
    for match in KEY_WORD.finditer(text):
        word = match.group(0)
        if word in keys or match.group(1) in keys:
            found.append(word)
    return found


def _before_notes(text: str) -> str:
    """The text up to the method notes (the notes define params fields by their names)."""
    head = NOTES_HEADING.search(text)
    return text[: head.start()] if head else text


def text_findings(text: str, where: str, keys: set[str]) -> list[str]:
    """One line per plain-language problem in one visible text."""
    found = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start = max(0, match.start() - 50)
            snippet = " ".join(text[start : match.end() + 50].split())
            found.append(f"{where}: {kind} {match.group(0)!r} in ...{snippet}...")
    for word in key_words(_before_notes(text), keys):
        found.append(f"{where}: metric key {word!r}")
    return found


def params_names(folder: Path) -> set[str]:
    """The params fields of a run (run.json) and the snake_case words of their values: the report's parameters
    table names the fields on purpose and shows what the user wrote as written (a ``rag_rules`` entry
    ``when: aging_share > 0.25`` is the user's rule, not the report's prose)."""
    try:
        params = json.loads((folder / "run.json").read_text(encoding="utf-8")).get("params") or {}
    except (OSError, ValueError):
        return set()
    written = json.dumps(list(params.values()))
    return set(params) | {m.group(0) for m in KEY_WORD.finditer(written)}


def scan(out: Path) -> list[str]:
    """Every finding over the batch's report.html, summary.md, index.html and decks."""
    every_key = metric_keys(out)
    findings: list[str] = []
    for folder in sorted(p.parent for p in out.glob("*/*/metrics.json")):
        where = f"{folder.parent.name}/{folder.name}"
        keys = every_key - params_names(folder)
        report = folder / "report.html"
        if report.is_file():
            findings += text_findings(visible_html_text(report.read_text(encoding="utf-8")), f"{where} report", keys)
        summary = folder / "summary.md"
        if summary.is_file():
            text = summary.read_text(encoding="utf-8")
            findings += text_findings(text, f"{where} summary.md", keys)
            findings += [f"{where} summary.md: backslash escape {m.group(0)!r}" for m in MD_ESCAPE.finditer(text)]
        for deck in sorted(folder.glob("*.pptx")):
            for place, text in _pptx_texts(deck):
                findings += text_findings(text, f"{where} {deck.name} {place}", keys)
    for index in sorted(out.glob("index.html")):
        findings += text_findings(visible_html_text(index.read_text(encoding="utf-8")), "index.html", every_key)
    return findings


@pytest.fixture(scope="session")
def batch(bundled_batch) -> tuple[Path, int]:
    """The session's one run of the bundled batch (tests/conftest.py)."""
    return bundled_batch.out, bundled_batch.code


@pytest.fixture(scope="session")
def findings(batch) -> list[str]:
    """Every plain-language finding of the bundled batch (scanned once)."""
    out, _ = batch
    assert list(out.glob("*/*/metrics.json")), "the batch produced no run"
    return scan(out)


@pytest.mark.parametrize(
    "kind",
    ["'(s)' plural", "space before %", "p-value 0.000", "state word twice", "unrounded float", "backslash escape"],
)
def test_reports_read_as_plain_language(findings, kind) -> None:
    """No '(s)', summary.md escape, ' %', '0.000' p-value, 'RED / RED' or long float in any report."""
    found = [f for f in findings if f": {kind}" in f]
    assert not found, f"{len(found)} findings:\n" + "\n".join(found[:40])


def test_no_metric_key_in_visible_text(findings) -> None:
    """No metrics.json key (``sla_breaches``, ``compliance_report.compliance_pct``) shown as a word."""
    found = [f for f in findings if ": metric key" in f]
    assert not found, f"{len(found)} findings:\n" + "\n".join(found[:60])


def test_scanner_catches_each_problem(tmp_path) -> None:
    """A hand-made run folder with one of each problem: the scanner names every one (it can fail)."""
    run = tmp_path / "compliance_report" / "run1"
    run.mkdir(parents=True)
    (run / "metrics.json").write_text(json.dumps({"sla_breaches": 132, "verdict": "x"}), encoding="utf-8")
    (run / "report.html").write_text(
        "<p>worst: compliance_report.sla_breaches = 132 &gt; 25; 3 site(s); 33 %; p = 0.000; RED / RED; "
        "0.123456</p><style>.x_y_z{}</style>",
        encoding="utf-8",
    )
    (run / "summary.md").write_text("- Device \\(red above 25\\) compliance\\_report\n", encoding="utf-8")
    findings = "\n".join(scan(tmp_path))
    for kind in ("'(s)' plural", "space before %", "p-value 0.000", "state word twice", "unrounded float"):
        assert kind in findings, kind
    assert "metric key 'compliance_report.sla_breaches'" in findings
    assert findings.count("backslash escape") == 3  # \( \) \_
    clean = tmp_path / "clean" / "compliance_report" / "run1"
    clean.mkdir(parents=True)
    (clean / "metrics.json").write_text(json.dumps({"sla_breaches": 132}), encoding="utf-8")
    (clean / "report.html").write_text(
        "<p>132 devices are past the 14-day fix deadline (red above 25); 84.8%; p &lt; 0.001</p>", encoding="utf-8"
    )
    assert scan(tmp_path / "clean") == []
    # a rule the user wrote in the params is shown back as written (parameters table): not the report's prose
    (clean / "run.json").write_text(
        json.dumps({"params": {"rag_rules": [{"rag": "red", "when": "sla_breaches > 25"}]}}), encoding="utf-8"
    )
    (clean / "report.html").write_text("<p>Parameters rag_rules rag: red, when: sla_breaches &gt; 25</p>", "utf-8")
    assert scan(tmp_path / "clean") == []
