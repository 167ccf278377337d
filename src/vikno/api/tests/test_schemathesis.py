"""Every operation of /api/v1/ generated from its own OpenAPI document (schemathesis), called through the WSGI
application (no network): no answer is a 5xx, and every answer is what the document promises (a documented
status code, its content type, a body that matches its schema). The API has no authentication: it is public and
read-only, so there is no authenticated operation to test."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from vikno.catalog.models import SpecialDay
from vikno.catalog.tests.factories import (
    ChannelFactory,
    LifeEventFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    PublicServiceFactory,
    ServiceCentreFactory,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def application(environ, start_response):
    """The portal's WSGI application, keeping the test's database connection open: Django closes connections
    at the end of every request, which would drop the test's in-memory database (its test client does the same
    as this)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = _portal(environ, start_response)
        body = b"".join(response)
        response.close()
        return [body]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


_portal = get_wsgi_application()
# The document as the application serves it (generated from the code; reading it touches no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture(autouse=True)
def catalogue(db):
    """A small catalogue, so that the operations find something and their answers have bodies to check."""
    parent = OrganisationFactory(slug="ministry", code="00032684")
    agency = OrganisationFactory(slug="agency", parent=parent, email="info@agency.example.gov.ua")
    service = PublicServiceFactory(slug="id-card", competent_authority=agency, cost_amount=27900)
    ChannelFactory(service=service)
    event = LifeEventFactory(slug="moving")
    service.life_events.add(event)
    centre = ServiceCentreFactory(slug="pechersk", organisation=agency)
    centre.services.add(service)
    OpeningHoursFactory(centre=centre, weekday=0)
    SpecialDay.objects.create(centre=centre, date=datetime.date(2026, 12, 31), closed=True)
    return {
        "/api/v1/services/{id}/": service.pk,
        "/api/v1/organisations/{id}/": agency.pk,
        "/api/v1/life-events/{id}/": event.pk,
        "/api/v1/centres/{id}/": centre.pk,
    }


@schema.parametrize()
@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case):
    case.call_and_validate(checks=CHECKS)


def test_each_object_operation_answers_a_real_object_as_documented(catalogue):
    """Generated identifiers almost never name a real object: each object operation is also asked for one."""
    assert {path for path in schema.raw_schema["paths"] if "{id}" in path} == set(catalogue)
    for path, key in catalogue.items():
        case = schema[path]["GET"].Case(path_parameters={"id": str(key)})
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == 200
        assert response.json()["id"] == str(key)
