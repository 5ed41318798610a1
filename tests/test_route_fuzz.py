"""Hostile values in every route of the URL map, as every role: the answer is never a 5xx.

For each role (anonymous, applicant, officer, approver, helpdesk, admin) every rule of
``app.url_map`` gets path values and query strings drawn by Hypothesis from hostile strings and
numbers: ids past 32 and 64 bits, negative and zero ids, unicode digits, NUL and ``%00``, very
long values, dates past year 9999 or before year 1, malformed keyset cursors (base64 JSON with
huge ids or dates). Each is sent as GET, and as POST without a CSRF token where the rule takes
POST. Real objects (a permit type, a submitted application of the applicant) are among the
candidates, so the views behind the converters are reached too.

The number of examples per rule is small so that the test stays in CI's budget; raise it locally
with ``ROUTE_FUZZ_EXAMPLES=50``.
"""

from __future__ import annotations

import base64
import json
import os
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal.applications.models import Document
from portal.auth.models import Role
from portal.extensions import db
from tests.conftest import DEFAULT_PASSWORD, csrf_token, login, make_user
from tests.wizard_helpers import make_category, make_submitted

EXAMPLES = int(os.environ.get("ROUTE_FUZZ_EXAMPLES", "6"))

ROLES = [None, Role.APPLICANT, Role.OFFICER, Role.APPROVER, Role.HELPDESK, Role.ADMIN]

# Every query parameter a view or filter reads (grep request.args / args.get in portal/).
QUERY_NAMES = [
    "before",
    "after",
    "cursor",
    "category",
    "status",
    "sort",
    "size",
    "start",
    "end",
    "submitted_from",
    "submitted_to",
    "year",
    "application",
    "q",
    "kind",
    "lang",
    "page",
    "chapter",
    "v",
    "assigned",
    "due",
    "sector",
    "next",
    "id",
    "period",
    "format",
    "report_lang",
]

HUGE = [2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**30, -1, 0, -(2**63) - 1]


def _cursor(*values) -> str:
    raw = json.dumps(list(values)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


HOSTILE_TEXT = [
    "9223372036854775808",
    "18446744073709551616",
    "99999999999",
    "2147483648",
    "-1",
    "0",
    "00000000000000000000001",
    "1e309",
    "NaN",
    "inf",
    "0x10",
    "١٢٣",
    "１２３",
    "\x00",
    "%00",
    "1\x00",
    "a" * 5000,
    "9" * 400,
    "../../etc/passwd",
    "<script>",
    "' OR 1=1 --",
    "\u202e",
    "9999-12-31",
    "10000-01-01",
    "0000-00-00",
    "0001-01-01",
    "2026-02-30",
    "-2026-01-01",
    "2026-13-01",
    "99999-01-01",
    "2026-1-1",
    "+002026-01-01",
    "2026-01-01T25:00",
    _cursor("2026-01-01", 2**63),
    _cursor("9999-12-31", 1),
    _cursor("0001-01-01", -1),
    _cursor("2026-01-01T00:00:00", 2**64),
    _cursor("10000-01-01", 1),
    _cursor(None, None),
    _cursor([], {}),
    "e30",
    "W10",
    "!!!!",
    "",
]


def hostile_values(real_ids: list[str]):
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT + real_ids),
        st.sampled_from(HUGE).map(str),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.text(max_size=30),
        st.dates().map(lambda d: d.isoformat()),
    )


_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _path(rule, values: dict[str, str]) -> str:
    return _ARG.sub(lambda m: quote(values[m.group(1)], safe=""), rule.rule)


@pytest.fixture
def world(app):
    """A client per role, logged in through the real form, and a few real objects."""
    clients = {}
    users = {}
    for role in ROLES:
        client = app.test_client()
        if role is not None:
            users[role] = make_user(role)
            assert login(client, users[role].email, DEFAULT_PASSWORD).status_code == 302
        clients[role] = client
    category = make_category(slug="fuzz-permit")
    application = make_submitted(users[Role.APPLICANT], category)
    real = [
        str(category.id),
        str(application.id),
        category.slug,
        "business",
        "ktp",
        str(users[Role.APPLICANT].id),
    ]
    real += [
        str(d.id)
        for d in db.session.scalars(select(Document).where(Document.application_id == application.id))
    ]
    return clients, real


def _rules(app):
    # /static serves files only; /logout would end the sessions the other examples use.
    skip = {"static", "auth.logout"}
    return [r for r in app.url_map.iter_rules() if r.endpoint not in skip]


def _check(response, method: str, url: str) -> None:
    assert response.status_code < 500, (
        f"{method} {url[:300]} answered {response.status_code}:\n{response.get_data(as_text=True)[:800]}"
    )


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_no_route_answers_5xx_to_hostile_path_and_query_values(app, world, role):
    clients, real = world
    client = clients[role]
    values = hostile_values(real)
    queries = st.dictionaries(st.sampled_from(QUERY_NAMES), values, max_size=4)

    failures = []
    for rule in _rules(app):
        try:
            _prober(client, rule, values, queries)()
        except AssertionError as exc:  # keep going: report every rule that fails, not the first
            failures.append(str(exc).split("\nFalsifying")[0][:1200])
    assert not failures, "\n\n".join(failures)


