"""Record one category's guide end to end: copy the category's published form version into a
scratch portal, film the walk, encode, and (unless told not to) publish in one swap.

Needs the live app's context (the category is read from it and the guide stored in it); the
scratch portal, the browser and every intermediate file live in a temporary folder that is
removed at the end, whether the recording worked or not.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from portal.catalogue.formspec import FormSpec
from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.recorder import driver, samples, voices
from portal.recorder.encode import Outputs, Quality, encode
from portal.recorder.scratch import copy_category, scratch_portal
from portal.recorder.script import to_json
from portal.recorder.tts import get_voice
from portal.recorder.voiceover import apply_voices
from portal.tutorials.models import VoiceState
from portal.tutorials.recorded import guide_slug, publish_guide


@dataclass
class RecordResult:
    slug: str
    tutorial_id: int | None
    form_version_id: int | None
    duration: float
    seconds_taken: float
    chapters: list = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    outputs: Outputs | None = None


def _walk(portal, copy, spec: FormSpec, answers: dict) -> driver.Walk:
    columns = copy.columns
    return driver.Walk(
        portal=portal,
        category_slug=copy.slug,
        name_id=columns.get("name_id") or copy.slug,
        name_en=columns.get("name_en") or "",
        time_limit_days=columns.get("time_limit_days") or 0,
        spec=spec,
        answers=answers,
        email=f"pemohon-{uuid.uuid4().hex[:8]}@example.com",
    )


def prepare(copy, portal) -> tuple[FormSpec, dict]:
    if copy.version_id is None:
        raise driver.RecorderError(f"the category {copy.slug} has no published form; publish one first")
    with portal.app.test_request_context("/"):
        spec = FormSpec.from_version(copy.fields, copy.documents)
        answers = samples.sample_answers(spec)
    return spec, answers


def record_guide(
    slug: str,
    *,
    lang: str = "id",
    viewport: str = "phone",
    quality: Quality | None = None,
    publish: bool = True,
    keep_dir: Path | None = None,
    scratch_base: Path | None = None,
    commit: bool = True,
) -> RecordResult:
    """Film and encode the guide of category ``slug``; publish it unless ``publish`` is off.
    ``keep_dir``: copy the encoded files there too (the demo's committed files). Raises
    RecorderError, EncodeError, TTSError or SampleError; the live guide is untouched then."""
    began = time.monotonic()
    copy = copy_category(slug)
    workdir = Path(tempfile.mkdtemp(prefix="sp-recording-", dir=scratch_base))
    try:
        with scratch_portal(copy, base_folder=scratch_base) as portal:
            spec, answers = prepare(copy, portal)
            walk = _walk(portal, copy, spec, answers)
            result = driver.film(walk, lang=lang, viewport=viewport, voice=get_voice(), workdir=workdir)
        if result.video is None:
            raise driver.RecorderError("the browser saved no video")
        outputs = encode(
            result.video,
            result.clips,
            result.chapters,
            workdir,
            portrait=viewport == "phone",
            quality=quality,
        )
        steps = to_json(result.chapters)
        # The staff voices recorded for this guide, where their chapter still says the same.
        kept = voices.voices_for_recording(slug, lang, viewport, steps)
        if kept:
            voiced = apply_voices(
                outputs,
                steps,
                voices.voice_files(kept, workdir),
                workdir,
                portrait=viewport == "phone",
                quality=quality,
            )
            outputs, steps = voiced.outputs, voiced.steps
        sizes = {
            p.name: p.stat().st_size
            for p in [outputs.video, outputs.small, outputs.audio, *outputs.posters.values()]
        }
        tutorial_id = None
        if publish:
            category = db.session.scalar(select(PermitCategory).where(PermitCategory.slug == slug))
            if category is None:  # deleted while it was being filmed
                raise driver.RecorderError(f"the category {slug} is gone")
            for voice in kept:
                voice.state = VoiceState.READY
            tutorial = publish_guide(
                category,
                outputs,
                steps,
                lang=lang,
                viewport=viewport,
                form_version_id=copy.version_id,
                form_version_number=copy.version_number,
                commit=commit,
                voices={v.chapter_id: v.id for v in kept},
            )
            tutorial_id = tutorial.id
        if keep_dir is not None:
            export(outputs, steps, keep_dir, slug, copy, lang=lang, viewport=viewport)
        return RecordResult(
            slug=slug,
            tutorial_id=tutorial_id,
            form_version_id=copy.version_id,
            duration=outputs.duration,
            seconds_taken=time.monotonic() - began,
            chapters=result.chapters,
            sizes=sizes,
            outputs=None if publish else outputs,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def export(
    outputs: Outputs, steps: list[dict], folder: Path, slug: str, copy, *, lang: str, viewport: str
) -> dict:
    """Copy the files into ``folder`` under the guide's slug and write their manifest entry
    (``<slug>.json``), which the demo seed loads like the slide guides' manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    name = guide_slug(slug, lang, viewport)
    files = {
        "video": f"{name}.mp4",
        "small": f"{name}-240p.mp4",
        "audio": f"{name}-audio.m4a",
        "captions_id": f"{name}.id.vtt",
        "captions_en": f"{name}.en.vtt",
        "chapters": f"{name}.chapters.vtt",
    }
    shutil.copyfile(outputs.video, folder / files["video"])
    shutil.copyfile(outputs.small, folder / files["small"])
    shutil.copyfile(outputs.audio, folder / files["audio"])
    (folder / files["captions_id"]).write_bytes(outputs.captions["id"])
    (folder / files["captions_en"]).write_bytes(outputs.captions.get("en") or b"")
    (folder / files["chapters"]).write_bytes(outputs.chapters_vtt)
    posters = {}
    for chapter_id, path in outputs.posters.items():
        posters[chapter_id] = f"{name}-poster-{chapter_id}.jpg"
        shutil.copyfile(path, folder / posters[chapter_id])
    entry = {
        "slug": name,
        "category_slug": slug,
        "lang": lang,
        "viewport": viewport,
        "form_version_number": copy.version_number,
        "duration_seconds": round(outputs.duration, 3),
        "files": files,
        "posters": posters,
        "chapters": outputs.chapters,
        "transcripts": outputs.transcripts,
        "steps": steps,
    }
    (folder / f"{name}.json").write_text(json.dumps(entry, ensure_ascii=False, indent=1), encoding="utf-8")
    return entry
