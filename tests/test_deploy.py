"""The production set-up in deploy/: ProxyFix behind nginx, the gunicorn settings, the env file
example, the systemd units, and the nginx site (checked by `nginx -t`, and run for real in front
of the app when nginx is installed; REQUIRE_NGINX=1 turns a missing nginx into a failure)."""

from __future__ import annotations

import configparser
import http.client
import io
import os
import re
import runpy
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from flask import url_for
from werkzeug.serving import make_server

import config as config_module
from portal import create_app
from portal.security import public
from portal.storage import get_storage
from portal.storage.serving import safe_download_response
from tests.fixtures_files import make_pdf

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
SITE = (DEPLOY / "nginx" / "satupintu.conf").read_text()
sys.path.insert(0, str(DEPLOY / "nginx"))
import render_local  # noqa: E402


def _nginx() -> str:
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if path is None:
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail("nginx is not installed (REQUIRE_NGINX=1)")
        pytest.skip("nginx is not installed")
    return path


# -- ProxyFix ---------------------------------------------------------------------------------------
def _echo_app(tmp_path, **overrides):
    app = create_app(
        "test",
        UPLOAD_ROOT=tmp_path / "uploads",
        MAIL_DIR=tmp_path / "mail",
        INSTANCE_DIR=tmp_path,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        **overrides,
    )

    @app.get("/t/where")
    @public
    def t_where():
        from flask import request

        return {"url": url_for("t_where", _external=True), "remote": request.remote_addr}

    return app


FORWARDED = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "portal.example.go.id",
    "X-Forwarded-For": "203.0.113.7",
}


def test_with_proxy_fix_the_forwarded_scheme_host_and_address_are_used(tmp_path):
    app = _echo_app(tmp_path, PROXY_FIX=True)
    body = app.test_client().get("/t/where", headers=FORWARDED).get_json()
    assert body["url"] == "https://portal.example.go.id/t/where"
    assert body["remote"] == "203.0.113.7"


def test_without_proxy_fix_forwarded_headers_are_ignored(tmp_path):
    app = _echo_app(tmp_path)
    body = app.test_client().get("/t/where", headers=FORWARDED).get_json()
    assert body["url"] == "http://localhost/t/where"
    assert body["remote"] == "127.0.0.1"


def test_proxy_fix_trusts_only_the_last_hop(tmp_path):
    """A client's own X-Forwarded-For is kept by nginx in front of its address: only nginx's
    entry (the last) counts, so rate limits cannot be dodged by inventing addresses."""
    app = _echo_app(tmp_path, PROXY_FIX=True)
    headers = {**FORWARDED, "X-Forwarded-For": "1.2.3.4, 203.0.113.7"}
    assert app.test_client().get("/t/where", headers=headers).get_json()["remote"] == "203.0.113.7"


def test_production_turns_proxy_fix_on_by_default():
    assert config_module.Production.PROXY_FIX is True or os.environ.get("PROXY_FIX") == "0"


# -- gunicorn, env file, systemd ----------------------------------------------------------------------
def test_gunicorn_settings_are_bounded_and_log_the_request_time(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert 3 <= settings["workers"] <= 12
    assert settings["wsgi_app"] == "portal:create_app()"
    assert settings["timeout"] >= 30
    assert 0 < settings["graceful_timeout"] <= settings["timeout"]
    assert "%(D)s" in settings["access_log_format"]
    assert settings["forwarded_allow_ips"] == "127.0.0.1"
    # Workers are recycled (a leak cannot grow for ever), but a new worker imports the portal
    # again (about 2 s of CPU): every 2,000 requests that cost as much as serving them.
    assert 5000 <= settings["max_requests"] <= 50000
    assert 0 < settings["max_requests_jitter"] <= settings["max_requests"] // 5


def test_gunicorn_workers_are_forks_of_a_loaded_app_with_their_own_connections(app, monkeypatch):
    """GUNICORN_PRELOAD=1: a replaced worker is ready at once (no new import of the portal);
    post_fork gives each worker an empty connection pool, never the master's connections."""
    from types import SimpleNamespace

    from portal.extensions import db

    monkeypatch.delenv("GUNICORN_PRELOAD", raising=False)
    # off by default: a reload (HUP) must pick up new code, which a preloaded master would not
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["preload_app"] is False
    monkeypatch.setenv("GUNICORN_PRELOAD", "1")
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["preload_app"] is True
    disposed = []
    with app.app_context():
        for name, engine in db.engines.items():
            # recorded, not done: the suite's own connections must stay open
            monkeypatch.setattr(
                engine, "dispose", lambda close=True, name=name: disposed.append((name, close))
            )
        engines = set(db.engines)
    server = SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app))
    settings["post_fork"](server, None)
    assert sorted(disposed, key=str) == sorted(((name, False) for name in engines), key=str)
    # an app without a database (the benchmarks' hello-world, same settings) boots as well
    from flask import Flask

    settings["post_fork"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: Flask("hello"))), None)


