"""Negotiation of the response's format and language.

- An unknown ``?format=`` is answered with 406 Not Acceptable (DRF answers 404).
- The language follows the Accept-Language header (Ukrainian by default). Django's LocaleMiddleware cannot do
  this here: with ``i18n_patterns(prefix_default_language=False)`` it takes every address without a language
  prefix, such as /api/v1/, for the default language.
"""

from django.http import HttpRequest
from django.utils import translation
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            raise NotAcceptable(available_renderers=renderers)
        return matching


def activate_request_language(request: HttpRequest) -> None:
    """Activate the language the client asks for (a supported one, else the default)."""
    language = translation.get_language_from_request(request, check_path=False)
    translation.activate(language)
    request.LANGUAGE_CODE = language  # type: ignore[attr-defined]


class NegotiationMixin:
    """For API views: the content negotiation above, and the request's language active from the start."""

    content_negotiation_class: type[BaseContentNegotiation] = ContentNegotiation

    def initial(self, request, *args, **kwargs):
        activate_request_language(request._request)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
