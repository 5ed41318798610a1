"""Tutorial rules: which tutorial chapter a stage shows, attaching files (checked by content
and as WebVTT), embed URLs from an allow-list, search, and viewing progress.

Callable without a request (an app context is enough). Errors a person can fix raise
TutorialError (a translated sentence) or storage's UploadRejected (use ``.message()``).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, event, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from werkzeug.datastructures import FileStorage

from portal.auth.models import Role, User
from portal.db import utcnow
from portal.errors import NotFoundError, PortalError
from portal.extensions import db
from portal.storage import FileKind, check_upload, get_storage
from portal.transaction import atomic_service, delete_file_after_commit, delete_file_on_rollback
from portal.tutorials import vtt
from portal.tutorials.models import VIDEO_TYPES, StageTutorial, Tutorial, TutorialView
from portal.tutorials.stages import STAGES
from portal.validation import clean_display_text

DEFAULT_EMBED_HOSTS = ("www.youtube-nocookie.com", "player.vimeo.com")
DEFAULT_VIDEO_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_TRACK_MAX_BYTES = 512 * 1024
DEFAULT_POSTER_MAX_BYTES = 2 * 1024 * 1024
KEY_PREFIX = "tutorials/"
#: A progress report may be this many seconds past the end (players overshoot a little).
POSITION_SLACK = 1.0
MAX_SEARCH_WORDS = 8


class TutorialError(PortalError, ValueError):
    """Something the person managing tutorials must fix; ``str()`` is a translated sentence."""


class ProgressError(PortalError, ValueError):
    """A progress report that is refused (bad position, unknown chapter)."""


# -- configuration ---------------------------------------------------------------------------------
def embed_hosts() -> tuple[str, ...]:
    return tuple(h.lower() for h in current_app.config.get("TUTORIAL_EMBED_HOSTS", DEFAULT_EMBED_HOSTS))


def _limit(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


# -- loading --------------------------------------------------------------------------------------
def can_manage(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.has_role(Role.ADMIN))


def get_tutorial_or_404(tutorial_id: int, user: User | None = None) -> Tutorial:
    """A tutorial anyone may see (published), or any tutorial for an admin. 404 otherwise,
    so an unpublished tutorial's existence is not revealed."""
    tutorial = db.session.get(Tutorial, tutorial_id)
    if tutorial is None or not (tutorial.published or can_manage(user)):
        raise NotFoundError()
    return tutorial


@dataclass
class StageChoice:
    """The tutorial and chapter a stage shows."""

    tutorial: Tutorial
    chapter: dict | None


def tutorial_for_stage(stage_key: str, category_id: int | None = None) -> StageChoice | None:
    """The category's own tutorial for the stage if it has a published one, else the general
    one; None when the stage has none (or the key is unknown)."""
    if stage_key not in STAGES:
        return None
    condition: ColumnElement[bool] = StageTutorial.category_id.is_(None)
    if category_id is not None:
        condition = or_(condition, StageTutorial.category_id == category_id)
    rows = db.session.scalars(
        select(StageTutorial)
        .join(StageTutorial.tutorial)
        .where(StageTutorial.stage_key == stage_key, Tutorial.published.is_(True), condition)
    ).all()
    if not rows:
        return None
    row = sorted(rows, key=lambda r: r.category_id is None)[0]  # the category's own first
    return StageChoice(tutorial=row.tutorial, chapter=row.tutorial.chapter(row.chapter_id))


def map_stage(
    stage_key: str, tutorial: Tutorial, chapter_id: str | None, category_id: int | None = None
) -> StageTutorial:
    """Point a stage (optionally for one category) at a tutorial chapter; replaces the mapping."""
    if stage_key not in STAGES:
        raise TutorialError(_("That step of the application does not exist; choose one from the list."))
    if chapter_id is not None and tutorial.chapter(chapter_id) is None:
        raise TutorialError(_("The video guide has no such chapter; choose one from the list."))
    condition = (
        StageTutorial.category_id.is_(None)
        if category_id is None
        else StageTutorial.category_id == category_id
    )
    row = db.session.scalar(select(StageTutorial).where(StageTutorial.stage_key == stage_key, condition))
    if row is None:
        row = StageTutorial(stage_key=stage_key, category_id=category_id)
        db.session.add(row)
    row.tutorial = tutorial
    row.chapter_id = chapter_id
    db.session.flush()
    return row


