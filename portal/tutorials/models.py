"""Video tutorials, the stage -> tutorial chapter mapping, and each user's viewing progress."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.catalogue.models import PermitCategory  # noqa: F401  (the FK target is registered)
from portal.db import TimestampMixin, str_enum, utcnow
from portal.extensions import db
from portal.storage.transfer import FileRef

VIDEO_TYPES = ("video/mp4", "video/webm")


class Tutorial(TimestampMixin, db.Model):
    """One video guide: an uploaded MP4/WebM in storage or an external embed from an allowed
    host, with a poster, captions (id, en) and chapters as WebVTT files in storage."""

    __tablename__ = "tutorials"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str | None] = mapped_column(String(80), unique=True)  # seeds find their rows by it
    title_id: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    description_id: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    video_key: Mapped[str | None] = mapped_column(String(255))
    video_type: Mapped[str | None] = mapped_column(String(32))  # one of VIDEO_TYPES
    embed_url: Mapped[str | None] = mapped_column(String(500))
    poster_key: Mapped[str | None] = mapped_column(String(255))
    poster_type: Mapped[str | None] = mapped_column(String(32))  # image/jpeg or image/png
    captions_id_key: Mapped[str | None] = mapped_column(String(255))
    captions_en_key: Mapped[str | None] = mapped_column(String(255))
    chapters_key: Mapped[str | None] = mapped_column(String(255))
    # Chapters parsed from chapters_key at save time: [{"id", "start", "end", "title"}], so pages
    # need not read the file from storage.
    chapters_json: Mapped[list] = mapped_column(JSON, default=list)
    transcript_id: Mapped[str] = mapped_column(Text, default="")
    transcript_en: Mapped[str] = mapped_column(Text, default="")
    # Per chapter transcripts: {"<chapter id>": {"id": "...", "en": "..."}}; derived from the
    # captions when not given.
    chapter_transcripts: Mapped[dict] = mapped_column(JSON, default=dict)
    duration_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    published: Mapped[bool] = mapped_column(default=False, server_default=false(), index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("permit_categories.id", ondelete="SET NULL"), index=True
    )
    # Low-bandwidth renditions (issue 9): a small (<= 360p) video and an audio-only file.
    small_video_key: Mapped[str | None] = mapped_column(String(255))
    small_video_type: Mapped[str | None] = mapped_column(String(32))
    audio_key: Mapped[str | None] = mapped_column(String(255))
    audio_type: Mapped[str | None] = mapped_column(String(32))  # audio/mp4 or audio/ogg
    # Bumped whenever a file changes: media URLs carry it, so browsers may cache them long.
    media_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # A guide made by the recorder (issue 14): the form version it filmed, and what it said:
    # {"lang", "viewport", "recorded_at", "form_version_number", "steps": [Step...]}, each step
    # with its stage, selector, visible label, narration (id, en) and times.
    form_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("form_versions.id", ondelete="SET NULL"), index=True
    )
    recording: Mapped[dict | None] = mapped_column(JSON)

    @property
    def is_recorded(self) -> bool:
        return bool(self.recording)

    def title(self, lang: str) -> str:
        return (self.title_en if lang == "en" else self.title_id) or self.title_id

    def description(self, lang: str) -> str:
        return (self.description_en if lang == "en" else self.description_id) or self.description_id

    def transcript(self, lang: str) -> str:
        return (self.transcript_en if lang == "en" else self.transcript_id) or self.transcript_id

    def chapter(self, chapter_id: str | None) -> dict | None:
        for ch in self.chapters_json or []:
            if ch["id"] == chapter_id:
                return ch
        return None

    def chapter_transcript(self, chapter_id: str, lang: str) -> str:
        texts = (self.chapter_transcripts or {}).get(chapter_id) or {}
        return texts.get(lang) or texts.get("id") or ""

    def __repr__(self) -> str:
        return f"<Tutorial {self.id} {self.slug}>"


class RecordingState(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class RecordingRequest(db.Model):
    """A guide to (re-)record: made when a category's form version is published (its fields
    or documents changed) or a label the guide names is gone. One pending row per category
    and language at a time: a second change while it waits only moves ``requested_at``, so the
    job records once, the latest version."""

    __tablename__ = "tutorial_recordings"
    __table_args__ = (
        Index(
            "uq_tutorial_recordings_pending",
            "category_id",
            "lang",
            unique=True,
            sqlite_where=db.text("state = 'pending'"),
            postgresql_where=db.text("state = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("permit_categories.id", ondelete="CASCADE"), index=True
    )
    lang: Mapped[str] = mapped_column(String(8), default="id", server_default="id")
    viewport: Mapped[str] = mapped_column(String(16), default="phone", server_default="phone")
    state: Mapped[RecordingState] = mapped_column(
        str_enum(RecordingState, "recording_state"),
        default=RecordingState.PENDING,
        server_default="pending",
        index=True,
    )
    reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    form_version_id: Mapped[int | None] = mapped_column(ForeignKey("form_versions.id", ondelete="SET NULL"))
    error: Mapped[str] = mapped_column(Text, default="", server_default="")


class VoiceState(enum.StrEnum):
    PENDING = "pending"  # uploaded; the guide is being made again with it
    APPLYING = "applying"  # a job is making the guide again with it
    READY = "ready"  # the guide plays it
    FAILED = "failed"  # making the guide again failed; the old guide stays
    OUTDATED = "outdated"  # the chapter's script changed since: it needs a new recording


class TutorialVoice(TimestampMixin, db.Model):
    """A staff member's own voice for one chapter of a recorded guide (issue 14): it replaces
    the synthetic voice of that chapter; the chapter's video is stretched to fit it. ``script``
    is the chapter's text they were asked to read, so a new recording of the guide can tell
    whether the voice still says what the captions say."""

    __tablename__ = "tutorial_voices"
    __table_args__ = (UniqueConstraint("tutorial_id", "chapter_id", name="uq_tutorial_voices_chapter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tutorial_id: Mapped[int] = mapped_column(ForeignKey("tutorials.id", ondelete="CASCADE"), index=True)
    chapter_id: Mapped[str] = mapped_column(String(64))
    audio_key: Mapped[str] = mapped_column(String(255))  # mono 16-bit WAV in storage
    duration_seconds: Mapped[float] = mapped_column(Float)
    script: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[VoiceState] = mapped_column(
        str_enum(VoiceState, "voice_state"), default=VoiceState.PENDING, server_default="pending"
    )
    error: Mapped[str] = mapped_column(Text, default="", server_default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    tutorial: Mapped[Tutorial] = relationship(lazy="joined")


class StageTutorial(db.Model):
    """Which tutorial chapter a stage shows; a category may have its own, else the general
    one (category_id NULL) is used."""

    __tablename__ = "stage_tutorials"
    __table_args__ = (
        UniqueConstraint("stage_key", "category_id", name="uq_stage_tutorials_stage_category"),
        # NULLs are distinct in a unique constraint: one general row per stage needs its own index.
        Index(
            "uq_stage_tutorials_general",
            "stage_key",
            unique=True,
            sqlite_where=db.text("category_id IS NULL"),
            postgresql_where=db.text("category_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_key: Mapped[str] = mapped_column(String(32))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("permit_categories.id", ondelete="CASCADE"), index=True
    )
    tutorial_id: Mapped[int] = mapped_column(ForeignKey("tutorials.id", ondelete="CASCADE"), index=True)
    chapter_id: Mapped[str | None] = mapped_column(String(64))

    tutorial: Mapped[Tutorial] = relationship(lazy="joined")


class TutorialView(db.Model):
    """How far one user got in one tutorial. Only ever moves forward."""

    __tablename__ = "tutorial_views"
    __table_args__ = (UniqueConstraint("user_id", "tutorial_id", name="uq_tutorial_views_user_tutorial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    tutorial_id: Mapped[int] = mapped_column(ForeignKey("tutorials.id", ondelete="CASCADE"), index=True)
    furthest_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    chapters_completed: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    tutorial: Mapped[Tutorial] = relationship(lazy="raise")


_MEDIA_COLUMNS = (
    "video_key",
    "poster_key",
    "captions_id_key",
    "captions_en_key",
    "chapters_key",
    "small_video_key",
    "audio_key",
)


def stored_files() -> Iterator[FileRef]:
    """The tutorials' videos, posters, captions, chapters and audio."""
    for tutorial in db.session.scalars(select(Tutorial).order_by(Tutorial.id)):
        for column in _MEDIA_COLUMNS:
            key = getattr(tutorial, column)
            if key:
                yield FileRef(key, None, f"tutorial {tutorial.id} {column}")
        for chapter in tutorial.chapters_json or []:  # a recorded guide's poster per chapter
            if chapter.get("poster_key"):
                yield FileRef(chapter["poster_key"], None, f"tutorial {tutorial.id} poster {chapter['id']}")
    for voice in db.session.scalars(select(TutorialVoice).order_by(TutorialVoice.id)):
        yield FileRef(voice.audio_key, None, f"tutorial {voice.tutorial_id} voice {voice.chapter_id}")
