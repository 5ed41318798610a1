"""The admin's edits of the public website: pictures (through portal.storage.pictures), the
identity and theme, the map, the profile pages, the officials, the social links and the permit
cards' icons. Services flush; the request commits. A replaced picture's file is deleted once
the change commits; a new one is deleted again if its transaction rolls back."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal import cache
from portal.audit.services import audit
from portal.auth.models import User
from portal.catalogue.models import PermitCategory
from portal.errors import NotFoundError, PortalError
from portal.extensions import db
from portal.public.markup import render_markdown
from portal.public.services.common import clean_text
from portal.site import theme
from portal.site.models import CategoryIcon, Official, ProfilePage, SiteIdentity, SiteImage, SocialLink
from portal.storage import get_storage
from portal.storage.pictures import check_picture
from portal.transaction import atomic_service, delete_file_after_commit, delete_file_on_rollback
from portal.weblinks import check_https_link


class SiteError(PortalError):
    """An admin's website edit was refused; the message says what to change."""


class SlugRefused(SiteError):
    """A profile page's address that cannot be used (characters, reserved, taken)."""


class AltTextMissing(SiteError):
    """A picture was given (or kept) without the text that says what it shows."""


@dataclass(frozen=True)
class PictureSlot:
    """Limits of one kind of picture: bytes once re-encoded (bigger photos are scaled down)
    and pixels (refused over it)."""

    prefix: str
    max_bytes: int
    max_pixels: int


LOGO = PictureSlot("site/logo/", 1_000_000, 4_000_000)
HERO = PictureSlot("site/hero/", 1_500_000, 24_000_000)
ICON = PictureSlot("site/icons/", 200_000, 1_000_000)
PHOTO = PictureSlot("site/officials/", 800_000, 24_000_000)
PAGE_PICTURE = PictureSlot("site/pages/", 1_500_000, 24_000_000)
MAP = PictureSlot("site/map/", 1_500_000, 24_000_000)
MAX_SOCIAL_LINKS = 12
MAX_OFFICIALS = 60
MAX_TITLE = 200

ALT_NEEDED = _l("Describe the picture in a few words (what it shows): people who cannot see it read this.")


def _changed() -> None:
    g.pop("_site_identity", None)
    cache.mark_changed(db.session)  # every page shows the header: cached pages drop it on commit


# -- pictures ------------------------------------------------------------------------------------
def store_picture(upload: FileStorage, slot: PictureSlot) -> SiteImage:
    """Check and store ``upload`` as a new SiteImage (UploadRejected, nothing stored, for an SVG,
    a GIF, a broken file or one over the slot's pixels)."""
    checked = check_picture(
        upload, max_bytes=slot.max_bytes, max_pixels=slot.max_pixels, key_prefix=slot.prefix
    )
    delete_file_on_rollback(get_storage(), checked.stored.key)
    image = SiteImage(
        key=checked.stored.key,
        content_type=checked.content_type,
        width=checked.width or 0,
        height=checked.height or 0,
    )
    db.session.add(image)
    db.session.flush()
    return image


def drop_picture(image: SiteImage | None) -> None:
    """Delete a picture no longer used (its file once the change commits)."""
    if image is None:
        return
    delete_file_after_commit(get_storage(), image.key)
    db.session.delete(image)


def _given(upload: FileStorage | None) -> bool:
    return bool(upload is not None and upload.filename)


def replace_picture(
    owner: object, attr: str, upload: FileStorage | None, slot: PictureSlot, remove: bool
) -> None:
    """Put a new picture on ``owner.attr`` (the old one dropped), or remove it when ``remove``."""
    if _given(upload):
        old = getattr(owner, attr)
        setattr(owner, attr, store_picture(upload, slot))  # type: ignore[arg-type]
        drop_picture(old)
    elif remove:
        old = getattr(owner, attr)
        setattr(owner, attr, None)
        drop_picture(old)


def get_picture_or_404(image_id: int) -> SiteImage:
    image = db.session.get(SiteImage, image_id)
    if image is None:
        raise NotFoundError()
    return image


# -- identity, theme, map ------------------------------------------------------------------------
def identity() -> SiteIdentity:
    """The one identity row (a blank, unsaved one before an admin saves anything)."""
    cached: SiteIdentity | None = g.get("_site_identity") if has_app_context() else None
    if cached is not None:
        return cached
    row = db.session.get(SiteIdentity, 1) or SiteIdentity(id=1, theme=theme.DEFAULT, theme_colour="")
    if has_app_context():
        g._site_identity = row
    return row


