"""Back-office forms. Every action carries the version the officer saw."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from portal.applications.forms import EmptyForm, VersionedForm


class ActionForm(VersionedForm):
    """start review / claim: CSRF and version only."""


class CorrectionForm(VersionedForm):
    message = TextAreaField(
        _l("Message to the applicant"),
        description=_l("Say what to fix and how. The applicant sees this."),
        validators=[Length(max=5000)],
    )


class RecommendForm(VersionedForm):
    decision = RadioField(
        _l("Recommendation"),
        choices=[
            SelectChoice("approve", _l("Recommend approval")),
            SelectChoice("reject", _l("Recommend rejection")),
        ],
    )
    reason = TextAreaField(
        _l("Reason"), description=_l("Required when recommending rejection."), validators=[Length(max=5000)]
    )
    #: "yes" only on the confirmation page's form: the review page's form asks for it first.
    confirmed = HiddenField()


class DecisionForm(VersionedForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("approve", _l("Approve and issue the permit")),
            SelectChoice("reject", _l("Reject")),
        ],
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Required for a rejection; the applicant sees it."),
        validators=[Length(max=5000)],
    )
    #: "yes" only on the confirmation page's form: the review page's form asks for it first.
    confirmed = HiddenField()


class VerdictForm(VersionedForm):
    verdict = HiddenField()
    reason = StringField(_l("Reason (required to flag)"), validators=[Length(max=2000)])


class FlagFieldForm(VersionedForm):
    key = HiddenField()
    reason = StringField(_l("Reason"), validators=[Length(max=2000)])


class NoteForm(EmptyForm):
    text = TextAreaField(_l("Internal note (never shown to the applicant)"), validators=[Length(max=5000)])


class AssignForm(EmptyForm):
    officer_id = SelectField(_l("Officer"), coerce=int, validators=[Optional()])
    application_ids = SelectMultipleField(coerce=int, validate_choice=False)
