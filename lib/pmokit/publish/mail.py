"""``status_mail.eml``: the week's status as a mail that Outlook, Thunderbird and Apple Mail open as a draft.

Mail clients are not browsers: Outlook drops ``<style>`` blocks, scripts and ``data:`` images, and
lays pages out with Word's engine. So the body is built for them: tables for layout, every style
inlined into ``style`` attributes (``css-inline``), charts as PNG parts referenced by ``cid:``, no
external resource (the one link is ``reports_url``), every text from data escaped, and a plain-text
alternative. ``X-Unsent: 1`` makes Outlook open the file as an unsent draft.

The content is read back from the status deck's run folder (``metrics.json``, ``summary.md``,
``headline.png``, the RAID and milestone snapshots) and from the runs of the workbooks it reported
(:mod:`pmokit.runfolder`), plus any other run folder named on the command line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import mimetypes
import re
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pandas as pd

from pmokit import fmt, runfolder, workbooks
from pmokit.bands import LABELS, RAG_COLOURS
from pmokit.errors import InputError
from pmokit.index import fallback_style, format_value, metric_styles
from pmokit.publish.config import MailConfig, PublishError
from pmokit.sources import status_inputs
from pmokit.status import milestones, raid

STATUS_WORKBOOK = "status_deck"
MAIL_FILE = "status_mail.eml"
DECK_FILE = "status_deck.pptx"
SUMMARY_FILE = "summary.md"
#: A mail over this size (with its charts, before attachments) is slow on phones and trips some relays.
MAX_MAIL_BYTES = 1_000_000
#: Widest a chart is shown (CSS pixels): the body is a 640-pixel column, as mail clients expect.
CHART_WIDTH = 600
#: The most rows a mail table shows (the report has them all).
MAX_ROWS = 8
ATTACHMENTS = {"pdf": runfolder.REPORT_PDF, "deck": DECK_FILE}


# ----------------------------------------------------------------------------- the week, read back
@dataclass
class Section:
    """One workbook's run as the mail shows it: verdict, colour, headline figures and key chart."""

    workbook: str
    title: str
    workstreams: tuple[str, ...]
    verdict: str = ""
    rag: str = "grey"
    figures: list[tuple[str, str]] = field(default_factory=list)  # (label, value as text)
    chart: Path | None = None
    problem: str = ""  # why no run is shown ('' when one is)


@dataclass
class Week:
    """What the status run said about the week, everything the mail and the card show."""

    folder: Path
    title: str
    period_end: dt.date
    rag: str
    verdict: str
    bullets: list[str]
    changes: list[str]
    counts: dict[str, Any]
    sections: list[Section]
    raid_log: pd.DataFrame  # this week's canonical RAID log (the status run's snapshot)
    slipped: pd.DataFrame
    grid_chart: Path | None
    top_n: int = 5
    audience_sections: tuple[str, ...] = ()  # the workstreams shown; () = the whole portfolio

    @property
    def top_risks(self) -> pd.DataFrame:
        """The open risks with the highest probability x impact, as the deck ranks them."""
        return _risks(self.raid_log, self.top_n)

    @property
    def decisions(self) -> pd.DataFrame:
        """Open decisions, the earliest needed first."""
        return _decisions(self.raid_log)

    @property
    def rag_label(self) -> str:
        return LABELS.get(self.rag, "NO DATA")

    @property
    def iso_week(self) -> str:
        year, week, _ = self.period_end.isocalendar()
        return f"{year}-W{week:02d}"

    def workstreams(self) -> list[str]:
        """Every workstream the week names: the workbooks' and the RAID log's and milestones'."""
        names = [w for s in self.sections for w in s.workstreams]
        for frame in (self.raid_log, self.slipped):
            if "workstream" in frame:
                names += [str(w) for w in frame["workstream"].dropna()]
        return list(dict.fromkeys(n for n in names if n))

    def for_workstreams(self, names: list[str]) -> Week:
        """The week as one workstream lead sees it: their sections, risks, decisions and milestones."""
        wanted = set(names)

        def rows(frame: pd.DataFrame) -> pd.DataFrame:
            if "workstream" not in frame:
                return frame.iloc[0:0]
            return frame[frame["workstream"].isin(wanted)].reset_index(drop=True)

        return replace(
            self,
            sections=[s for s in self.sections if wanted & set(s.workstreams)],
            raid_log=rows(self.raid_log),
            slipped=rows(self.slipped),
            audience_sections=tuple(names),
        )


