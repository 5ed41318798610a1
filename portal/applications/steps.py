"""The wizard's stages (stable keys: tutorials are attached to them) and the steps of one
category's form: requirements, each form page, documents, review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.applications.models import Application
from portal.catalogue.formspec import FormSpec
from portal.catalogue.models import FormVersion, PermitCategory
from portal.extensions import db

STAGE_REQUIREMENTS = "requirements"
STAGE_FORM = "fill_form"
STAGE_DOCUMENTS = "upload_documents"
STAGE_REVIEW = "review_submit"


@dataclass(frozen=True)
class Step:
    stage: str
    page_key: str | None
    title: Any  # lazy string or str

    @property
    def key(self) -> str:
        return f"page:{self.page_key}" if self.page_key else self.stage


def spec_of(application: Application) -> FormSpec:
    return db.session.get_one(FormVersion, application.form_version_id).spec


def category_of(application: Application) -> PermitCategory:
    return db.session.get_one(PermitCategory, application.category_id)


def steps(spec: FormSpec) -> list[Step]:
    """The wizard's steps in order: requirements, each form page, documents, review."""
    result = [Step(STAGE_REQUIREMENTS, None, _l("Requirements"))]
    result += [Step(STAGE_FORM, page.key, page.title) for page in spec.pages]
    if spec.documents:
        result.append(Step(STAGE_DOCUMENTS, None, _l("Documents")))
    result.append(Step(STAGE_REVIEW, None, _l("Check and submit")))
    return result
