"""The one https link check (portal.weblinks) that the office's social links and the service
mall directory's agency websites and service links both go through: the refusals each of them
had are now refused for both (javascript:, data:, http:, user names, invisible characters, IP
addresses, IDN and look-alike hosts), with the words the admin reads."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.directory.models import Agency
from portal.extensions import db
from portal.site.models import SocialLink
from portal.weblinks import LinkRefused, check_https_link
from tests.conftest import post_form
from tests.test_directory import _agency_form, mall  # noqa: F401, F811 - mall is a fixture
from tests.test_site import post

# What the social links refused.
SOCIAL_REFUSED = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "http://www.instagram.com/kantor",
    "//www.instagram.com/kantor",
    "www.instagram.com/kantor",
    "https://www.facebook.com@evil.example/kantor",
    "https://user:pass@instagram.com/kantor",
    "https://faceb00k.com/kantor",
    "https://instagram.com.evil.example/kantor",
    "https://www.instagrarn.com/kantor",
    "https://youtube-com.example/kantor",
    "https://xn--fcebook-8va.com/kantor",
    "https://f\u0430cebook.com/kantor",  # Cyrillic a
    "https://instagram\u3002com/kantor",  # ideographic full stop
    "https://\u200binstagram.com/kantor",  # zero-width space
    "https://127.0.0.1/admin",
    "https://[::1]/",
    "https://localhost/",
    "https://instagram.com:8443/kantor",
    "https://" + "a" * 300 + ".com/",
]
# What the directory's links refused.
DIRECTORY_REFUSED = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "http://samsat.info",
    "https://samsat.info@evil.example",
    "//evil.example",
    "https://",
    "https://localhost",
    "https://sam\u200bsat.info",
    "vbscript:msgbox",
]
# Look-alikes of the mall's own agencies' addresses.
LOOK_ALIKES = [
    "https://bpjs-kesehatan.go.id\u0430/",  # a Cyrillic letter at the end
    "https://xn--bpjs-ksehatan-9kb.go.id/",
    "https://dukcap\u0131l.go.id/",  # dotless i
    "https://10.0.0.5/layanan",
]
ACCEPTED = {
    "https://www.instagram.com/dpmptsp.kota": "https://www.instagram.com/dpmptsp.kota",
    "https://WWW.Facebook.com/dpmptsp": "https://www.facebook.com/dpmptsp",
    "https://x.com/dpmptsp": "https://x.com/dpmptsp",
    "https://mpp.samarinda.go.id/": "https://mpp.samarinda.go.id/",
    " https://samsat.info/layanan?x=1 ": "https://samsat.info/layanan?x=1",
    "https://www.bpjs-kesehatan.go.id": "https://www.bpjs-kesehatan.go.id",
}


@pytest.mark.parametrize("required", [True, False], ids=["social", "directory"])
@pytest.mark.parametrize("url", sorted(set(SOCIAL_REFUSED + DIRECTORY_REFUSED + LOOK_ALIKES)))
def test_a_link_that_is_not_a_plain_https_address_is_refused_for_both_callers(url, required):
    with pytest.raises(LinkRefused):
        check_https_link(url, required=required)


@pytest.mark.parametrize("required", [True, False], ids=["social", "directory"])
@pytest.mark.parametrize("url", list(ACCEPTED))
def test_a_plain_https_link_is_taken(url, required):
    assert check_https_link(url, required=required) == ACCEPTED[url]


def test_no_link_is_allowed_only_where_a_link_is_optional(app):
    assert check_https_link("", required=False) == ""
    assert check_https_link("   ", required=False) == ""
    with app.test_request_context("/?lang=id"), pytest.raises(LinkRefused) as refused:
        check_https_link("")
    assert "https://" in str(refused.value)


# -- both callers go through it ----------------------------------------------------------------
def test_the_directory_refuses_a_look_alike_agency_website_and_saves_nothing(client, login_as):
    login_as(Role.ADMIN)
    form = _agency_form(website="https://faceb00k.com/dpmptsp")
    html = post_form(client, "/admin/directory/new", form).get_data(as_text=True)
    assert "facebook.com" in html  # the message names the network it imitates
    assert db.session.scalar(select(Agency).where(Agency.name_id == "Kantor Pertanahan (BPN)")) is None


def test_the_social_links_refuse_a_numeric_address_and_save_nothing(client, login_as):
    login_as(Role.ADMIN)
    response = post(
        client, "/admin/website", "/admin/website/social", {"label": "Web", "url": "https://10.0.0.5/"}
    )
    assert response.status_code == 400
    assert "alamat berupa angka" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SocialLink)) == 0


def test_the_demo_directory_links_pass(mall):  # noqa: F811 - the fixture
    for agency in mall.values():
        assert check_https_link(agency.website, required=False) == agency.website
        for service in agency.services:
            assert check_https_link(service.link, required=False) == service.link
