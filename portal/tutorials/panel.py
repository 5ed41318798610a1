"""What the player templates need, built in one place for the stage panel, the watch page and
the library (the templates only lay it out)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import g, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal import cache
from portal.i18n import current_language
from portal.tutorials import preferences, services
from portal.tutorials.models import StageTutorial, Tutorial, TutorialView
from portal.tutorials.vtt import format_timestamp

CAPTION_LABELS = {"id": "Bahasa Indonesia", "en": "English"}


@dataclass
class Player:
    tutorial: Tutorial
    dom_id: str
    lang: str
    title: str
    description: str
    start: float
    duration: float
    watch_url: str
    chapter: dict | None = None
    chapters: list[dict] = field(default_factory=list)
    video_url: str | None = None
    video_src: str | None = None
    video_type: str | None = None
    small_url: str | None = None
    small_type: str | None = None
    audio_url: str | None = None
    audio_type: str | None = None
    poster_url: str | None = None
    captions: list[dict] = field(default_factory=list)
    chapters_url: str | None = None
    embed_src: str | None = None
    progress_url: str | None = None
    full_transcript: str = ""
    include_assets: bool = False
    stage_key: str | None = None
    # The stage panel's one line (issue 14): a poster thumbnail and the chapter's length; the
    # person's open/closed choice (None: not chosen) and where a logged-in person saves it.
    thumb_url: str | None = None
    clip_time: str = ""
    panel_open: bool | None = None
    pref_url: str | None = None

    @property
    def chapter_title(self) -> str | None:
        return self.chapter["title"] if self.chapter else None


def _media(tutorial: Tutorial, kind: str) -> str:
    return url_for("tutorials.media", tutorial_id=tutorial.id, kind=kind, v=tutorial.media_version)


def _clock(seconds: float) -> str:
    text = format_timestamp(seconds)[:8]
    return text[3:] if text.startswith("00:") else text


def _embed_src(url: str, start: float) -> str:
    parts = urlsplit(url)
    seconds = int(start)
    if not seconds:
        return url
    if parts.hostname and "vimeo" in parts.hostname:
        return urlunsplit(parts._replace(fragment=f"t={seconds}s"))
    query = (parts.query + "&" if parts.query else "") + urlencode({"start": seconds})
    return urlunsplit(parts._replace(query=query))


def _length(seconds: float) -> str:
    """0:13, 2:05: how long a chapter plays."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _assets_once() -> bool:
    """True the first time a page asks: the CSS and JS are linked once per page."""
    if g.get("tutorial_assets_done"):
        return False
    g.tutorial_assets_done = True
    return True


def build_player(
    tutorial: Tutorial,
    chapter_id: str | None = None,
    *,
    view: TutorialView | None = None,
    stage_key: str | None = None,
) -> Player:
    lang = current_language()
    chapters_raw = tutorial.chapters_json or []
    chapter = tutorial.chapter(chapter_id) if chapter_id else None
    current = chapter or (chapters_raw[0] if chapters_raw else None)
    start = float(chapter["start"]) if chapter else 0.0
    watched = services.watched_chapters(view)
    watch_url = url_for("tutorials.watch", tutorial_id=tutorial.id)
    player = Player(
        tutorial=tutorial,
        dom_id=f"tutorial-{stage_key or 'watch'}-{tutorial.id}",
        lang=lang,
        title=tutorial.title(lang),
        description=tutorial.description(lang),
        start=start,
        duration=tutorial.duration_seconds or 0.0,
        watch_url=watch_url,
        stage_key=stage_key,
        full_transcript=tutorial.transcript(lang),
        include_assets=_assets_once(),
    )
    for ch in chapters_raw:
        player.chapters.append(
            {
                "id": ch["id"],
                "start": ch["start"],
                "end": ch["end"],
                "time": _clock(ch["start"]),
                "title": ch["title"].get(lang) or ch["title"].get("id") or ch["id"],
                "url": url_for("tutorials.watch", tutorial_id=tutorial.id, chapter=ch["id"]),
                "watched": ch["id"] in watched,
                "current": current is not None and ch["id"] == current["id"],
                "transcript": tutorial.chapter_transcript(ch["id"], lang),
            }
        )
    if chapter:
        player.chapter = next(c for c in player.chapters if c["id"] == chapter["id"])
    if tutorial.embed_url and not tutorial.video_key:
        player.embed_src = _embed_src(tutorial.embed_url, start)
    if tutorial.video_key:
        player.video_url = _media(tutorial, "video")
        player.video_src = player.video_url + (f"#t={start:.3f}" if start else "")
        player.video_type = tutorial.video_type
    if tutorial.small_video_key:
        player.small_url = _media(tutorial, "small")
        player.small_type = tutorial.small_video_type
    if tutorial.audio_key:
        player.audio_url = _media(tutorial, "audio")
        player.audio_type = tutorial.audio_type
    if tutorial.poster_key:
        player.poster_url = _media(tutorial, "poster")
    for code in ("id", "en"):
        if getattr(tutorial, f"captions_{code}_key"):
            player.captions.append(
                {
                    "lang": code,
                    "label": CAPTION_LABELS[code],
                    "url": _media(tutorial, f"captions-{code}"),
                    "default": code == lang,
                }
            )
    if player.captions and not any(t["default"] for t in player.captions):
        player.captions[0]["default"] = True
    if tutorial.chapters_key:
        player.chapters_url = _media(tutorial, "chapters")
    if current_user.is_authenticated and tutorial.published:
        player.progress_url = url_for("tutorials.progress", tutorial_id=tutorial.id)
    return player


