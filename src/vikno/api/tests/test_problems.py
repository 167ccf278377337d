"""Errors are RFC 9457 problem documents, in the request's language, and never a 500."""

import uuid

import pytest
from django.urls import get_resolver

from vikno.api.v1.problems import PROBLEM_JSON
from vikno.catalog.tests.factories import (
    LifeEventFactory,
    OrganisationFactory,
    PublicServiceFactory,
    ServiceCentreFactory,
)
from vikno.core.access import PUBLIC, access_of

pytestmark = pytest.mark.django_db

TYPES = "http://127.0.0.1:8000/api/v1/problems/"
LISTS = ["/api/v1/services/", "/api/v1/organisations/", "/api/v1/life-events/", "/api/v1/centres/"]


@pytest.fixture
def one_of_each():
    service = PublicServiceFactory()
    event = LifeEventFactory()
    service.life_events.add(event)
    return {
        "/api/v1/services/": service,
        "/api/v1/organisations/": OrganisationFactory(),
        "/api/v1/life-events/": event,
        "/api/v1/centres/": ServiceCentreFactory(),
    }


def details(one_of_each) -> list[str]:
    return [f"{path}{obj.id}/" for path, obj in one_of_each.items()]


@pytest.mark.parametrize(
    ("path", "params", "errors"),
    [
        ("/api/v1/services/", {"organisation": "dms"}, {"organisation": ["Введіть коректне значення UUID."]}),
        ("/api/v1/services/", {"life_event": "1"}, {"life_event": ["Введіть коректне значення UUID."]}),
        ("/api/v1/services/", {"sector": "\x00"}, {"sector": ["Введіть коректне значення UUID."]}),
        (
            "/api/v1/services/",
            {"channel": "fax"},
            {"channel": ["Зробить коректний вибір, fax немає серед варіантів вибору."]},
        ),
        (
            "/api/v1/services/",
            {"audience": "everyone", "organisation": str(uuid.uuid4())[:-1]},
            {
                "organisation": ["Введіть коректне значення UUID."],
                "audience": ["Зробить коректний вибір, everyone немає серед варіантів вибору."],
            },
        ),
        ("/api/v1/centres/", {"service": "passport"}, {"service": ["Введіть коректне значення UUID."]}),
        ("/api/v1/centres/", {"city": "Київ\x00"}, {"city": ["Символи Null не дозволені."]}),
        (
            "/api/v1/centres/",
            {"region": "я" * 101},
            {"region": ["Переконайтеся, що це значення містить не більше ніж 100 символів (зараз 101)."]},
        ),
    ],
)
def test_malformed_filters_are_a_400_problem_naming_each_parameter(get_json, path, params, errors):
    assert get_json(path, params, status=400) == {
        "type": TYPES + "invalid-parameters/",
        "title": "Недійсні параметри запиту",
        "status": 400,
        "detail": "Деякі параметри запиту недійсні; подробиці в errors.",
        "instance": path,
        "errors": errors,
    }


def test_problems_follow_accept_language(get_json):
    problem = get_json("/api/v1/services/", {"channel": "fax"}, status=400, HTTP_ACCEPT_LANGUAGE="en")
    assert problem == {
        "type": TYPES + "invalid-parameters/",
        "title": "Invalid request parameters",
        "status": 400,
        "detail": "Some query parameters are not valid; see errors.",
        "instance": "/api/v1/services/",
        "errors": {"channel": ["Select a valid choice. fax is not one of the available choices."]},
    }
    # A language the portal does not speak falls back to Ukrainian.
    problem = get_json("/api/v1/services/", {"channel": "fax"}, status=400, HTTP_ACCEPT_LANGUAGE="de")
    assert problem["title"] == "Недійсні параметри запиту"


