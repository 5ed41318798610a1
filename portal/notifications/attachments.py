"""Files an email carries, made when it is sent. An outbox row names its attachment as
``"<kind>:<id>"`` (the receipt of application 12 is ``"receipt:12"``); the feature that makes
that kind of file registers a maker at app creation, so this package imports no feature."""

from __future__ import annotations

from collections.abc import Callable

#: (file name, content type, bytes), or None when there is nothing to attach any more.
Made = tuple[str, str, bytes] | None
_makers: dict[str, Callable[[int], Made]] = {}


def register(kind: str, maker: Callable[[int], Made]) -> None:
    """``maker(object_id)`` makes the file of ``kind`` for that object."""
    _makers[kind] = maker


def make(reference: str | None) -> Made:
    """The file ``reference`` names, or None (no reference, an unknown kind, a malformed id,
    or the maker has nothing): the email is then sent without it."""
    if not reference or ":" not in reference:
        return None
    kind, _, raw_id = reference.partition(":")
    maker = _makers.get(kind)
    if maker is None or not raw_id.isdigit():
        return None
    return maker(int(raw_id))
