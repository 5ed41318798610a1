"""The public catalogue: list, search, sector filter, detail page with the service standard,
inactive categories, the demo seed, and form versions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.catalogue.models import FormVersion, ImmutableVersionError, PermitCategory, Sector
from portal.catalogue.seed import check_definitions, seed_categories
from portal.catalogue.services import publish_new_version
from portal.extensions import db

FIELDS = [
    {
        "key": "nama",
        "type": "text",
        "label_id": "Nama",
        "label_en": "Name",
        "required": True,
        "page": "applicant",
    },
    {"key": "luas", "type": "decimal", "label_id": "Luas", "label_en": "Area", "page": "details"},
]
DOCS = [
    {
        "key": "ktp",
        "label_id": "KTP",
        "label_en": "ID card",
        "allowed_types": ["pdf", "jpeg"],
        "max_mb": 2,
        "required": True,
        "sample_key": "static/samples/contoh-surat-permohonan.pdf",
    }
]


def make_category(
    slug: str,
    *,
    name_en: str = "Test permit",
    name_id: str = "Izin uji",
    sector: Sector = Sector.GENERAL,
    active: bool = True,
    cost: int = 0,
    summary_en: str = "",
    description_id: str = "",
    with_form: bool = True,
    **kwargs,
) -> PermitCategory:
    category = PermitCategory(
        slug=slug,
        code="TST",
        name_id=name_id,
        name_en=name_en,
        sector=sector,
        summary_en=summary_en,
        summary_id="",
        description_id=description_id,
        description_en="",
        time_limit_days=7,
        cost_rupiah=cost,
        legal_basis="Peraturan Daerah Nomor 1 Tahun 2024\nPeraturan Wali Kota 2",
        output_id="Surat izin",
        output_en="Permit letter",
        validity_months=60,
        active=active,
        **kwargs,
    )
    db.session.add(category)
    db.session.flush()
    if with_form:
        publish_new_version(category, FIELDS, DOCS)
    db.session.commit()
    return category


def listed(client, **params) -> str:
    response = client.get("/permits", query_string={"lang": "en", **params})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_list_shows_active_categories_with_time_limit_and_cost(client):
    make_category("free-one", name_en="Street food stall", cost=0)
    make_category("paid-one", name_en="Billboard sign", cost=150000)
    html = listed(client)
    assert "Street food stall" in html
    assert "Billboard sign" in html
    assert "7 working days" in html
    assert "Free" in html
    assert "Rp 150.000" in html


def test_list_is_public(client):
    make_category("public-one")
    assert client.get("/permits").status_code == 200
    assert client.get("/permits/public-one").status_code == 200


def test_search_by_words_in_either_language_case_insensitive(client):
    make_category("doc", name_en="Doctor practice licence", name_id="Surat Izin Praktik Dokter")
    make_category(
        "ads", name_en="Advertisement permit", name_id="Izin Reklame", description_id="Papan nama dan baliho"
    )
    assert "Doctor practice" in listed(client, q="DOKTER")
    html = listed(client, q="baliho")
    assert "Advertisement permit" in html
    assert "Doctor practice" not in html
    html = listed(client, q="izin reklame")  # every word must match
    assert "Advertisement permit" in html
    assert "Doctor practice" not in html


def test_sector_filter(client):
    make_category("health-one", name_en="Clinic licence", sector=Sector.HEALTH)
    make_category("tour-one", name_en="Hotel registration", sector=Sector.TOURISM)
    html = listed(client, sector="health")
    assert "Clinic licence" in html
    assert "Hotel registration" not in html
    # an unknown sector is ignored rather than an error
    html = listed(client, sector="nonsense")
    assert "Clinic licence" in html
    assert "Hotel registration" in html


@pytest.mark.parametrize("query", ["%", "_", "%%%", "\\", "100%", "a_b"])
def test_search_wildcards_match_themselves(client, query):
    make_category("plain", name_en="Plain permit")
    html = listed(client, q=query)
    assert "Plain permit" not in html
    assert "No permit type matches your search." in html


def test_search_underscore_finds_a_literal_underscore(client):
    make_category("under", name_en="Permit with snake_case name")
    make_category("other", name_en="Permit with snakeXcase name")
    html = listed(client, q="snake_case")
    assert "snake_case" in html
    assert "snakeXcase" not in html


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE permit_categories; --",
        '" OR 1=1 --',
        "' UNION SELECT password_hash FROM users --",
        "<script>alert(1)</script>",
    ],
)
def test_search_with_sql_or_markup_is_just_text(client, query):
    make_category("safe", name_en="Safe permit")
    html = listed(client, q=query)
    assert "No permit type matches your search." in html
    assert "<script>alert(1)</script>" not in html
    assert db.session.scalar(select(func.count()).select_from(PermitCategory)) == 1


def test_search_with_10000_characters_answers_normally(client):
    make_category("long", name_en="Long permit")
    response = client.get("/permits", query_string={"q": "a" * 10_000, "lang": "en"})
    assert response.status_code == 200
    response = client.get("/permits", query_string={"q": "permit " * 2000, "lang": "en"})
    assert response.status_code == 200
    assert "Long permit" in response.get_data(as_text=True)


def test_search_with_nul_and_odd_characters_never_fails(client):
    make_category("odd", name_en="Odd permit")
    for q in ("\x00", "\u202e", "💥", "a\x00b", " " * 50):
        assert client.get("/permits", query_string={"q": q}).status_code == 200


def test_inactive_category_is_hidden_from_list_and_search(client):
    make_category("gone", name_en="Retired permit", active=False)
    make_category("here", name_en="Current permit")
    assert "Retired permit" not in listed(client)
    assert "Retired permit" not in listed(client, q="retired")


def test_inactive_category_detail_is_404(client):
    make_category("gone", active=False)
    assert client.get("/permits/gone").status_code == 404
    assert client.get("/permits/no-such-permit").status_code == 404
    assert client.get("/permits/" + "x" * 500).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/permits/a%00b",
        "/permits/%E2%80%AEevil",
        "/permits/UPPER",
        "/permits?after=%00",
        "/permits?after=x%00y&q=a",
        "/permits?sector=%00",
    ],
)
def test_odd_bytes_in_slugs_and_paging_never_fail(client, path):
    make_category("real-one")
    assert client.get(path).status_code in (200, 404)


def test_detail_shows_service_standard_requirements_and_start(client):
    make_category("detail", name_en="Detail permit", cost=250000)
    response = client.get("/permits/detail?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Service standard" in html
    assert "7 working days" in html
    assert "Rp 250.000" in html
    assert "Peraturan Daerah Nomor 1 Tahun 2024" in html
    assert "Peraturan Wali Kota 2" in html
    assert "Permit letter" in html
    assert "5 years" in html
    # documents with type and size, and the sample
    assert "ID card" in html
    assert "PDF, JPEG" in html
    assert "2 MB" in html
    assert "/permits/detail/samples/ktp" in html
    # the form's pages overview and the start button: for a visitor, a link to log in first
    # (no form, so the page is the same for everyone and can be cached)
    assert "Applicant" in html
    assert "Details" in html
    assert 'href="/login?next=/permits/detail"' in html
    assert 'name="csrf_token"' not in html


def test_detail_start_button_is_a_form_for_a_logged_in_applicant(client, login_as):
    make_category("detail")
    login_as()
    html = client.get("/permits/detail?lang=en").get_data(as_text=True)
    assert 'method="post"' in html
    assert "/permits/detail/apply" in html
    assert 'name="csrf_token"' in html


def test_detail_free_category_says_free(client):
    make_category("free", cost=0)
    assert "Free" in client.get("/permits/free?lang=en").get_data(as_text=True)


def test_detail_in_indonesian_uses_indonesian_names(client):
    make_category("id-name", name_en="English name", name_id="Nama Indonesia")
    html = client.get("/permits/id-name?lang=id").get_data(as_text=True)
    assert "Nama Indonesia" in html


def test_sample_link_serves_the_static_sample(client):
    make_category("sample")
    response = client.get("/permits/sample/samples/ktp")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/static/samples/contoh-surat-permohonan.pdf")
    assert client.get("/permits/sample/samples/nope").status_code == 404


def test_category_without_a_form_shows_no_start_button(client):
    make_category("no-form", with_form=False)
    html = client.get("/permits/no-form?lang=en").get_data(as_text=True)
    assert "/permits/no-form/apply" not in html
    assert "not open yet" in html


def test_list_pages_by_keyset(client, app, monkeypatch):
    import portal.catalogue.services as services

    monkeypatch.setattr(services, "PAGE_SIZE", 2)
    for i in range(5):
        make_category(f"page-{i}", name_en=f"Paged permit {i}", with_form=False)
    seen = []
    after = None
    for _ in range(5):
        page = services.list_categories(after=after, limit=2, lang="en")
        seen += [c.slug for c in page.items]
        after = page.next_after
        if after is None:
            break
    assert seen == [f"page-{i}" for i in range(5)]


# -- versions -------------------------------------------------------------------------------------
def test_publish_new_version_numbers_and_keeps_the_old_one():
    category = make_category("versions")
    first = category.current_version
    second = publish_new_version(
        category, [*FIELDS, {"key": "baru", "type": "text", "label_id": "Baru", "page": "details"}], DOCS
    )
    assert (first.number, second.number) == (1, 2)
    assert category.current_version_id == second.id
    db.session.expire_all()
    assert len(db.session.get(FormVersion, first.id).fields) == 2
    assert len(db.session.get(FormVersion, second.id).spec.fields) == 3


def test_a_written_version_cannot_be_changed():
    category = make_category("frozen")
    version = category.current_version
    version.fields = [*version.fields, {"key": "x", "type": "text", "label_id": "X"}]
    with pytest.raises(ImmutableVersionError):
        db.session.flush()
    db.session.rollback()


# -- seed -----------------------------------------------------------------------------------------
def test_seed_is_idempotent_and_makes_eight_categories():
    created = list(seed_categories())
    assert len(created) == 8
    counts = (
        db.session.scalar(select(func.count()).select_from(PermitCategory)),
        db.session.scalar(select(func.count()).select_from(FormVersion)),
    )
    assert list(seed_categories()) == []
    assert counts == (
        db.session.scalar(select(func.count()).select_from(PermitCategory)),
        db.session.scalar(select(func.count()).select_from(FormVersion)),
    )
    assert counts == (8, 8)


def test_every_seeded_version_passes_validate_definition():
    assert check_definitions() == {slug: [] for slug in check_definitions()}
    list(seed_categories())
    for version in db.session.scalars(select(FormVersion)):
        assert version.spec.validate_definition() == [], version.category.slug
        assert 2 <= len(version.spec.pages) <= 4
        assert version.spec.documents


def test_seeded_catalogue_pages_render(client):
    list(seed_categories())
    html = listed(client)
    for name in ("Building Approval (PBG)", "Business Domicile Letter", "Medical Doctor"):
        assert name in html
    html = listed(client, q="bangunan")  # an Indonesian word, found with the page in English
    assert "Building Approval (PBG)" in html
    assert "Business Domicile Letter" not in html
    for slug in db.session.scalars(select(PermitCategory.slug)):
        assert client.get(f"/permits/{slug}?lang=en").status_code == 200
        assert client.get(f"/permits/{slug}?lang=id").status_code == 200


# -- the form fields macro --------------------------------------------------------------------------
def render_page(page, values=None, errors=None) -> str:
    from flask import render_template_string

    return render_template_string(
        '{% from "macros/dynamic_fields.html" import render_fields, dynamic_error_summary %}'
        "{{ dynamic_error_summary(page, errors) }}{{ render_fields(page, values, errors) }}",
        page=page,
        values=values or {},
        errors=errors or {},
    )


def test_render_fields_for_every_seeded_page(app):
    import re

    list(seed_categories())
    with app.test_request_context("/?lang=en"):
        for version in db.session.scalars(select(FormVersion)):
            for page in version.spec.pages:
                html = render_page(page)
                for f in page.fields:
                    if f.type == "radio" or (f.type == "checkbox" and f.options):
                        assert f'<fieldset id="f-{f.key}"' in html
                    else:
                        assert f'for="f-{f.key}"' in html, f.key
                assert "style=" not in html
                assert not re.search(r"<script", html)


def test_render_fields_shows_errors_beside_fields_and_in_a_summary(app):
    from werkzeug.datastructures import MultiDict

    list(seed_categories())
    category = db.session.scalar(select(PermitCategory).where(PermitCategory.slug == "izin-reklame"))
    spec = category.current_version.spec
    with app.test_request_context("/?lang=en"):
        posted = MultiDict({"panjang_m": "NaN", "jenis_reklame": "zzz"})
        result = spec.validate_page("advertisement", posted, {})
        html = render_page(spec.pages_by_key["advertisement"], result.form_values({}), result.errors)
    assert 'id="error-summary"' in html
    assert 'href="#f-panjang_m"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="NaN"' in html  # what was typed comes back, to be corrected
    assert 'aria-describedby="f-panjang_m-hint f-panjang_m-error"' in html or "f-panjang_m-error" in html
    # the renewal-only field is wrapped for conditional.js and explains itself without JS
    assert 'data-show-if-field="jenis_permohonan" data-show-if-value="perpanjangan"' in html
    assert "Only needed if Application type is &#34;Renewal&#34;." in html
    assert '<option value="">Choose…</option>' in html
    assert 'inputmode="decimal"' in html


def test_render_fields_hides_a_field_ruled_out_on_another_page(app):
    spec_fields = [
        {
            "key": "kind",
            "type": "radio",
            "label_id": "Jenis",
            "label_en": "Kind",
            "page": "one",
            "options": [{"value": "a"}, {"value": "b"}],
        },
        {
            "key": "extra",
            "type": "text",
            "label_id": "Tambahan",
            "label_en": "Extra",
            "page": "two",
            "show_if": {"field": "kind", "equals": "b"},
        },
        {"key": "always", "type": "text", "label_id": "Selalu", "label_en": "Always", "page": "two"},
    ]
    from portal.catalogue.formspec import FormSpec

    spec = FormSpec.from_version(spec_fields, [])
    with app.test_request_context("/?lang=en"):
        assert 'name="extra"' not in render_page(spec.pages_by_key["two"], {"kind": "a"})
        assert 'name="extra"' in render_page(spec.pages_by_key["two"], {"kind": "b"})


def test_seeded_forms_are_complete_in_english():
    from portal.catalogue.seed import build_definition, load_reference

    for raw in load_reference()["categories"]:
        fields, documents = build_definition(raw)
        for f in fields:
            assert f["label_en"], f["key"]
            assert bool(f["help_id"]) <= bool(f["help_en"]), f["key"]
            assert all(o["label_en"] for o in f.get("options", [])), f["key"]
        for d in documents:
            assert d["label_en"], d["key"]
            assert bool(d["description_id"]) <= bool(d["description_en"]), d["key"]


def test_list_query_count_does_not_grow_with_the_number_of_categories(client, app):
    from sqlalchemy import event

    def count_queries(url: str) -> int:
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    for i in range(2):
        make_category(f"few-{i}", sector=Sector.HEALTH)
    client.get("/permits?q=izin")  # the per-process caches (office settings, the panel) filled
    few = count_queries("/permits?q=izin")
    for i in range(10):
        make_category(f"many-{i}", sector=Sector.TOURISM)
    client.get("/permits?q=izin")  # again: a new category drops the per-process caches
    assert few > 0
    assert count_queries("/permits?q=izin") == few


def test_a_field_whose_condition_is_on_an_earlier_page_is_a_plain_field_when_it_applies(app):
    """conditional.js only sees the current page: a field controlled by an earlier page's
    answer must not be wrapped for it, or the script would hide it."""
    from flask import render_template_string

    from portal.catalogue.formspec import FormSpec

    spec = FormSpec.from_version(
        [
            {
                "key": "rented",
                "type": "radio",
                "label_id": "Sewa?",
                "label_en": "Rented?",
                "page": "one",
                "order": 1,
                "required": True,
                "options": [
                    {"value": "yes", "label_id": "Ya", "label_en": "Yes"},
                    {"value": "no", "label_id": "Tidak", "label_en": "No"},
                ],
            },
            {
                "key": "owner",
                "type": "text",
                "label_id": "Pemilik",
                "label_en": "Owner",
                "page": "two",
                "order": 2,
                "show_if": {"field": "rented", "equals": "yes"},
            },
        ],
        [],
    )
    page = spec.pages_by_key["two"]
    template = (
        '{% from "macros/dynamic_fields.html" import render_fields %}{{ render_fields(page, values, {}) }}'
    )
    with app.test_request_context("/?lang=en"):
        applies = render_template_string(template, page=page, values={"rented": "yes"})
        ruled_out = render_template_string(template, page=page, values={"rented": "no"})
    assert 'name="owner"' in applies and "data-show-if-field" not in applies
    assert 'name="owner"' not in ruled_out


def test_the_kept_list_follows_every_change_of_a_permit_type(client):
    """The default list is kept per process (portal.catalogue.listing); a permit type added,
    renamed, moved to another sector or closed shows on the next visit."""
    first = make_category("kept-one", name_en="Kiosk permit")
    assert "Kiosk permit" in listed(client)
    make_category("kept-two", name_en="Market stall permit")
    assert "Market stall permit" in listed(client)
    first.name_en = "Kiosk and booth permit"
    first.cost_rupiah = 250000
    db.session.commit()
    html = listed(client)
    assert "Kiosk and booth permit" in html and "Rp 250.000" in html
    other = next(s for s in Sector if s is not first.sector)
    first.sector = other
    db.session.commit()
    assert f'value="{other.value}"' in listed(client)  # the sector filter offers it
    first.active = False
    db.session.commit()
    assert "Kiosk and booth permit" not in listed(client)
    assert "Market stall permit" in listed(client)


def test_the_default_lists_cards_are_rendered_once_per_language(client, login_as, monkeypatch):
    """The cards of the default list are the same for everyone, so they are rendered once per
    language and kept with the rows; a search renders its own."""
    from portal.catalogue import listing

    make_category("once-one", name_en="Kiosk permit", name_id="Izin kios")
    rendered: list[str] = []
    label = listing.CategoryCard.sector_label

    def counting(card):
        rendered.append(card.slug)
        return label.fget(card)

    monkeypatch.setattr(listing.CategoryCard, "sector_label", property(counting))
    first = listed(client)
    assert rendered == ["once-one"] and "Kiosk permit" in first
    assert listed(client) == first and rendered == ["once-one"]  # the kept cards
    login_as(Role.APPLICANT)
    assert "Kiosk permit" in listed(client) and rendered == ["once-one"]  # the same cards for her
    assert "Izin kios" in listed(client, lang="id") and rendered == ["once-one", "once-one"]
    assert "Kiosk permit" in listed(client, q="kiosk")  # a search: its own rows, rendered
