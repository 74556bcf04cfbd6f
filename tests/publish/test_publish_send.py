"""``pmokit publish --send`` against a real local SMTP server (aiosmtpd, STARTTLS required, login
checked) and a local HTTP server standing in for the Teams webhook.

STARTTLS: the test server offers STARTTLS with a self-signed certificate made here by the
``openssl`` command line (the ``cryptography`` package is not a dependency), refuses to log anyone
in before TLS (``auth_require_tls``) and refuses mail before TLS (``require_starttls``). The mail
YAML points ``smtp.ca_file`` at that certificate, so the client's certificate and host-name checks
run exactly as against a company relay with a private CA; nothing is switched off for the test.
"""

from __future__ import annotations

import email
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pmokit import cli
from pmokit.publish import send
from pmokit.publish.card import CARD_FILE

STATUS = "status_deck/weekly"
USER, PASSWORD = "pmo-robot", "correct-horse-battery-" + "9f3b1c7e"  # a value that appears nowhere else
DIRECTORS = ["cio@example.org", "cfo@example.org"]
DIRECTORS_CC = ["pmo-office@example.org"]
LEAD = ["rollout.lead@example.org"]


# ----------------------------------------------------------------------------- a local SMTP server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (key, cert), made with openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl not found: cannot make the test relay's certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return key, cert


class Recorder:
    """aiosmtpd handler: keeps each delivered message; refuses some recipients as a real relay would.

    ``nobody@example.org`` is unknown (550, permanent); ``busy@example.org`` is greylisted once
    (451, temporary), then accepted.
    """

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []
        self.greylisted: set[str] = set()
        self.logins: list[tuple[str, bool]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "nobody@example.org":
            return "550 5.1.1 <nobody@example.org>: no such user"
        if address == "busy@example.org" and address not in self.greylisted:
            self.greylisted.add(address)
            return "451 4.7.1 greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        assert session.ssl is not None, "mail accepted before STARTTLS"
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
        self.logins.append((auth_data.login.decode(), ok))
        return AuthResult(success=ok, handled=False)


@pytest.fixture
def relay(certificate):
    """A running SMTP server on 127.0.0.1 that requires STARTTLS and a login."""
    pytest.importorskip("aiosmtpd")
    from aiosmtpd.controller import Controller

    key, cert = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    recorder = Recorder()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=_free_port(),
        tls_context=context,
        require_starttls=True,
        auth_require_tls=True,
        authenticator=recorder.authenticate,
    )
    controller.start()
    recorder.port = controller.port
    yield recorder
    controller.stop()


# ----------------------------------------------------------------------------- a local webhook
class Hook(BaseHTTPRequestHandler):
    """Answers the first POST with 429 (Retry-After: 1), the next ones with 200; keeps bodies and times."""

    posts: list[tuple[float, bytes, str]] = []
    answers: list[int] = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).posts.append((time.monotonic(), body, self.headers["Content-Type"]))
        code = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(code)
        if code == 429:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def webhook():
    Hook.posts, Hook.answers = [], [429]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/workflows/hook?sig=not-a-real-signature", Hook
    server.shutdown()
    server.server_close()


# ----------------------------------------------------------------------------- the status run
@pytest.fixture
def status_run(bundled_batch, tmp_path: Path) -> Path:
    """A copy of the bundled batch (publishing writes into the run folder)."""
    bundled_batch.folder(STATUS)
    out = tmp_path / "out"
    shutil.copytree(bundled_batch.out, out, ignore=shutil.ignore_patterns("history_store", "*.ipynb", "*.pdf"))
    return out / STATUS


def mail_yaml(folder: Path, port: int, cert: Path, directors=DIRECTORS, webhook: bool = True) -> Path:
    path = folder / "mail.yaml"
    lines = [
        "from: pmo@example.org",
        "subject: '[{iso_week}] {title}: {rag}'",
        "audiences:",
        f"  directors: {{to: {json.dumps(list(directors))}, cc: {json.dumps(DIRECTORS_CC)}}}",
        f"  rollout: {{to: {json.dumps(LEAD)}, sections: [Device rollout]}}",
        "smtp:",
        "  host: 127.0.0.1",
        f"  port: {port}",
        f"  ca_file: {cert}",
        "  username_env: PMO_SMTP_USER",
        "  password_env: PMO_SMTP_PASSWORD",
        "  timeout: 10",
    ]
    if webhook:
        lines.append("webhook_url_env: PMO_TEAMS_WEBHOOK")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def secrets_env(monkeypatch):
    monkeypatch.setenv("PMO_SMTP_USER", USER)
    monkeypatch.setenv("PMO_SMTP_PASSWORD", PASSWORD)


