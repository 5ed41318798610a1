"""Editing tutorials (admins): texts, files, the embed address, the chapter list as a table,
which stages show the tutorial, and publishing. Every change is written to the staff action
log. Raises TutorialError (a translated sentence) for what the admin must fix."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from portal.audit.services import audit
from portal.auth.models import Role, User
from portal.errors import AccessDenied, NotFoundError
from portal.extensions import db
from portal.paging import fetch_page
from portal.transaction import atomic_service
from portal.tutorials import services as tutorial_services
from portal.tutorials import vtt
from portal.tutorials.models import StageTutorial, Tutorial
from portal.tutorials.services import TutorialError
from portal.tutorials.stages import STAGES

PAGE_SIZE = 50


def get_tutorial_or_404(tutorial_id: int, user) -> Tutorial:
    """Any tutorial, published or not, for an admin (403 for anyone else, 404 when missing)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_role(Role.ADMIN):
        raise AccessDenied()
    tutorial = db.session.get(Tutorial, tutorial_id)
    if tutorial is None:
        raise NotFoundError()
    return tutorial


def list_tutorials(after: int | None = None, limit: int = PAGE_SIZE) -> tuple[list[Tutorial], int | None]:
    stmt = select(Tutorial)
    if after is not None:
        stmt = stmt.where(Tutorial.id > after)
    return fetch_page(stmt.order_by(Tutorial.id), limit)


TUTORIAL_TEXT_FIELDS = (
    "title_id",
    "title_en",
    "description_id",
    "description_en",
    "transcript_id",
    "transcript_en",
)


def save_tutorial(tutorial: Tutorial | None, data: dict[str, Any], actor: User) -> Tutorial:
    """Create a tutorial (unpublished) or change its texts, category and length."""
    creating = tutorial is None
    if tutorial is None:
        tutorial = Tutorial(published=False, chapters_json=[], chapter_transcripts={})
        db.session.add(tutorial)
    for name in TUTORIAL_TEXT_FIELDS:
        if name in data:
            setattr(tutorial, name, (data[name] or "").strip())
    if "category_id" in data:
        tutorial.category_id = data["category_id"] or None
    if data.get("duration_seconds") is not None:
        tutorial.duration_seconds = float(data["duration_seconds"])
    db.session.flush()
    audit(
        actor,
        "tutorial.create" if creating else "tutorial.update",
        "tutorial",
        tutorial.id,
        tutorial.title_id,
    )
    db.session.flush()
    return tutorial


def tutorial_file(tutorial: Tutorial, what: str, upload, actor: User) -> None:
    """Attach one file (video, poster, captions_id, captions_en, chapters) through the tutorial
    services, which check it by content and as WebVTT. Raises UploadRejected, VttError or
    TutorialError; nothing changes then."""
    if what == "video":
        tutorial_services.attach_video(tutorial, upload)
    elif what == "poster":
        tutorial_services.attach_poster(tutorial, upload)
    elif what in ("captions_id", "captions_en"):
        tutorial_services.attach_captions(tutorial, what.rsplit("_", 1)[1], upload)
    elif what == "chapters":
        tutorial_services.attach_chapters(tutorial, upload)
    else:
        raise NotFoundError()
    audit(actor, f"tutorial.{what}", "tutorial", tutorial.id, f"{what} uploaded")
    db.session.flush()


def set_tutorial_embed(tutorial: Tutorial, url: str, actor: User) -> None:
    if url.strip():
        tutorial_services.set_embed(tutorial, url)
    else:
        tutorial.embed_url = None
    audit(actor, "tutorial.embed", "tutorial", tutorial.id, "Video address set", url=tutorial.embed_url)
    db.session.flush()


_TIME_RE = re.compile(r"^(?:(\d{1,2}):)?(?:(\d{1,2}):)?(\d{1,5})(?:[.,](\d{1,3}))?$")
CHAPTER_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def parse_time(text: str) -> float | None:
    """ "75", "1:15", "01:15.5" or "0:01:15" -> seconds; None when unreadable."""
    text = (text or "").strip()
    match = _TIME_RE.match(text)
    if not match:
        return None
    first, second, last, fraction = match.groups()
    parts = [int(p) for p in (first, second) if p is not None]
    seconds = int(last)
    if parts and seconds >= 60:
        return None
    total = 0
    for p in parts:
        total = total * 60 + p
    value = total * 60 + seconds if parts else seconds
    if fraction:
        value += int(fraction.ljust(3, "0")) / 1000
    return float(value)


@dataclass
class ChapterRow:
    start: str
    chapter_id: str
    title_id: str
    title_en: str


