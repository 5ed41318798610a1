"""Issue 16: what an admin sets for the permit letters. The coat of arms goes through the image
checks (an SVG with a script and a 40-megapixel picture are refused, nothing stored); the layout
and the printed answers are chosen per permit type; an approver's position, rank and NIP are
edited on their staff page and printed under their name."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
from PIL import Image
from sqlalchemy import func, select

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role
from portal.extensions import db
from portal.permits import services as permits
from portal.permits.models import Letterhead
from portal.storage import get_storage
from tests.conftest import csrf_token, make_user
from tests.wizard_helpers import make_category

ANSWERS = {"business_name": "Warung Sederhana", "employees": 3, "has_branch": "no"}


def stored_files(app) -> set[str]:
    root = Path(app.config["UPLOAD_ROOT"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def upload_logo(client, data: bytes, name: str):
    page = client.get("/admin/letters").get_data(as_text=True)
    return client.post(
        "/admin/letters/logo",
        data={"csrf_token": csrf_token(page), "logo": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (30, 60, 110)).save(buf, format="PNG")
    return buf.getvalue()


def issue(category=None, approver=None):
    applicant = make_user(Role.APPLICANT)
    application = app_services.start_application(applicant, category or make_category())
    application.answers = dict(ANSWERS)
    db.session.commit()
    officer = make_user(Role.OFFICER)
    workflow.transition(application, S.SUBMITTED, applicant)
    workflow.transition(application, S.IN_REVIEW, officer)
    workflow.transition(application, S.RECOMMENDED, officer)
    workflow.transition(application, S.APPROVED, approver or make_user(Role.APPROVER))
    db.session.commit()
    permit = permits.permit_for_application(application.id)
    with get_storage().open(permit.pdf_key) as fh:
        return pypdf.PdfReader(io.BytesIO(fh.read())).pages[0]


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<script>alert(document.cookie)</script><circle cx="50" cy="50" r="40"/></svg>'
)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (SVG_WITH_SCRIPT, "lambang.svg"),
        (SVG_WITH_SCRIPT, "lambang.png"),  # an SVG named as a PNG: the bytes decide
        (SVG_WITH_SCRIPT.replace(b"<?xml", b"\xef\xbb\xbf<?xml"), "lambang.svg"),  # behind a BOM
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "lambang.svg",
        ),  # script in an attribute
    ],
    ids=["svg", "svg-named-png", "svg-after-bom", "svg-onload"],
)
def test_an_svg_coat_of_arms_with_a_script_is_refused_and_nothing_stored(app, client, login_as, data, name):
    login_as(Role.ADMIN)
    before = stored_files(app)
    response = upload_logo(client, data, name)
    assert response.status_code == 400
    assert "SVG" in response.get_data(as_text=True)
    assert stored_files(app) == before
    assert db.session.scalar(select(func.count()).select_from(Letterhead)) == 0


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_a_40_megapixel_coat_of_arms_is_refused_and_nothing_stored(app, client, login_as, kind):
    login_as(Role.ADMIN)
    before = stored_files(app)
    big = io.BytesIO()
    Image.new("L", (8000, 5000), 255).save(big, format=kind)  # 40 MP in a small file
    response = upload_logo(client, big.getvalue(), f"lambang.{kind.lower()}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "piksel" in html or "pixels" in html
    assert stored_files(app) == before
    assert db.session.scalar(select(func.count()).select_from(Letterhead)) == 0


def test_an_uploaded_coat_of_arms_is_printed_on_the_next_letters(client, login_as):
    category = make_category()
    assert len(list(issue(category).images)) == 0  # the placeholder shield and the QR code are drawn
    login_as(Role.ADMIN)
    response = upload_logo(client, png(600, 600), "lambang.png")
    assert response.status_code == 302
    assert len(list(issue(category).images)) == 1  # the coat of arms
    page = client.get("/admin/letters?lang=en").get_data(as_text=True)
    assert "600 x 600" in page


def test_the_admin_sees_the_coat_of_arms_as_the_letters_print_it(app, client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/admin/letters/logo.jpg").status_code == 404  # none uploaded yet
    # A transparent 800 x 600 picture: the preview is what the letter prints, scaled, on white.
    picture = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    picture.paste((200, 30, 30, 255), (200, 100, 600, 500))
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    assert upload_logo(client, buf.getvalue(), "lambang.png").status_code == 302
    page = client.get("/admin/letters").get_data(as_text=True)
    found = re.search(r'<img[^>]+src="(/admin/letters/logo\.jpg[^"]*)"[^>]*alt="([^"]+)"', page)
    assert found, page
    assert "kop surat" in found.group(2)
    response = client.get(found.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    shown = Image.open(io.BytesIO(response.data))
    assert shown.size == (320, 240)
    assert shown.convert("RGB").getpixel((5, 5)) >= (250, 250, 250)  # the transparent corner, white
    red = shown.convert("RGB").getpixel((160, 120))
    assert red[0] > 180 and red[1] < 70 and red[2] < 70


def test_only_admins_see_the_coat_of_arms_preview(client, login_as):
    login_as(Role.APPROVER)
    assert client.get("/admin/letters/logo.jpg").status_code == 403


def test_only_admins_reach_the_letters_page(client, login_as):
    login_as(Role.APPROVER)
    assert client.get("/admin/letters").status_code == 403


def test_the_admin_chooses_layout_and_printed_answers(client, login_as):
    category = make_category()
    login_as(Role.ADMIN)
    page = client.get("/admin/letters").get_data(as_text=True)
    assert re.search(rf'<input checked[^>]*name="c{category.id}-fields"[^>]*value="business_name"', page)
    response = client.post(
        f"/admin/letters/{category.id}",
        data={
            "csrf_token": csrf_token(page),
            f"c{category.id}-layout": "certificate",
            f"c{category.id}-fields": ["employees"],
        },
    )
    assert response.status_code == 302
    db.session.refresh(category)
    assert category.certificate_layout == "certificate"
    assert category.certificate_fields == ["employees"]
    text = issue(category).extract_text()
    assert "Warung Sederhana" not in text  # no longer chosen
    assert "diberikan kepada" in text  # the certificate's wording


def test_an_unknown_field_is_refused(client, login_as):
    category = make_category()
    login_as(Role.ADMIN)
    page = client.get("/admin/letters").get_data(as_text=True)
    client.post(
        f"/admin/letters/{category.id}",
        data={
            "csrf_token": csrf_token(page),
            f"c{category.id}-layout": "letter",
            f"c{category.id}-fields": ["nope"],
        },
    )
    db.session.refresh(category)
    assert category.certificate_fields is None


def test_the_admin_sets_an_approvers_nip_rank_and_position_printed_on_the_letter(client, login_as):
    approver = make_user(Role.APPROVER, full_name="Ir. Bambang Wijaya")
    login_as(Role.ADMIN)
    page = client.get(f"/admin/staff/{approver.id}").get_data(as_text=True)
    bad = client.post(
        f"/admin/staff/{approver.id}/profile",
        data={
            "csrf_token": csrf_token(page),
            "position": "Kepala Bidang",
            "rank": "Pembina (IV/a)",
            "nip": "12345",
        },
    )
    assert bad.status_code == 400
    assert "18" in bad.get_data(as_text=True)
    ok = client.post(
        f"/admin/staff/{approver.id}/profile",
        data={
            "csrf_token": csrf_token(page),
            "position": "Kepala Bidang Perizinan",
            "rank": "Pembina (IV/a)",
            "nip": "19800202 200501 1 002",
        },
    )
    assert ok.status_code == 302
    db.session.refresh(approver)
    assert approver.nip == "198002022005011002"
    text = issue(approver=approver).extract_text()
    assert "Kepala Bidang Perizinan" in text and "Pembina (IV/a)" in text
    assert "NIP. 19800202 200501 1 002" in text
