"""Documents to PDF: the letterhead template around the decision text, rendered by WeasyPrint.

WeasyPrint fetches nothing from outside: images are data: URIs (the QR code), fonts come from the system
(DejaVu Sans, Debian's fonts-dejavu-core, covers Ukrainian). WeasyPrint needs Pango (Debian's libpango-1.0-0
and libpangoft2-1.0-0).
"""

import datetime as dt

import segno
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from vikno.documents import codes
from vikno.documents.models import verification_url

TEMPLATE = "documents/pdf/document.html"
DEMO_MARK = "ДЕМО — НЕ СПРАВЖНІЙ ДОКУМЕНТ / DEMO — NOT A REAL DOCUMENT"


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0)


def css_string(text: str) -> SafeString:
    """Text as a CSS string literal (for generated content in page margins)."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:;-—/()«»'" else f"\\{ord(ch):x} " for ch in text)
    return mark_safe(f'"{escaped}"')  # noqa: S308 - every character not known to be harmless is escaped


def render_html(*, organisation, title: str, body_html: str, code: str, issued_at: dt.datetime, demo: bool) -> str:
    """The document's HTML in the active language (the caller activates the document's language)."""
    url = verification_url(code)
    display = codes.display(code)
    return render_to_string(
        TEMPLATE,
        {
            "organisation": organisation,
            "title": title,
            "body": mark_safe(body_html),  # noqa: S308 - an already rendered, safe fragment (the contract)
            "code": display,
            "url": url,
            "qr": qr_data_uri(url),
            "issued_at": timezone.localtime(issued_at),
            "demo": demo,
            "demo_mark": DEMO_MARK,
            "footer": css_string(_("Verification code %(code)s — %(url)s") % {"code": display, "url": url}),
            "demo_margin": css_string(DEMO_MARK),
        },
    )


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint needs Pango, and a portal without it must still start (it only cannot issue).
    import weasyprint

    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()


def render_pdf(*, organisation, title: str, body_html: str, code: str, issued_at: dt.datetime, demo: bool) -> bytes:
    return html_to_pdf(
        render_html(
            organisation=organisation, title=title, body_html=body_html, code=code, issued_at=issued_at, demo=demo
        )
    )
