"""The admin-written regular expression a text field may carry (``FieldSpec.pattern``): whether
it can be used at all (checked when the field is saved and when the form is published) and
whether an answer matches it. Every use of a field's pattern goes through these two functions.

A pattern is typed by office staff and run on every applicant's answer, so it is held to a safe
subset and matched with bounds:

- ASCII only: ``\\d`` is 0-9, ``\\w`` and ``\\s`` and ``\\b`` are ASCII (``\\d{16}`` must not
  take a NIK typed in full-width digits);
- at most MAX_PATTERN_LENGTH characters, in the syntax of Python's ``re`` (the ``regex``
  package's extras such as ``\\p{..}``, fuzzy matching or recursion are refused);
- no shape that makes backtracking explode: a repeated group holding an unbounded repeat
  (``(a+)+b``, ``(a*){2,}``), an unbounded repeat of a group holding a variable repeat
  (``(a?)*``) or an alternation (``(a|aa)+``), and no back-references;
- matched with the ``regex`` package under a time limit (MATCH_TIMEOUT seconds) and only on
  answers of at most MAX_MATCH_INPUT characters; a pattern that runs out of time, or a pattern
  saved before these checks that no longer passes them, matches nothing (the applicant is told
  the answer is not in the expected format; the log says why).
"""

from __future__ import annotations

import functools
import logging
import re
import re._constants as sre_constants  # the stdlib parser's opcodes (Python 3.11+)
import re._parser as sre_parser
import warnings

import regex
from flask_babel import lazy_gettext as _l

log = logging.getLogger(__name__)

MAX_PATTERN_LENGTH = 200
MAX_MATCH_INPUT = 1000
MATCH_TIMEOUT = 0.05  # seconds; a sane pattern on a short answer takes microseconds
FLAGS = regex.ASCII | regex.VERSION0

_REPEATS = {
    sre_constants.MAX_REPEAT,
    sre_constants.MIN_REPEAT,
    getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT),
}
_UNBOUNDED = sre_constants.MAXREPEAT
_ODD_BRACE = re.compile(r"(?<!\\)\{(?![0-9]*(?:,[0-9]*)?\})")


def pattern_problem(pattern: object) -> str | None:
    """Why ``pattern`` cannot be used, as a sentence in the admin's language, or None when it
    can."""
    if not isinstance(pattern, str) or not pattern:
        return str(_l("The pattern must be text."))
    if len(pattern) > MAX_PATTERN_LENGTH:
        return str(
            _l(
                "The pattern is %(n)d characters long; the limit is %(limit)d. Write a shorter pattern.",
                n=len(pattern),
                limit=MAX_PATTERN_LENGTH,
            )
        )
    try:
        if _ODD_BRACE.search(pattern):
            # A brace that is no {n,m} repeat: a literal to Python's re but fuzzy matching to the
            # regex package ("a{e<=1}"): the two would not agree on what the pattern means.
            raise re.error("brace")
        regex.compile(pattern, FLAGS)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" and the like
            tree = sre_parser.parse(pattern, re.ASCII)
    except (regex.error, re.error, RecursionError, OverflowError, ValueError) as exc:
        position = getattr(exc, "pos", None)
        if position is not None:
            return str(
                _l(
                    "The pattern is not a valid regular expression (look near character "
                    "%(n)d: a bracket, brace or backslash may be missing or extra).",
                    n=position + 1,
                )
            )
        return str(
            _l(
                "The pattern is not a valid regular expression, or uses features that are "
                "not allowed here. Use letters, digits, [ ], { }, ( ), ?, +, * and |."
            )
        )
    if _has_backreference(tree):
        return str(
            _l(
                "The pattern refers back to a group (such as \\1); that is not allowed "
                "here. Write out what must match instead."
            )
        )
    if _explodes(tree, outer_max=1, outer_unbounded=False):
        return str(
            _l(
                "The pattern repeats a part that itself repeats or has choices, such as "
                "(a+)+ or (a|aa)+; checking answers against it could take very long. Write "
                "it without the repeat around the group, for example a+ instead of (a+)+."
            )
        )
    return None


def pattern_matches(pattern: str, text: str) -> bool:
    """Whether the whole of ``text`` matches, under the bounds above; a pattern that is not
    usable, an answer that is too long or a match that runs out of time matches nothing."""
    compiled = _compiled(pattern)
    if compiled is None or len(text) > MAX_MATCH_INPUT:
        return False
    try:
        return compiled.fullmatch(text, timeout=MATCH_TIMEOUT) is not None
    except TimeoutError:
        log.warning("a form field pattern ran out of time (%d characters); treated as no match", len(text))
        return False


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str) -> regex.Pattern | None:
    if pattern_problem(pattern) is not None:
        log.warning(
            "a form field pattern is not usable any more; nothing matches it: %r",
            pattern[:MAX_PATTERN_LENGTH],
        )
        return None
    return regex.compile(pattern, FLAGS)


# -- the shape of a parsed pattern ---------------------------------------------------------------
def _children(op, av):
    """The sub-patterns of one node of the stdlib parser's tree."""
    if op in _REPEATS:
        yield av[2]
    elif op == sre_constants.SUBPATTERN:
        yield av[-1]
    elif op == sre_constants.BRANCH:
        yield from av[1]
    elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        yield av[1]
    elif op == getattr(sre_constants, "ATOMIC_GROUP", None):
        yield av
    elif op == sre_constants.GROUPREF_EXISTS:
        yield av[1]
        if av[2] is not None:
            yield av[2]


def _nodes(tree):
    for op, av in tree:
        yield op, av
        for child in _children(op, av):
            yield from _nodes(child)


def _has_backreference(tree) -> bool:
    return any(
        op
        in (
            sre_constants.GROUPREF,
            sre_constants.GROUPREF_EXISTS,
            getattr(sre_constants, "GROUPREF_IGNORE", None),
        )
        for op, _ in _nodes(tree)
    )


def _explodes(tree, *, outer_max: int, outer_unbounded: bool) -> bool:
    """Whether a repeat inside a repeat can split the same text in very many ways."""
    for op, av in tree:
        if op in _REPEATS:
            low, high, body = av
            unbounded = high == _UNBOUNDED
            variable = low != high
            if (outer_max > 1 or outer_unbounded) and unbounded:
                return True  # (a+)+ , (a*){2,} , (a+){3}
            if outer_unbounded and variable:
                return True  # (a?)* , (a{1,3})+
            inner_max = high if not unbounded else 2
            if _explodes(
                body,
                outer_max=max(outer_max, inner_max) if high > 1 else outer_max,
                outer_unbounded=outer_unbounded or (unbounded and _can_vary(body)),
            ):
                return True
        elif op == sre_constants.BRANCH and outer_unbounded:
            return True  # (a|aa)+ : an alternation repeated without bound
        else:
            for child in _children(op, av):
                if _explodes(child, outer_max=outer_max, outer_unbounded=outer_unbounded):
                    return True
    return False


def _can_vary(tree) -> bool:
    """Whether the sub-pattern holds anything but fixed characters and classes (a repeat of
    it can then nest one variable thing inside another)."""
    return any(op in _REPEATS or op == sre_constants.BRANCH for op, _ in _nodes(tree))