def _env_example() -> dict[str, str]:
    names = {}
    for line in (DEPLOY / "satupintu.env.example").read_text().splitlines():
        match = re.match(r"#?\s*([A-Z][A-Z0-9_]+)=(.*)$", line)
        if match:
            names[match.group(1)] = match.group(2)
    return names


def test_env_example_names_every_setting_production_reads():
    read = set(re.findall(r'_env\("([A-Z0-9_]+)"', (REPO / "config.py").read_text()))
    read -= {"TEST_DATABASE_URL"}
    read |= {"PORTAL_CONFIG", "PORTAL_INSTANCE_DIR"}
    missing = read - set(_env_example())
    assert not missing, f"not in deploy/satupintu.env.example: {sorted(missing)}"


def test_env_example_holds_no_secrets():
    env = _env_example()
    for name in ("SECRET_KEY", "MAIL_PASSWORD", "S3_SECRET_ACCESS_KEY", "S3_ACCESS_KEY_ID"):
        assert env[name] == ""
    assert env["X_ACCEL_REDIRECT_PREFIX"] == "/_protected/"


@pytest.mark.parametrize(
    ("unit", "command"),
    [
        ("satupintu-web.service", "gunicorn -c deploy/gunicorn.conf.py"),
        ("satupintu-worker.service", "flask --app portal jobs worker"),
    ],
)
def test_systemd_units_run_the_app_with_the_env_file(unit, command):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / unit)
    service = parser["Service"]
    assert service["ExecStart"].endswith(command)
    assert service["EnvironmentFile"] == "/etc/satupintu/satupintu.env"
    assert service["User"] == "satupintu"
    assert service["Restart"] in ("on-failure", "always")
    assert parser["Install"]["WantedBy"] == "multi-user.target"


# -- nginx ----------------------------------------------------------------------------------------
MB = 1024 * 1024
# The server-wide body limit (4 spaces in: the server block) and the upload location's.
SERVER_BODY_LIMIT = re.search(r"^    client_max_body_size (\d+)m;", SITE, flags=re.M)
UPLOAD_LOCATION = re.search(r"location ~ (\S+) \{\n\s*client_max_body_size (\d+)m;", SITE)


def test_nginx_body_limits_match_the_app():
    assert SERVER_BODY_LIMIT and UPLOAD_LOCATION
    assert int(SERVER_BODY_LIMIT.group(1)) * MB == config_module.Default.MAX_FORM_BODY_SIZE
    assert int(UPLOAD_LOCATION.group(2)) * MB == config_module.Default.MAX_CONTENT_LENGTH


def _sample_value(converter):
    """A value the URL rule's converter takes: an id, one of an any() rule's words, or a slug."""
    if type(converter).__name__ == "IdConverter":
        return 1
    items = getattr(converter, "items", None)
    return sorted(items)[0] if items else "ktp"


def test_nginx_upload_locations_are_exactly_the_app_upload_views(app):
    """Every URL of a view marked @accepts_uploads (and no other) gets nginx's 60 MB."""
    from portal.request_limits import is_upload_endpoint

    pattern = re.compile(UPLOAD_LOCATION.group(1))
    adapter = app.url_map.bind("portal.test")
    uploads = 0
    for rule in app.url_map.iter_rules():
        values = {name: _sample_value(rule._converters[name]) for name in rule.arguments}
        path = adapter.build(rule.endpoint, values)
        upload = is_upload_endpoint(app, rule.endpoint)
        uploads += upload
        assert bool(pattern.match(path)) == upload, (rule.endpoint, path)
    assert (
        uploads == 23
    )  # documents page, one document, remove, keep and use from the vault (post the page), the
    # vault's add and replace, samples, tutorial files, a chapter's voice, information, check-permit,
    # the letters' logo; the website's identity, map, profile page (new, edit), official (new, edit)
    # and icon,
    # a news item (new, edit) with its picture