def panel_context(stage_key: str, category_id: int | None = None) -> Player | None:
    """The "Watch how" panel of a stage (template global ``tutorial_panel_context``): None when
    the stage has no published tutorial."""
    choice = services.tutorial_for_stage(stage_key, category_id)
    if choice is None:
        return None
    view = None
    if current_user.is_authenticated:
        view = services.views_for(current_user.id, [choice.tutorial.id]).get(choice.tutorial.id)
    player = build_player(
        choice.tutorial, choice.chapter["id"] if choice.chapter else None, view=view, stage_key=stage_key
    )
    tutorial, chapter = choice.tutorial, choice.chapter
    if chapter and chapter.get("poster_key"):
        player.thumb_url = _media(tutorial, f"poster-{chapter['id']}")
    else:
        player.thumb_url = player.poster_url
    seconds = (float(chapter["end"]) - float(chapter["start"])) if chapter else player.duration
    player.clip_time = _length(seconds)
    if current_user.is_authenticated:
        player.panel_open = preferences.panel_open(current_user.id)
        player.pref_url = url_for("tutorials.panel_preference")
    return player


#: Where the stage panel's walkthrough button carries its steps: the page is rendered with
#: this in the button's data attribute, and the recorder's response hook
#: (portal.recorder.walkthrough) puts the steps of the page as it was rendered there.
WALKTHROUGH_PLACEHOLDER = "__satupintu_walkthrough_steps__"


def walkthrough_placeholder() -> str:
    return WALKTHROUGH_PLACEHOLDER


def stage_assets_once() -> bool:
    """True the first time a stage page asks (template global ``tutorial_stage_assets``)."""
    return _assets_once()


#: Seconds a rendered panel is kept per process (dropped at once in this process, and within
#: this time in the others, when a tutorial or a stage's mapping changes).
PANEL_CACHE_SECONDS = 300


def cached_panel(stage_key: str, category_id: int | None, render: Callable[..., Markup]) -> Markup:
    """The rendered "Watch how" panel (template global ``cached_tutorial_panel``). For an
    anonymous visitor it is the same for everyone in one language, so it is rendered once per
    stage, category and language and kept (portal.cache.local); a logged-in person's panel
    carries their progress and is rendered each time. Either way the request is marked as a
    stage page with a walkthrough (``g.walkthrough``)."""
    g.walkthrough = {"stage": stage_key, "category_id": category_id}
    if current_user.is_authenticated or g.get("tutorial_assets_done"):
        return render(stage_key, category_id)
    key = f"tutorial_panel:{stage_key}:{category_id}:{current_language()}"
    # the macro's output: already escaped Markup, kept as it is
    html = cache.local(key, PANEL_CACHE_SECONDS, lambda: render(stage_key, category_id))
    if html.strip():
        g.tutorial_assets_done = True  # the cached panel links the CSS and JS itself
    return html


@event.listens_for(Session, "before_flush")
def _tutorials_changed(session: Session, flush_context, instances) -> None:
    """A tutorial published, edited or remapped to a stage: drop the cached panels once the
    change commits."""
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Tutorial | StageTutorial):
            cache.mark_changed(session)
            return


def watch_label() -> str:
    return _("Watch how")
