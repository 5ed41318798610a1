"""Forms of the public pages and the staff editors. Every field has a label; errors say what
to do."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from portal.forms import VisitorForm
from portal.params import FilterDateField
from portal.public.models import CaseStatus, ComplaintTopic, DocumentKind
from portal.public.services import DOCUMENT_KIND_LABELS, STATUS_LABELS, TOPIC_LABELS
from portal.public.skm import ELEMENTS


def _required():
    return DataRequired(message=_l("Please fill in this field."))


def _email():
    return [
        _required(),
        Length(max=254),
        # test_environment: the demo's reserved .test addresses; no DNS lookups either way
        Email(
            message=_l("Enter an email address like name@example.com."),
            check_deliverability=False,
            test_environment=True,
            allow_smtputf8=False,
        ),
    ]


class HoneypotMixin:
    """A field people never see (visually hidden, out of the tab order) with a label asking to
    leave it empty. Bots that fill every field fill it; their submission is dropped."""

    website = StringField(_l("Leave this field empty"))


class ComplaintForm(HoneypotMixin, VisitorForm):
    name = StringField(_l("Your name"), validators=[_required(), Length(max=120)])
    email = EmailField(
        _l("Your email address"),
        validators=_email(),
        description=_l("We send the complaint number and every answer here."),
    )
    topic = SelectField(
        _l("What is it about?"),
        choices=[
            SelectChoice(t.value, TOPIC_LABELS[t])
            for t in ComplaintTopic
            if t is not ComplaintTopic.INFORMATION
        ],
        validators=[_required()],
    )
    tracking_number = StringField(
        _l("Tracking number (optional)"),
        validators=[Optional(), Length(max=24)],
        description=_l(
            "If your complaint is about an application, write its tracking number, "
            "for example SP-2026-000123."
        ),
    )
    text = TextAreaField(
        _l("Your complaint"),
        validators=[_required(), Length(max=5000)],
        description=_l("What happened, when, and what you expect from us."),
    )
    submit = SubmitField(_l("Send the complaint"))


class InformationRequestForm(HoneypotMixin, VisitorForm):
    name = StringField(_l("Your name"), validators=[_required(), Length(max=120)])
    email = EmailField(
        _l("Your email address"),
        validators=_email(),
        description=_l("We send the request number and every answer here."),
    )
    text = TextAreaField(
        _l("What information do you need?"),
        validators=[_required(), Length(max=5000)],
        description=_l("Describe the information and what you need it for."),
    )
    submit = SubmitField(_l("Send the request"))


class AnswerForm(FlaskForm):
    text = TextAreaField(
        _l("Answer to the person"),
        validators=[Length(max=10_000)],
        description=_l("The person sees this on their follow page and by email."),
    )
    status = SelectField(_l("Status"), choices=[SelectChoice(s.value, STATUS_LABELS[s]) for s in CaseStatus])
    submit = SubmitField(_l("Save"))


class NewsForm(FlaskForm):
    title = StringField(_l("Title"), validators=[_required(), Length(max=200)])
    body = TextAreaField(
        _l("Text"),
        validators=[_required(), Length(max=50_000)],
        description=_l("Markdown: **bold**, *italic*, [link](https://...), lists with -. HTML is removed."),
    )
    image = FileField(
        _l("Picture (optional, PNG or JPEG)"),
        description=_l("A photo is scaled down to fit; SVG and GIF files are not accepted."),
    )
    image_alt = StringField(
        _l("What the picture shows"),
        validators=[Length(max=300)],
        description=_l("Required with a picture: people who cannot see it read this."),
    )
    remove_image = BooleanField(_l("Remove the picture"))
    publish = SubmitField(_l("Save and publish"))
    draft = SubmitField(_l("Save as draft"))


class FaqForm(FlaskForm):
    topic = StringField(
        _l("Topic"),
        validators=[_required(), Length(max=80)],
        description=_l("Questions with the same topic are shown together."),
    )
    question = StringField(_l("Question"), validators=[_required(), Length(max=300)])
    answer = TextAreaField(
        _l("Answer"),
        validators=[_required(), Length(max=20_000)],
        description=_l("Markdown; HTML is removed."),
    )
    position = IntegerField(
        _l("Order within the topic"), default=0, validators=[Optional(), NumberRange(min=0, max=10_000)]
    )
    published = BooleanField(_l("Show on the FAQ page"), default=True)
    submit = SubmitField(_l("Save"))


class DocumentForm(FlaskForm):
    title = StringField(_l("Title"), validators=[_required(), Length(max=200)])
    kind = SelectField(
        _l("Kind of document"), choices=[SelectChoice(k.value, DOCUMENT_KIND_LABELS[k]) for k in DocumentKind]
    )
    year = IntegerField(_l("Year (optional)"), validators=[Optional(), NumberRange(min=1990, max=2100)])
    description = TextAreaField(_l("Description (optional)"), validators=[Length(max=2000)])
    file = FileField(_l("PDF file"), description=_l("A PDF of at most 20 MB."))
    submit = SubmitField(_l("Upload"))


class PublishForm(FlaskForm):
    published = HiddenField()
    submit = SubmitField(_l("Change"))


class StatisticsFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    start = FilterDateField(_l("From"), validators=[Optional()])
    end = FilterDateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Show"))


def survey_form_class():
    """The survey form: one radio question per SKM element, answers 1 to 4."""

    class SurveyForm(FlaskForm):
        suggestion = TextAreaField(_l("Suggestions for the office (optional)"), validators=[Length(max=2000)])
        submit = SubmitField(_l("Send my answers"))

    for number, element in enumerate(ELEMENTS, start=1):
        setattr(
            SurveyForm,
            element.key,
            RadioField(
                element.question,
                choices=[
                    SelectChoice(str(score), label) for score, label in enumerate(element.options, start=1)
                ],
                validators=[DataRequired(message=_l("Choose one answer."))],
                description=_l("Element %(n)s of 9: %(name)s", n=number, name=element.name),
            ),
        )
    return SurveyForm


SurveyForm = survey_form_class()
