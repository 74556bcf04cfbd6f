"""``pmokit publish``: write the mail drafts and the Teams card, and with ``--send`` deliver them.

Delivery: the mail over SMTP with STARTTLS (certificate checked) and the password from the
environment or the system keyring; the card POSTed to the webhook URL read from the environment.
Temporary failures (a 4xx SMTP reply, a dropped connection, HTTP 429 or 5xx) are retried with
backoff (``Retry-After`` honoured); a permanent one is reported per recipient. What was sent is
appended to the status run's ``run.json`` under ``published``: times, audiences, recipients,
subjects, Message-IDs and outcomes; never a body, a password or the webhook URL.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import smtplib
import socket
import ssl
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from pmokit import runfolder
from pmokit.publish import card as cards
from pmokit.publish import config as configuration
from pmokit.publish import mail
from pmokit.publish.config import MailConfig, PublishError, is_loopback

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
#: Attempts per message or card, and the first wait (doubled after each failure).
ATTEMPTS = 4
BACKOFF_S = 2.0
#: Longest wait a server's Retry-After may impose before we give up on it.
MAX_WAIT_S = 120.0
#: How long a webhook POST may take.
HTTP_TIMEOUT_S = 30.0
Sleep = Callable[[float], None]


# ----------------------------------------------------------------------------- credentials
@dataclass
class Credentials:
    """What delivery needs from outside the YAML, looked up before anything is sent."""

    username: str | None = None
    password: str | None = None
    webhook_url: str | None = None

    def secrets(self) -> list[str]:
        """Values that must never be written anywhere (used to scrub error texts)."""
        return [s for s in (self.password, self.webhook_url) if s]


def _keyring_password(service: str, username: str) -> str | None:
    try:
        import keyring
    except ImportError:
        raise PublishError(
            "smtp.keyring_service is set but the keyring package is not installed (pip install keyring), "
            "or use password_env"
        ) from None
    return keyring.get_password(service, username)


def credentials(config: MailConfig, environ: dict[str, str] | None = None, mail_too: bool = True) -> Credentials:
    """The SMTP login and webhook URL named by ``config``, from the environment or the keyring.

    Raises
    ------
    PublishError
        A variable named is not set, the keyring has no entry, or the webhook URL is not https.
    """
    env = os.environ if environ is None else environ
    found = Credentials()
    smtp = config.smtp
    if mail_too and smtp is not None and smtp.username_env:
        found.username = env.get(smtp.username_env)
        if not found.username:
            raise PublishError(f"smtp.username_env: expected the variable {smtp.username_env} set, got it unset")
        if smtp.password_env:
            found.password = env.get(smtp.password_env)
            if not found.password:
                raise PublishError(f"smtp.password_env: expected the variable {smtp.password_env} set, got it unset")
        elif smtp.keyring_service:
            found.password = _keyring_password(smtp.keyring_service, found.username)
            if not found.password:
                raise PublishError(
                    f"smtp.keyring_service: expected a password for {found.username} in the keyring service "
                    f"'{smtp.keyring_service}', got none"
                )
    if config.webhook_url_env:
        url = env.get(config.webhook_url_env, "").strip()
        if not url:
            raise PublishError(f"webhook_url_env: expected the variable {config.webhook_url_env} set, got it unset")
        parts = urlsplit(url)
        if not (parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname))):
            raise PublishError(
                f"webhook_url_env: expected an https:// URL in {config.webhook_url_env}, got a {parts.scheme or 'bare'} one"
            )
        found.webhook_url = url
    return found


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with every secret replaced by ``***`` (an error may echo what it was given).

    Examples
    --------
    >>> scrub("login failed for hunter2", ["hunter2"])
    'login failed for ***'
    """
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


# ----------------------------------------------------------------------------- SMTP
@dataclass
class MailOutcome:
    """What happened to one audience's message."""

    audience: str
    to: list[str]
    cc: list[str]
    subject: str
    message_id: str
    delivered: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # recipient (or "*") -> why it failed
    attempts: int = 0
    at: str = ""

    @property
    def status(self) -> str:
        if not self.errors:
            return "sent"
        return "partly sent" if self.delivered else "failed"

    def record(self) -> dict[str, Any]:
        return {
            "audience": self.audience,
            "to": self.to,
            "cc": self.cc,
            "subject": self.subject,
            "message_id": self.message_id,
            "status": self.status,
            "delivered": self.delivered,
            "errors": self.errors,
            "attempts": self.attempts,
            "at": self.at,
        }


def _temporary(code: int) -> bool:
    return 400 <= code < 500


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"


