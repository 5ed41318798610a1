"""Staff voices for recorded guides: storing a chapter's recording (checked by voice_audio),
and the job that makes the guide again with it (voiceover). The old guide stays live until
the new files are stored: the swap is ``publish_guide``'s one commit.

A voice belongs to a chapter of one guide and remembers the text it reads (``script``). When
the recorder films the guide again, a voice whose chapter still says the same is put in the
new recording; one whose text changed is set aside as "needs a new recording".
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy import event, exists, select, update
from sqlalchemy.orm import Session, aliased

from portal import jobs
from portal.audit.services import audit
from portal.auth.models import User
from portal.catalogue.models import PermitCategory
from portal.errors import NotFoundError
from portal.extensions import db
from portal.recorder.encode import Quality
from portal.recorder.voice_audio import PreparedVoice
from portal.recorder.voiceover import apply_voices
from portal.storage import get_storage
from portal.transaction import delete_file_after_commit, delete_file_on_rollback
from portal.tutorials.models import Tutorial, TutorialVoice, VoiceState
from portal.tutorials.recorded import Outputs, guide_slug, publish_guide

KEY_PREFIX = "tutorials/voices/"
_DISPATCH_KEY = "tutorial_voices_to_apply"


def recorded_guide_or_404(tutorial_id: int) -> Tutorial:
    tutorial = db.session.get(Tutorial, tutorial_id)
    if tutorial is None or not tutorial.recording or tutorial.category_id is None:
        raise NotFoundError()
    return tutorial


def guide_lang(tutorial: Tutorial) -> str:
    return (tutorial.recording or {}).get("lang") or "id"


def script_lines(steps: list[dict], chapter_id: str, lang: str) -> list[str]:
    """What the chapter says, one sentence (step) a line, in the guide's language."""
    return [
        (s.get("text") or {}).get(lang) or ""
        for s in steps
        if s.get("stage") == chapter_id and (s.get("text") or {}).get(lang)
    ]


def script_of(steps: list[dict], chapter_id: str, lang: str) -> str:
    return " ".join(script_lines(steps, chapter_id, lang))


def chapter_or_404(tutorial: Tutorial, chapter_id: str) -> dict:
    chapter = tutorial.chapter(chapter_id)
    if chapter is None:
        raise NotFoundError()
    return chapter


def voices_of(tutorial: Tutorial) -> dict[str, TutorialVoice]:
    return {
        v.chapter_id: v
        for v in db.session.scalars(select(TutorialVoice).where(TutorialVoice.tutorial_id == tutorial.id))
    }


def save_voice(tutorial: Tutorial, chapter_id: str, prepared: PreparedVoice, actor: User) -> TutorialVoice:
    """Store the recording as the chapter's voice (replacing an earlier one) and have the
    guide made again with it once this transaction commits."""
    chapter_or_404(tutorial, chapter_id)
    storage = get_storage()
    with prepared.path.open("rb") as fh:
        key = storage.save(fh, key_prefix=KEY_PREFIX).key
    delete_file_on_rollback(storage, key)
    voice = db.session.scalar(
        select(TutorialVoice).where(
            TutorialVoice.tutorial_id == tutorial.id, TutorialVoice.chapter_id == chapter_id
        )
    )
    if voice is None:
        voice = TutorialVoice(tutorial_id=tutorial.id, chapter_id=chapter_id)
        db.session.add(voice)
    elif voice.audio_key:
        delete_file_after_commit(storage, voice.audio_key)
    voice.audio_key = key
    voice.duration_seconds = prepared.seconds
    voice.script = script_of((tutorial.recording or {}).get("steps") or [], chapter_id, guide_lang(tutorial))
    voice.state = VoiceState.PENDING
    voice.error = ""
    voice.recorded_by_id = actor.id
    db.session.flush()
    audit(
        actor,
        "tutorial.voice",
        "tutorial",
        tutorial.id,
        "Staff voice recorded",
        chapter=chapter_id,
        seconds=prepared.seconds,
    )
    db.session.info.setdefault(_DISPATCH_KEY, set()).add(tutorial.id)
    return voice


