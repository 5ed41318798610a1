"""The admin's directory forms: an agency with its week of opening hours, and a service."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, TimeField
from wtforms.validators import Length, NumberRange, Optional

from portal.forms import Stripped, StrippedText, required

DAY_NAMES = [
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
]


class AgencyForm(FlaskForm):
    name_id = Stripped(_l("Name (Indonesian)"), validators=[required(), Length(max=200)])
    name_en = Stripped(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    summary_id = StrippedText(_l("What it does (Indonesian)"), validators=[Optional(), Length(max=2000)])
    summary_en = StrippedText(_l("What it does (English)"), validators=[Optional(), Length(max=2000)])
    counters = Stripped(
        _l("Counters"), validators=[Optional(), Length(max=80)], description=_l("For example: A1-A3")
    )
    phone = Stripped(_l("Telephone"), validators=[Optional(), Length(max=40)])
    website = Stripped(
        _l("Website"),
        validators=[Optional(), Length(max=300)],
        description=_l("An address starting with https://"),
    )
    position = IntegerField(_l("Order in the list"), default=0, validators=[Optional(), NumberRange(0, 999)])
    active = BooleanField(_l("Shown in the directory"), default=True)


# One opening and one closing time per weekday; both empty: closed that day.
for _day in range(7):
    setattr(
        AgencyForm,
        f"opens_{_day}",
        TimeField(_l("%(day)s: opens", day=DAY_NAMES[_day]), validators=[Optional()], format="%H:%M"),
    )
    setattr(
        AgencyForm,
        f"closes_{_day}",
        TimeField(_l("%(day)s: closes", day=DAY_NAMES[_day]), validators=[Optional()], format="%H:%M"),
    )


class ServiceForm(FlaskForm):
    name_id = Stripped(_l("Name (Indonesian)"), validators=[required(), Length(max=200)])
    name_en = Stripped(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    counter = Stripped(_l("Counter"), validators=[Optional(), Length(max=40)])
    requirements_id = StrippedText(
        _l("Requirements (Indonesian)"),
        validators=[Optional(), Length(max=4000)],
        description=_l("One item a line."),
    )
    requirements_en = StrippedText(
        _l("Requirements (English)"),
        validators=[Optional(), Length(max=4000)],
        description=_l("One item a line."),
    )
    link = Stripped(
        _l("Link"),
        validators=[Optional(), Length(max=300)],
        description=_l("An address starting with https://"),
    )
    keywords = StrippedText(
        _l("Search words"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "The words people use for this service, for the search. For example: perpanjang STNK, pajak motor"
        ),
    )