def _published(folder: Path) -> list[dict]:
    return json.loads((folder / "run.json").read_text(encoding="utf-8"))["published"]


def test_send_delivers_each_audience_over_starttls_and_posts_the_card(
    status_run: Path, relay: Recorder, webhook, certificate, secrets_env, monkeypatch, capsys
) -> None:
    url, hook = webhook
    monkeypatch.setenv("PMO_TEAMS_WEBHOOK", url)
    config = mail_yaml(status_run.parents[2], relay.port, certificate[1])
    assert cli.main(["publish", str(status_run), "--to", str(config), "--send"]) == 0
    printed = capsys.readouterr()

    # Two messages, one per audience (a session each), each to exactly its To + Cc, logged in over TLS.
    assert relay.logins == [(USER, True), (USER, True)]
    assert sorted(sorted(rcpts) for rcpts, _ in relay.messages) == [
        sorted(DIRECTORS + DIRECTORS_CC),
        sorted(LEAD),
    ]
    received = {tuple(sorted(r)): email.message_from_bytes(data, policy=default_policy) for r, data in relay.messages}
    directors = received[tuple(sorted(DIRECTORS + DIRECTORS_CC))]
    metrics = json.loads((status_run / "metrics.json").read_text(encoding="utf-8"))
    # subject template '[{iso_week}] {title}: {rag}'; 2026-11-27 is a Friday of ISO week 48
    assert directors["Subject"] == f"[2026-W48] Weekly portfolio status: {metrics['verdict_rag'].upper()}"
    assert directors["X-Unsent"] is None  # a sent mail is not a draft; the .eml on disk is
    assert email.message_from_bytes((status_run / "status_mail.directors.eml").read_bytes())["X-Unsent"] == "1"

    # The card: 429 first, then posted again no sooner than its Retry-After (1 s), as the JSON written.
    assert len(hook.posts) == 2
    assert hook.posts[1][0] - hook.posts[0][0] >= 1.0
    assert hook.posts[1][2].startswith("application/json")
    assert json.loads(hook.posts[1][1]) == json.loads((status_run / CARD_FILE).read_text(encoding="utf-8"))

    (entry,) = _published(status_run)
    by_audience = {m["audience"]: m for m in entry["mail"]}
    assert by_audience["directors"]["status"] == "sent"
    assert sorted(by_audience["directors"]["delivered"]) == sorted(DIRECTORS + DIRECTORS_CC)
    assert by_audience["directors"]["message_id"] == directors["Message-ID"]
    assert by_audience["rollout"]["to"] == LEAD and by_audience["rollout"]["status"] == "sent"
    assert entry["card"] == {**entry["card"], "status": "sent", "http_status": 200, "attempts": 2}
    assert entry["card"]["webhook"] == "$PMO_TEAMS_WEBHOOK"

    # No secret anywhere: run.json, stdout, stderr, the drafts, the card.
    run_json = (status_run / "run.json").read_text(encoding="utf-8")
    written = [p.read_bytes().decode("utf-8", "replace") for p in status_run.glob("status_mail*.eml")]
    written.append((status_run / CARD_FILE).read_text(encoding="utf-8"))
    for text in [run_json, printed.out, printed.err, *written]:
        assert PASSWORD not in text and url not in text and "not-a-real-signature" not in text
    assert "<html" not in run_json.lower() and metrics["verdict"] not in run_json  # no body recorded


def test_a_refused_recipient_is_named_and_the_others_still_get_it(
    status_run: Path, relay: Recorder, certificate, secrets_env, capsys
) -> None:
    """One unknown address (550) and one greylisted once (451): the rest delivered, the greylisted one
    on the retry, the unknown one reported by name; exit 1 and the record says 'partly sent'."""
    directors = ["cio@example.org", "nobody@example.org", "busy@example.org"]
    config = mail_yaml(status_run.parents[2], relay.port, certificate[1], directors=directors, webhook=False)
    assert cli.main(["publish", str(status_run), "--to", str(config), "--send"]) == 1
    err = capsys.readouterr().err
    assert "directors: nobody@example.org: refused by 127.0.0.1" in err and "550 5.1.1" in err
    assert "busy@example.org" not in err
    delivered = sorted(r for rcpts, _ in relay.messages for r in rcpts)
    # first attempt: cio + pmo-office (nobody 550, busy 451); retry: busy; the lead's mail: rollout.lead
    assert delivered == sorted(["cio@example.org", "pmo-office@example.org", "busy@example.org", *LEAD])
    (entry,) = _published(status_run)
    record = next(m for m in entry["mail"] if m["audience"] == "directors")
    assert record["status"] == "partly sent" and record["attempts"] == 2
    assert list(record["errors"]) == ["nobody@example.org"]
    assert entry["card"] is None


