"""Schemathesis against /api/schema/, through the WSGI application: for inputs generated from
the schema (valid and invalid), no endpoint answers a server error, every answer is one the
schema documents, in the documented content type and shape."""

import datetime

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import (
    ArticleFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)

# Examples per operation and generation mode: all 20 take about 15 seconds.
EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def api_schema(db):
    """A small archive with every kind of item, and the schema loaded from the app."""
    from archive.wsgi import application

    peskov = PersonFactory(name="Dmitry Peskov", aliases=["Peskov"])
    kremlin = OrganisationFactory(name="Kremlin")
    source = SourceFactory(name="NBC Washington")
    for n in range(5):
        article = ArticleFactory(
            title=f"Kremlin talks {n}",
            body="Dmitry Peskov said talks would continue.",
            published=datetime.date(2021, 12, 1) + datetime.timedelta(days=n),
            source=source,
            people=[peskov],
            organisations=[kremlin],
        )
        QuoteFactory(article=article, person=peskov, text="talks would continue")
    # As Django's test client does: a request must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# Every operation of the schema (a test below checks this list against it). Schemathesis's own
# pytest plugin does not run under pytest 9, so its strategies are driven here by hypothesis.
OPERATIONS = [
    "/api/articles/",
    "/api/articles/{slug}/",
    "/api/people/",
    "/api/people/{slug}/",
    "/api/organisations/",
    "/api/organisations/{slug}/",
    "/api/quotes/",
    "/api/quotes/{quote_id}/",
    "/api/sources/",
    "/api/sources/{slug}/",
]


def test_every_operation_is_tested(api_schema):
    assert sorted(result.ok().path for result in api_schema.get_all_operations()) == sorted(
        OPERATIONS
    )


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", OPERATIONS)
def test_the_api_keeps_to_its_schema(api_schema, path, mode):
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(checks=CHECKS)

    check()
