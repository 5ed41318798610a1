"""“Show me on this page” (issue 14): the steps of the in-page walkthrough of a stage page,
built from the page as it was rendered for this person, with the recorder's narration.

- A step of the stage's recorded guide is used as it was said (and its stretch of the guide's
  audio is played) when its element is on this page and still shows the label it named, and
  every label it quotes is on this page.
- Every other field, button and button-styled link of the page gets the sentence the recorder
  says of such a control (``script``: fields and documents of the published form version by
  their defined labels and help texts, other controls by the label read off the page).
- Steps only name elements that exist and are shown; selectors use ids, else names and
  values, else a link's address; anything else is left out.

The stage panel (portal.tutorials.panel) marks the request (``g.walkthrough``) and renders the
button with ``PLACEHOLDER`` in its data attribute; ``init_app``'s response hook puts the
steps there (before the response is compressed or given an ETag).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, g, request, url_for
from markupsafe import escape
from sqlalchemy import select

from portal import cache
from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.i18n import current_language
from portal.recorder import pagetree
from portal.recorder.pagetree import Element
from portal.recorder.script import (
    choose,
    clean_label,
    document_text,
    field_text,
    fill_in,
    label_matches,
    page_intro,
    press,
    quote,
    quoted_labels,
    tick,
)
from portal.tutorials import services
from portal.tutorials.models import Tutorial
from portal.tutorials.panel import PANEL_CACHE_SECONDS
from portal.tutorials.panel import WALKTHROUGH_PLACEHOLDER as PLACEHOLDER
from portal.tutorials.recorded import guide_slug
from portal.tutorials.stages import stage_label

_PLACEHOLDER_BYTES = PLACEHOLDER.encode()

#: A page with more controls than this is shown in its first MAX_STEPS.
MAX_STEPS = 40
#: The stage panel itself is never a step.
_PANEL_ATTR = "data-tutorial-stage"
_FIELD_TAGS = ("input", "select", "textarea")
_NOT_FIELDS = ("hidden", "submit", "button", "reset", "image")
#: What differs between two renderings of the same page for two sessions: the token's value
#: (group 1 keeps what comes before it). Written without look-behinds, which made the search
#: try them at every character of the page (0.9 ms of a 21 KB catalogue page, 0.2 ms now).
_SESSION_BITS = re.compile(r'(name="csrf_token" (?:type="hidden" )?value="|data-csrf=")[^"]*')


def _without_session_bits(html: str) -> str:
    """The page without its per-session token (a visitor's page has none: no search at all)."""
    return _SESSION_BITS.sub(r"\1", html) if "csrf" in html else html


_FORM_PAGE = re.compile(r"/form/(?P<key>[\w-]+)/?$")


@dataclass
class PageFacts:
    """What the builder knows of the page besides its HTML."""

    stage: str
    lang: str
    path: str
    spec: Any = None  # the category's published FormSpec, if any
    recorded: list[dict] = field(default_factory=list)  # the recorded guide's steps (Step dicts)
    audio: bool = False  # whether the recorded steps' times are in an audio file of this language


def path_pattern(path: str) -> str:
    """The recorder's form of a page's path (numbers as ``<id>``)."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", path.split("?")[0].split("#")[0])


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def _by_id(value: str) -> str:
    """``#id``, or ``[id="..."]`` for an id that is not a plain CSS name."""
    if re.fullmatch(r"[A-Za-z_][\w-]*", value):
        return "#" + value
    return f"[id={_css_string(value)}]"


def _candidates(el: Element, main: Element) -> list[str]:
    if el.id:
        return [_by_id(el.id)]
    out = []
    attrs = [a for a in ("name", "value", "form") if el.attrs.get(a)]
    if attrs:
        out.append(el.tag + "".join(f"[{a}={_css_string(el.attrs[a])}]" for a in attrs))
    if el.tag == "a" and el.attrs.get("href"):
        out.append(f"a[href={_css_string(el.attrs['href'])}]")
    form = next((a for a in el.ancestors() if a.tag == "form"), None)
    if el.tag == "button" and form is not None:
        scope = _by_id(main.id) if main.id else "main"
        forms = []
        if form.id:
            forms.append(_by_id(form.id))
        if form.attrs.get("action"):
            forms.append(f"{scope} form[action={_css_string(form.attrs['action'])}]")
        forms.append(f"{scope} form")
        out += [f'{f} button[type="submit"]' for f in forms]
    return out


def stable_selector(
    el: Element, root: Element, main: Element | None = None, ids: dict[str, int] | None = None
) -> str | None:
    """A selector that finds the element and nothing else, made of its stable attributes: its
    id, else its name (and value, form), else a link's address, else (a form's button) its
    form's id or address; None when none is unique. ``ids``: how often each id is on the page
    (``id_counts``), when it is at hand."""
    if el.id and ids is not None:
        return _by_id(el.id) if ids.get(el.id) == 1 else None
    for selector in _candidates(el, main or root):
        if pagetree.select(root, selector) == [el]:
            return selector
    return None


def id_counts(root: Element) -> dict[str, int]:
    counts: dict[str, int] = {}
    for el in root.elements():
        if el.id:
            counts[el.id] = counts.get(el.id, 0) + 1
    return counts


def _shown(el: Element, main: Element) -> bool:
    if el.is_hidden():
        return False
    return not any(_PANEL_ATTR in a.attrs for a in (el, *el.ancestors()) if a is not main)


def _page_labels(main: Element) -> list[str]:
    """Every label the page shows, as ``flask tutorials check`` reads them (buttons, links,
    labels, legends, headings, badges, terms, bold text, and their parts)."""
    tags = ("button", "a", "label", "legend", "h1", "h2", "h3", "dt", "strong")
    out = []
    for el in main.elements():
        if (
            el.tag in tags
            or "badge" in el.classes
            or (el.tag == "span" and el.parent is not None and el.parent.tag in ("label", "legend"))
        ):
            out.append(el.text())
        elif el.tag == "input" and el.attrs.get("type") == "submit":
            out.append(clean_label(el.attrs.get("value", "")))
    return [label for label in out if label]


def _quotes_present(text: str, labels: list[str]) -> bool:
    return all(any(label_matches(q, shown) for shown in labels) for q in quoted_labels(text))


def _recorded_steps(
    root: Element, main: Element, facts: PageFacts, labels: dict[str, Element], ids: dict[str, int]
) -> dict[int, list[dict]]:
    """The recorded guide's steps of this page whose element is here with the same label;
    keyed by the element's position in the page."""
    pattern = path_pattern(facts.path)
    positions = {id(el): i for i, el in enumerate(main.elements())}
    shown: list[str] | None = None
    out: dict[int, list[dict]] = {}
    for step in facts.recorded:
        text = (step.get("text") or {}).get(facts.lang) or ""
        if (
            step.get("stage") != facts.stage
            or step.get("page") != pattern
            or not step.get("selector")
            or not text
        ):
            continue
        try:
            el = pagetree.select_one(root, step["selector"])
        except pagetree.SelectorError:
            continue
        if el is None or id(el) not in positions or not _shown(el, main):
            continue
        if not label_matches(clean_label(step.get("label", "")), pagetree.label_of(el, main, labels)):
            continue
        shown = shown if shown is not None else _page_labels(main)
        if not _quotes_present(text, shown):
            continue  # the page changed since the recording: the live sentence is used
        made: dict[str, Any] = {
            "selector": stable_selector(el, root, main, ids) or step["selector"],
            "text": text,
        }
        if facts.audio and float(step.get("end", 0)) > float(step.get("start", 0)):
            made["start"], made["end"] = round(float(step["start"]), 3), round(float(step["end"]), 3)
        out.setdefault(positions[id(el)], []).append(made)
    return out


def _is_control(el: Element) -> str | None:
    """The kind of control an element is, for the walkthrough: "fieldset" (a group of radio
    buttons or tick boxes), "field", "button", "link"; None for anything else."""
    if el.tag == "fieldset" and el.id:
        return "fieldset"
    if el.tag in _FIELD_TAGS and el.attrs.get("type", "text").lower() not in _NOT_FIELDS:
        if any(a.tag == "fieldset" and a.id for a in el.ancestors()):
            return None  # narrated once, as its group
        return "field" if el.id else None
    if el.tag == "button" and el.attrs.get("type", "submit").lower() == "submit":
        return "button"
    if el.tag == "a" and "btn" in el.classes and el.attrs.get("href"):
        return "link"
    return None


def _live_text(el: Element, kind: str, label: str, facts: PageFacts, state: dict) -> str | None:
    """The recorder's sentence for a control, in the page's language."""
    lang, spec = facts.lang, facts.spec
    if kind in ("button", "link"):
        return press(quote(label))[lang]
    key = el.id[2:] if el.id.startswith("f-") else None
    field_spec = state["fields"].get(key) if key else None
    if field_spec is not None:
        intro = None
        if not state["intro_done"] and state["page"] is not None:
            number, total, form_page = state["page"]
            intro = page_intro(number, total, form_page, lang)
        state["intro_done"] = True
        return field_text(field_spec, lang, intro)[lang]
    if el.id.startswith("file-") and spec is not None:
        doc = next((d for d in spec.documents if d.key == el.id[5:]), None)
        if doc is not None:
            first = not state["doc_done"]
            state["doc_done"] = True
            return document_text(doc, quote(label), lang, first=first)[lang]
    q = quote(label)
    if kind == "fieldset" or el.tag == "select":
        return choose(q, q)[lang]
    if el.attrs.get("type", "").lower() in ("checkbox", "radio"):
        return tick(q)[lang]
    return fill_in(q, q)[lang]


def build_steps(html: str, facts: PageFacts) -> list[dict]:
    """The walkthrough of the page ``html``: ``[{"selector", "text", "start"?, "end"?}]``."""
    root = pagetree.parse(html)
    main = pagetree.find_main(root)
    if main is None:
        return []
    labels = pagetree.label_index(main)
    ids = id_counts(root)
    recorded = _recorded_steps(root, main, facts, labels, ids)
    state: dict[str, Any] = {"fields": {}, "page": None, "intro_done": False, "doc_done": False}
    if facts.spec is not None:
        pages = list(facts.spec.pages)
        state["fields"] = {fs.key: fs for p in pages for fs in p.fields}
        match = _FORM_PAGE.search(facts.path) if facts.stage == "fill_form" else None
        for number, form_page in enumerate(pages, start=1):
            if match and form_page.key == match.group("key"):
                state["page"] = (number, len(pages), form_page)
                intro = page_intro(number, len(pages), form_page, facts.lang)[facts.lang]
                # a recorded step of this page that says the intro already
                state["intro_done"] = any(
                    s["text"].startswith(intro) for found in recorded.values() for s in found
                )
    steps: list[dict] = []
    for position, el in enumerate(main.elements()):
        if position in recorded:
            steps.extend(recorded[position])
            if _is_control(el) == "field" and el.id.startswith("f-"):
                state["intro_done"] = True  # the recorded sentence said the page's intro
            if el.id.startswith("file-"):
                state["doc_done"] = True  # ... or the documents page's
            continue
        kind = _is_control(el)
        if kind is None or not _shown(el, main):
            continue
        label = pagetree.label_of(el, main, labels)
        selector = stable_selector(el, root, main, ids)
        if not label or selector is None:
            continue
        text = _live_text(el, kind, label, facts, state)
        if text:
            steps.append({"selector": selector, "text": text})
    return steps[:MAX_STEPS]


# -- the response hook -------------------------------------------------------------------------


def _recorded_guide(stage: str, category_id: int | None, lang: str) -> Tutorial | None:
    """The recorded guide whose steps the page may use: the stage's own guide (for an English
    page, the category's English recording of the same screen size if there is one). A stage
    that belongs to no category (creating an account, logging in, the catalogue) looks the same
    in every category's guide: the latest recorded one is used when its own guide is not one."""
    choice = services.tutorial_for_stage(stage, category_id)
    tutorial = choice.tutorial if choice else None
    if (tutorial is None or not tutorial.recording) and category_id is None:
        recorded = db.session.scalars(
            select(Tutorial)
            .where(Tutorial.published.is_(True), Tutorial.recording.is_not(None))
            .order_by(Tutorial.updated_at.desc(), Tutorial.id.desc())
        ).all()
        usable = [
            t
            for t in recorded
            if t.recording
            and (t.recording.get("lang", "id"), t.recording.get("viewport")) in ((lang, "phone"),)
        ]
        tutorial = usable[0] if usable else (recorded[0] if recorded else None)
    recording = (tutorial.recording or {}) if tutorial else {}
    if tutorial is None or not recording:
        return None
    if recording.get("lang", "id") != lang and tutorial.category_id is not None:
        category = db.session.get(PermitCategory, tutorial.category_id)
        if category is not None:
            slug = guide_slug(category.slug, lang, recording.get("viewport", "phone"))
            other = db.session.scalar(
                select(Tutorial).where(Tutorial.slug == slug, Tutorial.published.is_(True))
            )
            if other is not None and other.recording:
                return other
    return tutorial


def _guide_facts(stage: str, category_id: int | None, lang: str) -> dict[str, Any]:
    """The recorded guide's steps and audio for a stage page (kept like the stage panel: the
    same for everyone, dropped when a guide changes)."""
    tutorial = _recorded_guide(stage, category_id, lang)
    if tutorial is None:
        return {"steps": [], "audio": None}
    recording = tutorial.recording or {}
    audio = None
    if tutorial.audio_key and recording.get("lang", "id") == lang:
        audio = url_for("tutorials.media", tutorial_id=tutorial.id, kind="audio", v=tutorial.media_version)
    steps = [s for s in recording.get("steps") or [] if isinstance(s, dict) and s.get("stage") == stage]
    return {"steps": steps, "audio": audio}


def walkthrough_data(html: str, stage: str, category_id: int | None) -> dict[str, Any]:
    lang = current_language()
    spec = None
    if category_id is not None:
        category = db.session.get(PermitCategory, category_id)
        version = category.current_version if category is not None else None
        spec = version.spec if version is not None else None
    guide = cache.local(
        f"walkthrough_guide:{stage}:{category_id}:{lang}",
        PANEL_CACHE_SECONDS,
        lambda: _guide_facts(stage, category_id, lang),
    )
    facts = PageFacts(
        stage=stage,
        lang=lang,
        path=request.path,
        spec=spec,
        recorded=guide["steps"],
        audio=bool(guide["audio"]),
    )
    steps = build_steps(html, facts)
    data: dict[str, Any] = {"title": stage_label(stage), "steps": steps}
    if guide["audio"] and any("start" in s for s in steps):
        data["audio"] = guide["audio"]
    return data


def _attribute(data: dict[str, Any]) -> str:
    """The steps as the button's data attribute carries them (JSON, escaped)."""
    return str(escape(json.dumps(data, ensure_ascii=False, separators=(",", ":"))))


def init_app(app: Flask) -> None:
    """Fill the walkthrough button's steps into stage pages. Registered after the compression
    and caching hooks, so it runs before them (Flask runs after_request hooks last first)."""

    @app.after_request
    def _fill_walkthrough(response: Response) -> Response:
        wanted = g.pop("walkthrough", None)
        if (
            not wanted
            or response.status_code != 200
            or response.mimetype != "text/html"
            or response.direct_passthrough
            or response.is_streamed
        ):
            return response
        body = response.get_data()  # the page's bytes: decoded only to build new steps
        if _PLACEHOLDER_BYTES not in body:
            return response
        stage, category_id = wanted["stage"], wanted.get("category_id")
        # The same page (a visitor's catalogue, login, ...) gives the same steps: kept like the
        # stage panel (per process), by the page's hash without its per-session token.
        same_page = _without_session_bits(body.decode()) if b"csrf" in body else body
        attribute = cache.local(
            f"walkthrough:{stage}:{category_id}:{current_language()}:{request.path}:{hash(same_page)}",
            PANEL_CACHE_SECONDS,
            lambda: _attribute(walkthrough_data(body.decode(), stage, category_id)),
        )
        response.set_data(body.replace(_PLACEHOLDER_BYTES, attribute.encode(), 1))
        return response
