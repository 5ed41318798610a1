"""A real HTTP receiver on 127.0.0.1 for the webhook tests: it answers each request with the
next of its planned answers ("ok", "500", "timeout", "redirect") and keeps what it got."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass
class Receiver:
    plan: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    redirect_to: str = "http://127.0.0.1:9/elsewhere"
    hang_seconds: float = 3.0
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                answer = receiver.plan.pop(0) if receiver.plan else "ok"
                if answer == "timeout":
                    time.sleep(receiver.hang_seconds)
                    answer = "ok"
                if answer == "redirect":
                    self.send_response(302)
                    self.send_header("Location", receiver.redirect_to)
                elif answer == "500":
                    self.send_response(500)
                else:
                    self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
