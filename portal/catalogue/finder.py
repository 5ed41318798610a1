"""'Help me choose a permit': a few plain questions that end at a permit, or at a signpost when
another office issues it. Admins edit the questions as a small tree, saved whole; a tree with a
loop or a dead end is refused (``check_tree``). Also the admin rules for keywords and signposts.

The tree is a list of question nodes; the first is where everyone starts::

    [{"key": "start", "question_id": "Apa yang ingin Anda lakukan?", "question_en": "...",
      "choices": [{"label_id": "...", "label_en": "...", "target": "q:usaha"},
                  {"label_id": "...", "label_en": "...", "target": "permit:pbg"},
                  {"label_id": "...", "label_en": "...", "target": "signpost:pirt"}]}, ...]

A target names another question (``q:KEY``), one of our permits (``permit:SLUG``) or another
office's permit (``signpost:SLUG``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from portal.audit.services import audit
from portal.catalogue.models import CategoryKeywords, FinderTree, PermitCategory, Signpost
from portal.errors import NotFoundError
from portal.extensions import db

KEY_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
MAX_NODES = 50
MAX_CHOICES = 12
MAX_TEXT = 300
MAX_KEYWORDS_CHARS = 4000


class FinderError(ValueError):
    """A tree, keyword list or signpost an admin tried to save, refused: ``problems`` lists
    every reason, each a sentence that says what to change."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


@dataclass
class Target:
    kind: str  # q | permit | signpost
    value: str

    @classmethod
    def parse(cls, raw: str | None) -> Target | None:
        kind, _, value = (raw or "").partition(":")
        if kind not in ("q", "permit", "signpost") or not value:
            return None
        if not (KEY_RE if kind == "q" else SLUG_RE).fullmatch(value):
            return None
        return cls(kind, value)


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    return " ".join(str(value or "").split())[:limit]


def normalise_tree(nodes: Any) -> list[dict[str, Any]]:
    """The tree with only the known keys, trimmed text, and empty choices dropped."""
    out = []
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, dict):
            continue
        choices = []
        for ch in node.get("choices") or []:
            if not isinstance(ch, dict):
                continue
            choice = {
                "label_id": _text(ch.get("label_id")),
                "label_en": _text(ch.get("label_en")),
                "target": _text(ch.get("target"), 130),
            }
            if choice["label_id"] or choice["label_en"] or choice["target"]:
                choices.append(choice)
        item = {
            "key": _text(node.get("key"), 40).lower(),
            "question_id": _text(node.get("question_id")),
            "question_en": _text(node.get("question_en")),
            "help_id": _text(node.get("help_id")),
            "help_en": _text(node.get("help_en")),
            "choices": choices,
        }
        if item["key"] or item["question_id"] or item["question_en"] or choices:
            out.append(item)
    return out


