"""``mail.yaml``: who gets the weekly status, how it is addressed, and where it is delivered.

The file says which environment variables (or keyring entry) hold the credentials and the Teams
webhook URL, never the values: a file that holds a password, a secret, a token or the webhook URL
itself is refused with one line naming the key, so a YAML committed to a repository or shared on a
drive cannot leak them. See ``docs/mail.example.yaml``.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pmokit.errors import InputError
from pmokit.params import shown_value
from pmokit.sources import load_yaml

#: Largest mail.yaml read (a recipients list, not a data file).
MAX_CONFIG_BYTES = 64 * 1024
#: Keys whose value would be a credential. ``*_env`` keys (which name a variable) and
#: ``keyring_service`` are allowed; the values never are.
_SECRET_KEY = re.compile(r"pass(word|wd)?|secret|token|api_?key|credential|webhook_url", re.I)
_NAMES_A_PLACE = ("_env", "keyring_service")
_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
LOOPBACK_HOSTS = ("localhost",)


class PublishError(ValueError):
    """A problem with the publish configuration or its run folders, told in one line."""


def is_loopback(host: str | None) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1).

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("smtp.office365.com")
    (True, True, False)
    """
    if not host:
        return False
    if host.lower() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _address(value: str) -> str:
    value = value.strip()
    if not _ADDRESS.match(value):
        raise ValueError(f"an e-mail address like name@example.org, got {value!r}")
    return value


class Audience(BaseModel):
    """One audience: its recipients and what it gets (the summary, or its workstreams' sections)."""

    model_config = ConfigDict(extra="forbid")

    to: list[str] = Field(min_length=1, description="recipients")
    cc: list[str] = Field([], description="copied recipients")
    sections: Literal["summary"] | list[str] = Field(
        "summary", description='"summary" (the whole portfolio), or the workstreams whose sections it gets'
    )

    @field_validator("to", "cc")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        return [_address(v) for v in values]

    @field_validator("sections", mode="before")
    @classmethod
    def _one_workstream(cls, value):
        """``sections: Device rollout`` (one workstream written without brackets) is a list of one."""
        return [value] if isinstance(value, str) and value != "summary" else value

    @field_validator("sections")
    @classmethod
    def _some_sections(cls, value):
        if isinstance(value, list) and not value:
            raise ValueError('"summary" or at least one workstream')
        return value


class Smtp(BaseModel):
    """The mail relay. Credentials come from the environment or the system keyring, never from here."""

    model_config = ConfigDict(extra="forbid")

    host: str
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = Field(True, description="upgrade to TLS before logging in (false only for a relay on localhost)")
    ca_file: Path | None = Field(None, description="CA bundle for a relay with a private certificate")
    username_env: str | None = Field(None, pattern=_ENV_NAME)
    password_env: str | None = Field(None, pattern=_ENV_NAME)
    keyring_service: str | None = Field(None, description="keyring service holding the password for the username")
    timeout: float = Field(30.0, gt=0, le=600)

    @model_validator(mode="after")
    def _safe(self) -> Smtp:
        if not self.starttls and not is_loopback(self.host):
            raise ValueError(
                f"starttls true for a relay that is not on this machine ({self.host}): "
                "credentials and the mail would cross the network in clear"
            )
        if self.password_env and self.keyring_service:
            raise ValueError("either password_env or keyring_service, not both")
        if (self.password_env or self.keyring_service) and not self.username_env:
            raise ValueError("username_env as well (the user the password belongs to)")
        return self


