"""Visits, privately (issue 20, item 8): a public page's views are counted per office day and
page by the beacon image the page carries, with no cookie and nothing about the visitor kept;
bots, made-up page keys and floods do not inflate the figures; admins read them as a chart and
a table next to the "where people get stuck" report."""

from __future__ import annotations

import html
import http.client
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from flask import request
from sqlalchemy import inspect, select
from werkzeug.serving import make_server

from portal import create_app
from portal.auth.models import Role
from portal.calendar.clock import office_today
from portal.extensions import db
from portal.visits import services
from portal.visits.models import PageViewDay
from tests.dbutil import scratch_database_url
from tests.factories import make_category

CHROME = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
#: What a browser sends when a page of this site asks for an image.
BROWSER = {
    "User-Agent": CHROME,
    "Accept": "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
    "Accept-Language": "id-ID,id;q=0.9,en;q=0.8",
    "Sec-Fetch-Site": "same-origin",
    "Sec-Fetch-Mode": "no-cors",
    "Sec-Fetch-Dest": "image",
}
BEACON_RE = re.compile(r'<img class="visit-beacon" src="([^"]+)"')


@pytest.fixture(autouse=True)
def _fresh_limits():
    services.reset_limits()
    yield
    services.reset_limits()


def beacon_of(client, path: str) -> str:
    """Load ``path`` as an anonymous visitor and return the beacon address its page carries."""
    response = client.get(path)
    assert response.status_code == 200, path
    found = BEACON_RE.search(response.get_data(as_text=True))
    assert found, f"{path} carries no beacon"
    return html.unescape(found.group(1))


def views() -> dict[str, int]:
    rows = db.session.execute(select(PageViewDay.page, PageViewDay.views)).all()
    return {page: n for page, n in rows}


def show(client, beacon: str, headers: dict | None = None, address: str = "203.0.113.7"):
    return client.get(
        beacon, headers=BROWSER if headers is None else headers, environ_base={"REMOTE_ADDR": address}
    )


def test_a_visit_counts_once_and_a_page_shown_twice_counts_twice(client):
    make_category("izin-keramaian")
    beacon = beacon_of(client, "/")
    assert views() == {}  # rendering the page counts nothing: the browser's image request does
    show(client, beacon)
    assert views() == {"/": 1}
    show(client, beacon)
    assert views() == {"/": 2}
    permit = beacon_of(client, "/permits/izin-keramaian")
    show(client, permit)
    assert views() == {"/": 2, "/permits/izin-keramaian": 1}
    row = db.session.execute(select(PageViewDay).where(PageViewDay.page == "/")).scalar_one()
    assert row.day == office_today()


def test_the_language_and_the_query_do_not_make_another_page(client):
    """?lang=en and ?page=2 are the same page: the key is the path, never the query."""
    for path in ("/news", "/news?lang=en", "/news?page=2&x=" + "z" * 50):
        show(client, beacon_of(client, path))
    assert views() == {"/news": 3}


def test_no_cookie_is_set_by_the_beacon_nor_by_a_counted_page(client):
    page = client.get("/")
    assert "Set-Cookie" not in page.headers
    response = show(client, html.unescape(BEACON_RE.search(page.get_data(as_text=True)).group(1)))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/gif"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"  # nginx and the browser ask each time
    assert views() == {"/": 1}
    # A visitor carrying a language cookie: still nothing set.
    client.set_cookie("lang", "en")
    response = show(client, beacon_of(client, "/faq"))
    assert "Set-Cookie" not in response.headers


def test_nothing_personal_is_stored(client):
    beacon = beacon_of(client, "/")
    show(client, beacon, {**BROWSER, "Referer": "http://portal.test/?q=my-nik-7301"}, address="198.51.100.23")
    columns = {c["name"] for c in inspect(db.session.connection()).get_columns("page_view_days")}
    assert columns == {"day", "page", "views"}
    rows = db.session.execute(select(PageViewDay.day, PageViewDay.page, PageViewDay.views)).all()
    assert [tuple(r) for r in rows] == [(office_today(), "/", 1)]
    stored = " ".join(str(v) for r in rows for v in r)
    for personal in ("198.51.100.23", "Android", "Chrome", "7301", "Mozilla"):
        assert personal not in stored


