"""What the layout and the public pages read from the website's settings: the header's coat of
arms and logo, the theme's stylesheet, the social links, the WhatsApp link naming the page, and
each permit card's icon. Read once per request (the identity row, the links, the icons).

The layout's parts that are the same for every visitor of a page in one language (the brand,
the main menu, the visitor's account links, the footer's office lines and links) are rendered
once per process, language and key (``{% call cached_fragment("name", key) %}...{% endcall %}``)
and kept like the settings they show: ``FRAGMENT_SECONDS`` at most, and dropped at once when the
office settings, the website's look or a permit type changes (``portal.cache``). What depends on
the person or the address (a logged-in person's links, the language switch, the page's own
addresses, the WhatsApp link naming the page) stays outside them. Not kept when the app reloads
templates (``make dev``), so an edited template shows at once there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from flask import Flask, current_app, g, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from portal import cache, site_registry
from portal.catalogue.finder_views import whatsapp_link
from portal.catalogue.models import Sector
from portal.extensions import db
from portal.i18n import current_language
from portal.memo import Memo
from portal.permits import letterhead
from portal.site import seo, services, theme
from portal.site.models import SiteIdentity, SiteImage
from portal.template_speed import cached_url_for


@dataclass(frozen=True)
class Picture:
    image_id: int
    width: int
    height: int

    def width_at(self, height: int) -> int:
        return round(height * self.width / self.height) if self.height else height


@dataclass(frozen=True)
class SiteLook:
    """Plain values (kept per process for a minute, like the office settings; dropped when an
    admin saves the website's settings)."""

    logo: Picture | None
    coat_of_arms: Picture | None
    hero: Picture | None
    map: Picture | None
    primary: str
    hover: str
    texts: dict[str, str] = field(default_factory=dict)
    social: tuple[tuple[str, str], ...] = ()

    @property
    def theme_url(self) -> str:
        return cached_url_for("site.theme_css", c=(self.primary + self.hover).replace("#", ""))

    @property
    def coat_of_arms_url(self) -> str | None:
        return (
            cached_url_for("site.coat_of_arms", v=self.coat_of_arms.image_id) if self.coat_of_arms else None
        )

    @staticmethod
    def picture_url(picture: Picture | None) -> str | None:
        return cached_url_for("site.picture", image_id=picture.image_id) if picture else None

    def text(self, name: str) -> str:
        """``tagline``, ``hero_alt`` or ``map_alt`` in the page's language (Indonesian if empty)."""
        return self.texts.get(f"{name}_{current_language()}") or self.texts.get(f"{name}_id", "")


def _picture(image: SiteImage | None) -> Picture | None:
    return Picture(image.id, image.width, image.height) if image is not None else None


def _read_look() -> SiteLook:
    try:
        row = services.identity()
        arms = letterhead.current_logo()
        social = tuple((link.label, link.url) for link in services.social_links())
    except Exception:  # noqa: BLE001 - before the tables exist (first migration): the plain look
        db.session.rollback()
        row, arms, social = SiteIdentity(id=1, theme=theme.DEFAULT, theme_colour=""), None, ()
    primary, hover = theme.colours(row.theme or theme.DEFAULT, row.theme_colour or "")
    return SiteLook(
        logo=_picture(row.logo),
        coat_of_arms=Picture(arms.id, arms.width, arms.height) if arms is not None else None,
        hero=_picture(row.hero),
        map=_picture(row.map),
        primary=primary,
        hover=hover,
        texts={
            name: getattr(row, name) or ""
            for name in ("tagline_id", "tagline_en", "hero_alt_id", "hero_alt_en", "map_alt_id", "map_alt_en")
        },
        social=social,
    )


LOOK_CACHE_SECONDS = 60
#: How long a rendered part of the layout is kept at most (as long as the settings it shows).
FRAGMENT_SECONDS = 60


def site_look() -> SiteLook:
    look: SiteLook | None = g.get("_site_look")
    if look is None:
        look = cache.local("site_look", LOOK_CACHE_SECONDS, _read_look)
        g._site_look = look
    return look


def category_icon(category) -> str:  # noqa: ANN001 - a PermitCategory or a listing row
    """The icon of a permit card: the admin's upload, else the shipped icon of its sector."""
    image_id = services.category_icons().get(category.id)
    if image_id:
        return url_for("site.picture", image_id=image_id)
    sector = Sector(category.sector).value if category.sector in Sector._value2member_map_ else "general"
    return url_for("static", filename=f"img/sectors/{sector}.png")


def whatsapp_page_link(office: dict[str, str], title: str) -> str | None:
    """The office's wa.me link (catalogue.finder_views.whatsapp_link) with a message naming this
    page written in (``?text=``); None when the office has no WhatsApp number."""
    base = whatsapp_link(office.get("whatsapp"))
    if base is None:
        return None
    url = seo.plain_page_url()

    def compute() -> str:
        message = _(
            "Hello, I have a question about this page: %(title)s (%(url)s)",
            title=title or "SatuPintu",
            url=url,
        )
        return base + "?text=" + quote(message, safe="")

    return _whatsapp_links.get((base, title, url, current_language()), compute)


_whatsapp_links = Memo()


def cached_fragment(name: str, *key: object, caller: Callable[[], Markup]) -> Markup:
    """The body of ``{% call cached_fragment(name, *key) %}``: rendered once per process for
    ``name``, the page's language and ``key``, then kept (see the module's docstring). The body
    must depend on nothing else: not on the person, nor on a per-request token."""
    if current_app.debug or current_app.config.get("TEMPLATES_AUTO_RELOAD"):
        return caller()
    parts = ":".join(str(part) for part in key)
    return cache.local(f"fragment:{name}:{current_language()}:{parts}", FRAGMENT_SECONDS, caller)


def nav_current() -> str:
    """The address of the main menu's link to this page (marked aria-current), or "" when the
    page is not in the menu: the menu is the same for every page with the same answer."""
    here = request.path
    links = site_registry.nav_links()
    return here if any(cached_url_for(link.endpoint) == here for link in links) else ""


def init_app(app: Flask) -> None:
    app.add_template_global(cached_fragment, "cached_fragment")
    app.add_template_global(nav_current, "nav_current")
    app.add_template_global(site_look, "site_look")
    app.add_template_global(category_icon, "category_icon")
    app.add_template_global(whatsapp_page_link, "whatsapp_page_link")
