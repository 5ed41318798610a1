"""Is a recorded guide still true? Walk the category's pages again (fast: no video, no speech,
no pauses) and look for every label the guide names in quotation marks on the pages of the
stage that names it. A label the pages no longer show (a renamed button, a renamed field)
makes the guide stale.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.recorder import driver
from portal.recorder.record import prepare
from portal.recorder.scratch import copy_category, scratch_portal
from portal.recorder.script import Step, label_matches
from portal.tutorials.models import Tutorial


@dataclass
class Stale:
    stage: str
    label: str
    text: str


@dataclass
class CheckResult:
    tutorial_slug: str
    category_slug: str
    stale: list[Stale] = field(default_factory=list)
    outdated_version: bool = False

    @property
    def ok(self) -> bool:
        return not self.stale


def shown_labels(
    category_slug: str, *, lang: str = "id", viewport: str = "phone", scratch_base: Path | None = None
) -> dict[str, set[str]]:
    """Every label the category's pages show now, by stage (a fast walk on a scratch portal)."""
    copy = copy_category(category_slug)
    workdir = Path(tempfile.mkdtemp(prefix="sp-check-", dir=scratch_base))
    try:
        with scratch_portal(copy, base_folder=scratch_base) as portal:
            spec, answers = prepare(copy, portal)
            walk = driver.Walk(
                portal=portal,
                category_slug=copy.slug,
                name_id=copy.columns.get("name_id") or copy.slug,
                name_en=copy.columns.get("name_en") or "",
                time_limit_days=copy.columns.get("time_limit_days") or 0,
                spec=spec,
                answers=answers,
                email=f"cek-{uuid.uuid4().hex[:8]}@example.com",
            )
            result = driver.film(walk, lang=lang, viewport=viewport, voice=None, workdir=workdir, fast=True)
        return result.seen_labels
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def stale_labels(steps: list[Step], shown: dict[str, set[str]]) -> list[Stale]:
    out = []
    for step in steps:
        labels = shown.get(step.stage, set())
        for quoted in step.quoted():
            if not any(label_matches(quoted, s) for s in labels):
                out.append(Stale(step.stage, quoted, step.text.get("id", "")))
    return out


def recorded_guides(category_slug: str | None = None) -> list[Tutorial]:
    stmt = select(Tutorial).where(Tutorial.recording.is_not(None), Tutorial.category_id.is_not(None))
    if category_slug:
        stmt = stmt.join(PermitCategory, PermitCategory.id == Tutorial.category_id).where(
            PermitCategory.slug == category_slug
        )
    return list(db.session.scalars(stmt.order_by(Tutorial.id)))


def check_guide(tutorial: Tutorial, *, scratch_base: Path | None = None) -> CheckResult:
    category = db.session.get(PermitCategory, tutorial.category_id)
    assert category is not None  # recorded_guides() lists guides of a category only
    recording = tutorial.recording or {}
    result = CheckResult(
        tutorial_slug=tutorial.slug or str(tutorial.id),
        category_slug=category.slug,
        outdated_version=tutorial.form_version_id != category.current_version_id,
    )
    steps = [Step.from_dict(s) for s in recording.get("steps", [])]
    shown = shown_labels(
        category.slug,
        lang=recording.get("lang", "id"),
        viewport=recording.get("viewport", "phone"),
        scratch_base=scratch_base,
    )
    result.stale = stale_labels(steps, shown)
    return result