def test_logged_in_users_pages_carry_no_beacon(client, login_as):
    login_as(Role.APPLICANT)
    body = client.get("/").get_data(as_text=True)
    assert "visit-beacon" not in body


def test_an_error_page_carries_no_beacon_and_private_pages_none(client):
    missing = client.get("/permits/no-such-permit")
    assert missing.status_code == 404
    assert "visit-beacon" not in missing.get_data(as_text=True)
    # A public page with a token in its address (a permit's QR check) is never counted.
    token_page = client.get("/p/some-token-value")
    assert "visit-beacon" not in token_page.get_data(as_text=True)


@pytest.mark.parametrize(
    "headers",
    [
        {**BROWSER, "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {**BROWSER, "User-Agent": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"},
        {
            **BROWSER,
            "User-Agent": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2)",
        },
        {**BROWSER, "User-Agent": "Mozilla/5.0 (compatible; YandexSpider/3.0)"},
        {
            **BROWSER,
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0 Safari/537.36",
        },
        {**BROWSER, "User-Agent": CHROME + " Chrome-Lighthouse"},
        {**BROWSER, "User-Agent": "Mozilla/5.0 (Macintosh) AppleWebKit/537.36 PTST/240101.120000"},
        {**BROWSER, "User-Agent": "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)"},
        {
            **BROWSER,
            "User-Agent": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        },
        {**BROWSER, "User-Agent": "WhatsApp/2.23.20.0"},
        {**BROWSER, "User-Agent": "curl/8.5.0"},
        {**BROWSER, "User-Agent": "python-requests/2.32.3"},
        {**BROWSER, "User-Agent": "Wget/1.21.4"},
        {**BROWSER, "User-Agent": ""},
        {**BROWSER, "User-Agent": CHROME + " " + "x" * 600},  # a huge User-Agent
        {k: v for k, v in BROWSER.items() if k != "User-Agent"},
        {k: v for k, v in BROWSER.items() if k != "Accept-Language"},  # not a browser's request
        {k: v for k, v in BROWSER.items() if k != "Accept"},
        {**BROWSER, "Sec-Fetch-Site": "cross-site"},  # another site embedding our image
        {**BROWSER, "Sec-Fetch-Dest": "document"},  # the beacon opened as a page
        {**BROWSER, "Sec-Purpose": "prefetch"},
        {**BROWSER, "Purpose": "prefetch"},
    ],
    ids=lambda h: (h.get("User-Agent") or "no-agent")[:40],
)
def test_bots_and_non_browsers_do_not_count(client, headers):
    beacon = beacon_of(client, "/")
    response = show(client, beacon, headers)
    assert response.status_code == 200  # the same image: nothing says it was not counted
    assert views() == {}


def test_a_flood_from_one_client_counts_at_most_its_limit(client, app, monkeypatch):
    monkeypatch.setattr(
        services, "_now", lambda: 1000.0
    )  # the flood within one minute, however slow the machine
    beacon = beacon_of(client, "/")
    for _ in range(10_000):
        assert show(client, beacon).status_code == 200
    assert views() == {"/": 20}  # VISITS_PER_CLIENT: 20 per minute
    assert app.config["VISITS_PER_CLIENT"] == "20 per minute"
    # Another client still counts: the limit is per client.
    show(client, beacon, address="203.0.113.99")
    assert views() == {"/": 21}


