"""`make run` (and `make dev`) derive BASE_URL from HOST and PORT, so email links, complaint
follow links and permit QR codes point where the portal is served, and warn when the demo
accounts are served off this machine (issue 12, item 13). The commands make runs are replaced
by stubs (BIN=...) that record their environment; nothing is installed or served."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(tmp_path: Path, target: str, *variables: str, env: dict | None = None):
    """Run ``make TARGET`` with stub flask/gunicorn; returns (stub calls, stderr)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "calls.log"
    for tool in ("flask", "gunicorn"):
        stub = bin_dir / tool
        stub.write_text(f'#!/bin/sh\necho "{tool} BASE_URL=$BASE_URL $*" >> "{log}"\n')
        stub.chmod(0o755)
    environ = {k: v for k, v in os.environ.items() if k not in ("BASE_URL", "HOST", "PORT")}
    environ.update(env or {})
    result = subprocess.run(  # noqa: S603
        [
            "make",
            "-s",
            "-C",
            str(ROOT),
            "-o",
            "translations",
            target,
            f"BIN={bin_dir}",  # noqa: S607
            *variables,
        ],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return log.read_text().splitlines(), result.stderr


def base_urls(calls: list[str]) -> set[str]:
    return {word.split("=", 1)[1] for call in calls for word in call.split() if word.startswith("BASE_URL=")}


@pytest.mark.parametrize("target", ["run", "dev"])
def test_port_8000_gives_links_on_port_8000(tmp_path, target):
    calls, stderr = make(tmp_path, target, "PORT=8000")
    assert len(calls) == 3  # db upgrade, seed demo, the server: each sees the same BASE_URL
    assert base_urls(calls) == {"http://127.0.0.1:8000"}
    assert "WARNING" not in stderr


def test_default_is_port_5000(tmp_path):
    calls, _ = make(tmp_path, "run")
    assert base_urls(calls) == {"http://127.0.0.1:5000"}


def test_host_and_port_both_count(tmp_path):
    calls, _ = make(tmp_path, "run", "HOST=127.0.0.2", "PORT=8080")
    assert base_urls(calls) == {"http://127.0.0.2:8080"}


def test_ipv6_host_is_bracketed(tmp_path):
    calls, stderr = make(tmp_path, "run", "HOST=::1", "PORT=8000")
    assert base_urls(calls) == {"http://[::1]:8000"}
    assert "WARNING" not in stderr


def test_base_url_from_the_environment_wins(tmp_path):
    calls, _ = make(tmp_path, "run", "PORT=8000", env={"BASE_URL": "https://izin.example.go.id"})
    assert base_urls(calls) == {"https://izin.example.go.id"}


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "portal.lan"])  # noqa: S104
def test_non_loopback_host_warns_about_the_demo_accounts(tmp_path, host):
    calls, stderr = make(tmp_path, "run", f"HOST={host}", "PORT=8000")
    assert "WARNING" in stderr
    assert "demo accounts" in stderr
    assert "Demo-Portal-2026!" in stderr  # says which password is published
    assert "BASE_URL" in stderr
    assert len(calls) == 3  # it warns, it does not refuse


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "127.0.1.1"])
def test_loopback_host_does_not_warn(tmp_path, host):
    _, stderr = make(tmp_path, "run", f"HOST={host}")
    assert "WARNING" not in stderr
