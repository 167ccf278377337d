"""schema.org GovernmentService JSON-LD for the head of each service page (for search engines)."""

import json

from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from vikno.catalog.constants import ChannelKind, CostKind
from vikno.catalog.models import PublicService


def service_jsonld(service: PublicService, *, request: HttpRequest) -> SafeString:
    authority = service.competent_authority
    data: dict = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "identifier": service.identifier,
        "name": service.title,
        "description": service.summary,
        "url": request.build_absolute_uri(reverse("catalog:service-detail", args=[service.slug])),
        "serviceType": service.sector.name if service.sector else None,
        "provider": {
            "@type": "GovernmentOrganization",
            "name": authority.name,
            "url": authority.website or None,
        },
        "audience": [
            {"@type": "Audience", "audienceType": label}
            for label, on in (("citizens", service.for_citizens), ("businesses", service.for_businesses))
            if on
        ],
        "availableChannel": [
            {
                "@type": "ServiceChannel",
                "name": channel.get_kind_display(),
                "description": channel.instructions,
                **({"serviceUrl": channel.url} if channel.kind == ChannelKind.ONLINE and channel.url else {}),
                **({"servicePhone": {"@type": "ContactPoint", "telephone": channel.phone}} if channel.phone else {}),
            }
            for channel in service.channels.all()
        ],
    }
    if service.cost_kind == CostKind.FREE:
        data["isAccessibleForFree"] = True
    elif service.cost_kind == CostKind.FIXED and service.cost_amount is not None:
        data["offers"] = {
            "@type": "Offer",
            "price": "{}.{:02d}".format(*divmod(service.cost_amount, 100)),
            "priceCurrency": service.cost_currency,
        }
    cleaned = {key: value for key, value in data.items() if value not in (None, [], "")}
    # Escape "<" so the text can never close the <script> element it sits in.
    text = json.dumps(cleaned, ensure_ascii=False).replace("<", "\\u003c")
    return mark_safe(text)  # noqa: S308 - JSON with "<" escaped, placed in a script element