def _connect(smtp, creds: Credentials) -> smtplib.SMTP:
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    try:
        client.ehlo()
        if smtp.starttls:
            context = ssl.create_default_context(cafile=str(smtp.ca_file) if smtp.ca_file else None)
            client.starttls(context=context)
            client.ehlo()
        if creds.username and creds.password:
            client.login(creds.username, creds.password)
    except BaseException:
        client.close()
        raise
    return client


def send_mail(
    messages: list[tuple[str, EmailMessage]],
    smtp,
    creds: Credentials,
    *,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF_S,
    sleep: Sleep = time.sleep,
) -> list[MailOutcome]:
    """Deliver each audience's message; retry what failed temporarily, report each recipient's failure.

    A temporary failure (4xx reply, lost connection) retries the recipients not yet delivered, after
    ``backoff``, then twice that...; a permanent refusal (5xx) of a recipient is final for that
    recipient; a failed login or TLS handshake is final for every message (the others are not tried).
    """
    outcomes = []
    for audience, msg in messages:
        to = email.utils.getaddresses(msg.get_all("To", []))
        cc = email.utils.getaddresses(msg.get_all("Cc", []))
        outcome = MailOutcome(
            audience, [a for _, a in to], [a for _, a in cc], str(msg["Subject"]), str(msg["Message-ID"])
        )
        outcomes.append(outcome)
    sent_copy = {id(msg): _without_draft_mark(msg) for _, msg in messages}
    fatal = ""  # a refused login or TLS failure: the other messages are not tried (no account lock-out)
    for outcome, (_, msg) in zip(outcomes, messages):
        pending = outcome.to + outcome.cc
        wait = backoff
        if fatal:
            outcome.errors["*"] = f"not tried: {fatal}"
            pending = []
        while pending and outcome.attempts < attempts:
            if outcome.attempts:
                sleep(wait)
                wait *= 2
            outcome.attempts += 1
            pending = _try_once(outcome, pending, smtp, creds, sent_copy[id(msg)], msg["From"])
            if outcome.errors.get("*", "").startswith(("final:", "fatal:")):
                fatal = outcome.errors["*"].removeprefix("fatal: ") if outcome.errors["*"].startswith("fatal:") else ""
                break
        for address in pending:
            outcome.errors.setdefault(address, "still failing after retries")
        outcome.at = _now()
        outcome.errors = {
            k: scrub(v.removeprefix("final: ").removeprefix("fatal: "), creds.secrets())
            for k, v in outcome.errors.items()
        }
    return outcomes


def _without_draft_mark(msg: EmailMessage) -> bytes:
    """The bytes sent: the draft without ``X-Unsent`` (recipients get a mail, not a draft)."""
    copy = email.message_from_bytes(msg.as_bytes(), _class=EmailMessage, policy=msg.policy)
    del copy["X-Unsent"]
    return copy.as_bytes()


def _try_once(outcome: MailOutcome, pending: list[str], smtp, creds: Credentials, data: bytes, sender) -> list[str]:
    """One attempt at delivering to ``pending``; returns the recipients to try again."""
    host = f"{smtp.host}:{smtp.port}"
    try:
        client = _connect(smtp, creds)
    except smtplib.SMTPAuthenticationError as exc:
        outcome.errors["*"] = f"fatal: login to {host} refused: {_reply(exc.smtp_code, exc.smtp_error)}"
        return pending
    except (ssl.SSLError, ssl.CertificateError) as exc:
        outcome.errors["*"] = f"fatal: TLS with {host} failed: {exc.__class__.__name__}: {exc}"
        return pending
    except smtplib.SMTPNotSupportedError:
        outcome.errors["*"] = f"fatal: {host} does not offer STARTTLS (or login); nothing sent in clear"
        return pending
    except smtplib.SMTPResponseException as exc:
        outcome.errors["*"] = (
            "" if _temporary(exc.smtp_code) else "final: "
        ) + f"{host}: {_reply(exc.smtp_code, exc.smtp_error)}"
        return pending
    except (OSError, smtplib.SMTPException) as exc:  # refused, timed out, dropped
        outcome.errors["*"] = f"cannot reach {host}: {exc.__class__.__name__}: {exc}"
        return pending
    try:
        refused = client.sendmail(str(sender), pending, data)
    except smtplib.SMTPRecipientsRefused as exc:
        refused = exc.recipients
    except smtplib.SMTPResponseException as exc:  # the message itself (MAIL FROM or DATA) refused
        why = f"{host}: {_reply(exc.smtp_code, exc.smtp_error)}"
        outcome.errors["*"] = why if _temporary(exc.smtp_code) else f"final: {why}"
        return pending
    except (OSError, smtplib.SMTPException) as exc:
        outcome.errors["*"] = f"connection to {host} lost: {exc.__class__.__name__}"
        return pending
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
    outcome.errors.pop("*", None)
    retry = []
    for address in pending:
        if address not in refused:
            outcome.delivered.append(address)
            outcome.errors.pop(address, None)
            continue
        code, text = refused[address]
        outcome.errors[address] = f"refused by {host}: {_reply(code, text)}"
        if _temporary(code):
            retry.append(address)
    return retry


