"""Schemathesis against the live server and the live schema: every operation, 100 examples
each, as an authenticated request handler with a token (the users endpoints as a local data
administrator). No server error, no status that is not documented, no response that breaks
the schema.

The schema is what the running code generates (drf-spectacular's generator, the one behind
/api/v1/schema/), loaded at collection: schemathesis' lazy fixture loader does not work with
pytest 9. test_schema.py keeps docs/openapi.yaml equal to it."""

import os

import pytest
import schemathesis
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from openimi.api import tokens

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data(world, make_request):
    cache.clear()  # the throttles' counters
    make_request("accepted", attachment=True)
    make_request("draft")
    _alerts(world)


def _alerts(world):
    """The handler's alerts: a draft, and one sent from the Netherlands to Germany (the
    requesting and the responding side's coordinators coordinate alerts too)."""
    from openimi.alerts import services as alert_services
    from openimi.alerts.models import AlertCoordinator

    for country, authority in (("NL", world.coordinator), ("DE", world.other_coordinator)):
        AlertCoordinator.objects.create(country_id=country, area=world.area, authority=authority)
    alert_services.alert_create_draft(actor=world["handler"], alert_type="services")
    sent = alert_services.alert_create_draft(
        actor=world["handler"],
        alert_type="services",
        fields={"activity": "Gas installations", "description": "Unsafe boilers."},
        personal={"full_name": "Jansen Installatietechniek"},
        countries=["DE"],
        language="en",
    )
    alert_services.alert_submit(alert=sent, actor=world["handler"])
    alert_services.alert_validate(alert=sent, actor=world["coord_handler"])


@pytest.fixture
def token_header(world):
    secret = tokens.token_create(actor=world["handler"], user=world["handler"], name="st").secret
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def lda_header(world):
    """The users endpoints are for local data administrators: they run as the requesting
    authority's only one. Its own account cannot be deleted, reset or lose the role (the
    last administrator), so the run keeps its token; other users it may change or delete,
    and the handler, who has requests assigned, keeps its name, role and login."""
    secret = tokens.token_create(actor=world["lda"], user=world["lda"], name="st").secret
    return {"Authorization": f"Bearer {secret}"}


def _headers_for(operation, token_header, lda_header) -> dict:
    return lda_header if operation.path.startswith("/api/v1/users/") else token_header


def test_api_against_its_schema(live_server, data, token_header, lda_header):
    """One test walks every operation, so the test data is built once (a parametrised test
    per operation would rebuild it, and flush the database, 40 times)."""
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    failures = {}
    for operation in operations:

        @settings(
            # API_SCHEMATHESIS_EXAMPLES lowers it while developing; CI runs the full 100.
            max_examples=int(os.environ.get("API_SCHEMATHESIS_EXAMPLES", "100")),
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            headers = _headers_for(case.operation, token_header, lda_header)
            case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as error:  # noqa: BLE001 - collected, reported together below
            failures[operation.label] = error
    assert not failures, "\n\n".join(f"{label}: {error}" for label, error in failures.items())
