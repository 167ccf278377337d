"""The citizen's inbox: every notification the portal sent them, with how each channel fared."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vikno.core.access import citizen
from vikno.messaging import selectors, services

PAGE_SIZE = 20


@citizen
@never_cache
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = selectors.inbox_for(citizen=request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "messaging/inbox.html", {"page": page})


@citizen
@never_cache
@require_GET
def notification(request: HttpRequest, notification_id) -> HttpResponse:
    found = selectors.notification_get_for_citizen(citizen=request.user, notification_id=notification_id)
    if found is None:
        raise Http404
    services.notification_read(citizen=request.user, notification=found)
    context = {"notification": found, "paragraphs": found.body.split("\n\n")}
    return render(request, "messaging/notification.html", context)


@citizen
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_read_all(citizen=request.user)
    return redirect("messaging:inbox")
