"""A change shows in every worker at once, not only in the one that made it: the tutorial
panel and the office settings are kept per process (portal.cache.local), and a publish or a
save in one process must drop them in the others. The other worker here is a real second
process (tests/cache_peer.py) on the same database; the two share the instance folder's
generation file (one machine, no Redis: at once; also with Redis configured but stopped) or,
each with its own folder, Redis (several hosts: within ``cache.REDIS_GENERATION_SECONDS``)."""

from __future__ import annotations

import multiprocessing
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from portal import cache
from portal.auth.models import Role, User
from portal.extensions import db
from tests.factories import make_tutorial, make_user

# Each peer is a new process forked from a fork server that imported the portal once for the
# run (a second gunicorn worker is a fork of a loaded master too): a fresh interpreter per test
# spent several seconds of CPU on the same imports each time.
_FORKS = multiprocessing.get_context("forkserver")
_FORKS.set_forkserver_preload(["portal", "tests.cache_peer"])


class Peer:
    def __init__(self, conn, delay: float):
        self.conn = conn
        self.delay = delay  # how long another host may take to see a change

    def after_change(self, path: str) -> str:
        time.sleep(self.delay)
        return self.get(path)

    def get(self, path: str) -> str:
        self.conn.send(path)
        assert self.conn.poll(60), "the other worker did not answer"
        try:
            return self.conn.recv()
        except EOFError:
            raise AssertionError("the other worker stopped") from None


@contextmanager
def peer(url: str, instance: Path, redis_url: str | None, delay: float) -> Iterator[Peer]:
    from tests.cache_peer import serve

    ours, theirs = _FORKS.Pipe()
    process = _FORKS.Process(target=serve, args=(theirs, url, str(instance), redis_url), daemon=True)
    process.start()
    theirs.close()
    try:
        assert ours.poll(120) and ours.recv() == "ready"
        yield Peer(ours, delay)
    finally:
        with suppress(OSError):  # it stopped already
            ours.send(None)
        process.join(timeout=60)
        ours.close()
        if process.is_alive():
            process.kill()
            process.join()


def _dead_redis_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture(params=["one machine", "redis", "redis down"])
def two_workers(request, real_commits, tmp_path):
    """This process's app and a peer process, on one scratch database."""
    from tests.cache_peer import make_app
    from tests.dbutil import scratch_database_url

    redis_url, delay = None, 0.0  # one machine: at once
    here, there = tmp_path / "a", tmp_path / "a"
    if request.param == "redis":
        redis_url = request.getfixturevalue("redis_server").url(3)
        here, there = tmp_path / "host-a", tmp_path / "host-b"  # no shared folder: only Redis
        delay = cache.REDIS_GENERATION_SECONDS + 0.2
    elif request.param == "redis down":  # Redis configured but stopped: the file still carries it
        redis_url = _dead_redis_url()
    here.mkdir(exist_ok=True)
    there.mkdir(exist_ok=True)
    with scratch_database_url("shared_cache", tmp_path) as url:
        app = make_app(url, here, redis_url)
        with app.app_context():
            db.create_all()
            db.session.remove()
        try:
            with peer(url, there, redis_url, delay) as other:
                yield app, other
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_a_tutorial_published_in_one_worker_shows_in_the_other_at_once(two_workers):
    from portal.tutorials import services
    from portal.tutorials.editing import save_tutorial, set_tutorial_published

    app, other = two_workers
    with app.app_context():
        tutorial = make_tutorial(
            title_id="Cara memilih izin",
            title_en="How to choose",
            published=True,
            embed_url="https://www.youtube.com/embed/abc",
        )
        services.map_stage("choose_category", tutorial, None)
        db.session.commit()
        admin_id, tutorial_id = make_user(Role.ADMIN).id, tutorial.id
        db.session.remove()
    assert "Cara memilih izin" in other.get("/permits?lang=id")  # the other worker keeps it now
    with app.app_context():
        tutorial = db.session.get(services.Tutorial, tutorial_id)
        save_tutorial(tutorial, {"title_id": "Cara memilih jenis izin"}, db.session.get(User, admin_id))
        db.session.commit()
        db.session.remove()
    page = other.after_change("/permits?lang=id")
    assert "Cara memilih jenis izin" in page and "Cara memilih izin<" not in page
    with app.app_context():
        set_tutorial_published(
            db.session.get(services.Tutorial, tutorial_id), False, db.session.get(User, admin_id)
        )
        db.session.commit()
        db.session.remove()
    assert "Cara memilih jenis izin" not in other.after_change("/permits?lang=id")  # withdrawn everywhere


def test_office_settings_saved_in_one_worker_show_in_the_other_at_once(two_workers):
    from portal.admin.services import save_office_settings

    app, other = two_workers
    with app.app_context():
        admin_id = make_user(Role.ADMIN).id
        save_office_settings({"name": "DPMPTSP Kota Lama"}, db.session.get(User, admin_id))
        db.session.commit()
        db.session.remove()
    assert "DPMPTSP Kota Lama" in other.get("/permits?lang=id")
    with app.app_context():
        save_office_settings({"name": "DPMPTSP Kota Baru"}, db.session.get(User, admin_id))
        db.session.commit()
        db.session.remove()
    page = other.after_change("/permits?lang=id")
    assert "DPMPTSP Kota Baru" in page and "DPMPTSP Kota Lama" not in page


def test_a_status_change_in_one_worker_shows_on_the_others_statistics_at_once(two_workers):
    """A transition moves only the figures' generation (the rest of the cache stays): the
    other worker, which keeps /statistics cached, counts again on its next visit."""
    from tests.wizard_helpers import make_category, make_submitted

    app, other = two_workers
    with app.app_context():
        category = make_category()
        make_submitted(make_user(Role.APPLICANT), category)
        db.session.commit()
        db.session.remove()
    assert re.search(r"Applications submitted</dt><dd[^>]*>1<", other.get("/statistics?lang=en"))
    with app.app_context():
        make_submitted(make_user(Role.APPLICANT), db.session.merge(category))  # committed
        db.session.remove()
    page = other.after_change("/statistics?lang=en")
    assert re.search(r"Applications submitted</dt><dd[^>]*>2<", page), page[:300]
