"""Open data of the catalogue at stable, language-neutral addresses: CPSV-AP documents, a CSV list, the sitemap.

Everything here is public and shows published services only. Responses may be cached for five minutes and
carry an ETag, so a client that asks again with If-None-Match gets 304 Not Modified.
"""

import csv
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag

from vikno.catalog import selectors
from vikno.catalog.cpsv.export import catalogue_graph, fee_text, service_graph
from vikno.catalog.cpsv.formats import FORMATS, serialize
from vikno.catalog.models import Organisation, ServiceCentre
from vikno.core.access import public

CACHE_SECONDS = 300
CATALOGUE_FILENAME = "vikno-catalogue"
CSV_FILENAME = "vikno-services.csv"
CSV_COLUMNS = (
    "identifier",
    "title_uk",
    "title_en",
    "authority",
    "sector",
    "audience",
    "cost_kind",
    "fee",
    "currency",
    "processing_days",
    "channels",
    "url",
)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cached(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response) or response


def _rdf_response(request: HttpRequest, graph, fmt: str, *, filename: str = "") -> HttpResponse:
    document_format = FORMATS[fmt]
    response = HttpResponse(serialize(graph, fmt), content_type=document_format.content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}.{document_format.extension}"'
    return _cached(request, response)


@public
def catalogue_document(request: HttpRequest, fmt: str) -> HttpResponse:
    """The whole published catalogue in CPSV-AP 3.2.0."""
    return _rdf_response(request, catalogue_graph(), fmt, filename=CATALOGUE_FILENAME)


@public
def service_document(request: HttpRequest, identifier: str, fmt: str) -> HttpResponse:
    """One published service in CPSV-AP 3.2.0; 404 for an unknown or unpublished identifier."""
    graph = service_graph(identifier=identifier)
    if graph is None:
        raise Http404
    return _rdf_response(request, graph, fmt)


def _safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _service_row(service) -> list:
    with translation.override(settings.LANGUAGE_CODE):
        url = settings.SITE_URL + reverse("catalog:service-detail", args=[service.slug])
    return [
        service.identifier,
        service.title_uk,
        service.title_en,
        service.competent_authority.name_uk,
        service.sector.name_uk if service.sector else "",
        ";".join(service.audiences),
        service.cost_kind,
        fee_text(service.cost_amount) if service.cost_amount is not None else "",
        service.cost_currency,
        service.processing_days,
        ";".join(sorted(channel.kind for channel in service.channels.all())),
        url,
    ]


@public
def services_csv(request: HttpRequest) -> HttpResponse:
    """One row per published service, UTF-8 with a byte-order mark so that spreadsheets read Cyrillic."""
    services = selectors.service_list_public().prefetch_related("channels").order_by("identifier")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{CSV_FILENAME}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for service in services:
        writer.writerow([_safe_cell(cell) for cell in _service_row(service)])
    return _cached(request, response)


# --- sitemap ------------------------------------------------------------------------------------------------
class _PortalSitemap(Sitemap):
    """Addresses on the portal's own host (settings.SITE_URL), in every language, with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True
    url_name = ""

    @property
    def protocol(self) -> str:  # type: ignore[override]
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def location(self, item) -> str:
        return reverse(self.url_name, args=[item.slug])


class PagesSitemap(_PortalSitemap):
    def items(self) -> list[str]:
        return [
            "web:home",
            "catalog:service-index",
            "catalog:life-event-index",
            "catalog:organisation-index",
            "catalog:centre-finder",
            "catalog:open-data",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class ServicesSitemap(_PortalSitemap):
    url_name = "catalog:service-detail"

    def items(self):
        return selectors.published_services().order_by("identifier")

    def lastmod(self, item):
        return item.updated_at


class OrganisationsSitemap(_PortalSitemap):
    url_name = "catalog:organisation-detail"

    def items(self):
        return Organisation.objects.order_by("slug")


class LifeEventsSitemap(_PortalSitemap):
    url_name = "catalog:life-event-detail"

    def items(self):
        return selectors.life_events_public().order_by("slug")


class CentresSitemap(_PortalSitemap):
    url_name = "catalog:centre-detail"

    def items(self):
        return ServiceCentre.objects.order_by("slug")


SITEMAPS: dict[str, type[Sitemap] | Sitemap] = {
    "pages": PagesSitemap,
    "services": ServicesSitemap,
    "organisations": OrganisationsSitemap,
    "life-events": LifeEventsSitemap,
    "centres": CentresSitemap,
}


@public
def sitemap(request: HttpRequest) -> HttpResponse:
    response = sitemap_views.sitemap(request, sitemaps=SITEMAPS)
    response.render()
    return _cached(request, response)
