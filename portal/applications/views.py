"""The applicant's pages: dashboard, the wizard, documents, submission, tracking,
corrections, and the public status check. Thin: parse, call services, flash, redirect."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications import bp, services, tracking, vault_reuse, workflow
from portal.applications.forms import (
    CoApplicantInviteForm,
    EmptyForm,
    ResubmitForm,
    StatusCheckForm,
    SubmitApplicationForm,
    WithdrawForm,
)
from portal.applications.history import sentence
from portal.applications.models import ApplicationStatus as S
from portal.applications.services import coapplicants, holders
from portal.auth.forms import ResendVerificationForm
from portal.catalogue.models import HolderKind
from portal.catalogue.services import get_category_or_404
from portal.errors import NotFoundError
from portal.extensions import limiter
from portal.request_limits import accepts_uploads
from portal.security import public
from portal.storage import UploadRejected
from portal.storage.limits import upload_rate_limit
from portal.storage.serving import safe_download_response


def _status_limit() -> str:
    return tracking.STATUS_CHECK_LIMIT


# -- dashboard -------------------------------------------------------------------------------------
@bp.route("/dashboard")
def dashboard():
    applications = services.list_own_applications(current_user)
    resume = {}
    for application in applications:
        if application.status is S.DRAFT:
            number, total, step = services.resume_step(application)
            resume[application.id] = (number, total, _step_url(application.id, step))
    return render_template(
        "applications/dashboard.html",
        user=current_user,
        applications=applications,
        filed_for_me=services.applications_filed_for(current_user),
        business_applications=holders.business_applications(current_user),
        resume=resume,
        explained=services.STATUS_EXPLAINED,
        resend_form=ResendVerificationForm(),
        labels=workflow.STATUS_LABELS,
    )


# -- start -----------------------------------------------------------------------------------------
@bp.route("/permits/<slug>/apply", methods=["POST"])
def start(slug: str):
    category = get_category_or_404(slug)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if services.holds_mandates(current_user):
        # She files for others too: ask for whom first (the catalogue's button knows nothing of it).
        return redirect(url_for("applications.start_for", slug=slug))
    if HolderKind(category.holder_kind).allows_business:
        # A business may hold it: ask who will hold the permit first.
        return redirect(url_for("applications.start_holder", slug=slug))
    try:
        application = services.start_application(current_user, category)
    except services.ApplicationError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("catalogue.detail", slug=slug))
    return redirect(url_for("applications.requirements", application_id=application.id))


# -- the wizard ----------------------------------------------------------------------------------
def _draft_or_redirect(application_id: int):
    application = services.get_own_application_or_404(application_id, current_user, with_documents=False)
    if application.status is not S.DRAFT:
        return application, redirect(url_for("applications.detail", application_id=application.id))
    return application, None


def _wizard_context(application, current_key: str) -> dict:
    spec = services.spec_of(application)
    steps = services.steps(spec)
    keys = [s.key for s in steps]
    index = keys.index(current_key)
    done = set(application.completed_pages or [])
    return {
        "application": application,
        "documents": services.documents_of(application),
        "category": services.category_of(application),
        "spec": spec,
        "steps": steps,
        "step_index": index,
        "done_pages": done,
        "prev_step": steps[index - 1] if index > 0 else None,
        "next_step": steps[index + 1] if index + 1 < len(steps) else None,
        "step_url": lambda step: _step_url(application.id, step),
    }


def _step_url(application_id: int, step) -> str:
    if step.stage == services.STAGE_REQUIREMENTS:
        return url_for("applications.requirements", application_id=application_id)
    if step.stage == services.STAGE_FORM:
        return url_for("applications.form_page", application_id=application_id, page_key=step.page_key)
    if step.stage == services.STAGE_DOCUMENTS:
        return url_for("applications.documents", application_id=application_id)
    return url_for("applications.review", application_id=application_id)


@bp.route("/applications/<id:application_id>/requirements")
def requirements(application_id: int):
    application, leave = _draft_or_redirect(application_id)
    if leave:
        return leave
    return render_template(
        "applications/requirements.html", **_wizard_context(application, services.STAGE_REQUIREMENTS)
    )


@bp.route("/applications/<id:application_id>/form/<page_key>", methods=["GET", "POST"])
def form_page(application_id: int, page_key: str):
    application, leave = _draft_or_redirect(application_id)
    if leave:
        return leave
    spec = services.spec_of(application)
    if page_key not in spec.pages_by_key:
        abort(404)
    context = _wizard_context(application, f"page:{page_key}")
    form = EmptyForm()
    values = {**services.prefilled_values(application, page_key, current_user), **(application.answers or {})}
    errors: dict = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        result = services.save_page(application, page_key, request.form, actor=current_user)
        action = request.form.get("action", "continue")
        if result.ok or action == "later":
            if action == "later":
                flash(_("Your draft has been saved. You can continue later from your dashboard."), "success")
                return redirect(url_for("applications.dashboard"))
            if action == "back" and context["prev_step"]:
                return redirect(context["step_url"](context["prev_step"]))
            return redirect(context["step_url"](context["next_step"]))
        values, errors = result.form_values(application.answers), result.errors
    return render_template(
        "applications/form_page.html",
        page=spec.pages_by_key[page_key],
        values=values,
        errors=errors,
        form=form,
        **context,
    )


_DOC_ERRORS = "document_errors"


def _card_errors(application_id: int) -> dict[str, str]:
    """The upload refusals of the last post, shown once on their cards (no-JS round trip)."""
    errors = session.pop(_DOC_ERRORS, None) or {}
    if errors.get("application") != application_id:
        return {}
    return dict(errors.get("errors") or {})


def _remember_card_errors(application_id: int, errors: dict[str, str]) -> None:
    session[_DOC_ERRORS] = {"application": application_id, "errors": errors}


@bp.route("/applications/<id:application_id>/documents", methods=["GET", "POST"])
@accepts_uploads
@upload_rate_limit
def documents(application_id: int):
    application, leave = _draft_or_redirect(application_id)
    if leave:
        return leave
    context = _wizard_context(application, services.STAGE_DOCUMENTS)
    if request.method == "POST":
        # Without JavaScript the whole page is one form: every chosen file is uploaded,
        # whether "Upload" or "Continue" was pressed.
        if not EmptyForm().validate_on_submit():
            abort(400)
        errors = services.upload_chosen_files(application, request.files, actor=current_user)
        action = request.form.get("action", "")
        if errors:
            _remember_card_errors(application.id, errors)
            flash(_("A file could not be uploaded. The reason is shown with the document."), "danger")
            first = next(d.key for d in context["spec"].documents if d.key in errors)
            return redirect(
                url_for("applications.documents", application_id=application.id) + f"#doc-{first}"
            )
        if action == "later":
            flash(_("Your draft has been saved. You can continue later from your dashboard."), "success")
            return redirect(url_for("applications.dashboard"))
        if action == "continue":
            return redirect(context["step_url"](context["next_step"]))
        uploaded = request.form.get("upload", "")
        flash(_("The file has been uploaded."), "success")
        return redirect(
            url_for("applications.documents", application_id=application.id)
            + (f"#doc-{uploaded}" if uploaded else "#documents")
        )
    services.record_stage(application, services.STAGE_DOCUMENTS)
    return render_template(
        "applications/documents.html",
        form=EmptyForm(),
        card_errors=_card_errors(application.id),
        vault_offers=vault_reuse.vault_offers(application, current_user),
        **context,
    )


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@bp.route("/applications/<id:application_id>/documents/<requirement_key>", methods=["POST"])
@upload_rate_limit
@accepts_uploads
def upload(application_id: int, requirement_key: str):
    """One file for one document. The page's script posts here and gets JSON with the card
    re-rendered; a plain form post is redirected back to the card, its error on it."""
    application = services.get_own_application_or_404(application_id, current_user, with_documents=False)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    spec = services.document_spec(application, requirement_key)
    error = refused_by_rule = None
    try:
        services.add_document(application, requirement_key, request.files.get("file"), actor=current_user)
    except UploadRejected as exc:
        error = exc.message()
        services.log_upload_error(application, requirement_key, exc.code)
    except services.ApplicationError as exc:
        error = refused_by_rule = str(exc)
    if _wants_json():
        html = render_template(
            "applications/_document_slot.html",
            doc=spec,
            application=application,
            files=[d for d in services.documents_of(application) if d.requirement_key == requirement_key],
            reason=None,
            card_error=error,
            in_page_form=True,
            vault_offers=vault_reuse.vault_offers(application, current_user),
        )
        message = error or _("The file has been uploaded.")
        # A refusal is a normal answer for the page's script (it shows it on the card).
        return jsonify(ok=error is None, message=message, html=html)
    if error:
        _remember_card_errors(application.id, {requirement_key: error})
        # A rule's refusal (the application moved on) may land on a page without the card.
        flash(
            refused_by_rule or _("A file could not be uploaded. The reason is shown with the document."),
            "danger",
        )
    else:
        flash(_("The file has been uploaded."), "success")
    return redirect(_back_to_documents(application, requirement_key))


def _back_to_documents(application, requirement_key: str | None = None) -> str:
    anchor = f"#doc-{requirement_key}" if requirement_key else "#documents"
    if application.status is S.NEEDS_CORRECTION:
        return url_for("applications.correction", application_id=application.id) + anchor
    return url_for("applications.documents", application_id=application.id) + anchor


@bp.route("/applications/<id:application_id>/documents/<id:document_id>/preview")
def document_preview(application_id: int, document_id: int):
    """The document's small preview (JPEG), for the applicant's own application only."""
    application = services.get_own_application_or_404(
        application_id, current_user, with_documents=False, as_principal=True
    )
    document = next((d for d in services.documents_of(application) if d.id == document_id), None)
    if document is None or not document.thumbnail_key:
        abort(404)
    return safe_download_response(document.thumbnail_key, "preview.jpg", "image/jpeg", as_attachment=False)


@bp.route("/applications/<id:application_id>/documents/<id:document_id>/delete", methods=["POST"])
@accepts_uploads
def delete_document(application_id: int, document_id: int):
    application = services.get_own_application_or_404(application_id, current_user, with_documents=False)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if application.status is S.DRAFT:
        # "Remove" on the documents page posts the page's form: files chosen on other cards
        # come along and are uploaded, not dropped.
        errors = services.upload_chosen_files(application, request.files, actor=current_user)
        if errors:
            _remember_card_errors(application.id, errors)
    try:
        services.remove_document(application, document_id, actor=current_user)
    except NotFoundError:
        if not any(f.filename for f in request.files.values()):
            raise
        # the file chosen on the same card has just replaced it
    except services.ApplicationError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The file has been removed."), "info")
    return redirect(_back_to_documents(application))


@bp.route("/applications/<id:application_id>/documents/<id:document_id>/download")
def download_document(application_id: int, document_id: int):
    application = services.get_own_application_or_404(
        application_id, current_user, with_documents=False, as_principal=True
    )
    document = next((d for d in services.documents_of(application) if d.id == document_id), None)
    if document is None:
        abort(404)
    return safe_download_response(document.storage_key, document.original_name, document.content_type)


@bp.route("/applications/<id:application_id>/review", methods=["GET", "POST"])
def review(application_id: int):
    application, leave = _draft_or_redirect(application_id)
    if leave:
        return leave
    services.record_stage(application, services.STAGE_REVIEW)
    form = SubmitApplicationForm()
    problems: list[str] = []
    missing = services.missing_items(application)
    if form.validate_on_submit() and not form.declaration.data:
        # shown beside the checkbox and, as a link to it, in the summary at the top
        form.declaration.errors = [str(services.DECLARATION_MISSING)]
    elif form.validate_on_submit():
        try:
            services.submit(
                application,
                current_user,
                declaration=form.declaration.data,
                expected_version=form.expected_version,
            )
        except services.MissingItems as exc:
            missing = exc.missing
            problems.append(str(exc))
        except (services.ApplicationError, workflow.WorkflowError) as exc:
            problems.append(str(exc))
        else:
            return redirect(url_for("applications.confirmation", application_id=application.id))
    elif request.method == "POST":
        abort(400)
    form.version.data = application.version
    return render_template(
        "applications/review.html",
        form=form,
        problems=problems,
        missing=missing,
        **_wizard_context(application, services.STAGE_REVIEW),
    )


@bp.route("/applications/<id:application_id>/confirmation")
def confirmation(application_id: int):
    application = services.get_own_application_or_404(application_id, current_user, as_principal=True)
    if application.tracking_number is None:
        return redirect(url_for("applications.review", application_id=application.id))
    return render_template(
        "applications/confirmation.html", application=application, category=services.category_of(application)
    )


# -- tracking ------------------------------------------------------------------------------------
@bp.route("/applications/<id:application_id>")
def detail(application_id: int):
    application = services.get_own_application_or_404(
        application_id, current_user, with_documents=False, as_principal=True
    )
    withdraw_form = WithdrawForm()
    withdraw_form.version.data = application.version
    spec = services.spec_of(application)
    return render_template(
        "applications/detail.html",
        application=application,
        documents=services.documents_of(application),
        category=services.category_of(application),
        spec=spec,
        # events that change no status (a revoked permit) in the history's plain words, never
        # the audit log's action code; staff are "the office" on the applicant's pages
        describe=lambda event: sentence(event, application, spec, {}, staff_names=False),
        events=services.timeline(application),
        correction=services.open_correction(application),
        withdraw_form=withdraw_form,
        labels=workflow.STATUS_LABELS,
        can_withdraw=S.WITHDRAWN in workflow.allowed_transitions(application, current_user),
        permit=application.permit,
        co_applicant=coapplicants.latest(application),
        may_invite=coapplicants.may_invite(application, services.category_of(application))
        and application.applicant_id == current_user.id,
        invite_form=CoApplicantInviteForm(),
    )


@bp.route("/applications/<id:application_id>/withdraw", methods=["POST"])
def withdraw(application_id: int):
    application = services.get_own_application_or_404(application_id, current_user)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.withdraw(application, current_user, expected_version=form.expected_version)
    except workflow.WorkflowError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The application has been withdrawn."), "info")
    return redirect(url_for("applications.detail", application_id=application.id))


# -- correction round ------------------------------------------------------------------------------
@bp.route("/applications/<id:application_id>/correction", methods=["GET", "POST"])
def correction(application_id: int):
    application = services.get_own_application_or_404(application_id, current_user, with_documents=False)
    request_ = services.open_correction(application)
    if application.status is not S.NEEDS_CORRECTION or request_ is None:
        return redirect(url_for("applications.detail", application_id=application.id))
    spec = services.spec_of(application)
    form = ResubmitForm()
    values, errors, problems = dict(application.answers or {}), {}, []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        result = services.save_correction(application, request.form, actor=current_user)
        values, errors = result.form_values(application.answers), result.errors
        if result.ok and request.form.get("action") == "resubmit":
            try:
                services.resubmit(application, current_user, expected_version=form.expected_version)
            except services.MissingItems as exc:
                problems.append(str(exc))
                problems += [spec.by_key[k].label for keys in exc.missing.pages.values() for k in keys]
                docs = {d.key: d for d in spec.documents}
                problems += [
                    _("Upload a new file for: %(doc)s", doc=docs[k].label) for k in exc.missing.documents
                ]
            except (services.ApplicationError, workflow.WorkflowError) as exc:
                problems.append(str(exc))
            else:
                flash(_("Your corrections have been sent to the office."), "success")
                return redirect(url_for("applications.detail", application_id=application.id))
        elif result.ok:
            flash(_("Your corrections have been saved."), "success")
    form.version.data = application.version
    flagged_fields = [spec.by_key[item["key"]] for item in request_.fields if item["key"] in spec.by_key]
    reasons = {item["key"]: item.get("reason", "") for item in request_.fields + request_.documents}
    flagged_docs = [d for d in spec.documents if d.key in {i["key"] for i in request_.documents}]
    return render_template(
        "applications/correction.html",
        application=application,
        documents=services.documents_of(application),
        category=services.category_of(application),
        spec=spec,
        correction=request_,
        flagged_fields=flagged_fields,
        flagged_docs=flagged_docs,
        reasons=reasons,
        values=values,
        errors=errors,
        problems=problems,
        form=form,
        upload_form=EmptyForm(),
        card_errors=_card_errors(application.id),
        vault_offers=vault_reuse.vault_offers(application, current_user),
    )


# -- public status check --------------------------------------------------------------------------
@bp.route("/status", methods=["GET", "POST"])
@public
@limiter.shared_limit(_status_limit, tracking.STATUS_CHECK_SCOPE, methods=["POST"])
def status_check():
    form = StatusCheckForm()
    if request.method == "GET" and request.args.get("number"):
        # the receipt's QR code opens this page with the tracking number filled in
        form.tracking_number.data = request.args["number"].strip()[:20]
    result, searched = None, False
    if form.validate_on_submit():
        searched = True
        result = services.public_status(form.tracking_number.data, form.email.data)
    return render_template(
        "applications/status_check.html",
        form=form,
        result=result,
        searched=searched,
        labels=workflow.STATUS_LABELS,
    )
