"""Back-office pages. Thin: parse, call backoffice.services, flash, redirect."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role
from portal.backoffice import bp, review_page, services
from portal.backoffice.documents import document_kind, get_document_for_staff_or_404
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
from portal.errors import NotFoundError
from portal.extensions import db, talisman
from portal.params import to_id
from portal.permits.services import permit_for_application
from portal.permits.signing import SigningUnavailable
from portal.privacy.access_log import record_access_now
from portal.security import roles_required
from portal.storage import get_storage
from portal.storage.pdf_pages import DEFAULT_WIDTH, WIDTHS, PreviewUnavailable, render_page
from portal.storage.serving import safe_download_response

STAFF = services.STAFF_ROLES
#: How long the browser may keep a rendered page of a document (its own cache only: a file
#: never changes under its id, a replaced one has a new id). Every action on the review page
#: reloads it; without this each reload would render every page again.
PAGE_MAX_AGE = 600


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
    officer_names = review_page.officer_names(
        {row.application.assigned_officer_id for row in page.rows if row.application.assigned_officer_id}
    )
    return render_template(
        "backoffice/queue.html",
        page=page,
        officer_names=officer_names,
        filters=filters,
        categories=categories,
        labels=workflow.STATUS_LABELS,
        statuses=services.QUEUE_STATUSES,
        args=args,
        assign_form=assign_form,
        can_assign=current_user.has_role(Role.APPROVER, Role.ADMIN),
        workload=services.workload(),
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
        **review_page.review_context(application, current_user),
        "forms": forms,
        "verdict_form": VerdictForm(),
        "flag_form": FlagFieldForm(),
        "note_form": NoteForm(),
    }


@bp.route("/applications/<id:application_id>")
@roles_required(*STAFF)
def review(application_id: int):
    application = services.get_application_for_staff_or_404(application_id, current_user)
    page = render_template("backoffice/review.html", **_review_context(application))
    # the answers hold the applicant's personal details: the applicant sees who looked (written
    # after the page is made: the short write commits, which expires what the page read)
    number = application.tracking_number or ""
    record_access_now(current_user, application.applicant_id, "application", number)
    principal = app_services.principal_of(application)
    if principal is not None:  # filed for her: her details are on the page too
        record_access_now(current_user, principal.id, "application", number)
    return page


def _back(application_id: int, anchor: str = ""):
    return redirect(url_for("backoffice.review", application_id=application_id) + anchor)


def _act(application_id: int, form_cls, action, done, anchor: str = ""):
    """Run one step with the form's version; any refusal is flashed, nothing changed. On
    success ``done(application, form, result)`` says what happened, in a sentence."""
    application = services.get_application_for_staff_or_404(application_id, current_user)
    form = form_cls()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = action(application, form)
    except workflow.StaleApplication as exc:
        flash(str(exc), "warning")
    except (workflow.WorkflowError, services.BackofficeError) as exc:
        flash(str(exc), "danger")
    except SigningUnavailable as exc:
        # The permit's letter could not be signed: the approval is undone with it (no permit,
        # no number used) and the approver reads why on the review page.
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        flash(done(application, form, result), "success")
    return _back(application_id, anchor)


def _document_label(application, key: str) -> str:
    spec = app_services.spec_of(application)
    requirement = spec.documents_by_key.get(key)
    return requirement.label if requirement else key


def _field_label(application, key: str) -> str:
    field = app_services.spec_of(application).by_key.get(key)
    return field.label if field else key


@bp.route("/applications/<id:application_id>/claim", methods=["POST"])
@roles_required(Role.OFFICER)
def claim(application_id: int):
    return _act(
        application_id,
        ActionForm,
        lambda a, f: services.claim(a, current_user),
        lambda a, f, r: _("You have taken %(number)s: it is now assigned to you.", number=a.tracking_number),
    )


@bp.route("/applications/<id:application_id>/start", methods=["POST"])
@roles_required(Role.OFFICER)
def start_review(application_id: int):
    return _act(
        application_id,
        ActionForm,
        lambda a, f: services.start_review(a, current_user, f.expected_version),
        lambda a, f, r: _(
            "You started checking %(number)s. Accept or flag each document and answer.",
            number=a.tracking_number,
        ),
    )


@bp.route("/applications/<id:application_id>/corrections", methods=["POST"])
@roles_required(Role.OFFICER)
def request_corrections(application_id: int):
    return _act(
        application_id,
        CorrectionForm,
        lambda a, f: services.request_corrections(a, current_user, f.message.data, f.expected_version),
        lambda a, f, r: _(
            "The correction request was sent to the applicant. The time limit pauses until they "
            "send the corrections."
        ),
    )


@bp.route("/applications/<id:application_id>/recommend", methods=["POST"])
@roles_required(Role.OFFICER)
def recommend(application_id: int):
    """The officer's recommendation, in two steps like the approver's decision: the review
    page's form gets a confirmation page summing up the application; only its own form
    (``confirmed=yes``) sends the application to the approver."""
    application = services.get_application_for_staff_or_404(application_id, current_user)
    form = RecommendForm()
    if not form.validate_on_submit():
        abort(400)
    decision, reason = form.decision.data or "", (form.reason.data or "").strip()
    problem = services.recommendation_problem(
        application, current_user, decision, reason, form.expected_version
    )
    if problem:
        flash(problem, "danger")
        return _back(application_id, "#actions-title")
    if form.confirmed.data != "yes":
        form.confirmed.data = "yes"
        return render_template(
            "backoffice/confirm_recommendation.html",
            summary=review_page.decision_summary(application, decision, reason),
            form=form,
            labels=workflow.STATUS_LABELS,
            doc_states=review_page.DOCUMENT_STATE_LABELS,
        )
    return _act(
        application_id,
        RecommendForm,
        lambda a, f: services.recommend(
            a, current_user, f.decision.data or "", f.reason.data, f.expected_version
        ),
        lambda a, f, r: (
            _("Sent to the approver with a recommendation to approve.")
            if f.decision.data == "approve"
            else _("Sent to the approver with a recommendation to reject.")
        ),
    )


@bp.route("/applications/<id:application_id>/decide", methods=["POST"])
@roles_required(Role.APPROVER)
def decide(application_id: int):
    """The approver's decision, in two steps that work without JavaScript: the review page's
    form posts here and gets a confirmation page summing up the application; only the
    confirmation's own form (``confirmed=yes``) records the decision."""
    application = services.get_application_for_staff_or_404(application_id, current_user)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    decision, reason = form.decision.data or "", (form.reason.data or "").strip()
    problem = review_page.decision_problem(application, current_user, decision, reason, form.expected_version)
    if problem:
        flash(problem, "danger")
        return _back(application_id, "#actions-title")
    if form.confirmed.data != "yes":
        form.confirmed.data = "yes"
        return render_template(
            "backoffice/confirm_decision.html",
            summary=review_page.decision_summary(application, decision, reason),
            form=form,
            labels=workflow.STATUS_LABELS,
            doc_states=review_page.DOCUMENT_STATE_LABELS,
        )
    return _act(
        application_id,
        DecisionForm,
        lambda a, f: services.decide(a, current_user, decision, reason, f.expected_version),
        _decided,
    )


