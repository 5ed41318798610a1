"""Outgoing mail: by SMTP to a real server run by the test (aiosmtpd), or as .eml files when no
MAIL_SERVER is configured."""

from __future__ import annotations

import email
import email.policy
import re

from portal.notifications.mail import send_email
from tests.conftest import post_form
from tests.smtp import SmtpServer  # noqa: F401


def registration(email_address: str) -> dict:
    return {
        "full_name": "Rina Wulandari",
        "email": email_address,
        "nik": "6472014101900001",
        "phone": "0812 3456 7890",
        "password": "my cat sleeps on the red sofa",
        "privacy_consent": "y",  # the privacy notice agreed to
    }


def test_verification_mail_goes_through_a_real_smtp_server(app, client, smtp_server, outbox):
    address = "rina@example.test"
    response = post_form(client, "/register?lang=en", registration(address))
    assert response.status_code == 302
    assert smtp_server.received.wait(5), "the SMTP server received nothing"

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == [address]
    assert "no-reply@" in envelope.mail_from
    [message] = smtp_server.messages()
    assert message["To"] == f"Rina Wulandari <{address}>"
    assert message["Subject"] == "Confirm your email address"
    body = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(r"https?://\S+/confirm-email/\S+", body)
    assert len(links) == 1
    assert links[0].startswith(app.config["BASE_URL"] + "/confirm-email/")
    assert outbox.messages == []  # nothing written to the folder when SMTP is configured

    # The mailed link works.
    path = links[0][len(app.config["BASE_URL"]) :]
    assert client.get(path).status_code == 200


def test_smtp_message_in_indonesian_by_default(app, client, smtp_server):
    assert post_form(client, "/register", registration("rina.id@example.test")).status_code == 302
    assert smtp_server.received.wait(5)
    [message] = smtp_server.messages()
    assert message["Subject"] != "Confirm your email address"
    assert message["Content-Type"].startswith("text/plain")
    assert 'charset="utf-8"' in message["Content-Type"]


def test_eml_file_written_when_no_mail_server(app, client, outbox):
    assert not app.config.get("MAIL_SERVER")
    address = "file.backend@example.test"
    assert post_form(client, "/register?lang=en", registration(address)).status_code == 302
    files = sorted(outbox.folder.glob("*"))
    assert [p.suffix for p in files] == [".eml"]  # no temporary file left behind
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["To"] == f"Rina Wulandari <{address}>"
    assert message["Subject"] == "Confirm your email address"
    assert message["Message-ID"]
    assert message["Date"]
    assert outbox.last_link(address, "/confirm-email/").startswith(app.config["BASE_URL"])


def test_non_ascii_name_and_subject_are_encoded(app, outbox):
    with app.test_request_context():
        send_email("ana@example.test", "Selamat datang — ✓", "Isi pesan: ✓", to_name="Ana Muñoz, S.H.")
    [message] = outbox.to("ana@example.test")
    raw = next(outbox.folder.glob("*.eml")).read_bytes()
    assert all(b < 128 for b in raw.split(b"\r\n\r\n", 1)[0])  # headers are 7-bit
    assert message["Subject"] == "Selamat datang — ✓"
    assert message["To"].addresses[0].display_name == "Ana Muñoz, S.H."
    assert outbox.body(message).strip() == "Isi pesan: ✓"
