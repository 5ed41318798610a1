"""Issue 15: an admin's edits of the finder (a permit's search words and synonyms, another
office's permit, the "Help me choose a permit" questions) are written to the admin audit log
and shown on /admin/audit; a refused tree and an unchanged save write nothing."""

from __future__ import annotations

import html as html_lib

import pytest
from sqlalchemy import select, text

from portal.audit.models import AdminAuditEvent
from portal.auth.models import Role
from portal.catalogue.seed import seed_categories
from portal.catalogue.seed_finder import seed_finder
from portal.extensions import db
from tests.conftest import csrf_token, is_postgres
from tests.test_finder import _tree_form


@pytest.fixture
def seeded(app):
    if is_postgres():
        db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    db.session.connection().info.pop("pg_trgm", None)
    list(seed_categories())
    list(seed_finder())


def _events(action: str) -> list[AdminAuditEvent]:
    return list(
        db.session.scalars(
            select(AdminAuditEvent).where(AdminAuditEvent.action == action).order_by(AdminAuditEvent.id)
        )
    )


def test_seeding_the_finder_writes_no_audit_event(seeded):
    assert (
        db.session.scalar(select(AdminAuditEvent.id).where(AdminAuditEvent.action.like("finder.%"))) is None
    )


def test_keyword_edit_is_in_the_audit_log_with_the_words_added_and_removed(seeded, client, login_as):
    admin = login_as(Role.ADMIN)
    page = client.get("/admin/finder/keywords/tdup").get_data(as_text=True)
    old = html_lib.unescape(page.split('name="keywords"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0])
    words = [w for w in old.strip().splitlines() if w != "homestay"] + ["glamping"]
    client.post(
        "/admin/finder/keywords/tdup", data={"csrf_token": csrf_token(page), "keywords": "\n".join(words)}
    )
    (event,) = _events("finder.keywords")
    assert event.actor_id == admin.id
    assert event.object_type == "category"
    assert event.details == {"added": ["glamping"], "removed": ["homestay"]}
    # the same words again: nothing changed, nothing recorded
    page = client.get("/admin/finder/keywords/tdup").get_data(as_text=True)
    client.post(
        "/admin/finder/keywords/tdup", data={"csrf_token": csrf_token(page), "keywords": "\n".join(words)}
    )
    assert len(_events("finder.keywords")) == 1
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "finder.keywords" in log
    assert "glamping" in log


def test_signpost_edit_and_creation_are_in_the_audit_log(seeded, client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/admin/finder/other-offices/new").get_data(as_text=True)
    client.post(
        "/admin/finder/other-offices/new",
        data={
            "csrf_token": csrf_token(page),
            "slug": "sertifikat-halal",
            "name_id": "Sertifikat Halal",
            "active": "1",
        },
    )
    (created,) = _events("finder.signpost_create")
    assert created.object_id == "sertifikat-halal"
    page = client.get("/admin/finder/other-offices/sertifikat-halal").get_data(as_text=True)
    client.post(
        "/admin/finder/other-offices/sertifikat-halal",
        data={
            "csrf_token": csrf_token(page),
            "name_id": "Sertifikat Halal",
            "issuer_id": "BPJPH",
            "active": "1",
        },
    )
    (updated,) = _events("finder.signpost_update")
    assert updated.details == {"fields": ["issuer_id"]}
    assert "finder.signpost_update" in client.get("/admin/audit").get_data(as_text=True)


def test_saving_the_questions_is_in_the_audit_log_a_refused_tree_is_not(seeded, client, login_as):
    login_as(Role.ADMIN)
    data = _tree_form(client.get("/admin/finder/questions").get_data(as_text=True))
    data["n-2-c-1-target"] = "q:usaha"  # a loop: refused
    assert client.post("/admin/finder/questions", data=data).status_code == 400
    assert _events("finder.tree_save") == []
    data = _tree_form(client.get("/admin/finder/questions").get_data(as_text=True))
    data["n-0-question_id"] = "Apa yang ingin Anda urus?"
    assert client.post("/admin/finder/questions", data=data).status_code == 302
    (event,) = _events("finder.tree_save")
    assert event.object_type == "finder_tree"
    assert event.details == {"added": [], "removed": []}
    assert "finder.tree_save" in client.get("/admin/audit").get_data(as_text=True)