def test_a_wrong_password_fails_at_once_without_echoing_it(
    status_run: Path, relay: Recorder, certificate, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("PMO_SMTP_USER", USER)
    monkeypatch.setenv("PMO_SMTP_PASSWORD", "wrong-" + PASSWORD)
    config = mail_yaml(status_run.parents[2], relay.port, certificate[1], webhook=False)
    assert cli.main(["publish", str(status_run), "--to", str(config), "--send"]) == 1
    printed = capsys.readouterr()
    assert "login to 127.0.0.1" in printed.err and "535" in printed.err
    # one session only: smtplib tries each mechanism the relay offers (PLAIN, LOGIN), and a refused login
    # is final for every audience (retrying a wrong password can lock the account)
    assert relay.messages == [] and relay.logins == [(USER, False), (USER, False)]
    assert "rollout: every recipient: not tried: login to 127.0.0.1" in printed.err
    run_json = (status_run / "run.json").read_text(encoding="utf-8")
    for text in (run_json, printed.out, printed.err):
        assert PASSWORD not in text


def test_an_untrusted_certificate_stops_before_login(status_run: Path, relay: Recorder, secrets_env, capsys) -> None:
    """Without the relay's CA (no ca_file) the handshake fails: no login is attempted, nothing is sent."""
    path = status_run.parents[2] / "mail.yaml"
    path.write_text(
        "from: pmo@example.org\naudiences: {d: {to: [cio@example.org]}}\n"
        f"smtp: {{host: 127.0.0.1, port: {relay.port}, username_env: PMO_SMTP_USER, password_env: PMO_SMTP_PASSWORD}}\n",
        encoding="utf-8",
    )
    assert cli.main(["publish", str(status_run), "--to", str(path), "--send"]) == 1
    assert "TLS with 127.0.0.1" in capsys.readouterr().err
    assert relay.logins == [] and relay.messages == []


def test_missing_credentials_stop_everything_before_sending(
    status_run: Path, relay: Recorder, certificate, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("PMO_SMTP_USER", USER)
    monkeypatch.delenv("PMO_SMTP_PASSWORD", raising=False)
    config = mail_yaml(status_run.parents[2], relay.port, certificate[1], webhook=False)
    assert cli.main(["publish", str(status_run), "--to", str(config), "--send"]) == 2
    assert "password_env: expected the variable PMO_SMTP_PASSWORD set, got it unset" in capsys.readouterr().err
    assert relay.messages == [] and "published" not in json.loads((status_run / "run.json").read_text())


# ----------------------------------------------------------------------------- the webhook alone
def test_post_card_retries_5xx_and_stops_on_4xx(webhook) -> None:
    url, hook = webhook
    waits: list[float] = []
    hook.answers[:] = [503, 502, 200]
    outcome = send.post_card(url, {"type": "message"}, backoff=0.5, sleep=waits.append)
    assert (outcome.status, outcome.http_status, outcome.attempts) == ("sent", 200, 3)
    assert waits == [0.5, 1.0]  # no Retry-After on a 5xx here: backoff 0.5 s, doubled
    hook.answers[:] = [404]
    outcome = send.post_card(url, {"type": "message"}, sleep=waits.append)
    assert (outcome.status, outcome.http_status, outcome.attempts) == ("failed", 404, 1)
    assert url not in outcome.error and "404" in outcome.error


def test_webhook_url_must_be_https_off_this_machine() -> None:
    from pmokit.publish.config import MailConfig, PublishError

    config = MailConfig.model_validate({"from": "a@b.org", "webhook_url_env": "HOOK"})
    with pytest.raises(PublishError, match="expected an https:// URL in HOOK, got a http one"):
        send.credentials(config, {"HOOK": "http://prod.example.org/hook"})
    assert send.credentials(config, {"HOOK": "http://127.0.0.1:8080/hook"}).webhook_url