def _identity_for_update() -> SiteIdentity:
    row = db.session.get(SiteIdentity, 1)
    if row is None:
        row = SiteIdentity(id=1, theme=theme.DEFAULT, theme_colour="")
        db.session.add(row)
    return row


@atomic_service
def save_identity(
    actor: User,
    *,
    tagline_id: str,
    tagline_en: str,
    hero_alt_id: str,
    hero_alt_en: str,
    logo: FileStorage | None = None,
    hero: FileStorage | None = None,
    remove_logo: bool = False,
    remove_hero: bool = False,
) -> SiteIdentity:
    row = _identity_for_update()
    alt_id, alt_en = clean_text(hero_alt_id, 300), clean_text(hero_alt_en, 300)
    keeps_hero = _given(hero) or (row.hero_id is not None and not remove_hero)
    if keeps_hero and not alt_id:
        raise AltTextMissing(ALT_NEEDED)
    row.tagline_id, row.tagline_en = clean_text(tagline_id, 300), clean_text(tagline_en, 300)
    row.hero_alt_id, row.hero_alt_en = alt_id, alt_en
    replace_picture(row, "logo", logo, LOGO, remove_logo)
    replace_picture(row, "hero", hero, HERO, remove_hero)
    row.updated_by_id = actor.id
    audit(actor, "site.identity", "site", "identity", "Website identity changed")
    db.session.flush()
    _changed()
    return row


@atomic_service
def save_theme(actor: User, choice: str, colour: str = "") -> SiteIdentity:
    """A preset, or ``custom`` with a colour that keeps AA contrast (SiteError otherwise)."""
    colour = (colour or "").strip().lower()
    if choice == theme.CUSTOM:
        problem = theme.contrast_problem(colour)
        if problem:
            raise SiteError(problem)
    elif choice not in theme.PRESETS:
        raise SiteError(_l("Choose one of the colour themes."))
    row = _identity_for_update()
    row.theme, row.theme_colour = choice, colour if choice == theme.CUSTOM else ""
    row.updated_by_id = actor.id
    audit(actor, "site.theme", "site", "theme", "Website colours changed", theme=choice, colour=colour)
    db.session.flush()
    _changed()
    return row


@atomic_service
def save_map(
    actor: User, *, alt_id: str, alt_en: str, upload: FileStorage | None = None, remove: bool = False
) -> SiteIdentity:
    row = _identity_for_update()
    alt_id, alt_en = clean_text(alt_id, 300), clean_text(alt_en, 300)
    if (_given(upload) or (row.map_id is not None and not remove)) and not alt_id:
        raise AltTextMissing(ALT_NEEDED)
    row.map_alt_id, row.map_alt_en = alt_id, alt_en
    replace_picture(row, "map", upload, MAP, remove)
    audit(actor, "site.map", "site", "map", "Contact map changed")
    db.session.flush()
    _changed()
    return row


# -- profile pages -------------------------------------------------------------------------------
MAX_PROFILE_PAGES = 30
#: A page's address is /profile/<slug>: lower-case ASCII letters, digits and hyphens.
PROFILE_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
#: Slugs that are (or may become) other addresses under /profile and /admin/website/pages.
RESERVED_SLUGS = frozenset({"officials", "new", "edit", "delete", "move", "admin", "static", "index"})


def profile_pages() -> list[ProfilePage]:
    return list(db.session.scalars(select(ProfilePage).order_by(ProfilePage.position, ProfilePage.id)))


def check_profile_slug(raw: str) -> str:
    """The page's address part, or SiteError saying what to write instead: slug characters only
    (no ``/``, ``..``, NUL, spaces or letters of other alphabets that look like Latin ones), not
    a reserved name and not another page's."""
    slug = (raw or "").strip()
    if not slug:
        raise SlugRefused(_l("Write the page's address, for example maklumat-pelayanan."))
    if not slug.isascii() or not PROFILE_SLUG.fullmatch(slug.lower()):
        raise SlugRefused(
            _l(
                "The address may only hold the letters a to z, digits and hyphens (-), starting with "
                "a letter or digit, at most 40 characters: for example maklumat-pelayanan."
            )
        )
    slug = slug.lower()
    if slug in RESERVED_SLUGS:
        raise SlugRefused(_l("The address %(slug)s is used by the portal itself: choose another.", slug=slug))
    if db.session.scalar(select(ProfilePage.id).where(ProfilePage.slug == slug)) is not None:
        raise SlugRefused(
            _l("Another profile page already has the address %(slug)s: choose another.", slug=slug)
        )
    return slug


