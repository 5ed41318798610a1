"""PDF inspection for uploads: a PDF is refused when it is encrypted, broken or truncated, or
carries active content (scripts, launch or web actions outside links, embedded files, rich
media). ``check_upload`` calls ``check_pdf`` on every stored PDF."""

from __future__ import annotations

import io
import os
import re
import warnings
from typing import Any, BinaryIO

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, TextStringObject

from portal.storage.errors import UploadRejected

#: Every action type of PDF 2.0 (ISO 32000-2, 12.6.4). A dictionary whose /S is one of these is
#: an action wherever it is found; one reached through /A, /OpenAction, /AA or /Next is an
#: action whatever its /S says.
_ACTION_TYPES = {
    "/GoTo",
    "/GoToR",
    "/GoToE",
    "/GoToDp",
    "/Launch",
    "/Thread",
    "/URI",
    "/Sound",
    "/Movie",
    "/Hide",
    "/Named",
    "/SubmitForm",
    "/ResetForm",
    "/ImportData",
    "/SetOCGState",
    "/Rendition",
    "/Trans",
    "/GoTo3DView",
    "/JavaScript",
    "/RichMediaExecute",
}
#: The only named actions a viewer may run: page turning.
_HARMLESS_NAMED = {"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"}
#: Where an action runs: a link annotation the reader clicks (the only place a web link may be),
#: on opening the document, as an additional action (/AA: on a page, a field, an annotation or
#: the document being opened, closed, printed, saved), after another action (/Next), anywhere
#: else.
_LINK, _OPEN, _ADDITIONAL, _CHAINED, _OTHER = "link", "open", "additional", "chained", "other"
#: A web link the reader clicks: http or https, a host, nothing a browser would strip or bend
#: (whitespace, control characters, backslashes).
_WEB_URI = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-\[\]-~]*)?", re.IGNORECASE | re.ASCII
)
#: Annotation types that carry files or rich media.
_ACTIVE_ANNOTS = {"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"}
#: Keys whose presence alone means active content.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/EF", "/XFA", "/RichMediaContent"}
#: Keys never followed: page content, fonts and images, thumbnails, metadata, structure and
#: back-links hold data, not actions, and can be large (images are read whole by pypdf).
_SKIP_KEYS = {
    "/Contents",
    "/Resources",
    "/Thumb",
    "/Metadata",
    "/Parent",
    "/P",
    "/StructTreeRoot",
    "/StructParent",
    "/StructParents",
    "/PieceInfo",
    "/ParentTree",
    "/AP",
    "/Font",
    "/XObject",
    "/ColorSpace",
    "/Pattern",
    "/Shading",
    "/ExtGState",
    "/Properties",
    "/Info",
}
MAX_PDF_OBJECTS = 200_000
#: A complete PDF ends with %%EOF; writers may add a little padding after it.
_EOF_WINDOW = 4096


