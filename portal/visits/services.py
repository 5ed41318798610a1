"""Counting page views without knowing the visitor, and the admins' report of them.

How a view is counted: a counted page (see :func:`beacon_url`) carries a 1x1 image whose
address names the page's path and a signature of it made with the app's secret key. The
browser asks for the image every time it shows the page, also when the page itself came from
nginx's micro-cache or the browser's own cache (those never reach the app, so counting the
page's own request would miss them). The image is answered ``no-store`` and is never cached.

What keeps the figures honest and bounded:
- only a page the app itself rendered can be counted (the signature), so random or made-up
  addresses, or a page that answered 404, create no row; the path must still be a counted page
  of the site (its route) when the image is asked for;
- requests that do not look like a browser showing our page (no ``Mozilla/5.0``, a bot,
  crawler, headless browser or monitoring tool, no Accept/Accept-Language, another site's
  page, a prefetch) are ignored;
- each client counts at most ``VISITS_PER_CLIENT`` views (a limit such as "20 per minute"),
  keyed by a digest of its address with a random salt that lives only in this process's
  memory and changes every office day: the address is never stored, and the digest lives in
  memory for the limit's window only;
- each page counts at most ``VISITS_PER_PAGE`` views (shared by every worker through the
  limiter's storage, Redis in production), so no flood from many addresses makes a page grow
  faster than that.

What is stored: per office day and page path, a number (``page_view_days``). Nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from flask import current_app, request, url_for
from flask_login import current_user
from limits import RateLimitItem, parse_many
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from portal.calendar.clock import office_today
from portal.db import short_write
from portal.extensions import db, limiter
from portal.memo import Memo
from portal.security import is_public_endpoint
from portal.visits.models import PAGE_KEY_MAX, PageViewDay

log = logging.getLogger(__name__)

BEACON_ENDPOINT = "visits.beacon"
SIGNATURE_LENGTH = 20

#: Words in a User-Agent that say a program, not a person's browser, asks. Lighthouse and
#: PageSpeed, the test suite's headless Chromium and uptime monitors are among them.
_NOT_A_PERSON = (
    "bot",
    "crawl",
    "spider",
    "slurp",
    "scrap",
    "headless",
    "lighthouse",
    "pagespeed",
    "gtmetrix",
    "ptst",
    "phantom",
    "selenium",
    "puppeteer",
    "playwright",
    "webdriver",
    "python",
    "curl",
    "wget",
    "httpie",
    "go-http",
    "java/",
    "okhttp",
    "axios",
    "node-fetch",
    "libwww",
    "perl",
    "ruby",
    "php",
    "facebookexternalhit",
    "whatsapp",
    "telegram",
    "preview",
    "monitor",
    "uptime",
    "pingdom",
    "validator",
    "archiver",
)
USER_AGENT_MAX = 512


# -- the beacon's address, in the page -------------------------------------------------------------
def beacon_url() -> str | None:
    """The beacon image's address for the page being rendered (a template global,
    ``visit_beacon()``), or None when this view is not counted: not a GET, a logged-in user
    (staff and applicants are not the visitors the office asks about, and their browser would
    send its session cookie with the image), or a page that is not counted."""
    if request.method != "GET" or current_user.is_authenticated:
        return None
    page = request.path
    if not _is_page_key(page) or not _counted(request.endpoint, request.url_rule):
        return None
    # The same page has the same address: signed and built once per process and page.
    return _beacon_urls.get(
        (current_app.config["SECRET_KEY"], request.script_root, page),
        lambda: url_for(BEACON_ENDPOINT, p=page, s=sign(page)),
    )


_beacon_urls = Memo()


def sign(page: str) -> str:
    """The signature of a page key: only the app can make one, so only pages it rendered count."""
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    digest = hmac.new(key, b"visit\x00" + page.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:SIGNATURE_LENGTH]


def _is_page_key(page: object) -> bool:
    return (
        isinstance(page, str)
        and 0 < len(page) <= PAGE_KEY_MAX
        and page.startswith("/")
        and page.isprintable()
        and "?" not in page
        and "#" not in page
    )


def _counted(endpoint: str | None, rule: Rule | None) -> bool:
    """A counted page: one the shared caches may keep (home, catalogue, permit pages, news,
    events, ...), or a public page whose address holds no value (complaints, the privacy
    notice, log-in). Never a page whose address carries a token or an id of someone's."""
    if endpoint is None or endpoint == BEACON_ENDPOINT:
        return False
    if endpoint in current_app.extensions["visits_pages"]:
        return True
    return rule is not None and not rule.arguments and is_public_endpoint(current_app, endpoint)


