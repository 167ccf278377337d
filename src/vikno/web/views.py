"""Portal-wide pages: home, information pages, health checks and error pages."""

import datetime

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from vikno.catalog import selectors
from vikno.catalog.constants import Audience
from vikno.catalog.forms import SearchForm
from vikno.core import clock
from vikno.core.access import public
from vikno.core.models import WorkerHeartbeat


@public
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/home.html",
        {
            "form": SearchForm(),
            "popular": selectors.popular_services(),
            "events": selectors.life_events_public(),
            "citizen_sectors": selectors.sectors_with_services(audience=Audience.CITIZENS),
            "business_sectors": selectors.sectors_with_services(audience=Audience.BUSINESSES),
        },
    )


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


@public
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "web/privacy.html")


@public
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "web/contact.html")


@public
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: the process answers. Checks nothing else, so a slow database never restarts the web tier."""
    return JsonResponse({"status": "ok"})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any database error means "not ready"
        return False


def _worker_ok() -> bool:
    try:
        cutoff = clock.now() - datetime.timedelta(seconds=settings.WORKER_STALE_AFTER_SECONDS)
        return WorkerHeartbeat.objects.filter(backend=settings.TASK_BACKEND, last_seen__gte=cutoff).exists()
    except Exception:  # a database error has already been reported above
        return False


@public
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: the database answers and a background worker has reported recently."""
    checks = {"database": _database_ok(), "worker": _worker_ok()}
    ready = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            "checks": {k: "ok" if v else "failing" for k, v in checks.items()},
        },
        status=200 if ready else 503,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/500.html", status=500)
