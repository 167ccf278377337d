"""Identifiers that come from outside (a URL, a form, a callback): a UUID, or None when the text is not one."""

import uuid


def uuid_or_none(value: object) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value or ""))
    except ValueError:
        return None
