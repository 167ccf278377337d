"""/api/v1/schema/: a valid OpenAPI 3 document, generated from the code, describing every endpoint."""

import json

import pytest
import yaml
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

SCHEMA = "/api/v1/schema/"
PATHS = {
    "/api/v1/services/",
    "/api/v1/services/{id}/",
    "/api/v1/organisations/",
    "/api/v1/organisations/{id}/",
    "/api/v1/life-events/",
    "/api/v1/life-events/{id}/",
    "/api/v1/centres/",
    "/api/v1/centres/{id}/",
    "/api/v1/problems/{slug}/",
}


@pytest.fixture
def schema(client):
    response = client.get(SCHEMA)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_the_schema_is_valid_openapi_3_with_every_path_and_only_reads(schema):
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == PATHS
    assert {method for operations in schema["paths"].values() for method in operations} == {"get"}


def test_yaml_on_request(client, schema):
    by_parameter = client.get(SCHEMA, {"format": "yaml"})
    by_header = client.get(SCHEMA, HTTP_ACCEPT="application/yaml")
    for response in (by_parameter, by_header):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/yaml")
        assert yaml.safe_load(response.content) == schema
    assert client.get(SCHEMA, {"format": "xml"}).status_code == 406


def test_the_schema_ignores_the_query_string_and_the_language(client, schema):
    for params, headers in [
        ({"lang": "xx", "version": "<script>"}, {}),
        ({}, {"HTTP_ACCEPT_LANGUAGE": "en"}),
    ]:
        assert json.loads(client.get(SCHEMA, params, **headers).content) == schema


def test_every_operation_documents_its_problems_as_problem_json(schema):
    for path, operations in schema["paths"].items():
        responses = operations["get"]["responses"]
        expected = {"200", "400", "406"} if path.endswith("s/") else {"200", "404", "406"}
        assert set(responses) == expected, path
        for status in expected - {"200"}:
            assert responses[status]["content"] == {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            }
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "instance"}
    assert problem["properties"]["errors"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }


def _parameters(schema, path):
    return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}


def test_filters_and_pagination_are_documented(schema):
    services = _parameters(schema, "/api/v1/services/")
    assert set(services) == {
        "Accept-Language",
        "organisation",
        "life_event",
        "sector",
        "channel",
        "audience",
        "page",
        "page_size",
    }
    for name in ("organisation", "life_event", "sector"):
        assert services[name]["schema"] == {"type": "string", "format": "uuid"}
    assert services["channel"]["schema"]["enum"] == ["in_person", "online", "phone", "post", "sms"]
    assert services["audience"]["schema"]["enum"] == ["businesses", "citizens"]
    assert services["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
    assert services["Accept-Language"]["in"] == "header"

    centres = _parameters(schema, "/api/v1/centres/")
    assert set(centres) == {"Accept-Language", "region", "city", "service", "page", "page_size"}
    assert centres["service"]["schema"] == {"type": "string", "format": "uuid"}
    assert _parameters(schema, "/api/v1/services/{id}/")["id"]["schema"] == {
        "type": "string",
        "format": "uuid",
    }


def test_translated_text_and_money_have_their_shape(schema):
    components = schema["components"]["schemas"]
    translated = components["TranslatedText"]
    assert translated["required"] == ["en", "uk"]
    assert {code: prop["type"] for code, prop in translated["properties"].items()} == {
        "uk": "string",
        "en": "string",
    }
    assert all(prop["nullable"] for prop in translated["properties"].values())
    title = components["ServiceSummary"]["properties"]["title"]
    assert title["allOf"] == [{"$ref": "#/components/schemas/TranslatedText"}]

    cost = components["Cost"]["properties"]
    assert cost["amount_minor"]["type"] == "integer"
    assert cost["kind"]["allOf"] == [{"$ref": "#/components/schemas/CostKindEnum"}]
    assert components["CostKindEnum"]["enum"] == ["free", "fixed", "variable"]
    assert components["PaginatedServiceSummaryList"]["properties"]["results"]["items"] == {
        "$ref": "#/components/schemas/ServiceSummary"
    }


def test_no_internal_fields_are_described(schema):
    components = schema["components"]["schemas"]
    names = {
        name
        for component, definition in components.items()
        if component not in {"Problem", "ProblemType"}
        for name in definition.get("properties", {})
    }
    internal = {
        "status",
        "popularity",
        "revisions",
        "author",
        "snapshot",
        "created_at",
        "updated_at",
        "comment",
    }
    assert names & internal == set()
