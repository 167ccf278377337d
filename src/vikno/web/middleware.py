"""Security headers beyond Django's own: Permissions-Policy, and the admin's one exception to the CSP.

The Content-Security-Policy itself is django-csp's (``csp.middleware.CSPMiddleware``), configured in settings.
"""

from collections.abc import Callable

from django.conf import settings
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


class AdminInlineStyleMiddleware:
    """On the Django admin's pages only, style-src also admits the inline <style> blocks the admin's templates
    carry, each by its hash (settings.ADMIN_INLINE_STYLE_HASHES): no 'unsafe-inline', and nothing else anywhere.

    Listed after ``csp.middleware.CSPMiddleware``, so that it marks the response before django-csp builds the
    header; it uses django-csp's per-response update, the attribute its ``@csp_update`` decorator sets.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and match.namespaces[:1] == ["admin"]:
            update = dict(getattr(response, "_csp_update", None) or {})
            earlier = update.get("style-src") or []
            earlier = [earlier] if isinstance(earlier, str) else list(earlier)
            update["style-src"] = [*earlier, *settings.ADMIN_INLINE_STYLE_HASHES]
            response._csp_update = update  # type: ignore[attr-defined]
        return response
