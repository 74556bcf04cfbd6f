"""``pmokit publish`` without sending: the ``.eml`` drafts and ``teams_card.json``, read back.

The status run comes from the bundled batch (copied, since publishing writes into the run folder);
a hand-made status run folder reproduces a RAID log whose titles carry HTML and Markdown.
"""

from __future__ import annotations

import base64
import email
import json
import re
import shutil
from email.message import EmailMessage
from email.policy import default as default_policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import browser  # noqa: F401  (session fixture)
from report_scan import text_problems, visible_html_text

from pmokit import cli
from pmokit.publish import card as cards
from pmokit.publish import config as configuration
from pmokit.publish.config import PublishError

STATUS = "status_deck/weekly"
REPORTS_URL = "https://intranet.example.org/pmo/reports/"
MAIL_YAML = f"""\
from: pmo@example.org
audiences:
  directors:
    to: [cio@example.org, cfo@example.org]
    cc: [pmo@example.org]
  rollout:
    to: [rollout.lead@example.org]
    sections: [Device rollout]
attach: [deck]
reports_url: {REPORTS_URL}
"""
URL = re.compile(r"https?://[^\s\"'<>)]+", re.I)


def read_eml(path: Path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=default_policy)


@pytest.fixture(scope="module")
def published(bundled_batch, tmp_path_factory) -> Path:
    """A copy of the bundled batch's outputs, published with ``--dry-run`` (the status run folder)."""
    out = tmp_path_factory.mktemp("publish") / "out"
    shutil.copytree(bundled_batch.out, out, ignore=shutil.ignore_patterns("history_store", "*.ipynb"))
    bundled_batch.folder(STATUS)  # fails the test with the reason when the status run did not succeed
    config = out.parent / "mail.yaml"
    config.write_text(MAIL_YAML, encoding="utf-8")
    assert cli.main(["publish", str(out / STATUS), "--to", str(config), "--dry-run"]) == 0
    return out / STATUS


def html_of(msg: EmailMessage) -> str:
    return msg.get_body(("html",)).get_content()


