"""Outgoing mail through one interface.

With no MAIL_SERVER configured, each message is written as an .eml file under instance/mail/
(and logged), so the embedded tier works offline and a person can open the links in it. With
MAIL_SERVER set, it goes by SMTP.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import uuid
from collections.abc import Iterable
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from flask import current_app

from portal.db import utcnow
from portal.filemodes import private_dir, write_private_file
from portal.validation import clean_display_text, has_control_characters


def build_message(
    to_email: str,
    subject: str,
    text: str,
    to_name: str | None = None,
    html: str | None = None,
    attachments: Iterable[tuple[str, str, bytes]] = (),
) -> EmailMessage:
    """An RFC 5322 message. Names and subjects are cleaned of newlines and control characters
    first, so user input can never add a header."""
    if has_control_characters(to_email) or any(ch.isspace() for ch in to_email):
        # Addresses come from validated forms; one with a newline is an attack, not a typo.
        raise ValueError("invalid recipient address")
    cfg = current_app.config
    msg = EmailMessage(policy=SMTP)
    msg["From"] = cfg["MAIL_DEFAULT_SENDER"]
    name = clean_display_text(to_name or "").strip()
    msg["To"] = formataddr((name, to_email)) if name else to_email
    msg["Subject"] = clean_display_text(subject).strip()
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = make_msgid(domain="satupintu.local")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, _, subtype = content_type.partition("/")
        msg.add_attachment(
            data,
            maintype=maintype,
            subtype=subtype,
            filename=clean_display_text(filename).strip() or "attachment",
        )
    return msg


def send_message(msg: EmailMessage) -> None:
    """Deliver ``msg`` by SMTP, or write it to the mail folder when no server is configured."""
    cfg = current_app.config
    if cfg.get("MAIL_SERVER"):
        _send_smtp(msg)
    else:
        path = _write_eml(msg, Path(cfg["MAIL_DIR"]))
        current_app.logger.info("mail to %s written to %s", msg["To"], path)


def send_email(
    to_email: str,
    subject: str,
    text: str,
    to_name: str | None = None,
    html: str | None = None,
    attachments: Iterable[tuple[str, str, bytes]] = (),
) -> EmailMessage:
    msg = build_message(to_email, subject, text, to_name=to_name, html=html, attachments=attachments)
    send_message(msg)
    return msg


def _send_smtp(msg: EmailMessage) -> None:
    cfg = current_app.config
    host, port, timeout = cfg["MAIL_SERVER"], cfg["MAIL_PORT"], cfg["MAIL_TIMEOUT"]
    if cfg.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(msg)


def _write_eml(msg: EmailMessage, folder: Path) -> Path:
    """The message as a new .eml file, readable by the portal's user only (reset links)."""
    private_dir(folder)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    final = folder / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
    tmp = final.with_suffix(".tmp")
    write_private_file(tmp, msg.as_bytes())
    os.replace(tmp, final)
    return final
