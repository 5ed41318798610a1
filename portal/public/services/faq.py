"""Frequently asked questions by topic, and staff editing."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.auth.models import User
from portal.errors import NotFoundError
from portal.extensions import db
from portal.public.markup import render_markdown
from portal.public.models import FaqEntry
from portal.public.services.common import PublicError, _require_staff, clean_text


@dataclass
class FaqTopic:
    topic: str
    entries: list[FaqEntry] = field(default_factory=list)


def faq_by_topic(*, include_hidden: bool = False) -> list[FaqTopic]:
    stmt = select(FaqEntry)
    if not include_hidden:
        stmt = stmt.where(FaqEntry.published.is_(True))
    groups: dict[str, FaqTopic] = {}
    for entry in db.session.scalars(stmt.order_by(FaqEntry.topic, FaqEntry.position, FaqEntry.id)):
        groups.setdefault(entry.topic, FaqTopic(entry.topic)).entries.append(entry)
    return list(groups.values())


def get_faq_for_staff_or_404(entry_id: int, user: User) -> FaqEntry:
    _require_staff(user)
    entry = db.session.get(FaqEntry, entry_id)
    if entry is None:
        raise NotFoundError()
    return entry


def save_faq(
    user: User,
    topic: str,
    question: str,
    answer: str,
    position: int = 0,
    published: bool = True,
    *,
    entry: FaqEntry | None = None,
) -> FaqEntry:
    _require_staff(user)
    topic = clean_text(topic, 80).replace("\n", " ")
    question = clean_text(question, 300).replace("\n", " ")
    answer = clean_text(answer, 20_000)
    if not topic or not question or not answer:
        raise PublicError(_l("Write the topic, the question and the answer."))
    if entry is None:
        entry = FaqEntry()
        db.session.add(entry)
    entry.topic, entry.question, entry.answer = topic, question, answer
    entry.answer_html = render_markdown(answer)
    entry.position = int(position or 0)
    entry.published = bool(published)
    db.session.flush()
    return entry
