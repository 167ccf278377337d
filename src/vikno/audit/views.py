"""The transparency page: the published daily roots of the audit trail, how to check them, and the data to
check them with (the roots as JSON, each day's leaf hashes as text). Public: nothing here says who did what."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html

from vikno.audit import chain, sealing
from vikno.audit.models import DaySeal, TrailCheck
from vikno.core.access import public

PER_PAGE = 60


def _leaves_url(seal: DaySeal) -> str:
    return reverse("audit:leaves", args=[seal.day.isoformat()])


@public
def transparency(request: HttpRequest) -> HttpResponse:
    page = Paginator(sealing.seals_published(), PER_PAGE).get_page(request.GET.get("page"))
    # The root of nothing, breakable in the middle on a narrow screen.
    empty_root = format_html("{}<wbr>{}", chain.EMPTY_ROOT[:32], chain.EMPTY_ROOT[32:])
    last_check = TrailCheck.objects.order_by("-checked_at").first()
    context = {"page": page, "empty_root": empty_root, "last_check": last_check}
    return render(request, "audit/transparency.html", context)


@public
def roots(request: HttpRequest) -> JsonResponse:
    seals = [
        {
            "day": seal.day.isoformat(),
            "complete": seal.complete,
            "first_sequence": seal.first_sequence,
            "last_sequence": seal.last_sequence,
            "record_count": seal.record_count,
            "merkle_root": seal.merkle_root,
            "head_hash": seal.head_hash,
            "computed_at": chain.utc_text(seal.computed_at),
            "leaves": request.build_absolute_uri(_leaves_url(seal)),
        }
        for seal in sealing.seals_published()
    ]
    tree = {
        "hash": "SHA-256",
        "leaf": "SHA-256(0x00 || record_hash bytes)",
        "node": "SHA-256(0x01 || left || right)",
        "odd_node": "carried up to the next level unchanged",
        "empty_root": chain.EMPTY_ROOT,
        "day": "Europe/Kyiv calendar day",
    }
    return JsonResponse({"tree": tree, "seals": seals}, json_dumps_params={"indent": 1})


@public
def leaves(request: HttpRequest, day: str) -> StreamingHttpResponse:
    try:
        date = dt.date.fromisoformat(day)
    except ValueError as error:
        raise Http404 from error
    seal = sealing.seal_for_leaves(date)
    if seal is None:
        raise Http404
    response = StreamingHttpResponse(
        (f"{record_hash}\n" for record_hash in sealing.leaves(seal)), content_type="text/plain; charset=us-ascii"
    )
    response["Content-Disposition"] = f'inline; filename="audit-leaves-{date.isoformat()}.txt"'
    response["X-Merkle-Root"] = seal.merkle_root
    return response
