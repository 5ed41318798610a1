"""Back-office pages. Thin: parse, call backoffice.services, flash, redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.models import ApplicationStatus as S
from portal.applications.models import DocumentState
from portal.auth.models import Role
from portal.backoffice import bp, services
from portal.backoffice.forms import (
    ActionForm,
    AssignForm,
    CorrectionForm,
    DecisionForm,
    FlagFieldForm,
    NoteForm,
    RecommendForm,
    VerdictForm,
)
from portal.catalogue.models import PermitCategory
from portal.extensions import db, talisman
from portal.params import to_id
from portal.security import roles_required
from portal.storage.serving import safe_download_response

STAFF = services.STAFF_ROLES
DOCUMENT_STATE_LABELS = {
    DocumentState.PENDING: _l("not checked yet"),
    DocumentState.ACCEPTED: _l("accepted"),
    DocumentState.FLAGGED: _l("flagged for correction"),
}


@bp.route("/queue")
@roles_required(*STAFF)
def queue():
    try:
        filters = services.parse_filters(request.args, current_user)
    except services.BadFilter:
        abort(400)
    page = services.queue_page(filters, current_user)
    categories = db.session.scalars(db.select(PermitCategory).order_by(PermitCategory.name_id)).all()
    assign_form = AssignForm()
    assign_form.officer_id.choices = [SelectChoice(o.id, o.full_name) for o in services.officers()]
    args = {k: v for k, v in request.args.items() if k != "cursor"}
    return render_template(
        "backoffice/queue.html",
        page=page,
        filters=filters,
        categories=categories,
        labels=workflow.STATUS_LABELS,
        statuses=services.QUEUE_STATUSES,
        args=args,
        assign_form=assign_form,
        can_assign=current_user.has_role(Role.APPROVER, Role.ADMIN),
    )


@bp.route("/assign", methods=["POST"])
@roles_required(Role.APPROVER, Role.ADMIN)
def assign():
    form = AssignForm()
    form.officer_id.choices = [SelectChoice(o.id, o.full_name) for o in services.officers()]
    if not form.validate_on_submit():
        abort(400)
    try:  # ids no application can have (past 32 bits, unicode digits) are a malformed form
        ids = [to_id(raw) for raw in request.form.getlist("application_ids")]
    except ValueError:
        abort(400)
    if not ids or not form.officer_id.data:
        flash(_("Choose at least one application and an officer."), "danger")
    else:
        try:
            count = services.assign(ids, form.officer_id.data, current_user)
        except services.BackofficeError as exc:
            flash(str(exc), "danger")
        else:
            flash(
                ngettext("%(num)d application assigned.", "%(num)d applications assigned.", count), "success"
            )
    return redirect(url_for("backoffice.queue"))


def _review_context(application):
    spec = app_services.spec_of(application)
    version = application.version
    forms = {
        name: cls()
        for name, cls in (
            ("action", ActionForm),
            ("correction", CorrectionForm),
            ("recommend", RecommendForm),
            ("decision", DecisionForm),
        )
    }
    for form in forms.values():
        form.version.data = version
    return {
        "application": application,
        "spec": spec,
        "category": application.category,
        "applicant": application.applicant,
        "documents": app_services.documents_of(application),
        "events": app_services.timeline(application, for_applicant=False),
        "flags": services.open_flags(application),
        "notes": services.notes(application),
        "labels": workflow.STATUS_LABELS,
        "allowed": workflow.allowed_transitions(application, current_user),
        "forms": forms,
        "verdict_form": VerdictForm(),
        "flag_form": FlagFieldForm(),
        "note_form": NoteForm(),
        "S": S,
        "doc_states": DOCUMENT_STATE_LABELS,
    }


@bp.route("/applications/<id:application_id>")
@roles_required(*STAFF)
def review(application_id: int):
    application = services.get_application_for_staff_or_404(application_id, current_user)
    return render_template("backoffice/review.html", **_review_context(application))


def _back(application_id: int, anchor: str = ""):
    return redirect(url_for("backoffice.review", application_id=application_id) + anchor)


def _act(application_id: int, form_cls, action, anchor: str = ""):
    """Run one decision with the form's version; any refusal is flashed, nothing changed."""
    application = services.get_application_for_staff_or_404(application_id, current_user)
    form = form_cls()
    if not form.validate_on_submit():
        abort(400)
    try:
        action(application, form)
    except workflow.StaleApplication as exc:
        flash(str(exc), "warning")
    except (workflow.WorkflowError, services.BackofficeError) as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Done."), "success")
    return _back(application_id, anchor)


