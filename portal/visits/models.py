"""The daily rollup: one row per office day and counted page, and how many views it had.
Nothing about the visitor: no address, no browser, no cookie, no time finer than the day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

#: The longest page key kept (a path of one of the site's own pages).
PAGE_KEY_MAX = 200


class PageViewDay(db.Model):
    __tablename__ = "page_view_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    #: The page's path without its query (``/permits/izin-usaha``): one of the site's own pages.
    page: Mapped[str] = mapped_column(String(PAGE_KEY_MAX), primary_key=True)
    views: Mapped[int] = mapped_column(default=0, server_default="0")