def _md_unescape(text: str) -> str:
    r"""Undo :func:`pmokit.status.summary.md_escape` (a backslash before a mark; ``&lt;`` and ``&amp;``).

    Examples
    --------
    >>> _md_unescape(r"\*x\* &lt;b> &amp;amp; a\_b")
    '*x* <b> &amp; a_b'
    """
    text = re.sub(r"\\(.)", r"\1", text)
    return re.sub(r"&(lt|amp);", lambda m: "<" if m.group(1) == "lt" else "&", text)


def read_summary(path: Path) -> tuple[list[str], list[str]]:
    """The bullets and the "what changed" lines of ``summary.md``, as plain text."""
    bullets: list[str] = []
    changes: list[str] = []
    target = bullets
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return [], []
    for line in lines:
        if line.startswith("**What changed"):
            target = changes
        elif line.startswith("- "):
            target.append(_md_unescape(line[2:]))
    return bullets, changes


def _workstreams_of(workbook: str) -> tuple[str, ...]:
    try:
        return tuple(dict.fromkeys(rule.workstream for rule in workbooks.get(workbook).deck))
    except KeyError:
        return ()


def _figures(workbook: str, metrics: dict[str, Any], limit: int = 4) -> list[tuple[str, str]]:
    """The workbook's headline figures, labelled and formatted as the index shows them."""
    styles = metric_styles(workbook)
    shown = []
    for name in workbooks.headline(workbook):
        if name in metrics and metrics[name] is not None:
            style = styles.get(name) or fallback_style(name)
            shown.append((style.label, format_value(metrics[name], style.fmt)))
    return shown[:limit]


def section_of(workbook: str, folder: Path | None, metrics: dict[str, Any], problem: str = "") -> Section:
    """A section from a run folder (or the reason there is none)."""
    title = str(metrics.get("title") or fmt.label(workbook))
    if folder is None:
        return Section(workbook, fmt.label(workbook), _workstreams_of(workbook), problem=problem or "no run")
    run = runfolder.read(folder)
    chart = run.headline_chart if run is not None else None
    return Section(
        workbook,
        title,
        _workstreams_of(workbook),
        verdict=str(metrics.get("verdict") or ""),
        rag=str(metrics.get("verdict_rag") or "grey"),
        figures=_figures(workbook, metrics),
        chart=chart,
    )


def _deck_sections(status: runfolder.RunFolder) -> list[Section]:
    """The runs the status deck reported, chosen as it chose them (its ``runs`` and ``workbooks``)."""
    params = status.run.get("params") or {}
    reports = params.get("reports_dir") or status.path.resolve().parents[1]
    names = params.get("workbooks")
    names = workbooks.deck_workbooks() if names is None else names  # [] reports no workbook
    try:
        runs = status_inputs.select_runs(reports, list(names), params.get("runs") or {}, exclude=status.path)
    except InputError as exc:
        raise PublishError(f"{status.label}: {exc}") from None
    return [section_of(wb, run.folder, run.metrics, run.problem) for wb, run in runs.items()]