def check_pdf(fh: BinaryIO) -> None:
    """Refuse a PDF that is encrypted (pdf_encrypted), unreadable or truncated (pdf_broken), or
    that carries active content anywhere reachable from its catalogue (pdf_active_content):
    JavaScript, embedded or attached files, XFA, rich media, or any action but the harmless
    ones. Actions are allow-listed: going to a page or named destination of this file, turning
    pages (next, previous, first, last), and an http(s) web link in a link annotation the
    reader clicks. Everything else is refused, wherever it sits (opening the document, an
    additional action, a chain of /Next actions): remote and embedded go-to, launch, web links
    run without a click, forms, import, sounds, movies, threads, hide, layers, transitions, 3D,
    other named actions, and links that are not plain http(s)."""
    fh.seek(0, os.SEEK_END)
    length = fh.tell()
    fh.seek(max(0, length - _EOF_WINDOW))
    if b"%%EOF" not in fh.read():
        raise UploadRejected("pdf_broken")
    fh.seek(0)

    def ident(value: Any) -> tuple:
        if isinstance(value, IndirectObject):
            return ("ref", value.idnum, value.generation)
        return ("direct", id(value))

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(fh, strict=False)
            if reader.is_encrypted:
                raise UploadRejected("pdf_encrypted")
            if len(reader.pages) == 0:
                raise UploadRejected("pdf_broken")
            root = reader.trailer.get("/Root")
            stack: list[Any] = [root]
            seen: set[tuple] = set()
            # Every action found: its dictionary and the places it is run from.
            actions: dict[tuple, tuple[DictionaryObject, set[str]]] = {}
            keep: list = []  # direct objects stay alive, so their id() is not reused

            def run_from(value: Any, where: str) -> None:
                """``value`` (an action, or for /Next an array of them) is run from ``where``."""
                items = value.get_object() if isinstance(value, IndirectObject) else value
                if isinstance(items, ArrayObject) and where == _CHAINED:
                    for item in items:  # an array's items are the raw references
                        run_from(item, where)
                    return
                action = value.get_object()
                if not isinstance(action, DictionaryObject):
                    raise UploadRejected("pdf_active_content")
                keep.append(value)
                actions.setdefault(ident(value), (action, set()))[1].add(where)

            visited = 0
            while stack:
                ref = stack.pop()
                key = ident(ref)
                if key in seen:
                    continue
                seen.add(key)
                keep.append(ref)
                obj = ref.get_object()
                visited += 1
                if visited > MAX_PDF_OBJECTS:
                    raise UploadRejected("pdf_broken")
                if isinstance(obj, DictionaryObject):
                    if _ACTIVE_KEYS.intersection(obj.keys()):
                        raise UploadRejected("pdf_active_content")
                    if obj.get("/Subtype") in _ACTIVE_ANNOTS:
                        raise UploadRejected("pdf_active_content")
                    if obj.get("/Type") == "/Filespec" and "/EF" in obj:
                        raise UploadRejected("pdf_active_content")
                    if obj.get("/S") in _ACTION_TYPES or obj.get("/Type") == "/Action":
                        actions.setdefault(key, (obj, set()))
                    if "/A" in obj and obj.get("/Type") != "/Measure":  # a measure's /A is data
                        is_link = obj.get("/Subtype") == "/Link"
                        run_from(obj.raw_get("/A"), _LINK if is_link else _OTHER)
                    if "/OpenAction" in obj and not isinstance(obj["/OpenAction"].get_object(), ArrayObject):
                        run_from(obj.raw_get("/OpenAction"), _OPEN)  # an array is a destination
                    if "/AA" in obj:
                        triggers = obj["/AA"].get_object()
                        if not isinstance(triggers, DictionaryObject):
                            raise UploadRejected("pdf_active_content")
                        for value in triggers.values():
                            run_from(value, _ADDITIONAL)
                    if "/Next" in obj:
                        run_from(obj.raw_get("/Next"), _CHAINED)
                    for name, value in obj.items():
                        if name not in _SKIP_KEYS and isinstance(
                            value, IndirectObject | DictionaryObject | ArrayObject
                        ):
                            stack.append(value)
                elif isinstance(obj, ArrayObject):
                    stack.extend(
                        v for v in obj if isinstance(v, IndirectObject | DictionaryObject | ArrayObject)
                    )
            for action, places in actions.values():
                for where in places or {_OTHER}:
                    if not _harmless_action(action, where, reader):
                        raise UploadRejected("pdf_active_content")
    except UploadRejected:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
        AssertionError,
        UnicodeError,
        io.UnsupportedOperation,
    ):
        raise UploadRejected("pdf_broken") from None


def _harmless_action(action: DictionaryObject, where: str, reader: PdfReader) -> bool:
    """Whether one action may stay in an accepted PDF when run from ``where``."""
    kind = action.get("/S")
    if kind == "/GoTo":
        return _internal_destination(action.get("/D"), reader)
    if kind == "/Named":
        return action.get("/N") in _HARMLESS_NAMED
    if kind == "/URI":
        return where == _LINK and _web_link(action.get("/URI"))
    return False


def _internal_destination(dest: Any, reader: PdfReader) -> bool:
    """A destination in this file: a named one (looked up in this file), or an explicit one
    whose first element is one of this file's pages (a page number is for remote files)."""
    if dest is None:
        return False
    if isinstance(dest, IndirectObject):
        dest = dest.get_object()
    if isinstance(dest, NameObject | TextStringObject | str | bytes):
        return True
    if isinstance(dest, ArrayObject) and dest and isinstance(dest[0], IndirectObject):
        page = dest[0]
        return any(
            p.indirect_reference is not None
            and (p.indirect_reference.idnum, p.indirect_reference.generation) == (page.idnum, page.generation)
            for p in reader.pages
        )
    return False


def _web_link(uri: Any) -> bool:
    """A plain http or https URL with a host; ``javascript:``, ``file:``, ``data:``, UNC and
    relative paths, percent-encoded or spaced-out schemes are not."""
    if isinstance(uri, IndirectObject):
        uri = uri.get_object()
    if isinstance(uri, bytes):
        uri = uri.decode("latin-1")
    if not isinstance(uri, str):
        return False
    return bool(_WEB_URI.fullmatch(str(uri)))
