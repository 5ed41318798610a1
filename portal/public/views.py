"""Public pages: home, search, news, FAQ, the public information list, complaints and
information requests, the satisfaction survey, statistics; and the staff editors for them.
Thin: parse the form, call a service, flash, redirect."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import text

from portal.auth import services as auth_services
from portal.auth.models import Role
from portal.catalogue.finder_views import search_page
from portal.db import short_write
from portal.errors import NotFoundError
from portal.extensions import csrf, db, limiter
from portal.forms import check_visitor_csrf
from portal.i18n import current_language, localized, remember_anonymous_language
from portal.paging import int_arg
from portal.public import bp, services, skm
from portal.public import statistics as stats_service
from portal.public.forms import (
    AnswerForm,
    ComplaintForm,
    DocumentForm,
    FaqForm,
    InformationRequestForm,
    NewsForm,
    PublishForm,
    StatisticsFilterForm,
    SurveyForm,
)
from portal.public.models import CaseKind
from portal.request_limits import accepts_uploads
from portal.security import public, roles_required, safe_next_url
from portal.storage import UploadRejected
from portal.storage.limits import upload_rate_limit
from portal.storage.serving import safe_download_response

staff_only = roles_required(Role.ADMIN, Role.HELPDESK)


def _user_or_none():
    return current_user._get_current_object() if current_user.is_authenticated else None


@bp.app_template_global("survey_offer")
def survey_offer(application) -> bool:
    """For the applicant's application page: show the survey prompt?"""
    return skm.survey_offered(application, _user_or_none())


# -- home, search, health, language -----------------------------------------------------------
@bp.route("/")
@public
def home():
    return render_template("public/home.html", popular=services.most_requested(), news=services.latest_news())


@bp.route("/search")
@public
def search():
    return search_page(request.args.get("q") or "", reported=request.args.get("reported") == "1")


@bp.route("/healthz")
@public
@csrf.exempt
def healthz():
    """200 with JSON when the app and its database answer, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        current_app.logger.error("health check: database unavailable: %s", exc)
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/language", methods=["GET", "POST"])
@public
def set_language():
    """The visible language switch: plain links on every page (no form, no token: the language
    is a harmless preference). A logged-in person's choice is kept in the session and the
    account; an anonymous visitor's in a small ``lang`` cookie, so no session is made for them.
    POST (the old form) still works."""
    values = request.form if request.method == "POST" else request.args
    lang = values.get("lang")
    response = redirect(safe_next_url(values.get("next")) or url_for("public.home"))
    if lang in current_app.config["LANGUAGES"]:
        if current_user.is_authenticated:
            session["lang"] = lang
            short_write(db.session, lambda: auth_services.set_locale(current_user, lang))
        else:
            remember_anonymous_language(response, lang)
    return response


# -- news and FAQ ------------------------------------------------------------------------------
@bp.route("/news")
@public
def news_list():
    page = services.news_page(before=int_arg("before"))
    return render_template("public/news_list.html", page=page)


@bp.route("/news/<id:news_id>/picture")
@public
def news_image(news_id: int):
    """A published news item's picture (a new picture gets a new key: cached for a day)."""
    item = services.get_news_or_404(news_id, _user_or_none())
    if not item.image_key:
        raise NotFoundError()
    response = safe_download_response(
        item.image_key, f"news-{item.id}", item.image_type or "image/jpeg", as_attachment=False
    )
    if item.is_published:
        g.no_store = False
        response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/news/<id:news_id>")
@public
def news_detail(news_id: int):
    return render_template("public/news_detail.html", item=services.get_news_or_404(news_id, _user_or_none()))


@bp.route("/faq")
@public
def faq():
    return render_template("public/faq.html", topics=services.faq_by_topic())


# -- public information list (DIP) and information requests -----------------------------------
@bp.route("/information")
@public
def information():
    return render_template(
        "public/information.html",
        groups=services.published_documents(),
        kind_labels=services.DOCUMENT_KIND_LABELS,
    )


@bp.route("/information/documents/<id:document_id>")
@public
def document_download(document_id: int):
    doc = services.get_document_or_404(document_id, _user_or_none())
    return safe_download_response(doc.storage_key, doc.original_name, "application/pdf")


def _case_limit() -> str:
    return current_app.config.get("COMPLAINT_LIMIT_PER_ADDRESS", "5 per hour")


def _stored(response) -> bool:
    """Only a filed case (or a dropped bot's) counts against the limit, not a form with errors."""
    return response.status_code == 302


def _file(form, kind: CaseKind):
    if form.website.data:
        # The honeypot was filled: a bot. Same answer as a person gets, nothing stored or sent.
        current_app.logger.info("honeypot filled on the %s form; dropped", kind.value)
        filed = services.decoy_receipt(kind)
    else:
        filed = services.file_case(
            kind=kind,
            name=form.name.data,
            email=form.email.data,
            text=form.text.data,
            topic=getattr(form, "topic", None) and form.topic.data,
            tracking_number=getattr(form, "tracking_number", None) and form.tracking_number.data,
            user=_user_or_none(),
            locale=current_language(),
        )
    session["case_receipt"] = {"number": filed.number, "token": filed.token, "kind": kind.value}
    return redirect(url_for("public.case_sent"))


