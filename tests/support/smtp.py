"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it receives, for tests of the mail the
locator sends: `LocalSmtpServer().start()`, its `.url` as LOCATOR_SMTP_URL, then `.wait_for(to=...)`."""
from __future__ import annotations

import re
import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

LINK_RE = re.compile(r"https?://[^\s<>\"]+/sign-in/[A-Za-z0-9_\-]+")


class LocalSmtpServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.port = _free_port(host)
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []  # the envelope's RCPT TO of each message, in the same order
        self._arrived = threading.Condition()
        self._controller = Controller(self, hostname=host, port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> "LocalSmtpServer":
        self._controller.start()
        self._running = True
        return self

    def stop(self) -> None:
        """Stop accepting connections (again: nothing)."""
        if getattr(self, "_running", False):
            self._controller.stop()
            self._running = False

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._arrived:
            self.messages.append(message)
            self.recipients.append(list(envelope.rcpt_tos))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, to: str | None = None, count: int = 1, timeout: float = 15.0) -> list[EmailMessage]:
        """The messages to `to` (any recipient when None) once at least `count` have arrived; AssertionError
        after `timeout` seconds (generous: mail may be sent on a thread after the response)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                found = [m for m in self.messages if to is None or to.lower() in str(m["To"]).lower()]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{count} message(s) to {to or 'anyone'} did not arrive; got "
                                         f"{[str(m['To']) for m in self.messages]}")
                self._arrived.wait(left)

    def clear(self) -> None:
        with self._arrived:
            self.messages.clear()
            self.recipients.clear()


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def link_in(message: EmailMessage) -> str:
    """The sign-in link a message carries (from its plain-text part)."""
    found = LINK_RE.search(text_of(message))
    assert found, f"no sign-in link in {text_of(message)!r}"
    return found.group(0)


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
