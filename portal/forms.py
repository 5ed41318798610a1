"""Form pieces every feature's staff pages share: text fields that strip what is typed, the
"please fill in" check, the CSRF-only form behind action buttons, and the token of the forms a
visitor may open without a session (complaints, information requests)."""

from __future__ import annotations

import hmac

from flask import abort, current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, generate_csrf, same_origin, validate_csrf
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms import StringField, TextAreaField
from wtforms.csrf.core import CSRF
from wtforms.validators import DataRequired, ValidationError

_VISITOR_SALT = "satupintu-visitor-form"


def required():
    return DataRequired(message=_l("Please fill in this field."))


class Stripped(StringField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.strip()


class StrippedText(TextAreaField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.replace("\r\n", "\n").strip()


class ActionForm(FlaskForm):
    """CSRF only: buttons that move, delete, publish, activate."""


def check_action() -> None:
    """A button form (move, delete, publish...): its CSRF token must be valid, else 400."""
    if not ActionForm().validate_on_submit():
        abort(400)


def _visitor_serializer() -> URLSafeTimedSerializer:
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    if not secret:
        raise RuntimeError("A secret key is required to use CSRF.")
    return URLSafeTimedSerializer(secret, salt=_VISITOR_SALT)


class VisitorCSRF(CSRF):
    """The CSRF token of a form a visitor may open without a session (the complaint form):
    opening it must not start one (the page makes no cookie; a session comes with the first
    form posted).

    With a session (logged in, or a form already used) it is Flask-WTF's own token, kept in
    that session. Without one, the token is signed and timed (WTF_CSRF_TIME_LIMIT) and names
    the page's path, so it is good for that form only; it is accepted only from a browser
    that still has no session: another site can then make a browser post nothing a stranger
    could not post himself, and never in a logged-in person's name. Views using it are
    ``csrf.exempt`` (the global check wants a session) and call :func:`check_visitor_csrf`."""

    def setup_form(self, form):
        self.meta = form.meta
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field):
        if session:
            return generate_csrf()
        return _visitor_serializer().dumps(request.path)

    def validate_csrf_token(self, form, field):
        if session:
            validate_csrf(field.data)
            return
        if not field.data:
            raise ValidationError("The CSRF token is missing.")
        try:
            path = _visitor_serializer().loads(field.data, max_age=current_app.config["WTF_CSRF_TIME_LIMIT"])
        except BadData as exc:
            raise ValidationError("The CSRF token is invalid or has expired.") from exc
        if not isinstance(path, str) or not hmac.compare_digest(path, request.path):
            raise ValidationError("The CSRF token belongs to another form.")


class VisitorForm(FlaskForm):
    """A form a visitor may open without starting a session (see :class:`VisitorCSRF`)."""

    class Meta:
        csrf_class = VisitorCSRF


def check_visitor_csrf(form: FlaskForm) -> None:
    """On a POST to a ``csrf.exempt`` view with a :class:`VisitorForm`: the same refusal as the
    global check (400, "This form has expired") when the token or, over HTTPS, the referrer
    is wrong, whatever else the form says."""
    if request.method != "POST" or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        form.csrf_token.pre_validate(form)
    except ValidationError as exc:
        raise CSRFError(exc.args[0]) from exc
    if request.is_secure and current_app.config.get("WTF_CSRF_SSL_STRICT", True):
        if not request.referrer:
            raise CSRFError("The referrer header is missing.")
        if not same_origin(request.referrer, f"https://{request.host}/"):
            raise CSRFError("The referrer does not match the host.")
