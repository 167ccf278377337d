from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def portal(request: HttpRequest) -> dict:
    """Portal name and the language switch: the same page in each other language."""
    current = get_language()
    path = request.get_full_path()
    languages = [
        {"code": code, "name": name, "current": code == current, "url": translate_url(path, code)}
        for code, name in (("uk", "Українська"), ("en", "English"))
    ]
    return {"portal_name": settings.PORTAL_NAME or _("Vikno"), "portal_languages": languages}