def read_week(folders: list[Path]) -> Week:
    """The week from the status deck's run folder (exactly one) and any other run folders.

    Raises
    ------
    PublishError
        A folder is not a run folder, did not succeed, or no (or more than one) status deck run is named.
    """
    runs = []
    for folder in folders:
        run = runfolder.read(folder)
        if run is None:
            raise PublishError(f"{Path(folder).name}: expected a run folder with run.json, got none")
        if not run.succeeded:
            raise PublishError(f"{run.label}: expected a succeeded run, got status '{run.status or 'unknown'}'")
        runs.append(run)
    status = [r for r in runs if r.workbook == STATUS_WORKBOOK]
    if len(status) != 1:
        got = ", ".join(r.label for r in status) if status else "none among " + ", ".join(r.label for r in runs)
        raise PublishError(f"expected one {STATUS_WORKBOOK} run folder, got {got}")
    deck = status[0]
    sections = _deck_sections(deck)
    shown = {s.workbook for s in sections}
    for run in runs:
        if run is not deck and run.workbook not in shown:
            sections.append(section_of(run.workbook, run.path, run.metrics))
    params = deck.run.get("params") or {}
    metrics = deck.metrics
    period_end = dt.date.fromisoformat(str(metrics.get("period_end") or dt.date.today().isoformat()))
    previous = status_inputs.read_previous(deck.path)  # this run's own snapshots, read as next week would
    raid_log = previous.raid if previous is not None else pd.DataFrame()
    bullets, changes = read_summary(deck.path / SUMMARY_FILE)
    return Week(
        folder=deck.path,
        title=str(params.get("title") or metrics.get("title") or "Weekly portfolio status"),
        period_end=period_end,
        rag=str(metrics.get("verdict_rag") or metrics.get("overall_rag") or "grey"),
        verdict=str(metrics.get("verdict") or ""),
        bullets=bullets,
        changes=changes,
        counts=_counts(metrics),
        sections=sections,
        raid_log=raid_log,
        top_n=int(params.get("top_risks") or 5),
        slipped=_slipped(previous, period_end, int(params.get("slip_tolerance_days") or 0)),
        grid_chart=deck.headline_chart,
    )


def _counts(metrics: dict[str, Any]) -> dict[str, Any]:
    keys = ("open_risks", "high_risks", "overdue_actions", "decisions_needed", "milestones_slipped", "milestones")
    return {k: metrics.get(k) for k in keys}


_RAID_NEEDS = {"type", "open", "probability", "impact", "due", "id", "title"}


def _risks(raid_log: pd.DataFrame, n: int) -> pd.DataFrame:
    if raid_log.empty or not _RAID_NEEDS <= set(raid_log.columns):
        return pd.DataFrame(columns=["id", "title", "owner", "score", "workstream"])
    raid_log = raid_log.copy()
    for col in ("probability", "impact"):
        raid_log[col] = pd.to_numeric(raid_log[col], errors="coerce")
    return raid.top_risks(raid_log, n)


def _decisions(raid_log: pd.DataFrame) -> pd.DataFrame:
    if raid_log.empty or not _RAID_NEEDS <= set(raid_log.columns):
        return pd.DataFrame(columns=["id", "title", "owner", "due", "workstream"])
    return raid.decisions_needed(raid_log)


def _slipped(previous, period_end: dt.date, tolerance: int) -> pd.DataFrame:
    if previous is None or previous.milestones.empty or "baseline" not in previous.milestones:
        return pd.DataFrame(columns=["milestone", "workstream", "slip_days"])
    table = milestones.slips(previous.milestones, pd.Timestamp(period_end), tolerance)
    return table[table["slipped"]].sort_values("slip_days", ascending=False).reset_index(drop=True)


# ----------------------------------------------------------------------------- HTML for mail clients
CSS = """
body { margin: 0; padding: 0; background: #f3f4f6; font-family: Segoe UI, Helvetica, Arial, sans-serif; }
.outer { width: 100%; background: #f3f4f6; }
.main { width: 640px; max-width: 100%; background: #ffffff; border: 1px solid #d0d7de; }
.pad { padding: 12px 20px; font-size: 14px; line-height: 20px; color: #1f2328; }
.head { padding: 18px 20px 10px; border-bottom: 3px solid #0072B2; }
h1 { margin: 0 0 4px; font-size: 22px; line-height: 28px; color: #1f2328; font-weight: bold; }
h2 { margin: 8px 0 6px; font-size: 17px; line-height: 22px; color: #1f2328; font-weight: bold; }
.meta { margin: 0; color: #57606a; font-size: 13px; }
.badge { color: #ffffff; font-weight: bold; font-size: 12px; padding: 2px 8px; white-space: nowrap; }
.verdict { margin: 0; font-size: 15px; line-height: 21px; }
.data { width: 100%; border-collapse: collapse; font-size: 13px; line-height: 18px; }
.data th { background: #eef2f6; text-align: left; padding: 4px 6px; border: 1px solid #d0d7de; }
.data td { padding: 4px 6px; border: 1px solid #d0d7de; vertical-align: top; }
.num { text-align: right; white-space: nowrap; }
.chart { display: block; border: 0; width: 600px; max-width: 100%; height: auto; }
.note { color: #57606a; font-size: 12px; }
.foot { padding: 10px 20px 16px; color: #57606a; font-size: 12px; border-top: 1px solid #d0d7de; }
a { color: #0b5394; }
"""