def published_tutorials() -> list[Tutorial]:
    return list(
        db.session.scalars(
            select(Tutorial)
            .where(Tutorial.published.is_(True))
            .order_by(Tutorial.category_id.is_not(None), Tutorial.id)
        )
    )


# -- files ------------------------------------------------------------------------------------------
def _as_upload(data: bytes | FileStorage, filename: str) -> FileStorage:
    if isinstance(data, FileStorage):
        return data
    return FileStorage(stream=io.BytesIO(data), filename=filename)


def _replace(tutorial: Tutorial, attr: str, key: str | None) -> None:
    old = getattr(tutorial, attr)
    if key and key != old:
        # The new file goes again if the change rolls back: no file is kept for nothing.
        delete_file_on_rollback(get_storage(), key)
    setattr(tutorial, attr, key)
    tutorial.media_version = (tutorial.media_version or 1) + 1
    if old and old != key:
        # The old file goes after the commit; if the commit fails, the row still points to it.
        _after_commit_delete(old)


def _after_commit_delete(key: str) -> None:
    delete_file_after_commit(get_storage(), key)


_CHANGE_LISTENERS: list[Callable[[int | None], object]] = []
_CHANGED_KEY = "tutorials_changed_after_commit"


def on_guides_changed(listener: Callable[[int | None], object]) -> None:
    """Register ``listener(category_id)``, called after the commit that changed a category's
    guides (``None``: the general guide). For caches built from the tutorials, such as the
    rendered stage panel: a re-recorded guide must not be served from a stale cache."""
    if listener not in _CHANGE_LISTENERS:
        _CHANGE_LISTENERS.append(listener)


def guides_changed(category_id: int | None) -> None:
    """Note that a category's guides change in this transaction; the listeners of
    ``on_guides_changed`` hear of it once the outermost transaction commits."""
    db.session.info.setdefault(_CHANGED_KEY, set()).add(category_id)


@event.listens_for(Session, "after_commit")
def _tell_guide_listeners(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.get(_CHANGED_KEY):
        return  # a released SAVEPOINT: wait for the outermost commit
    for category_id in session.info.pop(_CHANGED_KEY):
        for listener in list(_CHANGE_LISTENERS):
            listener(category_id)


@event.listens_for(Session, "after_rollback")
def _forget_guide_changes(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_CHANGED_KEY, None)


def validate_embed_url(url: str) -> str:
    """An https URL on an allowed host (TUTORIAL_EMBED_HOSTS); anything else raises TutorialError."""
    url = (url or "").strip()
    hosts = embed_hosts()
    refuse = TutorialError(
        _(
            "The video address must start with https:// and be on one of these sites: %(hosts)s.",
            hosts=", ".join(hosts),
        )
    )
    if not url or len(url) > 500 or any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in url):
        raise refuse
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise refuse from None
    if parts.scheme != "https" or parts.username or parts.password or port not in (None, 443):
        raise refuse
    if (parts.hostname or "").lower() not in hosts:
        raise refuse
    return url


def set_embed(tutorial: Tutorial, url: str) -> None:
    tutorial.embed_url = validate_embed_url(url)


def attach_video(tutorial: Tutorial, upload: FileStorage | bytes, *, small: bool = False) -> None:
    """Store an MP4 or WebM video (checked by its bytes, within TUTORIAL_VIDEO_MAX_BYTES).
    Raises UploadRejected."""
    checked = check_upload(
        _as_upload(upload, "video.mp4"),
        {FileKind.MP4, FileKind.WEBM},
        _limit("TUTORIAL_VIDEO_MAX_BYTES", DEFAULT_VIDEO_MAX_BYTES),
        key_prefix=KEY_PREFIX,
    )
    if small:
        _replace(tutorial, "small_video_key", checked.stored.key)
        tutorial.small_video_type = checked.content_type
    else:
        _replace(tutorial, "video_key", checked.stored.key)
        tutorial.video_type = checked.content_type
    assert checked.content_type in VIDEO_TYPES


def attach_poster(tutorial: Tutorial, upload: FileStorage | bytes) -> None:
    checked = check_upload(
        _as_upload(upload, "poster.jpg"),
        {FileKind.JPEG, FileKind.PNG},
        _limit("TUTORIAL_POSTER_MAX_BYTES", DEFAULT_POSTER_MAX_BYTES),
        key_prefix=KEY_PREFIX,
    )
    _replace(tutorial, "poster_key", checked.stored.key)
    tutorial.poster_type = checked.content_type