# -- counting ------------------------------------------------------------------------------------
def count_view(
    page: str | None, signature: str | None, headers: Mapping[str, str], client: str | None
) -> bool:
    """Count one view of ``page`` (a beacon request's ``p``) when it is signed, still a counted
    page of the site, asked for by a browser, and within the per-client and per-page limits.
    Returns whether it was counted; never raises for bad input (the beacon answers the same
    image either way)."""
    if not _is_page_key(page) or not isinstance(signature, str) or len(signature) != SIGNATURE_LENGTH:
        return False
    assert page is not None  # noqa: S101 - narrowed by _is_page_key
    if not hmac.compare_digest(sign(page), signature) or not _resolves_to_counted_page(page):
        return False
    if not looks_like_a_browser(headers):
        return False
    day = office_today()
    if not _client_allows(client or "", day) or not _page_allows(page, day):
        return False
    try:
        short_write(db.session, lambda: _add_view(day, page))
    except SQLAlchemyError:
        log.exception("a page view could not be counted")
        return False
    return True


def looks_like_a_browser(headers: Mapping[str, str]) -> bool:
    """Whether the image request looks like a person's browser showing one of our pages: a
    ``Mozilla/5.0`` User-Agent naming no bot, crawler, headless browser or tool, the Accept and
    Accept-Language every browser sends, and (when the browser says) an image asked for by a
    page of this site, not a prefetch."""
    agent = headers.get("User-Agent") or ""
    if not agent.startswith("Mozilla/5.0") or len(agent) > USER_AGENT_MAX:
        return False
    lowered = agent.lower()
    if any(word in lowered for word in _NOT_A_PERSON):
        return False
    if not headers.get("Accept") or not headers.get("Accept-Language"):
        return False
    if (headers.get("Sec-Fetch-Site") or "same-origin") != "same-origin":
        return False  # another site's page embedding our image
    if (headers.get("Sec-Fetch-Dest") or "image") != "image":
        return False
    purpose = f"{headers.get('Sec-Purpose') or ''} {headers.get('Purpose') or ''}".lower()
    return "prefetch" not in purpose and "prerender" not in purpose


def _resolves_to_counted_page(page: str) -> bool:
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        rule, _values = adapter.match(page, method="GET", return_rule=True)
    except (HTTPException, ValueError, UnicodeError):
        return False
    return _counted(rule.endpoint, rule)


def _add_view(day: date, page: str) -> None:
    upsert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = upsert(PageViewDay).values(day=day, page=page, views=1)
    stmt = stmt.on_conflict_do_update(index_elements=["day", "page"], set_={"views": PageViewDay.views + 1})
    db.session.execute(stmt)


# -- the flood limits ------------------------------------------------------------------------------
class _DailySalt:
    """A random salt kept in this process's memory only, replaced every office day: the digest
    of a client's address under it cannot be turned back into the address, nor matched with
    another day's or another worker's."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._day: date | None = None
        self._salt = b""

    def digest(self, address: str, day: date) -> str:
        with self._lock:
            if self._day != day:
                self._day, self._salt = day, secrets.token_bytes(16)
            salt = self._salt
        return hashlib.sha256(salt + address.encode("utf-8", "replace")).hexdigest()[:32]


class _MovingWindows:
    """At most ``amount`` hits per key in any ``seconds``, in this process's memory (limits'
    own MemoryStorage starts a timer thread per expiry: too slow for a beacon). A key's
    entries are dropped once its window has passed, so memory follows the clients of the last
    minutes only."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}
        self._purged = 0.0

    def hit(self, key: str, amount: int, seconds: int) -> bool:
        now = _now()
        with self._lock:
            if now - self._purged > PURGE_EVERY:
                self._purge(now, seconds)
            window = self._hits.setdefault(key, deque())
            while window and window[0] <= now - seconds:
                window.popleft()
            if len(window) >= amount:
                return False
            window.append(now)
            return True

    def _purge(self, now: float, seconds: int) -> None:
        horizon = now - max(seconds, PURGE_EVERY)
        self._hits = {k: w for k, w in self._hits.items() if w and w[-1] > horizon}
        self._purged = now

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


