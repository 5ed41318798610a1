"""Actions on the applicant's behalf that change none of their records: a fresh
verification email, a tutorial link."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.auth import services as auth_services
from portal.auth.models import User
from portal.extensions import db
from portal.helpdesk.services.access import HelpdeskError, require_helpdesk
from portal.helpdesk.services.overview import (
    chapter_title,
)
from portal.notifications.services import queue_email
from portal.tutorials import services as tutorial_services
from portal.tutorials.models import Tutorial
from portal.urls import absolute_url


def resend_verification(applicant: User, staff: User) -> bool:
    """Send the applicant a fresh verification link; False when the email is already verified."""
    require_helpdesk(staff)
    if applicant.email_verified:
        return False
    auth_services.send_verification(applicant)
    db.session.flush()
    current_app.logger.info("helpdesk: %s resent verification to user %s", staff.id, applicant.id)
    return True


def tutorial_choices(lang: str) -> list[tuple[str, str]]:
    """Every published tutorial, whole or from one chapter, as (value, label) for a select."""
    choices = []
    for tutorial in tutorial_services.published_tutorials():
        title = tutorial.title(lang)
        choices.append((f"{tutorial.id}:", f"{title}: {_l('from the start')}"))
        for chapter in tutorial.chapters_json or []:
            choices.append((f"{tutorial.id}:{chapter['id']}", f"{title}: {chapter_title(chapter, lang)}"))
    return choices


def send_tutorial(applicant: User, staff: User, choice: str) -> str:
    """Email the applicant a link to a published tutorial, opened at a chapter, with an in-app
    notice. ``choice`` is "<tutorial id>:<chapter id or empty>". Returns the link."""
    require_helpdesk(staff)
    tutorial_part, _sep, chapter_id = (choice or "").partition(":")
    if not tutorial_part.isdigit() or len(choice) > 120:
        raise HelpdeskError(_l("Choose a video guide."))
    tutorial = db.session.get(Tutorial, int(tutorial_part))
    if tutorial is None or not tutorial.published:
        raise HelpdeskError(_l("Choose a video guide."))
    chapter = tutorial.chapter(chapter_id) if chapter_id else None
    if chapter_id and chapter is None:
        raise HelpdeskError(_l("That chapter is not in this video guide."))
    values: dict[str, Any] = {"tutorial_id": tutorial.id}
    if chapter is not None:
        values["chapter"] = chapter["id"]
    link = absolute_url("tutorials.watch", **values)
    lang = applicant.locale or "id"
    title = tutorial.title(lang)
    chapter_name = chapter_title(chapter, lang) if chapter else ""
    queue_email(
        applicant,
        "helpdesk_tutorial",
        _l("A video guide from the help desk"),
        link=link,
        notice=_l("The help desk sent you a video guide: %(title)s", title=title),
        tutorial_title=title,
        chapter_title=chapter_name,
    )
    db.session.flush()
    return link
