"""The one "was this page useful?" answer per service page that a browser session may give, kept in the session
(the answer itself is stored with nothing about who gave it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from vikno.catalog.models import PublicService

SESSION_KEY = "vikno.feedback.page_votes"
# A session remembers its answers for this many pages at most (the oldest are forgotten first).
REMEMBERED = 200


@dataclass(frozen=True)
class SessionVote:
    vote_id: str
    useful: bool
    commented: bool


def page_vote_of(request: HttpRequest, service: PublicService) -> SessionVote | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    entry = stored.get(str(service.pk))
    if not isinstance(entry, dict):
        return None
    return SessionVote(
        vote_id=str(entry.get("vote", "")), useful=bool(entry.get("useful")), commented=bool(entry.get("commented"))
    )


def remember(request: HttpRequest, service: PublicService, vote: SessionVote) -> None:
    stored = request.session.get(SESSION_KEY)
    stored = dict(stored) if isinstance(stored, dict) else {}
    stored.pop(str(service.pk), None)
    stored[str(service.pk)] = {"vote": vote.vote_id, "useful": vote.useful, "commented": vote.commented}
    while len(stored) > REMEMBERED:
        stored.pop(next(iter(stored)))
    request.session[SESSION_KEY] = stored
