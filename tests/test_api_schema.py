"""Schemathesis against the API's own OpenAPI document, in the suite: every operation is
called with generated input (valid and invalid), and every answer must be no 5xx, of a
documented status, JSON, and match the documented schema. A partner token that reads every
category is sent, so the partner endpoints are exercised past authentication."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from portal.api import tokens
from portal.auth.models import Role
from portal.extensions import db
from tests.conftest import make_user
from tests.wizard_helpers import make_category, make_submitted

EXAMPLES = 40  # per operation and mode


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def partner_headers(app):
    category = make_category("schema-reklame")
    make_submitted(make_user(Role.APPLICANT), category)
    issued = tokens.issue("Schemathesis", scopes=[tokens.READ_ALL], admin=None, rate_limit_per_minute=10_000)
    db.session.commit()
    app.config["RATELIMIT_ENABLED"] = False  # the limits are tested in test_api.py
    # The WSGI test transport does not undo Flask-Compress's brotli (real clients do).
    yield {"Authorization": f"Bearer {issued.secret}", "Accept-Encoding": "identity"}
    app.config["RATELIMIT_ENABLED"] = True


def _operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_schema(api_schema, partner_headers, mode):
    """Every check schemathesis has (no 5xx, documented status and content type, the response
    matches its schema, ...), on valid and on invalid input. (Schemathesis's own pytest
    plugin, ``from_fixture``, does not run on pytest 9: each operation is driven here.)"""
    operations = _operations(api_schema)
    assert len(operations) == 7
    ran = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case) -> None:
            headers = dict(partner_headers)
            if mode is GenerationMode.NEGATIVE and "Authorization" not in (case.headers or {}):
                # The invalid case is "no Authorization header": sent without one (a 401 is
                # expected), not with the harness's token, which would make the request valid.
                headers.pop("Authorization")
            case.call_and_validate(headers=headers)

        try:
            check()
        except Unsatisfiable:
            # Nothing can be made invalid: no input at all, or only free-text path segments.
            assert mode is GenerationMode.NEGATIVE
            continue
        ran.append(f"{operation.method.upper()} {operation.path}")
    if mode is GenerationMode.POSITIVE:
        assert len(ran) == 7
    else:
        assert {"POST /api/v1/status", "GET /api/v1/partner/applications"} <= set(ran)


def test_schema_is_openapi_3_1_with_every_endpoint(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/api/v1/categories",
        "/api/v1/categories/{slug}",
        "/api/v1/status",
        "/api/v1/permits/verify/{token}",
        "/api/v1/permits/code/{code}",
        "/api/v1/partner/applications",
        "/api/v1/partner/applications/{tracking_number}",
    }
