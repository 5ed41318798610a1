"""The admin's pages for the finder: each permit's keywords and synonyms, other offices'
permits (signposts), and the questions of "Help me choose a permit" (a tree saved whole, refused
with every problem listed when it has a loop or a dead end). Admins only; thin."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask import redirect as _redirect
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.auth.models import Role
from portal.catalogue import bp, finder
from portal.catalogue.models import PermitCategory, Signpost
from portal.catalogue.services import get_category_by_slug
from portal.extensions import db
from portal.security import roles_required

admin_only = roles_required(Role.ADMIN)
NEW = "__new__"


@bp.route("/admin/finder")
@admin_only
def finder_admin():
    categories = db.session.scalars(select(PermitCategory).order_by(PermitCategory.name_id)).all()
    keywords = {c.id: finder.keywords_of(c) for c in categories}
    signposts = db.session.scalars(select(Signpost).order_by(Signpost.name_id)).all()
    return render_template(
        "catalogue/admin/finder.html", categories=categories, keywords=keywords, signposts=signposts
    )


@bp.route("/admin/finder/keywords/<slug>", methods=["GET", "POST"])
@admin_only
def finder_keywords(slug: str):
    category = get_category_by_slug(slug)
    if category is None:
        abort(404)
    if request.method == "POST":
        finder.save_keywords(category, request.form.get("keywords"), current_user)
        flash(_("The search words are saved. Search finds this permit with them now."), "success")
        return _redirect(url_for("catalogue.finder_admin"))
    return render_template(
        "catalogue/admin/keywords.html", category=category, keywords=finder.keywords_of(category)
    )


@bp.route("/admin/finder/other-offices/new", methods=["GET", "POST"])
@admin_only
def finder_signpost_new():
    return _signpost_page(None)


@bp.route("/admin/finder/other-offices/<slug>", methods=["GET", "POST"])
@admin_only
def finder_signpost(slug: str):
    return _signpost_page(slug)


def _signpost_page(slug: str | None):
    signpost = None
    if slug is not None:
        signpost = (
            db.session.scalar(select(Signpost).where(Signpost.slug == slug))
            if finder.SLUG_RE.fullmatch(slug)
            else None
        )
        if signpost is None:
            abort(404)
    problems: list[str] = []
    values = {name: getattr(signpost, name, "") for name in (*finder.SIGNPOST_FIELDS, "slug")}
    values["active"] = signpost.active if signpost is not None else True
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in (*finder.SIGNPOST_FIELDS, "slug")}
        values["active"] = request.form.get("active") == "1"
        try:
            finder.save_signpost(signpost, values, current_user)
        except finder.FinderError as exc:
            problems = exc.problems
        else:
            flash(_("Saved."), "success")
            return _redirect(url_for("catalogue.finder_admin"))
    return render_template(
        "catalogue/admin/signpost.html", signpost=signpost, values=values, problems=problems
    ), (400 if problems else 200)


def _tree_from_form(form) -> list[dict]:
    """The submitted tree: n-I-key, n-I-question_id, ..., n-I-c-J-label_id, ..., n-I-c-J-target.
    The answer target ``q:__new__`` means the new question added at the end of the form."""
    nodes = []
    for i in range(finder.MAX_NODES + 1):
        prefix = f"n-{i}-"
        if not any(k.startswith(prefix) for k in form):
            continue
        choices = []
        for j in range(finder.MAX_CHOICES + 3):
            cp = f"{prefix}c-{j}-"
            if any(k.startswith(cp) for k in form):
                choices.append({name: form.get(cp + name, "") for name in ("label_id", "label_en", "target")})
        nodes.append(
            {
                **{
                    name: form.get(prefix + name, "")
                    for name in ("key", "question_id", "question_en", "help_id", "help_en")
                },
                "choices": choices,
            }
        )
    new_key = " ".join(str(form.get("n-new-key", "")).split()).lower()
    if any(form.get(f"n-new-{name}") for name in ("key", "question_id")) or any(
        k.startswith("n-new-c-") and form.get(k) for k in form
    ):
        choices = [
            {name: form.get(f"n-new-c-{j}-{name}", "") for name in ("label_id", "label_en", "target")}
            for j in range(finder.MAX_CHOICES)
        ]
        nodes.append(
            {
                "key": new_key,
                "question_id": form.get("n-new-question_id", ""),
                "question_en": form.get("n-new-question_en", ""),
                "help_id": "",
                "help_en": "",
                "choices": choices,
            }
        )
    for node in nodes:
        for ch in node["choices"]:
            if ch.get("target") == f"q:{NEW}":
                ch["target"] = f"q:{new_key}" if new_key else ""
    return nodes


def _targets(nodes: list[dict]) -> list[tuple[str, str]]:
    options = [
        (f"q:{n['key']}", _("Question: %(q)s", q=n.get("question_id") or n["key"]))
        for n in nodes
        if n.get("key")
    ]
    options.append((f"q:{NEW}", _("Question: the new question at the end of this page")))
    options += [
        (f"permit:{slug}", _("Permit: %(name)s", name=name))
        for slug, name in db.session.execute(
            select(PermitCategory.slug, PermitCategory.name_id)
            .where(PermitCategory.active.is_(True))
            .order_by(PermitCategory.name_id)
        )
    ]
    others = db.session.execute(
        select(Signpost.slug, Signpost.name_id).where(Signpost.active.is_(True)).order_by(Signpost.name_id)
    )
    options += [(f"signpost:{slug}", _("Other office: %(name)s", name=name)) for slug, name in others]
    return options


@bp.route("/admin/finder/questions", methods=["GET", "POST"])
@admin_only
def finder_tree():
    problems: list[str] = []
    nodes = finder.current_tree()
    if request.method == "POST":
        submitted = _tree_from_form(request.form)
        try:
            finder.save_tree(submitted, current_user)
        except finder.FinderError as exc:
            problems = exc.problems
            nodes = finder.normalise_tree(submitted)
        else:
            flash(_("The questions are saved."), "success")
            return _redirect(url_for("catalogue.finder_tree"))
    return render_template(
        "catalogue/admin/tree.html", nodes=nodes, problems=problems, targets=_targets(nodes), extra_choices=2
    ), (400 if problems else 200)
