"""Pagination: ``page`` and ``page_size`` (at most 100); anything malformed is a 400 problem."""

import pytest

from vikno.catalog.tests.factories import PublicServiceFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/services/"


@pytest.fixture
def services():
    return [PublicServiceFactory(title_uk=f"Послуга {n:03d}") for n in range(25)]


def _ids(body):
    return [item["id"] for item in body["results"]]


def test_twenty_a_page_by_default_with_links_to_the_neighbours(services, get_json):
    first = get_json(LIST)
    assert first["count"] == 25
    assert _ids(first) == [str(s.id) for s in services[:20]]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/services/?page=2"

    second = get_json(LIST, {"page": 2})
    assert _ids(second) == [str(s.id) for s in services[20:]]
    assert second["previous"] == "http://testserver/api/v1/services/"
    assert second["next"] is None


def test_page_size_and_filters_are_kept_in_the_links(services, get_json):
    body = get_json(LIST, {"page_size": 10, "page": 2, "audience": "citizens"})
    assert _ids(body) == [str(s.id) for s in services[10:20]]
    assert body["next"] == "http://testserver/api/v1/services/?audience=citizens&page=3&page_size=10"
    assert body["previous"] == "http://testserver/api/v1/services/?audience=citizens&page_size=10"


@pytest.mark.parametrize("size", [1, 100])
def test_page_sizes_from_1_to_100(services, get_json, size):
    assert len(get_json(LIST, {"page_size": size})["results"]) == min(size, 25)


def test_pages_never_overlap_even_when_titles_are_equal(get_json):
    same = PublicServiceFactory.create_batch(7, title_uk="Однакова назва", title_en="Same title")
    seen = [item for page in (1, 2, 3) for item in _ids(get_json(LIST, {"page": page, "page_size": 3}))]
    assert sorted(seen) == sorted(str(s.id) for s in same)


def test_an_empty_list_has_one_empty_page(get_json):
    assert get_json(LIST, {"page": 1}) == {"count": 0, "next": None, "previous": None, "results": []}
    assert get_json(LIST, {"page": 2}, status=400)["errors"] == {"page": ["Введіть номер сторінки від 1 до 1."]}


@pytest.mark.parametrize(
    "page",
    ["abc", "0", "-1", "3", "1.5", "", " 1", "1e3", "٣", "99999999999999999999999", "9" * 5000, "last"],
)
def test_a_malformed_or_missing_page_is_a_400_problem(services, get_json, page):
    problem = get_json(LIST, {"page": page}, status=400, HTTP_ACCEPT_LANGUAGE="en")
    assert problem["type"] == "http://127.0.0.1:8000/api/v1/problems/invalid-parameters/"
    assert problem["errors"] == {"page": ["Enter a page number from 1 to 2."]}


@pytest.mark.parametrize("size", ["abc", "0", "-1", "101", "1000", "", "2.0", "99999999999999999999999", "9" * 5000])
def test_a_malformed_page_size_is_a_400_problem(services, get_json, size):
    problem = get_json(LIST, {"page_size": size}, status=400)
    assert problem["errors"] == {"page_size": ["Введіть ціле число від 1 до 100."]}


@pytest.mark.parametrize("path", ["/api/v1/organisations/", "/api/v1/life-events/", "/api/v1/centres/"])
def test_every_list_checks_its_pagination(get_json, path):
    problem = get_json(path, {"page": "x", "page_size": "-1"}, status=400)
    assert problem["errors"] == {"page_size": ["Введіть ціле число від 1 до 100."]}
