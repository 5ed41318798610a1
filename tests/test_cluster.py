"""Smoke test of the two-host set-up (bench/cluster.py): two gunicorn hosts behind nginx,
PostgreSQL, Redis, one RQ worker, the moto S3 server and a counting SMTP server.

Opt-in: it starts real processes and takes about a minute on a busy machine, too slow for the
suite CI runs twice. Run it with ``RUN_CLUSTER=1 .venv/bin/python -m pytest -q -m cluster
tests/test_cluster.py``. Skipped when nginx, gunicorn, moto or PostgreSQL are missing. Redis is
the run's own server (tests/redis_server.py), never the machine's."""

from __future__ import annotations

import os
import random
import re
import shutil
import socket
import sys
from pathlib import Path

import pytest

# real_commits: the checks read the cluster's own database, not the rolled-back test session.
pytestmark = [pytest.mark.cluster, pytest.mark.usefixtures("real_commits")]

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _missing() -> str | None:
    if os.environ.get("RUN_CLUSTER") != "1":
        return "opt-in: set RUN_CLUSTER=1"
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        return "nginx is not installed"
    for module in ("gunicorn", "moto", "rq", "aiosmtpd"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed"
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return "PostgreSQL is not running on 127.0.0.1:5432"
    return None


@pytest.fixture(scope="module")
def cluster(request):
    reason = _missing()
    if reason:
        pytest.skip(reason)
    sys.path.insert(0, str(BENCH))
    from cluster import Cluster

    redis_server = request.getfixturevalue("redis_server")
    with Cluster(redis_db=0, workers=2, applicants=4, redis_host=f"127.0.0.1:{redis_server.port}") as c:
        yield c


def _browser(c, host: str, ip: str):
    """A browser talking straight to one app host (as nginx would: HTTPS forwarded)."""
    from load import Browser

    return Browser(
        f"http://127.0.0.1:{c.host_ports[host]}", source_ip=ip, direct_https_host=f"127.0.0.1:{c.https_port}"
    )


def test_an_application_started_on_host_a_is_continued_on_host_b_and_mailed_once(cluster):
    from cluster import SMALL_ANSWERS, SMALL_CATEGORY
    from load import Browser, Shared, applicant_journey, check_submissions

    a = _browser(cluster, "host-A", "127.0.7.2")
    a.login("warga1@bench.test")
    a.get(f"/permits/{SMALL_CATEGORY}", "x")
    a.submit(f"/permits/{SMALL_CATEGORY}/apply", "x")
    app_id = int(re.search(r"/applications/(\d+)/", a.last_url).group(1))
    a.get(f"/applications/{app_id}/form/usaha", "x")
    a.submit(f"/applications/{app_id}/form/usaha", "x", {**SMALL_ANSWERS, "action": "later"})

    # The same session cookie on the other host: signed with the shared SECRET_KEY, the
    # session row in the shared database, the draft's answers too.
    b = _browser(cluster, "host-B", "127.0.7.2")
    b.cookies = dict(a.cookies)
    b.get(f"/applications/{app_id}/form/usaha?lang=en", "x")
    assert "/login" not in b.last_url
    assert "Warung Uji Beban" in b.last_text

    # A whole journey through nginx (both hosts), then the worker sends its email once.
    shared = Shared(4)
    applicant_journey(Browser(cluster.base_url, source_ip="127.0.7.3"), shared, random.Random(1))
    assert check_submissions(cluster, shared.submitted) == []
    counts = cluster.wait_outbox_drained(60)
    assert counts.get("sent", 0) >= 1
    assert not counts.get("pending")
    assert cluster.mail.count() == counts["sent"]
    assert cluster.mail.duplicates() == 0


def test_the_login_limit_trips_across_both_hosts(cluster):
    """Failed logins for one account alternate between the hosts; the shared Redis counts
    them all, so the limit (5 per minute per account) trips on the 6th whichever host."""
    statuses = []
    for i in range(8):
        host = "host-A" if i % 2 == 0 else "host-B"
        browser = _browser(cluster, host, f"127.0.8.{i + 2}")  # a new address each time
        browser.get("/login?lang=en", "x")
        fields = browser.form("login")
        fields.update(email="warga2@bench.test", password="not-the-password-1")
        statuses.append(browser.request("POST", "/login", "x", data=fields, expect=(200, 429)).status_code)
    assert statuses[:5] == [200] * 5
    assert 429 in statuses[5:]