def esc(value: Any) -> str:
    """Text from data, escaped for HTML (quotes too: it may land in an attribute)."""
    return html.escape(str(value), quote=True)


def badge(state: str) -> str:
    """A coloured RAG word; the colour is inline (css-inline cannot know a state)."""
    colour = RAG_COLOURS.get(state, RAG_COLOURS["grey"])
    return f'<span class="badge" style="background-color: {colour};">{esc(LABELS.get(state, "NO DATA"))}</span>'


def _block(inner: str, cls: str = "pad") -> str:
    return f'<tr><td class="{cls}">{inner}</td></tr>'


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table role="presentation" class="data" cellpadding="0" cellspacing="0">{head}{body}</table>'


def _text(value: Any) -> str:
    """A table cell from data: '—' when missing, dates as YYYY-MM-DD, numbers rounded."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    return fmt.value(value)


@dataclass
class Chart:
    """A PNG attached to the mail and referenced as ``cid:<cid>``."""

    path: Path
    cid: str  # without angle brackets
    alt: str


def chart_for(path: Path, alt: str) -> Chart:
    """A chart with a content id derived from its bytes (the same chart, the same id)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return Chart(path, f"{digest}.{re.sub(r'[^A-Za-z0-9]', '', path.stem) or 'chart'}@pmokit", alt)


def _section_rows(week: Week) -> list[list[str]]:
    rows = []
    for s in week.sections:
        figures = "; ".join(f"{esc(label)} {esc(value)}" for label, value in s.figures)
        text = esc(s.verdict) if s.verdict else esc(f"Missing: {s.problem}") if s.problem else ""
        if figures:
            text += f'<br><span class="note">{figures}</span>'
        rows.append([esc(s.title), badge(s.rag if not s.problem else "grey"), text])
    return rows


def _raid_rows(frame: pd.DataFrame, columns: list[str]) -> list[list[str]]:
    return [[esc(_text(row.get(c))) for c in columns] for row in frame.head(MAX_ROWS).to_dict("records")]