@bp.route("/applications/<id:application_id>/claim", methods=["POST"])
@roles_required(Role.OFFICER)
def claim(application_id: int):
    return _act(application_id, ActionForm, lambda a, f: services.claim(a, current_user))


@bp.route("/applications/<id:application_id>/start", methods=["POST"])
@roles_required(Role.OFFICER)
def start_review(application_id: int):
    return _act(
        application_id, ActionForm, lambda a, f: services.start_review(a, current_user, f.expected_version)
    )


@bp.route("/applications/<id:application_id>/corrections", methods=["POST"])
@roles_required(Role.OFFICER)
def request_corrections(application_id: int):
    return _act(
        application_id,
        CorrectionForm,
        lambda a, f: services.request_corrections(a, current_user, f.message.data, f.expected_version),
    )


@bp.route("/applications/<id:application_id>/recommend", methods=["POST"])
@roles_required(Role.OFFICER)
def recommend(application_id: int):
    return _act(
        application_id,
        RecommendForm,
        lambda a, f: services.recommend(
            a, current_user, f.decision.data or "", f.reason.data, f.expected_version
        ),
    )


@bp.route("/applications/<id:application_id>/decide", methods=["POST"])
@roles_required(Role.APPROVER)
def decide(application_id: int):
    return _act(
        application_id,
        DecisionForm,
        lambda a, f: services.decide(
            a, current_user, f.decision.data or "", f.reason.data, f.expected_version
        ),
    )


@bp.route("/applications/<id:application_id>/documents/<id:document_id>/verdict", methods=["POST"])
@roles_required(Role.OFFICER)
def document_verdict(application_id: int, document_id: int):
    return _act(
        application_id,
        VerdictForm,
        lambda a, f: services.set_document_verdict(
            a, document_id, current_user, f.verdict.data == "accept", f.reason.data, f.expected_version
        ),
        anchor=f"#document-{document_id}",
    )


@bp.route("/applications/<id:application_id>/flags", methods=["POST"])
@roles_required(Role.OFFICER)
def flag_field(application_id: int):
    return _act(
        application_id,
        FlagFieldForm,
        lambda a, f: services.flag_field(
            a, current_user, f.key.data or "", f.reason.data, f.expected_version
        ),
        anchor="#answers",
    )


@bp.route("/applications/<id:application_id>/flags/<id:flag_id>/remove", methods=["POST"])
@roles_required(Role.OFFICER)
def unflag(application_id: int, flag_id: int):
    return _act(
        application_id,
        ActionForm,
        lambda a, f: services.unflag(a, current_user, flag_id, f.expected_version),
        anchor="#flags",
    )


@bp.route("/applications/<id:application_id>/notes", methods=["POST"])
@roles_required(*STAFF)
def add_note(application_id: int):
    return _act(
        application_id,
        NoteForm,
        lambda a, f: services.add_note(a, current_user, f.text.data),
        anchor="#notes",
    )


@bp.route("/applications/<id:application_id>/documents/<id:document_id>/<mode>")
@roles_required(*STAFF)
@talisman(
    frame_options="SAMEORIGIN",
    content_security_policy={
        "default-src": "'none'",
        "img-src": "'self'",
        "object-src": "'self'",
        "frame-ancestors": "'self'",
        "sandbox": "",
    },
)
def document_file(application_id: int, document_id: int, mode: str):
    """A document for staff: ``download`` as an attachment, ``preview`` inline for the
    sandboxed frame on the review page (same origin only)."""
    if mode not in ("download", "preview"):
        abort(404)
    application = services.get_application_for_staff_or_404(application_id, current_user)
    document = next((d for d in app_services.documents_of(application) if d.id == document_id), None)
    if document is None:
        abort(404)
    return safe_download_response(
        document.storage_key, document.original_name, document.content_type, as_attachment=mode == "download"
    )