def test_a_flood_from_many_addresses_counts_at_most_the_page_cap(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "VISITS_PER_PAGE", "50 per minute")
    beacon = beacon_of(client, "/faq")
    started = time.monotonic()
    for i in range(2_000):
        show(client, beacon, address=f"10.{i // 65536}.{(i // 256) % 256}.{i % 256}")
    minutes = math.ceil((time.monotonic() - started) / 60)  # the cap is per moving minute
    assert 50 <= views()["/faq"] <= 50 * minutes
    # Another page has its own cap.
    show(client, beacon_of(client, "/news"), address="10.9.9.9")
    assert views()["/news"] == 1


HOSTILE_KEYS = [
    ("/", "0" * 20),  # a real page, a made-up signature
    ("/", ""),
    ("/", "g" * 20),
    ("/", "x" * 10_000),
    ("/permits/no-such-permit", "0" * 20),  # the 404 page carries no beacon to copy
    ("/does-not-exist", None),
    ("/random-" + "a" * 30, None),
    ("/\x00", None),
    ("/news\x00/", None),
    ("/permits/izin\x00", None),
    ("/" + "a" * 10_000, None),
    ("/" + "é" * 300, None),
    ("/berita/ünïcødé-ñews-🙂", None),
    ("/\u202e/", None),
    ("//evil.example/", None),
    ("http://evil.example/", None),
    ("/news?page=2", None),
    ("/news#x", None),
    ("", None),
    ("../../etc/passwd", None),
]


@pytest.mark.parametrize(("page", "signature"), HOSTILE_KEYS)
def test_random_and_hostile_page_keys_create_no_row_and_never_fail(client, page, signature):
    """Unless it comes from the page itself (signed), a key counts nothing; ``None`` below
    means "the right signature of this key", which still counts nothing for a page that is not
    one of the site's counted pages (a 404, a made-up address, a bad character)."""
    query = {"p": page, "s": services.sign(page) if signature is None else signature}
    response = client.get("/v.gif", query_string=query, headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/gif"
    assert views() == {}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "p=",
        "p=%2F",
        "p=%2F&s=%00",
        "p=%00&s=%00",
        "p=%2F&p=%2Fnews&s=abc",
        "s=" + "f" * 20,
        "p=%FF%FE&s=" + "f" * 20,
        "p=" + "%C3%A9" * 3000,
    ],
)
def test_malformed_beacon_queries_are_ignored(client, query):
    response = client.get("/v.gif?" + query, headers=BROWSER)
    assert response.status_code == 200
    assert views() == {}


def test_signed_keys_of_pages_that_are_not_counted_create_no_row(client):
    """Even signed, a key must still be a counted page: never a staff page or one whose address
    carries someone's token."""
    for page in ("/admin/", "/helpdesk/visits", "/applications/1", "/p/some-token", "/v.gif"):
        client.get("/v.gif", query_string={"p": page, "s": services.sign(page)}, headers=BROWSER)
    assert views() == {}


def test_a_head_request_counts_nothing(client):
    beacon = beacon_of(client, "/")
    assert client.head(beacon, headers=BROWSER).status_code == 200
    assert views() == {}


# -- the admins' page -----------------------------------------------------------------------------
@pytest.mark.parametrize("role", [None, Role.APPLICANT, Role.OFFICER, Role.HELPDESK])
def test_the_visits_page_is_refused_to_non_admins(client, login_as, role):
    if role is not None:
        login_as(role)
    response = client.get("/helpdesk/visits")
    if role is None:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == 403
    assert "Most viewed pages" not in response.get_data(as_text=True)