def render_html(week: Week, subject: str, reports_url: str | None = None) -> tuple[str, list[Chart]]:
    """The mail body (CSS inlined, no ``<style>`` left) and the charts it references by ``cid:``."""
    import css_inline

    charts: list[Chart] = []
    parts = [
        _block(
            f"<h1>{esc(week.title)}</h1>"
            f'<p class="meta">Week ending {week.period_end:%d %B %Y} ({week.iso_week}) · overall {badge(week.rag)}</p>'
            + (
                f'<p class="meta">For the workstreams: {esc(", ".join(week.audience_sections))}</p>'
                if week.audience_sections
                else ""
            ),
            "head",
        ),
        _block(f'<p class="verdict">{esc(week.verdict)}</p>'),
    ]
    if week.bullets:
        items = "".join(f"<li>{esc(b)}</li>" for b in _bullets(week))
        parts.append(_block(f"<h2>Summary</h2><ul>{items}</ul>"))
    if week.grid_chart is not None and not week.audience_sections:
        chart = chart_for(week.grid_chart, "RAG dashboard: each workstream's colour per dimension")
        charts.append(chart)
        parts.append(_block(_img(chart)))
    if week.sections:
        table = _table(["Workbook", "RAG", "Verdict and headline figures"], _section_rows(week))
        parts.append(_block(f"<h2>Workstreams</h2>{table}"))
    if week.audience_sections:  # a lead's mail: each of their workbooks with its key chart
        for s in week.sections:
            if s.chart is None:
                continue
            chart = chart_for(s.chart, f"{s.title}: key chart")
            charts.append(chart)
            parts.append(_block(f"<h2>{esc(s.title)}</h2>{_img(chart)}"))
    parts.append(_block(_risks_html(week)))
    parts.append(_block(_decisions_html(week)))
    if len(week.slipped):
        rows = _raid_rows(week.slipped, ["milestone", "workstream", "slip_days"])
        parts.append(_block("<h2>Milestones slipped</h2>" + _table(["Milestone", "Workstream", "Days late"], rows)))
    if week.changes and not week.audience_sections:
        items = "".join(f"<li>{esc(c)}</li>" for c in week.changes)
        parts.append(_block(f"<h2>What changed since last week</h2><ul>{items}</ul>"))
    link = f'<a href="{esc(reports_url)}">Open the full reports</a> · ' if reports_url else ""
    parts.append(
        _block(
            f"{link}Made by pmokit from the status run '{esc(week.folder.name)}'; "
            "the deck and the reports hold every table in full.",
            "foot",
        )
    )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(subject)}</title><style>{CSS}</style></head><body>"
        '<table role="presentation" class="outer" width="100%" cellpadding="0" cellspacing="0"><tr>'
        '<td align="center" style="padding: 12px 0;">'
        '<table role="presentation" class="main" width="640" cellpadding="0" cellspacing="0">'
        + "".join(parts)
        + "</table></td></tr></table></body></html>"
    )
    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False, keep_link_tags=False)
    return inliner.inline(page), charts


def _bullets(week: Week) -> list[str]:
    """The summary's bullets without its first ("Overall RED: ..."), which the verdict above says."""
    return week.bullets[1:] if week.bullets and week.bullets[0].startswith("Overall ") else week.bullets


def _img(chart: Chart) -> str:
    return f'<img class="chart" src="cid:{esc(chart.cid)}" width="{CHART_WIDTH}" alt="{esc(chart.alt)}">'


def _risks_html(week: Week) -> str:
    open_risks = week.counts.get("open_risks")
    if week.top_risks.empty:
        return "<h2>Top risks</h2><p>No open risk" + (" in these workstreams." if week.audience_sections else ".")
    rows = _raid_rows(week.top_risks, ["id", "title", "owner", "score"])
    total = "" if open_risks is None or week.audience_sections else f" ({esc(_text(open_risks))} open)"
    return f"<h2>Top risks{total}</h2>" + _table(["ID", "Risk", "Owner", "Score"], rows)


def _decisions_html(week: Week) -> str:
    if week.decisions.empty:
        return "<h2>Decisions needed</h2><p>None.</p>"
    rows = _raid_rows(week.decisions, ["id", "title", "owner", "due"])
    return "<h2>Decisions needed</h2>" + _table(["ID", "Decision", "Owner", "Needed by"], rows)


# ----------------------------------------------------------------------------- plain text
def render_text(week: Week, reports_url: str | None = None) -> str:
    """The plain-text alternative: the same content, for clients (and people) that read text."""
    lines = [week.title, f"Week ending {week.period_end:%d %B %Y} ({week.iso_week}), overall {week.rag_label}", ""]
    if week.audience_sections:
        lines += [f"For the workstreams: {', '.join(week.audience_sections)}", ""]
    lines += [week.verdict, ""]
    lines += [f"- {b}" for b in _bullets(week)] + ([""] if week.bullets else [])
    if week.sections:
        lines.append("WORKSTREAMS")
        for s in week.sections:
            state = LABELS.get(s.rag if not s.problem else "grey", "NO DATA")
            lines.append(f"- {s.title}: {state}. {s.verdict or 'Missing: ' + s.problem}")
            if s.figures:
                lines.append("  " + "; ".join(f"{label} {value}" for label, value in s.figures))
        lines.append("")
    lines.append("TOP RISKS")
    lines += [
        f"- {_text(r['id'])} {r['title']} ({_text(r.get('owner'))}, score {_text(r['score'])})"
        for r in week.top_risks.head(MAX_ROWS).to_dict("records")
    ] or ["- none"]
    lines += ["", "DECISIONS NEEDED"]
    lines += [
        f"- {_text(r['id'])} {r['title']} ({_text(r.get('owner'))}, by {_text(r.get('due'))})"
        for r in week.decisions.head(MAX_ROWS).to_dict("records")
    ] or ["- none"]
    if len(week.slipped):
        lines += ["", "MILESTONES SLIPPED"]
        lines += [
            f"- {r['milestone']} ({_text(r.get('workstream'))}): {_text(r['slip_days'])} days late"
            for r in week.slipped.head(MAX_ROWS).to_dict("records")
        ]
    if week.changes and not week.audience_sections:
        lines += ["", "WHAT CHANGED SINCE LAST WEEK"] + [f"- {c}" for c in week.changes]
    if reports_url:
        lines += ["", f"Full reports: {reports_url}"]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- the message
