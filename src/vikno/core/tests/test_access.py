"""Default deny: every route is classified, and an unclassified view is refused."""

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path

from vikno.core.access import ACCESS_LEVELS, access_of, public


def _routes(resolver: URLResolver, prefix: str = "", namespaces: tuple = ()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            more = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _routes(entry, prefix + str(entry.pattern), more)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback, namespaces


def test_every_route_is_classified():
    routes = list(_routes(get_resolver()))
    assert len(routes) > 20
    unclassified = [route for route, view, namespaces in routes if access_of(view, namespaces) is None]
    assert unclassified == []
    assert {access_of(view, ns) for _, view, ns in routes} <= set(ACCESS_LEVELS)


def unclassified_view(request):
    return HttpResponse("secret")


@public
def classified_view(request):
    return HttpResponse("hello")


urlpatterns = [path("unclassified/", unclassified_view), path("classified/", classified_view)]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.django_db
def test_an_unclassified_view_is_refused(client):
    response = client.get("/unclassified/")
    assert response.status_code == 403
    assert b"secret" not in response.content
    assert client.get("/classified/").content == b"hello"


def test_unknown_levels_are_rejected():
    from vikno.core.access import classify

    with pytest.raises(ValueError):
        classify("everyone")
