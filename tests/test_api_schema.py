"""Property-based tests of the REST API against its own OpenAPI schema (schemathesis, in process over
ASGI): generated requests to every operation, valid and invalid, never get a server error, and every
answer has a documented status code and matches the documented response schema."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_web_queries import build_web_database

from tocsin.web.app import create_app

TOKEN = "schema-token-0123456789"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 30


# Built when the module is collected: schemathesis reads the schema from the app at that point.
_FOLDER = tempfile.TemporaryDirectory(prefix="tocsin-schema-")
DATABASE = build_web_database(Path(_FOLDER.name) / "schema.duckdb", None)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(DATABASE, api_token=TOKEN, max_body_bytes=20_000)
)


@schema.include(method="GET").parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_reading_never_fails_and_matches_the_schema(case: Case) -> None:
    case.call_and_validate(checks=CHECKS)


@schema.include(method="POST").parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_writing_never_fails_and_matches_the_schema(case: Case) -> None:
    if isinstance(case.body, dict):
        case.body.pop("url", None)  # a URL would be fetched: these tests stay off the network
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Bearer {TOKEN}"})
    case.call_and_validate(checks=CHECKS)  # without the token: 401, never anything else
