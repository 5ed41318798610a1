"""The public website's own tables: its pictures, the office's identity (logo, hero photo,
colour theme, map), the profile pages, the officials, the social links and the permit cards'
icons. The coat of arms is the permit letters' (portal.permits.models.Letterhead): one image."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import utcnow
from portal.extensions import db
from portal.storage.transfer import FileRef


class SiteImage(db.Model):
    """A picture uploaded through portal.storage.pictures (PNG or JPEG, re-encoded). A new
    upload is a new row, so its address never changes and may be cached for long."""

    __tablename__ = "site_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _image_fk() -> Mapped[int | None]:
    return mapped_column(ForeignKey("site_images.id", ondelete="SET NULL"))


class SiteIdentity(db.Model):
    """One row: the office's logo, the home page's hero photo and words, the colour theme and
    the map on the contact page."""

    __tablename__ = "site_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    logo_id: Mapped[int | None] = _image_fk()
    hero_id: Mapped[int | None] = _image_fk()
    hero_alt_id: Mapped[str] = mapped_column(String(300), default="")
    hero_alt_en: Mapped[str] = mapped_column(String(300), default="")
    tagline_id: Mapped[str] = mapped_column(String(300), default="")
    tagline_en: Mapped[str] = mapped_column(String(300), default="")
    theme: Mapped[str] = mapped_column(String(20), default="blue")
    #: A custom primary colour (#rrggbb) when ``theme`` is "custom", checked for contrast on save.
    theme_colour: Mapped[str] = mapped_column(String(7), default="")
    map_id: Mapped[int | None] = _image_fk()
    map_alt_id: Mapped[str] = mapped_column(String(300), default="")
    map_alt_en: Mapped[str] = mapped_column(String(300), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    logo: Mapped[SiteImage | None] = relationship(foreign_keys=[logo_id])
    hero: Mapped[SiteImage | None] = relationship(foreign_keys=[hero_id])
    map: Mapped[SiteImage | None] = relationship(foreign_keys=[map_id])


class ProfilePage(db.Model):
    """One page of the office profile (about, vision and mission, structure, service pledge):
    Markdown in both languages, rendered and sanitised on save, with an optional picture."""

    __tablename__ = "site_profile_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_id: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    body_id: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    body_html_id: Mapped[str] = mapped_column(Text, default="")
    body_html_en: Mapped[str] = mapped_column(Text, default="")
    image_id: Mapped[int | None] = _image_fk()
    image_alt_id: Mapped[str] = mapped_column(String(300), default="")
    image_alt_en: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    image: Mapped[SiteImage | None] = relationship()


class Official(db.Model):
    """An official of the office, with a photo and a position, in the order shown."""

    __tablename__ = "site_officials"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position_id: Mapped[str] = mapped_column(String(200))
    position_en: Mapped[str] = mapped_column(String(200))
    photo_id: Mapped[int | None] = _image_fk()
    order: Mapped[int] = mapped_column(Integer, default=0)

    photo: Mapped[SiteImage | None] = relationship()


class SocialLink(db.Model):
    """A link to the office's account on a social network (https only, checked on save)."""

    __tablename__ = "site_social_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(60))
    url: Mapped[str] = mapped_column(String(300))
    order: Mapped[int] = mapped_column(Integer, default=0)


class CategoryIcon(db.Model):
    """The icon on a permit type's card, replacing the shipped icon of its sector."""

    __tablename__ = "site_category_icons"

    category_id: Mapped[int] = mapped_column(
        ForeignKey("permit_categories.id", ondelete="CASCADE"), primary_key=True
    )
    image_id: Mapped[int] = mapped_column(ForeignKey("site_images.id", ondelete="CASCADE"))

    image: Mapped[SiteImage] = relationship()


def stored_files() -> Iterator[FileRef]:
    """The website's pictures (for backups and ``flask storage verify``)."""
    for image_id, key in db.session.execute(select(SiteImage.id, SiteImage.key).order_by(SiteImage.id)):
        yield FileRef(key, None, f"website picture {image_id}")
