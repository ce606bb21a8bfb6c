"""locator.mail: multipart messages from the email templates, every HTML value escaped, no header injection,
delivery to a real SMTP server on 127.0.0.1, and the outbox when no server is set."""
from __future__ import annotations

import logging

import pytest

from locator import mail
from locator.config import Config
from locator.errors import SetupError
from tests.support.smtp import html_of, text_of

LINK = "https://partners.example.com/sign-in/abc"


def config(tmp_path, **overrides) -> Config:
    return Config(instance_dir=str(tmp_path), **overrides)


def test_a_message_is_plain_text_and_html_sent_through_smtp(tmp_path, smtp_server):
    mail.send(config(tmp_path, smtp_url=smtp_server.url), "someone@example.com", "sign_in", "Your link", link=LINK,
              minutes=15)
    message = smtp_server.wait_for("someone@example.com")[0]
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert LINK in text_of(message) and f'href="{LINK}"' in html_of(message)
    assert message["Subject"] == "Your link" and message["From"] == Config().mail_from
    assert smtp_server.recipients == [["someone@example.com"]]
    assert not list(tmp_path.glob("outbox/*"))


def test_every_value_is_escaped_in_the_html_part(tmp_path, smtp_server):
    evil = '<script>alert(1)</script>"><img src=x onerror=1>'
    mail.send(config(tmp_path, smtp_url=smtp_server.url), "someone@example.com", "invite", "Invitation",
              link=LINK + '"><b>', sign_in_url=LINK, partner_name=evil, role="partner", hours=72)
    html = html_of(smtp_server.wait_for("someone@example.com")[0])
    assert "<script>" not in html and "<img" not in html and '"><b>' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("field", ["to", "subject"])
@pytest.mark.parametrize("bad", ["x\r\nBcc: victim@example.com", "x\nBcc: victim@example.com", "x\rY"])
def test_a_line_break_in_a_header_value_is_refused(tmp_path, smtp_server, field, bad):
    args = {"to": "someone@example.com", "subject": "Hello"}
    args[field] = bad if field == "subject" else f"someone@example.com{bad}"
    with pytest.raises(mail.MailError):
        mail.send(config(tmp_path, smtp_url=smtp_server.url), args["to"], "sign_in", args["subject"], link=LINK,
                  minutes=15)
    with pytest.raises(mail.MailError):
        mail.send_in_background(config(tmp_path), args["to"], "sign_in", args["subject"], link=LINK, minutes=15)
    assert smtp_server.messages == [] and not list(tmp_path.glob("outbox/*"))


def test_without_a_server_messages_go_to_the_outbox_and_the_log_says_where(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="locator.mail"):
        mail.send(config(tmp_path), "someone@example.com", "sign_in", "Your link", link=LINK, minutes=15)
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1 and not list((tmp_path / "outbox").glob(".*"))
    assert str(files[0]) in caplog.text
    from email import message_from_bytes, policy

    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == "someone@example.com" and LINK in text_of(message)


def test_background_delivery_arrives(tmp_path, smtp_server):
    mail.send_in_background(config(tmp_path, smtp_url=smtp_server.url), "later@example.com", "sign_in", "Link",
                            link=LINK, minutes=15)
    assert smtp_server.wait_for("later@example.com")


def test_an_unreachable_server_is_a_delivery_failure_naming_it(tmp_path, smtp_server):
    url = smtp_server.url
    smtp_server.stop()
    with pytest.raises(mail.DeliveryFailed, match="127.0.0.1"):
        mail.send(config(tmp_path, smtp_url=url), "someone@example.com", "sign_in", "Link", link=LINK, minutes=15)


@pytest.mark.parametrize("url, expected", [
    ("smtp://mail.example.com", ("smtp", "mail.example.com", 25, None, None)),
    ("smtp://127.0.0.1:2525", ("smtp", "127.0.0.1", 2525, None, None)),
    ("smtp+starttls://user%40corp:p%3Ass@mail.example.com:587", ("smtp+starttls", "mail.example.com", 587, "user@corp", "p:ss")),
    ("smtps://u:p@mail.example.com", ("smtps", "mail.example.com", 465, "u", "p")),
])
def test_smtp_urls(url, expected):
    server = mail.parse_smtp_url(url)
    assert (server.scheme, server.host, server.port, server.user, server.password) == expected


@pytest.mark.parametrize("url", ["http://mail.example.com", "mail.example.com:25", "smtp://", "smtp://host:port"])
def test_a_bad_smtp_url_is_a_clear_setup_error(url):
    with pytest.raises(SetupError, match="LOCATOR_SMTP_URL"):
        mail.parse_smtp_url(url)
