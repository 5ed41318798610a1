"""Issue 15, "Dokumen saya": a document kept once in the account area, reused in a later
application as a checked copy of its own; kept documents added, replaced and deleted by their
owner; an uploaded document kept for later. Every other person's id (and a made-up one, one
past 32 bits, one of another kind than the slot) is a 404; staff do not see a citizen's vault."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.applications.models import Document
from portal.auth.models import Role
from portal.extensions import db
from portal.storage import get_storage
from portal.vault import services as vault_services
from portal.vault.models import VaultDocument, VaultKind
from tests.conftest import csrf_token, login, make_user
from tests.factories import DEFAULT_PASSWORD
from tests.fixtures_files import html_bytes, make_jpeg, make_pdf
from tests.wizard_helpers import file_upload, make_category


@pytest.fixture
def category():
    return make_category()


def _token(client) -> str:
    return csrf_token(client.get("/dashboard").get_data(as_text=True))


def _start(client, category) -> int:
    page = client.get(f"/permits/{category.slug}").get_data(as_text=True)
    response = client.post(f"/permits/{category.slug}/apply", data={"csrf_token": csrf_token(page)})
    return int(re.search(r"/applications/(\d+)/", response.headers["Location"]).group(1))


def _keep(client, kind: str = "ktp", data: bytes | None = None, name: str = "ktp.pdf", label: str = ""):
    return client.post(
        "/account/documents?lang=en",
        data={
            "csrf_token": _token(client),
            "kind": kind,
            "label": label,
            "file": file_upload(make_pdf(text=name) if data is None else data, name, "application/pdf"),
        },
        content_type="multipart/form-data",
    )


def _items(owner) -> list[VaultDocument]:
    return list(db.session.scalars(select(VaultDocument).where(VaultDocument.owner_id == owner.id)))


def _docs(application_id: int) -> list[Document]:
    return list(db.session.scalars(select(Document).where(Document.application_id == application_id)))


def _card(page: str, key: str) -> str:
    match = re.search(rf'<section class="document-slot[^"]*" id="doc-{key}".*?</section>', page, re.S)
    assert match, f"no card for {key}"
    return match.group(0)


def _stored(app) -> set[Path]:
    root = Path(app.config["UPLOAD_ROOT"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _use(client, application_id: int, key: str, item_id, **files):
    return client.post(
        f"/applications/{application_id}/documents/{key}/from-vault/{item_id}?lang=en",
        data={"csrf_token": _token(client), **files},
        content_type="multipart/form-data",
    )


# -- "Dokumen saya": add, see, replace, delete ----------------------------------------------------
def test_a_kept_document_is_listed_with_its_preview_and_downloads_for_its_owner(client, login_as):
    user = login_as()
    response = _keep(client, data=make_jpeg(800, 500), name="ktp-saya.jpg")
    assert response.status_code == 302
    (item,) = _items(user)
    assert item.kind is VaultKind.KTP
    assert item.storage_key.startswith("vault/")
    assert item.content_type == "image/jpeg"
    page = client.get("/account/documents?lang=id").get_data(as_text=True)
    assert "Dokumen saya" in page
    assert "ktp-saya.jpg" in page
    assert f"/account/documents/{item.id}/preview" in page
    preview = client.get(f"/account/documents/{item.id}/preview")
    assert preview.status_code == 200
    preview.close()
    download = client.get(f"/account/documents/{item.id}/download")
    assert download.status_code == 200
    assert download.data[:3] == b"\xff\xd8\xff"
    download.close()


def test_a_refused_file_is_not_kept_and_the_reason_is_shown(client, login_as, app):
    user = login_as()
    before = _stored(app)
    response = _keep(client, data=html_bytes(), name="ktp.pdf")
    assert response.status_code == 400
    assert "web page (HTML)" in response.get_data(as_text=True)
    assert _items(user) == []
    assert _stored(app) == before


def test_an_unknown_kind_is_a_form_error(client, login_as):
    user = login_as()
    response = _keep(client, kind="passport")
    assert response.status_code == 400
    assert "Choose what kind of document this is." in response.get_data(as_text=True)
    assert _items(user) == []


def test_another_document_keeps_the_name_she_gives_it(client, login_as):
    user = login_as()
    _keep(client, kind="other", label="  Surat keterangan\u202e domisili ", name="domisili.pdf")
    (item,) = _items(user)
    assert item.title == "Surat keterangan domisili"


def test_replacing_a_kept_document_swaps_the_file_and_removes_the_old_one(client, login_as):
    user = login_as()
    _keep(client, name="ktp-lama.pdf")
    (item,) = _items(user)
    old_key = item.storage_key
    response = client.post(
        f"/account/documents/{item.id}/replace",
        data={"csrf_token": _token(client), "file": file_upload(make_pdf(text="baru"), "ktp-baru.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.original_name == "ktp-baru.pdf"
    assert item.storage_key != old_key
    assert not get_storage().exists(old_key)
    assert get_storage().exists(item.storage_key)


def test_a_refused_replacement_keeps_the_old_file_and_shows_the_reason_on_its_card(client, login_as):
    user = login_as()
    _keep(client, name="ktp-lama.pdf")
    (item,) = _items(user)
    response = client.post(
        f"/account/documents/{item.id}/replace?lang=en",
        data={"csrf_token": _token(client), "file": file_upload(html_bytes(), "ktp.pdf")},
        content_type="multipart/form-data",
    )
    assert response.headers["Location"].endswith(f"/account/documents#vault-{item.id}")
    db.session.refresh(item)
    assert item.original_name == "ktp-lama.pdf"
    assert get_storage().exists(item.storage_key)
    page = client.get("/account/documents?lang=en").get_data(as_text=True)
    card = re.search(rf'id="vault-{item.id}".*?</section>', page, re.S).group(0)
    assert "web page (HTML)" in card


def test_deleting_a_kept_document_removes_it_and_its_file(client, login_as):
    user = login_as()
    _keep(client)
    (item,) = _items(user)
    key = item.storage_key
    response = client.post(f"/account/documents/{item.id}/delete", data={"csrf_token": _token(client)})
    assert response.status_code == 302
    assert _items(user) == []
    assert not get_storage().exists(key)


def test_a_full_vault_refuses_one_more(client, login_as, monkeypatch):
    user = login_as()
    monkeypatch.setattr(vault_services, "MAX_ITEMS", 1)
    _keep(client)
    response = _keep(client, kind="kk", name="kk.pdf")
    assert response.status_code == 400
    assert "Delete one you no longer need first." in response.get_data(as_text=True)
    assert len(_items(user)) == 1


# -- reuse in an application -------------------------------------------------------------------
def test_a_kept_ktp_is_offered_on_the_ktp_card_and_reused_as_a_checked_copy(client, login_as, category):
    user = login_as()
    _keep(client, name="ktp-saya.pdf")
    _keep(client, kind="kk", name="kk-saya.pdf")
    (ktp,) = [i for i in _items(user) if i.kind is VaultKind.KTP]
    application_id = _start(client, category)
    page = client.get(f"/applications/{application_id}/documents?lang=id").get_data(as_text=True)
    card = _card(page, "ktp")
    assert "Pakai dari Dokumen saya" in card
    assert f"/documents/ktp/from-vault/{ktp.id}" in card
    assert "kk-saya.pdf" not in card  # a KK is not offered for the KTP
    # the photo slot takes JPEG and PNG only: a PDF KTP is not offered there
    assert "from-vault" not in _card(page, "photo")

    response = _use(client, application_id, "ktp", ktp.id)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application_id}/documents#doc-ktp")
    (document,) = _docs(application_id)
    assert document.requirement_key == "ktp"
    assert document.original_name == "ktp-saya.pdf"
    assert document.storage_key != ktp.storage_key  # its own copy
    assert document.storage_key.startswith("documents/")
    assert document.sha256 == ktp.sha256
    page = client.get(f"/applications/{application_id}/documents").get_data(as_text=True)
    assert "ktp-saya.pdf" in _card(page, "ktp")


def test_the_copy_is_checked_again_a_kept_file_that_no_longer_passes_is_refused(
    client, login_as, category, app
):
    user = login_as()
    _keep(client)
    (item,) = _items(user)
    # The stored file changed behind the portal's back (a restore gone wrong, a tampered disk).
    path = get_storage().local_path(item.storage_key)
    path.write_bytes(html_bytes())
    application_id = _start(client, category)
    before = _stored(app)
    response = _use(client, application_id, "ktp", item.id)
    assert response.headers["Location"].endswith("/documents#doc-ktp")
    assert _docs(application_id) == []
    assert _stored(app) == before  # nothing stored for the application
    page = client.get(f"/applications/{application_id}/documents?lang=en").get_data(as_text=True)
    assert "web page (HTML)" in _card(page, "ktp")


def test_a_kept_photo_is_reencoded_for_the_photo_slot(client, login_as, category):
    user = login_as()
    _keep(client, kind="other", label="Foto tempat usaha", data=make_jpeg(900, 600), name="toko.jpg")
    (item,) = _items(user)
    application_id = _start(client, category)
    assert f"/documents/photo/from-vault/{item.id}" in _card(
        client.get(f"/applications/{application_id}/documents").get_data(as_text=True), "photo"
    )
    _use(client, application_id, "photo", item.id)
    (document,) = _docs(application_id)
    assert document.content_type == "image/jpeg"
    assert document.storage_key != item.storage_key
    assert document.thumbnail_key and document.thumbnail_key != item.thumbnail_key


def test_deleting_the_kept_document_after_reuse_leaves_the_applications_copy(client, login_as, category):
    user = login_as()
    _keep(client, name="ktp-saya.pdf")
    (item,) = _items(user)
    application_id = _start(client, category)
    _use(client, application_id, "ktp", item.id)
    (document,) = _docs(application_id)
    client.post(f"/account/documents/{item.id}/delete", data={"csrf_token": _token(client)})
    assert _items(user) == []
    download = client.get(f"/applications/{application_id}/documents/{document.id}/download")
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF-")
    download.close()


def test_replacing_the_kept_document_after_reuse_leaves_the_applications_copy(client, login_as, category):
    user = login_as()
    _keep(client, name="ktp-lama.pdf")
    (item,) = _items(user)
    application_id = _start(client, category)
    _use(client, application_id, "ktp", item.id)
    (document,) = _docs(application_id)
    client.post(
        f"/account/documents/{item.id}/replace",
        data={"csrf_token": _token(client), "file": file_upload(make_pdf(text="baru"), "ktp-baru.pdf")},
        content_type="multipart/form-data",
    )
    db.session.refresh(document)
    assert document.original_name == "ktp-lama.pdf"
    assert get_storage().exists(document.storage_key)


def test_without_javascript_a_file_chosen_on_another_card_comes_along(client, login_as, category):
    user = login_as()
    _keep(client)
    (item,) = _items(user)
    application_id = _start(client, category)
    _use(client, application_id, "ktp", item.id, **{"file-photo": file_upload(make_jpeg(), "toko.jpg")})
    assert sorted(d.requirement_key for d in _docs(application_id)) == ["ktp", "photo"]


# -- another person's ids: 404 -----------------------------------------------------------------------
def _someone_elses_item():
    other = make_user(Role.APPLICANT)
    stored = get_storage().save(io.BytesIO(make_pdf()), key_prefix="vault/")
    item = VaultDocument(
        owner_id=other.id,
        kind=VaultKind.KTP,
        storage_key=stored.key,
        original_name="ktp-orang-lain.pdf",
        size=stored.size,
        sha256=stored.sha256,
        content_type="application/pdf",
    )
    db.session.add(item)
    db.session.commit()
    return other, item


@pytest.mark.parametrize(
    "which", ["other_persons_item", "made_up_id", "past_32_bits", "another_kind", "unicode_digits"]
)
def test_a_vault_id_that_is_not_hers_for_this_slot_is_404_and_stores_nothing(
    client, login_as, category, app, which
):
    login_as()
    _keep(client, kind="kk", name="kk-saya.pdf")
    application_id = _start(client, category)
    _other, foreign = _someone_elses_item()
    own_kk = db.session.scalar(select(VaultDocument).where(VaultDocument.kind == VaultKind.KK))
    item_id = {
        "other_persons_item": foreign.id,
        "made_up_id": foreign.id + 1000,
        "past_32_bits": 2**31,
        "another_kind": own_kk.id,  # her KK offered to the KTP slot
        "unicode_digits": "\u0661\u0662",
    }[which]
    before = _stored(app)
    response = _use(client, application_id, "ktp", item_id)
    assert response.status_code == 404
    assert _docs(application_id) == []
    assert _stored(app) == before


def test_her_own_vault_id_in_another_persons_application_is_404(client, login_as, category):
    other = make_user(Role.APPLICANT)
    login(client, other.email, DEFAULT_PASSWORD)
    victim_application = _start(client, category)
    client.post("/logout", data={"csrf_token": _token(client)})
    login_as()
    _keep(client)
    item = db.session.scalar(select(VaultDocument).where(VaultDocument.original_name == "ktp.pdf"))
    response = _use(client, victim_application, "ktp", item.id)
    assert response.status_code == 404
    assert _docs(victim_application) == []


def test_a_slot_the_form_does_not_have_is_404(client, login_as, category):
    user = login_as()
    _keep(client)
    (item,) = _items(user)
    application_id = _start(client, category)
    assert _use(client, application_id, "no_such_slot", item.id).status_code == 404


@pytest.mark.parametrize("action", ["download", "preview", "replace", "delete"])
def test_another_persons_kept_document_is_404_on_every_page(client, login_as, action):
    login_as()
    _other, item = _someone_elses_item()
    if action in ("replace", "delete"):
        response = client.post(
            f"/account/documents/{item.id}/{action}",
            data={"csrf_token": _token(client), "file": file_upload(make_pdf(), "x.pdf")},
            content_type="multipart/form-data",
        )
    else:
        response = client.get(f"/account/documents/{item.id}/{action}")
    assert response.status_code == 404
    assert db.session.get(VaultDocument, item.id) is not None
    assert get_storage().exists(item.storage_key)


@pytest.mark.parametrize("role", [Role.HELPDESK, Role.OFFICER, Role.ADMIN])
def test_staff_do_not_see_a_citizens_vault(client, login_as, role):
    citizen, item = _someone_elses_item()
    login_as(role)
    assert client.get(f"/account/documents/{item.id}/download").status_code == 404
    assert "ktp-orang-lain.pdf" not in client.get("/account/documents").get_data(as_text=True)
    if role is Role.HELPDESK:
        page = client.get(f"/helpdesk/applicants/{citizen.id}").get_data(as_text=True)
        assert "ktp-orang-lain.pdf" not in page


# -- keeping an uploaded document -------------------------------------------------------------------
def test_an_uploaded_document_can_be_kept_in_my_documents_once(client, login_as, category):
    user = login_as()
    application_id = _start(client, category)
    client.post(
        f"/applications/{application_id}/documents/ktp",
        data={"csrf_token": _token(client), "file": file_upload(make_pdf(), "ktp-saya.pdf")},
        content_type="multipart/form-data",
    )
    (document,) = _docs(application_id)
    page = client.get(f"/applications/{application_id}/documents?lang=id").get_data(as_text=True)
    assert "Simpan ke Dokumen saya" in _card(page, "ktp")
    keep_url = f"/applications/{application_id}/documents/{document.id}/keep"
    assert client.post(keep_url, data={"csrf_token": _token(client)}).status_code == 302
    client.post(keep_url, data={"csrf_token": _token(client)})  # twice: kept once
    (item,) = _items(user)
    assert item.kind is VaultKind.KTP
    assert item.sha256 == document.sha256
    assert item.storage_key != document.storage_key
    # now it is offered instead
    page = client.get(f"/applications/{application_id}/documents?lang=id").get_data(as_text=True)
    assert "Simpan ke Dokumen saya" not in _card(page, "ktp")
    assert f"/from-vault/{item.id}" in _card(page, "ktp")
    # removing the application's file leaves the kept one
    client.post(
        f"/applications/{application_id}/documents/{document.id}/delete", data={"csrf_token": _token(client)}
    )
    assert get_storage().exists(item.storage_key)


def test_keeping_another_persons_document_is_404(client, login_as, category):
    other = make_user(Role.APPLICANT)
    login(client, other.email, DEFAULT_PASSWORD)
    their_application = _start(client, category)
    client.post(
        f"/applications/{their_application}/documents/ktp",
        data={"csrf_token": _token(client), "file": file_upload(make_pdf(), "ktp-mereka.pdf")},
        content_type="multipart/form-data",
    )
    (document,) = _docs(their_application)
    client.post("/logout", data={"csrf_token": _token(client)})
    user = login_as()
    response = client.post(
        f"/applications/{their_application}/documents/{document.id}/keep", data={"csrf_token": _token(client)}
    )
    assert response.status_code == 404
    own_application = _start(client, category)
    response = client.post(
        f"/applications/{own_application}/documents/{document.id}/keep", data={"csrf_token": _token(client)}
    )
    assert response.status_code == 404
    assert _items(user) == []


def test_kind_for_slot_reads_the_slot_key():
    kind = vault_services.kind_for_slot
    assert kind("ktp") is VaultKind.KTP
    assert kind("ktp_pemohon") is VaultKind.KTP
    assert kind("foto_kk") is VaultKind.KK
    assert kind("pas_foto") is VaultKind.PAS_FOTO
    assert kind("npwp") is VaultKind.NPWP
    assert kind("akta_pendirian") is VaultKind.AKTA
    assert kind("surat_permohonan") is None
    assert kind("ktm") is None  # a student card is not a KTP


def test_a_flagged_document_can_be_answered_from_my_documents_on_the_correction_page(
    client, login_as, category
):
    from portal.applications import services as app_services
    from portal.backoffice import services as office
    from tests.factories import make_submitted

    user = login_as()
    _keep(client, name="ktp-baru.pdf")
    (item,) = _items(user)
    application = make_submitted(user, category)
    officer = make_user(Role.OFFICER)
    office.start_review(application, officer, None)
    app_services.request_correction(
        application, officer, "KTP tidak terbaca.", fields=[], documents=[{"key": "ktp", "reason": "Buram"}]
    )
    page = client.get(f"/applications/{application.id}/correction?lang=id").get_data(as_text=True)
    card = _card(page, "ktp")
    assert "Pakai dari Dokumen saya" in card
    assert f'form="doc-ktp-vault-{item.id}"' in card
    assert f'id="doc-ktp-vault-{item.id}"' in page
    response = _use(client, application.id, "ktp", item.id)
    assert response.headers["Location"].endswith(f"/applications/{application.id}/correction#doc-ktp")
    names = sorted(d.original_name for d in _docs(application.id))
    assert names == ["ktp-baru.pdf"]  # the one-file slot: the flagged file is replaced


def test_closing_the_account_deletes_my_documents_and_the_address(client, login_as):
    user = login_as()
    _keep(client)
    (item,) = _items(user)
    user.address = "Jl. Pahlawan No. 12"
    db.session.commit()
    page = client.get("/account/data?lang=en").get_data(as_text=True)
    response = client.post(
        "/account/data/close?lang=en", data={"csrf_token": csrf_token(page), "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert _items(user) == []
    assert not get_storage().exists(item.storage_key)
    db.session.refresh(user)
    assert user.address is None


def test_my_data_export_lists_my_documents_and_the_address(client, login_as):
    user = login_as()
    _keep(client, name="ktp-saya.pdf")
    user.address = "Jl. Pahlawan No. 12"
    db.session.commit()
    data = client.get("/account/data/export.json").get_json(force=True)
    assert data["account"]["address"] == "Jl. Pahlawan No. 12"
    assert [(d["kind"], d["file_name"]) for d in data["my_documents"]] == [("ktp", "ktp-saya.pdf")]