@atomic_service
def create_profile_page(
    actor: User,
    *,
    slug: str,
    title_id: str,
    title_en: str,
    body_id: str,
    body_en: str,
    alt_id: str = "",
    alt_en: str = "",
    image: FileStorage | None = None,
) -> ProfilePage:
    """Add a profile page at the end of the menu (SiteError, nothing saved, for a bad slug or
    title; UploadRejected for a bad picture)."""
    clean_slug = check_profile_slug(slug)
    if (db.session.scalar(select(func.count()).select_from(ProfilePage)) or 0) >= MAX_PROFILE_PAGES:
        raise SiteError(_l("At most %(limit)s profile pages can be shown.", limit=MAX_PROFILE_PAGES))
    last = db.session.scalar(select(func.max(ProfilePage.position)))
    page = ProfilePage(slug=clean_slug, position=(last or 0) + 1, title_id="", title_en="")
    db.session.add(page)
    return save_profile_page(
        actor,
        page,
        title_id=title_id,
        title_en=title_en,
        body_id=body_id,
        body_en=body_en,
        alt_id=alt_id,
        alt_en=alt_en,
        image=image,
    )


@atomic_service
def move_profile_page(actor: User, page: ProfilePage, step: int) -> None:
    """Move a page one place up (``step`` -1) or down (+1) in the menu; at either end it stays."""
    pages = profile_pages()
    at = pages.index(page)
    to = at + (1 if step > 0 else -1)
    if not 0 <= to < len(pages):
        return
    pages[at], pages[to] = pages[to], pages[at]
    for position, each in enumerate(pages, start=1):
        each.position = position
    audit(actor, "site.profile_page_moved", "site_profile_page", page.slug, "Profile page moved", to=to + 1)
    db.session.flush()


@atomic_service
def delete_profile_page(actor: User, page: ProfilePage) -> None:
    """Remove a page: it leaves the menu and the sitemap, and its address answers 404."""
    drop_picture(page.image)
    audit(
        actor,
        "site.profile_page_removed",
        "site_profile_page",
        page.slug,
        f"Profile page {page.slug} removed",
    )
    db.session.delete(page)
    db.session.flush()


def get_profile_page_or_404(slug: str) -> ProfilePage:
    page = db.session.scalar(select(ProfilePage).where(ProfilePage.slug == slug))
    if page is None:
        raise NotFoundError()
    return page


@atomic_service
def save_profile_page(
    actor: User,
    page: ProfilePage,
    *,
    title_id: str,
    title_en: str,
    body_id: str,
    body_en: str,
    alt_id: str,
    alt_en: str,
    image: FileStorage | None = None,
    remove_image: bool = False,
) -> ProfilePage:
    title_id, title_en = (
        clean_text(title_id, 10_000).replace("\n", " "),
        clean_text(title_en, 10_000).replace("\n", " "),
    )
    if not title_id:
        raise SiteError(_l("Write the page's title in Indonesian."))
    if max(len(title_id), len(title_en)) > MAX_TITLE:
        raise SiteError(
            _l(
                "The title is too long (at most %(max)d characters): keep it short, it is shown in the menu.",
                max=MAX_TITLE,
            )
        )
    alt_id, alt_en = clean_text(alt_id, 300), clean_text(alt_en, 300)
    if (_given(image) or (page.image_id is not None and not remove_image)) and not alt_id:
        raise AltTextMissing(ALT_NEEDED)
    page.title_id, page.title_en = title_id, title_en or title_id
    page.body_id, page.body_en = clean_text(body_id, 50_000), clean_text(body_en, 50_000)
    page.body_html_id, page.body_html_en = render_markdown(page.body_id), render_markdown(page.body_en)
    page.image_alt_id, page.image_alt_en = alt_id, alt_en
    replace_picture(page, "image", image, PAGE_PICTURE, remove_image)
    audit(actor, "site.profile_page", "site_profile_page", page.slug, "Profile page changed")
    db.session.flush()
    return page


# -- officials -----------------------------------------------------------------------------------
def officials() -> list[Official]:
    return list(db.session.scalars(select(Official).order_by(Official.order, Official.id)))


