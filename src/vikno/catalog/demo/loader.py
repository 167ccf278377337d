"""Load the demo catalogue from the YAML files of this package, idempotently, in one transaction.

Rows are matched by slug (organisations, sectors, life events, centres) or by identifier (services). A row is
saved only when one of its values differs from the files, and the child rows of a service or a centre (legal
basis, documents, channels, contact points, opening hours, special days) are replaced only when they differ.
A second run therefore writes nothing, and every count stays the same.

The files:

- ``organisations.yaml``, ``sectors.yaml``, ``life_events.yaml``: the reference lists;
- ``laws.yaml``, ``documents.yaml``, ``contacts.yaml``, ``channels.yaml``: shared entries that services name
  by key (a service may also give an entry inline, or ``use`` a shared one and override some of its fields);
- ``services_*.yaml``: the services, one file per authority, each with ``defaults`` and ``services``;
- ``centres.yaml``: ``service_sets`` (named lists of service slugs, written ``@name`` in a centre's list) and
  ``centres``.

Every translated text is a mapping with both ``uk`` and ``en``; a text given in one language only is an error,
so the portal never shows an English page with Ukrainian holes.

The modules: ``reading`` (the files, checks of their values), ``writing`` (idempotent rows), ``reference`` (the
reference lists), ``public_services``, ``centres``, and this one, which loads them all in order.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation

from vikno.catalog.demo.centres import _load_centres
from vikno.catalog.demo.public_services import Shared, _load_services
from vikno.catalog.demo.reading import DemoDataError, _read
from vikno.catalog.demo.reference import _load_life_events, _load_organisations, _load_sectors
from vikno.catalog.demo.writing import LoadSummary

__all__ = ["DEMO_DIR", "DemoDataError", "LoadSummary", "load_demo"]

DEMO_DIR = Path(__file__).resolve().parent


def load_demo(*, directory: Path = DEMO_DIR) -> LoadSummary:
    """Write the demo catalogue to the database (one transaction) and say what is there."""
    summary = LoadSummary()
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), transaction.atomic():
        organisations = _load_organisations(_read(directory, "organisations.yaml"), summary)
        sectors = _load_sectors(_read(directory, "sectors.yaml"), summary)
        events = _load_life_events(_read(directory, "life_events.yaml"), summary)
        shared = Shared(
            laws=_read(directory, "laws.yaml"),
            documents=_read(directory, "documents.yaml"),
            contacts=_read(directory, "contacts.yaml"),
            channels=_read(directory, "channels.yaml"),
        )
        services = _load_services(directory, shared, organisations, sectors, events, summary)
        centres = _load_centres(_read(directory, "centres.yaml"), organisations, services, summary)
    summary.counts = {
        "organisations": len(organisations),
        "sectors": len(sectors),
        "life_events": len(events),
        "services": len(services),
        "authorities": len({service.competent_authority_id for service in services.values()}),
        "centres": len(centres),
        "cities": len({getattr(centre, "city_en") for centre in centres.values()}),  # noqa: B009 - a column django-stubs cannot see
    }
    return summary
