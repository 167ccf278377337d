"""Acting for someone else: the mandate, if any, a citizen uses in this session.

The choice is made on the "Who are you acting for?" page (`identity:acting-for`) and kept in the session under
`ACTING_FOR_KEY`. It is checked again each time it is read: a mandate revoked or expired meanwhile is dropped,
the person is back to acting for themselves, and the next page they see tells them so.

Services that act for a party take the mandate as ``on_behalf_of`` and pass its id to the audit trail; the
view reads it with `current_party(request)`, which re-checks it, and never from the form::

    # applications/services.py
    @transaction.atomic
    def application_submit(*, applicant: User, on_behalf_of: Mandate | None, ...) -> Application:
        ...
        audit.record(
            actor=applicant,
            action="applications.submitted",
            target=application,
            on_behalf_of=str(on_behalf_of.pk) if on_behalf_of else "",
        )

    # applications/views.py
    application = services.application_submit(applicant=request.user, on_behalf_of=current_party(request), ...)

The audit record then says the representative did it, for the party of that mandate.
"""

import uuid

from django.http import HttpRequest

from vikno.identity.mandates import mandate_get_for_representative, mandates_active_for
from vikno.identity.models import Mandate
from vikno.identity.session import ACTING_FOR_KEY

DROPPED_KEY = "vikno.acting_for_dropped"  # {"party": name}: shown once, on the next page rendered
_CHECKED = "_vikno_current_party"  # the answer, kept on the request so one request checks once


def current_party(request: HttpRequest) -> Mandate | None:
    """The mandate the signed-in citizen acts under, still in force today; None when they act for themselves."""
    if hasattr(request, _CHECKED):
        return getattr(request, _CHECKED)
    party = _check(request)
    setattr(request, _CHECKED, party)
    return party


def _check(request: HttpRequest) -> Mandate | None:
    session = getattr(request, "session", None)
    mandate_id = session.get(ACTING_FOR_KEY) if session is not None else None
    if not mandate_id:
        return None
    user = request.user
    try:
        key = uuid.UUID(str(mandate_id))
    except ValueError:
        key = None
    mandate = mandates_active_for(user=user).filter(pk=key).first() if key else None
    if mandate is None:
        del session[ACTING_FOR_KEY]  # type: ignore[union-attr]
        try:
            name = mandate_get_for_representative(user=user, mandate_id=mandate_id).party_name
        except Mandate.DoesNotExist:
            name = ""
        session[DROPPED_KEY] = {"party": name}  # type: ignore[index]
    return mandate


def start_acting(request: HttpRequest, mandate: Mandate | None) -> None:
    """Keep the choice in the session (the caller has recorded it with `mandates.acting_for_change`), under a new
    session key: what the session may do has changed, so a key known before the change opens nothing after it."""
    request.session.cycle_key()
    if mandate is None:
        request.session.pop(ACTING_FOR_KEY, None)
    else:
        request.session[ACTING_FOR_KEY] = str(mandate.pk)
    request.session.pop(DROPPED_KEY, None)
    setattr(request, _CHECKED, mandate)


def acting_context(request: HttpRequest) -> dict:
    """Template context: `acting_for` (the Mandate or None) and `acting_for_dropped` ({"party": name} once,
    after a mandate in use was revoked or expired; else None). Costs no query unless the person acts for
    someone."""
    party = current_party(request)
    session = getattr(request, "session", None)
    dropped = session.pop(DROPPED_KEY, None) if session is not None and DROPPED_KEY in session else None
    return {"acting_for": party, "acting_for_dropped": dropped}
