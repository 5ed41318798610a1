"""The office's side of the filmed journey, done through the services (not filmed) on the
scratch portal: an officer flags one answer (or document) and asks for a correction; later the
officer accepts the documents and recommends, and the approver approves, so a permit is issued.
"""

from __future__ import annotations

from portal.applications import services as app_services
from portal.applications.models import Application
from portal.auth.models import User
from portal.backoffice import services as office
from portal.extensions import db

CORRECTION_MESSAGE = "Mohon lengkapi isian yang ditandai, lalu kirim kembali."
FLAG_REASON = "Mohon tulis lebih lengkap."


def _load(portal, application_id: int):
    application = db.session.get(Application, application_id)
    return application, db.session.get(User, portal.officer_id), db.session.get(User, portal.approver_id)


def ask_for_correction(portal, application_id: int, field_key: str | None, document_key: str | None) -> None:
    with portal.app.app_context():
        application, officer, _approver = _load(portal, application_id)
        office.start_review(application, officer, application.version)
        if field_key:
            office.flag_field(application, officer, field_key, FLAG_REASON)
        elif document_key:
            doc = next(d for d in app_services.documents_of(application) if d.requirement_key == document_key)
            office.set_document_verdict(application, doc.id, officer, False, FLAG_REASON)
        db.session.refresh(application)
        office.request_corrections(application, officer, CORRECTION_MESSAGE, application.version)
        db.session.commit()  # the scratch portal's own transaction: the browser reads it next
        db.session.remove()


def approve(portal, application_id: int) -> None:
    with portal.app.app_context():
        application, officer, approver = _load(portal, application_id)
        office.start_review(application, officer, application.version)
        for doc in app_services.documents_of(application):
            office.set_document_verdict(application, doc.id, officer, True)
        db.session.refresh(application)
        office.recommend(application, officer, "approve", "", application.version)
        db.session.refresh(application)
        office.decide(application, approver, "approve", "", application.version)
        db.session.commit()
        db.session.remove()