def test_draft_is_a_multipart_mail_with_text_html_charts_and_the_deck(published: Path) -> None:
    """The default draft: mixed[alternative[text, related[html, png...]], pptx], Outlook's draft mark."""
    msg = read_eml(published / "status_mail.eml")
    metrics = json.loads((published / "metrics.json").read_text(encoding="utf-8"))
    assert msg["X-Unsent"] == "1"
    assert msg["Message-ID"] and msg["Date"]
    # default template "{title}: week ending {week}, overall {rag}"; the state's word as the report says it
    word = {"red": "RED", "amber": "AMBER", "green": "GREEN", "grey": "NO DATA", "done": "DONE"}[metrics["verdict_rag"]]
    assert msg["Subject"] == f"Weekly portfolio status: week ending {metrics['period_end']}, overall {word}"
    assert msg.get_content_type() == "multipart/mixed"
    alternative, deck = list(msg.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"
    plain, related = list(alternative.iter_parts())
    assert plain.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, *images = list(related.iter_parts())
    assert html_part.get_content_type() == "text/html"
    assert images and all(p.get_content_type() == "image/png" for p in images)
    assert deck.get_content_type() == "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    assert deck.get_filename() == "status_deck.pptx"
    assert deck.get_content() == (published / "status_deck.pptx").read_bytes()
    assert metrics["verdict"] in plain.get_content()


def test_every_cid_is_a_part_and_nothing_is_fetched(published: Path) -> None:
    for path in sorted(published.glob("status_mail*.eml")):
        msg = read_eml(path)
        body = html_of(msg)
        cids = set(re.findall(r'src="cid:([^"]+)"', body))
        parts = {p["Content-ID"].strip("<>") for p in msg.walk() if p["Content-ID"]}
        assert cids and cids == parts, path.name  # every reference resolves, no part is unreferenced
        sources = {v for tag, name, v in _attributes(body) if name in ("src", "background", "srcset")}
        assert sources == {f"cid:{c}" for c in cids}, path.name
        assert [v for _, name, v in _attributes(body) if name == "href"] == [REPORTS_URL], path.name
        assert set(URL.findall(body)) == {REPORTS_URL}, path.name  # the one link: the published reports
        assert not re.search(r"<\s*(style|script|link|iframe|object|embed)\b", body, re.I), path.name
        assert "data:" not in body  # Outlook drops data-URI images
        assert path.stat().st_size < 1_000_000, path.name
        assert 'style="' in body  # the CSS went into the elements


def test_mail_text_has_nothing_of_the_python_process(published: Path) -> None:
    for path in sorted(published.glob("status_mail*.eml")):
        msg = read_eml(path)
        found = text_problems(msg.get_body(("plain",)).get_content(), f"{path.name} text")
        found += text_problems(visible_html_text(html_of(msg)), f"{path.name} html")
        found += text_problems(str(msg["Subject"]), f"{path.name} subject")
        assert not found


def test_each_audience_is_addressed_and_a_lead_gets_only_its_workstream(published: Path) -> None:
    directors = read_eml(published / "status_mail.directors.eml")
    lead = read_eml(published / "status_mail.rollout.eml")
    assert directors["To"] == "cio@example.org, cfo@example.org" and directors["Cc"] == "pmo@example.org"
    assert lead["To"] == "rollout.lead@example.org" and lead["Cc"] is None
    # Risk IDs of the bundled RAID log (data/sample/status/raid_log.csv), ranked by hand, probability x
    # impact: 101 5x4=20, 110 4x4=16 (due 11/23), 111 4x4=16 (due 12/31), 104 3x5=15, then the 12s
    # 103 (due 12/10) before 106 (12/24). Device rollout only: 101=20, 103 4x3=12, 102 2x5=10, 113 1x3=3.
    assert _risk_ids(html_of(directors)) == ["101", "110", "111", "104", "103"]
    assert _risk_ids(html_of(lead)) == ["101", "103", "102", "113"]
    # Decisions open in that log: 125 (due 10/3), 127 (11/16), 124 (12/7); 126 is decided. Rollout: 124.
    assert _decision_ids(html_of(directors)) == ["125", "127", "124"]
    assert _decision_ids(html_of(lead)) == ["124"]
    rollout = json.loads((published.parents[1] / "rollout_plan/sample/metrics.json").read_text(encoding="utf-8"))
    compliance = json.loads(
        (published.parents[1] / "compliance_report/sample/metrics.json").read_text(encoding="utf-8")
    )
    lead_text = visible_html_text(html_of(lead))
    assert rollout["verdict"] in lead_text and compliance["verdict"] not in lead_text
    assert compliance["verdict"] in visible_html_text(html_of(directors))


def _attributes(markup: str) -> list[tuple[str, str, str]]:
    """Every (tag, attribute, value) of the markup, as a browser's parser sees them."""
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend((tag, name, value or "") for name, value in attrs)

    Collect().feed(markup)
    return found


def _table_ids(markup: str, heading: str) -> list[str]:
    table = markup.split(heading, 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td[^>]*>([^<]+)</td>", table)


def _risk_ids(markup: str) -> list[str]:
    return _table_ids(markup, "Top risks")


def _decision_ids(markup: str) -> list[str]:
    return _table_ids(markup, "Decisions needed")


def test_teams_card_is_an_adaptive_card_message(published: Path) -> None:
    message = json.loads((published / cards.CARD_FILE).read_text(encoding="utf-8"))
    assert message["type"] == "message"
    (attachment,) = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open the reports", "url": REPORTS_URL}]
    texts = [b.get("text", "") for b in _blocks(card["body"])]
    metrics = json.loads((published / "metrics.json").read_text(encoding="utf-8"))
    assert "Overall RED" in texts if metrics["verdict_rag"] == "red" else True
    overall = next(b for b in _blocks(card["body"]) if b.get("text", "").startswith("Overall "))
    expected_colour = {"red": "Attention", "amber": "Warning", "green": "Good", "done": "Accent", "grey": "Default"}
    assert overall["color"] == expected_colour[metrics["verdict_rag"]]
    assert any("Hardware delivery for wave 3" in t for t in texts)  # the top risk (101, score 20)
    assert any("Enforce minimum OS version" in t for t in texts)  # the first decision needed (125)
    assert len((published / cards.CARD_FILE).read_bytes()) < cards.MAX_CARD_BYTES


def _blocks(items: list) -> list[dict]:
    """Every element of a card body, columns and containers included."""
    found = []
    for item in items:
        found.append(item)
        for key in ("items", "columns"):
            found += _blocks(item.get(key, []))
    return found


def test_dry_run_prints_who_gets_what(bundled_batch, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    shutil.copytree(bundled_batch.out, out, ignore=shutil.ignore_patterns("history_store", "*.ipynb"))
    config = tmp_path / "mail.yaml"
    config.write_text(MAIL_YAML, encoding="utf-8")
    assert cli.main(["publish", str(out / STATUS), "--to", str(config), "--dry-run"]) == 0
    shown = capsys.readouterr().out
    assert "directors: status_mail.directors.eml" in shown
    assert "to: cio@example.org, cfo@example.org; cc: pmo@example.org" in shown
    assert "to: rollout.lead@example.org" in shown
    assert "attachments: status_deck.pptx" in shown
    assert "Dry run: nothing sent." in shown
    assert "published" not in json.loads((out / STATUS / "run.json").read_text(encoding="utf-8"))


@pytest.mark.browser
def test_mail_renders_as_a_mail_client_shows_it(published: Path, browser) -> None:  # noqa: F811
    """The HTML part with its cid: images resolved from the message's parts (as a mail client does),
    opened with every request refused: nothing is fetched, every chart shows, no script runs (the
    page allows scripts, which makes that check stricter than a mail client), and the verdict reads."""
    msg = read_eml(published / "status_mail.directors.eml")
    page = published.parent / "mail_preview.html"
    page.write_text(_resolve_cids(msg), encoding="utf-8")
    seen = browser.open(page)
    metrics = json.loads((published / "metrics.json").read_text(encoding="utf-8"))
    assert seen.requests == [] and not seen.console_errors and not seen.xss_ran
    assert seen.images == len([p for p in msg.walk() if p["Content-ID"]]) and seen.broken_images == 0
    assert metrics["verdict"] in " ".join(seen.text.split())


def _resolve_cids(msg: EmailMessage) -> str:
    body = html_of(msg)
    for part in msg.walk():
        if part["Content-ID"]:
            data = base64.b64encode(part.get_content()).decode()
            body = body.replace(f"cid:{part['Content-ID'].strip('<>')}", f"data:image/png;base64,{data}")
    return body


# ----------------------------------------------------------------------------- hostile text, hand-made run
def _tiny_png(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (40, 20), (200, 30, 40)).save(path)


HOSTILE_TITLE = '<img src="https://evil.example/p.png" onerror="window.__xss=1">[click](https://evil.example)'
HOSTILE_OWNER = "<script>window.__xss=1</script>**Mallory**"


@pytest.fixture
def hostile_status(tmp_path: Path) -> Path:
    """A status run whose RAID log came from a SharePoint list where someone pasted HTML and Markdown
    into a risk title and an owner, and whose verdict carries a tag: all of it must arrive as text."""
    folder = tmp_path / "out" / "status_deck" / "weekly"
    folder.mkdir(parents=True)
    run = {
        "workbook": "status_deck",
        "run": "weekly",
        "status": "succeeded",
        "params": {"title": "Status <b>bold</b>", "workbooks": [], "runs": {}, "top_risks": 5},
    }
    (folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
    metrics = {"period_end": "2026-11-27", "verdict": "Portfolio <i>AMBER</i> & more", "verdict_rag": "amber"}
    (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    (folder / "summary.md").write_text("**Status**\n\n- Overall AMBER: x.\n- One &lt;b> \\*line\\*\n", encoding="utf-8")
    header = "id,type,title,owner,raised,due,status,probability,impact,mitigation,workstream,closed,open\n"
    rows = [
        f'R1,Risk,"{HOSTILE_TITLE.replace(chr(34), chr(34) * 2)}",{HOSTILE_OWNER},2026-11-01,2026-12-01,Open,4,5,,Ops,,True',
        "D1,Decision,Approve {{DATE(2026-01-01T00:00:00Z)}},Ann,2026-11-01,2026-12-02,Open,,,,Ops,,True",
    ]
    (folder / "raid_snapshot.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    _tiny_png(folder / "headline.png")
    return folder


@pytest.fixture
def hostile_mail(hostile_status: Path) -> Path:
    """The hostile status run published (no sending)."""
    config = hostile_status.parents[2] / "mail.yaml"
    config.write_text(f"from: pmo@example.org\nreports_url: {REPORTS_URL}\n", encoding="utf-8")
    assert cli.main(["publish", str(hostile_status), "--to", str(config)]) == 0
    return hostile_status


def test_hostile_text_arrives_as_text_in_mail_and_card(hostile_mail: Path) -> None:
    msg = read_eml(hostile_mail / "status_mail.eml")
    body = html_of(msg)
    assert '<img src="https://evil' not in body and "<script" not in body.lower()
    # as text: the inliner re-serialises the page and writes quotes in text unescaped, which is valid
    assert '&lt;img src="https://evil.example/p.png" onerror="window.__xss=1"&gt;' in body
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;**Mallory**" in body
    assert "Portfolio &lt;i&gt;AMBER&lt;/i&gt; &amp; more" in body
    assert "One &lt;b&gt; *line*" in body  # summary.md's Markdown escapes undone, then HTML-escaped
    assert msg["Subject"] == "Status <b>bold</b>: week ending 2026-11-27, overall AMBER"  # a header is text
    links = [v for _, name, v in _attributes(body) if name in ("src", "href") and not v.startswith("cid:")]
    assert links == [REPORTS_URL]  # the evil URL is text, never a src or href
    assert not [name for _, name, _ in _attributes(body) if name.startswith("on")]  # no event handler
    card = json.loads((hostile_mail / cards.CARD_FILE).read_text(encoding="utf-8"))["attachments"][0]["content"]
    texts = " ".join(b.get("text", "") for b in _blocks(card["body"]))
    assert "\\[click](https://evil.example)" in texts  # no link: the bracket is escaped
    assert "&lt;script>" in texts and "\\*\\*Mallory\\*\\*" in texts
    assert "{{DATE" not in texts and "{\u200b{DATE" in texts  # the card's date function cannot fire


@pytest.mark.browser
def test_hostile_text_shows_as_written_and_runs_nothing(hostile_mail: Path, browser) -> None:  # noqa: F811
    page = hostile_mail / "preview.html"
    page.write_text(_resolve_cids(read_eml(hostile_mail / "status_mail.eml")), encoding="utf-8")
    seen = browser.open(page)
    assert seen.requests == [] and not seen.xss_ran
    assert HOSTILE_TITLE in " ".join(seen.text.split())
    assert "<script>window.__xss=1</script>**Mallory**" in seen.text


# ----------------------------------------------------------------------------- refused configurations
@pytest.mark.parametrize(
    ("yaml_text", "key"),
    [
        ("from: a@b.org\nsmtp: {host: smtp.b.org, username_env: U, password: hunter2}\n", "smtp.password"),
        ("from: a@b.org\nwebhook_url: https://x.webhook.office.com/abc\n", "webhook_url"),
        ("from: a@b.org\nsmtp: {host: smtp.b.org, client_secret: s3cr3t}\n", "smtp.client_secret"),
        ("from: a@b.org\napi_token: t0k3n\n", "api_token"),
    ],
)
def test_a_yaml_holding_a_credential_is_refused_without_echoing_it(tmp_path: Path, yaml_text: str, key: str) -> None:
    path = tmp_path / "mail.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(PublishError) as caught:
        configuration.load(path)
    text = str(caught.value)
    assert text.startswith(f"mail.yaml: key '{key}': credentials") and "\n" not in text
    for secret in ("hunter2", "s3cr3t", "t0k3n", "/abc"):
        assert secret not in text


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("from: not-an-address\n", "key 'from': expected an e-mail address"),
        ("from: a@b.org\nsmtp: {host: smtp.b.org, starttls: false}\n", "key 'smtp': expected starttls true"),
        ("from: a@b.org\nreports_url: http://intranet/x\n", "key 'reports_url': expected an https:// address"),
        ("from: a@b.org\nattach: [xlsx]\n", "key 'attach.0': expected 'pdf' or 'deck'"),
        ("from: a@b.org\nsubject: '{oops}'\n", "key 'subject': expected a template"),
        ("from: a@b.org\naudiences: {x: {to: [a@b.org], bcc: [c@d.org]}}\n", "key 'audiences.x.bcc': unknown key"),
    ],
)
def test_a_wrong_yaml_gets_one_line_naming_the_key(tmp_path: Path, yaml_text: str, expected: str) -> None:
    path = tmp_path / "mail.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(PublishError, match=re.escape(expected)) as caught:
        configuration.load(path)
    assert "\n" not in str(caught.value)


def test_starttls_may_be_off_only_for_a_relay_on_this_machine(tmp_path: Path) -> None:
    path = tmp_path / "mail.yaml"
    path.write_text("from: a@b.org\nsmtp: {host: 127.0.0.1, port: 2525, starttls: false}\n", encoding="utf-8")
    assert configuration.load(path).smtp.starttls is False


def test_publish_needs_one_status_run(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "out" / "compliance_report" / "sample"
    folder.mkdir(parents=True)
    (folder / "run.json").write_text('{"workbook": "compliance_report", "status": "succeeded"}', encoding="utf-8")
    assert cli.main(["publish", str(folder)]) == 2
    assert "expected one status_deck run folder, got none among compliance_report/sample" in capsys.readouterr().err


def test_the_documented_example_is_a_valid_mail_yaml(root: Path) -> None:
    config = configuration.load(root / "docs" / "mail.example.yaml")
    assert config.smtp.starttls and config.smtp.password_env == "PMO_SMTP_PASSWORD"
    assert config.audiences["rollout-leads"].sections == ["Device rollout", "Device compliance"]


def test_an_unknown_workstream_is_refused_before_any_file_is_written(hostile_status: Path, capsys) -> None:
    config = hostile_status.parents[2] / "mail.yaml"
    config.write_text("from: pmo@example.org\naudiences: {ops: {to: [o@example.org], sections: Opps}}\n")
    assert cli.main(["publish", str(hostile_status), "--to", str(config)]) == 2
    assert (
        "audiences.ops.sections: expected workstreams of this status run (Ops), got 'Opps'" in capsys.readouterr().err
    )
    assert not list(hostile_status.glob("status_mail*.eml")) and not (hostile_status / cards.CARD_FILE).exists()
    config.write_text("from: pmo@example.org\naudiences: {ops: {to: [o@example.org], sections: Ops}}\n")
    assert cli.main(["publish", str(hostile_status), "--to", str(config)]) == 0
    lead = read_eml(hostile_status / "status_mail.ops.eml")
    assert _risk_ids(html_of(lead)) == ["R1"] and _decision_ids(html_of(lead)) == ["D1"]


def test_the_status_decks_publish_section_stands_in_for_to(bundled_batch, tmp_path: Path, capsys) -> None:
    """A `publish:` section in the deck's params (recorded in its run.json) is used when no --to is given."""
    import yaml

    out = tmp_path / "out"
    shutil.copytree(bundled_batch.out, out, ignore=shutil.ignore_patterns("history_store", "*.ipynb"))
    run_file = out / STATUS / "run.json"
    run = json.loads(run_file.read_text(encoding="utf-8"))
    run["params"]["publish"] = yaml.safe_load(MAIL_YAML)
    run_file.write_text(json.dumps(run), encoding="utf-8")
    assert cli.main(["publish", str(out / STATUS), "--dry-run"]) == 0
    shown = capsys.readouterr().out
    assert "to: cio@example.org, cfo@example.org; cc: pmo@example.org" in shown
    assert "to: rollout.lead@example.org" in shown


def test_a_publish_section_holding_a_password_is_refused_in_the_params(root: Path, tmp_path: Path, capsys) -> None:
    """`pmokit check` refuses a deck params file whose `publish:` holds a credential: one line naming the
    key, never the value."""
    import yaml

    sample = root / "data" / "sample" / "status"
    params = tmp_path / "status_deck" / "weekly.yaml"
    params.parent.mkdir()
    settings = {"from": "pmo@example.org", "smtp": {"host": "smtp.example.org", "password": "hunter2-secret"}}
    values = {"raid_path": str(sample / "raid_log.csv"), "milestones_path": str(sample / "milestones.csv")}
    params.write_text(yaml.safe_dump({**values, "publish": settings}), encoding="utf-8")
    assert cli.main(["check", str(params)]) == 2
    printed = capsys.readouterr()
    text = printed.out + printed.err
    assert "key 'publish'" in text and "smtp.password" in text
    assert "hunter2" not in text and "Traceback" not in text