def test_the_response_says_its_language_and_that_it_varies_by_it(client):
    response = client.get("/api/v1/services/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]
    assert client.get("/api/v1/services/")["Content-Language"] == "uk"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused_with_a_405_problem(one_of_each, client, method):
    for path in [*LISTS, *details(one_of_each)]:
        response = getattr(client, method)(path, data={"title": "x"}, content_type="application/json")
        assert response.status_code == 405, path
        assert response["Content-Type"] == PROBLEM_JSON
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response.json() == {
            "type": TYPES + "method-not-allowed/",
            "title": "Метод не дозволено",
            "status": 405,
            "detail": f"API лише для читання: метод {method.upper()} тут не дозволено; використовуйте GET.",
            "instance": path,
        }
    assert PublicServiceFactory._meta.model.objects.count() == 1  # nothing was written


def test_head_and_options_are_answered(one_of_each, client):
    for path in [*LISTS, *details(one_of_each)]:
        assert client.head(path).status_code == 200
        assert client.options(path).status_code == 200


@pytest.mark.parametrize(
    ("headers", "params"),
    [
        ({"HTTP_ACCEPT": "text/html"}, {}),
        ({"HTTP_ACCEPT": "application/xml"}, {}),
        ({"HTTP_ACCEPT": "application/yaml"}, {}),
        ({"HTTP_ACCEPT": "text/html;q=0.9, image/*"}, {}),
        ({}, {"format": "xml"}),
        ({}, {"format": "api"}),
    ],
)
def test_an_unsupported_format_is_a_406_problem(one_of_each, client, headers, params):
    for path in [*LISTS, *details(one_of_each)]:
        response = client.get(path, params, HTTP_ACCEPT_LANGUAGE="en", **headers)
        assert response.status_code == 406, path
        assert response["Content-Type"] == PROBLEM_JSON
        assert response.json() == {
            "type": TYPES + "not-acceptable/",
            "title": "Not acceptable",
            "status": 406,
            "detail": "Ask for one of these formats: application/json.",
            "instance": path,
        }


@pytest.mark.parametrize("accept", ["application/json", "*/*", "application/*", "text/html, application/json;q=0.1"])
def test_json_is_served_to_whoever_accepts_it(client, accept):
    response = client.get("/api/v1/services/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_an_unknown_id_is_a_404_problem_in_every_resource(get_json):
    for path in LISTS:
        address = f"{path}{uuid.uuid4()}/"
        assert get_json(address, status=404) == {
            "type": TYPES + "not-found/",
            "title": "Не знайдено",
            "status": 404,
            "detail": "Опублікованого запису з таким ідентифікатором немає.",
            "instance": address,
        }


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/",
        "/api/v1/services",
        "/api/v1/services/not-a-uuid/",
        "/api/v1/services/123/",
        "/api/v1/services/00000000-0000-0000-0000-00000000000g/",
        "/api/v1/sectors/",
        "/api/v1/services/%00/",
        "/api/v2/services/",
    ],
)
def test_an_address_that_names_no_endpoint_is_a_404_problem(client, path):
    for method in ("get", "post", "delete"):
        response = getattr(client, method)(path, HTTP_ACCEPT_LANGUAGE="en")
        if path.startswith("/api/v2/"):
            assert response.status_code == 404  # outside the API: the portal's own 404 page
            continue
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"] == PROBLEM_JSON
        assert response.json() == {
            "type": TYPES + "not-found/",
            "title": "Not found",
            "status": 404,
            "detail": "There is no API endpoint at this address. The schema at /api/v1/schema/ lists them all.",
            "instance": response.wsgi_request.path,
        }


def test_every_problem_type_is_described_at_its_address(client, get_json):
    for slug, status in [
        ("invalid-parameters", 400),
        ("not-found", 404),
        ("method-not-allowed", 405),
        ("not-acceptable", 406),
    ]:
        body = get_json(f"/api/v1/problems/{slug}/")
        assert body["type"] == f"{TYPES}{slug}/"
        assert body["status"] == status
        assert set(body["title"]) == set(body["description"]) == {"uk", "en"}
        assert all(body["title"].values()) and all(body["description"].values())
        assert body["title"]["uk"] != body["title"]["en"]
    assert get_json("/api/v1/problems/not-found/")["title"] == {"uk": "Не знайдено", "en": "Not found"}
    assert get_json("/api/v1/problems/teapot/", status=404)["type"] == TYPES + "not-found/"


def test_every_api_route_is_public():
    resolver = get_resolver()
    api = next(entry for entry in resolver.url_patterns if str(entry.pattern) == "api/v1/")
    routes = list(api.url_patterns)
    assert len(routes) >= 10
    assert {access_of(route.callback, ["api_v1"]) for route in routes} == {PUBLIC}
