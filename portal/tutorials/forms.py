"""Forms of the admin's tutorial pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DecimalField, SelectField
from wtforms.validators import Length, NumberRange, Optional

from portal.forms import Stripped, StrippedText, required
from portal.params import to_id


class TutorialForm(FlaskForm):
    title_id = Stripped(_l("Title (Indonesian)"), validators=[required(), Length(max=200)])
    # English is optional everywhere: the Indonesian text is shown where it is missing.
    title_en = Stripped(_l("Title (English, optional)"), validators=[Length(max=200)])
    description_id = StrippedText(_l("Description (Indonesian)"), validators=[Length(max=5000)])
    description_en = StrippedText(_l("Description (English, optional)"), validators=[Length(max=5000)])
    category_id = SelectField(_l("Permit type (empty: for every permit)"), choices=[], coerce=str)
    duration_seconds = DecimalField(
        _l("Length of the video (seconds)"),
        places=None,
        validators=[Optional(), NumberRange(min=0, max=36000)],
    )
    transcript_id = StrippedText(_l("Transcript (Indonesian)"), validators=[Length(max=100000)])
    transcript_en = StrippedText(_l("Transcript (English, optional)"), validators=[Length(max=100000)])

    def data_for_service(self) -> dict[str, Any]:
        data = {
            name: getattr(self, name).data
            for name in (
                "title_id",
                "title_en",
                "description_id",
                "description_en",
                "transcript_id",
                "transcript_en",
            )
        }
        try:
            data["category_id"] = to_id(self.category_id.data or "")
        except ValueError:
            data["category_id"] = None  # "(every permit type)", or not one of the choices
        data["duration_seconds"] = self.duration_seconds.data
        return data


class TutorialUploadForm(FlaskForm):
    file = FileField(_l("File"))


class EmbedForm(FlaskForm):
    embed_url = Stripped(
        _l("Address of the video on another site"),
        validators=[Optional(), Length(max=500)],
        description=_l("Empty removes it."),
    )
