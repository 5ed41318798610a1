"""The wizard's stages (stable keys: tutorials are attached to them) and the steps of one
category's form: requirements, each form page, documents, review."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.applications.models import Application
from portal.applications.services.mandates import POA_SPEC
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
    """The application's form; one filed under a mandate also asks for the power of attorney
    (first among its documents), so the wizard, the missing items and the officer's review
    treat it like any other required document."""
    version = db.session.get_one(FormVersion, application.form_version_id)
    if application.mandate_id is None:
        return version.spec
    cached = version.__dict__.get("_spec_with_poa")
    if cached is None:
        cached = copy.copy(version.spec)
        cached.documents = [POA_SPEC, *(d for d in version.spec.documents if d.key != POA_SPEC.key)]
        cached.documents_by_key = {d.key: d for d in cached.documents}
        version.__dict__["_spec_with_poa"] = cached
    return cached


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