def _decided(application, form, result) -> str:
    if application.status is S.APPROVED:
        permit = permit_for_application(application.id)
        if permit is not None:
            return _(
                "Approved. Permit %(permit)s has been issued and the applicant has been told.",
                permit=permit.number,
            )
        return _("Approved. The applicant has been told.")
    return _("Rejected. The applicant has been told, with your reason.")


@bp.route("/applications/<id:application_id>/documents/<id:document_id>/verdict", methods=["POST"])
@roles_required(Role.OFFICER)
def document_verdict(application_id: int, document_id: int):
    return _act(
        application_id,
        VerdictForm,
        lambda a, f: services.set_document_verdict(
            a, document_id, current_user, f.verdict.data == "accept", f.reason.data, f.expected_version
        ),
        lambda a, f, doc: (
            _("Document %(name)s accepted.", name=_document_label(a, doc.requirement_key))
            if f.verdict.data == "accept"
            else _(
                "Document %(name)s flagged: it will be in the correction request.",
                name=_document_label(a, doc.requirement_key),
            )
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
        lambda a, f, flag: _(
            "Answer %(name)s flagged: it will be in the correction request.",
            name=_field_label(a, flag.key),
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
        lambda a, f, r: _("The flag was removed."),
        anchor="#flags",
    )


@bp.route("/applications/<id:application_id>/notes", methods=["POST"])
@roles_required(*STAFF)
def add_note(application_id: int):
    return _act(
        application_id,
        NoteForm,
        lambda a, f: services.add_note(a, current_user, f.text.data),
        lambda a, f, r: _("Your note was added. Only staff can read it."),
        anchor="#notes",
    )


@bp.route("/applications/<id:application_id>/documents/<id:document_id>/pages/<id:number>")
def document_page(application_id: int, document_id: int, number: int):
    """Page ``number`` of a PDF document as a picture, for the review page. For the office's
    staff only: anyone else, another application's document, a page the file does not have or
    a file that cannot be read gets 404 (the review page says why it shows no pages)."""
    _application, document = get_document_for_staff_or_404(application_id, document_id, current_user)
    if document_kind(document) != "pdf":
        raise NotFoundError()
    raw_width = request.args.get("w", str(DEFAULT_WIDTH))
    width = int(raw_width) if raw_width in {str(w) for w in WIDTHS} else 0
    try:
        body = render_page(get_storage(), document.storage_key, number, width)
    except (PreviewUnavailable, IndexError, ValueError):
        raise NotFoundError() from None
    g.no_store = False
    response = Response(body, mimetype="image/jpeg")
    response.headers["Cache-Control"] = f"private, max-age={PAGE_MAX_AGE}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


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
    """A document for staff: ``download`` as an attachment, ``preview`` inline (a photo's
    <img> on the review page; a PDF is shown there as pictures of its pages, see
    ``document_page``), under a CSP that runs nothing."""
    if mode not in ("download", "preview"):
        abort(404)
    application = services.get_application_for_staff_or_404(application_id, current_user)
    document = next((d for d in app_services.documents_of(application) if d.id == document_id), None)
    if document is None:
        abort(404)
    label = f"{application.tracking_number or ''} {document.original_name}".strip()
    response = safe_download_response(
        document.storage_key, document.original_name, document.content_type, as_attachment=mode == "download"
    )
    record_access_now(current_user, application.applicant_id, "document", label)
    principal = app_services.principal_of(application)
    if principal is not None:
        record_access_now(current_user, principal.id, "document", label)
    return response