# ----------------------------------------------------------------------------- the webhook
@dataclass
class CardOutcome:
    """What happened to the card."""

    status: str = "failed"
    http_status: int | None = None
    attempts: int = 0
    error: str = ""
    at: str = ""

    def record(self, variable: str | None) -> dict[str, Any]:
        out = {"status": self.status, "http_status": self.http_status, "attempts": self.attempts, "at": self.at}
        out["webhook"] = f"${variable}" if variable else None  # the variable's name, never the URL
        if self.error:
            out["error"] = self.error
        return out


def retry_after(value: str | None, default: float) -> float:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), capped.

    Examples
    --------
    >>> retry_after("3", 2.0), retry_after(None, 2.0), retry_after("junk", 2.0), retry_after("9999", 2.0)
    (3.0, 2.0, 2.0, 120.0)
    """
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return default
        seconds = (when - dt.datetime.now(dt.timezone.utc)).total_seconds()
    return min(max(seconds, 0.0), MAX_WAIT_S)


def post_card(
    url: str,
    payload: dict[str, Any],
    *,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF_S,
    sleep: Sleep = time.sleep,
    secrets: list[str] = (),
) -> CardOutcome:
    """POST the card as JSON; retry on 429, 5xx and connection errors (``Retry-After`` honoured)."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    outcome = CardOutcome()
    wait = backoff
    while outcome.attempts < attempts:
        outcome.attempts += 1
        request = urllib.request.Request(
            url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
        )
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:  # noqa: S310 - https checked
                outcome.http_status = response.status
                outcome.status, outcome.error = "sent", ""
                break
        except urllib.error.HTTPError as exc:
            outcome.http_status = exc.code
            outcome.error = f"webhook answered HTTP {exc.code} {exc.reason}"
            if exc.code != 429 and exc.code < 500:
                break
            delay = retry_after(exc.headers.get("Retry-After"), wait)
        except (urllib.error.URLError, OSError, socket.timeout) as exc:
            reason = getattr(exc, "reason", exc)
            outcome.error = f"webhook unreachable: {reason.__class__.__name__}: {reason}"
            delay = wait
        if outcome.attempts < attempts:
            sleep(delay)
            wait *= 2
    outcome.at = _now()
    outcome.error = scrub(outcome.error, [url, *secrets])
    return outcome


