"""The admin's forms for the public website (portal.site): identity, theme, map, social links,
profile pages, officials and permit card icons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import AnyOf, Length, NumberRange, Optional

from portal.forms import Stripped, required
from portal.site import theme

PICTURE_HINT = _l("PNG or JPEG. A big photo is scaled down; SVG and GIF files are not accepted.")


class IdentityForm(FlaskForm):
    logo = FileField(_l("Office logo (shown beside the coat of arms)"), description=PICTURE_HINT)
    remove_logo = BooleanField(_l("Remove the logo"))
    hero = FileField(_l("Home page photo"), description=PICTURE_HINT)
    hero_alt_id = Stripped(
        _l("What the photo shows (Indonesian)"),
        validators=[Length(max=300)],
        description=_l("Required with a photo: people who cannot see it read this."),
    )
    hero_alt_en = Stripped(_l("What the photo shows (English)"), validators=[Length(max=300)])
    remove_hero = BooleanField(_l("Remove the photo"))
    tagline_id = StringField(_l("Line under the home page title (Indonesian)"), validators=[Length(max=300)])
    tagline_en = StringField(_l("Line under the home page title (English)"), validators=[Length(max=300)])


class ThemeForm(FlaskForm):
    choice = RadioField(_l("Colour theme"), validators=[required()])
    colour = Stripped(
        _l("Your own colour (with the choice \u201cOwn colour\u201d)"),
        validators=[Optional(), Length(max=7)],
        description=_l(
            "As #rrggbb, for example #0b4f8a. It is refused unless white text on it, and it on a "
            "white page, keep a contrast of at least 4.5:1."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.choice.choices = [(p.key, str(p.label)) for p in theme.PRESETS.values()]
        self.choice.choices.append((theme.CUSTOM, str(_l("Own colour"))))


class MapForm(FlaskForm):
    map = FileField(_l("Map picture"), description=PICTURE_HINT)
    alt_id = Stripped(
        _l("What the map shows (Indonesian)"),
        validators=[Length(max=300)],
        description=_l(
            "Required with a map, for example: the office on Jalan Dahlia, next to the city park."
        ),
    )
    alt_en = Stripped(_l("What the map shows (English)"), validators=[Length(max=300)])
    remove = BooleanField(_l("Remove the map"))


class SocialLinkForm(FlaskForm):
    label = Stripped(_l("Network"), validators=[required(), Length(max=60)])
    url = Stripped(
        _l("Address of the office's page"),
        validators=[required(), Length(max=300)],
        description=_l("Starting with https://, for example https://www.instagram.com/your.office"),
    )


TITLE_TOO_LONG = _l(
    "The title is too long (at most %(max)d characters): keep it short, it is shown in the menu."
)


class ProfilePageForm(FlaskForm):
    title_id = Stripped(
        _l("Title (Indonesian)"), validators=[required(), Length(max=200, message=TITLE_TOO_LONG)]
    )
    title_en = Stripped(_l("Title (English)"), validators=[Length(max=200, message=TITLE_TOO_LONG)])
    body_id = TextAreaField(
        _l("Text (Indonesian)"),
        validators=[Length(max=50_000)],
        description=_l("Markdown: **bold**, *italic*, [link](https://...), lists with -. HTML is removed."),
    )
    body_en = TextAreaField(_l("Text (English)"), validators=[Length(max=50_000)])
    image = FileField(_l("Picture (optional), for example the organisation chart"), description=PICTURE_HINT)
    alt_id = Stripped(
        _l("What the picture shows (Indonesian)"),
        validators=[Length(max=300)],
        description=_l("Required with a picture: people who cannot see it read this."),
    )
    alt_en = Stripped(_l("What the picture shows (English)"), validators=[Length(max=300)])
    remove_image = BooleanField(_l("Remove the picture"))


class OfficialForm(FlaskForm):
    name = Stripped(_l("Name"), validators=[required(), Length(max=200)])
    position_id = Stripped(_l("Position (Indonesian)"), validators=[required(), Length(max=200)])
    position_en = Stripped(_l("Position (English)"), validators=[Length(max=200)])
    order = IntegerField(
        _l("Order on the page"), default=0, validators=[Optional(), NumberRange(min=0, max=999)]
    )
    photo = FileField(_l("Photo"), description=PICTURE_HINT)
    remove_photo = BooleanField(_l("Remove the photo"))


class IconForm(FlaskForm):
    icon = FileField(_l("Icon"), description=_l("A square PNG or JPEG, at least 96 x 96 pixels."))
    remove = BooleanField(_l("Use the shipped icon of its sector again"))


class NewProfilePageForm(ProfilePageForm):
    slug = Stripped(
        _l("Address of the page"),
        validators=[required()],
        description=_l(
            "The end of the page's address, /profile/...: letters a to z, digits and hyphens, for "
            "example maklumat-pelayanan. It cannot be changed later."
        ),
    )


class PositionForm(FlaskForm):
    """CSRF and the direction of a move in a list (up or down)."""

    direction = Stripped(validators=[AnyOf(("up", "down"))])