def chapters_from_rows(rows: list[ChapterRow], end: str) -> tuple[str, dict[str, str]]:
    """Turn the chapter list (start time, id, titles) into WebVTT text and the English titles.
    Empty rows are skipped. Raises AdminError naming the row."""
    cues: list[vtt.Cue] = []
    titles_en: dict[str, str] = {}
    filled = [r for r in rows if (r.start or r.title_id or r.title_en or r.chapter_id).strip()]
    if not filled:
        raise TutorialError(_("Add at least one chapter: a start time and a title."))
    starts = []
    for n, row in enumerate(filled, 1):
        start = parse_time(row.start)
        if start is None:
            raise TutorialError(
                _("Chapter %(n)s: write the start time as minutes:seconds, for example 1:30.", n=n)
            )
        title = " ".join((row.title_id or "").split())
        if not title:
            raise TutorialError(_("Chapter %(n)s: give it an Indonesian title.", n=n))
        # A chapter keeps its (hidden) name, which stage mappings and links use; a new row gets
        # one. The admin never sees or types it.
        chapter_id = (row.chapter_id or "").strip().lower()
        if not CHAPTER_ID_RE.fullmatch(chapter_id) or chapter_id in titles_en:
            chapter_id = next(f"chapter-{k}" for k in range(n, n + 200) if f"chapter-{k}" not in titles_en)
        if starts and start <= starts[-1]:
            raise TutorialError(
                _("Chapter %(n)s starts before the chapter above it; list chapters in time order.", n=n)
            )
        starts.append(start)
        titles_en[chapter_id] = " ".join((row.title_en or "").split()).replace("-->", "->")
        cues.append(vtt.Cue(start=start, end=0, text=title.replace("-->", "->"), id=chapter_id))
    last_end = parse_time(end)
    if last_end is None or last_end <= starts[-1]:
        raise TutorialError(_("Give the end of the last chapter (the length of the video), after its start."))
    ends = [*starts[1:], last_end]
    cues = [vtt.Cue(start=c.start, end=e, text=c.text, id=c.id) for c, e in zip(cues, ends, strict=True)]
    return vtt.serialize(cues), titles_en


def save_chapter_rows(tutorial: Tutorial, rows: list[ChapterRow], end: str, actor: User) -> None:
    text, titles_en = chapters_from_rows(rows, end)
    tutorial_services.attach_chapters(tutorial, text.encode("utf-8"), titles_en)
    audit(actor, "tutorial.chapters", "tutorial", tutorial.id, "Chapters edited", chapters=list(titles_en))
    db.session.flush()


def chapter_rows(tutorial: Tutorial, spare: int = 3) -> list[ChapterRow]:
    rows = [
        ChapterRow(
            vtt.format_timestamp(ch["start"]).removeprefix("00:"),
            ch["id"],
            ch["title"].get("id", ""),
            ch["title"].get("en", ""),
        )
        for ch in tutorial.chapters_json or []
    ]
    return rows + [ChapterRow("", "", "", "") for _ in range(spare)]


def stage_mappings(tutorial: Tutorial) -> list[StageTutorial]:
    """The stages (per category or general) that show this tutorial."""
    return list(
        db.session.scalars(
            select(StageTutorial)
            .where(StageTutorial.tutorial_id == tutorial.id)
            .order_by(StageTutorial.category_id, StageTutorial.stage_key)
        )
    )


WHOLE_VIDEO = "__whole__"


@atomic_service
def map_stages(tutorial: Tutorial, category_id: int | None, choices: dict[str, str], actor: User) -> None:
    """For each stage: "" leaves it alone, "-" removes this tutorial from it, WHOLE_VIDEO shows
    the whole video, else a chapter id. For one category, or general (None)."""
    changed = {}
    for stage_key, choice in choices.items():
        if stage_key not in STAGES or not choice:
            continue
        if choice == "-":
            condition = (
                StageTutorial.category_id.is_(None)
                if category_id is None
                else StageTutorial.category_id == category_id
            )
            db.session.execute(
                delete(StageTutorial).where(
                    StageTutorial.stage_key == stage_key, StageTutorial.tutorial_id == tutorial.id, condition
                )
            )
        else:
            tutorial_services.map_stage(
                stage_key, tutorial, None if choice == WHOLE_VIDEO else choice, category_id
            )
        changed[stage_key] = choice
    if changed:
        audit(
            actor,
            "tutorial.map_stages",
            "tutorial",
            tutorial.id,
            "Stages mapped",
            category_id=category_id,
            stages=changed,
        )
    db.session.flush()


def set_tutorial_published(tutorial: Tutorial, published: bool, actor: User) -> None:
    if published:
        tutorial_services.check_publishable(tutorial)
    tutorial.published = published
    audit(
        actor,
        "tutorial.publish" if published else "tutorial.unpublish",
        "tutorial",
        tutorial.id,
        tutorial.title_id,
    )
    db.session.flush()