# ----------------------------------------------------------------------------- run.json
def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def record_published(folder: Path, entry: dict[str, Any]) -> None:
    """Append ``entry`` to ``run.json``'s ``published`` list (the file rewritten atomically)."""
    path = Path(folder) / runfolder.RUN_FILE
    run = runfolder.read_json(path)
    if not isinstance(run, dict):
        raise PublishError(f"{path.parent.name}/{path.name}: expected the run's JSON record, got none")
    run.setdefault("published", []).append(entry)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(run, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    tmp.replace(path)


# ----------------------------------------------------------------------------- the command
@dataclass
class Built:
    """The files written and the messages behind them."""

    week: mail.Week
    draft: Path
    card: Path
    messages: list[tuple[str, EmailMessage, Path]] = field(default_factory=list)  # (audience, message, file)


def build(folders: list[Path], config: MailConfig | None) -> Built:
    """Write ``status_mail.eml``, one ``status_mail.<audience>.eml`` per audience and ``teams_card.json``."""
    week = mail.read_week(folders)
    reports_url = config.reports_url if config is not None else None
    audiences = config.audiences if config is not None else {}
    known = week.workstreams()
    for name, audience in audiences.items():  # every audience checked before any file is written
        unknown = [s for s in audience.sections if s not in known] if audience.sections != "summary" else []
        if unknown:
            raise PublishError(
                f"audiences.{name}.sections: expected workstreams of this status run "
                f"({', '.join(known)}), got {', '.join(repr(u) for u in unknown)}"
            )
    messages = [(None, mail.build_message(week, config))]
    for name, audience in audiences.items():
        view = week if audience.sections == "summary" else week.for_workstreams(list(audience.sections))
        messages.append((name, mail.build_message(view, config, name, audience.to, audience.cc)))
    draft = mail.write_message(messages[0][1], week.folder / mail.MAIL_FILE)
    built = Built(week, draft, cards.write_card(week, week.folder, reports_url))
    for name, msg in messages[1:]:
        built.messages.append((name, msg, mail.write_message(msg, week.folder / mail.mail_file(name))))
    return built


def _size(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def describe(built: Built, config: MailConfig | None, out=None) -> None:
    """Who would get what: per audience its recipients, subject, attachments and sizes."""
    out = out or sys.stdout
    print(
        f"Status run: {built.week.folder.name} (week ending {built.week.period_end}, {built.week.rag_label})", file=out
    )
    print(
        f"  draft  {built.draft.name}  {_size(built.draft.stat().st_size)}  (no recipients: open it in a mail client)",
        file=out,
    )
    for name, msg, path in built.messages:
        attached = [f"{part.get_filename()} ({_size(len(part.get_content()))})" for part in msg.iter_attachments()]
        print(f"  mail   {name}: {path.name}  {_size(path.stat().st_size)}", file=out)
        print(f"         to: {msg['To']}" + (f"; cc: {msg['Cc']}" if msg["Cc"] else ""), file=out)
        print(f"         subject: {msg['Subject']}", file=out)
        print(f"         attachments: {', '.join(attached) if attached else 'none'}", file=out)
        if path.stat().st_size > mail.MAX_MAIL_BYTES:
            print(
                f"         note: over {_size(mail.MAX_MAIL_BYTES)}; some relays and phones refuse or clip it", file=out
            )
    target = (
        f"the webhook in ${config.webhook_url_env}" if config is not None and config.webhook_url_env else "no webhook"
    )
    print(f"  card   {built.card.name}  {_size(built.card.stat().st_size)}  -> {target}", file=out)


def deliver(built: Built, config: MailConfig, creds: Credentials, **retry: Any) -> tuple[dict[str, Any], bool]:
    """Send every audience's mail and post the card; the ``published`` entry and whether all went out."""
    entry: dict[str, Any] = {"at": _now(), "mail": [], "card": None}
    ok = True
    if built.messages and config.smtp is not None:
        outcomes = send_mail([(n, m) for n, m, _ in built.messages], config.smtp, creds, **retry)
        entry["mail"] = [o.record() for o in outcomes]
        for o in outcomes:
            for who, why in o.errors.items():
                print(
                    f"pmokit publish: {o.audience}: {'every recipient' if who == '*' else who}: {why}", file=sys.stderr
                )
            print(f"mail   {o.audience}: {o.status} to {len(o.delivered)} of {len(o.to) + len(o.cc)} recipient(s)")
        ok = all(o.status == "sent" for o in outcomes)
    if creds.webhook_url:
        payload = json.loads(built.card.read_text(encoding="utf-8"))
        outcome = post_card(creds.webhook_url, payload, secrets=creds.secrets(), **retry)
        entry["card"] = outcome.record(config.webhook_url_env)
        print(f"card   {outcome.status} (HTTP {outcome.http_status}, {outcome.attempts} attempt(s))")
        if outcome.status != "sent":
            print(f"pmokit publish: card: {outcome.error}", file=sys.stderr)
            ok = False
    return entry, ok


def cmd_publish(args) -> int:
    """``pmokit publish RUN_FOLDER... [--to mail.yaml] [--send | --dry-run]``."""
    try:
        folders = [Path(f) for f in args.folders]
        # --to wins; else the status deck's own `publish:` section, recorded in its run.json
        config = configuration.load(args.to) if args.to else configuration.from_status_run(folders)
        if args.send:
            if config is None:
                raise PublishError(
                    "--send needs --to mail.yaml or a publish: section in the status deck's params "
                    "(recipients, relay, webhook)"
                )
            if config.audiences and config.smtp is None:
                raise PublishError(f"{Path(args.to).name}: key 'smtp': required with --send to deliver the mail")
            if not config.audiences and not config.webhook_url_env:
                raise PublishError(f"{Path(args.to).name}: nothing to send: no audiences and no webhook_url_env")
            creds = credentials(config)  # every credential found before anything is sent
        built = build(folders, config)
    except PublishError as exc:
        print(f"pmokit publish: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if getattr(args, "reel", False):
        from pmokit.errors import InputError
        from pmokit.publish.reel import build_reel

        try:
            print(build_reel(built.week.folder).summary())
        except (InputError, RuntimeError) as exc:
            print(f"pmokit publish: {exc}", file=sys.stderr)
            return EXIT_FAILED
    if not args.send:
        describe(built, config)
        print("Dry run: nothing sent." if args.dry_run else "Written; nothing sent (--send delivers).")
        return EXIT_OK
    entry, ok = deliver(built, config, creds)
    record_published(built.week.folder, entry)
    return EXIT_OK if ok else EXIT_FAILED
