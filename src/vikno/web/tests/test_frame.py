"""The portal's frame: header, language switch, footer links, skip link and styled error pages."""

import pytest
from django.test import RequestFactory

from vikno.web import views

pytestmark = pytest.mark.django_db


def test_every_page_has_skip_link_language_switch_and_footer(client):
    html = client.get("/").content.decode()
    assert '<a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert (
        '<a class="govuk-language-navigation__link" href="/en/" rel="alternate" lang="en" hreflang="en">English</a>'
        in html
    )
    for path in ("/accessibility/", "/privacy/", "/contact/", "/open-data/"):
        assert f'href="{path}"' in html
    # Vikno's own brand: no crown, no GDS Transport typeface.
    assert "govuk-crest" not in html
    assert "GDS Transport" not in html


@pytest.mark.parametrize("path", ["/accessibility/", "/privacy/", "/contact/", "/en/accessibility/", "/open-data/"])
def test_information_pages_render(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'class="govuk-heading-xl"' in response.content.decode()


@pytest.mark.parametrize(
    ("handler", "status"),
    [(views.bad_request, 400), (views.permission_denied, 403), (views.page_not_found, 404)],
)
def test_error_pages_are_styled(handler, status):
    request = RequestFactory().get("/")
    response = handler(request, Exception())
    assert response.status_code == status
    assert 'class="govuk-template"' in response.content.decode()


def test_the_500_page_is_styled_and_reassuring():
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert 'class="govuk-template"' in html
    assert "govuk-footer" in html
