"""The Django admin as the officials' workspace: reached only through the officials' sign-in, with a second factor."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from vikno.identity.session import SECOND_FACTOR_KEY


class ViknoAdminSite(admin.AdminSite):
    site_header = _("Vikno: for officials")
    site_title = _("Vikno for officials")
    index_title = _("What would you like to do?")

    def has_permission(self, request: HttpRequest) -> bool:
        # An official's session counts only once a second factor was used in it.
        return super().has_permission(request) and bool(request.session.get(SECOND_FACTOR_KEY))

    def login(self, request: HttpRequest, extra_context=None):
        """The admin's own password form is never used: officials sign in on their page, with a second factor."""
        target = reverse("identity:office-sign-in")
        next_url = request.GET.get("next")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)

    def logout(self, request: HttpRequest, extra_context=None):
        from vikno.identity.views.cabinet import sign_out

        return sign_out(request)