def _store_vtt(upload: FileStorage | bytes, name: str) -> tuple[str, list[vtt.Cue]]:
    """Store a WebVTT upload and parse it; on any error nothing stays in storage."""
    checked = check_upload(
        _as_upload(upload, name),
        {FileKind.VTT},
        _limit("TUTORIAL_TRACK_MAX_BYTES", DEFAULT_TRACK_MAX_BYTES),
        key_prefix=KEY_PREFIX,
    )
    storage = get_storage()
    try:
        with storage.open(checked.stored.key) as fh:
            cues = vtt.parse(fh.read())
    except vtt.VttError:
        storage.delete(checked.stored.key)
        raise
    return checked.stored.key, cues


def _read_cues(key: str | None) -> list[vtt.Cue]:
    if not key:
        return []
    with get_storage().open(key) as fh:
        return vtt.parse(fh.read())


def _duration(tutorial: Tutorial) -> float | None:
    return tutorial.duration_seconds or None


def attach_captions(tutorial: Tutorial, lang: str, upload: FileStorage | bytes) -> None:
    """Captions in ``lang`` (id or en) as WebVTT. Raises VttError (names the line) or
    UploadRejected."""
    vtt.check_language(lang)
    key, cues = _store_vtt(upload, f"captions.{lang}.vtt")
    try:
        vtt.check_captions(cues, _duration(tutorial))
    except vtt.VttError:
        get_storage().delete(key)
        raise
    _replace(tutorial, f"captions_{lang}_key", key)
    if not getattr(tutorial, f"transcript_{lang}"):
        setattr(tutorial, f"transcript_{lang}", vtt.plain_text(cues))
    refresh_chapter_transcripts(tutorial)


def attach_chapters(
    tutorial: Tutorial, upload: FileStorage | bytes, titles_en: dict[str, str] | None = None
) -> None:
    """Chapters as WebVTT (cue id = chapter id, cue text = title), none past the video's end."""
    key, cues = _store_vtt(upload, "chapters.vtt")
    try:
        vtt.check_chapters(cues, _duration(tutorial))
    except vtt.VttError:
        get_storage().delete(key)
        raise
    _replace(tutorial, "chapters_key", key)
    titles_en = titles_en or {}
    # What else a chapter carries (a recorded guide's poster of it) stays with its id.
    extras = {
        ch["id"]: {k: v for k, v in ch.items() if k not in ("id", "start", "end", "title")}
        for ch in tutorial.chapters_json or []
    }
    tutorial.chapters_json = [
        {
            **extras.get(c.id or "", {}),
            "id": c.id,
            "start": c.start,
            "end": c.end,
            "title": {"id": c.text, "en": titles_en.get(c.id or "") or c.text},
        }
        for c in cues
    ]
    refresh_chapter_transcripts(tutorial)


def clear_file(tutorial: Tutorial, attr: str) -> None:
    """Remove one of the tutorial's files (the English captions, which are optional); the
    file is deleted once the change commits."""
    _replace(tutorial, attr, None)


def refresh_chapter_transcripts(tutorial: Tutorial) -> None:
    """Each chapter's transcript: the captions that start within it, per language."""
    chapters = tutorial.chapters_json or []
    result: dict[str, dict[str, str]] = {c["id"]: {} for c in chapters}
    for lang in vtt.CAPTION_LANGUAGES:
        cues = _read_cues(getattr(tutorial, f"captions_{lang}_key"))
        for ch in chapters:
            inside = [c for c in cues if ch["start"] - 0.01 <= c.start < ch["end"] - 0.01]
            result[ch["id"]][lang] = vtt.plain_text(inside).replace("\n", " ")
    tutorial.chapter_transcripts = result


def check_publishable(tutorial: Tutorial) -> None:
    """A published tutorial has a video (or an embed) and Indonesian captions; English
    captions are optional (the player offers the Indonesian ones instead)."""
    if not (tutorial.video_key or tutorial.embed_url):
        raise TutorialError(_("Add a video file or a video address before publishing."))
    if tutorial.video_key and not tutorial.captions_id_key:
        raise TutorialError(_("Add the Indonesian captions before publishing."))


# -- search -----------------------------------------------------------------------------------------
def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class SearchHit:
    tutorial: Tutorial
    chapter_ids: list[str] = field(default_factory=list)  # chapters whose title/transcript match


