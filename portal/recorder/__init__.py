"""The video guide recorder (issue 14): films the real portal, on a scratch copy of the data,
as a sample applicant of one category, with narration written from the live definitions.

- ``script``: the narration script (steps: stage, selector, visible label, text in id/en);
- ``samples``: valid sample answers and files; ``scratch``: the scratch portal;
- ``driver``: the walk in Chromium (highlight, typing, timing); ``office``: the officer's part;
- ``tts``: the speech adapter (espeak-ng); ``encode``: ffmpeg, captions, chapters, posters;
- ``publish``: storage and the one-commit swap; ``record``: all of it for one category;
- ``queue``: re-recording when a form changes; ``check``: are the quoted labels still there;
- ``voice_audio``: checking a staff member's voice recording; ``voiceover``: a chapter's
  picture stretched to a staff voice; ``voices``: storing voices and the job that applies them;
  ``voice_views``: the admin pages where staff record their voice;
- ``cli``: ``flask tutorials record | check | record-pending``;
- ``walkthrough``: "Show me on this page", the same narration on the stage page itself
  (``pagetree`` reads the rendered page back).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from portal.recorder import cli, queue, scratch, voices, walkthrough


def init_app(app: Flask, app_factory: Callable[..., Flask]) -> None:
    """``app_factory``: the portal's ``create_app``, which the scratch portal is made with (passed
    in: the recorder sits below the package that assembles the app)."""
    scratch.init_app(app, app_factory)
    cli.init_app(app)
    queue.init_app(app)
    voices.init_app(app)
    walkthrough.init_app(app)