PURGE_EVERY = 60.0
#: The in-memory limits' clock (a test holds it still to count a flood exactly).
_now = time.monotonic
_salt = _DailySalt()
#: The per-client limit lives in this process's memory only (so the address digests never reach
#: a shared store). With several workers a client may count that many per worker: still bounded.
_in_memory = _MovingWindows()


def reset_limits() -> None:
    """Forget the in-memory limits (tests start each case afresh)."""
    _in_memory.reset()


def _hit(key: str, item: RateLimitItem) -> bool:
    return _in_memory.hit(f"{key}/{item.amount}/{item.get_expiry()}", item.amount, item.get_expiry())


@lru_cache(maxsize=8)
def _items(spec: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(spec))


def _client_allows(address: str, day: date) -> bool:
    spec = current_app.config.get("VISITS_PER_CLIENT")
    if not spec:
        return True
    key = _salt.digest(address, day)
    return all(_hit(f"client/{key}", item) for item in _items(spec))


def _page_allows(page: str, day: date) -> bool:
    """The per-page cap, in the limiter's storage (shared by every worker; Redis in
    production). If that storage cannot be reached, this process's memory keeps the cap."""
    spec = current_app.config.get("VISITS_PER_PAGE")
    if not spec:
        return True
    key = hashlib.sha256(page.encode("utf-8")).hexdigest()[:32]
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    try:
        return all(
            limiter.limiter.hit(item, prefix, "visits-page", day.isoformat(), key) for item in _items(spec)
        )
    except Exception:  # noqa: BLE001 - an unreachable Redis must not lift the cap
        log.warning("visit cap storage unreachable; using this process's memory")
        return all(_hit(f"page/{day.isoformat()}/{key}", item) for item in _items(spec))


# -- the admins' report ----------------------------------------------------------------------------
@dataclass(frozen=True)
class VisitReport:
    start: date
    end: date
    #: Every day of the period, oldest first, with its views (0 for a day without any).
    days: list[tuple[str, int]]
    #: The most viewed pages of the period, most first, with their views.
    pages: list[tuple[str, int]]
    total: int
    page_count: int


def visit_report(end: date, days: int = 30, top: int = 20) -> VisitReport:
    """Views per day for the ``days`` days up to ``end`` and the ``top`` most viewed pages over
    them. For admins (the view checks the role)."""
    start = end - timedelta(days=days - 1)
    in_period = PageViewDay.day.between(start, end)
    per_day: dict[date, int] = {
        day: int(n or 0)
        for day, n in db.session.execute(
            select(PageViewDay.day, func.sum(PageViewDay.views)).where(in_period).group_by(PageViewDay.day)
        ).all()
    }
    day_rows = [
        ((start + timedelta(days=i)).isoformat(), per_day.get(start + timedelta(days=i), 0))
        for i in range(days)
    ]
    views = func.sum(PageViewDay.views).label("views")
    page_rows = [
        (str(page), int(n))
        for page, n in db.session.execute(
            select(PageViewDay.page, views)
            .where(in_period)
            .group_by(PageViewDay.page)
            .order_by(views.desc(), PageViewDay.page)
            .limit(top)
        ).all()
    ]
    page_count = int(
        db.session.scalar(select(func.count(func.distinct(PageViewDay.page))).where(in_period)) or 0
    )
    return VisitReport(
        start=start,
        end=end,
        days=day_rows,
        pages=page_rows,
        total=sum(n for _d, n in day_rows),
        page_count=page_count,
    )