def get_official_or_404(official_id: int) -> Official:
    official = db.session.get(Official, official_id)
    if official is None:
        raise NotFoundError()
    return official


@atomic_service
def save_official(
    actor: User,
    official: Official | None,
    *,
    name: str,
    position_id: str,
    position_en: str,
    order: int,
    photo: FileStorage | None = None,
    remove_photo: bool = False,
) -> Official:
    name = clean_text(name, 200).replace("\n", " ")
    position_id = clean_text(position_id, 200).replace("\n", " ")
    if not name or not position_id:
        raise SiteError(_l("Write the official's name and position."))
    if official is None:
        if (db.session.scalar(select(func.count()).select_from(Official)) or 0) >= MAX_OFFICIALS:
            raise SiteError(_l("At most %(limit)s officials can be listed.", limit=MAX_OFFICIALS))
        official = Official()
        db.session.add(official)
    official.name, official.position_id = name, position_id
    official.position_en = clean_text(position_en, 200).replace("\n", " ") or position_id
    official.order = order
    replace_picture(official, "photo", photo, PHOTO, remove_photo)
    db.session.flush()
    audit(actor, "site.official", "site_official", official.id, f"Official {name} saved")
    db.session.flush()
    return official


@atomic_service
def delete_official(actor: User, official: Official) -> None:
    drop_picture(official.photo)
    audit(actor, "site.official_removed", "site_official", official.id, f"Official {official.name} removed")
    db.session.delete(official)
    db.session.flush()


# -- social links --------------------------------------------------------------------------------
def social_links() -> list[SocialLink]:
    return list(db.session.scalars(select(SocialLink).order_by(SocialLink.order, SocialLink.id)))


@atomic_service
def add_social_link(actor: User, label: str, url: str) -> SocialLink:
    """Add a link (LinkRefused for anything but a safe https address; see portal.weblinks)."""
    label = clean_text(label, 60).replace("\n", " ")
    if not label:
        raise SiteError(_l("Write the name of the network, for example Instagram."))
    clean = check_https_link(url)
    if (db.session.scalar(select(func.count()).select_from(SocialLink)) or 0) >= MAX_SOCIAL_LINKS:
        raise SiteError(_l("At most %(limit)s social links can be shown.", limit=MAX_SOCIAL_LINKS))
    last = db.session.scalar(select(func.max(SocialLink.order))) or 0
    link = SocialLink(label=label, url=clean, order=last + 1)
    db.session.add(link)
    db.session.flush()
    audit(actor, "site.social_link", "site_social_link", link.id, f"Social link {label} added", url=clean)
    db.session.flush()
    _changed()
    return link


@atomic_service
def delete_social_link(actor: User, link_id: int) -> None:
    link = db.session.get(SocialLink, link_id)
    if link is None:
        raise NotFoundError()
    audit(actor, "site.social_link_removed", "site_social_link", link.id, f"Social link {link.label} removed")
    db.session.delete(link)
    db.session.flush()
    _changed()


# -- permit cards' icons -------------------------------------------------------------------------
def category_icons() -> dict[int, int]:
    """category id -> SiteImage id of the icons an admin uploaded (once per request)."""
    cached: dict[int, int] | None = g.get("_category_icons") if has_app_context() else None
    if cached is None:
        cached = dict(
            db.session.execute(select(CategoryIcon.category_id, CategoryIcon.image_id)).tuples().all()
        )
        if has_app_context():
            g._category_icons = cached
    return cached


@atomic_service
def set_category_icon(
    actor: User, category: PermitCategory, upload: FileStorage | None, remove: bool = False
) -> None:
    row = db.session.get(CategoryIcon, category.id)
    if _given(upload):
        image = store_picture(upload, ICON)  # type: ignore[arg-type]
        if row is None:
            row = CategoryIcon(category_id=category.id, image_id=image.id)
            db.session.add(row)
        else:
            old = row.image
            row.image_id = image.id
            db.session.flush()
            drop_picture(old)
    elif remove and row is not None:
        old = row.image
        db.session.delete(row)
        db.session.flush()
        drop_picture(old)
    else:
        raise SiteError(_l("Choose a PNG or JPEG picture."))
    audit(actor, "site.category_icon", "category", category.id, "Permit card icon changed", removed=remove)
    db.session.flush()
    g.pop("_category_icons", None)
    cache.mark_changed(db.session)  # the catalogue keeps its rendered cards: dropped on commit
