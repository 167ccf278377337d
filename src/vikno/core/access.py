"""Default deny: every URL is classified, and a view nobody classified is refused.

Views are classified with the decorators below (or an ``access`` attribute on a class-based view or an API
view). The Django admin classifies itself as ``official``: it has its own sign-in and permission checks.
A test walks the URL configuration and fails when a route is not classified.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

PUBLIC = "public"
CITIZEN = "citizen"
OFFICIAL = "official"
INTEGRATOR = "integrator"
ACCESS_LEVELS = (PUBLIC, CITIZEN, OFFICIAL, INTEGRATOR)

# Set in the session when a citizen completes sign-in (identity.session.ASSURANCE_KEY; core imports no app),
# and when a second factor was used (identity.session.SECOND_FACTOR_KEY).
SESSION_ASSURANCE_KEY = "vikno.assurance"
SESSION_SECOND_FACTOR_KEY = "vikno.second_factor"
OFFICIAL_SIGN_IN_URL = "identity:office-sign-in"

# URL namespaces that guard themselves (the admin checks staff status and model permissions).
SELF_GUARDED_NAMESPACES = {"admin": OFFICIAL}

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


def classify(level: str) -> Callable[[ViewT], ViewT]:
    if level not in ACCESS_LEVELS:
        raise ValueError(f"unknown access level {level!r}")

    def decorate(view: ViewT) -> ViewT:
        view.access = level  # type: ignore[attr-defined]
        return view

    return decorate


public = classify(PUBLIC)
citizen = classify(CITIZEN)
official = classify(OFFICIAL)
# Another system calling with its own credentials (a token or a signature), which the view itself checks before
# reading anything: an SMS gateway's callbacks, a payment provider's. People's sessions give no access.
integrator = classify(INTEGRATOR)


def access_of(view: Callable[..., Any], namespaces: list[str] | tuple[str, ...] = ()) -> str | None:
    """The access level of a resolved view, or None when nobody classified it."""
    for namespace in namespaces:
        if namespace in SELF_GUARDED_NAMESPACES:
            return SELF_GUARDED_NAMESPACES[namespace]
    for holder in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        level = getattr(holder, "access", None)
        if level in ACCESS_LEVELS:
            return str(level)
    return None


class DefaultDenyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any):
        match = request.resolver_match
        namespaces = match.namespaces if match else []
        level = access_of(view_func, namespaces)
        if level is None:
            raise PermissionDenied("This address has no access classification.")
        if level in (PUBLIC, INTEGRATOR) or (namespaces and namespaces[0] in SELF_GUARDED_NAMESPACES):
            return None
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if level == CITIZEN:
            if not signed_in:
                return redirect_to_login(request.get_full_path())
            # A citizen's session is one that finished signing in (eID, or password and second factor).
            if not user.is_staff and request.session.get(SESSION_ASSURANCE_KEY):  # type: ignore[union-attr]
                return None
        if level == OFFICIAL:
            if not signed_in:
                return redirect_to_login(request.get_full_path(), login_url=OFFICIAL_SIGN_IN_URL)
            # An official's session counts once a second factor was used in it.
            if user.is_staff and request.session.get(SESSION_SECOND_FACTOR_KEY):  # type: ignore[union-attr]
                return None
        raise PermissionDenied("You are not allowed to see this page.")
