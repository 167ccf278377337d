"""Ends sessions the person ended from another device, and keeps "last active" current (and, for officials, the
roles the back office's menu shows: a role granted or removed shows there within a minute)."""

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from vikno.core import clock
from vikno.identity.models import SignedInSession
from vikno.identity.session import current_session_id, remember_roles

TOUCH_EVERY = dt.timedelta(minutes=1)


class SignedInSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session_id = current_session_id(request)
        if session_id is None:
            return
        tracked = SignedInSession.objects.filter(public_id=session_id, user_id=str(request.user.pk)).first()
        if tracked is None or tracked.ended_at is not None:
            logout(request)
            return
        now = clock.now()
        if now - tracked.last_seen_at > TOUCH_EVERY:
            SignedInSession.objects.filter(pk=tracked.pk).update(last_seen_at=now)
            request.session.modified = True  # slides the expiry of officials' shorter sessions
            if request.user.is_staff:
                remember_roles(request.session, request.user)
