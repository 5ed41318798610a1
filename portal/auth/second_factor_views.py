"""The staff second factor's pages: the code prompt after the password, the enrolment (QR code,
first code, recovery codes shown once). Thin: the rules are in auth.second_factor.

A staff login is in two steps. The password starts a login session that is not yet a logged-in
one (auth.sessions gives no user for it); its token waits in the signed cookie session under
``_PENDING`` for SECOND_FACTOR_PENDING. These pages are public (the browser is anonymous) and
find that waiting session themselves.
"""

from __future__ import annotations

from flask import (
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_user
from werkzeug.wrappers import Response as BaseResponse

from portal.auth import bp, second_factor
from portal.auth.landing import home_url
from portal.auth.models import User
from portal.auth.second_factor_forms import CodeForm, EnrolForm
from portal.auth.sessions import pending_session_user, start_session
from portal.extensions import db
from portal.security import public, safe_next_url

_PENDING = "second_factor_pending"
_NEXT = "second_factor_next"
DEVICE_COOKIE = "satupintu_device"


def begin(user: User, next_url: str | None) -> BaseResponse:
    """After a staff account's password: log in at once on a remembered device, else start the
    waiting session and send the browser to the code prompt (or the enrolment)."""
    lang = session.get("lang")
    session.clear()  # a fresh session at login: no fixation
    if lang:
        session["lang"] = lang
    if second_factor.device_remembered(user, request.cookies.get(DEVICE_COOKIE)):
        start_session(user, second_factor_passed=True)
        db.session.commit()
        login_user(user)
        return redirect(next_url or home_url(user))
    token = start_session(user)
    if not second_factor.is_enrolled(user):
        second_factor.enrolment_secret(user)
    db.session.commit()
    session[_PENDING] = token
    if next_url:
        session[_NEXT] = next_url
    if second_factor.is_enrolled(user):
        return redirect(url_for("auth.second_factor_code"))
    return redirect(url_for("auth.second_factor_enrol"))


def _waiting() -> User | None:
    return pending_session_user(session.get(_PENDING))


def _start_again() -> BaseResponse:
    session.pop(_PENDING, None)
    flash(_("Log in again: the step for the code waited too long or was already finished."), "info")
    return redirect(url_for("auth.login"))


def _finish(user: User) -> str:
    """The waiting session passed: it becomes the logged-in one. Returns where to go next."""
    token = session.pop(_PENDING)
    second_factor.mark_passed(token)
    user._session_token = token
    login_user(user)
    return safe_next_url(session.pop(_NEXT, None)) or home_url(user)


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_factor_code():
    user = _waiting()
    if user is None:
        return _start_again()
    if not second_factor.is_enrolled(user):
        return redirect(url_for("auth.second_factor_enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            accepted = second_factor.verify(user, form.code.data or "")
        except second_factor.SecondFactorError as exc:
            # 200 on purpose: the request's commit keeps the count of wrong codes
            form.code.errors = [*form.code.errors, str(exc)]
        else:
            target = _finish(user)
            if accepted.kind == "recovery":
                left = second_factor.remaining_recovery_codes(user)
                flash(
                    ngettext(
                        "You used a recovery code; %(num)d is left.",
                        "You used a recovery code; %(num)d are left.",
                        left,
                    ),
                    "warning",
                )
            response = redirect(target)
            if form.remember.data:
                _remember_device(response, user)
            return response
    return render_template("auth/second_factor_code.html", form=form, user=user)


def _remember_device(response: BaseResponse, user: User) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        second_factor.device_token(user),
        max_age=int(second_factor.remember_lifetime().total_seconds()),
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite="Lax",
    )


@bp.route("/login/setup", methods=["GET", "POST"])
@public
def second_factor_enrol():
    user = _waiting()
    if user is None:
        return _start_again()
    if second_factor.is_enrolled(user):
        return redirect(url_for("auth.second_factor_code"))
    factor = second_factor.factor_of(user)
    if factor is None or not factor.secret:
        return _start_again()
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.finish_enrolment(user, form.code.data or "")
        except second_factor.SecondFactorError as exc:
            form.code.errors = [*form.code.errors, str(exc)]
        else:
            target = _finish(user)
            g.no_store = True  # the recovery codes are on this page only, never in a cache
            return render_template("auth/second_factor_recovery.html", codes=codes, next_url=target)
    secret = factor.secret
    return render_template(
        "auth/second_factor_enrol.html",
        form=form,
        user=user,
        secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
    )


@bp.route("/login/setup/qr.svg")
@public
def second_factor_qr():
    user = _waiting()
    factor = second_factor.factor_of(user) if user is not None else None
    if user is None or factor is None or not factor.secret or factor.enrolled_at is not None:
        return Response(status=404)
    svg = second_factor.qr_svg(second_factor.provisioning_uri(user, factor.secret))
    response = make_response(svg)
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "no-store"
    return response
