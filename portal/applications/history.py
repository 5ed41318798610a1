"""An application's history told in plain words for the office ("The applicant submitted the
application.", "Budi Santoso flagged the document Foto KTP: blurred"), never the audit log's
codes ("submit (draft -> submitted)", "flag_document: ktp").

Staff see staff by name; whoever shows this to an applicant passes ``staff_names=False`` and
staff are then "the office" (the applicant's own pages never name officers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.applications.models import Application, AuditEvent
from portal.applications.tracking import timeline
from portal.auth.models import User
from portal.catalogue.formspec import FormSpec
from portal.extensions import db


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    text: str
    internal: bool  # not shown to the applicant


#: One sentence per action; %(who)s is the person, %(note)s the event's note.
_SENTENCES = {
    "submit": _l("%(who)s submitted the application."),
    "start_review": _l("%(who)s started checking the application."),
    "request_correction": _l("%(who)s asked the applicant for corrections: %(note)s"),
    "resubmit": _l("%(who)s sent the corrections."),
    "recommend": _l("%(who)s sent the application to the approver."),
    "approve": _l("%(who)s approved the application and the permit was issued."),
    "reject": _l("%(who)s rejected the application: %(note)s"),
    "withdraw": _l("%(who)s withdrew the application."),
    "claim": _l("%(who)s took the application to work on."),
    "assign": _l("%(who)s assigned the application to %(note)s."),
    "revoke_permit": _l("%(who)s revoked the permit: %(note)s"),
}
#: Sentences without a note, for events that carry none.
_BARE = {
    "request_correction": _l("%(who)s asked the applicant for corrections."),
    "reject": _l("%(who)s rejected the application."),
    "revoke_permit": _l("%(who)s revoked the permit."),
    "assign": _l("%(who)s assigned the application to an officer."),
}
_RECOMMENDED_WITH_REASON = _l("%(who)s sent the application to the approver: %(note)s")
_ABOUT_DOCUMENTS = {
    "accept_document": (
        _l("%(who)s accepted the document %(item)s."),
        _l("%(who)s accepted the document %(item)s: %(note)s"),
    ),
    "flag_document": (
        _l("%(who)s flagged the document %(item)s."),
        _l("%(who)s flagged the document %(item)s: %(note)s"),
    ),
    "upload_document": (_l("%(who)s uploaded a new file for %(item)s."), None),
}
_ABOUT_ANSWERS = {
    "flag_field": (
        _l("%(who)s flagged the answer %(item)s."),
        _l("%(who)s flagged the answer %(item)s: %(note)s"),
    ),
}
_UNFLAG = _l("%(who)s removed the flag on %(item)s.")
_UNKNOWN = _l("%(who)s made a change (%(action)s).")


def history(application: Application, spec: FormSpec, *, staff_names: bool = True) -> list[HistoryLine]:
    """Every event of ``application``, oldest first, as sentences (two statements: the events,
    the names of the people in them)."""
    events = timeline(application, for_applicant=False)
    ids = {e.actor_id for e in events if e.actor_id is not None}
    names = (
        {
            row.id: row.full_name
            for row in db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
        }
        if ids
        else {}
    )
    return [
        HistoryLine(
            e.created_at,
            sentence(e, application, spec, names, staff_names=staff_names),
            not e.visible_to_applicant,
        )
        for e in events
    ]


def _who(event: AuditEvent, application: Application, names: dict[int, str], staff_names: bool) -> str:
    if event.actor_id is None:
        return _("The portal")
    if event.actor_id == application.applicant_id:
        return _("The applicant")
    if not staff_names:
        return _("The office")
    return names.get(event.actor_id) or _("An officer")


def _split(note: str, known: set[str]) -> tuple[str | None, str]:
    """``"ktp: blurred"`` -> ("ktp", "blurred") when ``ktp`` is a known key; else (None, note)."""
    key, sep, rest = note.partition(": ")
    if key in known:
        return key, rest.strip() if sep else ""
    if note.strip() in known:
        return note.strip(), ""
    return None, note


def sentence(
    event: AuditEvent,
    application: Application,
    spec: FormSpec,
    names: dict[int, str],
    *,
    staff_names: bool = True,
) -> str:
    """One event in words."""
    who = _who(event, application, names, staff_names)
    note = (event.note or "").strip()
    action = event.action
    documents = {d.key: d.label for d in spec.documents}
    answers = {f.key: f.label for f in spec.fields}
    if action in _ABOUT_DOCUMENTS or action in _ABOUT_ANSWERS:
        labels = documents if action in _ABOUT_DOCUMENTS else answers
        bare, with_note = _ABOUT_DOCUMENTS.get(action) or _ABOUT_ANSWERS[action]
        key, rest = _split(note, set(labels))
        item = labels.get(key or "", key or note or "-")
        if rest and with_note is not None:
            return str(with_note) % {"who": who, "item": item, "note": rest}
        return str(bare) % {"who": who, "item": item}
    if action == "unflag":
        item = documents.get(note) or answers.get(note) or note or "-"
        return str(_UNFLAG) % {"who": who, "item": item}
    if action == "recommend" and note:
        return str(_RECOMMENDED_WITH_REASON) % {"who": who, "note": note}
    if action == "assign" and note and not staff_names:
        return str(_BARE["assign"]) % {"who": who}
    if action in _SENTENCES:
        if not note and action in _BARE:
            return str(_BARE[action]) % {"who": who}
        return str(_SENTENCES[action]) % {"who": who, "note": note}
    return str(_UNKNOWN) % {"who": who, "action": action}
