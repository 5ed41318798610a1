"""The colour theme an admin picks: a preset, or a primary colour of their own that is checked
for WCAG AA contrast when it is saved (refused, with the ratio it has and the one it needs).

The primary colour is used for buttons (white text on it), links and headings (it on white and
on the footer's grey), so it must reach 4.5:1 against each of them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

#: Against what the primary colour is shown: white (page, button text) and the footer's grey.
BACKGROUNDS = ("#ffffff", "#f4f6f8")
AA_NORMAL_TEXT = 4.5
HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Preset:
    key: str
    label: object
    primary: str  # buttons, links, the brand name
    hover: str  # a darker shade for hover and pressed buttons


PRESETS = {
    p.key: p
    for p in (
        Preset("blue", _l("Government blue"), "#0b4f8a", "#083a66"),
        Preset("green", _l("Forest green"), "#1b6b3a", "#134d2a"),
        Preset("maroon", _l("Maroon"), "#8a1c2b", "#66141f"),
        Preset("teal", _l("Teal"), "#00635d", "#004a45"),
        Preset("purple", _l("Purple"), "#5b2a86", "#431f63"),
    )
}
CUSTOM = "custom"
DEFAULT = "blue"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two #rrggbb colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def darker(hex_colour: str, factor: float = 0.75) -> str:
    r, g, b = (int(int(hex_colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


def contrast_problem(colour: str) -> str | None:
    """None when ``colour`` keeps AA contrast on every background it is used on; otherwise the
    sentence to show the admin."""
    if not HEX_RE.match(colour or ""):
        return str(_l("Write the colour as # and six hexadecimal digits, for example #0b4f8a."))
    worst = min(BACKGROUNDS, key=lambda bg: contrast(colour, bg))
    ratio = contrast(colour, worst)
    if ratio < AA_NORMAL_TEXT:
        return str(
            _l(
                "The colour %(colour)s has a contrast of only %(ratio)s:1 with white text and "
                "backgrounds; at least %(needed)s:1 is needed so everyone can read buttons and links. "
                "Choose a darker colour.",
                colour=colour.lower(),
                ratio=f"{ratio:.2f}",
                needed=AA_NORMAL_TEXT,
            )
        )
    return None


def colours(theme: str, custom: str = "") -> tuple[str, str]:
    """(primary, hover) for the saved theme; a custom colour that no longer passes (saved
    before the check, or edited in the database) falls back to the default preset."""
    if theme == CUSTOM and custom and contrast_problem(custom) is None:
        return custom.lower(), darker(custom.lower())
    preset = PRESETS.get(theme) or PRESETS[DEFAULT]
    return preset.primary, preset.hover


def stylesheet(primary: str, hover: str) -> str:
    """The CSS that puts the theme on Bootstrap's buttons, links and the header."""
    r, g, b = (int(primary[i : i + 2], 16) for i in (1, 3, 5))
    return f""":root {{ --sp-primary: {primary}; --sp-primary-hover: {hover};
  --bs-primary: {primary}; --bs-primary-rgb: {r}, {g}, {b};
  --bs-link-color: {primary}; --bs-link-color-rgb: {r}, {g}, {b};
  --bs-link-hover-color: {hover}; }}
.btn-primary {{ --bs-btn-bg: {primary}; --bs-btn-border-color: {primary};
  --bs-btn-hover-bg: {hover}; --bs-btn-hover-border-color: {hover};
  --bs-btn-active-bg: {hover}; --bs-btn-active-border-color: {hover};
  --bs-btn-disabled-bg: {primary}; --bs-btn-disabled-border-color: {primary}; }}
.btn-outline-primary {{ --bs-btn-color: {primary}; --bs-btn-border-color: {primary};
  --bs-btn-hover-bg: {primary}; --bs-btn-hover-border-color: {primary};
  --bs-btn-active-bg: {hover}; --bs-btn-active-border-color: {hover}; }}
.brand-name, .site-hero h1 {{ color: {primary}; }}
.site-header {{ border-top: 6px solid {primary}; }}
.nav-pills {{ --bs-nav-pills-link-active-bg: {primary}; }}
"""
