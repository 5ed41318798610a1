"""Issue 16, item 6: the public register of issued permits. Only the categories an admin opted
in are listed; a holder is shown as the business's name (the answer the admin chose) or only
their initials ("S*** R***"), never their full name, NIK or anything else personal; search by
permit number and filter by type; keyset pages; cached for anonymous visitors."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import event

from portal.auth.models import Role
from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.permits import register
from portal.permits import services as permits
from tests.conftest import csrf_token, make_user
from tests.test_permits import approve, new_application
from tests.wizard_helpers import make_category


def _with_code(slug: str, code: str) -> PermitCategory:
    category = make_category(slug=slug)
    category.code = code
    db.session.commit()
    return category


def _issue(category, name="Siti Rahmawati", answers=None):
    applicant = make_user(Role.APPLICANT, full_name=name, nik=f"{uuid.uuid4().int % 10**16:016d}")
    application = new_application(category, applicant, answers=answers)
    approve(application)
    return permits.permit_for_application(application.id), applicant


def _opt_in(category, field: str | None = None, published: bool = True) -> None:
    register.save_setting(category.id, published, field, make_user(Role.ADMIN))
    db.session.commit()


@pytest.fixture
def listed():
    category = _with_code(f"reg-{uuid.uuid4().hex[:6]}", "REG")
    _opt_in(category)
    return category


def _entries(html: str) -> list[str]:
    """The permit numbers the page lists (not the search box's echo)."""
    return re.findall(r'<h2 class="h5 mb-1 font-monospace text-break">([^<]+)</h2>', html)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Siti Rahmawati", "S*** R***"),
        ("Budi", "B***"),
        ("Dra. Hj. Nurul Aini, M.Si.", "D*** H*** N*** A*** M***"),
        ("  ", "***"),
        ("محمد عبد الرحمن", "م*** ع*** ا***"),
    ],
)
def test_a_holder_is_shown_by_initials_only(name, masked):
    assert register.mask_holder(name) == masked


@pytest.mark.parametrize(
    "name", ["Siti Rahmawati", "Ani", "A B", "Nurul", "Maria Goretti Wulandari Putri", "Ab Cd", "X"]
)
def test_a_masked_holder_never_contains_the_full_name(name):
    masked = register.mask_holder(name)
    assert name not in masked or len(name) == 1
    for word in name.split():
        if len(word) > 1:
            assert word not in masked


def test_the_public_page_lists_permits_of_opted_in_categories_without_personal_data(client, listed):
    permit, applicant = _issue(listed, name="Siti Rahmawati")
    response = client.get("/issued-permits")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = _text(html)
    assert permit.number in text
    assert "S*** R***" in text
    assert "Berlaku" in text  # the status, in Indonesian
    for secret in ("Siti Rahmawati", "Rahmawati", applicant.nik, applicant.email, permit.verification_token):
        assert secret not in html
    assert "SP-" not in text  # no tracking number


def test_a_category_not_opted_in_is_not_listed(client, listed):
    hidden = _with_code(f"hidden-{uuid.uuid4().hex[:6]}", "HID")
    shown, _ = _issue(listed)
    secret, _ = _issue(hidden)
    html = client.get("/issued-permits").get_data(as_text=True)
    assert shown.number in html and secret.number not in html
    # Not by its number, not by asking for its type either.
    assert (
        _entries(client.get("/issued-permits", query_string={"q": secret.number}).get_data(as_text=True))
        == []
    )
    by_type = client.get(f"/issued-permits?category={hidden.slug}").get_data(as_text=True)
    assert secret.number not in by_type and shown.number not in by_type
    # A category opted out again disappears.
    _opt_in(listed, published=False)
    assert shown.number not in client.get("/issued-permits").get_data(as_text=True)


def test_a_business_name_is_shown_when_the_admin_chose_the_answer(client, listed):
    _opt_in(listed, "business_name")
    permit, _ = _issue(listed, name="Siti Rahmawati", answers={"business_name": "Warung Makan Bu Siti"})
    html = client.get("/issued-permits").get_data(as_text=True)
    assert "Warung Makan Bu Siti" in html
    assert "S*** R***" not in html  # the business's name, not the person's initials
    # An empty answer falls back to the initials.
    other, _ = _issue(listed, name="Joko Widodo", answers={"business_name": "  "})
    html = client.get("/issued-permits").get_data(as_text=True)
    assert "J*** W***" in html and "Joko" not in html


def test_the_admin_can_only_choose_a_text_field_of_the_form(listed):
    with pytest.raises(register.RegisterError):
        register.save_setting(listed.id, True, "employees", make_user(Role.ADMIN))
    with pytest.raises(register.RegisterError):
        register.save_setting(listed.id, True, "no_such_field", make_user(Role.ADMIN))


