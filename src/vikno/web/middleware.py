"""Request guards beyond Django's own: the Permissions-Policy header, and no NUL characters in forms.

The Content-Security-Policy itself is django-csp's (``csp.middleware.CSPMiddleware``), configured in settings.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

PERMISSIONS_POLICY_HEADER = "Permissions-Policy"


def permissions_policy(features: dict[str, list[str]]) -> str:
    """The header value for a mapping of feature → allowlist ("self", "*" or origins; empty: nobody)."""

    def member(item: str) -> str:
        return item if item in ("self", "*") else f'"{item}"'

    return ", ".join(
        f"{feature}=({' '.join(member(item) for item in allowed)})" for feature, allowed in features.items()
    )


class PermissionsPolicyMiddleware:
    """Adds settings.PERMISSIONS_POLICY to every response that does not set the header itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(PERMISSIONS_POLICY_HEADER, self.header)
        return response


API_PREFIX = "/api/"


class RefuseNullCharactersMiddleware:
    """A posted form carrying a NUL character gets a 400: no database stores it in text, and no person types it.

    Checked once here rather than in every view, so no posted field anywhere can reach the database with one.
    Queries (GET) are left to the forms that read them, which answer with an error summary; the API answers
    with its own problem documents.
    """

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type in self.FORMS and not request.path.startswith(API_PREFIX):
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    raise BadRequest("A NUL character in a form.")
        return self.get_response(request)
