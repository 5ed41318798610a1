"""The admin pages where staff put their own voice on a recorded guide, chapter by chapter:
the chapter's text to read aloud, a recorder in the page (the browser's microphone; without
JavaScript, or on a phone, a recording chosen as a file), the voice as it is now. Admins
only: every other role gets 403, a visitor the login page.

Nested in the recorded guides' blueprint (endpoints ``recorder.voices.*``)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.auth.models import Role
from portal.extensions import talisman
from portal.recorder import queue, voices
from portal.recorder.voice_audio import MAX_SECONDS, VoiceRejected, prepare_voice
from portal.request_limits import accepts_uploads
from portal.security import content_security_policy, roles_required
from portal.storage import get_storage
from portal.storage.limits import upload_rate_limit
from portal.tutorials import media as serving
from portal.tutorials.models import VoiceState

bp = Blueprint("voices", __name__, url_prefix="/<id:tutorial_id>/voices")
admin_only = roles_required(Role.ADMIN)

#: The recorder page may use the microphone (for this site only) and play back the recording
#: it just made (a blob: address); every other page keeps the microphone off.
RECORDER_PAGE_POLICY = {
    "content_security_policy": {**content_security_policy(), "media-src": ["'self'", "blob:"]},
    "permissions_policy": {"geolocation": "()", "camera": "()", "microphone": "(self)"},
}


class VoiceForm(FlaskForm):
    """Only the CSRF token; the file is read from ``request.files``."""


def clock(seconds: float) -> str:
    seconds = int(round(seconds or 0))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _state_text(voice) -> str:
    if voice is None:
        return _("Computer voice")
    return {
        VoiceState.PENDING: _("Your voice: the guide is being made again with it"),
        VoiceState.APPLYING: _("Your voice: the guide is being made again with it"),
        VoiceState.READY: _("Your voice"),
        VoiceState.FAILED: _("Your voice could not be put in the guide; the computer voice plays"),
        VoiceState.OUTDATED: _("The text changed since you recorded it: record it again"),
    }[voice.state]


@bp.route("")
@admin_only
def index(tutorial_id: int):
    tutorial = voices.recorded_guide_or_404(tutorial_id)
    found = voices.voices_of(tutorial)
    chapters = [
        {
            "chapter": ch,
            "length": clock(ch["end"] - ch["start"]),
            "voice": found.get(ch["id"]),
            "state": _state_text(found.get(ch["id"])),
        }
        for ch in tutorial.chapters_json or []
    ]
    return render_template("recorder/voices.html", tutorial=tutorial, chapters=chapters)


def _chapter_page(tutorial, chapter_id: str, *, error: str = "", status: int = 200):
    chapter = voices.chapter_or_404(tutorial, chapter_id)
    lang = voices.guide_lang(tutorial)
    lines = voices.script_lines((tutorial.recording or {}).get("steps") or [], chapter_id, lang)
    voice = voices.voices_of(tutorial).get(chapter_id)
    return render_template(
        "recorder/voice.html",
        tutorial=tutorial,
        chapter=chapter,
        lines=lines or [tutorial.chapter_transcript(chapter_id, lang)],
        voice=voice,
        state=_state_text(voice),
        length=clock(chapter["end"] - chapter["start"]),
        max_minutes=MAX_SECONDS // 60,
        form=VoiceForm(),
        error=error,
        clock=clock,
    ), status


@bp.route("/<chapter_id>", methods=["GET", "POST"])
@admin_only
@upload_rate_limit
@accepts_uploads
@talisman(**RECORDER_PAGE_POLICY)
def chapter(tutorial_id: int, chapter_id: str):
    tutorial = voices.recorded_guide_or_404(tutorial_id)
    voices.chapter_or_404(tutorial, chapter_id)
    if request.method == "GET":
        return _chapter_page(tutorial, chapter_id)
    if not VoiceForm().validate_on_submit():
        abort(400)
    upload = request.files.get("voice")
    if upload is None or not upload.filename:
        return _chapter_page(
            tutorial,
            chapter_id,
            error=_(
                "Record your voice on this page, or choose a recording, then press 'Use this recording'."
            ),
            status=400,
        )
    folder = Path(tempfile.mkdtemp(prefix="sp-voice-upload-"))
    try:
        prepared = prepare_voice(upload.stream, folder)
        voices.save_voice(tutorial, chapter_id, prepared, current_user._get_current_object())
    except VoiceRejected as exc:
        return _chapter_page(tutorial, chapter_id, error=str(exc), status=400)
    finally:
        upload.close()
        shutil.rmtree(folder, ignore_errors=True)
    if prepared.converted_note:
        flash(prepared.converted_note, "info")
    flash(
        _(
            "Your voice was saved. The guide is being made again with it; until it is ready, "
            "people see the guide as it was."
        ),
        "success",
    )
    return redirect(url_for("recorder.voices.chapter", tutorial_id=tutorial.id, chapter_id=chapter_id))


@bp.route("/<chapter_id>/sound")
@admin_only
def sound(tutorial_id: int, chapter_id: str):
    """The staff voice as it was saved, to listen to on the page (never cached)."""
    tutorial = voices.recorded_guide_or_404(tutorial_id)
    voice = voices.voices_of(tutorial).get(chapter_id)
    if voice is None or not get_storage().exists(voice.audio_key):
        abort(404)
    return serving.media_response(
        voice.audio_key, "audio/wav", download_name=f"voice-{tutorial.id}-{chapter_id}.wav", cacheable=False
    )


@bp.route("/<chapter_id>/remove", methods=["POST"])
@admin_only
def remove(tutorial_id: int, chapter_id: str):
    tutorial = voices.recorded_guide_or_404(tutorial_id)
    if not VoiceForm().validate_on_submit():
        abort(400)
    voices.remove_voice(tutorial, chapter_id, current_user._get_current_object())
    queue.request_recording(
        int(tutorial.category_id or 0), lang=voices.guide_lang(tutorial), reason="a staff voice was removed"
    )
    flash(
        _(
            "Your voice was removed. The guide will be recorded again with the computer voice in a "
            "few minutes; until then people see the guide as it was."
        ),
        "success",
    )
    return redirect(url_for("recorder.voices.index", tutorial_id=tutorial.id))