def check_tree(nodes: list[dict[str, Any]]) -> list[str]:
    """Every reason the tree cannot be saved (empty when it can): unknown or repeated question
    keys, a question without answers or an answer without a target (dead ends), an answer
    leading to a permit that is closed or does not exist, a loop (an answer that leads back to
    a question already asked on the way), and questions no answer leads to."""
    problems: list[str] = []
    if not nodes:
        return [_("Add at least one question.")]
    if len(nodes) > MAX_NODES:
        problems.append(_("A tree has at most %(n)s questions.", n=MAX_NODES))
    keys: dict[str, dict] = {}
    for i, node in enumerate(nodes, start=1):
        key = node["key"]
        if not KEY_RE.fullmatch(key):
            problems.append(
                _(
                    "Question %(n)s needs a short name of lower-case letters, digits and "
                    "dashes (for example: usaha).",
                    n=i,
                )
            )
            continue
        if key in keys:
            problems.append(_('Two questions are named "%(key)s": give each its own name.', key=key))
        keys[key] = node
    permits = set(db.session.scalars(select(PermitCategory.slug).where(PermitCategory.active.is_(True))))
    signposts = set(db.session.scalars(select(Signpost.slug).where(Signpost.active.is_(True))))
    edges: dict[str, list[str]] = {}
    for key, node in keys.items():
        if not node["question_id"]:
            problems.append(_('Question "%(key)s" has no question in Indonesian.', key=key))
        if not node["choices"]:
            problems.append(
                _(
                    'Question "%(key)s" has no answers: a person who reaches it cannot go on. '
                    "Add an answer or remove the question.",
                    key=key,
                )
            )
        if len(node["choices"]) > MAX_CHOICES:
            problems.append(_('Question "%(key)s" has more than %(n)s answers.', key=key, n=MAX_CHOICES))
        edges[key] = []
        for ch in node["choices"]:
            label = ch["label_id"] or ch["label_en"] or "?"
            target = Target.parse(ch["target"])
            if not ch["label_id"]:
                problems.append(_('An answer of question "%(key)s" has no text in Indonesian.', key=key))
            if target is None:
                problems.append(
                    _(
                        'The answer "%(label)s" of question "%(key)s" leads nowhere: choose where it leads.',
                        label=label,
                        key=key,
                    )
                )
            elif target.kind == "q" and target.value not in keys:
                problems.append(
                    _(
                        'The answer "%(label)s" leads to a question "%(target)s" that does not exist.',
                        label=label,
                        target=target.value,
                    )
                )
            elif target.kind == "permit" and target.value not in permits:
                problems.append(
                    _(
                        'The answer "%(label)s" leads to a permit type that does not exist or is closed.',
                        label=label,
                    )
                )
            elif target.kind == "signpost" and target.value not in signposts:
                problems.append(
                    _(
                        'The answer "%(label)s" leads to another office\'s permit that does not '
                        "exist or is hidden.",
                        label=label,
                    )
                )
            elif target.kind == "q":
                edges[key].append(target.value)
    start = nodes[0]["key"] if nodes and nodes[0]["key"] in keys else None
    if start is not None:
        loop = _find_loop(start, edges)
        if loop:
            problems.append(
                _(
                    "The questions go round in a circle (%(path)s): a person could answer "
                    "for ever. Make one of these answers lead to a permit instead.",
                    path=" → ".join(loop),
                )
            )
        reached = _reachable(start, edges)
        for key in keys:
            if key not in reached:
                problems.append(
                    _(
                        'No answer leads to question "%(key)s": link it from another question or remove it.',
                        key=key,
                    )
                )
    return problems