def search(query: str) -> list[SearchHit]:
    """Published tutorials matching every word of ``query`` in a title, description or
    transcript (either language), with the chapters that hold the words. LIKE wildcards in
    the query are matched literally; control characters (NUL among them, which PostgreSQL
    refuses in text) are dropped."""
    words = [w for w in clean_display_text(query or "").lower().split() if w][:MAX_SEARCH_WORDS]
    stmt = select(Tutorial).where(Tutorial.published.is_(True))
    columns = (
        Tutorial.title_id,
        Tutorial.title_en,
        Tutorial.description_id,
        Tutorial.description_en,
        Tutorial.transcript_id,
        Tutorial.transcript_en,
    )
    for word in words:
        stmt = stmt.where(or_(*(col.ilike(_like(word), escape="\\") for col in columns)))
    tutorials = db.session.scalars(stmt.order_by(Tutorial.id)).all()
    hits = []
    for tutorial in tutorials:
        chapter_ids = []
        if words:
            for ch in tutorial.chapters_json or []:
                texts = (tutorial.chapter_transcripts or {}).get(ch["id"], {})
                haystack = " ".join([*ch["title"].values(), *texts.values()]).lower()
                if all(w in haystack for w in words):
                    chapter_ids.append(ch["id"])
        hits.append(SearchHit(tutorial, chapter_ids))
    return hits


# -- progress ---------------------------------------------------------------------------------------
@atomic_service
def record_progress(
    user_id: int, tutorial_id: int, position: str | float, chapter_id: str | None = None
) -> TutorialView:
    """Remember how far ``user_id`` got: the furthest position and the completed chapters only
    ever grow. 404 for an unknown or unpublished tutorial; ProgressError for a position that is
    not a finite number within the video, or an unknown chapter. Nothing is stored then."""
    tutorial = db.session.get(Tutorial, tutorial_id)
    if tutorial is None or not tutorial.published:
        raise NotFoundError()
    try:
        seconds = float(position)
    except (TypeError, ValueError):
        raise ProgressError("position is not a number") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ProgressError("position out of range")
    if tutorial.duration_seconds and seconds > tutorial.duration_seconds + POSITION_SLACK:
        raise ProgressError("position past the end of the video")
    if chapter_id is not None and tutorial.chapter(chapter_id) is None:
        raise ProgressError("unknown chapter")

    def _row() -> TutorialView | None:
        return db.session.scalar(
            select(TutorialView).where(
                TutorialView.user_id == user_id, TutorialView.tutorial_id == tutorial_id
            )
        )

    view = _row()
    if view is None:
        try:
            with db.session.begin_nested():
                view = TutorialView(
                    user_id=user_id, tutorial_id=tutorial_id, furthest_seconds=0.0, chapters_completed=[]
                )
                db.session.add(view)
        except IntegrityError:  # a parallel report made the row first
            view = _row()
            assert view is not None
    if seconds > (view.furthest_seconds or 0.0):
        view.furthest_seconds = seconds
    if chapter_id is not None and chapter_id not in (view.chapters_completed or []):
        view.chapters_completed = [*(view.chapters_completed or []), chapter_id]
    view.updated_at = utcnow()
    db.session.flush()
    return view


def watched_chapters(view: TutorialView | None) -> set[str]:
    """The chapters to mark as watched: those the player reported as played to their end."""
    return set(view.chapters_completed or []) if view is not None else set()


def views_for(user_id: int | None, tutorial_ids: list[int]) -> dict[int, TutorialView]:
    """The user's progress rows for these tutorials, by tutorial id (one query)."""
    if not user_id or not tutorial_ids:
        return {}
    rows = db.session.scalars(
        select(TutorialView).where(
            and_(TutorialView.user_id == user_id, TutorialView.tutorial_id.in_(tutorial_ids))
        )
    )
    return {row.tutorial_id: row for row in rows}


def progress_for(user_id: int) -> list[TutorialView]:
    """Every tutorial a user has watched, with how far and which chapters (for the help desk),
    most recent first. The tutorial is loaded with each row."""
    return list(
        db.session.scalars(
            select(TutorialView)
            .where(TutorialView.user_id == user_id)
            .options(selectinload(TutorialView.tutorial))
            .order_by(TutorialView.updated_at.desc())
        )
    )
