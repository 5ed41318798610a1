"""Store a recorded guide (made by portal.recorder) through the tutorials' own storage and
checks, in one swap: the new files are stored first, then one commit points the guide (and
the category's stages) at them; the old files are deleted only after that commit. If anything
fails before the commit, the new files are deleted and the old guide stays as it was, live.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from sqlalchemy import delete, select
from werkzeug.datastructures import FileStorage

from portal.catalogue.models import FormVersion, PermitCategory
from portal.db import utcnow
from portal.extensions import db
from portal.storage import FileKind, check_upload, get_storage
from portal.transaction import delete_file_on_rollback
from portal.tutorials import services
from portal.tutorials.models import StageTutorial, Tutorial


@dataclass
class Outputs:
    video: Path
    small: Path
    audio: Path
    posters: dict[str, Path]
    captions: dict[str, bytes]
    chapters_vtt: bytes
    duration: float
    chapters: list[dict] = field(default_factory=list)  # [{"id", "start", "end", "title"}]
    transcripts: dict[str, dict[str, str]] = field(default_factory=dict)  # chapter -> lang -> text


_KEY_ATTRS = (
    "video_key",
    "small_video_key",
    "audio_key",
    "poster_key",
    "captions_id_key",
    "captions_en_key",
    "chapters_key",
)


def guide_slug(category_slug: str, lang: str = "id", viewport: str = "phone") -> str:
    """The recorded guide of a category (one per language and screen; the Indonesian phone
    guide is the one the stages show)."""
    suffix = "" if (lang, viewport) == ("id", "phone") else f"-{lang}-{viewport}"
    return f"guide-{category_slug}{suffix}"[:80]


def _store_jpeg(data: bytes) -> str:
    checked = check_upload(
        FileStorage(stream=BytesIO(data), filename="poster.jpg"),
        {FileKind.JPEG},
        services.DEFAULT_POSTER_MAX_BYTES,
        key_prefix=services.KEY_PREFIX,
    )
    delete_file_on_rollback(get_storage(), checked.stored.key)
    return checked.stored.key


def _store_audio(path) -> str:
    with path.open("rb") as fh:
        key = get_storage().save(fh, key_prefix=services.KEY_PREFIX).key
    delete_file_on_rollback(get_storage(), key)
    return key


def publish_guide(
    category: PermitCategory,
    outputs: Outputs,
    steps: list[dict],
    *,
    lang: str,
    viewport: str,
    form_version_id: int | None,
    form_version_number: int | None,
    commit: bool = True,
    voices: dict[str, int] | None = None,
    recorded_at: str | None = None,
) -> Tutorial:
    """Make (or replace) the category's recorded guide from ``outputs`` and point its stages at
    its chapters. Stages the guide has no chapter for go back to the general guide.
    ``voices``: the staff voices (chapter id -> voice id) the files carry; ``recorded_at``:
    when the pages were filmed (now, unless the files are an older filming with new voices)."""
    slug = guide_slug(category.slug, lang, viewport)
    found = db.session.scalar(select(Tutorial).where(Tutorial.slug == slug))
    if found is None:
        tutorial = Tutorial(
            slug=slug,
            title_id="",
            title_en="",
            published=False,
            chapters_json=[],
            chapter_transcripts={},
            category_id=category.id,
        )
        db.session.add(tutorial)
    else:
        tutorial = found
    before = {attr: getattr(tutorial, attr) for attr in _KEY_ATTRS}
    old_chapter_posters = [c["poster_key"] for c in (tutorial.chapters_json or []) if c.get("poster_key")]
    stored: list[str] = []
    storage = get_storage()
    try:
        tutorial.title_id = f"Video Panduan: {category.name_id}"[:200]
        tutorial.title_en = f"Video guide: {category.name_en or category.name_id}"[:200]
        tutorial.description_id = (
            "Direkam dari portal ini: setiap langkah, dari daftar akun sampai mengunduh izin."
        )
        tutorial.description_en = (
            "Recorded from this portal: every step, from creating an account to downloading the permit."
        )
        tutorial.category_id = category.id
        tutorial.duration_seconds = round(outputs.duration, 3)
        tutorial.transcript_id = "\n\n".join(t["id"] for t in outputs.transcripts.values())
        tutorial.transcript_en = "\n\n".join(t["en"] for t in outputs.transcripts.values())
        services.attach_video(tutorial, outputs.video.read_bytes())
        services.attach_video(tutorial, outputs.small.read_bytes(), small=True)
        tutorial.audio_key, tutorial.audio_type = _store_audio(outputs.audio), "audio/mp4"
        if before["audio_key"] and before["audio_key"] != tutorial.audio_key:
            services._after_commit_delete(before["audio_key"])
        first = outputs.chapters[0]["id"] if outputs.chapters else None
        if first:
            services.attach_poster(tutorial, outputs.posters[first].read_bytes())
        services.attach_captions(tutorial, "id", outputs.captions["id"])
        if outputs.captions.get("en"):
            services.attach_captions(tutorial, "en", outputs.captions["en"])
        elif tutorial.captions_en_key:  # English captions are optional
            services._after_commit_delete(tutorial.captions_en_key)
            tutorial.captions_en_key = None
        services.attach_chapters(
            tutorial, outputs.chapters_vtt, titles_en={c["id"]: c["title"]["en"] for c in outputs.chapters}
        )
        stored += [getattr(tutorial, a) for a in _KEY_ATTRS if getattr(tutorial, a) != before[a]]
        chapters_json = []
        for ch in tutorial.chapters_json:
            poster_key = _store_jpeg(outputs.posters[ch["id"]].read_bytes())
            stored.append(poster_key)
            chapters_json.append({**ch, "poster_key": poster_key})
        tutorial.chapters_json = chapters_json
        tutorial.chapter_transcripts = outputs.transcripts
        tutorial.form_version_id = form_version_id
        tutorial.recording = {
            "lang": lang,
            "viewport": viewport,
            "recorded_at": recorded_at or utcnow().isoformat(),
            "form_version_number": form_version_number,
            "steps": steps,
            "voices": dict(voices or {}),
        }
        tutorial.published = True
        services.check_publishable(tutorial)
        db.session.flush()
        if (lang, viewport) == ("id", "phone"):
            map_guide_stages(tutorial, category.id)
        for key in old_chapter_posters:
            services._after_commit_delete(key)
        services.guides_changed(category.id)
        if commit:
            db.session.commit()  # the recording job's own commit: the swap happens here
    except BaseException:
        # The keys stored by this attempt: what the row points to now and was not before.
        keys = [*stored, *(getattr(tutorial, a, None) for a in _KEY_ATTRS)]
        fresh = [k for k in dict.fromkeys(keys) if k and k not in before.values()]
        db.session.rollback()  # the stored files go with it (delete_file_on_rollback) ...
        for key in fresh:  # ... and here too, in case the caller holds an outer transaction
            with contextlib.suppress(Exception):  # best effort: nothing points to the key
                storage.delete(key)
        raise
    return tutorial


def map_guide_stages(tutorial: Tutorial, category_id: int) -> None:
    """Point the category's stages at the guide's chapters; stages without a chapter go back
    to the general guide."""
    covered = {c["id"] for c in tutorial.chapters_json}
    for stage in covered:
        services.map_stage(stage, tutorial, stage, category_id=category_id)
    db.session.execute(
        delete(StageTutorial).where(
            StageTutorial.category_id == category_id,
            StageTutorial.tutorial_id == tutorial.id,
            StageTutorial.stage_key.not_in(covered),
        )
    )


def load_export(entry: dict, folder) -> Tutorial | None:
    """Publish a guide exported by ``flask tutorials record --export`` (the demo's committed
    guides) through the same checks and swap. The form version it names is looked up by its
    number; a category without that number shows the guide as being updated."""
    folder = Path(folder)
    category = db.session.scalar(select(PermitCategory).where(PermitCategory.slug == entry["category_slug"]))
    if category is None:
        return None
    files = entry["files"]
    outputs = Outputs(
        video=folder / files["video"],
        small=folder / files["small"],
        audio=folder / files["audio"],
        posters={cid: folder / name for cid, name in entry["posters"].items()},
        captions={
            "id": (folder / files["captions_id"]).read_bytes(),
            "en": (folder / files["captions_en"]).read_bytes(),
        },
        chapters_vtt=(folder / files["chapters"]).read_bytes(),
        duration=float(entry["duration_seconds"]),
        chapters=entry["chapters"],
        transcripts=entry["transcripts"],
    )
    version_id = db.session.scalar(
        select(FormVersion.id).where(
            FormVersion.category_id == category.id, FormVersion.number == entry.get("form_version_number")
        )
    )
    return publish_guide(
        category,
        outputs,
        entry["steps"],
        lang=entry.get("lang", "id"),
        viewport=entry.get("viewport", "phone"),
        form_version_id=version_id,
        form_version_number=entry.get("form_version_number"),
        commit=False,
    )
