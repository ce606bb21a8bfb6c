"""Schemathesis against /api/openapi.json: every operation, public and with a seller token, cases generated
from the document (valid and invalid parameters); no 5xx, and every response has a documented status, its
content type and a body matching its schema. Bounded (MAX_EXAMPLES per operation and mode), about a minute.

Schemathesis's own pytest plugin does not run under pytest 9 here (it sets a node id pytest removed), so each
operation is a plain parametrised test that draws cases from the operation's Hypothesis strategy."""
from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from locator.auth import create_token
from locator.web.openapi import document
from tests.web.webapp import pages_app

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 30
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = [(path, method.upper()) for path, item in document()["paths"].items() for method in item]
TAKES_PARAMETERS = {(path, method.upper()) for path, item in document()["paths"].items()
                    for method, operation in item.items()
                    if any(p["in"] == "query" for p in operation.get("parameters", []))}  # a path's string is never invalid
CASES: list[float] = []


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    """The API schema as the app serves it, bound to the app (page-test partners, markup in their text)."""
    with pages_app(tmp_path_factory.mktemp("fuzz"), xss=True) as (app, _):
        with app.extensions["locator"].db.session() as session:
            token = create_token(session, "Fuzz Seller", "seller")
        app.extensions["locator"].locator.model()  # the index, before the clock starts
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", app), token
    print(f"\nfuzz: {len(CASES)} cases, {sum(CASES):.1f} s in requests")


# Invalid cases only for operations with a query parameter to make invalid (no case that cannot be drawn).
RUNS = [(path, method, mode) for path, method in OPERATIONS
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if mode is GenerationMode.POSITIVE or (path, method) in TAKES_PARAMETERS]


@pytest.mark.parametrize("audience", ["public", "seller"])
@pytest.mark.parametrize("path, method, mode", RUNS, ids=[f"{m} {p} {g.value}" for p, m, g in RUNS])
def test_operation(fuzzed, path, method, mode, audience):
    schema, token = fuzzed
    headers = {"Authorization": f"Bearer {token}"} if audience == "seller" else {}
    operation = schema[path][method]

    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        started = time.perf_counter()
        case.call_and_validate(checks=CHECKS, headers=headers)
        CASES.append(time.perf_counter() - started)

    run()
