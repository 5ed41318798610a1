"""Admin: only admins get in; categories (never deleting one with applications); the form
builder (drafts, preview, publishing with every refusal naming the field, escaping); staff
(invite, roles, deactivation ends sessions, never the last admin); office settings, holidays
and the audit log."""

from __future__ import annotations

import copy
import io
import re
from datetime import date

import pytest
from flask import g
from sqlalchemy import event, func, select

from portal import create_app
from portal.admin import services
from portal.admin.models import AdminAuditEvent, FormDraft
from portal.applications.models import Application
from portal.auth.models import Role, User
from portal.calendar import clock
from portal.calendar.models import Holiday
from portal.catalogue.models import FormVersion, PermitCategory, Sector
from portal.extensions import db
from tests.conftest import csrf_token, login, make_user, post_form
from tests.factories import make_tutorial, plain_category
from tests.fixtures_files import make_pdf, make_png
from tests.wizard_helpers import make_category

# Only for reading the URL map at collection time; the tests use the session app.
_MAP_APP = create_app("test", SQLALCHEMY_DATABASE_URI="sqlite://")
ADMIN_RULES = sorted(
    (r for r in _MAP_APP.url_map.iter_rules() if r.endpoint.startswith("admin.")), key=lambda r: r.rule
)


def _url(rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        values[name] = 1 if converter in ("IdConverter", "IntegerConverter") else "dummy"
    return _MAP_APP.url_map.bind("portal.test").build(rule.endpoint, values)


@pytest.fixture
def admin(login_as):
    return login_as(Role.ADMIN, locale="en")


def new_category(slug: str = "izin-baru") -> PermitCategory:
    return plain_category(
        slug,
        code="BRU",
        name_id="Izin Baru",
        name_en="New permit",
        sector=Sector.TRADE,
        time_limit_days=5,
        active=False,
    )


def text_field(key: str, page: str = "one", **extra) -> dict:
    return {
        "key": key,
        "type": "text",
        "label_id": f"Label {key}",
        "label_en": f"Label {key}",
        "help_id": "",
        "help_en": "",
        "required": False,
        "page": page,
        "options": [],
        "min": None,
        "max": None,
        "min_length": None,
        "max_length": None,
        "pattern": None,
        "pattern_message_id": "",
        "pattern_message_en": "",
        "date_rule": None,
        "show_if": None,
        **extra,
    }


def draft_with(category: PermitCategory, fields: list[dict], actor: User) -> FormDraft:
    draft = services.get_draft(category, actor)
    draft.pages = [
        {"key": "one", "title_id": "Satu", "title_en": "One"},
        {"key": "two", "title_id": "Dua", "title_en": "Two"},
    ]
    draft.fields = copy.deepcopy(fields)
    draft.documents = [
        {
            "key": "ktp",
            "label_id": "KTP",
            "label_en": "ID card",
            "allowed_types": ["pdf"],
            "max_mb": 2,
            "required": True,
            "max_files": 1,
        }
    ]
    db.session.commit()
    return draft


def field_post(**overrides) -> dict:
    data = {
        "key": "business_name",
        "type": "text",
        "label_id": "Nama usaha",
        "label_en": "Business name",
        "help_id": "",
        "help_en": "",
        "page": "one",
        "options": "",
        "min": "",
        "max": "",
        "min_length": "",
        "max_length": "",
        "pattern": "",
        "pattern_message_id": "",
        "pattern_message_en": "",
        "date_rule": "",
        "show_if_field": "",
        "show_if_equals": "",
    }
    data.update(overrides)
    return data


# -- access ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.APPLICANT, Role.OFFICER, Role.HELPDESK, Role.APPROVER])
def test_non_admins_get_403_on_every_admin_url(app, client, login_as, role):
    login_as(role)
    token = csrf_token(client.get("/account").get_data(as_text=True))
    category = new_category()
    checked = 0
    for rule in ADMIN_RULES:
        url = _url(rule).replace("/categories/1", f"/categories/{category.id}")
        if "GET" in rule.methods:
            assert client.get(url).status_code == 403, ("GET", url)
            checked += 1
        if "POST" in rule.methods:
            response = client.post(url, data={"csrf_token": token, "active": "0"})
            assert response.status_code == 403, ("POST", url)
            checked += 1
    assert checked > 40
    assert db.session.scalar(select(func.count()).select_from(AdminAuditEvent)) == 0


def test_admin_sees_the_admin_link_and_pages(client, admin):
    home = client.get("/account").get_data(as_text=True)
    assert 'href="/admin/"' in home
    for url in (
        "/admin/",
        "/admin/categories",
        "/admin/tutorials",
        "/admin/staff",
        "/admin/settings",
        "/admin/holidays",
        "/admin/audit",
        "/admin/categories/new",
        "/admin/staff/invite",
    ):
        assert client.get(url).status_code == 200, url


# -- categories --------------------------------------------------------------------------------------
CATEGORY_POST = {
    "slug": "izin-reklame-baru",
    "code": "RKL",
    "name_id": "Izin Reklame Baru",
    "name_en": "New advertisement permit",
    "sector": "advertising",
    "time_limit_days": "7",
    "cost_rupiah": "0",
    "validity_months": "12",
    "permit_number_pattern": "503/{code}/DPMPTSP/{year}/{seq:05}",
    "legal_basis": "Perda No. 1 Tahun 2020",
}


def test_admin_creates_a_category_closed_until_its_form_is_published(client, admin):
    response = post_form(client, "/admin/categories/new", CATEGORY_POST)
    assert response.status_code == 302
    category = db.session.scalar(select(PermitCategory).where(PermitCategory.slug == "izin-reklame-baru"))
    assert category.active is False
    assert category.time_limit_days == 7
    assert category.validity_months == 12
    page = f"/admin/categories/{category.id}?lang=en"
    response = post_form(
        client, f"/admin/categories/{category.id}/active", {"active": "1"}, page=page, follow_redirects=True
    )
    assert "Publish the form of this permit type before opening it" in response.get_data(as_text=True)
    db.session.refresh(category)
    assert category.active is False


def test_a_bad_permit_number_pattern_is_refused(client, admin):
    response = post_form(
        client,
        "/admin/categories/new?lang=en",
        {**CATEGORY_POST, "permit_number_pattern": "503/{code}/{name}"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The number pattern cannot be used" in html
    assert "{name} is not a placeholder this pattern can use" in html
    assert db.session.scalar(select(PermitCategory).where(PermitCategory.slug == "izin-reklame-baru")) is None


def test_deleting_a_category_with_applications_is_refused(client, admin):
    category = make_category()
    applicant = make_user(Role.APPLICANT)
    from portal.applications import services as app_services

    app_services.start_application(applicant, category)
    response = post_form(
        client,
        f"/admin/categories/{category.id}/delete",
        {},
        page=f"/admin/categories/{category.id}?lang=en",
        follow_redirects=True,
    )
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert db.session.get(PermitCategory, category.id) is not None
    # deactivating is the way: it stays, and takes no new applications
    post_form(
        client,
        f"/admin/categories/{category.id}/active",
        {"active": "0"},
        page=f"/admin/categories/{category.id}",
    )
    db.session.refresh(category)
    assert category.active is False


def test_a_category_without_applications_can_be_deleted(client, admin):
    category = make_category(slug="never-used")
    category_id = category.id
    services.get_draft(category, admin)
    response = post_form(
        client, f"/admin/categories/{category_id}/delete", {}, page=f"/admin/categories/{category_id}"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PermitCategory, category_id) is None
    assert (
        db.session.scalar(
            select(func.count()).select_from(FormVersion).where(FormVersion.category_id == category_id)
        )
        == 0
    )


# -- the form builder ---------------------------------------------------------------------------------
def test_builder_pages_fields_reorder_document_sample_and_publish(client, admin):
    category = new_category()
    base = f"/admin/categories/{category.id}/form"
    assert (
        post_form(
            client,
            f"{base}/pages/new",
            {"page_key": "usaha", "title_id": "Data usaha", "title_en": "Business"},
        ).status_code
        == 302
    )
    assert (
        post_form(
            client, f"{base}/pages/new", {"page_key": "lokasi", "title_id": "Lokasi", "title_en": "Location"}
        ).status_code
        == 302
    )
    for data in (
        field_post(page="usaha"),
        field_post(
            key="has_branch",
            type="radio",
            label_id="Punya cabang?",
            page="usaha",
            options="yes | Ya | Yes\nno | Tidak | No",
            required="y",
        ),
        field_post(
            key="branch_address",
            type="address",
            label_id="Alamat cabang",
            page="usaha",
            show_if_field="has_branch",
            show_if_equals="yes",
        ),
        field_post(
            key="postal_code",
            label_id="Kode pos",
            page="lokasi",
            pattern="[0-9]{5}",
            pattern_message_en="Five digits.",
        ),
    ):
        response = post_form(client, f"{base}/fields/new", data)
        assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    # move the radio above the business name, and the second page above the first
    post_form(client, f"{base}/fields/has_branch/move", {"direction": "up"}, page=base)
    post_form(client, f"{base}/pages/lokasi/move", {"direction": "up"}, page=base)
    sample = (io.BytesIO(make_png()), "contoh.png")
    response = post_form(
        client,
        f"{base}/documents/new",
        {
            "key": "foto",
            "label_id": "Foto lokasi",
            "label_en": "Site photo",
            "allowed_types": ["jpeg", "png"],
            "max_mb": "2",
            "max_files": "1",
            "required": "y",
            "sample": sample,
        },
        page=f"{base}/documents/new",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    draft = db.session.scalar(select(FormDraft).where(FormDraft.category_id == category.id))
    assert [f["key"] for f in draft.fields] == [
        "has_branch",
        "business_name",
        "branch_address",
        "postal_code",
    ]
    assert draft.documents[0]["sample_key"].startswith("samples/")

    assert post_form(client, f"{base}/publish", {}, page=base).status_code == 302
    db.session.refresh(category)
    spec = category.current_version.spec
    assert [p.key for p in spec.pages] == ["lokasi", "usaha"]
    assert [p.title_en for p in spec.pages] == ["Location", "Business"]
    assert [f.key for f in spec.pages[1].fields] == ["has_branch", "business_name", "branch_address"]
    assert spec.by_key["branch_address"].show_if == {"field": "has_branch", "equals": "yes"}
    assert spec.documents[0].allowed_types == ["jpeg", "png"]
    # the sample is served on the public page once the category is open
    post_form(
        client,
        f"/admin/categories/{category.id}/active",
        {"active": "1"},
        page=f"/admin/categories/{category.id}",
    )
    sample_response = client.get(f"/permits/{category.slug}/samples/foto")
    assert sample_response.status_code == 200
    assert sample_response.headers["Content-Type"] == "image/png"


def test_a_sample_that_is_not_an_allowed_type_is_refused(client, admin):
    category = new_category()
    base = f"/admin/categories/{category.id}/form"
    response = post_form(
        client,
        f"{base}/documents/new?lang=en",
        {
            "key": "ktp",
            "label_id": "KTP",
            "allowed_types": ["png"],
            "max_mb": "2",
            "max_files": "1",
            "sample": (io.BytesIO(make_pdf()), "ktp.png"),
        },
        page=f"{base}/documents/new",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "PNG" in response.get_data(as_text=True)
    draft = db.session.scalar(select(FormDraft).where(FormDraft.category_id == category.id))
    assert draft.documents == []


SCRIPT = '<script>alert("x")</script>'


def test_script_in_labels_and_help_is_shown_as_text_in_the_preview_and_the_wizard(client, admin, login_as):
    category = new_category()
    draft_with(
        category,
        [
            text_field("name", label_id=SCRIPT, label_en=SCRIPT, help_id=SCRIPT, help_en=SCRIPT),
            text_field("other", page="two"),
        ],
        admin,
    )
    preview = client.get(f"/admin/categories/{category.id}/form/preview").get_data(as_text=True)
    assert SCRIPT not in preview
    assert preview.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") >= 2
    assert "<form" not in preview.split('id="main"')[1].split("</main>")[0]  # nothing to submit
    post_form(
        client,
        f"/admin/categories/{category.id}/form/publish",
        {},
        page=f"/admin/categories/{category.id}/form",
    )
    post_form(
        client,
        f"/admin/categories/{category.id}/active",
        {"active": "1"},
        page=f"/admin/categories/{category.id}",
    )
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/account").get_data(as_text=True))})
    login_as(Role.APPLICANT)
    response = post_form(client, f"/permits/{category.slug}/apply", {}, page=f"/permits/{category.slug}")
    application_id = int(re.search(r"/applications/(\d+)/", response.headers["Location"]).group(1))
    wizard = client.get(f"/applications/{application_id}/form/one").get_data(as_text=True)
    assert SCRIPT not in wizard
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in wizard


BROKEN_DRAFTS = {
    "broken_pattern": (
        [text_field("postal_code", pattern="[0-9"), text_field("b", page="two")],
        "field postal_code: The pattern is not a valid regular expression",
    ),
    "duplicate_keys": ([text_field("name"), text_field("name", page="two")], "field name: duplicate key"),
    "condition_on_missing_field": (
        [text_field("a"), text_field("b", page="two", show_if={"field": "ghost", "equals": "x"})],
        "field b: show_if refers to missing field 'ghost'",
    ),
    "cycle_of_conditions": (
        [
            text_field("a", show_if={"field": "b", "equals": "x"}),
            text_field("b", page="two", show_if={"field": "a", "equals": "y"}),
        ],
        "field a: show_if conditions form a cycle",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN_DRAFTS))
def test_publishing_a_broken_form_is_refused_naming_the_field(client, admin, case):
    category = make_category(slug=f"broken-{case.replace('_', '-')}")
    version_before = category.current_version_id
    fields, message = BROKEN_DRAFTS[case]
    draft_with(category, fields, admin)
    base = f"/admin/categories/{category.id}/form"
    response = post_form(client, f"{base}/publish", {}, page=base)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The form was not published" in html
    assert message.replace("'", "&#39;") in html
    db.session.expire_all()
    assert db.session.get(PermitCategory, category.id).current_version_id == version_before
    assert (
        db.session.scalar(
            select(func.count()).select_from(FormVersion).where(FormVersion.category_id == category.id)
        )
        == 1
    )


A_AND_B = [text_field("a"), text_field("b", page="two", show_if={"field": "a", "equals": "x"})]


@pytest.mark.parametrize("case", ["broken_pattern", "duplicate_key", "cycle_of_conditions"])
def test_the_field_form_refuses_a_field_that_would_break_the_form(client, admin, case):
    category = new_category()
    draft_with(category, A_AND_B, admin)
    base = f"/admin/categories/{category.id}/form"
    if case == "broken_pattern":
        url, data, message = (
            f"{base}/fields/new",
            field_post(key="c", pattern="(unclosed"),
            "The pattern is not a valid regular expression",
        )
    elif case == "duplicate_key":
        url, data, message = f"{base}/fields/new", field_post(key="b", page="two"), "field b: duplicate key"
    else:
        url, data, message = (
            f"{base}/fields/a",
            field_post(key="a", show_if_field="b", show_if_equals="y"),
            "field a: show_if conditions form a cycle",
        )
    response = post_form(client, url, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    draft = db.session.scalar(select(FormDraft).where(FormDraft.category_id == category.id))
    assert [f["key"] for f in draft.fields] == ["a", "b"]
    assert draft.fields[0]["show_if"] is None


BROKEN_DRAFTS_ID = {
    "duplicate_keys": (
        [text_field("name"), text_field("name", page="two")],
        "isian name: kunci ini sudah dipakai, gunakan kunci lain",
    ),
    "condition_on_missing_field": (
        [text_field("a"), text_field("b", page="two", show_if={"field": "ghost", "equals": "x"})],
        "isian b: syarat tampil (show_if) menunjuk ke isian 'ghost' yang tidak ada",
    ),
    "cycle_of_conditions": (
        [
            text_field("a", show_if={"field": "b", "equals": "x"}),
            text_field("b", page="two", show_if={"field": "a", "equals": "y"}),
        ],
        "isian a: syarat tampil (show_if) saling bergantung berputar (a -&gt; b -&gt; a)",
    ),
    "options_missing": (
        [text_field("a", type="select"), text_field("b", page="two")],
        "isian a: jenis select perlu daftar pilihan; tambahkan pilihan",
    ),
    "min_above_max": (
        [text_field("a", type="number", min=10, max=5), text_field("b", page="two")],
        "isian a: nilai paling kecil (min) lebih besar dari nilai paling besar (max)",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN_DRAFTS_ID))
def test_an_indonesian_admin_is_told_what_is_wrong_with_the_form_in_indonesian(client, login_as, case):
    admin = login_as(Role.ADMIN, locale="id")
    category = make_category(slug=f"rusak-{case.replace('_', '-')}")
    fields, message = BROKEN_DRAFTS_ID[case]
    draft_with(category, fields, admin)
    base = f"/admin/categories/{category.id}/form"
    for response in (post_form(client, f"{base}/publish", {}, page=base), client.get(f"{base}/preview")):
        html = response.get_data(as_text=True)
        assert message.replace("'", "&#39;") in html
        assert not re.search(r"<li>(field|document|page) ", html)
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count()).select_from(FormVersion).where(FormVersion.category_id == category.id)
        )
        == 1
    )


def test_an_indonesian_admin_saving_a_field_that_would_break_the_form_is_refused_in_indonesian(
    client, login_as
):
    admin = login_as(Role.ADMIN, locale="id")
    category = new_category()
    draft_with(category, A_AND_B, admin)
    base = f"/admin/categories/{category.id}/form"
    response = post_form(
        client, f"{base}/fields/a", field_post(key="a", show_if_field="b", show_if_equals="y")
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "isian a: syarat tampil (show_if) saling bergantung berputar (a -&gt; b -&gt; a)" in html
    assert "form a cycle" not in html
    response = post_form(client, f"{base}/fields/new", field_post(key="b", page="two"))
    assert response.status_code == 400
    assert "isian b: kunci ini sudah dipakai, gunakan kunci lain" in response.get_data(as_text=True)
    db.session.expire_all()
    draft = db.session.scalar(select(FormDraft).where(FormDraft.category_id == category.id))
    assert [f["key"] for f in draft.fields] == ["a", "b"]
    assert draft.fields[0]["show_if"] is None


def test_renaming_a_field_renames_it_in_conditions_and_a_used_field_cannot_be_deleted(client, admin):
    category = new_category()
    draft_with(category, A_AND_B, admin)
    base = f"/admin/categories/{category.id}/form"
    response = post_form(client, f"{base}/fields/a/delete", {}, page=base, follow_redirects=True)
    assert "These fields are shown depending on a: b" in response.get_data(as_text=True)
    assert post_form(client, f"{base}/fields/a", field_post(key="owner")).status_code == 302
    db.session.expire_all()
    draft = db.session.scalar(select(FormDraft).where(FormDraft.category_id == category.id))
    assert [f["key"] for f in draft.fields] == ["owner", "b"]
    assert draft.fields[1]["show_if"] == {"field": "owner", "equals": "x"}


def test_a_published_version_does_not_change_a_started_application(client, admin):
    category = make_category(slug="versioned")
    applicant = make_user(Role.APPLICANT)
    from portal.applications import services as app_services

    application = app_services.start_application(applicant, category)
    old_version = application.form_version_id
    draft = services.get_draft(category, admin)
    draft.fields = [*draft.fields, text_field("extra", page="location")]
    db.session.commit()
    base = f"/admin/categories/{category.id}/form"
    assert post_form(client, f"{base}/publish", {}, page=base).status_code == 302
    db.session.expire_all()
    category = db.session.get(PermitCategory, category.id)
    assert category.current_version_id != old_version
    assert "extra" in category.current_version.spec.by_key
    assert db.session.get(Application, application.id).form_version_id == old_version
    assert "extra" not in db.session.get(FormVersion, old_version).spec.by_key


# -- tutorials ---------------------------------------------------------------------------------------
def test_tutorial_editor_chapters_from_a_list_stage_mapping_and_publish(client, admin):
    from tests.test_tutorials import CAPTIONS_EN, CAPTIONS_ID, VIDEO

    category = make_category(slug="with-guide")
    response = post_form(
        client,
        "/admin/tutorials/new",
        {
            "title_id": "Cara mengajukan",
            "title_en": "How to apply",
            "category_id": "",
            "duration_seconds": "20",
            "description_id": "",
            "description_en": "",
            "transcript_id": "",
            "transcript_en": "",
        },
    )
    assert response.status_code == 302
    tutorial_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    page = f"/admin/tutorials/{tutorial_id}"
    for what, data, name in (
        ("video", VIDEO, "v.mp4"),
        ("captions_id", CAPTIONS_ID.encode(), "id.vtt"),
        ("captions_en", CAPTIONS_EN.encode(), "en.vtt"),
    ):
        response = post_form(
            client,
            f"{page}/files/{what}",
            {"file": (io.BytesIO(data), name)},
            page=page,
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    response = post_form(
        client,
        f"{page}/files/poster",
        {"file": (io.BytesIO(b"<html>x</html>"), "p.png")},
        page=page,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    response = post_form(
        client,
        f"{page}/chapters",
        {
            "start": ["0:00", "0:08", ""],
            "chapter_id": ["", "unggah", ""],
            "title_id": ["Isi formulir", "Unggah dokumen", ""],
            "title_en": ["Fill in the form", "Upload documents", ""],
            "end": "0:20",
        },
        page=page,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    from portal.tutorials.models import Tutorial

    tutorial = db.session.get(Tutorial, tutorial_id)
    assert [(c["id"], c["start"], c["end"], c["title"]["en"]) for c in tutorial.chapters_json] == [
        ("chapter-1", 0.0, 8.0, "Fill in the form"),
        ("unggah", 8.0, 20.0, "Upload documents"),
    ]
    stages = f"{page}/stages?category={category.id}"
    response = post_form(
        client,
        stages,
        {"category": str(category.id), "stage_fill_form": "chapter-1", "stage_upload_documents": "unggah"},
        page=stages,
    )
    assert response.status_code == 302
    assert post_form(client, f"{page}/publish", {"published": "1"}, page=page).status_code == 302
    from portal.tutorials.services import tutorial_for_stage

    db.session.expire_all()
    choice = tutorial_for_stage("upload_documents", category.id)
    assert choice.tutorial.id == tutorial_id
    assert choice.chapter["id"] == "unggah"


def test_chapters_out_of_order_are_refused_naming_the_row(client, admin):

    tutorial = make_tutorial(title_id="T", title_en="T")
    page = f"/admin/tutorials/{tutorial.id}"
    response = post_form(
        client,
        f"{page}/chapters",
        {
            "start": ["0:10", "0:05"],
            "chapter_id": ["", ""],
            "title_id": ["A", "B"],
            "title_en": ["", ""],
            "end": "0:20",
        },
        page=page,
    )
    assert response.status_code == 400
    assert "Chapter 2 starts before the chapter above it" in response.get_data(as_text=True)


# -- staff ---------------------------------------------------------------------------------------------
def test_invite_link_sets_the_password_once(client, admin, outbox, app):
    response = post_form(
        client,
        "/admin/staff/invite",
        {
            "email": "Petugas.Baru@example.test",
            "full_name": "Petugas Baru",
            "roles": ["officer"],
            "locale": "en",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "petugas.baru@example.test"))
    assert user.role_set == {Role.OFFICER}
    assert login(app.test_client(), user.email, "!invited").status_code != 302  # no usable password
    link = outbox.last_link(user.email, "/reset-password/")
    path = link.split("portal.test", 1)[1]
    other = app.test_client()
    response = post_form(other, path, {"password": "kopi tubruk pagi hari"})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert login(app.test_client(), user.email, "kopi tubruk pagi hari").status_code == 302
    assert other.get(path).status_code == 400  # used up


def test_an_invite_for_an_existing_email_is_refused(client, admin):
    existing = make_user(Role.APPLICANT)
    response = post_form(
        client,
        "/admin/staff/invite?lang=en",
        {"email": existing.email, "full_name": "X", "roles": ["officer"], "locale": "id"},
    )
    assert response.status_code == 400
    assert "An account with this email already exists" in response.get_data(as_text=True)


def test_an_admin_cannot_remove_their_own_admin_role(client, admin):
    make_user(Role.ADMIN)  # not the last admin either
    response = post_form(
        client,
        f"/admin/staff/{admin.id}/roles",
        {"roles": ["officer"]},
        page=f"/admin/staff/{admin.id}",
        follow_redirects=True,
    )
    assert "You cannot remove your own admin role." in response.get_data(as_text=True)
    db.session.expire_all()
    assert Role.ADMIN in db.session.get(User, admin.id).role_set


def test_deactivating_the_last_admin_is_refused(client, admin):
    # the acting admin's own account is refused first; the last-admin rule is checked in the service
    response = post_form(
        client,
        f"/admin/staff/{admin.id}/active",
        {"active": "0"},
        page=f"/admin/staff/{admin.id}",
        follow_redirects=True,
    )
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    other = make_user(Role.ADMIN)
    db.session.get(User, admin.id).is_active_account = False  # only `other` is an active admin now
    db.session.commit()
    with pytest.raises(services.AdminError, match="at least one admin"):
        services.set_user_active(other, False, db.session.get(User, admin.id))
    assert db.session.get(User, other.id).is_active_account is True


def test_deactivated_staff_old_session_cookie_is_anonymous(client, admin, app):
    officer = make_user(Role.OFFICER)
    officer_client = app.test_client()
    assert login(officer_client, officer.email).status_code == 302
    assert officer_client.get("/office/queue").status_code == 200
    response = post_form(
        client, f"/admin/staff/{officer.id}/active", {"active": "0"}, page=f"/admin/staff/{officer.id}"
    )
    assert response.status_code == 302
    response = officer_client.get("/office/queue")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert login(app.test_client(), officer.email).status_code != 302


def test_roles_can_be_given_and_taken(client, admin):
    user = make_user(Role.APPLICANT)
    post_form(
        client,
        f"/admin/staff/{user.id}/roles",
        {"roles": ["applicant", "helpdesk"]},
        page=f"/admin/staff/{user.id}",
    )
    db.session.expire_all()
    assert db.session.get(User, user.id).role_set == {Role.APPLICANT, Role.HELPDESK}
    events = db.session.scalars(select(AdminAuditEvent).where(AdminAuditEvent.action == "staff.roles")).all()
    assert events[-1].details["after"] == ["applicant", "helpdesk"]
    assert events[-1].actor_id == admin.id


# -- settings, holidays, audit -------------------------------------------------------------------------
def test_office_settings_overlay_the_configuration_on_every_page(client, admin):
    response = post_form(
        client,
        "/admin/settings",
        {
            "name": "DPMPTSP Kota Contoh",
            "hours": "Senin-Kamis 08.00-14.00",
            "email": "",
            "phone": "",
            "whatsapp": "",
            "address": "",
            "city": "",
            "short_name": "",
        },
    )
    assert response.status_code == 302
    html = client.get("/permits").get_data(as_text=True)
    assert "DPMPTSP Kota Contoh" in html
    assert "Senin-Kamis 08.00-14.00" in html
    assert "Kalimantan Timur" in html  # the address was left empty: config applies


def test_office_settings_are_read_once_per_process_until_saved_again(client, admin):
    statements: list[str] = []

    def _seen(conn, cursor, statement, *args):
        statements.append(statement)

    client.get("/permits")  # read once here
    event.listen(db.engine, "before_cursor_execute", _seen)
    try:
        client.get("/permits")
        client.get("/faq")
        assert not [s for s in statements if "FROM settings" in s]  # not a query per page
        post_form(
            client,
            "/admin/settings",
            {
                "name": "DPMPTSP Kota Baru",
                "hours": "",
                "email": "",
                "phone": "",
                "whatsapp": "",
                "address": "",
                "city": "",
                "short_name": "",
            },
        )
        assert "DPMPTSP Kota Baru" in client.get("/permits").get_data(as_text=True)  # at once
    finally:
        event.remove(db.engine, "before_cursor_execute", _seen)


def test_a_holiday_added_moves_the_due_date(client, admin):
    friday = date(2031, 3, 7)
    assert clock.add_working_days(friday, 1, clock.holidays()) == date(2031, 3, 10)
    response = post_form(
        client, "/admin/holidays", {"day": "2031-03-10", "name": "Hari Uji", "kind": "local"}
    )
    assert response.status_code == 302
    g.pop("_holidays", None)
    assert clock.add_working_days(friday, 1, clock.holidays()) == date(2031, 3, 11)
    holiday = db.session.scalar(select(Holiday).where(Holiday.day == date(2031, 3, 10)))
    post_form(client, f"/admin/holidays/{holiday.id}/delete", {}, page="/admin/holidays?year=2031")
    g.pop("_holidays", None)
    assert clock.add_working_days(friday, 1, clock.holidays()) == date(2031, 3, 10)


def test_audit_log_lists_admin_actions_newest_first_in_keyset_pages(client, admin):
    for n in range(services.PAGE_SIZE + 2):
        services.audit(admin, "test.action", "thing", n, f"action {n}")
    db.session.commit()
    html = client.get("/admin/audit").get_data(as_text=True)
    assert f"action {services.PAGE_SIZE + 1}" in html
    assert "action 1<" not in html
    before = re.search(r"/admin/audit\?before=(\d+)", html).group(1)
    older = client.get(f"/admin/audit?before={before}").get_data(as_text=True)
    assert "action 1<" in older
    assert "action 0<" in older
