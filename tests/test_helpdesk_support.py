"""Shared builders for the help desk tests (not a test module itself)."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from portal.applications import services as app_services
from portal.auth.models import Role
from portal.extensions import db
from portal.tutorials.models import StageTutorial, TutorialView
from tests import factories
from tests.conftest import make_user
from tests.factories import add_document
from tests.wizard_helpers import make_category

SECRET_NAME = "Toko Rahasia Sembilan"  # an answer the console must never show
SECRET_FILE = "ktp-rahasia-budi.pdf"  # a document name the console must never show


def category(slug: str = "hd-domisili"):
    return make_category(slug=slug)


def draft_with_errors(applicant, cat, *, document: bool = False):
    """A draft: the business page saved with a valid name and two errors, so answers and
    validation events exist; optionally a document."""
    application = app_services.start_application(applicant, cat)
    app_services.save_page(
        application,
        "business",
        MultiDict({"business_name": SECRET_NAME, "employees": "abc", "has_branch": ""}),
        actor=applicant,
    )
    if document:
        add_document(application, name=SECRET_FILE)
        application.stage = app_services.STAGE_DOCUMENTS
        db.session.commit()
    return application


def make_tutorial(*, published: bool = True, slug: str = "hd-panduan", duration: float = 60.0):
    return factories.make_tutorial(
        slug=slug,
        title_id="Panduan unggah",
        title_en="Upload guide",
        published=published,
        duration_seconds=duration,
        chapters_json=[
            {"id": "intro", "start": 0.0, "end": 20.0, "title": {"id": "Pembuka", "en": "Intro"}},
            {
                "id": "upload_documents",
                "start": 20.0,
                "end": 60.0,
                "title": {"id": "Unggah dokumen", "en": "Upload the documents"},
            },
        ],
    )


def map_stage(tutorial, stage: str, category_id=None):
    db.session.add(
        StageTutorial(stage_key=stage, category_id=category_id, tutorial_id=tutorial.id, chapter_id=None)
    )
    db.session.commit()


def watched(user, tutorial, seconds: float = 30.0, chapters=("intro",)):
    db.session.add(
        TutorialView(
            user_id=user.id,
            tutorial_id=tutorial.id,
            furthest_seconds=seconds,
            chapters_completed=list(chapters),
        )
    )
    db.session.commit()


def applicant(**kwargs):
    return make_user(Role.APPLICANT, **kwargs)
