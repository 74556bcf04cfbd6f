"""The rendered report of a probe run: offline, code-free, with header and table of contents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pmokit import cli
from pmokit.checks import external_references, run_folder_problems
from pmokit.render import table_of_contents

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def probe_run(tmp_path_factory) -> Path:
    import probe
    from conftest import XSS_ROWS

    root = tmp_path_factory.mktemp("render")
    (root / "notebooks").mkdir()
    probe.write_probe_notebook(root / "notebooks")
    params = root / "params" / "runner_probe"
    params.mkdir(parents=True)
    (params / "data.csv").write_text(XSS_ROWS, encoding="utf-8")
    (params / "ok.yaml").write_text("data_path: data.csv\n", encoding="utf-8")
    assert (
        cli.main(
            ["run", "-q", "--notebooks", str(root / "notebooks"), "--out", str(root / "out"), str(params / "ok.yaml")]
        )
        == 0
    )
    return root / "out" / "runner_probe" / "ok"


def test_contract_and_offline(probe_run: Path) -> None:
    assert run_folder_problems(probe_run) == []


def test_no_code_and_header(probe_run: Path) -> None:
    markup = (probe_run / "report.html").read_text()
    assert "report.start" not in markup and "import pandas" not in markup  # code never shown
    assert "requirejs" not in markup.lower() and "mathjax" not in markup.lower()
    assert '<h1 class="pmo-title">Runner probe</h1>' in markup
    run = json.loads((probe_run / "run.json").read_text())
    assert run["inputs"][0]["sha256"] in markup  # full digest in the title attribute
    assert "<th>Rows</th>" in markup and "Parameters" in markup
    assert '<nav class="pmo-toc">' in markup and 'href="#Analysis"' in markup and 'href="#Method-notes"' in markup
    assert "@media print" in markup
    assert markup.count('<h1 id="Runner-probe"') == 0  # the notebook's own h1 is not repeated
    assert "data:image/webp;base64," in markup  # the chart, embedded


def test_untrusted_text_is_escaped(probe_run: Path) -> None:
    markup = (probe_run / "report.html").read_text()
    assert "<script>window.__xss" not in markup
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in markup


class TestExternalReferences:
    @pytest.mark.parametrize(
        "tag",
        [
            '<script src="https://cdn.example/x.js"></script>',
            "<link rel=stylesheet href='http://x/y.css'>",
            '<img src="//cdn.example/p.png">',
            "<style>@import url(https://fonts.example/css);</style>",
        ],
    )
    def test_found(self, tag: str) -> None:
        assert external_references(tag)

    def test_plain_links_and_data_uris_are_fine(self) -> None:
        assert (
            external_references('<a href="https://jira.example/browse/X-1">X-1</a><img src="data:image/png;base64,AA">')
            == []
        )


def test_toc_lists_h2_only() -> None:
    body = '<h2 id="A-b">A b<a class="anchor-link" href="#A-b">¶</a></h2><h3 id="c">c</h3><h2 id="D">D &amp; E</h2>'
    toc = table_of_contents(body)
    assert toc.count("<li>") == 2 and 'href="#A-b">A b</a>' in toc and "D &amp; E" in toc
