"""One error base: every refusal a person can act on is a PortalError with a translated message
and an HTTP status, rendered by one handler (an error page, a flash and a redirect back to the
refused form, or JSON under /api/); services raise it and never abort()."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from portal import create_app
from portal.admin.services import AdminError
from portal.applications.services import ApplicationError, MissingItems
from portal.applications.workflow import NotPermitted, StaleApplication, TransitionNotAllowed
from portal.auth.services import AccountError
from portal.backoffice.services import BackofficeError, BadFilter
from portal.catalogue.formspec.definition import DefinitionError
from portal.errors import AccessDenied, NotFoundError, PortalError
from portal.extensions import db
from portal.helpdesk.services.access import HelpdeskError
from portal.helpdesk.services.assist import AssistCodeInvalid, AssistLocked
from portal.notifications import services as notifications
from portal.permits.services import PermitError, PermitNumberPatternError
from portal.public.services import PublicError
from portal.public.skm import SurveyError
from portal.security import public
from portal.storage import UploadRejected
from portal.tutorials.services import ProgressError, TutorialError
from portal.tutorials.vtt import VttError
from tests.conftest import make_user

PORTAL = Path(__file__).resolve().parent.parent / "portal"


@pytest.mark.parametrize(
    "error",
    [
        AdminError,
        ApplicationError,
        MissingItems,
        NotPermitted,
        StaleApplication,
        TransitionNotAllowed,
        AccountError,
        BackofficeError,
        BadFilter,
        DefinitionError,
        HelpdeskError,
        AssistCodeInvalid,
        AssistLocked,
        PermitError,
        PermitNumberPatternError,
        PublicError,
        SurveyError,
        UploadRejected,
        ProgressError,
        TutorialError,
        VttError,
    ],
)
def test_every_domain_error_is_a_portal_error(error):
    assert issubclass(error, PortalError)
    assert 400 <= error.status_code < 500


def test_statuses_say_what_kind_of_refusal_it_is():
    assert StaleApplication.status_code == 409
    assert NotPermitted.status_code == 403
    assert AssistLocked.status_code == 429
    assert AccessDenied.status_code == 403
    assert NotFoundError.status_code == 404


def test_no_service_calls_abort():
    offenders = []
    for path in PORTAL.rglob("*.py"):
        if "services" not in path.stem and path.parent.name != "services":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "abort":
                offenders.append(f"{path.relative_to(PORTAL)}:{node.lineno}")
    assert offenders == []


def test_a_service_loader_raises_not_found_for_someone_elses_object(app):
    owner = make_user()
    notice = notifications.add_notice(owner.id, "Hello")
    db.session.flush()
    with pytest.raises(NotFoundError):
        notifications.get_notice_or_404(notice.id, make_user())


@pytest.fixture
def error_app(tmp_path):
    """A fresh app (routes cannot be added to the shared one) with views that raise."""
    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'e.db'}",
        MAIL_DIR=tmp_path / "mail",
        UPLOAD_ROOT=tmp_path / "uploads",
        INSTANCE_DIR=tmp_path,
        WTF_CSRF_ENABLED=False,
    )

    @public
    def refuse():
        raise PublicError("Write your question in at most 300 letters, then send it again.")

    @public
    def missing():
        raise NotFoundError()

    @public
    def stale():
        raise StaleApplication("Someone else changed this application a moment ago.")

    app.add_url_rule("/test-refuse", "test_refuse", refuse, methods=["GET", "POST"])
    app.add_url_rule("/test-missing", "test_missing", missing)
    app.add_url_rule("/api/test-refuse", "test_api_refuse", refuse, methods=["POST"])
    app.add_url_rule("/test-stale", "test_stale", stale, methods=["POST"])
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_an_uncaught_refusal_is_a_page_with_its_message_and_status(error_app):
    client = error_app.test_client()
    response = client.get("/test-refuse", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "Write your question in at most 300 letters" in response.get_data(as_text=True)


def test_a_refused_form_goes_back_to_the_form_with_the_message(error_app):
    client = error_app.test_client()
    response = client.post("/test-stale", headers={"Referer": "http://localhost/some/form?x=1"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/some/form?x=1"
    page = client.get("/test-refuse").get_data(as_text=True)  # the next page shows the flash
    assert "Someone else changed this application a moment ago." in page


def test_a_refused_form_posted_from_another_site_is_not_redirected_there(error_app):
    client = error_app.test_client()
    response = client.post("/test-stale", headers={"Referer": "https://evil.example/form"})
    assert response.status_code == 409
    assert "Someone else changed this application a moment ago." in response.get_data(as_text=True)


def test_not_found_looks_like_abort_404(error_app):
    response = error_app.test_client().get("/test-missing", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_api_refusals_are_json(error_app):
    response = error_app.test_client().post("/api/test-refuse")
    assert response.status_code == 400
    assert response.json["status"] == 400
    assert "300 letters" in response.json["hint"]