@bp.route("/information/request", methods=["GET", "POST"])
@public
@csrf.exempt  # a visitor's form: opening it starts no session (portal.forms.VisitorForm)
@limiter.limit(_case_limit, methods=["POST"], deduct_when=_stored)
def information_request():
    form = InformationRequestForm()
    check_visitor_csrf(form)
    if form.validate_on_submit():
        try:
            return _file(form, CaseKind.INFORMATION)
        except services.PublicError as exc:
            form.text.errors.append(str(exc))
    return render_template("public/information_request.html", form=form)


# -- complaints --------------------------------------------------------------------------------
@bp.route("/complaints", methods=["GET", "POST"])
@public
@csrf.exempt  # a visitor's form: opening it starts no session (portal.forms.VisitorForm)
@limiter.limit(_case_limit, methods=["POST"], deduct_when=_stored)
def complaints():
    form = ComplaintForm()
    check_visitor_csrf(form)
    if request.method == "GET" and current_user.is_authenticated:
        form.name.data = form.name.data or current_user.full_name
        form.email.data = form.email.data or current_user.email
    if form.validate_on_submit():
        try:
            return _file(form, CaseKind.COMPLAINT)
        except services.PublicError as exc:
            form.text.errors.append(str(exc))
    return render_template("public/complaints.html", form=form, days=services.answer_days())


@bp.route("/complaints/sent")
@public
def case_sent():
    receipt = session.get("case_receipt")
    if not receipt:
        return redirect(url_for("public.complaints"))
    return render_template(
        "public/case_sent.html", receipt=receipt, link=services.follow_url(receipt["token"])
    )


@bp.route("/complaints/follow/<token>")
@public
def follow_case(token: str):
    case = services.get_case_by_token_or_404(token)
    return render_template(
        "public/follow.html",
        case=case,
        labels=services.STATUS_LABELS,
        kind_labels=services.KIND_LABELS,
        topic_labels=services.TOPIC_LABELS,
    )


# -- satisfaction survey -----------------------------------------------------------------------
@bp.route("/survey/<id:application_id>", methods=["GET", "POST"])
@login_required
def survey(application_id: int):
    application = skm.get_surveyable_application_or_404(application_id, current_user)
    if skm.has_answered(application.id):
        return render_template("public/survey_done.html", application=application, already=True), (
            409 if request.method == "POST" else 200
        )
    form = SurveyForm()
    if form.validate_on_submit():
        scores = {e.key: int(getattr(form, e.key).data) for e in skm.ELEMENTS}
        try:
            skm.submit_survey(application, current_user, scores, form.suggestion.data or "")
        except skm.SurveyError:
            return render_template("public/survey_done.html", application=application, already=True), 409
        flash(_("Thank you. Your answers help the office improve its service."), "success")
        return redirect(url_for("applications.detail", application_id=application.id))
    return render_template("public/survey.html", form=form, application=application, elements=skm.ELEMENTS)


# -- statistics --------------------------------------------------------------------------------
@bp.route("/statistics")
@public
def statistics():
    form = StatisticsFilterForm(request.args)
    start, end = stats_service.default_range()
    if request.args and form.validate():
        start = form.start.data or start
        end = form.end.data or end
    elif request.args:
        flash(_("Enter the dates as year-month-day; showing the last twelve months."), "warning")
    form.start.data, form.end.data = start, end
    data = stats_service.compute_cached(start, end)
    return render_template(
        "public/statistics.html", form=form, stats=data, charts=_chart_rows(data), elements=skm.ELEMENTS
    )


def _chart_rows(data) -> dict:
    """(label, value, text) rows for the SVG charts, in the page's language."""
    cats = data.categories
    timed = [row for row in cats if row.decided]
    return {
        "submitted": [(localized(r, "name"), r.submitted, str(r.submitted)) for r in cats],
        "submitted_max": max((r.submitted for r in cats), default=0),
        "days": [
            (
                localized(r, "name"),
                r.median_days or 0,
                _("%(days)s d (standard %(limit)s d)", days=f"{r.median_days:g}", limit=r.time_limit_days),
            )
            for r in timed
        ],
        "days_max": max([r.median_days or 0 for r in timed] + [r.time_limit_days for r in timed], default=0),
        "limits": [r.time_limit_days for r in timed],
        "on_time": [(localized(r, "name"), r.on_time_share or 0, f"{r.on_time_share:.0f}%") for r in timed],
        "ikm": [
            (row.period, float(row.ikm.converted), f"{row.ikm.converted} {row.ikm.grade}")
            for row in data.ikm_periods
        ],
    }


# -- staff: news -------------------------------------------------------------------------------
@bp.route("/staff/news")
@staff_only
def staff_news():
    return render_template("public/staff/news_list.html", items=services.all_news_for_staff(current_user))


