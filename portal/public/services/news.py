"""News: the latest items, keyset pages, and staff editing."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from portal.auth.models import User
from portal.db import utcnow
from portal.errors import NotFoundError
from portal.extensions import db
from portal.paging import fetch_page
from portal.public.markup import render_markdown
from portal.public.models import News
from portal.public.services.common import PublicError, _require_staff, can_manage_content, clean_text

NEWS_PAGE_SIZE = 10


# -- news -------------------------------------------------------------------------------------
@dataclass
class NewsPage:
    items: list[News]
    next_before: int | None  # the id to pass as ``before`` for the next (older) page


def latest_news(limit: int = 3) -> list[News]:
    return list(
        db.session.scalars(
            select(News)
            .where(News.published_at.is_not(None))
            .order_by(News.published_at.desc(), News.id.desc())
            .limit(limit)
        )
    )


def news_page(before: int | None = None, size: int = NEWS_PAGE_SIZE) -> NewsPage:
    """Published news, newest first, paged by keyset on (published_at, id)."""
    stmt = select(News).where(News.published_at.is_not(None))
    if before is not None:
        last = db.session.get(News, before)
        if last is None or last.published_at is None:
            return NewsPage([], None)
        stmt = stmt.where(
            or_(
                News.published_at < last.published_at,
                (News.published_at == last.published_at) & (News.id < last.id),
            )
        )
    return NewsPage(*fetch_page(stmt.order_by(News.published_at.desc(), News.id.desc()), size))


def get_news_or_404(news_id: int, user: User | None = None) -> News:
    """A published news item; drafts only for staff who write news."""
    item = db.session.get(News, news_id)
    if item is None or (not item.is_published and not can_manage_content(user)):
        raise NotFoundError()
    return item


def all_news_for_staff(user: User) -> list[News]:
    _require_staff(user)
    return list(db.session.scalars(select(News).order_by(News.id.desc()).limit(200)))


def save_news(
    user: User, title: str, body: str, *, item: News | None = None, publish: bool | None = None
) -> News:
    """Create or edit a news item (roles admin/helpdesk). ``publish`` True publishes it now
    (keeping the first publication date), False makes it a draft, None leaves it as is."""
    _require_staff(user)
    title = clean_text(title, 200).replace("\n", " ")
    body = clean_text(body, 50_000)
    if not title or not body:
        raise PublicError(_l("Write a title and the text."))
    if item is None:
        item = News(author_id=user.id)
        db.session.add(item)
    item.title = title
    item.body = body
    item.body_html = render_markdown(body)
    if publish is True and item.published_at is None:
        item.published_at = utcnow()
    elif publish is False:
        item.published_at = None
    db.session.flush()
    return item
