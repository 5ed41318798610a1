"""A real SMTP server for tests (aiosmtpd) on a free port of 127.0.0.1, keeping what it gets.
The ``smtp_server`` fixture is registered for every test by tests/conftest.py."""

from __future__ import annotations

import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd import controller as aiosmtpd_controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """Start with ``.controller.start()``; ``envelopes`` and ``messages()`` hold what arrived."""

    def __init__(self):
        self.envelopes = []
        self.received = threading.Event()
        self.controller = aiosmtpd_controller.Controller(self, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        self.received.set()
        return "250 Message accepted for delivery"

    def messages(self):
        return [
            email.message_from_bytes(e.original_content or e.content, policy=email.policy.default)
            for e in self.envelopes
        ]


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server, and the session app pointed at it."""
    server = SmtpServer()
    server.controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    try:
        yield server
    finally:
        server.controller.stop()
