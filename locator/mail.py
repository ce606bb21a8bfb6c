"""Outgoing mail: templates/email/<name>.txt and .html rendered into one multipart/alternative message, sent
through the SMTP server named by `smtp_url`, or, with none set, written to instance_dir/outbox/ as an .eml file
(the log says where) so that a demo works without a mail server.

Every header value is checked: a CR or LF in one (a recipient, a subject built from partner text) is refused
with MailError, never passed on. The HTML part is rendered with autoescaping, so every value is escaped."""
from __future__ import annotations

import logging
import smtplib
import ssl
import threading
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from locator.config import ROOT, Config
from locator.errors import SetupError

log = logging.getLogger("locator.mail")

TEMPLATES = ROOT / "templates" / "email"
SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT_S = 20.0


class MailError(ValueError):
    """A message that must not be sent as asked (a header value with a line break, a bad address)."""


class DeliveryFailed(RuntimeError):
    """The SMTP server could not be reached or refused the message (the reason is in the message)."""


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    user: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpServer:
    """smtp://[user:password@]host[:port], smtp+starttls://... or smtps://...; a clear SetupError otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise SetupError(f"LOCATOR_SMTP_URL must look like smtp://host:port (or smtp+starttls://, smtps://), "
                         f"not {parts.scheme or '(no scheme)'}://{parts.hostname or ''}")
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError:
        raise SetupError("LOCATOR_SMTP_URL has a port that is not a number") from None
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return SmtpServer(parts.scheme, parts.hostname, port, user, password)


def header_value(value: str, name: str) -> str:
    """The value unchanged, or MailError when it could add a header (CR, LF) or is not text."""
    if not isinstance(value, str) or "\r" in value or "\n" in value or "\0" in value:
        raise MailError(f"the {name} of a message may not hold a line break")
    return value


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                       undefined=StrictUndefined, keep_trailing_newline=True)


def build_message(config: Config, to: str, template: str, subject: str, **context: Any) -> EmailMessage:
    """The message: plain text first, HTML as the preferred alternative; headers checked."""
    env = _environment()
    context = {"subject": subject, **context}
    text = env.get_template(f"{template}.txt").render(**context)
    html = env.get_template(f"{template}.html").render(**context)
    message = EmailMessage()
    message["From"] = header_value(config.mail_from, "sender")
    message["To"] = header_value(to, "recipient")
    message["Subject"] = header_value(subject, "subject")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_domain(config.mail_from))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send(config: Config, to: str, template: str, subject: str, **context: Any) -> None:
    """Render templates/email/<template>.txt and .html and deliver the message (SMTP, or the outbox)."""
    deliver(config, build_message(config, to, template, subject, **context))


def send_in_background(config: Config, to: str, template: str, subject: str, **context: Any) -> None:
    """Build the message now (errors surface to the caller), deliver it on a thread: the caller's response
    time then does not depend on the SMTP server (nor on whether a message was sent at all)."""
    message = build_message(config, to, template, subject, **context)

    def run() -> None:
        try:
            deliver(config, message)
        except Exception:  # logged: the request that asked for it has already answered
            log.exception("could not deliver the message %r", message["Subject"])

    threading.Thread(target=run, name="locator-mail", daemon=True).start()


def deliver(config: Config, message: EmailMessage) -> None:
    if not config.smtp_url.strip():
        path = write_to_outbox(Path(config.instance_dir) / "outbox", message)
        log.warning("LOCATOR_SMTP_URL is not set: the message %r was written to %s", message["Subject"], path)
        return
    server = parse_smtp_url(config.smtp_url)
    try:
        _send_smtp(server, message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"the mail server {server.host}:{server.port} did not take the message ({exc})") from exc


def _send_smtp(server: SmtpServer, message: EmailMessage) -> None:
    if server.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_S,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_S)
    with client:
        if server.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if server.user:
            client.login(server.user, server.password or "")
        client.send_message(message)


def write_to_outbox(folder: Path, message: EmailMessage) -> Path:
    """instance/outbox/<UTC timestamp>-<id>.eml, written whole (a temporary name, then renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{uuid.uuid4().hex[:12]}.eml"
    temporary = folder / f".{name}.tmp"
    temporary.write_bytes(bytes(message))
    temporary.replace(folder / name)
    return folder / name


def _domain(address: str) -> str:
    domain = address.rsplit("@", 1)[-1].strip(" >")
    return domain or "localhost"