def remove_voice(tutorial: Tutorial, chapter_id: str, actor: User) -> None:
    """Back to the synthetic voice: the voice goes (the caller has the guide filmed again,
    which brings the synthetic voice back)."""
    voice = voices_of(tutorial).get(chapter_id)
    if voice is None:
        raise NotFoundError()
    delete_file_after_commit(get_storage(), voice.audio_key)
    db.session.delete(voice)
    audit(actor, "tutorial.voice_removed", "tutorial", tutorial.id, "Staff voice removed", chapter=chapter_id)
    db.session.flush()


# -- the job ------------------------------------------------------------------------------------------
def _claim(tutorial_id: int) -> list[int]:
    """Mark the guide's waiting voices as being applied, unless a job is at it already."""
    busy = aliased(TutorialVoice)
    db.session.execute(
        update(TutorialVoice)
        .where(
            TutorialVoice.tutorial_id == tutorial_id,
            TutorialVoice.state == VoiceState.PENDING,
            ~exists().where(busy.tutorial_id == tutorial_id, busy.state == VoiceState.APPLYING),
        )
        .values(state=VoiceState.APPLYING)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(TutorialVoice.id).where(
                TutorialVoice.tutorial_id == tutorial_id, TutorialVoice.state == VoiceState.APPLYING
            )
        )
    )


def _download(key: str, path: Path) -> Path:
    with get_storage().open(key) as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def current_outputs(tutorial: Tutorial, workdir: Path) -> Outputs:
    """The guide's files as they are served now, copied into ``workdir``."""
    if not tutorial.video_key:
        raise NotFoundError()
    storage = get_storage()
    posters = {}
    for ch in tutorial.chapters_json or []:
        key = ch.get("poster_key") or tutorial.poster_key
        if key:
            posters[ch["id"]] = _download(key, workdir / f"current-poster-{ch['id']}.jpg")
    captions = {}
    for lang in ("id", "en"):
        key = getattr(tutorial, f"captions_{lang}_key")
        if key:
            with storage.open(key) as fh:
                captions[lang] = fh.read()
    chapters_vtt = b""
    if tutorial.chapters_key:
        with storage.open(tutorial.chapters_key) as fh:
            chapters_vtt = fh.read()
    video = _download(tutorial.video_key, workdir / "current.mp4")
    return Outputs(
        video=video,
        small=video,
        audio=video,
        posters=posters,
        captions=captions,
        chapters_vtt=chapters_vtt,
        duration=float(tutorial.duration_seconds or 0),
        chapters=[{k: v for k, v in ch.items() if k != "poster_key"} for ch in tutorial.chapters_json or []],
        transcripts=dict(tutorial.chapter_transcripts or {}),
    )


def _rebuild(tutorial: Tutorial, voices: list[TutorialVoice], workdir: Path) -> None:
    recording = dict(tutorial.recording or {})
    outputs = current_outputs(tutorial, workdir)
    wavs = {
        v.chapter_id: (_download(v.audio_key, workdir / f"staff-{v.id}.wav"), v.duration_seconds)
        for v in voices
    }
    voiced = apply_voices(
        outputs,
        recording.get("steps") or [],
        wavs,
        workdir,
        portrait=recording.get("viewport", "phone") == "phone",
        quality=Quality(),
    )
    category = db.session.get(PermitCategory, tutorial.category_id)
    if category is None:
        raise NotFoundError()
    applied = {**(recording.get("voices") or {}), **{v.chapter_id: v.id for v in voices}}
    publish_guide(
        category,
        voiced.outputs,
        voiced.steps,
        lang=recording.get("lang", "id"),
        viewport=recording.get("viewport", "phone"),
        form_version_id=tutorial.form_version_id,
        form_version_number=recording.get("form_version_number"),
        commit=False,
        voices=applied,
        recorded_at=recording.get("recorded_at"),
    )


