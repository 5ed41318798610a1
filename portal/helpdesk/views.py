"""Help desk pages and the applicant's assist-code page. Thin: parse, call services, flash,
redirect. Every help desk view is role-checked on the server; the loaders check again."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.auth.models import Role
from portal.calendar.clock import office_today
from portal.extensions import limiter
from portal.helpdesk import assist_bp, bp, services
from portal.helpdesk.forms import (
    ActionForm,
    AssistCodeForm,
    NoteForm,
    SearchForm,
    SendTutorialForm,
    StuckFilterForm,
)
from portal.i18n import current_language
from portal.paging import int_arg
from portal.privacy.access_log import record_access, record_access_now
from portal.security import roles_required

HELPDESK = Role.HELPDESK


def _applicant_key() -> str:
    return f"helpdesk-resend:{(request.view_args or {}).get('user_id')}"


def _user_key() -> str:
    return f"assist-create:{current_user.id}"


# -- console: search ---------------------------------------------------------------------------------
@bp.route("/")
@roles_required(HELPDESK)
def index():
    form = SearchForm(request.args)
    result = None
    if form.q.data:
        result = services.search_applicants(form.q.data, form.kind.data or "auto", after=int_arg("after"))
    return render_template("helpdesk/index.html", form=form, result=result)


# -- the applicant page (read-only) -----------------------------------------------------------------
@bp.route("/applicants/<id:user_id>")
@roles_required(HELPDESK)
def applicant(user_id: int):
    user = services.get_applicant_or_404(user_id, current_user)
    page = _applicant_page(user)
    record_access_now(current_user, user.id, "profile")  # after the page: the write commits
    return page


def _applicant_page(user, *, note_form=None, tutorial_form=None, code_form=None, status=200):
    lang = current_language()
    tutorial_form = tutorial_form or SendTutorialForm()
    tutorial_form.tutorial.choices = [SelectChoice(v, label) for v, label in services.tutorial_choices(lang)]
    page = render_template(
        "helpdesk/applicant.html",
        applicant=user,
        nik=services.mask_nik(user.nik),
        phone=services.mask_phone(user.phone),
        summaries=services.application_summaries(user),
        tutorials=services.tutorial_progress(user, lang),
        notes=services.notes_for(user),
        channels=services.CHANNEL_LABELS,
        note_form=note_form or NoteForm(),
        tutorial_form=tutorial_form,
        code_form=code_form or AssistCodeForm(),
        action_form=ActionForm(),
        locked_for=services.lock_remaining(current_user),
    )
    return page, status


@bp.route("/applicants/<id:user_id>/resend-verification", methods=["POST"])
@roles_required(HELPDESK)
@limiter.limit("3 per hour", key_func=_applicant_key)
def resend_verification(user_id: int):
    user = services.get_applicant_or_404(user_id, current_user)
    if not ActionForm().validate_on_submit():
        abort(400)
    if services.resend_verification(user, current_user):
        flash(_("A new verification email has been sent to the applicant."), "success")
    else:
        flash(_("This email address is already verified."), "info")
    return redirect(url_for("helpdesk.applicant", user_id=user.id))


@bp.route("/applicants/<id:user_id>/tutorial", methods=["POST"])
@roles_required(HELPDESK)
@limiter.limit("30 per hour", key_func=_applicant_key)
def send_tutorial(user_id: int):
    user = services.get_applicant_or_404(user_id, current_user)
    form = SendTutorialForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _applicant_page(user, tutorial_form=form, status=400)
    try:
        services.send_tutorial(user, current_user, form.tutorial.data)
    except services.HelpdeskError as exc:
        form.tutorial.errors.append(str(exc))
        return _applicant_page(user, tutorial_form=form, status=400)
    flash(_("The video guide has been sent to the applicant by email and as a notice."), "success")
    return redirect(url_for("helpdesk.applicant", user_id=user.id))


# -- support notes ----------------------------------------------------------------------------------
@bp.route("/applicants/<id:user_id>/notes", methods=["POST"])
@roles_required(HELPDESK)
def add_note(user_id: int):
    user = services.get_applicant_or_404(user_id, current_user)
    form = NoteForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _applicant_page(user, note_form=form, status=400)
    try:
        services.add_note(
            user, current_user, form.channel.data, form.topic.data, form.text.data, form.resolved.data
        )
    except services.HelpdeskError as exc:
        form.text.errors.append(str(exc))
        return _applicant_page(user, note_form=form, status=400)
    flash(_("The note has been saved."), "success")
    return redirect(url_for("helpdesk.applicant", user_id=user.id) + "#notes")


@bp.route("/notes/<id:note_id>/resolve", methods=["POST"])
@roles_required(HELPDESK)
def resolve_note(note_id: int):
    note = services.get_note_or_404(note_id, current_user)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.resolve_note(note, current_user)
    flash(_("The case is marked as resolved."), "success")
    if request.form.get("back") == "cases":
        return redirect(url_for("helpdesk.cases"))
    return redirect(url_for("helpdesk.applicant", user_id=note.applicant_id) + "#notes")


@bp.route("/cases")
@roles_required(HELPDESK)
def cases():
    page = services.open_cases(before=int_arg("before"))
    return render_template(
        "helpdesk/cases.html", page=page, channels=services.CHANNEL_LABELS, action_form=ActionForm()
    )


# -- assisted view ----------------------------------------------------------------------------------
@bp.route("/applicants/<id:user_id>/assist", methods=["POST"])
@roles_required(HELPDESK)
def open_assist(user_id: int):
    user = services.get_applicant_or_404(user_id, current_user)
    form = AssistCodeForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _applicant_page(user, code_form=form, status=400)
    try:
        view = services.open_assist(current_user, user, form.code.data)
    except services.AssistLocked as exc:
        response = make_response(
            render_template("helpdesk/locked.html", message=str(exc), applicant=user), 429
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except services.AssistCodeInvalid as exc:
        form.code.errors.append(str(exc))
        return _applicant_page(user, code_form=form, status=400)
    record_access(current_user, user.id, "assist")
    return redirect(url_for("helpdesk.assist", view_id=view.id))


def _assist_context(view):
    snapshot = services.assist_snapshot(view, int_arg("application"))
    return {
        "view": view,
        "snapshot": snapshot,
        "live": services.assist_is_live(view),
        "doc_states": services.DOCUMENT_STATE_LABELS,
    }


@bp.route("/assist/<id:view_id>")
@roles_required(HELPDESK)
def assist(view_id: int):
    view = services.get_assist_view_or_404(view_id, current_user)
    if services.assist_is_live(view):
        services.touch(view)
    context = _assist_context(view)
    applicant = services.get_applicant_or_404(view.applicant_id, current_user)
    return render_template("helpdesk/assist.html", applicant=applicant, **context)


@bp.route("/assist/<id:view_id>/live")
@roles_required(HELPDESK)
def assist_live(view_id: int):
    """The draft part of the assisted view alone, for helpdesk.js to swap in; 410 once the
    code has expired or been ended (the script stops asking then)."""
    view = services.get_assist_view_or_404(view_id, current_user)
    live = services.assist_is_live(view)
    if live:
        services.touch(view, refresh=True)
    body = render_template("helpdesk/_assist_draft.html", **_assist_context(view))
    return body, (200 if live else 410)


# -- where people get stuck -------------------------------------------------------------------------
@bp.route("/stuck")
@roles_required(HELPDESK, Role.ADMIN)
def stuck():
    form = StuckFilterForm(request.args)
    start, end = services.default_range(office_today())
    problems = []
    if request.args and form.validate():
        start, end = form.start.data or start, form.end.data or end
        try:
            services.check_range(start, end)
        except services.HelpdeskError as exc:
            problems.append(str(exc))
            start, end = services.default_range(office_today())
    elif request.args:
        problems.append(_("Enter dates as shown, for example 2026-01-31."))
    form.start.data, form.end.data = start, end
    report = services.stuck_report(start, end, current_user)
    return render_template("helpdesk/stuck.html", form=form, report=report, problems=problems)


# -- the applicant's side: assist codes ---------------------------------------------------------------
_SESSION_KEY = "assist_code"


@assist_bp.route("", methods=["GET"])
@roles_required(Role.APPLICANT)
def page():
    code_row = services.active_code(current_user.id)
    shown = session.get(_SESSION_KEY) or {}
    code = shown.get("code") if code_row is not None and shown.get("id") == code_row.id else None
    return render_template(
        "helpdesk/account_assist.html",
        code_row=code_row,
        code=code,
        log=services.assist_log(current_user),
        form=ActionForm(),
    )


@assist_bp.route("", methods=["POST"])
@roles_required(Role.APPLICANT)
@limiter.limit("10 per hour", key_func=_user_key)
def create():
    if not ActionForm().validate_on_submit():
        abort(400)
    row, code = services.create_assist_code(current_user)
    # The code is kept in the applicant's own session so a reload still shows it; the
    # database holds only its HMAC.
    session[_SESSION_KEY] = {"id": row.id, "code": code}
    flash(_("Read this code to the help desk. It works for 15 minutes."), "success")
    return redirect(url_for("assist.page"))


@assist_bp.route("/end", methods=["POST"])
@roles_required(Role.APPLICANT)
def end():
    if not ActionForm().validate_on_submit():
        abort(400)
    services.end_assist_code(current_user)
    session.pop(_SESSION_KEY, None)
    flash(_("The help desk can no longer see your application."), "info")
    return redirect(url_for("assist.page"))
