"""A Redis server of the test run's own (the ``redis_server`` fixture, once per session).

The Redis tests flush databases and count keys, so they must not share the machine's Redis
with other runs (several engineers, CI beside a session): each run starts ``redis-server`` on a
free port, in memory only (no RDB, no AOF), in a temporary folder, and stops it at the end.

When ``redis-server`` is not installed the tests that need it skip, saying so, unless
REQUIRE_REDIS=1 (CI), which makes that a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.smtp import free_port


@dataclass(frozen=True)
class RedisServer:
    port: int

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0):
        from redis import Redis

        return Redis.from_url(self.url(db), socket_connect_timeout=1, socket_timeout=5)


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail(f"REQUIRE_REDIS=1 but {reason}")
    pytest.skip(f"{reason}; set REQUIRE_REDIS=1 to make this a failure")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        _unavailable("redis-server is not installed (apt-get install redis-server)")
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603 - a fixed argument list, no shell
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
            "--daemonize",
            "no",
            "--logfile",
            str(folder / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = RedisServer(port)
    client = server.client()
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                client.ping()
                break
            except Exception as exc:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "redis.log").read_text(errors="replace")[-2000:]
                    _unavailable(f"redis-server did not start on port {port} ({exc}): {log}")
                time.sleep(0.05)
        yield server
    finally:
        client.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
