"""The unread count beside "Messages" in the menu, for a signed-in citizen (counted once, when a page shows it)."""

from functools import cache

from django.http import HttpRequest

from vikno.messaging.selectors import unread_count


def inbox(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return {}

    @cache
    def unread() -> int:
        return unread_count(citizen=user)

    return {"unread_messages": unread}