def test_search_by_permit_number_and_filter_by_category(client, listed):
    other = _with_code(f"reg2-{uuid.uuid4().hex[:6]}", "OTH")
    _opt_in(other)
    first, _ = _issue(listed)
    second, _ = _issue(other)
    html = client.get("/issued-permits", query_string={"q": second.number}).get_data(as_text=True)
    assert _entries(html) == [second.number]
    html = client.get("/issued-permits", query_string={"q": "/oth/"}).get_data(as_text=True)
    assert _entries(html) == [second.number]
    html = client.get("/issued-permits", query_string={"category": listed.slug}).get_data(as_text=True)
    assert first.number in html and second.number not in html


@pytest.mark.parametrize(
    ("args", "listed_still"),
    [
        ({"q": "%"}, True),  # not a number character: ignored
        ({"q": "\x00"}, True),
        ({"q": "_"}, False),  # a literal underscore, not a wildcard
        ({"q": "' OR 1=1 --"}, False),
        ({"q": "x" * 5000}, False),
        ({"category": "../../etc"}, False),
        ({"category": "x" * 5000}, False),
        ({"before": "-1"}, True),  # not a cursor: the first page
        ({"before": "99999999999999999999"}, True),
        ({"before": "abc"}, True),
        ({"before": "1"}, False),  # before the first permit: nothing
    ],
)
def test_bad_filters_answer_a_page_not_an_error(client, listed, args, listed_still):
    permit, _ = _issue(listed)
    response = client.get("/issued-permits", query_string=args)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Daftar Izin Terbit" in html
    assert (permit.number in _entries(html)) is listed_still


def test_pages_by_keyset_with_a_fixed_number_of_statements(client, listed, monkeypatch):
    monkeypatch.setattr(register, "PAGE_SIZE", 2)
    numbers = [_issue(listed, name=f"Pemohon {n}")[0].number for n in range(5)]
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    first = client.get("/issued-permits?lang=id")
    html = first.get_data(as_text=True)
    assert numbers[4] in html and numbers[3] in html and numbers[2] not in html
    before = re.search(r'href="/issued-permits\?before=(\d+)"', html).group(1)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        html = client.get(f"/issued-permits?before={before}").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert numbers[2] in html and numbers[1] in html and numbers[4] not in html
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 4, selects


def test_the_page_is_cached_for_anonymous_visitors_and_private_for_a_session(client, login_as, listed):
    _issue(listed)
    anonymous = client.get("/issued-permits")
    assert anonymous.headers["Cache-Control"] == "public, max-age=60"
    login_as(Role.APPLICANT)
    assert client.get("/issued-permits").headers["Cache-Control"] == "no-store"


def test_an_empty_register_says_so(client):
    html = client.get("/issued-permits").get_data(as_text=True)
    assert "Kantor belum menerbitkan daftar izin terbit." in html


def test_admin_opts_a_category_in_on_the_admin_page(client, login_as):
    category = _with_code(f"adm-{uuid.uuid4().hex[:6]}", "ADM")
    permit, _ = _issue(category, answers={"business_name": "Toko Sinar Jaya"})
    assert permit.number not in client.get("/issued-permits").get_data(as_text=True)
    login_as(Role.ADMIN)
    page = client.get("/admin/register").get_data(as_text=True)
    assert f'id="category-{category.id}"' in page
    response = client.post(
        f"/admin/register/{category.id}",
        data={
            "csrf_token": csrf_token(page),
            f"c{category.id}-published": "y",
            f"c{category.id}-business_name_field": "business_name",
        },
    )
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Izin yang terbit untuk Izin Uji tercantum di Daftar Izin Terbit." in html
    public = client.get("/issued-permits").get_data(as_text=True)
    assert permit.number in public and "Toko Sinar Jaya" in public


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.OFFICER, Role.APPROVER])
def test_only_admins_change_the_register_settings(client, login_as, role):
    category = _with_code(f"adm-{uuid.uuid4().hex[:6]}", "ADM")
    login_as(role)
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    response = client.post(
        f"/admin/register/{category.id}", data={"csrf_token": token, f"c{category.id}-published": "y"}
    )
    assert response.status_code == 403
    assert register.settings_by_category().get(category.id) is None


def test_the_demo_opts_in_its_business_permits_with_their_business_name_answer():
    from portal.catalogue.seed import seed_categories

    list(seed_categories())
    assert list(register.seed_register())
    settings = {c.slug: s for c, s in register.listed_categories()}
    assert settings["surat-keterangan-domisili-usaha"].business_name_field == "nama_usaha"
    assert settings["izin-reklame"].business_name_field == "nama_perusahaan"
    assert "sip-dokter" not in settings  # a person's practice licence stays out
    assert list(register.seed_register()) == []  # idempotent