@bp.route("/staff/news/new", methods=["GET", "POST"])
@bp.route("/staff/news/<id:news_id>/edit", methods=["GET", "POST"])
@staff_only
@upload_rate_limit
@accepts_uploads
def staff_news_edit(news_id: int | None = None):
    item = services.get_news_or_404(news_id, current_user) if news_id else None
    form = NewsForm(obj=item)
    if form.validate_on_submit():
        publish = True if form.publish.data else (False if form.draft.data else None)
        try:
            services.save_news(
                current_user,
                form.title.data,
                form.body.data,
                item=item,
                publish=publish,
                image=form.image.data or None,
                image_alt=form.image_alt.data or "",
                remove_image=bool(form.remove_image.data),
            )
        except services.PublicError as exc:
            form.image_alt.errors = [*form.image_alt.errors, str(exc)]
        except UploadRejected as exc:
            form.image.errors = [*form.image.errors, exc.message()]
        else:
            flash(_("The news item is saved."), "success")
            return redirect(url_for("public.staff_news"))
    return render_template("public/staff/news_edit.html", form=form, item=item), 400 if form.errors else 200


# -- staff: FAQ --------------------------------------------------------------------------------
@bp.route("/staff/faq")
@staff_only
def staff_faq():
    return render_template("public/staff/faq_list.html", topics=services.faq_by_topic(include_hidden=True))


@bp.route("/staff/faq/new", methods=["GET", "POST"])
@bp.route("/staff/faq/<id:entry_id>/edit", methods=["GET", "POST"])
@staff_only
def staff_faq_edit(entry_id: int | None = None):
    entry = services.get_faq_for_staff_or_404(entry_id, current_user) if entry_id else None
    form = FaqForm(obj=entry)
    if form.validate_on_submit():
        try:
            services.save_faq(
                current_user,
                form.topic.data,
                form.question.data,
                form.answer.data,
                form.position.data or 0,
                form.published.data,
                entry=entry,
            )
        except services.PublicError as exc:
            form.answer.errors.append(str(exc))
        else:
            flash(_("The question is saved."), "success")
            return redirect(url_for("public.staff_faq"))
    return render_template("public/staff/faq_edit.html", form=form, entry=entry)


# -- staff: public information list ------------------------------------------------------------
@bp.route("/staff/information", methods=["GET", "POST"])
@staff_only
@upload_rate_limit
@accepts_uploads
def staff_documents():
    form = DocumentForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.file.errors.append(_("Choose the PDF file to upload."))
        else:
            try:
                services.add_document(
                    current_user,
                    upload,
                    form.title.data,
                    form.kind.data,
                    form.year.data,
                    form.description.data or "",
                )
            except UploadRejected as exc:
                form.file.errors.append(str(exc))
            except services.PublicError as exc:
                form.title.errors.append(str(exc))
            else:
                flash(_("The document is published."), "success")
                return redirect(url_for("public.staff_documents"))
    return render_template(
        "public/staff/documents.html",
        form=form,
        documents=services.all_documents_for_staff(current_user),
        kind_labels=services.DOCUMENT_KIND_LABELS,
        publish_form=PublishForm(),
    )


@bp.route("/staff/information/<id:document_id>/publish", methods=["POST"])
@staff_only
def staff_document_publish(document_id: int):
    doc = services.get_document_or_404(document_id, current_user)
    form = PublishForm()
    if form.validate_on_submit():
        services.set_document_published(current_user, doc, form.published.data == "1")
        flash(_("Saved."), "success")
    return redirect(url_for("public.staff_documents"))


# -- staff: complaints and information requests ------------------------------------------------
@bp.route("/staff/complaints")
@staff_only
def staff_cases():
    status = request.args.get("status") or None
    kind = request.args.get("kind") or None
    page = services.cases_page(current_user, status=status, kind=kind, before=int_arg("before"))
    return render_template(
        "public/staff/cases.html",
        page=page,
        status=status,
        kind=kind,
        labels=services.STATUS_LABELS,
        kind_labels=services.KIND_LABELS,
        is_overdue=services.is_overdue,
    )


@bp.route("/staff/complaints/<id:case_id>", methods=["GET", "POST"])
@staff_only
def staff_case(case_id: int):
    case = services.get_case_for_staff_or_404(case_id, current_user)
    form = AnswerForm(status=case.status.value)
    if form.validate_on_submit():
        try:
            services.answer_case(case, current_user, form.text.data or "", form.status.data)
        except services.PublicError as exc:
            form.text.errors.append(str(exc))
        else:
            flash(_("Saved. The person sees it on their follow page."), "success")
            return redirect(url_for("public.staff_case", case_id=case.id))
    return render_template(
        "public/staff/case.html",
        case=case,
        form=form,
        labels=services.STATUS_LABELS,
        kind_labels=services.KIND_LABELS,
        topic_labels=services.TOPIC_LABELS,
        overdue=services.is_overdue(case),
    )
