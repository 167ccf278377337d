"""Public pages of the catalogue. Views parse input, call one selector, render."""

from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from vikno.catalog import opening, selectors
from vikno.catalog.forms import CentreFinderForm, NearestCentreForm, SearchForm
from vikno.catalog.geo import distance_km
from vikno.catalog.search import search_services
from vikno.catalog.structured_data import service_jsonld
from vikno.core import clock
from vikno.core.access import public
from vikno.core.working_days import add_working_days


def _first_letter(title: str) -> str:
    return (title[:1] or "#").upper()


@public
def service_index(request: HttpRequest) -> HttpResponse:
    services = list(selectors.service_list_public())
    groups = [(letter, list(items)) for letter, items in groupby(services, key=lambda s: _first_letter(s.title))]
    return render(request, "catalog/service_index.html", {"groups": groups, "service_count": len(services)})


@public
def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_get_public(slug=slug)
    if service is None:
        raise Http404
    now = clock.now()
    offering = list(service.centres.all())
    near_form = NearestCentreForm(request.GET or None, cities=sorted({c.city for c in offering}))
    origin = None
    if near_form.is_bound and near_form.is_valid() and near_form.cleaned_data["near"]:
        origin = selectors.city_centroid(city=near_form.cleaned_data["near"])
    distances = {
        centre.pk: round(distance_km(*origin, centre.latitude, centre.longitude)) if origin else None
        for centre in offering
    }
    if origin:
        offering.sort(key=lambda centre: distances[centre.pk] or 0)
    centres = [
        {
            "centre": centre,
            "open_now": opening.is_open_now(centre, now),
            "today": opening.hours_on(centre, clock.today()),
            "distance": distances[centre.pk],
        }
        for centre in offering
    ]
    expected_by = (
        add_working_days(clock.today(), service.processing_days) if service.processing_days is not None else None
    )
    return render(
        request,
        "catalog/service_detail.html",
        {
            "service": service,
            "centres": centres,
            "expected_by": expected_by,
            "jsonld": service_jsonld(service, request=request),
            "near_form": near_form,
        },
        status=400 if near_form.is_bound and not near_form.is_valid() else 200,
    )


@public
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "catalog/search.html", {"form": form, "results": []}, status=400)
    query = form.cleaned_data["q"].strip()
    audience = form.cleaned_data["audience"]
    results = search_services(query, language=get_language(), audience=audience or None) if query else []
    return render(request, "catalog/search.html", {"form": form, "query": query, "results": results})


@public
def sector_detail(request: HttpRequest, slug: str) -> HttpResponse:
    sector = selectors.sector_get_public(slug=slug)
    if sector is None:
        raise Http404
    services = selectors.service_list_public().filter(sector=sector)
    return render(request, "catalog/sector_detail.html", {"sector": sector, "services": services})


@public
def life_event_index(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/life_event_index.html", {"events": selectors.life_events_public()})


@public
def life_event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.life_event_get_public(slug=slug)
    if event is None:
        raise Http404
    services = selectors.service_list_public().filter(life_events=event)
    return render(request, "catalog/life_event_detail.html", {"event": event, "services": services})


@public
def organisation_index(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.organisations_public())
    by_parent: dict = {}
    for organisation in organisations:
        by_parent.setdefault(organisation.parent_id, []).append(organisation)

    def tree(parent_id) -> list:
        return [{"organisation": o, "children": tree(o.id)} for o in by_parent.get(parent_id, [])]

    return render(request, "catalog/organisation_index.html", {"tree": tree(None)})


@public
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_public(slug=slug)
    if organisation is None:
        raise Http404
    return render(
        request,
        "catalog/organisation_detail.html",
        {
            "organisation": organisation,
            "services": selectors.service_list_public().filter(competent_authority=organisation),
            "children": organisation.children.order_by("name"),
            "centres": organisation.centres.order_by("city", "name"),
        },
    )


@public
def centre_finder(request: HttpRequest) -> HttpResponse:
    centres = selectors.centres_public()
    language = get_language()
    region_field, city_field = f"region_{language}", f"city_{language}"
    regions = sorted({r for r in centres.values_list(region_field, flat=True) if r})
    chosen_region = request.GET.get("region", "")
    city_source = centres.filter(**{region_field: chosen_region}) if chosen_region in regions else centres
    cities = sorted({c for c in city_source.values_list(city_field, flat=True) if c})
    form = CentreFinderForm(request.GET or None, regions=regions, cities=cities)
    status = 200
    if form.is_bound and form.is_valid():
        if form.cleaned_data["region"]:
            centres = centres.filter(**{region_field: form.cleaned_data["region"]})
        if form.cleaned_data["city"]:
            centres = centres.filter(**{city_field: form.cleaned_data["city"]})
    elif form.is_bound:
        status = 400
        centres = centres.none()
    now = clock.now()
    rows = [
        {"centre": c, "open_now": opening.is_open_now(c, now), "today": opening.hours_on(c, clock.today())}
        for c in centres.order_by(city_field, "name")
    ]
    return render(request, "catalog/centre_finder.html", {"form": form, "rows": rows}, status=status)


@public
def centre_detail(request: HttpRequest, slug: str) -> HttpResponse:
    centre = selectors.centre_get_public(slug=slug)
    if centre is None:
        raise Http404
    return render(
        request,
        "catalog/centre_detail.html",
        {
            "centre": centre,
            "open_now": opening.is_open_now(centre, clock.now()),
            "week": opening.week_ahead(centre, clock.today()),
        },
    )


@public
def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/open_data.html")
