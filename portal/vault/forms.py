"""The vault's forms: a new document (its kind, a name for "another document", the file comes
in request.files) and the buttons that post a file or delete one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from portal.vault.models import KIND_LABELS, VaultKind


class NewItemForm(FlaskForm):
    # Checked by the service (parse_kind), which says what to do in the page's language.
    kind = SelectField(_l("What document is it?"), choices=[], validate_choice=False)
    label = StringField(
        _l("Its name (for another document)"),
        validators=[Optional(), Length(max=100, message=_l("Use at most 100 characters."))],
        description=_l("For example: Surat keterangan domisili."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(kind.value, KIND_LABELS[kind]) for kind in VaultKind]


class ButtonForm(FlaskForm):
    """A button's post (replace, delete): the CSRF token only."""
