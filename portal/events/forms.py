"""The admin's event form: dates and times in the office's time zone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FileField, TimeField
from wtforms.validators import Length, Optional

from portal.forms import Stripped, StrippedText, required


class EventForm(FlaskForm):
    title_id = Stripped(_l("Title (Indonesian)"), validators=[required(), Length(max=200)])
    title_en = Stripped(_l("Title (English)"), validators=[Optional(), Length(max=200)])
    place = Stripped(_l("Place"), validators=[Optional(), Length(max=300)])
    all_day = BooleanField(_l("Lasts all day (no times)"))
    start_date = DateField(_l("First day"), validators=[Optional()], description=_l("For example 2026-08-17"))
    start_time = TimeField(
        _l("Starts at"), validators=[Optional()], format="%H:%M", description=_l("For example 09:00")
    )
    end_date = DateField(_l("Last day"), validators=[Optional()], description=_l("For example 2026-08-17"))
    end_time = TimeField(
        _l("Ends at"), validators=[Optional()], format="%H:%M", description=_l("For example 12:00")
    )
    description_id = StrippedText(_l("Description (Indonesian)"), validators=[Optional(), Length(max=5000)])
    description_en = StrippedText(_l("Description (English)"), validators=[Optional(), Length(max=5000)])
    image = FileField(
        _l("Picture (optional, PNG or JPEG)"),
        description=_l("A photo is scaled down to fit; SVG and GIF files are not accepted."),
    )
    image_alt = Stripped(
        _l("What the picture shows"),
        validators=[Optional(), Length(max=300)],
        description=_l("Required with a picture: people who cannot see it read this."),
    )
    remove_image = BooleanField(_l("Remove the picture"))
    published = BooleanField(_l("Shown on the agenda"), default=True)
