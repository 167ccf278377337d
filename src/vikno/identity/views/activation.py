"""A new official sets their password from the link in their invitation (officials never register themselves).

As Django's password reset does, the token is moved from the address into the session at once and the browser
is sent on to the same address with a placeholder, so the token does not linger in the history or in a
Referer header.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from vikno.core.access import public
from vikno.core.http import client_ip
from vikno.identity import officials
from vikno.identity.forms import SetPasswordForm
from vikno.identity.invitations import INVITATION_VALID_FOR, InvitationStatus, invitation_tokens
from vikno.identity.models import User

PLACEHOLDER = "set-password"
SESSION_KEY = "vikno.invitation"  # {"uid": uidb64, "token": token}


def _official(uidb64: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return User.objects.filter(pk=pk, is_staff=True).first()
    except (ValueError, TypeError, OverflowError, ValidationError):
        return None


REFUSALS = {
    InvitationStatus.USED: (
        _("This link has already been used"),
        _("You have set your password with this link already. Sign in with your e-mail address and password."),
        410,
    ),
    InvitationStatus.EXPIRED: (_("This link has expired"), None, 410),  # the message counts the days
    InvitationStatus.INVALID: (
        _("This link does not work"),
        _(
            "The link is incomplete, has been replaced by a newer invitation, or the account is no longer active. "
            "Use the link in your latest invitation, or ask the administrator of your organisation for a new one."
        ),
        404,
    ),
}


def _refused(request: HttpRequest, status: InvitationStatus) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    title, fixed, code = REFUSALS[status]
    message = str(fixed)
    if status is InvitationStatus.EXPIRED:
        days = INVITATION_VALID_FOR.days
        message = ngettext(
            "Invitation links work for %(days)d day. Ask the administrator of your organisation to send you "
            "a new invitation.",
            "Invitation links work for %(days)d days. Ask the administrator of your organisation to send you "
            "a new invitation.",
            days,
        ) % {"days": days}
    context = {"title": title, "message": message, "used": status is InvitationStatus.USED}
    return render(request, "identity/activation_refused.html", context, status=code)


@public
@never_cache
@sensitive_post_parameters("password", "password_again")
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    official = _official(uidb64)
    if token != PLACEHOLDER:
        status = invitation_tokens.status(official, token)
        if status is not InvitationStatus.VALID:
            return _refused(request, status)
        request.session[SESSION_KEY] = {"uid": uidb64, "token": token}
        return redirect(reverse("identity:office-activate", kwargs={"uidb64": uidb64, "token": PLACEHOLDER}))

    saved = request.session.get(SESSION_KEY) or {}
    token = saved.get("token", "") if saved.get("uid") == uidb64 else ""
    status = invitation_tokens.status(official, token)
    if official is None or status is not InvitationStatus.VALID:
        return _refused(request, status)
    form = SetPasswordForm(official, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            officials.official_activate(
                official=official, token=token, password=form.cleaned_data["password"], source_ip=client_ip(request)
            )
        except officials.InvitationRefused as refused:
            return _refused(request, refused.status)
        except ValidationError as error:
            form.add_error("password", error)
        else:
            request.session.pop(SESSION_KEY, None)
            return render(request, "identity/activation_done.html", {"official": official})
    status_code = 400 if form.errors else 200
    return render(request, "identity/activation.html", {"form": form, "official": official}, status=status_code)
