"""Signing in with a national eID: the sign-in page, the redirect to the provider and the way back."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vikno.core.access import public
from vikno.core.http import client_ip
from vikno.identity import services
from vikno.identity.constants import Assurance
from vikno.identity.eid import client as eid
from vikno.identity.eid.providers import EidProvider, all_providers, get_provider, providers_giving
from vikno.identity.session import assurance_of, remember_pending, sign_in, take_pending
from vikno.identity.views.steps import CITIZEN, destination


def _redirect_uri(provider: EidProvider) -> str:
    # Built from the configured site address, never from the request's Host header.
    return settings.SITE_URL + reverse("eid-callback", kwargs={"slug": provider.slug})


@public
@never_cache
@require_GET
def sign_in_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "identity/sign_in.html",
        {"providers": all_providers(), "next": destination(request, CITIZEN, request.GET.get("next"))},
    )


@public
@never_cache
@require_POST
def eid_start(request: HttpRequest, slug: str) -> HttpResponse:
    provider = get_provider(slug)
    if provider is None:
        raise Http404
    try:
        url, pending = eid.start(
            provider,
            redirect_uri=_redirect_uri(provider),
            next_url=destination(request, CITIZEN, request.POST.get("next")),
            minimum=_level(request.POST.get("minimum")),
        )
    except eid.EidError as error:
        return _refused(request, provider, error)
    remember_pending(request, pending)
    return HttpResponseRedirect(url)


@public
@never_cache
@require_GET
def eid_callback(request: HttpRequest, slug: str) -> HttpResponse:
    provider = get_provider(slug)
    if provider is None:
        raise Http404
    pending = take_pending(request, request.GET.get("state", ""))
    try:
        if pending is None or pending.provider != provider.slug:
            raise eid.EidError("state", "unknown, used or foreign state")
        if "error" in request.GET:
            raise eid.EidError("provider_error", request.GET.get("error", "")[:100])
        code = request.GET.get("code", "")
        if not code:
            raise eid.EidError("token", "no code")
        identity = eid.finish(provider, pending, code=code, redirect_uri=_redirect_uri(provider))
        user = services.citizen_sign_in_with_eid(
            identity=identity, provider_name=provider.name_uk, source_ip=client_ip(request)
        )
    except eid.EidError as error:
        return _refused(request, provider, error)
    sign_in(request, user, method=f"eid:{provider.slug}", assurance=identity.assurance)
    if identity.assurance < pending.minimum:
        # Signed in, but at a lower level than the service needs: say so and offer to try again.
        query = urlencode(
            {"level": str(pending.minimum), "next": destination(request, CITIZEN, pending.next_url), "lower": "1"}
        )
        return redirect(f"{reverse('identity:step-up')}?{query}")
    return redirect(destination(request, CITIZEN, pending.next_url))


def _level(value: str | None) -> Assurance:
    try:
        return Assurance(int(value or Assurance.LOW))
    except ValueError:
        return Assurance.LOW


@public
@never_cache
@require_GET
def step_up(request: HttpRequest) -> HttpResponse:
    """A service needs a higher level of assurance than this session has: confirm identity again with eID."""
    level = _level(request.GET.get("level"))
    current = assurance_of(request)
    next_url = destination(request, CITIZEN, request.GET.get("next"))
    if current is not None and current >= level:
        return redirect(next_url)
    context = {
        "level": level,
        "current": current,
        "next": next_url,
        "lower": "lower" in request.GET,
        "providers": providers_giving(level),
    }
    return render(request, "identity/step_up.html", context)


# What the person is told when a sign-in is refused (the audit record keeps the technical reason).
REFUSAL_MESSAGES = {
    "state": gettext_lazy(
        "This sign-in was started in another browser, has already been used, or has expired. Please start again."
    ),
    "expired_request": gettext_lazy("Signing in took too long, so we stopped it to keep you safe. Please start again."),
    "provider_error": gettext_lazy("%(provider)s did not confirm your identity: the sign-in was cancelled or refused."),
    "unreachable": gettext_lazy(
        "%(provider)s is not answering at the moment. Please try again in a few minutes or use another way to sign in."
    ),
}
FAILED_CHECKS_MESSAGE = gettext_lazy(
    "We could not confirm your identity with %(provider)s: its answer failed our security checks. "
    "Nothing was saved and you are not signed in. Please start again."
)


def _refused(request: HttpRequest, provider: EidProvider, error: eid.EidError) -> HttpResponse:
    services.sign_in_refused(
        method=f"eid:{provider.slug}", reason=error.reason, detail=error.detail, source_ip=client_ip(request)
    )
    message = str(REFUSAL_MESSAGES.get(error.reason, FAILED_CHECKS_MESSAGE))
    text = message % {"provider": provider.name} if "%(provider)s" in message else message
    status = 503 if error.reason == "unreachable" else 400
    return render(request, "identity/sign_in_refused.html", {"message": text, "provider": provider}, status=status)