def test_admin_sees_the_chart_and_tables_next_to_the_stuck_report(client, login_as):
    make_category("izin-keramaian")
    for path, times in (("/", 3), ("/permits/izin-keramaian", 2), ("/faq", 1)):
        beacon = beacon_of(client, path)
        for i in range(times):
            show(client, beacon, address=f"192.0.2.{i}")
    login_as(Role.ADMIN)
    page = client.get("/helpdesk/visits?lang=en").get_data(as_text=True)
    assert (
        "<svg" in page and 'aria-label="Views per day"' in page and 'aria-label="Most viewed pages"' in page
    )
    top = re.search(r'<table class="table table-sm visits-top-pages">.*?</table>', page, re.S).group(0)
    rows = re.findall(r'<a href="([^"]+)">[^<]+</a></td><td>(\d+)</td>', top)
    assert rows == [("/", "3"), ("/permits/izin-keramaian", "2"), ("/faq", "1")]
    per_day = re.search(r'<table class="table table-sm w-auto visits-per-day">.*?</table>', page, re.S).group(
        0
    )
    assert f'<th scope="row">{office_today().isoformat()}</th><td>6</td>' in per_day
    assert per_day.count("<tr>") == 31  # the header and 30 days
    assert 'href="/helpdesk/stuck"' in page
    stuck = client.get("/helpdesk/stuck?lang=en").get_data(as_text=True)
    assert 'href="/helpdesk/visits"' in stuck
    # Indonesian
    page_id = client.get("/helpdesk/visits?lang=id").get_data(as_text=True)
    assert "Halaman yang paling banyak dilihat" in page_id


def test_the_stuck_report_links_to_visits_only_for_admins(client, login_as):
    login_as(Role.HELPDESK)
    stuck = client.get("/helpdesk/stuck").get_data(as_text=True)
    assert 'href="/helpdesk/visits"' not in stuck


# -- behind nginx: a page from the micro-cache still counts ---------------------------------------
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "deploy" / "nginx"))
import render_local  # noqa: E402


def _nginx() -> str:
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if path is None:
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail("nginx is not installed (REQUIRE_NGINX=1)")
        pytest.skip("nginx is not installed")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def portal_behind_nginx(tmp_path, real_commits):
    """The whole portal on a scratch database (SQLite file, or PostgreSQL with
    TEST_DATABASE_URL), served by werkzeug in a thread behind the real nginx site."""
    nginx = _nginx()
    with scratch_database_url("visits", tmp_path) as url:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=url,
            PROXY_FIX=True,
            UPLOAD_ROOT=tmp_path / "uploads",
            MAIL_DIR=tmp_path / "mail",
            INSTANCE_DIR=tmp_path,
        )
        renders = []
        app.before_request(lambda: renders.append(request.path) and None)
        with app.app_context():
            db.create_all()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        port = _free_port()
        conf = render_local.render(
            tmp_path / "nginx",
            upstreams=[f"127.0.0.1:{server.server_port}"],
            uploads=tmp_path / "uploads",
            http_port=port,
            worker_processes="1",
        )
        subprocess.run([nginx, "-p", str(conf.parent), "-c", str(conf)], check=True, timeout=30)
        try:
            yield app, port, renders
        finally:
            subprocess.run(
                [nginx, "-p", str(conf.parent), "-c", str(conf), "-s", "stop"], timeout=30, check=False
            )
            server.shutdown()
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()


def _through(port: int, path: str, headers: dict):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_behind_nginx_a_page_from_the_micro_cache_still_counts(portal_behind_nginx):
    app, port, renders = portal_behind_nginx
    page_headers = {**BROWSER, "Accept": "text/html", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none"}
    first, body1 = _through(port, "/faq", page_headers)
    second, body2 = _through(port, "/faq", page_headers)
    assert (first.getheader("X-Cache-Status"), second.getheader("X-Cache-Status")) == ("MISS", "HIT")
    assert renders.count("/faq") == 1  # the second page never reached the app
    assert "Set-Cookie" not in dict(first.getheaders()) | dict(second.getheaders())
    for body in (body1, body2):
        beacon = html.unescape(BEACON_RE.search(body.decode()).group(1))
        response, pixel = _through(port, beacon, BROWSER)
        assert response.status == 200 and pixel.startswith(b"GIF89a")
        assert response.getheader("X-Cache-Status") != "HIT"  # no-store: nginx passes every one
        assert response.getheader("Set-Cookie") is None
    with app.app_context():
        counted = db.session.execute(select(PageViewDay.page, PageViewDay.views)).all()
        db.session.remove()
    assert [tuple(r) for r in counted] == [("/faq", 2)]
