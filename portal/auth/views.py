"""Account pages. Thin: parse the form, call auth.services, flash, redirect."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.auth import bp, consent, second_factor, second_factor_views, services
from portal.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResendVerificationForm,
    ResetPasswordForm,
)
from portal.auth.landing import home_url, works_from_dashboard
from portal.auth.models import TokenPurpose
from portal.auth.sessions import end_session, start_session
from portal.extensions import db, limiter
from portal.i18n import current_language
from portal.security import public, safe_next_url


def _account_key() -> str:
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"login-account:{email}"


def _address_key() -> str:
    return f"login-address:{request.remote_addr}"


def _failed(response) -> bool:
    """A login POST that did not log anyone in (no redirect) counts against the limits."""
    return response.status_code != 302


def _login_limit_account() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _login_limit_address() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _email_limit() -> str:
    return current_app.config["EMAIL_LIMIT_PER_ADDRESS"]


def _current_user_or_none():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _home_for_user():
    """Staff land on their work (the queue, the recommended list, the help desk console,
    the admin home); applicants on their dashboard."""
    return home_url(current_user)


@bp.app_template_global("my_page")
def my_page() -> tuple[str, str]:
    """The menu's first personal link: the dashboard for an applicant, the work page for staff."""
    if works_from_dashboard(current_user):
        return url_for("applications.dashboard"), _("My dashboard")
    return home_url(current_user), _("My work")


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(_email_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_home_for_user())
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register_applicant(
                services.Registration(
                    full_name=form.full_name.data,
                    email=form.email.data,
                    nik=form.nik.data,
                    phone=form.phone.data,
                    password=form.password.data,
                    locale=current_language(),
                    privacy_notice_version=consent.NOTICE_VERSION,
                )
            )
        except services.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            session["registered_email"] = form.email.data
            return redirect(url_for("auth.check_email"))
    return render_template("auth/register.html", form=form)


@bp.route("/privacy")
@public
def privacy_notice():
    cfg = current_app.config
    return render_template(
        "auth/privacy_notice.html",
        version=consent.NOTICE_VERSION,
        notice_date=consent.NOTICE_DATE,
        draft_days=cfg["RETENTION_DRAFT_DAYS"],
        document_days=cfg["RETENTION_CLOSED_DOCUMENT_DAYS"],
    )


@bp.route("/register/check-email")
@public
def check_email():
    return render_template("auth/check_email.html", email=session.get("registered_email"))


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
@public
def verify_email(token: str):
    """GET shows a button; the POST verifies (a link scanner opening the mail changes nothing)."""
    form = ResendVerificationForm()
    if request.method == "POST" and form.validate_on_submit():
        user = services.verify_email(token, _current_user_or_none())
        if user is None:
            return render_template("auth/link_invalid.html"), 400
        flash(_("Thank you. Your email address is confirmed."), "success")
        if current_user.is_authenticated:
            return redirect(_home_for_user())
        return redirect(url_for("auth.login"))
    if services.verification_link_user(token, _current_user_or_none()) is None:
        return render_template("auth/link_invalid.html"), 400
    return render_template("auth/verify_confirm.html", form=form)


@bp.route("/account/resend-verification", methods=["POST"])
@login_required
@limiter.limit(_email_limit)
def resend_verification():
    form = ResendVerificationForm()
    if form.validate_on_submit() and not current_user.email_verified:
        services.send_verification(current_user)
        db.session.commit()
        flash(_("We sent a new verification email to %(email)s.", email=current_user.email), "info")
    return redirect(_home_for_user())


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit_account, key_func=_account_key, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit_address, key_func=_address_key, methods=["POST"], deduct_when=_failed)
def login():
    next_url = safe_next_url(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or _home_for_user())
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None and second_factor.needs_second_factor(user):
            return second_factor_views.begin(user, next_url)
        if user is not None:
            lang = session.get("lang")
            session.clear()  # a fresh session at login: no fixation
            if lang:
                session["lang"] = lang
            start_session(user)
            db.session.commit()
            login_user(user)
            return redirect(next_url or _home_for_user())
        error = _("The email or password is not correct. Check them and try again.")
    elif request.method == "POST":
        error = _("Fill in your email and password.")
    return render_template("auth/login.html", form=form, error=error, next_url=next_url)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        end_session(current_user.get_id())
        db.session.commit()
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit(_email_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, locale=current_language())
        db.session.commit()
        return render_template("auth/forgot_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    if services.consume_token(token, TokenPurpose.RESET_PASSWORD, mark_used=False) is None:
        return render_template("auth/link_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except services.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            if user is None:
                return render_template("auth/link_invalid.html"), 400
            if current_user.is_authenticated:
                logout_user()
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            flash(_("Your password has been changed. Log in with the new password."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                keep_session=current_user.get_id(),
            )
        except services.AccountError as exc:
            form.current_password.errors.append(str(exc))
        else:
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.locale.data = current_user.locale or current_language()
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            form.full_name.data,
            form.phone.data,
            form.locale.data,
            address=(form.address.data or "") if "address" in request.form else None,
        )
        session["lang"] = form.locale.data
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, user=current_user)
