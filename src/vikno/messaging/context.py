"""The unread count beside "Messages" in the menu, for a signed-in citizen (counted only when a page shows it)."""

from functools import partial

from django.http import HttpRequest

from vikno.messaging.selectors import unread_count


def inbox(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return {}
    return {"unread_messages": partial(unread_count, citizen=user)}
