"""Another worker of the same site, for tests/test_shared_invalidation.py: a separate Python
process with its own app on the same database (and the same instance folder or Redis), which
answers page requests, one path at a time, with the page's HTML. What it caches is in its own
memory, as in a second gunicorn worker.

The tests start it with ``serve`` in a process forked from a multiprocessing fork server that
has imported the portal once (as gunicorn's workers are forks of a loaded master): each test
still gets a new process and a new app, without paying the portal's imports again. By hand, it
reads paths from standard input, one a line, and writes each page as one JSON line:

    python -m tests.cache_peer DATABASE_URL INSTANCE_DIR [REDIS_URL]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def make_app(url: str, instance: Path, redis_url: str | None):
    """One worker's app: the test config on ``url``, its generation file in ``instance``."""
    from portal import create_app

    return create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=url,
        INSTANCE_DIR=instance,
        MAIL_DIR=instance / "mail",
        UPLOAD_ROOT=instance / "uploads",
        CACHE_GENERATION_FILE=str(instance / "cache-generation"),
        CACHE_REDIS_URL=redis_url,
    )


def serve(conn, url: str, instance: str, redis_url: str | None) -> None:
    """The peer's loop over a multiprocessing connection: a path in, the page's HTML out; None
    (or the other end closed) stops it."""
    client = make_app(url, Path(instance), redis_url).test_client()
    conn.send("ready")
    while True:
        try:
            path = conn.recv()
        except EOFError:
            break
        if not path:
            break
        conn.send(client.get(path).get_data(as_text=True))
    conn.close()


def main(argv: list[str]) -> int:
    redis_url = argv[2] if len(argv) > 2 else None
    client = make_app(argv[0], Path(argv[1]), redis_url).test_client()
    print(json.dumps("ready"), flush=True)
    for line in sys.stdin:
        path = line.strip()
        if not path:
            break
        response = client.get(path)
        print(json.dumps(response.get_data(as_text=True)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
