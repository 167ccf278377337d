"""The way into applying online for a service: the person signs in, at the level of assurance the service needs."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from vikno.catalog import selectors
from vikno.catalog.constants import ChannelKind
from vikno.core.access import citizen
from vikno.identity.constants import Assurance
from vikno.identity.session import assurance_of


@citizen
@never_cache
@require_GET
def apply_start(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_get_public(slug=slug)
    if service is None:
        raise Http404
    needed = Assurance(service.minimum_assurance)
    current = assurance_of(request)
    if current is None or current < needed:
        # Asked to step up, never refused: the step-up page offers the eID ways that give this level.
        query = urlencode({"level": str(int(needed)), "next": request.get_full_path()})
        return redirect(f"{reverse('identity:step-up')}?{query}")
    online = next((c for c in service.channels.all() if c.kind == ChannelKind.ONLINE), None)
    context = {"service": service, "assurance": current, "online": online, "evidence": service.evidence.all()}
    return render(request, "catalog/apply_start.html", context)