def test_nginx_sends_the_headers_proxy_fix_reads_and_keeps_uploads_internal():
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header} " in SITE
    block = SITE[SITE.index("location /_protected/") :]
    block = block[: block.index("}")]
    assert "internal;" in block
    assert "alias /srv/satupintu/uploads/;" in block
    assert len(re.findall(r"^\s*server 10\.0\.0\.\d+:8000", SITE, flags=re.M)) == 2


@pytest.mark.parametrize("https", [True, False], ids=["tls", "http-only"])
def test_nginx_accepts_the_site(tmp_path, https):
    nginx = _nginx()
    conf = render_local.render(
        tmp_path / "nginx",
        upstreams=["127.0.0.1:8001", "127.0.0.1:8002"],
        uploads=tmp_path / "uploads",
        http_port=_free_port(),
        https_port=_free_port() if https else None,
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(conf.parent), "-c", str(conf)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def behind_nginx(tmp_path):
    """The app (werkzeug server in a thread, PROXY_FIX and X-Accel-Redirect on) behind the real
    nginx site on 127.0.0.1."""
    nginx = _nginx()
    uploads = tmp_path / "uploads"
    app = _echo_app(tmp_path, PROXY_FIX=True, X_ACCEL_REDIRECT_PREFIX="/_protected/")

    @app.get("/t/file/<path:key>")
    @public
    def t_file(key):
        return safe_download_response(key, "Surat izin.pdf", "application/pdf")

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = _free_port()
    conf = render_local.render(
        tmp_path / "nginx",
        upstreams=[f"127.0.0.1:{server.server_port}"],
        uploads=uploads,
        http_port=port,
        worker_processes="1",
    )
    subprocess.run([nginx, "-p", str(conf.parent), "-c", str(conf)], check=True, timeout=30)
    try:
        yield app, port
    finally:
        subprocess.run(
            [nginx, "-p", str(conf.parent), "-c", str(conf), "-s", "stop"], timeout=30, check=False
        )
        server.shutdown()


def _get(port: int, path: str, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    return response, response.read()


def test_through_nginx_a_document_is_sent_by_x_accel_redirect(behind_nginx):
    app, port = behind_nginx
    data = make_pdf(pages=2)
    with app.app_context():
        key = get_storage().save(io.BytesIO(data), key_prefix="documents/").key
    response, body = _get(port, f"/t/file/{key}")
    assert response.status == 200
    assert body == data
    assert response.getheader("Content-Type") == "application/pdf"
    assert response.getheader("Content-Disposition").startswith('attachment; filename="Surat izin.pdf"')
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("X-Accel-Redirect") is None
    ranged, part = _get(port, f"/t/file/{key}", {"Range": "bytes=0-9"})
    assert ranged.status == 206
    assert part == data[:10]
    # The internal location cannot be asked for directly.
    direct, _ = _get(port, f"/_protected/{key}")
    assert direct.status == 404


def test_through_nginx_proxy_fix_sees_the_client_and_the_scheme(behind_nginx):
    _app, port = behind_nginx
    response, body = _get(port, "/t/where", {"X-Forwarded-For": "6.6.6.6"})
    import json

    where = json.loads(body)
    assert where["remote"] == "127.0.0.1"  # nginx's view of the client, not the invented one
    assert where["url"].startswith("http://127.0.0.1")


def test_through_nginx_static_files_are_cached_long_and_big_bodies_refused(behind_nginx):
    _app, port = behind_nginx
    static = next(p for p in (REPO / "portal" / "static").rglob("*.css"))
    rel = static.relative_to(REPO / "portal" / "static").as_posix()
    response, body = _get(port, f"/static/{rel}")
    assert response.status == 200
    assert body == static.read_bytes()
    assert "max-age=2592000" in response.getheader("Cache-Control")
    for path in ("/t/where", "/applications/1/documents/ktp"):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.putrequest("POST", path)
        conn.putheader("Content-Length", str(61 * MB))
        conn.endheaders()
        assert conn.getresponse().status == 413, path
        conn.close()


def _post(port: int, path: str, size: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST", path, body=b"x" * size, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def test_through_nginx_a_form_past_1_mb_is_refused_but_an_upload_location_takes_it(behind_nginx):
    _app, port = behind_nginx
    assert _post(port, "/login", 2 * MB) == 413
    assert _post(port, "/t/where", 2 * MB) == 413
    assert _post(port, "/login", 1000) != 413
    # An upload location passes 2 MB on to the app: its CSRF check answers (no token sent).
    assert _post(port, "/applications/1/documents/ktp", 2 * MB) == 400
    # "Remove" posts the documents page's form, chosen files and all (they are uploaded too)
    assert _post(port, "/applications/1/documents/7/delete", 2 * MB) == 400
    assert _post(port, "/applications/1/documents/7/preview", 2 * MB) == 413


def test_through_nginx_public_pages_come_from_the_micro_cache(behind_nginx, monkeypatch):
    """A page the app marks public (an anonymous visitor, no session) is answered by nginx's
    micro-cache after the first request; with a session cookie, and for every other page, the
    app answers each time."""
    import portal

    app, port = behind_nginx
    calls = {"public": 0, "private": 0}

    @app.get("/t/public")
    @public
    def t_public():
        calls["public"] += 1
        return "the same for every visitor"

    @app.get("/t/private")
    @public
    def t_private():
        calls["private"] += 1
        return "not for a shared cache"

    monkeypatch.setattr(portal, "CACHEABLE_PUBLIC_PAGES", portal.CACHEABLE_PUBLIC_PAGES | {"t_public"})
    first, _ = _get(port, "/t/public")
    second, body = _get(port, "/t/public")
    assert first.getheader("Cache-Control") == "public, max-age=60"
    assert (first.getheader("X-Cache-Status"), second.getheader("X-Cache-Status")) == ("MISS", "HIT")
    assert body == b"the same for every visitor" and calls["public"] == 1
    with_session, _ = _get(port, "/t/public", {"Cookie": "satupintu_session=abc"})
    assert with_session.getheader("X-Cache-Status") == "BYPASS" and calls["public"] == 2
    for _ in range(2):
        response, _ = _get(port, "/t/private")
        assert response.getheader("Cache-Control") == "no-store"
        assert response.getheader("X-Cache-Status") != "HIT"
    assert calls["private"] == 2


def test_through_nginx_each_language_is_cached_apart(behind_nginx, monkeypatch):
    """The micro-cache keeps a page per language: ``?lang=`` pages are cached under their own
    URL (no cookie set), and a page without it is never answered in the language another
    visitor got, whether they chose by the switch's cookie or by the browser's languages."""
    import portal
    from portal.i18n import current_language

    app, port = behind_nginx
    calls = []

    @app.get("/t/lang")
    @public
    def t_lang():
        calls.append(1)
        return f"<html lang={current_language()}>"

    monkeypatch.setattr(portal, "CACHEABLE_PUBLIC_PAGES", portal.CACHEABLE_PUBLIC_PAGES | {"t_lang"})

    def lang(path: str, **headers: str) -> tuple[str, str | None]:
        response, body = _get(port, path, {k.replace("_", "-"): v for k, v in headers.items()})
        assert response.status == 200 and response.getheader("Set-Cookie") is None, path
        shown = body.decode().removeprefix("<html lang=").removesuffix(">")
        return shown, response.getheader("X-Cache-Status")

    assert lang("/t/lang?lang=en", Accept_Language="id") == ("en", "MISS")
    assert lang("/t/lang?lang=en", Accept_Language="id") == ("en", "HIT")  # cacheable: no cookie
    assert lang("/t/lang?lang=id", Accept_Language="en") == ("id", "MISS")
    assert lang("/t/lang?lang=id", Accept_Language="en") == ("id", "HIT")
    assert lang("/t/lang", Accept_Language="id-ID,id;q=0.9") == ("id", "MISS")
    assert lang("/t/lang", Accept_Language="id-ID,id;q=0.9") == ("id", "HIT")
    assert lang("/t/lang", Accept_Language="en-GB,en;q=0.9")[0] == "en"
    assert lang("/t/lang", Accept_Language="id-ID,id;q=0.9")[0] == "id"
    # a browser whose first language the portal lacks: the app chooses English, the cache agrees
    assert lang("/t/lang", Accept_Language="fr-FR,fr;q=0.9,en;q=0.8")[0] == "en"
    assert lang("/t/lang", Accept_Language="fr-FR,fr;q=0.9,id;q=0.8")[0] == "id"
    # the switch's preference cookie beats the browser
    assert lang("/t/lang", Accept_Language="id", Cookie="lang=en")[0] == "en"
    assert lang("/t/lang", Accept_Language="en", Cookie="lang=id")[0] == "id"
    assert lang("/t/lang", Accept_Language="id")[0] == "id"
    assert lang("/t/lang", Accept_Language="en")[0] == "en"
    assert len(calls) < 14  # and some were answered by nginx
