"""News: the latest items, keyset pages, and staff editing."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from werkzeug.datastructures import FileStorage

from portal.auth.models import User
from portal.db import utcnow
from portal.errors import NotFoundError
from portal.extensions import db
from portal.paging import fetch_page
from portal.public.markup import render_markdown
from portal.public.models import News
from portal.public.services.common import PublicError, _require_staff, can_manage_content, clean_text
from portal.storage.pictures import change_picture, keeps_picture
from portal.transaction import atomic_service

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


#: A news picture: at most this big once re-encoded (a bigger photo is scaled down) and never
#: over this many pixels (refused: a 40-megapixel photo is not a news picture).
NEWS_IMAGE_MAX_BYTES = 1_500_000
NEWS_IMAGE_MAX_PIXELS = 24_000_000


@atomic_service
def save_news(
    user: User,
    title: str,
    body: str,
    *,
    item: News | None = None,
    publish: bool | None = None,
    image: FileStorage | None = None,
    image_alt: str | None = None,
    remove_image: bool = False,
) -> News:
    """Create or edit a news item (roles admin/helpdesk). ``publish`` True publishes it now
    (keeping the first publication date), False makes it a draft, None leaves it as is.
    ``image`` adds or replaces its picture (portal.storage.pictures; UploadRejected, nothing
    stored, for an SVG, a GIF or a picture over the limits), ``remove_image`` removes it; a
    picture needs ``image_alt``, the text that says what it shows."""
    _require_staff(user)
    title = clean_text(title, 200).replace("\n", " ")
    body = clean_text(body, 50_000)
    if not title or not body:
        raise PublicError(_l("Write a title and the text."))
    alt = clean_text(image_alt if image_alt is not None else (item.image_alt if item else ""), 300)
    alt = alt.replace("\n", " ")
    if keeps_picture(image, item.image_key if item else None, remove_image) and not alt:
        raise PublicError(
            _l("Describe the picture in a few words (what it shows): people who cannot see it read this.")
        )
    if item is None:
        item = News(author_id=user.id)
        db.session.add(item)
    item.title = title
    item.body = body
    item.body_html = render_markdown(body)
    change = change_picture(
        item.image_key,
        image,
        remove=remove_image,
        max_bytes=NEWS_IMAGE_MAX_BYTES,
        max_pixels=NEWS_IMAGE_MAX_PIXELS,
        key_prefix="news/",
    )
    if change is not None:
        item.image_key, item.image_type = change.key, change.content_type
        item.image_width, item.image_height = change.width, change.height
    item.image_alt = alt if item.image_key else ""
    if publish is True and item.published_at is None:
        item.published_at = utcnow()
    elif publish is False:
        item.published_at = None
    db.session.flush()
    return item