class MailConfig(BaseModel):
    """A whole ``mail.yaml``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    sender: str = Field(alias="from", description="the From address")
    subject: str = Field(
        "{title}: week ending {week}, overall {rag}",
        description="subject template: {title}, {week} (YYYY-MM-DD), {iso_week} (2026-W48), {rag}, {audience}",
    )
    audiences: dict[str, Audience] = Field(default_factory=dict)
    attach: list[Literal["pdf", "deck"]] = Field([], description="files attached to every mail")
    smtp: Smtp | None = None
    webhook_url_env: str | None = Field(None, pattern=_ENV_NAME, description="variable holding the Teams webhook URL")
    reports_url: str | None = Field(None, description="where the reports are published (linked in the mail and card)")

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return _address(value)

    @field_validator("audiences")
    @classmethod
    def _names(cls, value: dict[str, Audience]) -> dict[str, Audience]:
        for name in value:
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}", name):
                raise ValueError(f"audience names of letters, digits, - and _ (they name files), got {name!r}")
        return value

    @field_validator("reports_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.netloc or any(c in value for c in "\"'<> "):
            raise ValueError(f"an https:// address, got {value!r}")
        return value

    @field_validator("subject")
    @classmethod
    def _template(cls, value: str) -> str:
        try:
            value.format(title="", week="", iso_week="", rag="", audience="")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"a template using only {{title}}, {{week}}, {{iso_week}}, {{rag}}, {{audience}} ({exc})")
        return value


def secret_keys(value: Any, where: str = "") -> list[str]:
    """Dotted keys of ``value`` that would hold a credential (``smtp.password``, ``webhook_url``...).

    Examples
    --------
    >>> secret_keys({"smtp": {"host": "x", "password": "p", "password_env": "P"}, "api_token": "t"})
    ['smtp.password', 'api_token']
    """
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            if _SECRET_KEY.search(str(key)) and not str(key).endswith(_NAMES_A_PLACE):
                found.append(name)
            found += secret_keys(item, name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += secret_keys(item, f"{where}[{i}]")
    return found


def _describe(file: str, error: dict[str, Any]) -> str:
    """One line for one pydantic error: file, key, expected, got."""
    key = ".".join(str(p) for p in error["loc"]) or "(file)"
    if error["type"] == "extra_forbidden":
        return f"{file}: key '{key}': unknown key (see docs/mail.example.yaml)"
    if error["type"] == "missing":
        return f"{file}: key '{key}': required, but missing"
    expected = error["msg"]
    for prefix in ("Value error, ", "Input should be ", "Input "):
        expected = expected.removeprefix(prefix)
    return f"{file}: key '{key}': expected {expected.splitlines()[0]}, got {shown_value(error.get('input'))}"


def from_mapping(raw: Any, name: str) -> MailConfig:
    """Check mail settings given as a mapping (``mail.yaml``'s content, or the status deck's ``publish:``).

    ``name`` is what the messages call the source. Credentials and the webhook URL are refused, never echoed.

    Raises
    ------
    PublishError
        One line: the source, the key, what was expected and what was found.
    """
    if not isinstance(raw, dict):
        raise PublishError(f"{name}: expected a mapping (from, audiences, smtp...), got {type(raw).__name__}")
    leaked = secret_keys(raw)
    if leaked:
        raise PublishError(
            f"{name}: key '{leaked[0]}': credentials and the webhook URL are never read from this file; "
            "name the environment variable that holds it instead (password_env, webhook_url_env) or a "
            "keyring_service, and remove the value"
        )
    try:
        return MailConfig.model_validate(raw)
    except ValidationError as exc:
        lines = [_describe(name, e) for e in exc.errors()]
        raise PublishError(lines[0] + (f" (and {len(lines) - 1} more problem(s))" if len(lines) > 1 else "")) from None


def from_status_run(folders: list[Path]) -> MailConfig | None:
    """The ``publish:`` settings recorded in a status deck run's ``run.json`` (None when it has none)."""
    import json

    for folder in folders:
        try:
            run = json.loads((Path(folder) / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        settings = (run.get("params") or {}).get("publish")
        if run.get("workbook") == "status_deck" and settings:
            return from_mapping(settings, f"{Path(folder).name}/run.json: publish")
    return None


def load(path: str | Path) -> MailConfig:
    """Read and check ``mail.yaml``.

    Raises
    ------
    PublishError
        One line: the file, the key, what was expected and what was found.
    """
    path = Path(path)
    if not path.is_file():
        raise PublishError(f"{path.name}: no such file")
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise PublishError(f"{path.name}: expected at most {MAX_CONFIG_BYTES >> 10} KB, got {path.stat().st_size:,}")
    try:
        raw = load_yaml(path.read_bytes().decode("utf-8-sig"), path)
    except UnicodeDecodeError:
        raise PublishError(f"{path.name}: expected YAML in UTF-8") from None
    except InputError as exc:
        raise PublishError(str(exc)) from None
    config = from_mapping(raw, path.name)
    if config.smtp is not None and config.smtp.ca_file is not None:
        config.smtp.ca_file = (path.parent / config.smtp.ca_file.expanduser()).resolve()
    return config