def apply_pending_voices(tutorial_id: int) -> str:
    """The job: make the guide again with its waiting voices; repeated while new ones came in
    meanwhile. A failure marks the voices failed and leaves the guide as it was."""
    outcome = "nothing waiting"
    with jobs.job_context():
        while True:
            ids = _claim(tutorial_id)
            if not ids:
                return outcome
            tutorial = db.session.get(Tutorial, tutorial_id)
            voices = [v for v in (db.session.get(TutorialVoice, i) for i in ids) if v is not None]
            workdir = Path(tempfile.mkdtemp(prefix="sp-voice-"))
            try:
                if tutorial is None:
                    raise NotFoundError()
                _rebuild(tutorial, voices, workdir)
                for voice in voices:
                    voice.state = VoiceState.READY
                db.session.commit()  # the swap: the guide plays the new voices from here on
                outcome = "done"
            except Exception as exc:  # noqa: BLE001 - shown to staff on the voice page
                db.session.rollback()
                db.session.execute(
                    update(TutorialVoice)
                    .where(TutorialVoice.id.in_(ids))
                    .values(state=VoiceState.FAILED, error=str(exc)[:2000])
                    .execution_options(synchronize_session=False)
                )
                db.session.commit()
                current_app.logger.warning("voice for guide %s failed: %s", tutorial_id, exc)
                return "failed"
            finally:
                shutil.rmtree(workdir, ignore_errors=True)


def run_pending(tutorial_id: int | None = None) -> list[str]:
    """Apply every waiting voice now (tests, a timer without a worker)."""
    stmt = select(TutorialVoice.tutorial_id).where(TutorialVoice.state == VoiceState.PENDING).distinct()
    if tutorial_id is not None:
        stmt = stmt.where(TutorialVoice.tutorial_id == tutorial_id)
    ids = list(db.session.scalars(stmt))
    db.session.commit()
    return [apply_pending_voices(i) for i in ids]


# -- a new recording of the guide -------------------------------------------------------------------
def voices_for_recording(
    category_slug: str, lang: str, viewport: str, steps: list[dict]
) -> list[TutorialVoice]:
    """The staff voices a new filming of the guide takes over: those whose chapter still says
    what they read. The others are marked as needing a new recording (flushed, not committed)."""
    tutorial = db.session.scalar(
        select(Tutorial).where(Tutorial.slug == guide_slug(category_slug, lang, viewport))
    )
    if tutorial is None:
        return []
    kept = []
    for voice in voices_of(tutorial).values():
        if voice.state is VoiceState.FAILED:
            continue
        if voice.script and voice.script == script_of(steps, voice.chapter_id, lang):
            kept.append(voice)
        else:
            voice.state = VoiceState.OUTDATED
    db.session.flush()
    return kept


def voice_files(voices: list[TutorialVoice], workdir: Path) -> dict[str, tuple[Path, float]]:
    return {
        v.chapter_id: (_download(v.audio_key, workdir / f"staff-{v.id}.wav"), v.duration_seconds)
        for v in voices
    }


def init_app(app) -> None:
    """Hand the guides with new voices to the job queue once the upload has committed."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
    if not event.contains(Session, "after_rollback", _after_rollback):
        event.listen(Session, "after_rollback", _after_rollback)


def _after_commit(session) -> None:
    if session.in_nested_transaction():
        return
    ids = session.info.pop(_DISPATCH_KEY, None)
    if not ids or not current_app.config.get("TUTORIAL_VOICES_DISPATCH", True):
        return  # left waiting: ``voices.run_pending`` (or a test) applies them
    for tutorial_id in sorted(ids):
        jobs.enqueue(apply_pending_voices, tutorial_id, slow=True)


def _after_rollback(session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_DISPATCH_KEY, None)
