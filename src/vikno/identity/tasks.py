"""Background work of identity: e-mails about accounts. Safe to retry (a second copy of a link is harmless)."""

import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


def _mail(template: str, context: dict, to: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"identity/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"identity/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


@task()
def send_email_verification(user_id: str) -> bool:
    from vikno.identity.models import User
    from vikno.identity.services import email_verification_token

    user = User.objects.filter(pk=uuid.UUID(user_id), email_verified_at__isnull=True, is_active=True).first()
    if user is None:
        return False
    url = settings.SITE_URL + reverse("identity:verify-email", kwargs={"token": email_verification_token(user)})
    _mail("verify", {"user": user, "url": url}, user.email)
    return True


@task()
def send_already_registered(user_id: str) -> bool:
    """Tell the owner of an account that someone tried to register with its address (given by the account's id:
    task arguments are stored in the queue, where no e-mail address belongs)."""
    from vikno.identity.models import User

    try:
        key = uuid.UUID(user_id)
    except ValueError:
        return False
    user = User.objects.filter(pk=key, is_active=True).first()
    to = (user.email or user.username) if user is not None else ""
    if "@" not in to:
        return False
    url = settings.SITE_URL + reverse("identity:password-sign-in")
    _mail("already_registered", {"url": url}, to)
    return True


@task()
def send_password_reset(user_id: str) -> bool:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from vikno.identity.models import User

    user = User.objects.filter(pk=uuid.UUID(user_id), is_active=True, is_staff=False).first()
    if user is None or not user.has_usable_password():
        return False
    kwargs = {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}
    url = settings.SITE_URL + reverse("identity:reset-password", kwargs=kwargs)
    _mail("password_reset", {"user": user, "url": url, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}, user.email)
    return True
