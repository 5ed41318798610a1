"""Tutorial pages: the library, the watch page, media, and progress reports. Thin: the rules
are in services.py, the player's data in panel.py, the byte serving in media.py."""

from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from portal.security import public, safe_next_url
from portal.tutorials import bp, preferences, services
from portal.tutorials import media as serving
from portal.tutorials.panel import (
    build_player,
    cached_panel,
    panel_context,
    stage_assets_once,
    walkthrough_placeholder,
)

# kind in the URL -> (key attribute, content type attribute or fixed type, file extension)
MEDIA_KINDS: dict[str, tuple[str, str, str]] = {
    "video": ("video_key", "@video_type", "mp4"),
    "small": ("small_video_key", "@small_video_type", "mp4"),
    "audio": ("audio_key", "@audio_type", "m4a"),
    "poster": ("poster_key", "@poster_type", "jpg"),
    "captions-id": ("captions_id_key", "text/vtt; charset=utf-8", "vtt"),
    "captions-en": ("captions_en_key", "text/vtt; charset=utf-8", "vtt"),
    "chapters": ("chapters_key", "text/vtt; charset=utf-8", "vtt"),
}
_EXTENSIONS = {"video/webm": "webm", "image/png": "png", "audio/ogg": "ogg"}


bp.add_app_template_global(cached_panel, "cached_tutorial_panel")
bp.add_app_template_global(stage_assets_once, "tutorial_stage_assets")
bp.add_app_template_global(walkthrough_placeholder, "walkthrough_placeholder")


@bp.app_template_global("tutorial_panel_context")
def _tutorial_panel_context(stage_key: str, category_id: int | None = None):
    return panel_context(stage_key, category_id)


@bp.route("/tutorials")
@public
def library():
    query = (request.args.get("q") or "").strip()[:200]
    hits = services.search(query)
    views = services.views_for(
        current_user.id if current_user.is_authenticated else None, [h.tutorial.id for h in hits]
    )
    players = [(hit, build_player(hit.tutorial, view=views.get(hit.tutorial.id))) for hit in hits]
    return render_template("tutorials/library.html", query=query, players=players)


@bp.route("/tutorials/<id:tutorial_id>")
@public
def watch(tutorial_id: int):
    tutorial = services.get_tutorial_or_404(tutorial_id, current_user)
    chapter_id = request.args.get("chapter")
    if chapter_id is not None and tutorial.chapter(chapter_id) is None:
        chapter_id = None  # an old link to a renamed chapter still plays the video
    view = None
    if current_user.is_authenticated:
        view = services.views_for(current_user.id, [tutorial.id]).get(tutorial.id)
    player = build_player(tutorial, chapter_id, view=view)
    return render_template("tutorials/watch.html", tutorial=tutorial, player=player)


@bp.route("/tutorials/media/<id:tutorial_id>/<kind>")
@public
def media(tutorial_id: int, kind: str):
    chapter_id = kind[len("poster-") :] if kind.startswith("poster-") else None
    if kind not in MEDIA_KINDS and not chapter_id:
        abort(404)
    tutorial = services.get_tutorial_or_404(tutorial_id, current_user)
    if chapter_id:
        # A recorded guide's poster of one chapter (a frame of that stage, for thumbnails).
        chapter = tutorial.chapter(chapter_id) or {}
        key, content_type, ext = chapter.get("poster_key"), "image/jpeg", "jpg"
    else:
        key_attr, type_spec, ext = MEDIA_KINDS[kind]
        key = getattr(tutorial, key_attr)
        content_type = getattr(tutorial, type_spec[1:]) if type_spec.startswith("@") else type_spec
    if not key or not content_type:
        abort(404)
    ext = _EXTENSIONS.get(content_type, ext)
    version = request.args.get("v")
    return serving.media_response(
        key,
        content_type,
        download_name=f"tutorial-{tutorial.id}-{kind}.{ext}",
        cacheable=tutorial.published,
        versioned=version == str(tutorial.media_version),
    )


@bp.route("/tutorials/<id:tutorial_id>/progress", methods=["POST"])
def progress(tutorial_id: int):
    """A logged-in viewer's position (seconds) and, optionally, a chapter played to its end.
    Sent by tutorials.js with the CSRF token in X-CSRFToken. The row is always the caller's."""
    data = request.get_json(silent=True) if request.is_json else request.form
    data = data if isinstance(data, dict) or hasattr(data, "get") else {}
    chapter = data.get("chapter") or None
    if chapter is not None and not isinstance(chapter, str):
        return jsonify(error="chapter must be a string"), 400
    try:
        view = services.record_progress(current_user.id, tutorial_id, data.get("position"), chapter)
    except services.ProgressError as exc:
        return jsonify(error=str(exc)), 400
    return jsonify(furthest_seconds=view.furthest_seconds, chapters_completed=view.chapters_completed)


@bp.route("/tutorials/panel-preference", methods=["POST"])
def panel_preference():
    """A logged-in person keeps the stage panel open (``open=1``) or closed (``open=0``) on
    every stage. Sent by tutorials.js when the panel is opened or closed (answered with JSON),
    or by the panel's own button without JavaScript (answered with a redirect back)."""
    value = request.form.get("open")
    if request.is_json:
        data = request.get_json(silent=True)
        value = data.get("open") if isinstance(data, dict) else None
    if str(value) not in ("0", "1", "True", "False", "true", "false"):
        return jsonify(error="open must be 1 or 0"), 400
    is_open = str(value) in ("1", "True", "true")
    preferences.set_panel_open(current_user.id, is_open)
    if request.is_json:
        return jsonify(open=is_open)
    return redirect(safe_next_url(request.form.get("next")) or url_for("tutorials.library"))
