"""Signals of the catalogue: other features react to a category's form changing without the
catalogue importing them (the recorded video guides re-record themselves)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent after a new form version is written and made the category's current one (its fields
#: or its documents changed). Sender: the PermitCategory; ``version``: the FormVersion.
form_version_published = _signals.signal("form-version-published")