def _prober(client, rule, values, queries):
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(args=st.fixed_dictionaries({name: values for name in sorted(rule.arguments)}), query=queries)
    def probe(args, query):
        url = _path(rule, args)
        if "GET" in rule.methods:
            _check(client.get(url, query_string=query), "GET", url)
        if "POST" in rule.methods:
            _check(client.post(url, query_string=query, data=query), "POST", url)

    return probe


# The cases the outside review reported, each by name (they are in the random pool too).
REPORTED = [
    "/news/9223372036854775808",
    "/news/2147483648",
    "/news/99999999999",
    "/news/0",
    "/news/-1",
    "/news/١٢٣",
    "/tutorials/18446744073709551616",
    "/applications/9223372036854775808",
    "/admin/staff/9223372036854775808",
    "/office/applications/9223372036854775808",
    "/helpdesk/assist/9223372036854775808",
    "/news?before=9223372036854775808",
    "/news?before=99999999999",
    "/office/queue?category=9223372036854775808",
    "/office/queue?category=99999999999",
    "/office/queue?category=-1",
    "/office/queue?category=١",
    "/office/queue?cursor=" + _cursor("2026-01-01", 2**63),
    "/office/queue?cursor=" + _cursor("2026-01-01", 2**31),
    "/office/queue?sort=submitted&cursor=" + _cursor("2026-01-01T00:00:00", 2**63),
    "/office/queue?cursor=" + _cursor("10000-01-01", 1),
    "/office/queue?submitted_from=9999-12-31&submitted_to=9999-12-31",
    "/office/queue?submitted_to=10000-01-01",
    "/statistics?end=9999-12-31",
    "/statistics?start=9999-12-31&end=9999-12-31",
    "/statistics?start=0001-01-01",
    "/statistics?end=10000-01-01",
    "/statistics?start=0000-00-00",
    "/statistics?start=2026-05-01&end=2026-01-01",
    "/helpdesk/stuck?end=9999-12-31",
    "/helpdesk/stuck?start=0001-01-01&end=9999-12-31",
    "/helpdesk/?q=x&after=9223372036854775808",
    "/helpdesk/cases?before=9223372036854775808",
    "/admin/audit?before=9223372036854775808",
    "/admin/audit?before=99999999999",
    "/admin/staff?after=99999999999",
    "/admin/tutorials?after=99999999999",
    "/admin/categories?after=99999999999",
    "/admin/holidays?year=99999999999",
    "/admin/holidays?year=10000",
    "/admin/holidays?year=0",
    "/staff/complaints?before=99999999999",
    "/notifications?before=9223372036854775808",
]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_reported_out_of_range_values_are_refused_not_5xx(world, role):
    clients, _ = world
    failures = []
    for url in REPORTED:
        response = clients[role].get(url)
        if response.status_code >= 500:
            failures.append(f"{url} -> {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("url", [u for u in REPORTED if "?" not in u])
def test_out_of_range_ids_in_paths_are_not_found(client, login_as, url):
    login_as(Role.ADMIN, roles=[Role.ADMIN, Role.OFFICER, Role.APPROVER, Role.HELPDESK])
    response = client.get(url + "?lang=en")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_queue_refuses_an_out_of_range_category_or_cursor_with_400(client, login_as):
    login_as(Role.OFFICER)
    for query in (
        "category=9223372036854775808",
        "category=-1",
        "category=١",
        "cursor=" + _cursor("2026-01-01", 2**63),
        "cursor=" + _cursor("10000-01-01", 1),
        "submitted_to=10000-01-01",
        "submitted_from=9999-99-99",
    ):
        response = client.get(f"/office/queue?lang=en&{query}")
        assert response.status_code == 400, query
        assert "The request could not be understood" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "end=9999-12-31",
        "start=9999-12-31&end=9999-12-31",
        "end=10000-01-01",
        "start=0000-00-00",
        "start=0001-01-01",
    ],
)
def test_statistics_with_a_date_out_of_range_says_so_and_shows_the_default(client, query):
    response = client.get(f"/statistics?lang=en&{query}")
    assert response.status_code == 200
    assert "Enter the dates as year-month-day" in response.get_data(as_text=True)


def test_every_rule_with_a_numeric_argument_uses_the_bounded_id_converter(app):
    from werkzeug.routing.converters import NumberConverter

    from portal.params import IdConverter

    unbounded = [
        rule.rule
        for rule in app.url_map.iter_rules()
        for conv in (rule._converters or {}).values()
        if isinstance(conv, NumberConverter) and not isinstance(conv, IdConverter)
    ]
    assert not unbounded, f"use <id:...> (portal/params.py), not <int:...>: {unbounded}"
    assert any(
        isinstance(c, IdConverter) for r in app.url_map.iter_rules() for c in (r._converters or {}).values()
    )


@pytest.mark.parametrize(
    "value", ["99999999999999999999", "9223372036854775808", "2147483648", "0", "-1", "١", "1e3", ""]
)
def test_assigning_an_out_of_range_application_id_is_refused_not_5xx(client, login_as, value):
    """A form body, not a URL: an approver's assign form with a forged application id."""
    application = make_submitted(make_user(Role.APPLICANT), make_category())
    officer = make_user(Role.OFFICER)
    login_as(Role.APPROVER)
    token = csrf_token(client.get("/office/queue").get_data(as_text=True))
    response = client.post(
        "/office/assign?lang=en",
        data={
            "csrf_token": token,
            "officer_id": str(officer.id),
            "application_ids": [str(application.id), value],
        },
    )
    assert response.status_code == 400
    assert "The request could not be understood" in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.assigned_officer_id is None
