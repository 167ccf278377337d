"""The Django admin as the officials' workspace: reached only through the officials' sign-in, with a second factor."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from vikno.core.http import client_ip
from vikno.identity import services
from vikno.identity.models import User
from vikno.identity.session import SECOND_FACTOR_KEY, current_session_id


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

    def password_change(self, request: HttpRequest, extra_context=None):
        """Django's form (the current password first); a change is audited, ends the official's other sessions and
        is told to them like any change to the ways into an account."""
        response = super().password_change(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            official: User = request.user  # type: ignore[assignment]
            services.password_changed(
                user=official, keep_session=current_session_id(request), source_ip=client_ip(request)
            )
        return response

    def logout(self, request: HttpRequest, extra_context=None):
        from vikno.identity.views.cabinet import sign_out

        return sign_out(request)