def subject_for(config: MailConfig | None, week: Week, audience: str = "") -> str:
    """The subject from the template: one line, at most 200 characters."""
    template = config.subject if config is not None else MailConfig.model_fields["subject"].default
    text = template.format(
        title=week.title,
        week=week.period_end.isoformat(),
        iso_week=week.iso_week,
        rag=week.rag_label,
        audience=audience,
    )
    text = " ".join(text.split())  # a title with a line break must not start a new header
    return text if len(text) <= 200 else text[:199] + "…"


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "pmokit.local"


def build_message(
    week: Week,
    config: MailConfig | None = None,
    audience: str = "",
    to: list[str] = (),
    cc: list[str] = (),
    now: dt.datetime | None = None,
) -> EmailMessage:
    """The mail: ``multipart/alternative`` (text, then ``multipart/related`` HTML + PNG charts), inside
    ``multipart/mixed`` when the deck or PDF is attached.

    Raises
    ------
    PublishError
        An attachment asked for is not in the run folder.
    """
    sender = config.sender if config is not None else ""
    reports_url = config.reports_url if config is not None else None
    subject = subject_for(config, week, audience)
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = subject
    if sender:
        msg["From"] = sender
    if to:
        msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Date"] = format_datetime(now or dt.datetime.now(dt.timezone.utc))
    msg["Message-ID"] = make_msgid("status", domain=_domain(sender) if sender else "pmokit.local")
    msg["X-Unsent"] = "1"  # Outlook opens the .eml as a draft, ready to send
    msg["X-Mailer"] = "pmokit publish"
    body, charts = render_html(week, subject, reports_url)
    msg.set_content(render_text(week, reports_url), subtype="plain", cte="quoted-printable")
    msg.add_alternative(body, subtype="html", cte="quoted-printable")
    html_part = msg.get_payload()[1]
    for chart in dict((c.cid, c) for c in charts).values():
        html_part.add_related(
            chart.path.read_bytes(),
            "image",
            "png",
            cid=f"<{chart.cid}>",
            filename=f"{chart.path.stem}.png",
            disposition="inline",
        )
    for kind in config.attach if config is not None else []:
        path = week.folder / ATTACHMENTS[kind]
        if not path.is_file():
            raise PublishError(
                f"{week.folder.name}: attach '{kind}': expected {path.name} in the run folder, got none"
                + (" (run with --pdf)" if kind == "pdf" else "")
            )
        maintype, subtype = (mimetypes.guess_type(path.name)[0] or "application/octet-stream").split("/")
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    return msg


def write_message(msg: EmailMessage, path: Path) -> Path:
    """Write the message as an ``.eml`` file (CRLF line ends, as RFC 5322 wants), atomically."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(msg.as_bytes(policy=SMTP))
    tmp.replace(path)
    return path


def mail_file(audience: str = "") -> str:
    """``status_mail.eml`` (the draft for the analyst), ``status_mail.<audience>.eml`` per audience."""
    return f"status_mail.{audience}.eml" if audience else MAIL_FILE