def _find_loop(start: str, edges: dict[str, list[str]]) -> list[str] | None:
    """A path that comes back to a question already on it, or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(key: str) -> list[str] | None:
        state[key] = 1
        path.append(key)
        for nxt in edges.get(key, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if state.get(nxt) is None:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[key] = 2
        return None

    return visit(start)


def _reachable(start: str, edges: dict[str, list[str]]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        key = todo.pop()
        if key not in seen:
            seen.add(key)
            todo.extend(edges.get(key, []))
    return seen


def current_tree() -> list[dict[str, Any]]:
    row = db.session.scalar(select(FinderTree).order_by(FinderTree.id).limit(1))
    return list(row.nodes or []) if row is not None else []


def save_tree(nodes: Any, actor=None) -> list[dict[str, Any]]:
    """Check and save the whole tree (admins; the caller checks the role). Raises FinderError
    listing every problem; nothing is saved then."""
    clean = normalise_tree(nodes)
    problems = check_tree(clean)
    if problems:
        raise FinderError(problems)
    row = db.session.scalar(select(FinderTree).order_by(FinderTree.id).limit(1))
    if row is None:
        row = FinderTree()
        db.session.add(row)
    before = {n["key"] for n in row.nodes or []}
    after = {n["key"] for n in clean}
    changed = row.nodes != clean
    row.nodes = clean
    row.updated_by_id = getattr(actor, "id", None) or None
    if actor is not None and changed:
        audit(
            actor,
            "finder.tree_save",
            "finder_tree",
            "",
            f"'Help me choose a permit' saved: {len(clean)} questions",
            added=sorted(after - before),
            removed=sorted(before - after),
        )
    db.session.flush()
    return clean


@dataclass
class Step:
    """One question of the finder as a person sees it, with where each answer leads."""

    node: dict[str, Any]
    choices: list[tuple[dict[str, Any], Target]]
    is_first: bool


def get_step(key: str | None) -> Step | None:
    """The question ``key`` (or the first), or None when there is no such question."""
    nodes = current_tree()
    if not nodes:
        return None
    node = nodes[0] if not key else next((n for n in nodes if n.get("key") == key), None)
    if node is None:
        return None
    choices = [(ch, t) for ch in node.get("choices", []) if (t := Target.parse(ch.get("target")))]
    return Step(node, choices, node is nodes[0])


def get_signpost_or_404(slug: str) -> Signpost:
    signpost = (
        db.session.scalar(select(Signpost).where(Signpost.slug == slug))
        if isinstance(slug, str) and SLUG_RE.fullmatch(slug)
        else None
    )
    if signpost is None or not signpost.active:
        raise NotFoundError()
    return signpost


# -- keywords and signposts (admins) -------------------------------------------------------------
def clean_keywords(text_: str | None) -> str:
    """One word or phrase per line, trimmed, lower-case, without repeats (commas also split)."""
    seen: list[str] = []
    for part in re.split(r"[\n,;]+", (text_ or "")[:MAX_KEYWORDS_CHARS]):
        phrase = " ".join(part.split()).lower()[:80]
        if phrase and phrase not in seen:
            seen.append(phrase)
    return "\n".join(seen)


def keywords_of(category: PermitCategory) -> str:
    row = db.session.get(CategoryKeywords, category.id)
    return row.keywords if row is not None else ""


def save_keywords(category: PermitCategory, text_: str | None, actor=None) -> str:
    """Replace a permit's keywords and synonyms (admins; the caller checks the role); the search
    index follows at the flush. An admin's change (``actor``) goes in the audit log with the
    words added and removed."""
    row = db.session.get(CategoryKeywords, category.id)
    if row is None:
        row = CategoryKeywords(category_id=category.id)
        db.session.add(row)
    before = (row.keywords or "").splitlines()
    row.keywords = clean_keywords(text_)
    after = row.keywords.splitlines()
    if actor is not None and before != after:
        audit(
            actor,
            "finder.keywords",
            "category",
            category.id,
            f"Search words of {category.name_id}",
            added=[w for w in after if w not in before],
            removed=[w for w in before if w not in after],
        )
    db.session.flush()
    return row.keywords


SIGNPOST_FIELDS = (
    "name_id",
    "name_en",
    "issuer_id",
    "issuer_en",
    "summary_id",
    "summary_en",
    "bring_id",
    "bring_en",
    "link_url",
    "keywords",
)


def save_signpost(signpost: Signpost | None, values: dict[str, Any], actor=None) -> Signpost:
    """Create or change another office's permit (admins). Raises FinderError. An admin's
    change (``actor``) goes in the audit log with the fields it changed."""
    problems = []
    slug = _text(values.get("slug"), 80).lower() if signpost is None else signpost.slug
    if not SLUG_RE.fullmatch(slug or ""):
        problems.append(_("Give a short name of lower-case letters, digits and dashes (for example: pirt)."))
    elif signpost is None and db.session.scalar(select(Signpost.id).where(Signpost.slug == slug)):
        problems.append(_("Another entry already has this short name."))
    if not _text(values.get("name_id")):
        problems.append(_("Write the name in Indonesian."))
    url = (values.get("link_url") or "").strip()
    if url and (urlsplit(url).scheme != "https" or not urlsplit(url).netloc):
        problems.append(_("The link must start with https://"))
    if problems:
        raise FinderError(problems)
    created = signpost is None
    if signpost is None:
        signpost = Signpost(slug=slug, name_id="", name_en="")
        db.session.add(signpost)
    old = {name: getattr(signpost, name) for name in (*SIGNPOST_FIELDS, "active")}
    for name in SIGNPOST_FIELDS:
        raw = values.get(name) or ""
        if name == "keywords":
            raw = clean_keywords(raw)
        elif name.startswith(("summary", "bring")):
            lines = str(raw)[:MAX_KEYWORDS_CHARS].splitlines()
            raw = "\n".join(line.strip() for line in lines if line.strip())
        else:
            raw = _text(raw)
        setattr(signpost, name, raw)
    if not signpost.name_en:
        signpost.name_en = signpost.name_id
    signpost.active = bool(values.get("active", True))
    changed = [name for name in (*SIGNPOST_FIELDS, "active") if getattr(signpost, name) != old[name]]
    if actor is not None and (created or changed):
        audit(
            actor,
            "finder.signpost_create" if created else "finder.signpost_update",
            "signpost",
            signpost.slug,
            signpost.name_id,
            fields=changed,
        )
    db.session.flush()
    return signpost
